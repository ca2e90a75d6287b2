/**
 * Courses, sessions and enrolments as people read them: formats, session times and seats,
 * enrolment statuses, money and the measured effect of a course.
 */
import type { CombinedError } from '@urql/vue'
import type { CourseFormat, CourseKind, EnrollmentStatus } from '@/gql/graphql'
import { toNumber } from './kpi'
import { formatInstant, sessionSpan } from './time'
import type { ServerError } from './serverErrors'

export const COURSE_FORMATS: readonly CourseFormat[] = ['ONLINE', 'WORKSHOP', 'BLENDED', 'MENTORING']

/** Formats that run in scheduled sessions (one must be chosen to enrol). */
export function hasSessions(format: CourseFormat): boolean {
  return format === 'WORKSHOP' || format === 'BLENDED'
}

export const FORMAT_TAG: Record<CourseFormat, 'primary' | 'success' | 'warning' | 'info'> = {
  ONLINE: 'primary',
  WORKSHOP: 'success',
  BLENDED: 'warning',
  MENTORING: 'info',
}

/** Statuses in the order "my learning" lists them. */
export const ENROLLMENT_ORDER: readonly EnrollmentStatus[] = ['IN_PROGRESS', 'ENROLLED', 'PENDING', 'WAITLISTED', 'COMPLETED', 'CANCELLED']

export const STATUS_TAG: Record<EnrollmentStatus, 'primary' | 'success' | 'warning' | 'info' | 'danger'> = {
  IN_PROGRESS: 'primary',
  ENROLLED: 'primary',
  PENDING: 'warning',
  WAITLISTED: 'warning',
  COMPLETED: 'success',
  CANCELLED: 'info',
}

/** Enrolments that can still be cancelled or worked on. */
export function isOpenEnrollment(status: EnrollmentStatus): boolean {
  return status === 'PENDING' || status === 'WAITLISTED' || status === 'ENROLLED' || status === 'IN_PROGRESS'
}

export interface SessionLike {
  startsAt: string
  endsAt: string
  capacity: number
  seatsTaken: number
  waitlisted?: number
}

export function seatsLeft(session: SessionLike): number {
  return Math.max(0, session.capacity - session.seatsTaken)
}

export function isFull(session: SessionLike): boolean {
  return seatsLeft(session) === 0
}

/**
 * "2026年12月10日周四 09:00–17:00" where the session is held (its zone, whatever the browser's;
 * utils/time.ts), the end with its date when on another day.
 */
export function formatSessionTime(session: { startsAt: string; endsAt: string; timeZone?: string | null }, locale: string): string {
  return sessionSpan(session.startsAt, session.endsAt, locale, session.timeZone)
}

/** A calendar date ("2026-12-10") as it is, an instant as the company's date. */
export function formatDate(value: string | null | undefined, locale: string): string {
  if (!value) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatInstant(`${value}T12:00:00Z`, locale, 'date', 'UTC')
  return formatInstant(value, locale, 'date')
}

/** "6.0" hours → "6", "1.5" → "1.5". */
export function formatHours(value: string | number | null | undefined, locale: string): string {
  const n = typeof value === 'number' ? value : toNumber(value)
  if (n === null) return '—'
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n)
}

/** Money in whole yuan for overviews: ¥200,000. */
export function formatYuan(value: string | number | null | undefined, locale: string): string {
  const n = typeof value === 'number' ? value : toNumber(value)
  if (n === null) return '—'
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(n)
}

/**
 * A course's measured effect is a relative KPI change of participants over the comparison
 * group (0.25 = +25 %); shown with its sign.
 */
export function formatEffect(value: string | null | undefined, locale: string): string | null {
  const n = toNumber(value)
  if (n === null) return null
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(Math.abs(n * 100))
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${text}%`
}

/**
 * Errors of a query other than the cost block: `cost` is for HR and executives, others get it as
 * null with an error naming the field, which the screens simply leave out.
 */
export function errorsBesidesCost(error: CombinedError | undefined): string[] {
  if (!error) return []
  if (error.networkError) return [error.message]
  return error.graphQLErrors.filter((e) => e.path?.[e.path.length - 1] !== 'cost').map((e) => e.message)
}

/** A scored attempt, as the test runner shows it. */
export interface ScoredAttempt {
  id: string
  /** Null until submitted. */
  score?: number | null
  maxScore?: number | null
  level?: number | null
}

/** What submitting a test's answers some other way (e.g. a course exam) brings back. */
export interface SubmitOutcome {
  attempt: ScoredAttempt | null
  errors: ServerError[]
  networkError?: string | null
}

export type SubmitAnswers = (answers: { questionId: string; keys: string[] }[]) => Promise<SubmitOutcome>

/** A course's own fields, as HQ HR edits them (updateCourse). */
export interface EditableCourse {
  id: string
  code: string
  title: string
  format: CourseFormat
  kind: CourseKind
  durationHours: string
  provider: string
  description: string
  passLevel: number
}
