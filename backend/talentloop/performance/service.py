"""Rules for KPIs, targets, adjustments and records, and the queries the dashboards ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop import versions
from talentloop.access.policy import FieldGroup, Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import N_, pattern, translate
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.pagination import Page, keyset_page
from talentloop.people.models import Employee
from talentloop.performance import closed, rollup
from talentloop.performance.models import (
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiTarget,
    KpiUnit,
    PerformanceRecord,
    PeriodType,
    TargetAdjustment,
)
from talentloop.performance.periods import (
    is_period_start,
    period_problems,
    periods_between,
)

MAX_PERIODS = 60  # five years of months in one series


# --- KPI definitions -------------------------------------------------------------------


async def list_kpis(viewer: Viewer) -> list[Kpi]:
    if not viewer.is_authenticated:
        return []
    return await Kpi.all()


async def get_kpi(viewer: Viewer, kpi_id: int) -> Kpi | None:
    if not viewer.is_authenticated:
        return None
    return await Kpi.get_or_none(id=kpi_id)


@dataclass
class KpiInput:
    code: str
    name: str
    unit: KpiUnit
    direction: KpiDirection = KpiDirection.HIGHER_IS_BETTER
    aggregation: KpiAggregation = KpiAggregation.SUM
    period_type: PeriodType = PeriodType.MONTH
    description: str = ""
    dimension_name: str | None = None


async def create_kpi(viewer: Viewer, data: KpiInput) -> Kpi:
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HQ HR defines KPIs.")
    problems: list[FieldError] = []
    code, name = data.code.strip(), data.name.strip()
    if not code:
        problems.append(FieldError("Code is required.", ErrorCode.REQUIRED, "code"))
    elif await Kpi.filter(code=code).exists():
        problems.append(FieldError("This KPI code is taken.", ErrorCode.DUPLICATE, "code"))
    if not name:
        problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
    if problems:
        raise ServiceError(*problems)
    values: dict[str, Any] = {
        "code": code,
        "name": name,
        "unit": data.unit,
        "direction": data.direction,
        "aggregation": data.aggregation,
        "period_type": data.period_type,
        "description": data.description.strip(),
        "dimension_name": (data.dimension_name or "").strip() or None,
    }
    async with in_transaction():
        kpi = await Kpi.create(**values)
        await audit.record_created(viewer, "Kpi", kpi.id, values)
    return kpi


@dataclass
class KpiChange:
    """What may change in a KPI once values exist: its code, unit and period type stay, as
    every record and target is read through them."""

    name: str
    description: str
    direction: KpiDirection
    aggregation: KpiAggregation


async def update_kpi(viewer: Viewer, kpi_id: int, change: KpiChange) -> Kpi:
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HQ HR defines KPIs.")
    kpi = await get_kpi(viewer, kpi_id)
    if kpi is None:
        raise not_found("KPI", "id")
    name = change.name.strip()
    if not name:
        raise ServiceError.one(ErrorCode.REQUIRED, "Name is required.", "name")
    values = {
        "name": name,
        "description": change.description.strip(),
        "direction": change.direction,
        "aggregation": change.aggregation,
    }
    async with in_transaction():
        await audit.record_changes(viewer, "Kpi", kpi.id, kpi, values)
        await Kpi.filter(id=kpi.id).update(**values)
    for key, value in values.items():
        setattr(kpi, key, value)
    return kpi


# --- targets and adjustments ------------------------------------------------------------


async def set_target(
    viewer: Viewer,
    *,
    kpi_id: int,
    period: date,
    value: Decimal,
    employee_id: int | None = None,
    unit_id: int | None = None,
    expected_version: int | None = None,
) -> KpiTarget:
    """Create or replace the target of one employee or one unit for one period.
    `expected_version` is the version of the target the client read, 0 if there was none."""
    kpi = await get_kpi(viewer, kpi_id)
    problems: list[FieldError] = []
    if kpi is None:
        raise not_found("KPI", "kpiId")
    problems.extend(period_problems(period, kpi.period_type))
    if value < 0:
        problems.append(FieldError("A target cannot be negative.", ErrorCode.INVALID, "value"))
    if (employee_id is None) == (unit_id is None):
        raise ServiceError.one(
            ErrorCode.INVALID, "Give exactly one of employeeId and unitId.", "employeeId"
        )
    path: str
    if employee_id is not None:
        employee = await work_visible_employee(viewer, employee_id)
        if employee is None:
            raise not_found("Employee", "employeeId")
        path = employee.unit.path
    else:
        assert unit_id is not None
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            raise not_found("Unit", "unitId")
        path = unit.path
    if not viewer.can_direct_in(path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not set targets here.")
    viewer.refuse_self(employee_id)
    if problems:
        raise ServiceError(*problems)
    await closed.refuse_closed(period, kpi.period_type, path, reaches_below=unit_id is not None)

    async def attempt() -> KpiTarget:
        async with in_transaction():
            existing = (
                await KpiTarget.filter(
                    kpi_id=kpi.id, period=period, employee_id=employee_id, unit_id=unit_id
                )
                .select_for_update()
                .first()
            )
            versions.check(existing.version if existing else 0, expected_version)
            if existing is not None:
                await audit.record_target_set(viewer, existing, value, created=False)
                existing.version = await versions.write(
                    KpiTarget, existing.id, existing.version, {"value": value}
                )
                existing.value = value
                return existing
            try:
                target = await KpiTarget.create(
                    kpi_id=kpi.id,
                    period=period,
                    employee_id=employee_id,
                    unit_id=unit_id,
                    value=value,
                )
            except IntegrityError:
                # Another writer created the same target first (a partial unique index).
                raise versions.StaleVersion from None
            await audit.record_target_set(viewer, target, value, created=True)
            return target

    return await versions.attempts(expected_version, attempt)


def _target_visible(viewer: Viewer, target: KpiTarget) -> bool:
    """A person's target is their performance data (WORK); a unit's is read where the unit is."""
    if target.employee is not None:
        employee = target.employee
        return FieldGroup.WORK in viewer.groups_for(employee.id, employee.unit.path)
    return target.unit is not None and viewer.can_see_unit(target.unit.path)


async def list_targets(viewer: Viewer, kpi_id: int, period: date) -> list[KpiTarget]:
    """Targets set explicitly for a KPI and period that the viewer may read."""
    targets = await KpiTarget.filter(kpi_id=kpi_id, period=period).select_related(
        "employee__unit", "unit"
    )
    return [t for t in targets if _target_visible(viewer, t)]


async def get_target(viewer: Viewer, target_id: int) -> KpiTarget | None:
    target = await KpiTarget.get_or_none(id=target_id).select_related("employee__unit", "unit")
    return target if target is not None and _target_visible(viewer, target) else None


async def get_record(viewer: Viewer, record_id: int) -> PerformanceRecord | None:
    return await visible_records(viewer).filter(id=record_id).first()


async def remove_target(viewer: Viewer, target_id: int) -> None:
    target = await KpiTarget.get_or_none(id=target_id).select_related("employee__unit", "unit")
    path = None
    if target is not None:
        path = target.employee.unit.path if target.employee else target.unit.path  # type: ignore[union-attr]
    if target is None or path is None or not viewer.can_see_unit(path):
        raise not_found("Target", "id")
    if not viewer.can_direct_in(path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change targets here.", "id")
    viewer.refuse_self(target.employee_id, "id")
    kpi = await Kpi.get(id=target.kpi_id)
    await closed.refuse_closed(
        rollup.as_date(target.period),
        kpi.period_type,
        path,
        field_name="id",
        reaches_below=target.unit_id is not None,
    )
    await audit.record_target_removed(viewer, target)
    await target.delete()


# A course's target rule writes its reason from this msgid (kept in English, shown translated).
COURSE_ADJUSTMENT = N_("Completed the course 《{course}》: {kpi} target adjusted by {percent}%")


def shown_adjustment_reason(reason: str, source: str) -> str:
    """An adjustment's reason in the reader's language when a course's rule wrote it (older
    rows, written in Chinese, and other modules' reasons are shown as they are)."""
    if source.startswith("training.rule:"):
        found = pattern(COURSE_ADJUSTMENT).fullmatch(reason)
        if found is not None:
            return translate(COURSE_ADJUSTMENT, found.groupdict())
    return reason


async def apply_target_adjustment(
    *, kpi_id: int, employee_id: int, period: date, percent: Decimal, reason: str, source: str
) -> TargetAdjustment:
    """For other modules' rules: adjust one employee's target for one period, once per source.

    Applying the same source again replaces its adjustment rather than stacking it.
    """
    adjustment, created = await TargetAdjustment.get_or_create(
        kpi_id=kpi_id,
        employee_id=employee_id,
        period=period,
        source=source,
        defaults={"percent": percent, "reason": reason},
    )
    await audit.record_target_adjustment(adjustment, created, percent, reason)
    if not created and (adjustment.percent != percent or adjustment.reason != reason):
        adjustment.percent, adjustment.reason = percent, reason
        await adjustment.save(update_fields=["percent", "reason"])
    return adjustment


# --- records ------------------------------------------------------------------------------


def visible_records(viewer: Viewer) -> QuerySet[PerformanceRecord]:
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return PerformanceRecord.filter(id__in=[])
    return PerformanceRecord.filter(scope)


async def latest_period(viewer: Viewer, kpi_id: int) -> date | None:
    latest = (
        await visible_records(viewer)
        .filter(kpi_id=kpi_id)
        .order_by("-period")
        .limit(1)
        .values_list("period", flat=True)
    )
    return rollup.as_date(latest[0]) if latest else None


@dataclass
class RecordQuery:
    employee_id: int | None = None
    unit_id: int | None = None
    kpi_id: int | None = None
    period_from: date | None = None
    period_to: date | None = None


async def list_records(
    viewer: Viewer, query: RecordQuery, *, first: int, after: str | None
) -> Page[PerformanceRecord]:
    qs = visible_records(viewer)
    if query.employee_id is not None:
        qs = qs.filter(employee_id=query.employee_id)
    if query.unit_id is not None:
        unit = await org_service.get_unit(viewer, query.unit_id)
        qs = qs.filter(employee__unit__path__startswith=unit.path) if unit else qs.filter(id__in=[])
    if query.kpi_id is not None:
        qs = qs.filter(kpi_id=query.kpi_id)
    if query.period_from is not None:
        qs = qs.filter(period__gte=query.period_from)
    if query.period_to is not None:
        qs = qs.filter(period__lte=query.period_to)
    return await keyset_page(qs, key="id", first=first, after=after)


async def record_value(
    viewer: Viewer,
    *,
    employee_id: int,
    kpi_id: int,
    period: date,
    value: Decimal,
    dimension: str = "",
    source: str = "api",
) -> PerformanceRecord:
    """Create or replace one actual value (HR in scope, a manager for their team, or an
    integrator's HQ HR account)."""
    kpi = await get_kpi(viewer, kpi_id)
    if kpi is None:
        raise not_found("KPI", "kpiId")
    employee = await work_visible_employee(viewer, employee_id)
    if employee is None:
        raise not_found("Employee", "employeeId")
    # HR in their scope, and a manager for their own subtree: the team's results are theirs
    # to enter (never their own: refuse_self).
    if not viewer.can_direct_in(employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not record performance here.")
    viewer.refuse_self(employee.id)
    problems = value_problems(kpi, value, period, dimension)
    if problems:
        raise ServiceError(*problems)
    await closed.refuse_closed(period, kpi.period_type, employee.unit.path)
    async with in_transaction():
        record, created = await PerformanceRecord.get_or_create(
            employee_id=employee.id,
            kpi_id=kpi.id,
            period=period,
            dimension=dimension.strip(),
            defaults={"value": value, "source": source},
        )
        if not created and record.value != value:
            record.value = value
            record.source = source
            await record.save(update_fields=["value", "source", "updated_at"])
    return record


class KpiRules(Protocol):
    """What value_problems reads of a KPI: a Kpi, or the import's KpiFacts (import_rows.py)."""

    @property
    def code(self) -> str: ...
    @property
    def unit(self) -> KpiUnit: ...
    @property
    def period_type(self) -> PeriodType: ...
    @property
    def dimension_name(self) -> str | None: ...


def value_problems(kpi: KpiRules, value: Decimal, period: date, dimension: str) -> list[FieldError]:
    problems: list[FieldError] = []
    problems.extend(period_problems(period, kpi.period_type))
    if value < 0:
        problems.append(FieldError("A KPI value cannot be negative.", ErrorCode.INVALID, "value"))
    if kpi.unit is KpiUnit.PERCENT and value > 100:
        problems.append(FieldError("A percentage is at most 100.", ErrorCode.INVALID, "value"))
    if dimension.strip() and not kpi.dimension_name:
        problems.append(
            FieldError(
                "{kpi} is not broken down by a dimension.",
                ErrorCode.INVALID,
                "dimension",
                kpi=kpi.code,
            )
        )
    return problems


def parse_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


# --- series for the dashboards ---------------------------------------------------------------


def check_range(period_from: date, period_to: date, kpi: Kpi) -> list[date]:
    problems: list[FieldError] = []
    if not is_period_start(period_from, kpi.period_type):
        problems.append(FieldError("Not the start of a period.", ErrorCode.INVALID, "from"))
    if not is_period_start(period_to, kpi.period_type):
        problems.append(FieldError("Not the start of a period.", ErrorCode.INVALID, "to"))
    if problems:
        raise ServiceError(*problems)
    periods = periods_between(period_from, period_to, kpi.period_type)
    if not periods or len(periods) > MAX_PERIODS:
        raise ServiceError.one(
            ErrorCode.INVALID, "A range holds 1 to {top} periods.", "to", top=MAX_PERIODS
        )
    return periods


@dataclass(frozen=True)
class EmployeeSeries:
    kpi: Kpi
    points: list[rollup.Point]
    adjustments: dict[date, list[TargetAdjustment]]


async def employee_series_for_kpis(
    viewer: Viewer, employee_id: int, kpis: list[tuple[Kpi, list[date]]]
) -> list[EmployeeSeries] | None:
    """An employee's series of several KPIs with the adjustments to their targets, in a fixed
    number of queries; None when the viewer may not read this employee's performance."""
    employee = await work_visible_employee(viewer, employee_id)
    if employee is None:
        return None
    periods_by_kpi = {kpi.id: periods for kpi, periods in kpis}
    values = await rollup.employee_values(employee, kpis)
    adjustments: dict[tuple[int, date], list[TargetAdjustment]] = {}
    all_periods = sorted({p for _, periods in kpis for p in periods})
    for adj in await TargetAdjustment.filter(
        employee_id=employee.id, kpi_id__in=sorted(periods_by_kpi), period__in=all_periods
    ).order_by("created_at"):
        adjustments.setdefault((adj.kpi_id, rollup.as_date(adj.period)), []).append(adj)
    return [
        EmployeeSeries(
            kpi,
            rollup.series(kpi, periods, values.get(kpi.id, [])),
            {p: adjustments[(kpi.id, p)] for p in periods if (kpi.id, p) in adjustments},
        )
        for kpi, periods in kpis
    ]


async def unit_series(
    viewer: Viewer, unit: OrgUnit, kpi: Kpi, periods: list[date]
) -> list[rollup.Point]:
    rows = await rollup.member_values(viewer, kpi, periods, root_path=unit.path)
    return rollup.series(kpi, periods, rows)


@dataclass(frozen=True)
class BreakdownRow:
    unit: OrgUnit | None  # a child unit, or None for a direct member
    employee_id: int | None
    point: rollup.Point


async def unit_breakdown(
    viewer: Viewer, unit: OrgUnit, kpi: Kpi, period: date
) -> list[BreakdownRow]:
    """The unit's children side by side (each with its whole subtree), then its direct members."""
    rows = await rollup.member_values(viewer, kpi, [period], root_path=unit.path)
    children = await org_service.visible_units(viewer).filter(parent_id=unit.id).order_by("code")
    result = [
        BreakdownRow(
            unit=child,
            employee_id=None,
            point=rollup.aggregate(
                kpi, period, (r for r in rows if r.unit_path.startswith(child.path))
            ),
        )
        for child in children
    ]
    for row in sorted((r for r in rows if r.unit_path == unit.path), key=lambda r: r.employee_id):
        result.append(
            BreakdownRow(
                unit=None, employee_id=row.employee_id, point=rollup.aggregate(kpi, period, [row])
            )
        )
    return result


async def work_visible_employee(viewer: Viewer, employee_id: int) -> Employee | None:
    scope = viewer.employee_filter(FieldGroup.WORK)
    if scope is None:
        return None
    return await Employee.filter(scope, id=employee_id).select_related("unit").first()
