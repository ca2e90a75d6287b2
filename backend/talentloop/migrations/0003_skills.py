from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.skills.models import CategoryKind, QuestionKind, RaterRelation, RoundStatus, Source
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0002_performance")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AssessmentRound",
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
                        related_name="assessment_rounds",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=128)),
                ("deadline", fields.DateField()),
                (
                    "status",
                    fields.CharEnumField(
                        default=RoundStatus.OPEN,
                        description="OPEN: open\nCLOSED: closed",
                        enum_type=RoundStatus,
                        max_length=16,
                    ),
                ),
                ("min_raters", fields.IntField(default=3)),
                (
                    "competency_ids",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "talentloop.AssessmentRequest",
                        source_field="request_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="rounds",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="assessment_rounds_created",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "assessment_round", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CompetencyCategory",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=64)),
                (
                    "kind",
                    fields.CharEnumField(
                        default=CategoryKind.GENERAL,
                        description="GENERAL: general\nINDUSTRY: industry",
                        enum_type=CategoryKind,
                        max_length=16,
                    ),
                ),
            ],
            options={"table": "competency_category", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Competency",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=64)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "category",
                    fields.ForeignKeyField(
                        "talentloop.CompetencyCategory",
                        source_field="category_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="competencies",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "levels",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
            ],
            options={"table": "competency", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Calibration",
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
                        related_name="calibrations",
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
                        related_name="calibrations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("level", fields.DecimalField(max_digits=4, decimal_places=2)),
                ("previous_level", fields.DecimalField(null=True, max_digits=4, decimal_places=2)),
                ("reason", fields.TextField(unique=False)),
                (
                    "calibrated_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="calibrated_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="calibrations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "calibration",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "HR's explicit override of a competency score. Every one is kept (the audit trail).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "competency",
                    fields.ForeignKeyField(
                        "talentloop.Competency",
                        source_field="competency_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("text", fields.TextField(unique=False)),
                (
                    "kind",
                    fields.CharEnumField(
                        default=QuestionKind.SINGLE,
                        description="SINGLE: single\nMULTIPLE: multiple",
                        enum_type=QuestionKind,
                        max_length=16,
                    ),
                ),
                (
                    "options",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "correct",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("points", fields.IntField(default=1)),
            ],
            options={"table": "question", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RaterAssignment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "round",
                    fields.ForeignKeyField(
                        "talentloop.AssessmentRound",
                        source_field="round_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "rater",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="rater_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="rater_assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "relation",
                    fields.CharEnumField(
                        description="SELF: self\nMANAGER: manager\nPEER: peer\nSUBORDINATE: subordinate",
                        enum_type=RaterRelation,
                        max_length=16,
                    ),
                ),
                (
                    "submitted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "rater_assignment",
                "app": "talentloop",
                "unique_together": (("round", "rater"),),
                "pk_attr": "id",
                "table_description": "A rater's task in a round. `rater` is private to this package for peers and subordinates.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Rating",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "assignment",
                    fields.ForeignKeyField(
                        "talentloop.RaterAssignment",
                        source_field="assignment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="ratings",
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
                        related_name="ratings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("level", fields.IntField()),
                ("comment", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "rating",
                "app": "talentloop",
                "unique_together": (("assignment", "competency"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RequiredLevel",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "competency",
                    fields.ForeignKeyField(
                        "talentloop.Competency",
                        source_field="competency_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="required_levels",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "position",
                    fields.ForeignKeyField(
                        "talentloop.Position",
                        source_field="position_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="required_levels",
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
                        related_name="required_levels",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("level", fields.IntField()),
            ],
            options={
                "table": "required_level",
                "app": "talentloop",
                "unique_together": (("competency", "position", "unit"),),
                "pk_attr": "id",
                "table_description": "The level a position needs. A unit may ask more (or less) of the same position.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SkillTest",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("title", fields.CharField(max_length=128)),
                (
                    "competency",
                    fields.ForeignKeyField(
                        "talentloop.Competency",
                        source_field="competency_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "question_ids",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "level_thresholds",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("time_limit_minutes", fields.IntField(default=30)),
                ("is_active", fields.BooleanField(default=True)),
            ],
            options={
                "table": "skill_test",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "A test assembled from a competency's question bank. Its score maps to a level.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SourceWeight",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "source",
                    fields.CharEnumField(
                        unique=True,
                        description="SELF: self\nMANAGER: manager\nPEER: peer\nSUBORDINATE: subordinate\nTEST: test",
                        enum_type=Source,
                        max_length=16,
                    ),
                ),
                ("weight", fields.DecimalField(max_digits=5, decimal_places=2)),
            ],
            options={
                "table": "source_weight",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "How much each source counts in a competency score (defaults in skills.scoring).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TestAttempt",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "test",
                    fields.ForeignKeyField(
                        "talentloop.SkillTest",
                        source_field="test_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="attempts",
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
                        related_name="test_attempts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "answers",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("score", fields.IntField(default=0)),
                ("max_score", fields.IntField(default=0)),
                ("level", fields.IntField(null=True)),
                ("submitted_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "test_attempt", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
