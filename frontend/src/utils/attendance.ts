import { DEFAULT_ZONE, formatInstant, todayIn } from './time'

/**
 * Attendance days are China's (the server judges them in Asia/Shanghai, as the work calendar);
 * punch times are shown in the company's zone like every instant (utils/time.ts).
 */

/** Today in China as "YYYY-MM-DD". */
export function chinaToday(now: Date = new Date()): string {
  return todayIn(DEFAULT_ZONE, now)
}

/** The first day of this month in China, "YYYY-MM-01". */
export function chinaMonth(now: Date = new Date()): string {
  return `${chinaToday(now).slice(0, 7)}-01`
}

/** "2026-11-02T01:07:00+00:00" → "09:07" in the company's zone (Asia/Shanghai by default). */
export function chinaTime(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return formatInstant(value, 'en', 'time')
}

/** The China date of a moment, "YYYY-MM-DD". */
export function chinaDate(value: string): string {
  return chinaToday(new Date(value))
}

/** "2026-11-02" → "11月2日 周一" / "Mon 2 Nov". */
export function dayLabel(day: string, locale: string): string {
  const d = new Date(`${day}T12:00:00Z`) // a calendar day: noon UTC is that day everywhere we format it
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', day: 'numeric', weekday: 'short' }).format(d)
}

/** Minutes → hours with at most two decimals ("1.5"). */
export function hours(minutes: number): string {
  return String(Math.round((minutes / 60) * 100) / 100)
}

/** What a day's figures say: leave, absent, missing punch, late, early, overtime, the cap. */
export interface AttendanceDayFigures {
  leaveType?: string | null
  absent: boolean
  missingPunch: boolean
  /** The state of the day's correction request (补卡), if one was asked for. */
  correction?: string | null
  lateMinutes: number
  earlyMinutes: number
  overtimeWorkdayMinutes: number
  overtimeRestDayMinutes: number
  overtimeHolidayMinutes: number
  overDailyCap: boolean
}
export type DayMarkTone = 'primary' | 'danger' | 'warning' | 'success' | 'info'

/**
 * A day's marks in order, each a tone and its text: the tags a screen draws and the same texts
 * an exported list holds (`AttendanceDayTags`, the sheet's day view, one's own month). A missing
 * punch (缺卡) is neutral, not an alarm: it is no absence until decided, and the state of its
 * correction (补卡) shows beside it.
 */
export function dayMarks(
  day: AttendanceDayFigures,
  t: (key: string, values?: Record<string, unknown>) => string,
): { tone: DayMarkTone; text: string; testid?: string; plain?: boolean }[] {
  const overtime = day.overtimeWorkdayMinutes + day.overtimeRestDayMinutes + day.overtimeHolidayMinutes
  const correctionTone: Record<string, DayMarkTone> = { PENDING: 'info', APPROVED: 'success', REJECTED: 'warning', CANCELLED: 'info' }
  const marks: [boolean, DayMarkTone, () => string, string?, boolean?][] = [
    [Boolean(day.leaveType), 'primary', () => t(`timeAttendance.leaveType.${day.leaveType}`)],
    [day.absent, 'danger', () => t('timeAttendance.month.absent'), 'day-status-absent'],
    [day.missingPunch, 'info', () => t('timeAttendance.month.missing'), 'day-status-missing'],
    [Boolean(day.correction), correctionTone[day.correction ?? ''] ?? 'info', () => t(`timeAttendance.correction.${day.correction}`), 'day-correction', true],
    [day.lateMinutes > 0, 'warning', () => t('timeAttendance.month.lateBy', { n: day.lateMinutes })],
    [day.earlyMinutes > 0, 'warning', () => t('timeAttendance.month.earlyBy', { n: day.earlyMinutes })],
    [overtime > 0, 'success', () => t('timeAttendance.month.otBy', { h: hours(overtime) })],
    [day.overDailyCap, 'danger', () => t('timeAttendance.month.capDay')],
  ]
  return marks.filter(([on]) => on).map(([, tone, text, testid, plain]) => ({ tone, text: text(), testid, plain }))
}

/** Save a base64 file the API returned. */
export function downloadBase64(fileName: string, contentType: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** The first day of last month in China, "YYYY-MM-01": the last complete month. */
export function chinaLastMonth(now: Date = new Date()): string {
  const [year, month] = chinaToday(now).slice(0, 7).split('-').map(Number)
  const last = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`
  return `${last}-01`
}
