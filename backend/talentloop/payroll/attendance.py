"""What payroll needs from attendance, through one function.

`attendance_figures(employee_ids, month)` answers, per employee, the month's overtime hours by
kind (150 / 200 / 300 %), absence days and unpaid leave days. Until the attendance domain
provides them, they are read from the month's payroll items (entered by HR or imported);
the attendance domain's figures are added here when it lands, and the rest of payroll does
not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

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


async def attendance_figures(employee_ids: list[int], month: date) -> dict[int, AttendanceFigures]:
    figures = {pk: AttendanceFigures() for pk in employee_ids}
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
