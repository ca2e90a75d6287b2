"""Months as payroll counts them: a month is its first day."""

from __future__ import annotations

from calendar import monthrange
from datetime import date


def add_months(month: date, n: int) -> date:
    m = month.month - 1 + n
    return date(month.year + m // 12, m % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])
