import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from talentloop.accounts.models import Role
from talentloop.approvals.models import (
    ApprovalStatus,
    ApproverRule,
    EventKind,
    RequestType,
    StepMode,
    TaskStatus,
)


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0014_payroll")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ApprovalFlow",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "request_type",
                    fields.CharEnumField(
                        description="LEAVE: leave\nOVERTIME: overtime\nREQUISITION: requisition\nOFFER: offer\nPAY_RESTORE: pay_restore\nPAYROLL_RUN: payroll_run\nTRAINING_ENROLMENT: training_enrolment\nDATA_EXPORT: data_export",
                        enum_type=RequestType,
                        max_length=24,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_flows",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(default="", max_length=128)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "approval_flow",
                "app": "talentloop",
                "indexes": [Index(fields=["request_type", "unit_id"])],
                "pk_attr": "id",
                "table_description": "The approval flow of one request type in one unit's subtree (no unit: company default).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApprovalRequest",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "request_type",
                    fields.CharEnumField(
                        description="LEAVE: leave\nOVERTIME: overtime\nREQUISITION: requisition\nOFFER: offer\nPAY_RESTORE: pay_restore\nPAYROLL_RUN: payroll_run\nTRAINING_ENROLMENT: training_enrolment\nDATA_EXPORT: data_export",
                        enum_type=RequestType,
                        max_length=24,
                    ),
                ),
                ("subject_id", fields.IntField()),
                ("title", fields.CharField(default="", max_length=255)),
                (
                    "requester",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="requester_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_requests",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("days", fields.IntField(null=True)),
                ("amount", fields.DecimalField(null=True, max_digits=14, decimal_places=2)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ApprovalStatus.PENDING,
                        description="PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nCANCELLED: cancelled",
                        enum_type=ApprovalStatus,
                        max_length=16,
                    ),
                ),
                (
                    "flow",
                    fields.ForeignKeyField(
                        "talentloop.ApprovalFlow",
                        source_field="flow_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requests",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "plan",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("stage", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "approval_request",
                "app": "talentloop",
                "indexes": [
                    Index(fields=["request_type", "subject_id"]),
                    Index(fields=["unit_id"]),
                    Index(fields=["employee_id"]),
                ],
                "pk_attr": "id",
                "table_description": "A request on its way through a flow (its subject: the leave request, etc.).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApprovalEvent",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "talentloop.ApprovalRequest",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="SUBMITTED: submitted\nAPPROVED: approved\nREJECTED: rejected\nCOMMENTED: commented\nESCALATED: escalated\nSKIPPED: skipped\nCOMPLETED: completed\nCANCELLED: cancelled",
                        enum_type=EventKind,
                        max_length=16,
                    ),
                ),
                ("stage", fields.IntField(null=True)),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_events",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "on_behalf_of",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="on_behalf_of_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_events_for",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("comment", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "approval_event",
                "app": "talentloop",
                "indexes": [Index(fields=["request_id"])],
                "pk_attr": "id",
                "table_description": "The request's history: every decision, comment, escalation, with who and when.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApprovalStep",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "flow",
                    fields.ForeignKeyField(
                        "talentloop.ApprovalFlow",
                        source_field="flow_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="steps",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                (
                    "mode",
                    fields.CharEnumField(
                        default=StepMode.ALL,
                        description="ALL: all\nANY: any",
                        enum_type=StepMode,
                        max_length=8,
                    ),
                ),
                (
                    "rule",
                    fields.CharEnumField(
                        description="MANAGER: manager\nUNIT_HEAD: unit_head\nBRANCH_HEAD: branch_head\nROLE: role\nHQ_HR: hq_hr\nUSER: user",
                        enum_type=ApproverRule,
                        max_length=16,
                    ),
                ),
                ("level", fields.IntField(default=0)),
                (
                    "role",
                    fields.CharEnumField(
                        null=True,
                        description="ADMIN: admin\nHQ_HR: hq_hr\nBRANCH_HR: branch_hr\nMANAGER: manager\nEMPLOYEE: employee\nEXECUTIVE: executive",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_steps",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("days_over", fields.IntField(null=True)),
                ("amount_over", fields.DecimalField(null=True, max_digits=14, decimal_places=2)),
                ("deadline_hours", fields.IntField(null=True)),
                (
                    "escalate_rule",
                    fields.CharEnumField(
                        null=True,
                        description="MANAGER: manager\nUNIT_HEAD: unit_head\nBRANCH_HEAD: branch_head\nROLE: role\nHQ_HR: hq_hr\nUSER: user",
                        enum_type=ApproverRule,
                        max_length=16,
                    ),
                ),
                (
                    "escalate_user",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="escalate_user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_escalations",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "approval_step",
                "app": "talentloop",
                "indexes": [Index(fields=["flow_id"])],
                "pk_attr": "id",
                "table_description": "One approver rule of a flow (the rules sharing a position are one stage).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApprovalTask",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "talentloop.ApprovalRequest",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tasks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("stage", fields.IntField()),
                (
                    "mode",
                    fields.CharEnumField(
                        description="ALL: all\nANY: any", enum_type=StepMode, max_length=8
                    ),
                ),
                (
                    "approver",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="approver_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_tasks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=TaskStatus.PENDING,
                        description="PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nESCALATED: escalated\nCLOSED: closed",
                        enum_type=TaskStatus,
                        max_length=16,
                    ),
                ),
                (
                    "acted_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="acted_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="approval_acts",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "escalated_from",
                    fields.ForeignKeyField(
                        "talentloop.ApprovalTask",
                        source_field="escalated_from_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="escalations",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("due_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("comment", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "approval_task",
                "app": "talentloop",
                "indexes": [
                    Index(fields=["request_id"]),
                    Index(fields=["approver_id", "status"]),
                    Index(fields=["status", "due_at"]),
                ],
                "pk_attr": "id",
                "table_description": "One approver's part in one stage of a request.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Delegation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "from_user",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="from_user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="delegations_given",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "to_user",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="to_user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="delegations_taken",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("start_date", fields.DateField()),
                ("end_date", fields.DateField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "approval_delegation",
                "app": "talentloop",
                "indexes": [Index(fields=["from_user_id"]), Index(fields=["to_user_id"])],
                "pk_attr": "id",
                "table_description": "While away (from–to, inclusive, China dates) one user acts for another.",
            },
            bases=["Model"],
        ),
    ]
