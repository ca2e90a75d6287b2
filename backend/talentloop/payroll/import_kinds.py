"""The payroll domain's import kind (imports/kinds.py): a company's opening payroll figures
(`payroll_openings`, payroll/openings.py) from its previous system's export, one row per person
and tax year. Rows are checked as `setPayrollOpening` checks them — a person the importer runs
pay for, never themself, figures ≥ 0, the last month 1–11, no approved TalentLoop month under
it — and each person's year is created or updated; the runs of the years written are marked
out of date (payroll/inputs.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.rows import Checked, FileRows, RowCheck
from talentloop.imports.writing import WriteContext, in_order, snapshot
from talentloop.payroll import calc, inputs, openings
from talentloop.payroll.models import LOCKED_STATUSES, PayrollOpening, Payslip
from talentloop.payroll.openings import MONEY, OpeningInput
from talentloop.people.models import Employee
from talentloop.people.service import visible_employees
from talentloop.performance.models import ImportKind

BATCH = 500
# The service's field names (camelCase) as the file's columns.
_COLUMN_OF = {
    "year": "year",
    "lastMonth": "last_month",
    "monthsEmployed": "months_employed",
    "income": "income",
    "contributions": "contributions",
    "specialAdditional": "special_additional",
    "otherDeductions": "other_deductions",
    "tax": "tax",
    "note": "note",
}


def may_import(viewer: Viewer) -> bool:
    """HR who run pay (each row is then checked in their scope)."""
    return viewer.can_manage_employees and viewer.user_id is not None


@dataclass(frozen=True)
class OpeningLookups:
    employees: dict[str, int]  # the file's people whose pay the viewer runs, by number
    locked: dict[tuple[int, int], int]  # (person, year) → the last month TalentLoop approved


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


async def lookups(viewer: Viewer, file: FileRows) -> OpeningLookups:
    employees: dict[str, int] = {}
    for chunk in _chunks(sorted(file.values("employee_number"))):
        for number, pk, path in (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", "id", "unit__path")
        ):
            if viewer.can_manage_employees_in(path):
                employees[number] = pk
    years = sorted({int(y) for y in file.values("year") if y.strip().isdigit()})
    locked: dict[tuple[int, int], int] = {}
    if years and employees:
        for chunk in _chunks(sorted(employees.values())):
            for employee_id, month in await Payslip.filter(
                employee_id__in=chunk,
                month__gte=date(years[0], 1, 1),
                month__lte=date(years[-1], 12, 1),
                run__status__in=list(LOCKED_STATUSES),
            ).values_list("employee_id", "month"):
                key = (int(employee_id), month.year)
                locked[key] = max(locked.get(key, 0), month.month)
    return OpeningLookups(employees, locked)


def _integer(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _money(text: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    if not text:
        return Decimal(0)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def check(viewer: Viewer, found: Any, checked: Checked) -> RowCheck:
    assert isinstance(found, OpeningLookups)

    def check_row(index: int, row: dict[str, str]) -> None:
        employee = found.employees.get(row["employee_number"])
        bad = False
        if employee is None:
            checked.error(
                index, "employee_number", "No such employee in your scope.", ErrorCode.NOT_FOUND
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            return  # nothing more is said about one's own row, as setPayrollOpening does
        numbers: dict[str, int] = {}
        for column in ("year", "last_month", "months_employed"):
            value = _integer(row.get(column, ""))
            if value is None:
                checked.error(index, column, "Not a whole number.", value=row.get(column, ""))
                bad = True
            else:
                numbers[column] = value
        money: dict[str, Decimal] = {}
        for column in MONEY:
            amount = _money(row.get(column, ""))
            if amount is None:
                checked.error(index, column, "Not a number.", value=row.get(column, ""))
                bad = True
            money[column] = amount if amount is not None else Decimal(0)  # checked above
        if employee is None or len(numbers) < 3:
            return
        opening = OpeningInput(
            employee_id=employee,
            year=numbers["year"],
            last_month=numbers["last_month"],
            months_employed=numbers["months_employed"],
            note=row.get("note", ""),
            **money,
        )
        for problem in openings.input_problems(opening, ""):
            at = _COLUMN_OF.get(problem.field or "", problem.field)
            checked.error(index, at, problem.msgid, problem.code, **dict(problem.params))
            bad = True
        paid = found.locked.get((employee, opening.year))
        if paid is not None and paid <= opening.last_month:
            checked.error(
                index,
                "last_month",
                "TalentLoop's approved payroll of {month} paid {name}: the opening figures "
                "end before it.",
                ErrorCode.CONFLICT,
                month=f"{opening.year}-{paid:02d}",
                name=row["employee_number"],
            )
            bad = True
        key = (employee, opening.year)
        if key in checked.items:
            checked.error(
                index,
                None,
                "Same employee and year as row {other}.",
                ErrorCode.DUPLICATE,
                other=checked.items[key][0],
            )
            bad = True
        if not bad:
            checked.items[key] = (index, opening)

    return check_row


async def write(ctx: WriteContext) -> None:
    touched: dict[int, set[int]] = defaultdict(set)  # year → people whose opening changed
    for chunk in _chunks(list(ctx.items)):
        existing = {
            (o.employee_id, o.year): o
            for o in await PayrollOpening.filter(
                employee_id__in=sorted({k[0] for k in chunk}),
                year__in=sorted({k[1] for k in chunk}),
            )
        }
        new: list[PayrollOpening] = []
        changed: list[tuple[PayrollOpening, dict[str, Any]]] = []
        for key in chunk:
            row, opening = ctx.items[key][:2]
            values = opening.values()
            record = existing.get(key)
            if record is None:
                if ctx.may_create(row, "employee_number"):
                    new.append(
                        PayrollOpening(
                            employee_id=key[0],
                            year=key[1],
                            updated_by_id=ctx.viewer.user_id,
                            **values,
                        )
                    )
            elif any(_differs(getattr(record, k), v) for k, v in values.items()):
                if ctx.may_update(row, "last_month"):
                    changed.append((record, snapshot(record)))
                    for k, v in values.items():
                        setattr(record, k, v)
                    record.updated_by_id = ctx.viewer.user_id
            else:
                ctx.unchanged()
        if new:
            await PayrollOpening.bulk_create(new)
            made = {
                (o.employee_id, o.year): o
                for o in await PayrollOpening.filter(
                    employee_id__in=sorted({o.employee_id for o in new}),
                    year__in=sorted({o.year for o in new}),
                )
            }
            for o in new:
                stored = made[(o.employee_id, o.year)]
                await ctx.created(stored, employee_id=stored.employee_id)
                touched[stored.year].add(stored.employee_id)
        if changed:
            await PayrollOpening.bulk_update(
                [r for r, _ in changed], fields=[*openings.FIGURES, "updated_by_id"]
            )
            for record, before in changed:
                await ctx.updated(record, before, employee_id=record.employee_id)
                touched[record.year].add(record.employee_id)
        ctx.progress()
    if touched:
        people = {
            e.id: e for e in await Employee.filter(id__in=sorted(set().union(*touched.values())))
        }
        await inputs.openings_changed(
            {year: [people[i] for i in sorted(ids)] for year, ids in touched.items()}
        )


def _differs(old: Any, new: Any) -> bool:
    if isinstance(new, Decimal):
        return calc.fen(Decimal(old)) != new
    return bool(old != new)


async def export(viewer: Viewer) -> AsyncIterator[list[str]]:
    """The viewer's openings as rows of the columns (imported again, nothing changes)."""
    ordering = ("year", "employee__employee_number")
    async for chunk in in_order(openings.visible_openings(viewer), ordering, ("employee",)):
        for o in chunk:
            yield [
                o.employee.employee_number, str(o.year), str(o.last_month), str(o.months_employed),
                *(f"{getattr(o, k):.2f}" for k in MONEY), o.note,
            ]  # fmt: skip


def _money_column(
    key: str, header: str, zh: str, synonyms: tuple[str, ...], example: str
) -> Column:
    return Column(key, header, synonyms, key != "other_deductions", example, zh)


SPEC = ImportSpec(
    kind=ImportKind.PAYROLL_OPENINGS,
    columns=(
        Column("employee_number", "Employee number", ("员工编号", "员工号"), True, "E1001", "工号"),
        Column("year", "Tax year", ("年度", "年份", "Year"), True, "2026", "纳税年度"),
        Column(
            "last_month",
            "Last month paid",
            ("截至月份", "最后月份"),
            True,
            "6",
            "原系统最后发薪月份",
        ),
        Column(
            "months_employed",
            "Months employed",
            ("任职月份数", "受雇月份数"),
            True,
            "6",
            "任职受雇月份数",
        ),
        _money_column(
            "income", "Cumulative income", "累计收入", ("累计收入额", "累计工资"), "180000"
        ),
        _money_column(
            "contributions",
            "Cumulative contributions",
            "累计专项扣除",
            ("累计三险一金", "累计社保公积金"),
            "27000",
        ),
        _money_column(
            "special_additional",
            "Cumulative special additional deductions",
            "累计专项附加扣除",
            ("专项附加扣除累计",),
            "12000",
        ),
        _money_column(
            "other_deductions",
            "Cumulative other deductions",
            "累计其他扣除",
            ("累计依法确定的其他扣除",),
            "0",
        ),
        _money_column(
            "tax",
            "Cumulative tax withheld",
            "累计已预扣税额",
            ("累计已预扣预缴税额", "累计个税", "已扣个税"),
            "3480",
        ),
        Column("note", "Note", ("说明",), False, "", "备注"),
    ),
    key=("employee_number", "year"),
    lookup_columns=("employee_number", "year"),
    lookups=lookups,
    check=check,
    write=write,
    may_import=may_import,
    export=export,
)
