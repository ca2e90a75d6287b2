"""The training-effect report in plain words: the sentence a non-statistician reads (zh or en),
and the number formats the exports share.

Pure functions of an `EffectReport`: no database, no I/O. A figure that is not conclusive is
never stated as an effect of the course; the sentence says so and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from talentloop.performance.models import KpiAggregation, KpiUnit, PeriodType

if TYPE_CHECKING:
    from talentloop.analytics.service import EffectReport
    from talentloop.analytics.stats import Interval

LANGUAGES = ("zh", "en")

# English names of the standard KPIs (a KPI has one name, in Chinese); others keep their name.
KPI_NAMES_EN = {
    "NEW_CUSTOMERS": "New customers",
    "CONVERSION_RATE": "Conversion rate",
    "REVENUE": "Sales",
    "CHURN_RATE": "Churn rate",
}

Number = float | Decimal | int


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


# --- numbers ------------------------------------------------------------------------------------


def _unit_of(kpi: Any) -> KpiUnit:
    try:
        return KpiUnit(getattr(kpi, "unit", KpiUnit.COUNT))
    except ValueError:
        return KpiUnit.COUNT


def plain(value: Number, decimals: int = 2) -> str:
    """A number with thousands separators: 12345.6 → "12,345.60"."""
    return f"{float(value):,.{decimals}f}"


def percent(value: Number | None, lang: str = "zh", decimals: int = 1, signed: bool = False) -> str:
    """A value already in percent: 15 → "15.0 %" (en) / "15.0%" (zh)."""
    if value is None:
        return "—"
    sign = "+" if signed else ""
    text = f"{float(value):{sign},.{decimals}f}"
    return f"{text} %" if _lang(lang) == "en" else f"{text}%"


def ratio_percent(value: float | None, lang: str = "zh") -> str:
    """A ratio as a signed percent: 0.5 → "+50 %"."""
    return "—" if value is None else percent(value * 100, lang, 0, signed=True)


def money(value: Number | None) -> str:
    """CNY with thousands separators: 79380 → "¥79,380", 12.5 → "¥12.50"."""
    if value is None:
        return "—"
    amount = Decimal(str(value))
    decimals = 0 if amount == amount.to_integral_value() or abs(amount) >= 1000 else 2
    text = f"¥{abs(float(amount)):,.{decimals}f}"
    return f"-{text}" if amount < 0 else text


def level(value: Number | None, kpi: Any, lang: str = "zh") -> str:
    """A KPI level in the KPI's unit: 0.8 → "0.80", 15 (PERCENT) → "15.0 %", money → "¥…"."""
    if value is None:
        return "—"
    unit = _unit_of(kpi)
    if unit is KpiUnit.PERCENT:
        return percent(value, lang, 1)
    if unit is KpiUnit.MONEY:
        return money(round(float(value), 2))
    return plain(value, 2)


def change(value: Number | None, kpi: Any, lang: str = "zh", signed: bool = False) -> str:
    """A difference of KPI levels: percent KPIs change by percentage points."""
    if value is None:
        return "—"
    unit = _unit_of(kpi)
    sign = "+" if signed and float(value) > 0 else ""
    if unit is KpiUnit.PERCENT:
        text = f"{sign}{float(value):,.1f}"
        return f"{text} pp" if _lang(lang) == "en" else f"{text} 个百分点"
    if unit is KpiUnit.MONEY:
        return sign + money(round(float(value), 2))
    return sign + plain(value, 2)


def interval(iv: Interval | None, kpi: Any, lang: str = "zh") -> str:
    """ "0.48–1.02"; with a negative end "-0.20 to 0.50" (zh "-0.20 至 0.50"); pp for percent KPIs."""
    if iv is None:
        return "—"
    unit = _unit_of(kpi)
    if unit is KpiUnit.PERCENT:
        low, high = f"{iv.low:,.1f}", f"{iv.high:,.1f}"
    elif unit is KpiUnit.MONEY:
        low, high = money(round(iv.low, 2)), money(round(iv.high, 2))
    else:
        low, high = plain(iv.low), plain(iv.high)
    en = _lang(lang) == "en"
    joined = f"{low}–{high}" if iv.low >= 0 else (f"{low} to {high}" if en else f"{low} 至 {high}")
    if unit is KpiUnit.PERCENT:
        joined += " pp" if en else " 个百分点"
    return joined


def month(period: date) -> str:
    return f"{period.year}-{period.month:02d}"


def months(first: date, last: date) -> str:
    return month(first) if first == last else f"{month(first)} – {month(last)}"


# --- names --------------------------------------------------------------------------------------


def kpi_name(kpi: Any, lang: str = "zh") -> str:
    if _lang(lang) == "en":
        return KPI_NAMES_EN.get(str(getattr(kpi, "code", "")), str(kpi.name))
    return str(kpi.name)


def _per_person(kpi: Any) -> bool:
    """Summed KPIs (new customers, sales) read per person; averaged ones (rates) do not."""
    aggregation = getattr(kpi, "aggregation", KpiAggregation.SUM)
    return _unit_of(kpi) is not KpiUnit.PERCENT and aggregation != KpiAggregation.AVERAGE


def _quarterly(kpi: Any) -> bool:
    return getattr(kpi, "period_type", PeriodType.MONTH) == PeriodType.QUARTER


def _what_en(kpi: Any) -> str:
    """ "New customers per person per month" / "Conversion rate"."""
    name = kpi_name(kpi, "en")
    name = name[:1].upper() + name[1:]
    if _per_person(kpi):
        return f"{name} per person per {'quarter' if _quarterly(kpi) else 'month'}"
    return name


def _what_zh(kpi: Any) -> str:
    """ "人均每月新客户数" / "转化率"."""
    if _per_person(kpi):
        return f"人均每{'季度' if _quarterly(kpi) else '月'}{kpi.name}"
    return str(kpi.name)


def kpi_label(kpi: Any, lang: str = "zh") -> str:
    """The KPI as the report measures it, e.g. "人均每月新客户数" / "New customers per person per month"."""
    return _what_en(kpi) if _lang(lang) == "en" else _what_zh(kpi)


# --- why a figure is not conclusive ----------------------------------------------------------------


def reason(
    text: str,
    n: Sequence[int],
    iv: Interval | None,
    kpi: Any,
    lang: str = "zh",
    groups: tuple[str, str] | None = None,
) -> str:
    """The statistics' reason ("fewer than 10 in a group", "the interval includes zero") in
    plain words, with the group sizes or the interval."""
    en = _lang(lang) == "en"
    if groups is None:
        groups = ("trained", "untrained") if en else ("受训", "未受训")
    found = re.match(r"fewer than (\d+)", text)
    if found:
        minimum = found.group(1)
        if en:
            return (
                f"fewer than {minimum} employees in a group "
                f"({n[0]} {groups[0]}, {n[1]} {groups[1]})"
            )
        return f"有一组少于 {minimum} 人（{groups[0]} {n[0]} 人，{groups[1]} {n[1]} 人）"
    if "includes zero" in text:
        if iv is None:
            return "the interval includes zero" if en else "区间包含零"
        shown = interval(iv, kpi, lang)
        return f"the 95 % interval ({shown}) includes zero" if en else f"95% 区间（{shown}）包含零"
    return text


def did_reason(report: EffectReport, lang: str = "zh") -> str:
    d = report.did
    return reason(d.reason, (d.n_treated, d.n_control), d.interval, report.kpi, lang)


def comparison_reason(report: EffectReport, lang: str = "zh") -> str:
    c = report.comparison
    groups = ("participants", "non-participants") if _lang(lang) == "en" else ("参训", "未参训")
    return reason(c.reason, (c.n_a, c.n_b), c.interval, report.kpi, lang, groups)


def not_conclusive(lang: str = "zh") -> str:
    return "not conclusive" if _lang(lang) == "en" else "不确定"


# --- the sentences --------------------------------------------------------------------------------


def _moved(before: float, after: float, en: bool) -> str:
    if after > before:
        return "rose" if en else "升至"
    if after < before:
        return "fell" if en else "降至"
    return "stayed" if en else "持平于"


def _colleagues(report: EffectReport, n: int, en: bool) -> str:
    if report.comparison_pool == "parent":
        if en:
            return f"{n} untrained colleagues across the whole report over the same months"
        return f"对照组为整份报告范围内同期未受训的 {n} 名同事"
    if en:
        return f"{n} untrained colleagues over the same months"
    return f"对照组为同期未受训的 {n} 名同事"


def summary(report: EffectReport, lang: str = "zh") -> str:
    """The finding in one plain sentence (zh or en). Only a conclusive difference-in-differences
    is attributed to the course; otherwise the sentence says it is not conclusive and why."""
    en = _lang(lang) == "en"
    d, kpi = report.did, report.kpi
    if d.n_treated == 0 or d.treated_pre is None or d.treated_post is None:
        if en:
            return (
                "Nobody completed the course between the two periods with values in both, "
                "so its effect cannot be measured (not conclusive)."
            )
        return "两个期间之间没有完成课程且两期都有数据的员工，无法衡量课程效果（不确定）。"
    before, after = level(d.treated_pre, kpi, lang), level(d.treated_post, kpi, lang)
    moved = _moved(d.treated_pre, d.treated_post, en)
    if en:
        head = f"{_what_en(kpi)} among the trained {moved} " + (
            f"at {before}" if moved == "stayed" else f"from {before} to {after}"
        )
    else:
        head = f"受训员工{_what_zh(kpi)}" + (
            f"{moved} {before}" if moved == "持平于" else f"从 {before} {moved} {after}"
        )
    if d.conclusive and d.effect is not None and d.interval is not None:
        effect = change(abs(d.effect), kpi, lang)
        shown = interval(d.interval, kpi, lang)
        colleagues = _colleagues(report, d.n_control, en)
        if en:
            if d.effect > 0 and moved == "rose":
                claim = f"about {effect} of that is attributable to the course"
            else:
                way = "higher" if d.effect > 0 else "lower"
                claim = f"about {effect} {way} is attributable to the course"
            return f"{head}; {claim} (95 % interval {shown}), compared with {colleagues}."
        if d.effect > 0 and moved == "升至":
            claim = f"其中约 {effect} 可归因于课程"
        else:
            way = "提高" if d.effect > 0 else "降低"
            claim = f"可归因于课程的{way}约为 {effect}"
        return f"{head}；{claim}（95% 区间 {shown}），{colleagues}。"
    why = did_reason(report, lang)
    if en:
        control = (
            f", and among {d.n_control} untrained colleagues from "
            f"{level(d.control_pre, kpi, lang)} to {level(d.control_post, kpi, lang)}"
            if d.control_pre is not None and d.control_post is not None
            else ", with no untrained colleagues to compare with"
        )
        return (
            f"{head}{control}; the effect of the course is not conclusive ({why}), "
            "so none of the change is credited to it."
        )
    control = (
        f"，同期 {d.n_control} 名未受训同事从 {level(d.control_pre, kpi, lang)} 变为 "
        f"{level(d.control_post, kpi, lang)}"
        if d.control_pre is not None and d.control_post is not None
        else "，没有可对照的未受训同事"
    )
    return f"{head}{control}；课程效果不确定（{why}），因此不把这一变化记在课程名下。"


def roi_sentence(report: EffectReport, lang: str = "zh") -> str:
    """The ROI in one plain sentence, or why it cannot be stated."""
    en = _lang(lang) == "en"
    r, horizon = report.roi, report.params.horizon_periods
    cost = money(r.cost)
    if (
        r.conclusive
        and r.roi_percent is not None
        and r.benefit is not None
        and r.conservative_roi_percent is not None
    ):
        roi, conservative = (
            percent(r.roi_percent, lang, 0),
            percent(r.conservative_roi_percent, lang, 0),
        )
        bcr = plain(r.bcr, 2) if r.bcr is not None else "—"
        if en:
            return (
                f"ROI {roi} (conservative {conservative}, with the lower end of the interval) "
                f"over {horizon} months: benefit {money(r.benefit)} against a fully loaded cost "
                f"of {cost}; benefit-cost ratio {bcr}."
            )
        return (
            f"{horizon} 个月内 ROI 为 {roi}（保守估计 {conservative}，按区间下限计算）："
            f"收益 {money(r.benefit)}，全口径成本 {cost}，效益成本比 {bcr}。"
        )
    why = roi_reason(report, lang)
    if en:
        spent = f" The fully loaded cost was {cost}." if r.cost > 0 else ""
        return f"ROI cannot be stated: {why}.{spent}"
    spent = f"全口径成本为 {cost}。" if r.cost > 0 else ""
    return f"无法给出 ROI：{why}。{spent}"


def roi_reason(report: EffectReport, lang: str = "zh") -> str:
    """Why no ROI is stated; empty when it is."""
    en = _lang(lang) == "en"
    r = report.roi
    if r.conclusive and r.roi_percent is not None:
        return ""
    if not report.did.conclusive:
        if en:
            return f"the effect is not conclusive ({did_reason(report, lang)})"
        return f"效果不确定（{did_reason(report, lang)}）"
    if report.value_per_unit is None:
        if en:
            return "the KPI has no money value per unit (set one to compute ROI)"
        return "该 KPI 尚未设定每单位的货币价值（设定后才能计算 ROI）"
    if r.cost <= 0:
        return "the course has no recorded cost" if en else "课程没有记录成本"
    return "the figures are incomplete" if en else "数据不完整"
