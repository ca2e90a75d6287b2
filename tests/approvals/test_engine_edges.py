"""The engine's rules that the tests before left to chance, found by mutation testing of
approvals/service.py + flows.py + rules.py (`make mutation`, docs/architecture.md "Testing"):
who counts as the request's own people (a requester without an employee record, a second
account of the requester's employee, the subject's own account), the unit heads up to the
company's, a role rule's candidates (active ones, a manager whose scope comes from their own
unit), the time a decision is written with, cancelling one request only, delegations on the
day asked about, escalation across two requests and to two HQ HR, and the audit of a flow.

The request types' effects are replaced by a recorder: these tests are about the engine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.access.policy import Viewer
from talentloop.accounts.models import Role
from talentloop.approvals import flows
from talentloop.approvals import service as approvals
from talentloop.approvals.flows import StepInput
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
    TaskStatus,
)
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode
from tests.approvals.conftest import (
    NOW,
    TODAY,
    Decided,
    approvers_of,
    named,
    refused,
    sh_flow,
    submit_on,
    viewer_of,
)
from tests.support import World, add_person, add_user

# --- the request's own people ----------------------------------------------------------------


async def test_a_requester_without_an_employee_record_is_left_out_and_decides_nothing(
    world: World, decided: Decided
) -> None:
    w = world
    await add_user(w, "hq_hr_desk", Role.HQ_HR, None)  # an HQ HR account of no one employed
    export = await submit_on(w, RequestType.DATA_EXPORT, requester="hq_hr_desk", about=None)
    assert await approvers_of(export) == [w.users["hq_hr"].id]
    # Acting for the approver does not let them decide their own request either.
    await Delegation.create(
        from_user_id=w.users["hq_hr"].id,
        to_user_id=w.users["hq_hr_desk"].id,
        start_date=TODAY,
        end_date=TODAY,
    )
    desk = await viewer_of(w, "hq_hr_desk")
    await refused(approvals.decide(desk, export.id, approve=True, now=NOW), ErrorCode.FORBIDDEN)
    task = await ApprovalTask.get(request_id=export.id)
    assert task.status is TaskStatus.PENDING
    assert decided == []


async def test_a_second_account_of_the_requester_or_the_subject_never_approves(
    world: World, decided: Decided
) -> None:
    w = world
    # Shanghai's HR person also holds a manager's account; HR asks, naming that account.
    await add_user(w, "sh_hr_as_manager", Role.MANAGER, "sh_hr_person", "SH")
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "sh_hr_as_manager"))
    asked = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    assert await approvers_of(asked) == [w.users["hq_hr"].id]  # left out: HQ HR instead
    # The person a request is about, through their own account, never approves it either.
    await ApprovalFlow.all().delete()
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    about = await submit_on(
        w,
        RequestType.PAY_RESTORE,
        requester="branch_hr",
        about="sh_sales_head",
        subject_id=2,
    )
    assert await approvers_of(about) == [w.users["hq_hr"].id]
    # Nor does a requester their own step names.
    mine = await submit_on(
        w, RequestType.PAY_RESTORE, requester="manager", about="sh_rep", subject_id=3
    )
    assert await approvers_of(mine) == [w.users["hq_hr"].id]
    # Anyone else the step names does.
    other = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep", subject_id=4
    )
    assert await approvers_of(other) == [w.users["manager"].id]


# --- whom the rules find -------------------------------------------------------------------------


async def test_the_branch_head_of_a_unit_without_a_branch_is_the_company_s_head(
    world: World, decided: Decided
) -> None:
    w = world
    # The CEO heads the company; their account is the executive's.
    w.units["ACME"].manager = w.people["ceo"]
    await w.units["ACME"].save(update_fields=["manager_id"])
    # A request at the company itself: no branch above it, its own head.
    top = await submit_on(
        w, RequestType.PAY_RESTORE, requester="hq_hr", about="sh_rep", unit="ACME"
    )
    assert await approvers_of(top) == [w.users["executive"].id]
    # At HQ-HR: the HQ branch has no head, so one unit up, the company's (index 0 of the chain).
    hq = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep", unit="HQ-HR",
        subject_id=2,
    )  # fmt: skip
    assert await approvers_of(hq) == [w.users["executive"].id]


async def test_a_role_rule_finds_active_users_whose_scope_covers_the_unit(
    world: World, decided: Decided
) -> None:
    w = world
    # A former Shanghai HR (deactivated) and a production manager whose scope is their own unit
    # (no scope set: a manager's is the unit they work in).
    former = await add_user(w, "sh_hr_old", Role.BRANCH_HR, None, "SH")
    former.is_active = False
    await former.save(update_fields=["is_active"])
    await add_person(w, "prod_lead", "SH-PROD", "ceo")
    await add_user(w, "prod_manager", Role.MANAGER, "prod_lead")
    await sh_flow(w, RequestType.PAY_RESTORE, {"rule": ApproverRule.ROLE, "role": Role.BRANCH_HR})
    hr = await submit_on(w, RequestType.PAY_RESTORE, requester="hq_hr", about="sh_rep")
    assert await approvers_of(hr) == [w.users["branch_hr"].id]
    await ApprovalFlow.all().delete()
    await sh_flow(w, RequestType.PAY_RESTORE, {"rule": ApproverRule.ROLE, "role": Role.MANAGER})
    prod = await submit_on(
        w, RequestType.PAY_RESTORE, requester="hq_hr", about="sh_worker", unit="SH-PROD",
        subject_id=2,
    )  # fmt: skip
    assert await approvers_of(prod) == [w.users["prod_manager"].id]
    # In sales, the production manager sees the unit (their branch's directory), but their
    # scope is production: only the sales manager is found.
    sales = await submit_on(
        w, RequestType.PAY_RESTORE, requester="hq_hr", about="sh_rep", subject_id=3
    )
    assert await approvers_of(sales) == [w.users["manager"].id]
    # HQ HR by role, beside a named approver: both (HQ HR's scope is the whole company).
    await ApprovalFlow.all().delete()
    await sh_flow(
        w,
        RequestType.PAY_RESTORE,
        named(w, "manager"),
        {"rule": ApproverRule.ROLE, "role": Role.HQ_HR},
    )
    both = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep", subject_id=4
    )
    assert await approvers_of(both) == [w.users["manager"].id, w.users["hq_hr"].id]


async def test_a_last_stage_that_finds_nobody_ends_on_the_approvals_before_it(
    world: World, decided: Decided
) -> None:
    w = world
    # The manager, then HQ HR; the only HQ HR asks, so the second stage finds nobody and is
    # skipped: the manager's approval is the request's.
    flow = await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    await ApprovalStep.create(flow_id=flow.id, position=1, rule=ApproverRule.HQ_HR)
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="hq_hr", about="sh_rep")
    done = await approvals.decide(await viewer_of(w, "manager"), request.id, approve=True, now=NOW)
    assert (done.status, done.decided_at) == (ApprovalStatus.APPROVED, NOW)
    assert decided == [(request.id, True, "system")]
    # Another request that meets nobody at all is rejected: the approval of another request
    # does not count for it.
    nobody = await submit_on(
        w,
        RequestType.PAY_RESTORE,
        requester="hq_hr",
        about=None,
        unit="HQ",
        subject_id=2,
    )
    assert nobody.status is ApprovalStatus.REJECTED
    assert decided[-1] == (nobody.id, False, "system")


async def test_an_approval_that_opens_the_next_stage_tells_the_type_who_decided(
    world: World, decided: Decided, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    heard: list[tuple[int, int, str | None]] = []

    async def progress(request: ApprovalRequest, viewer: Viewer) -> None:
        heard.append((request.id, request.stage, viewer.username))

    monkeypatch.setitem(approvals._PROGRESS, RequestType.PAY_RESTORE, progress)
    flow = await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    await ApprovalStep.create(
        flow_id=flow.id, position=1, rule=ApproverRule.USER, user_id=w.users["hq_hr"].id
    )
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    await approvals.decide(await viewer_of(w, "manager"), request.id, approve=True, now=NOW)
    assert heard == [(request.id, 1, "manager")]
    # The last stage's approval ends the request: the effect, no progress.
    await approvals.decide(await viewer_of(w, "hq_hr"), request.id, approve=True, now=NOW)
    assert heard == [(request.id, 1, "manager")]
    assert decided == [(request.id, True, "hq_hr")]


async def test_a_request_s_title_keeps_its_first_255_characters(
    world: World, decided: Decided
) -> None:
    w = world
    request = await approvals.submit(
        await viewer_of(w, "branch_hr"),
        RequestType.PAY_RESTORE,
        subject_id=1,
        unit=w.units["SH-SALES-1"],
        employee_id=w.people["sh_rep"].id,
        title="题" * 300,
        now=NOW,
    )
    assert (await ApprovalRequest.get(id=request.id)).title == "题" * 255


async def test_an_export_s_stage_without_an_approver_is_rejected_at_that_stage(
    world: World, decided: Decided
) -> None:
    w = world
    # Branch HR's stage passes; the second finds only the requester, the only HQ HR.
    flow = await ApprovalFlow.create(request_type=RequestType.DATA_EXPORT, unit_id=None)
    await ApprovalStep.create(flow_id=flow.id, position=0, rule=ApproverRule.ROLE,
                              role=Role.BRANCH_HR)  # fmt: skip
    await ApprovalStep.create(flow_id=flow.id, position=1, rule=ApproverRule.HQ_HR)
    export = await submit_on(w, RequestType.DATA_EXPORT, requester="hq_hr", about=None)
    await approvals.decide(await viewer_of(w, "branch_hr"), export.id, approve=True, now=NOW)
    events = await ApprovalEvent.filter(request_id=export.id).order_by("id")
    assert [(e.kind, e.stage) for e in events] == [
        (EventKind.SUBMITTED, None),
        (EventKind.APPROVED, 0),
        (EventKind.REJECTED, 1),
        (EventKind.COMPLETED, None),
    ]
    assert decided == [(export.id, False, "system")]


# --- decisions, cancelling, delegations -------------------------------------------------------------


async def test_a_decision_is_written_at_its_time_with_the_comment_given(
    world: World, decided: Decided
) -> None:
    w = world
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    manager = await viewer_of(w, "manager")
    approved = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    done = await approvals.decide(manager, approved.id, approve=True, now=NOW)
    assert (done.status, done.decided_at) == (ApprovalStatus.APPROVED, NOW)
    event = await ApprovalEvent.get(request_id=approved.id, kind=EventKind.APPROVED)
    assert event.comment == ""
    rejected = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep", subject_id=2
    )
    await approvals.decide(manager, rejected.id, approve=False, now=NOW)
    after = await ApprovalRequest.get(id=rejected.id)
    assert (after.status, after.decided_at) == (ApprovalStatus.REJECTED, NOW)
    assert decided == [(approved.id, True, "manager"), (rejected.id, False, "manager")]


async def test_cancelling_a_request_leaves_the_others_pending(
    world: World, decided: Decided
) -> None:
    w = world
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    first = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    second = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep2", subject_id=2
    )
    await approvals.cancel(await viewer_of(w, "branch_hr"), RequestType.PAY_RESTORE, 4711)
    assert (await ApprovalRequest.get(id=first.id)).status is ApprovalStatus.CANCELLED
    assert (await ApprovalRequest.get(id=second.id)).status is ApprovalStatus.PENDING
    assert [t.status for t in await ApprovalTask.filter(request_id=second.id)] == [
        TaskStatus.PENDING
    ]


async def test_delegations_count_on_the_day_asked_about(world: World, decided: Decided) -> None:
    w = world
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    # The manager delegated to HQ HR for that day only (not the machine's today).
    await Delegation.create(
        from_user_id=w.users["manager"].id,
        to_user_id=w.users["hq_hr"].id,
        start_date=TODAY,
        end_date=TODAY,
    )
    hq = await viewer_of(w, "hq_hr")
    assert [d.from_user_id for d in await approvals.delegators(hq, NOW)] == [w.users["manager"].id]
    assert await approvals.delegators(hq, NOW + timedelta(days=1)).count() == 0
    assert await approvals.holds_task(hq, request, NOW)
    assert not await approvals.holds_task(hq, request, NOW + timedelta(days=1))
    assert [t.request_id for t in await approvals.my_open_tasks(hq, NOW)] == [request.id]
    assert await approvals.my_open_tasks(hq, NOW + timedelta(days=1)) == []


async def test_who_sees_nobody_delegates_to_nobody(world: World) -> None:
    w = world
    await add_user(w, "nobody", Role.EMPLOYEE, None)  # no employee record: sees no one
    nobody = await viewer_of(w, "nobody")
    await refused(
        approvals.delegate(nobody, to_employee_id=w.people["sh_rep"].id, start=TODAY, end=TODAY),
        ErrorCode.NOT_FOUND,
        "toEmployeeId",
    )
    assert await Delegation.all().count() == 0


# --- escalation ------------------------------------------------------------------------------------------


async def test_escalation_hands_each_request_to_every_hq_hr_not_holding_its_stage(
    world: World, decided: Decided
) -> None:
    w = world
    await add_user(w, "hq_hr2", Role.HQ_HR, "ceo")
    # One "all" stage: the manager first, then HQ HR, both within a day, escalated to HQ HR.
    await sh_flow(
        w,
        RequestType.PAY_RESTORE,
        {
            **named(w, "manager"),
            "deadline_hours": 24,
            "escalate_rule": ApproverRule.HQ_HR,
        },
        {
            **named(w, "hq_hr"),
            "deadline_hours": 24,
            "escalate_rule": ApproverRule.HQ_HR,
        },
    )
    first = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    second = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep2", subject_id=2
    )
    # HQ HR's own tasks are not overdue yet: only the manager's are.
    await ApprovalTask.filter(approver_id=w.users["hq_hr"].id).update(
        due_at=NOW + timedelta(hours=48)
    )
    assert await approvals.escalate_overdue(NOW + timedelta(hours=25)) == 2
    manager, hq, hq2 = (w.users[u].id for u in ("manager", "hq_hr", "hq_hr2"))
    for request in (first, second):
        tasks = await ApprovalTask.filter(request_id=request.id).order_by("id")
        escalated = tasks[0].id
        # HQ HR holds a task of the stage already; the second HQ HR gets one, at the same stage.
        assert [(t.approver_id, t.status, t.escalated_from_id, t.stage) for t in tasks] == [
            (manager, TaskStatus.ESCALATED, None, 0),
            (hq, TaskStatus.PENDING, None, 0),
            (hq2, TaskStatus.PENDING, escalated, 0),
        ]
        event = await ApprovalEvent.get(request_id=request.id, kind=EventKind.ESCALATED)
        assert (event.stage, event.on_behalf_of_id) == (0, manager)


# --- the audit of a flow ---------------------------------------------------------------------------------


async def test_a_saved_flow_is_audited_under_its_id_with_its_escalation(
    world: World,
) -> None:
    w = world
    hr = await viewer_of(w, "branch_hr")
    step = StepInput(
        position=0,
        rule=ApproverRule.MANAGER,
        deadline_hours=24,
        escalate_rule=ApproverRule.BRANCH_HEAD,
    )
    flow = await flows.save_flow(
        hr,
        request_type=RequestType.LEAVE,
        unit_id=w.units["SH"].id,
        name="leave",
        steps=[step],
    )
    assert flow is not None
    await flows.save_flow(
        hr,
        request_type=RequestType.LEAVE,
        unit_id=w.units["SH"].id,
        name="again",
        steps=[step],
    )
    entries = await AuditEntry.filter(subject_type="ApprovalFlow").order_by("id")
    assert [e.subject_id for e in entries] == [flow.id, flow.id]
    assert entries[1].after["steps"] == [
        {
            "position": 0,
            "mode": "all",
            "rule": "manager",
            "level": 0,
            "deadlineHours": 24,
            "escalateRule": "branch_head",
        }
    ]
