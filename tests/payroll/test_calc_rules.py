"""The payroll rules test_calc.py left to chance, found by mutation testing (`make mutation
MODULE=payroll/calc.py`): every deduction of the cumulative formula subtracted, a shared
deduction multiplied by its share, a hire after the payroll month not yet employed, half a fen
rounded up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from talentloop.payroll import calc
from talentloop.payroll.calc import CumulativeFigures, DeductionKind, OvertimeKind
from talentloop.policy.seed import LAW_TAX_TABLE as LAW
from talentloop.policy.seed import brackets_of


def test_tax_free_income_and_other_deductions_are_subtracted() -> None:
    # 公告2018年第61号 第六条: 累计收入 − 累计免税收入 − 累计减除费用 − 累计专项扣除
    # − 累计专项附加扣除 − 累计依法确定的其他扣除. Each term on its own, then all together.
    def taxable(**figures: D) -> D:
        return calc.cumulative_withholding(
            CumulativeFigures(months_employed=1, income=D(20000), **figures), LAW
        ).taxable

    assert taxable() == D(15000)
    assert taxable(tax_free=D(1000)) == D(14000)
    assert taxable(special=D(2000)) == D(13000)
    assert taxable(special_additional=D(3000)) == D(12000)
    assert taxable(other=D(500)) == D(14500)
    january = calc.cumulative_withholding(
        CumulativeFigures(
            months_employed=1,
            income=D(20000),
            tax_free=D(1000),
            special=D(2000),
            special_additional=D(3000),
            other=D(500),
        ),
        LAW,
    )
    # 20000 − 1000 − 5000 − 2000 − 3000 − 500 = 8500, at 3 %: 255.
    assert january.taxable == D(8500)
    assert january.cumulative_tax == D("255.00")
    assert january.due == january.this_month == D("255.00")


def test_what_was_withheld_before_is_subtracted_once() -> None:
    # 本期应预扣预缴税额 = 累计应纳税额 − 累计已预扣预缴税额: 15000 × 3 % = 450, less 300.
    result = calc.cumulative_withholding(
        CumulativeFigures(months_employed=1, income=D(20000), withheld=D(300)), LAW
    )
    assert (result.cumulative_tax, result.due, result.this_month) == (D(450), D(150), D(150))


def test_no_month_employed_is_refused() -> None:
    # The current month always counts (任职受雇月份数 includes it): zero is a caller's mistake.
    with pytest.raises(ValueError, match="current month is a month employed"):
        calc.cumulative_withholding(CumulativeFigures(months_employed=0, income=D(1)), LAW)
    assert calc.cumulative_withholding(
        CumulativeFigures(months_employed=1, income=D(5000)), LAW
    ).basic_deduction == D(5000)


def test_half_a_fen_rounds_up() -> None:
    # 四舍五入 (ROUND_HALF_UP), not to the even fen: 1.50 taxable × 3 % = 0.045 → 0.05.
    assert calc.fen(D("0.045")) == D("0.05")
    assert calc.fen(D("0.044")) == D("0.04")
    assert calc.fen(D("2.345")) == D("2.35")
    january = calc.cumulative_withholding(
        CumulativeFigures(months_employed=1, income=D("5001.50")), LAW
    )
    assert january.taxable == D("1.50")
    assert january.cumulative_tax == D("0.05")
    # The bonus: 1.50 × 3 % = 0.045 → 0.05; its monthly equivalent 0.125 → 0.13.
    bonus = calc.separate_bonus_tax(D("1.50"), LAW)
    assert (bonus.tax, bonus.monthly_equivalent) == (D("0.05"), D("0.13"))
    # Overtime: 21.75 a month is 0.125 an hour; 1 hour at 300 % = 0.375 → 0.38.
    assert calc.overtime_pay(D("21.75"), D(1), OvertimeKind.HOLIDAY) == D("0.38")
    # Absence: 1 yuan a day at 21.75; half a day is 0.5 → 0.50; 0.005 of a day rounds up.
    assert calc.absence_deduction(D("21.75"), D("0.005")) == D("0.01")


def test_a_negative_bonus_is_refused_and_its_monthly_equivalent_is_a_twelfth() -> None:
    with pytest.raises(ValueError, match="not negative"):
        calc.separate_bonus_tax(D("-0.01"), LAW)
    assert calc.separate_bonus_tax(D("36000.12"), LAW).monthly_equivalent == D("3000.01")


def test_a_shared_housing_loan_is_half_the_deduction_for_each_spouse() -> None:
    # 个人所得税专项附加扣除暂行办法 (国发〔2018〕41号) 第十四条: 1,000 a month; 第十六条: for
    # homes bought before marriage the spouses may each deduct 50 % of the standard.
    monthly = calc.special_deduction_monthly
    assert monthly(DeductionKind.HOUSING_LOAN, share=D("0.5")) == D("500.00")
    assert monthly(DeductionKind.HOUSING_LOAN, share=D("1")) == D("1000.00")
    with pytest.raises(ValueError, match=r"^One spouse claims"):
        monthly(DeductionKind.HOUSING_LOAN, share=D("0.3"))


def test_children_deductions_multiply_by_count_and_share() -> None:
    # 国发〔2023〕13号: 2,000 per child a month; 国发〔2018〕41号 第六条: each parent 50 % or one 100 %.
    monthly = calc.special_deduction_monthly
    assert monthly(DeductionKind.CHILD_EDUCATION, count=3, share=D("0.5")) == D("3000.00")
    assert monthly(DeductionKind.INFANT_CARE, count=2, share=D("0.5")) == D("2000.00")
    assert monthly(DeductionKind.INFANT_CARE, count=1, share=D("1")) == D("2000.00")
    with pytest.raises(ValueError, match="At least one child"):
        monthly(DeductionKind.INFANT_CARE, count=0)
    with pytest.raises(ValueError, match=r"^One parent claims"):
        monthly(DeductionKind.INFANT_CARE, count=1, share=D("0.3"))


def test_a_shared_elderly_support_is_what_the_sibling_declares_up_to_1500() -> None:
    # 国发〔2023〕13号: 3,000 for an only child; shared, at most 1,500 a month each.
    monthly = calc.special_deduction_monthly
    assert monthly(DeductionKind.ELDERLY_SUPPORT, elderly_amount=D("1000.004")) == D("1000.00")
    assert monthly(DeductionKind.ELDERLY_SUPPORT, elderly_amount=D("0.01")) == D("0.01")
    with pytest.raises(ValueError, match="at most 1,500"):
        monthly(DeductionKind.ELDERLY_SUPPORT, elderly_amount=D(0))
    with pytest.raises(ValueError, match="city class of the rented home"):
        monthly(DeductionKind.HOUSING_RENT)  # the city class is required


def test_a_hire_after_the_payroll_month_is_not_yet_a_month_employed() -> None:
    # 任职受雇月份数 counts from the month of hire: a payroll month before it counts none, also
    # when the hire is in a later year but an earlier calendar month.
    assert calc.months_employed(2026, 5, date(2027, 3, 1)) == 0
    assert calc.months_employed(2026, 12, date(2027, 1, 1)) == 0
    assert calc.months_employed(2026, 3, date(2026, 4, 1)) == 0
    assert calc.months_employed(2026, 4, date(2026, 4, 30)) == 1
    assert calc.months_employed(2026, 12, date(2026, 1, 1)) == 12
    assert calc.months_employed(2026, 1, date(2025, 12, 31)) == 1


def test_the_bracket_of_an_amount_is_the_first_whose_upper_bound_holds_it() -> None:
    assert calc.bracket(D(36000), LAW.annual).rate == D("0.03")
    assert calc.bracket(D("36000.01"), LAW.annual).rate == D("0.10")
    assert calc.bracket(D(10**9), LAW.annual).upper is None
    assert calc.bracket(D(3000), LAW.monthly).quick_deduction == D(0)


def test_a_rate_table_is_built_from_its_rows() -> None:
    rows: list[tuple[int | None, str, int]] = [(3000, "0.03", 0), (None, "0.1", 210)]
    assert brackets_of(rows) == (
        calc.Bracket(D(3000), D("0.03"), D(0)),
        calc.Bracket(None, D("0.1"), D(210)),
    )


def test_an_unknown_deduction_kind_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="lottery"):
        calc.special_deduction_monthly("lottery")  # type: ignore[arg-type]


def test_a_housing_fund_rate_of_exactly_five_or_twelve_percent_is_allowed() -> None:
    # 住房公积金管理条例 第十八条, 建金〔2005〕5号: from 5 % to 12 %, both ends included.
    table = calc.CityTable(
        city="x",
        valid_from=date(2025, 7, 1),
        base_floor=D(1000),
        base_ceiling=D(9000),
        fund_floor=D(1000),
        fund_ceiling=D(9000),
        rates=(
            calc.Rate(calc.Component.HOUSING_FUND, D("0.05"), D("0.12")),
            calc.Rate(calc.Component.PENSION, D("0.08"), D("0.16")),
        ),
    )
    fund, pension = calc.contributions(table, D(5000))
    assert (fund.employee_rate, fund.employer_rate, fund.employee, fund.employer) == (
        D("0.05"),
        D("0.12"),
        D("250.00"),
        D("600.00"),
    )
    assert (pension.employee_rate, pension.employer_rate) == (D("0.08"), D("0.16"))
    upside_down = calc.CityTable(
        **{
            **table.__dict__,
            "rates": (calc.Rate(calc.Component.HOUSING_FUND, D("0.12"), D("0.05")),),
        }
    )
    assert [c.employee for c in calc.contributions(upside_down, D(5000))] == [D("600.00")]
