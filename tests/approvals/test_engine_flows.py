"""The engine's flow rules at their edges, found by mutation testing (`make mutation
MODULE=approvals/service.py`): which steps apply, what a stage copies from its steps, when an
"all" stage is done, which step lists are refused and why, saving and removing a flow,
delegating, and escalation that does not hand a task to one who holds one already."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from talentloop.access.policy import Viewer
from talentloop.access.viewer import viewer_for_user
from talentloop.accounts.models import Role
from talentloop.approvals import flows, rules
from talentloop.approvals import service as approvals
from talentloop.approvals.flows import StepInput
from talentloop.approvals.models import (
    ApprovalEvent,
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTask,
    ApproverRule,
    EventKind,
    RequestType,
    StepMode,
    TaskStatus,
)
from talentloop.errors import ErrorCode, FieldError, ServiceError
from tests.support import World

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def no_effect(monkeypatch: pytest.MonkeyPatch) -> None:
    """A restored pay's effect and progress left out: these tests are about the engine."""

    async def nothing(request: ApprovalRequest, approved: bool, viewer: object) -> None:
        return None

    monkeypatch.setitem(approvals._EFFECTS, RequestType.PAY_RESTORE, nothing)
    monkeypatch.delitem(approvals._PROGRESS, RequestType.PAY_RESTORE, raising=False)


def test_the_built_in_plans_name_their_rules() -> None:
    assert rules._approver(ApproverRule.ROLE, role="manager") == {
        "rule": "role",
        "role": "manager",
    }
    assert approvals.DEFAULT_PLANS[RequestType.DATA_EXPORT] == [
        {"mode": "any", "approvers": [{"rule": "hq_hr"}]}
    ]
    assert approvals.FALLBACK_PLAN == [{"mode": "any", "approvers": [{"rule": "hq_hr"}]}]


def test_china_today_is_utc_plus_eight() -> None:
    assert approvals.china_today(datetime(2026, 12, 6, 15, 59, tzinfo=UTC)) == date(2026, 12, 6)
    assert approvals.china_today(datetime(2026, 12, 6, 16, 0, tzinfo=UTC)) == date(2026, 12, 7)


def test_a_step_applies_only_above_its_conditions() -> None:
    days = ApprovalStep(days_over=3)
    assert not approvals._applies(days, 3, None)
    assert approvals._applies(days, 4, None)
    assert not approvals._applies(days, None, Decimal(100))
    money = ApprovalStep(amount_over=Decimal(1000))
    assert not approvals._applies(money, 10, Decimal(1000))
    assert approvals._applies(money, None, Decimal("1000.01"))
    assert not approvals._applies(money, 10, None)
    assert approvals._applies(ApprovalStep(), None, None)
    both = ApprovalStep(days_over=1, amount_over=Decimal(0))
    assert approvals._applies(both, 2, Decimal(1))
    assert not approvals._applies(both, 2, Decimal(0))
    assert not approvals._applies(both, 1, Decimal(1))


def test_a_stage_copies_only_what_its_rule_uses() -> None:
    step = approvals._step_approver
    assert step(ApprovalStep(rule=ApproverRule.UNIT_HEAD, level=2, role=Role.MANAGER)) == {
        "rule": "unit_head",
        "level": 2,
    }
    assert step(ApprovalStep(rule=ApproverRule.ROLE, role=Role.BRANCH_HR, level=1)) == {
        "rule": "role",
        "role": "branch_hr",
    }
    assert step(ApprovalStep(rule=ApproverRule.ROLE)) == {"rule": "role"}
    assert step(ApprovalStep(rule=ApproverRule.USER, user_id=5, level=1)) == {
        "rule": "user",
        "user_id": 5,
    }
    assert step(ApprovalStep(rule=ApproverRule.MANAGER, user_id=5, level=1)) == {"rule": "manager"}


def _task(id_: int, status: TaskStatus, escalated_from: int | None = None) -> ApprovalTask:
    return ApprovalTask(id=id_, status=status, escalated_from_id=escalated_from)


def test_an_all_stage_is_done_when_every_approver_or_their_stand_in_approved() -> None:
    done = approvals._stage_done
    pending, approved = TaskStatus.PENDING, TaskStatus.APPROVED
    assert done([_task(1, approved), _task(2, pending)], just_approved=2)
    assert not done([_task(1, approved), _task(2, pending), _task(3, pending)], just_approved=2)
    # Task 2 was escalated to 3 and 4: one of them approving stands for it.
    escalated = [_task(1, approved), _task(2, TaskStatus.ESCALATED)]
    assert done([*escalated, _task(3, pending, 2), _task(4, pending, 2)], just_approved=3)
    assert not done([*escalated, _task(3, pending, 2), _task(4, pending, 5)], just_approved=3)
    assert done([_task(1, pending)], just_approved=1)


def _problems(**step: object) -> list[tuple[ErrorCode, str | None]]:
    spec: dict[str, object] = {"position": 0, "rule": ApproverRule.MANAGER, **step}
    return [(p.code, p.field) for p in flows._step_problems(RequestType.LEAVE, [StepInput(**spec)])]  # type: ignore[arg-type]


def test_each_refused_step_names_its_place() -> None:
    bad = (ErrorCode.INVALID, "steps.0")
    assert _problems() == []
    assert _problems(position=100, level=10, deadline_hours=24 * 90, days_over=0) == []
    assert _problems(position=-1) == [bad]
    assert _problems(position=101) == [bad]
    assert _problems(level=-1) == [bad]
    assert _problems(level=11) == [bad]
    assert _problems(deadline_hours=0) == [bad]
    assert _problems(deadline_hours=24 * 90 + 1) == [bad]
    assert _problems(deadline_hours=1) == []
    assert _problems(days_over=-1) == [bad]
    assert _problems(amount_over=Decimal("-0.01")) == [bad]
    assert _problems(amount_over=Decimal(0)) == []
    assert _problems(rule=ApproverRule.USER) == [bad]
    assert _problems(rule=ApproverRule.USER, user_id=3) == []
    assert _problems(rule=ApproverRule.ROLE) == [bad]
    assert _problems(rule=ApproverRule.ROLE, role=Role.EMPLOYEE) == [bad]
    for role in (Role.BRANCH_HR, Role.MANAGER, Role.HQ_HR):
        assert _problems(rule=ApproverRule.ROLE, role=role) == []
    for rule in (ApproverRule.ROLE, ApproverRule.USER):
        assert _problems(escalate_rule=rule) == [bad]
    assert _problems(escalate_rule=ApproverRule.BRANCH_HEAD) == []
    # A stage shares one mode; the second step of another mode is the one named.
    mixed = flows._step_problems(
        RequestType.LEAVE,
        [
            StepInput(position=0, rule=ApproverRule.MANAGER, mode=StepMode.ALL),
            StepInput(position=1, rule=ApproverRule.MANAGER, mode=StepMode.ANY),
            StepInput(position=0, rule=ApproverRule.HQ_HR, mode=StepMode.ANY),
        ],
    )
    assert [(p.code, p.field) for p in mixed] == [(ErrorCode.INVALID, "steps.2")]
    many = [StepInput(position=i % 50, rule=ApproverRule.HQ_HR) for i in range(21)]
    assert [(p.code, p.field) for p in flows._step_problems(RequestType.LEAVE, many)] == [
        (ErrorCode.INVALID, "steps")
    ]
    assert flows._step_problems(RequestType.LEAVE, many[:20]) == []


async def _refused(call: object, *expected: tuple[ErrorCode, str | None]) -> list[FieldError]:
    with pytest.raises(ServiceError) as raised:
        await call  # type: ignore[misc]
    assert [(e.code, e.field) for e in raised.value.errors] == list(expected)
    return raised.value.errors


async def test_saving_a_flow_replaces_it_and_no_steps_remove_it(world: World) -> None:
    w = world
    hr = await viewer_for_user(w.users["branch_hr"])
    sh = w.units["SH"].id
    first = await flows.save_flow(
        hr,
        request_type=RequestType.LEAVE,
        unit_id=sh,
        name="  Shanghai leave  ",
        steps=[StepInput(position=0, rule=ApproverRule.MANAGER, deadline_hours=8)],
    )
    assert first is not None and first.name == "Shanghai leave"
    second = await flows.save_flow(
        hr,
        request_type=RequestType.LEAVE,
        unit_id=sh,
        name="x" * 200,
        steps=[
            StepInput(position=0, rule=ApproverRule.HQ_HR, mode=StepMode.ANY),
            StepInput(position=3, rule=ApproverRule.UNIT_HEAD, level=1),
        ],
    )
    assert second is not None and second.id == first.id and second.name == "x" * 128
    steps = await ApprovalStep.filter(flow_id=first.id).order_by("position")
    assert [(s.position, s.rule, s.mode, s.level) for s in steps] == [
        (0, ApproverRule.HQ_HR, StepMode.ANY, 0),
        (3, ApproverRule.UNIT_HEAD, StepMode.ALL, 1),
    ]
    removed = await flows.save_flow(
        hr, request_type=RequestType.LEAVE, unit_id=sh, name="", steps=[]
    )
    assert removed is None
    assert await ApprovalFlow.filter(unit_id=sh).count() == 0
    again = await flows.save_flow(
        hr,
        request_type=RequestType.LEAVE,
        unit_id=sh,
        name="y" * 200,
        steps=[StepInput(position=0, rule=ApproverRule.HQ_HR, amount_over=Decimal("99.50"),
                         days_over=2, deadline_hours=6, escalate_rule=ApproverRule.BRANCH_HEAD)],
    )  # fmt: skip
    assert again is not None and again.name == "y" * 128
    (kept,) = await ApprovalStep.filter(flow_id=again.id)
    assert (kept.amount_over, kept.days_over, kept.deadline_hours, kept.escalate_rule) == (
        Decimal("99.50"), 2, 6, ApproverRule.BRANCH_HEAD,
    )  # fmt: skip
    await flows.save_flow(hr, request_type=RequestType.LEAVE, unit_id=sh, name="", steps=[])
    assert await flows.save_flow(
        hr, request_type=RequestType.LEAVE, unit_id=sh, name="", steps=[]
    ) is None  # fmt: skip


async def test_who_may_save_which_flow(world: World) -> None:
    w = world
    step = [StepInput(position=0, rule=ApproverRule.HQ_HR)]
    hr, hq, manager = [await viewer_for_user(w.users[u]) for u in ("branch_hr", "hq_hr", "manager")]

    def save(viewer: object, unit: str | None, steps: list[StepInput] = step) -> object:
        return flows.save_flow(
            viewer,  # type: ignore[arg-type]
            request_type=RequestType.OVERTIME,
            unit_id=w.units[unit].id if unit else None,
            name="f",
            steps=steps,
        )

    await _refused(save(manager, "SH-SALES"), (ErrorCode.FORBIDDEN, None))
    await _refused(save(hr, None), (ErrorCode.FORBIDDEN, "unitId"))
    await _refused(save(hr, "BJ"), (ErrorCode.NOT_FOUND, "unitId"))
    # The company above the branch is seen by Shanghai's HR, but it is not theirs to edit.
    await _refused(save(hr, "ACME"), (ErrorCode.FORBIDDEN, "unitId"))
    await _refused(
        save(hr, "SH", [StepInput(position=0, rule=ApproverRule.USER, user_id=999_999)]),
        (ErrorCode.NOT_FOUND, "steps"),
    )
    await _refused(
        save(hr, "SH", [StepInput(position=0, rule=ApproverRule.USER)]),
        (ErrorCode.INVALID, "steps.0"),
    )
    await _refused(
        save(hr, "SH", [StepInput(position=0, rule=ApproverRule.USER, employee_id=999_999)]),
        (ErrorCode.NOT_FOUND, "steps.0.employeeId"),
    )
    # sh_worker has no user account: named by employee, refused.
    await _refused(
        save(
            hr,
            "SH",
            [
                StepInput(position=0, rule=ApproverRule.HQ_HR),
                StepInput(position=1, rule=ApproverRule.USER, employee_id=w.people["sh_worker"].id),
            ],
        ),
        (ErrorCode.INVALID, "steps.1.employeeId"),
    )
    assert await ApprovalFlow.all().count() == 0
    assert await save(hq, None) is not None
    assert await save(hr, "SH-SALES") is not None
    seen = await flows.visible_flows(hr)
    assert [(f.request_type, f.unit_id) for f in seen] == [
        (RequestType.OVERTIME, None),
        (RequestType.OVERTIME, w.units["SH-SALES"].id),
    ]
    bj = await viewer_for_user(w.users["bj_hr"])
    assert [f.unit_id for f in await flows.visible_flows(bj)] == [None]
    assert await flows.visible_flows(manager) == []


async def test_a_plan_copies_the_applying_steps_with_their_deadline_and_escalation(
    world: World,
) -> None:
    w = world
    flow = await ApprovalFlow.create(request_type=RequestType.LEAVE, unit_id=w.units["SH"].id)
    for position, rule, extra in [
        (2, ApproverRule.HQ_HR, {"days_over": 5}),
        (0, ApproverRule.MANAGER, {"deadline_hours": 24}),
        (0, ApproverRule.UNIT_HEAD, {"level": 1}),
        (1, ApproverRule.BRANCH_HEAD, {"deadline_hours": 4, "escalate_rule": ApproverRule.MANAGER}),
    ]:
        await ApprovalStep.create(flow_id=flow.id, position=position, rule=rule, **extra)
    plan = await approvals.plan_of(flow, RequestType.LEAVE, 3, None)
    assert plan == [
        {
            "mode": "all",
            "approvers": [{"rule": "manager"}, {"rule": "unit_head", "level": 1}],
            "deadline_hours": 24,
            "escalate": {"rule": "hq_hr", "user_id": None},
        },
        {
            "mode": "all",
            "approvers": [{"rule": "branch_head"}],
            "deadline_hours": 4,
            "escalate": {"rule": "manager", "user_id": None},
        },
    ]
    longer = await approvals.plan_of(flow, RequestType.LEAVE, 6, None)
    assert [s["approvers"] for s in longer][-1] == [{"rule": "hq_hr"}]
    assert longer[-1]["deadline_hours"] is None and longer[-1]["escalate"] is None
    assert await approvals.plan_of(None, RequestType.OFFER, None, None) == [
        {"mode": "all", "approvers": [{"rule": "branch_head"}]}
    ]


async def test_delegating_refuses_oneself_strangers_and_odd_dates(world: World) -> None:
    w = world
    manager = await viewer_for_user(w.users["manager"])
    start = date(2026, 12, 1)
    rep = w.people["sh_rep"].id

    def delegate(to: int, end: date) -> object:
        return approvals.delegate(manager, to_employee_id=to, start=start, end=end)

    await _refused(
        delegate(w.people["sh_sales_head"].id, start), (ErrorCode.INVALID, "toEmployeeId")
    )
    await _refused(delegate(w.people["bj_rep"].id, start), (ErrorCode.NOT_FOUND, "toEmployeeId"))
    await _refused(delegate(w.people["sh_rep2"].id, start), (ErrorCode.INVALID, "toEmployeeId"))
    await _refused(delegate(rep, start - timedelta(days=1)), (ErrorCode.INVALID, "endDate"))
    await _refused(delegate(rep, start + timedelta(days=367)), (ErrorCode.INVALID, "endDate"))
    made = await approvals.delegate(
        manager, to_employee_id=rep, start=start, end=start + timedelta(days=366)
    )
    assert (made.from_user_id, made.to_user_id) == (w.users["manager"].id, w.users["employee"].id)
    same_day = await approvals.delegate(manager, to_employee_id=rep, start=start, end=start)
    assert same_day.end_date == start
    await _refused(
        approvals.delegate(Viewer(), to_employee_id=rep, start=start, end=start),
        (ErrorCode.FORBIDDEN, None),
    )


async def test_escalation_gives_no_second_task_to_an_approver_who_holds_one(
    world: World, no_effect: None
) -> None:
    w = world

    flow = await ApprovalFlow.create(request_type=RequestType.PAY_RESTORE, unit_id=w.units["SH"].id)
    for username in ("manager", "hq_hr"):
        await ApprovalStep.create(
            flow_id=flow.id,
            position=0,
            rule=ApproverRule.USER,
            user_id=w.users[username].id,
            deadline_hours=2,
            escalate_rule=ApproverRule.HQ_HR,
        )
    hr = await viewer_for_user(w.users["branch_hr"])
    request = await approvals.submit(
        hr,
        RequestType.PAY_RESTORE,
        subject_id=1,
        unit=w.units["SH-SALES-1"],
        employee_id=w.people["sh_rep"].id,
        title="t",
        now=NOW,
    )
    assert await approvals.escalate_overdue(NOW + timedelta(hours=1)) == 0
    # Both tasks are overdue, the manager's first: it goes to HQ HR, who holds a pending task of
    # the stage already — no second one; then HQ HR's own is escalated, to HQ HR, once.
    assert await approvals.escalate_overdue(NOW + timedelta(hours=3)) == 2
    tasks = await ApprovalTask.filter(request_id=request.id).order_by("id")
    assert [(t.approver_id, t.status, t.escalated_from_id) for t in tasks] == [
        (w.users["manager"].id, TaskStatus.ESCALATED, None),
        (w.users["hq_hr"].id, TaskStatus.ESCALATED, None),
        (w.users["hq_hr"].id, TaskStatus.PENDING, tasks[1].id),
    ]


async def test_a_unit_head_rule_counts_its_levels_up_from_the_request_s_unit(
    world: World, no_effect: None
) -> None:
    w = world

    flow = await ApprovalFlow.create(request_type=RequestType.PAY_RESTORE, unit_id=w.units["SH"].id)
    # A step that does not apply comes first: the ones after it still count.
    await ApprovalStep.create(flow_id=flow.id, position=0, rule=ApproverRule.HQ_HR, days_over=10)
    step = await ApprovalStep.create(
        flow_id=flow.id, position=0, rule=ApproverRule.UNIT_HEAD, level=1
    )
    hr = await viewer_for_user(w.users["branch_hr"])

    async def approvers(level: int, requester_id: int | None = None) -> list[int]:
        await ApprovalStep.filter(id=step.id).update(level=level)
        request = await approvals.submit(
            hr,
            RequestType.PAY_RESTORE,
            subject_id=level,
            unit=w.units["SH-SALES-1"],
            employee_id=w.people["sh_rep"].id,
            title="t",
            days=1,
            requester_id=requester_id,
            now=NOW,
        )
        tasks = await ApprovalTask.filter(request_id=request.id).order_by("id")
        return [t.approver_id for t in tasks]

    manager, hq = w.users["manager"].id, w.users["hq_hr"].id
    # SH-SALES-1 has no head: one unit up, SH-SALES's (the user "manager").
    assert await approvers(0) == [manager]
    assert await approvers(1) == [manager]
    # Two up is Shanghai, which has no head, nor has the company: nobody, so HQ HR.
    assert await approvers(2) == [hq]
    # Someone else asked on HR's behalf: the requester is theirs to name.
    asked = await approvals.request_for_subject(RequestType.PAY_RESTORE, 2)
    assert asked is not None and asked.requester_id == w.users["branch_hr"].id
    await approvers(3, requester_id=w.users["employee"].id)
    named = await approvals.request_for_subject(RequestType.PAY_RESTORE, 3)
    assert named is not None and named.requester_id == w.users["employee"].id


async def test_a_skipped_stage_says_why(world: World, no_effect: None) -> None:
    w = world

    hq = await viewer_for_user(w.users["hq_hr"])
    request = await approvals.submit(
        hq, RequestType.PAY_RESTORE, subject_id=1, unit=w.units["HQ"], employee_id=None,
        title="t", now=NOW,
    )  # fmt: skip
    events = await ApprovalEvent.filter(request_id=request.id, kind=EventKind.SKIPPED)
    assert [(e.stage, e.comment) for e in events] == [
        (0, "No approver."),
        (1, "No approver."),
        (2, "No approver but the requester: the type's default approvers decide."),
        (2, "No approver."),
        (3, "No approver."),
    ]
