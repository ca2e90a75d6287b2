"""The HR reports as an XLSX file (GET /reports/workforce.xlsx), through the one writer
(spreadsheets.xlsx_bytes), with headings in the viewer's language."""

from __future__ import annotations

from decimal import Decimal

from talentloop.i18n import CHINESE, ENGLISH, N_, current_language, translate
from talentloop.reports.service import TURNOVER_FORMULA, UnitMonth, WorkforceReport
from talentloop.spreadsheets import Workbook, xlsx_bytes

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The headings (talentloop/locale catalogues: the viewer's language).
_TEXTS = {
    "months": N_("By month"),
    "rows": N_("By unit"),
    "structure": N_("Structure"),
    "month": N_("Month"),
    "unit": N_("Unit"),
    "headcount": N_("Headcount at month end"),
    "hires": N_("Hires"),
    "leavers": N_("Leavers"),
    "voluntary": N_("Voluntary"),
    "involuntary": N_("Involuntary"),
    "in": N_("Transfers in"),
    "out": N_("Transfers out"),
    "turnover": N_("Turnover rate"),
    "cost": N_("Labour cost (CNY)"),
    "kind": N_("Kind"),
    "band": N_("Band"),
    "count": N_("People"),
    "age": N_("Age"),
    "tenure": N_("Tenure (years)"),
    "gender": N_("Gender"),
    "formula": TURNOVER_FORMULA,
}
# `lang=` of the download link, which wins over the viewer's language.
_ASKED = {"zh": CHINESE, "en": ENGLISH}


def language_of(asked: str | None = None) -> str:
    """`lang=zh|en` when given, else the request's language (the viewer's setting, else
    Accept-Language, else Chinese: talentloop/i18n.py)."""
    return _ASKED.get(asked or "", current_language())


def as_xlsx(report: WorkforceReport, language: str) -> bytes:
    t = {key: translate(msgid, language=language) for key, msgid in _TEXTS.items()}
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
