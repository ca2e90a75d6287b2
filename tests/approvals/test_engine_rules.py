"""The engine's rules test_approvals.py left to chance, found by mutation testing (`make
mutation MODULE=approvals/service.py`), on the service itself: a stage without an approver
skipped except for a sensitive-data export, nobody deciding their own request even as a
delegate, a decision only on one's own task (or one acted for), a flow only for its request type,
comments, cancelling, `holds_task` and `my_delegations`.

The request types' effects are replaced by a recorder: these tests are about the engine, not
about what a decision does to a leave or an export."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from talentloop.access.policy import Viewer
from talentloop.access.viewer import viewer_for_user
from talentloop.accounts.models import Role
from talentloop.approvals import service as approvals
from talentloop.approvals.models import (
    ApprovalEvent,
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    ApprovalTask,
    ApproverRule,
    Delegation,
    EventKind,
    RequestType,
    StepMode,
    TaskStatus,
)
from talentloop.errors import ErrorCode, ServiceError
from tests.approvals.conftest import Decided
from tests.support import World, add_user

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00 in China
TODAY = date(2026, 12, 7)


async def _as(w: World, username: str) -> Viewer:
    return await viewer_for_user(w.users[username])


async def _user_flow(w: World, request_type: RequestType, *approvers: str) -> ApprovalFlow:
    """A flow on Shanghai of one "all" stage naming these users."""
    flow = await ApprovalFlow.create(request_type=request_type, unit_id=w.units["SH"].id)
    for username in approvers:
        await ApprovalStep.create(
            flow_id=flow.id,
            position=0,
            mode=StepMode.ALL,
            rule=ApproverRule.USER,
            user_id=w.users[username].id,
        )
    return flow


async def _submit(
    w: World,
    request_type: RequestType,
    *,
    requester: str,
    about: str | None,
    unit: str = "SH-SALES-1",
) -> ApprovalRequest:
    viewer = await _as(w, requester)
    return await approvals.submit(
        viewer,
        request_type,
        subject_id=4711,
        unit=w.units[unit],
        employee_id=w.people[about].id if about else None,
        title="engine rules",
        now=NOW,
    )


async def _tasks(request: ApprovalRequest) -> dict[int, TaskStatus]:
    return {t.approver_id: t.status for t in await ApprovalTask.filter(request_id=request.id)}


async def _kinds(request: ApprovalRequest) -> list[EventKind]:
    events = await ApprovalEvent.filter(request_id=request.id).order_by("id")
    return [e.kind for e in events]


async def _refused(call: Awaitable[Any], code: ErrorCode, field: str | None = "id") -> None:
    with pytest.raises(ServiceError) as raised:
        await call
    assert [(e.code, e.field) for e in raised.value.errors] == [(code, field)]


async def _delegate(w: World, from_user: str, to_user: str) -> None:
    await Delegation.create(
        from_user_id=w.users[from_user].id,
        to_user_id=w.users[to_user].id,
        start_date=TODAY,
        end_date=TODAY,
    )


# --- a stage without an approver ----------------------------------------------------------------


async def test_a_stage_without_an_approver_is_skipped_but_an_export_s_is_rejected(
    world: World, decided: Decided
) -> None:
    w = world
    # The only HQ HR asks: the fallback to HQ HR leaves nobody but the requester.
    export = await _submit(w, RequestType.DATA_EXPORT, requester="hq_hr", about=None)
    assert export.status is ApprovalStatus.REJECTED
    assert await _tasks(export) == {}
    assert await _kinds(export) == [EventKind.SUBMITTED, EventKind.REJECTED, EventKind.COMPLETED]
    # The same empty stage on any other type is skipped (written down); a plan that ends with
    # no approval gets the type's default plan once, and with still nobody is rejected: it never
    # approves itself.
    restore = await _submit(w, RequestType.PAY_RESTORE, requester="hq_hr", about=None, unit="HQ")
    assert restore.status is ApprovalStatus.REJECTED
    assert await _kinds(restore) == [
        EventKind.SUBMITTED,
        EventKind.SKIPPED,  # the HQ branch has no head
        EventKind.SKIPPED,  # HQ HR is the requester
        EventKind.SKIPPED,  # the default plan instead (approvals/rules.py)
        EventKind.SKIPPED,  # …whose stages find nobody either
        EventKind.SKIPPED,
        EventKind.REJECTED,
        EventKind.COMPLETED,
    ]
    assert decided == [(export.id, False, "system"), (restore.id, False, "system")]
    assert {RequestType.DATA_EXPORT, RequestType.PAYROLL_RUN} == approvals.NEVER_SKIPPED


async def test_an_export_with_another_hq_hr_goes_to_them(world: World, decided: Decided) -> None:
    w = world
    await add_user(w, "hq_hr2", Role.HQ_HR, "ceo")
    export = await _submit(w, RequestType.DATA_EXPORT, requester="hq_hr", about=None)
    assert export.status is ApprovalStatus.PENDING
    assert await _tasks(export) == {w.users["hq_hr2"].id: TaskStatus.PENDING}
    assert decided == []


# --- nobody decides their own request ----------------------------------------------------------


async def test_a_requester_who_is_not_the_subject_may_not_decide_even_as_a_delegate(
    world: World, decided: Decided
) -> None:
    w = world
    # Branch HR asks about a sales rep; the named approver (the manager) delegates to that HR.
    await _user_flow(w, RequestType.PAY_RESTORE, "manager")
    request = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    await _delegate(w, "manager", "branch_hr")
    hr = await _as(w, "branch_hr")
    assert await approvals.holds_task(hr, request, NOW)  # the delegate's task in general…
    await _refused(approvals.decide(hr, request.id, approve=True, now=NOW), ErrorCode.FORBIDDEN)
    # …but never on their own request: the task waits for the manager.
    assert await _tasks(request) == {w.users["manager"].id: TaskStatus.PENDING}
    manager = await _as(w, "manager")
    done = await approvals.decide(manager, request.id, approve=True, now=NOW)
    assert done.status is ApprovalStatus.APPROVED
    assert decided == [(request.id, True, "manager")]


async def test_the_subject_who_did_not_ask_may_not_decide_even_as_a_delegate(
    world: World, decided: Decided
) -> None:
    w = world
    # HR asks about the sales head (the user "manager"); HQ HR approves and delegates to them.
    await _user_flow(w, RequestType.PAY_RESTORE, "hq_hr")
    request = await _submit(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_sales_head"
    )
    await _delegate(w, "hq_hr", "manager")
    subject = await _as(w, "manager")
    await _refused(
        approvals.decide(subject, request.id, approve=True, now=NOW), ErrorCode.FORBIDDEN
    )
    assert await _tasks(request) == {w.users["hq_hr"].id: TaskStatus.PENDING}
    assert decided == []


# --- a decision lands on the viewer's task --------------------------------------------------------


async def test_a_decision_lands_on_one_s_own_task_before_one_acted_for(
    world: World, decided: Decided
) -> None:
    w = world
    await _user_flow(w, RequestType.PAY_RESTORE, "manager", "hq_hr")
    request = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    await _delegate(w, "manager", "hq_hr")  # HQ HR acts for the manager too
    hq = await _as(w, "hq_hr")
    after = await approvals.decide(hq, request.id, approve=True, comment="  ok  ", now=NOW)
    assert after.status is ApprovalStatus.PENDING  # an "all" stage: the manager still to come
    assert await _tasks(request) == {
        w.users["hq_hr"].id: TaskStatus.APPROVED,
        w.users["manager"].id: TaskStatus.PENDING,
    }
    event = await ApprovalEvent.get(request_id=request.id, kind=EventKind.APPROVED)
    assert (event.actor_id, event.on_behalf_of_id, event.comment) == (
        w.users["hq_hr"].id,
        None,
        "ok",
    )
    # A second decision acts for the manager, and the history names both.
    final = await approvals.decide(hq, request.id, approve=True, now=NOW)
    assert final.status is ApprovalStatus.APPROVED
    task = await ApprovalTask.get(request_id=request.id, approver_id=w.users["manager"].id)
    assert (task.status, task.acted_by_id) == (TaskStatus.APPROVED, w.users["hq_hr"].id)
    behalf = await ApprovalEvent.filter(request_id=request.id, kind=EventKind.APPROVED).order_by(
        "-id"
    )
    assert behalf[0].on_behalf_of_id == w.users["manager"].id
    assert decided == [(request.id, True, "hq_hr")]


async def test_a_viewer_without_a_task_decides_nothing(world: World, decided: Decided) -> None:
    w = world
    await _user_flow(w, RequestType.PAY_RESTORE, "manager")
    request = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    # HQ HR reads every request but is no approver of this one: the manager's task is not theirs.
    hq = await _as(w, "hq_hr")
    assert await approvals.get_request(hq, request.id) is not None
    assert not await approvals.holds_task(hq, request, NOW)
    await _refused(approvals.decide(hq, request.id, approve=False, now=NOW), ErrorCode.FORBIDDEN)
    assert await _tasks(request) == {w.users["manager"].id: TaskStatus.PENDING}
    assert (await ApprovalRequest.get(id=request.id)).status is ApprovalStatus.PENDING
    # Someone who does not read the request gets NOT_FOUND.
    bj = await _as(w, "bj_hr")
    await _refused(approvals.decide(bj, request.id, approve=True, now=NOW), ErrorCode.NOT_FOUND)
    assert decided == []


async def test_a_rejection_ends_the_request_and_a_decided_one_is_not_decided_again(
    world: World, decided: Decided
) -> None:
    w = world
    await _user_flow(w, RequestType.PAY_RESTORE, "manager", "hq_hr")
    request = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    manager = await _as(w, "manager")
    rejected = await approvals.decide(manager, request.id, approve=False, now=NOW)
    assert rejected.status is ApprovalStatus.REJECTED
    assert await _kinds(request) == [EventKind.SUBMITTED, EventKind.REJECTED, EventKind.COMPLETED]
    task = await ApprovalTask.get(request_id=request.id, approver_id=w.users["manager"].id)
    assert (task.acted_by_id, task.decided_at) == (w.users["manager"].id, NOW)
    assert await _tasks(request) == {
        w.users["manager"].id: TaskStatus.REJECTED,
        w.users["hq_hr"].id: TaskStatus.CLOSED,
    }
    hq = await _as(w, "hq_hr")
    assert not await approvals.holds_task(hq, rejected, NOW)
    await _refused(approvals.decide(hq, request.id, approve=True, now=NOW), ErrorCode.CONFLICT)
    assert decided == [(request.id, False, "manager")]


# --- the flow of a request type ---------------------------------------------------------------------


async def test_a_flow_applies_to_its_own_request_type_only(world: World, decided: Decided) -> None:
    w = world
    flow = await _user_flow(w, RequestType.OVERTIME, "hq_hr")
    assert await approvals.flow_for(RequestType.OVERTIME, w.units["SH-SALES-1"]) == flow
    assert await approvals.flow_for(RequestType.PAY_RESTORE, w.units["SH-SALES-1"]) is None
    request = await _submit(w, RequestType.PAY_RESTORE, requester="employee", about="sh_rep")
    assert request.flow_id is None
    assert request.plan == approvals.DEFAULT_PLANS[RequestType.PAY_RESTORE]
    # The default's first stage: the Shanghai branch has no head, so it falls to HQ HR.
    assert await _tasks(request) == {w.users["hq_hr"].id: TaskStatus.PENDING}


# --- comments, cancelling, delegations -------------------------------------------------------------


async def test_anyone_who_reads_a_request_comments_on_it(world: World, decided: Decided) -> None:
    w = world
    await _user_flow(w, RequestType.PAY_RESTORE, "manager")
    request = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    rep = await _as(w, "employee")  # the person it is about
    long = "x" * 600
    await approvals.add_comment(rep, request.id, f"  {long}  ")
    event = await ApprovalEvent.get(request_id=request.id, kind=EventKind.COMMENTED)
    assert (event.actor_id, event.comment, event.stage) == (
        w.users["employee"].id,
        "x" * approvals.MAX_COMMENT,
        0,
    )
    await _refused(approvals.add_comment(rep, request.id, "   "), ErrorCode.INVALID, "comment")
    bj = await _as(w, "bj_hr")
    await _refused(approvals.add_comment(bj, request.id, "hello"), ErrorCode.NOT_FOUND)
    assert await ApprovalEvent.filter(kind=EventKind.COMMENTED).count() == 1


async def test_cancelling_closes_a_pending_request_only(world: World, decided: Decided) -> None:
    w = world
    await _user_flow(w, RequestType.PAY_RESTORE, "manager", "hq_hr")
    request = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    hr = await _as(w, "branch_hr")
    await approvals.cancel(hr, RequestType.LEAVE, 4711)  # another type's subject of that id
    assert (await ApprovalRequest.get(id=request.id)).status is ApprovalStatus.PENDING
    await approvals.cancel(hr, RequestType.PAY_RESTORE, 4711)
    after = await ApprovalRequest.get(id=request.id)
    assert after.status is ApprovalStatus.CANCELLED and after.decided_at is not None
    assert set((await _tasks(request)).values()) == {TaskStatus.CLOSED}
    cancelled = await ApprovalEvent.get(request_id=request.id, kind=EventKind.CANCELLED)
    assert cancelled.actor_id == w.users["branch_hr"].id
    manager = await _as(w, "manager")
    assert not await approvals.holds_task(manager, after, NOW)
    await _refused(approvals.decide(manager, request.id, approve=True, now=NOW), ErrorCode.CONFLICT)
    # Cancelling again, or a subject with no request, changes nothing.
    await approvals.cancel(hr, RequestType.PAY_RESTORE, 4711)
    await approvals.cancel(hr, RequestType.PAY_RESTORE, 9999)
    assert await ApprovalEvent.filter(kind=EventKind.CANCELLED).count() == 1
    # A decided request stays decided.
    other = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep2")
    await ApprovalRequest.filter(id=other.id).update(subject_id=4712)
    await approvals.decide(manager, other.id, approve=False, now=NOW)
    await approvals.cancel(hr, RequestType.PAY_RESTORE, 4712)
    assert (await ApprovalRequest.get(id=other.id)).status is ApprovalStatus.REJECTED
    assert decided == [(other.id, False, "manager")]


async def test_holds_task_is_the_open_stage_s_pending_task_of_the_viewer_or_whom_they_act_for(
    world: World, decided: Decided
) -> None:
    w = world
    flow = await _user_flow(w, RequestType.PAY_RESTORE, "manager")
    await ApprovalStep.create(
        flow_id=flow.id, position=1, mode=StepMode.ALL, rule=ApproverRule.USER,
        user_id=w.users["hq_hr"].id,
    )  # fmt: skip
    request = await _submit(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    manager, hq_viewer, bj = [await _as(w, u) for u in ("manager", "hq_hr", "bj_hr")]
    assert await approvals.holds_task(manager, request, NOW)
    assert not await approvals.holds_task(hq_viewer, request, NOW)  # the next stage's approver
    assert not await approvals.holds_task(bj, request, NOW)
    assert not await approvals.holds_task(Viewer(), request, NOW)
    await _delegate(w, "manager", "hq_hr")
    assert await approvals.holds_task(hq_viewer, request, NOW)
    # Once the first stage is done, the second is open: HQ HR's own task.
    await approvals.decide(manager, request.id, approve=True, now=NOW)
    moved = await ApprovalRequest.get(id=request.id)
    assert moved.stage == 1
    assert not await approvals.holds_task(manager, moved, NOW)
    assert await approvals.holds_task(hq_viewer, moved, NOW)


async def test_my_delegations_are_those_from_and_to_me_newest_first(world: World) -> None:
    w = world
    manager = await _as(w, "manager")
    given = await approvals.delegate(
        manager,
        to_employee_id=w.people["sh_rep"].id,
        start=date(2026, 12, 1),
        end=date(2026, 12, 3),
    )
    later = await approvals.delegate(
        manager,
        to_employee_id=w.people["sh_rep"].id,
        start=date(2026, 12, 20),
        end=date(2026, 12, 24),
    )
    await _delegate(w, "hq_hr", "manager")  # to the manager, today
    await _delegate(w, "hq_hr", "branch_hr")  # neither from nor to the manager
    mine = await approvals.my_delegations(manager)
    assert [(d.from_user_id, d.to_user_id, d.start_date) for d in mine] == [
        (w.users["manager"].id, w.users["employee"].id, later.start_date),
        (w.users["hq_hr"].id, w.users["manager"].id, TODAY),
        (w.users["manager"].id, w.users["employee"].id, given.start_date),
    ]
    rep = await _as(w, "employee")
    assert [d.id for d in await approvals.my_delegations(rep)] == [later.id, given.id]
    assert await approvals.my_delegations(Viewer()) == []


async def test_acting_for_is_oneself_then_today_s_delegators(world: World) -> None:
    w = world
    await _delegate(w, "hq_hr", "manager")
    await _delegate(w, "branch_hr", "manager")
    await Delegation.create(
        from_user_id=w.users["bj_hr"].id,
        to_user_id=w.users["manager"].id,
        start_date=date(2026, 12, 8),
        end_date=date(2026, 12, 9),
    )
    manager = await _as(w, "manager")
    ids = await approvals.acting_for(manager, NOW)
    assert ids == [w.users["manager"].id, *sorted([w.users["hq_hr"].id, w.users["branch_hr"].id])]
    assert await approvals.acting_for(Viewer(), NOW) == []
