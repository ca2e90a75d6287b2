"""Daily results and monthly statistics, computed from punches, the rule set, the work
calendar and approved leave. Pure functions: no database here.

Overtime pay rates, 劳动法 art. 44: after hours on a workday 150 %, on a rest day (without
compensatory time off) 200 %, on a statutory holiday 300 %. Caps, art. 41: at most 3 hours a
day and 36 hours a month — exceeding them is flagged, not refused (the work was done).

Where the rule set wants overtime approved (`Shift.overtime_needs_approval`), a day's
overtime counts only up to the hours approved for that day (an approved OvertimeRequest:
劳动法 art. 41 lets the employer extend working hours after consulting, so hours nobody
arranged are not overtime to pay at the art. 44 rates), and never more than the punches show.
The caller passes the approved minutes in: nothing here reads the database.

A workday of the standard system with no punch, or with one, is a missing punch (缺卡), not
an absence (旷工): a forgotten clock-in is the commonest cause, and the employee puts it right
with a correction (补卡, attendance/corrections.py). It becomes an absence only when it is
decided: the correction asked for it was rejected (the caller passes `absence_decided`).
Undecided, it counts in no absence figure, so payroll deducts nothing for it
(payroll/attendance.py); HR who judge it an absence without a request enter the day as a
payroll item (ABSENCE_DAYS). Lateness or leaving early beyond the rule set's thresholds is an
absence as before: the punches decide it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum

from talentloop.attendance.calendar import DayKind, day_kind, holiday_name
from talentloop.attendance.models import CorrectionStatus, HoursSystem, LeaveType

# China Standard Time has had no daylight saving since 1991.
CHINA = timezone(timedelta(hours=8), "CST")

# 国务院关于职工工作时间的规定 art. 3: 8 hours a day, 40 hours a week.
STANDARD_DAY_MINUTES = 8 * 60
# 劳动法 art. 41: overtime at most 3 hours a day and 36 hours a month.
OVERTIME_DAY_CAP_MINUTES = 3 * 60
OVERTIME_MONTH_CAP_MINUTES = 36 * 60


@dataclass(frozen=True)
class Shift:
    """The part of a rule set a day is judged by."""

    hours_system: HoursSystem
    work_start: time
    work_end: time
    break_start: time | None = None
    break_end: time | None = None
    grace_minutes: int = 0
    late_absent_minutes: int = 120
    early_absent_minutes: int = 120
    overtime_unit_minutes: int = 30
    overtime_needs_approval: bool = False


class DayStatus(StrEnum):
    """What a day comes to, in one word (the flags beside it say the details)."""

    NORMAL = "normal"  # worked (late or early minutes, if any, are flags)
    MISSING_PUNCH = "missing_punch"  # 缺卡: no punch or one, not decided yet
    ABSENT = "absent"  # 旷工: beyond a threshold, or a missing punch decided as absence
    LEAVE = "leave"  # approved leave
    OFF = "off"  # a rest day or holiday without work
    OPEN = "open"  # today or a day without a rule to judge it by (no punch under 综合 / 不定时)


@dataclass
class DayResult:
    day: date
    kind: DayKind
    holiday: str | None
    first_in: datetime | None = None  # local time
    last_out: datetime | None = None
    punches: int = 0
    worked_minutes: int = 0
    late_minutes: int = 0
    early_minutes: int = 0
    absent: bool = False
    missing_punch: bool = False
    leave_type: LeaveType | None = None
    overtime_workday_minutes: int = 0
    overtime_rest_day_minutes: int = 0
    overtime_holiday_minutes: int = 0
    over_daily_cap: bool = False
    # Where overtime needs approval: the minutes approved for the day (else None), and the
    # overtime the punches show beyond them, which does not count.
    overtime_approved_minutes: int | None = None
    overtime_unapproved_minutes: int = 0
    # The day's latest punch correction (补卡) not withdrawn: pending, approved or rejected.
    correction: CorrectionStatus | None = None

    @property
    def status(self) -> DayStatus:
        if self.absent:
            return DayStatus.ABSENT
        if self.missing_punch:
            return DayStatus.MISSING_PUNCH
        if self.leave_type is not None and self.kind is DayKind.WORKDAY:
            return DayStatus.LEAVE
        if self.punches:
            return DayStatus.NORMAL
        return DayStatus.OPEN if self.kind is DayKind.WORKDAY else DayStatus.OFF

    @property
    def is_late(self) -> bool:
        return self.late_minutes > 0

    @property
    def left_early(self) -> bool:
        return self.early_minutes > 0

    @property
    def overtime_minutes(self) -> int:
        return (
            self.overtime_workday_minutes
            + self.overtime_rest_day_minutes
            + self.overtime_holiday_minutes
        )


@dataclass
class MonthSummary:
    workdays: int = 0  # scheduled workdays of the month (by the calendar)
    days_present: int = 0
    late_count: int = 0
    late_minutes: int = 0
    early_count: int = 0
    early_minutes: int = 0
    absent_days: int = 0
    missing_punch_days: int = 0
    worked_minutes: int = 0
    leave_days: dict[LeaveType, int] = field(default_factory=dict)
    overtime_workday_minutes: int = 0
    overtime_rest_day_minutes: int = 0
    overtime_holiday_minutes: int = 0
    days_over_daily_cap: int = 0
    # Where overtime needs approval: the overtime worked beyond the approved hours (not counted).
    overtime_unapproved_minutes: int = 0

    @property
    def overtime_minutes(self) -> int:
        return (
            self.overtime_workday_minutes
            + self.overtime_rest_day_minutes
            + self.overtime_holiday_minutes
        )

    @property
    def over_monthly_cap(self) -> bool:
        return self.overtime_minutes > OVERTIME_MONTH_CAP_MINUTES


def local(moment: datetime) -> datetime:
    return moment.astimezone(CHINA)


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=CHINA)


def _minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> int:
    return _minutes(min(a1, b1) - max(a0, b0))


def _worked(shift: Shift, day: date, start: datetime, end: datetime) -> int:
    """Minutes between two punches less the part that falls in the break."""
    total = _minutes(end - start)
    if shift.break_start and shift.break_end:
        total -= _overlap(start, end, at(day, shift.break_start), at(day, shift.break_end))
    return max(0, total)


def evaluate_day(
    shift: Shift,
    day: date,
    punches: Sequence[datetime],
    leave: LeaveType | None = None,
    *,
    today: date | None = None,
    approved_overtime_minutes: int = 0,
    absence_decided: bool = False,
) -> DayResult:
    """One employee's day. Punches may come in any order and repeat: the first is the
    clock-in, the last the clock-out. A day that has not ended is not judged. A missing punch
    is an absence only once `absence_decided` (its correction rejected). Where the shift
    needs overtime approved, `approved_overtime_minutes` caps the day's overtime."""
    kind = day_kind(day)
    result = DayResult(day=day, kind=kind, holiday=holiday_name(day), leave_type=leave)
    if shift.overtime_needs_approval:
        result.overtime_approved_minutes = approved_overtime_minutes
    _judge(shift, result, punches, leave, today)
    if result.missing_punch and absence_decided and kind is DayKind.WORKDAY:
        result.missing_punch = False
        result.absent = True
    if shift.overtime_needs_approval:
        _cap_to_approved(result, approved_overtime_minutes)
    result.over_daily_cap = result.overtime_minutes > OVERTIME_DAY_CAP_MINUTES
    return result


def _cap_to_approved(result: DayResult, approved: int) -> None:
    """Count a day's overtime only up to the approved minutes (the punches still cap it)."""
    left = max(0, approved)
    for name in (
        "overtime_workday_minutes",
        "overtime_rest_day_minutes",
        "overtime_holiday_minutes",
    ):
        shown = getattr(result, name)
        counted = min(shown, left)
        left -= counted
        result.overtime_unapproved_minutes += shown - counted
        setattr(result, name, counted)


def _judge(
    shift: Shift,
    result: DayResult,
    punches: Sequence[datetime],
    leave: LeaveType | None,
    today: date | None,
) -> None:
    day, kind = result.day, result.kind
    ordered = sorted(local(p) for p in punches)
    result.punches = len(ordered)
    judged = today is None or day < today
    if leave is not None and kind is DayKind.WORKDAY:
        return  # a day of approved leave: no lateness, no absence
    if not ordered:
        # 缺卡 until decided (module docstring); other systems keep no fixed hours to miss.
        if kind is DayKind.WORKDAY and shift.hours_system is HoursSystem.STANDARD and judged:
            result.missing_punch = True
        return
    first, last = ordered[0], ordered[-1]
    result.first_in = first
    if len(ordered) == 1 or last == first:
        result.missing_punch = judged
        return
    result.last_out = last
    result.worked_minutes = _worked(shift, day, first, last)
    if shift.hours_system is HoursSystem.FLEXIBLE:
        # 工资支付暂行规定 art. 13: the overtime rates do not apply to 不定时工作制.
        return
    start, end = at(day, shift.work_start), at(day, shift.work_end)
    if kind is DayKind.WORKDAY:
        if shift.hours_system is HoursSystem.STANDARD:
            late = _minutes(first - start)
            early = _minutes(end - last)
            if late > shift.late_absent_minutes or early > shift.early_absent_minutes:
                result.absent = True
            else:
                result.late_minutes = late if late > shift.grace_minutes else 0
                result.early_minutes = early
            after_hours = _minutes(last - max(end, first))
            unit = max(1, shift.overtime_unit_minutes)
            result.overtime_workday_minutes = after_hours // unit * unit
        # Comprehensive hours: overtime is what the month's total exceeds (summarise_month).
    elif kind is DayKind.REST_DAY:
        if shift.hours_system is HoursSystem.STANDARD:
            result.overtime_rest_day_minutes = result.worked_minutes
    else:
        # Statutory holidays are 300 % under every system but 不定时 (工资支付暂行规定 art. 13).
        result.overtime_holiday_minutes = result.worked_minutes


def summarise_month(shift: Shift, days: Iterable[DayResult]) -> MonthSummary:
    summary = MonthSummary()
    comprehensive_worked = 0
    comprehensive_approved = 0
    for r in days:
        if r.kind is DayKind.WORKDAY:
            summary.workdays += 1
        if r.worked_minutes > 0 or r.punches > 0:
            summary.days_present += 1
        summary.worked_minutes += r.worked_minutes
        if r.is_late:
            summary.late_count += 1
            summary.late_minutes += r.late_minutes
        if r.left_early:
            summary.early_count += 1
            summary.early_minutes += r.early_minutes
        if r.absent:
            summary.absent_days += 1
        if r.missing_punch:
            summary.missing_punch_days += 1
        if r.leave_type is not None and r.kind is DayKind.WORKDAY:
            summary.leave_days[r.leave_type] = summary.leave_days.get(r.leave_type, 0) + 1
        summary.overtime_workday_minutes += r.overtime_workday_minutes
        summary.overtime_rest_day_minutes += r.overtime_rest_day_minutes
        summary.overtime_holiday_minutes += r.overtime_holiday_minutes
        if r.over_daily_cap:
            summary.days_over_daily_cap += 1
        summary.overtime_unapproved_minutes += r.overtime_unapproved_minutes
        if r.kind is not DayKind.STATUTORY_HOLIDAY:
            comprehensive_worked += r.worked_minutes
            comprehensive_approved += r.overtime_approved_minutes or 0
    if shift.hours_system is HoursSystem.COMPREHENSIVE:
        # 工资支付暂行规定 art. 13: under 综合计算工时, hours beyond the period's standard hours
        # are overtime at 150 %. The period here is the month: its workdays × 8 hours
        # (paid leave counts as hours worked).
        leave = sum(summary.leave_days.values())
        standard = (summary.workdays - leave) * STANDARD_DAY_MINUTES
        beyond = max(0, comprehensive_worked - standard)
        summary.overtime_workday_minutes = beyond
        if shift.overtime_needs_approval:
            # Only the hours approved over the month count (the days' holiday work is
            # capped day by day above).
            summary.overtime_workday_minutes = min(beyond, comprehensive_approved)
            summary.overtime_unapproved_minutes += beyond - summary.overtime_workday_minutes
    return summary


def now_utc() -> datetime:
    return datetime.now(UTC)
