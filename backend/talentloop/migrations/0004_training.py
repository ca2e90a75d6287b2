from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.training.models import (
    CostKind,
    CourseFormat,
    CourseKind,
    EnrollmentSource,
    EnrollmentStatus,
    PlanKind,
    TargetRuleKind,
)
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0003_skills")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Course",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("title", fields.CharField(max_length=128)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "format",
                    fields.CharEnumField(
                        description="ONLINE: online\nWORKSHOP: workshop\nBLENDED: blended\nMENTORING: mentoring",
                        enum_type=CourseFormat,
                        max_length=16,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        default=CourseKind.GENERAL,
                        description="GENERAL: general\nINDUSTRY: industry",
                        enum_type=CourseKind,
                        max_length=16,
                    ),
                ),
                ("duration_hours", fields.DecimalField(max_digits=6, decimal_places=1)),
                ("provider", fields.CharField(default="", max_length=128)),
                (
                    "exam",
                    fields.ForeignKeyField(
                        "talentloop.SkillTest",
                        source_field="exam_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="courses",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("pass_level", fields.IntField(default=3)),
                ("is_active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "course", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CourseCompetency",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "course",
                    fields.ForeignKeyField(
                        "talentloop.Course",
                        source_field="course_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="competencies",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "competency",
                    fields.ForeignKeyField(
                        "talentloop.Competency",
                        source_field="competency_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="courses",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("target_level", fields.IntField()),
            ],
            options={
                "table": "course_competency",
                "app": "talentloop",
                "unique_together": (("course", "competency"),),
                "pk_attr": "id",
                "table_description": "A competency a course builds, and the level it brings a learner to.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CourseSession",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "course",
                    fields.ForeignKeyField(
                        "talentloop.Course",
                        source_field="course_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("ends_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("place", fields.CharField(max_length=128)),
                ("trainer", fields.CharField(max_length=64)),
                ("capacity", fields.IntField()),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="course_sessions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "course_session",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "A run of a workshop or blended course: when, where, who teaches, how many seats.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CostItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "course",
                    fields.ForeignKeyField(
                        "talentloop.Course",
                        source_field="course_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cost_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "session",
                    fields.ForeignKeyField(
                        "talentloop.CourseSession",
                        source_field="session_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="cost_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="FEE: fee\nTRAINER: trainer\nMATERIALS: materials\nVENUE: venue\nTRAVEL: travel\nDEVELOPMENT: development\nOTHER: other",
                        enum_type=CostKind,
                        max_length=16,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=12, decimal_places=2)),
                ("per_participant", fields.BooleanField(default=False)),
                ("description", fields.CharField(default="", max_length=255)),
            ],
            options={
                "table": "cost_item",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "Money a course costs: for a session (fixed, shared by its participants) or per participant.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Enrollment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "course",
                    fields.ForeignKeyField(
                        "talentloop.Course",
                        source_field="course_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="enrollments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "session",
                    fields.ForeignKeyField(
                        "talentloop.CourseSession",
                        source_field="session_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="enrollments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="enrollments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="WAITLISTED: waitlisted\nENROLLED: enrolled\nIN_PROGRESS: in_progress\nCOMPLETED: completed\nCANCELLED: cancelled",
                        enum_type=EnrollmentStatus,
                        max_length=16,
                    ),
                ),
                (
                    "source",
                    fields.CharEnumField(
                        description="SELF: self\nMANAGER: manager\nHR: hr\nRULE: rule",
                        enum_type=EnrollmentSource,
                        max_length=16,
                    ),
                ),
                (
                    "enrolled_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="enrolled_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="enrollments_made",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("enrolled_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("progress_percent", fields.IntField(default=0)),
                ("attended", fields.BooleanField(null=True)),
                (
                    "mentor",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="mentor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mentees",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("mentoring_plan", fields.TextField(default="", unique=False)),
                (
                    "exam_attempt",
                    fields.ForeignKeyField(
                        "talentloop.TestAttempt",
                        source_field="exam_attempt_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="enrollments",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "completed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "cancelled_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("feedback_rating", fields.IntField(null=True)),
                ("feedback_comment", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "enrollment",
                "app": "talentloop",
                "indexes": [
                    Index(fields=["course_id", "status"]),
                    Index(fields=["employee_id", "status"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Lesson",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "course",
                    fields.ForeignKeyField(
                        "talentloop.Course",
                        source_field="course_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lessons",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                ("title", fields.CharField(max_length=128)),
                ("material_url", fields.CharField(default="", max_length=512)),
                ("minutes", fields.IntField(default=30)),
            ],
            options={"table": "lesson", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TrainingPlan",
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
                        related_name="training_plans",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("year", fields.IntField()),
                (
                    "kind",
                    fields.CharEnumField(
                        default=PlanKind.ANNUAL,
                        description="ANNUAL: annual\nAD_HOC: ad_hoc",
                        enum_type=PlanKind,
                        max_length=16,
                    ),
                ),
                ("title", fields.CharField(max_length=128)),
                ("budget", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "training_plan", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PlanItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "plan",
                    fields.ForeignKeyField(
                        "talentloop.TrainingPlan",
                        source_field="plan_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "course",
                    fields.ForeignKeyField(
                        "talentloop.Course",
                        source_field="course_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="plan_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "target_position",
                    fields.ForeignKeyField(
                        "talentloop.Position",
                        source_field="target_position_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="plan_items",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("planned_participants", fields.IntField()),
                ("planned_cost", fields.DecimalField(max_digits=14, decimal_places=2)),
            ],
            options={
                "table": "plan_item",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "A course planned for a target group (a position, within the plan's unit).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TrainingTargetRule",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="TARGET_ADJUSTMENT: target_adjustment\nBONUS: bonus",
                        enum_type=TargetRuleKind,
                        max_length=24,
                    ),
                ),
                (
                    "course",
                    fields.ForeignKeyField(
                        "talentloop.Course",
                        source_field="course_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="target_rules",
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
                        related_name="training_rules",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("percent", fields.DecimalField(null=True, max_digits=7, decimal_places=2)),
                (
                    "threshold_percent",
                    fields.DecimalField(null=True, max_digits=7, decimal_places=2),
                ),
                ("bonus_amount", fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ("is_active", fields.BooleanField(default=True)),
            ],
            options={"table": "training_target_rule", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
