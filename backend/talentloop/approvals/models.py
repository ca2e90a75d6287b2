"""Approval flows and the requests that run through them.

A flow belongs to a request type and a unit (none: the company default); a unit's flow
applies to its whole subtree, the nearest one winning. Its steps are rows: the steps that
share a `position` form one stage, decided by all of its approvers or by any one (`mode`).
A step's condition is structured (`days_over`, `amount_over`), never an evaluated string.
When a request is submitted the stages that apply are copied onto it (`plan`), so editing a
flow does not change a request in flight.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from talentloop.accounts.models import Role

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee


class RequestType(StrEnum):
    LEAVE = "leave"
    OVERTIME = "overtime"
    REQUISITION = "requisition"
    OFFER = "offer"
    PAY_RESTORE = "pay_restore"
    PAYROLL_RUN = "payroll_run"
    TRAINING_ENROLMENT = "training_enrolment"
    DATA_EXPORT = "data_export"
    PROBATION_CONFIRMATION = "probation_confirmation"  # 转正 (people/lifecycle.py)
    TRANSFER = "transfer"
    TERMINATION = "termination"
    PUNCH_CORRECTION = "punch_correction"  # 补卡 (attendance/corrections.py)


class ApproverRule(StrEnum):
    MANAGER = "manager"  # the requester's manager (up the chain past the requester)
    UNIT_HEAD = "unit_head"  # the head of the unit `level` levels up (0: the own unit)
    BRANCH_HEAD = "branch_head"  # the head of the requester's branch
    ROLE = "role"  # users of `role` whose scope covers the requester's unit
    HQ_HR = "hq_hr"  # HQ HR
    USER = "user"  # a named user


class StepMode(StrEnum):
    ALL = "all"
    ANY = "any"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class TaskStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ESCALATED = "escalated"  # past its deadline: handed on to the escalation approver
    CLOSED = "closed"  # not needed any more (another approver of an "any" stage decided)


class EventKind(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMMENTED = "commented"
    ESCALATED = "escalated"
    SKIPPED = "skipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ApprovalFlow(Model):
    """The approval flow of one request type in one unit's subtree (no unit: company default)."""

    id = fields.IntField(primary_key=True)
    request_type = fields.CharEnumField(RequestType, max_length=24)
    unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="approval_flows", null=True, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=128, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    unit_id: int | None
    steps: fields.ReverseRelation[ApprovalStep]

    class Meta:
        table = "approval_flow"
        indexes = (("request_type", "unit_id"),)


class ApprovalStep(Model):
    """One approver rule of a flow (the rules sharing a position are one stage)."""

    id = fields.IntField(primary_key=True)
    flow: fields.ForeignKeyRelation[ApprovalFlow] = fields.ForeignKeyField(
        "talentloop.ApprovalFlow", related_name="steps", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    mode = fields.CharEnumField(StepMode, max_length=8, default=StepMode.ALL)
    rule = fields.CharEnumField(ApproverRule, max_length=16)
    level = fields.IntField(default=0)
    role = fields.CharEnumField(Role, max_length=16, null=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="approval_steps", null=True, on_delete=fields.SET_NULL
    )
    # Conditions: the step applies only when the request's days (or amount) exceed these.
    days_over = fields.IntField(null=True)
    amount_over = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    deadline_hours = fields.IntField(null=True)
    escalate_rule = fields.CharEnumField(ApproverRule, max_length=16, null=True)
    escalate_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="approval_escalations", null=True, on_delete=fields.SET_NULL
    )

    flow_id: int
    user_id: int | None
    escalate_user_id: int | None

    class Meta:
        table = "approval_step"
        ordering = ["position", "id"]
        indexes = (("flow_id",),)


class ApprovalRequest(Model):
    """A request on its way through a flow (its subject: the leave request, etc.)."""

    id = fields.IntField(primary_key=True)
    request_type = fields.CharEnumField(RequestType, max_length=24)
    subject_id = fields.IntField()
    title = fields.CharField(max_length=255, default="")  # in English (approvals/titles.py)
    title_key = fields.CharField(max_length=255, null=True)  # its msgid, when it has words
    title_params: Any = fields.JSONField(null=True)
    requester: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="approval_requests", null=True, on_delete=fields.SET_NULL
    )
    # Whom the request is about (a leave's employee); never one of its approvers.
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="approval_requests", null=True, on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="approval_requests", on_delete=fields.CASCADE
    )
    days = fields.IntField(null=True)
    amount = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    status = fields.CharEnumField(ApprovalStatus, max_length=16, default=ApprovalStatus.PENDING)
    flow: fields.ForeignKeyNullableRelation[ApprovalFlow] = fields.ForeignKeyField(
        "talentloop.ApprovalFlow", related_name="requests", null=True, on_delete=fields.SET_NULL
    )
    # The stages that applied when it was submitted: [{"mode", "approvers": [rule…], …}].
    plan: list[dict[str, Any]] = fields.JSONField(default=list)
    stage = fields.IntField(default=0)  # index into plan of the open stage
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    requester_id: int | None
    employee_id: int | None
    unit_id: int
    flow_id: int | None

    class Meta:
        table = "approval_request"
        ordering = ["-id"]
        indexes = (("request_type", "subject_id"), ("unit_id",), ("employee_id",))


class ApprovalTask(Model):
    """One approver's part in one stage of a request."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ApprovalRequest] = fields.ForeignKeyField(
        "talentloop.ApprovalRequest", related_name="tasks", on_delete=fields.CASCADE
    )
    stage = fields.IntField()
    mode = fields.CharEnumField(StepMode, max_length=8)
    approver: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="approval_tasks", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(TaskStatus, max_length=16, default=TaskStatus.PENDING)
    acted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="approval_acts", null=True, on_delete=fields.SET_NULL
    )
    # The task this one took over when that one's deadline passed.
    escalated_from: fields.ForeignKeyNullableRelation[ApprovalTask] = fields.ForeignKeyField(
        "talentloop.ApprovalTask", related_name="escalations", null=True, on_delete=fields.SET_NULL
    )
    due_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    comment = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    request_id: int
    approver_id: int
    acted_by_id: int | None
    escalated_from_id: int | None

    class Meta:
        table = "approval_task"
        ordering = ["stage", "id"]
        indexes = (("request_id",), ("approver_id", "status"), ("status", "due_at"))


class Delegation(Model):
    """While away (from–to, inclusive, China dates) one user acts for another."""

    id = fields.IntField(primary_key=True)
    from_user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="delegations_given", on_delete=fields.CASCADE
    )
    to_user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="delegations_taken", on_delete=fields.CASCADE
    )
    start_date = fields.DateField()
    end_date = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    from_user_id: int
    to_user_id: int

    class Meta:
        table = "approval_delegation"
        indexes = (("from_user_id",), ("to_user_id",))


class ApprovalEvent(Model):
    """The request's history: every decision, comment, escalation, with who and when."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ApprovalRequest] = fields.ForeignKeyField(
        "talentloop.ApprovalRequest", related_name="events", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EventKind, max_length=16)
    stage = fields.IntField(null=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="approval_events", null=True, on_delete=fields.SET_NULL
    )
    # Set when a delegate acted: the approver they acted for.
    on_behalf_of: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="approval_events_for", null=True, on_delete=fields.SET_NULL
    )
    comment = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    request_id: int
    actor_id: int | None
    on_behalf_of_id: int | None

    class Meta:
        table = "approval_event"
        ordering = ["id"]
        indexes = (("request_id",),)
