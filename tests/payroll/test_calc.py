"""The payroll arithmetic without a database: the official example of announcement 2018 No. 61,
every bracket of the annual table, a falling month, a mid-year hire, the annual bonus at the
edges of its monthly table, social insurance per city and overtime."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from talentloop.payroll import calc
from talentloop.payroll.calc import (
    CityTable,
    Component,
    CumulativeFigures,
    DeductionKind,
    OvertimeKind,
    Rate,
    RentCityClass,
    Rounding,
    RoundingMode,
)
from talentloop.policy.seed import LAW_TAX_TABLE as LAW


def withhold_months(wages: list[D], special: D, additional: D, first_month: int = 1) -> list[D]:
    """Run the cumulative method month by month as a payroll would, returning each month's tax."""
    taxes: list[D] = []
    for n, _ in enumerate(wages, start=1):
        figures = CumulativeFigures(
            months_employed=n,
            income=sum(wages[:n], D(0)),
            special=special * n,
            special_additional=additional * n,
            withheld=sum(taxes, D(0)),
        )
        taxes.append(calc.cumulative_withholding(figures, LAW).this_month)
    return taxes


def test_the_official_example_withholds_555_then_625_then_1850() -> None:
    # 国家税务总局 解读 of announcement 2018 No. 61: 30,000 a month, 三险一金 4,500,
    # special additional deductions 2,000 (子女教育 1,000 + 赡养老人 1,000 then).
    taxes = withhold_months([D(30000)] * 3, D(4500), D(2000))
    assert taxes == [D("555.00"), D("625.00"), D("1850.00")]


def test_the_example_explained_line_by_line_in_march() -> None:
    march = calc.cumulative_withholding(
        CumulativeFigures(
            months_employed=3,
            income=D(90000),
            special=D(13500),
            special_additional=D(6000),
            withheld=D(1180),
        ),
        LAW,
    )
    assert march.basic_deduction == D(15000)
    assert march.taxable == D(55500)
    assert (march.rate, march.quick_deduction) == (D("0.10"), D(2520))
    assert march.cumulative_tax == D("3030.00")
    assert march.this_month == D("1850.00")


@pytest.mark.parametrize(
    ("taxable", "rate", "quick", "tax"),
    [
        (D(0), "0.03", 0, "0.00"),
        (D(36000), "0.03", 0, "1080.00"),
        (D("36000.01"), "0.10", 2520, "1080.00"),  # the table joins without a jump
        (D(144000), "0.10", 2520, "11880.00"),
        (D("144000.01"), "0.20", 16920, "11880.00"),
        (D(300000), "0.20", 16920, "43080.00"),
        (D(300001), "0.25", 31920, "43080.25"),
        (D(420000), "0.25", 31920, "73080.00"),
        (D(420001), "0.30", 52920, "73080.30"),
        (D(660000), "0.30", 52920, "145080.00"),
        (D(660001), "0.35", 85920, "145080.35"),
        (D(960000), "0.35", 85920, "250080.00"),
        (D(960001), "0.45", 181920, "250080.45"),
        (D(2000000), "0.45", 181920, "718080.00"),
    ],
)
def test_every_bracket_of_the_annual_table(taxable: D, rate: str, quick: int, tax: str) -> None:
    # Chosen so that the cumulative taxable income is exactly `taxable` in January.
    result = calc.cumulative_withholding(
        CumulativeFigures(months_employed=1, income=taxable + D(5000)), LAW
    )
    assert result.taxable == taxable
    assert (result.rate, result.quick_deduction) == (D(rate), D(quick))
    assert result.cumulative_tax == D(tax)
    assert result.this_month == D(tax)


def test_income_below_the_deductions_is_not_negative_taxable_income() -> None:
    result = calc.cumulative_withholding(
        CumulativeFigures(months_employed=1, income=D(6000), special=D(1200)), LAW
    )
    assert result.taxable == D(0)
    assert result.this_month == D(0)


def test_a_month_where_income_falls_withholds_nothing_and_refunds_nothing() -> None:
    # A large January, then three unpaid months (income 0): cumulative tax falls below what was
    # withheld, but nothing comes back before the annual settlement.
    wages = [D(60000), D(0), D(0), D(0)]
    taxes = withhold_months(wages, D(0), D(0))
    assert taxes[0] == D("2980.00")  # (60000 − 5000) × 10 % − 2520
    assert taxes[1] == D("0.00")  # (60000 − 10000) × 10 % − 2520 = 2480 < 2980: due −500
    assert taxes[2:] == [D("0.00"), D("0.00")]
    february = calc.cumulative_withholding(
        CumulativeFigures(months_employed=2, income=D(60000), withheld=D("2980.00")), LAW
    )
    assert february.due == D("-500.00")
    assert february.this_month == D(0)


def test_a_mid_year_hire_counts_the_basic_deduction_from_the_month_of_hire() -> None:
    hired = date(2026, 7, 15)
    assert calc.months_employed(2026, 6, hired) == 0
    assert calc.months_employed(2026, 7, hired) == 1
    assert calc.months_employed(2026, 9, hired) == 3
    assert calc.months_employed(2027, 2, hired) == 2  # a new year starts from January
    september = calc.cumulative_withholding(
        CumulativeFigures(
            months_employed=calc.months_employed(2026, 9, hired),
            income=D(60000),  # 20,000 in July, August and September
            special=D(6000),
            withheld=D("390.00") + D("390.00"),  # July and August: 13,000 and 26,000 at 3 %
        ),
        LAW,
    )
    # 60000 − 3 × 5000 − 6000 = 39000: × 10 % − 2520 = 1380, less 780 withheld.
    assert september.basic_deduction == D(15000)
    assert september.taxable == D(39000)
    assert september.cumulative_tax == D("1380.00")
    assert september.this_month == D("600.00")


def test_a_hire_before_this_year_counts_every_month_from_january() -> None:
    assert calc.months_employed(2026, 4, date(2019, 11, 1)) == 4


@pytest.mark.parametrize(
    ("bonus", "rate", "quick", "tax"),
    [
        (D(0), "0.03", 0, "0.00"),
        (D(36000), "0.03", 0, "1080.00"),
        (D("36000.12"), "0.10", 210, "3390.01"),  # over 3,000 a month: the known jump
        (D(144000), "0.10", 210, "14190.00"),
        (D("144000.12"), "0.20", 1410, "27390.02"),
        (D(300000), "0.20", 1410, "58590.00"),
        (D(300012), "0.25", 2660, "72343.00"),
        (D(420000), "0.25", 2660, "102340.00"),
        (D(420012), "0.30", 4410, "121593.60"),
        (D(660000), "0.30", 4410, "193590.00"),
        (D(660012), "0.35", 7160, "223844.20"),
        (D(960000), "0.35", 7160, "328840.00"),
        (D(960012), "0.45", 15160, "416845.40"),
    ],
)
def test_the_annual_bonus_at_the_edges_of_the_monthly_table(
    bonus: D, rate: str, quick: int, tax: str
) -> None:
    result = calc.separate_bonus_tax(bonus, LAW)
    assert (result.rate, result.quick_deduction) == (D(rate), D(quick))
    assert result.tax == D(tax)


def test_the_separate_bonus_tax_holds_until_the_end_of_2027() -> None:
    assert calc.may_tax_bonus_separately(date(2027, 12, 31))
    assert not calc.may_tax_bonus_separately(date(2028, 1, 1))


def test_special_additional_deductions_follow_the_2023_amounts() -> None:
    monthly = calc.special_deduction_monthly
    assert monthly(DeductionKind.CHILD_EDUCATION, count=2) == D(4000)
    assert monthly(DeductionKind.CHILD_EDUCATION, count=1, share=D("0.5")) == D(1000)
    assert monthly(DeductionKind.INFANT_CARE) == D(2000)
    assert monthly(DeductionKind.ELDERLY_SUPPORT) == D(3000)
    assert monthly(DeductionKind.ELDERLY_SUPPORT, elderly_amount=D(1500)) == D(1500)
    with pytest.raises(ValueError, match="at most 1,500"):
        monthly(DeductionKind.ELDERLY_SUPPORT, elderly_amount=D(1600))
    assert monthly(DeductionKind.HOUSING_LOAN) == D(1000)
    assert monthly(DeductionKind.HOUSING_RENT, rent_class=RentCityClass.LARGE) == D(1500)
    assert monthly(DeductionKind.HOUSING_RENT, rent_class=RentCityClass.MEDIUM) == D(1100)
    assert monthly(DeductionKind.HOUSING_RENT, rent_class=RentCityClass.SMALL) == D(800)
    assert monthly(DeductionKind.CONTINUING_EDUCATION) == D(400)
    with pytest.raises(ValueError, match=r"^One parent claims"):
        monthly(DeductionKind.CHILD_EDUCATION, count=1, share=D("0.3"))


BEIJING = CityTable(
    city="北京",
    valid_from=date(2025, 7, 1),
    base_floor=D(7162),
    base_ceiling=D(35811),
    fund_floor=D(2540),
    fund_ceiling=D(35811),
    rates=(
        Rate(Component.PENSION, D("0.08"), D("0.16")),
        Rate(Component.MEDICAL, D("0.02"), D("0.098"), employee_fixed=D(3)),
        Rate(Component.UNEMPLOYMENT, D("0.005"), D("0.005")),
        Rate(Component.INJURY, D(0), D("0.004")),
        Rate(Component.HOUSING_FUND, D("0.12"), D("0.12")),
    ),
    fund_rounding=Rounding(D(1), RoundingMode.HALF_UP),
)


def _parts(table: CityTable, base: D) -> dict[Component, tuple[D, D, D]]:
    return {c.component: (c.base, c.employee, c.employer) for c in calc.contributions(table, base)}


def test_contributions_clamp_the_base_to_the_citys_floor_and_ceiling() -> None:
    low = _parts(BEIJING, D(5000))
    assert low[Component.PENSION] == (D(7162), D("572.96"), D("1145.92"))
    assert low[Component.MEDICAL] == (D(7162), D("146.24"), D("701.88"))  # 143.24 + 3
    assert low[Component.HOUSING_FUND] == (D(5000), D(600), D(600))  # the fund's own floor
    high = _parts(BEIJING, D(50000))
    assert high[Component.PENSION] == (D(35811), D("2864.88"), D("5729.76"))
    assert high[Component.UNEMPLOYMENT] == (D(35811), D("179.06"), D("179.06"))
    assert high[Component.INJURY][1] == D(0)
    assert high[Component.HOUSING_FUND] == (D(35811), D(4297), D(4297))  # 4297.32 to the yuan


def test_rounding_follows_the_citys_rule() -> None:
    assert Rounding(D("0.1"), RoundingMode.UP).apply(D("12.31")) == D("12.40")
    assert Rounding(D(1), RoundingMode.DOWN).apply(D("12.99")) == D("12.00")
    assert Rounding().apply(D("12.345")) == D("12.35")


def test_a_housing_fund_rate_outside_five_to_twelve_percent_is_refused() -> None:
    table = CityTable(
        city="x",
        valid_from=date(2025, 7, 1),
        base_floor=D(1),
        base_ceiling=D(9),
        fund_floor=D(1),
        fund_ceiling=D(9),
        rates=(Rate(Component.HOUSING_FUND, D("0.13"), D("0.12")),),
    )
    with pytest.raises(ValueError, match="between 5 % and 12 %"):
        calc.contributions(table, D(5))


def test_overtime_is_paid_on_the_hourly_wage_of_21_75_days_of_8_hours() -> None:
    # 21,750 a month: 1,000 a day, 125 an hour.
    assert calc.overtime_pay(D(21750), D(4), OvertimeKind.WORKDAY) == D("750.00")
    assert calc.overtime_pay(D(21750), D(8), OvertimeKind.REST_DAY) == D("2000.00")
    assert calc.overtime_pay(D(21750), D(8), OvertimeKind.HOLIDAY) == D("3000.00")
    assert calc.overtime_pay(D(10000), D(1), OvertimeKind.WORKDAY) == D("86.21")  # 86.2068…
    assert calc.absence_deduction(D(21750), D(2)) == D("2000.00")
    assert calc.absence_deduction(D(21750), D(30)) == D(21750)
