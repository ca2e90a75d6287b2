"""Punch corrections (补卡): an employee whose past day shows a missing punch (缺卡) asks to
put it right — the day, the clock-in and / or clock-out time, and a reason — and the approvals
engine routes the request (RequestType.PUNCH_CORRECTION; by default like leave: the manager,
or a manager or HR in scope, or HQ HR; a flow may ask the manager and then HR). Nobody decides
their own: the engine leaves the requester out of every stage.

Approved, the times are stored as punches whose source is `correction` (recorded by the last
approver) and the day is judged again from them when next read (results are computed on read,
attendance/results.py). Rejected, the missing punch is decided: the day is an absence (旷工)
from then on, and counts as one in payroll's figures (payroll/attendance.py). Undecided — no
correction asked, or one pending — the day stays 缺卡 and no absence is deducted.

Limits: only a day before today (China time), within the employment, that shows a missing
punch now; one open or approved correction a day; never a month whose payroll is approved for
the person (a LOCKED error: corrections of a paid month go into a later run as payroll items).
A request still pending when its month's payroll is approved is decided as usual: the pay of
that month counted the day as 缺卡, without a deduction, so an approval changes nothing paid;
a rejection's absence is for HR to deduct in a later month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.approvals import service as approvals
from talentloop.approvals import titles
from talentloop.approvals.models import ApprovalEvent, ApprovalRequest, EventKind, RequestType
from talentloop.approvals.titles import Title
from talentloop.attendance.models import (
    CorrectionStatus,
    Punch,
    PunchCorrection,
    PunchSource,
    time_to_minute,
)
from talentloop.attendance.results import CHINA, at
from talentloop.attendance.service import (
    decision_of,
    employee_month,
    visible_attendance_employees,
)
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.payroll import inputs
from talentloop.people.models import Employee

REASON_MAX = 255


def visible_corrections(viewer: Viewer) -> QuerySet[PunchCorrection]:
    """Corrections are work data: the person's WORK group (themself, their managers, HR)."""
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return PunchCorrection.filter(id__in=[])
    return PunchCorrection.filter(scope)


async def month_closed(employee_id: int, day: date) -> bool:
    """Whether the person's payroll of the day's month is approved (locked)."""
    from talentloop.payroll.models import LOCKED_STATUSES, Payslip

    return await Payslip.filter(
        employee_id=employee_id,
        month=day.replace(day=1),
        run__status__in=list(LOCKED_STATUSES),
    ).exists()


def _clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def times_text(clock_in: time | None, clock_out: time | None) -> str:
    """ "09:00–18:00", "09:00–" or "–18:00"."""
    return f"{_clock(clock_in)}–{_clock(clock_out)}"


def _input_problems(
    day: date, today: date, clock_in: time | None, clock_out: time | None, reason: str
) -> list[FieldError]:
    problems: list[FieldError] = []
    if not 2000 <= day.year <= 2100:
        problems.append(FieldError("A day between 2000 and 2100.", ErrorCode.INVALID, "date"))
    elif day >= today:
        problems.append(FieldError("Only a day that has passed.", ErrorCode.INVALID, "date"))
    if clock_in is None and clock_out is None:
        problems.append(
            FieldError("Give the clock-in or clock-out time.", ErrorCode.REQUIRED, "clockIn")
        )
    elif clock_in is not None and clock_out is not None and clock_out <= clock_in:
        problems.append(
            FieldError("The clock-out comes after the clock-in.", ErrorCode.INVALID, "clockOut")
        )
    if not reason:
        problems.append(FieldError("Say why the punch is missing.", ErrorCode.REQUIRED, "reason"))
    elif len(reason) > REASON_MAX:
        problems.append(FieldError("At most 255 characters.", ErrorCode.INVALID, "reason"))
    return problems


async def request_correction(
    viewer: Viewer,
    *,
    day: date,
    clock_in: time | None,
    clock_out: time | None,
    reason: str,
    today: date | None = None,
) -> PunchCorrection:
    """The viewer asks to put right a missing punch of their own past day."""
    if viewer.employee_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only employees ask for a punch correction.")
    employee = await visible_attendance_employees(viewer).filter(id=viewer.employee_id).first()
    if employee is None:
        raise not_found("Employee", "employeeId")
    today = today or datetime.now(CHINA).date()
    reason = reason.strip()
    problems = _input_problems(day, today, clock_in, clock_out, reason)
    if not problems and (
        day < employee.hire_date
        or (employee.termination_date is not None and day > employee.termination_date)
    ):
        problems.append(FieldError("A day of employment.", ErrorCode.INVALID, "date"))
    if problems:
        raise ServiceError(*problems)
    if await month_closed(employee.id, day):
        raise ServiceError.one(
            ErrorCode.LOCKED,
            "The payroll of {month} is approved: its attendance is closed.",
            "date",
            month=f"{day:%Y-%m}",
        )
    async with in_transaction():
        await Employee.filter(id=employee.id).select_for_update().first()
        if await PunchCorrection.filter(
            employee_id=employee.id,
            date=day,
            status__in=(CorrectionStatus.PENDING, CorrectionStatus.APPROVED),
        ).exists():
            raise ServiceError.one(
                ErrorCode.CONFLICT, "There is already a correction for this day.", "date"
            )
        month = await employee_month(viewer, employee.id, day, today)
        result = next((r for r in month.days if r.day == day), None) if month else None
        if result is None or not result.missing_punch:
            raise ServiceError.one(
                ErrorCode.INVALID, "This day has no missing punch to correct.", "date"
            )
        values: dict[str, Any] = {
            "employee_id": employee.id,
            "date": day,
            "clock_in_minute": time_to_minute(clock_in) if clock_in is not None else None,
            "clock_out_minute": time_to_minute(clock_out) if clock_out is not None else None,
            "reason": reason,
            "requested_by_id": viewer.user_id,
        }
        correction = await PunchCorrection.create(**values)
        await audit.record_created(
            viewer, "PunchCorrection", correction.id, values, employee_id=employee.id
        )
        request = await approvals.submit(
            viewer,
            RequestType.PUNCH_CORRECTION,
            correction.id,
            unit=employee.unit,
            employee_id=employee.id,
            title=Title(
                titles.PUNCH_CORRECTION,
                {"date": day.isoformat(), "times": times_text(clock_in, clock_out)},
            ),
            days=1,
        )
        # The approvers judge the reason: it is on the request's history (the card shows it).
        await ApprovalEvent.create(
            request_id=request.id,
            kind=EventKind.COMMENTED,
            stage=request.stage,
            actor_id=viewer.user_id,
            comment=reason[:500],
        )
    return await PunchCorrection.get(id=correction.id)


async def _correction_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The engine's final decision (inside its transaction): approved writes the punches."""
    before = await PunchCorrection.get_or_none(id=approval.subject_id)
    if before is None or before.status is not CorrectionStatus.PENDING:
        return
    decision = await decision_of(approval, viewer)
    await PunchCorrection.filter(id=before.id, status=CorrectionStatus.PENDING).update(
        status=CorrectionStatus.APPROVED if approved else CorrectionStatus.REJECTED, **decision
    )
    if approved:
        for clock in (before.clock_in, before.clock_out):
            if clock is None:
                continue
            moment = at(before.date, clock).astimezone(UTC)
            if await Punch.filter(employee_id=before.employee_id, punched_at=moment).exists():
                continue  # already punched at that minute
            punch = await Punch.create(
                employee_id=before.employee_id,
                punched_at=moment,
                source=PunchSource.CORRECTION,
                recorded_by_id=decision["decided_by_id"],
            )
            await audit.record_created(
                viewer,
                "Punch",
                punch.id,
                {"punched_at": moment, "source": PunchSource.CORRECTION.value},
                employee_id=before.employee_id,
            )
    after = await PunchCorrection.get(id=before.id)
    await audit.record_changes(
        viewer,
        "PunchCorrection",
        after.id,
        before,
        {"status": after.status, "decision_note": after.decision_note},
        employee_id=after.employee_id,
    )
    # Approved: the day's punches; rejected: the day is now an absence. Either way the month's
    # unapproved payroll runs paying them are out of date.
    await inputs.attendance_changed(after.employee_id, after.date)


approvals.register_effect(RequestType.PUNCH_CORRECTION, _correction_decided)
