"""Rules for employees: who sees whom, hiring, changing, transferring and terminating."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop import versions
from talentloop.access.policy import FieldGroup, Viewer
from talentloop.accounts.service import reauthenticate
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.inputs import search_term
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.pagination import Page, keyset_page
from talentloop.payroll import inputs as payroll_inputs
from talentloop.people import sensitive, validation
from talentloop.people.models import Employee, EmployeeStatus, Gender, Position
from talentloop.people.sensitive import SensitiveField


def visible_employees(viewer: Viewer) -> QuerySet[Employee]:
    """Employees the viewer may see at all, each with its unit (needed for every field check)."""
    scope = viewer.employee_filter()
    if scope is None:
        return Employee.filter(id__in=[])
    return Employee.filter(scope).select_related("unit")


@dataclass
class EmployeeQuery:
    unit_id: int | None = None
    search: str | None = None
    statuses: list[EmployeeStatus] | None = None
    position_id: int | None = None
    hired_from: date | None = None
    hired_to: date | None = None
    id_number: str | None = None
    bank_account: str | None = None


def sensitive_lookup(viewer: Viewer, field: SensitiveField, value: str) -> Q:
    """Employees whose ID number (or bank account) is exactly `value`, by keyed hash, among
    those whose sensitive fields the viewer may read: to anyone else a look-up finds nobody,
    so it cannot tell them who holds a number."""
    scope = viewer.employee_filter(requires=FieldGroup.SENSITIVE)
    if scope is None or not value.strip():
        return Q(id__in=[])
    return Q(scope, Q(**{field.hash_column: sensitive.lookup_hash(field, value)}))


async def list_employees(
    viewer: Viewer, query: EmployeeQuery, *, first: int, after: str | None
) -> Page[Employee]:
    qs = visible_employees(viewer)
    if query.unit_id is not None:
        unit = await org_service.get_unit(viewer, query.unit_id)
        qs = (
            qs.filter(unit_id__in=org_service.subtree_ids(unit.path))
            if unit
            else qs.filter(id__in=[])
        )
    term = search_term(query.search)
    if term:
        found = Q(name__icontains=term) | Q(employee_number__icontains=term)
        # A whole ID number or account number typed into the search box finds its holder.
        if validation.valid_id_number(term.upper()):
            found |= sensitive_lookup(viewer, SensitiveField.ID_NUMBER, term)
        elif validation.valid_bank_account(sensitive.normalise(SensitiveField.BANK_ACCOUNT, term)):
            found |= sensitive_lookup(viewer, SensitiveField.BANK_ACCOUNT, term)
        qs = qs.filter(found)
    if query.statuses:
        qs = qs.filter(status__in=query.statuses)
    if query.position_id is not None:
        qs = qs.filter(position_id=query.position_id)
    if query.hired_from is not None or query.hired_to is not None:
        # The hire date is a work field: a viewer who may not read it cannot sort people by it
        # either, so the condition holds only for those whose work fields they may read.
        work = viewer.employee_filter(requires=FieldGroup.WORK)
        qs = qs.filter(work) if work is not None else qs.filter(id__in=[])
        if query.hired_from is not None:
            qs = qs.filter(hire_date__gte=query.hired_from)
        if query.hired_to is not None:
            qs = qs.filter(hire_date__lte=query.hired_to)
    if query.id_number is not None:
        qs = qs.filter(sensitive_lookup(viewer, SensitiveField.ID_NUMBER, query.id_number))
    if query.bank_account is not None:
        qs = qs.filter(sensitive_lookup(viewer, SensitiveField.BANK_ACCOUNT, query.bank_account))
    return await keyset_page(qs, key="employee_number", first=first, after=after)


async def get_employee(viewer: Viewer, employee_id: int) -> Employee | None:
    return await visible_employees(viewer).filter(id=employee_id).first()


async def employees_by_ids(viewer: Viewer, ids: list[int]) -> dict[int, Employee]:
    return {e.id: e for e in await visible_employees(viewer).filter(id__in=ids)}


async def positions_by_ids(ids: list[int]) -> dict[int, Position]:
    return {p.id: p for p in await Position.filter(id__in=ids)}


async def list_positions(viewer: Viewer) -> list[Position]:
    """The position catalogue is not personal data: any signed-in user may read it."""
    if not viewer.is_authenticated:
        return []
    return await Position.all()


# --- writes ---------------------------------------------------------------------------

_EDITABLE = (
    "name",
    "position_id",
    "manager_id",
    "status",
    "gender",
    "birth_date",
    "work_phone",
    "work_email",
    "personal_phone",
    "id_number",
    "bank_account",
    "base_salary",
)


@dataclass
class EmployeeChanges:
    """Only the keys present are changed; a present None clears a nullable field."""

    values: dict[str, Any] = field(default_factory=dict)


async def create_employee(
    viewer: Viewer, *, employee_number: str, unit_id: int, hire_date: date, changes: EmployeeChanges
) -> Employee:
    if not viewer.can_manage_employees:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not add employees.")
    problems: list[FieldError] = []
    unit = await _manageable_unit(viewer, unit_id, "unitId", problems)
    number = employee_number.strip()
    if not number:
        problems.append(
            FieldError("Employee number is required.", ErrorCode.REQUIRED, "employeeNumber")
        )
    elif await Employee.filter(employee_number=number).exists():
        problems.append(
            FieldError("This employee number is taken.", ErrorCode.DUPLICATE, "employeeNumber")
        )
    values = dict(changes.values)
    if not str(values.get("name") or "").strip():
        problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
    if values.get("status") is None:
        values["status"] = EmployeeStatus.PROBATION
    if values["status"] is EmployeeStatus.TERMINATED:
        problems.append(
            FieldError("A new employee cannot be terminated.", ErrorCode.INVALID, "status")
        )
    problems += await _value_problems(viewer, values, employee_id=None)
    if problems:
        raise ServiceError(*problems)
    assert unit is not None
    async with in_transaction():
        employee = await Employee.create(
            employee_number=number,
            unit=unit,
            hire_date=hire_date,
            **sensitive.sealed_columns(number, _clean(values)),
        )
        await audit.record_employee_created(viewer, employee, _clean(values))
        await payroll_inputs.hired(employee)
    return await visible_employees(viewer).get(id=employee.id)


# Fields of one's own record HR may not change themselves (value key → input field).
_NOT_ONES_OWN = {
    "base_salary": "baseSalary",
    "position_id": "positionId",
    "manager_id": "managerId",
    "status": "status",
}


async def update_employee(
    viewer: Viewer,
    employee_id: int,
    changes: EmployeeChanges,
    current_password: str | None = None,
    expected_version: int | None = None,
) -> Employee:
    async def attempt() -> Employee:
        employee = await _manageable_employee(viewer, employee_id)
        versions.check(employee.version, expected_version)
        values = dict(changes.values)
        if viewer.is_self(employee.id):
            # One's own contacts, personal and bank details are one's own to keep up to date;
            # one's pay, job and status are someone else's to change.
            for key, field_name in _NOT_ONES_OWN.items():
                if key in values and values[key] != getattr(employee, key):
                    viewer.refuse_self(employee.id, field_name)
        problems = await _value_problems(viewer, values, employee_id=employee.id)
        if "name" in values and not str(values["name"] or "").strip():
            problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
        if employee.status is EmployeeStatus.TERMINATED and "status" in values:
            if values["status"] is not EmployeeStatus.TERMINATED:
                problems.append(FORMER_EMPLOYEE)
            else:
                del values["status"]  # as it is
        elif values.get("status") is EmployeeStatus.TERMINATED:
            problems.append(
                FieldError("Use terminateEmployee to end employment.", ErrorCode.INVALID, "status")
            )
        if problems:
            raise ServiceError(*problems)
        # The checks compare the sensitive values by keyed hash: nothing is decrypted to change them.
        stored, compared = sensitive.ByHash(employee), sensitive.hashed(_clean(values))
        await reauthenticate(viewer, stored, compared, current_password)
        if not _clean(values):
            return employee  # nothing to change: the version stays
        async with in_transaction():
            now = await _locked(viewer, employee, expected_version)
            await versions.write(
                Employee,
                employee.id,
                now.version,
                sensitive.sealed_columns(employee.employee_number, _clean(values)),
            )
            await audit.record_employee_update(viewer, sensitive.ByHash(now), compared)
            await payroll_inputs.record_changed(now, _clean(values))
        return await visible_employees(viewer).get(id=employee.id)

    return await versions.attempts(expected_version, attempt)


async def _locked(viewer: Viewer, read: Employee, expected_version: int | None) -> Employee:
    """In the write's transaction: the employee's row as it is now, locked. A change made since
    it was read is written over only when the client named no version and it leaves what was
    checked alone: the unit (the viewer's charge), the status, and one's own record (whose
    password check compared the stored values)."""
    now = await versions.locked(Employee, read.id)
    versions.still_current(
        read.version,
        now.version,
        expected_version,
        checks_hold=now.unit_id == read.unit_id
        and now.status == read.status
        and viewer.employee_id != read.id,
    )
    return now


async def _manageable_employee(viewer: Viewer, employee_id: int) -> Employee:
    employee = await get_employee(viewer, employee_id)
    if employee is None:
        raise not_found("Employee", "id")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this employee.", "id")
    return employee


async def _manageable_unit(
    viewer: Viewer, unit_id: int, field_name: str, problems: list[FieldError]
) -> OrgUnit | None:
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        problems.append(FieldError("Unit not found.", ErrorCode.NOT_FOUND, field_name))
    elif not viewer.can_manage_employees_in(unit.path):
        problems.append(
            FieldError("You may not place employees in this unit.", ErrorCode.FORBIDDEN, field_name)
        )
    elif unit.closed_on is not None:
        problems.append(FieldError("This unit is closed.", ErrorCode.INVALID, field_name))
    return unit


# A former employee comes back through rehireEmployee (records/service.py), which opens a new
# employment period; an edit or an import never sets them back to work.
FORMER_EMPLOYEE = FieldError(
    "A former employee is rehired with rehireEmployee, which opens a new employment period.",
    ErrorCode.INVALID,
    "status",
)


async def placement_problems(
    viewer: Viewer, *, unit_id: int, values: dict[str, Any], employee_id: int | None = None
) -> tuple[OrgUnit | None, list[FieldError]]:
    """What a hire checks (create_employee makes the same two checks), for a rehire: the unit
    they join, in the viewer's charge, and every value given — formats, then the position and
    manager it names. `values` is normalised in place."""
    problems: list[FieldError] = []
    unit = await _manageable_unit(viewer, unit_id, "unitId", problems)
    problems += await _value_problems(viewer, values, employee_id=employee_id)
    return unit, problems


async def _value_problems(
    viewer: Viewer, values: dict[str, Any], *, employee_id: int | None
) -> list[FieldError]:
    """Check every supplied value, formats first, then the records it refers to."""
    unknown = set(values) - set(_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    problems = format_problems(values)
    if (
        values.get("position_id") is not None
        and not await Position.filter(id=values["position_id"]).exists()
    ):
        problems.append(FieldError("Position not found.", ErrorCode.NOT_FOUND, "positionId"))
    manager_id = values.get("manager_id")
    if manager_id is not None:
        if manager_id == employee_id:
            problems.append(
                FieldError("An employee cannot manage themselves.", ErrorCode.INVALID, "managerId")
            )
        elif not await visible_employees(viewer).filter(id=manager_id).exists():
            problems.append(FieldError("Manager not found.", ErrorCode.NOT_FOUND, "managerId"))
    return problems


def format_problems(values: dict[str, Any]) -> list[FieldError]:
    """Check the formats of the values given, normalising them in place (strings stripped,
    ID numbers upper-cased, amounts to the fen). Shared by the API and the import."""
    problems: list[FieldError] = []
    if "status" in values and values["status"] is None:
        problems.append(FieldError("Status cannot be empty.", ErrorCode.REQUIRED, "status"))
    for key in ("name", "work_phone", "work_email", "personal_phone", "id_number", "bank_account"):
        if isinstance(values.get(key), str):
            values[key] = values[key].strip() or None
    if values.get("name") and len(values["name"]) > 64:
        problems.append(FieldError("Name is at most 64 characters.", ErrorCode.INVALID, "name"))
    if values.get("personal_phone") and not validation.valid_mobile(values["personal_phone"]):
        problems.append(
            FieldError("Not a valid mobile number.", ErrorCode.INVALID, "personalPhone")
        )
    if values.get("work_phone") and not validation.valid_phone(values["work_phone"]):
        problems.append(FieldError("Not a valid phone number.", ErrorCode.INVALID, "workPhone"))
    if values.get("work_email") and not validation.valid_email(values["work_email"]):
        problems.append(FieldError("Not a valid email address.", ErrorCode.INVALID, "workEmail"))
    if values.get("id_number"):
        values["id_number"] = values["id_number"].upper()
        if not validation.valid_id_number(values["id_number"]):
            problems.append(
                FieldError("Not a valid resident ID number.", ErrorCode.INVALID, "idNumber")
            )
    if values.get("bank_account"):
        values["bank_account"] = values["bank_account"].replace(" ", "")
        if not validation.valid_bank_account(values["bank_account"]):
            problems.append(
                FieldError("Not a valid bank account number.", ErrorCode.INVALID, "bankAccount")
            )
    if values.get("base_salary") is not None:
        try:
            salary = Decimal(str(values["base_salary"])).quantize(Decimal("0.01"))
        except InvalidOperation:
            salary = Decimal(-1)
        if salary < 0 or salary >= Decimal("10000000000"):
            problems.append(FieldError("Not a valid salary.", ErrorCode.INVALID, "baseSalary"))
        values["base_salary"] = salary
    if values.get("birth_date") and values["birth_date"] > date.today():
        problems.append(FieldError("Birth date is in the future.", ErrorCode.INVALID, "birthDate"))
    if "gender" in values and values["gender"] is not None:
        values["gender"] = Gender(values["gender"])
    return problems


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in _EDITABLE}
