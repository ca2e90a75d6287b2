"""The statistics of the training-effect report (see ANALYTICS.md), as plain functions.

Everything works on one value per employee (their mean over a period range), never
on employee-period rows as if they were independent: an employee is the unit that
is trained, so an employee is the unit of the interval.

- compare: participants vs non-participants, Welch's t interval for the difference.
- did: difference-in-differences on each employee's change (post mean − pre mean);
  the effect is mean change of the trained − mean change of the comparison group,
  its interval Welch's t on those changes. On a balanced panel the estimate equals
  the interaction coefficient of OLS kpi ~ treated + post + treated×post.
- correlation: Pearson's r with a Fisher-z interval.
- roi: Phillips' ROI % and benefit-cost ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy import stats as scipy_stats

MIN_GROUP = 10  # ANALYTICS.md: below this, a number is shown as not conclusive
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def crosses_zero(self) -> bool:
        return self.low <= 0 <= self.high


@dataclass(frozen=True)
class Comparison:
    mean_a: float | None
    mean_b: float | None
    n_a: int
    n_b: int
    difference: float | None
    relative: float | None  # difference / mean_b
    interval: Interval | None
    conclusive: bool
    reason: str  # why not conclusive, or "" when it is


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float, Interval]:
    """The difference of means a − b and its Welch t interval (Welch–Satterthwaite df)."""
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    diff = float(a.mean() - b.mean())
    if se == 0:
        return diff, Interval(diff, diff)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = float(scipy_stats.t.ppf(0.5 + CONFIDENCE / 2, df))
    return diff, Interval(diff - t * se, diff + t * se)


def _verdict(n_a: int, n_b: int, interval: Interval | None, minimum: int) -> tuple[bool, str]:
    if min(n_a, n_b) < minimum:
        return False, f"fewer than {minimum} in a group"
    if interval is None or interval.crosses_zero:
        return False, "the interval includes zero"
    return True, ""


def compare(a: list[float], b: list[float], minimum: int = MIN_GROUP) -> Comparison:
    """Group a (e.g. participants) against group b (non-participants), one value per person."""
    mean_a = float(np.mean(a)) if a else None
    mean_b = float(np.mean(b)) if b else None
    if len(a) < 2 or len(b) < 2:
        diff = None if mean_a is None or mean_b is None else mean_a - mean_b
        return Comparison(
            mean_a,
            mean_b,
            len(a),
            len(b),
            diff,
            None,
            None,
            False,
            f"fewer than {minimum} in a group",
        )
    diff, interval = _welch(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    relative = diff / mean_b if mean_b else None
    conclusive, reason = _verdict(len(a), len(b), interval, minimum)
    return Comparison(mean_a, mean_b, len(a), len(b), diff, relative, interval, conclusive, reason)


@dataclass(frozen=True)
class DidResult:
    treated_pre: float | None
    treated_post: float | None
    control_pre: float | None
    control_post: float | None
    n_treated: int
    n_control: int
    effect: float | None
    interval: Interval | None
    conclusive: bool
    reason: str


def did(
    treated: list[tuple[float, float]], control: list[tuple[float, float]], minimum: int = MIN_GROUP
) -> DidResult:
    """Each item is one employee's (pre-period mean, post-period mean)."""

    def means(rows: list[tuple[float, float]]) -> tuple[float | None, float | None]:
        if not rows:
            return None, None
        arr = np.asarray(rows, dtype=float)
        return float(arr[:, 0].mean()), float(arr[:, 1].mean())

    t_pre, t_post = means(treated)
    c_pre, c_post = means(control)
    if len(treated) < 2 or len(control) < 2:
        return DidResult(
            t_pre,
            t_post,
            c_pre,
            c_post,
            len(treated),
            len(control),
            None,
            None,
            False,
            f"fewer than {minimum} in a group",
        )
    changes_t = np.asarray([post - pre for pre, post in treated], dtype=float)
    changes_c = np.asarray([post - pre for pre, post in control], dtype=float)
    effect, interval = _welch(changes_t, changes_c)
    conclusive, reason = _verdict(len(treated), len(control), interval, minimum)
    return DidResult(
        t_pre,
        t_post,
        c_pre,
        c_post,
        len(treated),
        len(control),
        effect,
        interval,
        conclusive,
        reason,
    )


@dataclass(frozen=True)
class Correlation:
    r: float | None
    n: int
    interval: Interval | None
    conclusive: bool


def correlation(x: list[float], y: list[float], minimum: int = MIN_GROUP) -> Correlation:
    n = len(x)
    if n < 4 or np.std(x) == 0 or np.std(y) == 0:
        return Correlation(None, n, None, False)
    r = float(np.corrcoef(x, y)[0, 1])
    r_clipped = max(min(r, 0.999999), -0.999999)
    z, se = math.atanh(r_clipped), 1 / math.sqrt(n - 3)
    q = float(scipy_stats.norm.ppf(0.5 + CONFIDENCE / 2))
    interval = Interval(math.tanh(z - q * se), math.tanh(z + q * se))
    return Correlation(r, n, interval, n >= minimum and not interval.crosses_zero)


@dataclass(frozen=True)
class Roi:
    cost: Decimal
    benefit: Decimal | None
    roi_percent: Decimal | None
    bcr: Decimal | None
    conservative_benefit: Decimal | None  # with the low end of the effect's interval
    conservative_roi_percent: Decimal | None
    conclusive: bool


def roi(
    *,
    effect: float | None,
    effect_low: float | None,
    conclusive: bool,
    participants: int,
    horizon_periods: int,
    value_per_unit: Decimal,
    cost: Decimal,
) -> Roi:
    """Phillips: benefit = effect × participants × horizon × value per unit;
    ROI % = (benefit − cost) / cost × 100; BCR = benefit / cost. No ROI from an effect that
    is not conclusive (ANALYTICS.md)."""
    if not conclusive or effect is None or cost <= 0:
        return Roi(cost, None, None, None, None, None, False)

    def benefit_of(per_person: float) -> Decimal:
        return (
            Decimal(str(per_person)) * participants * horizon_periods * value_per_unit
        ).quantize(Decimal("0.01"))

    benefit = benefit_of(effect)
    conservative = benefit_of(max(effect_low or 0.0, 0.0))
    pct = ((benefit - cost) / cost * 100).quantize(Decimal("0.1"))
    conservative_pct = ((conservative - cost) / cost * 100).quantize(Decimal("0.1"))
    return Roi(
        cost,
        benefit,
        pct,
        (benefit / cost).quantize(Decimal("0.01")),
        conservative,
        conservative_pct,
        True,
    )
