/**
 * Instants as the company reads them (issue 21 point 4): the server stores UTC and answers
 * ISO instants with an offset; the SPA shows them in the company's zone (`me.companyTimeZone`,
 * Asia/Shanghai unless HQ HR named another) — never in the browser's, so a laptop in Berlin
 * still reads Shanghai's 09:00. A session is shown in its own zone: the server answers its
 * times with that zone's offset, which `sessionSpan` reads. Every instant on screen goes
 * through this file.
 */

import { ref } from 'vue'

export const DEFAULT_ZONE = 'Asia/Shanghai'

// A ref: what was shown before `me` answered is shown again in the zone it names.
const companyZone = ref(DEFAULT_ZONE)

/** Set once `me` answers (AppLayout). */
export function setCompanyZone(zone: string | null | undefined): void {
  companyZone.value = zone || DEFAULT_ZONE
}

export function companyTimeZone(): string {
  return companyZone.value
}

type Style = 'datetime' | 'date' | 'short' | 'time'

const STYLES: Record<Style, Intl.DateTimeFormatOptions> = {
  // 2026/12/10 09:00 · 10/12/2026, 09:00
  datetime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  // 12/10 09:00
  short: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
}

function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GB' : locale
}

/** An instant in `zone` (the company's by default); '—' for none, the text itself when unreadable. */
export function formatInstant(value: string | null | undefined, locale: string, style: Style = 'datetime', zone: string = companyZone.value): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return new Intl.DateTimeFormat(intlLocale(locale), { ...STYLES[style], timeZone: zone }).format(d)
}

/** Today's date in `zone` as "YYYY-MM-DD". */
export function todayIn(zone: string = companyZone.value, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** The date of an instant in `zone`, "YYYY-MM-DD". */
export function dateIn(value: string, zone: string = companyZone.value): string {
  return todayIn(zone, new Date(value))
}

const OFFSET = /(?:([+-])(\d{2}):?(\d{2})|Z)$/

/**
 * The wall clock an ISO instant names in its own offset, as a Date whose UTC fields hold it
 * ("2026-12-10T09:00:00+08:00" → 09:00 UTC): format it with timeZone 'UTC'. Null without an offset.
 */
function ownWallClock(value: string): Date | null {
  const d = new Date(value)
  const m = OFFSET.exec(value)
  if (Number.isNaN(d.getTime()) || !m) return null
  const minutes = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0
  return new Date(d.getTime() + minutes * 60_000)
}

/** "2026-12-10T09:00:00" of an instant in its own offset: a date-time picker's value (FormDialog's 'datetime'). */
export function wallClockInput(value: string | null | undefined): string {
  if (!value) return ''
  const d = ownWallClock(value)
  return d ? d.toISOString().slice(0, 19) : value
}

/**
 * A session's time where it is held: "2026年12月10日周四 09:00–17:00" / "Thu, 10 Dec 2026 09:00–17:00"
 * (the end with its date when on another day). In `zone` when given, else in the offset its
 * times carry (the session's zone, as the server answers), else the company's.
 */
export function sessionSpan(start: string, end: string | null | undefined, locale: string, zone?: string | null): string {
  const shifted = !zone && ownWallClock(start)
  const tz = zone || (shifted ? 'UTC' : companyZone.value)
  const at = (value: string) => (zone ? new Date(value) : (ownWallClock(value) ?? new Date(value)))
  const a = at(start)
  if (Number.isNaN(a.getTime())) return start
  const day = (d: Date) => new Intl.DateTimeFormat(locale, { timeZone: tz, year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' }).format(d)
  const hm = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d)
  const b = end ? at(end) : null
  if (!b || Number.isNaN(b.getTime())) return `${day(a)} ${hm(a)}`
  return day(a) === day(b) ? `${day(a)} ${hm(a)}–${hm(b)}` : `${day(a)} ${hm(a)} – ${day(b)} ${hm(b)}`
}
