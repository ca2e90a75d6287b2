"""Nobody approves a payroll run that pays them (Issue 18, point 3): the approvals engine leaves
everyone a run pays out of its approvers — the branch head of the branch it pays, a delegate —
so the run goes to someone else; with no one else left it is rejected, never waved through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import Role
from talentloop.approvals import service as approvals
from talentloop.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalTask,
    EventKind,
    RequestType,
)
from talentloop.org.models import OrgUnit
from talentloop.payroll import service
from talentloop.payroll.models import PayrollRun, Payslip, RunStatus
from tests.payroll.conftest import JAN, Pay, add_city_table, finish
from tests.support import Api, World, add_person, add_user, gid

RUN = 'mutation {{ {name}(id: "{id}") {{ run {{ status }} errors {{ code }} }} }}'
MINE = "query { myApprovals { id requestType } }"


async def _run(api: Api, w: World, name: str, run: PayrollRun, user: str) -> dict[str, Any]:
    data = await api.data(RUN.format(name=name, id=gid(run)), as_=w.users[user])
    return dict(data[name])


async def _approvers(run: PayrollRun) -> set[int]:
    request = await ApprovalRequest.get(request_type=RequestType.PAYROLL_RUN, subject_id=run.id)
    return set(
        await ApprovalTask.filter(request_id=request.id).values_list("approver_id", flat=True)
    )


async def test_the_head_of_a_branch_does_not_approve_the_run_that_pays_them(
    api: Api, pay: Pay
) -> None:
    w = pay.world
    await add_person(w, "sh_head_person", "SH", "ceo")
    await OrgUnit.filter(id=w.units["SH"].id).update(manager_id=w.people["sh_head_person"].id)
    await add_user(w, "sh_head", Role.MANAGER, "sh_head_person", "SH")
    run = await pay.run("SH", JAN)
    assert await Payslip.filter(run_id=run.id, employee_id=w.people["sh_head_person"].id).exists()
    assert await _run(api, w, "submitPayrollRun", run, "branch_hr") == {
        "run": {"status": "REVIEW"},
        "errors": [],
    }
    # The head's sign-off goes past them (to HQ HR, no one above them heading a unit).
    assert w.users["sh_head"].id not in await _approvers(run)
    assert (await api.data(MINE, as_=w.users["sh_head"]))["myApprovals"] == []
    assert (await _run(api, w, "approvePayrollRun", run, "sh_head"))["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    assert (await PayrollRun.get(id=run.id)).status is RunStatus.REVIEW
    # Someone it does not pay approves it.
    approved = await pay.approve(run)
    assert approved.status is RunStatus.APPROVED
    assert approved.approved_by_id == w.users["hq_hr"].id


async def test_a_delegate_the_run_pays_cannot_approve_it_for_their_delegator(
    api: Api, pay: Pay
) -> None:
    w = pay.world
    run = await pay.run("SH-SALES", JAN)
    await service.submit_run(pay.hr, run.id)
    assert w.users["hq_hr"].id in await _approvers(run)
    # HQ HR, away, hands their approvals to a sales rep — whom this run pays.
    today = approvals.china_today()
    await approvals.delegate(
        await load_viewer(w.users["hq_hr"].id),
        to_employee_id=w.people["sh_rep"].id,
        start=today,
        end=today + timedelta(days=3),
    )
    assert (await _run(api, w, "approvePayrollRun", run, "employee"))["errors"] == [
        {"code": "FORBIDDEN"}
    ]
    request = await ApprovalRequest.get(request_type=RequestType.PAYROLL_RUN, subject_id=run.id)
    assert (request.status, request.stage) == (ApprovalStatus.PENDING, 0)
    assert not await ApprovalEvent.filter(request_id=request.id, kind=EventKind.APPROVED).exists()


async def test_a_run_that_pays_every_possible_approver_is_rejected_not_approved(
    api: Api, pay: Pay
) -> None:
    """HQ HR's run of their own branch: the only HQ HR submitted it and is paid by it, the
    branch has no head: no one else may approve it."""
    w = pay.world
    await add_city_table("杭州")
    hq_hr = await load_viewer(w.users["hq_hr"].id)
    run = await finish((await service.create_run(hq_hr, w.units["HQ"].id, JAN)).id)
    assert run.error == "", run.error
    assert await Payslip.filter(run_id=run.id, employee_id=w.people["hq_hr_person"].id).exists()
    await service.submit_run(hq_hr, run.id)
    after = await PayrollRun.get(id=run.id)
    assert (after.status, after.approved_by_id) == (RunStatus.DRAFT, None)
    request = await ApprovalRequest.get(request_type=RequestType.PAYROLL_RUN, subject_id=run.id)
    assert request.status is ApprovalStatus.REJECTED
    assert await _approvers(run) == set()
    assert request.decided_at is not None and request.decided_at <= datetime.now(UTC)
