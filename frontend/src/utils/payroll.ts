/** Money and months on payroll screens: the API sends amounts as Decimal strings (exact to the fen). */

export function formatMoney(value: string | null | undefined, locale: string): string {
  if (value === null || value === undefined || value === '') return '—'
  const n = Number(value)
  if (!Number.isFinite(n)) return value
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'CNY',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(n)
}

/** "2026-10-01" → "2026年10月" / "Oct 2026". */
export function monthLabel(month: string, locale: string): string {
  const [year, m] = month.split('-').map(Number)
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, m - 1, 1)),
  )
}

/** The change from `before` to `now` as a signed amount string, or null without a before. */
export function change(now: string, before: string | null | undefined): number | null {
  if (before === null || before === undefined) return null
  return Math.round((Number(now) - Number(before)) * 100) / 100
}

/** The first day of the month before the current one, as "YYYY-MM-01". */
export function previousMonth(today = new Date()): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1))
  return d.toISOString().slice(0, 10)
}

/** A rate as a percentage without trailing zeros: "0.0300" → "3", "0.0026" → "0.26". */
export function ratePercent(rate: string): string {
  return (Number(rate) * 100).toFixed(2).replace(/\.?0+$/, '')
}
