"""The work calendar: the chinese-calendar package for the years it covers, the days HQ HR
entered from a State Council notice over it, company days over both; a year with neither is
missing, and says so."""

from __future__ import annotations

from datetime import date

import pytest

from talentloop.access.viewer import load_viewer
from talentloop.attendance import calendar
from talentloop.attendance.calendar import DayKind, DaySource, YearStatus, day_kind
from talentloop.attendance.models import CalendarSource
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode, ServiceError
from talentloop.policy import service
from talentloop.policy.service import CalendarDayInput
from tests.support import Api, World


@pytest.mark.parametrize("year", [2025, 2026])
def test_each_year_has_the_13_statutory_days_of_the_2024_amendment(year: int) -> None:
    days = [d for d in calendar.special_days(year) if d.kind is DayKind.STATUTORY_HOLIDAY]
    names = [d.name for d in days]
    counts = {name: names.count(name) for name in set(names)}
    assert counts == {
        "元旦": 1, "春节": 4, "清明节": 1, "劳动节": 2, "端午节": 1, "中秋节": 1, "国庆节": 3,
    }  # fmt: skip
    assert {d.source for d in days} == {DaySource.PACKAGE}
    assert all(d.day.weekday() >= 5 for d in calendar.special_days(year) if d.make_up_workday)


def test_day_kinds_follow_the_package_and_the_weekday() -> None:
    assert day_kind(date(2026, 2, 16)) is DayKind.STATUTORY_HOLIDAY  # 除夕 (decree 795)
    assert day_kind(date(2026, 2, 17)) is DayKind.STATUTORY_HOLIDAY  # 正月初一
    assert day_kind(date(2026, 2, 23)) is DayKind.REST_DAY  # a Monday off by 调休
    assert day_kind(date(2026, 2, 28)) is DayKind.WORKDAY  # a Saturday worked by 调休
    assert day_kind(date(2025, 10, 6)) is DayKind.STATUTORY_HOLIDAY  # 中秋节 2025
    assert day_kind(date(2025, 10, 7)) is DayKind.REST_DAY  # the break, not statutory
    assert day_kind(date(2026, 3, 3)) is DayKind.WORKDAY
    assert day_kind(date(2026, 3, 7)) is DayKind.REST_DAY
    assert calendar.year_status(2026) is YearStatus.PACKAGE
    assert calendar.year_status(2027) is YearStatus.MISSING
    assert day_kind(date(2027, 10, 1)) is DayKind.WORKDAY  # missing: weekdays work


async def test_entered_days_win_over_the_package_and_company_days_over_both(world: World) -> None:
    hr = await load_viewer(world.users["hq_hr"].id)
    # A Saturday the package has as a 调休 workday, entered as a rest day from a (corrected)
    # notice, then made a workday again by the company.
    saturday = date(2026, 2, 28)
    await service.set_calendar_days(
        hr, CalendarSource.NOTICE, [CalendarDayInput(saturday, DayKind.REST_DAY)]
    )
    assert calendar.day(saturday).source is DaySource.NOTICE
    assert day_kind(saturday) is DayKind.REST_DAY
    await service.set_calendar_days(
        hr, CalendarSource.COMPANY,
        [CalendarDayInput(saturday, DayKind.WORKDAY, note="盘点"),
         CalendarDayInput(date(2026, 3, 6), DayKind.REST_DAY, note="公司周年")],
    )  # fmt: skip
    assert day_kind(saturday) is DayKind.WORKDAY
    assert calendar.day(saturday).source is DaySource.COMPANY
    assert day_kind(date(2026, 3, 6)) is DayKind.REST_DAY
    await service.remove_calendar_day(hr, saturday, CalendarSource.COMPANY)
    assert day_kind(saturday) is DayKind.REST_DAY  # the notice day again
    actions = await AuditEntry.filter(subject_type="CalendarDay").values_list("action", flat=True)
    assert sorted(actions) == ["create", "create", "create", "delete"]


async def test_a_missing_year_is_entered_from_the_notice(api: Api, world: World) -> None:
    query = "query { workCalendarYear(year: 2027) { status canEdit days { date kind source } } }"
    year = (await api.data(query, as_=world.users["hq_hr"]))["workCalendarYear"]
    assert year["status"] == "MISSING" and year["canEdit"]
    result = await api.data(
        """mutation($input: SetCalendarDaysInput!) { setCalendarDays(input: $input) {
             days { date kind source } errors { field code } } }""",
        {"input": {"source": "NOTICE", "days": [
            {"date": "2027-01-01", "kind": "STATUTORY_HOLIDAY", "name": "元旦"},
            {"date": "2027-02-20", "kind": "WORKDAY"},
        ]}},
        as_=world.users["hq_hr"],
    )  # fmt: skip
    assert result["setCalendarDays"]["errors"] == []
    year = (await api.data(query, as_=world.users["employee"]))["workCalendarYear"]
    assert year["status"] == "ENTERED" and not year["canEdit"]
    assert {d["date"]: d["kind"] for d in year["days"] if d["source"] == "NOTICE"} == {
        "2027-01-01": "STATUTORY_HOLIDAY", "2027-02-20": "WORKDAY",
    }  # fmt: skip
    assert day_kind(date(2027, 1, 1)) is DayKind.STATUTORY_HOLIDAY


@pytest.mark.parametrize("who", ["branch_hr", "manager", "employee"])
async def test_only_hq_hr_changes_the_calendar(world: World, who: str) -> None:
    viewer = await load_viewer(world.users[who].id)
    with pytest.raises(ServiceError) as err:
        await service.set_calendar_days(
            viewer, CalendarSource.COMPANY,
            [CalendarDayInput(date(2026, 3, 6), DayKind.REST_DAY, note="x")],
        )  # fmt: skip
    assert err.value.errors[0].code is ErrorCode.FORBIDDEN
    assert day_kind(date(2026, 3, 6)) is DayKind.WORKDAY


async def test_a_company_day_is_no_statutory_holiday_and_has_a_note(world: World) -> None:
    hr = await load_viewer(world.users["hq_hr"].id)
    with pytest.raises(ServiceError) as err:
        await service.set_calendar_days(
            hr, CalendarSource.COMPANY,
            [CalendarDayInput(date(2026, 3, 6), DayKind.STATUTORY_HOLIDAY, name="x")],
        )  # fmt: skip
    assert {e.code for e in err.value.errors} == {ErrorCode.INVALID, ErrorCode.REQUIRED}


async def test_the_api_lists_a_years_special_days(api: Api, world: World) -> None:
    query = "query { workCalendar(year: 2026) { date kind holiday makeUpWorkday } }"
    days = (await api.data(query, as_=world.users["employee"]))["workCalendar"]
    assert len([d for d in days if d["kind"] == "STATUTORY_HOLIDAY"]) == 13
    assert [d["date"] for d in days if d["makeUpWorkday"]] == [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ]  # fmt: skip
    assert (await api.data(query))["workCalendar"] == []  # nothing for the anonymous
