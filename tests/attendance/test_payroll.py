"""The figures payroll takes from attendance (Issue 10): one call for many employees, by the
rate of 劳动法 art. 44, for those the caller reads at WORK only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from talentloop.access.viewer import load_viewer
from talentloop.attendance import service
from talentloop.attendance.calendar import DayKind, day_kind
from talentloop.attendance.models import LeaveRequest, LeaveStatus, LeaveType
from tests.attendance.conftest import Branches, punch
from tests.support import StatementCounter

OCTOBER = date(2026, 10, 1)


async def _october_of(branches: Branches, person: str, skip: set[str]) -> None:
    """A full day on every workday of October 2026 but the days in `skip`."""
    employee = branches.world.people[person]
    day = OCTOBER
    while day.month == 10:
        if day_kind(day) is DayKind.WORKDAY and day.isoformat() not in skip:
            await punch(employee, day.isoformat(), "08:58", "18:02")
        day += timedelta(days=1)


async def test_payroll_figures_split_overtime_by_rate_and_count_absence_lateness_and_leave(
    branches: Branches,
) -> None:
    w = branches.world
    rep = w.people["sh_rep"]
    special = {"2026-10-10", "2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15"}
    await _october_of(branches, "sh_rep", special)
    await punch(rep, "2026-10-10", "09:00", "20:00")  # a make-up workday (调休): 2 h at 150 %
    await punch(rep, "2026-10-17", "09:00", "17:00")  # a rest day: 7 h at 200 %
    await punch(rep, "2026-10-01", "08:00", "12:00")  # National Day: 4 h at 300 %
    await punch(rep, "2026-10-12", "09:20", "18:00")  # 20 minutes late (5 minutes' grace)
    for day, kind in (("2026-10-13", LeaveType.PERSONAL), ("2026-10-14", LeaveType.SICK)):
        await LeaveRequest.create(
            employee=rep,
            leave_type=kind,
            start_date=date.fromisoformat(day),
            end_date=date.fromisoformat(day),
            days=1,
            status=LeaveStatus.APPROVED,
        )
    # 2026-10-15: no punch, no leave — a missing punch (缺卡), not an absence until decided.
    await _october_of(branches, "sh_rep2", set())
    hq_hr = await load_viewer(w.users["hq_hr"].id)
    wanted = [rep.id, w.people["sh_rep2"].id, w.people["bj_rep"].id]

    figures = await service.payroll_figures(hq_hr, wanted, date(2026, 10, 20))

    mine = figures[rep.id]
    assert mine.month == OCTOBER
    assert (mine.overtime_150_hours, mine.overtime_200_hours, mine.overtime_300_hours) == (
        Decimal("2.00"),
        Decimal("7.00"),
        Decimal("4.00"),
    )
    assert (mine.late_count, mine.late_minutes, mine.absent_days) == (1, 20, 0)
    assert mine.missing_punch_days == 1
    assert (mine.unpaid_leave_days, mine.sick_leave_days, mine.paid_leave_days) == (1, 1, 0)
    # Art. 41: 7 hours on the rest day and 4 on the holiday are over 3 a day; 13 in all is
    # under 36 for the month.
    assert (mine.days_over_daily_cap, mine.over_monthly_cap) == (2, False)
    # 18 workdays (the National Day break off, Saturday 10 October made up): 15 worked, two
    # on leave, one missing; and worked on the rest day and the holiday.
    assert (mine.workdays, mine.days_present) == (18, 15 + 2)
    other = figures[w.people["sh_rep2"].id]
    assert (other.absent_days, other.late_count, other.overtime_150_hours) == (0, 0, Decimal(0))
    assert other.days_present == other.workdays
    # bj_rep had no punch at all: every workday is a missing punch, none decided an absence.
    bj = figures[w.people["bj_rep"].id]
    assert (bj.absent_days, bj.missing_punch_days) == (0, other.workdays)


async def test_payroll_figures_leave_out_whom_the_caller_may_not_read(branches: Branches) -> None:
    w = branches.world
    wanted = [w.people[p].id for p in ("sh_rep", "sh_rep2", "bj_rep")]
    sh_hr = await load_viewer(w.users["branch_hr"].id)
    assert set(await service.payroll_figures(sh_hr, wanted, OCTOBER)) == set(wanted[:2])
    employee = await load_viewer(w.users["employee"].id)
    assert set(await service.payroll_figures(employee, wanted, OCTOBER)) == {wanted[0]}
    assert await service.payroll_figures(sh_hr, [], OCTOBER) == {}


async def test_payroll_figures_take_as_many_queries_for_many_employees_as_for_one(
    branches: Branches,
) -> None:
    w = branches.world
    hq_hr = await load_viewer(w.users["hq_hr"].id)
    with StatementCounter() as one:
        await service.payroll_figures(hq_hr, [w.people["sh_rep"].id], OCTOBER)
    everyone = [e.id for e in w.people.values()]
    with StatementCounter() as many:
        found = await service.payroll_figures(hq_hr, everyone, OCTOBER)
    assert len(found) == len(everyone)
    assert len(many.statements) == len(one.statements)
