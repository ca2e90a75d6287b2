/**
 * A performance-pay suspension's texts, the same on its card and in the pay page's list (and so
 * in that list's export): its condition and the unit its values are in.
 */
import type { KpiUnit, PaySuspensionsQuery } from '@/gql/graphql'
import { i18n } from '@/i18n'
import { formatKpiValue, kpiName } from '@/utils/kpi'

type Suspension = PaySuspensionsQuery['paySuspensions'][number]

/** The condition's values are the KPI's own (a unit total) or achievement percentages. */
export function suspensionValueUnit(s: Suspension): KpiUnit {
  return s.conditionKind === 'UNIT_TOTAL' ? (s.conditionKpi?.unit ?? 'COUNT') : 'PERCENT'
}

/** A value of the condition's measure, as shown. */
export function suspensionValue(s: Suspension, value: string | number | null | undefined): string {
  return formatKpiValue(value ?? null, suspensionValueUnit(s), i18n.global.locale.value)
}

/** The server words the condition in Chinese; in English it is put together here from the same fields. */
export function suspensionCondition(s: Suspension): string {
  const { t, locale } = i18n.global
  if (locale.value === 'zh-CN' && s.progress.description) return s.progress.description
  const kpi = s.conditionKpi ? kpiName(s.conditionKpi) : ''
  const measure = s.conditionKind === 'UNIT_TOTAL' ? kpi : t('pay.measureAchievement', { kpi })
  const n = s.conditionPeriods
  return t('pay.conditionText', {
    unit: s.unit?.name ?? '',
    measure,
    threshold: suspensionValue(s, s.conditionThreshold),
    periods: n > 1 ? t('pay.periodsMany', { n }) : t('pay.periodsOne'),
  })
}
