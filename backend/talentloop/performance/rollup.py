"""Actual, target and achievement for employees and units, computed within the viewer's scope.

Actuals are summed per employee and period in SQL; targets are resolved per
employee (own target, else the nearest unit's, then adjustments applied);
units aggregate their members' rows: a SUM KPI adds them, an AVERAGE KPI
takes their mean. Unit membership is the employee's current unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tortoise.functions import Sum

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.org import service as org_service
from talentloop.people.models import Employee
from talentloop.performance.models import (
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiTarget,
    PerformanceRecord,
    TargetAdjustment,
)

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
    paths: dict[int, str] = dict(await employees.values_list("id", "unit__path"))
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
    rows: list[MemberValue] = []
    for emp_id, path in paths.items():
        for period in periods:
            a, t = actual.get((emp_id, period)), targets.get((emp_id, period))
            if a is not None or t is not None:
                rows.append(MemberValue(emp_id, path, period, a, t))
    return rows


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
    employee_id: int, unit_path: str, periods_by_kpi: dict[int, list[date]]
) -> dict[int, list[MemberValue]]:
    """`member_values` of one employee (already known to be readable) for several KPIs at
    once: one grouped query for the actuals and three for the targets, whatever the KPIs."""
    if not periods_by_kpi:
        return {}
    periods = sorted({p for ps in periods_by_kpi.values() for p in ps})
    totals = (
        await PerformanceRecord.filter(
            employee_id=employee_id, kpi_id__in=sorted(periods_by_kpi), period__in=periods
        )
        .annotate(total=Sum("value"))
        .group_by("kpi_id", "period")
        .values("kpi_id", "period", "total")
    )
    actual = {(r["kpi_id"], as_date(r["period"])): Decimal(str(r["total"])) for r in totals}
    targets = await resolve_targets_many(periods_by_kpi, {employee_id: unit_path})
    result: dict[int, list[MemberValue]] = {}
    for kpi_id, kpi_periods in periods_by_kpi.items():
        rows = result[kpi_id] = []
        for period in kpi_periods:
            a, t = actual.get((kpi_id, period)), targets.get((kpi_id, employee_id, period))
            if a is not None or t is not None:
                rows.append(MemberValue(employee_id, unit_path, period, a, t))
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
