"""Annual leave by years worked (pro-rated for new hires), requests and their approval."""

from __future__ import annotations

from datetime import date

import pytest

from talentloop.attendance.annual_leave import annual_entitlement
from talentloop.people.models import Employee
from tests.attendance.conftest import MONTH_QUERY, Branches, day_of
from tests.support import Api, gid

BALANCES = """
query ($id: ID, $year: Int!) {
  leaveBalances(employeeId: $id, year: $year) { leaveType entitled used pending remaining }
}
"""
SET_START = """
mutation ($id: ID!, $start: Date!) {
  setWorkStartDate(employeeId: $id, workStartDate: $start) { ok errors { field code } }
}
"""
REQUEST = """
mutation ($input: RequestLeaveInput!) {
  requestLeave(input: $input) { leaveRequest { id days status } errors { field code message } }
}
"""
DECIDE = """
mutation ($id: ID!, $approve: Boolean!) {
  decideLeaveRequest(id: $id, approve: $approve) { leaveRequest { status } errors { code } }
}
"""


async def _annual(api: Api, branches: Branches, person: str, year: int = 2026) -> dict:  # type: ignore[type-arg]
    w = branches.world
    data = await api.data(
        BALANCES, {"id": gid(w.people[person]), "year": year}, as_=w.users["branch_hr"]
    )
    return next(b for b in data["leaveBalances"] if b["leaveType"] == "ANNUAL")  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("work_start", "years", "days"),
    [
        # 职工带薪年休假条例 art. 3, counted on 1 January 2026 and unchanged all year
        ("2017-01-01", 9, 5),
        ("2016-01-01", 10, 10),
        ("2007-01-01", 19, 10),
        ("2006-01-01", 20, 15),
    ],
)
async def test_annual_leave_follows_cumulative_years_worked(
    api: Api, branches: Branches, work_start: str, years: int, days: int
) -> None:
    w = branches.world
    assert w.people["sh_rep"].hire_date == date(2020, 1, 1)  # here all of 2026
    assert date(2026, 1, 1).year - int(work_start[:4]) == years
    set_start = await api.data(
        SET_START, {"id": gid(w.people["sh_rep"]), "start": work_start}, as_=w.users["branch_hr"]
    )
    assert set_start["setWorkStartDate"]["errors"] == []
    annual = await _annual(api, branches, "sh_rep")
    assert annual == {
        "leaveType": "ANNUAL", "entitled": days, "used": 0, "pending": 0, "remaining": days,
    }  # fmt: skip


async def test_a_mid_year_hire_gets_the_remaining_share_rounded_down(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    rep = w.people["sh_rep"]
    await Employee.filter(id=rep.id).update(hire_date=date(2026, 9, 15))
    await api.data(SET_START, {"id": gid(rep), "start": "2010-01-01"}, as_=w.users["branch_hr"])
    # 16 years worked: 10 days a year. 15 September to 31 December is 16 + 31 + 30 + 31 = 108
    # calendar days; 108 / 365 × 10 = 2.96 → 2 days (实施办法 art. 5: no part of a day).
    assert (await _annual(api, branches, "sh_rep"))["entitled"] == 2
    # Nothing at all for 2025, before the hire.
    assert (await _annual(api, branches, "sh_rep", 2025))["entitled"] == 0


def test_a_year_that_crosses_a_threshold_is_pro_rated_by_day() -> None:
    # The 10th anniversary on 1 July 2026: 181 days at 5 and 184 days at 10 →
    # (181 × 5 + 184 × 10) / 365 = 7.52 → 7.
    assert annual_entitlement(2026, work_start=date(2016, 7, 1), hire_date=date(2020, 1, 1)) == 7
    # Less than a year worked anywhere: none yet (条例 art. 2 needs 12 months).
    assert annual_entitlement(2026, work_start=date(2026, 3, 1), hire_date=date(2026, 3, 1)) == 0


async def test_work_start_is_set_by_hr_and_not_after_the_hire(api: Api, branches: Branches) -> None:
    w = branches.world
    rep = gid(w.people["sh_rep"])
    refused = await api.data(SET_START, {"id": rep, "start": "2010-01-01"}, as_=w.users["manager"])
    assert refused["setWorkStartDate"]["errors"][0]["code"] == "FORBIDDEN"
    late = await api.data(SET_START, {"id": rep, "start": "2021-01-01"}, as_=w.users["branch_hr"])
    assert late["setWorkStartDate"]["errors"][0]["field"] == "workStartDate"


async def test_leave_counts_workdays_only_is_approved_by_the_manager_and_shows_in_the_month(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    await api.data(
        SET_START, {"id": gid(w.people["sh_rep"]), "start": "2016-01-01"}, as_=w.users["branch_hr"]
    )
    # 28 September to 9 October 2026 around National Day: 28, 29, 30 September and 8, 9
    # October are workdays; 1–3 October are holidays and 4–7 rest days → 5 days of leave.
    asked = await api.data(
        REQUEST,
        {"input": {"leaveType": "ANNUAL", "startDate": "2026-09-28", "endDate": "2026-10-09"}},
        as_=w.users["employee"],
    )
    request = asked["requestLeave"]["leaveRequest"]
    assert (request["days"], request["status"]) == (5, "PENDING")
    assert (await _annual(api, branches, "sh_rep"))["pending"] == 5

    overlap = await api.data(
        REQUEST,
        {"input": {"leaveType": "SICK", "startDate": "2026-10-09", "endDate": "2026-10-12"}},
        as_=w.users["employee"],
    )
    assert overlap["requestLeave"]["errors"][0]["code"] == "CONFLICT"
    too_much = await api.data(
        REQUEST,
        {"input": {"leaveType": "ANNUAL", "startDate": "2026-11-02", "endDate": "2026-11-09"}},
        as_=w.users["employee"],
    )  # 6 workdays asked, 10 − 5 pending = 5 left
    assert too_much["requestLeave"]["errors"][0]["code"] == "INVALID"

    own = await api.data(DECIDE, {"id": request["id"], "approve": True}, as_=w.users["employee"])
    assert own["decideLeaveRequest"]["errors"][0]["code"] == "FORBIDDEN"
    other_branch = await api.data(
        DECIDE, {"id": request["id"], "approve": True}, as_=w.users["bj_hr"]
    )
    assert other_branch["decideLeaveRequest"]["errors"][0]["code"] == "NOT_FOUND"
    approved = await api.data(
        DECIDE, {"id": request["id"], "approve": True}, as_=w.users["manager"]
    )
    assert approved["decideLeaveRequest"]["leaveRequest"]["status"] == "APPROVED"
    again = await api.data(DECIDE, {"id": request["id"], "approve": False}, as_=w.users["manager"])
    assert again["decideLeaveRequest"]["errors"][0]["code"] == "CONFLICT"
    assert (await _annual(api, branches, "sh_rep"))["used"] == 5
    assert (await _annual(api, branches, "sh_rep"))["remaining"] == 5

    month = await api.data(
        MONTH_QUERY, {"id": gid(w.people["sh_rep"]), "month": "2026-10-01"}, as_=w.users["hq_hr"]
    )
    friday = day_of(month["attendanceMonth"], "2026-10-09")
    assert (friday["leaveType"], friday["absent"]) == ("ANNUAL", False)
    assert month["attendanceMonth"]["summary"]["leaveDays"] == [{"leaveType": "ANNUAL", "days": 2}]


async def test_the_manager_sees_requests_to_decide_and_hr_may_reject(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    asked = await api.data(
        REQUEST,
        {"input": {"leaveType": "PERSONAL", "startDate": "2026-12-07", "endDate": "2026-12-07"}},
        as_=w.users["employee"],
    )
    request_id = asked["requestLeave"]["leaveRequest"]["id"]
    query = "query { leaveRequests(toDecide: true) { totalCount edges { node { id } } } }"
    for user, count in [("manager", 1), ("branch_hr", 1), ("employee", 0), ("bj_hr", 0)]:
        found = await api.data(query, as_=w.users[user])
        assert found["leaveRequests"]["totalCount"] == count, user
    rejected = await api.data(
        DECIDE, {"id": request_id, "approve": False}, as_=w.users["branch_hr"]
    )
    assert rejected["decideLeaveRequest"]["leaveRequest"]["status"] == "REJECTED"
    mine = await api.data("query { myLeaveRequests { status days } }", as_=w.users["employee"])
    assert mine["myLeaveRequests"] == [{"status": "REJECTED", "days": 1}]
