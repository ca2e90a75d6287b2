/**
 * Mutation errors ({ field, message, code }) come from the server already in the user's
 * language (the SPA sends Accept-Language, the server keeps the message catalogues:
 * docs/architecture.md, "Languages"), so they are shown as they are; `field` puts each on
 * its form field, and the SPA's own field labels name the field of an error shown elsewhere.
 */
import { i18n } from '@/i18n'

export interface ServerError {
  field?: string | null
  message: string
  code?: string | null
}

interface Options {
  /** Prefix the field's name ("恢复月份：…"), for errors shown away from their field. */
  withField?: boolean
}

export function serverErrorText(error: ServerError, { withField = false }: Options = {}): string {
  const { t, te } = i18n.global
  const field = error.field ?? null
  if (withField && field && te(`serverErrors.fields.${field}`)) {
    return t('serverErrors.withField', { field: t(`serverErrors.fields.${field}`), message: error.message })
  }
  return error.message
}

/** Field → message for a form's `:error` props; errors without a field go to `general`. */
export function splitServerErrors(
  errors: readonly ServerError[],
  fields: readonly string[],
): { byField: Record<string, string>; general: string[] } {
  const byField: Record<string, string> = {}
  const general: string[] = []
  for (const error of errors) {
    if (error.field && fields.includes(error.field)) {
      byField[error.field] = byField[error.field] ?? serverErrorText(error)
    } else {
      general.push(serverErrorText(error, { withField: true }))
    }
  }
  return { byField, general }
}

/**
 * What went wrong with a mutation: the network or GraphQL error, or the payload's errors;
 * null when it worked.
 */
export function failureText(
  result: { error?: { message: string } | null },
  payload: { errors: readonly ServerError[] } | null | undefined,
  fallback: string,
): string | null {
  if (result.error) return result.error.message
  if (!payload) return fallback
  if (!payload.errors.length) return null
  return payload.errors.map((e) => serverErrorText(e, { withField: true })).join(' ')
}
