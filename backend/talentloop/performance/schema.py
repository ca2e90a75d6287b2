"""Root query fields and mutations for performance management."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, PublicError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, to_connection
from talentloop.org import loaders as org_loaders
from talentloop.org.models import OrgUnit
from talentloop.performance import loaders, pay, service, targets, triggers
from talentloop.performance.models import (
    AssessmentRequest,
    AssessmentRequestStatus,
    ConditionKind,
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiTarget,
    KpiUnit,
    PaySuspension,
    PerformanceRecord,
    PeriodType,
    RestoreRequest,
    TriggerRule,
)
from talentloop.performance.types import (
    AssessmentRequestNode,
    EffectiveKpiTarget,
    KpiBreakdownRow,
    KpiNode,
    KpiPoint,
    KpiSeries,
    KpiTargetNode,
    PaySuspensionNode,
    PerformanceRecordNode,
    RestoreRequestNode,
    TriggerRuleNode,
)

FromArg = Annotated[
    date, strawberry.argument(name="from", description="First period (its first day).")
]
ToArg = Annotated[date, strawberry.argument(name="to", description="Last period (its first day).")]


@strawberry.input(description="Narrows a list of performance records.")
class PerformanceRecordFilter:
    employee_id: strawberry.ID | None = strawberry.field(default=None, description="One employee.")
    unit_id: strawberry.ID | None = strawberry.field(default=None, description="A unit's subtree.")
    kpi_id: strawberry.ID | None = strawberry.field(default=None, description="One KPI.")
    period_from: date | None = strawberry.field(default=None, description="From this period on.")
    period_to: date | None = strawberry.field(default=None, description="Up to this period.")


async def _unit_and_kpi(
    info: Info, unit_id: strawberry.ID, kpi_id: strawberry.ID
) -> tuple[OrgUnit | None, Kpi | None]:
    """Through the request's loaders: a dashboard asks for the same unit and KPI in several
    root fields (series, breakdown, the unit itself), and they are read once."""
    unit = await info.context.loader("unit", org_loaders.units_by_id).load(
        pk_of(unit_id, "OrgUnit") or -1
    )
    kpi = await info.context.loader("kpi", loaders.kpis_by_id).load(pk_of(kpi_id, "Kpi") or -1)
    return unit, kpi


def _public(exc: ServiceError) -> PublicError:
    return PublicError.of(exc)


@strawberry.type
class PerformanceQuery:
    @strawberry.field(description="Every KPI definition.")
    async def kpis(self, info: Info) -> list[KpiNode]:
        return [KpiNode(_model=k) for k in await service.list_kpis(info.context.viewer)]

    @strawberry.field(
        description="An employee's KPIs over a range of periods; empty when the viewer may not see them."
    )
    async def employee_kpis(
        self,
        info: Info,
        employee_id: strawberry.ID,
        period_from: FromArg,
        period_to: ToArg,
        kpi_ids: list[strawberry.ID] | None = None,
    ) -> list[KpiSeries]:
        viewer = info.context.viewer
        emp_pk = pk_of(employee_id, "Employee")
        if emp_pk is None:
            return []
        wanted = {pk_of(k, "Kpi") for k in kpi_ids} if kpi_ids else None
        chosen: list[tuple[Kpi, list[date]]] = []
        bad_range: ServiceError | None = None
        for kpi in await service.list_kpis(viewer):
            if wanted is not None and kpi.id not in wanted:
                continue
            try:
                chosen.append((kpi, service.check_range(period_from, period_to, kpi)))
            except ServiceError as exc:
                bad_range = exc  # reported once the employee is known to be readable
                break
        if bad_range is not None and not chosen:
            raise _public(bad_range)
        if not chosen:
            return []
        found = await service.employee_series_for_kpis(viewer, emp_pk, chosen)
        if found is None:
            return []
        if bad_range is not None:
            raise _public(bad_range)
        return [
            KpiSeries(
                _kpi=s.kpi,
                points=[KpiPoint.of(p, s.kpi, s.adjustments.get(p.period)) for p in s.points],
            )
            for s in found
        ]

    @strawberry.field(
        description="A unit's KPI over a range of periods, over the members the viewer may see."
    )
    async def unit_kpi_series(
        self,
        info: Info,
        unit_id: strawberry.ID,
        kpi_id: strawberry.ID,
        period_from: FromArg,
        period_to: ToArg,
    ) -> KpiSeries | None:
        viewer = info.context.viewer
        unit, kpi = await _unit_and_kpi(info, unit_id, kpi_id)
        if unit is None or kpi is None:
            return None
        try:
            periods = service.check_range(period_from, period_to, kpi)
        except ServiceError as exc:
            raise _public(exc) from exc
        points = await service.unit_series(viewer, unit, kpi, periods)
        return KpiSeries(_kpi=kpi, points=[KpiPoint.of(p, kpi) for p in points])

    @strawberry.field(
        description="A unit's children side by side, then its direct members, for one period."
    )
    async def unit_kpi_breakdown(
        self, info: Info, unit_id: strawberry.ID, kpi_id: strawberry.ID, period: date
    ) -> list[KpiBreakdownRow]:
        viewer = info.context.viewer
        unit, kpi = await _unit_and_kpi(info, unit_id, kpi_id)
        if unit is None or kpi is None:
            return []
        rows = await service.unit_breakdown(viewer, unit, kpi, period)
        return [
            KpiBreakdownRow(
                _unit_id=r.unit.id if r.unit else None,
                _employee_id=r.employee_id,
                point=KpiPoint.of(r.point, kpi),
            )
            for r in rows
        ]

    @strawberry.field(description="Actual KPI values the viewer may see, oldest first.")
    async def performance_records(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: PerformanceRecordFilter | None = None,
    ) -> Connection[PerformanceRecordNode]:
        query = service.RecordQuery()
        if filter is not None:
            query.employee_id = (
                pk_of(filter.employee_id, "Employee") or -1 if filter.employee_id else None
            )
            query.unit_id = pk_of(filter.unit_id, "OrgUnit") or -1 if filter.unit_id else None
            query.kpi_id = pk_of(filter.kpi_id, "Kpi") or -1 if filter.kpi_id else None
            query.period_from, query.period_to = filter.period_from, filter.period_to
        try:
            page = await service.list_records(info.context.viewer, query, first=first, after=after)
        except ServiceError as exc:
            raise _public(exc) from exc
        return to_connection(page, lambda r: PerformanceRecordNode(_model=r))

    @strawberry.field(
        description="Targets set explicitly for a KPI and period, that the viewer may see."
    )
    async def kpi_targets(
        self, info: Info, kpi_id: strawberry.ID, period: date
    ) -> list[KpiTargetNode]:
        targets = await service.list_targets(
            info.context.viewer, pk_of(kpi_id, "Kpi") or -1, period
        )
        return [KpiTargetNode(_model=t) for t in targets]

    @strawberry.field(
        description="Every KPI's target for an employee in the period holding `day`, and where "
        "each comes from (own, unit, parent unit, company); empty when the viewer may not "
        "see the employee's performance."
    )
    async def employee_kpi_targets(
        self, info: Info, employee_id: strawberry.ID, day: date
    ) -> list[EffectiveKpiTarget]:
        found = await targets.effective_targets(
            info.context.viewer, pk_of(employee_id, "Employee") or -1, day
        )
        return [EffectiveKpiTarget(_t=t) for t in found or []]

    @strawberry.field(description="Trigger rules.")
    async def trigger_rules(self, info: Info) -> list[TriggerRuleNode]:
        return [TriggerRuleNode(_model=r) for r in await triggers.list_rules(info.context.viewer)]

    @strawberry.field(
        description="Assessment requests for the employees whose performance the viewer sees."
    )
    async def assessment_requests(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: list[AssessmentRequestStatus] | None = None,
        employee_id: strawberry.ID | None = None,
    ) -> Connection[AssessmentRequestNode]:
        try:
            page = await triggers.list_requests(
                info.context.viewer,
                statuses=status,
                employee_id=(pk_of(employee_id, "Employee") or -1) if employee_id else None,
                first=first,
                after=after,
            )
        except ServiceError as exc:
            raise _public(exc) from exc
        return to_connection(page, lambda r: AssessmentRequestNode(_model=r))

    @strawberry.field(description="Performance-pay suspensions of the units the viewer can see.")
    async def pay_suspensions(self, info: Info) -> list[PaySuspensionNode]:
        return [
            PaySuspensionNode(_model=s) for s in await pay.list_suspensions(info.context.viewer)
        ]

    @strawberry.field(
        description="The latest period with a value of this KPI that the viewer may see (null if none)."
    )
    async def latest_kpi_period(self, info: Info, kpi_id: strawberry.ID) -> date | None:
        return await service.latest_period(info.context.viewer, pk_of(kpi_id, "Kpi") or -1)


async def _suspension_node(info: Info, pk: int) -> PaySuspensionNode | None:
    found = await pay.get_suspension(info.context.viewer, pk)
    return PaySuspensionNode(_model=found) if found else None


async def _kpi_node(info: Info, pk: int) -> KpiNode | None:
    found = await service.get_kpi(info.context.viewer, pk)
    return KpiNode(_model=found) if found else None


async def _target_node(info: Info, pk: int) -> KpiTargetNode | None:
    found = await service.get_target(info.context.viewer, pk)
    return KpiTargetNode(_model=found) if found else None


async def _record_node(info: Info, pk: int) -> PerformanceRecordNode | None:
    found = await service.get_record(info.context.viewer, pk)
    return PerformanceRecordNode(_model=found) if found else None


async def _rule_node(info: Info, pk: int) -> TriggerRuleNode | None:
    found = await triggers.get_rule(info.context.viewer, pk)
    return TriggerRuleNode(_model=found) if found else None


async def _request_node(info: Info, pk: int) -> AssessmentRequestNode | None:
    found = await triggers.get_request(info.context.viewer, pk)
    return AssessmentRequestNode(_model=found) if found else None


async def _restore_node(info: Info, pk: int) -> RestoreRequestNode | None:
    found = await pay.get_restore_request(info.context.viewer, pk)
    return RestoreRequestNode(_model=found) if found else None


register_node("Kpi", _kpi_node, Kpi)
register_node("KpiTarget", _target_node, KpiTarget)
register_node("PerformanceRecord", _record_node, PerformanceRecord)
register_node("TriggerRule", _rule_node, TriggerRule)
register_node("AssessmentRequest", _request_node, AssessmentRequest)
register_node("PaySuspension", _suspension_node, PaySuspension)
register_node("RestoreRequest", _restore_node, RestoreRequest)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input(description="A new KPI.")
class CreateKpiInput:
    code: str = strawberry.field(description="Stable code, e.g. NEW_CUSTOMERS.")
    name: str = strawberry.field(description="Name.")
    unit: KpiUnit = strawberry.field(description="Count, percent or money.")
    direction: KpiDirection = strawberry.field(
        default=KpiDirection.HIGHER_IS_BETTER, description="Whether more or less is better."
    )
    aggregation: KpiAggregation = strawberry.field(
        default=KpiAggregation.SUM, description="Sum or mean over a unit's members."
    )
    period_type: PeriodType = strawberry.field(
        default=PeriodType.MONTH, description="Month or quarter."
    )
    description: str = strawberry.field(default="", description="What it measures.")
    dimension_name: str | None = strawberry.field(default=None, description="Optional breakdown.")


@strawberry.input(
    description="A KPI's name, description, direction and aggregation (HQ HR); its code, unit "
    "and period type stay."
)
class UpdateKpiInput:
    id: strawberry.ID = strawberry.field(description="The KPI.")
    name: str = strawberry.field(description="Name.")
    direction: KpiDirection = strawberry.field(description="Whether more or less is better.")
    aggregation: KpiAggregation = strawberry.field(description="Sum or mean over a unit's members.")
    description: str = strawberry.field(default="", description="What it measures.")


@strawberry.type(description="The KPI as saved, or the errors that stopped it.")
class KpiPayload:
    kpi: KpiNode | None = strawberry.field(description="The KPI.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A target for one employee or for every member of a unit.")
class SetKpiTargetInput:
    kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    period: date = strawberry.field(description="First day of the period.")
    value: Decimal = strawberry.field(description="Target per member.")
    employee_id: strawberry.ID | None = strawberry.field(default=None, description="An employee…")
    unit_id: strawberry.ID | None = strawberry.field(default=None, description="…or a unit.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` of the target you read, 0 if there was none. If it has changed "
            "since, nothing is written and the answer is CONFLICT on expectedVersion. "
            "Omitted: the value replaces whatever target is there."
        ),
    )


@strawberry.type(description="The target as saved, or the errors that stopped it.")
class KpiTargetPayload:
    target: KpiTargetNode | None = strawberry.field(description="The target.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="One actual value for an employee, KPI and period.")
class RecordPerformanceInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    period: date = strawberry.field(description="First day of the period.")
    value: Decimal = strawberry.field(description="The value.")
    dimension: str = strawberry.field(
        default="", description="Dimension value, if the KPI has one."
    )


@strawberry.type(description="The record as saved, or the errors that stopped it.")
class PerformanceRecordPayload:
    record: PerformanceRecordNode | None = strawberry.field(description="The record.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A rule that creates assessment requests.")
class CreateTriggerRuleInput:
    name: str = strawberry.field(description="Name.")
    kpi_id: strawberry.ID = strawberry.field(description="The KPI watched.")
    threshold_percent: Decimal = strawberry.field(description="Below this percent of target…")
    periods: int = strawberry.field(default=1, description="…for this many consecutive periods.")
    unit_id: strawberry.ID | None = strawberry.field(default=None, description="Only this subtree.")


@strawberry.input(
    description="Change a trigger rule or switch it off; its KPI and unit stay (another unit "
    "is another rule)."
)
class UpdateTriggerRuleInput:
    id: strawberry.ID = strawberry.field(description="The rule.")
    name: str = strawberry.field(description="Name.")
    threshold_percent: Decimal = strawberry.field(description="Below this percent of target…")
    periods: int = strawberry.field(description="…for this many consecutive periods.")
    is_active: bool = strawberry.field(description="False: raises no new requests.")


@strawberry.type(description="The rule as saved, or the errors that stopped it.")
class TriggerRulePayload:
    rule: TriggerRuleNode | None = strawberry.field(description="The rule.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Suspend a unit's performance pay until a condition holds.")
class SuspendPerformancePayInput:
    unit_id: strawberry.ID = strawberry.field(description="The unit.")
    reason: str = strawberry.field(description="Why.")
    suspended_from: date = strawberry.field(description="First period without performance pay.")
    condition_kind: ConditionKind = strawberry.field(description="What the condition measures.")
    condition_kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    condition_threshold: Decimal = strawberry.field(description="The value to reach.")
    condition_periods: int = strawberry.field(default=1, description="Consecutive periods.")


@strawberry.type(description="The suspension as saved, or the errors that stopped it.")
class PaySuspensionPayload:
    suspension: PaySuspensionNode | None = strawberry.field(description="The suspension.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Ask to restore a unit's performance pay.")
class RequestPayRestoreInput:
    suspension_id: strawberry.ID = strawberry.field(description="The suspension.")
    restore_from: date | None = strawberry.field(
        default=None,
        description="First period with pay again; none: the period after the latest measured.",
    )
    comment: str = strawberry.field(default="", description="For the approvers.")


@strawberry.input(description="Approve or reject the current step of a restore request.")
class DecidePayRestoreInput:
    request_id: strawberry.ID = strawberry.field(description="The request.")
    approve: bool = strawberry.field(description="True to approve.")
    comment: str = strawberry.field(default="", description="Why.")


@strawberry.type(description="The request as saved, or the errors that stopped it.")
class RestoreRequestPayload:
    request: RestoreRequestNode | None = strawberry.field(description="The request.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type
class PerformanceMutation:
    @strawberry.mutation(description="Define a KPI (HQ HR).")
    async def create_kpi(self, info: Info, input: CreateKpiInput) -> KpiPayload:
        try:
            kpi = await service.create_kpi(
                info.context.viewer,
                service.KpiInput(
                    code=input.code,
                    name=input.name,
                    unit=input.unit,
                    direction=input.direction,
                    aggregation=input.aggregation,
                    period_type=input.period_type,
                    description=input.description,
                    dimension_name=input.dimension_name,
                ),
            )
        except ServiceError as exc:
            return KpiPayload(kpi=None, errors=mutation_errors(exc))
        return KpiPayload(kpi=KpiNode(_model=kpi), errors=[])

    @strawberry.mutation(description="Rename or redescribe a KPI (HQ HR).")
    async def update_kpi(self, info: Info, input: UpdateKpiInput) -> KpiPayload:
        try:
            kpi = await service.update_kpi(
                info.context.viewer,
                require_pk(input.id, "Kpi", "id"),
                service.KpiChange(
                    name=input.name,
                    description=input.description,
                    direction=input.direction,
                    aggregation=input.aggregation,
                ),
            )
        except ServiceError as exc:
            return KpiPayload(kpi=None, errors=mutation_errors(exc))
        return KpiPayload(kpi=KpiNode(_model=kpi), errors=[])

    @strawberry.mutation(
        description="Set the target of an employee, or of every member of a unit (HR in scope; managers for their team)."
    )
    async def set_kpi_target(self, info: Info, input: SetKpiTargetInput) -> KpiTargetPayload:
        try:
            target = await service.set_target(
                info.context.viewer,
                kpi_id=require_pk(input.kpi_id, "Kpi", "kpiId"),
                period=input.period,
                value=input.value,
                employee_id=optional_pk(input.employee_id, "Employee", "employeeId"),
                unit_id=optional_pk(input.unit_id, "OrgUnit", "unitId"),
                expected_version=input.expected_version,
            )
        except ServiceError as exc:
            return KpiTargetPayload(target=None, errors=mutation_errors(exc))
        return KpiTargetPayload(target=KpiTargetNode(_model=target), errors=[])

    @strawberry.mutation(
        description="Record one actual value (HR in scope; a manager for their team); trigger "
        "rules are re-evaluated."
    )
    async def record_performance(
        self, info: Info, input: RecordPerformanceInput
    ) -> PerformanceRecordPayload:
        try:
            record = await service.record_value(
                info.context.viewer,
                employee_id=require_pk(input.employee_id, "Employee", "employeeId"),
                kpi_id=require_pk(input.kpi_id, "Kpi", "kpiId"),
                period=input.period,
                value=input.value,
                dimension=input.dimension,
            )
        except ServiceError as exc:
            return PerformanceRecordPayload(record=None, errors=mutation_errors(exc))
        await triggers.evaluate_all(kpi_id=record.kpi_id)
        await pay.open_due_restores(kpi_id=record.kpi_id)
        return PerformanceRecordPayload(record=PerformanceRecordNode(_model=record), errors=[])

    @strawberry.mutation(description="Add a trigger rule; it is evaluated at once.")
    async def create_trigger_rule(
        self, info: Info, input: CreateTriggerRuleInput
    ) -> TriggerRulePayload:
        try:
            rule = await triggers.create_rule(
                info.context.viewer,
                name=input.name,
                kpi_id=require_pk(input.kpi_id, "Kpi", "kpiId"),
                threshold_percent=input.threshold_percent,
                periods=input.periods,
                unit_id=optional_pk(input.unit_id, "OrgUnit", "unitId"),
            )
        except ServiceError as exc:
            return TriggerRulePayload(rule=None, errors=mutation_errors(exc))
        return TriggerRulePayload(rule=TriggerRuleNode(_model=rule), errors=[])

    @strawberry.mutation(
        description="Change a trigger rule or switch it off (where it could be added); switched "
        "on, it is evaluated at once."
    )
    async def update_trigger_rule(
        self, info: Info, input: UpdateTriggerRuleInput
    ) -> TriggerRulePayload:
        try:
            rule = await triggers.update_rule(
                info.context.viewer,
                require_pk(input.id, "TriggerRule", "id"),
                name=input.name,
                threshold_percent=input.threshold_percent,
                periods=input.periods,
                is_active=input.is_active,
            )
        except ServiceError as exc:
            return TriggerRulePayload(rule=None, errors=mutation_errors(exc))
        return TriggerRulePayload(rule=TriggerRuleNode(_model=rule), errors=[])

    @strawberry.mutation(
        description="Suspend a unit's performance pay with a restore condition (HQ HR)."
    )
    async def suspend_performance_pay(
        self, info: Info, input: SuspendPerformancePayInput
    ) -> PaySuspensionPayload:
        try:
            suspension = await pay.suspend(
                info.context.viewer,
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                reason=input.reason,
                suspended_from=input.suspended_from,
                kind=input.condition_kind,
                kpi_id=require_pk(input.condition_kpi_id, "Kpi", "conditionKpiId"),
                threshold=input.condition_threshold,
                periods=input.condition_periods,
            )
        except ServiceError as exc:
            return PaySuspensionPayload(suspension=None, errors=mutation_errors(exc))
        return PaySuspensionPayload(suspension=PaySuspensionNode(_model=suspension), errors=[])

    @strawberry.mutation(
        description="Ask to restore performance pay; the progress shown is kept as evidence."
    )
    async def request_pay_restore(
        self, info: Info, input: RequestPayRestoreInput
    ) -> RestoreRequestPayload:
        try:
            request = await pay.request_restore(
                info.context.viewer,
                require_pk(input.suspension_id, "PaySuspension", "suspensionId"),
                restore_from=input.restore_from,
                comment=input.comment,
            )
        except ServiceError as exc:
            return RestoreRequestPayload(request=None, errors=mutation_errors(exc))
        return RestoreRequestPayload(request=RestoreRequestNode(_model=request), errors=[])

    @strawberry.mutation(description="Approve or reject a restore request's current step.")
    async def decide_pay_restore(
        self, info: Info, input: DecidePayRestoreInput
    ) -> RestoreRequestPayload:
        try:
            request = await pay.decide_restore(
                info.context.viewer,
                require_pk(input.request_id, "RestoreRequest", "requestId"),
                approve=input.approve,
                comment=input.comment,
            )
        except ServiceError as exc:
            return RestoreRequestPayload(request=None, errors=mutation_errors(exc))
        return RestoreRequestPayload(request=RestoreRequestNode(_model=request), errors=[])
