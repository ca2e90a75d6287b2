"""Approvals cannot be bypassed (issue 18 point 1): a request nobody but its own people would
approve never approves itself — a flow whose steps never apply, a named approver whose role
does not decide the type, a stage left with no one fall back to the type's default plan, and
the guarded types' flows are HQ HR's to edit, refused when they could come out empty."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from talentloop.accounts.models import User
from talentloop.approvals import service as approvals
from talentloop.approvals.models import (
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    ApprovalTask,
    ApproverRule,
    RequestType,
    TaskStatus,
)
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.org.models import OrgUnit
from tests.support import Api, World, gid

SAVE_FLOW = """
mutation ($input: ApprovalFlowInput!) {
  saveApprovalFlow(input: $input) { flow { flowId } errors { field code message } }
}
"""
EXPORT = """mutation($i: RequestSensitiveExportInput!) {
  requestSensitiveExport(input: $i) { export { id status } errors { field code message } }
}"""
LEAVE = """
mutation { requestLeave(input: {leaveType: PERSONAL, startDate: "2026-12-07", endDate: "2026-12-07"}) {
  leaveRequest { id status } errors { code } } }
"""
REASON = "社保年度基数申报：需要上海分公司全员身份证号与银行账号"
NEVER = [{"position": 0, "rule": "HQ_HR", "daysOver": 0}]  # exports have no days: never applies


async def _save(
    api: Api, w: World, user: str, request_type: str, steps: list[dict[str, Any]], unit: str | None
) -> list[dict[str, Any]]:
    given: dict[str, Any] = {"requestType": request_type, "steps": steps}
    if unit is not None:
        given["unitId"] = gid(w.units[unit])
    data = await api.data(SAVE_FLOW, {"input": given}, as_=w.users[user])
    return list(data["saveApprovalFlow"]["errors"])


async def _stored_flow(
    request_type: RequestType, unit: OrgUnit | None, **step: Any
) -> ApprovalFlow:
    """A flow as it may already be stored (saved before these rules, or by a migration)."""
    flow = await ApprovalFlow.create(request_type=request_type, unit=unit, name="stored")
    await ApprovalStep.create(flow=flow, position=0, **step)
    return flow


async def _export(api: Api, w: World, user: str, unit: str = "SH") -> ApprovalRequest:
    data = await api.data(
        EXPORT, {"i": {"unitId": gid(w.units[unit]), "reason": REASON}}, as_=w.users[user]
    )
    assert data["requestSensitiveExport"]["errors"] == [], data
    return await ApprovalRequest.filter(request_type=RequestType.DATA_EXPORT).order_by("-id").get()


async def _approvers(request: ApprovalRequest) -> set[str]:
    tasks = await ApprovalTask.filter(
        request_id=request.id, status=TaskStatus.PENDING
    ).prefetch_related("approver")
    return {t.approver.username for t in tasks}  # type: ignore[union-attr]


async def test_branch_hr_cannot_write_an_export_flow_that_never_asks_anyone(
    api: Api, world: World
) -> None:
    """The issue's case: hr.shanghai's export flow with one step that never applies."""
    w = world
    refused = await _save(api, w, "branch_hr", "DATA_EXPORT", NEVER, "SH")
    assert [(e["field"], e["code"]) for e in refused] == [("requestType", "FORBIDDEN")]
    # HQ HR may edit it, but not into a flow some request would meet with no step at all.
    empty = await _save(api, w, "hq_hr", "DATA_EXPORT", NEVER, "SH")
    assert [(e["field"], e["code"]) for e in empty] == [("steps", "INVALID")]
    empty = await _save(api, w, "hq_hr", "DATA_EXPORT", NEVER, None)
    assert [(e["field"], e["code"]) for e in empty] == [("steps", "INVALID")]
    assert await ApprovalFlow.all().count() == 0
    request = await _export(api, w, "branch_hr")
    assert request.status is ApprovalStatus.PENDING
    assert await _approvers(request) == {"hq_hr"}


async def test_a_stored_flow_that_never_applies_falls_back_to_hq_hr_for_an_export(
    api: Api, world: World
) -> None:
    w = world
    await _stored_flow(RequestType.DATA_EXPORT, w.units["SH"], rule=ApproverRule.HQ_HR, days_over=0)
    request = await _export(api, w, "branch_hr")
    assert request.status is ApprovalStatus.PENDING
    assert await _approvers(request) == {"hq_hr"}
    assert len(request.plan) == 1 and request.plan[0]["fallback"] is True


async def test_the_only_hq_hr_with_a_company_default_that_never_applies_is_refused(
    api: Api, world: World
) -> None:
    """The same on the company default as hr.hq: the default approver is HQ HR, and there is no
    HQ HR but the requester — rejected, never approved."""
    w = world
    await _stored_flow(RequestType.DATA_EXPORT, None, rule=ApproverRule.HQ_HR, days_over=0)
    request = await _export(api, w, "hq_hr")
    assert request.status is ApprovalStatus.REJECTED


async def test_an_export_approver_must_be_hr_when_named_and_when_asked(
    api: Api, world: World
) -> None:
    """A sales rep (or a sales manager) cannot approve a data export: refused when named, and
    left out (to HQ HR) if a stored flow names them."""
    w = world
    rep = [{"position": 0, "rule": "USER", "employeeId": gid(w.people["sh_rep"])}]
    refused = await _save(api, w, "hq_hr", "DATA_EXPORT", rep, "SH")
    assert [(e["field"], e["code"]) for e in refused] == [("steps.0", "INVALID")]
    managers = [{"position": 0, "rule": "ROLE", "role": "MANAGER"}]
    refused = await _save(api, w, "hq_hr", "DATA_EXPORT", managers, "SH")
    assert [(e["field"], e["code"]) for e in refused] == [("steps.0", "INVALID")]
    # The same rep is a fine approver of a leave.
    assert await _save(api, w, "branch_hr", "LEAVE", rep, "SH-PROD") == []
    await _stored_flow(
        RequestType.DATA_EXPORT, w.units["SH"], rule=ApproverRule.USER, user=w.users["manager"]
    )
    request = await _export(api, w, "branch_hr")
    assert await _approvers(request) == {"hq_hr"}


async def test_branch_hr_edits_everyday_flows_and_hq_hr_the_guarded_ones(
    api: Api, world: World
) -> None:
    w = world
    step = [{"position": 0, "rule": "HQ_HR"}]
    for request_type in ("LEAVE", "OVERTIME"):
        assert await _save(api, w, "branch_hr", request_type, step, "SH") == []
    for request_type in (
        "DATA_EXPORT",
        "PAYROLL_RUN",
        "PAY_RESTORE",
        "OFFER",
        "REQUISITION",
        "TRAINING_ENROLMENT",
    ):
        refused = await _save(api, w, "branch_hr", request_type, step, "SH")
        assert [e["code"] for e in refused] == ["FORBIDDEN"], request_type
        assert await _save(api, w, "hq_hr", request_type, step, "SH") == [], request_type
        # Removing one is editing it too.
        refused = await _save(api, w, "branch_hr", request_type, [], "SH")
        assert [e["code"] for e in refused] == ["FORBIDDEN"], request_type


async def test_a_leave_flow_that_never_applies_falls_back_to_the_default_plan(
    api: Api, world: World
) -> None:
    """An everyday type: the flow may be saved, but a one-day leave it asks no one about goes
    to the default approvers (the manager …), not straight to approved."""
    w = world
    assert await _save(api, w, "branch_hr", "LEAVE", [{"position": 0, "rule": "BRANCH_HEAD", "daysOver": 3}], "SH") == []  # fmt: skip
    asked = await api.data(LEAVE, as_=w.users["employee"])
    assert asked["requestLeave"]["leaveRequest"]["status"] == "PENDING"
    request = await ApprovalRequest.get(request_type=RequestType.LEAVE)
    assert request.status is ApprovalStatus.PENDING
    assert "manager" in await _approvers(request)


async def test_a_leave_nobody_but_the_requester_could_approve_is_rejected(
    api: Api, world: World
) -> None:
    """HQ HR's own leave, with no manager, where the flow names only HQ HR: nobody is left, not
    even in the default plan — rejected, never approved."""
    w = world
    await _stored_flow(RequestType.LEAVE, None, rule=ApproverRule.HQ_HR)
    # The CEO (hq_hr's manager, with no one above) cannot sign in: nobody above hq_hr approves.
    await User.filter(id=w.users["executive"].id).update(is_active=False)
    asked = await api.data(LEAVE, as_=w.users["hq_hr"])
    assert asked["requestLeave"]["errors"] == []
    request = await ApprovalRequest.get(request_type=RequestType.LEAVE)
    assert request.status is ApprovalStatus.REJECTED


async def test_every_flow_edit_is_audited_with_before_and_after(api: Api, world: World) -> None:
    w = world
    first = [{"position": 0, "rule": "MANAGER"}]
    second = [{"position": 0, "rule": "MANAGER"}, {"position": 1, "rule": "HQ_HR", "daysOver": 2}]
    assert await _save(api, w, "branch_hr", "LEAVE", first, "SH") == []
    assert await _save(api, w, "branch_hr", "LEAVE", second, "SH") == []
    assert await _save(api, w, "branch_hr", "LEAVE", [], "SH") == []
    entries = await AuditEntry.filter(subject_type="ApprovalFlow").order_by("id")
    sh = w.units["SH"].id
    manager = {"position": 0, "mode": "all", "rule": "manager", "level": 0}
    later = {"position": 1, "mode": "all", "rule": "hq_hr", "level": 0, "daysOver": 2}
    one = {"requestType": "leave", "unitId": sh, "name": "", "steps": [manager]}
    two = {**one, "steps": [manager, later]}
    assert [(e.action, e.actor_username, e.before, e.after) for e in entries] == [
        (AuditAction.CREATE, "branch_hr", None, one),
        (AuditAction.UPDATE, "branch_hr", one, two),
        (AuditAction.DELETE, "branch_hr", two, None),
    ]


async def test_a_delegate_whose_role_does_not_decide_an_export_cannot_release_it(
    api: Api, world: World
) -> None:
    """HQ HR away, a sales rep standing in: the rep decides HQ HR's leave tasks, never an
    export's — that waits for HQ HR."""
    w = world
    today = approvals.china_today()
    delegated = await api.data(
        """mutation ($input: DelegationInput!) {
             delegateApprovals(input: $input) { errors { code } } }""",
        {
            "input": {
                "toEmployeeId": gid(w.people["sh_rep"]),
                "startDate": today.isoformat(),
                "endDate": (today + timedelta(days=3)).isoformat(),
            }
        },
        as_=w.users["hq_hr"],
    )
    assert delegated["delegateApprovals"]["errors"] == []
    request = await _export(api, w, "branch_hr")
    assert await _approvers(request) == {"hq_hr"}
    mine = await api.data("query { myApprovals { id canDecide } }", as_=w.users["employee"])
    assert mine["myApprovals"] == []
    decided = await api.data(
        """mutation ($id: ID!) { decideApproval(id: $id, approve: true) {
             approvalRequest { status } errors { code } } }""",
        {"id": gid(request)},
        as_=w.users["employee"],
    )
    assert decided["decideApproval"]["errors"] == [{"code": "FORBIDDEN"}]
    assert (await ApprovalRequest.get(id=request.id)).status is ApprovalStatus.PENDING
