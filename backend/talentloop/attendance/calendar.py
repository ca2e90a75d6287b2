"""China's work calendar: statutory holidays, the rest days around them and the make-up
workdays (调休), year by year, as the State Council publishes them each November.

Statutory holidays (全国年节及纪念日放假办法 art. 2, as amended by State Council decree
no. 795 of 2024-11-10, in force 2025-01-01): 13 days a year — 元旦 1, 春节 4 (除夕 to 初三),
清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3. Working on one of these is paid at 300 %
(劳动法 art. 44 (3)). The other days off of a holiday break are rest days moved by 调休:
working on them is rest-day work (200 %, art. 44 (2)), and the make-up workdays are
ordinary workdays (150 % after hours, art. 44 (1)).

Adding a year: transcribe the notice into YEARS below (statutory days by name, the rest of the
break, the make-up workdays); `tests/attendance/test_calendar.py` checks the 13 days.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class DayKind(StrEnum):
    WORKDAY = "workday"
    REST_DAY = "rest_day"
    STATUTORY_HOLIDAY = "statutory_holiday"


def _d(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# Per year: {statutory holiday: name}, the break's other days off, the make-up workdays.
_YEARS: dict[int, tuple[dict[date, str], list[date], list[date]]] = {
    # 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)
    2025: (
        {
            _d(2025, 1, 1): "元旦",
            **{d: "春节" for d in _span(_d(2025, 1, 28), _d(2025, 1, 31))},
            _d(2025, 4, 4): "清明节",
            _d(2025, 5, 1): "劳动节",
            _d(2025, 5, 2): "劳动节",
            _d(2025, 5, 31): "端午节",
            **{d: "国庆节" for d in _span(_d(2025, 10, 1), _d(2025, 10, 3))},
            _d(2025, 10, 6): "中秋节",
        },
        [
            *_span(_d(2025, 2, 1), _d(2025, 2, 4)),
            _d(2025, 4, 5),
            _d(2025, 4, 6),
            *_span(_d(2025, 5, 3), _d(2025, 5, 5)),
            _d(2025, 6, 1),
            _d(2025, 6, 2),
            _d(2025, 10, 4),
            _d(2025, 10, 5),
            _d(2025, 10, 7),
            _d(2025, 10, 8),
        ],
        [_d(2025, 1, 26), _d(2025, 2, 8), _d(2025, 4, 27), _d(2025, 9, 28), _d(2025, 10, 11)],
    ),
    # 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
    2026: (
        {
            _d(2026, 1, 1): "元旦",
            **{d: "春节" for d in _span(_d(2026, 2, 16), _d(2026, 2, 19))},
            _d(2026, 4, 5): "清明节",
            _d(2026, 5, 1): "劳动节",
            _d(2026, 5, 2): "劳动节",
            _d(2026, 6, 19): "端午节",
            _d(2026, 9, 25): "中秋节",
            **{d: "国庆节" for d in _span(_d(2026, 10, 1), _d(2026, 10, 3))},
        },
        [
            _d(2026, 1, 2),
            _d(2026, 1, 3),
            _d(2026, 2, 15),
            *_span(_d(2026, 2, 20), _d(2026, 2, 23)),
            _d(2026, 4, 4),
            _d(2026, 4, 6),
            *_span(_d(2026, 5, 3), _d(2026, 5, 5)),
            _d(2026, 6, 20),
            _d(2026, 6, 21),
            _d(2026, 9, 26),
            _d(2026, 9, 27),
            *_span(_d(2026, 10, 4), _d(2026, 10, 7)),
        ],
        [
            _d(2026, 1, 4),
            _d(2026, 2, 14),
            _d(2026, 2, 28),
            _d(2026, 5, 9),
            _d(2026, 9, 20),
            _d(2026, 10, 10),
        ],
    ),
}

SUPPORTED_YEARS = tuple(sorted(_YEARS))


def holidays(year: int) -> dict[date, str]:
    """The statutory holidays of a year, by name; empty for a year not yet published."""
    return dict(_YEARS[year][0]) if year in _YEARS else {}


def make_up_workdays(year: int) -> list[date]:
    return list(_YEARS[year][2]) if year in _YEARS else []


def break_rest_days(year: int) -> list[date]:
    return list(_YEARS[year][1]) if year in _YEARS else []


def day_kind(day: date) -> DayKind:
    """Workday, rest day or statutory holiday. A year not yet published: Monday to Friday work."""
    entry = _YEARS.get(day.year)
    if entry is not None:
        statutory, rest, make_up = entry
        if day in statutory:
            return DayKind.STATUTORY_HOLIDAY
        if day in make_up:
            return DayKind.WORKDAY
        if day in rest:
            return DayKind.REST_DAY
    # 国务院关于职工工作时间的规定 art. 7: Saturday and Sunday are the weekly rest days.
    return DayKind.REST_DAY if day.weekday() >= 5 else DayKind.WORKDAY


def holiday_name(day: date) -> str | None:
    entry = _YEARS.get(day.year)
    return entry[0].get(day) if entry else None


def is_make_up_workday(day: date) -> bool:
    entry = _YEARS.get(day.year)
    return entry is not None and day in entry[2]


def days_of_month(month: date) -> list[date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return _span(first, following - timedelta(days=1))


def workdays_between(first: date, last: date) -> int:
    return sum(1 for d in _span(first, last) if day_kind(d) is DayKind.WORKDAY)
