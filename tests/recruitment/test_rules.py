"""Recruitment's rules through the API: one person across postings, the board's moves, offers
routed and refused by the approval flow, headcount, the hire all or nothing, and a board that
costs as many statements for 60 candidates as for 6."""

from __future__ import annotations

from typing import Any

from talentloop.people.models import Employee
from talentloop.records.models import ArchiveDocument, Contract
from talentloop.recruitment.models import Application, Candidate, OnboardingTask
from tests.recruitment.test_pipeline import (
    ADD,
    DECIDE,
    HIRE,
    MINE,
    OFFER,
    PDF,
    POSTING,
    RESPOND,
    SCHEDULE,
    _add,
    _approve_all,
    _posting,
    _requisition,
    _upload,
)
from tests.support import Api, StatementCounter, World, gid

MOVE = """
mutation ($id: ID!, $stage: ApplicationStage!, $note: String!) {
  moveApplication(id: $id, stage: $stage, note: $note) {
    application { stage reason stageHistory { fromStage toStage note } }
    errors { field code message }
  }
}
"""
CLOSE = """
mutation ($id: ID!) { closeRequisition(id: $id) { requisition { status } errors { code } } }
"""
SAVE_FLOW = """
mutation ($input: ApprovalFlowInput!) {
  saveApprovalFlow(input: $input) { flow { flowId } errors { field code message } }
}
"""
OFFER_STATE = """
query ($id: ID!) {
  node(id: $id) {
    ... on Application {
      stage offer { status approvalRequest { status stageCount tasks { approverName } } }
    }
  }
}
"""


def _codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def _open(api: Api, w: World, headcount: int = 1) -> str:
    requisition = await _requisition(api, w, headcount=headcount)
    await _approve_all(api, w, requisition)
    return await _posting(api, w, requisition)


async def _interviewed(api: Api, w: World, posting: str, **extra: Any) -> str:
    added = await _add(api, w, posting, **extra)
    assert added["errors"] == [], added
    application = str(added["application"]["id"])
    scheduled = await api.data(
        SCHEDULE,
        {
            "input": {
                "applicationId": application,
                "title": "面试",
                "scheduledAt": "2026-12-10T02:00:00Z",
                "interviewerIds": [gid(w.people[p]) for p in ("sh_sales_head", "sh_rep")],
            }
        },
        as_=w.users["branch_hr"],
    )
    assert scheduled["scheduleInterview"]["errors"] == [], scheduled
    return application


async def _offer(api: Api, w: World, application: str, salary: str = "9000") -> dict[str, Any]:
    made = await api.data(
        OFFER,
        {
            "input": {
                "applicationId": application,
                "monthlySalary": salary,
                "startDate": "2027-01-04",
                "contractKind": "OPEN_ENDED",
                "probationMonths": 6,
            }
        },
        as_=w.users["branch_hr"],
    )
    return dict(made["makeOffer"])


async def _accepted(api: Api, w: World, posting: str, **extra: Any) -> str:
    application = await _interviewed(api, w, posting, **extra)
    offered = await _offer(api, w, application)
    assert offered["errors"] == [], offered
    offers = [r for r in (await api.data(MINE, as_=w.users["hq_hr"]))["myApprovals"]]
    for r in offers:
        if r["requestType"] == "OFFER":
            await _approve_all(api, w, r["subjectId"])
    answered = await api.data(
        RESPOND, {"id": application, "accepted": True, "note": ""}, as_=w.users["branch_hr"]
    )
    assert answered["respondToOffer"]["errors"] == [], answered
    return application


async def test_the_same_person_applying_to_another_posting_is_one_candidate(
    api: Api, world: World
) -> None:
    w = world
    first = await _open(api, w)
    second = await _open(api, w)
    await _add(api, w, first, gender=None, birthDate=None)
    # By e-mail this time (in other case), with what was missing the first time.
    again = await _add(
        api, w, second, phone=None, email="LIN.XIAO@example.com", birthDate="1998-05-04"
    )
    assert again["errors"] == [] and again["matchedExisting"] is True
    assert again["application"]["source"] == "REFERRAL"
    assert await Candidate.all().count() == 1
    candidate = await Candidate.get()
    assert str(candidate.birth_date) == "1998-05-04" and candidate.phone == "13800138000"
    assert await Application.filter(candidate_id=candidate.id).count() == 2


async def test_a_candidate_needs_a_way_to_be_reached_and_valid_details(
    api: Api, world: World
) -> None:
    posting = await _open(api, world)
    answer = await api.data(
        ADD,
        {
            "input": {
                "postingId": posting,
                "name": "",
                "source": "WEBSITE",
                "education": [{"school": "", "degree": "学士"}],
            }
        },
        as_=world.users["branch_hr"],
    )
    assert sorted(_codes(answer["addCandidate"])) == [
        ("education.0.school", "REQUIRED"),
        ("name", "REQUIRED"),
        ("phone", "REQUIRED"),
    ]
    bad = await _add(api, world, posting, phone="12345", email="not-an-address")
    assert sorted(_codes(bad)) == [("email", "INVALID"), ("phone", "INVALID")]
    assert await Candidate.all().count() == 0


async def test_the_boards_moves_and_their_history(api: Api, world: World) -> None:
    w = world
    posting = await _open(api, w)
    application = str((await _add(api, w, posting))["application"]["id"])

    async def move(stage: str, note: str = "") -> dict[str, Any]:
        answer = await api.data(
            MOVE, {"id": application, "stage": stage, "note": note}, as_=w.users["branch_hr"]
        )
        return dict(answer["moveApplication"])

    assert _codes(await move("OFFER")) == [("stage", "CONFLICT")]
    assert _codes(await move("HIRED")) == [("stage", "CONFLICT")]
    assert _codes(await move("REJECTED")) == [("note", "REQUIRED")]
    # The hiring manager reads the board but does not move it.
    manager = await api.data(
        MOVE, {"id": application, "stage": "INTERVIEW", "note": ""}, as_=w.users["manager"]
    )
    assert [e["code"] for e in manager["moveApplication"]["errors"]] == ["FORBIDDEN"]
    assert _codes(await move("INTERVIEW")) == []
    rejected = await move("REJECTED", "经验不足")
    assert rejected["application"]["reason"] == "经验不足"
    back = await move("SCREENING")
    assert [
        (c["fromStage"], c["toStage"], c["note"]) for c in back["application"]["stageHistory"]
    ] == [
        (None, "SCREENING", ""),
        ("SCREENING", "INTERVIEW", ""),
        ("INTERVIEW", "REJECTED", "经验不足"),
        ("REJECTED", "SCREENING", ""),
    ]


async def test_a_costly_offer_goes_on_to_hq_and_a_refused_one_cannot_be_accepted(
    api: Api, world: World
) -> None:
    w = world
    # Shanghai: the branch head decides offers; above 20,000 a month HQ HR too.
    saved = await api.data(
        SAVE_FLOW,
        {
            "input": {
                "requestType": "OFFER",
                "unitId": gid(w.units["SH"]),
                "steps": [
                    {"position": 0, "rule": "ROLE", "role": "BRANCH_HR"},
                    {"position": 1, "rule": "HQ_HR", "amountOver": "20000"},
                ],
            }
        },
        as_=w.users["hq_hr"],
    )
    assert saved["saveApprovalFlow"]["errors"] == [], saved
    posting = await _open(api, w, headcount=2)
    cheap = await _interviewed(api, w, posting)
    costly = await _interviewed(api, w, posting, phone="13900139000", email="b@example.com")
    # The offer's author is branch HR, who never approves their own request: the role
    # stage falls back to HQ HR.
    assert (await _offer(api, w, cheap, "9000"))["errors"] == []
    assert (await _offer(api, w, costly, "25000"))["errors"] == []
    states = {
        a: (await api.data(OFFER_STATE, {"id": a}, as_=w.users["hq_hr"]))["node"]
        for a in (cheap, costly)
    }
    assert states[cheap]["offer"]["approvalRequest"]["stageCount"] == 1
    assert states[costly]["offer"]["approvalRequest"]["stageCount"] == 2

    waiting = (await api.data(MINE, as_=w.users["hq_hr"]))["myApprovals"]
    refused = next(r for r in waiting if r["amount"] == "25000.00")
    decided = await api.data(DECIDE, {"id": refused["id"], "approve": False}, as_=w.users["hq_hr"])
    assert decided["decideApproval"]["errors"] == []
    after = (await api.data(OFFER_STATE, {"id": costly}, as_=w.users["branch_hr"]))["node"]
    assert after["stage"] == "OFFER" and after["offer"]["status"] == "REJECTED"
    answer = await api.data(
        RESPOND, {"id": costly, "accepted": True, "note": ""}, as_=w.users["branch_hr"]
    )
    assert [e["code"] for e in answer["respondToOffer"]["errors"]] == ["CONFLICT"]
    # A new offer replaces it and goes through the flow again.
    again = await _offer(api, w, costly, "19000")
    assert again["errors"] == [] and again["offer"]["status"] == "PENDING"


async def test_a_rejected_requisition_is_not_posted_and_a_closed_one_cancels_its_approval(
    api: Api, world: World
) -> None:
    w = world
    rejected = await _requisition(api, w)
    waiting = [
        r
        for r in (await api.data(MINE, as_=w.users["hq_hr"]))["myApprovals"]
        if r["subjectId"] == rejected
    ]
    await api.data(DECIDE, {"id": waiting[0]["id"], "approve": False}, as_=w.users["hq_hr"])
    posted = await api.data(
        POSTING, {"input": {"requisitionId": rejected, "title": "x"}}, as_=w.users["branch_hr"]
    )
    assert _codes(posted["openPosting"]) == [("requisitionId", "CONFLICT")]

    withdrawn = await _requisition(api, w)
    closed = await api.data(CLOSE, {"id": withdrawn}, as_=w.users["manager"])
    assert closed["closeRequisition"] == {"requisition": {"status": "CLOSED"}, "errors": []}
    assert not [
        r
        for r in (await api.data(MINE, as_=w.users["hq_hr"]))["myApprovals"]
        if r["subjectId"] == withdrawn
    ]


async def test_a_failed_hire_writes_nothing_and_a_filled_requisition_takes_no_more(
    api: Api, world: World
) -> None:
    w = world
    posting = await _open(api, w, headcount=1)
    first = await _accepted(api, w, posting)
    second = await _accepted(api, w, posting, phone="13900139000", email="b@example.com")
    await _upload(api, w.users["branch_hr"], first, PDF)
    employees, contracts = await Employee.all().count(), await Contract.all().count()
    documents = await ArchiveDocument.all().count()
    taken = w.people["sh_rep"].employee_number
    failed = await api.data(
        HIRE, {"input": {"applicationId": first, "employeeNumber": taken}}, as_=w.users["branch_hr"]
    )
    assert _codes(failed["hireCandidate"]) == [("employeeNumber", "DUPLICATE")]
    bad_id = await api.data(
        HIRE,
        {"input": {"applicationId": first, "idNumber": "110101199001011234"}},
        as_=w.users["branch_hr"],
    )
    assert _codes(bad_id["hireCandidate"]) == [("idNumber", "INVALID")]
    assert (await Employee.all().count(), await Contract.all().count()) == (employees, contracts)
    assert await ArchiveDocument.all().count() == documents
    application = await Application.filter(stage="accepted").order_by("id").first()
    assert application is not None and application.employee_id is None
    assert await OnboardingTask.filter(employee_id__not_isnull=True).count() == 0

    hired = await api.data(HIRE, {"input": {"applicationId": first}}, as_=w.users["branch_hr"])
    assert hired["hireCandidate"]["errors"] == [], hired
    number = hired["hireCandidate"]["employee"]["employeeNumber"]
    assert number.startswith("A") and len(number) == 6
    full = await api.data(HIRE, {"input": {"applicationId": second}}, as_=w.users["branch_hr"])
    assert [e["code"] for e in full["hireCandidate"]["errors"]] == ["CONFLICT"]
    assert "headcount" in full["hireCandidate"]["errors"][0]["message"]
    # The second candidate withdraws after all: declined, their offer too.
    withdrew = await api.data(
        MOVE, {"id": second, "stage": "DECLINED", "note": "另有工作"}, as_=w.users["branch_hr"]
    )
    assert withdrew["moveApplication"]["errors"] == []
    state = await api.data(OFFER_STATE, {"id": second}, as_=w.users["branch_hr"])
    assert (state["node"]["stage"], state["node"]["offer"]["status"]) == ("DECLINED", "DECLINED")


async def test_a_board_costs_the_same_statements_for_60_candidates_as_for_6(
    api: Api, world: World
) -> None:
    w = world
    posting = await _open(api, w, headcount=5)
    board = """
    query ($id: ID!) {
      applications(postingId: $id, first: 100) {
        edges { node {
          id stage source createdAt
          candidate { name phone email education { school } resume { fileName } }
          posting { title } unit { name }
          interviews { title interviewerNames scorecards { interviewerName recommendation } }
          offer { status approvalRequest { status } }
          onboarding { key done }
          stageHistory { toStage }
        } }
      }
    }
    """

    async def count() -> int:
        await api.data(board, {"id": posting}, as_=w.users["branch_hr"])
        with StatementCounter() as counter:
            await api.data(board, {"id": posting}, as_=w.users["branch_hr"])
        return counter.count

    async def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            application = await _interviewed(
                api, w, posting, phone=f"1390000{i:04d}", email=f"c{i}@example.com"
            )
            if i % 3 == 0:
                await _offer(api, w, application)

    await add(6, 0)
    small = await count()
    await add(54, 6)
    assert await count() == small
