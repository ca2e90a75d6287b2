"""GraphQL types of payroll: runs, payslips and their lines, salary structures, special
additional deductions, a month's items and the city tables. Money is `Decimal` (a string)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.access.policy import Viewer
from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import employee_node, unit_node
from talentloop.i18n import CHINESE, current_language, translate_stored
from talentloop.payroll import service, staleness
from talentloop.payroll.calc import Component, DeductionKind, RentCityClass, RoundingMode
from talentloop.payroll.models import (
    LOCKED_STATUSES,
    BonusTaxMethod,
    ComponentKind,
    ComponentMethod,
    IncomeTaxTable,
    ItemKind,
    JobStatus,
    LineSection,
    PayrollItem,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
    SalaryStructure,
    SocialInsuranceTable,
    SpecialDeduction,
)

if TYPE_CHECKING:
    from talentloop.approvals.types import ApprovalRequestNode
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode, PositionNode

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
PositionRef = Annotated["PositionNode", strawberry.lazy("talentloop.people.types")]
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]
ApprovalRef = Annotated["ApprovalRequestNode", strawberry.lazy("talentloop.approvals.types")]

strawberry.enum(RunStatus, name="PayrollRunStatus", description="Draft, review, approved, paid.")
strawberry.enum(JobStatus, name="PayrollJobStatus", description="The computing job.")
strawberry.enum(ComponentKind, name="SalaryComponentKind", description="What a component is.")
strawberry.enum(ComponentMethod, name="SalaryComponentMethod", description="How it is reckoned.")
strawberry.enum(DeductionKind, name="SpecialDeductionKind", description="专项附加扣除 kinds.")
strawberry.enum(RentCityClass, name="RentCityClass", description="1,500 / 1,100 / 800 a month.")
strawberry.enum(ItemKind, name="PayrollItemKind", description="A one-off figure of a month.")
strawberry.enum(BonusTaxMethod, name="BonusTaxMethod", description="Separately or merged.")
strawberry.enum(LineSection, name="PayslipSection", description="Where a line counts.")
strawberry.enum(Component, name="InsuranceComponent", description="三险一金 components.")
strawberry.enum(RoundingMode, name="RoundingMode", description="How a contribution rounds.")


def _lines_by_payslip(_viewer: Viewer) -> Callable[[list[int]], Awaitable[list[list[PayslipLine]]]]:
    async def load(ids: list[int]) -> list[list[PayslipLine]]:
        found = await service.lines_of(ids)
        return [found[i] for i in ids]

    return load


def _previous_net(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[Decimal | None]]]:
    async def load(ids: list[int]) -> list[Decimal | None]:
        found = await service.previous_nets(viewer, ids)
        return [found.get(i) for i in ids]

    return load


@strawberry.type(name="PayslipLine", description="One line of a payslip, and why it is what it is.")
class PayslipLineInfo:
    _m: strawberry.Private[PayslipLine]

    @strawberry.field(description="Earning, contribution, tax, deduction, employer, note.")
    def section(self) -> LineSection:
        return self._m.section

    @strawberry.field(description="A stable code (base, pension, iit…).")
    def code(self) -> str:
        return self._m.code

    @strawberry.field(
        description="The label in the viewer's language (their setting, else Accept-Language), "
        "as the payslip was computed."
    )
    def label(self) -> str:
        return self._m.label_zh if current_language() == CHINESE else self._m.label_en

    @strawberry.field(
        description="The label in Chinese, whatever the viewer's language (`label` follows it)."
    )
    def label_zh(self) -> str:
        return self._m.label_zh

    @strawberry.field(
        description="The label in English, whatever the viewer's language (`label` follows it)."
    )
    def label_en(self) -> str:
        return self._m.label_en

    @strawberry.field(description="CNY; an earning taken off (absence) is negative.")
    def amount(self) -> Decimal:
        return self._m.amount

    @strawberry.field(
        description="How it was computed, in the viewer's language (their setting, else "
        "Accept-Language), in the words of the day it was computed."
    )
    def explanation(self) -> str:
        if current_language() == CHINESE:
            return self._m.explanation_zh
        return self._m.explanation_en

    @strawberry.field(
        description="How it was computed, in Chinese, whatever the viewer's language "
        "(`explanation` follows it)."
    )
    def explanation_zh(self) -> str:
        return self._m.explanation_zh

    @strawberry.field(
        description="How it was computed, in English, whatever the viewer's language "
        "(`explanation` follows it)."
    )
    def explanation_en(self) -> str:
        return self._m.explanation_en


@strawberry.type(name="Payslip", description="One employee's pay for a month.")
class PayslipNode(Node):
    _m: strawberry.Private[Payslip]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Payslip", self._m.id))

    @strawberry.field(description="The employee.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._m.employee_id)

    @strawberry.field(description="The month (its first day).")
    def month(self) -> date:
        return self._m.month

    @strawberry.field(description="Where its run stands.")
    def run_status(self) -> RunStatus:
        return self._m.run.status

    @strawberry.field(description="The city whose social insurance table applied.")
    def city(self) -> str:
        return self._m.city

    @strawberry.field(description="Everything earned this month, the annual bonus included.")
    def gross(self) -> Decimal:
        return self._m.gross

    @strawberry.field(description="This month's income for the cumulative tax method.")
    def income(self) -> Decimal:
        return self._m.income

    @strawberry.field(description="The employee's social insurance and housing fund (三险一金).")
    def employee_contributions(self) -> Decimal:
        return self._m.employee_contributions

    @strawberry.field(description="This month's special additional deductions (专项附加扣除).")
    def special_additional(self) -> Decimal:
        return self._m.special_additional

    @strawberry.field(description="Income tax withheld on the wages this month.")
    def tax(self) -> Decimal:
        return self._m.tax

    @strawberry.field(description="The annual one-time bonus paid this month.")
    def annual_bonus(self) -> Decimal:
        return self._m.annual_bonus

    @strawberry.field(description="Tax on the annual bonus taxed separately.")
    def bonus_tax(self) -> Decimal:
        return self._m.bonus_tax

    @strawberry.field(description="Deductions after tax.")
    def deductions(self) -> Decimal:
        return self._m.deductions

    @strawberry.field(description="Paid out.")
    def net(self) -> Decimal:
        return self._m.net

    @strawberry.field(description="The employer's contributions on top.")
    def employer_contributions(self) -> Decimal:
        return self._m.employer_contributions

    @strawberry.field(description="Months employed here this year (for the 5,000 a month).")
    def months_employed(self) -> int:
        return self._m.months_employed

    @strawberry.field(description="累计收入 through this month.")
    def cumulative_income(self) -> Decimal:
        return self._m.cumulative_income

    @strawberry.field(description="累计减除费用 (5,000 × months).")
    def cumulative_basic(self) -> Decimal:
        return self._m.cumulative_basic

    @strawberry.field(description="累计专项扣除.")
    def cumulative_special(self) -> Decimal:
        return self._m.cumulative_special

    @strawberry.field(description="累计专项附加扣除.")
    def cumulative_additional(self) -> Decimal:
        return self._m.cumulative_additional

    @strawberry.field(description="累计预扣预缴应纳税所得额.")
    def cumulative_taxable(self) -> Decimal:
        return self._m.cumulative_taxable

    @strawberry.field(description="Tax on it by the annual table.")
    def cumulative_tax(self) -> Decimal:
        return self._m.cumulative_tax

    @strawberry.field(description="累计已预扣预缴税额 before this month.")
    def withheld_before(self) -> Decimal:
        return self._m.withheld_before

    @strawberry.field(description="The rate of the annual table that applied.")
    def tax_rate(self) -> Decimal:
        return self._m.tax_rate

    @strawberry.field(description="Its quick deduction.")
    def quick_deduction(self) -> Decimal:
        return self._m.quick_deduction

    @strawberry.field(description="The net of the month before, where one was paid.")
    async def previous_net(self, info: Info) -> Decimal | None:
        return await info.context.loader("payslip_previous_net", _previous_net).load(self._m.id)

    @strawberry.field(description="Every line, in order, each explained.")
    async def lines(self, info: Info) -> list[PayslipLineInfo]:
        found = await info.context.loader("payslip_lines", _lines_by_payslip).load(self._m.id)
        return [PayslipLineInfo(_m=line) for line in found]


def _stale_reasons(_viewer: Viewer) -> Callable[[list[int]], Awaitable[list[list[str]]]]:
    async def load(ids: list[int]) -> list[list[str]]:
        found = await staleness.reasons_of(ids)
        return [found[i] for i in ids]

    return load


@strawberry.type(description="One person's figures on a run, before or after a recompute.")
class PayrollFigures:
    gross: Decimal = strawberry.field(description="Gross pay.")
    performance: Decimal = strawberry.field(description="Performance pay (绩效工资) paid.")
    contributions: Decimal = strawberry.field(description="Social insurance and housing fund.")
    tax: Decimal = strawberry.field(description="Income tax withheld (wages and bonus).")
    net: Decimal = strawberry.field(description="Net pay.")


def _figures(values: dict[str, str] | None) -> PayrollFigures | None:
    if values is None:
        return None
    return PayrollFigures(**{k: Decimal(values[k]) for k in staleness.FIGURES})


@strawberry.type(description="What a recompute changed for one person.")
class PayrollRunChange:
    employee_id: strawberry.Private[int]
    before: PayrollFigures | None = strawberry.field(description="Null: not paid before.")
    after: PayrollFigures | None = strawberry.field(description="Null: no longer paid.")

    @strawberry.field(description="Whose pay changed.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self.employee_id)


@strawberry.type(description="A run's totals beside the month before.")
class PayrollRunComparison:
    previous_month: date = strawberry.field(description="The month before.")
    previous_headcount: int = strawberry.field(description="Paid then.")
    previous_gross: Decimal = strawberry.field(description="Gross then.")
    previous_net: Decimal = strawberry.field(description="Net then.")
    previous_tax: Decimal = strawberry.field(description="Tax then.")
    previous_employer_contributions: Decimal = strawberry.field(description="Employer's then.")


@strawberry.type(name="PayrollRun", description="A unit's payroll for a month.")
class PayrollRunNode(Node):
    _m: strawberry.Private[PayrollRun]

    @strawberry.field(
        description="Its approval request once submitted for review, with every stage and "
        "decision (null where the viewer does not read it)."
    )
    async def approval_request(self, info: Info) -> ApprovalRef | None:
        from talentloop.approvals.models import RequestType
        from talentloop.approvals.types import approval_of

        return await approval_of(info, RequestType.PAYROLL_RUN, self._m.id)

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("PayrollRun", self._m.id))

    @strawberry.field(description="The unit (and everything under it).")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._m.unit_id)

    @strawberry.field(description="The month (its first day).")
    def month(self) -> date:
        return self._m.month

    @strawberry.field(description="Draft, review, approved (locked) or paid.")
    def status(self) -> RunStatus:
        return self._m.status

    @strawberry.field(description="The computing job: running, done or failed.")
    def job_status(self) -> JobStatus:
        return self._m.job_status

    @strawberry.field(description="Percent computed.")
    def progress(self) -> int:
        return self._m.progress

    @strawberry.field(description="What the job is doing.")
    def step(self) -> str:
        return self._m.step

    @strawberry.field(description="Why the job failed; empty otherwise.")
    def error(self) -> str:
        return translate_stored(self._m.error)  # kept in English, read in the viewer's language

    @strawberry.field(description="Payslips.")
    def headcount(self) -> int:
        return self._m.headcount

    @strawberry.field(description="Total gross.")
    def gross(self) -> Decimal:
        return self._m.gross

    @strawberry.field(description="Total employee contributions.")
    def employee_contributions(self) -> Decimal:
        return self._m.employee_contributions

    @strawberry.field(description="Total income tax withheld (wages and bonuses).")
    def tax(self) -> Decimal:
        return self._m.tax

    @strawberry.field(description="Total deductions after tax.")
    def deductions(self) -> Decimal:
        return self._m.deductions

    @strawberry.field(description="Total paid out.")
    def net(self) -> Decimal:
        return self._m.net

    @strawberry.field(description="Total employer contributions.")
    def employer_contributions(self) -> Decimal:
        return self._m.employer_contributions

    @strawberry.field(description="Created (UTC).")
    def created_at(self) -> datetime:
        return self._m.created_at

    @strawberry.field(description="Last computed (UTC).")
    def computed_at(self) -> datetime | None:
        return self._m.computed_at

    @strawberry.field(description="Approved (UTC).")
    def approved_at(self) -> datetime | None:
        return self._m.approved_at

    @strawberry.field(description="Paid (UTC).")
    def paid_at(self) -> datetime | None:
        return self._m.paid_at

    @strawberry.field(
        description="Why the run is out of date — an input changed after it was computed (a "
        "pay suspension or restore, salary, pay items, attendance, a social-insurance or "
        "income-tax table, an earlier month) — in the reader's language; empty when it is not. "
        "An out-of-date run is not approved until it is recomputed."
    )
    async def out_of_date_reasons(self, info: Info) -> list[str]:
        return await info.context.loader("payroll_stale_reasons", _stale_reasons).load(self._m.id)

    @strawberry.field(description="True while outOfDateReasons is not empty.")
    async def out_of_date(self, info: Info) -> bool:
        return bool(await self.out_of_date_reasons(info))

    @strawberry.field(
        description="What its last recompute changed, per person whose pay the viewer reads "
        "(only those whose figures differ); null until it is computed a second time."
    )
    async def changes(self, info: Info) -> list[PayrollRunChange] | None:
        if self._m.changes is None:
            return None
        readable = await service.pay_readers_of(
            info.context.viewer, [c["employee_id"] for c in self._m.changes]
        )
        return [
            PayrollRunChange(
                employee_id=c["employee_id"],
                before=_figures(c["before"]),
                after=_figures(c["after"]),
            )
            for c in self._m.changes
            if c["employee_id"] in readable
        ]

    @strawberry.field(description="The same unit's run of the month before, for the diff.")
    async def comparison(self) -> PayrollRunComparison | None:
        before = await service.previous_run(self._m)
        if before is None:
            return None
        return PayrollRunComparison(
            previous_month=before.month,
            previous_headcount=before.headcount,
            previous_gross=before.gross,
            previous_net=before.net,
            previous_tax=before.tax,
            previous_employer_contributions=before.employer_contributions,
        )

    @strawberry.field(description="Its payslips, by employee number.")
    async def payslips(self, info: Info) -> list[PayslipNode]:
        return [
            PayslipNode(_m=p) for p in await service.payslips_of_run(info.context.viewer, self._m)
        ]

    @strawberry.field(
        description="GET it (with the same Bearer token) for the bank transfer file (XLSX), "
        "once approved; null before."
    )
    def bank_file_url(self) -> str | None:
        return (
            f"/payroll/runs/{self._m.id}/bank.xlsx" if self._m.status in LOCKED_STATUSES else None
        )

    @strawberry.field(description="GET it for the tax declaration list (XLSX), once approved.")
    def tax_file_url(self) -> str | None:
        return f"/payroll/runs/{self._m.id}/tax.xlsx" if self._m.status in LOCKED_STATUSES else None


@strawberry.type(name="SalaryComponent", description="One component of a salary structure.")
class SalaryComponentInfo:
    kind: ComponentKind = strawberry.field(description="Base, allowance, performance…")
    name: str = strawberry.field(description="As on the payslip.")
    method: ComponentMethod = strawberry.field(description="Fixed, a percent of the base…")
    amount: Decimal = strawberry.field(description="CNY a month (fixed).")
    rate: Decimal = strawberry.field(description="Of the base (0.2 = 20 %).")


@strawberry.type(
    name="SalaryStructure", description="A position's or one employee's pay, from a date."
)
class SalaryStructureInfo:
    _m: strawberry.Private[SalaryStructure]

    @strawberry.field(description="In force from this month.")
    def effective_from(self) -> date:
        return self._m.effective_from

    @strawberry.field(description="A note.")
    def note(self) -> str:
        return self._m.note

    @strawberry.field(description="The position it is for (position structures).")
    async def position(self) -> PositionRef | None:
        from talentloop.people.types import PositionNode

        position = self._m.position if self._m.position_id is not None else None
        return PositionNode(_model=position) if position is not None else None

    @strawberry.field(description="Its components, in order.")
    def components(self) -> list[SalaryComponentInfo]:
        return [
            SalaryComponentInfo(
                kind=c.kind, name=c.name, method=c.method, amount=c.amount, rate=c.rate
            )
            for c in sorted(self._m.components, key=lambda c: (c.order, c.id))
        ]


@strawberry.type(name="SpecialDeduction", description="A declared special additional deduction.")
class SpecialDeductionInfo:
    _m: strawberry.Private[SpecialDeduction]

    @strawberry.field(description="Which.")
    def kind(self) -> DeductionKind:
        return self._m.kind

    @strawberry.field(description="CNY a month, by the rule.")
    def monthly_amount(self) -> Decimal:
        return self._m.monthly_amount

    @strawberry.field(description="Children.")
    def count(self) -> int:
        return self._m.count

    @strawberry.field(description="The share claimed (0.5 or 1).")
    def share(self) -> Decimal:
        return self._m.share

    @strawberry.field(description="For rent: the city class.")
    def rent_class(self) -> RentCityClass | None:
        return self._m.rent_class

    @strawberry.field(description="First month.")
    def valid_from(self) -> date:
        return self._m.valid_from

    @strawberry.field(description="Last month; null: open.")
    def valid_to(self) -> date | None:
        return self._m.valid_to


@strawberry.type(name="PayrollItem", description="A one-off figure of a month.")
class PayrollItemInfo:
    _m: strawberry.Private[PayrollItem]

    @strawberry.field(description="The month.")
    def month(self) -> date:
        return self._m.month

    @strawberry.field(description="Which.")
    def kind(self) -> ItemKind:
        return self._m.kind

    @strawberry.field(description="CNY, or hours / days.")
    def amount(self) -> Decimal:
        return self._m.amount

    @strawberry.field(description="For an annual bonus: separately or merged.")
    def bonus_tax(self) -> BonusTaxMethod | None:
        return self._m.bonus_tax

    @strawberry.field(description="For a correction: the month it corrects.")
    def corrects_month(self) -> date | None:
        return self._m.corrects_month

    @strawberry.field(description="A note.")
    def note(self) -> str:
        return self._m.note


@strawberry.type(description="What payroll holds about one employee's pay.")
class EmployeePay:
    _p: strawberry.Private[service.EmployeePay]

    @strawberry.field(description="The employee.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._p.employee.id)

    @strawberry.field(description="Their own salary structures, latest first.")
    def salary_structures(self) -> list[SalaryStructureInfo]:
        return [SalaryStructureInfo(_m=s) for s in self._p.structures]

    @strawberry.field(description="Their special additional deductions.")
    def special_deductions(self) -> list[SpecialDeductionInfo]:
        return [SpecialDeductionInfo(_m=d) for d in self._p.deductions]

    @strawberry.field(description="Their one-off items (of the month asked, or the latest 100).")
    def items(self) -> list[PayrollItemInfo]:
        return [PayrollItemInfo(_m=i) for i in self._p.items]


@strawberry.type(name="SocialInsuranceRate", description="One component's rates.")
class SocialInsuranceRateInfo:
    component: Component = strawberry.field(description="Which.")
    employee_rate: Decimal = strawberry.field(description="The employee's (0.08 = 8 %).")
    employer_rate: Decimal = strawberry.field(description="The employer's.")
    employee_fixed: Decimal = strawberry.field(description="A fixed amount on the employee.")


@strawberry.type(name="SocialInsuranceTable", description="A city's bases and rates from a date.")
class SocialInsuranceTableInfo:
    _m: strawberry.Private[SocialInsuranceTable]
    _until: strawberry.Private[date | None] = None

    @strawberry.field(
        description="The last day in force (the day before the next version), or null."
    )
    def valid_to(self) -> date | None:
        return self._until

    @strawberry.field(description="The record's number, to tell versions apart.")
    def version_id(self) -> int:
        return self._m.id

    @strawberry.field(description="The city.")
    def city(self) -> str:
        return self._m.city

    @strawberry.field(description="In force from (bases reset each July).")
    def valid_from(self) -> date:
        return self._m.valid_from

    @strawberry.field(description="Social insurance base floor.")
    def base_floor(self) -> Decimal:
        return self._m.base_floor

    @strawberry.field(description="Social insurance base ceiling.")
    def base_ceiling(self) -> Decimal:
        return self._m.base_ceiling

    @strawberry.field(description="Housing fund base floor.")
    def fund_floor(self) -> Decimal:
        return self._m.fund_floor

    @strawberry.field(description="Housing fund base ceiling.")
    def fund_ceiling(self) -> Decimal:
        return self._m.fund_ceiling

    @strawberry.field(description="Contributions round to this (0.01, 0.1, 1).")
    def rounding_quantum(self) -> Decimal:
        return self._m.rounding_quantum

    @strawberry.field(description="And this way.")
    def rounding_mode(self) -> RoundingMode:
        return self._m.rounding_mode

    @strawberry.field(description="The housing fund rounds to this.")
    def fund_rounding_quantum(self) -> Decimal:
        return self._m.fund_rounding_quantum

    @strawberry.field(description="And this way.")
    def fund_rounding_mode(self) -> RoundingMode:
        return self._m.fund_rounding_mode

    @strawberry.field(description="Where the figures come from.")
    def source(self) -> str:
        return self._m.source

    @strawberry.field(description="Each component's rates.")
    def rates(self) -> list[SocialInsuranceRateInfo]:
        return [
            SocialInsuranceRateInfo(
                component=r.component,
                employee_rate=r.employee_rate,
                employer_rate=r.employer_rate,
                employee_fixed=r.employee_fixed,
            )
            for r in self._m.rates
        ]


@strawberry.type(name="TaxBracket", description="One bracket of an income-tax table.")
class TaxBracketInfo:
    upper: Decimal | None = strawberry.field(description="Up to and including; null for the last.")
    rate: Decimal = strawberry.field(description="The rate (0.03 = 3 %).")
    quick_deduction: Decimal = strawberry.field(description="速算扣除数.")


def _bracket_infos(rows: list[dict[str, str | None]]) -> list[TaxBracketInfo]:
    return [
        TaxBracketInfo(
            upper=Decimal(b["upper"]) if b["upper"] is not None else None,
            rate=Decimal(str(b["rate"])),
            quick_deduction=Decimal(str(b["quick_deduction"])),
        )
        for b in rows
    ]


@strawberry.type(name="IncomeTaxTable", description="The income-tax figures from a date.")
class IncomeTaxTableInfo:
    _m: strawberry.Private[IncomeTaxTable]
    _until: strawberry.Private[date | None] = None

    @strawberry.field(description="The record's number, to tell tables apart.")
    def version_id(self) -> int:
        return self._m.id

    @strawberry.field(description="In force from (the first of a month).")
    def valid_from(self) -> date:
        return self._m.valid_from

    @strawberry.field(description="The last day in force (the day before the next table), or null.")
    def valid_to(self) -> date | None:
        return self._until

    @strawberry.field(description="减除费用 a month (5,000 by 个人所得税法 第六条).")
    def basic_deduction(self) -> Decimal:
        return Decimal(self._m.basic_deduction)

    @strawberry.field(description="综合所得 brackets, for the cumulative withholding.")
    def brackets(self) -> list[TaxBracketInfo]:
        return _bracket_infos(self._m.brackets)

    @strawberry.field(description="按月换算 brackets, for the annual bonus taxed apart.")
    def bonus_brackets(self) -> list[TaxBracketInfo]:
        return _bracket_infos(self._m.bonus_brackets)

    @strawberry.field(description="Where the figures come from.")
    def source(self) -> str:
        return self._m.source
