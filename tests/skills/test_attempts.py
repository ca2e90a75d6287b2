"""A skill test cannot be brute-forced (issue 18 point 8): 33 one-question attempts used to
recover every answer and set the TEST source to level 5. Now an attempt is started (its
questions drawn from a larger pool), every drawn question counts, only the total is told,
attempts are limited per period and a cool-down apart, and the latest submitted one counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talentloop.graphql.ids import pk_of
from talentloop.skills import models
from talentloop.skills.models import SkillTest
from tests.skills.conftest import START_TEST, Framework, started
from tests.skills.test_assessments import SCORES, SUBMIT_TEST
from tests.support import Api, gid

STANDING = """query($t: ID!) { node(id: $t) { ... on SkillTest {
  questionCount maxAttempts myAttemptsLeft myNextAttemptAt
  myOpenAttempt { id } countingAttempt { id score level } } } }"""


async def _submit(api: Api, fw: Framework, answers: dict) -> dict:  # type: ignore[type-arg]
    data = await api.data(
        SUBMIT_TEST,
        {
            "t": gid(fw.test),
            "a": [{"questionId": gid(q), "keys": keys} for q, keys in answers.items()],
        },
        as_=fw.world.users["employee"],
    )
    return dict(data["submitSkillTest"])


def _codes(payload: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_one_question_attempts_cannot_recover_the_answers(
    api: Api, framework: Framework
) -> None:
    """The attack: submit one question's answer at a time and read the score. Each attempt
    scores over every question it drew (3 of a pool of 4), and the fourth attempt in the
    period is refused — the TEST source never reaches level 5 by probing."""
    fw, w = framework, framework.world
    q1, q2, q3 = fw.questions
    # without starting, nothing is scored
    unstarted = await _submit(api, fw, {q1: ["A"]})
    assert _codes(unstarted) == [("testId", "CONFLICT")]
    await SkillTest.filter(id=fw.test.id).update(cooldown_hours=0)  # the period's limit alone
    for _ in range(3):
        attempt = await started(api, fw, w.users["employee"], [q1, q2, q3])
        probe = await _submit(api, fw, {q1: ["A"]})  # right, and alone
        assert probe["errors"] == []
        # the total over the three drawn, not "1 of 1": which one was right is not told
        assert probe["attempt"] == {"score": 1, "maxScore": 4, "level": 1}
        assert pk_of(attempt, "TestAttempt") is not None
    fourth = await api.data(START_TEST, {"t": gid(fw.test)}, as_=w.users["employee"])
    assert _codes(fourth["startSkillTest"]) == [("testId", "CONFLICT")]
    assert await models.TestAttempt.filter(employee_id=w.people["sh_rep"].id).count() == 3
    scores = (await api.data(SCORES, {"e": gid(w.people["sh_rep"])}, as_=w.users["employee"]))[
        "employeeCompetencies"
    ]
    pk = next(s for s in scores if s["competency"]["code"] == "PK")
    assert pk["sources"] == [{"source": "TEST", "mean": "1", "count": 1, "shown": True}]


async def test_an_attempt_draws_from_the_pool_and_counts_only_its_questions(
    api: Api, framework: Framework
) -> None:
    fw, w = framework, framework.world
    attempt = await started(api, fw, w.users["employee"])
    row = await models.TestAttempt.get(id=pk_of(attempt, "TestAttempt"))
    pool = set(fw.test.question_ids)
    assert row.question_ids is not None and len(set(row.question_ids)) == 3
    assert set(row.question_ids) < pool
    # starting again hands back the same attempt: no second draw to see more questions
    again = await api.data(START_TEST, {"t": gid(fw.test)}, as_=w.users["employee"])
    assert again["startSkillTest"]["attempt"]["id"] == attempt
    left_out = next(i for i in pool if i not in row.question_ids)
    foreign = await api.data(
        SUBMIT_TEST,
        {
            "t": gid(fw.test),
            "a": [{"questionId": gid_question(left_out), "keys": ["A"]}],
        },
        as_=w.users["employee"],
    )
    assert _codes(foreign["submitSkillTest"]) == [("answers", "INVALID")]


async def test_a_cool_down_separates_attempts_and_the_latest_counts(
    api: Api, framework: Framework
) -> None:
    fw, w = framework, framework.world
    q1, q2, q3 = fw.questions
    await started(api, fw, w.users["employee"], [q1, q2, q3])
    best = await _submit(api, fw, {q1: ["A"], q2: ["A", "C"], q3: ["B"]})
    assert best["attempt"] == {"score": 4, "maxScore": 4, "level": 5}
    refused = await api.data(START_TEST, {"t": gid(fw.test)}, as_=w.users["employee"])
    assert _codes(refused["startSkillTest"]) == [("testId", "CONFLICT")]
    standing = (await api.data(STANDING, {"t": gid(fw.test)}, as_=w.users["employee"]))["node"]
    assert (
        standing["questionCount"],
        standing["maxAttempts"],
        standing["myAttemptsLeft"],
    ) == (
        3,
        3,
        2,
    )
    next_at = datetime.fromisoformat(standing["myNextAttemptAt"])
    assert timedelta(hours=23) < next_at - datetime.now(UTC) <= timedelta(hours=24)
    assert standing["countingAttempt"]["level"] == 5
    # a day later the next may start; the latest submitted attempt is the one that counts
    await models.TestAttempt.all().update(
        started_at=datetime.now(UTC) - timedelta(hours=25),
        submitted_at=datetime.now(UTC) - timedelta(hours=25),
    )
    await started(api, fw, w.users["employee"], [q1, q2, q3])
    worse = await _submit(api, fw, {q1: ["A"]})
    assert worse["attempt"]["level"] == 1
    standing = (await api.data(STANDING, {"t": gid(fw.test)}, as_=w.users["employee"]))["node"]
    assert standing["countingAttempt"]["level"] == 1 and standing["myAttemptsLeft"] == 1


async def test_a_test_without_a_pool_is_not_started(api: Api, framework: Framework) -> None:
    """A pool no larger than an attempt would make every attempt the same questions."""
    fw = framework
    await SkillTest.filter(id=fw.test.id).update(question_count=4)
    data = await api.data(START_TEST, {"t": gid(fw.test)}, as_=fw.world.users["employee"])
    assert _codes(data["startSkillTest"]) == [("testId", "CONFLICT")]


async def test_an_attempt_past_its_time_is_not_taken(api: Api, framework: Framework) -> None:
    fw, w = framework, framework.world
    attempt = await started(api, fw, w.users["employee"], fw.questions)
    late = datetime.now(UTC) - timedelta(minutes=fw.test.time_limit_minutes + 3)
    await models.TestAttempt.filter(id=pk_of(attempt, "TestAttempt")).update(started_at=late)
    q1, q2, q3 = fw.questions
    data = await _submit(api, fw, {q1: ["A"], q2: ["A", "C"], q3: ["B"]})
    assert _codes(data) == [("testId", "CONFLICT")]


def gid_question(pk: int) -> str:
    from talentloop.graphql.ids import to_global_id

    return to_global_id("Question", pk)
