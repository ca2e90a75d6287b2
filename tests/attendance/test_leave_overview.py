"""The leave overview (issue 21 point 5): branch HR sees the branch's leave — pending at any
step with whose step it is, approved, rejected — HQ HR everyone's, a manager their team's;
filtered by unit subtree, month, status and type; who is away on each day; a fixed number of
statements a page."""

from __future__ import annotations

from datetime import date
from typing import Any

from talentloop.attendance.models import LeaveRequest, LeaveStatus, LeaveType
from tests.attendance.conftest import Branches
from tests.support import Api, StatementCounter, World, gid

OVERVIEW = """
query ($f: LeaveRequestFilter, $after: String) {
  leaveRequests(first: 100, after: $after, filter: $f) {
    totalCount
    edges { node { employee { name unit { code } } leaveType startDate endDate days status
                   pendingWith } }
  }
}
"""
AWAY = """
query ($month: Date!, $unit: ID) {
  leaveAway(month: $month, unitId: $unit) { date requests { employee { name } status } }
}
"""


async def _leave(
    w: World,
    person: str,
    start: str,
    end: str,
    status: LeaveStatus = LeaveStatus.APPROVED,
    kind: LeaveType = LeaveType.ANNUAL,
) -> LeaveRequest:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return await LeaveRequest.create(
        employee=w.people[person],
        leave_type=kind,
        start_date=first,
        end_date=last,
        days=(last - first).days + 1,
        status=status,
    )


async def _names(api: Api, w: World, user: str, f: dict[str, Any] | None = None) -> list[str]:
    data = await api.data(OVERVIEW, {"f": f}, as_=w.users[user])
    return sorted(e["node"]["employee"]["name"] for e in data["leaveRequests"]["edges"])


async def test_each_reader_sees_the_leave_of_their_scope_and_a_denied_unit_looks_empty(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    await _leave(w, "sh_rep", "2026-12-14", "2026-12-15")
    await _leave(w, "sh_worker", "2026-12-16", "2026-12-16", LeaveStatus.REJECTED, LeaveType.SICK)
    await _leave(w, "sz_rep", "2026-12-14", "2026-12-18")
    await _leave(w, "bj_rep", "2026-11-30", "2026-12-01", LeaveStatus.CANCELLED)

    assert await _names(api, w, "branch_hr") == ["sh_rep name", "sh_worker name"]
    assert await _names(api, w, "sz_hr") == ["sz_rep name"]
    assert await _names(api, w, "manager") == ["sh_rep name"]  # their team, not production
    assert await _names(api, w, "hq_hr") == [
        "bj_rep name",
        "sh_rep name",
        "sh_worker name",
        "sz_rep name",
    ]
    assert await _names(api, w, "employee") == ["sh_rep name"]  # one's own
    assert await _names(api, w, "admin") == []
    # Shanghai HR asking for Shenzhen gets what an empty unit gives.
    shenzhen = {"unitId": gid(w.units["SZ"])}
    assert await _names(api, w, "branch_hr", shenzhen) == []
    assert await _names(api, w, "branch_hr", {"unitId": "bm90IGFuIGlk"}) == []
    assert await _names(api, w, "sz_hr", shenzhen) == ["sz_rep name"]
    # The filters: a unit's subtree, a month (leave touching it), statuses, types.
    assert await _names(api, w, "branch_hr", {"unitId": gid(w.units["SH-PROD"])}) == [
        "sh_worker name"
    ]
    assert await _names(api, w, "hq_hr", {"month": "2026-11-01"}) == ["bj_rep name"]
    assert await _names(api, w, "hq_hr", {"month": "2026-12-31"}) == [
        "bj_rep name",
        "sh_rep name",
        "sh_worker name",
        "sz_rep name",
    ]
    assert await _names(api, w, "hq_hr", {"statuses": ["APPROVED"]}) == [
        "sh_rep name",
        "sz_rep name",
    ]
    assert await _names(api, w, "hq_hr", {"leaveTypes": ["SICK"]}) == ["sh_worker name"]


async def test_a_pending_request_says_whose_step_it_waits_at(api: Api, branches: Branches) -> None:
    w = branches.world
    asked = await api.data(
        """mutation { requestLeave(input: {leaveType: PERSONAL, startDate: "2026-12-21",
                                           endDate: "2026-12-21"}) { errors { code } } }""",
        as_=w.users["employee"],
    )
    assert asked["requestLeave"]["errors"] == []
    await _leave(w, "sh_rep2", "2026-12-22", "2026-12-22")
    data = await api.data(OVERVIEW, {"f": {"month": "2026-12-01"}}, as_=w.users["branch_hr"])
    rows = {e["node"]["employee"]["name"]: e["node"] for e in data["leaveRequests"]["edges"]}
    # The default plan: any one of the manager, branch HR in scope, HQ HR.
    assert rows["sh_rep name"]["status"] == "PENDING"
    assert set(rows["sh_rep name"]["pendingWith"]) >= {"sh_sales_head name", "sh_hr_person name"}
    assert rows["sh_rep2 name"]["pendingWith"] == []


async def test_who_is_away_each_day_of_a_month(api: Api, branches: Branches) -> None:
    w = branches.world
    await _leave(w, "sh_rep", "2026-11-30", "2026-12-02")
    await _leave(w, "sh_rep2", "2026-12-02", "2026-12-02", LeaveStatus.PENDING)
    await _leave(w, "sh_worker", "2026-12-02", "2026-12-02", LeaveStatus.REJECTED)
    await _leave(w, "sz_rep", "2026-12-02", "2026-12-02")
    data = await api.data(AWAY, {"month": "2026-12-01"}, as_=w.users["branch_hr"])
    days = data["leaveAway"]
    assert len(days) == 31 and days[0]["date"] == "2026-12-01"
    assert [(r["employee"]["name"], r["status"]) for r in days[1]["requests"]] == [
        ("sh_rep name", "APPROVED"),
        ("sh_rep2 name", "PENDING"),
    ]
    assert [r["employee"]["name"] for r in days[0]["requests"]] == ["sh_rep name"]
    assert days[2]["requests"] == []
    team = await api.data(
        AWAY, {"month": "2026-12-01", "unit": gid(w.units["SZ"])}, as_=w.users["branch_hr"]
    )
    assert all(d["requests"] == [] for d in team["leaveAway"])
    manager = await api.data(AWAY, {"month": "2026-12-01"}, as_=w.users["manager"])
    assert {r["employee"]["name"] for d in manager["leaveAway"] for r in d["requests"]} == {
        "sh_rep name",
        "sh_rep2 name",
    }


async def test_a_page_of_the_overview_reads_in_a_fixed_number_of_statements(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    people = ["sh_rep", "sh_rep2", "sh_worker"]

    async def ask(days: list[str]) -> None:
        for day in days:
            for person in people:
                request = await api.data(
                    "mutation($i: RequestLeaveInput!) { requestLeave(input: $i) { errors { code } } }",
                    {
                        "i": {
                            "leaveType": "SICK",
                            "startDate": day,
                            "endDate": day,
                            "employeeId": gid(w.people[person]),
                        }
                    },
                    as_=w.users["branch_hr"],
                )
                assert request["requestLeave"]["errors"] == [], request

    await ask(["2026-11-02"])
    await _leave(w, "sh_rep", "2026-09-01", "2026-09-01", LeaveStatus.APPROVED)
    with StatementCounter() as few:
        await api.data(OVERVIEW, {"f": {"unitId": gid(w.units["SH"])}}, as_=w.users["branch_hr"])
    await ask(["2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"])
    with StatementCounter() as many:
        data = await api.data(
            OVERVIEW, {"f": {"unitId": gid(w.units["SH"])}}, as_=w.users["branch_hr"]
        )
    assert len(data["leaveRequests"]["edges"]) > 10
    assert many.count <= few.count, many.statements
