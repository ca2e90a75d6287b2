"""Enrolments that cost money run through the approvals engine (Issue 11): the learner's
cash cost is the request's amount, so a flow's amount condition routes a costly one on to HQ
HR; the enrolment takes its seat only once approved. A free enrolment needs no approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from talentloop.accounts.models import Role
from talentloop.approvals.models import ApprovalRequest, ApprovalStatus, RequestType
from talentloop.training.models import CourseSession, Enrollment, EnrollmentStatus
from tests.support import Api, World, add_user, gid
from tests.training.conftest import Library

ENROLL = """mutation($c: ID!, $s: ID) {
  enrollInCourse(input: {courseId: $c, sessionId: $s}) {
    enrollment { id status } errors { field code }
  }
}"""
COST = """mutation($c: ID!, $s: ID, $a: Decimal!) {
  addCourseCostItem(input: {courseId: $c, sessionId: $s, kind: FEE, amount: $a, perParticipant: true}) {
    errors { code }
  }
}"""
FLOW = """mutation ($input: ApprovalFlowInput!) {
  saveApprovalFlow(input: $input) { flow { flowId } errors { field code message } }
}"""
MINE = "query { myApprovals { id requestType title amount stage stageCount subjectId } }"
DECIDE = """mutation ($id: ID!, $approve: Boolean!) {
  decideApproval(id: $id, approve: $approve, comment: "") { approvalRequest { status } errors { code } }
}"""
STATUS = "query($id: ID!) { node(id: $id) { ... on Enrollment { status } } }"
CANCEL = (
    "mutation($id: ID!) { cancelEnrollment(id: $id) { enrollment { status } errors { code } } }"
)


async def _cost(api: Api, w: World, course: object, session: object | None, amount: int) -> None:
    variables = {"c": gid(course), "s": gid(session) if session else None, "a": str(amount)}  # type: ignore[arg-type]
    added = await api.data(COST, variables, as_=w.users["hq_hr"])
    assert added["addCourseCostItem"]["errors"] == []


async def _enrol(
    api: Api, w: World, user: str, course: object, session: object | None
) -> dict[str, Any]:
    variables = {"c": gid(course), "s": gid(session) if session else None}  # type: ignore[arg-type]
    data = await api.data(ENROLL, variables, as_=w.users[user])
    assert data["enrollInCourse"]["errors"] == [], data
    return dict(data["enrollInCourse"]["enrollment"])


async def _waiting(api: Api, w: World, user: str) -> list[dict[str, Any]]:
    return list((await api.data(MINE, as_=w.users[user]))["myApprovals"])


async def _decide(api: Api, w: World, user: str, request_id: str, approve: bool = True) -> str:
    data = await api.data(DECIDE, {"id": request_id, "approve": approve}, as_=w.users[user])
    assert data["decideApproval"]["errors"] == [], data
    return str(data["decideApproval"]["approvalRequest"]["status"])


async def _status(api: Api, w: World, enrollment_id: str, user: str = "employee") -> str:
    return str((await api.data(STATUS, {"id": enrollment_id}, as_=w.users[user]))["node"]["status"])


async def test_an_amount_condition_sends_a_costly_enrolment_on_to_hq_hr_and_a_cheap_one_not(
    api: Api, library: Library
) -> None:
    w = library.world
    # Shanghai: the manager approves what an enrolment costs, HQ HR too above 10,000.
    steps = [
        {"position": 0, "rule": "MANAGER"},
        {"position": 1, "rule": "HQ_HR", "amountOver": "10000"},
    ]
    saved = await api.data(
        FLOW,
        {
            "input": {
                "requestType": "TRAINING_ENROLMENT",
                "unitId": gid(w.units["SH"]),
                "steps": steps,
            }
        },
        as_=w.users["hq_hr"],  # a guarded type: HQ HR edits its flows,
    )
    assert saved["saveApprovalFlow"]["errors"] == []
    await _cost(api, w, library.questions, library.questions_session, 3000)
    await _cost(api, w, library.negotiation, library.negotiation_session, 12000)

    cheap = await _enrol(api, w, "employee", library.questions, library.questions_session)
    costly = await _enrol(api, w, "employee", library.negotiation, library.negotiation_session)
    assert (cheap["status"], costly["status"]) == ("PENDING", "PENDING")
    # Pending enrolments hold no seat yet.
    assert (
        await Enrollment.filter(
            session_id=library.questions_session.id, status=EnrollmentStatus.ENROLLED
        ).count()
        == 0
    )

    waiting = await _waiting(api, w, "manager")
    assert sorted(
        (r["subjectId"], Decimal(r["amount"]), r["stageCount"]) for r in waiting
    ) == sorted([(cheap["id"], Decimal(3000), 1), (costly["id"], Decimal(12000), 2)])
    assert {r["requestType"] for r in waiting} == {"TRAINING_ENROLMENT"}
    assert any(
        r["title"].startswith("sh_rep name · Q1 《如何通过提问识别客户需求》 ") for r in waiting
    )
    by_subject = {r["subjectId"]: r["id"] for r in waiting}

    # The cheap one: the manager's approval confirms it; HQ HR never sees it.
    assert await _decide(api, w, "manager", by_subject[cheap["id"]]) == "APPROVED"
    assert await _status(api, w, cheap["id"]) == "ENROLLED"
    # The costly one goes on to HQ HR; confirmed by them, on the full session's waitlist.
    assert await _decide(api, w, "manager", by_subject[costly["id"]]) == "PENDING"
    assert await _status(api, w, costly["id"]) == "PENDING"
    at_hq = await _waiting(api, w, "hq_hr")
    assert [(r["subjectId"], r["stage"]) for r in at_hq] == [(costly["id"], 1)]
    # Meanwhile the session's one seat went to someone else: approved, it joins the waitlist.
    await CourseSession.filter(id=library.negotiation_session.id).update(capacity=0)
    assert await _decide(api, w, "hq_hr", at_hq[0]["id"]) == "APPROVED"
    assert await _status(api, w, costly["id"]) == "WAITLISTED"


async def test_a_free_enrolment_needs_no_approval(api: Api, library: Library) -> None:
    w = library.world
    free = await _enrol(api, w, "employee", library.questions, library.questions_session)
    assert free["status"] == "ENROLLED"
    assert not await ApprovalRequest.filter(request_type=RequestType.TRAINING_ENROLMENT).exists()
    assert await _waiting(api, w, "manager") == []


async def test_a_rejected_enrolment_is_cancelled_and_a_withdrawn_one_closes_its_request(
    api: Api, library: Library
) -> None:
    w = library.world
    await add_user(w, "rep2", Role.EMPLOYEE, "sh_rep2")
    await _cost(api, w, library.questions, None, 800)  # a course-wide fee per learner
    # No flow configured: the learner's manager (or HR in scope) decides.
    mine = await _enrol(api, w, "employee", library.questions, library.questions_session)
    theirs = await _enrol(api, w, "rep2", library.questions, library.questions_session)
    waiting = {r["subjectId"]: r["id"] for r in await _waiting(api, w, "manager")}
    assert set(waiting) == {mine["id"], theirs["id"]}
    assert {r["subjectId"] for r in await _waiting(api, w, "branch_hr")} == set(waiting)
    assert await _decide(api, w, "manager", waiting[theirs["id"]], approve=False) == "REJECTED"
    assert await _status(api, w, theirs["id"], "rep2") == "CANCELLED"
    # The learner withdraws the pending one: its request is cancelled, nobody waits on it.
    withdrawn = await api.data(CANCEL, {"id": mine["id"]}, as_=w.users["employee"])
    assert withdrawn["cancelEnrollment"] == {"enrollment": {"status": "CANCELLED"}, "errors": []}
    request = await ApprovalRequest.filter(request_type=RequestType.TRAINING_ENROLMENT).order_by(
        "id"
    )
    assert [r.status for r in request] == [ApprovalStatus.CANCELLED, ApprovalStatus.REJECTED]
    assert await _waiting(api, w, "manager") == []
    # Enrolling again after a rejection asks again.
    again = await _enrol(api, w, "rep2", library.questions, library.questions_session)
    assert again["status"] == "PENDING"
    assert [r["subjectId"] for r in await _waiting(api, w, "manager")] == [again["id"]]
