import { ElMessage, ElMessageBox } from 'element-plus'
import { serverErrorText } from '@/utils/serverErrors'
import type { FieldErrorLike } from './types'

/**
 * A row's action that asks first (remove, revoke, end): confirm `question`, run the mutation
 * (`run` answers its errors, as `mutationErrors` does), then say `done` or the server's errors.
 * True when it ran without errors.
 */
export async function confirmThenRun(question: string, run: () => Promise<readonly FieldErrorLike[]>, done: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(question, { type: 'warning' })
  } catch {
    return false
  }
  const problems = await run()
  if (problems.length) {
    ElMessage.error(problems.map((e) => serverErrorText(e)).join(' '))
    return false
  }
  ElMessage.success(done)
  return true
}
