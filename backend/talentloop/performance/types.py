"""GraphQL types for KPIs, targets, records, triggers, performance pay and imports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import employee_node, unit_node
from talentloop.org import loaders as org_loaders
from talentloop.performance import loaders, pay
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
    RestoreDecision,
    RestoreRequest,
    RestoreRequestStatus,
    RestoreStep,
    SuspensionStatus,
    TargetAdjustment,
    TriggerRule,
)
from talentloop.performance.periods import label
from talentloop.performance.rollup import Point, tidy
from talentloop.performance.service import shown_adjustment_reason
from talentloop.performance.targets import EffectiveTarget, TargetSource

if TYPE_CHECKING:
    from talentloop.accounts.types import UserNode
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode
    from talentloop.skills.types import AssessmentRoundNode

for enum, name, description in [
    (KpiUnit, "KpiUnit", "What a KPI counts: a number, a percentage or money (CNY)."),
    (KpiDirection, "KpiDirection", "Whether more is better (new customers) or less (churn)."),
    (KpiAggregation, "KpiAggregation", "How a unit's value comes from its members': sum or mean."),
    (PeriodType, "PeriodType", "How long a KPI period is."),
    (AssessmentRequestStatus, "AssessmentRequestStatus", "Where an assessment request stands."),
    (SuspensionStatus, "PaySuspensionStatus", "Whether a unit's performance pay is suspended."),
    (ConditionKind, "RestoreConditionKind", "What the restore condition measures."),
    (RestoreRequestStatus, "RestoreRequestStatus", "Where a restore request stands."),
    (RestoreStep, "RestoreStep", "Who decides next: the branch head, then HQ HR."),
    (
        TargetSource,
        "KpiTargetSource",
        "Where a person's target comes from: their own, their unit's, a unit above (a parent "
        "unit) or the company's (the top unit); NONE when no target applies.",
    ),
]:
    strawberry.enum(enum, name=name, description=description)

# After the enums are registered: its evidence names PeriodType, which strawberry would
# otherwise register a second time, without a description, as it processes the type.
from talentloop.performance.restore_types import RestoreEvidence  # noqa: E402

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]
UserRef = Annotated["UserNode", strawberry.lazy("talentloop.accounts.types")]
AssessmentRoundRef = Annotated["AssessmentRoundNode", strawberry.lazy("talentloop.skills.types")]


async def _kpi(info: Info, kpi_id: int) -> KpiNode | None:
    found = await info.context.loader("kpi", loaders.kpis_by_id).load(kpi_id)
    return KpiNode(_model=found) if found else None


@strawberry.type(name="Kpi", description="A key performance indicator and how it is measured.")
class KpiNode(Node):
    _model: strawberry.Private[Kpi]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Kpi", self._model.id))

    @strawberry.field(description="Stable code, e.g. NEW_CUSTOMERS.")
    def code(self) -> str:
        return self._model.code

    @strawberry.field(description="Name, e.g. 新客户数.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="What it measures and where the numbers come from.")
    def description(self) -> str:
        return self._model.description

    @strawberry.field(description="Count, percent or money.")
    def unit(self) -> KpiUnit:
        return self._model.unit

    @strawberry.field(description="Whether more or less is better.")
    def direction(self) -> KpiDirection:
        return self._model.direction

    @strawberry.field(description="Sum or mean over a unit's members.")
    def aggregation(self) -> KpiAggregation:
        return self._model.aggregation

    @strawberry.field(description="Month, quarter or year.")
    def period_type(self) -> PeriodType:
        return self._model.period_type

    @strawberry.field(description="The dimension records break down along, e.g. 客户来源.")
    def dimension_name(self) -> str | None:
        return self._model.dimension_name


@strawberry.type(description="A change to a target, applied by a rule (e.g. after a course).")
class TargetAdjustmentInfo:
    percent: Decimal = strawberry.field(description="-5 lowers the target by 5 %.")
    reason: str = strawberry.field(description="Why, in words (the reader's language).")
    source: str = strawberry.field(description="The rule that applied it.")

    @classmethod
    def of(cls, adj: TargetAdjustment) -> TargetAdjustmentInfo:
        reason = shown_adjustment_reason(adj.reason, adj.source)  # in the reader's language
        return cls(percent=adj.percent, reason=reason, source=adj.source)


@strawberry.type(description="One period of a KPI: actual, target and achievement.")
class KpiPoint:
    period: date = strawberry.field(description="First day of the period.")
    label: str = strawberry.field(description="The period as people write it: 2026-03 or 2026-Q1.")
    actual: Decimal | None = strawberry.field(description="The value reached; null when none.")
    target: Decimal | None = strawberry.field(description="The target after adjustments.")
    achievement: Decimal | None = strawberry.field(
        description="Percent of target reached (for lower-is-better KPIs, target / actual)."
    )
    members: int = strawberry.field(description="Employees with a value or target in the period.")
    adjustments: list[TargetAdjustmentInfo] = strawberry.field(
        description="Adjustments to this employee's target (empty for units)."
    )

    @classmethod
    def of(
        cls, point: Point, kpi: Kpi, adjustments: list[TargetAdjustment] | None = None
    ) -> KpiPoint:
        return cls(
            period=point.period,
            label=label(point.period, kpi.period_type),
            actual=point.actual,
            target=point.target,
            achievement=point.achievement,
            members=point.members,
            adjustments=[TargetAdjustmentInfo.of(a) for a in adjustments or []],
        )


@strawberry.type(description="A KPI over a range of periods.")
class KpiSeries:
    _kpi: strawberry.Private[Kpi]
    points: list[KpiPoint] = strawberry.field(description="One point per period, oldest first.")

    @strawberry.field(description="The KPI.")
    def kpi(self) -> KpiNode:
        return KpiNode(_model=self._kpi)


@strawberry.type(description="A child unit or a direct member, with its figures for one period.")
class KpiBreakdownRow:
    _unit_id: strawberry.Private[int | None]
    _employee_id: strawberry.Private[int | None]
    point: KpiPoint = strawberry.field(description="The figures.")

    @strawberry.field(description="The child unit (its whole subtree), when this row is a unit.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._unit_id)

    @strawberry.field(description="The member, when this row is a direct member of the unit.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._employee_id)


@strawberry.type(name="PerformanceRecord", description="One actual KPI value.")
class PerformanceRecordNode(Node):
    _model: strawberry.Private[PerformanceRecord]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("PerformanceRecord", self._model.id))

    @strawberry.field(description="Whose value it is.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="Which KPI.")
    async def kpi(self, info: Info) -> KpiNode | None:
        return await _kpi(info, self._model.kpi_id)

    @strawberry.field(description="First day of the period.")
    def period(self) -> date:
        return self._model.period

    @strawberry.field(description="Dimension value, e.g. 转介绍; empty when not broken down.")
    def dimension(self) -> str:
        return self._model.dimension

    @strawberry.field(description="The value.")
    def value(self) -> Decimal:
        return tidy(self._model.value)

    @strawberry.field(description="Where it came from: api, import or demo.")
    def source(self) -> str:
        return self._model.source


@strawberry.type(
    name="KpiTarget", description="A target set for an employee or for a unit's members."
)
class KpiTargetNode(Node):
    _model: strawberry.Private[KpiTarget]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("KpiTarget", self._model.id))

    @strawberry.field(description="Which KPI.")
    async def kpi(self, info: Info) -> KpiNode | None:
        return await _kpi(info, self._model.kpi_id)

    @strawberry.field(description="First day of the period.")
    def period(self) -> date:
        return self._model.period

    @strawberry.field(description="The employee, for a personal target.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="The unit, for a target every member inherits.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="The target value per member (before adjustments).")
    def value(self) -> Decimal:
        return tidy(self._model.value)

    @strawberry.field(
        description="Raised by every change; send it back as expectedVersion when you set it."
    )
    def version(self) -> int:
        return self._model.version


@strawberry.type(description="The target that applies to a person for one KPI and period.")
class EffectiveKpiTarget:
    _t: strawberry.Private[EffectiveTarget]

    @strawberry.field(description="The KPI.")
    def kpi(self) -> KpiNode:
        return KpiNode(_model=self._t.kpi)

    @strawberry.field(description="First day of the KPI's period that holds the day asked.")
    def period(self) -> date:
        return self._t.period

    @strawberry.field(description="The target after adjustments (null: none applies).")
    def value(self) -> Decimal | None:
        return tidy(self._t.value) if self._t.value is not None else None

    @strawberry.field(description="The target as set, before adjustments.")
    def set_value(self) -> Decimal | None:
        return tidy(self._t.base) if self._t.base is not None else None

    @strawberry.field(description="Where it comes from.")
    def source(self) -> TargetSource:
        return self._t.source

    @strawberry.field(description="The unit it is inherited from (null: own, or none).")
    async def from_unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._t.unit_id)


@strawberry.type(
    name="TriggerRule", description="KPI below x % of target for n periods → assessment."
)
class TriggerRuleNode(Node):
    _model: strawberry.Private[TriggerRule]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("TriggerRule", self._model.id))

    @strawberry.field(description="Name.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="The KPI watched.")
    async def kpi(self, info: Info) -> KpiNode | None:
        return await _kpi(info, self._model.kpi_id)

    @strawberry.field(description="Fires below this percent of target.")
    def threshold_percent(self) -> Decimal:
        return self._model.threshold_percent

    @strawberry.field(description="For this many consecutive periods.")
    def periods(self) -> int:
        return self._model.periods

    @strawberry.field(description="Only for this unit's subtree; null for the whole company.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="Whether it is evaluated.")
    def is_active(self) -> bool:
        return self._model.is_active


@strawberry.type(
    name="AssessmentRequest",
    description="A capability assessment asked for by a KPI breach: a to-do for the manager.",
)
class AssessmentRequestNode(Node):
    _model: strawberry.Private[AssessmentRequest]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AssessmentRequest", self._model.id))

    @strawberry.field(description="Who is to be assessed.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="The rule that fired.")
    async def rule(self, info: Info) -> TriggerRuleNode | None:
        rule = await info.context.loader("trigger_rule", loaders.rules_by_id).load(
            self._model.rule_id
        )
        return TriggerRuleNode(_model=rule) if rule else None

    @strawberry.field(description="First period of the run of misses.")
    def breach_start(self) -> date:
        return self._model.breach_start

    @strawberry.field(description="The period in which the run reached the rule's length.")
    def breach_detected(self) -> date:
        return self._model.breach_detected

    @strawberry.field(description="Achievement % in that period.")
    def achievement_percent(self) -> Decimal:
        return self._model.achievement_percent

    @strawberry.field(description="Open, in progress, done or cancelled.")
    def status(self) -> AssessmentRequestStatus:
        return self._model.status

    @strawberry.field(description="When it was created.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(
        description="The assessment rounds started from this request; DONE once one closes."
    )
    async def rounds(self, info: Info) -> list[AssessmentRoundRef]:
        from talentloop.skills import service as skills_service
        from talentloop.skills.types import AssessmentRoundNode

        rounds = await skills_service.visible_rounds(info.context.viewer).filter(
            request_id=self._model.id
        )
        return [AssessmentRoundNode(_model=r) for r in rounds]


@strawberry.type(description="The restore condition in one period.")
class ConditionPeriodInfo:
    period: date = strawberry.field(description="First day of the period.")
    label: str = strawberry.field(description="2026-03.")
    value: Decimal | None = strawberry.field(description="The measured value.")
    met: bool = strawberry.field(description="Whether the condition held.")


@strawberry.type(description="Progress toward restoring performance pay.")
class RestoreProgress:
    description: str = strawberry.field(description="The condition in words.")
    periods: list[ConditionPeriodInfo] = strawberry.field(
        description="Each period since suspension."
    )
    streak: int = strawberry.field(description="Consecutive periods met, up to the latest.")
    required: int = strawberry.field(description="Consecutive periods needed.")
    latest_value: Decimal | None = strawberry.field(description="The latest period's value.")
    threshold: Decimal = strawberry.field(description="The value to reach.")
    percent_of_threshold: Decimal | None = strawberry.field(
        description="Latest value as a percent of the threshold, at most 100."
    )
    condition_met: bool = strawberry.field(description="Whether pay may be restored.")
    period_type: PeriodType = strawberry.field(
        description="What a period of the streak is: the condition KPI's (month, quarter, year)."
    )

    @classmethod
    def of(cls, p: pay.Progress) -> RestoreProgress:
        return cls(
            description=p.description,
            periods=[
                ConditionPeriodInfo(
                    period=c.period, label=label(c.period), value=c.value, met=c.met
                )
                for c in p.periods
            ],
            streak=p.streak,
            required=p.required,
            latest_value=None if p.latest_value is None else tidy(p.latest_value),
            threshold=tidy(p.threshold),
            percent_of_threshold=p.percent_of_threshold,
            condition_met=p.condition_met,
            period_type=p.period_type,
        )


@strawberry.type(description="One approval step's decision.")
class RestoreDecisionInfo:
    _model: strawberry.Private[RestoreDecision]

    @strawberry.field(description="Which step.")
    def step(self) -> RestoreStep:
        return self._model.step

    @strawberry.field(description="Approved or rejected.")
    def approved(self) -> bool:
        return self._model.approved

    @strawberry.field(description="The approver's comment.")
    def comment(self) -> str:
        return self._model.comment

    @strawberry.field(description="When.")
    def decided_at(self) -> datetime:
        return self._model.decided_at

    @strawberry.field(description="Who decided.")
    async def approver(self, info: Info) -> UserRef | None:
        from talentloop.accounts.models import User
        from talentloop.accounts.types import UserNode

        user = await User.get_or_none(id=self._model.approver_id)
        return UserNode(_model=user) if user else None


@strawberry.type(
    name="RestoreRequest", description="A request to restore a unit's performance pay."
)
class RestoreRequestNode(Node):
    _model: strawberry.Private[RestoreRequest]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("RestoreRequest", self._model.id))

    @strawberry.field(description="Pay restored from this period.")
    def restore_from(self) -> date:
        return self._model.restore_from

    @strawberry.field(description="The requester's comment.")
    def comment(self) -> str:
        return self._model.comment

    @strawberry.field(
        description="What it was asked on, as shown then: the progress, the measured training "
        "effect and ROI, the day."
    )
    def evidence(self) -> RestoreEvidence:
        return RestoreEvidence.of(self._model.evidence)

    @strawberry.field(description="Pending, approved or rejected.")
    def status(self) -> RestoreRequestStatus:
        return self._model.status

    @strawberry.field(description="Who decides next; null once decided.")
    def current_step(self) -> RestoreStep | None:
        return self._model.current_step

    @strawberry.field(description="When it was requested.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="Who asked.")
    async def requested_by(self, info: Info) -> UserRef | None:
        from talentloop.accounts.models import User
        from talentloop.accounts.types import UserNode

        user = await User.get_or_none(id=self._model.requested_by_id)
        return UserNode(_model=user) if user else None

    @strawberry.field(description="The decisions so far, in order.")
    async def decisions(self) -> list[RestoreDecisionInfo]:
        rows = await RestoreDecision.filter(request_id=self._model.id).order_by("decided_at", "id")
        return [RestoreDecisionInfo(_model=r) for r in rows]

    @strawberry.field(description="Whether the viewer decides the current step.")
    async def can_decide(self, info: Info) -> bool:
        viewer = info.context.viewer
        step = self._model.current_step
        if step is None or self._model.requested_by_id == viewer.user_id:
            return False
        suspension = await PaySuspension.get(id=self._model.suspension_id)
        return await pay.may_decide(viewer, suspension, step)


@strawberry.type(
    name="PaySuspension",
    description="A unit's suspended performance pay (绩效), its restore condition and progress.",
)
class PaySuspensionNode(Node):
    _model: strawberry.Private[PaySuspension]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("PaySuspension", self._model.id))

    @strawberry.field(description="The unit whose pay is suspended.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="Why it was suspended.")
    def reason(self) -> str:
        return self._model.reason

    @strawberry.field(description="First period without performance pay.")
    def suspended_from(self) -> date:
        return self._model.suspended_from

    @strawberry.field(description="Suspended, restore requested, or restored.")
    def status(self) -> SuspensionStatus:
        return self._model.status

    @strawberry.field(description="First period with pay again, once restored.")
    def restored_from(self) -> date | None:
        return self._model.restored_from

    @strawberry.field(description="What the condition measures.")
    def condition_kind(self) -> ConditionKind:
        return self._model.condition_kind

    @strawberry.field(description="The KPI the condition is on.")
    async def condition_kpi(self, info: Info) -> KpiNode | None:
        return await _kpi(info, self._model.condition_kpi_id)

    @strawberry.field(description="The value to reach.")
    def condition_threshold(self) -> Decimal:
        return tidy(self._model.condition_threshold)

    @strawberry.field(description="Consecutive periods it must hold.")
    def condition_periods(self) -> int:
        return self._model.condition_periods

    @strawberry.field(description="Progress toward the condition, period by period.")
    async def progress(self) -> RestoreProgress:
        return RestoreProgress.of(await pay.progress(self._model))

    @strawberry.field(
        description="Whether the viewer may ask to restore it now (HR of the unit or the "
        "executive, while it is suspended)."
    )
    async def can_request_restore(self, info: Info) -> bool:
        if self._model.status is not SuspensionStatus.SUSPENDED:
            return False
        # The unit through the request's batched loader (the one `unit` reads): one query for
        # every suspension listed.
        unit = await info.context.loader("unit", org_loaders.units_by_id).load(self._model.unit_id)
        return unit is not None and pay.may_ask_restore(info.context.viewer, unit.path)

    @strawberry.field(description="Restore requests, newest first.")
    async def restore_requests(self) -> list[RestoreRequestNode]:
        rows = await RestoreRequest.filter(suspension_id=self._model.id).order_by(
            "-created_at", "-id"
        )
        return [RestoreRequestNode(_model=r) for r in rows]
