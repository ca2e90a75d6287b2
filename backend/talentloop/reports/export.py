"""The HR reports as an XLSX file (GET /reports/workforce.xlsx), through the one writer
(spreadsheets.xlsx_bytes), with headings in the viewer's language."""

from __future__ import annotations

from decimal import Decimal

from talentloop.reports.service import TURNOVER_FORMULA, UnitMonth, WorkforceReport
from talentloop.spreadsheets import Workbook, xlsx_bytes

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_TEXTS = {
    "zh": {
        "months": "按月汇总",
        "rows": "按部门",
        "structure": "结构",
        "month": "月份",
        "unit": "部门",
        "headcount": "月末人数",
        "hires": "入职",
        "leavers": "离职",
        "voluntary": "主动离职",
        "involuntary": "被动离职",
        "in": "调入",
        "out": "调出",
        "turnover": "离职率",
        "cost": "人工成本（元）",
        "kind": "维度",
        "band": "分组",
        "count": "人数",
        "age": "年龄",
        "tenure": "司龄（年）",
        "gender": "性别",
        "formula": "离职率 = 当月离职人数 ÷ 当月平均人数（上月末人数与本月末人数之和 ÷ 2）",
    },
    "en": {
        "months": "By month",
        "rows": "By unit",
        "structure": "Structure",
        "month": "Month",
        "unit": "Unit",
        "headcount": "Headcount at month end",
        "hires": "Hires",
        "leavers": "Leavers",
        "voluntary": "Voluntary",
        "involuntary": "Involuntary",
        "in": "Transfers in",
        "out": "Transfers out",
        "turnover": "Turnover rate",
        "cost": "Labour cost (CNY)",
        "kind": "Kind",
        "band": "Band",
        "count": "People",
        "age": "Age",
        "tenure": "Tenure (years)",
        "gender": "Gender",
        "formula": TURNOVER_FORMULA[0].upper() + TURNOVER_FORMULA[1:],
    },
}


def language_of(accept_language: str, asked: str | None = None) -> str:
    """`lang=zh|en` when given, else the first of Accept-Language we speak (Chinese by default)."""
    if asked in _TEXTS:
        return str(asked)
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


def as_xlsx(report: WorkforceReport, language: str) -> bytes:
    t = _TEXTS[language]
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    heads = [t["headcount"], t["hires"], t["leavers"], t["voluntary"], t["involuntary"]]
    heads += [t["in"], t["out"], t["turnover"]] + ([t["cost"]] if report.with_pay else [])

    def figures(m: UnitMonth) -> list[object]:
        rate = m.turnover_rate
        values: list[object] = [m.headcount, m.hires, m.leavers, m.voluntary_leavers]
        values += [m.involuntary_leavers, m.transfers_in, m.transfers_out]
        values.append(float(rate) if rate is not None else None)
        if report.with_pay:
            values.append(float(m.labour_cost.quantize(Decimal("0.01"))))
        return values

    sheet = book.create_sheet(t["months"])
    sheet.append([t["month"], *heads])
    for m in report.months:
        sheet.append([m.month.strftime("%Y-%m"), *figures(m)])
    sheet.append([])
    sheet.append([t["formula"]])
    sheet = book.create_sheet(t["rows"])
    sheet.append([t["month"], t["unit"], *heads])
    for m in report.rows:
        sheet.append([m.month.strftime("%Y-%m"), m.unit_name, *figures(m)])
    sheet = book.create_sheet(t["structure"])
    sheet.append([t["kind"], t["band"], t["count"]])
    groups = [(t["tenure"], report.tenure_bands)]
    if report.with_personal:
        groups += [(t["age"], report.age_bands), (t["gender"], report.genders)]
    for kind, bands in groups:
        for band in bands:
            sheet.append([kind, band.key, band.count])
    return xlsx_bytes(book)
