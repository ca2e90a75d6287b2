"""The standard HR reports (人事报表): headcount and its movements by unit and month, turnover,
labour cost from approved payroll, and the age, tenure and gender structure at the period end —
over the people the viewer reads at WORK.

Every figure comes from grouped reads: one count per month end (grouped by unit), and one read
each of hires, leavers, voluntary leavers, transfers and payslips grouped by unit and date, so
the number of statements grows with the months asked for, never with units or people.

A person is counted in the unit they belong to now (transfers are shown as movements in and out
of the units they name, not re-dated headcounts). A person's termination date is their last day:
they count in the headcount of every month end before it and are a leaver in its month, so
headcount(end) = headcount(previous end) + hires − leavers for the whole scope.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.accounts.models import Role
from talentloop.analytics.service import may_read_reports
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.i18n import N_
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.payroll.models import LOCKED_STATUSES, Payslip
from talentloop.people.models import Employee, TerminationKind
from talentloop.performance.periods import next_period, periods_between
from talentloop.records.models import EmploymentEvent, EventKind

MAX_MONTHS = 24
TURNOVER_FORMULA = N_(
    "Turnover rate = leavers in the month ÷ average headcount of the month, where the average is "
    "(headcount at the previous month end + headcount at the month end) ÷ 2"
)
# Lower bounds of the bands, in years.
AGE_BANDS = (0, 25, 30, 35, 40, 50)
TENURE_BANDS = (0, 1, 3, 5, 10)
HR = frozenset({Role.HQ_HR, Role.BRANCH_HR})
STRUCTURE_ROLES = HR | {Role.EXECUTIVE}


@dataclass
class UnitMonth:
    month: date
    unit_id: int | None  # None: the whole scope
    unit_name: str
    headcount: int = 0
    previous_headcount: int = 0
    hires: int = 0
    leavers: int = 0
    voluntary_leavers: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    labour_cost: Decimal = Decimal("0.00")

    @property
    def involuntary_leavers(self) -> int:
        return self.leavers - self.voluntary_leavers

    @property
    def average_headcount(self) -> Decimal:
        return Decimal(self.previous_headcount + self.headcount) / 2

    @property
    def turnover_rate(self) -> Decimal | None:
        """Leavers ÷ average headcount, as a fraction (None when nobody was there)."""
        average = self.average_headcount
        if not average:
            return None
        return (Decimal(self.leavers) / average).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class Band:
    key: str
    count: int


@dataclass
class WorkforceReport:
    unit: OrgUnit | None
    from_month: date
    to_month: date
    rows: list[UnitMonth] = field(default_factory=list)  # by month, then unit name
    months: list[UnitMonth] = field(default_factory=list)  # the scope's totals by month
    age_bands: list[Band] = field(default_factory=list)
    tenure_bands: list[Band] = field(default_factory=list)
    genders: list[Band] = field(default_factory=list)
    with_pay: bool = False  # the viewer reads labour cost
    with_personal: bool = False  # the viewer reads the age and gender structure


def may_read_labour_cost(viewer: Viewer) -> bool:
    """Pay is HR's (the PAY field group): HR reads labour cost over the people in its scope."""
    return viewer.holds(*HR)


def may_read_personal_structure(viewer: Viewer) -> bool:
    """Age and gender come from PERSONAL fields: HR and the boss read them as a structure; a team
    lead's team is small enough for a band to name a person."""
    return viewer.holds(*STRUCTURE_ROLES)


def month_end(month: date) -> date:
    return next_period(month) - timedelta(days=1)


def check_months(from_month: date, to_month: date) -> list[date]:
    problems: list[FieldError] = []
    if from_month.day != 1:
        problems.append(FieldError("Not the first day of a month.", ErrorCode.INVALID, "fromMonth"))
    if to_month.day != 1:
        problems.append(FieldError("Not the first day of a month.", ErrorCode.INVALID, "toMonth"))
    if not problems and to_month < from_month:
        problems.append(
            FieldError("The last month precedes the first.", ErrorCode.INVALID, "toMonth")
        )
    if problems:
        raise ServiceError(*problems)
    months = periods_between(from_month, to_month)
    if len(months) > MAX_MONTHS:
        raise ServiceError.one(
            ErrorCode.INVALID, "At most {top} months.", "toMonth", top=MAX_MONTHS
        )
    return months


def _years_between(earlier: date, later: date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _band(value: int, bounds: tuple[int, ...]) -> str:
    index = max(i for i, bound in enumerate(bounds) if value >= bound)
    if index + 1 < len(bounds):
        return f"{bounds[index]}-{bounds[index + 1] - 1}"
    return f"{bounds[index]}+"


def _bands(counts: dict[str, int], bounds: tuple[int, ...]) -> list[Band]:
    keys = [_band(b, bounds) for b in bounds]
    return [Band(key, counts.get(key, 0)) for key in keys]


def _any_path(paths: list[str]) -> Q:
    """Units under any of the paths; none for no path."""
    if "" in paths:
        return Q()
    if not paths:
        return Q(id__in=[])
    return Q(*(Q(path__startswith=p) for p in paths), join_type="OR")


def employed_at(day: date) -> Q:
    """Employees on the payroll at the end of a day: hired by then, not yet gone."""
    return Q(hire_date__lte=day) & (Q(termination_date__isnull=True) | Q(termination_date__gt=day))


async def headcount_on(viewer: Viewer, day: date) -> int | None:
    """The headcount the HR report shows for a day: the people the viewer reads at WORK who are
    employed then (the workbench's key figure); None for a viewer who reads no reports."""
    scope = viewer.employee_filter(FieldGroup.WORK)
    if not may_read_reports(viewer) or scope is None:
        return None
    return await Employee.filter(scope).filter(employed_at(day)).count()


async def workforce_report(
    viewer: Viewer, unit_id: int | None, from_month: date, to_month: date
) -> WorkforceReport | None:
    """None for a viewer who reads no reports, or a unit they do not see."""
    months = check_months(from_month, to_month)
    if not may_read_reports(viewer):
        return None
    scope = viewer.employee_filter(FieldGroup.WORK)
    if scope is None:
        return None
    unit = None
    if unit_id is not None:
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            return None
    people = Employee.filter(scope)
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    first, last = months[0], month_end(months[-1])
    report = WorkforceReport(
        unit,
        from_month,
        to_month,
        with_pay=may_read_labour_cost(viewer),
        with_personal=may_read_personal_structure(viewer),
    )
    cells: dict[tuple[date, int], UnitMonth] = {}

    def cell(month: date, unit_key: int) -> UnitMonth:
        found = cells.get((month, unit_key))
        if found is None:
            found = cells[(month, unit_key)] = UnitMonth(month, unit_key, "")
        return found

    # Headcount at each month end, and at the end of the month before the first.
    previous = first - timedelta(days=1)
    ends = [(None, previous)] + [(m, month_end(m)) for m in months]
    counts: dict[date | None, dict[int, int]] = {}
    for month, day in ends:
        rows = (
            await people.filter(employed_at(day))
            .annotate(n=Count("id"))
            .group_by("unit_id")
            .values("unit_id", "n")
        )
        counts[month] = {int(r["unit_id"]): int(r["n"]) for r in rows}
    for index, month in enumerate(months):
        before = counts[months[index - 1] if index else None]
        for unit_key in set(counts[month]) | set(before):
            entry = cell(month, unit_key)
            entry.headcount = counts[month].get(unit_key, 0)
            entry.previous_headcount = before.get(unit_key, 0)

    def month_of(day: date) -> date:
        return date(day.year, day.month, 1)

    for row in (
        await people.filter(hire_date__gte=first, hire_date__lte=last)
        .annotate(n=Count("id"))
        .group_by("unit_id", "hire_date")
        .values("unit_id", "hire_date", "n")
    ):
        cell(month_of(row["hire_date"]), int(row["unit_id"])).hires += int(row["n"])
    leavers = people.filter(termination_date__gte=first, termination_date__lte=last)
    # Voluntary: the employee's own notice (劳动合同法 art. 37). A leaving recorded before its
    # kind was kept (termination_kind null) counts as a resignation, as it did then.
    resigned = (
        EmploymentEvent.filter(kind=EventKind.RESIGNATION)
        .filter(Q(termination_kind=TerminationKind.RESIGNATION) | Q(termination_kind__isnull=True))
        .values("employee_id")
    )
    for query, attribute in (
        (leavers, "leavers"),
        (leavers.filter(id__in=Subquery(resigned)), "voluntary_leavers"),
    ):
        for row in (
            await query.annotate(n=Count("id"))
            .group_by("unit_id", "termination_date")
            .values("unit_id", "termination_date", "n")
        ):
            entry = cell(month_of(row["termination_date"]), int(row["unit_id"]))
            setattr(entry, attribute, getattr(entry, attribute) + int(row["n"]))

    # Transfers of the people in scope, in and out of the units they name.
    moves = EmploymentEvent.filter(
        kind=EventKind.TRANSFER,
        effective_date__gte=first,
        effective_date__lte=last,
        employee_id__in=Subquery(Employee.filter(scope).values("id")),
    )
    # Only the units the viewer reads people at WORK in (a branch's HR never learns another
    # branch's unit from a transfer out of it), within the unit asked for.
    places = OrgUnit.filter(_any_path(viewer.subtree_paths(FieldGroup.WORK)))
    if unit is not None:
        places = places.filter(path__startswith=unit.path)
    unit_ids = Subquery(places.values("id"))
    for side, attribute in (("to_unit_id", "transfers_in"), ("from_unit_id", "transfers_out")):
        moved = moves.filter(**{f"{side}__not_isnull": True, f"{side}__in": unit_ids})
        for row in (
            await moved.annotate(n=Count("id"))
            .group_by(side, "effective_date")
            .values(side, "effective_date", "n")
        ):
            entry = cell(month_of(row["effective_date"]), int(row[side]))
            setattr(entry, attribute, getattr(entry, attribute) + int(row["n"]))

    if report.with_pay:
        pay_scope = viewer.employee_filter(FieldGroup.PAY, prefix="employee__")
        if pay_scope is not None:
            slips = Payslip.filter(
                pay_scope,
                run__status__in=list(LOCKED_STATUSES),
                month__gte=first,
                month__lte=months[-1],
            )
            if unit is not None:
                slips = slips.filter(employee__unit__path__startswith=unit.path)
            for row in (
                await slips.annotate(
                    gross_total=Sum("gross"), employer=Sum("employer_contributions")
                )
                .group_by("employee__unit_id", "month")
                .values("employee__unit_id", "month", "gross_total", "employer")
            ):
                entry = cell(month_of(row["month"]), int(row["employee__unit_id"]))
                entry.labour_cost += Decimal(str(row["gross_total"] or 0)) + Decimal(
                    str(row["employer"] or 0)
                )

    names = dict(
        await OrgUnit.filter(id__in=sorted({key for _, key in cells})).values_list("id", "name")
    )
    totals = {m: UnitMonth(m, None, "") for m in months}
    for (month, unit_key), entry in cells.items():
        entry.unit_name = str(names.get(unit_key, ""))
        total = totals[month]
        for attribute in (
            "headcount",
            "previous_headcount",
            "hires",
            "leavers",
            "voluntary_leavers",
            "transfers_in",
            "transfers_out",
            "labour_cost",
        ):
            setattr(total, attribute, getattr(total, attribute) + getattr(entry, attribute))
    report.rows = sorted(cells.values(), key=lambda e: (e.month, e.unit_name, e.unit_id or 0))
    report.months = [totals[m] for m in months]

    # The structure of the people employed at the period end.
    at_end = people.filter(employed_at(last))
    tenure: dict[str, int] = defaultdict(int)
    for row in await at_end.annotate(n=Count("id")).group_by("hire_date").values("hire_date", "n"):
        tenure[_band(_years_between(row["hire_date"], last), TENURE_BANDS)] += int(row["n"])
    report.tenure_bands = _bands(tenure, TENURE_BANDS)
    if report.with_personal:
        ages: dict[str, int] = defaultdict(int)
        for row in (
            await at_end.annotate(n=Count("id")).group_by("birth_date").values("birth_date", "n")
        ):
            born = row["birth_date"]
            key = "unknown" if born is None else _band(_years_between(born, last), AGE_BANDS)
            ages[key] += int(row["n"])
        report.age_bands = _bands(ages, AGE_BANDS)
        if ages.get("unknown"):
            report.age_bands.append(Band("unknown", ages["unknown"]))
        genders = {
            str(row["gender"] or "unknown"): int(row["n"])
            for row in await at_end.annotate(n=Count("id")).group_by("gender").values("gender", "n")
        }
        report.genders = [
            Band(key, genders[key]) for key in ("male", "female", "unknown") if key in genders
        ]
    return report
