"""Actual, target and achievement for employees and units, computed within the viewer's scope.

Actuals are summed per employee and period in SQL; targets are resolved per
employee (own target, else the nearest unit's, then adjustments applied);
units aggregate their members' rows: a SUM KPI adds them, an AVERAGE KPI
takes their mean. Unit membership is the employee's current unit.

A person counts in a period only while employed in it (`employed_in`): hired on or before
its last day and not gone before its first — a hire in December never changes October. A
month that was closed (performance/closing.py) is served from its snapshot for the people
its close covered, whatever was hired, moved, recorded or targeted since.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.org import service as org_service
from talentloop.people.models import Employee
from talentloop.performance.models import (
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiTarget,
    PerformanceRecord,
    PeriodClose,
    PeriodSnapshot,
    PeriodType,
    TargetAdjustment,
)
from talentloop.performance.periods import MONTHS, next_period

HUNDRED = Decimal(100)
# A lower-is-better KPI at zero (no churn at all) scores this, rather than dividing by zero.
LOWER_IS_BETTER_CAP = Decimal(200)
# Up to this many employees, their records are fetched by id (an IN list) instead of by a
# join on the unit path; beyond it the join is cheaper than a long list of parameters.
KEYED_LOOKUP_MAX = 5000


@dataclass(frozen=True)
class MemberValue:
    employee_id: int
    unit_path: str
    period: date
    actual: Decimal | None
    target: Decimal | None


@dataclass(frozen=True)
class Point:
    period: date
    actual: Decimal | None
    target: Decimal | None
    achievement: Decimal | None  # percent
    members: int  # employees with a value or a target in the period


def achievement(kpi: Kpi, actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Percent of target reached; for a lower-is-better KPI, target / actual."""
    if actual is None or target is None:
        return None
    if kpi.direction is KpiDirection.LOWER_IS_BETTER:
        if actual == 0:
            return LOWER_IS_BETTER_CAP
        return _round(target / actual * HUNDRED)
    if target == 0:
        return None
    return _round(actual / target * HUNDRED)


def aggregate(kpi: Kpi, period: date, rows: Iterable[MemberValue]) -> Point:
    rows = list(rows)
    actuals = [r.actual for r in rows if r.actual is not None]
    targets = [r.target for r in rows if r.target is not None]
    members = len({r.employee_id for r in rows})
    if kpi.aggregation is KpiAggregation.AVERAGE:
        actual = _round(sum(actuals, Decimal(0)) / len(actuals)) if actuals else None
        target = _round(sum(targets, Decimal(0)) / len(targets)) if targets else None
    else:
        actual = tidy(sum(actuals, Decimal(0))) if actuals else None
        target = tidy(sum(targets, Decimal(0))) if targets else None
    return Point(period, actual, target, achievement(kpi, actual, target), members)


async def member_values(
    viewer: Viewer,
    kpi: Kpi,
    periods: list[date],
    *,
    root_path: str | None = None,
    employee_id: int | None = None,
) -> list[MemberValue]:
    """One row per employee and period that has an actual or a target, for the employees
    whose performance the viewer may read (the WORK field group), under `root_path`."""
    scope = viewer.employee_filter(FieldGroup.WORK)
    if scope is None or not periods:
        return []
    employees = Employee.filter(scope)
    records = PerformanceRecord.filter(
        viewer.employee_filter(FieldGroup.WORK, prefix="employee__") or scope
    )
    if root_path:
        employees = employees.filter(unit_id__in=org_service.subtree_ids(root_path))
        records = records.filter(employee__unit_id__in=org_service.subtree_ids(root_path))
    if employee_id is not None:
        employees = employees.filter(id=employee_id)
        records = records.filter(employee_id=employee_id)
    employed: dict[int, tuple[date, date | None]] = {}
    paths: dict[int, str] = {}
    for pk, path, hired, left in await employees.values_list(
        "id", "unit__path", "hire_date", "termination_date"
    ):
        paths[pk] = path
        employed[pk] = (as_date(hired), as_date(left) if left else None)
    if len(paths) <= KEYED_LOOKUP_MAX:
        # A team or a department: look its records up by employee (the unique index) rather
        # than join every record of the KPI to its unit to compare paths.
        records = PerformanceRecord.filter(employee_id__in=list(paths))
    totals = (
        await records.filter(kpi_id=kpi.id, period__in=periods)
        .annotate(total=Sum("value"))
        .group_by("employee_id", "period")
        .values("employee_id", "period", "total")
    )
    actual = {(r["employee_id"], as_date(r["period"])): Decimal(str(r["total"])) for r in totals}
    targets = await resolve_targets(kpi, periods, paths)
    closed = await closed_paths([closing_month(p, kpi.period_type) for p in periods])
    rows: list[MemberValue] = []
    kept: set[tuple[int, date]] = set()
    if closed:
        rows, kept = await snapshot_values(
            kpi, periods, closed, Employee.filter(scope), root_path, employee_id
        )
    for emp_id, path in paths.items():
        hired, left = employed[emp_id]
        for period in periods:
            if not employed_in(hired, left, period, kpi.period_type) or (emp_id, period) in kept:
                continue  # not employed then, or kept by a close (wherever they work now)
            if covered(path, closed.get(closing_month(period, kpi.period_type), {})):
                continue  # under a close that did not count them: not theirs to join
            a, t = actual.get((emp_id, period)), targets.get((emp_id, period))
            if a is not None or t is not None:
                rows.append(MemberValue(emp_id, path, period, a, t))
    return rows


def period_end(period: date, period_type: PeriodType) -> date:
    """The last day of the period starting on `period`."""
    return date.fromordinal(next_period(period, period_type).toordinal() - 1)


def employed_in(hired: date, left: date | None, period: date, period_type: PeriodType) -> bool:
    """Whether a person counts in a period: hired on or before its last day and, if they
    left, their last day on or after its first. A mid-month hire or leaver counts for the
    whole month, with the whole month's target (the rule of `reports`' headcount at a month
    end, widened to the month: a month someone worked in is a month they answer for)."""
    return hired <= period_end(period, period_type) and (left is None or left >= period)


def closing_month(period: date, period_type: PeriodType) -> date:
    """The month whose close keeps this period: the month itself, a quarter's or a year's
    last month (December)."""
    return date(period.year, period.month + MONTHS[period_type] - 1, 1)


async def closed_paths(months: Iterable[date]) -> dict[date, dict[str, int]]:
    """The open closes of these months: month → {unit path: close id}. One query."""
    wanted = sorted(set(months))
    found: dict[date, dict[str, int]] = defaultdict(dict)
    if not wanted:
        return found
    for pk, month, path in await PeriodClose.filter(
        month__in=wanted, reopened_at__isnull=True
    ).values_list("id", "month", "unit_path"):
        found[as_date(month)][path] = pk
    return found


def covered(path: str, closes: dict[str, int]) -> bool:
    """Whether a unit path lies under one of these closes' units."""
    return any(path.startswith(p) for p in closes)


async def snapshot_values(
    kpi: Kpi,
    periods: list[date],
    closed: dict[date, dict[str, int]],
    readable: QuerySet[Employee],
    root_path: str | None,
    employee_id: int | None,
) -> tuple[list[MemberValue], set[tuple[int, date]]]:
    """The closed periods' rows as their closes kept them, of the people the viewer reads
    (`readable`) under `root_path` as they stood then; and every (person, period) the closes
    kept, wherever they work now, so that nobody who moved out of a closed unit counts again
    live. Two queries."""
    wanted = {
        p: list(closed[closing_month(p, kpi.period_type)].values())
        for p in periods
        if closing_month(p, kpi.period_type) in closed
    }
    close_ids = sorted({c for ids in wanted.values() for c in ids})
    query = PeriodSnapshot.filter(kpi_id=kpi.id, period__in=sorted(wanted), close_id__in=close_ids)
    if employee_id is not None:
        query = query.filter(employee_id=employee_id)
    found = await query.order_by("close_id").values(
        "close_id", "employee_id", "period", "unit_path", "actual", "target"
    )
    found = [r for r in found if r["close_id"] in wanted[as_date(r["period"])]]
    every = {(r["employee_id"], as_date(r["period"])) for r in found}
    under = [r for r in found if not root_path or str(r["unit_path"]).startswith(root_path)]
    if not under:
        return [], every
    allowed = set(
        await readable.filter(id__in=sorted({r["employee_id"] for r in under})).values_list(
            "id", flat=True
        )
    )
    # A person inside two closes of one month (a branch's, then the company's that copied
    # it): one row, the later close's.
    by_person: dict[tuple[int, date], MemberValue] = {}
    for r in under:
        if r["employee_id"] not in allowed:
            continue
        period = as_date(r["period"])
        by_person[(r["employee_id"], period)] = MemberValue(
            r["employee_id"],
            r["unit_path"],
            period,
            _decimal(r["actual"]),
            _decimal(r["target"]),
        )
    return list(by_person.values()), every


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def resolve_targets(
    kpi: Kpi, periods: list[date], unit_paths: dict[int, str]
) -> dict[tuple[int, date], Decimal]:
    """Each employee's effective target: their own, else the nearest unit's; then adjustments."""
    found = await resolve_targets_many({kpi.id: periods}, unit_paths)
    return {(emp_id, period): value for (_kpi, emp_id, period), value in found.items()}


async def resolve_targets_many(
    periods_by_kpi: dict[int, list[date]], unit_paths: dict[int, str]
) -> dict[tuple[int, int, date], Decimal]:
    """`resolve_targets` for several KPIs at once, keyed by (KPI, employee, period): the same
    three queries whatever the number of KPIs."""
    if not unit_paths or not periods_by_kpi:
        return {}
    kpi_ids = sorted(periods_by_kpi)
    periods = sorted({p for ps in periods_by_kpi.values() for p in ps})
    own = {
        (r["kpi_id"], r["employee_id"], as_date(r["period"])): Decimal(str(r["value"]))
        for r in await KpiTarget.filter(
            kpi_id__in=kpi_ids, period__in=periods, employee_id__in=list(unit_paths)
        ).values("kpi_id", "employee_id", "period", "value")
    }
    # A unit's target reaches an employee only from a unit on their path: read those alone.
    on_paths = sorted(
        {int(part) for path in unit_paths.values() for part in path.split("/") if part}
    )
    by_unit: dict[tuple[int, date], list[tuple[str, Decimal]]] = defaultdict(list)
    for r in await KpiTarget.filter(
        kpi_id__in=kpi_ids, period__in=periods, unit_id__in=on_paths
    ).values("kpi_id", "unit__path", "period", "value"):
        by_unit[(r["kpi_id"], as_date(r["period"]))].append(
            (str(r["unit__path"]), Decimal(str(r["value"])))
        )
    for period_targets in by_unit.values():
        period_targets.sort(key=lambda pv: len(pv[0]), reverse=True)  # deepest unit first
    factors: dict[tuple[int, int, date], Decimal] = defaultdict(lambda: Decimal(1))
    for r in await TargetAdjustment.filter(
        kpi_id__in=kpi_ids, period__in=periods, employee_id__in=list(unit_paths)
    ).values("kpi_id", "employee_id", "period", "percent"):
        key = (r["kpi_id"], r["employee_id"], as_date(r["period"]))
        factors[key] *= 1 + Decimal(str(r["percent"])) / HUNDRED

    resolved: dict[tuple[int, int, date], Decimal] = {}
    for kpi_id, kpi_periods in periods_by_kpi.items():
        for emp_id, path in unit_paths.items():
            for period in kpi_periods:
                key = (kpi_id, emp_id, period)
                base = own.get(key)
                if base is None:
                    base = next(
                        (v for p, v in by_unit.get((kpi_id, period), []) if path.startswith(p)),
                        None,
                    )
                if base is not None:
                    resolved[key] = _round(base * factors[key]) if key in factors else base
    return resolved


async def employee_values(
    employee: Employee, kpis: list[tuple[Kpi, list[date]]]
) -> dict[int, list[MemberValue]]:
    """`member_values` of one employee (already known to be readable, their unit loaded) for
    several KPIs at once: one grouped query for the actuals, three for the targets and one
    for the closes, whatever the KPIs (and the snapshot's two per KPI with a closed period)."""
    if not kpis:
        return {}
    periods_by_kpi = {kpi.id: periods for kpi, periods in kpis}
    unit_path = employee.unit.path
    periods = sorted({p for ps in periods_by_kpi.values() for p in ps})
    totals = (
        await PerformanceRecord.filter(
            employee_id=employee.id, kpi_id__in=sorted(periods_by_kpi), period__in=periods
        )
        .annotate(total=Sum("value"))
        .group_by("kpi_id", "period")
        .values("kpi_id", "period", "total")
    )
    actual = {(r["kpi_id"], as_date(r["period"])): Decimal(str(r["total"])) for r in totals}
    targets = await resolve_targets_many(periods_by_kpi, {employee.id: unit_path})
    closed = await closed_paths(closing_month(p, kpi.period_type) for kpi, ps in kpis for p in ps)
    result: dict[int, list[MemberValue]] = {}
    for kpi, kpi_periods in kpis:
        closed_periods = [p for p in kpi_periods if closing_month(p, kpi.period_type) in closed]
        rows: list[MemberValue] = []
        kept: set[tuple[int, date]] = set()
        if closed_periods:
            rows, kept = await snapshot_values(
                kpi, closed_periods, closed, Employee.filter(id=employee.id), None, employee.id
            )
        result[kpi.id] = rows
        for period in kpi_periods:
            if (employee.id, period) in kept:
                continue  # kept by a close, wherever they work now
            if covered(unit_path, closed.get(closing_month(period, kpi.period_type), {})):
                continue  # joined a closed unit after it was closed
            hired, left = employee.hire_date, employee.termination_date
            if not employed_in(hired, left, period, kpi.period_type):
                continue
            a, t = actual.get((kpi.id, period)), targets.get((kpi.id, employee.id, period))
            if a is not None or t is not None:
                rows.append(MemberValue(employee.id, unit_path, period, a, t))
        rows.sort(key=lambda r: r.period)
    return result


def series(kpi: Kpi, periods: list[date], rows: list[MemberValue]) -> list[Point]:
    by_period: dict[date, list[MemberValue]] = defaultdict(list)
    for row in rows:
        by_period[row.period].append(row)
    return [aggregate(kpi, p, by_period.get(p, [])) for p in periods]


def tidy(value: Decimal) -> Decimal:
    """31.0000 → 31, 1.2000 → 1.20: whole numbers as such, the rest to the fen."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return _round(value)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
