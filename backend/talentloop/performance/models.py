"""KPI definitions, targets and their adjustments, performance records, assessment triggers,
performance-pay suspensions with their restore requests, and import jobs.

A period is identified by its first day (2026-03-01 is March 2026; for a
quarterly KPI, 2026-01-01 is Q1).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee


class KpiUnit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    MONEY = "money"


class KpiDirection(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class KpiAggregation(StrEnum):
    SUM = "sum"  # a unit's value is the sum of its members' (new customers, revenue)
    AVERAGE = "average"  # a unit's value is the mean of its members' (conversion, churn)


class PeriodType(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Kpi(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    description = fields.TextField(default="")
    unit = fields.CharEnumField(KpiUnit, max_length=16)
    direction = fields.CharEnumField(
        KpiDirection, max_length=20, default=KpiDirection.HIGHER_IS_BETTER
    )
    aggregation = fields.CharEnumField(KpiAggregation, max_length=16, default=KpiAggregation.SUM)
    period_type = fields.CharEnumField(PeriodType, max_length=16, default=PeriodType.MONTH)
    # Records may be broken down along one dimension, e.g. new customers by customer source.
    dimension_name = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "kpi"
        ordering = ["code"]


class KpiTarget(Model):
    """A target for one employee, or for every member of a unit's subtree (inherited,
    the nearest unit winning, unless the employee has their own)."""

    id = fields.IntField(primary_key=True)
    kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="targets", on_delete=fields.CASCADE
    )
    period = fields.DateField(db_index=True)
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="kpi_targets", null=True, on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="kpi_targets", null=True, on_delete=fields.CASCADE
    )
    value = fields.DecimalField(max_digits=16, decimal_places=4)
    updated_at = fields.DatetimeField(auto_now=True)
    # Raised by every write; a form sends back the one it read (talentloop.versions).
    version = fields.IntField(default=1, db_default=1)

    kpi_id: int
    employee_id: int | None
    unit_id: int | None

    class Meta:
        table = "kpi_target"
        unique_together = (("kpi", "period", "employee", "unit"),)
        indexes = (("employee_id", "kpi_id"),)


class TargetAdjustment(Model):
    """A change to one employee's target for one period, applied by a rule of another module
    (e.g. completing a course lowers the new-customer target by 5 %)."""

    id = fields.IntField(primary_key=True)
    kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="adjustments", on_delete=fields.CASCADE
    )
    period = fields.DateField()
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="target_adjustments", on_delete=fields.CASCADE
    )
    percent = fields.DecimalField(max_digits=7, decimal_places=2)  # -5.00 lowers by 5 %
    reason = fields.CharField(max_length=255)
    source = fields.CharField(max_length=64)  # "training.course:12": one adjustment per source
    created_at = fields.DatetimeField(auto_now_add=True)

    kpi_id: int
    employee_id: int

    class Meta:
        table = "target_adjustment"
        unique_together = (("kpi", "period", "employee", "source"),)
        indexes = (("employee_id", "kpi_id"),)


class PerformanceRecord(Model):
    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="performance_records", on_delete=fields.CASCADE
    )
    kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="records", on_delete=fields.CASCADE
    )
    period = fields.DateField()
    dimension = fields.CharField(max_length=64, default="")  # "" when not broken down
    value = fields.DecimalField(max_digits=16, decimal_places=4)
    source = fields.CharField(max_length=16, default="api")  # api, import, demo
    updated_at = fields.DatetimeField(auto_now=True)

    employee_id: int
    kpi_id: int

    class Meta:
        table = "performance_record"
        unique_together = (("employee", "kpi", "period", "dimension"),)
        # covering: the grouped scans of a KPI over periods read the index alone
        indexes = (("kpi_id", "period", "employee_id", "value"),)


class TriggerRule(Model):
    """'KPI K below x % of target for n consecutive periods' → an assessment request."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128)
    kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="trigger_rules", on_delete=fields.CASCADE
    )
    threshold_percent = fields.DecimalField(max_digits=7, decimal_places=2)
    periods = fields.IntField(default=1)
    unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="trigger_rules", null=True, on_delete=fields.CASCADE
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    kpi_id: int
    unit_id: int | None

    class Meta:
        table = "trigger_rule"


class AssessmentRequestStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class AssessmentRequest(Model):
    """Created once per breach: a breach is identified by the period its run of misses began."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="assessment_requests", on_delete=fields.CASCADE
    )
    rule: fields.ForeignKeyRelation[TriggerRule] = fields.ForeignKeyField(
        "talentloop.TriggerRule", related_name="requests", on_delete=fields.CASCADE
    )
    breach_start = fields.DateField()
    breach_detected = fields.DateField()  # the period in which the run reached n
    achievement_percent = fields.DecimalField(max_digits=9, decimal_places=2)
    status = fields.CharEnumField(
        AssessmentRequestStatus, max_length=16, default=AssessmentRequestStatus.OPEN
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    rule_id: int

    class Meta:
        table = "assessment_request"
        indexes = (("rule_id",),)
        unique_together = (("employee", "rule", "breach_start"),)


class SuspensionStatus(StrEnum):
    SUSPENDED = "suspended"
    RESTORE_REQUESTED = "restore_requested"
    RESTORED = "restored"


class ConditionKind(StrEnum):
    UNIT_TOTAL = "unit_total"  # the unit's KPI value (sum or mean per the KPI) ≥ threshold
    AVERAGE_ACHIEVEMENT = "average_achievement"  # the unit's achievement % ≥ threshold


class PaySuspension(Model):
    """Performance pay (绩效) of a unit: suspended with a restore condition, or restored."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="pay_suspensions", on_delete=fields.CASCADE
    )
    reason = fields.TextField()
    suspended_from = fields.DateField()  # first period without performance pay
    condition_kind = fields.CharEnumField(ConditionKind, max_length=24)
    condition_kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="pay_conditions", on_delete=fields.RESTRICT
    )
    condition_threshold = fields.DecimalField(max_digits=16, decimal_places=4)
    condition_periods = fields.IntField(default=1)  # consecutive periods the condition must hold
    status = fields.CharEnumField(
        SuspensionStatus, max_length=20, default=SuspensionStatus.SUSPENDED
    )
    restored_from = fields.DateField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User",
        related_name="pay_suspensions_created",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    unit_id: int
    condition_kpi_id: int

    class Meta:
        table = "pay_suspension"


class RestoreStep(StrEnum):
    BRANCH_HEAD = "branch_head"
    HQ_HR = "hq_hr"


class RestoreRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RestoreRequest(Model):
    """A request to restore a unit's performance pay: branch head, then HQ HR, approve."""

    id = fields.IntField(primary_key=True)
    suspension: fields.ForeignKeyRelation[PaySuspension] = fields.ForeignKeyField(
        "talentloop.PaySuspension", related_name="restore_requests", on_delete=fields.CASCADE
    )
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="restore_requests", on_delete=fields.RESTRICT
    )
    restore_from = fields.DateField()
    comment = fields.TextField(default="")
    evidence: dict[str, Any] = fields.JSONField()  # the progress shown when it was requested
    status = fields.CharEnumField(
        RestoreRequestStatus, max_length=16, default=RestoreRequestStatus.PENDING
    )
    current_step: RestoreStep | None = fields.CharEnumField(  # type: ignore[assignment]
        RestoreStep, max_length=16, null=True, default=RestoreStep.BRANCH_HEAD
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    suspension_id: int
    requested_by_id: int

    class Meta:
        table = "restore_request"


class RestoreDecision(Model):
    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[RestoreRequest] = fields.ForeignKeyField(
        "talentloop.RestoreRequest", related_name="decisions", on_delete=fields.CASCADE
    )
    step = fields.CharEnumField(RestoreStep, max_length=16)
    approver: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="restore_decisions", on_delete=fields.RESTRICT
    )
    approved = fields.BooleanField()
    comment = fields.TextField(default="")
    decided_at = fields.DatetimeField(auto_now_add=True)

    request_id: int
    approver_id: int

    class Meta:
        table = "restore_decision"
        unique_together = (("request", "step"),)


class ImportKind(StrEnum):
    EMPLOYEES = "employees"
    KPI_RECORDS = "kpi_records"
    TARGETS = "targets"
    ORG_UNITS = "org_units"
    POSITIONS = "positions"
    KPIS = "kpis"
    CONTRACTS = "contracts"
    COURSES = "courses"
    COURSE_SESSIONS = "course_sessions"
    TRAINING_HISTORY = "training_history"
    LEAVE_BALANCES = "leave_balances"
    ATTENDANCE_PUNCHES = "attendance_punches"
    LEAVE_REQUESTS = "leave_requests"
    PAYROLL_OPENINGS = "payroll_openings"  # payroll/import_kinds.py
    COMPETENCY_RATINGS = "competency_ratings"  # skills/imports.py
    ACCOUNTS = "accounts"  # roles/account_imports.py


class ImportStatus(StrEnum):
    RUNNING = "running"
    VALID = "valid"  # a dry run with no bad rows
    INVALID = "invalid"  # bad rows found; nothing written
    DONE = "done"  # written
    FAILED = "failed"  # an unexpected failure; nothing written


class ImportJob(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ImportKind, max_length=32)
    file_name = fields.CharField(max_length=255)
    dry_run = fields.BooleanField()
    status = fields.CharEnumField(ImportStatus, max_length=16, default=ImportStatus.RUNNING)
    total_rows = fields.IntField(default=0)
    processed_rows = fields.IntField(default=0)
    created_rows = fields.IntField(default=0)
    updated_rows = fields.IntField(default=0)
    unchanged_rows = fields.IntField(default=0)
    errors: list[dict[str, Any]] = fields.JSONField(default=list)  # [{row, column, message}]
    # The uploaded file of a queued import, for the worker that runs it; emptied when it has run.
    content = fields.BinaryField(null=True)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="import_jobs", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    # Issue 22: create and update, or only one of them, by the kind's key (imports/models.py).
    mode = fields.CharField(max_length=16, default="upsert")
    # The file's headers as mapped to column keys ({header: key or null}) and the values mapped.
    mapping: dict[str, Any] | None = fields.JSONField(null=True)
    undone_at = fields.DatetimeField(null=True)
    undone_by_user_id = fields.IntField(null=True)

    created_by_id: int

    class Meta:
        table = "import_job"


class PeriodClose(Model):
    """A month closed for a unit's subtree (the company's when the unit is the top of the
    tree): its figures were copied into `PeriodSnapshot` rows, reads of the month serve them,
    and writes into it are refused until HQ HR reopens it (performance/closing.py)."""

    id = fields.IntField(primary_key=True)
    month = fields.DateField(db_index=True)
    unit_id = fields.IntField()
    unit_path = fields.CharField(max_length=512)  # the unit's path when it was closed
    closed_by_user_id = fields.IntField(null=True)
    closed_by = fields.CharField(max_length=64, null=True)  # the username, as it was
    closed_at = fields.DatetimeField()
    reopened_by_user_id = fields.IntField(null=True)
    reopened_by = fields.CharField(max_length=64, null=True)
    reopened_at = fields.DatetimeField(null=True)
    reopen_reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "performance_period_close"
        indexes = (("month", "reopened_at"),)


class PeriodSnapshot(Model):
    """One person's actual and target of one KPI in a closed month, as they stood when it was
    closed (a quarterly KPI's quarter is kept by the close of its last month)."""

    id = fields.IntField(primary_key=True)
    close_id = fields.IntField(db_index=True)
    kpi_id = fields.IntField()
    period = fields.DateField()
    employee_id = fields.IntField()
    unit_path = fields.CharField(max_length=512)  # where the person counted when it was closed
    actual = fields.DecimalField(max_digits=16, decimal_places=4, null=True)
    target = fields.DecimalField(max_digits=16, decimal_places=4, null=True)

    class Meta:
        table = "performance_period_snapshot"
        indexes = (("kpi_id", "period", "close_id"),)
