"""The training-effect report (培训效果与绩效影响报告): for a course and a KPI, over a unit and a
pre and a post period — who was trained, participation, participants vs non-participants,
difference-in-differences with a comparison group, ROI, trends, and external events.

Groups (ANALYTICS.md): the trained group completed the course after the pre period and
before the post period; the comparison group had not completed it by the end of the post
period, in the same population (the unit's employees with values of the KPI in both
periods). Employees who completed it before the pre period, or during either period, are
in neither group of the DiD (they are counted as participants in the plain comparison).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from talentloop.access.policy import SYSTEM, Viewer
from talentloop.accounts.models import Role
from talentloop.analytics import stats
from talentloop.analytics.models import EffectEstimate, EventKind, ExternalEvent, KpiValuation
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.performance import rollup
from talentloop.performance.models import Kpi
from talentloop.performance.periods import is_period_start, next_period, periods_between
from talentloop.training import costs
from talentloop.training.models import Course, Enrollment, EnrollmentStatus

MAX_PERIODS = 36


@dataclass
class ReportParams:
    course_id: int
    kpi_id: int
    unit_id: int | None
    pre_from: date
    pre_to: date
    post_from: date
    post_to: date
    horizon_periods: int = 6
    value_per_unit: Decimal | None = None
    exclude_events: bool = True
    min_group: int = stats.MIN_GROUP


@dataclass
class _Pool:
    """The comparison group of a report, lent to its branches."""

    control: dict[int, tuple[float, float]]
    others_post: list[float]
    values: dict[int, dict[date, float]]


@dataclass(frozen=True)
class TrendPoint:
    period: date
    treated_mean: float | None
    control_mean: float | None
    treated_n: int
    control_n: int


@dataclass
class EffectReport:
    params: ReportParams
    unit: OrgUnit | None
    course: Course
    kpi: Kpi
    population: int
    participation_before: (
        Decimal | None
    )  # percent of the population trained by the end of the pre period
    participation_after: Decimal | None  # … by the start of the post period
    comparison: stats.Comparison  # participants vs non-participants, post period
    did: stats.DidResult
    roi: stats.Roi
    value_per_unit: Decimal | None
    trend: list[TrendPoint]
    events: list[ExternalEvent]
    excluded_rows: int
    branches: list[EffectReport] = field(default_factory=list)
    comparison_pool: str = (
        "unit"  # "unit", or "parent" when a branch borrows the report's comparison group
    )
    _pool: _Pool | None = field(default=None, repr=False)

    @property
    def relative_effect(self) -> float | None:
        d = self.did
        if d.effect is None or not d.treated_pre:
            return None
        return d.effect / d.treated_pre


def check_params(params: ReportParams) -> list[date]:
    problems: list[FieldError] = []
    for name in ("pre_from", "pre_to", "post_from", "post_to"):
        if not is_period_start(getattr(params, name)):
            problems.append(
                FieldError("Not the first day of a month.", ErrorCode.INVALID, _camel(name))
            )
    if not problems and not (params.pre_from <= params.pre_to < params.post_from <= params.post_to):
        problems.append(
            FieldError(
                "The pre period must end before the post period starts.",
                ErrorCode.INVALID,
                "postFrom",
            )
        )
    if not 1 <= params.horizon_periods <= 36:
        problems.append(
            FieldError("A horizon of 1 to 36 months.", ErrorCode.INVALID, "horizonMonths")
        )
    if params.value_per_unit is not None and params.value_per_unit < 0:
        problems.append(
            FieldError("A value cannot be negative.", ErrorCode.INVALID, "valuePerUnit")
        )
    if problems:
        raise ServiceError(*problems)
    periods = periods_between(params.pre_from, params.post_to)
    if len(periods) > MAX_PERIODS:
        raise ServiceError.one(ErrorCode.INVALID, f"At most {MAX_PERIODS} months.", "postTo")
    return periods


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


async def report(
    viewer: Viewer, params: ReportParams, *, with_branches: bool = True
) -> EffectReport | None:
    """None when the course, KPI or unit does not exist for the viewer."""
    periods = check_params(params)
    course = await Course.get_or_none(id=params.course_id)
    kpi = await Kpi.get_or_none(id=params.kpi_id)
    if course is None or kpi is None or (not viewer.is_authenticated and viewer is not SYSTEM):
        return None
    unit = None
    if params.unit_id is not None:
        unit = await org_service.get_unit(viewer, params.unit_id)
        if unit is None:
            return None
    result = await _compute(viewer, params, unit, course, kpi, periods)
    if with_branches:
        for branch in await _branches_under(viewer, unit):
            # A branch's untrained staff are few once most are trained: its trained group is
            # compared with the untrained of the whole report's population (same KPI, periods).
            branch_report = await _compute(
                viewer, params, branch, course, kpi, periods, pool=result._pool
            )
            if branch_report.population:
                result.branches.append(branch_report)
        await _record_estimate(viewer, result)
    return result


async def _branches_under(viewer: Viewer, unit: OrgUnit | None) -> list[OrgUnit]:
    """Branches side by side: those at or under the unit that the viewer's scope reaches."""
    qs = org_service.visible_units(viewer).filter(type=OrgUnitType.BRANCH)
    if unit is not None:
        qs = qs.filter(path__startswith=unit.path)
    branches = await qs.order_by("code")
    scope = viewer.subtree_paths()
    return [b for b in branches if any(b.path.startswith(p) for p in scope)]


async def _compute(
    viewer: Viewer,
    params: ReportParams,
    unit: OrgUnit | None,
    course: Course,
    kpi: Kpi,
    periods: list[date],
    pool: _Pool | None = None,
) -> EffectReport:
    rows = [
        r
        for r in await rollup.member_values(
            viewer, kpi, periods, root_path=unit.path if unit else None
        )
        if r.actual is not None
    ]
    events = await events_for(viewer, unit, periods[0], periods[-1])
    excluded = 0
    if params.exclude_events and events:
        kept = []
        for r in rows:
            if any(
                r.unit_path.startswith(e.unit.path) and e.period_from <= r.period <= e.period_to
                for e in events
            ):
                excluded += 1
            else:
                kept.append(r)
        rows = kept
    values: dict[int, dict[date, float]] = defaultdict(dict)
    for r in rows:
        values[r.employee_id][r.period] = float(r.actual)  # type: ignore[arg-type]
    completed = {
        employee_id: done
        for employee_id, done in await Enrollment.filter(
            course_id=course.id, status=EnrollmentStatus.COMPLETED, employee_id__in=list(values)
        ).values_list("employee_id", "completed_at")
    }
    pre_end = _start_of(next_period(params.pre_to))
    post_start = _start_of(params.post_from)
    post_end = _start_of(next_period(params.post_to))

    def mean_over(employee_id: int, first: date, last: date) -> float | None:
        picked = [v for p, v in values[employee_id].items() if first <= p <= last]
        return sum(picked) / len(picked) if picked else None

    treated: dict[int, tuple[float, float]] = {}
    control: dict[int, tuple[float, float]] = {}
    participants_post: list[float] = []
    others_post: list[float] = []
    for employee_id in values:
        pre = mean_over(employee_id, params.pre_from, params.pre_to)
        post = mean_over(employee_id, params.post_from, params.post_to)
        done = completed.get(employee_id)
        if post is not None:
            if done is not None and done < post_start:
                participants_post.append(post)
            elif done is None or done >= post_end:
                others_post.append(post)
        if pre is None or post is None:
            continue
        if done is not None and pre_end <= done < post_start:
            treated[employee_id] = (pre, post)
        elif done is None or done >= post_end:
            control[employee_id] = (pre, post)
        # completed before or during a period: in neither group
    own_pool = _Pool(control=control, others_post=others_post, values=values)
    if pool is not None:
        control, others_post = pool.control, pool.others_post
        values = {**pool.values, **values}
    population = len(own_pool.values)
    trained_before = sum(1 for d in completed.values() if d is not None and d < pre_end)
    trained_after = sum(1 for d in completed.values() if d is not None and d < post_start)
    did_result = stats.did(list(treated.values()), list(control.values()), params.min_group)
    trend = []
    for period in periods:
        t = [values[e][period] for e in treated if period in values[e]]
        c = [values[e][period] for e in control if period in values[e]]
        trend.append(
            TrendPoint(
                period,
                sum(t) / len(t) if t else None,
                sum(c) / len(c) if c else None,
                len(t),
                len(c),
            )
        )
    value = params.value_per_unit
    if value is None:
        valuation = await KpiValuation.filter(kpi_id=kpi.id).order_by("-updated_at").first()
        value = valuation.value_per_unit if valuation else None
    cost = await attributable_cost(course, len(treated))
    roi_result = stats.roi(
        effect=did_result.effect,
        effect_low=did_result.interval.low if did_result.interval else None,
        conclusive=did_result.conclusive and value is not None,
        participants=len(treated),
        horizon_periods=params.horizon_periods,
        value_per_unit=value or Decimal(0),
        cost=cost,
    )
    return EffectReport(
        params=params,
        unit=unit,
        course=course,
        kpi=kpi,
        population=population,
        participation_before=_percent(trained_before, population),
        participation_after=_percent(trained_after, population),
        comparison=stats.compare(participants_post, others_post, params.min_group),
        did=did_result,
        roi=roi_result,
        value_per_unit=value,
        trend=trend,
        events=events,
        excluded_rows=excluded,
        comparison_pool="parent" if pool is not None else "unit",
        _pool=own_pool,
    )


async def attributable_cost(course: Course, participants: int) -> Decimal:
    """The fully loaded cost per participant of the course, times the trained group's size."""
    cost = await costs.course_cost(course)
    if not cost.participants:
        return Decimal(0)
    return (cost.fully_loaded / cost.participants * participants).quantize(Decimal("0.01"))


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def _start_of(period: date) -> datetime:
    return datetime(period.year, period.month, 1, tzinfo=UTC)


async def _record_estimate(viewer: Viewer, result: EffectReport) -> None:
    """A company-wide, conclusive estimate becomes the course's measured effect (for recommendations)."""
    whole_company = "" in viewer.subtree_paths()
    at_top = result.unit is None or result.unit.parent_id is None
    d = result.did
    if not (
        whole_company
        and at_top
        and d.conclusive
        and d.effect is not None
        and d.interval is not None
    ):
        return
    await EffectEstimate.update_or_create(
        course_id=result.course.id,
        kpi_id=result.kpi.id,
        defaults={
            "effect": Decimal(str(round(d.effect, 4))),
            "ci_low": Decimal(str(round(d.interval.low, 4))),
            "ci_high": Decimal(str(round(d.interval.high, 4))),
            "relative_effect": Decimal(str(round(result.relative_effect, 4)))
            if result.relative_effect is not None
            else None,
            "n_treated": d.n_treated,
            "n_control": d.n_control,
        },
    )


# --- external events ----------------------------------------------------------------------------------


async def events_for(
    viewer: Viewer, unit: OrgUnit | None, first: date, last: date
) -> list[ExternalEvent]:
    """Events on units the viewer sees that touch the unit's subtree (or lie above it) in the range."""
    events = (
        await ExternalEvent.filter(period_from__lte=last, period_to__gte=first)
        .select_related("unit")
        .order_by("period_from", "id")
    )
    visible = set(await org_service.visible_units(viewer).values_list("id", flat=True))
    result = []
    for event in events:
        if event.unit_id not in visible:
            continue
        if (
            unit is None
            or event.unit.path.startswith(unit.path)
            or unit.path.startswith(event.unit.path)
        ):
            result.append(event)
    return result


async def record_event(
    viewer: Viewer,
    *,
    unit_id: int,
    kind: EventKind,
    title: str,
    description: str,
    period_from: date,
    period_to: date,
) -> ExternalEvent:
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        raise not_found("Unit", "unitId")
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR of the unit records its events.", "unitId")
    problems: list[FieldError] = []
    if not title.strip():
        problems.append(FieldError("Title is required.", ErrorCode.REQUIRED, "title"))
    if (
        not is_period_start(period_from)
        or not is_period_start(period_to)
        or period_to < period_from
    ):
        problems.append(FieldError("Whole months, first to last.", ErrorCode.INVALID, "periodTo"))
    if problems:
        raise ServiceError(*problems)
    return await ExternalEvent.create(
        unit_id=unit.id,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        period_from=period_from,
        period_to=period_to,
        created_by_id=viewer.user_id,
    )


async def delete_event(viewer: Viewer, event_id: int) -> None:
    event = await ExternalEvent.get_or_none(id=event_id).select_related("unit")
    if event is None or not viewer.can_see_unit(event.unit.path):
        raise not_found("Event", "id")
    if not viewer.can_manage_employees_in(event.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR of the unit removes its events.", "id")
    await event.delete()


async def set_valuation(
    viewer: Viewer, *, kpi_id: int, value_per_unit: Decimal, note: str
) -> KpiValuation:
    """What one unit of a KPI is worth: company pay and finance policy, so HQ HR's."""
    if viewer.role is not Role.HQ_HR:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HQ HR sets KPI values.")
    if value_per_unit < 0:
        raise ServiceError.one(ErrorCode.INVALID, "A value cannot be negative.", "valuePerUnit")
    if not await Kpi.filter(id=kpi_id).exists():
        raise not_found("KPI", "kpiId")
    valuation, _ = await KpiValuation.update_or_create(
        kpi_id=kpi_id, defaults={"value_per_unit": value_per_unit, "note": note.strip()}
    )
    return valuation
