import { ElMessage, ElMessageBox } from 'element-plus'
import { serverErrorText } from '@/utils/serverErrors'
import type { FieldErrorLike } from './types'

/** Ask for a reason with the question (cancel a session): `label` on the box, `required` when empty. */
export interface ReasonPrompt {
  label: string
  required: string
}

/**
 * A row's action that asks first (remove, revoke, end): confirm `question`, run the mutation
 * (`run` answers its errors, as `mutationErrors` does), then say `done` or the server's errors.
 * With `reason`, the box asks for one too and hands it to `run`. True when it ran without errors.
 */
export async function confirmThenRun(
  question: string,
  run: (reason: string) => Promise<readonly FieldErrorLike[]>,
  done: string,
  reason?: ReasonPrompt,
): Promise<boolean> {
  let given = ''
  try {
    if (reason) {
      const answer = await ElMessageBox.prompt(question, {
        type: 'warning',
        inputPlaceholder: reason.label,
        inputValidator: (value: string) => (value ?? '').trim().length > 0 || reason.required,
        inputErrorMessage: reason.required,
      })
      given = (answer as { value?: string }).value?.trim() ?? ''
    } else {
      await ElMessageBox.confirm(question, { type: 'warning' })
    }
  } catch {
    return false
  }
  const problems = await run(given)
  if (problems.length) {
    ElMessage.error(problems.map((e) => serverErrorText(e)).join(' '))
    return false
  }
  ElMessage.success(done)
  return true
}
