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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeAlias, TypeVar

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import SYSTEM, FieldGroup, Operation, Viewer
from talentloop.accounts.models import Role
from talentloop.analytics import stats
from talentloop.analytics.models import EffectEstimate, EventKind, ExternalEvent, KpiValuation
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.performance import pay
from talentloop.performance.models import Kpi, PaySuspension, PerformanceRecord
from talentloop.performance.periods import is_period_start, next_period, periods_between
from talentloop.performance.rollup import as_date
from talentloop.skills import scoring
from talentloop.skills import service as skills_service
from talentloop.skills.models import Competency
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
    prefix: str  # the unit path whose untrained employees form it


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
    # each employee's mean over the pre period (for the competency correlations)
    _pre_means: dict[int, float] = field(default_factory=dict, repr=False)
    # filled for the export (the API resolves them as fields when asked)
    correlations: list[CompetencyCorrelation] = field(default_factory=list)
    # competency scores, computed once for the correlations and the under-performers
    _scores: scoring.ScoreCache = field(default_factory=scoring.ScoreCache, repr=False)
    suspensions: list[PaySuspension] = field(default_factory=list)

    @property
    def relative_effect(self) -> float | None:
        d = self.did
        if d.effect is None or not d.treated_pre:
            return None
        return d.effect / d.treated_pre


REPORT_ROLES = frozenset({Role.HQ_HR, Role.BRANCH_HR, Role.MANAGER, Role.EXECUTIVE})


def may_read_reports(viewer: Viewer) -> bool:
    """HR, managers and the boss read the report, each over the employees they may see (the
    WORK field group); an employee's own KPIs are on their own pages, not in a comparison."""
    return viewer is SYSTEM or (viewer.is_authenticated and viewer.may(Operation.REPORTS))


@dataclass(frozen=True)
class ReportDefaults:
    course: Course
    kpi: Kpi
    pre_from: date
    pre_to: date
    post_from: date
    post_to: date


def _months_before(period: date, months: int) -> date:
    index = period.year * 12 + period.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


async def defaults(viewer: Viewer) -> ReportDefaults | None:
    """What to show first: the course most of the viewer's people completed; the KPI whose
    target suspended performance pay (else the one with the latest values); the last three
    months with values as the post period, a month's gap for the training, and the four
    months before as the pre period."""
    if not may_read_reports(viewer):
        return None
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return None
    completions = (
        await Enrollment.filter(scope, status=EnrollmentStatus.COMPLETED)
        .annotate(n=Count("id"))
        .group_by("course_id")
        .order_by("-n", "course_id")
        .limit(1)
        .values_list("course_id", flat=True)
    )
    course = await Course.get_or_none(id=completions[0]) if completions else None
    suspensions = await pay.list_suspensions(viewer)
    kpi_id = suspensions[0].condition_kpi_id if suspensions else None
    records = PerformanceRecord.filter(scope)
    if kpi_id is None:
        latest_kpi = await records.order_by("-period", "kpi_id").first()
        kpi_id = latest_kpi.kpi_id if latest_kpi else None
    if course is None or kpi_id is None:
        return None
    kpi = await Kpi.get(id=kpi_id)
    latest = await records.filter(kpi_id=kpi_id).order_by("-period").first()
    if latest is None:
        return None
    last = as_date(latest.period)
    return ReportDefaults(
        course=course,
        kpi=kpi,
        pre_from=_months_before(last, 7),
        pre_to=_months_before(last, 4),
        post_from=_months_before(last, 2),
        post_to=last,
    )


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
        raise ServiceError.one(
            ErrorCode.INVALID, "At most {top} months.", "postTo", top=MAX_PERIODS
        )
    return periods


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


async def report(
    viewer: Viewer, params: ReportParams, *, with_branches: bool = True
) -> EffectReport | None:
    """None when the course, KPI or unit does not exist for the viewer.

    The database does the heavy lifting: one grouped query per period range gives each
    employee's mean, two more give the monthly trend lines by unit, so the cost grows with
    the number of employees, not employee × months, and the branches come from the same rows.
    """
    periods = check_params(params)
    if not may_read_reports(viewer):
        return None
    course = await Course.get_or_none(id=params.course_id)
    kpi = await Kpi.get_or_none(id=params.kpi_id)
    if course is None or kpi is None:
        return None
    unit = None
    if params.unit_id is not None:
        unit = await org_service.get_unit(viewer, params.unit_id)
        if unit is None:
            return None
    events = await events_for(viewer, unit, periods[0], periods[-1])
    data = await _fetch(viewer, params, unit, course, kpi, periods, events)
    value = params.value_per_unit
    if value is None:
        valuation = await KpiValuation.filter(kpi_id=kpi.id).order_by("-updated_at").first()
        value = valuation.value_per_unit if valuation else None
    cost_each = await cost_per_participant(course)
    context = _Context(params, course, kpi, periods, events, value, cost_each)
    result = _assemble(context, data, unit, unit.path if unit else "")
    if with_branches:
        for branch in await _branches_under(viewer, unit):
            # A branch's untrained staff are few once most are trained: its trained group is
            # compared with the untrained of the whole report's population (same KPI, periods).
            branch_report = _assemble(context, data, branch, branch.path, pool=result._pool)
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


@dataclass
class _Means:
    unit_path: str
    pre: float | None = None
    post: float | None = None


@dataclass
class _Data:
    """What the database returned: each employee's means, completions, monthly sums by unit."""

    means: dict[int, _Means]
    completed: dict[int, datetime]
    # (period, unit path) → (sum of the KPI, number of employees), for each trend line
    treated_trend: dict[tuple[date, str], tuple[float, int]]
    control_trend: dict[tuple[date, str], tuple[float, int]]
    excluded: dict[str, int]  # unit path → employee-months left out for events

    # The same rows by unit path, so that each branch reads its own rows, not all of them.
    @cached_property
    def means_index(self) -> _PathIndex[tuple[int, _Means]]:
        return _index((m.unit_path, (employee_id, m)) for employee_id, m in self.means.items())

    @cached_property
    def treated_index(self) -> _PathIndex[tuple[date, float, int]]:
        return _trend_index(self.treated_trend)

    @cached_property
    def control_index(self) -> _PathIndex[tuple[date, float, int]]:
        return _trend_index(self.control_trend)


T = TypeVar("T")
_PathIndex: TypeAlias = dict[str, list[tuple[int, T]]]  # path → (position, row)


def _index(rows: Iterable[tuple[str, T]]) -> _PathIndex[T]:
    index: _PathIndex[T] = defaultdict(list)
    for position, (path, row) in enumerate(rows):
        index[path].append((position, row))
    return index


def _trend_index(
    trend: dict[tuple[date, str], tuple[float, int]],
) -> _PathIndex[tuple[date, float, int]]:
    return _index((path, (period, total, n)) for (period, path), (total, n) in trend.items())


def _under(index: _PathIndex[T], prefix: str) -> list[T]:
    """The rows under a path, in the order they were fetched (sums come out the same)."""
    found = [
        entry for path, entries in index.items() if path.startswith(prefix) for entry in entries
    ]
    found.sort(key=lambda entry: entry[0])
    return [row for _, row in found]


@dataclass
class _Context:
    params: ReportParams
    course: Course
    kpi: Kpi
    periods: list[date]
    events: list[ExternalEvent]
    value: Decimal | None
    cost_each: Decimal


async def _fetch(
    viewer: Viewer,
    params: ReportParams,
    unit: OrgUnit | None,
    course: Course,
    kpi: Kpi,
    periods: list[date],
    events: list[ExternalEvent],
) -> _Data:
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return _Data({}, {}, {}, {}, {})
    records = PerformanceRecord.filter(scope, kpi_id=kpi.id, value__not_isnull=True)
    if unit is not None:
        records = records.filter(employee__unit__path__startswith=unit.path)
    records = records.filter(period__gte=periods[0], period__lte=periods[-1])
    excluded: dict[str, int] = {}
    if params.exclude_events and events:
        affected = Q(
            *(
                Q(
                    employee__unit__path__startswith=e.unit.path,
                    period__gte=e.period_from,
                    period__lte=e.period_to,
                )
                for e in events
            ),
            join_type="OR",
        )
        for row in (
            await records.filter(affected)
            .annotate(months=Count("period", distinct=True))
            .group_by("employee_id", "employee__unit__path")
            .values("employee__unit__path", "months")
        ):
            path = str(row["employee__unit__path"])
            excluded[path] = excluded.get(path, 0) + int(row["months"])
        records = records.exclude(affected)

    means: dict[int, _Means] = {}
    for which, first, last in (
        ("pre", params.pre_from, params.pre_to),
        ("post", params.post_from, params.post_to),
    ):
        for row in (
            await records.filter(period__gte=first, period__lte=last)
            .annotate(total=Sum("value"), months=Count("period", distinct=True))
            .group_by("employee_id", "employee__unit__path")
            .values("employee_id", "employee__unit__path", "total", "months")
        ):
            entry = means.setdefault(row["employee_id"], _Means(str(row["employee__unit__path"])))
            setattr(entry, which, float(row["total"]) / int(row["months"]))

    done = Enrollment.filter(course_id=course.id, status=EnrollmentStatus.COMPLETED)
    completed: dict[int, datetime] = {}
    for employee_id, when in await done.filter(completed_at__not_isnull=True).values_list(
        "employee_id", "completed_at"
    ):
        if employee_id in means and (employee_id not in completed or when < completed[employee_id]):
            completed[employee_id] = when
    pre_end, post_start, post_end = _bounds(params)
    treated_ids = Subquery(
        done.filter(completed_at__gte=pre_end, completed_at__lt=post_start).values("employee_id")
    )
    trained_by_post_end = Subquery(done.filter(completed_at__lt=post_end).values("employee_id"))

    async def trend(qs: QuerySet[PerformanceRecord]) -> dict[tuple[date, str], tuple[float, int]]:
        return {
            (as_date(r["period"]), str(r["employee__unit__path"])): (
                float(r["total"]),
                int(r["people"]),
            )
            for r in await qs.annotate(
                total=Sum("value"), people=Count("employee_id", distinct=True)
            )
            .group_by("period", "employee__unit__path")
            .values("period", "employee__unit__path", "total", "people")
        }

    return _Data(
        means=means,
        completed=completed,
        treated_trend=await trend(records.filter(employee_id__in=treated_ids)),
        control_trend=await trend(records.exclude(employee_id__in=trained_by_post_end)),
        excluded=excluded,
    )


def _bounds(params: ReportParams) -> tuple[datetime, datetime, datetime]:
    """End of the pre period, start and end of the post period, as instants."""
    return (
        _start_of(next_period(params.pre_to)),
        _start_of(params.post_from),
        _start_of(next_period(params.post_to)),
    )


def _assemble(
    ctx: _Context, data: _Data, unit: OrgUnit | None, prefix: str, pool: _Pool | None = None
) -> EffectReport:
    """The report for the employees under `prefix`, from the fetched rows (no queries)."""
    params = ctx.params
    pre_end, post_start, post_end = _bounds(params)
    treated: dict[int, tuple[float, float]] = {}
    control: dict[int, tuple[float, float]] = {}
    participants_post: list[float] = []
    others_post: list[float] = []
    population = trained_before = trained_after = 0
    pre_means: dict[int, float] = {}
    for employee_id, m in _under(data.means_index, prefix):
        population += 1
        if m.pre is not None:
            pre_means[employee_id] = m.pre
        done = data.completed.get(employee_id)
        if done is not None and done < pre_end:
            trained_before += 1
        if done is not None and done < post_start:
            trained_after += 1
        if m.post is not None:
            if done is not None and done < post_start:
                participants_post.append(m.post)
            elif done is None or done >= post_end:
                others_post.append(m.post)
        if m.pre is None or m.post is None:
            continue
        if done is not None and pre_end <= done < post_start:
            treated[employee_id] = (m.pre, m.post)
        elif done is None or done >= post_end:
            control[employee_id] = (m.pre, m.post)
        # completed before or during a period: in neither group
    own_pool = _Pool(control=control, others_post=others_post, prefix=prefix)
    if pool is not None:
        control, others_post = pool.control, pool.others_post
    control_prefix = pool.prefix if pool is not None else prefix

    def line(
        rows: _PathIndex[tuple[date, float, int]], under: str
    ) -> dict[date, tuple[float, int]]:
        sums: dict[date, tuple[float, int]] = {}
        for period, total, people in _under(rows, under):
            t, n = sums.get(period, (0.0, 0))
            sums[period] = (t + total, n + people)
        return sums

    treated_line = line(data.treated_index, prefix)
    control_line = line(data.control_index, control_prefix)
    trend = []
    for period in ctx.periods:
        t_sum, t_n = treated_line.get(period, (0.0, 0))
        c_sum, c_n = control_line.get(period, (0.0, 0))
        trend.append(
            TrendPoint(period, t_sum / t_n if t_n else None, c_sum / c_n if c_n else None, t_n, c_n)
        )
    did_result = stats.did(list(treated.values()), list(control.values()), params.min_group)
    cost = (ctx.cost_each * len(treated)).quantize(Decimal("0.01"))
    roi_result = stats.roi(
        effect=did_result.effect,
        effect_low=did_result.interval.low if did_result.interval else None,
        conclusive=did_result.conclusive and ctx.value is not None,
        participants=len(treated),
        horizon_periods=params.horizon_periods,
        value_per_unit=ctx.value or Decimal(0),
        cost=cost,
    )
    events = [
        e for e in ctx.events if e.unit.path.startswith(prefix) or prefix.startswith(e.unit.path)
    ]
    return EffectReport(
        params=params,
        unit=unit,
        course=ctx.course,
        kpi=ctx.kpi,
        population=population,
        participation_before=_percent(trained_before, population),
        participation_after=_percent(trained_after, population),
        comparison=stats.compare(participants_post, others_post, params.min_group),
        did=did_result,
        roi=roi_result,
        value_per_unit=ctx.value,
        trend=trend,
        events=events,
        excluded_rows=sum(n for path, n in data.excluded.items() if path.startswith(prefix)),
        comparison_pool="parent" if pool is not None else "unit",
        _pool=own_pool,
        _pre_means=pre_means,
    )


async def cost_per_participant(course: Course) -> Decimal:
    """The course's fully loaded cost per participant (0 while nobody took it)."""
    cost = await costs.course_cost(course)
    if not cost.participants:
        return Decimal(0)
    return cost.fully_loaded / cost.participants


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


# --- root cause and the pay evidence beside the report -------------------------------------------------


@dataclass(frozen=True)
class CompetencyCorrelation:
    competency_id: int
    correlation: stats.Correlation


async def competency_correlations(
    viewer: Viewer, result: EffectReport
) -> list[CompetencyCorrelation]:
    """Pearson's r between each competency's score and the employee's KPI level (their mean over
    the pre period), over the report's employees whose scores the viewer may read; strongest
    first. A correlation is a lead for the root cause, not proof of one."""
    ids = sorted(result._pre_means)
    if not ids:
        return []
    employees = await skills_service.assessable_people(viewer, ids)
    competency_ids = [c.id for c in await Competency.all().order_by("code")]
    scores = await result._scores.scores_for(employees, competency_ids)
    found = []
    for cid in competency_ids:
        pairs = [
            (float(score), result._pre_means[e.id])
            for e in employees
            if (score := scores[(e.id, cid)].score) is not None
        ]
        found.append(
            CompetencyCorrelation(
                cid,
                stats.correlation([x for x, _ in pairs], [y for _, y in pairs]),
            )
        )
    found.sort(key=lambda c: (c.correlation.r is None, -abs(c.correlation.r or 0), c.competency_id))
    return found


async def pay_evidence(viewer: Viewer, result: EffectReport) -> list[PaySuspension]:
    """Suspended performance pay in the report's unit (or above it), those whose restore
    condition is on the report's KPI first: the evidence the boss weighs beside the effect."""
    suspensions = await pay.list_suspensions(viewer)
    paths = dict(
        await OrgUnit.filter(id__in=[s.unit_id for s in suspensions]).values_list("id", "path")
    )
    unit_path = result.unit.path if result.unit else ""
    chosen = [
        s
        for s in suspensions
        if str(paths.get(s.unit_id, "")).startswith(unit_path)
        or unit_path.startswith(str(paths.get(s.unit_id, "\0")))
    ]
    chosen.sort(key=lambda s: (s.condition_kpi_id != result.kpi.id, s.id))
    return chosen


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
    values: dict[str, Any] = {
        "unit_id": unit.id,
        "kind": kind,
        "title": title.strip(),
        "description": description.strip(),
        "period_from": period_from,
        "period_to": period_to,
    }
    async with in_transaction():
        event = await ExternalEvent.create(**values, created_by_id=viewer.user_id)
        await audit.record_created(viewer, "ExternalEvent", event.id, values)
    return event


async def get_event(viewer: Viewer, event_id: int) -> ExternalEvent | None:
    event = await ExternalEvent.get_or_none(id=event_id).select_related("unit")
    if event is None or not viewer.is_authenticated or not viewer.can_see_unit(event.unit.path):
        return None
    return event


def may_read_valuations(viewer: Viewer) -> bool:
    return may_read_reports(viewer) and viewer.holds(Role.HQ_HR, Role.BRANCH_HR, Role.EXECUTIVE)


async def delete_event(viewer: Viewer, event_id: int) -> None:
    event = await get_event(viewer, event_id)
    if event is None:
        raise not_found("Event", "id")
    if not viewer.can_manage_employees_in(event.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR of the unit removes its events.", "id")
    async with in_transaction():
        await audit.record_deleted(
            viewer,
            "ExternalEvent",
            event.id,
            {
                "unit_id": event.unit_id,
                "kind": event.kind,
                "title": event.title,
                "period_from": event.period_from,
                "period_to": event.period_to,
            },
        )
        await event.delete()


async def set_valuation(
    viewer: Viewer, *, kpi_id: int, value_per_unit: Decimal, note: str
) -> KpiValuation:
    """What one unit of a KPI is worth: company pay and finance policy, so HQ HR's."""
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HQ HR sets KPI values.")
    if value_per_unit < 0:
        raise ServiceError.one(ErrorCode.INVALID, "A value cannot be negative.", "valuePerUnit")
    if not await Kpi.filter(id=kpi_id).exists():
        raise not_found("KPI", "kpiId")
    valuation, _ = await KpiValuation.update_or_create(
        kpi_id=kpi_id, defaults={"value_per_unit": value_per_unit, "note": note.strip()}
    )
    return valuation
