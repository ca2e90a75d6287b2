"""Recruitment through the API (Issue 11): a requisition approved through the engine, a
posting, a candidate de-duplicated by phone and e-mail, interviews with several interviewers'
scorecards, an approved offer, the answer, and the hire: the employee record holds what the
candidate gave, with the contract and the onboarding checklist."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.accounts.models import User
from talentloop.recruitment.models import Application, Candidate
from tests.support import Api, World, gid, id_number

REQUISITION = """
mutation ($input: RequisitionInput!) {
  createRequisition(input: $input) {
    requisition { id status headcount budget approvalRequest { id stageCount } }
    errors { field code message }
  }
}
"""
REQUISITION_STATUS = """
query ($id: ID!) { node(id: $id) { ... on Requisition { status hired postings { status } } } }
"""
MINE = "query { myApprovals { id requestType subjectId title amount } }"
DECIDE = """
mutation ($id: ID!, $approve: Boolean!) {
  decideApproval(id: $id, approve: $approve, comment: "ok") {
    approvalRequest { status } errors { code message }
  }
}
"""
POSTING = """
mutation ($input: PostingInput!) {
  openPosting(input: $input) { posting { id status title } errors { field code message } }
}
"""
ADD = """
mutation ($input: CandidateInput!) {
  addCandidate(input: $input) {
    application { id stage source candidate { name phone email } }
    matchedExisting
    errors { field code message }
  }
}
"""
SCHEDULE = """
mutation ($input: InterviewInput!) {
  scheduleInterview(input: $input) {
    interview { id interviewerNames } errors { field code message }
  }
}
"""
SCORE = """
mutation ($input: ScorecardInput!) {
  submitScorecard(input: $input) { scorecard { mine recommendation } errors { field code } }
}
"""
MY_INTERVIEWS = """
query {
  myInterviews {
    id title awaitingMyScorecard
    scorecards { interviewerName mine submittedAt ratings { criterion score } }
    application { id candidate { name phone resume { fileName } } }
  }
}
"""
OFFER = """
mutation ($input: OfferInput!) {
  makeOffer(input: $input) {
    offer { status monthlySalary approvalRequest { id } } application { stage }
    errors { field code message }
  }
}
"""
RESPOND = """
mutation ($id: ID!, $accepted: Boolean!, $note: String!) {
  respondToOffer(applicationId: $id, accepted: $accepted, note: $note) {
    application { stage onboarding { key done } } errors { field code message }
  }
}
"""
HIRE = """
mutation ($input: HireInput!) {
  hireCandidate(input: $input) {
    employee { id employeeNumber name } application { stage }
    errors { field code message }
  }
}
"""
EMPLOYEE = """
query ($id: ID!) {
  employee(id: $id) {
    name status hireDate gender birthDate personalPhone baseSalary
    position { code } unit { code }
  }
  employeeRecord(employeeId: $id) {
    education { school degree major } workHistory { employer title }
    documents { type fileName }
  }
  contracts(employeeId: $id) { kind startDate endDate probationEnd }
  employeeTimeline(employeeId: $id) { event { kind } }
  employeeOnboarding(employeeId: $id) { key done doneBy }
}
"""
FUNNEL = """
query ($id: ID!) {
  recruitmentFunnel(postingId: $id) { source applied interviewed offered accepted hired }
}
"""
BOARD = """
query ($id: ID!) {
  applications(postingId: $id, first: 100) { totalCount edges { node { id stage } } }
}
"""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _errors(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return list(payload["errors"])


async def _approve_all(api: Api, w: World, subject: str, user: str = "hq_hr") -> None:
    """Approve every open stage of the request about `subject` (HQ HR stands in for a
    branch without a head)."""
    for _ in range(5):
        waiting = [
            r
            for r in (await api.data(MINE, as_=w.users[user]))["myApprovals"]
            if r["subjectId"] == subject
        ]
        if not waiting:
            return
        decided = await api.data(
            DECIDE, {"id": waiting[0]["id"], "approve": True}, as_=w.users[user]
        )
        assert decided["decideApproval"]["errors"] == [], decided


async def _requisition(api: Api, w: World, *, as_: str = "manager", headcount: int = 1) -> str:
    made = (
        await api.data(
            REQUISITION,
            {
                "input": {
                    "unitId": gid(w.units["SH-SALES-1"]),
                    "positionId": gid(w.positions["REP"]),
                    "headcount": headcount,
                    "budget": "120000",
                    "reason": "A second rep for Pudong",
                }
            },
            as_=w.users[as_],
        )
    )["createRequisition"]
    assert _errors(made) == [], made
    assert made["requisition"]["status"] == "PENDING"
    return str(made["requisition"]["id"])


async def _posting(api: Api, w: World, requisition: str) -> str:
    opened = (
        await api.data(
            POSTING,
            {"input": {"requisitionId": requisition, "title": "销售代表", "location": "上海"}},
            as_=w.users["branch_hr"],
        )
    )["openPosting"]
    assert _errors(opened) == [], opened
    return str(opened["posting"]["id"])


CANDIDATE = {
    "name": "林晓",
    "source": "REFERRAL",
    "phone": "138 0013 8000",
    "email": "Lin.Xiao@example.com",
    "gender": "FEMALE",
    "birthDate": "1998-05-04",
    "education": [
        {
            "school": "复旦大学",
            "degree": "学士",
            "major": "市场营销",
            "startDate": "2016-09-01",
            "endDate": "2020-06-30",
        }
    ],
    "workHistory": [
        {
            "employer": "上海某贸易公司",
            "title": "销售助理",
            "startDate": "2020-07-01",
            "endDate": "2024-12-31",
        }
    ],
}


async def _add(api: Api, w: World, posting: str, **extra: Any) -> dict[str, Any]:
    return dict(
        (
            await api.data(
                ADD,
                {"input": {**CANDIDATE, "postingId": posting, **extra}},
                as_=w.users["branch_hr"],
            )
        )["addCandidate"]
    )


async def _upload(api: Api, user: User, application: str, content: bytes) -> Any:
    return await api.http.post(
        f"/recruitment/resume?applicationId={application}&name=林晓简历.pdf",
        content=content,
        headers={
            "Authorization": f"Bearer {await api.token(user)}",
            "Content-Type": "application/octet-stream",
        },
    )


async def test_a_candidate_goes_from_posting_to_employee_with_what_they_gave(
    api: Api, world: World
) -> None:
    w = world
    requisition = await _requisition(api, w)
    # Not yet approved: it cannot be posted.
    early = (
        await api.data(
            POSTING,
            {"input": {"requisitionId": requisition, "title": "x"}},
            as_=w.users["branch_hr"],
        )
    )["openPosting"]
    assert [(e["field"], e["code"]) for e in early["errors"]] == [("requisitionId", "CONFLICT")]
    await _approve_all(api, w, requisition)
    assert (await api.data(REQUISITION_STATUS, {"id": requisition}, as_=w.users["manager"]))[
        "node"
    ]["status"] == "APPROVED"
    posting = await _posting(api, w, requisition)

    added = await _add(api, w, posting)
    assert _errors(added) == [] and added["matchedExisting"] is False
    application = added["application"]["id"]
    assert added["application"]["stage"] == "SCREENING"
    assert added["application"]["candidate"]["phone"] == "13800138000"
    assert added["application"]["candidate"]["email"] == "lin.xiao@example.com"
    # The same person again (the phone written differently): refused for this posting.
    again = await _add(api, w, posting, phone="+86 13800138000", email=None, name="林 晓")
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("phone", "DUPLICATE")]
    assert await Candidate.all().count() == 1 and await Application.all().count() == 1

    uploaded = await _upload(api, w.users["branch_hr"], application, PDF)
    assert uploaded.status_code == 201, uploaded.text
    assert (await _upload(api, w.users["bj_hr"], application, PDF)).status_code == 400

    scheduled = (
        await api.data(
            SCHEDULE,
            {
                "input": {
                    "applicationId": application,
                    "title": "业务面试",
                    "scheduledAt": "2026-12-10T02:00:00Z",
                    "interviewerIds": [gid(w.people["sh_sales_head"]), gid(w.people["sh_rep"])],
                    "shareResume": True,
                }
            },
            as_=w.users["branch_hr"],
        )
    )["scheduleInterview"]
    assert _errors(scheduled) == [], scheduled
    interview = scheduled["interview"]["id"]

    # The rep interviews: sees the candidate and the résumé HR shared (not the contacts) and
    # only their own empty scorecard until they submit it.
    mine = (await api.data(MY_INTERVIEWS, as_=w.users["employee"]))["myInterviews"]
    assert len(mine) == 1 and mine[0]["awaitingMyScorecard"] is True
    assert mine[0]["application"]["candidate"] == {
        "name": "林晓",
        "phone": None,
        "resume": {"fileName": "林晓简历.pdf"},
    }
    assert [(c["mine"], c["submittedAt"]) for c in mine[0]["scorecards"]] == [(True, None)]
    ratings = [
        {"criterion": c, "score": s}
        for c, s in [("SKILLS", 4), ("EXPERIENCE", 3), ("COMMUNICATION", 5), ("MOTIVATION", 4)]
    ]
    scored = (
        await api.data(
            SCORE,
            {"input": {"interviewId": interview, "ratings": ratings, "recommendation": "YES"}},
            as_=w.users["employee"],
        )
    )["submitScorecard"]
    assert _errors(scored) == [] and scored["scorecard"]["mine"] is True
    # A scorecard missing a criterion is refused; someone not on the panel is told "not found".
    partial = (
        await api.data(
            SCORE,
            {"input": {"interviewId": interview, "ratings": ratings[:3], "recommendation": "NO"}},
            as_=w.users["manager"],
        )
    )["submitScorecard"]
    assert [(e["field"], e["code"]) for e in partial["errors"]] == [
        ("ratings.motivation", "REQUIRED")
    ]
    outsider = (
        await api.data(
            SCORE,
            {"input": {"interviewId": interview, "ratings": ratings, "recommendation": "NO"}},
            as_=w.users["branch_hr"],
        )
    )["submitScorecard"]
    assert [e["code"] for e in outsider["errors"]] == ["NOT_FOUND"]
    strong = [{**r, "score": 5} for r in ratings]
    second = (
        await api.data(
            SCORE,
            {
                "input": {
                    "interviewId": interview,
                    "ratings": strong,
                    "recommendation": "STRONG_YES",
                }
            },
            as_=w.users["manager"],
        )
    )["submitScorecard"]
    assert _errors(second) == []
    mine = (await api.data(MY_INTERVIEWS, as_=w.users["employee"]))["myInterviews"]
    assert sorted((c["interviewerName"], c["mine"]) for c in mine[0]["scorecards"]) == [
        ("sh_rep name", True),
        ("sh_sales_head name", False),
    ]

    offer_input = {
        "applicationId": application,
        "monthlySalary": "9000",
        "startDate": "2027-01-04",
        "contractKind": "FIXED_TERM",
        "contractMonths": 36,
        "probationMonths": 7,
    }
    too_long = (await api.data(OFFER, {"input": offer_input}, as_=w.users["branch_hr"]))[
        "makeOffer"
    ]
    assert [(e["field"], e["code"]) for e in too_long["errors"]] == [("probationMonths", "INVALID")]
    offered = (
        await api.data(
            OFFER, {"input": {**offer_input, "probationMonths": 6}}, as_=w.users["branch_hr"]
        )
    )["makeOffer"]
    assert _errors(offered) == [], offered
    assert offered["offer"]["status"] == "PENDING" and offered["application"]["stage"] == "OFFER"
    early_answer = (
        await api.data(
            RESPOND, {"id": application, "accepted": True, "note": ""}, as_=w.users["branch_hr"]
        )
    )["respondToOffer"]
    assert [e["code"] for e in early_answer["errors"]] == ["CONFLICT"]
    offer_request = await api.data(MINE, as_=w.users["hq_hr"])
    offers = [r for r in offer_request["myApprovals"] if r["requestType"] == "OFFER"]
    assert [r["amount"] for r in offers] == ["9000.00"]
    await _approve_all(api, w, offers[0]["subjectId"])
    answered = (
        await api.data(
            RESPOND, {"id": application, "accepted": True, "note": ""}, as_=w.users["branch_hr"]
        )
    )["respondToOffer"]
    assert _errors(answered) == [], answered
    assert answered["application"]["stage"] == "ACCEPTED"
    assert [t["key"] for t in answered["application"]["onboarding"]] == [
        "sign_contract",
        "id_copy",
        "bank_account",
        "medical_check",
        "equipment",
        "orientation",
    ]

    hired = (
        await api.data(
            HIRE,
            {
                "input": {
                    "applicationId": application,
                    "managerId": gid(w.people["sh_sales_head"]),
                    "idNumber": id_number(777),
                }
            },
            as_=w.users["branch_hr"],
        )
    )["hireCandidate"]
    assert _errors(hired) == [], hired
    assert hired["application"]["stage"] == "HIRED"
    assert hired["employee"]["name"] == "林晓"
    employee_id = hired["employee"]["id"]

    record = await api.data(EMPLOYEE, {"id": employee_id}, as_=w.users["branch_hr"])
    assert record["employee"] == {
        "name": "林晓",
        "status": "PROBATION",
        "hireDate": "2027-01-04",
        "gender": "FEMALE",
        "birthDate": "1998-05-04",
        "personalPhone": "13800138000",
        "baseSalary": "9000.00",
        "position": {"code": "REP"},
        "unit": {"code": "SH-SALES-1"},
    }
    assert record["employeeRecord"]["education"] == [
        {"school": "复旦大学", "degree": "学士", "major": "市场营销"}
    ]
    assert record["employeeRecord"]["workHistory"] == [
        {"employer": "上海某贸易公司", "title": "销售助理"}
    ]
    assert record["employeeRecord"]["documents"] == [{"type": "RESUME", "fileName": "林晓简历.pdf"}]
    # 劳动合同法 art. 19: three years allow six months of probation.
    assert record["contracts"] == [
        {
            "kind": "FIXED_TERM",
            "startDate": "2027-01-04",
            "endDate": "2030-01-03",
            "probationEnd": "2027-07-03",
        }
    ]
    assert {"event": {"kind": "ONBOARDING"}} in record["employeeTimeline"]
    checklist = record["employeeOnboarding"]
    assert [(t["key"], t["done"]) for t in checklist][:2] == [
        ("sign_contract", True),
        ("id_copy", False),
    ]
    assert checklist[0]["doneBy"] == "branch_hr"

    status = (await api.data(REQUISITION_STATUS, {"id": requisition}, as_=w.users["manager"]))[
        "node"
    ]
    assert status == {"status": "FILLED", "hired": 1, "postings": [{"status": "CLOSED"}]}
    funnel = (await api.data(FUNNEL, {"id": posting}, as_=w.users["branch_hr"]))[
        "recruitmentFunnel"
    ]
    assert funnel == [
        {
            "source": "REFERRAL",
            "applied": 1,
            "interviewed": 1,
            "offered": 1,
            "accepted": 1,
            "hired": 1,
        }
    ]
    # Hiring twice is refused and writes nothing more.
    twice = (
        await api.data(HIRE, {"input": {"applicationId": application}}, as_=w.users["branch_hr"])
    )["hireCandidate"]
    assert [e["code"] for e in twice["errors"]] == ["CONFLICT"]


@pytest.mark.parametrize("user", ["bj_hr", "employee"])
async def test_another_branch_or_an_employee_does_not_see_the_pipeline(
    api: Api, world: World, user: str
) -> None:
    w = world
    requisition = await _requisition(api, w)
    await _approve_all(api, w, requisition)
    posting = await _posting(api, w, requisition)
    application = (await _add(api, w, posting))["application"]["id"]
    assert (await _upload(api, w.users["branch_hr"], application, PDF)).status_code == 201
    pk = (await Application.get()).id
    own = await api.http.get(
        f"/recruitment/resume/{pk}",
        headers={"Authorization": f"Bearer {await api.token(w.users['branch_hr'])}"},
    )
    assert own.status_code == 200 and own.content == PDF
    board = (await api.data(BOARD, {"id": posting}, as_=w.users[user]))["applications"]
    assert board["totalCount"] == 0
    node = await api.data(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": application}, as_=w.users[user]
    )
    assert node["node"] is None
    download = await api.http.get(
        f"/recruitment/resume/{pk}",
        headers={"Authorization": f"Bearer {await api.token(w.users[user])}"},
    )
    assert download.status_code == 404
