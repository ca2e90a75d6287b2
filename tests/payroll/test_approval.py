"""A payroll run's review on the approvals engine (Issue 11): submitting it asks the branch head,
then HQ HR; their approval locks it, a rejection sends it back to draft, HR withdrawing it or
recomputing it closes the request."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from talentloop.accounts.models import Role
from talentloop.approvals.models import (
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    ApproverRule,
    RequestType,
)
from talentloop.org.models import OrgUnit
from talentloop.payroll.models import PayrollRun
from tests.payroll.conftest import JAN, Pay, finish
from tests.support import Api, World, add_person, add_user, gid

RUN = 'mutation {{ {name}(id: "{id}") {{ run {{ status }} errors {{ code }} }} }}'
MINE = "query { myApprovals { id requestType title amount stage stageCount canDecide subjectId } }"
DECIDE = """
mutation ($id: ID!, $approve: Boolean!) {
  decideApproval(id: $id, approve: $approve, comment: "checked") {
    approvalRequest { status stage } errors { code }
  }
}
"""
SAVE_FLOW = """
mutation ($input: ApprovalFlowInput!) {
  saveApprovalFlow(input: $input) { flow { flowId } errors { field code message } }
}
"""


@pytest.fixture
async def sh(pay: Pay) -> World:
    """The pay world with a head of the Shanghai branch (user sh_head)."""
    w = pay.world
    await add_person(w, "sh_head_person", "SH", "ceo")
    await OrgUnit.filter(id=w.units["SH"].id).update(manager_id=w.people["sh_head_person"].id)
    await add_user(w, "sh_head", Role.MANAGER, "sh_head_person", "SH")
    return w


async def _run(api: Api, w: World, name: str, run_id: int, user: str) -> dict[str, Any]:
    data = await api.data(
        RUN.format(name=name, id=gid(await PayrollRun.get(id=run_id))), as_=w.users[user]
    )
    return dict(data[name])


async def _submitted(api: Api, pay: Pay, unit: str = "SH-SALES") -> PayrollRun:
    run = await pay.run(unit, JAN)
    assert await _run(api, pay.world, "submitPayrollRun", run.id, "branch_hr") == {
        "run": {"status": "REVIEW"},
        "errors": [],
    }
    return await PayrollRun.get(id=run.id)


async def _waiting(api: Api, w: World, user: str) -> list[dict[str, Any]]:
    return list((await api.data(MINE, as_=w.users[user]))["myApprovals"])


async def test_the_branch_head_then_hq_hr_approve_a_run_and_it_is_locked(
    api: Api, pay: Pay, sh: World
) -> None:
    w = sh
    run = await _submitted(api, pay)
    # The branch head finds it with the run's gross pay as its amount; HQ HR not yet.
    waiting = await _waiting(api, w, "sh_head")
    assert [(r["requestType"], r["title"], D(r["amount"]), r["stage"], r["stageCount"]) for r in waiting] == [
        ("PAYROLL_RUN", "SH-SALES unit 2026-01", run.gross, 0, 2)
    ]  # fmt: skip
    assert waiting[0]["subjectId"] == gid(run) and waiting[0]["canDecide"] is True
    assert await _waiting(api, w, "hq_hr") == []
    # The HR who submitted it is no approver of it; nor is HR of another branch.
    assert (await _run(api, w, "approvePayrollRun", run.id, "branch_hr"))["errors"] == [
        {"code": "FORBIDDEN"}
    ]
    assert (await _run(api, w, "approvePayrollRun", run.id, "bj_hr"))["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    # The head approves in their approvals list; the run waits for HQ HR.
    decided = await api.data(
        DECIDE, {"id": waiting[0]["id"], "approve": True}, as_=w.users["sh_head"]
    )
    assert decided["decideApproval"] == {
        "approvalRequest": {"status": "PENDING", "stage": 1},
        "errors": [],
    }
    assert (await PayrollRun.get(id=run.id)).status.value == "review"
    assert (await _run(api, w, "recomputePayrollRun", run.id, "branch_hr"))["errors"] == [
        {"code": "INVALID"}
    ]
    # HQ HR approves through the run's own mutation: approved, by them, and locked.
    assert await _run(api, w, "approvePayrollRun", run.id, "hq_hr") == {
        "run": {"status": "APPROVED"},
        "errors": [],
    }
    approved = await PayrollRun.get(id=run.id)
    assert approved.approved_by_id == w.users["hq_hr"].id and approved.approved_at is not None
    for name in ("recomputePayrollRun", "submitPayrollRun", "returnPayrollRun"):
        assert (await _run(api, w, name, run.id, "branch_hr"))["errors"] == [{"code": "LOCKED"}]
    request = await ApprovalRequest.get(request_type=RequestType.PAYROLL_RUN, subject_id=run.id)
    assert request.status is ApprovalStatus.APPROVED
    assert await _waiting(api, w, "hq_hr") == []


async def test_a_rejection_sends_the_run_back_to_draft_and_a_new_review_asks_again(
    api: Api, pay: Pay, sh: World
) -> None:
    w = sh
    run = await _submitted(api, pay)
    # The head rejects through the run's "return" mutation: that is their rejection.
    assert await _run(api, w, "returnPayrollRun", run.id, "sh_head") == {"run": None, "errors": []}
    assert (await PayrollRun.get(id=run.id)).status.value == "draft"
    first = await ApprovalRequest.get(request_type=RequestType.PAYROLL_RUN, subject_id=run.id)
    assert first.status is ApprovalStatus.REJECTED
    assert await _waiting(api, w, "sh_head") == []
    # Corrected and recomputed, submitted again: a new request, the head asked again.
    await finish((await pay.run("SH-SALES", JAN)).id)
    await _submitted(api, pay)
    assert [r["stage"] for r in await _waiting(api, w, "sh_head")] == [0]
    assert (
        await ApprovalRequest.filter(subject_id=run.id, status=ApprovalStatus.PENDING).count() == 1
    )
    # A rejection in the approvals list does the same.
    request_id = (await _waiting(api, w, "sh_head"))[0]["id"]
    decided = await api.data(DECIDE, {"id": request_id, "approve": False}, as_=w.users["sh_head"])
    assert decided["decideApproval"]["approvalRequest"] == {"status": "REJECTED", "stage": 0}
    assert (await PayrollRun.get(id=run.id)).status.value == "draft"


async def test_hr_withdrawing_a_run_under_review_cancels_its_request(
    api: Api, pay: Pay, sh: World
) -> None:
    w = sh
    run = await _submitted(api, pay)
    assert await _run(api, w, "returnPayrollRun", run.id, "branch_hr") == {
        "run": {"status": "DRAFT"},
        "errors": [],
    }
    request = await ApprovalRequest.get(request_type=RequestType.PAYROLL_RUN, subject_id=run.id)
    assert request.status is ApprovalStatus.CANCELLED
    assert await _waiting(api, w, "sh_head") == []
    # Someone with no part in it cannot send it back either.
    await _submitted(api, pay)
    assert (await _run(api, w, "returnPayrollRun", run.id, "manager"))["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    assert (await _run(api, w, "returnPayrollRun", run.id, "bj_hr"))["errors"] == [
        {"code": "NOT_FOUND"}
    ]


async def test_a_flow_with_an_amount_condition_asks_hq_hr_only_for_a_large_payroll(
    api: Api, pay: Pay, sh: World
) -> None:
    w = sh
    steps = [
        {"position": 0, "rule": "BRANCH_HEAD"},
        {"position": 1, "rule": "HQ_HR", "amountOver": "100000"},
    ]
    saved = await api.data(
        SAVE_FLOW,
        {"input": {"requestType": "PAYROLL_RUN", "unitId": gid(w.units["SH"]), "steps": steps}},
        as_=w.users["hq_hr"],  # a guarded type: HQ HR edits its flows,
    )
    assert saved["saveApprovalFlow"]["errors"] == []
    run = await _submitted(api, pay)  # three people: far below 100,000
    assert run.gross < D(100000)
    waiting = await _waiting(api, w, "sh_head")
    assert [r["stageCount"] for r in waiting] == [1]
    decided = await api.data(
        DECIDE, {"id": waiting[0]["id"], "approve": True}, as_=w.users["sh_head"]
    )
    assert decided["decideApproval"]["approvalRequest"] == {"status": "APPROVED", "stage": 0}
    approved = await PayrollRun.get(id=run.id)
    assert approved.status.value == "approved"
    assert approved.approved_by_id == w.users["sh_head"].id


RUN_APPROVAL = """
query ($id: ID!) {
  payrollRun(id: $id) {
    status approvalRequest { status stage stageCount tasks { stage approverName status } }
  }
}
"""


async def test_the_run_page_shows_its_approval_with_who_decides_each_stage(
    api: Api, pay: Pay, sh: World
) -> None:
    w = sh
    run = await pay.run("SH-SALES", JAN)
    before = await api.data(RUN_APPROVAL, {"id": gid(run)}, as_=w.users["branch_hr"])
    assert before["payrollRun"]["approvalRequest"] is None
    await _submitted(api, pay)
    answer = (await api.data(RUN_APPROVAL, {"id": gid(run)}, as_=w.users["branch_hr"]))[
        "payrollRun"
    ]
    assert answer["status"] == "REVIEW"
    approval = answer["approvalRequest"]
    assert (approval["status"], approval["stage"], approval["stageCount"]) == ("PENDING", 0, 2)
    assert approval["tasks"] == [
        {"stage": 0, "approverName": "sh_head_person name", "status": "PENDING"}
    ]
    # HR of another branch does not see the run at all.
    other = await api.data(RUN_APPROVAL, {"id": gid(run)}, as_=w.users["bj_hr"])
    assert other["payrollRun"] is None


async def test_a_payroll_flow_that_never_applies_cannot_approve_a_run_by_itself(
    api: Api, pay: Pay, sh: World
) -> None:
    """Issue 18: a company default whose only step never applies (a run has no days) is refused
    when saved; one already stored falls back to the default plan (the branch head, then HQ
    HR) instead of approving the run with no stage at all."""
    w = sh
    never = [{"position": 0, "rule": "HQ_HR", "daysOver": 0}]
    saved = await api.data(
        SAVE_FLOW, {"input": {"requestType": "PAYROLL_RUN", "steps": never}}, as_=w.users["hq_hr"]
    )
    assert [(e["field"], e["code"]) for e in saved["saveApprovalFlow"]["errors"]] == [
        ("steps", "INVALID")
    ]
    flow = await ApprovalFlow.create(request_type=RequestType.PAYROLL_RUN, unit=None)
    await ApprovalStep.create(flow=flow, position=0, rule=ApproverRule.HQ_HR, days_over=0)
    run = await _submitted(api, pay)
    assert run.status.value == "review"
    waiting = await _waiting(api, w, "sh_head")
    assert [(r["requestType"], r["stage"], r["stageCount"]) for r in waiting] == [
        ("PAYROLL_RUN", 0, 2)
    ]
    request = await ApprovalRequest.get(request_type=RequestType.PAYROLL_RUN, subject_id=run.id)
    assert request.status is ApprovalStatus.PENDING
