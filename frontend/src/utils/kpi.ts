import type { KpiUnit } from '@/gql/graphql'

/** The order KPIs are offered in (the brochure's loop starts with new customers). */
const ORDER = ['NEW_CUSTOMERS', 'CONVERSION_RATE', 'REVENUE', 'CHURN_RATE']

export function sortKpis<T extends { code: string; name: string }>(kpis: readonly T[]): T[] {
  const rank = (code: string) => {
    const i = ORDER.indexOf(code)
    return i === -1 ? ORDER.length : i
  }
  return [...kpis].sort((a, b) => rank(a.code) - rank(b.code) || a.code.localeCompare(b.code))
}

export function toNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

/** A KPI value as people read it: 12 · 16.67% · ¥76,474. */
export function formatKpiValue(value: string | number | null | undefined, unit: KpiUnit, locale: string): string {
  const n = typeof value === 'number' ? value : toNumber(value)
  if (n === null) return '—'
  switch (unit) {
    case 'PERCENT':
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n)}%`
    case 'MONEY':
      return new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: 'CNY',
        maximumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2,
      }).format(n)
    default:
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n)
  }
}

/** Short values for chart axes: 7.6万 / 76K. */
export function formatAxisValue(n: number, unit: KpiUnit, locale: string): string {
  const short = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n)
  if (unit === 'PERCENT') return `${short}%`
  if (unit === 'MONEY') return `¥${short}`
  return short
}

export function formatPercent(value: string | number | null | undefined, locale: string): string {
  const n = typeof value === 'number' ? value : toNumber(value)
  if (n === null) return '—'
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n)}%`
}

export type AchievementLevel = 'good' | 'warn' | 'bad' | 'none'

/** ≥ 100 % green, 80–100 % amber, < 80 % red. */
export function achievementLevel(value: string | number | null | undefined): AchievementLevel {
  const n = typeof value === 'number' ? value : toNumber(value)
  if (n === null) return 'none'
  if (n >= 100) return 'good'
  if (n >= 80) return 'warn'
  return 'bad'
}

/** Element Plus's success / warning / danger colours, for charts (which need plain colours). */
export const LEVEL_COLORS: Record<AchievementLevel, string> = {
  good: '#67c23a',
  warn: '#e6a23c',
  bad: '#f56c6c',
  none: '#c0c4cc',
}

export const LEVEL_TAG: Record<AchievementLevel, 'success' | 'warning' | 'danger' | 'info'> = {
  good: 'success',
  warn: 'warning',
  bad: 'danger',
  none: 'info',
}

import { i18n } from '@/i18n'

const KNOWN_KPIS = new Set(ORDER)

/**
 * KPI names come from the server in Chinese. In English, the KPIs the product ships with
 * get their English name; others (defined by HR) keep theirs.
 */
export function kpiName(kpi: { code: string; name: string }): string {
  if (i18n.global.locale.value === 'en' && KNOWN_KPIS.has(kpi.code)) {
    return i18n.global.t(`kpi.names.${kpi.code}`)
  }
  return kpi.name
}
