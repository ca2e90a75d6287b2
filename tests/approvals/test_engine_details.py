"""More of the engine's rules that mutation testing found untested (`make mutation`,
docs/architecture.md "Testing"): China's date and the submission time whatever the machine's
time zone, a request's translated title and the stage a rejected one stays at, what the
history says when a request is rejected for want of an approver or escalated, the type's
progress hook, a requester reading their own request, the order of one's open tasks, a
delegate deciding on the day asked about and not holding what their role does not decide,
escalation to a named user and from a role rule, the audit of a flow's amount condition, and
the records a flow's editor is told are missing, in Chinese.

The request types' effects are replaced by a recorder (conftest.py): these tests are about
the engine."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from talentloop.access.policy import Viewer
from talentloop.accounts.models import Role
from talentloop.approvals import flows
from talentloop.approvals import service as approvals
from talentloop.approvals.flows import StepInput
from talentloop.approvals.models import (
    ApprovalEvent,
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
from talentloop.approvals.titles import PAY_RESTORE, Title, shown
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode, ServiceError
from tests.approvals.conftest import (
    NOW,
    TODAY,
    Decided,
    approvers_of,
    named,
    sh_flow,
    submit_on,
    viewer_of,
)
from tests.support import World, add_user

# --- the machine's clock ---------------------------------------------------------------------


Zone = Callable[[str], None]


@pytest.fixture
def machine_zone() -> Iterator[Zone]:
    """Moves the machine's local time zone (TZ) for a test; put back afterwards."""
    saved = os.environ.get("TZ")

    def move(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield move
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_china_s_date_does_not_depend_on_the_machine_s_time_zone(machine_zone: Zone) -> None:
    # A server 14 hours ahead of UTC and one 12 hours behind: at any hour one of them has
    # another date than China (UTC+8) when it reads its local clock.
    for zone in ("Etc/GMT-14", "Etc/GMT+12"):
        machine_zone(zone)
        assert approvals.china_today() == (datetime.now(UTC) + timedelta(hours=8)).date()


async def test_a_deadline_counts_from_the_submission_whatever_the_machine_s_zone(
    world: World, decided: Decided, machine_zone: Zone
) -> None:
    w = world
    await sh_flow(w, RequestType.PAY_RESTORE, {**named(w, "manager"), "deadline_hours": 24})
    machine_zone("Etc/GMT-14")
    before = datetime.now(UTC)
    request = await approvals.submit(
        await viewer_of(w, "branch_hr"),
        RequestType.PAY_RESTORE,
        subject_id=1,
        unit=w.units["SH-SALES-1"],
        employee_id=w.people["sh_rep"].id,
        title="no time given",
    )
    after = datetime.now(UTC)
    task = await ApprovalTask.get(request_id=request.id)
    assert task.due_at is not None
    assert before + timedelta(hours=24) <= task.due_at <= after + timedelta(hours=24)


# --- what a request keeps -------------------------------------------------------------------


async def test_a_request_s_title_is_kept_as_a_message_shown_in_chinese(
    world: World, decided: Decided
) -> None:
    w = world
    request = await approvals.submit(
        await viewer_of(w, "branch_hr"),
        RequestType.PAY_RESTORE,
        subject_id=1,
        unit=w.units["SH-SALES-1"],
        employee_id=w.people["sh_rep"].id,
        title=Title(PAY_RESTORE, {"unit": "SH-SALES-1", "month": "2026-02"}),
        now=NOW,
    )
    stored = await ApprovalRequest.get(id=request.id)
    assert (stored.title, stored.title_key) == ("SH-SALES-1 pay restore 2026-02", PAY_RESTORE)
    assert stored.title_params == {"unit": "SH-SALES-1", "month": "2026-02"}
    assert "2026-02" in shown(stored) and "pay restore" not in shown(stored)


async def test_an_export_nobody_else_may_approve_is_rejected_at_its_first_stage(
    world: World, decided: Decided
) -> None:
    w = world
    # The only HQ HR asks for an export: HQ HR decides exports, nobody else is left.
    export = await submit_on(w, RequestType.DATA_EXPORT, requester="hq_hr", about=None)
    stored = await ApprovalRequest.get(id=export.id)
    assert (stored.status, stored.stage) == (ApprovalStatus.REJECTED, 0)
    rejected = await ApprovalEvent.get(request_id=export.id, kind=EventKind.REJECTED)
    assert (rejected.stage, rejected.comment) == (0, "No approver other than the requester.")
    assert decided == [(export.id, False, "system")]


async def test_a_request_even_the_default_plan_finds_nobody_for_says_why_it_was_rejected(
    world: World, decided: Decided
) -> None:
    w = world
    # Pay restore at HQ by the only HQ HR, about no one: no branch head, no other HQ HR, and
    # the type's default plan (branch head, HQ HR) finds no one either.
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="hq_hr", about=None, unit="HQ")
    assert request.status is ApprovalStatus.REJECTED
    events = await ApprovalEvent.filter(request_id=request.id).order_by("id")
    rejected = [e for e in events if e.kind is EventKind.REJECTED]
    assert [(e.stage, e.comment) for e in rejected] == [
        (None, "No approver other than the requester.")
    ]


async def test_a_type_s_progress_hook_hears_an_approval_that_opens_the_next_stage(
    world: World, decided: Decided, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    heard: list[tuple[str, int, int]] = []

    async def effect(request: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
        heard.append(("effect", request.id, int(approved)))

    async def progress(request: ApprovalRequest, viewer: Viewer) -> None:
        heard.append(("progress", request.id, request.stage))

    # What the type registers (at import, in its own module) is put back after the test.
    monkeypatch.setattr(approvals, "_EFFECTS", dict(approvals._EFFECTS))
    monkeypatch.setattr(approvals, "_PROGRESS", dict(approvals._PROGRESS))
    approvals.register_effect(RequestType.PAY_RESTORE, effect, progress)
    flow = await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    await ApprovalStep.create(
        flow_id=flow.id, position=1, rule=ApproverRule.USER, user_id=w.users["hq_hr"].id
    )
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    await approvals.decide(await viewer_of(w, "manager"), request.id, approve=True, now=NOW)
    await approvals.decide(await viewer_of(w, "hq_hr"), request.id, approve=True, now=NOW)
    assert heard == [("progress", request.id, 1), ("effect", request.id, 1)]


# --- who reads and decides ------------------------------------------------------------------


async def test_a_requester_who_neither_handles_nor_approves_it_reads_their_request(
    world: World, decided: Decided
) -> None:
    w = world
    # The sales head asks for a rep's pay to be restored; HQ HR decides. The manager does not
    # handle Shanghai's requests as HR, approves nothing here and is not the person it is about.
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "hq_hr"))
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="manager", about="sh_rep")
    manager = await viewer_of(w, "manager")
    found = await approvals.get_request(manager, request.id)
    assert found is not None and found.id == request.id
    # Another manager's request is not theirs to read.
    other = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep2", subject_id=2
    )
    assert await approvals.get_request(manager, other.id) is None


async def test_one_s_open_tasks_come_oldest_first(world: World, decided: Decided) -> None:
    w = world
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    first = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    second = await submit_on(
        w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep2", subject_id=2
    )
    # The first request's task was handed to the manager later (its row is the older one).
    await ApprovalTask.filter(request_id=first.id).update(created_at=NOW + timedelta(hours=1))
    await ApprovalTask.filter(request_id=second.id).update(created_at=NOW)
    tasks = await approvals.my_open_tasks(await viewer_of(w, "manager"), NOW)
    assert [t.request_id for t in tasks] == [second.id, first.id]


async def test_a_delegate_decides_on_the_day_of_the_decision(
    world: World, decided: Decided
) -> None:
    w = world
    await sh_flow(w, RequestType.PAY_RESTORE, named(w, "manager"))
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="hq_hr", about="sh_rep")
    # The manager handed their approvals to Shanghai's HR for that day (not the machine's today).
    await Delegation.create(
        from_user_id=w.users["manager"].id,
        to_user_id=w.users["branch_hr"].id,
        start_date=TODAY,
        end_date=TODAY,
    )
    hr = await viewer_of(w, "branch_hr")
    done = await approvals.decide(hr, request.id, approve=True, now=NOW)
    assert done.status is ApprovalStatus.APPROVED
    task = await ApprovalTask.get(request_id=request.id)
    assert (task.status, task.acted_by_id) == (TaskStatus.APPROVED, w.users["branch_hr"].id)
    event = await ApprovalEvent.get(request_id=request.id, kind=EventKind.APPROVED)
    assert event.on_behalf_of_id == w.users["manager"].id


async def test_a_delegate_whose_role_does_not_decide_the_type_holds_no_task_of_it(
    world: World, decided: Decided
) -> None:
    w = world
    # Shanghai's HR asks for an export; HQ HR decides it and hands their approvals to the sales
    # head for the day. A manager decides everyday requests, never an export.
    export = await submit_on(w, RequestType.DATA_EXPORT, requester="branch_hr", about=None)
    assert await approvers_of(export) == [w.users["hq_hr"].id]
    await Delegation.create(
        from_user_id=w.users["hq_hr"].id,
        to_user_id=w.users["manager"].id,
        start_date=TODAY,
        end_date=TODAY,
    )
    manager = await viewer_of(w, "manager")
    assert not await approvals.holds_task(manager, export, NOW)
    assert await approvals.holds_task(await viewer_of(w, "hq_hr"), export, NOW)


# --- escalation -----------------------------------------------------------------------------


async def test_a_stage_escalates_to_the_user_its_step_names(world: World, decided: Decided) -> None:
    w = world
    # A flow written before the editor refused named escalations (the engine still reads it).
    await sh_flow(
        w,
        RequestType.PAY_RESTORE,
        {
            **named(w, "manager"),
            "deadline_hours": 24,
            "escalate_rule": ApproverRule.USER,
            "escalate_user_id": w.users["branch_hr"].id,
        },
    )
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="hq_hr", about="sh_rep")
    assert await approvals.escalate_overdue(NOW + timedelta(hours=25)) == 1
    tasks = await ApprovalTask.filter(request_id=request.id).order_by("id")
    assert [(t.approver_id, t.status) for t in tasks] == [
        (w.users["manager"].id, TaskStatus.ESCALATED),
        (w.users["branch_hr"].id, TaskStatus.PENDING),
    ]
    event = await ApprovalEvent.get(request_id=request.id, kind=EventKind.ESCALATED)
    assert event.comment == "Past the deadline."


async def test_a_stage_escalating_by_a_role_rule_goes_to_hq_hr(
    world: World, decided: Decided
) -> None:
    w = world
    await sh_flow(
        w,
        RequestType.PAY_RESTORE,
        {**named(w, "manager"), "deadline_hours": 24, "escalate_rule": ApproverRule.ROLE},
    )
    request = await submit_on(w, RequestType.PAY_RESTORE, requester="branch_hr", about="sh_rep")
    assert await approvals.escalate_overdue(NOW + timedelta(hours=25)) == 1
    pending = await ApprovalTask.filter(request_id=request.id, status=TaskStatus.PENDING)
    assert [t.approver_id for t in pending] == [w.users["hq_hr"].id]


# --- editing flows --------------------------------------------------------------------------


async def test_a_flow_s_amount_condition_is_audited(world: World) -> None:
    w = world
    hr = await viewer_of(w, "branch_hr")
    step = StepInput(position=0, rule=ApproverRule.MANAGER, amount_over=Decimal("5000"))
    await flows.save_flow(
        hr, request_type=RequestType.LEAVE, unit_id=w.units["SH"].id, name="costly", steps=[step]
    )
    entry = await AuditEntry.get(subject_type="ApprovalFlow")
    assert [s.get("amountOver") for s in entry.after["steps"]] == ["5000.00"]


async def _missing(call: Awaitable[Any]) -> tuple[str, str | None, str]:
    with pytest.raises(ServiceError) as raised:
        await call
    [error] = raised.value.errors
    assert error.code is ErrorCode.NOT_FOUND
    return error.message, error.field, error.translated()


async def test_what_a_flow_s_editor_is_told_is_missing_is_named_in_chinese(world: World) -> None:
    w = world
    hq = await viewer_of(w, "hq_hr")
    hr = await viewer_of(w, "branch_hr")
    manager_step = StepInput(position=0, rule=ApproverRule.MANAGER)
    # A unit the Shanghai HR does not see.
    assert await _missing(
        flows.save_flow(
            hr, request_type=RequestType.LEAVE, unit_id=w.units["BJ"].id, name="x",
            steps=[manager_step],
        )
    ) == ("Unit not found.", "unitId", "未找到该单位。")  # fmt: skip
    # An employee they do not see, named as the approver.
    named_bj = StepInput(position=0, rule=ApproverRule.USER, employee_id=w.people["bj_rep"].id)
    assert await _missing(
        flows.save_flow(
            hr, request_type=RequestType.LEAVE, unit_id=w.units["SH"].id, name="x",
            steps=[named_bj],
        )
    ) == ("Employee not found.", "steps.0.employeeId", "未找到该员工。")  # fmt: skip
    # A user who no longer signs in.
    former = await add_user(w, "former_hr", Role.BRANCH_HR, None, "SH")
    former.is_active = False
    await former.save(update_fields=["is_active"])
    named_former = StepInput(position=0, rule=ApproverRule.USER, user_id=former.id)
    assert await _missing(
        flows.save_flow(
            hq, request_type=RequestType.LEAVE, unit_id=None, name="x", steps=[named_former]
        )
    ) == ("User not found.", "steps", "未找到该用户。")
