"""Opening payroll figures (issue 22): a company that moves to TalentLoop in the middle of a tax
year brings, per person, what its old system paid from January through its last month — the
cumulative income, the employee's social insurance and housing fund, the special additional
and other deductions, the tax withheld and the months employed. China withholds tax on wages by
the cumulative method (个人所得税扣缴申报管理办法（试行）, 国家税务总局公告2018年第61号 art. 6): each
month's tax is the year's cumulative figures' tax minus what was withheld before, so without
these sums the first month here would withhold as if it were January.

The opening stands for every month through its last one: the computation
(payroll/computing.py `_prior`, `_additional`; compute.py `_months_employed`) starts from it
and leaves out TalentLoop's own payslips of those months, a run of such a month is refused for
anyone it would pay (runs.py `refuse_paid_before`) and a run created before the opening leaves
them out when recomputed. An approved or paid TalentLoop month wins over the old system's: an
opening that would cover it is refused (`CONFLICT`), as that month was paid here.

HR in charge of the person's unit sets and removes them (payroll write rights, as
`addPayrollItem`), never their own (self-dealing); every change is audited with before and
after and marks the open runs of that year out of date (payroll/inputs.py). `set_openings`
takes many rows at once in a constant number of statements, for imports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.accounts.sessions import china_today
from talentloop.audit import service as audit
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found, self_dealing
from talentloop.org import service as org_service
from talentloop.payroll import calc, inputs
from talentloop.payroll.calc import ZERO
from talentloop.payroll.models import LOCKED_STATUSES, PayrollOpening, Payslip
from talentloop.payroll.reads import _managed_paths, _under, managed_employee
from talentloop.people import service as people_service
from talentloop.people.models import Employee

# 公告2018年第61号 art. 6 took effect on 1 January 2019: the cumulative method's first year.
FIRST_YEAR = 2019
MONEY = ("income", "contributions", "special_additional", "other_deductions", "tax")
FIGURES = ("last_month", "months_employed", *MONEY, "note")
# Money of a year of one person's pay: far above any wage, below the column's 14 digits.
MAX_AMOUNT = Decimal("1000000000")


@dataclass(frozen=True)
class OpeningInput:
    """One person's opening figures of a year, through `last_month` (1–11)."""

    employee_id: int
    year: int
    last_month: int
    months_employed: int
    income: Decimal
    contributions: Decimal
    special_additional: Decimal
    tax: Decimal
    other_deductions: Decimal = ZERO
    note: str = ""

    def values(self) -> dict[str, Any]:
        money = {k: calc.fen(getattr(self, k)) for k in MONEY}
        return {
            "last_month": self.last_month,
            "months_employed": self.months_employed,
            **money,
            "note": self.note.strip()[:255],
        }


# --- reading ------------------------------------------------------------------------------------


def visible_openings(viewer: Viewer) -> QuerySet[PayrollOpening]:
    """Openings of people whose pay the viewer reads and runs: HR in scope (as a run's)."""
    pay = viewer.employee_filter(requires=FieldGroup.PAY, prefix="employee__")
    managed = _under(_managed_paths(viewer), "employee__unit__")
    if pay is None or managed is None:
        return PayrollOpening.filter(id__in=[])
    return PayrollOpening.filter(pay).filter(managed)


async def list_openings(
    viewer: Viewer, year: int, unit_id: int | None = None
) -> QuerySet[PayrollOpening]:
    """The openings of a year, at or under a unit the viewer sees."""
    found = visible_openings(viewer).filter(year=year)
    if unit_id is not None:
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            return PayrollOpening.filter(id__in=[])
        found = found.filter(employee__unit__path__startswith=unit.path)
    return found


async def get_opening(viewer: Viewer, opening_id: int) -> PayrollOpening | None:
    return await visible_openings(viewer).filter(id=opening_id).first()


# --- checks -------------------------------------------------------------------------------------


def input_problems(row: OpeningInput, where: str) -> list[FieldError]:
    problems: list[FieldError] = []
    if not FIRST_YEAR <= row.year <= china_today().year:
        problems.append(
            FieldError(
                "A tax year from {first} to this year.",
                ErrorCode.INVALID,
                f"{where}year",
                first=FIRST_YEAR,
            )
        )
    if not 1 <= row.last_month <= 11:
        # December's figures close the year: a company moving in January needs no opening.
        problems.append(FieldError("A month from 1 to 11.", ErrorCode.INVALID, f"{where}lastMonth"))
    elif not 0 <= row.months_employed <= row.last_month:
        problems.append(
            FieldError(
                "From 0 to {last} months.",
                ErrorCode.INVALID,
                f"{where}monthsEmployed",
                last=row.last_month,
            )
        )
    for key in MONEY:
        amount = getattr(row, key)
        if not ZERO <= amount < MAX_AMOUNT:
            problems.append(
                FieldError("Not negative.", ErrorCode.INVALID, f"{where}{_camel(key)}")
                if amount < ZERO
                else FieldError("Too large.", ErrorCode.INVALID, f"{where}{_camel(key)}")
            )
    if len(row.note) > 255:
        problems.append(FieldError("At most 255 characters.", ErrorCode.INVALID, f"{where}note"))
    return problems


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def _locked_months(rows: list[OpeningInput]) -> dict[tuple[int, int], date]:
    """Each (person, year)'s last month paid by an approved or paid TalentLoop run up to the
    rows' last months, in one query."""
    if not rows:
        return {}
    years = sorted({r.year for r in rows})
    found = await Payslip.filter(
        employee_id__in=sorted({r.employee_id for r in rows}),
        month__gte=date(years[0], 1, 1),
        month__lte=date(years[-1], 12, 1),
        run__status__in=list(LOCKED_STATUSES),
    ).values_list("employee_id", "month")
    latest: dict[tuple[int, int], date] = {}
    for employee_id, month in found:
        key = (int(employee_id), month.year)
        if key not in latest or month > latest[key]:
            latest[key] = month
    return latest


# --- writing ------------------------------------------------------------------------------------


async def set_openings(
    viewer: Viewer, rows: list[OpeningInput], *, prefix: str = "rows."
) -> list[PayrollOpening]:
    """Create or update many people's openings, all or none: each row's person must be one the
    viewer sees (NOT_FOUND) and runs pay for (FORBIDDEN), not the viewer (SELF_DEALING), its
    figures valid and no approved TalentLoop month under it (CONFLICT); a person and year
    twice is DUPLICATE. Errors name `<prefix><i>.<field>`. A constant number of statements,
    however many rows."""
    many = prefix != ""
    where = [f"{prefix}{i}." if many else "" for i in range(len(rows))]
    people = await people_service.employees_by_ids(viewer, sorted({r.employee_id for r in rows}))
    problems: list[FieldError] = []
    seen: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        employee = people.get(row.employee_id)
        if employee is None:
            problems += not_found("Employee", f"{where[i]}employeeId").errors
            continue
        if not viewer.can_manage_employees_in(employee.unit.path):
            problems.append(
                FieldError(
                    "You may not change this pay.", ErrorCode.FORBIDDEN, f"{where[i]}employeeId"
                )
            )
            continue
        if viewer.is_self(employee.id):
            problems += self_dealing(f"{where[i]}employeeId").errors
            continue
        problems += input_problems(row, where[i])
        if (row.employee_id, row.year) in seen:
            problems.append(
                FieldError(
                    "This person's year is in an earlier row.",
                    ErrorCode.DUPLICATE,
                    f"{where[i]}employeeId",
                )
            )
        seen.add((row.employee_id, row.year))
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        locked = await _locked_months(rows)
        for i, row in enumerate(rows):
            paid = locked.get((row.employee_id, row.year))
            if paid is not None and paid.month <= row.last_month:
                problems.append(
                    FieldError(
                        "TalentLoop's approved payroll of {month} paid {name}: the opening "
                        "figures end before it.",
                        ErrorCode.CONFLICT,
                        f"{where[i]}lastMonth",
                        month=f"{paid:%Y-%m}",
                        name=people[row.employee_id].name,
                    )
                )
        if problems:
            raise ServiceError(*problems)
        saved = await _write(viewer, rows, people)
    return saved


async def _write(
    viewer: Viewer, rows: list[OpeningInput], people: dict[int, Employee]
) -> list[PayrollOpening]:
    years = sorted({r.year for r in rows})
    ids = sorted({r.employee_id for r in rows})
    existing = {
        (o.employee_id, o.year): o
        for o in await PayrollOpening.filter(employee_id__in=ids, year__in=years)
    }
    new: list[PayrollOpening] = []
    changed: list[PayrollOpening] = []
    entries: list[AuditEntry] = []
    for row in rows:
        values = row.values()
        before = existing.get((row.employee_id, row.year))
        if before is None:
            new.append(
                PayrollOpening(
                    employee_id=row.employee_id,
                    year=row.year,
                    updated_by_id=viewer.user_id,
                    **values,
                )
            )
            continue
        entries += audit.change_entries(
            viewer, "PayrollOpening", before.id, before, values, employee_id=row.employee_id
        )
        for key, value in values.items():
            setattr(before, key, value)
        before.updated_by_id = viewer.user_id
        before.updated_at = datetime.now(UTC)
        changed.append(before)
    if new:
        try:
            await PayrollOpening.bulk_create(new)
        except IntegrityError as exc:  # the same person's year set at the same moment
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                "These opening figures were set at the same moment by someone else: try again.",
                "employeeId",
            ) from exc
    if changed:
        await PayrollOpening.bulk_update(changed, fields=[*FIGURES, "updated_by_id", "updated_at"])
    saved = {
        (o.employee_id, o.year): o
        for o in await PayrollOpening.filter(employee_id__in=ids, year__in=years)
    }
    for o in new:
        created = saved[(o.employee_id, o.year)]
        entries.append(
            audit.created_entry(
                viewer,
                "PayrollOpening",
                created.id,
                {"year": created.year, **{k: getattr(created, k) for k in FIGURES}},
                employee_id=created.employee_id,
            )
        )
    if entries:
        await AuditEntry.bulk_create(entries)
    by_year: dict[int, list[Employee]] = defaultdict(list)
    for row in rows:
        by_year[row.year].append(people[row.employee_id])
    await inputs.openings_changed(by_year)
    return [saved[(r.employee_id, r.year)] for r in rows]


async def set_opening(viewer: Viewer, row: OpeningInput) -> PayrollOpening:
    """One person's opening figures of a year (setPayrollOpening): created, or updated in
    place; errors name the input's fields."""
    await managed_employee(viewer, row.employee_id)  # NOT_FOUND, FORBIDDEN first
    viewer.refuse_self(row.employee_id)
    (saved,) = await set_openings(viewer, [row], prefix="")
    return saved


async def remove_opening(viewer: Viewer, employee_id: int, year: int) -> PayrollOpening:
    """Remove a person's opening of a year (removePayrollOpening): TalentLoop then counts the
    year from its own payslips alone."""
    employee = await managed_employee(viewer, employee_id)
    viewer.refuse_self(employee.id)
    if not FIRST_YEAR <= year <= china_today().year:
        raise ServiceError.one(
            ErrorCode.INVALID, "A tax year from {first} to this year.", "year", first=FIRST_YEAR
        )
    async with in_transaction():
        opening = await PayrollOpening.get_or_none(employee_id=employee.id, year=year)
        if opening is None:
            raise not_found("Payroll opening", "year")
        await opening.delete()
        await audit.record_deleted(
            viewer, "PayrollOpening", opening.id,
            {"year": opening.year, **{k: getattr(opening, k) for k in FIGURES}},
            employee_id=employee.id,
        )  # fmt: skip
        await inputs.openings_changed({year: [employee]})
    return opening
