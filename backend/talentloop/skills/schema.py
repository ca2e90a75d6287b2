"""Root query fields and mutations of the capability module."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, connection_of
from talentloop.skills import service
from talentloop.skills.models import (
    AssessmentRound,
    CategoryKind,
    Competency,
    CompetencyCategory,
    RaterAssignment,
    RoundStatus,
    SkillTest,
    TestAttempt,
)
from talentloop.skills.types import (
    AssessmentRoundNode,
    CompetencyCategoryNode,
    CompetencyHeatMap,
    CompetencyNode,
    CompetencyScoreInfo,
    HeatMapRow,
    RaterTaskNode,
    SkillTestNode,
    TestAttemptNode,
    UnderPerformerAnalysisInfo,
    UnderPerformerShareRow,
)


@strawberry.type
class SkillsQuery:
    @strawberry.field(description="The competency categories.")
    async def competency_categories(self, info: Info) -> list[CompetencyCategoryNode]:
        return [
            CompetencyCategoryNode(_model=c)
            for c in await service.list_categories(info.context.viewer)
        ]

    @strawberry.field(description="The competency framework.")
    async def competencies(self, info: Info) -> list[CompetencyNode]:
        return [
            CompetencyNode(_model=c) for c in await service.list_competencies(info.context.viewer)
        ]

    @strawberry.field(
        description=(
            "An employee's score, required level and gap per competency; null when the viewer may "
            "not read the person's scores (or there is no such person), so that a screen can say "
            "“not permitted” rather than “no scores yet”."
        )
    )
    async def employee_competencies(
        self, info: Info, employee_id: strawberry.ID
    ) -> list[CompetencyScoreInfo] | None:
        scores = await service.employee_scores(
            info.context.viewer, pk_of(employee_id, "Employee") or -1
        )
        if scores is None:
            return None
        return [CompetencyScoreInfo(_score=s) for s in scores]

    @strawberry.field(description="A unit's employees × competencies, with the unit's averages.")
    async def competency_heat_map(
        self, info: Info, unit_id: strawberry.ID, competency_ids: list[strawberry.ID] | None = None
    ) -> CompetencyHeatMap | None:
        ids = [pk_of(c, "Competency") or -1 for c in competency_ids] if competency_ids else None
        heat = await service.unit_heat_map(
            info.context.viewer, pk_of(unit_id, "OrgUnit") or -1, ids
        )
        if heat is None:
            return None
        return CompetencyHeatMap(
            _unit_id=heat.unit_id,
            _competency_ids=heat.competency_ids,
            rows=[
                HeatMapRow(
                    _employee_id=e.id,
                    scores=[
                        CompetencyScoreInfo(_score=heat.scores[(e.id, c)])
                        for c in heat.competency_ids
                    ],
                )
                for e in heat.employees
            ],
            average_scores=[heat.unit_average[c] for c in heat.competency_ids],
            average_gaps=[heat.unit_gap[c] for c in heat.competency_ids],
        )

    @strawberry.field(
        description=(
            "Of the employees below target on a KPI in a period, the share scoring below their "
            "team's average on each competency, ranked (the brochure's “80 %” question)."
        )
    )
    async def under_performer_analysis(
        self, info: Info, kpi_id: strawberry.ID, period: date, unit_id: strawberry.ID | None = None
    ) -> UnderPerformerAnalysisInfo | None:
        result = await service.under_performers_below_team_average(
            info.context.viewer,
            kpi_id=pk_of(kpi_id, "Kpi") or -1,
            period=period,
            unit_id=(pk_of(unit_id, "OrgUnit") or -1) if unit_id else None,
        )
        if result is None:
            return None
        return UnderPerformerAnalysisInfo(
            under_performers=result.under_performers,
            rows=[
                UnderPerformerShareRow(
                    _competency_id=r.competency_id,
                    below_team_average=r.below_team_average,
                    with_score=r.with_score,
                    share=r.share,
                )
                for r in result.rows
            ],
        )

    @strawberry.field(
        description="Assessment rounds of the employees whose scores the viewer may read."
    )
    async def assessment_rounds(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        employee_id: strawberry.ID | None = None,
        status: RoundStatus | None = None,
    ) -> Connection[AssessmentRoundNode]:
        qs = service.visible_rounds(info.context.viewer)
        if employee_id is not None:
            qs = qs.filter(employee_id=pk_of(employee_id, "Employee") or -1)
        if status is not None:
            qs = qs.filter(status=status)
        return await connection_of(
            qs, lambda r: AssessmentRoundNode(_model=r), first=first, after=after
        )

    @strawberry.field(description="Ratings asked of the viewer, soonest deadline first.")
    async def my_rater_tasks(self, info: Info, include_done: bool = False) -> list[RaterTaskNode]:
        return [
            RaterTaskNode(_model=t)
            for t in await service.my_tasks(info.context.viewer, include_done)
        ]

    @strawberry.field(description="Skill tests one can take.")
    async def skill_tests(self, info: Info) -> list[SkillTestNode]:
        return [SkillTestNode(_model=t) for t in await service.list_tests(info.context.viewer)]

    @strawberry.field(description="The viewer's own test results, newest first.")
    async def my_test_attempts(self, info: Info) -> list[TestAttemptNode]:
        return [TestAttemptNode(_model=a) for a in await service.my_attempts(info.context.viewer)]


async def _competency_node(info: Info, pk: int) -> CompetencyNode | None:
    found = [c for c in await service.list_competencies(info.context.viewer) if c.id == pk]
    return CompetencyNode(_model=found[0]) if found else None


async def _round_node(info: Info, pk: int) -> AssessmentRoundNode | None:
    found = await service.get_round(info.context.viewer, pk)
    return AssessmentRoundNode(_model=found) if found else None


async def _task_node(info: Info, pk: int) -> RaterTaskNode | None:
    found = await service.my_task(info.context.viewer, pk)
    return RaterTaskNode(_model=found) if found else None


async def _test_node(info: Info, pk: int) -> SkillTestNode | None:
    found = await service.get_test(info.context.viewer, pk)
    return SkillTestNode(_model=found) if found else None


async def _category_node(info: Info, pk: int) -> CompetencyCategoryNode | None:
    found = [c for c in await service.list_categories(info.context.viewer) if c.id == pk]
    return CompetencyCategoryNode(_model=found[0]) if found else None


async def _attempt_node(info: Info, pk: int) -> TestAttemptNode | None:
    found = await service.visible_attempts(info.context.viewer).filter(id=pk).first()
    return TestAttemptNode(_model=found) if found else None


register_node("CompetencyCategory", _category_node, CompetencyCategory)
register_node("Competency", _competency_node, Competency)
register_node("AssessmentRound", _round_node, AssessmentRound)
register_node("RaterTask", _task_node, RaterAssignment)
register_node("SkillTest", _test_node, SkillTest)
register_node("TestAttempt", _attempt_node, TestAttempt)


# --- mutations ---------------------------------------------------------------------------------


@strawberry.input(description="A new competency category.")
class CreateCompetencyCategoryInput:
    code: str = strawberry.field(description="Code.")
    name: str = strawberry.field(description="Name.")
    kind: CategoryKind = strawberry.field(
        default=CategoryKind.GENERAL, description="General or industry."
    )


@strawberry.type(description="The category as saved, or the errors that stopped it.")
class CompetencyCategoryPayload:
    category: CompetencyCategoryNode | None = strawberry.field(description="The category.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A competency: give `id` to change one, leave it out to create.")
class SaveCompetencyInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="The competency to change."
    )
    code: str = strawberry.field(description="Code.")
    name: str = strawberry.field(description="Name.")
    description: str = strawberry.field(default="", description="What it covers.")
    category_id: strawberry.ID = strawberry.field(description="Its category.")
    levels: list[str] = strawberry.field(description="Five descriptions, level 1 first.")


@strawberry.type(description="The competency as saved, or the errors that stopped it.")
class CompetencyPayload:
    competency: CompetencyNode | None = strawberry.field(description="The competency.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(
    description="The level a position needs on a competency (optionally only within a unit)."
)
class SetRequiredLevelInput:
    competency_id: strawberry.ID = strawberry.field(description="The competency.")
    position_id: strawberry.ID = strawberry.field(description="The position.")
    level: int = strawberry.field(description="1 to 5.")
    unit_id: strawberry.ID | None = strawberry.field(default=None, description="Only in this unit.")


@strawberry.type(description="Whether it worked, or the errors that stopped it.")
class SkillsOkPayload:
    ok: bool = strawberry.field(description="True when it worked.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Start a 360° round for one employee.")
class StartAssessmentRoundInput:
    employee_id: strawberry.ID = strawberry.field(description="Who is assessed.")
    title: str = strawberry.field(description="Title.")
    deadline: date = strawberry.field(description="Ratings due by.")
    competency_ids: list[strawberry.ID] = strawberry.field(description="What to rate.")
    peer_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="Peers.")
    subordinate_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Subordinates."
    )
    include_self: bool = strawberry.field(default=True, description="Self-rating.")
    include_manager: bool = strawberry.field(default=True, description="The direct manager rates.")
    min_raters: int = strawberry.field(
        default=3,
        description="Fewest answers before a peer or subordinate mean is shown: 3 to 10.",
    )
    request_id: strawberry.ID | None = strawberry.field(
        default=None, description="The assessment request it answers."
    )


@strawberry.type(description="The round as saved, or the errors that stopped it.")
class AssessmentRoundPayload:
    round: AssessmentRoundNode | None = strawberry.field(description="The round.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A level for one competency.")
class RatingInput:
    competency_id: strawberry.ID = strawberry.field(description="The competency.")
    level: int = strawberry.field(description="1 to 5.")
    comment: str = strawberry.field(default="", description="Optional.")


@strawberry.input(description="The viewer's ratings for one task.")
class SubmitRatingsInput:
    task_id: strawberry.ID = strawberry.field(description="The rater task.")
    ratings: list[RatingInput] = strawberry.field(description="One per competency of the round.")


@strawberry.type(description="The task as submitted, or the errors that stopped it.")
class RaterTaskPayload:
    task: RaterTaskNode | None = strawberry.field(description="The task.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="The options chosen for one question.")
class AnswerInput:
    question_id: strawberry.ID = strawberry.field(description="The question.")
    keys: list[str] = strawberry.field(description="Chosen option keys.")


@strawberry.input(description="A finished attempt of a skill test.")
class SubmitSkillTestInput:
    test_id: strawberry.ID = strawberry.field(
        description="The test (its attempt in progress is submitted)."
    )
    answers: list[AnswerInput] = strawberry.field(
        description="The answers to questions the attempt drew (one left out earns nothing)."
    )


@strawberry.type(description="The attempt (started or scored), or the errors that stopped it.")
class TestAttemptPayload:
    attempt: TestAttemptNode | None = strawberry.field(description="The attempt.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="HR's override of a competency score.")
class CalibrateCompetencyInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    competency_id: strawberry.ID = strawberry.field(description="The competency.")
    level: Decimal = strawberry.field(description="1 to 5.")
    reason: str = strawberry.field(description="Why (kept on record).")


@strawberry.type
class SkillsMutation:
    @strawberry.mutation(description="Add a competency category (HQ HR).")
    async def create_competency_category(
        self, info: Info, input: CreateCompetencyCategoryInput
    ) -> CompetencyCategoryPayload:
        try:
            category = await service.create_category(
                info.context.viewer, code=input.code, name=input.name, kind=input.kind
            )
        except ServiceError as exc:
            return CompetencyCategoryPayload(category=None, errors=mutation_errors(exc))
        return CompetencyCategoryPayload(
            category=CompetencyCategoryNode(_model=category), errors=[]
        )

    @strawberry.mutation(
        description="Create or change a competency and its level descriptions (HQ HR)."
    )
    async def save_competency(self, info: Info, input: SaveCompetencyInput) -> CompetencyPayload:
        try:
            competency = await service.save_competency(
                info.context.viewer,
                competency_id=optional_pk(input.id, "Competency", "id"),
                code=input.code,
                name=input.name,
                description=input.description,
                category_id=require_pk(input.category_id, "CompetencyCategory", "categoryId"),
                levels={i + 1: text for i, text in enumerate(input.levels)},
            )
        except ServiceError as exc:
            return CompetencyPayload(competency=None, errors=mutation_errors(exc))
        return CompetencyPayload(competency=CompetencyNode(_model=competency), errors=[])

    @strawberry.mutation(
        description="Set the level a position needs (HQ HR; HR of a unit for that unit)."
    )
    async def set_required_level(self, info: Info, input: SetRequiredLevelInput) -> SkillsOkPayload:
        try:
            await service.set_required_level(
                info.context.viewer,
                competency_id=require_pk(input.competency_id, "Competency", "competencyId"),
                position_id=require_pk(input.position_id, "Position", "positionId"),
                level=input.level,
                unit_id=optional_pk(input.unit_id, "OrgUnit", "unitId"),
            )
        except ServiceError as exc:
            return SkillsOkPayload(ok=False, errors=mutation_errors(exc))
        return SkillsOkPayload(ok=True, errors=[])

    @strawberry.mutation(description="Start a 360° round (HR in scope, or the employee's manager).")
    async def start_assessment_round(
        self, info: Info, input: StartAssessmentRoundInput
    ) -> AssessmentRoundPayload:
        try:
            round_ = await service.create_round(
                info.context.viewer,
                service.RoundInput(
                    employee_id=require_pk(input.employee_id, "Employee", "employeeId"),
                    title=input.title,
                    deadline=input.deadline,
                    competency_ids=[
                        require_pk(c, "Competency", "competencyIds") for c in input.competency_ids
                    ],
                    peer_ids=[require_pk(p, "Employee", "peerIds") for p in input.peer_ids],
                    subordinate_ids=[
                        require_pk(p, "Employee", "subordinateIds") for p in input.subordinate_ids
                    ],
                    include_self=input.include_self,
                    include_manager=input.include_manager,
                    min_raters=input.min_raters,
                    request_id=optional_pk(input.request_id, "AssessmentRequest", "requestId"),
                ),
            )
        except ServiceError as exc:
            return AssessmentRoundPayload(round=None, errors=mutation_errors(exc))
        return AssessmentRoundPayload(round=AssessmentRoundNode(_model=round_), errors=[])

    @strawberry.mutation(description="Close a round; its assessment request is done.")
    async def close_assessment_round(self, info: Info, id: strawberry.ID) -> AssessmentRoundPayload:
        try:
            round_ = await service.close_round(
                info.context.viewer, require_pk(id, "AssessmentRound", "id")
            )
        except ServiceError as exc:
            return AssessmentRoundPayload(round=None, errors=mutation_errors(exc))
        return AssessmentRoundPayload(round=AssessmentRoundNode(_model=round_), errors=[])

    @strawberry.mutation(description="Submit the viewer's ratings for a task (once).")
    async def submit_ratings(self, info: Info, input: SubmitRatingsInput) -> RaterTaskPayload:
        try:
            task = await service.submit_ratings(
                info.context.viewer,
                require_pk(input.task_id, "RaterTask", "taskId"),
                [
                    (require_pk(r.competency_id, "Competency", "ratings"), r.level, r.comment)
                    for r in input.ratings
                ],
            )
        except ServiceError as exc:
            return RaterTaskPayload(task=None, errors=mutation_errors(exc))
        return RaterTaskPayload(task=RaterTaskNode(_model=task), errors=[])

    @strawberry.mutation(
        description="Start an attempt of a skill test (or get back the one in progress): its "
        "questions drawn from the test's pool. Attempts are limited per period and a cool-down "
        "apart (see SkillTest)."
    )
    async def start_skill_test(self, info: Info, test_id: strawberry.ID) -> TestAttemptPayload:
        try:
            attempt = await service.start_attempt(
                info.context.viewer, require_pk(test_id, "SkillTest", "testId")
            )
        except ServiceError as exc:
            return TestAttemptPayload(attempt=None, errors=mutation_errors(exc))
        return TestAttemptPayload(attempt=TestAttemptNode(_model=attempt), errors=[])

    @strawberry.mutation(
        description="Submit the viewer's attempt in progress of a skill test, once: scored and "
        "mapped to a level at once. Only the total is told, never which answers were right."
    )
    async def submit_skill_test(
        self, info: Info, input: SubmitSkillTestInput
    ) -> TestAttemptPayload:
        try:
            attempt = await service.submit_attempt(
                info.context.viewer,
                require_pk(input.test_id, "SkillTest", "testId"),
                {require_pk(a.question_id, "Question", "answers"): a.keys for a in input.answers},
            )
        except ServiceError as exc:
            return TestAttemptPayload(attempt=None, errors=mutation_errors(exc))
        return TestAttemptPayload(attempt=TestAttemptNode(_model=attempt), errors=[])

    @strawberry.mutation(description="Calibrate a competency score (HR in scope; kept on record).")
    async def calibrate_competency(
        self, info: Info, input: CalibrateCompetencyInput
    ) -> SkillsOkPayload:
        try:
            await service.calibrate(
                info.context.viewer,
                employee_id=require_pk(input.employee_id, "Employee", "employeeId"),
                competency_id=require_pk(input.competency_id, "Competency", "competencyId"),
                level=input.level,
                reason=input.reason,
            )
        except ServiceError as exc:
            return SkillsOkPayload(ok=False, errors=mutation_errors(exc))
        return SkillsOkPayload(ok=True, errors=[])
