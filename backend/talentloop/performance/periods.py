"""Periods: a month or quarter, named by its first day; parsed from "2026-03" or "2026-Q1"."""

from __future__ import annotations

import re
from datetime import date

from talentloop.i18n import N_
from talentloop.inputs import MIN_YEAR, PERIOD_YEARS_AHEAD, period_year_ok
from talentloop.performance.models import PeriodType

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def parse_period(text: str, period_type: PeriodType = PeriodType.MONTH) -> date | None:
    """The first day of the period, or None when the text names no period of this type."""
    text = text.strip()
    if period_type is PeriodType.QUARTER:
        q = _QUARTER.match(text)
        if q:
            start = date(int(q[1]), (int(q[2]) - 1) * 3 + 1, 1)
            return start if period_year_ok(start) else None
    m = _MONTH.match(text)
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    start = date(int(m[1]), int(m[2]), 1)
    if not period_year_ok(start):
        return None
    if period_type is PeriodType.QUARTER and start.month % 3 != 1:
        return None
    return start


# The placeholders of period_problem's messages.
PERIOD_RANGE = {"first": MIN_YEAR, "years": PERIOD_YEARS_AHEAD}


def period_problem(day: date, period_type: PeriodType = PeriodType.MONTH) -> str | None:
    """Why `day` names no period a KPI value or target may be recorded for, or None."""
    if not is_period_start(day, period_type):
        return (
            N_("Not the first day of a month.")
            if period_type is PeriodType.MONTH
            else N_("Not the first day of a quarter.")
        )
    if not period_year_ok(day):
        return N_("A period falls in {first} to {years} years from now.")
    return None


def is_period_start(day: date, period_type: PeriodType = PeriodType.MONTH) -> bool:
    return day.day == 1 and (period_type is PeriodType.MONTH or day.month % 3 == 1)


def next_period(day: date, period_type: PeriodType = PeriodType.MONTH) -> date:
    step = 3 if period_type is PeriodType.QUARTER else 1
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
    return f"{day.year}-{day.month:02d}"
