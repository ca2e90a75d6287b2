from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.analytics.models import EventKind, ReportFormat, ReportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0004_training")]

    initial = False

    operations = [
        ops.CreateModel(
            name="EffectEstimate",
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
                        related_name="effect_estimates",
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
                        related_name="effect_estimates",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("effect", fields.DecimalField(max_digits=16, decimal_places=4)),
                ("ci_low", fields.DecimalField(max_digits=16, decimal_places=4)),
                ("ci_high", fields.DecimalField(max_digits=16, decimal_places=4)),
                (
                    "relative_effect",
                    fields.DecimalField(null=True, max_digits=10, decimal_places=4),
                ),
                ("n_treated", fields.IntField()),
                ("n_control", fields.IntField()),
                ("computed_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "effect_estimate",
                "app": "talentloop",
                "unique_together": (("course", "kpi"),),
                "pk_attr": "id",
                "table_description": "The latest company-wide measured effect of a course on a KPI (difference-in-differences).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ExternalEvent",
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
                        related_name="external_events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="SUPPLIER_DELAY: supplier_delay\nMARKET_SHOCK: market_shock\nREORGANISATION: reorganisation\nOTHER: other",
                        enum_type=EventKind,
                        max_length=24,
                    ),
                ),
                ("title", fields.CharField(max_length=128)),
                ("description", fields.TextField(default="", unique=False)),
                ("period_from", fields.DateField()),
                ("period_to", fields.DateField()),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="external_events",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "external_event",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "Something outside training that moved a unit's KPIs for some periods (e.g. a supplier's delay).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="KpiValuation",
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
                        related_name="valuations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("value_per_unit", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("note", fields.CharField(default="", max_length=255)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "kpi_valuation",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "What one unit of a KPI is worth in money (e.g. gross margin per new customer), for ROI.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReportJob",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "format",
                    fields.CharEnumField(
                        description="PDF: pdf\nXLSX: xlsx", enum_type=ReportFormat, max_length=8
                    ),
                ),
                (
                    "parameters",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=ReportStatus.RUNNING,
                        description="RUNNING: running\nDONE: done\nFAILED: failed",
                        enum_type=ReportStatus,
                        max_length=16,
                    ),
                ),
                ("progress", fields.IntField(default=0)),
                ("step", fields.CharField(default="", max_length=128)),
                ("file_name", fields.CharField(default="", max_length=128)),
                ("content", fields.BinaryField(null=True)),
                ("error", fields.CharField(default="", max_length=255)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="report_jobs",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "finished_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={"table": "report_job", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
