"""A company with a Shanghai and a Shenzhen branch that keep different attendance rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from talentloop.accounts.models import Role
from talentloop.attendance.models import AllowedLocation, AttendanceRuleSet, Punch, PunchSource
from talentloop.org.models import OrgUnitType
from tests.support import World, add_person, add_unit, add_user

CHINA = timezone(timedelta(hours=8))

# 上海 张江 and 深圳 南山: the centres of the branches' allowed locations.
SHANGHAI_OFFICE = (31.2035, 121.5906)
SHENZHEN_OFFICE = (22.5405, 113.9345)

MONTH_QUERY = """
query ($id: ID!, $month: Date!) {
  attendanceMonth(employeeId: $id, month: $month) {
    ruleSet { name graceMinutes }
    days { date kind holiday firstIn lastOut workedMinutes lateMinutes earlyMinutes absent
           missingPunch leaveType overtimeWorkdayMinutes overtimeRestDayMinutes
           overtimeHolidayMinutes overDailyCap }
    summary { workdays daysPresent lateCount lateMinutes earlyCount absentDays
              overtimeWorkdayHours overtimeRestDayHours overtimeHolidayHours overtimeHours
              daysOverDailyCap overMonthlyCap leaveDays { leaveType days } }
  }
}
"""


@dataclass
class Branches:
    world: World
    shanghai: AttendanceRuleSet
    shenzhen: AttendanceRuleSet


def china(day: str, clock: str) -> datetime:
    """A moment given in China time, as stored (UTC)."""
    return datetime.fromisoformat(f"{day}T{clock}:00").replace(tzinfo=CHINA).astimezone(UTC)


async def punch(employee, day: str, *clocks: str) -> None:  # type: ignore[no-untyped-def]
    for clock in clocks:
        await Punch.create(employee=employee, punched_at=china(day, clock), source=PunchSource.WEB)


def day_of(month: dict, day: str) -> dict:  # type: ignore[type-arg]
    found = [d for d in month["days"] if d["date"] == day]
    assert len(found) == 1, f"{day} not in the month"
    return found[0]


@pytest.fixture
async def branches(world: World) -> Branches:
    """The test world plus a Shenzhen branch (SZ, SZ-SALES: sz_rep, HR user sz_hr).

    Shanghai: 9:00–18:00, lunch 12:00–13:00, 5 minutes' grace, absent when more than 60
    minutes late. Shenzhen: the same hours, 15 minutes' grace, absent beyond 30 minutes.
    """
    w = world
    w.units["SZ"] = await add_unit("SZ", OrgUnitType.BRANCH, w.units["ACME"], "深圳")
    w.units["SZ-SALES"] = await add_unit("SZ-SALES", OrgUnitType.DEPARTMENT, w.units["SZ"], "深圳")
    await add_person(w, "sz_hr_person", "SZ-SALES", "ceo")
    await add_person(w, "sz_rep", "SZ-SALES", "sz_hr_person")
    await add_user(w, "sz_hr", Role.BRANCH_HR, "sz_hr_person", "SZ")
    await add_user(w, "sz_employee", Role.EMPLOYEE, "sz_rep")
    common = {
        "work_start_minute": 9 * 60,
        "work_end_minute": 18 * 60,
        "break_start_minute": 12 * 60,
        "break_end_minute": 13 * 60,
    }
    shanghai = await AttendanceRuleSet.create(
        name="上海分公司考勤规则",
        unit=w.units["SH"],
        grace_minutes=5,
        late_absent_minutes=60,
        **common,
    )
    shenzhen = await AttendanceRuleSet.create(
        name="深圳分公司考勤规则",
        unit=w.units["SZ"],
        grace_minutes=15,
        late_absent_minutes=30,
        **common,
    )
    await AllowedLocation.create(
        unit=w.units["SH"],
        name="张江办公楼",
        latitude=SHANGHAI_OFFICE[0],
        longitude=SHANGHAI_OFFICE[1],
        radius_meters=300,
    )
    await AllowedLocation.create(
        unit=w.units["SZ"],
        name="南山科技园",
        latitude=SHENZHEN_OFFICE[0],
        longitude=SHENZHEN_OFFICE[1],
        radius_meters=500,
    )
    return Branches(w, shanghai, shenzhen)
