"""External events that distort KPIs, the money value of a KPI unit, measured course
effects (which feed the recommendations) and report export jobs.

Model docstrings become table comments: no semicolons in them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.performance.models import Kpi
    from talentloop.training.models import Course


class EventKind(StrEnum):
    SUPPLIER_DELAY = "supplier_delay"
    MARKET_SHOCK = "market_shock"
    REORGANISATION = "reorganisation"
    OTHER = "other"


class ExternalEvent(Model):
    """Something outside training that moved a unit's KPIs for some periods (e.g. a supplier's delay)."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="external_events", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EventKind, max_length=24)
    title = fields.CharField(max_length=128)
    description = fields.TextField(default="")
    period_from = fields.DateField()
    period_to = fields.DateField()
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="external_events", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    unit_id: int

    class Meta:
        table = "external_event"


class KpiValuation(Model):
    """What one unit of a KPI is worth in money (e.g. gross margin per new customer), for ROI."""

    id = fields.IntField(primary_key=True)
    kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="valuations", on_delete=fields.CASCADE
    )
    value_per_unit = fields.DecimalField(max_digits=14, decimal_places=2)
    note = fields.CharField(max_length=255, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    kpi_id: int

    class Meta:
        table = "kpi_valuation"


class EffectEstimate(Model):
    """The latest company-wide measured effect of a course on a KPI (difference-in-differences)."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="effect_estimates", on_delete=fields.CASCADE
    )
    kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="effect_estimates", on_delete=fields.CASCADE
    )
    effect = fields.DecimalField(max_digits=16, decimal_places=4)
    ci_low = fields.DecimalField(max_digits=16, decimal_places=4)
    ci_high = fields.DecimalField(max_digits=16, decimal_places=4)
    relative_effect = fields.DecimalField(max_digits=10, decimal_places=4, null=True)
    n_treated = fields.IntField()
    n_control = fields.IntField()
    computed_at = fields.DatetimeField(auto_now=True)

    course_id: int
    kpi_id: int

    class Meta:
        table = "effect_estimate"
        unique_together = (("course", "kpi"),)


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


class ReportStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportJob(Model):
    id = fields.IntField(primary_key=True)
    format = fields.CharEnumField(ReportFormat, max_length=8)
    parameters: dict[str, Any] = fields.JSONField()
    status = fields.CharEnumField(ReportStatus, max_length=16, default=ReportStatus.RUNNING)
    progress = fields.IntField(default=0)  # percent
    step = fields.CharField(max_length=128, default="")
    file_name = fields.CharField(max_length=128, default="")
    content = fields.BinaryField(null=True)
    error = fields.CharField(max_length=255, default="")
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="report_jobs", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    created_by_id: int

    class Meta:
        table = "report_job"
