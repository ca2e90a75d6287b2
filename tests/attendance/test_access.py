"""Attendance is work data: the employee, their managers and HR in scope read it, nobody else."""

from __future__ import annotations

from tests.attendance.conftest import MONTH_QUERY, Branches, punch
from tests.support import Api, gid

BALANCES = "query ($id: ID) { leaveBalances(employeeId: $id, year: 2026) { leaveType } }"


async def test_a_month_is_read_by_the_employee_their_manager_and_branch_hr_only(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    await punch(w.people["sh_rep2"], "2026-11-02", "09:00", "18:00")
    args = {"id": gid(w.people["sh_rep2"]), "month": "2026-11-01"}
    readers = {"manager", "branch_hr", "hq_hr", "executive"}
    for user in (
        "manager",
        "branch_hr",
        "hq_hr",
        "executive",
        "employee",
        "bj_hr",
        "sz_hr",
        "admin",
    ):
        found = (await api.data(MONTH_QUERY, args, as_=w.users[user]))["attendanceMonth"]
        assert (found is not None) is (user in readers), user
        balances = (await api.data(BALANCES, {"id": args["id"]}, as_=w.users[user]))[
            "leaveBalances"
        ]
        assert bool(balances) is (user in readers), user
    assert (await api.data(MONTH_QUERY, args))["attendanceMonth"] is None
    own = await api.data(
        'query { myAttendance(month: "2026-11-01") { days { date } } }', as_=w.users["employee"]
    )
    assert own["myAttendance"] is not None


async def test_leave_requests_of_another_branch_do_not_exist_for_its_hr(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    asked = await api.data(
        """mutation { requestLeave(input: {leaveType: SICK, startDate: "2026-12-01",
                                           endDate: "2026-12-01"}) {
             leaveRequest { id } errors { code } } }""",
        as_=w.users["sz_employee"],
    )
    request_id = asked["requestLeave"]["leaveRequest"]["id"]
    node = "query ($id: ID!) { node(id: $id) { ... on LeaveRequest { days } } }"
    assert (await api.data(node, {"id": request_id}, as_=w.users["sz_hr"]))["node"] == {"days": 1}
    for user in ("branch_hr", "employee", "manager"):
        assert (await api.data(node, {"id": request_id}, as_=w.users[user]))["node"] is None, user
    listed = await api.data("query { leaveRequests { totalCount } }", as_=w.users["branch_hr"])
    assert listed["leaveRequests"]["totalCount"] == 0
