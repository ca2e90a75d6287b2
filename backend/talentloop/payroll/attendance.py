"""What payroll needs from attendance, through one function.

`attendance_figures(employee_ids, month)` answers, per employee, the month's overtime hours by
kind (150 / 200 / 300 %), absence days (旷工) and unpaid leave days (事假). Two sources add up:

- the attendance domain (`attendance.service.payroll_figures`), for the employees whose
  attendance is kept — those with a punch in the month; without one, every workday would be
  a missing punch, which says the person is not clocking in here (an office without a device,
  a field job), not that they stayed away. Its absences are the decided ones: late or early
  beyond the rule set's thresholds, and a missing punch (缺卡) whose correction (补卡) was
  rejected; an undecided missing punch is no absence and is not deducted
  (attendance/corrections.py);
- the month's payroll items of those kinds, entered by HR (for people not clocking in, or to
  correct what attendance says).

Sick leave is left to the salary structure: its pay (not below 80 % of the local minimum wage,
关于贯彻执行《劳动法》若干问题的意见 art. 59) is not deducted here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from talentloop.access.policy import SYSTEM
from talentloop.attendance import service as attendance
from talentloop.attendance.models import Punch
from talentloop.payroll.calc import ZERO, OvertimeKind
from talentloop.payroll.models import ItemKind, PayrollItem

_HOURS = {
    ItemKind.OVERTIME_150: OvertimeKind.WORKDAY,
    ItemKind.OVERTIME_200: OvertimeKind.REST_DAY,
    ItemKind.OVERTIME_300: OvertimeKind.HOLIDAY,
}


@dataclass
class AttendanceFigures:
    overtime_hours: dict[OvertimeKind, Decimal] = field(
        default_factory=lambda: dict.fromkeys(OvertimeKind, ZERO)
    )
    absence_days: Decimal = ZERO
    unpaid_leave_days: Decimal = ZERO
    from_attendance: bool = False  # the clock-in records counted too


async def attendance_figures(employee_ids: list[int], month: date) -> dict[int, AttendanceFigures]:
    figures = {pk: AttendanceFigures() for pk in employee_ids}
    start, end = attendance.month_range(month)
    rows = (
        await Punch.filter(employee_id__in=employee_ids, punched_at__gte=start, punched_at__lt=end)
        .order_by("employee_id")  # the model's own ordering is not in a DISTINCT's select list
        .distinct()
        .values("employee_id")
    )
    clocking: set[int] = {row["employee_id"] for row in rows}
    if clocking:
        # Payroll reads the month of everyone it pays: as the system, not as the HR user.
        kept = await attendance.payroll_figures(SYSTEM, sorted(clocking), month)
        for pk, month_figures in kept.items():
            f = figures[pk]
            f.from_attendance = True
            f.overtime_hours[OvertimeKind.WORKDAY] += month_figures.overtime_150_hours
            f.overtime_hours[OvertimeKind.REST_DAY] += month_figures.overtime_200_hours
            f.overtime_hours[OvertimeKind.HOLIDAY] += month_figures.overtime_300_hours
            f.absence_days += Decimal(month_figures.absent_days)
            f.unpaid_leave_days += Decimal(month_figures.unpaid_leave_days)
    items = await PayrollItem.filter(
        employee_id__in=employee_ids,
        month=month,
        kind__in=[*_HOURS, ItemKind.ABSENCE_DAYS, ItemKind.UNPAID_LEAVE_DAYS],
    )
    for item in items:
        f = figures[item.employee_id]
        if item.kind in _HOURS:
            f.overtime_hours[_HOURS[item.kind]] += item.amount
        elif item.kind is ItemKind.ABSENCE_DAYS:
            f.absence_days += item.amount
        else:
            f.unpaid_leave_days += item.amount
    return figures
