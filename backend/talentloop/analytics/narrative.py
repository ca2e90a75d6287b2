"""The training-effect report in plain words: the sentence a non-statistician reads (zh or en),
and the number formats the exports share. Every word comes from the server's catalogue
(talentloop/locale) through `say`; the report's "zh"/"en" picks the catalogue's language.

Pure functions of an `EffectReport`: no database, no I/O. A figure that is not conclusive is
never stated as an effect of the course; the sentence says so and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from talentloop import i18n
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


def language_of(lang: str) -> str:
    """The catalogue's language (i18n.CHINESE, i18n.ENGLISH) for a report's "zh" or "en"."""
    return i18n.ENGLISH if _lang(lang) == "en" else i18n.CHINESE


def say(lang: str, msgid: str, **params: Any) -> str:
    """The report's words come from the server's catalogue (talentloop/locale): `msgid` in
    the report's language ("zh" or "en"), its `{named}` placeholders filled."""
    return i18n.translate(msgid, params, language=language_of(lang))


def say_as(lang: str, context: str, msgid: str, **params: Any) -> str:
    """`say` for an English text the report translates two ways, told apart by `context`."""
    return i18n.translate(msgid, params, language=language_of(lang), context=context)


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
    return say(lang, "{value} %", value=f"{float(value):{sign},.{decimals}f}")


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
        return say(lang, "{value} pp", value=f"{sign}{float(value):,.1f}")
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
    joined = f"{low}–{high}" if iv.low >= 0 else say(lang, "{low} to {high}", low=low, high=high)
    if unit is KpiUnit.PERCENT:
        joined = say(lang, "{value} pp", value=joined)
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


def _period_type(kpi: Any) -> PeriodType:
    return PeriodType(getattr(kpi, "period_type", PeriodType.MONTH))


def kpi_label(kpi: Any, lang: str = "zh") -> str:
    """The KPI as the report measures it, e.g. "人均每月新客户数" / "New customers per person per month"."""
    name = kpi_name(kpi, lang)
    if _lang(lang) == "en":
        name = name[:1].upper() + name[1:]
    if not _per_person(kpi):
        return name
    if _period_type(kpi) is PeriodType.QUARTER:
        return say(lang, "{name} per person per quarter", name=name)
    if _period_type(kpi) is PeriodType.YEAR:
        return say(lang, "{name} per person per year", name=name)
    return say(lang, "{name} per person per month", name=name)


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
    if groups is None:
        groups = (say(lang, "trained"), say(lang, "untrained"))
    found = re.match(r"fewer than (\d+)", text)
    if found:
        return say(
            lang,
            "fewer than {minimum} employees in a group ({n_a} {group_a}, {n_b} {group_b})",
            minimum=found.group(1),
            n_a=n[0],
            group_a=groups[0],
            n_b=n[1],
            group_b=groups[1],
        )
    if "includes zero" in text:
        if iv is None:
            return say(lang, "the interval includes zero")
        return say(
            lang, "the 95 % interval ({interval}) includes zero", interval=interval(iv, kpi, lang)
        )
    return text


def did_reason(report: EffectReport, lang: str = "zh") -> str:
    d = report.did
    return reason(d.reason, (d.n_treated, d.n_control), d.interval, report.kpi, lang)


def comparison_reason(report: EffectReport, lang: str = "zh") -> str:
    c = report.comparison
    groups = (say(lang, "participants"), say(lang, "non-participants"))
    return reason(c.reason, (c.n_a, c.n_b), c.interval, report.kpi, lang, groups)


def not_conclusive(lang: str = "zh") -> str:
    return say(lang, "not conclusive")


# --- the sentences --------------------------------------------------------------------------------


def _head(report: EffectReport, lang: str) -> tuple[str, bool]:
    """How the trained moved ("… rose from 0.80 to 1.90"), and whether they rose."""
    d, kpi = report.did, report.kpi
    what = kpi_label(kpi, lang)
    before, after = level(d.treated_pre, kpi, lang), level(d.treated_post, kpi, lang)
    pre, post = float(d.treated_pre or 0), float(d.treated_post or 0)
    if post > pre:
        text = say(
            lang,
            "{what} among the trained rose from {before} to {after}",
            what=what,
            before=before,
            after=after,
        )
    elif post < pre:
        text = say(
            lang,
            "{what} among the trained fell from {before} to {after}",
            what=what,
            before=before,
            after=after,
        )
    else:
        text = say(lang, "{what} among the trained stayed at {before}", what=what, before=before)
    return text, post > pre


def _colleagues(report: EffectReport, n: int, lang: str) -> str:
    if report.comparison_pool == "parent":
        return say(
            lang, "{n} untrained colleagues across the whole report over the same months", n=n
        )
    return say(lang, "{n} untrained colleagues over the same months", n=n)


def summary(report: EffectReport, lang: str = "zh") -> str:
    """The finding in one plain sentence (zh or en). Only a conclusive difference-in-differences
    is attributed to the course; otherwise the sentence says it is not conclusive and why."""
    d, kpi = report.did, report.kpi
    if d.n_treated == 0 or d.treated_pre is None or d.treated_post is None:
        return say(
            lang,
            "Nobody completed the course between the two periods with values in both, "
            "so its effect cannot be measured (not conclusive).",
        )
    head, rose = _head(report, lang)
    if d.conclusive and d.effect is not None and d.interval is not None:
        effect = change(abs(d.effect), kpi, lang)
        if d.effect > 0 and rose:
            claim = say(lang, "about {effect} of that is attributable to the course", effect=effect)
        elif d.effect > 0:
            claim = say(lang, "about {effect} higher is attributable to the course", effect=effect)
        else:
            claim = say(lang, "about {effect} lower is attributable to the course", effect=effect)
        return say(
            lang,
            "{head}; {claim} (95 % interval {interval}), compared with {colleagues}.",
            head=head,
            claim=claim,
            interval=interval(d.interval, kpi, lang),
            colleagues=_colleagues(report, d.n_control, lang),
        )
    if d.control_pre is not None and d.control_post is not None:
        control = say(
            lang,
            ", and among {n} untrained colleagues from {before} to {after}",
            n=d.n_control,
            before=level(d.control_pre, kpi, lang),
            after=level(d.control_post, kpi, lang),
        )
    else:
        control = say(lang, ", with no untrained colleagues to compare with")
    return say(
        lang,
        "{head}{control}; the effect of the course is not conclusive ({reason}), "
        "so none of the change is credited to it.",
        head=head,
        control=control,
        reason=did_reason(report, lang),
    )


def roi_sentence(report: EffectReport, lang: str = "zh") -> str:
    """The ROI in one plain sentence, or why it cannot be stated."""
    r, horizon = report.roi, report.params.horizon_periods
    cost = money(r.cost)
    if (
        r.conclusive
        and r.roi_percent is not None
        and r.benefit is not None
        and r.conservative_roi_percent is not None
    ):
        return say(
            lang,
            "ROI {roi} (conservative {conservative}, with the lower end of the interval) "
            "over {horizon} months: benefit {benefit} against a fully loaded cost of {cost}; "
            "benefit-cost ratio {bcr}.",
            roi=percent(r.roi_percent, lang, 0),
            conservative=percent(r.conservative_roi_percent, lang, 0),
            horizon=horizon,
            benefit=money(r.benefit),
            cost=cost,
            bcr=plain(r.bcr, 2) if r.bcr is not None else "—",
        )
    why = roi_reason(report, lang)
    if r.cost > 0:
        return say(
            lang,
            "ROI cannot be stated: {reason}. The fully loaded cost was {cost}.",
            reason=why,
            cost=cost,
        )
    return say(lang, "ROI cannot be stated: {reason}.", reason=why)


def roi_reason(report: EffectReport, lang: str = "zh") -> str:
    """Why no ROI is stated; empty when it is."""
    r = report.roi
    if r.conclusive and r.roi_percent is not None:
        return ""
    if not report.did.conclusive:
        return say(lang, "the effect is not conclusive ({reason})", reason=did_reason(report, lang))
    if report.value_per_unit is None:
        return say(lang, "the KPI has no money value per unit (set one to compute ROI)")
    if r.cost <= 0:
        return say(lang, "the course has no recorded cost")
    return say(lang, "the figures are incomplete")
