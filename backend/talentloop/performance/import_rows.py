"""The row checks of the performance kinds' imports (employees, KPI records, targets): the
pure part of performance/imports.py, run in the file-checking process (talentloop.offload)
by imports/rows.py `check_file`, against look-ups the API process read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.rows import Checked, RowCheck
from talentloop.people.models import EmployeeStatus, Gender
from talentloop.people.service import FORMER_EMPLOYEE, format_problems
from talentloop.performance.closed import CLOSED_MESSAGE
from talentloop.performance.models import Kpi, KpiUnit, PeriodType
from talentloop.performance.periods import label, parse_period
from talentloop.performance.rollup import closing_month
from talentloop.performance.service import parse_decimal, value_problems

_GENDERS = {"male": Gender.MALE, "男": Gender.MALE, "female": Gender.FEMALE, "女": Gender.FEMALE}
_STATUSES = {s.value: s for s in EmployeeStatus} | {
    "试用": EmployeeStatus.PROBATION,
    "在职": EmployeeStatus.ACTIVE,
    "休假": EmployeeStatus.ON_LEAVE,
}


@dataclass(frozen=True)
class KpiFacts:
    """What a row check needs of a KPI (value_problems reads the same attributes of a Kpi)."""

    id: int
    code: str
    unit: KpiUnit
    period_type: PeriodType
    dimension_name: str | None

    @classmethod
    def of(cls, kpi: Kpi) -> KpiFacts:
        return cls(kpi.id, kpi.code, kpi.unit, kpi.period_type, kpi.dimension_name)


@dataclass(frozen=True)
class RecordLookups:
    kpis: dict[str, KpiFacts]
    employees: dict[str, int]  # the ids of the file's people the viewer manages, by number
    closed: dict[int, set[date]] = field(default_factory=dict)  # closed months by person


@dataclass(frozen=True)
class TargetLookups:
    kpis: dict[str, KpiFacts]
    employees: dict[str, int]
    units: dict[str, tuple[int, str]]  # (id, path) by code
    closed: dict[int, set[date]] = field(default_factory=dict)  # closed months by person
    closed_units: dict[int, set[date]] = field(default_factory=dict)  # … by unit


@dataclass(frozen=True)
class EmployeeLookups:
    numbers: set[str]  # the file's employee numbers
    mine: dict[str, int]  # of those, the viewer manages these (by number: id)
    taken: set[str]  # of those, these exist
    former: set[str]  # of those, these have left
    # of those, where each works now: (unit id, position id) — a move is a transfer request
    placed: dict[str, tuple[int, int | None]]
    units: dict[str, tuple[int, str]]  # the units the viewer sees: (id, path) by code
    positions: dict[str, int]  # id by code
    managers: set[str]  # the file's manager numbers the viewer sees


Lookups = RecordLookups | TargetLookups | EmployeeLookups


class _Parsed:
    """A file repeats its periods and values row after row: each text is parsed once, and
    its rows share the one date or Decimal."""

    def __init__(self) -> None:
        self._periods: dict[tuple[str, Any], date | None] = {}
        self._decimals: dict[str, Decimal | None] = {}

    def period(self, text: str, kpi: KpiFacts | None) -> date | None:
        key = (text, kpi.period_type if kpi else None)
        if key not in self._periods:
            self._periods[key] = parse_period(text, kpi.period_type) if kpi else parse_period(text)
        return self._periods[key]

    def decimal(self, text: str) -> Decimal | None:
        if text not in self._decimals:
            self._decimals[text] = parse_decimal(text)
        return self._decimals[text]


def record_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, RecordLookups)
    kpis, employees = lookups.kpis, lookups.employees
    parsed = _Parsed()

    def check(index: int, row: dict[str, str]) -> None:
        employee = employees.get(row["employee_number"])
        kpi = kpis.get(row["kpi_code"])
        bad = False
        if employee is None:
            checked.error(
                index, "employee_number", "No such employee in your scope.", ErrorCode.NOT_FOUND
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        if kpi is None:
            checked.error(index, "kpi_code", "No such KPI.", ErrorCode.NOT_FOUND)
            bad = True
        period = parsed.period(row["period"], kpi)
        if period is None:
            checked.error(index, "period", "Not a period (YYYY-MM).")
            bad = True
        value = parsed.decimal(row["value"])
        if value is None:
            checked.error(index, "value", "Not a number.")
            bad = True
        dimension = row.get("dimension", "")
        if bad or employee is None or kpi is None or period is None or value is None:
            return
        for problem in value_problems(kpi, value, period, dimension):
            checked.error(index, problem.field, problem.msgid, problem.code, **dict(problem.params))
            bad = True
        bad = closed_row(checked, index, kpi, period, lookups.closed.get(employee)) or bad
        key = (employee, kpi.id, period, dimension)
        if key in checked.items:
            checked.error(
                index,
                None,
                "Same employee, KPI, period and dimension as row {other}.",
                ErrorCode.DUPLICATE,
                other=checked.items[key][0],
            )
            bad = True
        if not bad:
            checked.items[key] = (index, value)

    return check


def target_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, TargetLookups)
    kpis, employees, units = lookups.kpis, lookups.employees, lookups.units
    parsed = _Parsed()

    def check(index: int, row: dict[str, str]) -> None:
        number, unit_code = row.get("employee_number", ""), row.get("unit_code", "")
        kpi = kpis.get(row["kpi_code"])
        bad = False
        if kpi is None:
            checked.error(index, "kpi_code", "No such KPI.", ErrorCode.NOT_FOUND)
            bad = True
        employee = employees.get(number) if number else None
        unit = units.get(unit_code) if unit_code else None
        if bool(number) == bool(unit_code):
            checked.error(index, "employee_number", "Give either employee_number or unit_code.")
            bad = True
        elif number and employee is None:
            checked.error(
                index, "employee_number", "No such employee in your scope.", ErrorCode.NOT_FOUND
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        elif unit_code and (unit is None or not viewer.can_direct_in(unit[1])):
            checked.error(index, "unit_code", "No such unit in your scope.", ErrorCode.NOT_FOUND)
            bad = True
        period = parsed.period(row["period"], kpi)
        if period is None:
            checked.error(index, "period", "Not a period (YYYY-MM).")
            bad = True
        value = parsed.decimal(row["value"])
        if value is None or value < 0:
            checked.error(index, "value", "Not a number of 0 or more.")
            bad = True
        if bad or kpi is None:
            return
        months = lookups.closed.get(employee) if employee else None
        if unit is not None:
            months = lookups.closed_units.get(unit[0])
        if closed_row(checked, index, kpi, period, months):
            return
        key = (kpi.id, period, employee, unit[0] if unit else None)
        if key in checked.items:
            checked.error(
                index,
                None,
                "Same target as row {other}.",
                ErrorCode.DUPLICATE,
                other=checked.items[key][0],
            )
            return
        checked.items[key] = (index, value)

    return check


def closed_row(
    checked: Checked, index: int, kpi: KpiFacts, period: date | None, months: set[date] | None
) -> bool:
    """A row into a closed month is refused (performance/closed.py), naming the month."""
    if not months or period is None:
        return False
    month = closing_month(period, kpi.period_type)
    if month not in months:
        return False
    checked.error(index, "period", CLOSED_MESSAGE, ErrorCode.LOCKED, month=label(month))
    return True


MOVED_BY_REQUEST = N_(
    "Someone already employed changes unit or position by a transfer request, not by an import."
)


def employee_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, EmployeeLookups)
    found = lookups

    def check(index: int, row: dict[str, str]) -> None:
        number = row["employee_number"]
        bad = False
        if not number:
            checked.error(index, "employee_number", "Required.", ErrorCode.REQUIRED)
            bad = True
        elif number in found.taken and number not in found.mine:
            checked.error(
                index, "employee_number", "This employee number is taken.", ErrorCode.DUPLICATE
            )
            bad = True
        elif checked.about_self(index, viewer, found.mine.get(number)):
            bad = True
        unit = found.units.get(row["unit_code"])
        if unit is None or not viewer.can_manage_employees_in(unit[1]):
            checked.error(index, "unit_code", "No such unit in your scope.", ErrorCode.NOT_FOUND)
            bad = True
        values: dict[str, Any] = {"name": row["name"]}
        if not row["name"]:
            checked.error(index, "name", "Required.", ErrorCode.REQUIRED)
            bad = True
        for column in ("hire_date", "birth_date"):
            text = row.get(column, "")
            if text:
                try:
                    values[column] = date.fromisoformat(text[:10])
                except ValueError:
                    checked.error(index, column, "Not a date (YYYY-MM-DD).")
                    bad = True
            elif column == "hire_date":
                checked.error(index, column, "Required.", ErrorCode.REQUIRED)
                bad = True
        for column in ("work_phone", "work_email", "personal_phone", "id_number", "bank_account"):
            if row.get(column):
                values[column] = row[column]
        if row.get("base_salary"):
            values["base_salary"] = parse_decimal(row["base_salary"])
            if values["base_salary"] is None:
                checked.error(index, "base_salary", "Not a number.")
                bad = True
        if row.get("gender"):
            gender = _GENDERS.get(row["gender"].lower())
            if gender is None:
                checked.error(index, "gender", "male / female (男 / 女).")
                bad = True
            values["gender"] = gender
        status = _STATUSES.get(row.get("status", "").lower() or "active")
        if status is None or status is EmployeeStatus.TERMINATED:
            checked.error(index, "status", "probation, active or on_leave.")
            bad = True
        elif number in found.mine and number in found.former:
            # Whatever the file says (an empty status reads as active), never back to work.
            checked.error(index, "status", FORMER_EMPLOYEE.msgid, FORMER_EMPLOYEE.code)
            bad = True
        values["status"] = status
        for problem in format_problems(values):
            checked.error(
                index, _column(problem.field), problem.msgid, problem.code, **dict(problem.params)
            )
            bad = True
        position_code = row.get("position_code", "")
        if position_code and position_code not in found.positions:
            checked.error(index, "position_code", "No such position.", ErrorCode.NOT_FOUND)
            bad = True
        manager = row.get("manager_number", "")
        if manager and manager not in found.managers and manager not in found.numbers:
            checked.error(
                index, "manager_number", "No such employee in your scope.", ErrorCode.NOT_FOUND
            )
            bad = True
        if manager and manager == number:
            checked.error(index, "manager_number", "An employee cannot manage themselves.")
            bad = True
        key = (number,)
        if key in checked.items:
            checked.error(
                index,
                "employee_number",
                "Same employee as row {other}.",
                ErrorCode.DUPLICATE,
                other=checked.items[key][0],
            )
            bad = True
        placed = found.placed.get(number)
        if placed is not None and unit is not None and unit[0] != placed[0]:
            # Someone already here changes unit or position through the approvals engine
            # (TRANSFER, people/lifecycle.py), never by a file that nobody approves.
            checked.error(index, "unit_code", MOVED_BY_REQUEST, ErrorCode.INVALID)
            bad = True
        if (
            placed is not None
            and position_code in found.positions
            and found.positions[position_code] != placed[1]
        ):
            checked.error(index, "position_code", MOVED_BY_REQUEST, ErrorCode.INVALID)
            bad = True
        if not bad and unit is not None:
            values["unit_id"] = unit[0]
            if position_code:
                values["position_id"] = found.positions[position_code]
            else:  # an empty column leaves an employee's position as it is
                values["position_id"] = placed[1] if placed is not None else None
            checked.items[key] = (index, values, manager or None)

    return check


def _column(api_field: str | None) -> str | None:
    if api_field is None:
        return None
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in api_field)
