"""Overtime split by the day's kind (劳动法 art. 44) and the caps of art. 41 flagged."""

from __future__ import annotations

from talentloop.attendance.models import HoursSystem
from tests.attendance.conftest import MONTH_QUERY, Branches, day_of, punch
from tests.support import Api, gid


async def _october(api: Api, branches: Branches, person: str = "sh_rep") -> dict:  # type: ignore[type-arg]
    w = branches.world
    data = await api.data(
        MONTH_QUERY, {"id": gid(w.people[person]), "month": "2026-10-01"}, as_=w.users["hq_hr"]
    )
    return data["attendanceMonth"]  # type: ignore[no-any-return]


async def test_overtime_on_a_make_up_workday_a_rest_day_and_a_statutory_holiday_is_split(
    api: Api, branches: Branches
) -> None:
    rep = branches.world.people["sh_rep"]
    # Saturday 10 October 2026 is a make-up workday (调休) for the National Day break:
    # 9:00–20:00 is a workday with 2 hours after the 18:00 end, at 150 %.
    await punch(rep, "2026-10-10", "09:00", "20:00")
    # Saturday 17 October is an ordinary rest day: 9:00–17:00 less lunch = 7 hours at 200 %.
    await punch(rep, "2026-10-17", "09:00", "17:00")
    # Thursday 1 October, National Day, is a statutory holiday: 8:00–12:00 = 4 hours at 300 %.
    await punch(rep, "2026-10-01", "08:00", "12:00")
    # Monday 5 October is off by 调休 but not a statutory holiday: 3 hours at 200 %, not 300 %.
    await punch(rep, "2026-10-05", "09:00", "12:00")
    month = await _october(api, branches)

    make_up = day_of(month, "2026-10-10")
    assert make_up["kind"] == "WORKDAY"
    assert (make_up["lateMinutes"], make_up["absent"]) == (0, False)
    assert make_up["overtimeWorkdayMinutes"] == 120
    assert make_up["overtimeRestDayMinutes"] == make_up["overtimeHolidayMinutes"] == 0

    rest = day_of(month, "2026-10-17")
    assert rest["kind"] == "REST_DAY"
    assert rest["overtimeRestDayMinutes"] == 7 * 60
    assert rest["overtimeWorkdayMinutes"] == rest["overtimeHolidayMinutes"] == 0

    holiday = day_of(month, "2026-10-01")
    assert (holiday["kind"], holiday["holiday"]) == ("STATUTORY_HOLIDAY", "国庆节")
    assert holiday["overtimeHolidayMinutes"] == 4 * 60
    assert holiday["overtimeWorkdayMinutes"] == holiday["overtimeRestDayMinutes"] == 0

    bridge = day_of(month, "2026-10-05")
    assert (bridge["kind"], bridge["holiday"]) == ("REST_DAY", None)
    assert bridge["overtimeRestDayMinutes"] == 3 * 60
    assert bridge["overtimeHolidayMinutes"] == 0

    summary = month["summary"]
    assert summary["overtimeWorkdayHours"] == 2
    assert summary["overtimeRestDayHours"] == 10
    assert summary["overtimeHolidayHours"] == 4
    assert summary["overtimeHours"] == 16
    # Art. 41: more than 3 hours of overtime in a day (the rest day and the holiday) is flagged.
    assert (rest["overDailyCap"], holiday["overDailyCap"], make_up["overDailyCap"]) == (
        True,
        True,
        False,
    )
    assert summary["daysOverDailyCap"] == 2
    assert summary["overMonthlyCap"] is False
    # October 2026 has 18 workdays by the calendar: 22 weekdays, 5 of them off for the break
    # (1, 2, 5, 6, 7 October), plus the make-up Saturday the 10th. Only the 10th was worked.
    assert summary["workdays"] == 18
    # The 17 days without a punch are missing punches (缺卡), not absences, until decided.
    assert summary["absentDays"] == 0


async def test_more_than_36_hours_of_overtime_in_a_month_is_flagged(
    api: Api, branches: Branches
) -> None:
    rep = branches.world.people["sh_rep"]
    # Every Saturday and Sunday of November 2026 from 9:00 to 14:00: 4 hours each (less lunch).
    weekend = ["07", "08", "14", "15", "21", "22", "28", "29"]
    for day in weekend:
        await punch(rep, f"2026-11-{day}", "09:00", "14:00")
    w = branches.world
    data = await api.data(
        MONTH_QUERY, {"id": gid(rep), "month": "2026-11-01"}, as_=w.users["hq_hr"]
    )
    summary = data["attendanceMonth"]["summary"]
    judged = [d for d in data["attendanceMonth"]["days"] if d["date"][-2:] in weekend]
    expected = sum(d["overtimeRestDayMinutes"] for d in judged) / 60
    assert summary["overtimeRestDayHours"] == expected
    assert summary["overMonthlyCap"] is (expected > 36)
    if len(judged) == len(weekend):  # the month has passed: 8 × 4 = 32 hours, not over
        assert expected == 32
        await punch(rep, "2026-11-02", "09:00", "23:00")  # 5 hours after 18:00 on a Monday
        data = await api.data(
            MONTH_QUERY, {"id": gid(rep), "month": "2026-11-01"}, as_=w.users["hq_hr"]
        )
        assert data["attendanceMonth"]["summary"]["overtimeHours"] == 37
        assert data["attendanceMonth"]["summary"]["overMonthlyCap"] is True


async def test_comprehensive_hours_count_overtime_over_the_month_not_the_day(
    api: Api, branches: Branches
) -> None:
    branches.shanghai.hours_system = HoursSystem.COMPREHENSIVE
    await branches.shanghai.save()
    rep = branches.world.people["sh_rep"]
    # A rest day of 10 hours and a holiday of 4: under 综合计算工时 the rest day is not 200 %,
    # the statutory holiday stays 300 %. 10 hours against 17 × 8 standard hours: no overtime.
    await punch(rep, "2026-10-17", "08:00", "19:00")
    await punch(rep, "2026-10-01", "08:00", "12:00")
    month = await _october(api, branches)
    assert day_of(month, "2026-10-17")["overtimeRestDayMinutes"] == 0
    assert day_of(month, "2026-10-01")["overtimeHolidayMinutes"] == 240
    assert month["summary"]["overtimeWorkdayHours"] == 0
    # No absence from the calendar under comprehensive hours (the schedule decides).
    assert month["summary"]["absentDays"] == 0


async def test_flexible_hours_earn_no_overtime_and_no_lateness(
    api: Api, branches: Branches
) -> None:
    branches.shanghai.hours_system = HoursSystem.FLEXIBLE
    await branches.shanghai.save()
    rep = branches.world.people["sh_rep"]
    await punch(rep, "2026-10-09", "11:00", "22:00")
    await punch(rep, "2026-10-01", "08:00", "12:00")
    month = await _october(api, branches)
    friday = day_of(month, "2026-10-09")
    assert (friday["lateMinutes"], friday["overtimeWorkdayMinutes"]) == (0, 0)
    assert month["summary"]["overtimeHours"] == 0
