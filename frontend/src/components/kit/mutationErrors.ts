import type { FieldErrorLike } from './types'

/**
 * A mutation's outcome as the errors a FormDialog shows: the network or GraphQL error, a missing
 * payload (`fallback`), or the payload's typed `errors { field message code }`; [] when it worked.
 */
export function mutationErrors(
  result: { error?: { message: string } | null },
  payload: { errors: readonly FieldErrorLike[] } | null | undefined,
  fallback: string,
): readonly FieldErrorLike[] {
  if (result.error) return [{ message: result.error.message }]
  if (!payload) return [{ message: fallback }]
  return payload.errors
}
