"""GraphQL types for the capability module.

No type here carries who gave a rating: a round shows group counts and group
means (hidden below the minimum), and a rater's task is visible to the rater alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.graphql.context import Info
from talentloop.graphql.ids import pk_of, to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import employee_node, unit_node
from talentloop.skills import mentors, scoring, service
from talentloop.skills.models import (
    AssessmentRound,
    AttemptStatus,
    CategoryKind,
    Competency,
    CompetencyCategory,
    Question,
    QuestionKind,
    RaterAssignment,
    RaterRelation,
    RoundStatus,
    SkillTest,
    Source,
    TestAttempt,
)

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode
    from talentloop.performance.types import AssessmentRequestNode

for enum, name, description in [
    (CategoryKind, "CompetencyCategoryKind", "General or industry-specific."),
    (RaterRelation, "RaterRelation", "How a rater relates to the person rated."),
    (Source, "ScoreSource", "Where part of a competency score comes from."),
    (RoundStatus, "AssessmentRoundStatus", "Open for ratings, or closed."),
    (QuestionKind, "QuestionKind", "One right option, or several."),
    (AttemptStatus, "TestAttemptStatus", "In progress, or submitted and scored."),
]:
    strawberry.enum(enum, name=name, description=description)

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]
AssessmentRequestRef = Annotated[
    "AssessmentRequestNode", strawberry.lazy("talentloop.performance.types")
]


async def _competency(info: Info, competency_id: int) -> CompetencyNode | None:
    found = await info.context.loader("competency", _competencies_by_id).load(competency_id)
    return CompetencyNode(_model=found) if found else None


def _competencies_by_id(
    _viewer: object,
) -> Callable[[list[int]], Awaitable[list[Competency | None]]]:
    """The framework is not personal data: no scope needed."""

    async def load(ids: list[int]) -> list[Competency | None]:
        found = {c.id: c for c in await Competency.filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return load


@strawberry.type(description="What one proficiency level means.")
class LevelDescription:
    level: int = strawberry.field(description="1 to 5.")
    description: str = strawberry.field(description="What a person at this level can do.")


@strawberry.type(description="The level a position needs, company-wide or within one unit.")
class RequiredLevelInfo:
    position_id: strawberry.ID = strawberry.field(description="The position.")
    position_title: str = strawberry.field(description="Its title.")
    unit_id: strawberry.ID | None = strawberry.field(
        description="Only within this unit; null for company-wide."
    )
    unit_name: str | None = strawberry.field(description="The unit's name.")
    level: int = strawberry.field(description="1 to 5.")


@strawberry.type(name="CompetencyCategory", description="A group of competencies.")
class CompetencyCategoryNode(Node):
    _model: strawberry.Private[CompetencyCategory]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CompetencyCategory", self._model.id))

    @strawberry.field(description="Code.")
    def code(self) -> str:
        return self._model.code

    @strawberry.field(description="Name, e.g. 销售能力.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="General or industry-specific.")
    def kind(self) -> CategoryKind:
        return self._model.kind


@strawberry.type(name="Competency", description="A capability with a 1–5 proficiency scale.")
class CompetencyNode(Node):
    _model: strawberry.Private[Competency]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Competency", self._model.id))

    @strawberry.field(description="Code, e.g. PRODUCT_KNOWLEDGE.")
    def code(self) -> str:
        return self._model.code

    @strawberry.field(description="Name, e.g. 产品知识.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="What it covers.")
    def description(self) -> str:
        return self._model.description

    @strawberry.field(description="Its category.")
    async def category(self) -> CompetencyCategoryNode:
        return CompetencyCategoryNode(
            _model=await CompetencyCategory.get(id=self._model.category_id)
        )

    @strawberry.field(
        description="The levels positions need on it: company-wide, and in the units the viewer sees."
    )
    async def required_levels(self, info: Info) -> list[RequiredLevelInfo]:
        from talentloop.skills.models import RequiredLevel

        viewer = info.context.viewer
        rows = [
            r
            for r in await RequiredLevel.filter(competency_id=self._model.id).select_related(
                "position", "unit"
            )
            # A unit's own level names the unit: shown only where the unit is visible.
            if r.unit is None or viewer.can_see_unit(r.unit.path)
        ]
        return [
            RequiredLevelInfo(
                position_title=r.position.title,
                position_id=strawberry.ID(to_global_id("Position", r.position_id)),
                unit_name=r.unit.name if r.unit else None,
                unit_id=strawberry.ID(to_global_id("OrgUnit", r.unit_id)) if r.unit_id else None,
                level=r.level,
            )
            for r in sorted(rows, key=lambda r: (r.position.code, r.unit_id or 0))
        ]

    @strawberry.field(description="The five levels, described.")
    def levels(self) -> list[LevelDescription]:
        return [
            LevelDescription(level=int(k), description=v)
            for k, v in sorted(self._model.levels.items())
        ]


@strawberry.type(description="One source's part in a score.")
class ScoreSourceResult:
    source: Source = strawberry.field(description="Manager, test, peers, subordinates or self.")
    mean: Decimal | None = strawberry.field(description="Its level; null when hidden or absent.")
    count: int = strawberry.field(description="Ratings behind it (1 for a test).")
    shown: bool = strawberry.field(description="False when too few anonymous raters answered.")
    weight: Decimal = strawberry.field(description="Its weight before renormalising.")
    min_raters: int = strawberry.field(
        description="Answers needed before an anonymous group shows."
    )


@strawberry.type(description="An employee's score on one competency, with its sources and gap.")
class CompetencyScoreInfo:
    _score: strawberry.Private[scoring.CompetencyScore]

    @strawberry.field(description="The competency.")
    async def competency(self, info: Info) -> CompetencyNode | None:
        return await _competency(info, self._score.competency_id)

    @strawberry.field(
        description="The score used: the calibration when there is one, else the weighted score."
    )
    def score(self) -> Decimal | None:
        return self._score.score

    @strawberry.field(description="The weighted score of the sources.")
    def weighted(self) -> Decimal | None:
        return self._score.weighted

    @strawberry.field(description="HR's calibrated level, when set.")
    def calibrated(self) -> Decimal | None:
        return self._score.calibrated

    @strawberry.field(description="The level the position needs.")
    def required(self) -> int | None:
        return self._score.required

    @strawberry.field(description="required − score; positive means a gap to close.")
    def gap(self) -> Decimal | None:
        return self._score.gap

    @strawberry.field(description="Each source's part.")
    def sources(self) -> list[ScoreSourceResult]:
        return [
            ScoreSourceResult(
                source=r.source,
                mean=r.mean,
                count=r.count,
                shown=r.shown,
                weight=r.weight,
                min_raters=r.min_raters,
            )
            for r in self._score.sources
        ]


@strawberry.type(description="One employee's row of a heat map.")
class HeatMapRow:
    _employee_id: strawberry.Private[int]
    scores: list[CompetencyScoreInfo] = strawberry.field(description="One per competency column.")

    @strawberry.field(description="The employee.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._employee_id)


@strawberry.type(description="A colleague strong in a competency a team lacks, who could mentor.")
class MentorSuggestion:
    _mentor: strawberry.Private[mentors.Mentor]

    @strawberry.field(description="Their score in the competency (1–5).")
    def level(self) -> Decimal:
        return self._mentor.level

    @strawberry.field(description="The colleague.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._mentor.employee_id)

    @strawberry.field(description="Their unit.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._mentor.unit_id)


@strawberry.type(description="A unit's employees × competencies, with the unit's averages.")
class CompetencyHeatMap:
    _unit_id: strawberry.Private[int]
    _competency_ids: strawberry.Private[list[int]]
    rows: list[HeatMapRow] = strawberry.field(
        description="One row per employee the viewer may assess."
    )
    average_scores: list[Decimal | None] = strawberry.field(description="Unit mean per column.")
    average_gaps: list[Decimal | None] = strawberry.field(description="Unit mean gap per column.")

    @strawberry.field(description="The columns.")
    async def competencies(self, info: Info) -> list[CompetencyNode]:
        found = [await _competency(info, c) for c in self._competency_ids]
        return [c for c in found if c is not None]

    @strawberry.field(
        description=(
            "Colleagues to mentor the unit's people short of the competency: current employees "
            "of the unit's branch the viewer reads at work, at or above the highest level those "
            "people need and not short of their own, strongest first."
        )
    )
    async def mentors(
        self, info: Info, competency_id: strawberry.ID, first: int = 5
    ) -> list[MentorSuggestion]:
        found = await mentors.mentor_suggestions(
            info.context.viewer, self._unit_id, pk_of(competency_id, "Competency") or -1, first
        )
        return [MentorSuggestion(_mentor=m) for m in found or []]


@strawberry.type(description="One competency in the under-performer analysis.")
class UnderPerformerShareRow:
    _competency_id: strawberry.Private[int]
    below_team_average: int = strawberry.field(
        description="Under-performers below their team's mean."
    )
    with_score: int = strawberry.field(description="Under-performers with a score on it.")
    share: Decimal | None = strawberry.field(description="Percent: below / with score.")

    @strawberry.field(description="The competency.")
    async def competency(self, info: Info) -> CompetencyNode | None:
        return await _competency(info, self._competency_id)


@strawberry.type(
    description="Of those below target on a KPI, who scores below their team's average, by competency."
)
class UnderPerformerAnalysisInfo:
    under_performers: int = strawberry.field(description="Employees below 100 % of target.")
    rows: list[UnderPerformerShareRow] = strawberry.field(
        description="Ranked, largest share first."
    )


@strawberry.type(description="How many of a rater group were asked and have answered.")
class RaterGroupCount:
    relation: RaterRelation = strawberry.field(description="Self, manager, peers or subordinates.")
    invited: int = strawberry.field(description="Asked.")
    submitted: int | None = strawberry.field(
        description="Answered; null while the round is open (see AssessmentRound.progress)."
    )


@strawberry.type(description="Raters asked and answered over a whole round, every group together.")
class RoundProgressInfo:
    invited: int = strawberry.field(description="Raters asked.")
    submitted: int = strawberry.field(description="Raters who have answered.")


@strawberry.type(description="A group's mean on one competency (hidden below the minimum).")
class RoundGroupResult:
    _competency_id: strawberry.Private[int]
    relation: RaterRelation = strawberry.field(description="The group.")
    mean: Decimal | None = strawberry.field(description="Null when too few answered.")
    count: int = strawberry.field(description="Answers.")
    shown: bool = strawberry.field(description="Whether the mean is shown.")

    @strawberry.field(description="The competency.")
    async def competency(self, info: Info) -> CompetencyNode | None:
        return await _competency(info, self._competency_id)


@strawberry.type(name="AssessmentRound", description="A 360° assessment of one employee.")
class AssessmentRoundNode(Node):
    _model: strawberry.Private[AssessmentRound]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AssessmentRound", self._model.id))

    @strawberry.field(description="Who is assessed.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="Ratings are due by this day.")
    def deadline(self) -> date:
        return self._model.deadline

    @strawberry.field(description="Open or closed.")
    def status(self) -> RoundStatus:
        return self._model.status

    @strawberry.field(description="Fewest answers before an anonymous group's mean is shown.")
    def min_raters(self) -> int:
        return scoring.anonymity_floor(self._model.min_raters)

    @strawberry.field(description="The competencies rated.")
    async def competencies(self, info: Info) -> list[CompetencyNode]:
        found = [await _competency(info, c) for c in self._model.competency_ids]
        return [c for c in found if c is not None]

    @strawberry.field(
        description="Raters asked per group, and answered once the round is closed; never who."
    )
    async def groups(self) -> list[RaterGroupCount]:
        return [
            RaterGroupCount(relation=g.relation, invited=g.invited, submitted=g.submitted)
            for g in await service.group_counts(self._model)
        ]

    @strawberry.field(description="Raters asked and answered in total (never per group).")
    async def progress(self) -> RoundProgressInfo:
        p = await service.round_progress(self._model.id)
        return RoundProgressInfo(invited=p.invited, submitted=p.submitted)

    @strawberry.field(
        description="Group means per competency, once the round is closed (empty while open)."
    )
    async def results(self) -> list[RoundGroupResult]:
        return [
            RoundGroupResult(
                _competency_id=r.competency_id,
                relation=r.relation,
                mean=r.mean,
                count=r.count,
                shown=r.shown,
            )
            for r in await service.round_results(self._model)
        ]

    @strawberry.field(description="The assessment request this round answers, if any.")
    async def request(self, info: Info) -> AssessmentRequestRef | None:
        from talentloop.performance import triggers
        from talentloop.performance.types import AssessmentRequestNode

        if self._model.request_id is None:
            return None
        found = (
            await triggers.visible_requests(info.context.viewer)
            .filter(id=self._model.request_id)
            .first()
        )
        return AssessmentRequestNode(_model=found) if found else None

    @strawberry.field(description="When it was started.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="When it was closed.")
    def closed_at(self) -> datetime | None:
        return self._model.closed_at


@strawberry.type(description="A rating the viewer gave.")
class MyRating:
    competency_id: strawberry.ID = strawberry.field(description="The competency.")
    level: int = strawberry.field(description="1 to 5.")
    comment: str = strawberry.field(description="The comment.")


@strawberry.type(
    name="RaterTask", description="A rating asked of the viewer (visible to the rater alone)."
)
class RaterTaskNode(Node):
    _model: strawberry.Private[RaterAssignment]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("RaterTask", self._model.id))

    @strawberry.field(description="The name of the person to rate.")
    def subject_name(self) -> str:
        return self._model.round.employee.name

    @strawberry.field(description="Their position's title.")
    def subject_position(self) -> str | None:
        position = self._model.round.employee.position
        return position.title if position else None

    @strawberry.field(description="Their unit's name.")
    def subject_unit(self) -> str:
        return self._model.round.employee.unit.name

    @strawberry.field(description="How the viewer relates to them.")
    def relation(self) -> RaterRelation:
        return self._model.relation

    @strawberry.field(description="The round's title.")
    def title(self) -> str:
        return self._model.round.title

    @strawberry.field(description="Due by this day.")
    def deadline(self) -> date:
        return self._model.round.deadline

    @strawberry.field(description="Days until the deadline (negative when overdue).")
    def days_left(self) -> int:
        return (self._model.round.deadline - date.today()).days

    @strawberry.field(description="Whether the round still takes ratings.")
    def round_status(self) -> RoundStatus:
        return self._model.round.status

    @strawberry.field(description="Answers needed before an anonymous group's mean is shown.")
    def min_raters(self) -> int:
        return scoring.anonymity_floor(self._model.round.min_raters)

    @strawberry.field(description="When the viewer submitted, if they have.")
    def submitted_at(self) -> datetime | None:
        return self._model.submitted_at

    @strawberry.field(description="Whether the ratings stay anonymous to everyone.")
    def anonymous(self) -> bool:
        return self._model.relation in scoring.ANONYMOUS

    @strawberry.field(description="What to rate.")
    async def competencies(self, info: Info) -> list[CompetencyNode]:
        found = [await _competency(info, c) for c in self._model.round.competency_ids]
        return [c for c in found if c is not None]

    @strawberry.field(description="The viewer's own ratings, once submitted.")
    async def my_ratings(self) -> list[MyRating]:
        return [
            MyRating(
                competency_id=strawberry.ID(to_global_id("Competency", r.competency_id)),
                level=r.level,
                comment=r.comment,
            )
            for r in await service.my_ratings(self._model)
        ]


@strawberry.type(description="An option of a question.")
class QuestionOption:
    key: str = strawberry.field(description="A, B, C…")
    text: str = strawberry.field(description="The option.")


@strawberry.type(
    name="TestQuestion", description="A question as the person taking the test sees it."
)
class TestQuestionInfo:
    _model: strawberry.Private[Question]

    @strawberry.field(description="The question's ID, for the answers.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Question", self._model.id))

    @strawberry.field(description="The question.")
    def text(self) -> str:
        return self._model.text

    @strawberry.field(description="One or several right options.")
    def kind(self) -> QuestionKind:
        return self._model.kind

    @strawberry.field(description="The options (the right ones are not marked).")
    def options(self) -> list[QuestionOption]:
        return [QuestionOption(key=o["key"], text=o["text"]) for o in self._model.options]

    @strawberry.field(description="Points.")
    def points(self) -> int:
        return self._model.points


@strawberry.type(
    name="SkillTest", description="A test on one competency; its score maps to a level."
)
class SkillTestNode(Node):
    _model: strawberry.Private[SkillTest]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("SkillTest", self._model.id))

    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="The competency it measures.")
    async def competency(self, info: Info) -> CompetencyNode | None:
        return await _competency(info, self._model.competency_id)

    @strawberry.field(description="Time allowed.")
    def time_limit_minutes(self) -> int:
        return self._model.time_limit_minutes

    @strawberry.field(description='Lowest percent for each level, as {"1": 0, "2": 40, …}.')
    def level_thresholds(self) -> list[LevelThreshold]:
        return [
            LevelThreshold(level=int(k), min_percent=Decimal(str(v)))
            for k, v in sorted(self._model.level_thresholds.items(), key=lambda kv: int(kv[0]))
        ]

    @strawberry.field(description="Questions drawn for each attempt, from a larger pool.")
    def question_count(self) -> int:
        return self._model.question_count

    @strawberry.field(description="Attempts one may start in a period.")
    def max_attempts(self) -> int:
        return self._model.max_attempts

    @strawberry.field(description="The period the attempts are counted over, in days.")
    def attempt_period_days(self) -> int:
        return self._model.attempt_period_days

    @strawberry.field(description="Hours between the starts of two attempts.")
    def cooldown_hours(self) -> int:
        return self._model.cooldown_hours

    @strawberry.field(description="Attempts the viewer has left in the period.")
    async def my_attempts_left(self, info: Info) -> int:
        stands = await _allowance(info, self._model)
        return stands.left if stands else 0

    @strawberry.field(description="When the viewer may start the next attempt (null: now).")
    async def my_next_attempt_at(self, info: Info) -> datetime | None:
        stands = await _allowance(info, self._model)
        return stands.next_at if stands else None

    @strawberry.field(description="The viewer's attempt in progress, if any.")
    async def my_open_attempt(self, info: Info) -> TestAttemptNode | None:
        employee_id = info.context.viewer.employee_id
        if employee_id is None:
            return None
        found = await service.open_attempt(self._model.id, employee_id)
        return TestAttemptNode(_model=found) if found else None

    @strawberry.field(
        description="The viewer's attempt whose level counts for the competency: the latest "
        "submitted one."
    )
    async def counting_attempt(self, info: Info) -> TestAttemptNode | None:
        employee_id = info.context.viewer.employee_id
        if employee_id is None:
            return None
        found = await service.counting_attempt(self._model.id, employee_id)
        return TestAttemptNode(_model=found) if found else None


async def _allowance(info: Info, test: SkillTest) -> service.AttemptAllowance | None:
    employee_id = info.context.viewer.employee_id
    if employee_id is None:
        return None
    return await service.allowance(test, employee_id, datetime.now(UTC))


@strawberry.type(description="The lowest percentage that earns a level.")
class LevelThreshold:
    level: int = strawberry.field(description="1 to 5.")
    min_percent: Decimal = strawberry.field(description="Percent of points.")


@strawberry.type(
    name="TestAttempt",
    description="An attempt of a skill test: in progress with its drawn questions, then "
    "submitted and scored (the total only).",
)
class TestAttemptNode(Node):
    _model: strawberry.Private[TestAttempt]

    def _submitted(self) -> bool:
        return self._model.status is AttemptStatus.SUBMITTED

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("TestAttempt", self._model.id))

    @strawberry.field(description="The test.")
    async def test(self) -> SkillTestNode | None:
        test = await SkillTest.get_or_none(id=self._model.test_id)
        return SkillTestNode(_model=test) if test else None

    @strawberry.field(description="In progress or submitted.")
    def status(self) -> AttemptStatus:
        return self._model.status

    @strawberry.field(description="The questions it drew, without the answers.")
    async def questions(self) -> list[TestQuestionInfo]:
        return [TestQuestionInfo(_model=q) for q in await service.attempt_questions(self._model)]

    @strawberry.field(description="When it was started (null for one from before attempts).")
    def started_at(self) -> datetime | None:
        return self._model.started_at

    @strawberry.field(description="Answers are taken until then (the test's time limit).")
    async def deadline(self) -> datetime | None:
        if self._model.started_at is None:
            return None
        test = await SkillTest.get(id=self._model.test_id)
        return service.deadline_of(self._model, test)

    @strawberry.field(description="Points earned (null until submitted).")
    def score(self) -> int | None:
        return self._model.score if self._submitted() else None

    @strawberry.field(description="Points possible (null until submitted).")
    def max_score(self) -> int | None:
        return self._model.max_score if self._submitted() else None

    @strawberry.field(description="Proficiency level the score maps to (null until submitted).")
    def level(self) -> int | None:
        return self._model.level if self._submitted() else None

    @strawberry.field(description="When it was submitted (null while in progress).")
    def submitted_at(self) -> datetime | None:
        return self._model.submitted_at if self._submitted() else None
