from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.performance.models import (
    AssessmentRequestStatus,
    ConditionKind,
    ImportKind,
    ImportStatus,
    KpiAggregation,
    KpiDirection,
    KpiUnit,
    PeriodType,
    RestoreRequestStatus,
    RestoreStep,
    SuspensionStatus,
)
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="EMPLOYEES: employees\nKPI_RECORDS: kpi_records\nTARGETS: targets",
                        enum_type=ImportKind,
                        max_length=16,
                    ),
                ),
                ("file_name", fields.CharField(max_length=255)),
                ("dry_run", fields.BooleanField()),
                (
                    "status",
                    fields.CharEnumField(
                        default=ImportStatus.RUNNING,
                        description="RUNNING: running\nVALID: valid\nINVALID: invalid\nDONE: done\nFAILED: failed",
                        enum_type=ImportStatus,
                        max_length=16,
                    ),
                ),
                ("total_rows", fields.IntField(default=0)),
                ("processed_rows", fields.IntField(default=0)),
                ("created_rows", fields.IntField(default=0)),
                ("updated_rows", fields.IntField(default=0)),
                ("unchanged_rows", fields.IntField(default=0)),
                (
                    "errors",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="import_jobs",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "finished_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={"table": "import_job", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Kpi",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=64)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "unit",
                    fields.CharEnumField(
                        description="COUNT: count\nPERCENT: percent\nMONEY: money",
                        enum_type=KpiUnit,
                        max_length=16,
                    ),
                ),
                (
                    "direction",
                    fields.CharEnumField(
                        default=KpiDirection.HIGHER_IS_BETTER,
                        description="HIGHER_IS_BETTER: higher_is_better\nLOWER_IS_BETTER: lower_is_better",
                        enum_type=KpiDirection,
                        max_length=20,
                    ),
                ),
                (
                    "aggregation",
                    fields.CharEnumField(
                        default=KpiAggregation.SUM,
                        description="SUM: sum\nAVERAGE: average",
                        enum_type=KpiAggregation,
                        max_length=16,
                    ),
                ),
                (
                    "period_type",
                    fields.CharEnumField(
                        default=PeriodType.MONTH,
                        description="MONTH: month\nQUARTER: quarter",
                        enum_type=PeriodType,
                        max_length=16,
                    ),
                ),
                ("dimension_name", fields.CharField(null=True, max_length=64)),
            ],
            options={"table": "kpi", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="KpiTarget",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kpi",
                    fields.ForeignKeyField(
                        "talentloop.Kpi",
                        source_field="kpi_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="targets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("period", fields.DateField(db_index=True)),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="kpi_targets",
                        on_delete=OnDelete.CASCADE,
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
                        related_name="kpi_targets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("value", fields.DecimalField(max_digits=16, decimal_places=4)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "kpi_target",
                "app": "talentloop",
                "unique_together": (("kpi", "period", "employee", "unit"),),
                "pk_attr": "id",
                "table_description": "A target for one employee, or for every member of a unit's subtree (inherited,",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PaySuspension",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="pay_suspensions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("reason", fields.TextField(unique=False)),
                ("suspended_from", fields.DateField()),
                (
                    "condition_kind",
                    fields.CharEnumField(
                        description="UNIT_TOTAL: unit_total\nAVERAGE_ACHIEVEMENT: average_achievement",
                        enum_type=ConditionKind,
                        max_length=24,
                    ),
                ),
                (
                    "condition_kpi",
                    fields.ForeignKeyField(
                        "talentloop.Kpi",
                        source_field="condition_kpi_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="pay_conditions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("condition_threshold", fields.DecimalField(max_digits=16, decimal_places=4)),
                ("condition_periods", fields.IntField(default=1)),
                (
                    "status",
                    fields.CharEnumField(
                        default=SuspensionStatus.SUSPENDED,
                        description="SUSPENDED: suspended\nRESTORE_REQUESTED: restore_requested\nRESTORED: restored",
                        enum_type=SuspensionStatus,
                        max_length=20,
                    ),
                ),
                ("restored_from", fields.DateField(null=True)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="pay_suspensions_created",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "pay_suspension",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "Performance pay (绩效) of a unit: suspended with a restore condition, or restored.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PerformanceRecord",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="performance_records",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kpi",
                    fields.ForeignKeyField(
                        "talentloop.Kpi",
                        source_field="kpi_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="records",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("period", fields.DateField()),
                ("dimension", fields.CharField(default="", max_length=64)),
                ("value", fields.DecimalField(max_digits=16, decimal_places=4)),
                ("source", fields.CharField(default="api", max_length=16)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "performance_record",
                "app": "talentloop",
                "unique_together": (("employee", "kpi", "period", "dimension"),),
                "indexes": [Index(fields=["kpi_id", "period"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RestoreRequest",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "suspension",
                    fields.ForeignKeyField(
                        "talentloop.PaySuspension",
                        source_field="suspension_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="restore_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "requested_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="requested_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="restore_requests",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("restore_from", fields.DateField()),
                ("comment", fields.TextField(default="", unique=False)),
                (
                    "evidence",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=RestoreRequestStatus.PENDING,
                        description="PENDING: pending\nAPPROVED: approved\nREJECTED: rejected",
                        enum_type=RestoreRequestStatus,
                        max_length=16,
                    ),
                ),
                (
                    "current_step",
                    fields.CharEnumField(
                        null=True,
                        default=RestoreStep.BRANCH_HEAD,
                        description="BRANCH_HEAD: branch_head\nHQ_HR: hq_hr",
                        enum_type=RestoreStep,
                        max_length=16,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "restore_request",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "A request to restore a unit's performance pay: branch head, then HQ HR, approve.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RestoreDecision",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "talentloop.RestoreRequest",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="decisions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "step",
                    fields.CharEnumField(
                        description="BRANCH_HEAD: branch_head\nHQ_HR: hq_hr",
                        enum_type=RestoreStep,
                        max_length=16,
                    ),
                ),
                (
                    "approver",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="approver_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="restore_decisions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("approved", fields.BooleanField()),
                ("comment", fields.TextField(default="", unique=False)),
                ("decided_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "restore_decision",
                "app": "talentloop",
                "unique_together": (("request", "step"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TargetAdjustment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kpi",
                    fields.ForeignKeyField(
                        "talentloop.Kpi",
                        source_field="kpi_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="adjustments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("period", fields.DateField()),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="target_adjustments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("percent", fields.DecimalField(max_digits=7, decimal_places=2)),
                ("reason", fields.CharField(max_length=255)),
                ("source", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "target_adjustment",
                "app": "talentloop",
                "unique_together": (("kpi", "period", "employee", "source"),),
                "pk_attr": "id",
                "table_description": "A change to one employee's target for one period, applied by a rule of another module",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TriggerRule",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(max_length=128)),
                (
                    "kpi",
                    fields.ForeignKeyField(
                        "talentloop.Kpi",
                        source_field="kpi_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="trigger_rules",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("threshold_percent", fields.DecimalField(max_digits=7, decimal_places=2)),
                ("periods", fields.IntField(default=1)),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="trigger_rules",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("is_active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "trigger_rule",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "'KPI K below x % of target for n consecutive periods' → an assessment request.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AssessmentRequest",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assessment_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "rule",
                    fields.ForeignKeyField(
                        "talentloop.TriggerRule",
                        source_field="rule_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("breach_start", fields.DateField()),
                ("breach_detected", fields.DateField()),
                ("achievement_percent", fields.DecimalField(max_digits=9, decimal_places=2)),
                (
                    "status",
                    fields.CharEnumField(
                        default=AssessmentRequestStatus.OPEN,
                        description="OPEN: open\nIN_PROGRESS: in_progress\nDONE: done\nCANCELLED: cancelled",
                        enum_type=AssessmentRequestStatus,
                        max_length=16,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "assessment_request",
                "app": "talentloop",
                "unique_together": (("employee", "rule", "breach_start"),),
                "pk_attr": "id",
                "table_description": "Created once per breach: a breach is identified by the period its run of misses began.",
            },
            bases=["Model"],
        ),
    ]
