"""China's work calendar: statutory holidays, the rest days around them and the make-up
workdays (调休), and the company's own days.

Where a day's kind comes from, the last that has the day winning:
1. the weekday: 国务院关于职工工作时间的规定 art. 7, Saturday and Sunday are the weekly rest days;
2. the maintained `chinese-calendar` package, for the years it covers (the State Council's
   notice each November: days off and 调休 workdays);
3. days HQ HR entered from the State Council's notice (a year before the package has it);
4. the company's overrides (a day off or a working day of its own, with a note).

A year that neither the package nor the entered days cover is *missing*: its days fall back to
the weekday rule, and the screens say "calendar missing for <year>" (`year_status`).

Statutory holidays (全国年节及纪念日放假办法 art. 2, as amended by State Council decree
no. 795 of 2024-11-10, in force 2025-01-01): 13 days a year — 元旦 1, 春节 4 (除夕 to 初三),
清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 (decree no. 644, 2014–2024: 11 days, 春节 初一 to
初三, 劳动节 1; decree no. 513, 2008–2013: 春节 除夕 to 初二). Working on one of these is paid at
300 % (劳动法 art. 44 (3)). The package marks a break's days off without telling the
statutory ones from the rest days moved by 调休, so the statutory ones are found by that rule
(`statutory_days`): working on the others is rest-day work (200 %, art. 44 (2)), and the
make-up workdays are ordinary workdays (150 % after hours, art. 44 (1)).

The entered days live in the database (attendance/models.py `CalendarDay`) and are read
everywhere synchronously from this process's copy: `refresh()` reloads it at start-up, after
every change, at the start of each payroll job and every `REFRESH_SECONDS` in the background.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar
from lunardate import LunarDate


class DayKind(StrEnum):
    WORKDAY = "workday"
    REST_DAY = "rest_day"
    STATUTORY_HOLIDAY = "statutory_holiday"


class YearStatus(StrEnum):
    PACKAGE = "package"  # the chinese-calendar package has the year
    ENTERED = "entered"  # HQ HR entered the year's notice
    MISSING = "missing"  # neither: weekdays are workdays, a warning shows


class DaySource(StrEnum):
    WEEKDAY = "weekday"
    PACKAGE = "package"
    NOTICE = "notice"
    COMPANY = "company"


@dataclass(frozen=True)
class Day:
    day: date
    kind: DayKind
    source: DaySource
    name: str = ""  # the holiday's name
    note: str = ""
    make_up_workday: bool = False  # a weekend day worked by 调休


REFRESH_SECONDS = 60.0

_PACKAGE_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: "元旦",
    chinese_calendar.Holiday.spring_festival.value: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
    chinese_calendar.Holiday.labour_day.value: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
    chinese_calendar.Holiday.national_day.value: "国庆节",
    chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
    chinese_calendar.Holiday.anti_fascist_70th_day.value: "抗战胜利70周年纪念日",
}


def _package_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays)


PACKAGE_YEARS = _package_years()

# This process's copy of the entered days: {day: Day} for notice days and company days.
_notice: dict[date, Day] = {}
_company: dict[date, Day] = {}


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@functools.cache
def _statutory(year: int) -> dict[date, str]:
    """The statutory holidays of a year by the decree in force (see the module docstring)."""
    if year < 2008:
        return {}
    new_year = LunarDate(year, 1, 1).to_solar_date()
    if year >= 2025:
        spring = _span(new_year - timedelta(days=1), new_year + timedelta(days=2))
    elif year >= 2014:
        spring = _span(new_year, new_year + timedelta(days=2))
    else:
        spring = _span(new_year - timedelta(days=1), new_year + timedelta(days=1))
    qingming = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    labour = [date(year, 5, 1), date(year, 5, 2)] if year >= 2025 else [date(year, 5, 1)]
    days = {date(year, 1, 1): "元旦"}
    days |= {d: "春节" for d in spring}
    days |= {d: "清明节" for d, _name in qingming}
    days |= {d: "劳动节" for d in labour}
    days[LunarDate(year, 5, 5).to_solar_date()] = "端午节"
    days[LunarDate(year, 8, 15).to_solar_date()] = "中秋节"
    days |= {date(year, 10, n): "国庆节" for n in (1, 2, 3)}
    return days


def statutory_days(year: int) -> dict[date, str]:
    """The statutory holidays of a year by the decree in force (see the module docstring)."""
    return dict(_statutory(year))


def _weekday(day: date) -> Day:
    kind = DayKind.REST_DAY if day.weekday() >= 5 else DayKind.WORKDAY
    return Day(day, kind, DaySource.WEEKDAY)


def _package_day(day: date) -> Day | None:
    if day.year not in PACKAGE_YEARS:
        return None
    off, name = chinese_calendar.get_holiday_detail(day)
    if not off:
        return Day(day, DayKind.WORKDAY, DaySource.PACKAGE, make_up_workday=day.weekday() >= 5)
    if name is None:
        return Day(day, DayKind.REST_DAY, DaySource.PACKAGE)  # an ordinary weekend
    statutory = _statutory(day.year).get(day)
    label = _PACKAGE_NAMES.get(name, name)
    if statutory is not None:
        return Day(day, DayKind.STATUTORY_HOLIDAY, DaySource.PACKAGE, statutory)
    return Day(day, DayKind.REST_DAY, DaySource.PACKAGE, label)


def day(d: date) -> Day:
    """The day as the calendar has it, from the last source that has it."""
    found = _company.get(d) or _notice.get(d) or _package_day(d)
    return found or _weekday(d)


def day_kind(d: date) -> DayKind:
    """Workday, rest day or statutory holiday. A missing year: Monday to Friday work."""
    return day(d).kind


def holiday_name(d: date) -> str | None:
    found = day(d)
    return found.name or None if found.kind is DayKind.STATUTORY_HOLIDAY else None


def year_status(year: int) -> YearStatus:
    if any(d.year == year for d in _notice):
        return YearStatus.ENTERED
    return YearStatus.PACKAGE if year in PACKAGE_YEARS else YearStatus.MISSING


def special_days(year: int) -> list[Day]:
    """The days of a year that differ from their weekday, or that were entered (with where
    each comes from): what the calendar screen shows."""
    out = []
    for d in _span(date(year, 1, 1), date(year, 12, 31)):
        found = day(d)
        plain = _weekday(d)
        if found.source in (DaySource.NOTICE, DaySource.COMPANY) or found.kind is not plain.kind:
            out.append(found)
        elif found.kind is DayKind.REST_DAY and found.name:
            out.append(found)  # a weekend inside a holiday break
    return out


def days_of_month(month: date) -> list[date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return _span(first, following - timedelta(days=1))


def workdays_between(first: date, last: date) -> int:
    return sum(1 for d in _span(first, last) if day_kind(d) is DayKind.WORKDAY)


# --- this process's copy of the entered days ---------------------------------------------------


def load(rows: list[tuple[date, str, DayKind, str, str]]) -> None:
    """Replace the copy with (day, source, kind, name, note) rows."""
    notice: dict[date, Day] = {}
    company: dict[date, Day] = {}
    for d, source, kind, name, note in rows:
        target = company if source == DaySource.COMPANY else notice
        src = DaySource.COMPANY if source == DaySource.COMPANY else DaySource.NOTICE
        make_up = kind is DayKind.WORKDAY and d.weekday() >= 5
        target[d] = Day(d, kind, src, name, note, make_up)
    _notice.clear()
    _notice.update(notice)
    _company.clear()
    _company.update(company)


async def refresh() -> None:
    """Reload the entered days from the database (one query)."""
    from talentloop.attendance.models import CalendarDay

    rows = await CalendarDay.all().values_list("day", "source", "kind", "name", "note")
    load([(d, s, DayKind(k), n, t) for d, s, k, n, t in rows])


async def keep_fresh(seconds: float) -> None:
    """Reload every `seconds`, for the changes made in another process (app.py's lifespan)."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await refresh()
        except Exception:  # a database hiccup: keep the last copy, try again later
            logging.getLogger(__name__).exception("work calendar refresh failed")
