"""Periods: a month, quarter or year, named by its first day; parsed from "2026-03",
"2026-Q1" or "2026" (the API's strict forms; a file's cells are read forgivingly by
`parse_file_period`, imports/parse.py)."""

from __future__ import annotations

import re
from datetime import date

from talentloop.errors import ErrorCode, FieldError
from talentloop.i18n import N_
from talentloop.imports import parse
from talentloop.inputs import MIN_YEAR, PERIOD_YEARS_AHEAD, period_year_ok
from talentloop.performance.models import PeriodType

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})年?$")

# Months in a period of each type.
MONTHS = {PeriodType.MONTH: 1, PeriodType.QUARTER: 3, PeriodType.YEAR: 12}


def parse_period(text: str, period_type: PeriodType = PeriodType.MONTH) -> date | None:
    """The first day of the period, or None when the text names no period of this type."""
    text = text.strip()
    if period_type is PeriodType.QUARTER:
        q = _QUARTER.match(text)
        if q:
            start = date(int(q[1]), (int(q[2]) - 1) * 3 + 1, 1)
            return start if period_year_ok(start) else None
    if period_type is PeriodType.YEAR:
        y = _YEAR.match(text)
        if y:
            start = date(int(y[1]), 1, 1)
            return start if period_year_ok(start) else None
    m = _MONTH.match(text)
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    start = date(int(m[1]), int(m[2]), 1)
    if not period_year_ok(start):
        return None
    if not is_period_start(start, period_type):
        return None
    return start


def parse_file_period(text: str, period_type: PeriodType = PeriodType.MONTH) -> date | None:
    """As `parse_period`, reading a file's cell forgivingly (imports/parse.py: 2026/11,
    2026年11月, 202611, a date in the month, 2026年第1季度, 2026年…)."""
    start = parse.parse_period(text, period_type)
    if start is None or not period_year_ok(start):
        return None
    return start


# The placeholders of period_problem's messages.
PERIOD_RANGE = {"first": MIN_YEAR, "years": PERIOD_YEARS_AHEAD}

NOT_PERIOD_START = {
    PeriodType.MONTH: N_("Not the first day of a month."),
    PeriodType.QUARTER: N_("Not the first day of a quarter."),
    PeriodType.YEAR: N_("Not the first day of a year."),
}


def period_problem(day: date, period_type: PeriodType = PeriodType.MONTH) -> str | None:
    """Why `day` names no period a KPI value or target may be recorded for, or None."""
    if not is_period_start(day, period_type):
        return NOT_PERIOD_START[period_type]
    if not period_year_ok(day):
        return N_("A period falls in {first} to {years} years from now.")
    return None


# A KPI value or target after the end of next year is a typing error (2099-12), not a plan.
TOO_FAR_AHEAD = N_("The period is too far in the future: the latest allowed is {latest}.")


def period_problems(day: date, period_type: PeriodType = PeriodType.MONTH) -> list[FieldError]:
    """`period_problem` and the far-future rule as errors on `period` (recordPerformance,
    setKpiTarget and the imports share them)."""
    if (text := period_problem(day, period_type)) is not None:
        return [FieldError(text, ErrorCode.INVALID, "period", **PERIOD_RANGE)]
    if too_far_ahead(day, period_type):
        latest = label(latest_period(period_type), period_type)
        return [FieldError(TOO_FAR_AHEAD, ErrorCode.INVALID, "period", latest=latest)]
    return []


def latest_period(period_type: PeriodType = PeriodType.MONTH, today: date | None = None) -> date:
    """The last period a KPI value or target may be recorded for: the one holding the end of
    next year (2027-12, 2027-Q4 or 2027 in 2026)."""
    year = (today or date.today()).year + 1
    return period_start(date(year, 12, 31), period_type)


def too_far_ahead(day: date, period_type: PeriodType = PeriodType.MONTH) -> bool:
    return day > latest_period(period_type)


def period_start(day: date, period_type: PeriodType = PeriodType.MONTH) -> date:
    """The first day of the period of this type that holds `day`."""
    step = MONTHS[period_type]
    return date(day.year, (day.month - 1) // step * step + 1, 1)


def is_period_start(day: date, period_type: PeriodType = PeriodType.MONTH) -> bool:
    return day.day == 1 and (day.month - 1) % MONTHS[period_type] == 0


def next_period(day: date, period_type: PeriodType = PeriodType.MONTH) -> date:
    step = MONTHS[period_type]
    month = day.month - 1 + step
    return date(day.year + month // 12, month % 12 + 1, 1)


def periods_between(
    first: date, last: date, period_type: PeriodType = PeriodType.MONTH
) -> list[date]:
    result: list[date] = []
    current = first
    while current <= last:
        result.append(current)
        current = next_period(current, period_type)
    return result


def label(day: date, period_type: PeriodType = PeriodType.MONTH) -> str:
    if period_type is PeriodType.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if period_type is PeriodType.YEAR:
        return f"{day.year}"
    return f"{day.year}-{day.month:02d}"
