"""Every input of a payroll run, and the hook its change calls (issue 21 point 2): the one place
that says which change marks which open runs out of date (`staleness.mark_out_of_date`, which
no other module calls). A run computes each person's month from what it reads
(payroll/computing.py): the employee record (unit, position, base salary, hire date, last
day), the salary structure in force (the person's, else their position's), the city's
social-insurance table and the income-tax table of the month, the unit's pay suspension, the
month's items, the special deductions, the attendance figures (punches, leave, overtime,
corrections, rule sets, the work calendar) and this year's earlier payslips.

| input | hook | called by | runs marked |
| --- | --- | --- | --- |
| a hire (createEmployee, a candidate hired) | `hired` | people/service.py `create_employee` | paying the person or covering their unit, from the hire month |
| base salary, position of the record (updateEmployee) | `record_changed` | people/service.py `update_employee` | paying the person or covering their unit, from this month (China) |
| a transfer applied, a rehire | `placed` | records/service.py `place` (people/lifecycle.py `_apply`, `rehire`) | paying the person or covering their new unit, from the effective month |
| a last day set (a termination approved) | `last_day_set` | people/lifecycle.py `_decided`, records/service.py `end_employment` | paying the person or covering their unit, from the last day's month |
| an employee import | `ImportedPeople`, `mark_imported` | performance/imports.py `write_employees` | per person as above: a new one from the hire month, a changed hire date from the earlier one, the rest from this month |
| a salary structure of a person / a position | `salary_structure_set`, `position_structure_set` | payroll/structures.py | paying the person (the position's holders), from its month |
| a special additional deduction | `deduction_declared` | payroll/structures.py | paying the person, from its first month |
| a pay item | `item_added` | payroll/structures.py | paying the person, from its month to the year's end |
| a pay suspension or restore decided | `pay_suspension_changed` | performance/pay.py | overlapping the unit, from its month |
| a punch, leave, overtime, a punch correction | `attendance_changed` | attendance/service.py, corrections.py, overtime.py | paying the person, from the day's month |
| a leave history import | `leave_imported` | attendance/imports.py | paying the people, from each month |
| a punch file (the mutation or the `attendance_punches` import) | `punches_imported` | attendance/service.py, attendance/imports.py | paying its people, from each month of its punches |
| an attendance rule set | `attendance_rules_changed` | attendance/service.py | overlapping its unit (a region's or the default: every open run) |
| work calendar days | `calendar_changed` | policy/service.py | every open run of those months only |
| a social-insurance table | `city_table_added` | policy/service.py | paying anyone in the city, from its month |
| an income-tax table | `tax_table_added` | policy/service.py | every open run from its month |
| a person's opening figures of a year (the old system's months) | `openings_changed` | payroll/openings.py | paying those people or covering their units, that year's months |
| an import undone (its records removed or put back) | `import_undone` | imports/undo.py `undo_import` | per record as its import marked them: a person's hire month or this month, a punch's or leave's month, an opening's year |
| an earlier month's payslips recomputed | `earlier_month_changed` | payroll/computing.py | paying those people, later months of the same year |

Not inputs: a contract (its end while the employment goes on is a new contract, art. 35; a
fixed term that ends the employment is a termination, above), the probation status, the
manager, contacts and the sensitive numbers — a run reads none of them.

The record is not effective-dated (one unit, position and base at a time): a change written
into it counts from the month it takes effect (a transfer's date, a last day, a hire date; an
edit or an import from the month it is made, China time). An earlier open month keeps the
figures it was computed with and is not marked; a recompute of it for another reason reads
the record as it is then. Pay from a given month is a salary structure's (above)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from talentloop.accounts.sessions import china_today
from talentloop.org.models import OrgUnit
from talentloop.payroll import staleness
from talentloop.payroll.staleness import mark_out_of_date, month_text
from talentloop.people.models import Employee, Position

CHINA = ZoneInfo("Asia/Shanghai")  # the months a punch counts in (attendance/results.py)

# The record's fields a run reads (payroll/computing.py `_compute_all`).
RECORD_FIELDS = ("unit_id", "position_id", "base_salary", "hire_date", "termination_date")
# Of those, what an edit or an import changes in place, from the month it is made.
UNDATED_FIELDS = ("unit_id", "position_id", "base_salary")


def _month(day: date) -> date:
    return day.replace(day=1)


def this_month() -> date:
    return _month(china_today())


# --- the employee record ------------------------------------------------------------------------


async def hired(employee: Employee) -> None:
    """A new employee (createEmployee, a candidate hired): the runs of their unit from the month
    they start."""
    await mark_out_of_date(
        from_month=employee.hire_date, message=staleness.HIRED, employee_ids=[employee.id],
        name=employee.name, date=employee.hire_date.isoformat(),
    )  # fmt: skip


async def record_changed(before: Employee, values: Mapping[str, Any]) -> None:
    """An edit of the record (updateEmployee): a new base salary or position counts from this
    month."""
    month = this_month()
    if "base_salary" in values and values["base_salary"] != before.base_salary:
        await mark_out_of_date(
            from_month=month, message=staleness.BASE_SALARY, employee_ids=[before.id],
            name=before.name, month=month_text(month),
        )  # fmt: skip
    if "position_id" in values and values["position_id"] != before.position_id:
        position = (
            await Position.get_or_none(id=values["position_id"])
            if values["position_id"] is not None
            else None
        )
        await mark_out_of_date(
            from_month=month, message=staleness.POSITION, employee_ids=[before.id],
            name=before.name, position=position.title if position else "—",
            month=month_text(month),
        )  # fmt: skip


async def placed(before: Employee, values: Mapping[str, Any], effective_date: date) -> None:
    """A transfer applied (its unit, position, base) or a rehire (a new period from its hire
    date), with the row as it was before (`before`): the runs that paid them and those of the
    unit they join, from the effective month. Called after the write, so the person's unit is
    the new one."""
    rehire = "hire_date" in values
    if not rehire and not any(
        k in values and values[k] != getattr(before, k) for k in RECORD_FIELDS
    ):
        return
    if rehire:
        await mark_out_of_date(
            from_month=effective_date, message=staleness.REHIRED, employee_ids=[before.id],
            name=before.name, date=effective_date.isoformat(),
        )  # fmt: skip
        return
    units = {
        u.id: u.name
        for u in await OrgUnit.filter(id__in=sorted({before.unit_id, values["unit_id"]}))
    }
    await mark_out_of_date(
        from_month=effective_date, message=staleness.TRANSFER, employee_ids=[before.id],
        name=before.name, from_unit=units.get(before.unit_id, ""),
        to_unit=units.get(values["unit_id"], ""), date=effective_date.isoformat(),
    )  # fmt: skip


async def last_day_set(employee: Employee, last_day: date) -> None:
    """The last day set or moved (a termination approved): the runs that pay them from the
    month of the earlier of the old and new last day (attendance stops after it, later months
    leave them out)."""
    if employee.termination_date == last_day:
        return
    since = min(d for d in (employee.termination_date, last_day) if d is not None)
    await mark_out_of_date(
        from_month=since, message=staleness.LAST_DAY, employee_ids=[employee.id],
        name=employee.name, date=last_day.isoformat(),
    )  # fmt: skip


class ImportedPeople:
    """What a payroll run reads of an employee import, gathered chunk by chunk as it writes
    (performance/imports.write_employees): the months the runs are out of date from, and who."""

    def __init__(self) -> None:
        self.by_month: dict[date, set[int]] = defaultdict(set)

    def created(self, employee: Employee) -> None:
        self.by_month[_month(employee.hire_date)].add(employee.id)

    def changed(self, before: Mapping[str, Any], after: Employee) -> None:
        if before["hire_date"] != after.hire_date:
            self.by_month[_month(min(before["hire_date"], after.hire_date))].add(after.id)
        elif any(before[k] != getattr(after, k) for k in UNDATED_FIELDS):
            self.by_month[this_month()].add(after.id)


async def mark_imported(people: ImportedPeople) -> None:
    """An employee import (inside its transaction, after its writes): the new people from their
    hire month; each changed person whose record fields a run reads differ (`before` values,
    the row as written), from the earlier hire date when that changed, else from this month.
    One reason per month it starts from, with the number of people."""
    for month, ids in sorted(people.by_month.items()):
        await mark_out_of_date(
            from_month=month, message=staleness.IMPORTED, employee_ids=ids,
            count=len(ids), month=month_text(month),
        )  # fmt: skip


# --- what HR enters for pay (payroll/structures.py) ----------------------------------------------


async def salary_structure_set(employee: Employee, effective_from: date) -> None:
    await mark_out_of_date(
        from_month=effective_from, message=staleness.SALARY, employee_ids=[employee.id],
        name=employee.name, month=month_text(effective_from),
    )  # fmt: skip


async def position_structure_set(position: Position, effective_from: date) -> None:
    holders = await Employee.filter(position_id=position.id).values_list("id", flat=True)
    await mark_out_of_date(
        from_month=effective_from, message=staleness.POSITION_SALARY,
        employee_ids=[int(i) for i in holders], position=position.title,  # type: ignore[call-overload]
        month=month_text(effective_from),
    )  # fmt: skip


async def deduction_declared(employee: Employee, valid_from: date) -> None:
    await mark_out_of_date(
        from_month=valid_from, message=staleness.DEDUCTION, employee_ids=[employee.id],
        name=employee.name, month=month_text(valid_from),
    )  # fmt: skip


async def item_added(employee: Employee, month: date) -> None:
    """A one-off item of `month`: that month's run, and the later ones of the same tax year
    (their cumulative withholding counts it; a new year starts from nothing)."""
    await mark_out_of_date(
        from_month=month, message=staleness.ITEM, employee_ids=[employee.id],
        until=date(month.year, 12, 1), name=employee.name, month=month_text(month),
    )  # fmt: skip


async def earlier_month_changed(month: date, employee_ids: list[int], next_month: date) -> None:
    """A recompute changed payslips of `month`: later months of the year count them toward
    their cumulative tax — of that year only (the cumulative withholding starts again each
    January: 个人所得税扣缴申报管理办法（试行） art. 6), so a January run is not marked."""
    await mark_out_of_date(
        from_month=next_month, message=staleness.EARLIER, employee_ids=employee_ids,
        until=date(month.year, 12, 1), month=month_text(month),
    )  # fmt: skip


async def openings_changed(by_year: Mapping[int, Iterable[Employee]]) -> None:
    """Opening figures set or removed (payroll/openings.py): every month of their year — the
    months through the opening's last one leave the person out, the later ones count its
    sums (公告2018年第61号 art. 6: the cumulative method restarts each January, so another
    year is not marked). One reason per year: the person's name, or the number of people."""
    for year, people in sorted(by_year.items()):
        found = {e.id: e for e in people}
        if not found:
            continue
        named: dict[str, Any] = (
            {"name": next(iter(found.values())).name} if len(found) == 1 else {"count": len(found)}
        )
        await mark_out_of_date(
            from_month=date(year, 1, 1), until=date(year, 12, 1),
            message=staleness.OPENING if len(found) == 1 else staleness.OPENINGS,
            employee_ids=sorted(found), year=year, **named,
        )  # fmt: skip


# --- decisions and policy of other domains -------------------------------------------------------


async def pay_suspension_changed(unit_id: int, from_month: date, *, restored: bool) -> None:
    """A unit's performance pay suspended or restored (performance/pay.py): its runs from
    that month on."""
    unit = await OrgUnit.get(id=unit_id)
    await mark_out_of_date(
        from_month=from_month, message=staleness.RESTORED if restored else staleness.SUSPENDED,
        unit_path=unit.path, unit=unit.name, month=month_text(from_month),
    )  # fmt: skip


async def attendance_changed(employee_id: int, day: date) -> None:
    """One person's attendance figures of the day's month changed: a punch, a leave or an
    overtime request approved or cancelled after approval, a punch correction decided."""
    employee = await Employee.get_or_none(id=employee_id)
    await mark_out_of_date(
        from_month=day, message=staleness.ATTENDANCE, employee_ids=[employee_id],
        name=employee.name if employee else "", month=month_text(day),
    )  # fmt: skip


async def punches_imported(by_month: Mapping[date, set[int]]) -> None:
    for month, people in sorted(by_month.items()):
        await mark_out_of_date(
            from_month=month, message=staleness.PUNCHES, employee_ids=people, count=len(people),
            month=month_text(month),
        )  # fmt: skip


async def leave_imported(by_month: Mapping[date, set[int]]) -> None:
    """Approved leave of the months' people was imported (attendance/imports.py)."""
    for month, people in sorted(by_month.items()):
        await mark_out_of_date(
            from_month=month, message=staleness.LEAVE_IMPORTED, employee_ids=people,
            count=len(people), month=month_text(month),
        )  # fmt: skip


async def attendance_rules_changed(name: str, unit_path: str | None) -> None:
    """A rule set changed: results are computed when read, so every open month it covers (a
    region's or the default rule set: every open run)."""
    await mark_out_of_date(
        from_month=date(1900, 1, 1), message=staleness.RULES, unit_path=unit_path, name=name
    )


async def calendar_changed(days: Iterable[date]) -> None:
    """Work calendar days entered or removed: every open run of those months (a workday or a
    rest day changes absences and overtime rates)."""
    for month in sorted({_month(d) for d in days}):
        await mark_out_of_date(
            from_month=month, until=month, message=staleness.CALENDAR, month=month_text(month)
        )


async def city_table_added(city: str, valid_from: date) -> None:
    await mark_out_of_date(
        from_month=valid_from, message=staleness.CITY_TABLE, city=city, place=city,
        month=month_text(valid_from),
    )  # fmt: skip


async def tax_table_added(valid_from: date) -> None:
    await mark_out_of_date(
        from_month=valid_from, message=staleness.TAX_TABLE, month=month_text(valid_from)
    )


# --- an import undone (imports/undo.py) -----------------------------------------------------------


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _undone_months(
    model: str, pk: int, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[tuple[date, date | None, int]]:
    """What putting a record back (`before`; None: the import created it, now removed) does to
    pay, as (from month, until or None, employee id): the same months the import marked when
    it wrote `after` (the hooks above), since undoing it takes those inputs away again. A
    record the import removed (`after` None: a role grant) is read as it was."""
    if after is None:
        if before is None:
            return []
        after = before
    if model == "Employee":
        person = pk
        if before is None:
            hired = _day(after["hire_date"])
            return [(_month(hired), None, person)] if hired else []
        old, new = _day(before["hire_date"]), _day(after["hire_date"])
        if old != new and old and new:
            return [(_month(min(old, new)), None, person)]
        if any(before.get(k) != after.get(k) for k in UNDATED_FIELDS):
            return [(this_month(), None, person)]
        return []
    if model == "Punch":
        # A punch's month in China time, as punches_imported counts it.
        at = datetime.fromisoformat(str(after["punched_at"]))
        return [(_month(at.astimezone(CHINA).date()), None, int(after["employee_id"]))]
    if model == "LeaveRequest":
        start = _day((before or after)["start_date"])
        return [(_month(start), None, int(after["employee_id"]))] if start else []
    if model == "PayrollOpening":
        year = int(after["year"])
        return [(date(year, 1, 1), date(year, 12, 1), int(after["employee_id"]))]
    return []


async def import_undone(
    records: Iterable[tuple[str, int, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> None:
    """An import undone (imports/undo.py, inside its transaction, before the records are put
    back, so that a person it removes is still found in their unit): the open runs its records
    reached, one reason per month it starts from, with the number of people."""
    by_span: dict[tuple[date, date | None], set[int]] = defaultdict(set)
    for model, pk, before, after in records:
        for start, until, person in _undone_months(model, pk, before, after):
            by_span[(start, until)].add(person)
    for (start, until), people in sorted(by_span.items(), key=lambda item: item[0][0]):
        await mark_out_of_date(
            from_month=start, until=until, message=staleness.UNDONE, employee_ids=people,
            count=len(people), month=month_text(start),
        )  # fmt: skip
