"""Root fields and mutations of analytics: the training-effect report, its exports, external
events and KPI values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from talentloop.analytics import jobs, service
from talentloop.analytics.models import (
    EventKind,
    ExternalEvent,
    KpiValuation,
    ReportFormat,
    ReportJob,
)
from talentloop.analytics.types import (
    ExternalEventNode,
    KpiValuationInfo,
    ReportJobNode,
    ReportLanguage,
    TrainingEffectReportDefaults,
    TrainingEffectReportInfo,
    report_language,
)
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.org import service as org_service


@strawberry.input(description="Which course, KPI, unit and months the report compares.")
class TrainingEffectReportInput:
    course_id: strawberry.ID = strawberry.field(description="The course.")
    kpi_id: strawberry.ID = strawberry.field(description="The KPI it should move.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The unit; omitted: everything the viewer may see."
    )
    pre_from: date = strawberry.field(description="First month before training (its first day).")
    pre_to: date = strawberry.field(description="Last month before training.")
    post_from: date = strawberry.field(description="First month after training.")
    post_to: date = strawberry.field(description="Last month after training.")
    horizon_months: int = strawberry.field(
        default=6, description="Months the benefit is counted over for ROI (1–36)."
    )
    value_per_unit: Decimal | None = strawberry.field(
        default=None,
        description="CNY per unit of the KPI; omitted: the KPI's valuation set by HQ HR.",
    )
    exclude_events: bool = strawberry.field(
        default=True,
        description="Leave out the employee-months that external events touched.",
    )


def _params(input: TrainingEffectReportInput) -> service.ReportParams:
    return service.ReportParams(
        course_id=require_pk(input.course_id, "Course", "courseId"),
        kpi_id=require_pk(input.kpi_id, "Kpi", "kpiId"),
        unit_id=optional_pk(input.unit_id, "OrgUnit", "unitId"),
        pre_from=input.pre_from,
        pre_to=input.pre_to,
        post_from=input.post_from,
        post_to=input.post_to,
        horizon_periods=input.horizon_months,
        value_per_unit=input.value_per_unit,
        exclude_events=input.exclude_events,
    )


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="培训效果与绩效影响报告 for HR, managers and the boss, in their scope; null when the "
        "course, KPI or unit does not exist for the viewer. Bad months are a typed error."
    )
    async def training_effect_report(
        self, info: Info, input: TrainingEffectReportInput
    ) -> TrainingEffectReportInfo | None:
        result = await service.report(info.context.viewer, _params(input))
        return TrainingEffectReportInfo(_r=result) if result else None

    @strawberry.field(
        description="Where to start: a course, KPI and months that make a meaningful report for "
        "the viewer; null when there is nothing to report on."
    )
    async def training_effect_report_defaults(
        self, info: Info
    ) -> TrainingEffectReportDefaults | None:
        found = await service.defaults(info.context.viewer)
        return TrainingEffectReportDefaults(_d=found) if found else None

    @strawberry.field(description="External events on units the viewer sees, in a month range.")
    async def external_events(
        self,
        info: Info,
        period_from: Annotated[
            date, strawberry.argument(name="from", description="First month (its first day).")
        ],
        period_to: Annotated[
            date, strawberry.argument(name="to", description="Last month (its first day).")
        ],
        unit_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="At, under or above this unit.")
        ] = None,
    ) -> list[ExternalEventNode]:
        viewer = info.context.viewer
        unit = None
        if unit_id is not None:
            unit = await org_service.get_unit(viewer, pk_of(unit_id, "OrgUnit") or -1)
            if unit is None:
                return []
        events = await service.events_for(viewer, unit, period_from, period_to)
        return [ExternalEventNode(_model=e) for e in events]

    @strawberry.field(description="The money value of each KPI's unit (HR and the boss).")
    async def kpi_valuations(self, info: Info) -> list[KpiValuationInfo]:
        if not service.may_read_valuations(info.context.viewer):
            return []
        return [KpiValuationInfo(_model=v) for v in await KpiValuation.all().order_by("kpi_id")]

    @strawberry.field(description="A report export of yours; null when missing or not yours.")
    async def report_job(self, info: Info, id: strawberry.ID) -> ReportJobNode | None:
        job = await jobs.get_job(info.context.viewer, pk_of(id, "ReportJob") or -1)
        return ReportJobNode(_model=job) if job else None


@strawberry.input(description="An outside event that moved a unit's KPIs.")
class RecordExternalEventInput:
    unit_id: strawberry.ID = strawberry.field(description="The unit (and everything under it).")
    kind: EventKind = strawberry.field(description="What kind.")
    title: str = strawberry.field(description="Short title.")
    description: str = strawberry.field(default="", description="What happened.")
    period_from: date = strawberry.field(description="First month touched (its first day).")
    period_to: date = strawberry.field(description="Last month touched.")


@strawberry.type(description="The event as saved, or the errors that stopped it.")
class ExternalEventPayload:
    event: ExternalEventNode | None = strawberry.field(description="The event.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="Whether it worked, or the errors that stopped it.")
class AnalyticsOkPayload:
    ok: bool = strawberry.field(description="True when it worked.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="What one unit of a KPI is worth (HQ HR).")
class SetKpiValuationInput:
    kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    value_per_unit: Decimal = strawberry.field(description="CNY per unit.")
    note: str = strawberry.field(default="", description="Where the value comes from.")


@strawberry.type(description="The value as saved, or the errors that stopped it.")
class KpiValuationPayload:
    valuation: KpiValuationInfo | None = strawberry.field(description="The valuation.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Export the training-effect report as a file.")
class ExportTrainingEffectReportInput:
    report: TrainingEffectReportInput = strawberry.field(description="The report.")
    format: ReportFormat = strawberry.field(description="PDF (charts) or XLSX (numbers).")
    language: ReportLanguage | None = strawberry.field(
        default=None, description="The PDF's language; null: the viewer's."
    )


@strawberry.type(description="The job that makes the file, or the errors that stopped it.")
class ReportJobPayload:
    job: ReportJobNode | None = strawberry.field(
        description="Follow it with reportJob(id) until DONE, then GET its downloadUrl."
    )
    errors: list[MutationError] = strawberry.field(description="Empty when it started.")


@strawberry.type
class AnalyticsMutation:
    @strawberry.mutation(description="Record an outside event on a unit's months (HR of the unit).")
    async def record_external_event(
        self, info: Info, input: RecordExternalEventInput
    ) -> ExternalEventPayload:
        try:
            event = await service.record_event(
                info.context.viewer,
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                kind=input.kind,
                title=input.title,
                description=input.description,
                period_from=input.period_from,
                period_to=input.period_to,
            )
        except ServiceError as exc:
            return ExternalEventPayload(event=None, errors=mutation_errors(exc))
        await event.fetch_related("unit")
        return ExternalEventPayload(event=ExternalEventNode(_model=event), errors=[])

    @strawberry.mutation(description="Remove an external event (HR of the unit).")
    async def delete_external_event(self, info: Info, id: strawberry.ID) -> AnalyticsOkPayload:
        try:
            await service.delete_event(info.context.viewer, require_pk(id, "ExternalEvent", "id"))
        except ServiceError as exc:
            return AnalyticsOkPayload(ok=False, errors=mutation_errors(exc))
        return AnalyticsOkPayload(ok=True, errors=[])

    @strawberry.mutation(description="Set what one unit of a KPI is worth, for ROI (HQ HR).")
    async def set_kpi_valuation(
        self, info: Info, input: SetKpiValuationInput
    ) -> KpiValuationPayload:
        try:
            valuation = await service.set_valuation(
                info.context.viewer,
                kpi_id=require_pk(input.kpi_id, "Kpi", "kpiId"),
                value_per_unit=input.value_per_unit,
                note=input.note,
            )
        except ServiceError as exc:
            return KpiValuationPayload(valuation=None, errors=mutation_errors(exc))
        return KpiValuationPayload(valuation=KpiValuationInfo(_model=valuation), errors=[])

    @strawberry.mutation(
        description="Start making the report as a PDF or XLSX file; it runs in the background."
    )
    async def export_training_effect_report(
        self, info: Info, input: ExportTrainingEffectReportInput
    ) -> ReportJobPayload:
        try:
            job = await jobs.start_export(
                info.context.viewer,
                _params(input.report),
                input.format,
                report_language(input.language),
            )
        except ServiceError as exc:
            return ReportJobPayload(job=None, errors=mutation_errors(exc))
        return ReportJobPayload(job=ReportJobNode(_model=job), errors=[])


async def _event_node(info: Info, pk: int) -> ExternalEventNode | None:
    viewer = info.context.viewer
    event = await service.get_event(viewer, pk)
    return ExternalEventNode(_model=event) if event else None


async def _job_node(info: Info, pk: int) -> ReportJobNode | None:
    job = await jobs.get_job(info.context.viewer, pk)
    return ReportJobNode(_model=job) if job else None


register_node("ExternalEvent", _event_node, ExternalEvent)
register_node("ReportJob", _job_node, ReportJob)
