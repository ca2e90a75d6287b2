/**
 * Mutation errors ({ field, message, code }) come from the server in English. In the
 * Chinese UI they are shown by their stable `code` (and, where a sentence fits better,
 * by field and code); anything without a translation falls back to the server's text.
 */
import { i18n } from '@/i18n'

export interface ServerError {
  field?: string | null
  message: string
  code?: string | null
}

interface Options {
  /** Prefix the field's name ("恢复月份：输入无效"), for errors shown away from their field. */
  withField?: boolean
}

export function serverErrorText(error: ServerError, { withField = false }: Options = {}): string {
  const { t, te, locale } = i18n.global
  if (locale.value !== 'zh-CN' || !error.code) return error.message
  const code = error.code
  const field = error.field ?? null
  if (field && te(`serverErrors.specific.${field}.${code}`)) {
    return t(`serverErrors.specific.${field}.${code}`)
  }
  if (!te(`serverErrors.codes.${code}`)) return error.message
  const text = t(`serverErrors.codes.${code}`)
  if (withField && field && te(`serverErrors.fields.${field}`)) {
    return t('serverErrors.withField', { field: t(`serverErrors.fields.${field}`), message: text })
  }
  return text
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
 * What went wrong with a mutation, in the user's language: the network or GraphQL error, or
 * the payload's errors (with `withServerText`, the server's own words added where the
 * translation differs); null when it worked.
 */
export function failureText(
  result: { error?: { message: string } | null },
  payload: { errors: readonly ServerError[] } | null | undefined,
  fallback: string,
  { withServerText = false }: { withServerText?: boolean } = {},
): string | null {
  if (result.error) return result.error.message
  if (!payload) return fallback
  if (!payload.errors.length) return null
  return payload.errors
    .map((e) => {
      const text = serverErrorText(e, { withField: true })
      return withServerText && text !== e.message ? `${text}（${e.message}）` : text
    })
    .join(' ')
}
