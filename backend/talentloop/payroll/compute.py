"""One employee's payslip for a month, from figures already loaded: pure, so that a run is
the same whenever it is computed (a recomputed draft gives the same lines), and every line
carries its explanation in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from talentloop.i18n import translate
from talentloop.payroll import calc
from talentloop.payroll.attendance import AttendanceFigures
from talentloop.payroll.calc import (
    ZERO,
    CityTable,
    Component,
    CumulativeFigures,
    OvertimeKind,
    TaxTable,
    fen,
)
from talentloop.payroll.models import (
    BonusTaxMethod,
    ComponentKind,
    ComponentMethod,
    ItemKind,
    LineSection,
)
from talentloop.payroll.months import add_months


class PayrollError(ValueError):
    """The figures cannot make a payslip (no base salary, no table for the city…): an English
    msgid with `{named}` placeholders. The run keeps it in English (`str(exc)`, the text the
    msgid formats to) and shows it through `i18n.translate_stored` in the reader's language."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.msgid = message
        self.params = params

    def translated(self) -> str:
        return translate(self.msgid, self.params)


@dataclass(frozen=True)
class StructureLine:
    kind: ComponentKind
    name: str
    method: ComponentMethod
    amount: Decimal = ZERO
    rate: Decimal = ZERO


@dataclass(frozen=True)
class Suspension:
    unit_name: str
    since: date
    reason: str


@dataclass(frozen=True)
class Item:
    kind: ItemKind
    amount: Decimal
    bonus_tax: BonusTaxMethod | None = None
    corrects_month: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Prior:
    """This year's payslips before this month, summed — starting from the person's opening
    figures (payroll/openings.py) where the old system paid the first months."""

    income: Decimal = ZERO
    special: Decimal = ZERO
    additional: Decimal = ZERO  # the last one's cumulative special additional deductions
    tax: Decimal = ZERO
    other: Decimal = ZERO  # 累计依法确定的其他扣除: the opening's (TalentLoop adds none)
    opening_months: int = 0  # months employed through the opening's last month
    opened_through: date | None = None  # the old system's last month; None: no opening


@dataclass(frozen=True)
class PayInputs:
    month: date
    hire_date: date
    base_salary: Decimal | None  # the employee record's
    structure: list[StructureLine] | None
    structure_from: date | None
    table: CityTable | None
    city: str
    tax: TaxTable | None  # the income-tax table in force in the month
    suspension: Suspension | None = None
    attendance: AttendanceFigures = field(default_factory=AttendanceFigures)
    items: list[Item] = field(default_factory=list)
    cumulative_additional: Decimal = ZERO  # through this month
    prior: Prior = Prior()


@dataclass
class Line:
    section: LineSection
    code: str
    label_zh: str
    label_en: str
    amount: Decimal
    explanation_zh: str = ""
    explanation_en: str = ""


@dataclass
class Figures:
    gross: Decimal
    income: Decimal
    employee_contributions: Decimal
    special_additional: Decimal
    tax: Decimal
    annual_bonus: Decimal
    bonus_tax: Decimal
    deductions: Decimal
    net: Decimal
    employer_contributions: Decimal
    months_employed: int
    cumulative_income: Decimal
    cumulative_basic: Decimal
    cumulative_special: Decimal
    cumulative_additional: Decimal
    cumulative_taxable: Decimal
    cumulative_tax: Decimal
    withheld_before: Decimal
    tax_rate: Decimal
    quick_deduction: Decimal
    lines: list[Line]


COMPONENT_LABELS = {
    Component.PENSION: ("养老保险", "Pension insurance"),
    Component.MEDICAL: ("医疗保险", "Medical insurance"),
    Component.UNEMPLOYMENT: ("失业保险", "Unemployment insurance"),
    Component.INJURY: ("工伤保险", "Work injury insurance"),
    Component.MATERNITY: ("生育保险", "Maternity insurance"),
    Component.HOUSING_FUND: ("住房公积金", "Housing fund"),
}
OVERTIME_LABELS = {
    OvertimeKind.WORKDAY: ("加班工资（工作日 150%）", "Overtime (working day, 150 %)"),
    OvertimeKind.REST_DAY: ("加班工资（休息日 200%）", "Overtime (rest day, 200 %)"),
    OvertimeKind.HOLIDAY: ("加班工资（法定节假日 300%）", "Overtime (public holiday, 300 %)"),
}


def _y(amount: Decimal) -> str:
    return f"{fen(amount):,.2f}"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def compute(p: PayInputs) -> Figures:
    lines: list[Line] = []
    base, base_line = _base(p)
    lines.append(base_line)
    for component in p.structure or []:
        if component.kind in (ComponentKind.BASE, ComponentKind.DEDUCTION):
            continue
        amount = _component_amount(component, base)
        explain_zh, explain_en = _component_explanation(component, base)
        if component.kind is ComponentKind.PERFORMANCE and p.suspension is not None:
            s = p.suspension
            lines.append(
                Line(
                    LineSection.EARNING,
                    "performance",
                    component.name,
                    "Performance pay",
                    ZERO,
                    f"绩效工资暂停：{s.unit_name} 自 {s.since:%Y-%m} 起暂停绩效工资（{s.reason}），"
                    f"本月不发放（标准 {_y(amount)}）。恢复须经审批。",
                    f"Performance pay suspended: {s.unit_name} has had performance pay "
                    f"suspended since {s.since:%Y-%m} ({s.reason}); none this month "
                    f"(normally {_y(amount)}). Restoring it needs approval.",
                )
            )
            continue
        code = component.kind.value
        lines.append(
            Line(
                LineSection.EARNING,
                code,
                component.name,
                _en(component),
                amount,
                explain_zh,
                explain_en,
            )
        )
    lines += _attendance_lines(base, p.attendance)
    annual_bonus, merged_bonus, bonus_separate = ZERO, False, False
    for item in p.items:
        if item.kind is ItemKind.BONUS:
            lines.append(
                Line(
                    LineSection.EARNING,
                    "bonus",
                    "奖金",
                    "Bonus",
                    fen(item.amount),
                    f"本月奖金。{item.note}".strip(),
                    f"Bonus this month. {item.note}".strip(),
                )
            )
        elif item.kind is ItemKind.ADJUSTMENT:
            when = f"{item.corrects_month:%Y-%m}" if item.corrects_month else "—"
            lines.append(
                Line(
                    LineSection.EARNING,
                    "adjustment",
                    "以前月份更正",
                    "Correction of an earlier month",
                    fen(item.amount),
                    f"更正 {when} 已审批的工资（已审批的工资表不可更改，更正计入本月）。{item.note}",
                    f"Corrects {when}, whose approved run cannot change; the correction is "
                    f"paid this month. {item.note}",
                )
            )
        elif item.kind is ItemKind.ANNUAL_BONUS:
            annual_bonus += fen(item.amount)
            separate = item.bonus_tax is BonusTaxMethod.SEPARATE and calc.may_tax_bonus_separately(
                p.month
            )
            merged_bonus = merged_bonus or not separate
            bonus_separate = bonus_separate or separate
            lines.append(
                Line(
                    LineSection.EARNING,
                    "annual_bonus",
                    "全年一次性奖金",
                    "Annual one-time bonus",
                    fen(item.amount),
                    "单独计税（财税〔2018〕164号，延续至2027年12月31日）。"
                    if separate
                    else "并入当年综合所得，按累计预扣法计税。",
                    "Taxed separately (Cai Shui [2018] No. 164, extended to 31 Dec 2027)."
                    if separate
                    else "Merged into the year's wages and taxed by the cumulative method.",
                )
            )
    if bonus_separate and merged_bonus:
        raise PayrollError("An annual bonus is either taxed separately or merged, not both.")

    gross = sum((ln.amount for ln in lines if ln.section is LineSection.EARNING), ZERO)
    income = gross - (annual_bonus if bonus_separate else ZERO)

    if p.table is None:
        if not p.city:
            raise PayrollError(
                "No social insurance table for the unit’s city in force in {month}.",
                month=f"{p.month:%Y-%m}",
            )
        raise PayrollError(
            "No social insurance table for {city} in force in {month}.",
            city=p.city,
            month=f"{p.month:%Y-%m}",
        )
    contributions = calc.contributions(p.table, base)
    employee_part = ZERO
    employer_part = ZERO
    for c in contributions:
        zh, en = COMPONENT_LABELS[c.component]
        fixed = " + 3 元（大额医疗互助）" if c.employee - fen(c.base * c.employee_rate) >= 3 else ""
        base_note = (
            f"缴费基数 {_y(c.base)}（{p.table.city} {p.table.valid_from:%Y-%m} 起：基本工资 {_y(base)}"
            f" 按上下限调整）"
        )
        base_note_en = (
            f"base {_y(c.base)} ({p.table.city} from {p.table.valid_from:%Y-%m}: the base salary "
            f"{_y(base)} within the floor and ceiling)"
        )
        if c.employee:
            employee_part += c.employee
            lines.append(
                Line(
                    LineSection.CONTRIBUTION,
                    c.component.value,
                    zh,
                    en,
                    c.employee,
                    f"{base_note} × {_pct(c.employee_rate)}{fixed}",
                    f"{base_note_en} × {_pct(c.employee_rate)}{' + 3 yuan' if fixed else ''}",
                )
            )
        if c.employer:
            employer_part += c.employer
            lines.append(
                Line(
                    LineSection.EMPLOYER,
                    c.component.value,
                    f"单位{zh}",
                    f"{en} (employer)",
                    c.employer,
                    f"{base_note} × {_pct(c.employer_rate)}",
                    f"{base_note_en} × {_pct(c.employer_rate)}",
                )
            )

    months = _months_employed(p)
    if months < 1:
        raise PayrollError("Not employed in this month.")
    if p.tax is None:
        raise PayrollError("No income tax table in force in {month}.", month=f"{p.month:%Y-%m}")
    cumulative = CumulativeFigures(
        months_employed=months,
        income=p.prior.income + income,
        special=p.prior.special + employee_part,
        special_additional=p.cumulative_additional,
        other=p.prior.other,
        withheld=p.prior.tax,
    )
    other_zh, other_en, opening_zh, opening_en = "", "", "", ""
    if cumulative.other:
        other_zh = f" − 累计其他扣除 {_y(cumulative.other)}"
        other_en = f" − other deductions {_y(cumulative.other)}"
    if p.prior.opened_through is not None:
        through = p.prior.opened_through
        opening_zh = f"（{through:%Y}-01 至 {through:%Y-%m} 为原系统的期初累计数）"
        opening_en = f" ({through:%Y}-01 to {through:%Y-%m}: the previous system's opening figures)"
    w = calc.cumulative_withholding(cumulative, p.tax)
    lines.append(
        Line(
            LineSection.TAX,
            "iit",
            "个人所得税",
            "Individual income tax",
            w.this_month,
            f"累计预扣法（国家税务总局公告2018年第61号）：累计收入 {_y(cumulative.income)} − 累计减除费用 "
            f"{_y(w.basic_deduction)}（{_y(p.tax.basic_deduction)} × {months} 个月）− 累计专项扣除 {_y(cumulative.special)} − "
            f"累计专项附加扣除 {_y(cumulative.special_additional)}{other_zh} = 应纳税所得额 {_y(w.taxable)}；"
            f"× {_pct(w.rate)} − 速算扣除数 {_y(w.quick_deduction)} = {_y(w.cumulative_tax)}；"
            f"− 已预扣 {_y(cumulative.withheld)} = {_y(w.due)}"
            + ("（为负，暂不退税，待年度汇算）" if w.due < 0 else "")
            + opening_zh,
            f"Cumulative withholding (SAT announcement 2018 No. 61): income {_y(cumulative.income)}"
            f" − basic deduction {_y(w.basic_deduction)} ({_y(p.tax.basic_deduction)} × {months} months)"
            f" − social "
            f"insurance and housing fund {_y(cumulative.special)} − special additional "
            f"deductions {_y(cumulative.special_additional)}{other_en} = taxable {_y(w.taxable)}; × "
            f"{_pct(w.rate)} − quick deduction {_y(w.quick_deduction)} = {_y(w.cumulative_tax)}; "
            f"− already withheld {_y(cumulative.withheld)} = {_y(w.due)}"
            + (" (negative: no refund before the annual settlement)" if w.due < 0 else "")
            + opening_en,
        )
    )
    bonus_tax = ZERO
    if bonus_separate:
        b = calc.separate_bonus_tax(annual_bonus, p.tax)
        bonus_tax = b.tax
        lines.append(
            Line(
                LineSection.TAX,
                "bonus_tax",
                "全年一次性奖金个税",
                "Tax on the annual bonus",
                b.tax,
                f"{_y(annual_bonus)} ÷ 12 = {_y(b.monthly_equivalent)}，按月度税率表 {_pct(b.rate)}，"
                f"速算扣除数 {_y(b.quick_deduction)}：{_y(annual_bonus)} × {_pct(b.rate)} − "
                f"{_y(b.quick_deduction)} = {_y(b.tax)}",
                f"{_y(annual_bonus)} ÷ 12 = {_y(b.monthly_equivalent)}: the monthly table's "
                f"{_pct(b.rate)}, quick deduction {_y(b.quick_deduction)}: {_y(annual_bonus)} × "
                f"{_pct(b.rate)} − {_y(b.quick_deduction)} = {_y(b.tax)}",
            )
        )

    deductions = ZERO
    for component in p.structure or []:
        if component.kind is ComponentKind.DEDUCTION:
            amount = _component_amount(component, base)
            deductions += amount
            lines.append(
                Line(
                    LineSection.DEDUCTION,
                    "deduction",
                    component.name,
                    "Deduction",
                    amount,
                    "税后扣款（工资结构）",
                    "After tax (salary structure)",
                )
            )
    for item in p.items:
        if item.kind is ItemKind.DEDUCTION:
            deductions += fen(item.amount)
            lines.append(
                Line(
                    LineSection.DEDUCTION,
                    "deduction",
                    "扣款",
                    "Deduction",
                    fen(item.amount),
                    f"税后扣款。{item.note}".strip(),
                    f"After tax. {item.note}".strip(),
                )
            )

    net = gross - employee_part - w.this_month - bonus_tax - deductions
    return Figures(
        gross=gross,
        income=income,
        employee_contributions=employee_part,
        special_additional=p.cumulative_additional - p.prior.additional,
        tax=w.this_month,
        annual_bonus=annual_bonus,
        bonus_tax=bonus_tax,
        deductions=deductions,
        net=net,
        employer_contributions=employer_part,
        months_employed=months,
        cumulative_income=cumulative.income,
        cumulative_basic=w.basic_deduction,
        cumulative_special=cumulative.special,
        cumulative_additional=cumulative.special_additional,
        cumulative_taxable=w.taxable,
        cumulative_tax=w.cumulative_tax,
        withheld_before=cumulative.withheld,
        tax_rate=w.rate,
        quick_deduction=w.quick_deduction,
        lines=lines,
    )


def _months_employed(p: PayInputs) -> int:
    """任职受雇月份数 this year through this month (公告2018年第61号 art. 6): from the hire month,
    or the opening's months and then the months from the cut-over (the hire month if later)."""
    if p.prior.opened_through is None:
        return calc.months_employed(p.month.year, p.month.month, p.hire_date)
    if p.month <= p.prior.opened_through:
        raise PayrollError("The previous system paid {month}.", month=f"{p.month:%Y-%m}")
    since = max(p.hire_date, add_months(p.prior.opened_through, 1))
    return p.prior.opening_months + calc.months_employed(p.month.year, p.month.month, since)


def _base(p: PayInputs) -> tuple[Decimal, Line]:
    base_component = next((c for c in p.structure or [] if c.kind is ComponentKind.BASE), None)
    if base_component is not None and base_component.method is ComponentMethod.FIXED:
        base = fen(base_component.amount)
        zh = f"工资结构（{p.structure_from:%Y-%m-%d} 起）固定金额"
        en = f"Salary structure (from {p.structure_from:%Y-%m-%d}): a fixed amount"
        label = base_component.name
    else:
        if p.base_salary is None:
            raise PayrollError("No base salary.")
        base = fen(p.base_salary)
        zh, en = "员工档案中的基本工资", "The base salary of the employee record"
        label = base_component.name if base_component else "基本工资"
    return base, Line(LineSection.EARNING, "base", label, "Base salary", base, zh, en)


def _component_amount(component: StructureLine, base: Decimal) -> Decimal:
    if component.method is ComponentMethod.PERCENT_OF_BASE:
        return fen(base * component.rate)
    return fen(component.amount)


def _component_explanation(component: StructureLine, base: Decimal) -> tuple[str, str]:
    if component.method is ComponentMethod.PERCENT_OF_BASE:
        return (
            f"基本工资 {_y(base)} × {_pct(component.rate)}",
            f"base salary {_y(base)} × {_pct(component.rate)}",
        )
    return "工资结构固定金额", "A fixed amount of the salary structure"


def _en(component: StructureLine) -> str:
    return {
        ComponentKind.ALLOWANCE: "Allowance",
        ComponentKind.PERFORMANCE: "Performance pay",
        ComponentKind.BONUS: "Monthly bonus",
    }.get(component.kind, component.name)


def _attendance_lines(base: Decimal, a: AttendanceFigures) -> list[Line]:
    lines: list[Line] = []
    hourly = calc.hourly_wage(base)
    source_zh = "（考勤记录及人事录入）" if a.from_attendance else "（人事录入）"
    source_en = " (attendance and HR's entries)" if a.from_attendance else " (entered by HR)"
    for kind, hours in a.overtime_hours.items():
        if hours:
            zh, en = OVERTIME_LABELS[kind]
            amount = calc.overtime_pay(base, hours, kind)
            lines.append(
                Line(
                    LineSection.EARNING,
                    f"overtime_{kind.value}",
                    zh,
                    en,
                    amount,
                    f"{hours.normalize():f} 小时{source_zh} × 小时工资 {_y(hourly)}（{_y(base)} ÷ "
                    f"21.75 ÷ 8，劳社部发〔2008〕3号）× {calc.OVERTIME_FACTOR[kind]}（劳动法第四十四条）",
                    f"{hours.normalize():f} h{source_en} × hourly wage {_y(hourly)} ({_y(base)} ÷ "
                    f"21.75 ÷ 8) × {calc.OVERTIME_FACTOR[kind]} (Labour Law art. 44)",
                )
            )
    for days, code, zh, en in (
        (a.absence_days, "absence", "缺勤扣款", "Absence"),
        (a.unpaid_leave_days, "unpaid_leave", "事假扣款", "Unpaid leave"),
    ):
        if days:
            amount = calc.absence_deduction(base, days)
            lines.append(
                Line(
                    LineSection.EARNING,
                    code,
                    zh,
                    en,
                    -amount,
                    f"{days.normalize():f} 天{source_zh} × 日工资 {_y(calc.daily_wage(base))}"
                    f"（{_y(base)} ÷ 21.75）",
                    f"{days.normalize():f} days{source_en} × daily wage "
                    f"{_y(calc.daily_wage(base))} ({_y(base)} ÷ 21.75)",
                )
            )
    return lines
