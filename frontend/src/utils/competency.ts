/**
 * Competency scores and gaps. Scores are Decimal strings on the 1–5 proficiency scale; the
 * gap is required − score (positive: still to close).
 */
import { i18n } from '@/i18n'
import { toNumber } from './kpi'

/** The KPI the under-performer analysis opens on (its month: usePerformancePeriods' start). */
export const DEFAULT_ANALYSIS_KPI = 'NEW_CUSTOMERS'

export const LEVELS = [1, 2, 3, 4, 5] as const

export type GapLevel = 'high' | 'mid' | 'low' | 'none'

/** ≥ 1.5 red, 0.5–1.5 amber, < 0.5 green, no gap (no score or no required level) grey. */
export function gapLevel(gap: string | number | null | undefined): GapLevel {
  const n = typeof gap === 'number' ? gap : toNumber(gap)
  if (n === null) return 'none'
  if (n >= 1.5) return 'high'
  if (n >= 0.5) return 'mid'
  return 'low'
}

export const GAP_TAG: Record<GapLevel, 'danger' | 'warning' | 'success' | 'info'> = {
  high: 'danger',
  mid: 'warning',
  low: 'success',
  none: 'info',
}

/** "3.05" → "3.05", "3" → "3", null → "—". */
export function formatScore(value: string | number | null | undefined, locale: string, digits = 2): string {
  const n = typeof value === 'number' ? value : toNumber(value)
  if (n === null) return '—'
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n)
}

/** A gap with its sign: "+0.83", "−1.33". */
export function formatGap(value: string | number | null | undefined, locale: string, digits = 2): string {
  const n = typeof value === 'number' ? value : toNumber(value)
  if (n === null) return '—'
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(Math.abs(n))
  if (text === '0') return '0'
  return `${n > 0 ? '+' : '−'}${text}`
}

const KNOWN = new Set(['COMMUNICATION', 'NEEDS_ANALYSIS', 'NEGOTIATION', 'PRODUCT_KNOWLEDGE', 'EQUIPMENT', 'QUALITY'])

/**
 * Competency names come from the server in Chinese. In English, the competencies the product
 * ships with get their English name; others (defined by HR) keep theirs.
 */
export function competencyName(competency: { code?: string | null; name: string } | null | undefined): string {
  if (!competency) return '—'
  if (i18n.global.locale.value === 'en' && competency.code && KNOWN.has(competency.code)) {
    return i18n.global.t(`competency.names.${competency.code}`)
  }
  return competency.name
}
