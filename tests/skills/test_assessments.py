"""360° rounds and skill tests give one weighted score per competency, and a gap to the required level."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.performance.models import (
    AssessmentRequest,
    AssessmentRequestStatus,
    Kpi,
    KpiUnit,
    TriggerRule,
)
from tests.skills.conftest import DEADLINE, Framework, started
from tests.support import Api, gid

START = """mutation($i: StartAssessmentRoundInput!) {
  startAssessmentRound(input: $i) { round { id status groups { relation invited submitted } } errors { field code } }
}"""
TASKS = "{ myRaterTasks { id subjectName relation anonymous competencies { code } } }"
SUBMIT = """mutation($t: ID!, $r: [RatingInput!]!) {
  submitRatings(input: {taskId: $t, ratings: $r}) { task { submittedAt } errors { field code } }
}"""
SCORES = """query($e: ID!) { employeeCompetencies(employeeId: $e) {
  competency { code } score weighted required gap sources { source mean count shown }
} }"""
CLOSE = "mutation($id: ID!) { closeAssessmentRound(id: $id) { errors { code } } }"
SUBMIT_TEST = """mutation($t: ID!, $a: [AnswerInput!]!) {
  submitSkillTest(input: {testId: $t, answers: $a}) { attempt { score maxScore level } errors { field code } }
}"""


async def start_round(
    api: Api, fw: Framework, peers: list[str], by: str = "manager", **extra: Any
) -> dict:
    w = fw.world
    data = await api.data(
        START,
        {
            "i": {
                "employeeId": gid(w.people["sh_rep"]),
                "title": "2026 H1 360",
                "deadline": DEADLINE,
                "competencyIds": [gid(fw.pk), gid(fw.cna)],
                "peerIds": [gid(w.people[p]) for p in peers],
                **extra,
            }
        },
        as_=w.users[by],
    )
    assert data["startAssessmentRound"]["errors"] == [], data
    round_: dict = data["startAssessmentRound"]["round"]
    return round_


async def rate(api: Api, fw: Framework, rater_user, pk: int, cna: int) -> None:  # type: ignore[no-untyped-def]
    tasks = (await api.data(TASKS, as_=rater_user))["myRaterTasks"]
    assert len(tasks) == 1
    done = await api.data(
        SUBMIT,
        {
            "t": tasks[0]["id"],
            "r": [
                {"competencyId": gid(fw.pk), "level": pk},
                {"competencyId": gid(fw.cna), "level": cna},
            ],
        },
        as_=rater_user,
    )
    assert done["submitRatings"]["errors"] == []


@pytest.fixture
async def peer_users(framework: Framework):  # type: ignore[no-untyped-def]
    from talentloop.accounts.models import Role
    from tests.support import add_user

    w = framework.world
    users = {
        name: await add_user(w, f"u_{name}", Role.EMPLOYEE, name)
        for name in ("sh_rep2", "sh_worker")
    }
    users["sh_hr_person"] = w.users["branch_hr"]  # a peer from another department
    return users


async def test_sources_are_weighted_into_one_score_and_a_gap(
    api: Api, framework: Framework, peer_users: dict
) -> None:
    w = framework.world
    round_ = await start_round(api, framework, ["sh_rep2", "sh_worker", "sh_hr_person"])
    assert round_["groups"] == [
        {"relation": "SELF", "invited": 1, "submitted": None},
        {"relation": "MANAGER", "invited": 1, "submitted": None},
        {"relation": "PEER", "invited": 3, "submitted": None},
    ]
    await rate(api, framework, w.users["employee"], pk=4, cna=3)  # self
    await rate(api, framework, w.users["manager"], pk=3, cna=2)  # manager
    for user, (pk, cna) in zip(peer_users.values(), [(2, 3), (3, 3), (4, 3)], strict=True):
        await rate(api, framework, user, pk=pk, cna=cna)
    # the skill test: Q1 right, Q2 wrong, Q3 right → 2 of 4 points = 50 % → level 2
    q1, q2, q3 = framework.questions
    await started(api, framework, w.users["employee"], [q1, q2, q3])
    attempt = await api.data(
        SUBMIT_TEST,
        {
            "t": gid(framework.test),
            "a": [
                {"questionId": gid(q1), "keys": ["A"]},
                {"questionId": gid(q2), "keys": ["A"]},
                {"questionId": gid(q3), "keys": ["B"]},
            ],
        },
        as_=w.users["employee"],
    )
    assert attempt["submitSkillTest"]["attempt"] == {"score": 2, "maxScore": 4, "level": 2}
    await api.data(CLOSE, {"id": round_["id"]}, as_=w.users["manager"])

    scores = (await api.data(SCORES, {"e": gid(w.people["sh_rep"])}, as_=w.users["manager"]))[
        "employeeCompetencies"
    ]
    by_code = {s["competency"]["code"]: s for s in scores}
    # PK: (40×3 manager + 30×2 test + 20×3 peers + 10×4 self) / 100 = 2.80; required 5 in SH-SALES-1
    assert by_code["PK"]["weighted"] == "2.80"
    assert (by_code["PK"]["required"], by_code["PK"]["gap"]) == (5, "2.20")
    assert by_code["PK"]["sources"] == [
        {"source": "SELF", "mean": "4.00", "count": 1, "shown": True},
        {"source": "MANAGER", "mean": "3.00", "count": 1, "shown": True},
        {"source": "PEER", "mean": "3.00", "count": 3, "shown": True},
        {"source": "TEST", "mean": "2", "count": 1, "shown": True},
    ]
    # CNA: no test; (40×2 + 20×3 + 10×3) / 70 = 2.43; required 3
    assert (by_code["CNA"]["score"], by_code["CNA"]["required"], by_code["CNA"]["gap"]) == (
        "2.43",
        3,
        "0.57",
    )


async def test_a_group_below_the_minimum_shows_no_result(
    api: Api, framework: Framework, peer_users: dict
) -> None:
    w = framework.world
    round_ = await start_round(api, framework, ["sh_rep2", "sh_worker", "sh_hr_person"])
    await rate(api, framework, w.users["manager"], pk=3, cna=2)
    for user in list(peer_users.values())[:2]:  # two of three peers answer
        await rate(api, framework, user, pk=5, cna=5)
    await api.data(CLOSE, {"id": round_["id"]}, as_=w.users["manager"])
    results = await api.data(
        "query($id: ID!) { node(id: $id) { ... on AssessmentRound { results { competency { code } relation mean count shown } } } }",
        {"id": round_["id"]},
        as_=w.users["hq_hr"],
    )
    peers = [r for r in results["node"]["results"] if r["relation"] == "PEER"]
    assert peers == [
        {
            "competency": {"code": "PK"},
            "relation": "PEER",
            "mean": None,
            "count": 2,
            "shown": False,
        },
        {
            "competency": {"code": "CNA"},
            "relation": "PEER",
            "mean": None,
            "count": 2,
            "shown": False,
        },
    ]
    scores = (await api.data(SCORES, {"e": gid(w.people["sh_rep"])}, as_=w.users["hq_hr"]))[
        "employeeCompetencies"
    ]
    pk = next(s for s in scores if s["competency"]["code"] == "PK")
    assert pk["weighted"] == "3.00"  # the manager alone: the hidden peers do not count


async def test_a_rater_rates_once_and_only_their_own_task(
    api: Api, framework: Framework, peer_users: dict
) -> None:
    await start_round(api, framework, ["sh_rep2", "sh_worker", "sh_hr_person"])
    tasks = (await api.data(TASKS, as_=peer_users["sh_rep2"]))["myRaterTasks"]
    assert [(t["subjectName"], t["relation"], t["anonymous"]) for t in tasks] == [
        ("sh_rep name", "PEER", True)
    ]
    other = await api.data(
        SUBMIT,
        {"t": tasks[0]["id"], "r": [{"competencyId": gid(framework.pk), "level": 3}]},
        as_=peer_users["sh_worker"],
    )
    assert other["submitRatings"]["errors"] == [{"field": "taskId", "code": "NOT_FOUND"}]
    partial = await api.data(
        SUBMIT,
        {"t": tasks[0]["id"], "r": [{"competencyId": gid(framework.pk), "level": 3}]},
        as_=peer_users["sh_rep2"],
    )
    assert partial["submitRatings"]["errors"] == [{"field": "ratings", "code": "INVALID"}]
    await rate(api, framework, peer_users["sh_rep2"], pk=3, cna=3)
    again = await api.data(
        SUBMIT,
        {
            "t": tasks[0]["id"],
            "r": [
                {"competencyId": gid(framework.pk), "level": 1},
                {"competencyId": gid(framework.cna), "level": 1},
            ],
        },
        as_=peer_users["sh_rep2"],
    )
    assert again["submitRatings"]["errors"] == [{"field": "taskId", "code": "CONFLICT"}]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({0: ["A"], 1: ["C", "A"], 2: ["B"]}, {"score": 4, "maxScore": 4, "level": 5}),  # 100 %
        ({0: ["A"], 1: ["A", "C"], 2: ["A"]}, {"score": 3, "maxScore": 4, "level": 4}),  # 75 %
        (
            {0: ["A", "B"], 1: ["A", "B", "C"], 2: []},
            {"score": 0, "maxScore": 4, "level": 1},
        ),  # no guessing
        ({1: ["A", "C"]}, {"score": 2, "maxScore": 4, "level": 2}),  # 50 %
    ],
)
async def test_a_skill_test_scores_and_maps_to_a_level(
    api: Api, framework: Framework, answers: dict, expected: dict
) -> None:
    await started(api, framework, framework.world.users["employee"], framework.questions)
    data = await api.data(
        SUBMIT_TEST,
        {
            "t": gid(framework.test),
            "a": [
                {"questionId": gid(framework.questions[i]), "keys": keys}
                for i, keys in answers.items()
            ],
        },
        as_=framework.world.users["employee"],
    )
    assert data["submitSkillTest"]["attempt"] == expected


async def test_the_test_does_not_give_away_its_answers(api: Api, framework: Framework) -> None:
    attempt = await started(api, framework, framework.world.users["employee"])
    data = await api.data(
        "query($id: ID!) { node(id: $id) { ... on TestAttempt { questions { text options { key text } } } } }",
        {"id": attempt},
        as_=framework.world.users["employee"],
    )
    assert len(data["node"]["questions"]) == 3 and "correct" not in str(data)
    fields = await api.data(
        '{ __type(name: "TestQuestion") { fields { name } } }',
        as_=framework.world.users["employee"],
    )
    assert {f["name"] for f in fields["__type"]["fields"]} == {
        "id",
        "text",
        "kind",
        "options",
        "points",
    }


async def test_calibration_overrides_the_score_on_record(api: Api, framework: Framework) -> None:
    w = framework.world
    mutation = """mutation($e: ID!, $c: ID!, $l: Decimal!, $r: String!) {
      calibrateCompetency(input: {employeeId: $e, competencyId: $c, level: $l, reason: $r}) { ok errors { field code } }
    }"""
    args = {
        "e": gid(w.people["sh_rep"]),
        "c": gid(framework.pk),
        "l": "4.5",
        "r": "observed at the trade fair",
    }
    denied = await api.data(mutation, args, as_=w.users["manager"])
    assert denied["calibrateCompetency"]["errors"] == [{"field": "employeeId", "code": "FORBIDDEN"}]
    no_reason = await api.data(mutation, {**args, "r": " "}, as_=w.users["branch_hr"])
    assert no_reason["calibrateCompetency"]["errors"] == [{"field": "reason", "code": "REQUIRED"}]
    done = await api.data(mutation, args, as_=w.users["branch_hr"])
    assert done["calibrateCompetency"] == {"ok": True, "errors": []}
    scores = (await api.data(SCORES, {"e": gid(w.people["sh_rep"])}, as_=w.users["hq_hr"]))[
        "employeeCompetencies"
    ]
    pk = next(s for s in scores if s["competency"]["code"] == "PK")
    assert (pk["score"], pk["weighted"], pk["gap"]) == ("4.50", None, "0.50")
    from talentloop.skills.models import Calibration

    record = await Calibration.get(employee_id=w.people["sh_rep"].id)
    assert (record.reason, record.calibrated_by_id) == (
        "observed at the trade fair",
        w.users["branch_hr"].id,
    )


async def test_a_round_answers_an_assessment_request(api: Api, framework: Framework) -> None:
    w = framework.world
    kpi = await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    rule = await TriggerRule.create(name="r", kpi=kpi, threshold_percent=80, periods=2)
    request = await AssessmentRequest.create(
        employee=w.people["sh_rep"],
        rule=rule,
        breach_start="2026-01-01",
        breach_detected="2026-02-01",
        achievement_percent=50,
    )
    round_ = await start_round(api, framework, [], requestId=gid(request))
    assert (
        await AssessmentRequest.get(id=request.id)
    ).status is AssessmentRequestStatus.IN_PROGRESS
    closed = await api.data(
        "mutation($id: ID!) { closeAssessmentRound(id: $id) { round { status } errors { code } } }",
        {"id": round_["id"]},
        as_=w.users["manager"],
    )
    assert closed["closeAssessmentRound"] == {"round": {"status": "CLOSED"}, "errors": []}
    seen = await api.data(
        "{ assessmentRequests { edges { node { status rounds { id status } } } } }",
        as_=w.users["manager"],
    )
    assert seen["assessmentRequests"]["edges"] == [
        {"node": {"status": "DONE", "rounds": [{"id": round_["id"], "status": "CLOSED"}]}}
    ]


async def test_who_may_start_a_round(api: Api, framework: Framework) -> None:
    w = framework.world
    variables = {
        "i": {
            "employeeId": gid(w.people["sh_rep"]),
            "title": "t",
            "deadline": DEADLINE,
            "competencyIds": [gid(framework.pk)],
        }
    }
    outcomes = {}
    for role in ("hq_hr", "branch_hr", "bj_hr", "manager", "employee", "executive", "admin"):
        data = await api.data(START, variables, as_=w.users[role])
        errors = data["startAssessmentRound"]["errors"]
        outcomes[role] = errors[0]["code"] if errors else "ok"
    assert outcomes == {
        "hq_hr": "ok",
        "branch_hr": "ok",
        "bj_hr": "NOT_FOUND",
        "manager": "ok",
        "employee": "FORBIDDEN",
        "executive": "FORBIDDEN",
        "admin": "FORBIDDEN",
    }


async def test_a_new_round_still_collecting_does_not_hide_the_last_rounds_evidence(
    api: Api, framework: Framework, peer_users: dict
) -> None:
    w = framework.world
    first = await start_round(api, framework, ["sh_rep2", "sh_worker", "sh_hr_person"])
    for user, level in zip(peer_users.values(), (2, 3, 4), strict=True):
        await rate(api, framework, user, pk=level, cna=level)
    await api.data(
        "mutation($id: ID!) { closeAssessmentRound(id: $id) { errors { code } } }",
        {"id": first["id"]},
        as_=w.users["manager"],
    )
    await start_round(api, framework, ["sh_rep2", "sh_worker", "sh_hr_person"], title="second")
    await rate(api, framework, peer_users["sh_rep2"], pk=5, cna=5)  # one answer so far
    scores = (await api.data(SCORES, {"e": gid(w.people["sh_rep"])}, as_=w.users["hq_hr"]))[
        "employeeCompetencies"
    ]
    pk = next(s for s in scores if s["competency"]["code"] == "PK")
    assert pk["sources"] == [{"source": "PEER", "mean": "3.00", "count": 3, "shown": True}]
