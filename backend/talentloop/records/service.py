"""Rules for labour contracts, employment events and the employee's timeline.

Every read starts from the employees the viewer may see with the WORK field group; every
write needs `can_manage_employees_in` the employee's unit and runs in one transaction,
with the employee row locked so that two overlapping contracts cannot both be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop import versions
from talentloop.access.policy import FieldGroup, Viewer
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import N_, pattern, translate, translate_stored
from talentloop.org import service as org_service
from talentloop.payroll import inputs as payroll_inputs
from talentloop.people import service as people_service
from talentloop.people import validation
from talentloop.people.fields import EMPLOYEE_FIELDS
from talentloop.people.models import Employee, EmployeeStatus, TerminationKind
from talentloop.records.models import (
    Contract,
    ContractEndReason,
    ContractKind,
    Education,
    EmergencyContact,
    EmploymentEvent,
    EventKind,
    WorkHistory,
)

MAX_REMINDER_DAYS = 366
# The notes the server writes on an event, stored in English and shown in the viewer's
# language (shown_note): a resignation without a note, a rehire naming the period before.
RESIGNATION = N_("resignation")
PREVIOUS_PERIOD = N_("Previous period {period}")
PREVIOUS_PERIOD_NOTE = N_("Previous period {period}; {note}")
HIRED_THROUGH = N_("Hired through the posting {posting}")  # an onboarding's note (recruitment)
OFFER_OF = N_("Offer of {date}")  # the note of a contract signed from an offer


def _work_scope(viewer: Viewer) -> Any:
    return viewer.employee_filter(requires=FieldGroup.WORK)


def visible_contracts(viewer: Viewer) -> QuerySet[Contract]:
    scope = viewer.employee_filter(requires=FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return Contract.filter(id__in=[])
    return Contract.filter(scope)


def visible_events(viewer: Viewer) -> QuerySet[EmploymentEvent]:
    scope = viewer.employee_filter(requires=FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return EmploymentEvent.filter(id__in=[])
    return EmploymentEvent.filter(scope)


async def _record_employee(viewer: Viewer, employee_id: int) -> Employee | None:
    scope = _work_scope(viewer)
    if scope is None:
        return None
    return await Employee.filter(scope).filter(id=employee_id).select_related("unit").first()


async def contracts_of(viewer: Viewer, employee_id: int) -> list[Contract]:
    return await visible_contracts(viewer).filter(employee_id=employee_id).order_by("start_date")


async def contracts_by_employee(viewer: Viewer, ids: list[int]) -> dict[int, list[Contract]]:
    found: dict[int, list[Contract]] = {i: [] for i in ids}
    for contract in await visible_contracts(viewer).filter(employee_id__in=ids):
        found[contract.employee_id].append(contract)
    return found


@dataclass(frozen=True)
class Expiry:
    """A contract or its probation ending within the window the viewer asked for."""

    contract: Contract
    what: str  # "contract" or "probation"
    ends_on: date


async def expiring(viewer: Viewer, *, within: int, today: date | None = None) -> list[Expiry]:
    """Contracts and probations ending in the next `within` days, for the HR in charge: only
    employees whose unit the viewer manages, current employees only, soonest first."""
    if not viewer.can_manage_employees:
        return []
    if within < 0 or within > MAX_REMINDER_DAYS:
        raise ServiceError.one(
            ErrorCode.INVALID, "Choose 0 to {top} days.", "within", top=MAX_REMINDER_DAYS
        )
    today = today or date.today()
    until = today + timedelta(days=within)
    current = (
        visible_contracts(viewer)
        .filter(employee__status__not=EmployeeStatus.TERMINATED)
        .select_related("employee__unit")
    )
    ending = await current.filter(end_date__gte=today, end_date__lte=until)
    probation = await current.filter(probation_end__gte=today, probation_end__lte=until)
    found = [Expiry(c, "contract", c.end_date) for c in ending if c.end_date]
    found += [Expiry(c, "probation", c.probation_end) for c in probation if c.probation_end]
    found = [e for e in found if viewer.can_manage_employees_in(e.contract.employee.unit.path)]
    found.sort(key=lambda e: (e.ends_on, e.contract.employee.employee_number, e.what))
    return found


# --- contract rules -----------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


def probation_limit_months(kind: ContractKind, start: date, end: date | None) -> int:
    """The longest probation allowed, in months (劳动合同法 art. 19 para. 1 and 3):
    none for a task contract or a term under 3 months, 1 month for 3 months to under a
    year, 2 months for 1 to under 3 years, 6 months for 3 years or more and open-ended."""
    if kind is ContractKind.TASK:
        return 0
    if kind is ContractKind.OPEN_ENDED or end is None:
        return 6
    # The term runs from start to end inclusive: 2026-01-01..2026-12-31 is one year.
    after_end = end + timedelta(days=1)
    if after_end < add_months(start, 3):
        return 0
    if after_end < add_months(start, 12):
        return 1
    if after_end < add_months(start, 36):
        return 2
    return 6


@dataclass
class ContractInput:
    kind: ContractKind
    start_date: date
    end_date: date | None
    probation_end: date | None
    signed_on: date
    renews_id: int | None = None
    note: str | None = None
    employee_requested_fixed_term: bool = False


def _shape_problems(data: ContractInput) -> list[FieldError]:
    problems: list[FieldError] = []
    if data.kind is ContractKind.FIXED_TERM and data.end_date is None:
        problems.append(
            FieldError("A fixed-term contract needs an end date.", ErrorCode.REQUIRED, "endDate")
        )
    if data.kind is ContractKind.OPEN_ENDED and data.end_date is not None:
        problems.append(
            FieldError("An open-ended contract has no end date.", ErrorCode.INVALID, "endDate")
        )
    if data.end_date is not None and data.end_date < data.start_date:
        problems.append(
            FieldError("The contract ends before it starts.", ErrorCode.INVALID, "endDate")
        )
    if data.probation_end is not None:
        limit = probation_limit_months(data.kind, data.start_date, data.end_date)
        if data.probation_end < data.start_date:
            problems.append(
                FieldError(
                    "Probation ends before the contract starts.", ErrorCode.INVALID, "probationEnd"
                )
            )
        elif limit == 0:
            problems.append(
                FieldError(
                    "This contract allows no probation (task-based or shorter than 3 months).",
                    ErrorCode.INVALID,
                    "probationEnd",
                )
            )
        elif data.probation_end >= add_months(data.start_date, limit):
            problems.append(
                FieldError(
                    "Probation may last at most {limit} month(s) for this contract.",
                    ErrorCode.INVALID,
                    "probationEnd",
                    limit=limit,
                )
            )
    if data.note is not None and len(data.note) > 255:
        problems.append(
            FieldError("The note is at most 255 characters.", ErrorCode.INVALID, "note")
        )
    return problems


async def sign_contract(viewer: Viewer, employee_id: int, data: ContractInput) -> Contract:
    """A new contract or a renewal. Refused when it overlaps another contract of the same
    employee, or when it sets a second probation (劳动合同法 art. 19 para. 2: one probation
    per employer)."""
    employee = await _manageable(viewer, employee_id)
    viewer.refuse_self(employee.id)
    problems = _shape_problems(data)
    if problems:
        raise ServiceError(*problems)
    async with in_transaction() as conn:
        # Lock the employee so that two contracts for them are checked one after the other.
        await Employee.filter(id=employee.id).using_db(conn).select_for_update().first()
        others = await Contract.filter(employee_id=employee.id).using_db(conn)
        end = data.end_date or date.max
        for other in others:
            if other.start_date <= end and data.start_date <= other.covers_until():
                raise ServiceError.one(
                    ErrorCode.CONFLICT,
                    N_("Overlaps the contract from {start} to {end}.")
                    if other.end_date
                    else N_("Overlaps the contract from {start} (open-ended)."),
                    "startDate",
                    start=other.start_date.isoformat(),
                    end=other.end_date.isoformat() if other.end_date else "",
                )
        if data.probation_end is not None and any(o.probation_end for o in others):
            raise ServiceError.one(
                ErrorCode.INVALID,
                "This employee already had a probation period with the company.",
                "probationEnd",
            )
        # 劳动合同法 art. 14 para. 2 (3): after two consecutive fixed terms the employer must
        # offer an open-ended contract; a third fixed term only when the employee asks for it.
        earlier = sorted((o for o in others if o.start_date < data.start_date), key=_start)
        if (
            data.kind is ContractKind.FIXED_TERM
            and len(earlier) >= 2
            and all(o.kind is ContractKind.FIXED_TERM for o in earlier[-2:])
            and not data.employee_requested_fixed_term
        ):
            raise ServiceError.one(
                ErrorCode.INVALID,
                "After two consecutive fixed terms the contract is open-ended, unless the "
                "employee asks for a fixed term.",
                "kind",
            )
        if data.renews_id is not None and not any(o.id == data.renews_id for o in others):
            raise not_found("Contract to renew", "renewsId")
        values = {
            "kind": data.kind,
            "start_date": data.start_date,
            "end_date": data.end_date,
            "probation_end": data.probation_end,
            "signed_on": data.signed_on,
            "renews_id": data.renews_id,
            "note": (data.note or "").strip() or None,
        }
        contract = await Contract.create(employee_id=employee.id, using_db=conn, **values)
        await audit.record_created(viewer, "Contract", contract.id, values, employee_id=employee.id)
    return contract


def _start(contract: Contract) -> date:
    return contract.start_date


async def end_contract(
    viewer: Viewer, contract_id: int, end_date: date, note: str | None
) -> Contract:
    """Ends a contract before its own end while the employment goes on: it is replaced by a
    new contract from the next day, its terms changed by written agreement (劳动合同法 art. 35;
    e.g. a fixed term turned open-ended). Ending the employment itself (a resignation, a
    dismissal, an agreement to part, a fixed term not renewed) is a termination request, which
    ends the contract on the last day."""
    contract = await Contract.get_or_none(id=contract_id)
    if contract is None:
        raise not_found("Contract", "contractId")
    # The contract's employee as they stand: seen by the viewer (else it is missing) and theirs
    # to manage; nobody ends their own contract.
    employee = await _record_employee(viewer, contract.employee_id)
    if employee is None:
        raise not_found("Contract", "contractId")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not change this employee.", "contractId"
        )
    viewer.refuse_self(employee.id, "contractId")
    if employee.status is EmployeeStatus.TERMINATED:
        raise ServiceError.one(
            ErrorCode.INVALID,
            "This person has left; their contracts ended with them.",
            "contractId",
        )
    if end_date < contract.start_date:
        raise ServiceError.one(ErrorCode.INVALID, "The contract ends before it starts.", "endDate")
    if end_date >= contract.covers_until():
        raise ServiceError.one(
            ErrorCode.INVALID,
            "End it before its own last day; a longer contract is a renewal.",
            "endDate",
        )
    text = (note or "").strip()
    if len(text) > 255:
        raise ServiceError.one(ErrorCode.INVALID, "The note is at most 255 characters.", "note")
    async with in_transaction() as conn:
        locked = await Contract.filter(id=contract.id).using_db(conn).select_for_update().first()
        if locked is None or locked.end_date != contract.end_date:
            raise ServiceError.one(
                ErrorCode.CONFLICT, "The contract changed meanwhile; reload it.", "contractId"
            )
        values: dict[str, Any] = {"end_date": end_date, "end_reason": ContractEndReason.REPLACED}
        if text:
            values["note"] = text
        await audit.record_changes(
            viewer, "Contract", contract.id, contract, values, employee_id=employee.id
        )
        await Contract.filter(id=contract.id).using_db(conn).update(**values)
        contract.update_from_dict(values)
    return contract


# --- employment events ----------------------------------------------------------------------


async def end_employment(
    viewer: Viewer,
    now: Employee,
    last_day: date,
    reason: str,
    kind: TerminationKind = TerminationKind.RESIGNATION,
) -> EmploymentEvent:
    """In the caller's transaction, with the employee's row locked (`now`): status TERMINATED,
    the last day set, the people they managed and the units they led losing the manager link,
    running contracts ended on the last day, and the RESIGNATION event: a termination approved
    through the engine (people/lifecycle.py)."""
    await versions.write(
        Employee,
        now.id,
        now.version,
        {
            "status": EmployeeStatus.TERMINATED,
            "termination_date": last_day,
            "termination_reason": reason,
        },
    )
    await audit.record_employee_termination(viewer, now, last_day, reason)
    await payroll_inputs.last_day_set(now, last_day)  # nothing when the approval set it
    await Employee.filter(manager_id=now.id).update(manager_id=None, version=F("version") + 1)
    await org_service.vacate_headships(viewer, now.id)
    # Contracts running past the last day end on it (劳动合同法 art. 44, 50).
    for contract in await Contract.filter(employee_id=now.id, start_date__lte=last_day):
        if contract.covers_until() > last_day:
            await audit.record_changes(
                viewer,
                "Contract",
                contract.id,
                contract,
                {"end_date": last_day},
                employee_id=now.id,
            )
            contract.end_date = last_day
            contract.end_reason = ContractEndReason.EMPLOYMENT_ENDED
            await contract.save(update_fields=["end_date", "end_reason"])
    return await EmploymentEvent.create(
        employee_id=now.id,
        kind=EventKind.RESIGNATION,
        termination_kind=kind,
        effective_date=last_day,
        from_unit_id=now.unit_id,
        from_position_id=now.position_id,
        note=reason[:255],
        actor_username=viewer.username,
    )


async def rehire(
    viewer: Viewer,
    employee_id: int,
    *,
    hire_date: date,
    unit_id: int,
    position_id: int | None = None,
    manager_id: int | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> EmploymentEvent:
    """A former employee comes back: a new employment period from `hire_date`, in a unit (and
    position) of the viewer's charge, checked as a hire is (people.placement_problems). The
    record is theirs again — the same employee number and history — with the new hire date,
    no last day and status ACTIVE: 劳动合同法 art. 19 para. 2 allows one probation per
    employer, so a rehire has none. The REHIRE event is the period's record: with the
    onboarding (or the first hire date) and each resignation, the timeline holds every period,
    and its note names the one before. A new labour contract is signed as usual."""

    async def attempt() -> EmploymentEvent:
        employee = await _manageable(viewer, employee_id)
        versions.check(employee.version, expected_version)
        if employee.status is not EmployeeStatus.TERMINATED:
            raise ServiceError.one(
                ErrorCode.CONFLICT, "Only a former employee is rehired.", "employeeId"
            )
        values: dict[str, Any] = {"position_id": position_id or employee.position_id}
        if manager_id is not None:
            values["manager_id"] = manager_id
        unit, problems = await people_service.placement_problems(
            viewer, unit_id=unit_id, values=values, employee_id=employee.id
        )
        last_day = employee.termination_date
        if last_day is not None and hire_date <= last_day:
            problems.append(
                FieldError(
                    "The new period starts after the last day ({last_day}).",
                    ErrorCode.INVALID,
                    "hireDate",
                    last_day=last_day.isoformat(),
                )
            )
        if problems:
            raise ServiceError(*problems)
        assert unit is not None
        values |= {
            "unit_id": unit.id,
            "hire_date": hire_date,
            "status": EmployeeStatus.ACTIVE,
            "termination_date": None,
            "termination_reason": None,
        }
        before = f"{employee.hire_date.isoformat()} – {last_day.isoformat() if last_day else '?'}"
        text = (note or "").strip()
        note_ = (
            PREVIOUS_PERIOD_NOTE.format(period=before, note=text)
            if text
            else PREVIOUS_PERIOD.format(period=before)
        )
        return await _placed(
            viewer, employee, expected_version, values, EventKind.REHIRE, hire_date, note_
        )

    return await versions.attempts(expected_version, attempt)


async def _placed(
    viewer: Viewer,
    employee: Employee,
    expected_version: int | None,
    values: dict[str, Any],
    kind: EventKind,
    effective_date: date,
    note: str | None,
) -> EmploymentEvent:
    """In one transaction: the employee's new place (`values`, with its unit) written as a new
    version and to the audit trail, and the event saying where they came from and went."""
    async with in_transaction():
        now = await _locked(viewer, employee, expected_version)
        return await place(viewer, now, values, kind, effective_date, note)


async def place(
    viewer: Viewer,
    now: Employee,
    values: dict[str, Any],
    kind: EventKind,
    effective_date: date,
    note: str | None = None,
) -> EmploymentEvent:
    """In the caller's transaction, with the employee's row locked (`now`): the new place
    written as a new version and to the audit trail, and the event (also for a transfer
    approved through the engine, people/lifecycle.py)."""
    await versions.write(Employee, now.id, now.version, values)
    await audit.record_employee_update(viewer, now, values)
    await payroll_inputs.placed(now, values, effective_date)
    return await EmploymentEvent.create(
        employee_id=now.id,
        kind=kind,
        effective_date=effective_date,
        from_unit_id=now.unit_id,
        to_unit_id=values["unit_id"],
        from_position_id=now.position_id,
        to_position_id=values.get("position_id", now.position_id),
        note=(note or "").strip()[:255] or None,
        actor_username=viewer.username,
    )


async def _locked(viewer: Viewer, read: Employee, expected_version: int | None) -> Employee:
    """In the write's transaction: the employee's row as it is now, locked. A change made
    since it was read is written over only when the client named no version and it left what
    was checked alone: the unit (the viewer's charge) and the status (people/service.py)."""
    now = await versions.locked(Employee, read.id)
    versions.still_current(
        read.version,
        now.version,
        expected_version,
        checks_hold=now.unit_id == read.unit_id and now.status == read.status,
    )
    return now


async def record_onboarding(
    viewer: Viewer, employee_id: int, *, note: str | None = None
) -> EmploymentEvent:
    """The onboarding event of an employee already hired (createEmployee): once only."""
    employee = await _manageable(viewer, employee_id)
    async with in_transaction():
        if await EmploymentEvent.filter(
            employee_id=employee.id, kind=EventKind.ONBOARDING
        ).exists():
            raise ServiceError.one(ErrorCode.CONFLICT, "Onboarding is already recorded.", "id")
        return await EmploymentEvent.create(
            employee_id=employee.id,
            kind=EventKind.ONBOARDING,
            effective_date=employee.hire_date,
            to_unit_id=employee.unit_id,
            to_position_id=employee.position_id,
            note=(note or "").strip()[:255] or None,
            actor_username=viewer.username,
        )


async def _manageable(viewer: Viewer, employee_id: int) -> Employee:
    employee = await _record_employee(viewer, employee_id)
    if employee is None:
        raise not_found("Employee", "id")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this employee.", "id")
    return employee


# --- timeline -----------------------------------------------------------------------------


def shown_note(event: EmploymentEvent) -> str | None:
    """The event's note as the viewer reads it: the server's own words translated, HR's as
    written (only a resignation's and a rehire's note may be the server's, and an onboarding's
    written by a hire from a posting)."""
    if event.note and event.kind in (EventKind.RESIGNATION, EventKind.REHIRE):
        return translate_stored(event.note)
    if event.note and event.kind is EventKind.ONBOARDING:
        return _server_words(event.note, (HIRED_THROUGH,))
    return event.note


def shown_contract_note(note: str | None) -> str | None:
    """A contract's note: HR's as written, the one a hire from an offer wrote translated."""
    return _server_words(note, (OFFER_OF,)) if note else note


def _server_words(text: str, msgids: tuple[str, ...]) -> str:
    """`text` in the viewer's language when one of `msgids` formatted it; else as written."""
    for msgid in msgids:
        found = pattern(msgid).fullmatch(text)
        if found is not None:
            return translate(msgid, found.groupdict())
    return text


@dataclass(frozen=True)
class TimelineItem:
    """One line of the employee's timeline; `on` orders it, newest first."""

    on: date
    at: datetime
    kind: str  # "event", "contract", "change"
    event: EmploymentEvent | None = None
    contract: Contract | None = None
    change: AuditEntry | None = None
    field_hidden: bool = False


async def timeline(viewer: Viewer, employee_id: int) -> list[TimelineItem] | None:
    """Events, contracts and field changes of one employee, newest first. A change to a
    field the viewer may not read shows that it changed, not the values."""
    employee = await _record_employee(viewer, employee_id)
    if employee is None:
        return None
    groups = viewer.groups_for(employee.id, employee.unit.path)
    items: list[TimelineItem] = []
    for event in await EmploymentEvent.filter(employee_id=employee.id):
        items.append(TimelineItem(event.effective_date, event.created_at, "event", event=event))
    for contract in await Contract.filter(employee_id=employee.id):
        items.append(
            TimelineItem(contract.signed_on, contract.created_at, "contract", contract=contract)
        )
    changes = AuditEntry.filter(
        employee_id=employee.id,
        subject_type="Employee",
        action__in=[AuditAction.UPDATE, AuditAction.CREATE],
    )
    for entry in await changes:
        group = _field_group(entry.field)
        hidden = entry.action is AuditAction.UPDATE and group not in groups
        on = entry.at.astimezone(UTC).date()
        items.append(TimelineItem(on, entry.at, "change", change=entry, field_hidden=hidden))
    items.sort(key=lambda i: (i.on, _aware(i.at)), reverse=True)
    return items


def _field_group(name: str | None) -> FieldGroup:
    """The group of an audited Employee field ("unitId" is the GraphQL field "unit"); an
    unknown field counts as sensitive, so that nothing new leaks by default."""
    if not name:
        return FieldGroup.DIRECTORY
    if name in EMPLOYEE_FIELDS:
        return EMPLOYEE_FIELDS[name]
    return EMPLOYEE_FIELDS.get(name.removesuffix("Id"), FieldGroup.SENSITIVE)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else datetime.combine(moment.date(), time(), UTC)


# --- personal record entries: education, work history, emergency contacts -----------------


@dataclass(frozen=True)
class PersonalRecord:
    education: list[Education]
    work_history: list[WorkHistory]
    emergency_contacts: list[EmergencyContact]


async def personal_record(viewer: Viewer, employee_id: int) -> PersonalRecord | None:
    """Null unless the viewer reads the employee's PERSONAL field group (HR in charge, self)."""
    scope = viewer.employee_filter(requires=FieldGroup.PERSONAL)
    if scope is None or not await Employee.filter(scope).filter(id=employee_id).exists():
        return None
    return PersonalRecord(
        education=await Education.filter(employee_id=employee_id),
        work_history=await WorkHistory.filter(employee_id=employee_id),
        emergency_contacts=await EmergencyContact.filter(employee_id=employee_id),
    )


ENTRY_MODELS: dict[str, type[Education] | type[WorkHistory] | type[EmergencyContact]] = {
    "Education": Education,
    "WorkHistory": WorkHistory,
    "EmergencyContact": EmergencyContact,
}
_REQUIRED = {
    "Education": ("school", "degree"),
    "WorkHistory": ("employer", "title"),
    "EmergencyContact": ("name", "relationship", "phone"),
}


async def add_entry(
    viewer: Viewer, kind: str, employee_id: int, values: dict[str, Any]
) -> Education | WorkHistory | EmergencyContact:
    """Add an education, work-history or emergency-contact line; HR in charge only."""
    employee = await _manageable(viewer, employee_id)
    problems: list[FieldError] = []
    for key in list(values):
        if isinstance(values[key], str):
            values[key] = values[key].strip() or None
    for key in _REQUIRED[kind]:
        if not values.get(key):
            problems.append(FieldError("Required.", ErrorCode.REQUIRED, _camel(key)))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        problems.append(FieldError("Ends before it starts.", ErrorCode.INVALID, "endDate"))
    phone = values.get("phone")
    if phone and not validation.valid_phone(phone) and not validation.valid_mobile(phone):
        problems.append(FieldError("Not a valid phone number.", ErrorCode.INVALID, "phone"))
    if problems:
        raise ServiceError(*problems)
    model = ENTRY_MODELS[kind]
    async with in_transaction():
        entry = await model.create(employee_id=employee.id, **values)
        await audit.record_created(viewer, kind, entry.id, values, employee_id=employee.id)
    return entry


async def remove_entry(viewer: Viewer, kind: str, entry_id: int) -> None:
    model = ENTRY_MODELS[kind]
    entry = await model.filter(id=entry_id).first()
    if entry is None:
        raise not_found("Entry", "id")
    try:
        await _manageable(viewer, entry.employee_id)
    except ServiceError as exc:
        # Someone else's entry is answered like a missing one.
        raise not_found("Entry", "id") from exc
    values = {k: getattr(entry, k) for k in entry._meta.db_fields if k not in ("id",)}
    async with in_transaction():
        await model.filter(id=entry.id).delete()
        await audit.record_deleted(viewer, kind, entry.id, values, employee_id=entry.employee_id)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)
