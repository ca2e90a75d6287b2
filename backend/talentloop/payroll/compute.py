"""One employee's payslip for a month, from figures already loaded: pure, so that a run is
the same whenever it is computed (a recomputed draft gives the same lines), and every line
carries its label and explanation in Chinese and English, in the catalogue's words
(payroll/wording.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from talentloop.i18n import translate
from talentloop.payroll import calc
from talentloop.payroll import wording as w
from talentloop.payroll.attendance import AttendanceFigures
from talentloop.payroll.calc import (
    ZERO,
    CityTable,
    CumulativeFigures,
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


def _line(
    section: LineSection,
    code: str,
    label: w.Words,
    amount: Decimal,
    explanation: w.Words = ("", ""),
) -> Line:
    return Line(section, code, label[0], label[1], amount, explanation[0], explanation[1])


def compute(p: PayInputs) -> Figures:
    lines: list[Line] = []
    base, base_line = _base(p)
    lines.append(base_line)
    for component in p.structure or []:
        if component.kind in (ComponentKind.BASE, ComponentKind.DEDUCTION):
            continue
        amount = _component_amount(component, base)
        if component.kind is ComponentKind.PERFORMANCE and p.suspension is not None:
            s = p.suspension
            lines.append(
                _line(
                    LineSection.EARNING,
                    "performance",
                    (component.name, w.in_both(w.PERFORMANCE_PAY)[1]),
                    ZERO,
                    w.suspended(s.unit_name, s.since, s.reason, amount),
                )
            )
            continue
        lines.append(
            _line(
                LineSection.EARNING,
                component.kind.value,
                w.component_label(component.kind, component.name),
                amount,
                w.component_explanation(
                    base,
                    component.rate if component.method is ComponentMethod.PERCENT_OF_BASE else None,
                ),
            )
        )
    lines += _attendance_lines(base, p.attendance)
    annual_bonus, merged_bonus, bonus_separate = ZERO, False, False
    for item in p.items:
        if item.kind is ItemKind.BONUS:
            lines.append(
                _line(
                    LineSection.EARNING,
                    "bonus",
                    w.in_both(w.BONUS),
                    fen(item.amount),
                    w.bonus(item.note),
                )
            )
        elif item.kind is ItemKind.ADJUSTMENT:
            lines.append(
                _line(
                    LineSection.EARNING,
                    "adjustment",
                    w.in_both(w.CORRECTION),
                    fen(item.amount),
                    w.correction(item.corrects_month, item.note),
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
                _line(
                    LineSection.EARNING,
                    "annual_bonus",
                    w.in_both(w.ANNUAL_BONUS),
                    fen(item.amount),
                    w.annual_bonus(separate),
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
        fixed = c.employee - fen(c.base * c.employee_rate) >= 3  # 大额医疗互助
        if c.employee:
            employee_part += c.employee
            lines.append(
                _line(
                    LineSection.CONTRIBUTION,
                    c.component.value,
                    w.in_both(w.CONTRIBUTIONS[c.component]),
                    c.employee,
                    w.contribution(
                        c.base,
                        p.table.city,
                        p.table.valid_from,
                        base,
                        c.employee_rate,
                        fixed=fixed,
                    ),
                )
            )
        if c.employer:
            employer_part += c.employer
            lines.append(
                _line(
                    LineSection.EMPLOYER,
                    c.component.value,
                    w.in_both(w.EMPLOYER_CONTRIBUTIONS[c.component]),
                    c.employer,
                    w.contribution(c.base, p.table.city, p.table.valid_from, base, c.employer_rate),
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
    wh = calc.cumulative_withholding(cumulative, p.tax)
    figures = {
        "income": w.yuan(cumulative.income),
        "basic": w.yuan(wh.basic_deduction),
        "monthly": w.yuan(p.tax.basic_deduction),
        "months": str(months),
        "special": w.yuan(cumulative.special),
        "additional": w.yuan(cumulative.special_additional),
        "taxable": w.yuan(wh.taxable),
        "rate": w.percent(wh.rate),
        "quick": w.yuan(wh.quick_deduction),
        "cumulative_tax": w.yuan(wh.cumulative_tax),
        "withheld": w.yuan(cumulative.withheld),
        "due": w.yuan(wh.due),
    }
    lines.append(
        _line(
            LineSection.TAX,
            "iit",
            w.in_both(w.INCOME_TAX),
            wh.this_month,
            w.income_tax(
                figures,
                other=cumulative.other,
                negative=wh.due < 0,
                opened_through=p.prior.opened_through,
            ),
        )
    )
    bonus_tax = ZERO
    if bonus_separate:
        b = calc.separate_bonus_tax(annual_bonus, p.tax)
        bonus_tax = b.tax
        lines.append(
            _line(
                LineSection.TAX,
                "bonus_tax",
                w.in_both(w.BONUS_TAX),
                b.tax,
                w.bonus_tax(annual_bonus, b.monthly_equivalent, b.rate, b.quick_deduction, b.tax),
            )
        )

    deductions = ZERO
    for component in p.structure or []:
        if component.kind is ComponentKind.DEDUCTION:
            amount = _component_amount(component, base)
            deductions += amount
            lines.append(
                _line(
                    LineSection.DEDUCTION,
                    "deduction",
                    (component.name, w.in_both(w.DEDUCTION)[1]),
                    amount,
                    w.structure_deduction(),
                )
            )
    for item in p.items:
        if item.kind is ItemKind.DEDUCTION:
            deductions += fen(item.amount)
            lines.append(
                _line(
                    LineSection.DEDUCTION,
                    "deduction",
                    w.in_both(w.DEDUCTION),
                    fen(item.amount),
                    w.deduction(item.note),
                )
            )

    net = gross - employee_part - wh.this_month - bonus_tax - deductions
    return Figures(
        gross=gross,
        income=income,
        employee_contributions=employee_part,
        special_additional=p.cumulative_additional - p.prior.additional,
        tax=wh.this_month,
        annual_bonus=annual_bonus,
        bonus_tax=bonus_tax,
        deductions=deductions,
        net=net,
        employer_contributions=employer_part,
        months_employed=months,
        cumulative_income=cumulative.income,
        cumulative_basic=wh.basic_deduction,
        cumulative_special=cumulative.special,
        cumulative_additional=cumulative.special_additional,
        cumulative_taxable=wh.taxable,
        cumulative_tax=wh.cumulative_tax,
        withheld_before=cumulative.withheld,
        tax_rate=wh.rate,
        quick_deduction=wh.quick_deduction,
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
        explanation = w.base_from_structure(p.structure_from or p.month)
        label = (base_component.name, w.in_both(w.BASE_SALARY)[1])
    else:
        if p.base_salary is None:
            raise PayrollError("No base salary.")
        base = fen(p.base_salary)
        explanation = w.base_from_record()
        label = w.in_both(w.BASE_SALARY)
        if base_component is not None:
            label = (base_component.name, label[1])
    return base, _line(LineSection.EARNING, "base", label, base, explanation)


def _component_amount(component: StructureLine, base: Decimal) -> Decimal:
    if component.method is ComponentMethod.PERCENT_OF_BASE:
        return fen(base * component.rate)
    return fen(component.amount)


def _attendance_lines(base: Decimal, a: AttendanceFigures) -> list[Line]:
    lines: list[Line] = []
    hourly = calc.hourly_wage(base)
    for kind, hours in a.overtime_hours.items():
        if hours:
            lines.append(
                _line(
                    LineSection.EARNING,
                    f"overtime_{kind.value}",
                    w.in_both(w.OVERTIME[kind]),
                    calc.overtime_pay(base, hours, kind),
                    w.overtime(
                        hours,
                        hourly,
                        base,
                        calc.OVERTIME_FACTOR[kind],
                        from_attendance=a.from_attendance,
                    ),
                )
            )
    for days, code, label in (
        (a.absence_days, "absence", w.ABSENCE),
        (a.unpaid_leave_days, "unpaid_leave", w.UNPAID_LEAVE),
    ):
        if days:
            lines.append(
                _line(
                    LineSection.EARNING,
                    code,
                    w.in_both(label),
                    -calc.absence_deduction(base, days),
                    w.days_unpaid(
                        days, calc.daily_wage(base), base, from_attendance=a.from_attendance
                    ),
                )
            )
    return lines
