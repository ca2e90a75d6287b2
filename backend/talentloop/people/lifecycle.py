"""The employee lifecycle through the approvals engine: probation confirmation (转正), transfer
(调动) and termination (离职), each asked for by HR of the person, decided by the flow of its
request type (approvals/rules.py) and applied on its date (docs/architecture.md, "Employee
lifecycle").

* HR who manages the person asks (never about themselves); a transfer's unit must be in the
  asker's charge too, its manager someone they see, its position one of the catalogue.
* One change under way per person: another waits until it is decided and applied.
* Approved: a confirmation or transfer whose effective date has come is applied at once, a
  later one by `apply_due` (the job worker's heartbeat). A termination sets the last day at
  once (pay and attendance stop after it); the day after it, `apply_due` ends the employment
  (status, manager links, headships, contracts, the event) and disables the leaver's
  accounts. Until the heartbeat comes, the sign-in, the token refresh and every request
  already refuse an account whose employee's last day has passed (accounts/sessions.py).
* A termination carries its offboarding checklist; HR of the person ticks its items.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from talentloop import versions
from talentloop.access.policy import SYSTEM, FieldGroup, Viewer
from talentloop.accounts.service import disable_leaver_accounts
from talentloop.accounts.sessions import china_today
from talentloop.approvals import service as approvals
from talentloop.approvals import titles
from talentloop.approvals.models import ApprovalRequest, RequestType
from talentloop.approvals.titles import Title
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.payroll import inputs as payroll_inputs
from talentloop.people import service as people
from talentloop.people.models import (
    Employee,
    EmployeeStatus,
    LifecycleChange,
    LifecycleKind,
    LifecycleStatus,
    TerminationKind,
)
from talentloop.records.models import Contract

REQUEST_TYPES = {
    LifecycleKind.PROBATION_CONFIRMATION: RequestType.PROBATION_CONFIRMATION,
    LifecycleKind.TRANSFER: RequestType.TRANSFER,
    LifecycleKind.TERMINATION: RequestType.TERMINATION,
}
UNDER_WAY = (LifecycleStatus.PENDING, LifecycleStatus.APPROVED)
MAX_REASON = 500

# The offboarding checklist of every termination. 劳动合同法 art. 50: on the end of employment
# the employer issues the termination certificate and moves the archive and social insurance
# within 15 days; the employee hands over their work. 社会保险法 art. 58 / 住房公积金管理条例
# art. 14: the employer reports the end of contributions.
OFFBOARDING_ITEMS = (
    "handover",  # 工作交接
    "equipment",  # 设备与门禁归还
    "final_pay",  # 结清工资 (and any severance, art. 47)
    "social_insurance_stop",  # 社保减员
    "housing_fund_stop",  # 公积金封存
    "certificate",  # 离职证明
    "archive_transfer",  # 档案转移
)


def _today() -> date:
    return china_today()


async def _asker_employee(viewer: Viewer, employee_id: int) -> Employee:
    """The person, as they stand: seen and managed by the viewer, not the viewer, still
    employed, with nothing else under way."""
    employee = await people.get_employee(viewer, employee_id)
    if employee is None:
        raise not_found("Employee", "employeeId")
    if not viewer.can_manage_employees_in(employee.unit.path) or viewer.user_id is None:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not change this employee.", "employeeId"
        )
    viewer.refuse_self(employee.id, "employeeId")
    if employee.status is EmployeeStatus.TERMINATED:
        raise ServiceError.one(ErrorCode.INVALID, "This person has left.", "employeeId")
    if await LifecycleChange.filter(employee_id=employee.id, status__in=UNDER_WAY).exists():
        raise ServiceError.one(
            ErrorCode.CONFLICT,
            "Another change of this person is under way; it is decided and applied first.",
            "employeeId",
        )
    return employee


def _reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()[:MAX_REASON]
    if required and not text:
        raise ServiceError.one(ErrorCode.REQUIRED, "Give the reason.", "reason")
    return text


async def _submit(
    viewer: Viewer, change: LifecycleChange, employee: Employee, title: Title
) -> ApprovalRequest:
    return await approvals.submit(
        viewer,
        REQUEST_TYPES[change.kind],
        change.id,
        unit=employee.unit,
        employee_id=employee.id,
        title=title,
    )


async def request_confirmation(
    viewer: Viewer, employee_id: int, *, effective_date: date, reason: str | None = None
) -> LifecycleChange:
    """转正: a person on probation becomes a regular employee from `effective_date`."""
    employee = await _asker_employee(viewer, employee_id)
    if employee.status is not EmployeeStatus.PROBATION:
        raise ServiceError.one(ErrorCode.INVALID, "This person is not on probation.", "employeeId")
    if effective_date < employee.hire_date:
        raise ServiceError.one(
            ErrorCode.INVALID, "Confirmation cannot precede the hire date.", "effectiveDate"
        )
    async with in_transaction():
        change = await LifecycleChange.create(
            kind=LifecycleKind.PROBATION_CONFIRMATION,
            employee_id=employee.id,
            requested_by_id=viewer.user_id,
            effective_date=effective_date,
            from_unit_id=employee.unit_id,
            from_position_id=employee.position_id,
            from_manager_id=employee.manager_id,
            reason=_reason(reason, required=False),
        )
        await audit.record_created(
            viewer, "LifecycleChange", change.id, _described(change), employee_id=employee.id
        )
        await _submit(
            viewer,
            change,
            employee,
            Title(
                titles.PROBATION_CONFIRMATION,
                {"name": employee.name, "date": effective_date.isoformat()},
            ),
        )
    return change


@dataclass(frozen=True)
class TransferTo:
    unit_id: int
    position_id: int | None = None
    manager_id: int | None = None
    base_salary: Decimal | None = None


async def request_transfer(
    viewer: Viewer,
    employee_id: int,
    to: TransferTo,
    *,
    effective_date: date,
    reason: str | None = None,
) -> LifecycleChange:
    """调动: another unit (in the asker's charge: the second check), and optionally another
    position, manager and monthly base pay, from `effective_date`."""
    employee = await _asker_employee(viewer, employee_id)
    values: dict[str, Any] = {}
    if to.position_id is not None:
        values["position_id"] = to.position_id
    if to.manager_id is not None:
        values["manager_id"] = to.manager_id
    if to.base_salary is not None:
        values["base_salary"] = to.base_salary
    unit, problems = await people.placement_problems(
        viewer, unit_id=to.unit_id, values=values, employee_id=employee.id
    )
    if not problems and unit is not None and unit.id == employee.unit_id:
        same = all(getattr(employee, k) == v for k, v in values.items())
        if same:
            problems.append(FieldError("Nothing would change.", ErrorCode.INVALID, "unitId"))
    if effective_date < employee.hire_date:
        problems.append(
            FieldError(
                "A transfer cannot precede the hire date.", ErrorCode.INVALID, "effectiveDate"
            )
        )
    if problems:
        raise ServiceError(*problems)
    assert unit is not None
    async with in_transaction():
        change = await LifecycleChange.create(
            kind=LifecycleKind.TRANSFER,
            employee_id=employee.id,
            requested_by_id=viewer.user_id,
            effective_date=effective_date,
            from_unit_id=employee.unit_id,
            from_position_id=employee.position_id,
            from_manager_id=employee.manager_id,
            to_unit_id=unit.id,
            to_position_id=values.get("position_id"),
            to_manager_id=values.get("manager_id"),
            to_base_salary=values.get("base_salary"),
            reason=_reason(reason, required=False),
        )
        await audit.record_created(
            viewer, "LifecycleChange", change.id, _described(change), employee_id=employee.id
        )
        await _submit(
            viewer,
            change,
            employee,
            Title(
                titles.TRANSFER,
                {
                    "name": employee.name,
                    "from_unit": employee.unit.name,
                    "to_unit": unit.name,
                    "date": effective_date.isoformat(),
                },
            ),
        )
    return change


async def request_termination(
    viewer: Viewer,
    employee_id: int,
    *,
    kind: TerminationKind,
    last_day: date,
    reason: str | None,
) -> LifecycleChange:
    """离职: a resignation or a dismissal, with its reason and the last day worked; the
    offboarding checklist starts with every item open."""
    employee = await _asker_employee(viewer, employee_id)
    text = _reason(reason, required=True)
    if last_day < employee.hire_date:
        raise ServiceError.one(
            ErrorCode.INVALID, "The last day cannot precede the hire date.", "lastDay"
        )
    if (
        kind is TerminationKind.CONTRACT_EXPIRY
        and not await Contract.filter(
            employee_id=employee.id, end_date=last_day, start_date__lte=last_day
        ).exists()
    ):
        # 劳动合同法 art. 44 (1): the employment ends with the contract's term, on its last day.
        raise ServiceError.one(
            ErrorCode.INVALID,
            "A contract's expiry ends the employment on the contract's last day.",
            "lastDay",
        )
    async with in_transaction():
        change = await LifecycleChange.create(
            kind=LifecycleKind.TERMINATION,
            employee_id=employee.id,
            requested_by_id=viewer.user_id,
            effective_date=last_day,
            from_unit_id=employee.unit_id,
            from_position_id=employee.position_id,
            from_manager_id=employee.manager_id,
            termination_kind=kind,
            reason=text,
            checklist=[{"item": item, "done": False} for item in OFFBOARDING_ITEMS],
        )
        await audit.record_created(
            viewer, "LifecycleChange", change.id, _described(change), employee_id=employee.id
        )
        title = Title(
            titles.TERMINATION,
            {
                "name": employee.name,
                "kind_label": titles.TERMINATION_KINDS[kind.value],
                "date": last_day.isoformat(),
            },
        )
        await _submit(viewer, change, employee, title)
    return change


async def set_checklist_item(
    viewer: Viewer, employee_id: int, *, item: str, done: bool
) -> LifecycleChange:
    """Tick (or untick) an item of the person's latest termination's offboarding checklist:
    HR of the person, never about themselves."""
    scope = viewer.employee_filter(requires=FieldGroup.WORK)
    employee = (
        await Employee.filter(scope).filter(id=employee_id).select_related("unit").first()
        if scope is not None
        else None
    )
    if employee is None:
        raise not_found("Employee", "employeeId")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not change this employee.", "employeeId"
        )
    viewer.refuse_self(employee.id, "employeeId")
    change = (
        await LifecycleChange.filter(
            employee_id=employee.id,
            kind=LifecycleKind.TERMINATION,
            status__in=(*UNDER_WAY, LifecycleStatus.APPLIED),
        )
        .order_by("-id")
        .first()
    )
    if change is None:
        raise ServiceError.one(
            ErrorCode.INVALID, "No termination of this person is under way.", "employeeId"
        )
    if item not in OFFBOARDING_ITEMS:
        raise ServiceError.one(ErrorCode.INVALID, "Not an offboarding item.", "item")
    async with in_transaction():
        locked = await LifecycleChange.filter(id=change.id).select_for_update().first()
        assert locked is not None
        before = [dict(e) for e in locked.checklist]
        after: list[dict[str, object]] = [
            (
                {
                    "item": item,
                    "done": done,
                    "by": viewer.username if done else None,
                    "at": datetime.now(UTC).isoformat() if done else None,
                }
                if e.get("item") == item
                else e
            )
            for e in before
        ]
        await LifecycleChange.filter(id=locked.id).update(checklist=after)
        await audit.record_changes(
            viewer,
            "LifecycleChange",
            locked.id,
            {"checklist": before},
            {"checklist": after},
            employee_id=employee.id,
        )
        locked.checklist = after
    return locked


# --- the direct mutations of before, through the engine -------------------------------------


async def filed_instead(
    viewer: Viewer,
    employee_id: int,
    expected_version: int | None,
    fields: dict[str, str],
    ask: Callable[[], Awaitable[LifecycleChange]],
) -> LifecycleChange:
    """transferEmployee, terminateEmployee, recordTransfer and recordResignation (deprecated)
    once changed the person at once, going around the approvers: a control that can be gone
    around is no control. They now file the TRANSFER or TERMINATION request (`ask`) with the
    same rules as requestTransfer / requestTermination, and the person changes when it is
    approved. `expectedVersion` still guards against a record read stale; the errors carry the
    field names of the old inputs (`fields`: lifecycle name → old name)."""
    try:
        if expected_version is not None:
            employee = await people.get_employee(viewer, employee_id)
            if employee is not None and viewer.can_manage_employees_in(employee.unit.path):
                versions.check(employee.version, expected_version)
        return await ask()
    except ServiceError as exc:
        raise ServiceError(
            *(
                FieldError(e.msgid, e.code, fields.get(e.field or "", e.field), **dict(e.params))
                for e in exc.errors
            )
        ) from exc


# --- reading --------------------------------------------------------------------------------


async def changes_of(viewer: Viewer, employee_id: int) -> list[LifecycleChange]:
    """The person's lifecycle changes, newest first, where the viewer reads them at WORK."""
    scope = viewer.employee_filter(requires=FieldGroup.WORK)
    if scope is None or not await Employee.filter(scope).filter(id=employee_id).exists():
        return []
    return await LifecycleChange.filter(employee_id=employee_id).order_by("-id")


async def changes_by_ids(ids: list[int]) -> dict[int, LifecycleChange]:
    """For approval cards: the request's subject, shown wherever the request is."""
    return {c.id: c for c in await LifecycleChange.filter(id__in=ids)}


# --- deciding and applying --------------------------------------------------------------------


def _described(change: LifecycleChange) -> dict[str, Any]:
    keys = (
        "kind",
        "effective_date",
        "to_unit_id",
        "to_position_id",
        "to_manager_id",
        "to_base_salary",
        "termination_kind",
        "reason",
    )
    return {k: getattr(change, k) for k in keys if getattr(change, k) not in (None, "")}


def is_due(change: LifecycleChange, today: date) -> bool:
    """A termination applies the day after the last day; the others on their day."""
    if change.kind is LifecycleKind.TERMINATION:
        return change.effective_date < today
    return change.effective_date <= today


async def _decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The engine's final decision (inside its transaction)."""
    change = await LifecycleChange.filter(id=approval.subject_id).select_for_update().first()
    if change is None or change.status is not LifecycleStatus.PENDING:
        return
    now = datetime.now(UTC)
    change.status = LifecycleStatus.APPROVED if approved else LifecycleStatus.REJECTED
    change.decided_at = now
    await change.save(update_fields=["status", "decided_at"])
    if not approved:
        return
    if change.kind is LifecycleKind.TERMINATION:
        # The last day is known from now on: pay and attendance stop after it.
        employee = await versions.locked(Employee, change.employee_id)
        values = {"termination_date": change.effective_date}
        await versions.write(Employee, employee.id, employee.version, values)
        await audit.record_employee_update(viewer, employee, values)
        await payroll_inputs.last_day_set(employee, change.effective_date)
    if is_due(change, _today()):
        await _apply(change, viewer)


async def _apply(change: LifecycleChange, viewer: Viewer) -> None:
    """Write the change to the record (in the caller's transaction)."""
    from talentloop.records import service as records
    from talentloop.records.models import EventKind

    employee = await versions.locked(Employee, change.employee_id)
    if employee.status is EmployeeStatus.TERMINATED:
        pass  # ended some other way meanwhile: nothing left to change
    elif change.kind is LifecycleKind.PROBATION_CONFIRMATION:
        if employee.status is EmployeeStatus.PROBATION:
            values: dict[str, Any] = {"status": EmployeeStatus.ACTIVE}
            await versions.write(Employee, employee.id, employee.version, values)
            await audit.record_employee_update(viewer, employee, values)
    elif change.kind is LifecycleKind.TRANSFER:
        values = {"unit_id": change.to_unit_id}
        if change.to_position_id is not None:
            values["position_id"] = change.to_position_id
        if change.to_manager_id is not None:
            values["manager_id"] = change.to_manager_id
        if change.to_base_salary is not None:
            values["base_salary"] = change.to_base_salary
        await records.place(viewer, employee, values, EventKind.TRANSFER, change.effective_date)
    else:
        kind = change.termination_kind or TerminationKind.RESIGNATION
        await records.end_employment(
            viewer, employee, change.effective_date, f"{kind.value}: {change.reason}"[:255], kind
        )
        await disable_leaver_accounts(viewer, employee.id)
    change.status = LifecycleStatus.APPLIED
    change.applied_at = datetime.now(UTC)
    await LifecycleChange.filter(id=change.id).update(
        status=change.status, applied_at=change.applied_at
    )


async def apply_due(today: date | None = None) -> int:
    """Apply every approved change whose day has come (the job worker's heartbeat): transfers
    and confirmations on their effective date, terminations the day after the last day — the
    leaver's accounts disabled. Returns how many were applied."""
    today = today or _today()
    count = 0
    for change in await LifecycleChange.filter(status=LifecycleStatus.APPROVED).order_by("id"):
        if not is_due(change, today):
            continue
        async with in_transaction():
            locked = await LifecycleChange.filter(id=change.id).select_for_update().first()
            if locked is None or locked.status is not LifecycleStatus.APPROVED:
                continue
            await _apply(locked, SYSTEM)
            count += 1
    return count


approvals.register_effect(RequestType.PROBATION_CONFIRMATION, _decided)
approvals.register_effect(RequestType.TRANSFER, _decided)
approvals.register_effect(RequestType.TERMINATION, _decided)
