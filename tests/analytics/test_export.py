"""The report's words and files, from a report built by hand (no database): the sentences state
a conclusive effect with its numbers and refuse to claim one that is not; the PDF holds the
Chinese title, the course, the numbers and the charts; the XLSX holds the report's numbers as
numbers."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from talentloop.analytics import export, narrative, stats
from talentloop.analytics.models import EventKind, ExternalEvent
from talentloop.analytics.service import EffectReport, ReportParams, TrendPoint
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.performance.models import Kpi, KpiUnit
from talentloop.training.models import Course, CourseFormat

MONTHS = [date(2026, m, 1) for m in range(3, 11)]  # March – October 2026
EFFECT, LOW, HIGH = 0.75, 0.48, 1.02
COST = Decimal(54000)


def _unit(unit_id: int, code: str, name: str, kind: OrgUnitType = OrgUnitType.BRANCH) -> OrgUnit:
    return OrgUnit(id=unit_id, code=code, name=name, type=kind, path=f"/{unit_id}/", depth=1)


def _params(**extra: object) -> ReportParams:
    values: dict[str, object] = {
        "course_id": 1,
        "kpi_id": 1,
        "unit_id": None,
        "pre_from": date(2026, 3, 1),
        "pre_to": date(2026, 5, 1),
        "post_from": date(2026, 8, 1),
        "post_to": date(2026, 10, 1),
        "horizon_periods": 6,
        "value_per_unit": Decimal(2000),
        "exclude_events": True,
        **extra,
    }
    return ReportParams(**values)  # type: ignore[arg-type]


def _did(conclusive: bool = True, n_treated: int = 40, n_control: int = 120) -> stats.DidResult:
    if conclusive:
        return stats.DidResult(
            0.80,
            1.90,
            0.85,
            1.20,
            n_treated,
            n_control,
            EFFECT,
            stats.Interval(LOW, HIGH),
            True,
            "",
        )
    return stats.DidResult(
        0.80,
        1.00,
        0.85,
        0.95,
        n_treated,
        n_control,
        0.10,
        stats.Interval(-0.20, 0.40),
        False,
        "the interval includes zero",
    )


def _roi(did: stats.DidResult, value: Decimal | None = Decimal(2000)) -> stats.Roi:
    return stats.roi(
        effect=did.effect,
        effect_low=did.interval.low if did.interval else None,
        conclusive=did.conclusive and value is not None,
        participants=did.n_treated,
        horizon_periods=6,
        value_per_unit=value or Decimal(0),
        cost=COST,
    )


def make_report(*, conclusive: bool = True, with_branches: bool = True) -> EffectReport:
    kpi = Kpi(id=1, code="NEW_CUSTOMERS", name="新客户数", unit=KpiUnit.COUNT)
    course = Course(
        id=1,
        code="PK-101",
        title="《产品知识大全》",
        format=CourseFormat.ONLINE,
        duration_hours=Decimal(4),
    )
    line = _unit(9, "SZ-PROD", "深圳生产线", OrgUnitType.DEPARTMENT)
    event = ExternalEvent(
        id=1,
        unit_id=line.id,
        kind=EventKind.SUPPLIER_DELAY,
        title="新供应商交付延迟",
        description="The new supplier delivered late.",
        period_from=date(2026, 8, 1),
        period_to=date(2026, 9, 1),
    )
    event.unit = line  # as select_related("unit") leaves it (an unsaved unit cannot be passed in)
    did = _did(conclusive)
    trend = [
        TrendPoint(
            p,
            0.8 + 0.15 * i if i < 5 else 1.9,
            0.85 + 0.05 * i,
            did.n_treated,
            did.n_control,
        )
        for i, p in enumerate(MONTHS)
    ]
    report = EffectReport(
        params=_params(),
        unit=None,
        course=course,
        kpi=kpi,
        population=200,
        participation_before=Decimal("12.5"),
        participation_after=Decimal("32.5"),
        comparison=stats.Comparison(
            1.85, 1.20, 55, 120, 0.65, 0.65 / 1.20, stats.Interval(0.40, 0.90), True, ""
        ),
        did=did,
        roi=_roi(did),
        value_per_unit=Decimal(2000),
        trend=trend,
        events=[event],
        excluded_rows=24,
    )
    if with_branches:
        for unit_id, code, name, n in ((2, "SH", "上海分公司", 25), (3, "BJ", "北京分公司", 6)):
            branch_did = _did(True, n) if n >= 10 else _small_did(n)
            report.branches.append(
                dataclasses.replace(
                    report,
                    unit=_unit(unit_id, code, name),
                    population=n * 3,
                    did=branch_did,
                    roi=_roi(branch_did),
                    branches=[],
                    comparison_pool="parent",
                )
            )
    return report


def _small_did(n: int) -> stats.DidResult:
    return stats.DidResult(
        0.7,
        1.6,
        0.85,
        1.20,
        n,
        120,
        0.55,
        stats.Interval(0.1, 1.0),
        False,
        "fewer than 10 in a group",
    )


def _text(content: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


# --- the sentences ---------------------------------------------------------------------------------


def test_a_conclusive_effect_in_plain_words() -> None:
    report = make_report()
    zh, en = narrative.summary(report, "zh"), narrative.summary(report, "en")
    assert zh == (
        "受训员工人均每月新客户数从 0.80 升至 1.90；其中约 0.75 可归因于课程"
        "（95% 区间 0.48–1.02），对照组为同期未受训的 120 名同事。"
    )
    assert en == (
        "New customers per person per month among the trained rose from 0.80 to 1.90; "
        "about 0.75 of that is attributable to the course (95 % interval 0.48–1.02), "
        "compared with 120 untrained colleagues over the same months."
    )
    assert narrative.summary(report) == zh  # zh by default


def test_roi_in_plain_words() -> None:
    report = make_report()
    # benefit = 0.75 × 40 trained × 6 months × ¥2,000 = ¥360,000 against ¥54,000
    assert report.roi.roi_percent == Decimal("566.7")
    assert report.roi.conservative_roi_percent == Decimal("326.7")  # 0.48 × 40 × 6 × 2,000
    en = narrative.roi_sentence(report, "en")
    assert en == (
        "ROI 567 % (conservative 327 %, with the lower end of the interval) over 6 months: "
        "benefit ¥360,000 against a fully loaded cost of ¥54,000; benefit-cost ratio 6.67."
    )
    zh = narrative.roi_sentence(report, "zh")
    assert "567%" in zh and "327%" in zh and "¥360,000" in zh and "¥54,000" in zh
    assert zh.startswith("6 个月内 ROI 为 567%")


def test_an_effect_that_is_not_conclusive_is_not_claimed() -> None:
    report = make_report(conclusive=False)
    en, zh = narrative.summary(report, "en"), narrative.summary(report, "zh")
    assert "attributable" not in en and "not conclusive" in en
    assert "-0.20 to 0.40" in en and "includes zero" in en
    assert "0.10" not in en  # the estimate is not stated as a finding
    assert "可归因于" not in zh and "不确定" in zh and "包含零" in zh
    # no ROI from an effect that is not conclusive, and the reason is given
    assert report.roi.roi_percent is None
    assert narrative.roi_sentence(report, "en").startswith(
        "ROI cannot be stated: the effect is not conclusive"
    )
    assert narrative.roi_sentence(report, "zh").startswith("无法给出 ROI：效果不确定")


def test_too_few_in_a_group_is_said_with_the_sizes() -> None:
    report = dataclasses.replace(make_report(), did=_small_did(6))
    en = narrative.summary(report, "en")
    assert "attributable" not in en
    assert "fewer than 10 employees in a group (6 trained, 120 untrained)" in en
    assert "有一组少于 10 人（受训 6 人，未受训 120 人）" in narrative.summary(report, "zh")


def test_no_roi_without_a_value_per_unit() -> None:
    report = make_report()
    report = dataclasses.replace(report, value_per_unit=None, roi=_roi(report.did, value=None))
    assert "no money value per unit" in narrative.roi_sentence(report, "en")
    assert "尚未设定每单位的货币价值" in narrative.roi_sentence(report, "zh")


def test_numbers_are_formatted_by_the_kpi_unit() -> None:
    rate = Kpi(code="CONVERSION_RATE", name="转化率", unit=KpiUnit.PERCENT)
    sales = Kpi(code="REVENUE", name="销售额", unit=KpiUnit.MONEY)
    assert narrative.level(15.0, rate, "en") == "15.0 %"
    assert narrative.level(15.0, rate, "zh") == "15.0%"
    assert narrative.change(2.5, rate, "en") == "2.5 pp"
    assert narrative.level(1234567.4, sales) == "¥1,234,567"
    assert narrative.money(Decimal("12.50")) == "¥12.50"
    assert narrative.money(Decimal(-3000)) == "-¥3,000"
    assert narrative.kpi_label(rate, "en") == "Conversion rate"  # a rate is not per person


def test_file_names_are_ascii() -> None:
    report = make_report()
    assert export.file_name(report, "pdf") == "training-effect-PK-101-NEW_CUSTOMERS-2026-10.pdf"
    branch = report.branches[0]
    assert (
        export.file_name(branch, "xlsx") == "training-effect-PK-101-NEW_CUSTOMERS-SH-2026-10.xlsx"
    )
    odd = dataclasses.replace(
        report, course=Course(code="培训 1/2", title="x", format=CourseFormat.ONLINE)
    )
    name = export.file_name(odd, "pdf")
    assert name.isascii() and "/" not in name and " " not in name


# --- the PDF ---------------------------------------------------------------------------------------


def test_pdf_has_the_title_the_course_the_numbers_and_the_charts() -> None:
    steps: list[str] = []
    content = export.render_pdf(make_report(), on_step=steps.append)
    assert content.startswith(b"%PDF")
    assert [name for name, _ in export.PDF_SECTIONS] == steps[: len(export.PDF_SECTIONS)]
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "培训效果与绩效影响报告" in text
    assert "《产品知识大全》" in text
    for number in ("0.80", "1.90", "0.75", "0.48–1.02", "567%", "¥360,000", "¥54,000"):
        assert number in text, number
    # the chart titles and labels are text in the same font
    for label in ("月度趋势", "培训前后", "投资回报", "参训率", "受训组", "对照组", "2026-08"):
        assert label in text, label
    # the branches side by side, the events and their exclusion
    assert "上海分公司" in text and "北京分公司" in text
    assert "新供应商交付延迟" in text and "24 个员工·月" in text
    assert "不确定" in text  # the Beijing branch has too few trained
    # the charts are vector drawings: rectangles and line segments in the content streams
    streams = b"".join(
        page.get_contents().get_data() for page in reader.pages if page.get_contents() is not None
    )
    assert len(re.findall(rb" re\b", streams)) >= 12  # 9 bars, the periods and the event band
    assert len(re.findall(rb" l\b", streams)) > 30
    # the CJK font is embedded
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("WenQuanYi" in f or "STSong" in f or "Hei" in f for f in fonts), fonts


def test_pdf_in_english_marks_what_is_not_conclusive() -> None:
    content = export.render_pdf(make_report(conclusive=False), "en")
    text = _text(content)
    assert "培训效果与绩效影响报告" in text and "Training effect" in text
    assert "Monthly trend" in text and "Before and after" in text
    assert "not conclusive" in text
    assert "ROI cannot be stated" in text
    assert "attributable to the course (95 %" not in text


def test_pdf_is_deterministic() -> None:
    report = make_report()
    assert export.render_pdf(report) == export.render_pdf(report)


def test_pdf_with_nothing_to_show_still_renders() -> None:
    report = make_report(with_branches=False)
    report = dataclasses.replace(
        report,
        did=stats.DidResult(
            None, None, None, None, 0, 0, None, None, False, "fewer than 10 in a group"
        ),
        comparison=stats.Comparison(
            None, None, 0, 0, None, None, None, False, "fewer than 10 in a group"
        ),
        roi=stats.Roi(Decimal(0), None, None, None, None, None, False),
        participation_before=None,
        participation_after=None,
        trend=[TrendPoint(p, None, None, 0, 0) for p in MONTHS],
        events=[],
    )
    text = " ".join(_text(export.render_pdf(report, "en")).split())  # lines wrap anywhere
    assert "cannot be measured" in text and "No data" in text


def test_a_group_with_no_month_of_data_is_left_out_of_the_trend() -> None:
    """A comparison group with no mean in any month (everyone in the scope trained), and one
    measured in a single month: the chart draws what there is and the PDF renders (reportlab
    refuses a line of no points)."""
    report = make_report()
    for keep in (None, 3):
        trend = [
            dataclasses.replace(p, control_mean=p.control_mean if i == keep else None)
            for i, p in enumerate(report.trend)
        ]
        content = export.render_pdf(dataclasses.replace(report, trend=trend), "en")
        assert "Monthly trend" in " ".join(_text(content).split())


def _colored_pixels(ppm: bytes) -> int:
    """Pixels of the charts' colours (blue lines and bars, orange bands), not black or grey text."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6"
    width, height, data = int(parts[1]), int(parts[2]), parts[4]
    count = 0
    for i in range(0, width * height * 3, 3):
        r, g, b = data[i], data[i + 1], data[i + 2]
        if abs(r - b) > 60 or abs(g - b) > 60:
            count += 1
    return count


def test_the_charts_are_drawn(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(export.render_pdf(make_report()))
    subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.ppm"))
    assert pages
    assert sum(_colored_pixels(p.read_bytes()) for p in pages) > 2000


# --- the XLSX --------------------------------------------------------------------------------------


def _summary_rows(content: bytes) -> dict[str, tuple[object, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["汇总 Summary"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "指标")
    key = header.index("字段 Key")
    return {
        str(row[key]): row
        for row in sheet.iter_rows(values_only=True)
        if len(row) > key and row[key] and row[key] != "字段 Key"
    }


def test_xlsx_holds_the_reports_numbers() -> None:
    report = make_report()
    steps: list[str] = []
    content = export.render_xlsx(report, on_step=steps.append)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["汇总 Summary", "趋势 Trend", "分支 Branches", "事件 Events"]
    assert steps[:4] == ["summary sheet", "trend sheet", "branches sheet", "events sheet"]
    rows = _summary_rows(content)
    # columns: 指标, Figure, value, low, high, n a, n b, conclusive, 原因, Reason, key
    effect = rows["effect"]
    assert effect[2:8] == (EFFECT, LOW, HIGH, 40, 120, True)
    assert rows["population"][2] == 200
    assert rows["participation_before"][2] == 12.5
    assert rows["participation_after"][2] == 32.5
    assert rows["comparison_difference"][2:8] == (0.65, 0.4, 0.9, 55, 120, True)
    assert rows["comparison_relative"][2] == round(0.65 / 1.20, 4)
    assert rows["trained_before"][2] == 0.8 and rows["trained_after"][2] == 1.9
    assert rows["comparison_before"][2] == 0.85 and rows["comparison_after"][2] == 1.2
    assert rows["relative_effect"][2] == round(EFFECT / 0.80, 4)
    assert rows["roi_percent"][2] == 566.7 and rows["conservative_roi_percent"][2] == 326.7
    assert rows["benefit"][2] == 360000 and rows["cost"][2] == 54000
    assert rows["bcr"][2] == float(report.roi.bcr or 0)
    assert rows["horizon_months"][2] == 6 and rows["value_per_unit"][2] == 2000
    assert rows["excluded_employee_months"][2] == 24
    for row in rows.values():  # numbers are numbers
        assert not isinstance(row[2], str), row


def test_xlsx_trend_branches_and_events() -> None:
    report = make_report()
    book = openpyxl.load_workbook(io.BytesIO(export.render_xlsx(report)))
    trend = list(book["趋势 Trend"].iter_rows(min_row=2, values_only=True))
    assert len(trend) == len(MONTHS)
    assert [(r[0].date() if r[0] else None) for r in trend] == MONTHS  # type: ignore[union-attr]
    for row, point in zip(trend, report.trend, strict=True):
        assert row[1] == round(point.treated_mean or 0, 4)
        assert row[2] == round(point.control_mean or 0, 4)
        assert row[3:5] == (40, 120)
    assert trend[5][6] == "新供应商交付延迟" and trend[0][6] is None  # August
    assert trend[0][5] == "培训前 pre" and trend[7][5] == "培训后 post"

    sheet = book["分支 Branches"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    branches = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [b[1] for b in branches] == ["SH", "BJ"]
    column = {title: i for i, title in enumerate(header)}
    effect = column[
        "可归因于课程的效果（双重差分，人均每期） Effect attributable to the course (DiD, per person and period)"
    ]
    assert branches[0][effect] == EFFECT and branches[1][effect] == 0.55
    assert branches[0][column["受训组 培训前 Trained, before"]] == 0.8
    verdict = column["可归因于课程的效果（双重差分，人均每期） 结论性 Conclusive"]
    assert branches[0][verdict] is True and branches[1][verdict] is False
    assert branches[1][-1].startswith("fewer than 10 employees in a group")

    events = list(book["事件 Events"].iter_rows(min_row=2, values_only=True))
    assert events[0][1] == "新供应商交付延迟" and events[0][4] == "SZ-PROD"
    assert events[0][8] is True
    assert events[-1][1].startswith("剔除的员工·月") and events[-1][3] == 24


def test_names_that_read_as_formulas_are_text_in_the_report_xlsx() -> None:
    from tests.support import FORMULA_NAMES, assert_formulas_are_text

    report = make_report()
    report.kpi.name = FORMULA_NAMES[0]
    report.course.title = FORMULA_NAMES[2]
    for event in report.events:
        event.title = FORMULA_NAMES[1]
    assert_formulas_are_text(export.render_xlsx(report), *(FORMULA_NAMES[i] for i in (0, 2, 1)))
