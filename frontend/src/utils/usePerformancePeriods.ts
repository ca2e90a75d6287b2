/**
 * The KPI periods a screen offers and the one it opens on, from the server's
 * `performancePeriods(kpiId?)`: the periods that hold records in the viewer's scope (of one
 * KPI, or any), and `start` — for a manager the latest month their team missed the KPI's
 * target, else the latest closed month, else the latest with data. Shared by the KPI dashboard,
 * My KPIs and the capability analysis, so that a month imported after the others (2026-11 after
 * a demo ending in 2026-10) shows on each of them.
 */
import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import { useQuery } from '@urql/vue'
import { graphql } from '@/gql'
import { chinaLastMonth } from '@/utils/attendance'
import { DEFAULT_MONTHS, lastMonths, periodStart, periodsBetween } from '@/utils/periods'

const PerformancePeriodsQuery = graphql(`
  query PerformancePeriods($kpiId: ID) {
    performancePeriods(kpiId: $kpiId) {
      periods {
        period
        label
        complete
      }
      start
      startReason
      missedUnitId
    }
  }
`)

export interface PerformancePeriodsOptions {
  /** One KPI's periods; none (or null): the periods of any KPI. */
  kpiId?: MaybeRefOrGetter<string | null | undefined>
  /** The KPI's period type, for the fallback below (quarters, years). */
  periodType?: MaybeRefOrGetter<string | null | undefined>
  /** Ask nothing while true (the KPI not known yet, say). */
  pause?: MaybeRefOrGetter<boolean>
}

export function usePerformancePeriods(options: PerformancePeriodsOptions = {}) {
  const query = useQuery({
    query: PerformancePeriodsQuery,
    variables: computed(() => ({ kpiId: toValue(options.kpiId) || null })),
    pause: computed(() => Boolean(toValue(options.pause))),
  })
  const overview = computed(() => query.data.value?.performancePeriods ?? null)
  const periodType = computed(() => toValue(options.periodType) || 'MONTH')
  /**
   * The periods that hold data, oldest first; when none does (a new KPI, an empty company), the
   * twelve months ending with the latest complete month in China.
   */
  const periods = computed(() => {
    const found = (overview.value?.periods ?? []).map((p) => p.period).sort()
    if (found.length) return found
    const fallback = lastMonths(chinaLastMonth(), DEFAULT_MONTHS)
    return [...new Set(periodsBetween(fallback.from, fallback.to).map((p) => periodStart(p, periodType.value)))]
  })
  const latest = computed(() => periods.value[periods.value.length - 1])
  /** Where the screen opens: the server's choice, else the latest period. */
  const start = computed(() => overview.value?.start ?? latest.value)
  /** Answered (or failed): a screen waits for it so that its first request asks for `start`. */
  const ready = computed(() => Boolean(query.data.value || query.error.value))
  const complete = (period: string) => overview.value?.periods.some((p) => p.period === period && p.complete) ?? false
  return { overview, periods, latest, start, ready, complete, error: query.error, fetching: query.fetching }
}
