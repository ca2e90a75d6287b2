"""Statutory paid annual leave (带薪年休假). Pure functions: no database here.

- 职工带薪年休假条例 art. 3: cumulative years worked ≥ 1 and < 10: 5 days, ≥ 10 and < 20:
  10 days, ≥ 20: 15 days. Statutory holidays and rest days are not counted as leave days.
- 企业职工带薪年休假实施办法 art. 5: a new hire's leave for the year is (the year's calendar
  days remaining at this employer ÷ 365) × their full-year entitlement, and a fraction of a
  day is not granted.

The same pro-rating covers a year in which the employee passes a threshold (their first full
year, the 10th or the 20th): each day of the year at this employer earns the entitlement of
the tier reached on that day, divided by 365 (实施办法 art. 5's denominator), and the sum is
rounded down and never exceeds the highest tier reached.
"""

from __future__ import annotations

from datetime import date, timedelta


def years_between(start: date, on: date) -> int:
    """Whole years from start to on (an anniversary on 29 February falls on 1 March)."""
    years = on.year - start.year
    if (on.month, on.day) < (start.month, start.day):
        years -= 1
    return max(0, years)


def tier_days(years_worked: int) -> int:
    # 职工带薪年休假条例 art. 3
    if years_worked >= 20:
        return 15
    if years_worked >= 10:
        return 10
    if years_worked >= 1:
        return 5
    return 0


def annual_entitlement(
    year: int, *, work_start: date, hire_date: date, termination_date: date | None = None
) -> int:
    """Days of statutory annual leave for a year at this employer."""
    first = max(date(year, 1, 1), hire_date)
    last = date(year, 12, 31)
    if termination_date is not None:
        # 实施办法 art. 12 pro-rates a leaver the same way.
        last = min(last, termination_date)
    if first > last:
        return 0
    earned = 0  # in day-tiers: days × tier days, divided by 365 at the end
    highest = 0
    day = first
    while day <= last:
        # Jump straight to the next anniversary of the work start (or the end of the range).
        tier = tier_days(years_between(work_start, day))
        nxt = _next_anniversary(work_start, day)
        until = min(last, nxt - timedelta(days=1))
        earned += ((until - day).days + 1) * tier
        highest = max(highest, tier)
        day = until + timedelta(days=1)
    return min(highest, earned // 365)


def _next_anniversary(start: date, after: date) -> date:
    """The first anniversary of start strictly after `after`."""
    year = after.year
    while True:
        try:
            candidate = start.replace(year=year)
        except ValueError:  # 29 February in a common year
            candidate = date(year, 3, 1)
        if candidate > after:
            return candidate
        year += 1
