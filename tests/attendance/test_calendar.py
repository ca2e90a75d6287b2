"""The shipped work calendars: 13 statutory days a year from 2025, make-up workdays on weekends."""

from __future__ import annotations

from datetime import date

import pytest

from talentloop.attendance import calendar
from talentloop.attendance.calendar import DayKind, day_kind
from tests.support import Api, World


@pytest.mark.parametrize("year", calendar.SUPPORTED_YEARS)
def test_each_year_has_the_13_statutory_days_of_the_2024_amendment(year: int) -> None:
    names = list(calendar.holidays(year).values())
    assert len(names) == 13
    counts = {name: names.count(name) for name in set(names)}
    assert counts == {
        "元旦": 1, "春节": 4, "清明节": 1, "劳动节": 2, "端午节": 1, "中秋节": 1, "国庆节": 3,
    }  # fmt: skip
    assert all(day.weekday() >= 5 for day in calendar.make_up_workdays(year))
    assert not set(calendar.break_rest_days(year)) & set(calendar.holidays(year))


def test_day_kinds_follow_the_notice_and_the_weekday() -> None:
    assert day_kind(date(2026, 2, 17)) is DayKind.STATUTORY_HOLIDAY  # 正月初一
    assert day_kind(date(2026, 2, 23)) is DayKind.REST_DAY  # a Monday off by 调休
    assert day_kind(date(2026, 2, 28)) is DayKind.WORKDAY  # a Saturday worked by 调休
    assert day_kind(date(2025, 10, 6)) is DayKind.STATUTORY_HOLIDAY  # 中秋节 2025
    assert day_kind(date(2026, 3, 3)) is DayKind.WORKDAY
    assert day_kind(date(2026, 3, 7)) is DayKind.REST_DAY
    assert day_kind(date(2031, 5, 5)) is DayKind.WORKDAY  # not published: weekdays work


async def test_the_api_lists_a_years_special_days(api: Api, world: World) -> None:
    query = "query { workCalendar(year: 2026) { date kind holiday makeUpWorkday } }"
    days = (await api.data(query, as_=world.users["employee"]))["workCalendar"]
    assert len([d for d in days if d["kind"] == "STATUTORY_HOLIDAY"]) == 13
    assert [d["date"] for d in days if d["makeUpWorkday"]] == [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ]  # fmt: skip
    assert (await api.data(query))["workCalendar"] == []  # nothing for the anonymous
