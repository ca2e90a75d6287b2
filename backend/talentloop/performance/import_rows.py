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
from talentloop.imports.parse import fold, parse_date, parse_number
from talentloop.imports.rows import Checked, RowCheck
from talentloop.people.models import EmployeeStatus, Gender
from talentloop.people.service import FORMER_EMPLOYEE, format_problems
from talentloop.performance.closed import CLOSED_MESSAGE
from talentloop.performance.models import Kpi, KpiUnit, PeriodType
from talentloop.performance.periods import label, parse_file_period, period_problems
from talentloop.performance.rollup import closing_month
from talentloop.performance.service import value_problems

_GENDERS = {
    "male": Gender.MALE,
    "m": Gender.MALE,
    "男": Gender.MALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "女": Gender.FEMALE,
}
GENDER_CHOICES = ["male", "female", "男", "女"]
_STATUSES = {s.value: s for s in EmployeeStatus} | {
    "试用": EmployeeStatus.PROBATION,
    "试用期": EmployeeStatus.PROBATION,
    "在职": EmployeeStatus.ACTIVE,
    "正式": EmployeeStatus.ACTIVE,
    "休假": EmployeeStatus.ON_LEAVE,
    "on leave": EmployeeStatus.ON_LEAVE,
    "离职": EmployeeStatus.TERMINATED,
}
STATUS_CHOICES = ["probation", "active", "on_leave", "terminated", "试用", "在职", "休假", "离职"]

# The row errors' messages (msgids; the value and the valid choices go beside them).
NO_EMPLOYEE = N_("No such employee in your scope.")
NO_KPI = N_("No such KPI.")
NO_UNIT = N_("No such unit in your scope.")
NO_POSITION = N_("No such position.")
PERIOD_FORMS = {
    PeriodType.MONTH: N_("Not a month (2026-11, 2026/11, 2026年11月 or 202611)."),
    PeriodType.QUARTER: N_("Not a quarter (2026-Q1, or the quarter's first month: 2026-01)."),
    PeriodType.YEAR: N_("Not a year (2026 or 2026年)."),
}
NOT_A_DATE = N_("Not a date (2026-11-01, 2026/11/01, 2026.11.01 or 2026年11月1日).")
# A leaver comes over from the old system with their last day; nobody's employment is ended
# by a file (that is requestTermination's, approved: people/lifecycle.py).
ENDED_BY_REQUEST = N_("An import does not end an employment: ask for it with requestTermination.")
LAST_DAY_ONLY_FOR_LEAVERS = N_("A last day is given only for a leaver (status terminated).")
LAST_DAY_STAYS = N_("A leaver's last day does not change by import.")


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
    kpis: dict[str, KpiFacts]  # by fold(code) (imports/parse.py): codes match in any case
    employees: dict[str, int]  # the ids of the file's people the viewer manages, by fold(number)
    closed: dict[int, set[date]] = field(default_factory=dict)  # closed months by person


@dataclass(frozen=True)
class TargetLookups:
    kpis: dict[str, KpiFacts]  # by fold(code)
    employees: dict[str, int]  # by fold(number)
    units: dict[str, tuple[int, str]]  # (id, path) by fold(code)
    closed: dict[int, set[date]] = field(default_factory=dict)  # closed months by person
    closed_units: dict[int, set[date]] = field(default_factory=dict)  # … by unit
    unit_codes: list[str] = field(default_factory=list)  # the viewer's units, when ≤ 30


@dataclass(frozen=True)
class EmployeeLookups:
    """Every number and code by fold(…) (imports/parse.py): they match in any case."""

    numbers: dict[str, str]  # the file's employee numbers: as written, by fold
    mine: dict[str, int]  # of those, the viewer manages these (by number: id)
    taken: set[str]  # of those, these exist
    former: set[str]  # of those, these have left
    # of those, where each works now: (unit id, position id) — a move is a transfer request
    placed: dict[str, tuple[int, int | None]]
    units: dict[str, tuple[int, str]]  # the units the viewer sees: (id, path) by code
    positions: dict[str, int]  # id by code
    managers: set[str]  # the file's manager numbers the viewer sees
    stored: dict[str, str] = field(default_factory=dict)  # the stored spelling of a number
    unit_codes: list[str] = field(default_factory=list)  # the viewer's units, when ≤ 30
    position_codes: list[str] = field(default_factory=list)  # every position, when ≤ 30

    def spelling(self, number: str) -> str:
        """The number as stored (e1001 → E1001), else as the file first wrote it."""
        key = fold(number)
        return self.stored.get(key) or self.numbers.get(key) or number

    left_on: dict[str, date] = field(default_factory=dict)  # the leavers' last days, by number


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
            self._periods[key] = parse_file_period(
                text, kpi.period_type if kpi else PeriodType.MONTH
            )
        return self._periods[key]

    def decimal(self, text: str, kpi: KpiFacts | None = None) -> Decimal | None:
        """A number as files write it (imports/parse.py): 1,234.50, full-width digits, a
        trailing % for a percentage KPI, ¥ / 元 for a money one."""
        percent = kpi is not None and kpi.unit is KpiUnit.PERCENT
        money = kpi is not None and kpi.unit is KpiUnit.MONEY
        key = f"{int(percent)}{int(money)}{text}"
        if key not in self._decimals:
            self._decimals[key] = parse_number(text, percent=percent, money=money)
        return self._decimals[key]


def kpi_choices(kpis: dict[str, KpiFacts]) -> list[str]:
    return sorted(k.code for k in kpis.values())


def period_error(checked: Checked, index: int, text: str, kpi: KpiFacts | None) -> None:
    period_type = kpi.period_type if kpi else PeriodType.MONTH
    checked.error(index, "period", PERIOD_FORMS[period_type], value=text)


def record_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, RecordLookups)
    kpis, employees = lookups.kpis, lookups.employees
    parsed = _Parsed()

    kpi_codes = kpi_choices(kpis)

    def check(index: int, row: dict[str, str]) -> None:
        employee = employees.get(fold(row["employee_number"]))
        kpi = kpis.get(fold(row["kpi_code"]))
        bad = False
        if employee is None:
            checked.error(
                index,
                "employee_number",
                NO_EMPLOYEE,
                ErrorCode.NOT_FOUND,
                value=row["employee_number"],
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        if kpi is None:
            checked.error(
                index,
                "kpi_code",
                NO_KPI,
                ErrorCode.NOT_FOUND,
                value=row["kpi_code"],
                choices=kpi_codes,
            )
            bad = True
        period = parsed.period(row["period"], kpi)
        if period is None:
            period_error(checked, index, row["period"], kpi)
            bad = True
        value = parsed.decimal(row["value"], kpi)
        if value is None:
            checked.error(index, "value", "Not a number.", value=row["value"])
            bad = True
        dimension = row.get("dimension", "")
        if bad or employee is None or kpi is None or period is None or value is None:
            return
        for problem in value_problems(kpi, value, period, dimension):
            column = problem.field or "value"
            shown = {"period": row["period"], "dimension": dimension}.get(column, row["value"])
            checked.error(
                index, column, problem.msgid, problem.code, value=shown, **dict(problem.params)
            )
            bad = True
        bad = closed_row(checked, index, kpi, period, lookups.closed.get(employee)) or bad
        key = (employee, kpi.id, period, dimension)
        if key in checked.items:
            checked.error(
                index,
                None,
                "Same employee, KPI, period and dimension as row {other}.",
                ErrorCode.DUPLICATE,
                value=row["period"],
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

    kpi_codes = kpi_choices(kpis)

    def check(index: int, row: dict[str, str]) -> None:
        number, unit_code = row.get("employee_number", ""), row.get("unit_code", "")
        kpi = kpis.get(fold(row["kpi_code"]))
        bad = False
        if kpi is None:
            checked.error(
                index,
                "kpi_code",
                NO_KPI,
                ErrorCode.NOT_FOUND,
                value=row["kpi_code"],
                choices=kpi_codes,
            )
            bad = True
        employee = employees.get(fold(number)) if number else None
        unit = units.get(fold(unit_code)) if unit_code else None
        if bool(number) == bool(unit_code):
            both = " / ".join((number, unit_code)) if number else None
            checked.error(
                index, "employee_number", "Give either employee_number or unit_code.", value=both
            )
            bad = True
        elif number and employee is None:
            checked.error(index, "employee_number", NO_EMPLOYEE, ErrorCode.NOT_FOUND, value=number)
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        elif unit_code and (unit is None or not viewer.can_direct_in(unit[1])):
            checked.error(
                index,
                "unit_code",
                NO_UNIT,
                ErrorCode.NOT_FOUND,
                value=unit_code,
                choices=lookups.unit_codes,
            )
            bad = True
        period = parsed.period(row["period"], kpi)
        if period is None:
            period_error(checked, index, row["period"], kpi)
            bad = True
        value = parsed.decimal(row["value"], kpi)
        if value is None or value < 0:
            checked.error(index, "value", "Not a number of 0 or more.", value=row["value"])
            bad = True
        if bad or kpi is None or period is None:
            return
        for problem in period_problems(period, kpi.period_type):
            checked.error(
                index,
                "period",
                problem.msgid,
                problem.code,
                value=row["period"],
                **dict(problem.params),
            )
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
                value=row["period"],
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
    checked.error(
        index,
        "period",
        CLOSED_MESSAGE,
        ErrorCode.LOCKED,
        value=label(period, kpi.period_type),
        month=label(month),
    )
    return True


MOVED_BY_REQUEST = N_(
    "Someone already employed changes unit or position by a transfer request, not by an import."
)

# A checked employee's values are kept as a tuple in this order (`employee_values` makes the
# dict again, chunk by chunk as the writer goes): a dict per row was the largest part of a
# 200,000-row file's memory in both processes. The order is the one the check fills the dict
# in, so the dict comes back as it was made. A column the row leaves as it is: ABSENT.
EMPLOYEE_VALUES = (
    "name",
    "hire_date",
    "birth_date",
    "work_phone",
    "work_email",
    "personal_phone",
    "id_number",
    "bank_account",
    "base_salary",
    "gender",
    "termination_date",
    "termination_reason",
    "status",
    "unit_id",
    "position_id",
)
ABSENT = ...  # Ellipsis: no value is, and it pickles as itself


def packed_values(values: dict[str, Any]) -> tuple[Any, ...]:
    """An employee row's values as EMPLOYEE_VALUES orders them."""
    assert values.keys() <= set(EMPLOYEE_VALUES), values.keys() - set(EMPLOYEE_VALUES)
    return tuple(values.get(name, ABSENT) for name in EMPLOYEE_VALUES)


def employee_values(packed: tuple[Any, ...]) -> dict[str, Any]:
    """`packed_values` undone: the row's values by field, as the check made them."""
    return {
        name: value
        for name, value in zip(EMPLOYEE_VALUES, packed, strict=True)
        if value is not ABSENT
    }


def employee_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, EmployeeLookups)
    found = lookups
    # A file repeats its dates and salaries: each text parsed once, its rows share the value.
    dates: dict[str, date | None] = {}
    salaries: dict[str, Decimal | None] = {}

    def parsed_date(text: str) -> date | None:
        if text not in dates:
            dates[text] = parse_date(text)
        return dates[text]

    def check(index: int, row: dict[str, str]) -> None:
        written = row["employee_number"]
        number = found.spelling(written) if written else ""
        mine = fold(number)
        bad = False
        if not number:
            checked.error(index, "employee_number", "Required.", ErrorCode.REQUIRED)
            bad = True
        elif mine in found.taken and mine not in found.mine:
            checked.error(
                index,
                "employee_number",
                "This employee number is taken.",
                ErrorCode.DUPLICATE,
                value=written,
            )
            bad = True
        elif checked.about_self(index, viewer, found.mine.get(mine)):
            bad = True
        unit = found.units.get(fold(row["unit_code"]))
        if unit is None or not viewer.can_manage_employees_in(unit[1]):
            checked.error(
                index,
                "unit_code",
                NO_UNIT,
                ErrorCode.NOT_FOUND,
                value=row["unit_code"],
                choices=found.unit_codes,
            )
            bad = True
        values: dict[str, Any] = {"name": row["name"]}
        if not row["name"]:
            checked.error(index, "name", "Required.", ErrorCode.REQUIRED)
            bad = True
        for column in ("hire_date", "birth_date"):
            text = row.get(column, "")
            if text:
                day = parsed_date(text)
                if day is None:
                    checked.error(index, column, NOT_A_DATE, value=text)
                    bad = True
                else:
                    values[column] = day
            elif column == "hire_date":
                checked.error(index, column, "Required.", ErrorCode.REQUIRED)
                bad = True
        for column in ("work_phone", "work_email", "personal_phone", "id_number", "bank_account"):
            if row.get(column):
                values[column] = row[column]
        if row.get("base_salary"):
            text = row["base_salary"]
            if text not in salaries:
                salaries[text] = parse_number(text, money=True)
            values["base_salary"] = salaries[text]
            if values["base_salary"] is None:
                checked.error(index, "base_salary", "Not a number.", value=row["base_salary"])
                bad = True
        if row.get("gender"):
            gender = _GENDERS.get(fold(row["gender"]))
            if gender is None:
                checked.error(
                    index,
                    "gender",
                    "male / female (男 / 女).",
                    value=row["gender"],
                    choices=GENDER_CHOICES,
                )
                bad = True
            values["gender"] = gender
        status_text = row.get("status", "")
        status = _STATUSES.get(fold(status_text) or "active")
        last_day = _date(row.get("last_day", ""))
        if row.get("last_day") and last_day is None:
            checked.error(index, "last_day", NOT_A_DATE, value=row["last_day"])
            bad = True
        if status is None:
            checked.error(
                index,
                "status",
                "probation, active or on_leave.",
                value=status_text,
                choices=STATUS_CHOICES,
            )
            bad = True
        elif status is EmployeeStatus.TERMINATED:
            bad = _leaver_problems(checked, index, found, mine, row, values, last_day) or bad
        elif row.get("last_day"):
            checked.error(index, "last_day", LAST_DAY_ONLY_FOR_LEAVERS, value=row["last_day"])
            bad = True
        elif mine in found.mine and mine in found.former:
            # Whatever the file says (an empty status reads as active), never back to work.
            checked.error(
                index, "status", FORMER_EMPLOYEE.msgid, FORMER_EMPLOYEE.code, value=status_text
            )
            bad = True
        if status is not None:  # else reported above, not again by format_problems
            values["status"] = status
        for problem in format_problems(values):
            problem_column = _column(problem.field)
            checked.error(
                index,
                problem_column,
                problem.msgid,
                problem.code,
                value=row.get(problem_column or "") or None,
                **dict(problem.params),
            )
            bad = True
        position_text = row.get("position_code", "")
        position = found.positions.get(fold(position_text)) if position_text else None
        if position_text and position is None:
            checked.error(
                index,
                "position_code",
                NO_POSITION,
                ErrorCode.NOT_FOUND,
                value=position_text,
                choices=found.position_codes,
            )
            bad = True
        manager_text = row.get("manager_number", "")
        manager = found.spelling(manager_text) if manager_text else ""
        if manager and fold(manager) not in found.managers and fold(manager) not in found.numbers:
            checked.error(
                index, "manager_number", NO_EMPLOYEE, ErrorCode.NOT_FOUND, value=manager_text
            )
            bad = True
        if manager and fold(manager) == mine:
            checked.error(
                index,
                "manager_number",
                "An employee cannot manage themselves.",
                value=manager_text,
            )
            bad = True
        key = (number,)
        if key in checked.items:
            checked.error(
                index,
                "employee_number",
                "Same employee as row {other}.",
                ErrorCode.DUPLICATE,
                value=written,
                other=checked.items[key][0],
            )
            bad = True
        placed = found.placed.get(mine)
        if placed is not None and unit is not None and unit[0] != placed[0]:
            # Someone already here changes unit or position through the approvals engine
            # (TRANSFER, people/lifecycle.py), never by a file that nobody approves.
            checked.error(
                index, "unit_code", MOVED_BY_REQUEST, ErrorCode.INVALID, value=row["unit_code"]
            )
            bad = True
        if placed is not None and position is not None and position != placed[1]:
            checked.error(
                index, "position_code", MOVED_BY_REQUEST, ErrorCode.INVALID, value=position_text
            )
            bad = True
        if not bad and unit is not None:
            values["unit_id"] = unit[0]
            if position is not None:
                values["position_id"] = position
            else:  # an empty column leaves an employee's position as it is
                values["position_id"] = placed[1] if placed is not None else None
            checked.items[key] = (index, packed_values(values), manager or None)

    return check


def _date(text: str) -> date | None:
    return parse_date(text) if text else None


def _leaver_problems(
    checked: Checked,
    index: int,
    found: EmployeeLookups,
    number: str,
    row: dict[str, str],
    values: dict[str, Any],
    last_day: date | None,
) -> bool:
    """A leaver brought over: created TERMINATED with their last day and reason; a leaver
    already here is left as they left (their last day as it is); someone still employed is
    never terminated by a file."""
    if number in found.taken:
        if number not in found.former:
            checked.error(index, "status", ENDED_BY_REQUEST, value=row.get("status"))
            return True
        if last_day is not None and found.left_on.get(number) != last_day:
            checked.error(index, "last_day", LAST_DAY_STAYS, value=row["last_day"])
            return True
        return False
    bad = False
    if last_day is None:
        if not row.get("last_day"):
            checked.error(index, "last_day", "Required.", ErrorCode.REQUIRED)
        bad = True
    elif values.get("hire_date") and last_day < values["hire_date"]:
        checked.error(
            index, "last_day", "The last day cannot precede the hire date.", value=row["last_day"]
        )
        bad = True
    reason = row.get("termination_reason", "")
    if not reason:
        checked.error(index, "termination_reason", "Give the reason.", ErrorCode.REQUIRED)
        bad = True
    elif len(reason) > 255:
        checked.error(
            index, "termination_reason", "At most {limit} characters.", value=reason, limit=255
        )
        bad = True
    values["termination_date"] = last_day
    values["termination_reason"] = reason
    return bad


def _column(api_field: str | None) -> str | None:
    if api_field is None:
        return None
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in api_field)
