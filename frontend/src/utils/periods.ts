/**
 * KPI periods are Date scalars naming the first day of the month ("2026-03-01").
 *
 * No month is fixed here: the screens that read results offer the periods that hold data and
 * open where the server says (`usePerformancePeriods`); the forms that pick a month for
 * something to come (a target, a suspension, an event) open on the latest complete month in
 * China (`chinaLastMonth` in utils/attendance.ts).
 */

/** Months shown by default in trends. */
export const DEFAULT_MONTHS = 12

const PERIOD_RE = /^(\d{4})-(\d{2})(?:-\d{2})?$/

function parts(period: string): [number, number] {
  const m = PERIOD_RE.exec(period)
  if (!m) throw new Error(`not a period: ${period}`)
  return [Number(m[1]), Number(m[2])]
}

function format(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`
}

/** "2026-10-01" + (-11) → "2025-11-01". */
export function addMonths(period: string, n: number): string {
  const [year, month] = parts(period)
  const index = year * 12 + (month - 1) + n
  return format(Math.floor(index / 12), (index % 12) + 1)
}

/** The first day of the month a value ("2026-10", "2026-10-15") lies in. */
export function toPeriod(value: string): string {
  const [year, month] = parts(value)
  return format(year, month)
}

/** Months in a KPI period of each type (the server's PeriodType). */
const MONTHS_IN: Record<string, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 }

/** "2026-10-01" → "2026-10"; a quarterly KPI's "2026-10-01" → "2026-Q4", a yearly one's "2026-01-01" → "2026" (as the server's `label`). */
export function periodLabel(period: string, periodType: string = 'MONTH'): string {
  if (periodType === 'QUARTER') return `${period.slice(0, 4)}-Q${Math.floor((Number(period.slice(5, 7)) - 1) / 3) + 1}`
  if (periodType === 'YEAR') return period.slice(0, 4)
  return period.slice(0, 7)
}

/** The first day of the KPI period of this type that holds the month: "2026-11-01" → "2026-10-01" (a quarter), "2026-01-01" (a year). */
export function periodStart(period: string, periodType: string = 'MONTH'): string {
  const [year, month] = parts(period)
  const step = MONTHS_IN[periodType] ?? 1
  return format(year, Math.floor((month - 1) / step) * step + 1)
}

/** Every month from `from` to `to`, both included, oldest first. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = []
  for (let p = toPeriod(from); p <= to && out.length < 1200; p = addMonths(p, 1)) out.push(p)
  return out
}

/** The `months` months ending with `last`. */
export function lastMonths(last: string, months: number = DEFAULT_MONTHS): { from: string; to: string } {
  return { from: addMonths(last, -(months - 1)), to: last }
}

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-01$/.test(value)
}
