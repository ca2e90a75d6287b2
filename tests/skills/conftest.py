"""A small framework on top of the test world: two competencies, a required level, a test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from talentloop.accounts.models import User
from talentloop.graphql.ids import pk_of
from talentloop.skills.models import (
    Competency,
    CompetencyCategory,
    Question,
    QuestionKind,
    RequiredLevel,
    SkillTest,
    TestAttempt,
)
from tests.performance.conftest import perf  # noqa: F401  (the KPI fixture, shared)
from tests.support import Api, World, gid

LEVELS = {str(i): f"level {i}" for i in range(1, 6)}
DEADLINE = (date.today() + timedelta(days=14)).isoformat()


@dataclass
class Framework:
    world: World
    pk: Competency  # product knowledge
    cna: Competency  # customer-needs analysis
    test: SkillTest  # on product knowledge
    questions: list[Question]


@pytest.fixture
async def framework(world: World) -> Framework:
    """Reps need product knowledge 4 (5 in team SH-SALES-1) and customer-needs analysis 3."""
    sales = await CompetencyCategory.create(code="SALES", name="销售能力")
    pk = await Competency.create(code="PK", name="产品知识", category=sales, levels=LEVELS)
    cna = await Competency.create(code="CNA", name="客户需求分析", category=sales, levels=LEVELS)
    rep = world.positions["REP"]
    await RequiredLevel.create(competency=pk, position=rep, level=4)
    await RequiredLevel.create(competency=pk, position=rep, unit=world.units["SH-SALES-1"], level=5)
    await RequiredLevel.create(competency=cna, position=rep, level=3)
    q1 = await Question.create(
        competency=pk,
        text="Q1",
        kind=QuestionKind.SINGLE,
        options=[{"key": "A", "text": "a"}, {"key": "B", "text": "b"}],
        correct=["A"],
        points=1,
    )
    q2 = await Question.create(
        competency=pk,
        text="Q2",
        kind=QuestionKind.MULTIPLE,
        options=[{"key": k, "text": k.lower()} for k in "ABC"],
        correct=["A", "C"],
        points=2,
    )
    q3 = await Question.create(
        competency=pk,
        text="Q3",
        kind=QuestionKind.SINGLE,
        options=[{"key": "A", "text": "a"}, {"key": "B", "text": "b"}],
        correct=["B"],
        points=1,
    )
    q4 = await Question.create(
        competency=pk,
        text="Q4",
        kind=QuestionKind.SINGLE,
        options=[{"key": "A", "text": "a"}, {"key": "B", "text": "b"}],
        correct=["A"],
        points=1,
    )
    test = await SkillTest.create(
        title="产品知识测试",
        competency=pk,
        question_ids=[q1.id, q2.id, q3.id, q4.id],  # the pool: each attempt draws 3
        question_count=3,
        level_thresholds={"1": 0, "2": 40, "3": 60, "4": 75, "5": 90},
    )
    return Framework(world, pk, cna, test, [q1, q2, q3])


START_TEST = """mutation($t: ID!) { startSkillTest(testId: $t) {
  attempt { id status questions { id } } errors { field code message } } }"""


async def started(api: Api, fw: Framework, user: User, drawn: list[Question] | None = None) -> str:
    """Start an attempt of the framework's test as `user`; with `drawn`, as if the draw had
    given those questions (the draw is random)."""
    data = await api.data(START_TEST, {"t": gid(fw.test)}, as_=user)
    payload = data["startSkillTest"]
    assert payload["errors"] == [], payload
    attempt_id: str = payload["attempt"]["id"]
    if drawn is not None:
        await TestAttempt.filter(id=pk_of(attempt_id, "TestAttempt")).update(
            question_ids=[q.id for q in drawn]
        )
    return attempt_id
