"""GraphQL types of the training-effect report (培训效果与绩效影响报告) and its exports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.analytics import jobs, narrative, service, stats
from talentloop.analytics.models import (
    EventKind,
    ExternalEvent,
    KpiValuation,
    ReportFormat,
    ReportJob,
    ReportStatus,
)
from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import unit_node
from talentloop.i18n import ENGLISH, current_language, translate_stored

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode
    from talentloop.performance.types import KpiNode, PaySuspensionNode
    from talentloop.skills.types import CompetencyNode, UnderPerformerAnalysisInfo
    from talentloop.training.types import CourseNode

OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]
KpiRef = Annotated["KpiNode", strawberry.lazy("talentloop.performance.types")]
PaySuspensionRef = Annotated["PaySuspensionNode", strawberry.lazy("talentloop.performance.types")]
CompetencyRef = Annotated["CompetencyNode", strawberry.lazy("talentloop.skills.types")]
UnderPerformerRef = Annotated[
    "UnderPerformerAnalysisInfo", strawberry.lazy("talentloop.skills.types")
]
CourseRef = Annotated["CourseNode", strawberry.lazy("talentloop.training.types")]

strawberry.enum(EventKind, name="ExternalEventKind", description="What kind of outside event.")
strawberry.enum(
    ReportFormat, name="ReportFormat", description="PDF (with charts) or XLSX (numbers)."
)
strawberry.enum(ReportStatus, name="ReportJobStatus", description="Running, done or failed.")


def report_language(asked: ReportLanguage | None) -> str:
    """The language asked for, else the viewer's (talentloop/i18n.py): "zh" or "en"."""
    if asked is not None:
        return asked.value
    return "en" if current_language() == ENGLISH else "zh"


@strawberry.enum(description="The language of a generated text or document.")
class ReportLanguage(Enum):
    ZH = "zh"
    EN = "en"


@strawberry.enum(description="Where a report's comparison group comes from.")
class ComparisonPool(Enum):
    UNIT = "unit"
    PARENT = "parent"


@strawberry.type(description="A 95 % confidence interval.")
class ConfidenceInterval:
    low: float = strawberry.field(description="Lower end.")
    high: float = strawberry.field(description="Upper end.")


def _interval(interval: stats.Interval | None) -> ConfidenceInterval | None:
    return ConfidenceInterval(low=interval.low, high=interval.high) if interval else None


@strawberry.type(
    description="Participants vs non-participants over the post period: one mean per employee."
)
class GroupComparison:
    _c: strawberry.Private[stats.Comparison]

    @strawberry.field(description="Mean KPI of those who had completed the course.")
    def participants_mean(self) -> float | None:
        return self._c.mean_a

    @strawberry.field(description="Mean KPI of those who had not.")
    def others_mean(self) -> float | None:
        return self._c.mean_b

    @strawberry.field(description="Participants with values (sample size).")
    def participants(self) -> int:
        return self._c.n_a

    @strawberry.field(description="Non-participants with values (sample size).")
    def others(self) -> int:
        return self._c.n_b

    @strawberry.field(description="Participants' mean − others' mean.")
    def difference(self) -> float | None:
        return self._c.difference

    @strawberry.field(description="The difference relative to the others' mean (0.5 = +50 %).")
    def relative_difference(self) -> float | None:
        return self._c.relative

    @strawberry.field(description="95 % interval of the difference (Welch).")
    def interval(self) -> ConfidenceInterval | None:
        return _interval(self._c.interval)

    @strawberry.field(
        description="True when both groups reach the minimum size and the interval excludes 0."
    )
    def conclusive(self) -> bool:
        return self._c.conclusive

    @strawberry.field(description="Why it is not conclusive; empty when it is.")
    def reason(self) -> str:
        return self._c.reason

    @strawberry.field(
        description="Why it is not conclusive, in the viewer's language, with the group sizes; "
        "empty when it is."
    )
    def reason_text(self) -> str:
        if not self._c.reason:
            return ""
        lang = report_language(None)
        groups = (narrative.say(lang, "participants"), narrative.say(lang, "non-participants"))
        return narrative.reason(
            self._c.reason, (self._c.n_a, self._c.n_b), None, None, lang, groups
        )


@strawberry.type(
    description="The effect isolated with a comparison group: difference-in-differences on each "
    "employee's change from the pre to the post period."
)
class EffectEstimateInfo:
    _d: strawberry.Private[stats.DidResult]
    _relative: strawberry.Private[float | None]
    _pool: strawberry.Private[str]

    @strawberry.field(description="The trained group's mean before (pre period).")
    def trained_before(self) -> float | None:
        return self._d.treated_pre

    @strawberry.field(description="The trained group's mean after (post period).")
    def trained_after(self) -> float | None:
        return self._d.treated_post

    @strawberry.field(description="The comparison group's mean before.")
    def comparison_before(self) -> float | None:
        return self._d.control_pre

    @strawberry.field(description="The comparison group's mean after.")
    def comparison_after(self) -> float | None:
        return self._d.control_post

    @strawberry.field(
        description="Employees trained between the periods with values in both (sample size)."
    )
    def trained(self) -> int:
        return self._d.n_treated

    @strawberry.field(description="Untrained employees with values in both periods.")
    def comparison(self) -> int:
        return self._d.n_control

    @strawberry.field(
        description="KPI change attributable to the course, per employee and month (in the KPI's unit)."
    )
    def effect(self) -> float | None:
        return self._d.effect

    @strawberry.field(description="95 % interval of the effect (Welch t on the changes).")
    def interval(self) -> ConfidenceInterval | None:
        return _interval(self._d.interval)

    @strawberry.field(description="The effect ÷ the trained group's level before (0.25 = +25 %).")
    def relative_effect(self) -> float | None:
        return self._relative

    @strawberry.field(
        description="True when both groups reach the minimum size and the interval excludes 0; "
        "otherwise the effect is not a claim."
    )
    def conclusive(self) -> bool:
        return self._d.conclusive

    @strawberry.field(description="Why it is not conclusive; empty when it is.")
    def reason(self) -> str:
        return self._d.reason

    @strawberry.field(
        description="Why it is not conclusive, in the viewer's language, with the group sizes; "
        "empty when it is."
    )
    def reason_text(self) -> str:
        if not self._d.reason:
            return ""
        d = self._d
        return narrative.reason(
            d.reason, (d.n_treated, d.n_control), None, None, report_language(None)
        )

    @strawberry.field(
        description="UNIT: the untrained of this unit; PARENT: a branch's trained compared with "
        "the untrained of the whole report (a branch has few untrained once most are trained)."
    )
    def comparison_pool(self) -> ComparisonPool:
        return ComparisonPool(self._pool)


@strawberry.type(description="Phillips ROI of the course over the horizon (CNY).")
class RoiInfo:
    _r: strawberry.Private[stats.Roi]
    horizon_months: int = strawberry.field(description="Months the benefit is counted over.")
    value_per_unit: Decimal | None = strawberry.field(
        description="Money value of one unit of the KPI (e.g. gross margin per new customer)."
    )

    @strawberry.field(description="Fully loaded cost of training the trained group.")
    def cost(self) -> Decimal:
        return self._r.cost

    @strawberry.field(
        description="Effect × trained × horizon × value per unit; null when not conclusive."
    )
    def benefit(self) -> Decimal | None:
        return self._r.benefit

    @strawberry.field(description="(benefit − cost) / cost × 100.")
    def roi_percent(self) -> Decimal | None:
        return self._r.roi_percent

    @strawberry.field(description="Benefit / cost.")
    def benefit_cost_ratio(self) -> Decimal | None:
        return self._r.bcr

    @strawberry.field(description="The benefit with the lower end of the effect's interval.")
    def conservative_benefit(self) -> Decimal | None:
        return self._r.conservative_benefit

    @strawberry.field(description="ROI % with the lower end of the effect's interval.")
    def conservative_roi_percent(self) -> Decimal | None:
        return self._r.conservative_roi_percent

    @strawberry.field(
        description="False when the effect is not conclusive or the KPI has no money value: no ROI is claimed."
    )
    def conclusive(self) -> bool:
        return self._r.conclusive


@strawberry.type(description="One month of the trend: the trained and the comparison group's mean.")
class EffectTrendPoint:
    period: date = strawberry.field(description="The month (its first day).")
    trained_mean: float | None = strawberry.field(description="Mean of the trained group.")
    comparison_mean: float | None = strawberry.field(description="Mean of the comparison group.")
    trained: int = strawberry.field(description="Trained employees with a value that month.")
    comparison: int = strawberry.field(description="Comparison employees with a value that month.")


@strawberry.type(description="How a competency's score goes with the KPI (Pearson's r).")
class CompetencyCorrelationInfo:
    _c: strawberry.Private[service.CompetencyCorrelation]

    @strawberry.field(description="The competency.")
    async def competency(self) -> CompetencyRef | None:
        from talentloop.skills.models import Competency
        from talentloop.skills.types import CompetencyNode

        found = await Competency.get_or_none(id=self._c.competency_id)
        return CompetencyNode(_model=found) if found else None

    @strawberry.field(description="Pearson's r between the score and the KPI level before.")
    def r(self) -> float | None:
        return self._c.correlation.r

    @strawberry.field(description="Employees with both (sample size).")
    def employees(self) -> int:
        return self._c.correlation.n

    @strawberry.field(description="95 % interval of r (Fisher z).")
    def interval(self) -> ConfidenceInterval | None:
        return _interval(self._c.correlation.interval)

    @strawberry.field(description="Enough employees and an interval that excludes 0.")
    def conclusive(self) -> bool:
        return self._c.correlation.conclusive


@strawberry.type(
    name="TrainingEffectReport",
    description="培训效果与绩效影响报告: did the course move the KPI, by how much, and was it worth "
    "it — for a unit (or the whole company) and each branch under it that the viewer may see.",
)
class TrainingEffectReportInfo:
    _r: strawberry.Private[service.EffectReport]

    @strawberry.field(description="The course.")
    async def course(self) -> CourseRef:
        from talentloop.training.types import CourseNode

        return CourseNode(_model=self._r.course)

    @strawberry.field(description="The KPI.")
    def kpi(self) -> KpiRef:
        from talentloop.performance.types import KpiNode

        return KpiNode(_model=self._r.kpi)

    @strawberry.field(description="The unit; null for the whole company (in the viewer's scope).")
    def unit(self) -> OrgUnitRef | None:
        from talentloop.org.types import OrgUnitNode

        return OrgUnitNode(_model=self._r.unit) if self._r.unit else None

    @strawberry.field(description="First month before training.")
    def pre_from(self) -> date:
        return self._r.params.pre_from

    @strawberry.field(description="Last month before training.")
    def pre_to(self) -> date:
        return self._r.params.pre_to

    @strawberry.field(description="First month after training.")
    def post_from(self) -> date:
        return self._r.params.post_from

    @strawberry.field(description="Last month after training.")
    def post_to(self) -> date:
        return self._r.params.post_to

    @strawberry.field(description="Employees with KPI values in the pre or the post period.")
    def population(self) -> int:
        return self._r.population

    @strawberry.field(
        description="Percent of them who had completed the course by the end of the pre period."
    )
    def participation_before(self) -> Decimal | None:
        return self._r.participation_before

    @strawberry.field(description="… by the start of the post period.")
    def participation_after(self) -> Decimal | None:
        return self._r.participation_after

    @strawberry.field(description="Root cause: participants vs non-participants after training.")
    def comparison(self) -> GroupComparison:
        return GroupComparison(_c=self._r.comparison)

    @strawberry.field(description="The measured effect, with a comparison group.")
    def effect(self) -> EffectEstimateInfo:
        return EffectEstimateInfo(
            _d=self._r.did, _relative=self._r.relative_effect, _pool=self._r.comparison_pool
        )

    @strawberry.field(
        description="Return on the training investment (cost read by HR and the boss)."
    )
    def roi(self) -> RoiInfo:
        return RoiInfo(
            _r=self._r.roi,
            horizon_months=self._r.params.horizon_periods,
            value_per_unit=self._r.value_per_unit,
        )

    @strawberry.field(description="Month by month, the trained and the comparison group.")
    def trend(self) -> list[EffectTrendPoint]:
        return [
            EffectTrendPoint(
                period=p.period,
                trained_mean=p.treated_mean,
                comparison_mean=p.control_mean,
                trained=p.treated_n,
                comparison=p.control_n,
            )
            for p in self._r.trend
        ]

    @strawberry.field(description="Outside events on these units and months (drawn on the charts).")
    def events(self) -> list[ExternalEventNode]:
        return [ExternalEventNode(_model=e) for e in self._r.events]

    @strawberry.field(description="Whether the months the events touched were left out.")
    def events_excluded(self) -> bool:
        return self._r.params.exclude_events

    @strawberry.field(description="Employee-months left out because of events.")
    def excluded_employee_months(self) -> int:
        return self._r.excluded_rows

    @strawberry.field(description="The finding in one plain sentence.")
    def summary(self, language: ReportLanguage | None = None) -> str:
        from talentloop.analytics import narrative

        return narrative.summary(self._r, report_language(language))

    @strawberry.field(description="The ROI in one plain sentence.")
    def roi_summary(self, language: ReportLanguage | None = None) -> str:
        from talentloop.analytics import narrative

        return narrative.roi_sentence(self._r, report_language(language))

    @strawberry.field(
        description="The same figures for each branch the viewer may see, side by side."
    )
    def branches(self) -> list[TrainingEffectReportInfo]:
        return [TrainingEffectReportInfo(_r=b) for b in self._r.branches]

    @strawberry.field(
        description="Root cause: each competency's correlation with the KPI before training, "
        "strongest first."
    )
    async def correlations(self, info: Info) -> list[CompetencyCorrelationInfo]:
        found = await service.competency_correlations(info.context.viewer, self._r)
        return [CompetencyCorrelationInfo(_c=c) for c in found]

    @strawberry.field(
        description="Root cause: of those below target in the last month before training, the "
        "share below their team's average on each competency."
    )
    async def under_performers(self, info: Info) -> UnderPerformerRef | None:
        from talentloop.skills import service as skills_service
        from talentloop.skills.types import UnderPerformerAnalysisInfo, UnderPerformerShareRow

        result = await skills_service.under_performers_below_team_average(
            info.context.viewer,
            kpi_id=self._r.kpi.id,
            period=self._r.params.pre_to,
            unit_id=self._r.unit.id if self._r.unit else None,
            scores=self._r._scores,
        )
        if result is None:
            return None
        return UnderPerformerAnalysisInfo(
            under_performers=result.under_performers,
            rows=[
                UnderPerformerShareRow(
                    _competency_id=r.competency_id,
                    below_team_average=r.below_team_average,
                    with_score=r.with_score,
                    share=r.share,
                )
                for r in result.rows
            ],
        )

    @strawberry.field(
        description="Suspended performance pay here, its restore condition and progress: the "
        "evidence beside the effect."
    )
    async def pay_suspensions(self, info: Info) -> list[PaySuspensionRef]:
        from talentloop.performance.types import PaySuspensionNode

        return [
            PaySuspensionNode(_model=s)
            for s in await service.pay_evidence(info.context.viewer, self._r)
        ]


@strawberry.type(
    description="A sensible first report for the viewer: the course most of their people "
    "completed, the KPI that suspended pay, the last three months after and four before."
)
class TrainingEffectReportDefaults:
    _d: strawberry.Private[service.ReportDefaults]

    @strawberry.field(description="The course.")
    def course(self) -> CourseRef:
        from talentloop.training.types import CourseNode

        return CourseNode(_model=self._d.course)

    @strawberry.field(description="The KPI.")
    def kpi(self) -> KpiRef:
        from talentloop.performance.types import KpiNode

        return KpiNode(_model=self._d.kpi)

    @strawberry.field(description="First month before training.")
    def pre_from(self) -> date:
        return self._d.pre_from

    @strawberry.field(description="Last month before training.")
    def pre_to(self) -> date:
        return self._d.pre_to

    @strawberry.field(description="First month after training.")
    def post_from(self) -> date:
        return self._d.post_from

    @strawberry.field(description="Last month after training.")
    def post_to(self) -> date:
        return self._d.post_to


@strawberry.type(
    name="ExternalEvent",
    description="Something outside training that moved a unit's KPIs (a supplier's delay, a "
    "market shock, a reorganisation).",
)
class ExternalEventNode(Node):
    _model: strawberry.Private[ExternalEvent]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ExternalEvent", self._model.id))

    @strawberry.field(description="The unit it touched (and everything under it).")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="What kind of event.")
    def kind(self) -> EventKind:
        return self._model.kind

    @strawberry.field(description="Short title.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="What happened.")
    def description(self) -> str:
        return self._model.description

    @strawberry.field(description="First month touched.")
    def period_from(self) -> date:
        return self._model.period_from

    @strawberry.field(description="Last month touched.")
    def period_to(self) -> date:
        return self._model.period_to


@strawberry.type(name="KpiValuation", description="What one unit of a KPI is worth, for ROI.")
class KpiValuationInfo:
    _model: strawberry.Private[KpiValuation]

    @strawberry.field(description="The KPI.")
    async def kpi(self) -> KpiRef | None:
        from talentloop.performance.models import Kpi
        from talentloop.performance.types import KpiNode

        found = await Kpi.get_or_none(id=self._model.kpi_id)
        return KpiNode(_model=found) if found else None

    @strawberry.field(description="CNY per unit (e.g. gross margin per new customer).")
    def value_per_unit(self) -> Decimal:
        return self._model.value_per_unit

    @strawberry.field(description="Where the value comes from.")
    def note(self) -> str:
        return self._model.note

    @strawberry.field(description="Last changed (UTC).")
    def updated_at(self) -> datetime:
        return self._model.updated_at


@strawberry.type(
    name="ReportJob", description="A report export running in the background, and its file."
)
class ReportJobNode(Node):
    _model: strawberry.Private[ReportJob]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ReportJob", self._model.id))

    @strawberry.field(description="PDF or XLSX.")
    def format(self) -> ReportFormat:
        return self._model.format

    @strawberry.field(description="Running, done or failed.")
    def status(self) -> ReportStatus:
        return self._model.status

    @strawberry.field(description="Percent done.")
    def progress(self) -> int:
        return self._model.progress

    @strawberry.field(description="What it is doing now (a step's name in English: stable).")
    def step(self) -> str:
        return self._model.step

    @strawberry.field(description="What it is doing now, in the viewer's language.")
    def step_text(self) -> str:
        return jobs.step_text(self._model.step)

    @strawberry.field(description="The file's name, once done.")
    def file_name(self) -> str:
        return self._model.file_name

    @strawberry.field(
        description="Where to GET the file once done (send the same Bearer token); null before."
    )
    def download_url(self) -> str | None:
        if self._model.status is not ReportStatus.DONE:
            return None
        return f"/reports/{self._model.id}"

    @strawberry.field(description="Why it failed (in the viewer's language); empty otherwise.")
    def error(self) -> str:
        return translate_stored(self._model.error)

    @strawberry.field(description="Started (UTC).")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="Finished (UTC).")
    def finished_at(self) -> datetime | None:
        return self._model.finished_at
