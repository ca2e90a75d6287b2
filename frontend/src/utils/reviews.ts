/** Deadlines of rating tasks and times, as people read them. */
import { i18n } from '@/i18n'
import { formatInstant } from './time'

export type DueLevel = 'overdue' | 'soon' | 'ok'

/** Overdue (red), due within three days (amber), else plain. */
export function dueLevel(daysLeft: number): DueLevel {
  if (daysLeft < 0) return 'overdue'
  if (daysLeft <= 3) return 'soon'
  return 'ok'
}

/** "还剩 5 天" · "今天截止" · "已逾期 2 天". */
export function dueText(daysLeft: number): string {
  const { t } = i18n.global
  if (daysLeft < 0) return t('myReviews.overdue', { n: -daysLeft }, -daysLeft)
  if (daysLeft === 0) return t('myReviews.dueToday')
  return t('myReviews.daysLeft', { n: daysLeft }, daysLeft)
}

/** An instant in the company's zone (utils/time.ts). */
export function formatDateTime(value: string | null | undefined, locale: string): string {
  return formatInstant(value, locale)
}

/** "2026-12-31" as a date picker's Date (local midnight) and back. */
export function isoDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}
