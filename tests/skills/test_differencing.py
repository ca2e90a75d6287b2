"""An open 360° round shows nothing that changes with each answer: no group's mean, count or
answered number, and no score fed by it. Four peers rating 2, 4, 3, 1 cannot be read back by
watching the mean go from 3.00 to 2.50 (issue 18 point 6)."""

from __future__ import annotations

import pytest

from talentloop.accounts.models import Role
from tests.skills.conftest import Framework
from tests.skills.test_assessments import rate, start_round
from tests.support import Api, add_person, add_user, gid

READ = """query($r: ID!, $e: ID!) {
  round: node(id: $r) { ... on AssessmentRound {
    status groups { relation invited submitted } progress { invited submitted }
    results { competency { code } relation mean count shown } } }
  employeeCompetencies(employeeId: $e) { competency { code } score sources { source mean count } }
}"""
CLOSE = "mutation($id: ID!) { closeAssessmentRound(id: $id) { errors { code } } }"
READERS = ("hq_hr", "branch_hr", "manager", "employee")  # HR, the manager, the subject


@pytest.fixture
async def four_peers(framework: Framework) -> list:  # type: ignore[type-arg]
    w = framework.world
    await add_person(w, "sh_rep3", "SH-SALES-1", "sh_sales_head")
    users = [
        await add_user(w, f"u_{name}", Role.EMPLOYEE, name)
        for name in ("sh_rep2", "sh_worker", "sh_rep3")
    ]
    return [*users, w.users["branch_hr"]]


async def _read(api: Api, fw: Framework, round_id: str, as_: str) -> dict:  # type: ignore[type-arg]
    return await api.data(
        READ,
        {"r": round_id, "e": gid(fw.world.people["sh_rep"])},
        as_=fw.world.users[as_],
    )


async def test_an_open_round_shows_no_running_mean_or_count_to_difference(
    api: Api, framework: Framework, four_peers: list
) -> None:
    w = framework.world
    round_ = await start_round(
        api,
        framework,
        ["sh_rep2", "sh_worker", "sh_rep3", "sh_hr_person"],
        includeSelf=False,
    )
    seen: dict[str, list[dict]] = {reader: [] for reader in READERS}  # type: ignore[type-arg]
    for user, level in zip(four_peers, (2, 4, 3, 1), strict=True):
        await rate(api, framework, user, pk=level, cna=level)
        for reader in READERS:
            seen[reader].append(await _read(api, framework, round_["id"], reader))
    for reader, answers in seen.items():
        for answered, data in enumerate(answers, start=1):
            assert data["round"]["results"] == [], (reader, answered)
            assert data["round"]["groups"] == [
                {"relation": "MANAGER", "invited": 1, "submitted": None},
                {"relation": "PEER", "invited": 4, "submitted": None},
            ], (reader, answered)
            # the whole round's progress, never a group's
            assert data["round"]["progress"] == {"invited": 5, "submitted": answered}
            # no score moves with the open round's answers either
            for score in data["employeeCompetencies"]:
                assert (score["score"], score["sources"]) == (None, []), (
                    reader,
                    answered,
                )

    closed = await api.data(CLOSE, {"id": round_["id"]}, as_=w.users["manager"])
    assert closed["closeAssessmentRound"]["errors"] == []
    data = await _read(api, framework, round_["id"], "manager")
    assert data["round"]["groups"][1] == {
        "relation": "PEER",
        "invited": 4,
        "submitted": 4,
    }
    peers = [r for r in data["round"]["results"] if r["relation"] == "PEER"]
    assert [(r["mean"], r["count"], r["shown"]) for r in peers] == [("2.50", 4, True)] * 2
    pk = next(s for s in data["employeeCompetencies"] if s["competency"]["code"] == "PK")
    assert pk["sources"] == [{"source": "PEER", "mean": "2.50", "count": 4}]


async def test_a_closed_round_hides_a_group_below_the_minimum(
    api: Api, framework: Framework, four_peers: list
) -> None:
    w = framework.world
    round_ = await start_round(api, framework, ["sh_rep2", "sh_worker", "sh_rep3"], minRaters=3)
    for user in four_peers[:2]:
        await rate(api, framework, user, pk=5, cna=1)
    await rate(api, framework, w.users["manager"], pk=3, cna=3)
    await api.data(CLOSE, {"id": round_["id"]}, as_=w.users["manager"])
    data = await _read(api, framework, round_["id"], "hq_hr")
    peers = [r for r in data["round"]["results"] if r["relation"] == "PEER"]
    assert [(r["mean"], r["shown"]) for r in peers] == [(None, False)] * 2
    pk = next(s for s in data["employeeCompetencies"] if s["competency"]["code"] == "PK")
    assert pk["score"] == "3.00"  # the manager alone
