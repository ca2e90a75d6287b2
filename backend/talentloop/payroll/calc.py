"""The arithmetic of Chinese payroll, pure: no database, no viewer, Decimal end to end.

- Individual income tax on wages by the cumulative withholding method (累计预扣法),
  国家税务总局公告2018年第61号《个人所得税扣缴申报管理办法（试行）》第六条:
      累计预扣预缴应纳税所得额 = 累计收入 − 累计免税收入 − 累计减除费用
                                − 累计专项扣除 − 累计专项附加扣除 − 累计依法确定的其他扣除
      本期应预扣预缴税额 = (累计预扣预缴应纳税所得额 × 预扣率 − 速算扣除数)
                           − 累计减免税额 − 累计已预扣预缴税额
  where 累计减除费用 = 5,000 × the months employed at this employer this year, and
  "本期应预扣预缴税额为负值时，暂不退税" — never negative in a month; the difference waits
  for the annual settlement (汇算清缴).
- The rate table for it is the annual one for 综合所得 (个人所得税法, 2018 revision, 附表一;
  the same table is 个人所得税预扣率表一 of announcement No. 61). The tables and the monthly
  basic deduction are policy data (`TaxTable`, passed in by payroll/computing.py; the law's
  figures are seeded by policy/seed.py), so a change of law is a new table from a date.
- The annual one-time bonus (全年一次性奖金) taxed apart from the wages: bonus ÷ 12 finds the
  rate in the monthly table (按月换算后的综合所得税率表), tax = bonus × rate − quick
  deduction (财税〔2018〕164号 第一条(一)); the choice is extended to 31 Dec 2027 by
  财政部 税务总局公告2023年第30号. The employee may instead merge it into the wages.
- Social insurance and housing fund: base = the employee's base clamped to the city's floor
  and ceiling; each component with its employee and employer rate (and a fixed amount, such
  as Beijing's 3 yuan for serious illness on the employee's medical part), rounded by the
  city's rule.
- Overtime and absence: hourly wage = monthly base ÷ 21.75 ÷ 8, daily = ÷ 21.75
  (劳动和社会保障部《关于职工全年月平均工作时间和工资折算问题的通知》劳社部发〔2008〕3号);
  overtime at 150 % on working days, 200 % on rest days, 300 % on statutory holidays
  (劳动法 第四十四条).

Rounding happens to the fen (half up) where a rule or a payslip line needs it: each tax
amount, each contribution (by the city's rule), each overtime and absence line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum

from talentloop.i18n import N_

ZERO = Decimal("0")
FEN = Decimal("0.01")
WORK_DAYS_PER_MONTH = Decimal("21.75")  # 劳社部发〔2008〕3号: 月计薪天数
HOURS_PER_DAY = Decimal("8")
# 住房公积金管理条例 第十八条 and 建金〔2005〕5号: the rate is between 5 % and 12 %.
HOUSING_FUND_MIN_RATE = Decimal("0.05")
HOUSING_FUND_MAX_RATE = Decimal("0.12")
# 财政部 税务总局公告2023年第30号: the separate bonus tax applies until 31 December 2027.
SEPARATE_BONUS_UNTIL = date(2027, 12, 31)


def fen(amount: Decimal) -> Decimal:
    """To the fen, half up (四舍五入)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bracket:
    upper: Decimal | None  # inclusive; None for the last
    rate: Decimal
    quick_deduction: Decimal


@dataclass(frozen=True)
class TaxTable:
    """The income-tax figures in force from a date: policy data (payroll/models.py
    IncomeTaxTable, seeded from the law in policy/seed.py), chosen by the payroll's month."""

    valid_from: date
    basic_deduction: Decimal  # 减除费用 a month (个人所得税法 第六条: 60,000 a year)
    annual: tuple[Bracket, ...]  # 综合所得 (预扣率表一), for the cumulative withholding
    monthly: tuple[Bracket, ...]  # 按月换算后的综合所得税率表, for the separate annual bonus


def bracket(amount: Decimal, table: tuple[Bracket, ...]) -> Bracket:
    for row in table:
        if row.upper is None or amount <= row.upper:
            return row
    raise AssertionError("the last bracket has no upper bound")


# --- individual income tax ------------------------------------------------------------------


@dataclass(frozen=True)
class CumulativeFigures:
    """Everything counted from January to this month (inclusive) at this employer."""

    months_employed: int  # 任职受雇月份数 this year at this employer, this month included
    income: Decimal  # 累计收入: wages (and a bonus merged into them)
    tax_free: Decimal = ZERO  # 累计免税收入
    special: Decimal = ZERO  # 累计专项扣除: the employee's social insurance and housing fund
    special_additional: Decimal = ZERO  # 累计专项附加扣除
    other: Decimal = ZERO  # 累计依法确定的其他扣除 (enterprise annuity, …)
    withheld: Decimal = ZERO  # 累计已预扣预缴税额, before this month


@dataclass(frozen=True)
class Withholding:
    basic_deduction: Decimal  # 累计减除费用
    taxable: Decimal  # 累计预扣预缴应纳税所得额 (never below zero)
    rate: Decimal
    quick_deduction: Decimal
    cumulative_tax: Decimal  # on the cumulative taxable income
    due: Decimal  # cumulative tax − already withheld (may be negative: not refunded)
    this_month: Decimal  # what is withheld now: max(due, 0)


def cumulative_withholding(f: CumulativeFigures, table: TaxTable) -> Withholding:
    """公告2018年第61号 第六条: this month's withholding on wages, by `table`."""
    if f.months_employed < 1:
        raise ValueError(N_("At least the current month is a month employed."))
    basic = table.basic_deduction * f.months_employed
    taxable = f.income - f.tax_free - basic - f.special - f.special_additional - f.other
    taxable = max(taxable, ZERO)
    row = bracket(taxable, table.annual)
    cumulative_tax = fen(taxable * row.rate - row.quick_deduction)
    due = cumulative_tax - f.withheld
    return Withholding(
        basic_deduction=basic,
        taxable=taxable,
        rate=row.rate,
        quick_deduction=row.quick_deduction,
        cumulative_tax=cumulative_tax,
        due=due,
        this_month=max(due, ZERO),  # 为负值时，暂不退税
    )


@dataclass(frozen=True)
class BonusTax:
    monthly_equivalent: Decimal  # bonus ÷ 12, which finds the rate
    rate: Decimal
    quick_deduction: Decimal
    tax: Decimal


def separate_bonus_tax(bonus: Decimal, table: TaxTable) -> BonusTax:
    """财税〔2018〕164号 第一条(一): the annual one-time bonus apart from the wages, by `table`."""
    if bonus < ZERO:
        raise ValueError(N_("A bonus is not negative."))
    monthly = bonus / 12
    row = bracket(monthly, table.monthly)
    return BonusTax(
        monthly_equivalent=fen(monthly),
        rate=row.rate,
        quick_deduction=row.quick_deduction,
        tax=max(fen(bonus * row.rate - row.quick_deduction), ZERO),
    )


def may_tax_bonus_separately(paid_on: date) -> bool:
    return paid_on <= SEPARATE_BONUS_UNTIL


# --- special additional deductions (专项附加扣除) ---------------------------------------------


class DeductionKind(StrEnum):
    CHILD_EDUCATION = "child_education"  # 子女教育
    INFANT_CARE = "infant_care"  # 3岁以下婴幼儿照护
    ELDERLY_SUPPORT = "elderly_support"  # 赡养老人
    HOUSING_LOAN = "housing_loan"  # 住房贷款利息
    HOUSING_RENT = "housing_rent"  # 住房租金
    CONTINUING_EDUCATION = "continuing_education"  # 继续教育 (学历: per month)


class RentCityClass(StrEnum):
    """国发〔2018〕41号 第十七条 (unchanged by the 2023 notice): 1,500 a month in municipalities,
    provincial capitals and cities specially designated in the plan; 1,100 in other cities of
    more than one million registered residents; 800 elsewhere."""

    LARGE = "large"  # 1,500
    MEDIUM = "medium"  # 1,100
    SMALL = "small"  # 800


RENT = {RentCityClass.LARGE: Decimal("1500"), RentCityClass.MEDIUM: Decimal("1100"),
        RentCityClass.SMALL: Decimal("800")}  # fmt: skip
# 国发〔2023〕13号 (个人所得税专项附加扣除标准的通知), from 1 January 2023: children's education
# and infant care 2,000 per child a month, elderly support 3,000 (an only child; shared,
# at most 1,500 each). Housing loan 1,000, continuing education (degree) 400: 国发〔2018〕41号.
PER_CHILD = Decimal("2000")
ELDERLY_ONLY_CHILD = Decimal("3000")
ELDERLY_SHARE_CAP = Decimal("1500")
HOUSING_LOAN = Decimal("1000")
CONTINUING_EDUCATION_DEGREE = Decimal("400")


def special_deduction_monthly(
    kind: DeductionKind,
    *,
    count: int = 1,
    share: Decimal = Decimal("1"),
    elderly_amount: Decimal | None = None,
    rent_class: RentCityClass | None = None,
) -> Decimal:
    """The monthly amount of one declared deduction, checked against its rule.

    `share` is the part claimed by this parent (0.5 or 1 for children; 0.5 or 1 for a housing
    loan between spouses); `elderly_amount` is what a sibling declares of the shared 3,000.
    """
    if kind in (DeductionKind.CHILD_EDUCATION, DeductionKind.INFANT_CARE):
        if count < 1:
            raise ValueError(N_("At least one child."))
        if share not in (Decimal("0.5"), Decimal("1")):
            raise ValueError(N_("One parent claims 100 % or each 50 %."))
        return fen(PER_CHILD * count * share)
    if kind is DeductionKind.ELDERLY_SUPPORT:
        if elderly_amount is None:
            return ELDERLY_ONLY_CHILD
        if not ZERO < elderly_amount <= ELDERLY_SHARE_CAP:
            raise ValueError(N_("A shared elderly support is at most 1,500 a month each."))
        return fen(elderly_amount)
    if kind is DeductionKind.HOUSING_LOAN:
        if share not in (Decimal("0.5"), Decimal("1")):
            raise ValueError(N_("One spouse claims 100 % or each 50 %."))
        return fen(HOUSING_LOAN * share)
    if kind is DeductionKind.HOUSING_RENT:
        if rent_class is None:
            raise ValueError(N_("The city class of the rented home."))
        return RENT[rent_class]
    if kind is DeductionKind.CONTINUING_EDUCATION:
        return CONTINUING_EDUCATION_DEGREE
    raise ValueError(kind)


# --- social insurance and housing fund ------------------------------------------------------


class Component(StrEnum):
    PENSION = "pension"  # 养老保险
    MEDICAL = "medical"  # 医疗保险 (with maternity where merged)
    UNEMPLOYMENT = "unemployment"  # 失业保险
    INJURY = "injury"  # 工伤保险 (employer only)
    MATERNITY = "maternity"  # 生育保险 (employer only, where still separate)
    HOUSING_FUND = "housing_fund"  # 住房公积金


class RoundingMode(StrEnum):
    HALF_UP = "half_up"  # 四舍五入
    UP = "up"  # 见角进元 / 进位
    DOWN = "down"  # 舍去


_MODES = {RoundingMode.HALF_UP: ROUND_HALF_UP, RoundingMode.UP: ROUND_UP,
          RoundingMode.DOWN: ROUND_DOWN}  # fmt: skip


@dataclass(frozen=True)
class Rounding:
    quantum: Decimal = FEN  # 0.01, 0.1 or 1 yuan
    mode: RoundingMode = RoundingMode.HALF_UP

    def apply(self, amount: Decimal) -> Decimal:
        return fen(amount.quantize(self.quantum, rounding=_MODES[self.mode]))


@dataclass(frozen=True)
class Rate:
    component: Component
    employee_rate: Decimal
    employer_rate: Decimal
    employee_fixed: Decimal = ZERO  # Beijing: 3 yuan a month for serious illness (大额医疗互助)


@dataclass(frozen=True)
class CityTable:
    city: str
    valid_from: date  # bases reset each July
    base_floor: Decimal
    base_ceiling: Decimal
    fund_floor: Decimal  # the housing fund has its own bounds
    fund_ceiling: Decimal
    rates: tuple[Rate, ...]
    rounding: Rounding = Rounding()
    fund_rounding: Rounding = Rounding()


@dataclass(frozen=True)
class Contribution:
    component: Component
    base: Decimal
    employee_rate: Decimal
    employer_rate: Decimal
    employee: Decimal
    employer: Decimal


def clamp(value: Decimal, floor: Decimal, ceiling: Decimal) -> Decimal:
    return min(max(value, floor), ceiling)


def contributions(table: CityTable, monthly_base: Decimal) -> list[Contribution]:
    """Each component's base, employee part and employer part for one month."""
    out: list[Contribution] = []
    for rate in table.rates:
        fund = rate.component is Component.HOUSING_FUND
        if fund and not (
            HOUSING_FUND_MIN_RATE <= rate.employee_rate <= HOUSING_FUND_MAX_RATE
            and HOUSING_FUND_MIN_RATE <= rate.employer_rate <= HOUSING_FUND_MAX_RATE
        ):
            raise ValueError(N_("A housing fund rate is between 5 % and 12 %."))
        base = (
            clamp(monthly_base, table.fund_floor, table.fund_ceiling)
            if fund
            else clamp(monthly_base, table.base_floor, table.base_ceiling)
        )
        rounding = table.fund_rounding if fund else table.rounding
        out.append(
            Contribution(
                component=rate.component,
                base=base,
                employee_rate=rate.employee_rate,
                employer_rate=rate.employer_rate,
                employee=rounding.apply(base * rate.employee_rate) + rate.employee_fixed,
                employer=rounding.apply(base * rate.employer_rate),
            )
        )
    return out


# --- overtime and absence -------------------------------------------------------------------


class OvertimeKind(StrEnum):
    WORKDAY = "150"  # 劳动法 第四十四条(一): not less than 150 %
    REST_DAY = "200"  # (二): 200 % when no compensatory rest is given
    HOLIDAY = "300"  # (三): 300 % on statutory holidays


OVERTIME_FACTOR = {
    OvertimeKind.WORKDAY: Decimal("1.5"),
    OvertimeKind.REST_DAY: Decimal("2"),
    OvertimeKind.HOLIDAY: Decimal("3"),
}


def hourly_wage(monthly_base: Decimal) -> Decimal:
    """劳社部发〔2008〕3号: 小时工资 = 月工资收入 ÷ (月计薪天数 21.75 × 8). Unrounded."""
    return monthly_base / WORK_DAYS_PER_MONTH / HOURS_PER_DAY


def daily_wage(monthly_base: Decimal) -> Decimal:
    """劳社部发〔2008〕3号: 日工资 = 月工资收入 ÷ 月计薪天数 21.75. Unrounded."""
    return monthly_base / WORK_DAYS_PER_MONTH


def overtime_pay(monthly_base: Decimal, hours: Decimal, kind: OvertimeKind) -> Decimal:
    return fen(hourly_wage(monthly_base) * hours * OVERTIME_FACTOR[kind])


def absence_deduction(monthly_base: Decimal, days: Decimal) -> Decimal:
    """Days not paid (absence, unpaid leave), at the daily wage; never more than the base."""
    return min(fen(daily_wage(monthly_base) * days), monthly_base)


def months_employed(year: int, month: int, hire_date: date) -> int:
    """任职受雇月份数 this year at this employer up to `month`, counting the month of hire."""
    if hire_date.year > year or (hire_date.year == year and hire_date.month > month):
        return 0
    first = hire_date.month if hire_date.year == year else 1
    return month - first + 1
