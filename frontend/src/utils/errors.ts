import type { CombinedError } from '@urql/vue'

/**
 * Fields the server refused to resolve: for each GraphQL error whose path lies under
 * `prefix` (e.g. ['employee'] or ['me', 'employee']), the rest of the path as a dotted
 * name without list indices, e.g. "baseSalary" or "manager.name".
 */
export function deniedFields(error: CombinedError | undefined, prefix: readonly string[]): Set<string> {
  const denied = new Set<string>()
  for (const e of error?.graphQLErrors ?? []) {
    const path = e.path
    if (!path || path.length <= prefix.length) continue
    if (!prefix.every((segment, i) => path[i] === segment)) continue
    const rest = path.slice(prefix.length).filter((s): s is string => typeof s === 'string')
    if (rest.length) denied.add(rest.join('.'))
  }
  return denied
}

/** Errors that are not about single fields under `prefix`: these deserve a visible alert. */
export function otherErrors(error: CombinedError | undefined, prefix: readonly string[]): string[] {
  if (!error) return []
  if (error.networkError) return [error.message]
  return error.graphQLErrors
    .filter((e) => {
      const path = e.path
      return !path || path.length <= prefix.length || !prefix.every((s, i) => path[i] === s)
    })
    .map((e) => e.message)
}
