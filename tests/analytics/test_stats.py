"""The report's statistics against hand computation and an independent reference (numpy OLS)."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
from scipy import stats as scipy_stats

from talentloop.analytics import stats


def test_roi_matches_the_worked_example_of_analytics_md() -> None:
    # 40 participants, +1.5 new customers per person per month, 6 months, margin 2,000; cost 115,000
    result = stats.roi(
        effect=1.5,
        effect_low=1.0,
        conclusive=True,
        participants=40,
        horizon_periods=6,
        value_per_unit=Decimal(2000),
        cost=Decimal(115000),
    )
    assert result.benefit == Decimal("720000.00")
    assert result.roi_percent == Decimal("526.1")
    assert result.bcr == Decimal("6.26")
    assert result.conservative_benefit == Decimal("480000.00")
    assert result.conservative_roi_percent == Decimal("317.4")


def test_no_roi_from_an_effect_that_is_not_conclusive() -> None:
    result = stats.roi(
        effect=1.5,
        effect_low=-0.2,
        conclusive=False,
        participants=40,
        horizon_periods=6,
        value_per_unit=Decimal(2000),
        cost=Decimal(115000),
    )
    assert (result.benefit, result.roi_percent, result.conclusive) == (None, None, False)


def test_did_equals_the_interaction_coefficient_of_ols_and_its_interval_is_welch_on_changes() -> (
    None
):
    rng = random.Random(7)
    treated, control, rows = [], [], []
    for i in range(30):
        is_treated = i < 15
        base = rng.gauss(1.0, 0.3)
        pre = [base + rng.gauss(0, 0.2) for _ in range(4)]
        post = [base + 0.1 + (0.6 if is_treated else 0) + rng.gauss(0, 0.2) for _ in range(3)]
        (treated if is_treated else control).append((sum(pre) / 4, sum(post) / 3))
        rows += [(is_treated, 0, v) for v in pre] + [(is_treated, 1, v) for v in post]
    result = stats.did(treated, control)
    # reference 1: OLS of kpi ~ treated + post + treated×post on employee-period rows (balanced panel)
    x = np.array([[1, t, p, t * p] for t, p, _ in rows], dtype=float)
    y = np.array([v for _, _, v in rows])
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    assert result.effect is not None and abs(result.effect - coef[3]) < 1e-9
    # reference 2: Welch's interval recomputed here from each employee's change
    dt = np.array([b - a for a, b in treated])
    dc = np.array([b - a for a, b in control])
    va, vb = dt.var(ddof=1) / len(dt), dc.var(ddof=1) / len(dc)
    df = (va + vb) ** 2 / (va**2 / (len(dt) - 1) + vb**2 / (len(dc) - 1))
    half = scipy_stats.t.ppf(0.975, df) * np.sqrt(va + vb)
    assert result.interval is not None
    assert (
        abs(result.interval.low - (coef[3] - half)) < 1e-9
        and abs(result.interval.high - (coef[3] + half)) < 1e-9
    )
    assert result.conclusive
    # reference 3: a bootstrap over employees gives about the same width
    boot = []
    brng = np.random.default_rng(1)
    for _ in range(2000):
        bt, bc = brng.choice(dt, len(dt)), brng.choice(dc, len(dc))
        boot.append(bt.mean() - bc.mean())
    low, high = np.percentile(boot, [2.5, 97.5])
    assert abs((high - low) - 2 * half) / (2 * half) < 0.2


def test_a_group_below_the_minimum_is_flagged_not_claimed() -> None:
    small = stats.compare(
        [3.0, 4.0, 5.0, 6.0], [1.0, 1.5, 2.0, 2.5, 1.0, 2.0, 1.5, 1.0, 2.0, 1.5, 1.0]
    )
    assert small.difference is not None and small.difference > 0
    assert (small.conclusive, small.reason) == (False, "fewer than 10 in a group")
    crossing = stats.compare([1.0, 2.0] * 6, [1.1, 1.9] * 6)
    assert (crossing.conclusive, crossing.reason) == (False, "the interval includes zero")
    assert crossing.n_a == crossing.n_b == 12
