/**
 * The training-effect report (培训效果与绩效影响报告): what it is asked for (kept in the URL so a
 * link reproduces it), and how its figures read — signed differences, 95 % intervals, and
 * "not conclusive" with the reason instead of a number that is no claim.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { KpiUnit } from '@/gql/graphql'
import { i18n } from '@/i18n'
import { addMonths, isPeriod, periodLabel } from './periods'

/** The months the report may span (the server's MAX_PERIODS). */
export const MAX_REPORT_MONTHS = 36
export const DEFAULT_HORIZON = 6

export interface ReportChoice {
  /** Course code. */
  course: string
  /** KPI code. */
  kpi: string
  /** Unit code; null for everything the viewer may see. */
  unit: string | null
  preFrom: string
  preTo: string
  postFrom: string
  postTo: string
  horizon: number
  excludeEvents: boolean
}

function one(value: LocationQuery[string] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' && v !== '' ? v : null
}

/** "2026-03" (or "2026-03-01") → "2026-03-01"; anything else null. */
function monthOf(value: string | null): string | null {
  if (!value) return null
  const m = /^(\d{4})-(\d{2})(?:-01)?$/.exec(value)
  if (!m) return null
  const period = `${m[1]}-${m[2]}-01`
  return isPeriod(period) && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? period : null
}

/** A choice as the URL has it: each part may be missing or malformed (null), the defaults fill it. */
export type UrlChoice = { [K in keyof ReportChoice]: ReportChoice[K] | null }

/** What the URL asks for. */
export function readChoice(query: LocationQuery): UrlChoice {
  const horizon = Number(one(query.horizon))
  const exclude = one(query.exclude)
  return {
    course: one(query.course),
    kpi: one(query.kpi),
    unit: one(query.unit),
    preFrom: monthOf(one(query.preFrom)),
    preTo: monthOf(one(query.preTo)),
    postFrom: monthOf(one(query.postFrom)),
    postTo: monthOf(one(query.postTo)),
    horizon: Number.isInteger(horizon) && horizon >= 1 && horizon <= 36 ? horizon : null,
    excludeEvents: exclude === '1' ? true : exclude === '0' ? false : null,
  }
}

/** The whole choice in the URL (not only what differs from the defaults, which move with the data). */
export function choiceQuery(choice: ReportChoice): LocationQueryRaw {
  const query: LocationQueryRaw = {
    course: choice.course,
    kpi: choice.kpi,
    preFrom: periodLabel(choice.preFrom),
    preTo: periodLabel(choice.preTo),
    postFrom: periodLabel(choice.postFrom),
    postTo: periodLabel(choice.postTo),
    horizon: String(choice.horizon),
    exclude: choice.excludeEvents ? '1' : '0',
  }
  if (choice.unit) query.unit = choice.unit
  return query
}

/** The months are in order, the pre period ends before the post period starts, ≤ 36 in all. */
export function monthsValid(c: Pick<ReportChoice, 'preFrom' | 'preTo' | 'postFrom' | 'postTo'>): boolean {
  return (
    c.preFrom <= c.preTo &&
    c.preTo < c.postFrom &&
    c.postFrom <= c.postTo &&
    addMonths(c.preFrom, MAX_REPORT_MONTHS - 1) >= c.postTo
  )
}

// ---- reading the figures

function nf(locale: string, digits: number) {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 })
}

function sign(n: number, text: string): string {
  if (/^0([.,]0*)?$/.test(text)) return text
  return `${n > 0 ? '+' : '−'}${text}`
}

/** A change in the KPI's own unit, signed: +0.75 · +3.2 pp · +¥1,200. */
export function formatDelta(value: number | null | undefined, unit: KpiUnit, locale: string, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const abs = Math.abs(value)
  switch (unit) {
    case 'PERCENT':
      return i18n.global.t('report.points', { value: sign(value, nf(locale, digits).format(abs)) })
    case 'MONEY':
      return sign(value, new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', maximumFractionDigits: abs >= 1000 ? 0 : 2 }).format(abs))
    default:
      return sign(value, nf(locale, digits).format(abs))
  }
}

/** A ratio as a signed percent: 0.25 → +25%. */
export function formatRelative(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return `${sign(value, nf(locale, 1).format(Math.abs(value) * 100))}%`
}

/** A 95 % interval of a change: [+0.48, +1.02]. */
export function formatInterval(
  interval: { low: number; high: number } | null | undefined,
  format: (n: number) => string,
): string {
  if (!interval) return '—'
  return `[${format(interval.low)}, ${format(interval.high)}]`
}

/** A correlation coefficient: 0.40, −0.12. */
export function formatR(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return sign(value, new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(value)))
}

/** A plain number with up to `digits` decimals (KPI means, ratios). */
export function formatNumber(value: number | string | null | undefined, locale: string, digits = 2): string {
  const n = typeof value === 'string' ? Number(value) : value
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return nf(locale, digits).format(n)
}

/** How a conclusive change reads: good when it moves the KPI the right way. */
export function effectTone(
  value: number | null | undefined,
  conclusive: boolean,
  direction: 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER' | null | undefined,
): 'good' | 'bad' | 'neutral' {
  if (!conclusive || value === null || value === undefined || value === 0) return 'neutral'
  return value > 0 === (direction !== 'LOWER_IS_BETTER') ? 'good' : 'bad'
}
