/** Amounts on an approval card: the server sends decimals as strings (CNY); shown with the
 * viewer's grouping, two decimals, and a sign where it is a change. */
export function money(value: string | null | undefined, locale: string, signed = false): string {
  if (value == null) return '—'
  const n = Number(value)
  if (Number.isNaN(n)) return value
  return `¥${n.toLocaleString(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: signed ? 'exceptZero' : 'auto',
  })}`
}
