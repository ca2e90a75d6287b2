"""Root query fields and mutations of approvals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry

from talentloop.accounts.models import Role
from talentloop.approvals import batch, flows, service
from talentloop.approvals.models import (
    ApprovalRequest,
    ApproverRule,
    Delegation,
    RequestType,
    StepMode,
)
from talentloop.approvals.types import (
    ApprovalFlowInfo,
    ApprovalRequestNode,
    DelegationInfo,
    _names,
)
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node


@strawberry.type
class ApprovalsQuery:
    @strawberry.field(
        description="The requests waiting for the viewer's decision (their own tasks and those of "
        "approvers they act for), oldest first; at most 100."
    )
    async def my_approvals(self, info: Info) -> list[ApprovalRequestNode]:
        tasks = await service.my_open_tasks(info.context.viewer)
        ids: list[int] = []
        for t in tasks:
            if t.request_id not in ids:
                ids.append(t.request_id)
        ids = ids[:100]
        found = {r.id: r for r in await ApprovalRequest.filter(id__in=ids)}
        return [ApprovalRequestNode(_model=found[i]) for i in ids if i in found]

    @strawberry.field(description="The viewer's own requests, newest first; at most 100.")
    async def my_approval_requests(self, info: Info) -> list[ApprovalRequestNode]:
        viewer = info.context.viewer
        if viewer.user_id is None:
            return []
        found = (
            await service.visible_requests(viewer)
            .filter(requester_id=viewer.user_id)
            .order_by("-id")
            .limit(100)
        )
        return [ApprovalRequestNode(_model=r) for r in found]

    @strawberry.field(
        description="Approval flows HR edits: HQ HR every one; branch HR the company defaults and "
        "their branch's. Others: empty."
    )
    async def approval_flows(self, info: Info) -> list[ApprovalFlowInfo]:
        found = await flows.visible_flows(info.context.viewer)
        return [
            ApprovalFlowInfo(_flow=f, _unit_name=f.unit.name if f.unit is not None else None)
            for f in found
        ]

    @strawberry.field(description="The viewer's delegations, given and taken.")
    async def my_delegations(self, info: Info) -> list[DelegationInfo]:
        found = await service.my_delegations(info.context.viewer)
        names = await _names(info, {d.from_user_id for d in found} | {d.to_user_id for d in found})
        viewer_id = info.context.viewer.user_id
        return [
            DelegationInfo(_delegation=d, _names=names, _viewer_user_id=viewer_id) for d in found
        ]


async def _request_node(info: Info, pk: int) -> ApprovalRequestNode | None:
    found = await service.get_request(info.context.viewer, pk)
    return ApprovalRequestNode(_model=found) if found else None


register_node("ApprovalRequest", _request_node, ApprovalRequest)


@strawberry.type(description="The request, or the errors that stopped the change.")
class ApprovalRequestPayload:
    approval_request: ApprovalRequestNode | None = strawberry.field(description="The request.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The flow (null when removed), or the errors that stopped it.")
class ApprovalFlowPayload:
    flow: ApprovalFlowInfo | None = strawberry.field(description="The flow.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The delegation, or the errors that stopped it.")
class DelegationPayload:
    delegation: DelegationInfo | None = strawberry.field(description="The delegation.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


async def _delegation_payload(info: Info, delegation: Delegation) -> DelegationPayload:
    names = await _names(info, {delegation.from_user_id, delegation.to_user_id})
    info_ = DelegationInfo(
        _delegation=delegation, _names=names, _viewer_user_id=info.context.viewer.user_id
    )
    return DelegationPayload(delegation=info_, errors=[])


@strawberry.enum(description="What the approver decides.")
class ApprovalDecision(Enum):
    APPROVE = "approve"
    REJECT = "reject"


@strawberry.input(description="Several tasks decided at once, with one comment.")
class DecideApprovalsInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="The requests (ApprovalRequest global IDs) whose open task the viewer holds; "
        "at most 100."
    )
    decision: ApprovalDecision = strawberry.field(description="Approve or reject every one.")
    comment: str = strawberry.field(default="", description="One comment for every decision.")


@strawberry.type(description="What became of one request of a batch decision.")
class DecideApprovalsResult:
    id: strawberry.ID = strawberry.field(description="The request's global ID, as given.")
    ok: bool = strawberry.field(description="Whether it was decided.")
    request: ApprovalRequestNode | None = strawberry.field(
        description="The request after the decision (null when refused)."
    )
    errors: list[MutationError] = strawberry.field(
        description="Why it was refused (field `ids.<i>`); empty when decided."
    )


@strawberry.type(
    description="Each request's result, in the order given. `errors` holds the problems of the "
    "request as a whole (no ids, over 100) and those of every refused item (on `ids.<i>`)."
)
class DecideApprovalsPayload:
    results: list[DecideApprovalsResult] = strawberry.field(description="One per id given.")
    errors: list[MutationError] = strawberry.field(description="Empty when every one was decided.")


@strawberry.input(description="One approver rule of a flow.")
class ApprovalStepInput:
    position: int = strawberry.field(description="The stage; equal positions decide together.")
    rule: ApproverRule = strawberry.field(description="How the approver is chosen.")
    mode: StepMode = strawberry.field(
        default=StepMode.ALL, description="All of the stage's approvers, or any one."
    )
    level: int = strawberry.field(default=0, description="Unit-head rule: units up (0: own).")
    role: Role | None = strawberry.field(default=None, description="Role rule: the role.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="Named-user rule: the user's global ID."
    )
    employee_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Named-user rule, instead of userId: an employee the viewer sees (the "
        "employees query finds them), whose user account approves.",
    )
    days_over: int | None = strawberry.field(
        default=None, description="Only for requests of more days than this."
    )
    amount_over: Decimal | None = strawberry.field(
        default=None, description="Only for amounts (CNY) above this."
    )
    deadline_hours: int | None = strawberry.field(
        default=None, description="Escalate a task still pending after this many hours."
    )
    escalate_rule: ApproverRule | None = strawberry.field(
        default=None, description="Who gets an escalated task (HQ HR when not set)."
    )


@strawberry.input(description="A flow for a request type in a unit (or the company default).")
class ApprovalFlowInput:
    request_type: RequestType = strawberry.field(description="What it approves.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The unit whose subtree it serves; null: company default."
    )
    name: str = strawberry.field(default="", description="Its name.")
    steps: list[ApprovalStepInput] = strawberry.field(
        description="Its steps; none removes the flow."
    )


@strawberry.input(description="Let a colleague decide one's approvals while away.")
class DelegationInput:
    to_employee_id: strawberry.ID = strawberry.field(description="The colleague.")
    start_date: date = strawberry.field(description="First day (China time).")
    end_date: date = strawberry.field(description="Last day (China time).")


@strawberry.type
class ApprovalsMutation:
    @strawberry.mutation(
        description="Approve or reject a request in the viewer's open task (or one of an approver "
        "they act for), with a comment; never one's own request."
    )
    async def decide_approval(
        self, info: Info, id: strawberry.ID, approve: bool, comment: str = ""
    ) -> ApprovalRequestPayload:
        try:
            request = await service.decide(
                info.context.viewer,
                require_pk(id, "ApprovalRequest", "id"),
                approve=approve,
                comment=comment,
            )
        except ServiceError as exc:
            return ApprovalRequestPayload(approval_request=None, errors=mutation_errors(exc))
        return ApprovalRequestPayload(
            approval_request=ApprovalRequestNode(_model=request), errors=[]
        )

    @strawberry.mutation(
        description="Approve or reject several requests at once (at most 100), one comment for "
        "all: each through decideApproval's checks and in its own transaction, so one refused "
        "does not undo the others. Each decision is on its request's history like one made alone."
    )
    async def decide_approvals(
        self, info: Info, input: DecideApprovalsInput
    ) -> DecideApprovalsPayload:
        ids: list[int | None] = []
        bad: dict[int, list[FieldError]] = {}
        for i, gid in enumerate(input.ids[: batch.MAX_BATCH + 1]):
            pk = pk_of(gid, "ApprovalRequest")
            ids.append(pk)
            if pk is None:
                bad[i] = [
                    FieldError(
                        "Not a valid {type} id.", ErrorCode.INVALID, "id", type="ApprovalRequest"
                    )
                ]
        try:
            items = await batch.decide_many(
                info.context.viewer,
                ids,
                approve=input.decision is ApprovalDecision.APPROVE,
                comment=input.comment,
                bad=bad,
            )
        except ServiceError as exc:
            return DecideApprovalsPayload(results=[], errors=mutation_errors(exc))
        results = [
            DecideApprovalsResult(
                id=input.ids[item.index],
                ok=not item.errors,
                request=ApprovalRequestNode(_model=item.request) if item.request else None,
                errors=mutation_errors(ServiceError(*item.errors)) if item.errors else [],
            )
            for item in items
        ]
        return DecideApprovalsPayload(
            results=results, errors=[e for r in results for e in r.errors]
        )

    @strawberry.mutation(description="Add a comment to a request's history.")
    async def comment_approval(
        self, info: Info, id: strawberry.ID, comment: str
    ) -> ApprovalRequestPayload:
        try:
            request = await service.add_comment(
                info.context.viewer, require_pk(id, "ApprovalRequest", "id"), comment
            )
        except ServiceError as exc:
            return ApprovalRequestPayload(approval_request=None, errors=mutation_errors(exc))
        return ApprovalRequestPayload(
            approval_request=ApprovalRequestNode(_model=request), errors=[]
        )

    @strawberry.mutation(description="Let a colleague decide the viewer's approvals while away.")
    async def delegate_approvals(self, info: Info, input: DelegationInput) -> DelegationPayload:
        try:
            delegation = await service.delegate(
                info.context.viewer,
                to_employee_id=require_pk(input.to_employee_id, "Employee", "toEmployeeId"),
                start=input.start_date,
                end=input.end_date,
            )
        except ServiceError as exc:
            return DelegationPayload(delegation=None, errors=mutation_errors(exc))
        return await _delegation_payload(info, delegation)

    @strawberry.mutation(
        description="End a delegation the viewer gave: from today the colleague no longer acts "
        "for them; one that has not begun is removed (the answer's delegation is then null). "
        "Audited."
    )
    async def end_delegation(self, info: Info, id: strawberry.ID) -> DelegationPayload:
        try:
            service.require_user(info.context.viewer)  # before the id is read, as for a missing one
            delegation = await service.end_delegation(
                info.context.viewer, require_pk(id, "ApprovalDelegation", "id")
            )
        except ServiceError as exc:
            return DelegationPayload(delegation=None, errors=mutation_errors(exc))
        if delegation is None:
            return DelegationPayload(delegation=None, errors=[])
        return await _delegation_payload(info, delegation)

    @strawberry.mutation(
        description="Replace the approval flow of a request type in a unit (HR of the unit; the "
        "company default and the guarded types — exports, pay, hiring, costly training: HQ HR); "
        "no steps removes it. Audited."
    )
    async def save_approval_flow(self, info: Info, input: ApprovalFlowInput) -> ApprovalFlowPayload:
        try:
            steps = [
                flows.StepInput(
                    position=s.position,
                    rule=ApproverRule(s.rule),
                    mode=StepMode(s.mode),
                    level=s.level,
                    role=s.role,
                    user_id=optional_pk(s.user_id, "User", f"steps.{i}.userId"),
                    employee_id=optional_pk(s.employee_id, "Employee", f"steps.{i}.employeeId"),
                    days_over=s.days_over,
                    amount_over=s.amount_over,
                    deadline_hours=s.deadline_hours,
                    escalate_rule=ApproverRule(s.escalate_rule) if s.escalate_rule else None,
                )
                for i, s in enumerate(input.steps)
            ]
            flow = await flows.save_flow(
                info.context.viewer,
                request_type=RequestType(input.request_type),
                unit_id=optional_pk(input.unit_id, "OrgUnit", "unitId"),
                name=input.name,
                steps=steps,
            )
        except ServiceError as exc:
            return ApprovalFlowPayload(flow=None, errors=mutation_errors(exc))
        node = (
            ApprovalFlowInfo(_flow=flow, _unit_name=flow.unit.name if flow.unit else None)
            if flow is not None
            else None
        )
        return ApprovalFlowPayload(flow=node, errors=[])
