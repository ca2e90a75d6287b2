"""An interviewer sees what the interview needs (issue 18 point 7): the application without
pay figures (the offer's monthly salary, the requisition's budget), the résumé only where HR
shared it when scheduling, and their own scorecard locked once submitted."""

from __future__ import annotations

from typing import Any

from talentloop.recruitment.models import Application
from tests.recruitment.test_pipeline import PDF, SCHEDULE, SCORE, _add, _upload
from tests.recruitment.test_rules import _offer, _open
from tests.support import Api, World, gid

APPLICATION = """query ($id: ID!) { node(id: $id) { ... on Application {
  candidate { name resume { fileName } }
  offer { status monthlySalary }
  posting { title requisition { headcount budget } }
} } }"""
CARDS = """query ($id: ID!) { node(id: $id) { ... on Application {
  interviews { scorecards { mine recommendation notes } } } } }"""
RATINGS = [
    {"criterion": c, "score": 3} for c in ("SKILLS", "EXPERIENCE", "COMMUNICATION", "MOTIVATION")
]


async def _interview(api: Api, w: World, application: str, **extra: Any) -> str:
    scheduled = await api.data(
        SCHEDULE,
        {
            "input": {
                "applicationId": application,
                "title": "面试",
                "scheduledAt": "2026-12-10T02:00:00Z",
                "interviewerIds": [gid(w.people[p]) for p in ("sh_sales_head", "sh_rep")],
                **extra,
            }
        },
        as_=w.users["branch_hr"],
    )
    assert scheduled["scheduleInterview"]["errors"] == [], scheduled
    return str(scheduled["scheduleInterview"]["interview"]["id"])


async def _download(api: Api, w: World, user: str) -> int:
    pk = (await Application.get()).id
    answer = await api.http.get(
        f"/recruitment/resume/{pk}",
        headers={"Authorization": f"Bearer {await api.token(w.users[user])}"},
    )
    return int(answer.status_code)


async def test_an_interviewer_reads_no_pay_figures_and_no_unshared_resume(
    api: Api, world: World
) -> None:
    w = world
    posting = await _open(api, w)
    application = str((await _add(api, w, posting))["application"]["id"])
    assert (await _upload(api, w.users["branch_hr"], application, PDF)).status_code == 201
    await _interview(api, w, application)  # résumé not shared (the default)
    node = (await api.run(APPLICATION, {"id": application}, as_=w.users["employee"]))["data"][
        "node"
    ]
    assert node["candidate"] == {"name": "林晓", "resume": None}
    assert await _download(api, w, "employee") == 404
    assert await _download(api, w, "branch_hr") == 200
    # a round HR shares the résumé with opens it to that round's interviewers
    await _interview(api, w, application, shareResume=True)
    node = (await api.run(APPLICATION, {"id": application}, as_=w.users["employee"]))["data"][
        "node"
    ]
    assert node["candidate"]["resume"] == {"fileName": "林晓简历.pdf"}
    assert await _download(api, w, "employee") == 200

    assert (await _offer(api, w, application))["errors"] == []
    body = await api.run(APPLICATION, {"id": application}, as_=w.users["employee"])
    node = body["data"]["node"]
    assert node["offer"] == {"status": "PENDING", "monthlySalary": None}
    assert node["posting"]["requisition"] == {"headcount": 1, "budget": None}
    denied = {(e["path"][-1], e["message"]) for e in body["errors"]}
    assert denied == {
        ("monthlySalary", "Not permitted to read field 'monthlySalary'."),
        ("budget", "Not permitted to read field 'budget'."),
    }
    # HR reads every figure and the résumé
    hr = (await api.data(APPLICATION, {"id": application}, as_=w.users["branch_hr"]))["node"]
    assert hr["offer"]["monthlySalary"] == "9000.00"
    assert hr["posting"]["requisition"]["budget"] is not None
    assert hr["candidate"]["resume"] == {"fileName": "林晓简历.pdf"}


async def test_a_submitted_scorecard_is_locked(api: Api, world: World) -> None:
    """The case: submit a placeholder, read the other scorecard, rewrite one's own."""
    w = world
    posting = await _open(api, w)
    application = str((await _add(api, w, posting))["application"]["id"])
    interview = await _interview(api, w, application)
    placeholder = await api.data(
        SCORE,
        {
            "input": {
                "interviewId": interview,
                "ratings": RATINGS,
                "recommendation": "NO",
            }
        },
        as_=w.users["employee"],
    )
    assert placeholder["submitScorecard"]["errors"] == []
    other = await api.data(
        SCORE,
        {
            "input": {
                "interviewId": interview,
                "ratings": RATINGS,
                "recommendation": "STRONG_YES",
            }
        },
        as_=w.users["manager"],
    )
    assert other["submitScorecard"]["errors"] == []
    read = (await api.data(CARDS, {"id": application}, as_=w.users["employee"]))["node"]
    assert len(read["interviews"][0]["scorecards"]) == 2  # the others' once one's own is in
    rewrite = await api.data(
        SCORE,
        {
            "input": {
                "interviewId": interview,
                "ratings": RATINGS,
                "recommendation": "STRONG_YES",
            }
        },
        as_=w.users["employee"],
    )
    assert [(e["field"], e["code"]) for e in rewrite["submitScorecard"]["errors"]] == [
        ("interviewId", "LOCKED")
    ]
    cards = (await api.data(CARDS, {"id": application}, as_=w.users["branch_hr"]))["node"]
    mine = [c for c in cards["interviews"][0]["scorecards"] if c["recommendation"] == "NO"]
    assert len(mine) == 1
