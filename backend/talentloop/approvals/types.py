"""GraphQL types of approvals: requests with their tasks and history, flows, delegations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from talentloop.accounts.models import Role, User
from talentloop.approvals import contexts, titles
from talentloop.approvals.contexts import (
    EnrolmentContext,
    LeaveContext,
    PayrollContext,
    RequisitionContext,
)
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
from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node

if TYPE_CHECKING:
    from talentloop.people.lifecycle_schema import LifecycleChangeNode
    from talentloop.performance.restore_types import RestoreEvidence

LifecycleChangeRef = Annotated[
    "LifecycleChangeNode", strawberry.lazy("talentloop.people.lifecycle_schema")
]

RestoreEvidenceRef = Annotated[
    "RestoreEvidence", strawberry.lazy("talentloop.performance.restore_types")
]


async def _restore_evidence_by_id(ids: list[int]) -> list[dict[str, Any] | None]:
    """The evidence of restore requests, by id, in one query (a page of approval cards)."""
    from talentloop.performance.models import RestoreRequest

    found = dict(await RestoreRequest.filter(id__in=ids).values_list("id", "evidence"))
    return [found.get(i) for i in ids]


strawberry.enum(RequestType, name="ApprovalRequestType", description="What is asked for.")
strawberry.enum(ApprovalStatus, name="ApprovalStatus", description="Where a request stands.")
strawberry.enum(
    TaskStatus, name="ApprovalTaskStatus", description="Where one approver's part stands."
)
strawberry.enum(EventKind, name="ApprovalEventKind", description="What happened to a request.")
strawberry.enum(
    StepMode, name="ApprovalStepMode", description="A stage needs all of its approvers or any one."
)
strawberry.enum(
    ApproverRule,
    name="ApprovalApproverRule",
    description="How a step's approver is chosen: the requester's manager, the head of the unit "
    "n levels up, the branch head, a role in the requester's scope, HQ HR, a named user.",
)

# The node type of each request type's subject, for its global ID.
SUBJECT_TYPES = {
    RequestType.LEAVE: "LeaveRequest",
    RequestType.PAY_RESTORE: "RestoreRequest",
    RequestType.REQUISITION: "Requisition",
    RequestType.OFFER: "Offer",  # not a node: the offer is read through its Application
    RequestType.PAYROLL_RUN: "PayrollRun",
    RequestType.TRAINING_ENROLMENT: "Enrollment",
    RequestType.DATA_EXPORT: "SensitiveExport",  # read by its requester alone
}
# Overtime (attendance/overtime.py).
SUBJECT_TYPES[RequestType.OVERTIME] = "OvertimeRequest"
# 补卡 (attendance/corrections.py): not a node; the card shows its title and reason.
SUBJECT_TYPES[RequestType.PUNCH_CORRECTION] = "PunchCorrection"
# The employee lifecycle (people/lifecycle.py): read through ApprovalRequest.lifecycleChange.
for _type in (RequestType.PROBATION_CONFIRMATION, RequestType.TRANSFER, RequestType.TERMINATION):
    SUBJECT_TYPES[_type] = "LifecycleChange"


async def _names(info: Info, user_ids: set[int]) -> dict[int, str]:
    """Display names of users (their employee's name, else the username), batched."""
    ids = sorted(user_ids)
    names = await info.context.loader("approval_names", _names_loader).load_many(ids)
    return dict(zip(ids, names, strict=True))


def _names_loader(_viewer: object) -> Callable[[list[int]], Awaitable[list[str]]]:
    async def load(ids: list[int]) -> list[str]:
        found = {
            u.id: (u.employee.name if u.employee is not None else u.username)
            for u in await User.filter(id__in=ids).prefetch_related("employee")
        }
        return [found.get(i, "") for i in ids]

    return load


@strawberry.type(name="ApprovalTask", description="One approver's part in a stage of a request.")
class ApprovalTaskInfo:
    _task: strawberry.Private[ApprovalTask]
    _names: strawberry.Private[dict[int, str]]

    @strawberry.field(description="The stage (0 is the first).")
    def stage(self) -> int:
        return self._task.stage

    @strawberry.field(description="All of the stage's approvers decide, or any one.")
    def mode(self) -> StepMode:
        return self._task.mode

    @strawberry.field(description="The approver's name.")
    def approver_name(self) -> str:
        return self._names.get(self._task.approver_id, "")

    @strawberry.field(description="Pending, approved, rejected, escalated or closed.")
    def status(self) -> TaskStatus:
        return self._task.status

    @strawberry.field(description="Who decided (the approver, or their delegate).")
    def acted_by_name(self) -> str | None:
        acted = self._task.acted_by_id
        return self._names.get(acted) if acted is not None else None

    @strawberry.field(description="When it was decided.")
    def decided_at(self) -> datetime | None:
        return self._task.decided_at

    @strawberry.field(description="The decision's comment.")
    def comment(self) -> str:
        return self._task.comment

    @strawberry.field(description="When it is escalated if still pending.")
    def due_at(self) -> datetime | None:
        return self._task.due_at

    @strawberry.field(description="Whether it took over a task escalated past its deadline.")
    def escalation(self) -> bool:
        return self._task.escalated_from_id is not None


@strawberry.type(name="ApprovalEvent", description="One entry of a request's history.")
class ApprovalEventInfo:
    _event: strawberry.Private[ApprovalEvent]
    _names: strawberry.Private[dict[int, str]]

    @strawberry.field(description="What happened.")
    def kind(self) -> EventKind:
        return self._event.kind

    @strawberry.field(description="The stage it happened in.")
    def stage(self) -> int | None:
        return self._event.stage

    @strawberry.field(description="Who (null: the system).")
    def actor_name(self) -> str | None:
        actor = self._event.actor_id
        return self._names.get(actor) if actor is not None else None

    @strawberry.field(description="The approver a delegate acted for, or whose task was escalated.")
    def on_behalf_of_name(self) -> str | None:
        other = self._event.on_behalf_of_id
        return self._names.get(other) if other is not None else None

    @strawberry.field(description="The comment.")
    def comment(self) -> str:
        return self._event.comment

    @strawberry.field(description="When.")
    def at(self) -> datetime:
        return self._event.created_at


@strawberry.type(
    name="ApprovalRequest",
    description="A request on its way through its approval flow, with its tasks and history.",
)
class ApprovalRequestNode(Node):
    _model: strawberry.Private[ApprovalRequest]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ApprovalRequest", self._model.id))

    @strawberry.field(description="What is asked for.")
    def request_type(self) -> RequestType:
        return self._model.request_type

    @strawberry.field(
        description="The global ID of what is asked for (a leave request, a restore request, a "
        "payroll run, an enrolment)."
    )
    def subject_id(self) -> strawberry.ID:
        kind = SUBJECT_TYPES.get(self._model.request_type)
        value = self._model.subject_id
        return strawberry.ID(to_global_id(kind, value) if kind else str(value))

    @strawberry.field(description="A short description.")
    def title(self) -> str:
        return titles.shown(self._model)

    @strawberry.field(description="Pending, approved, rejected or cancelled.")
    def status(self) -> ApprovalStatus:
        return self._model.status

    @strawberry.field(description="Days asked for (the flow's conditions read them).")
    def days(self) -> int | None:
        return self._model.days

    @strawberry.field(description="The amount in CNY (the flow's conditions read it).")
    def amount(self) -> Decimal | None:
        return self._model.amount

    @strawberry.field(description="Who asked.")
    async def requester_name(self, info: Info) -> str | None:
        user = self._model.requester_id
        return (await _names(info, {user})).get(user) if user is not None else None

    @strawberry.field(description="The open stage (0 is the first).")
    def stage(self) -> int:
        return self._model.stage

    @strawberry.field(description="How many stages apply to it.")
    def stage_count(self) -> int:
        return len(self._model.plan)

    @strawberry.field(description="When it was asked for.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="When it was finally decided.")
    def decided_at(self) -> datetime | None:
        return self._model.decided_at

    @strawberry.field(description="Every approver's part, stage by stage.")
    async def tasks(self, info: Info) -> list[ApprovalTaskInfo]:
        tasks = await _tasks_of(info, self._model.id)
        ids = {t.approver_id for t in tasks} | {t.acted_by_id for t in tasks if t.acted_by_id}
        names = await _names(info, ids)
        return [ApprovalTaskInfo(_task=t, _names=names) for t in tasks]

    @strawberry.field(description="Every decision, comment and escalation, oldest first.")
    async def history(self, info: Info) -> list[ApprovalEventInfo]:
        events = await info.context.loader("approval_events", lambda _v: _events_by_request).load(
            self._model.id
        )
        ids = {e.actor_id for e in events if e.actor_id} | {
            e.on_behalf_of_id for e in events if e.on_behalf_of_id
        }
        names = await _names(info, ids)
        return [ApprovalEventInfo(_event=e, _names=names) for e in events]

    @strawberry.field(
        description="For a performance-pay restore: the evidence it was asked on (the "
        "condition's progress, the measured training effect and ROI, the day), part of the "
        "request like its title, so every approver decides on the same figures."
    )
    async def restore_evidence(self, info: Info) -> RestoreEvidenceRef | None:
        if self._model.request_type is not RequestType.PAY_RESTORE:
            return None
        from talentloop.performance.restore_types import RestoreEvidence

        evidence = await info.context.loader(
            "restore_evidence", lambda _v: _restore_evidence_by_id
        ).load(self._model.subject_id)
        return None if evidence is None else RestoreEvidence.of(evidence)

    @strawberry.field(
        description="For a probation confirmation, transfer or termination: who, from where to "
        "where, and when (part of the request, like its title)."
    )
    async def lifecycle_change(self, info: Info) -> LifecycleChangeRef | None:
        from talentloop.people.lifecycle_schema import lifecycle_change_of

        return await lifecycle_change_of(info, self._model.request_type, self._model.subject_id)

    @strawberry.field(
        description="For a leave request: its reason, the annual-leave balance before and after "
        "it, and who else in the team is away on those days (what the viewer may not read of "
        "the people is missing)."
    )
    async def leave_context(self, info: Info) -> LeaveContext | None:
        if self._model.request_type is not RequestType.LEAVE:
            return None
        return await contexts.leave_context(info, self._model.subject_id)

    @strawberry.field(
        description="For a requisition: its reason, headcount, position and unit, and the "
        "salary budget where the viewer directs the unit."
    )
    async def requisition_context(self, info: Info) -> RequisitionContext | None:
        if self._model.request_type is not RequestType.REQUISITION:
            return None
        return await contexts.requisition_context(info, self._model.subject_id)

    @strawberry.field(
        description="For a payroll run: its totals against the same unit's run of the month "
        "before (null previous: none)."
    )
    async def payroll_context(self, info: Info) -> PayrollContext | None:
        if self._model.request_type is not RequestType.PAYROLL_RUN:
            return None
        return await contexts.payroll_context(info, self._model.subject_id)

    @strawberry.field(
        description="For a training enrolment with a cost: the course, the cost and the "
        "training budget left (where the viewer reads the plan)."
    )
    async def enrolment_context(self, info: Info) -> EnrolmentContext | None:
        if self._model.request_type is not RequestType.TRAINING_ENROLMENT:
            return None
        return await contexts.enrolment_context(info, self._model.subject_id, self._model.amount)

    @strawberry.field(description="Whether the viewer may approve or reject it now.")
    async def can_decide(self, info: Info) -> bool:
        from talentloop.approvals import service

        if self._model.status is not ApprovalStatus.PENDING:
            return False
        viewer = info.context.viewer
        acting = set(
            service.acting_on(viewer, self._model.request_type, await service.acting_for(viewer))
        )
        return any(
            t.status is TaskStatus.PENDING and t.approver_id in acting
            for t in await _tasks_of(info, self._model.id)
        )


async def _tasks_of(info: Info, request_id: int) -> list[ApprovalTask]:
    found: list[ApprovalTask] = await info.context.loader(
        "approval_tasks", lambda _v: _tasks_by_request
    ).load(request_id)
    return found


async def _tasks_by_request(ids: list[int]) -> list[list[ApprovalTask]]:
    by: dict[int, list[ApprovalTask]] = {i: [] for i in ids}
    for t in await ApprovalTask.filter(request_id__in=ids).order_by("stage", "id"):
        by[t.request_id].append(t)
    return [by[i] for i in ids]


async def _events_by_request(ids: list[int]) -> list[list[ApprovalEvent]]:
    by: dict[int, list[ApprovalEvent]] = {i: [] for i in ids}
    for e in await ApprovalEvent.filter(request_id__in=ids).order_by("id"):
        by[e.request_id].append(e)
    return [by[i] for i in ids]


@strawberry.type(name="ApprovalStep", description="One approver rule of a flow.")
class ApprovalStepInfo:
    _step: strawberry.Private[ApprovalStep]

    @strawberry.field(description="The stage: steps with the same position are decided together.")
    def position(self) -> int:
        return self._step.position

    @strawberry.field(description="All of the stage's approvers decide, or any one.")
    def mode(self) -> StepMode:
        return self._step.mode

    @strawberry.field(description="How the approver is chosen.")
    def rule(self) -> ApproverRule:
        return self._step.rule

    @strawberry.field(description="For the unit-head rule: how many units up (0: the own unit).")
    def level(self) -> int:
        return self._step.level

    @strawberry.field(description="For the role rule: the role.")
    def role(self) -> Role | None:
        return self._step.role

    @strawberry.field(description="For the named-user rule: the user's username.")
    def username(self) -> str | None:
        user = self._step.user
        return user.username if self._step.user_id is not None and user is not None else None

    @strawberry.field(
        description="For the named-user rule: the user's global ID (to save the step again)."
    )
    def user_id(self) -> strawberry.ID | None:
        user = self._step.user_id
        return strawberry.ID(to_global_id("User", user)) if user is not None else None

    @strawberry.field(
        description="For the named-user rule: the approver's name (their employee's, else the "
        "username)."
    )
    async def approver_name(self, info: Info) -> str | None:
        user = self._step.user_id
        return (await _names(info, {user})).get(user) if user is not None else None

    @strawberry.field(description="The step applies only to requests of more days than this.")
    def days_over(self) -> int | None:
        return self._step.days_over

    @strawberry.field(description="The step applies only to amounts (CNY) above this.")
    def amount_over(self) -> Decimal | None:
        return self._step.amount_over

    @strawberry.field(description="Hours before a pending task is escalated.")
    def deadline_hours(self) -> int | None:
        return self._step.deadline_hours

    @strawberry.field(description="Who gets an escalated task (HQ HR when not set).")
    def escalate_rule(self) -> ApproverRule | None:
        return self._step.escalate_rule


@strawberry.type(name="ApprovalFlow", description="The approval flow of a request type in a unit.")
class ApprovalFlowInfo:
    _flow: strawberry.Private[ApprovalFlow]
    _unit_name: strawberry.Private[str | None]

    @strawberry.field(description="The flow's number (to replace it).")
    def flow_id(self) -> int:
        return self._flow.id

    @strawberry.field(description="What it approves.")
    def request_type(self) -> RequestType:
        return self._flow.request_type

    @strawberry.field(description="Its name.")
    def name(self) -> str:
        return self._flow.name

    @strawberry.field(
        description="The global ID of the unit whose subtree it serves; null: the company default."
    )
    def unit_id(self) -> strawberry.ID | None:
        unit = self._flow.unit_id
        return strawberry.ID(to_global_id("OrgUnit", unit)) if unit is not None else None

    @strawberry.field(description="The unit's name; null: the company default.")
    def unit_name(self) -> str | None:
        return self._unit_name

    @strawberry.field(description="Its steps in order.")
    def steps(self) -> list[ApprovalStepInfo]:
        return [ApprovalStepInfo(_step=s) for s in self._flow.steps]


@strawberry.type(name="ApprovalDelegation", description="Who acts for whom, and when.")
class DelegationInfo:
    _delegation: strawberry.Private[Delegation]
    _names: strawberry.Private[dict[int, str]]
    _viewer_user_id: strawberry.Private[int | None] = None

    @strawberry.field(description="The global ID (for `endDelegation`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ApprovalDelegation", self._delegation.id))

    @strawberry.field(description="Whether the viewer gave it (and so may end it).")
    def given(self) -> bool:
        return self._delegation.from_user_id == self._viewer_user_id

    @strawberry.field(description="The approver who is away.")
    def from_name(self) -> str:
        return self._names.get(self._delegation.from_user_id, "")

    @strawberry.field(description="Who acts for them.")
    def to_name(self) -> str:
        return self._names.get(self._delegation.to_user_id, "")

    @strawberry.field(description="First day (China time).")
    def start_date(self) -> date:
        return self._delegation.start_date

    @strawberry.field(description="Last day (China time).")
    def end_date(self) -> date:
        return self._delegation.end_date


def _latest_loader(
    request_type: RequestType,
) -> Callable[[object], Callable[[list[int]], Awaitable[list[ApprovalRequest | None]]]]:
    def factory(viewer: object) -> Callable[[list[int]], Awaitable[list[ApprovalRequest | None]]]:
        from talentloop.access.policy import Viewer
        from talentloop.approvals import service

        assert isinstance(viewer, Viewer)

        async def load(ids: list[int]) -> list[ApprovalRequest | None]:
            found: dict[int, ApprovalRequest] = {}
            for r in (
                await service.visible_requests(viewer)
                .filter(request_type=request_type, subject_id__in=ids)
                .order_by("id")
            ):
                found[r.subject_id] = r
            return [found.get(i) for i in ids]

        return load

    return factory


async def approval_of(
    info: Info, request_type: RequestType, subject_id: int
) -> ApprovalRequestNode | None:
    """The latest approval request about a subject (a requisition, a payroll run…), where the
    viewer reads it (its requester, approvers, HR in scope); batched per request type."""
    found = await info.context.loader(
        f"approval_of_{request_type.value}", _latest_loader(request_type)
    ).load(subject_id)
    return ApprovalRequestNode(_model=found) if found is not None else None
