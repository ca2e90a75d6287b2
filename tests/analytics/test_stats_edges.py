"""The report's statistics at their edges, found by mutation testing (`make mutation
MODULE=analytics/stats.py`): the correlation and its Fisher-z interval against scipy, groups of
fewer than two people, an interval that touches zero, a zero cost, identical values."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from scipy import stats as scipy_stats

from talentloop.analytics import stats
from talentloop.analytics.stats import Interval

# Twelve people: hours of training and the change of their KPI (a clear positive relation).
HOURS = [2.0, 4.0, 4.0, 6.0, 8.0, 8.0, 10.0, 12.0, 12.0, 14.0, 16.0, 18.0]
GAIN = [0.1, 0.3, 0.2, 0.4, 0.5, 0.7, 0.6, 0.9, 0.8, 1.0, 1.1, 1.3]


def test_correlation_is_pearson_with_a_fisher_z_interval() -> None:
    result = stats.correlation(HOURS, GAIN)
    reference = scipy_stats.pearsonr(HOURS, GAIN)
    assert result.r is not None and result.interval is not None
    assert result.n == 12
    assert result.r == pytest.approx(reference.statistic, abs=1e-12)
    # Fisher: z = atanh(r) ± 1.959964 / sqrt(n − 3), back through tanh; scipy's own interval
    # for Pearson's r is the same transformation.
    low, high = reference.confidence_interval(confidence_level=0.95)
    assert (result.interval.low, result.interval.high) == (
        pytest.approx(low, abs=1e-9),
        pytest.approx(high, abs=1e-9),
    )
    z, half = math.atanh(result.r), 1.959963984540054 / math.sqrt(9)
    assert result.interval.low == pytest.approx(math.tanh(z - half), abs=1e-9)
    assert result.conclusive  # twelve people, the interval above zero


def test_a_negative_correlation_keeps_its_sign_and_a_perfect_one_a_finite_interval() -> None:
    falling = stats.correlation(HOURS, [-g for g in GAIN])
    assert falling.r is not None and falling.interval is not None
    assert falling.r < -0.9 and falling.interval.high < 0 and falling.conclusive
    perfect = stats.correlation(HOURS, [2 * h + 1 for h in HOURS])
    assert perfect.r == pytest.approx(1.0) and perfect.interval is not None
    # r is clipped to ±0.999999 before atanh: the interval stays finite and below 1.
    assert 0.99 < perfect.interval.low < perfect.interval.high < 1.0
    opposite = stats.correlation(HOURS, [-2 * h for h in HOURS])
    assert opposite.interval is not None
    assert -1.0 < opposite.interval.low < opposite.interval.high < -0.99


def test_a_correlation_needs_four_people_who_differ_and_ten_to_conclude() -> None:
    assert stats.correlation([1.0, 2.0, 3.0], [1.0, 2.0, 4.0]) == stats.Correlation(
        None, 3, None, False
    )
    four = stats.correlation([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0])
    assert four.r == pytest.approx(0.8) and four.n == 4 and four.interval is not None
    # n = 4: se = 1 / sqrt(1); the interval is wide and crosses zero.
    assert four.interval.low == pytest.approx(math.tanh(math.atanh(0.8) - 1.959963984540054))
    assert not four.conclusive
    same_x = stats.correlation([5.0] * 12, GAIN)
    same_y = stats.correlation(HOURS, [1.0] * 12)
    assert (same_x.r, same_x.interval, same_y.r, same_y.interval) == (None, None, None, None)
    # A clear relation among nine people is not enough (fewer than ten); with minimum 9 it is.
    nine = stats.correlation(HOURS[:9], GAIN[:9])
    assert nine.interval is not None and not nine.interval.crosses_zero
    assert not nine.conclusive
    assert stats.correlation(HOURS[:9], GAIN[:9], minimum=9).conclusive
    assert stats.correlation(HOURS[:10], GAIN[:10]).conclusive  # exactly ten


def test_an_interval_touching_zero_includes_it() -> None:
    assert Interval(0.0, 1.0).crosses_zero
    assert Interval(-1.0, 0.0).crosses_zero
    assert Interval(-1.0, 1.0).crosses_zero
    assert not Interval(0.1, 1.0).crosses_zero
    assert not Interval(-1.0, -0.1).crosses_zero


def test_a_group_of_fewer_than_two_gives_means_but_no_interval() -> None:
    one = stats.compare([5.0], [1.0, 2.0, 3.0])
    assert (one.mean_a, one.mean_b, one.n_a, one.n_b) == (5.0, 2.0, 1, 3)
    assert (one.difference, one.relative, one.interval) == (3.0, None, None)
    assert (one.conclusive, one.reason) == (False, "fewer than 10 in a group")
    none = stats.compare([], [1.0, 2.0])
    assert (none.mean_a, none.mean_b, none.difference) == (None, 1.5, None)
    other = stats.compare([1.0, 2.0], [4.0], minimum=3)
    assert (other.difference, other.n_b, other.reason) == (-2.5, 1, "fewer than 3 in a group")
    empty = stats.compare([1.0, 3.0], [])
    assert (empty.mean_a, empty.mean_b, empty.difference) == (2.0, None, None)

    treated = [(1.0, 2.0)]
    control = [(1.0, 1.5), (2.0, 2.5), (3.0, 3.0)]
    did = stats.did(treated, control)
    assert (did.treated_pre, did.treated_post) == (1.0, 2.0)
    assert (did.control_pre, did.control_post) == (2.0, pytest.approx(7.0 / 3))
    assert (did.n_treated, did.n_control, did.effect, did.interval) == (1, 3, None, None)
    assert (did.conclusive, did.reason) == (False, "fewer than 10 in a group")
    nobody = stats.did([], control[:1], minimum=5)
    assert (nobody.treated_pre, nobody.treated_post, nobody.reason) == (
        None,
        None,
        "fewer than 5 in a group",
    )
    assert stats.did(control, control[:1]).effect is None


def test_compare_welch_by_hand_and_the_relative_difference() -> None:
    a = [3.0, 5.0, 7.0]  # mean 5, variance 4
    b = [1.0, 2.0, 3.0, 2.0]  # mean 2, variance 2/3
    result = stats.compare(a, b, minimum=3)
    va, vb = 4 / 3, (2 / 3) / 4
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / 2 + vb**2 / 3)
    t = scipy_stats.t.ppf(0.975, df)
    assert result.difference == pytest.approx(3.0)
    assert result.relative == pytest.approx(1.5)
    assert result.interval is not None
    assert result.interval.low == pytest.approx(3.0 - t * se)
    assert result.interval.high == pytest.approx(3.0 + t * se)
    # The interval crosses zero with so few people: not conclusive for that reason.
    assert (result.conclusive, result.reason) == (False, "the interval includes zero")


def test_identical_values_give_a_point_interval_and_a_zero_mean_no_relative() -> None:
    same = stats.compare([2.0] * 10, [1.0] * 10)
    assert same.interval == Interval(1.0, 1.0)
    assert (same.conclusive, same.reason, same.relative) == (True, "", 1.0)
    zero = stats.compare([1.0, 2.0] * 5, [-1.0, 1.0] * 5)
    assert zero.mean_b == 0.0 and zero.relative is None
    nine = stats.compare([2.0] * 9, [1.0] * 10)
    assert (nine.conclusive, nine.reason) == (False, "fewer than 10 in a group")


def test_no_roi_from_a_zero_or_negative_cost_or_without_an_effect() -> None:
    def roi(**changes: object) -> stats.Roi:
        args: dict[str, object] = {
            "effect": 1.5,
            "effect_low": 1.0,
            "conclusive": True,
            "participants": 40,
            "horizon_periods": 6,
            "value_per_unit": Decimal(2000),
            "cost": Decimal(115000),
        }
        return stats.roi(**{**args, **changes})  # type: ignore[arg-type]

    for changes in ({"cost": Decimal(0)}, {"cost": Decimal(-1)}, {"effect": None}):
        result = roi(**changes)
        assert (result.benefit, result.roi_percent, result.bcr) == (None, None, None)
        assert (result.conservative_benefit, result.conservative_roi_percent) == (None, None)
        assert not result.conclusive
    assert roi(cost=Decimal("0.01")).conclusive
    # No low end, or one below zero: the conservative benefit is nothing, ROI −100 %.
    for low in (None, -0.5):
        cautious = roi(effect_low=low)
        assert cautious.conservative_benefit == Decimal("0.00")
        assert cautious.conservative_roi_percent == Decimal("-100.0")
    # 1 × 10 × 3 × 100 = 3000 against 2000: ROI 50 %, BCR 1.5.
    small = roi(
        effect=1.0, effect_low=0.5, participants=10, horizon_periods=3,
        value_per_unit=Decimal(100), cost=Decimal(2000),
    )  # fmt: skip
    assert (small.benefit, small.roi_percent, small.bcr) == (
        Decimal("3000.00"),
        Decimal("50.0"),
        Decimal("1.50"),
    )
    assert (small.conservative_benefit, small.conservative_roi_percent) == (
        Decimal("1500.00"),
        Decimal("-25.0"),
    )
    assert small.cost == Decimal(2000)


def test_two_people_a_group_are_enough_for_an_interval() -> None:
    pair = stats.compare([1.0, 3.0], [5.0, 9.0], minimum=2)
    assert pair.interval is not None and pair.difference == -5.0
    assert (pair.mean_a, pair.mean_b, pair.n_a, pair.n_b) == (2.0, 7.0, 2, 2)
    other = stats.compare([1.0, 3.0, 2.0], [5.0, 9.0], minimum=2)
    assert other.interval is not None
    treated = [(1.0, 2.0), (2.0, 4.0)]
    control = [(1.0, 1.5), (2.0, 2.0)]
    both = stats.did(treated, control, minimum=2)
    assert both.effect == pytest.approx(1.25) and both.interval is not None
    assert (both.treated_pre, both.treated_post, both.control_pre, both.control_post) == (
        1.5,
        3.0,
        1.5,
        1.75,
    )
    assert (both.n_treated, both.n_control, both.reason) == (2, 2, "the interval includes zero")
    assert stats.did([*treated, (0.0, 1.0)], control, minimum=2).effect is not None
    assert stats.did(treated, [*control, (0.0, 0.0)], minimum=2).effect is not None
    assert stats.compare([1.0, 3.0], [5.0, 9.0, 7.0], minimum=2).interval is not None


def test_a_conclusive_effect_keeps_its_reason_empty_and_its_cost() -> None:
    treated = [(1.0, 2.0 + i / 100) for i in range(10)]
    control = [(1.0, 1.0 + i / 100) for i in range(10)]
    result = stats.did(treated, control)
    assert (result.conclusive, result.reason) == (True, "")
    assert stats.roi(
        effect=None, effect_low=None, conclusive=True, participants=1, horizon_periods=1,
        value_per_unit=Decimal(1), cost=Decimal(5),
    ).cost == Decimal(5)  # fmt: skip
