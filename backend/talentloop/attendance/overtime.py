"""Overtime requests (加班申请): an employee asks to work overtime on one day, the approvals
engine routes the request (RequestType.OVERTIME), and its final decision sets the request's
status. Where a rule set has `overtime_needs_approval`, the monthly sheet, the daily results
and `payroll_figures` count a day's overtime only up to the hours approved for it
(attendance/results.py); elsewhere the request is a record of the arrangement and changes
no figure.

The pattern is leave's (attendance/service.py): the domain checks the viewer may ask and
submits inside its own transaction; the effect registered with the engine applies the final
decision; `decide_overtime` decides the viewer's task through `approvals.decide`;
`cancel_overtime` withdraws a pending one.

A flow's conditions read the request's `days` and `amount` only: an overtime request is
submitted with `days=1` and its hours in the title, so a step conditioned on days applies
to none of them beyond `daysOver: 0`, and no step can be conditioned on the hours
(`amount` means CNY to the other request types, so it is left empty here).

Day limits, 劳动法 art. 41: the employer may extend working hours after consulting the
union and the workers, by at most 1 hour a day, or 3 hours a day for special reasons, and at
most 36 hours a month. A request on a workday is an extension of that day: at most 3 hours.
Work on a rest day or a statutory holiday is not an extension of a working day but a day of
work paid at 200 % / 300 % (art. 44 (2), (3)); a request for one is bounded at 12 hours (a
day's 8 hours, 国务院关于职工工作时间的规定 art. 3, with a margin — no statute gives a
number for a day off). The month's 36 hours is not refused here: the sheet flags it
(`overMonthlyCap`), as it flags worked overtime beyond the day cap.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.approvals import service as approvals
from talentloop.approvals import titles
from talentloop.approvals.models import (
    ApprovalRequest,
    RequestType,
)
from talentloop.approvals.titles import Title
from talentloop.attendance.calendar import DayKind, day_kind
from talentloop.attendance.models import OvertimeRequest, OvertimeStatus
from talentloop.attendance.service import (
    awaiting,
    decide_task,
    decision_of,
    visible_attendance_employees,
)
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import N_
from talentloop.org.models import OrgUnit
from talentloop.payroll import inputs
from talentloop.people.models import Employee

# 劳动法 art. 41: at most 3 hours of extended working time a day.
WORKDAY_MAX_HOURS = Decimal(3)
# A rest day or statutory holiday (劳动法 art. 44 (2), (3)): see the module docstring.
DAY_OFF_MAX_HOURS = Decimal(12)
STEP = Decimal("0.5")


def max_hours(day: date) -> Decimal:
    """The most overtime one request may ask for on the day (劳动法 art. 41)."""
    return WORKDAY_MAX_HOURS if day_kind(day) is DayKind.WORKDAY else DAY_OFF_MAX_HOURS


def visible_overtime_requests(viewer: Viewer) -> QuerySet[OvertimeRequest]:
    """Overtime is work data: the person's WORK group (themself, their managers, HR in scope)."""
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return OvertimeRequest.filter(id__in=[])
    return OvertimeRequest.filter(scope)


def overtime_to_decide(viewer: Viewer) -> QuerySet[OvertimeRequest]:
    """Pending requests with an open approval task of the viewer's, or of someone who
    delegated to them today; never their own."""
    if viewer.user_id is None:
        return OvertimeRequest.filter(id__in=[])
    qs = visible_overtime_requests(viewer).filter(
        awaiting(viewer, RequestType.OVERTIME), status=OvertimeStatus.PENDING
    )
    if viewer.employee_id is not None:
        qs = qs.exclude(employee_id=viewer.employee_id)
    return qs


def _hours_problems(day: date, hours: Decimal) -> list[FieldError]:
    problems: list[FieldError] = []
    if hours <= 0:
        problems.append(FieldError("Ask for some hours.", ErrorCode.INVALID, "hours"))
    elif hours % STEP != 0:
        problems.append(FieldError("Hours go in half-hour steps.", ErrorCode.INVALID, "hours"))
    elif hours > max_hours(day):
        message = (
            N_("At most {hours} hours of overtime on a workday (劳动法 art. 41).")
            if day_kind(day) is DayKind.WORKDAY
            else N_("At most {hours} hours of overtime on a day off (劳动法 art. 41).")
        )
        problems.append(
            FieldError(message, ErrorCode.INVALID, "hours", hours=_plain(max_hours(day)))
        )
    if not 2000 <= day.year <= 2100:
        problems.append(FieldError("A day between 2000 and 2100.", ErrorCode.INVALID, "date"))
    return problems


async def request_overtime(
    viewer: Viewer,
    *,
    day: date,
    hours: Decimal,
    reason: str = "",
    employee_id: int | None = None,
) -> OvertimeRequest:
    """An employee asks to work overtime on a day (HR may file one for someone in scope)."""
    target = employee_id if employee_id is not None else viewer.employee_id
    if target is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only employees ask for overtime.")
    employee = await visible_attendance_employees(viewer).filter(id=target).first()
    if employee is None:
        raise not_found("Employee", "employeeId")
    if employee.id != viewer.employee_id and not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not ask for overtime for someone else.", "employeeId"
        )
    # A day past (asked after the fact, 补申请) or ahead, while employed.
    problems = _hours_problems(day, hours)
    if day < employee.hire_date or (
        employee.termination_date is not None and day > employee.termination_date
    ):
        problems.append(FieldError("A day of employment.", ErrorCode.INVALID, "date"))
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        await Employee.filter(id=employee.id).select_for_update().first()
        if await OvertimeRequest.filter(
            employee_id=employee.id,
            date=day,
            status__in=(OvertimeStatus.PENDING, OvertimeStatus.APPROVED),
        ).exists():
            raise ServiceError.one(
                ErrorCode.CONFLICT, "There is already a request for this day.", "date"
            )
        values: dict[str, Any] = {
            "employee_id": employee.id,
            "date": day,
            "hours": hours,
            "reason": reason.strip()[:255],
            "requested_by_id": viewer.user_id,
        }
        request = await OvertimeRequest.create(**values)
        await audit.record_created(
            viewer, "OvertimeRequest", request.id, values, employee_id=employee.id
        )
        await _submit(viewer, request, employee.unit, requester_id=viewer.user_id)
        return await OvertimeRequest.get(id=request.id)


def _title(request: OvertimeRequest) -> Title:
    return Title(
        titles.OVERTIME,
        {"date": request.date.isoformat(), "hours": _plain(Decimal(request.hours))},
    )


def _plain(hours: Decimal) -> str:
    """10.0 → "10", 2.5 → "2.5" (normalize alone writes 1E+1)."""
    return format(hours.normalize(), "f")


async def _submit(
    viewer: Viewer, request: OvertimeRequest, unit: OrgUnit, *, requester_id: int | None
) -> ApprovalRequest:
    # days=1: flow conditions cannot read the hours (see the module docstring).
    return await approvals.submit(
        viewer,
        RequestType.OVERTIME,
        request.id,
        unit=unit,
        employee_id=request.employee_id,
        title=_title(request),
        days=1,
        requester_id=requester_id,
    )


async def _overtime_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The engine's final decision on an overtime request (inside its transaction)."""
    before = await OvertimeRequest.get_or_none(id=approval.subject_id)
    if before is None or before.status is not OvertimeStatus.PENDING:
        return
    await OvertimeRequest.filter(id=before.id, status=OvertimeStatus.PENDING).update(
        status=OvertimeStatus.APPROVED if approved else OvertimeStatus.REJECTED,
        **await decision_of(approval, viewer),
    )
    await _record_status(viewer, before, await OvertimeRequest.get(id=before.id))


approvals.register_effect(RequestType.OVERTIME, _overtime_decided)


async def decide_overtime(
    viewer: Viewer, request_id: int, *, approve: bool, note: str = ""
) -> OvertimeRequest:
    """The viewer's decision on their approval task of the request (approvals/)."""
    request = await visible_overtime_requests(viewer).filter(id=request_id).first()
    if request is None:
        raise not_found("Overtime request", "id")
    if request.status is not OvertimeStatus.PENDING:
        raise ServiceError.one(ErrorCode.CONFLICT, "This request was already decided.", "id")
    if request.employee_id == viewer.employee_id:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not decide your own request.", "id")
    approval = await approvals.request_for_subject(RequestType.OVERTIME, request.id)
    if approval is None:  # written without the engine (an import, a fixture): start it now
        async with in_transaction():
            employee = await Employee.get(id=request.employee_id).select_related("unit")
            approval = await _submit(
                viewer, request, employee.unit, requester_id=request.requested_by_id
            )
    await decide_task(viewer, approval, approve=approve, note=note)
    return await OvertimeRequest.get(id=request.id)


async def cancel_overtime(viewer: Viewer, request_id: int) -> OvertimeRequest:
    """Withdraw one's own pending request."""
    request = await visible_overtime_requests(viewer).filter(id=request_id).first()
    if request is None or request.employee_id != viewer.employee_id:
        raise not_found("Overtime request", "id")
    if request.status is not OvertimeStatus.PENDING:
        raise ServiceError.one(ErrorCode.CONFLICT, "Only a pending request is withdrawn.", "id")
    async with in_transaction():
        changed = await OvertimeRequest.filter(id=request.id, status=OvertimeStatus.PENDING).update(
            status=OvertimeStatus.CANCELLED
        )
        if changed == 0:
            raise ServiceError.one(ErrorCode.CONFLICT, "Only a pending request is withdrawn.", "id")
        cancelled = await OvertimeRequest.get(id=request.id)
        await approvals.cancel(viewer, RequestType.OVERTIME, request.id)
        await _record_status(viewer, request, cancelled)
        return cancelled


async def _record_status(viewer: Viewer, before: OvertimeRequest, after: OvertimeRequest) -> None:
    if OvertimeStatus.APPROVED in (before.status, after.status) and before.status != after.status:
        await inputs.attendance_changed(after.employee_id, after.date)
    await audit.record_changes(
        viewer,
        "OvertimeRequest",
        after.id,
        before,
        {"status": after.status, "decision_note": after.decision_note},
        employee_id=after.employee_id,
    )
