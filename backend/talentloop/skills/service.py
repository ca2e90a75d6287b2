"""Rules of the capability module: the framework, 360° rounds and ratings, skill tests,
calibration, and the gap analyses managers and HR read."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import N_
from talentloop.org import service as org_service
from talentloop.people.models import Employee
from talentloop.people.service import visible_employees
from talentloop.performance import rollup
from talentloop.performance.models import AssessmentRequest, AssessmentRequestStatus, Kpi
from talentloop.skills import scoring
from talentloop.skills.models import (
    AssessmentRound,
    AttemptStatus,
    Calibration,
    CategoryKind,
    Competency,
    CompetencyCategory,
    Question,
    QuestionKind,
    RaterAssignment,
    RaterRelation,
    Rating,
    RequiredLevel,
    RoundStatus,
    SkillTest,
    TestAttempt,
)

LEVELS = range(1, 6)


# --- the framework ------------------------------------------------------------------------------


async def list_competencies(viewer: Viewer) -> list[Competency]:
    if not viewer.is_authenticated:
        return []
    return await Competency.all().order_by("category_id", "code")


async def list_categories(viewer: Viewer) -> list[CompetencyCategory]:
    if not viewer.is_authenticated:
        return []
    return await CompetencyCategory.all()


def _require_hq_hr(viewer: Viewer, what: str) -> None:
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HQ HR edits the competency framework.")


async def create_category(
    viewer: Viewer, *, code: str, name: str, kind: CategoryKind
) -> CompetencyCategory:
    _require_hq_hr(viewer, "the competency framework")
    problems = _code_name_problems(code, name)
    if await CompetencyCategory.filter(code=code.strip()).exists():
        problems.append(FieldError("This code is taken.", ErrorCode.DUPLICATE, "code"))
    if problems:
        raise ServiceError(*problems)
    return await CompetencyCategory.create(code=code.strip(), name=name.strip(), kind=kind)


async def save_competency(
    viewer: Viewer,
    *,
    competency_id: int | None,
    code: str,
    name: str,
    description: str,
    category_id: int,
    levels: dict[int, str],
) -> Competency:
    """Create (no id) or change a competency with a description of each of its five levels."""
    _require_hq_hr(viewer, "the competency framework")
    problems = _code_name_problems(code, name)
    if not await CompetencyCategory.filter(id=category_id).exists():
        problems.append(FieldError("Category not found.", ErrorCode.NOT_FOUND, "categoryId"))
    if sorted(levels) != list(LEVELS) or not all(text.strip() for text in levels.values()):
        problems.append(FieldError("Describe each level from 1 to 5.", ErrorCode.INVALID, "levels"))
    clash = Competency.filter(code=code.strip())
    if competency_id is not None:
        clash = clash.exclude(id=competency_id)
    if await clash.exists():
        problems.append(FieldError("This code is taken.", ErrorCode.DUPLICATE, "code"))
    competency = None
    if competency_id is not None:
        competency = await Competency.get_or_none(id=competency_id)
        if competency is None:
            raise not_found("Competency", "id")
    if problems:
        raise ServiceError(*problems)
    values: dict[str, Any] = {
        "code": code.strip(),
        "name": name.strip(),
        "description": description.strip(),
        "category_id": category_id,
        "levels": {str(k): v.strip() for k, v in sorted(levels.items())},
    }
    if competency is None:
        return await Competency.create(**values)
    await Competency.filter(id=competency.id).update(**values)
    return await Competency.get(id=competency.id)


async def set_required_level(
    viewer: Viewer, *, competency_id: int, position_id: int, level: int, unit_id: int | None
) -> RequiredLevel:
    """Company-wide for a position (HQ HR), or for a position within a unit (HR of that unit)."""
    unit = None
    if unit_id is not None:
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            raise not_found("Unit", "unitId")
    allowed = viewer.can_manage_setting_in(unit.path if unit else None)
    if not allowed:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not set required levels here.")
    from talentloop.people.models import Position

    problems: list[FieldError] = []
    if level not in LEVELS:
        problems.append(FieldError("A level is 1 to 5.", ErrorCode.INVALID, "level"))
    if not await Competency.filter(id=competency_id).exists():
        problems.append(FieldError("Competency not found.", ErrorCode.NOT_FOUND, "competencyId"))
    if not await Position.filter(id=position_id).exists():
        problems.append(FieldError("Position not found.", ErrorCode.NOT_FOUND, "positionId"))
    if problems:
        raise ServiceError(*problems)
    required, created = await RequiredLevel.get_or_create(
        competency_id=competency_id,
        position_id=position_id,
        unit_id=unit_id,
        defaults={"level": level},
    )
    if not created and required.level != level:
        required.level = level
        await required.save(update_fields=["level"])
    return required


def _code_name_problems(code: str, name: str) -> list[FieldError]:
    problems: list[FieldError] = []
    if not code.strip():
        problems.append(FieldError("Code is required.", ErrorCode.REQUIRED, "code"))
    if not name.strip():
        problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
    return problems


# --- who may read scores -----------------------------------------------------------------------


async def assessable_employees(
    viewer: Viewer,
    ids: list[int] | None = None,
    root_path: str | None = None,
    unit_ids: list[int] | None = None,
) -> list[Employee]:
    """Employees whose competency scores the viewer may read: the WORK field group, like KPIs."""
    scope = viewer.employee_filter(FieldGroup.WORK)
    if scope is None:
        return []
    qs = Employee.filter(scope).select_related("unit")
    if ids is not None:
        qs = qs.filter(id__in=ids)
    if root_path is not None:
        qs = qs.filter(unit__path__startswith=root_path)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return await qs.order_by("employee_number")


async def assessable_people(
    viewer: Viewer, ids: list[int] | None = None, unit_ids: list[int] | None = None
) -> list[scoring.Assessed]:
    """The same employees as `assessable_employees`, read as the values scoring needs: for the
    report's whole-company analyses, which would otherwise build thousands of models."""
    scope = viewer.employee_filter(FieldGroup.WORK)
    if scope is None:
        return []
    qs = Employee.filter(scope)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return [
        scoring.Assessed(*row)
        for row in await qs.order_by("employee_number").values_list(
            "id", "unit_id", "position_id", "unit__path"
        )
    ]


async def employee_scores(viewer: Viewer, employee_id: int) -> list[scoring.CompetencyScore] | None:
    employees = await assessable_employees(viewer, [employee_id])
    if not employees:
        return None
    competency_ids = [c.id for c in await Competency.all().order_by("code")]
    scores = await scoring.scores_for(employees, competency_ids)
    return [scores[(employee_id, c)] for c in competency_ids]


@dataclass(frozen=True)
class HeatMap:
    unit_id: int
    employees: list[Employee]
    competency_ids: list[int]
    scores: dict[tuple[int, int], scoring.CompetencyScore]
    unit_average: dict[int, Decimal | None]  # competency → mean score over the unit's employees
    unit_gap: dict[int, Decimal | None]


async def unit_heat_map(
    viewer: Viewer, unit_id: int, competency_ids: list[int] | None
) -> HeatMap | None:
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        return None
    employees = await assessable_employees(viewer, root_path=unit.path)
    ids = competency_ids or [c.id for c in await Competency.all().order_by("code")]
    scores = await scoring.scores_for(employees, ids)
    averages: dict[int, Decimal | None] = {}
    gaps: dict[int, Decimal | None] = {}
    for cid in ids:
        values = [s.score for e in employees if (s := scores[(e.id, cid)]).score is not None]
        averages[cid] = _avg(values)
        gaps[cid] = _avg([s.gap for e in employees if (s := scores[(e.id, cid)]).gap is not None])
    return HeatMap(unit.id, employees, ids, scores, averages, gaps)


def _avg(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(scoring.TWO_PLACES) if values else None


@dataclass(frozen=True)
class UnderPerformerShare:
    competency_id: int
    below_team_average: int  # under-performers scoring below their team's average
    with_score: int  # under-performers with a score on this competency
    share: Decimal | None  # percent


@dataclass(frozen=True)
class UnderPerformerAnalysis:
    under_performers: int
    rows: list[UnderPerformerShare]  # ranked, largest share first


async def under_performers_below_team_average(
    viewer: Viewer,
    *,
    kpi_id: int,
    period: date,
    unit_id: int | None,
    scores: scoring.ScoreCache | None = None,
) -> UnderPerformerAnalysis | None:
    """Of the employees below target on KPI K in period P, the share whose score on each
    competency is below their team's average (the team: everyone in their unit the viewer sees)."""
    kpi = await Kpi.get_or_none(id=kpi_id)
    if kpi is None or not viewer.grants:
        return None
    root = None
    if unit_id is not None:
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            return None
        root = unit.path
    rows = await rollup.member_values(viewer, kpi, [period], root_path=root)
    under = {
        r.employee_id
        for r in rows
        if (a := rollup.achievement(kpi, r.actual, r.target)) is not None and a < 100
    }
    if not under:
        return UnderPerformerAnalysis(0, [])
    under_employees = await assessable_people(viewer, sorted(under))
    team_units = sorted({e.unit_id for e in under_employees})
    team = await assessable_people(viewer, unit_ids=team_units)
    competency_ids = [c.id for c in await Competency.all().order_by("code")]
    scores_of = scores.scores_for if scores is not None else scoring.scores_for
    found = await scores_of(team, competency_ids)
    result: list[UnderPerformerShare] = []
    for cid in competency_ids:
        by_unit: dict[int, list[Decimal]] = defaultdict(list)
        for e in team:
            if (s := found[(e.id, cid)].score) is not None:
                by_unit[e.unit_id].append(s)
        team_avg = {u: sum(v, Decimal(0)) / len(v) for u, v in by_unit.items()}
        scored = [e for e in under_employees if found[(e.id, cid)].score is not None]
        below = [e for e in scored if (found[(e.id, cid)].score or 0) < team_avg[e.unit_id]]
        share = (
            (Decimal(len(below)) * 100 / len(scored)).quantize(Decimal("0.1")) if scored else None
        )
        result.append(UnderPerformerShare(cid, len(below), len(scored), share))
    result.sort(key=lambda r: (r.share is None, -(r.share or 0), r.competency_id))
    return UnderPerformerAnalysis(len(under), result)


# --- 360° rounds ---------------------------------------------------------------------------------


@dataclass
class RoundInput:
    employee_id: int
    title: str
    deadline: date
    competency_ids: list[int]
    peer_ids: list[int]
    subordinate_ids: list[int]
    include_self: bool = True
    include_manager: bool = True
    min_raters: int = 3
    request_id: int | None = None


async def create_round(viewer: Viewer, data: RoundInput) -> AssessmentRound:
    """HR in scope, or the employee's manager, starts a round; raters get it on their to-do list."""
    subject = await visible_employees(viewer).filter(id=data.employee_id).first()
    if subject is None:
        raise not_found("Employee", "employeeId")
    if not viewer.can_direct_in(subject.unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not assess this employee.", "employeeId"
        )
    viewer.refuse_self(subject.id)  # who rates them is the starter's choice
    problems: list[FieldError] = []
    if not data.title.strip():
        problems.append(FieldError("Title is required.", ErrorCode.REQUIRED, "title"))
    if data.deadline < date.today():
        problems.append(FieldError("The deadline has passed.", ErrorCode.INVALID, "deadline"))
    if not scoring.MIN_ANONYMOUS_RATERS <= data.min_raters <= 10:
        problems.append(
            FieldError(
                "Between {minimum} and 10 raters: fewer would not be anonymous.",
                ErrorCode.INVALID,
                "minRaters",
                minimum=scoring.MIN_ANONYMOUS_RATERS,
            )
        )
    known = set(await Competency.filter(id__in=data.competency_ids).values_list("id", flat=True))
    if not data.competency_ids or known != set(data.competency_ids):
        problems.append(
            FieldError("Choose existing competencies.", ErrorCode.INVALID, "competencyIds")
        )
    raters: list[tuple[int, RaterRelation]] = []
    if data.include_self:
        raters.append((subject.id, RaterRelation.SELF))
    if data.include_manager:
        if subject.manager_id is None:
            problems.append(
                FieldError("The employee has no manager.", ErrorCode.INVALID, "includeManager")
            )
        else:
            raters.append((subject.manager_id, RaterRelation.MANAGER))
    raters += [(i, RaterRelation.PEER) for i in data.peer_ids]
    raters += [(i, RaterRelation.SUBORDINATE) for i in data.subordinate_ids]
    ids = [r for r, _ in raters]
    if len(ids) != len(set(ids)):
        problems.append(FieldError("Each rater takes one part only.", ErrorCode.INVALID, "peerIds"))
    chosen = set(data.peer_ids) | set(data.subordinate_ids)
    found = set(
        await visible_employees(viewer).filter(id__in=sorted(chosen)).values_list("id", flat=True)
    )
    for name, ids_given in (("peerIds", data.peer_ids), ("subordinateIds", data.subordinate_ids)):
        if set(ids_given) - found:
            problems.append(FieldError("Rater not found.", ErrorCode.NOT_FOUND, name))
    if subject.id in chosen:
        problems.append(
            FieldError("The employee rates themselves as self.", ErrorCode.INVALID, "peerIds")
        )
    request = None
    if data.request_id is not None:
        request = await AssessmentRequest.get_or_none(id=data.request_id, employee_id=subject.id)
        if request is None:
            problems.append(
                FieldError("Assessment request not found.", ErrorCode.NOT_FOUND, "requestId")
            )
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        round_ = await AssessmentRound.create(
            employee_id=subject.id,
            title=data.title.strip(),
            deadline=data.deadline,
            min_raters=data.min_raters,
            competency_ids=sorted(set(data.competency_ids)),
            request_id=request.id if request else None,
            created_by_id=viewer.user_id,
        )
        await RaterAssignment.bulk_create(
            [RaterAssignment(round_id=round_.id, rater_id=r, relation=rel) for r, rel in raters]
        )
        if request is not None:
            request.status = AssessmentRequestStatus.IN_PROGRESS
            await request.save(update_fields=["status"])
    return round_


def visible_rounds(viewer: Viewer) -> QuerySet[AssessmentRound]:
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return AssessmentRound.filter(id__in=[])
    return AssessmentRound.filter(scope)


async def get_round(viewer: Viewer, round_id: int) -> AssessmentRound | None:
    return await visible_rounds(viewer).filter(id=round_id).first()


async def close_round(viewer: Viewer, round_id: int) -> AssessmentRound:
    round_ = await get_round(viewer, round_id)
    if round_ is None:
        raise not_found("Round", "id")
    await round_.fetch_related("employee__unit")
    if not viewer.can_direct_in(round_.employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not close this round.", "id")
    if round_.status is RoundStatus.CLOSED:
        raise ServiceError.one(ErrorCode.CONFLICT, "The round is closed already.", "id")
    async with in_transaction():
        round_.status, round_.closed_at = RoundStatus.CLOSED, datetime.now(UTC)
        await round_.save(update_fields=["status", "closed_at"])
        if round_.request_id is not None:
            await AssessmentRequest.filter(id=round_.request_id).update(
                status=AssessmentRequestStatus.DONE
            )
    return round_


@dataclass(frozen=True)
class GroupCount:
    relation: RaterRelation
    invited: int
    submitted: int | None  # None while the round is open


async def group_counts(round_: AssessmentRound) -> list[GroupCount]:
    """How many of each group were asked and, once the round is closed, answered: the only
    thing shown about raters. While it is open a group's answers are not counted out: with
    the count ticking up one by one, whoever reads it learns when each rater answered."""
    counts: dict[RaterRelation, list[int]] = defaultdict(lambda: [0, 0])
    for relation, submitted in await RaterAssignment.filter(round_id=round_.id).values_list(
        "relation", "submitted_at"
    ):
        counts[RaterRelation(relation)][0] += 1
        counts[RaterRelation(relation)][1] += submitted is not None
    closed = round_.status is RoundStatus.CLOSED
    return [
        GroupCount(rel, counts[rel][0], counts[rel][1] if closed else None)
        for rel in RaterRelation
        if rel in counts
    ]


@dataclass(frozen=True)
class RoundProgress:
    invited: int
    submitted: int


async def round_progress(round_id: int) -> RoundProgress:
    """Raters asked and answered over the whole round, every group together: progress to
    chase while it is open, which tells nobody whose answer came in (no group's count does)."""
    rows = await RaterAssignment.filter(round_id=round_id).values_list("submitted_at", flat=True)
    return RoundProgress(len(rows), sum(1 for at in rows if at is not None))


@dataclass(frozen=True)
class GroupResult:
    competency_id: int
    relation: RaterRelation
    mean: Decimal | None
    count: int
    shown: bool


async def round_results(round_: AssessmentRound) -> list[GroupResult]:
    """Per competency and group: the mean, or nothing when an anonymous group has too few ratings.

    Nothing at all while the round is open: a running mean and count read after each answer
    give every answer away by differencing (3.00 after three, 2.50 after four: the fourth
    was 1), so results exist from the close on, fixed."""
    if round_.status is not RoundStatus.CLOSED:
        return []
    levels: dict[tuple[int, RaterRelation], list[int]] = defaultdict(list)
    for competency_id, relation, level in await Rating.filter(
        assignment__round_id=round_.id, assignment__submitted_at__not_isnull=True
    ).values_list("competency_id", "assignment__relation", "level"):
        levels[(competency_id, RaterRelation(relation))].append(level)
    results = []
    for (competency_id, relation), values in sorted(
        levels.items(), key=lambda kv: (kv[0][0], list(RaterRelation).index(kv[0][1]))
    ):
        shown = relation not in scoring.ANONYMOUS or len(values) >= scoring.anonymity_floor(
            round_.min_raters
        )
        results.append(
            GroupResult(
                competency_id,
                relation,
                scoring._mean(values) if shown else None,
                len(values),
                shown,
            )
        )
    return results


# --- a rater's tasks ------------------------------------------------------------------------------


async def my_tasks(viewer: Viewer, include_done: bool = False) -> list[RaterAssignment]:
    if viewer.employee_id is None:
        return []
    qs = RaterAssignment.filter(rater_id=viewer.employee_id, round__status=RoundStatus.OPEN)
    if not include_done:
        qs = qs.filter(submitted_at__isnull=True)
    return await qs.select_related("round__employee__unit", "round__employee__position").order_by(
        "round__deadline", "id"
    )


async def my_task(viewer: Viewer, assignment_id: int) -> RaterAssignment | None:
    if viewer.employee_id is None:
        return None
    return (
        await RaterAssignment.filter(id=assignment_id, rater_id=viewer.employee_id)
        .select_related("round__employee__unit", "round__employee__position")
        .first()
    )


async def submit_ratings(
    viewer: Viewer, assignment_id: int, ratings: list[tuple[int, int, str]]
) -> RaterAssignment:
    """The rater alone submits, once, a level for every competency of the round."""
    task = await my_task(viewer, assignment_id)
    if task is None:
        raise not_found("Task", "taskId")
    if task.round.status is RoundStatus.CLOSED:
        raise ServiceError.one(ErrorCode.CONFLICT, "The round is closed.", "taskId")
    if task.submitted_at is not None:
        raise ServiceError.one(ErrorCode.CONFLICT, "You have rated already.", "taskId")
    problems: list[FieldError] = []
    given = [cid for cid, _, _ in ratings]
    if sorted(given) != sorted(task.round.competency_ids) or len(set(given)) != len(given):
        problems.append(
            FieldError("Rate every competency of the round once.", ErrorCode.INVALID, "ratings")
        )
    if any(level not in LEVELS for _, level, _ in ratings):
        problems.append(FieldError("A level is 1 to 5.", ErrorCode.INVALID, "ratings"))
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        await Rating.bulk_create(
            [
                Rating(assignment_id=task.id, competency_id=c, level=lv, comment=text.strip())
                for c, lv, text in ratings
            ]
        )
        task.submitted_at = datetime.now(UTC)
        await task.save(update_fields=["submitted_at"])
        await audit.record_ratings_submitted(task.round_id, task.round.employee_id)
    return task


async def my_ratings(task: RaterAssignment) -> list[Rating]:
    return await Rating.filter(assignment_id=task.id).order_by("competency_id")


# --- skill tests ------------------------------------------------------------------------------------


async def list_tests(viewer: Viewer) -> list[SkillTest]:
    if not viewer.is_authenticated:
        return []
    return await SkillTest.filter(is_active=True).order_by("id")


async def get_test(viewer: Viewer, test_id: int) -> SkillTest | None:
    if not viewer.is_authenticated:
        return None
    return await SkillTest.get_or_none(id=test_id, is_active=True)


async def questions_by_id(ids: list[int]) -> list[Question]:
    found = {q.id: q for q in await Question.filter(id__in=ids)}
    return [found[i] for i in ids if i in found]


async def attempt_questions(attempt: TestAttempt) -> list[Question]:
    """The questions an attempt drew, in its order (an attempt from before the draw: none)."""
    return await questions_by_id(attempt.question_ids or [])


def level_for(percent: Decimal, thresholds: dict[str, object]) -> int:
    """The highest level whose threshold the percentage reaches."""
    level = 1
    for key, minimum in sorted(thresholds.items(), key=lambda kv: int(kv[0])):
        if percent >= Decimal(str(minimum)):
            level = int(key)
    return level


# An attempt's answers are taken this long after its time limit (a slow network, a last click).
SUBMIT_GRACE = timedelta(minutes=2)


@dataclass(frozen=True)
class AttemptAllowance:
    """Where the viewer stands with a test: attempts left in the period, and when the next may
    start (None: now)."""

    used: int
    left: int
    next_at: datetime | None


def _started(attempt: TestAttempt) -> datetime:
    return attempt.started_at or attempt.submitted_at


async def allowance(test: SkillTest, employee_id: int, now: datetime) -> AttemptAllowance:
    """Attempts started in the period (`attempt_period_days`) count, submitted or not; the
    next starts `cooldown_hours` after the last one started, and once one of those counted
    leaves the period when none is left."""
    since = now - timedelta(days=test.attempt_period_days)
    recent = sorted(
        (
            a
            for a in await TestAttempt.filter(test_id=test.id, employee_id=employee_id)
            if _started(a) >= since
        ),
        key=_started,
    )
    left = max(0, test.max_attempts - len(recent))
    waits: list[datetime] = []
    if recent:
        waits.append(_started(recent[-1]) + timedelta(hours=test.cooldown_hours))
    if left == 0 and recent:
        oldest_counted = recent[len(recent) - test.max_attempts]
        waits.append(_started(oldest_counted) + timedelta(days=test.attempt_period_days))
    next_at = max(waits) if waits else None
    return AttemptAllowance(len(recent), left, next_at if next_at and next_at > now else None)


async def open_attempt(test_id: int, employee_id: int) -> TestAttempt | None:
    return await TestAttempt.filter(
        test_id=test_id, employee_id=employee_id, status=AttemptStatus.IN_PROGRESS
    ).first()


def deadline_of(attempt: TestAttempt, test: SkillTest) -> datetime:
    return _started(attempt) + timedelta(minutes=test.time_limit_minutes)


async def start_attempt(viewer: Viewer, test_id: int) -> TestAttempt:
    """Start an attempt: `question_count` questions drawn at random from the pool. An attempt
    in progress is handed back (starting again draws nothing new); a new one needs an attempt
    left in the period and the cool-down passed."""
    if viewer.employee_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only employees take tests.")
    test = await get_test(viewer, test_id)
    if test is None:
        raise not_found("Test", "testId")
    pool = list(dict.fromkeys(test.question_ids))
    if test.question_count < 1 or len(pool) <= test.question_count:
        raise ServiceError.one(
            ErrorCode.CONFLICT,
            "This test has no question pool to draw from yet (more questions than one attempt "
            "asks).",
            "testId",
        )
    now = datetime.now(UTC)
    async with in_transaction():
        # one start at a time per person: two at once could not both pass the limits
        await Employee.filter(id=viewer.employee_id).select_for_update().first()
        current = await open_attempt(test.id, viewer.employee_id)
        if current is not None:
            if now <= deadline_of(current, test) + SUBMIT_GRACE:
                return current
            current.status = AttemptStatus.SUBMITTED  # time ran out unsubmitted: scores nothing
            current.submitted_at = deadline_of(current, test)
            await current.save(update_fields=["status", "submitted_at"])
        stands = await allowance(test, viewer.employee_id, now)
        if stands.left == 0 or stands.next_at is not None:
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                N_(
                    "No attempt of this test can start before {when} UTC ({attempts} in "
                    "{days} days, {hours} hours apart)."
                )
                if stands.next_at
                else N_(
                    "No attempt of this test can start ({attempts} in {days} days, "
                    "{hours} hours apart)."
                ),
                "testId",
                when=f"{stands.next_at:%Y-%m-%d %H:%M}" if stands.next_at else "",
                attempts=test.max_attempts,
                days=test.attempt_period_days,
                hours=test.cooldown_hours,
            )
        drawn = secrets.SystemRandom().sample(pool, test.question_count)
        return await TestAttempt.create(
            test_id=test.id,
            employee_id=viewer.employee_id,
            question_ids=drawn,
            status=AttemptStatus.IN_PROGRESS,
            started_at=now,
            submitted_at=now,  # the start, until it is submitted (see the model)
        )


async def submit_attempt(
    viewer: Viewer, test_id: int, answers: dict[int, list[str]]
) -> TestAttempt:
    """Submit the viewer's attempt in progress, once. Every question it drew counts (one left
    unanswered earns nothing), a question earns its points when exactly the right options are
    chosen, and only the total is told: never which questions were right."""
    if viewer.employee_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only employees take tests.")
    test = await get_test(viewer, test_id)
    if test is None:
        raise not_found("Test", "testId")
    attempt = await open_attempt(test.id, viewer.employee_id)
    if attempt is None:
        raise ServiceError.one(ErrorCode.CONFLICT, "Start an attempt of this test first.", "testId")
    now = datetime.now(UTC)
    if now > deadline_of(attempt, test) + SUBMIT_GRACE:
        raise ServiceError.one(ErrorCode.CONFLICT, "The attempt's time is up.", "testId")
    questions = await attempt_questions(attempt)
    if set(answers) - {q.id for q in questions}:
        raise ServiceError.one(
            ErrorCode.INVALID, "Answers to questions this attempt did not draw.", "answers"
        )
    score = max_score = 0
    for question in questions:
        max_score += question.points
        chosen = sorted(set(answers.get(question.id, [])))
        if question.kind is QuestionKind.SINGLE and len(chosen) > 1:
            continue
        if chosen == sorted(question.correct):
            score += question.points
    percent = Decimal(score * 100) / max_score if max_score else Decimal(0)
    written = await TestAttempt.filter(id=attempt.id, status=AttemptStatus.IN_PROGRESS).update(
        answers={str(k): v for k, v in answers.items()},
        score=score,
        max_score=max_score,
        level=level_for(percent, test.level_thresholds),
        status=AttemptStatus.SUBMITTED,
        submitted_at=now,
    )
    if not written:
        raise ServiceError.one(ErrorCode.CONFLICT, "This attempt is submitted already.", "testId")
    return await TestAttempt.get(id=attempt.id)


async def counting_attempt(test_id: int, employee_id: int) -> TestAttempt | None:
    """The attempt whose level counts for the competency: the latest submitted one (what one
    knows now, better or worse than before; `scoring` reads the same)."""
    return (
        await TestAttempt.filter(
            test_id=test_id,
            employee_id=employee_id,
            status=AttemptStatus.SUBMITTED,
            level__not_isnull=True,
        )
        .order_by("-submitted_at", "-id")
        .first()
    )


def visible_attempts(viewer: Viewer) -> QuerySet[TestAttempt]:
    """A test result is capability data, read like the scores it feeds (the WORK group)."""
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return TestAttempt.filter(id__in=[])
    return TestAttempt.filter(scope)


async def my_attempts(viewer: Viewer) -> list[TestAttempt]:
    """The viewer's submitted attempts, newest first (one in progress is the test's)."""
    if viewer.employee_id is None:
        return []
    return await TestAttempt.filter(
        employee_id=viewer.employee_id, status=AttemptStatus.SUBMITTED
    ).order_by("-submitted_at", "-id")


async def untaken_tests(viewer: Viewer) -> int:
    """Active tests (`list_tests`) the viewer has not yet submitted an attempt of."""
    if viewer.employee_id is None:
        return 0
    taken = TestAttempt.filter(
        employee_id=viewer.employee_id, status=AttemptStatus.SUBMITTED
    ).values("test_id")
    return await SkillTest.filter(is_active=True).exclude(id__in=Subquery(taken)).count()


# --- calibration ----------------------------------------------------------------------------------------


async def calibrate(
    viewer: Viewer, *, employee_id: int, competency_id: int, level: Decimal, reason: str
) -> Calibration:
    """HR overrides a score, explicitly and on the record (the previous score is kept)."""
    employees = await assessable_employees(viewer, [employee_id])
    if not employees:
        raise not_found("Employee", "employeeId")
    if not viewer.can_manage_employees_in(employees[0].unit.path) or viewer.user_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR calibrates scores.", "employeeId")
    viewer.refuse_self(employees[0].id)
    problems: list[FieldError] = []
    if not Decimal(1) <= level <= Decimal(5):
        problems.append(FieldError("A level is 1 to 5.", ErrorCode.INVALID, "level"))
    if not reason.strip():
        problems.append(FieldError("Give the reason.", ErrorCode.REQUIRED, "reason"))
    if not await Competency.filter(id=competency_id).exists():
        problems.append(FieldError("Competency not found.", ErrorCode.NOT_FOUND, "competencyId"))
    if problems:
        raise ServiceError(*problems)
    current = (await scoring.scores_for(employees, [competency_id]))[(employee_id, competency_id)]
    return await Calibration.create(
        employee_id=employee_id,
        competency_id=competency_id,
        level=level.quantize(scoring.TWO_PLACES),
        previous_level=current.score,
        reason=reason.strip(),
        calibrated_by_id=viewer.user_id,
    )
