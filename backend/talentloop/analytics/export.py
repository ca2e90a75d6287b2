"""The training-effect report (培训效果与绩效影响报告) as a PDF with charts, or an XLSX of numbers.

Pure and synchronous: `render_pdf` and `render_xlsx` read an `EffectReport` already computed
(the job runs them in a worker thread) and return the file's bytes. Both are lists of section
functions; `on_step(name)` is called before each so the job can report progress, and a new
section is one more function in `PDF_SECTIONS` or `XLSX_SHEETS`.

The PDF uses one CJK TrueType font for every text, chart labels included (embedded, so Chinese
renders on any machine); the charts are reportlab graphics (vector paths, no matplotlib).
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from talentloop.analytics import narrative
from talentloop.analytics.narrative import Number, say, say_as
from talentloop.i18n import N_
from talentloop.spreadsheets import Workbook, xlsx_bytes

if TYPE_CHECKING:
    from talentloop.analytics.service import EffectReport

OnStep = Callable[[str], None]

TITLE = N_("Training effect and performance impact report")  # 培训效果与绩效影响报告
TITLE_ZH = say("zh", TITLE)
TITLE_EN = say("en", TITLE)

# --- the font -------------------------------------------------------------------------------------

CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
CJK_FONT_ENV = "TALENTLOOP_PDF_FONT"  # a .ttf/.ttc to use before the ones above
FALLBACK_CID_FONT = "STSong-Light"  # built into reportlab, not embedded: readers must have it
_FONT_NAME = "TalentLoopCJK"
_font_lock = threading.Lock()
_font: str | None = None


def cjk_font() -> str:
    """Register (once) and return the font every text of the PDF is set in."""
    global _font
    with _font_lock:
        if _font is not None:
            return _font
        candidates = [os.environ.get(CJK_FONT_ENV, ""), *CJK_FONT_FILES]
        for path in candidates:
            if not path or not os.path.isfile(path):
                continue
            try:
                pdfmetrics.registerFont(TTFont(_FONT_NAME, path, subfontIndex=0))
            except Exception:  # an unreadable or unsuitable file: try the next one
                continue
            _font = _FONT_NAME
            return _font
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
        _font = FALLBACK_CID_FONT
        return _font


# --- file names -----------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._-")


def file_name(report: EffectReport, fmt: str) -> str:
    """ASCII-safe: training-effect-PK-101-NEW_CUSTOMERS[-UNIT]-2026-10.pdf (the last post month)."""
    parts = [_ascii(str(report.course.code)) or "course", _ascii(str(report.kpi.code)) or "kpi"]
    if report.unit is not None:
        parts.append(_ascii(str(report.unit.code)) or "unit")
    extension = _ascii(str(fmt).lower()) or "bin"
    return f"training-effect-{'-'.join(parts)}-{narrative.month(report.params.post_to)}.{extension}"


# --- the headline figures, shared by the PDF table and the XLSX ----------------------------------

KINDS = ("int", "level", "change", "percent", "ratio", "money", "number")


@dataclass(frozen=True)
class Figure:
    """One headline number: its raw value (for the XLSX) and how to show it (for the PDF)."""

    key: str
    msgid: str  # its label, a catalogue msgid
    value: Number | None
    kind: str  # one of KINDS
    low: float | None = None
    high: float | None = None
    n: tuple[int, ...] = ()
    conclusive: bool | None = None  # None: a description, not a claim
    reasons: tuple[str, str] = ("", "")  # why not conclusive, in zh and in en
    verdict: bool = False  # its conclusiveness gets a column in the branch table

    def label(self, lang: str) -> str:
        return say(lang, self.msgid)

    def reason(self, lang: str) -> str:
        return self.reasons[1] if lang == "en" else self.reasons[0]


def _f(value: Number | None) -> float | None:
    return None if value is None else float(value)


def headline_figures(report: EffectReport) -> list[Figure]:
    """The figures of the report in a fixed order (the PDF table, the XLSX summary and the
    branch columns all come from here)."""
    c, d, r = report.comparison, report.did, report.roi
    cmp_why = ("", "")
    if not c.conclusive:
        cmp_why = (
            narrative.comparison_reason(report, "zh"),
            narrative.comparison_reason(report, "en"),
        )
    did_why = ("", "")
    if not d.conclusive:
        did_why = (narrative.did_reason(report, "zh"), narrative.did_reason(report, "en"))
    roi_why = (narrative.roi_reason(report, "zh"), narrative.roi_reason(report, "en"))
    c_low, c_high = (c.interval.low, c.interval.high) if c.interval else (None, None)
    d_low, d_high = (d.interval.low, d.interval.high) if d.interval else (None, None)
    both = (d.n_treated, d.n_control)
    return [
        Figure("population", N_("Employees with values"), report.population, "int"),
        Figure(
            "participation_before",
            N_("Participation by the end of the pre period (%)"),
            _f(report.participation_before),
            "percent",
        ),
        Figure(
            "participation_after",
            N_("Participation by the start of the post period (%)"),
            _f(report.participation_after),
            "percent",
        ),
        Figure(
            "participants_mean",
            N_("Participants' mean (post period)"),
            c.mean_a,
            "level",
            n=(c.n_a,),
        ),
        Figure(
            "others_mean",
            N_("Non-participants' mean (post period)"),
            c.mean_b,
            "level",
            n=(c.n_b,),
        ),
        Figure(
            "comparison_difference",
            N_("Participants − non-participants"),
            c.difference,
            "change",
            c_low,
            c_high,
            (c.n_a, c.n_b),
            c.conclusive,
            cmp_why,
            verdict=True,
        ),
        Figure(
            "comparison_relative",
            N_("Relative difference"),
            c.relative,
            "ratio",
            n=(c.n_a, c.n_b),
            conclusive=c.conclusive,
            reasons=cmp_why,
        ),
        Figure(
            "trained_before",
            N_("Trained, before"),
            d.treated_pre,
            "level",
            n=(d.n_treated,),
        ),
        Figure(
            "trained_after",
            N_("Trained, after"),
            d.treated_post,
            "level",
            n=(d.n_treated,),
        ),
        Figure(
            "comparison_before",
            N_("Comparison, before"),
            d.control_pre,
            "level",
            n=(d.n_control,),
        ),
        Figure(
            "comparison_after",
            N_("Comparison, after"),
            d.control_post,
            "level",
            n=(d.n_control,),
        ),
        Figure(
            "effect",
            N_("Effect attributable to the course (DiD, per person and period)"),
            d.effect,
            "change",
            d_low,
            d_high,
            both,
            d.conclusive,
            did_why,
            verdict=True,
        ),
        Figure(
            "relative_effect",
            N_("Relative effect (vs the level before)"),
            report.relative_effect,
            "ratio",
            n=both,
            conclusive=d.conclusive,
            reasons=did_why,
        ),
        Figure(
            "roi_percent",
            N_("ROI (%)"),
            _f(r.roi_percent),
            "percent",
            conclusive=r.conclusive,
            reasons=roi_why,
            verdict=True,
        ),
        Figure(
            "conservative_roi_percent",
            N_("Conservative ROI (lower end of the interval, %)"),
            _f(r.conservative_roi_percent),
            "percent",
            conclusive=r.conclusive,
            reasons=roi_why,
        ),
        Figure(
            "bcr",
            N_("Benefit-cost ratio"),
            _f(r.bcr),
            "number",
            conclusive=r.conclusive,
            reasons=roi_why,
        ),
        Figure(
            "benefit",
            N_("Benefit (¥)"),
            _f(r.benefit),
            "money",
            conclusive=r.conclusive,
            reasons=roi_why,
        ),
        Figure(
            "conservative_benefit",
            N_("Conservative benefit (¥)"),
            _f(r.conservative_benefit),
            "money",
            conclusive=r.conclusive,
            reasons=roi_why,
        ),
        Figure("cost", N_("Fully loaded cost (¥)"), _f(r.cost), "money"),
        Figure(
            "value_per_unit",
            N_("Value of one KPI unit (¥)"),
            _f(report.value_per_unit),
            "money",
        ),
        Figure(
            "horizon_months",
            N_("Horizon (months)"),
            report.params.horizon_periods,
            "int",
        ),
        Figure(
            "excluded_employee_months",
            N_("Employee-months left out for events"),
            report.excluded_rows,
            "int",
        ),
    ]


def _show(figure: Figure, report: EffectReport, lang: str) -> str:
    v, kpi = figure.value, report.kpi
    if v is None:
        return "—"
    if figure.kind == "int":
        return f"{int(v):,}"
    if figure.kind == "level":
        return narrative.level(v, kpi, lang)
    if figure.kind == "change":
        return narrative.change(v, kpi, lang, signed=True)
    if figure.kind == "percent":
        return narrative.percent(v, lang, 1)
    if figure.kind == "ratio":
        return narrative.ratio_percent(float(v), lang)
    if figure.kind == "money":
        return narrative.money(v)
    return narrative.plain(v, 2)


def _interval_of(figure: Figure, report: EffectReport, lang: str) -> str:
    if figure.low is None or figure.high is None:
        return ""
    from talentloop.analytics.stats import Interval

    return narrative.interval(Interval(figure.low, figure.high), report.kpi, lang)


def _n_of(figure: Figure) -> str:
    return " / ".join(str(n) for n in figure.n)


# --- names ----------------------------------------------------------------------------------------

EVENT_KINDS = {
    "supplier_delay": N_("Supplier delay"),
    "market_shock": N_("Market shock"),
    "reorganisation": N_("Reorganisation"),
    "other": N_("Other"),
}


def _unit_label(unit: Any, lang: str) -> str:
    if unit is None:
        return say(lang, "Whole company")
    name, code = getattr(unit, "name", None), getattr(unit, "code", None)
    if name is None:
        return str(code or "")
    return f"{name} ({code})" if code else str(name)


def _event_unit(event: Any) -> Any:
    try:
        unit = event.unit
    except Exception:  # the relation was not fetched
        return None
    return unit if hasattr(unit, "name") else None


def _event_kind(event: Any, lang: str) -> str:
    kind = str(getattr(event, "kind", "other"))
    msgid = EVENT_KINDS.get(kind)
    return say(lang, msgid) if msgid else kind


def _events_by_month(report: EffectReport) -> dict[date, list[int]]:
    """Each month of the trend → the (1-based) numbers of the events that touch it."""
    found: dict[date, list[int]] = {}
    for point in report.trend:
        for i, e in enumerate(report.events, 1):
            if e.period_from <= point.period <= e.period_to:
                found.setdefault(point.period, []).append(i)
    return found


# --- PDF --------------------------------------------------------------------------------------------

TRAINED = colors.HexColor("#1f6feb")
COMPARISON = colors.HexColor("#8c959f")
BEFORE = colors.HexColor("#a5c8f5")
AFTER = colors.HexColor("#1f6feb")
EVENT = colors.HexColor("#f0883e")
PRE_BAND = colors.HexColor("#eef3fb")
POST_BAND = colors.HexColor("#eaf6ec")
MUTED = colors.HexColor("#6e7781")
GRID = colors.HexColor("#d0d7de")
COST = colors.HexColor("#cf222e")
BENEFIT = colors.HexColor("#1a7f37")
CONSERVATIVE = colors.HexColor("#7fc48f")

PAGE_WIDTH = A4[0] - 36 * mm  # the frame's width


@dataclass
class _Pdf:
    report: EffectReport
    lang: str
    font: str
    styles: dict[str, ParagraphStyle]

    def p(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of plain text (escaped)."""
        return Paragraph(escape(text), self.styles[style])

    def heading(self, msgid: str) -> Paragraph:
        return self.p(say(self.lang, msgid), "h2")

    def table(
        self,
        rows: Sequence[Sequence[str | Paragraph]],
        widths: Sequence[float],
        *,
        header: bool = True,
        muted: Sequence[tuple[int, int]] = (),
    ) -> Table:
        cells = [
            [c if isinstance(c, Paragraph) else self.p(c, "cell") for c in row] for row in rows
        ]
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if header:
            style += [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6f8fa")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, MUTED),
            ]
        table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
        table.setStyle(TableStyle(style))
        return table


def _styles(font: str, lang: str) -> dict[str, ParagraphStyle]:
    wrap = "CJK" if lang == "zh" else None
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap=wrap)
    return {
        "title": ParagraphStyle("title", base, fontSize=18, leading=24, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=15, textColor=MUTED),
        "h2": ParagraphStyle(
            "h2", base, fontSize=12.5, leading=17, spaceBefore=10, spaceAfter=4, keepWithNext=1
        ),
        "body": base,
        "lead": ParagraphStyle("lead", base, fontSize=11, leading=17, spaceAfter=4),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
        "muted": ParagraphStyle("muted", base, fontSize=8.5, leading=11, textColor=MUTED),
        "caption": ParagraphStyle(
            "caption", base, fontSize=8, leading=11, textColor=MUTED, alignment=TA_CENTER
        ),
    }


def _status(figure: Figure, pdf: _Pdf) -> Paragraph | str:
    if figure.conclusive is None:
        return ""
    if figure.conclusive:
        return say(pdf.lang, "conclusive")
    why = figure.reason(pdf.lang)
    if not why:
        return pdf.p(narrative.not_conclusive(pdf.lang), "muted")
    return pdf.p(_not_conclusive_because(pdf.lang, why), "muted")


def _not_conclusive_because(lang: str, why: str) -> str:
    return say(lang, "not conclusive: {reason}", reason=why)


def _pdf_title(pdf: _Pdf) -> list[Flowable]:
    r, lang = pdf.report, pdf.lang
    params = r.params
    out: list[Flowable] = [pdf.p(TITLE_ZH, "title")]
    if lang == "en":
        out.append(pdf.p(TITLE_EN, "subtitle"))
    pool = (
        say(pdf.lang, "the untrained across the whole report")
        if r.comparison_pool == "parent"
        else say(pdf.lang, "the untrained in the same unit")
    )
    rows = [
        (say(pdf.lang, "Course"), f"{r.course.title} ({r.course.code})"),
        (
            "KPI",
            f"{narrative.kpi_name(r.kpi, lang)} ({r.kpi.code}) — {narrative.kpi_label(r.kpi, lang)}",
        ),
        (say_as(lang, "report scope", "Unit"), _unit_label(r.unit, lang)),
        (say(pdf.lang, "Before (pre period)"), narrative.months(params.pre_from, params.pre_to)),
        (
            say(pdf.lang, "After (post period)"),
            narrative.months(params.post_from, params.post_to),
        ),
        (say(pdf.lang, "Comparison group"), pool),
    ]
    out.append(Spacer(1, 4))
    out.append(pdf.table(rows, (32 * mm, PAGE_WIDTH - 32 * mm), header=False))
    return out


def _pdf_summary(pdf: _Pdf) -> list[Flowable]:
    return [
        pdf.heading("Summary"),
        pdf.p(narrative.summary(pdf.report, pdf.lang), "lead"),
        pdf.p(narrative.roi_sentence(pdf.report, pdf.lang), "lead"),
    ]


def _pdf_figures(pdf: _Pdf) -> list[Flowable]:
    r, lang = pdf.report, pdf.lang
    rows: list[list[str | Paragraph]] = [
        [
            say(pdf.lang, "Figure"),
            say(pdf.lang, "Value"),
            say(pdf.lang, "95 % interval"),
            "n",
            say(pdf.lang, "Conclusive?"),
        ]
    ]
    for figure in headline_figures(r):
        value = _show(figure, r, lang)
        if figure.conclusive is False and figure.value is not None:
            value = f"({value})"  # an estimate, not a claim
        rows.append(
            [
                figure.label(lang),
                value,
                _interval_of(figure, r, lang),
                _n_of(figure),
                _status(figure, pdf),
            ]
        )
    widths = (62 * mm, 28 * mm, 30 * mm, 16 * mm, PAGE_WIDTH - 136 * mm)
    note = say(
        pdf.lang,
        "Values in brackets are estimates that are not conclusive, not findings; n is the size of each group (trained / comparison).",
    )
    return [
        pdf.heading("Headline figures"),
        pdf.table(rows, widths),
        pdf.p(note, "muted"),
    ]


# charts -------------------------------------------------------------------------------------------


def _title(d: Drawing, text: str, font: str, y: float | None = None) -> None:
    d.add(String(0, d.height - 12 if y is None else y, text, fontName=font, fontSize=10))


def _legend(d: Drawing, pairs: list[tuple[Any, str]], font: str, x: float, y: float) -> None:
    legend = Legend()
    legend.fontName = font
    legend.fontSize = 7.5
    legend.x, legend.y = x, y
    legend.boxAnchor = "sw"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.deltax = 10
    legend.dxTextSpace = 4
    legend.alignment = "right"
    legend.colorNamePairs = pairs
    d.add(legend)


def _no_data(d: Drawing, font: str, text: str) -> None:
    d.add(String(d.width / 2, d.height / 2, text, fontName=font, fontSize=9, textAnchor="middle"))


def _value_range(values: Sequence[float | None]) -> tuple[float, float] | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    low, high = min([*present, 0.0]), max([*present, 0.0])
    if high == low:
        high = low + 1
    return low, high * 1.15 if high > 0 else high


def trend_chart(pdf: _Pdf, width: float = PAGE_WIDTH, height: float = 230) -> Drawing:
    """(a) The trained and the comparison group's mean by month; the pre and post periods shaded,
    external events as orange bands numbered E1, E2… (listed in the caption)."""
    r, lang, font = pdf.report, pdf.lang, pdf.font
    d = Drawing(width, height)
    _title(d, say(pdf.lang, "Monthly trend: trained vs comparison"), font)
    points = r.trend
    trained = [p.treated_mean for p in points]
    control = [p.control_mean for p in points]
    span = _value_range(trained + control)
    if not points or span is None:
        _no_data(d, font, say(pdf.lang, "No data"))
        return d
    n = len(points)
    rotate = n > 12
    chart = HorizontalLineChart()
    chart.x, chart.y = 42, 62 if rotate else 48
    chart.width, chart.height = width - 52, height - chart.y - 44
    # bands under the lines: pre and post periods, then the events
    slot = chart.width / n

    def band(first: int, last: int, fill: Any, opacity: float = 1.0) -> Rect:
        return Rect(
            chart.x + first * slot,
            chart.y,
            (last - first + 1) * slot,
            chart.height,
            fillColor=fill,
            strokeColor=None,
            fillOpacity=opacity,
        )

    params = r.params
    for first, last, fill, label in (
        (params.pre_from, params.pre_to, PRE_BAND, say(pdf.lang, "Before")),
        (params.post_from, params.post_to, POST_BAND, say(pdf.lang, "After")),
    ):
        idx = [i for i, p in enumerate(points) if first <= p.period <= last]
        if idx:
            d.add(band(idx[0], idx[-1], fill))
            mid = chart.x + (idx[0] + idx[-1] + 1) / 2 * slot
            d.add(
                String(
                    mid,
                    chart.y + chart.height + 4,
                    label,
                    fontName=font,
                    fontSize=7.5,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
    for number, event in enumerate(r.events, 1):
        idx = [i for i, p in enumerate(points) if event.period_from <= p.period <= event.period_to]
        if not idx:
            continue
        d.add(band(idx[0], idx[-1], EVENT, 0.28))
        d.add(
            String(
                chart.x + idx[0] * slot + 2,
                chart.y + chart.height - 10 - 9 * ((number - 1) % 3),
                f"E{number}",
                fontName=font,
                fontSize=7.5,
                fillColor=EVENT,
            )
        )
    # A group with no mean in any month (everyone in the scope trained, or nobody) is left out:
    # reportlab cannot draw a line of no points.
    drawn = [(s, c) for s, c in ((trained, TRAINED), (control, COMPARISON)) if any(
        v is not None for v in s
    )]  # fmt: skip
    chart.data = [s for s, _ in drawn]
    step = max(1, -(-n // 12)) if rotate else 1
    chart.categoryAxis.categoryNames = [
        narrative.month(p.period) if i % step == 0 else "" for i, p in enumerate(points)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    if rotate:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = span
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.25
    for i, (_, color) in enumerate(drawn):
        chart.lines[i].strokeColor = color
        chart.lines[i].strokeWidth = 1.6
        chart.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=color)
    d.add(chart)
    d.add(
        String(
            chart.x,
            chart.y + chart.height + 16,
            narrative.kpi_label(r.kpi, lang),
            fontName=font,
            fontSize=7.5,
            fillColor=MUTED,
        )
    )
    pairs: list[tuple[Any, str]] = [
        (TRAINED, say(pdf.lang, "Trained")),
        (COMPARISON, say(pdf.lang, "Comparison")),
    ]
    if r.events:
        pairs.append((EVENT, say(pdf.lang, "External events")))
    _legend(d, pairs, font, chart.x, 2)
    return d


def _bar_chart(
    pdf: _Pdf,
    title: str,
    categories: list[str],
    series: list[list[float | None]],
    fills: list[Any] | None,
    label: Callable[[float], str],
    *,
    bar_fills: list[Any] | None = None,
    legend: list[tuple[Any, str]] | None = None,
    value_max: float | None = None,
    note: str = "",
    width: float = PAGE_WIDTH / 2 - 6,
    height: float = 190,
) -> Drawing:
    font = pdf.font
    d = Drawing(width, height)
    _title(d, title, font)
    span = _value_range([v for row in series for v in row])
    if span is None:
        _no_data(d, font, note or say(pdf.lang, "No data"))
        return d
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 40
    chart.width, chart.height = width - 50, height - 72
    # a missing value draws no bar (and no label)
    chart.data = [[0.0 if v is None else v for v in row] for row in series]
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = span[0]
    chart.valueAxis.valueMax = value_max if value_max is not None else span[1]
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.25
    chart.barSpacing = 2
    chart.groupSpacing = 10
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[None if v is None else label(v) for v in row] for row in series]
    for i, fill in enumerate(fills or []):
        chart.bars[i].fillColor = fill
        chart.bars[i].strokeColor = None
    for j, fill in enumerate(bar_fills or []):
        chart.bars[(0, j)].fillColor = fill
        chart.bars[(0, j)].strokeColor = None
    d.add(chart)
    if note:
        d.add(
            String(
                chart.x + chart.width / 2,
                chart.y + chart.height - 10,
                note,
                fontName=font,
                fontSize=8,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    if legend:
        _legend(d, legend, font, chart.x, 2)
    return d


def before_after_chart(pdf: _Pdf) -> Drawing:
    """(b) Before and after, for the trained and the comparison group (the DiD's four means)."""
    r = pdf.report
    d = r.did
    return _bar_chart(
        pdf,
        say(pdf.lang, "Before and after: trained vs comparison"),
        [
            say(pdf.lang, "Trained") + f" (n={d.n_treated})",
            say(pdf.lang, "Comparison") + f" (n={d.n_control})",
        ],
        [[d.treated_pre, d.control_pre], [d.treated_post, d.control_post]],
        [BEFORE, AFTER],
        lambda v: narrative.level(v, r.kpi, pdf.lang),
        legend=[(BEFORE, say(pdf.lang, "Before")), (AFTER, say(pdf.lang, "After"))],
    )


def roi_chart(pdf: _Pdf) -> Drawing:
    """(c) Cost against the benefit and the conservative benefit (none when not conclusive)."""
    roi = pdf.report.roi
    note = "" if roi.conclusive else say(pdf.lang, "ROI not conclusive: no benefit")
    return _bar_chart(
        pdf,
        say(pdf.lang, "Return on investment: cost vs benefit"),
        [say(pdf.lang, "Cost"), say(pdf.lang, "Benefit"), say(pdf.lang, "Conservative")],
        [[_f(roi.cost), _f(roi.benefit), _f(roi.conservative_benefit)]],
        None,
        narrative.money,
        bar_fills=[COST, BENEFIT, CONSERVATIVE],
        note=note,
    )


def participation_chart(pdf: _Pdf) -> Drawing:
    """(d) Participation: percent of the population trained before and after."""
    r = pdf.report
    return _bar_chart(
        pdf,
        say(pdf.lang, "Participation: before and after"),
        [say(pdf.lang, "End of pre period"), say(pdf.lang, "Start of post period")],
        [[_f(r.participation_before), _f(r.participation_after)]],
        None,
        lambda v: narrative.percent(v, pdf.lang, 1),
        bar_fills=[BEFORE, AFTER],
        value_max=100.0,
    )


def _pdf_trend(pdf: _Pdf) -> list[Flowable]:
    r, lang = pdf.report, pdf.lang
    out: list[Flowable] = [pdf.heading("Charts"), trend_chart(pdf)]
    lines = []
    for number, e in enumerate(r.events, 1):
        where = _unit_label(_event_unit(e), lang)
        lines.append(
            f"E{number} {e.title}（{where}，{narrative.months(e.period_from, e.period_to)}）"
        )
    if lines:
        if r.params.exclude_events:
            tail = say(
                lang,
                "The employee-months these events touched were left out ({count}).",
                count=r.excluded_rows,
            )
        else:
            tail = say(pdf.lang, "The months these events touched were kept.")
        caption = say(pdf.lang, "Orange bands are external events: ")
        out.append(pdf.p(caption + "；".join(lines) + "。" + tail, "caption"))
    return out


def _pdf_bars(pdf: _Pdf) -> list[Flowable]:
    half = PAGE_WIDTH / 2
    grid = Table(
        [[before_after_chart(pdf), roi_chart(pdf)], [participation_chart(pdf), ""]],
        colWidths=[half, half],
    )
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [Spacer(1, 6), grid]


def _branch_row(branch: EffectReport, pdf: _Pdf) -> list[str | Paragraph]:
    d, lang = branch.did, pdf.lang
    effect = narrative.change(d.effect, branch.kpi, lang, signed=True)
    if not d.conclusive and d.effect is not None:
        effect = f"({effect})"
    roi = (
        narrative.percent(branch.roi.roi_percent, lang, 0)
        if branch.roi.conclusive and branch.roi.roi_percent is not None
        else "—"
    )
    status: str | Paragraph = say(pdf.lang, "conclusive")
    if not d.conclusive:
        status = pdf.p(_not_conclusive_because(lang, narrative.did_reason(branch, lang)), "muted")
    return [
        _unit_label(branch.unit, lang),
        str(d.n_treated),
        str(d.n_control),
        effect,
        narrative.interval(d.interval, branch.kpi, lang),
        roi,
        status,
    ]


def _pdf_branches(pdf: _Pdf) -> list[Flowable]:
    r = pdf.report
    out: list[Flowable] = [pdf.heading("Branch by branch")]
    if not r.branches:
        out.append(pdf.p(say(pdf.lang, "No branches under this unit."), "muted"))
        return out
    rows: list[list[str | Paragraph]] = [
        [
            say(pdf.lang, "Branch"),
            say(pdf.lang, "n trained"),
            say(pdf.lang, "n comparison"),
            say(pdf.lang, "Effect"),
            say(pdf.lang, "95 % interval"),
            "ROI",
            say(pdf.lang, "Conclusive?"),
        ]
    ]
    rows += [_branch_row(b, pdf) for b in r.branches]
    widths = (40 * mm, 16 * mm, 18 * mm, 22 * mm, 30 * mm, 18 * mm, PAGE_WIDTH - 144 * mm)
    out.append(pdf.table(rows, widths))
    if any(b.comparison_pool == "parent" for b in r.branches):
        out.append(
            pdf.p(
                say(
                    pdf.lang,
                    "Each branch's trained are compared with the untrained of the whole report (a branch has few untrained once most are trained).",
                ),
                "muted",
            )
        )
    return out


def _pdf_events(pdf: _Pdf) -> list[Flowable]:
    r, lang = pdf.report, pdf.lang
    out: list[Flowable] = [pdf.heading("External events")]
    if not r.events:
        out.append(pdf.p(say(pdf.lang, "No external events in these months."), "muted"))
        return out
    rows: list[list[str | Paragraph]] = [
        [
            "#",
            say(pdf.lang, "Event"),
            say_as(pdf.lang, "event", "Kind"),
            say_as(pdf.lang, "event", "Unit"),
            say(pdf.lang, "Months"),
        ]
    ]
    for number, e in enumerate(r.events, 1):
        rows.append(
            [
                f"E{number}",
                str(e.title),
                _event_kind(e, lang),
                _unit_label(_event_unit(e), lang),
                narrative.months(e.period_from, e.period_to),
            ]
        )
    widths = (10 * mm, PAGE_WIDTH - 130 * mm, 26 * mm, 50 * mm, 44 * mm)
    out.append(pdf.table(rows, widths))
    if r.params.exclude_events:
        text = say(
            lang,
            "The affected unit-months were left out of the figures: {count} employee-months.",
            count=r.excluded_rows,
        )
    else:
        text = say(
            pdf.lang, "The affected unit-months were kept (the figures include the events' effect)."
        )
    out.append(pdf.p(text, "body"))
    return out


def _competency_label(item: Any) -> str:
    competency = getattr(item, "competency", None)
    name = getattr(competency, "name", None) or getattr(item, "name", None)
    return str(name) if name else f"#{getattr(item, 'competency_id', '?')}"


def _pdf_correlations(pdf: _Pdf) -> list[Flowable]:
    """Root cause: each competency's correlation with the KPI before training (when collected)."""
    found = list(getattr(pdf.report, "correlations", []) or [])
    if not found:
        return []
    lang = pdf.lang
    rows: list[list[str | Paragraph]] = [
        [
            say(pdf.lang, "Competency"),
            "r",
            say(pdf.lang, "95 % interval"),
            "n",
            say(pdf.lang, "Conclusive?"),
        ]
    ]
    for item in found:
        c = item.correlation
        iv = f"{c.interval.low:.2f} – {c.interval.high:.2f}" if c.interval else "—"
        rows.append(
            [
                _competency_label(item),
                "—" if c.r is None else f"{c.r:.2f}",
                iv,
                str(c.n),
                say(pdf.lang, "conclusive") if c.conclusive else narrative.not_conclusive(lang),
            ]
        )
    widths = (60 * mm, 20 * mm, 36 * mm, 16 * mm, PAGE_WIDTH - 132 * mm)
    note = say(
        pdf.lang,
        "Correlation (Pearson's r) of competency scores with the KPI level before training: a lead for the root cause, not proof of one.",
    )
    return [
        pdf.heading("Competencies and the KPI"),
        pdf.table(rows, widths),
        pdf.p(note, "muted"),
    ]


def _pdf_suspensions(pdf: _Pdf) -> list[Flowable]:
    """Pay evidence: suspended performance pay beside the report (when collected)."""
    found = list(getattr(pdf.report, "suspensions", []) or [])
    if not found:
        return []
    r = pdf.report
    rows: list[list[str | Paragraph]] = [
        [
            say(pdf.lang, "Reason"),
            say(pdf.lang, "Suspended from"),
            say(pdf.lang, "Restore condition"),
            say(pdf.lang, "Status"),
        ]
    ]
    for s in found:
        same_kpi = getattr(s, "condition_kpi_id", None) == getattr(r.kpi, "id", object())
        condition = (
            f"{getattr(s, 'condition_kind', '')} ≥ {getattr(s, 'condition_threshold', '')}"
            f" × {getattr(s, 'condition_periods', 1)}"
            + (say(pdf.lang, " (this report's KPI)") if same_kpi else "")
        )
        since = getattr(s, "suspended_from", None)
        rows.append(
            [
                str(getattr(s, "reason", "")),
                narrative.month(since) if isinstance(since, date) else "",
                condition,
                str(getattr(s, "status", "")),
            ]
        )
    widths = (PAGE_WIDTH - 112 * mm, 26 * mm, 56 * mm, 30 * mm)
    return [pdf.heading("Suspended performance pay"), pdf.table(rows, widths)]


def _pdf_method(pdf: _Pdf) -> list[Flowable]:
    minimum = pdf.report.params.min_group
    text = say(
        pdf.lang,
        "Method: the trained completed the course after the pre period and before the post period; "
        "the comparison group had not completed it by the end of the post period. The effect is the "
        "difference of the two groups' changes (post mean − pre mean per employee: "
        "difference-in-differences), with a Welch t 95 % interval. With fewer than "
        "{minimum} in a group, or an interval that includes zero, a figure is marked not "
        "conclusive and no ROI is stated. ROI = (benefit − fully loaded cost) ÷ cost × 100, "
        "benefit = effect × trained × horizon × value per unit.",
        minimum=minimum,
    )
    return [Spacer(1, 8), pdf.p(text, "muted")]


PdfSection = tuple[str, Callable[[_Pdf], list[Flowable]]]

PDF_SECTIONS: list[PdfSection] = [
    ("title", _pdf_title),
    ("summary", _pdf_summary),
    ("headline figures", _pdf_figures),
    ("trend chart", _pdf_trend),
    ("bar charts", _pdf_bars),
    ("branches", _pdf_branches),
    ("external events", _pdf_events),
    ("competency correlations", _pdf_correlations),
    ("pay evidence", _pdf_suspensions),
    ("method", _pdf_method),
]


def render_pdf(report: EffectReport, lang: str = "zh", *, on_step: OnStep | None = None) -> bytes:
    """The report as an A4 PDF (zh or en), deterministic for the same report."""
    lang = "en" if lang == "en" else "zh"
    font = cjk_font()
    pdf = _Pdf(report, lang, font, _styles(font, lang))
    story: list[Flowable] = []
    for name, section in PDF_SECTIONS:
        if on_step is not None:
            on_step(name)
        parts = section(pdf)
        if name in {"summary"}:
            story.append(KeepTogether(parts))
        else:
            story.extend(parts)
    if on_step is not None:
        on_step("writing the PDF")
    buffer = io.BytesIO()
    title = f"{TITLE_ZH} — {report.course.title} / {report.kpi.name}"

    def footer(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(
            18 * mm, 10 * mm, f"{TITLE_ZH} · {report.course.code} · {report.kpi.code}"
        )
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="TalentLoop",
        creator="TalentLoop",
        subject=TITLE_EN,
        invariant=1,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- XLSX -------------------------------------------------------------------------------------------


def _num(value: Number | None) -> float | int | None:
    """A cell's number: ints stay ints, the rest floats rounded to 4 decimals."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    return round(float(value), 4)


BOLD = Font(bold=True)


def _header(sheet: Worksheet, titles: Sequence[str], widths: Sequence[int] = ()) -> None:
    sheet.append(list(titles))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def _pair(msgid: str) -> tuple[str, str]:
    """A label of the workbook, which is written in both languages, in two cells."""
    return say("zh", msgid), say("en", msgid)


def _pair_as(context: str, msgid: str) -> tuple[str, str]:
    return say_as("zh", context, msgid), say_as("en", context, msgid)


def bilingual(msgid: str, context: str | None = None) -> str:
    """A heading of the workbook in both languages, in one cell: "汇总 Summary"."""
    zh, en = _pair_as(context, msgid) if context else _pair(msgid)
    return f"{zh} {en}"


def _low_high() -> list[str]:
    return [bilingual("Low", "interval"), bilingual("High", "interval")]


def _summary_columns() -> list[str]:
    return [
        *_pair("Figure"),
        bilingual("Value", "cell"),
        *_low_high(),
        say("zh", "n trained/group A"),
        say("zh", "n comparison/group B"),
        bilingual("Conclusive"),
        *_pair("Reason"),
        bilingual("Key"),
    ]


def _xlsx_summary(book: Workbook, report: EffectReport) -> None:
    sheet = book.create_sheet(bilingual("Summary", "sheet"))
    params = report.params
    sheet.append([TITLE_ZH, TITLE_EN])
    sheet["A1"].font = Font(bold=True, size=14)
    for zh, en, text in (
        (*_pair("Course"), f"{report.course.title} ({report.course.code})"),
        ("KPI", "KPI", f"{report.kpi.name} ({report.kpi.code})"),
        (*_pair_as("report scope", "Unit"), _unit_label(report.unit, "zh")),
        (*_pair("Pre period"), narrative.months(params.pre_from, params.pre_to)),
        (*_pair("Post period"), narrative.months(params.post_from, params.post_to)),
        (*_pair("Comparison pool"), report.comparison_pool),
        (*_pair_as("finding", "Summary"), narrative.summary(report, "zh")),
        ("", "", narrative.summary(report, "en")),
        ("ROI", "ROI", narrative.roi_sentence(report, "zh")),
        ("", "", narrative.roi_sentence(report, "en")),
    ):
        sheet.append([zh, en, text])
    sheet.append([])
    _header(sheet, _summary_columns(), (30, 44, 14, 14, 14, 11, 11, 12, 40, 40, 26))
    for f in headline_figures(report):
        n = list(f.n) + [None] * (2 - len(f.n))
        value = _num(f.value)
        row = [
            f.label("zh"),
            f.label("en"),
            value,
            _num(f.low),
            _num(f.high),
            n[0],
            n[1],
            f.conclusive,
            f.reasons[0] or None,
            f.reasons[1] or None,
            f.key,
        ]
        sheet.append(row)
        if f.kind == "ratio":
            sheet.cell(row=sheet.max_row, column=3).number_format = "0.0%"


def _xlsx_trend(book: Workbook, report: EffectReport) -> None:
    sheet = book.create_sheet(bilingual("Trend", "sheet"))
    _header(
        sheet,
        (
            bilingual("Period", "month"),
            bilingual("Trained mean"),
            bilingual("Comparison mean"),
            bilingual("Trained", "n"),
            bilingual("Comparison", "n"),
            bilingual("Phase"),
            bilingual("Events"),
        ),
        (12, 16, 18, 12, 14, 12, 60),
    )
    params = report.params
    by_month = _events_by_month(report)
    for p in report.trend:
        if params.pre_from <= p.period <= params.pre_to:
            phase = bilingual("pre")
        elif params.post_from <= p.period <= params.post_to:
            phase = bilingual("post")
        else:
            phase = ""
        events = "; ".join(report.events[i - 1].title for i in by_month.get(p.period, []))
        sheet.append(
            [
                p.period,
                _num(p.treated_mean),
                _num(p.control_mean),
                p.treated_n,
                p.control_n,
                phase,
                events or None,
            ]
        )
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm"


def _xlsx_branches(book: Workbook, report: EffectReport) -> None:
    sheet = book.create_sheet(bilingual("Branches", "sheet"))
    template = headline_figures(report)
    titles = [bilingual("Branch"), bilingual("Code", "unit"), bilingual("Comparison pool")]
    for f in template:
        zh = f.label("zh")
        titles.append(f"{zh} {f.label('en')}")
        if f.low is not None or f.kind == "change":
            titles += [f"{zh} {heading}" for heading in _low_high()]
        if f.verdict:
            titles.append(f"{zh} {bilingual('Conclusive')}")
    titles += _pair("Reason (effect)")
    _header(sheet, titles, (24, 14, 12))
    for branch in report.branches:
        row: list[Any] = [
            getattr(branch.unit, "name", ""),
            getattr(branch.unit, "code", ""),
            branch.comparison_pool,
        ]
        for f in headline_figures(branch):
            row.append(_num(f.value))
            if f.kind == "change":
                row += [_num(f.low), _num(f.high)]
            if f.verdict:
                row.append(f.conclusive)
        why = (
            ("", "")
            if branch.did.conclusive
            else (
                narrative.did_reason(branch, "zh"),
                narrative.did_reason(branch, "en"),
            )
        )
        row += [why[0] or None, why[1] or None]
        sheet.append(row)


def _xlsx_events(book: Workbook, report: EffectReport) -> None:
    sheet = book.create_sheet(bilingual("Events", "sheet"))
    _header(
        sheet,
        (
            "#",
            bilingual("Event"),
            bilingual("Kind", "event"),
            bilingual("Unit", "event"),
            bilingual("Unit code"),
            bilingual("From", "month"),
            bilingual("To", "month"),
            bilingual("Description", "event"),
            bilingual("Excluded"),
        ),
        (6, 40, 16, 20, 14, 10, 10, 50, 12),
    )
    for number, e in enumerate(report.events, 1):
        unit = _event_unit(e)
        sheet.append(
            [
                f"E{number}",
                e.title,
                _event_kind(e, "zh") + " " + _event_kind(e, "en"),
                getattr(unit, "name", None),
                getattr(unit, "code", None),
                e.period_from,
                e.period_to,
                getattr(e, "description", "") or None,
                report.params.exclude_events,
            ]
        )
        for column in (6, 7):
            sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm"
    sheet.append([])
    sheet.append(["", bilingual("Events' months left out"), None, report.params.exclude_events])
    sheet.append(["", bilingual("Employee-months left out"), None, report.excluded_rows])


def _xlsx_correlations(book: Workbook, report: EffectReport) -> None:
    found = list(getattr(report, "correlations", []) or [])
    if not found:
        return
    sheet = book.create_sheet(bilingual("Correlations", "sheet"))
    _header(
        sheet,
        (
            bilingual("Competency"),
            f"{say('zh', 'Competency')} ID",
            "r",
            *_low_high(),
            "n",
            bilingual("Conclusive"),
        ),
        (30, 10, 10, 14, 14, 8, 14),
    )
    for item in found:
        c = item.correlation
        sheet.append(
            [
                _competency_label(item),
                getattr(item, "competency_id", None),
                _num(c.r),
                _num(c.interval.low) if c.interval else None,
                _num(c.interval.high) if c.interval else None,
                c.n,
                c.conclusive,
            ]
        )


def _xlsx_suspensions(book: Workbook, report: EffectReport) -> None:
    found = list(getattr(report, "suspensions", []) or [])
    if not found:
        return
    sheet = book.create_sheet(bilingual("Pay", "sheet"))
    _header(
        sheet,
        (
            bilingual("Reason"),
            f"{say_as('zh', 'event', 'Unit')} ID {say_as('en', 'event', 'Unit')}",
            bilingual("Suspended from"),
            bilingual("Condition"),
            bilingual("Threshold"),
            bilingual("Periods", "consecutive"),
            bilingual("This KPI"),
            bilingual("Status"),
        ),
        (40, 10, 14, 20, 12, 12, 14, 16),
    )
    for s in found:
        since = getattr(s, "suspended_from", None)
        sheet.append(
            [
                str(getattr(s, "reason", "")),
                getattr(s, "unit_id", None),
                since if isinstance(since, date) else None,
                str(getattr(s, "condition_kind", "")),
                _num(getattr(s, "condition_threshold", None)),
                getattr(s, "condition_periods", None),
                getattr(s, "condition_kpi_id", None) == getattr(report.kpi, "id", object()),
                str(getattr(s, "status", "")),
            ]
        )
        sheet.cell(row=sheet.max_row, column=3).number_format = "yyyy-mm"


XlsxSheet = tuple[str, Callable[[Workbook, "EffectReport"], None]]

XLSX_SHEETS: list[XlsxSheet] = [
    ("summary sheet", _xlsx_summary),
    ("trend sheet", _xlsx_trend),
    ("branches sheet", _xlsx_branches),
    ("events sheet", _xlsx_events),
    ("correlations sheet", _xlsx_correlations),
    ("pay evidence sheet", _xlsx_suspensions),
]


def render_xlsx(report: EffectReport, *, on_step: OnStep | None = None) -> bytes:
    """The report's numbers as a workbook: numbers are numbers (4 decimals), labels zh + en."""
    book = Workbook()
    default = book.active
    for name, sheet in XLSX_SHEETS:
        if on_step is not None:
            on_step(name)
        sheet(book, report)
    if default is not None:
        book.remove(default)
    book.properties.creator = "TalentLoop"
    book.properties.title = TITLE_ZH
    if on_step is not None:
        on_step("writing the workbook")
    return xlsx_bytes(book)
