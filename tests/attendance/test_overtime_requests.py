"""Overtime requests (加班申请) through the API: the approvals engine routes them, and where a
rule set wants overtime approved the month counts a day's overtime only up to the approved
hours (Issue 11)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from decimal import Decimal
from typing import Any

from talentloop.access.viewer import viewer_for_user
from talentloop.approvals.models import ApprovalRequest, ApprovalStatus, RequestType
from talentloop.attendance import service
from talentloop.attendance.models import HoursSystem
from talentloop.attendance.results import Shift, at, evaluate_day, summarise_month
from tests.attendance.conftest import MONTH_QUERY, Branches, day_of, punch
from tests.support import Api, World, gid

REQUEST = """
mutation ($input: RequestOvertimeInput!) {
  requestOvertime(input: $input) {
    overtimeRequest { id date dayKind holiday hours maxHours status }
    errors { field code message }
  }
}
"""
DECIDE = """
mutation ($id: ID!, $approve: Boolean!, $note: String!) {
  decideOvertimeRequest(id: $id, approve: $approve, note: $note) {
    overtimeRequest { status decisionNote decidedAt } errors { code }
  }
}
"""
CANCEL = """
mutation ($id: ID!) {
  cancelOvertimeRequest(id: $id) { overtimeRequest { status } errors { code } }
}
"""
TO_DECIDE = "query { overtimeRequests(toDecide: true) { totalCount edges { node { id } } } }"
ALL = "query { overtimeRequests(first: 100) { totalCount } }"
NODE = "query ($id: ID!) { node(id: $id) { ... on OvertimeRequest { status hours } } }"
MY_APPROVALS = "query { myApprovals { id title days subjectId stage stageCount } }"
SAVE_RULES = """
mutation ($input: AttendanceRuleSetInput!) {
  saveAttendanceRuleSet(input: $input) {
    ruleSet { overtimeNeedsApproval } errors { field code message }
  }
}
"""
SAVE_FLOW = """
mutation ($input: ApprovalFlowInput!) {
  saveApprovalFlow(input: $input) { flow { flowId } errors { field code message } }
}
"""


async def _ask(
    api: Api, w: World, day: str, hours: str, user: str = "employee", **extra: Any
) -> dict[str, Any]:
    answer = await api.data(
        REQUEST, {"input": {"date": day, "hours": hours, **extra}}, as_=w.users[user]
    )
    return dict(answer["requestOvertime"])


async def _asked(api: Api, w: World, day: str, hours: str, user: str = "employee") -> str:
    answer = await _ask(api, w, day, hours, user)
    assert answer["errors"] == [], answer
    return str(answer["overtimeRequest"]["id"])


async def _decide(
    api: Api, w: World, user: str, request_id: str, approve: bool = True, note: str = "ok"
) -> dict[str, Any]:
    answer = await api.data(
        DECIDE, {"id": request_id, "approve": approve, "note": note}, as_=w.users[user]
    )
    return dict(answer["decideOvertimeRequest"])


async def _needs_approval(api: Api, branches: Branches, on: bool) -> None:
    """Shanghai's rule set, saved by its branch HR with the flag set as given."""
    w, rules = branches.world, branches.shanghai
    saved = await api.data(
        SAVE_RULES,
        {
            "input": {
                "id": gid(rules),
                "name": rules.name,
                "unitId": gid(w.units["SH"]),
                "workStart": "09:00:00",
                "workEnd": "18:00:00",
                "breakStart": "12:00:00",
                "breakEnd": "13:00:00",
                "graceMinutes": rules.grace_minutes,
                "lateAbsentMinutes": rules.late_absent_minutes,
                "overtimeNeedsApproval": on,
            }
        },
        as_=w.users["branch_hr"],
    )
    assert saved["saveAttendanceRuleSet"] == {
        "ruleSet": {"overtimeNeedsApproval": on},
        "errors": [],
    }


async def _month(api: Api, w: World, month: str = "2026-11-01") -> dict[str, Any]:
    found = await api.data(
        MONTH_QUERY, {"id": gid(w.people["sh_rep"]), "month": month}, as_=w.users["hq_hr"]
    )
    return dict(found["attendanceMonth"])


async def test_approved_hours_cap_the_overtime_where_the_rule_set_asks_for_approval(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    rep = w.people["sh_rep"]
    # Monday 2 November 2026: 3 hours after 18:00. Tuesday: 2 hours after it, nothing asked.
    # Saturday 7 November: 10:00–14:00 less the lunch hour, 3 hours of rest-day work.
    await punch(rep, "2026-11-02", "08:55", "21:00")
    await punch(rep, "2026-11-03", "08:55", "20:00")
    await punch(rep, "2026-11-07", "10:00", "14:00")
    monday = await _asked(api, w, "2026-11-02", "2")
    saturday = await _ask(api, w, "2026-11-07", "4")
    assert saturday["errors"] == []
    assert saturday["overtimeRequest"]["dayKind"] == "REST_DAY"
    assert Decimal(saturday["overtimeRequest"]["maxHours"]) == 12

    # Off (the default): the punches alone count, asked for or not.
    month = await _month(api, w)
    assert day_of(month, "2026-11-02")["overtimeWorkdayMinutes"] == 180
    assert day_of(month, "2026-11-03")["overtimeWorkdayMinutes"] == 120
    assert day_of(month, "2026-11-07")["overtimeRestDayMinutes"] == 180
    assert month["summary"]["overtimeHours"] == 8.0

    # On: nothing approved yet, nothing counts.
    await _needs_approval(api, branches, True)
    month = await _month(api, w)
    assert month["summary"]["overtimeHours"] == 0.0
    assert day_of(month, "2026-11-03")["overtimeWorkdayMinutes"] == 0

    # The manager approves both: Monday counts the 2 approved hours of the 3 worked, Saturday
    # the 3 worked of the 4 approved; Tuesday, never asked for, still nothing.
    approved = await _decide(api, w, "manager", monday, note="Release week")
    assert approved["overtimeRequest"]["status"] == "APPROVED"
    assert approved["overtimeRequest"]["decisionNote"] == "Release week"
    assert approved["overtimeRequest"]["decidedAt"]
    assert (await _decide(api, w, "manager", saturday["overtimeRequest"]["id"]))["errors"] == []
    month = await _month(api, w)
    assert day_of(month, "2026-11-02")["overtimeWorkdayMinutes"] == 120
    assert day_of(month, "2026-11-03")["overtimeWorkdayMinutes"] == 0
    assert day_of(month, "2026-11-07")["overtimeRestDayMinutes"] == 180
    summary = month["summary"]
    assert (summary["overtimeWorkdayHours"], summary["overtimeRestDayHours"]) == (2.0, 3.0)

    # Payroll reads the same figures.
    hr = await viewer_for_user(w.users["hq_hr"])
    figures = await service.payroll_figures(hr, [rep.id], date(2026, 11, 1))
    assert figures[rep.id].overtime_150_hours == Decimal("2.00")
    assert figures[rep.id].overtime_200_hours == Decimal("3.00")

    # Off again: back to the punches alone.
    await _needs_approval(api, branches, False)
    assert (await _month(api, w))["summary"]["overtimeHours"] == 8.0


async def test_a_request_beyond_the_day_limit_of_art_41_is_refused(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    workday = await _ask(api, w, "2026-12-07", "3.5")  # a Monday
    assert [(e["field"], e["code"]) for e in workday["errors"]] == [("hours", "INVALID")]
    assert "3" in workday["errors"][0]["message"]
    assert (await _ask(api, w, "2026-12-07", "1.25"))["errors"][0]["field"] == "hours"
    assert (await _ask(api, w, "2026-12-07", "0"))["errors"][0]["field"] == "hours"
    assert (await _ask(api, w, "2026-12-12", "12.5"))["errors"][0]["field"] == "hours"  # Sat
    holiday = await _ask(api, w, "2026-10-01", "12")
    assert holiday["errors"] == []
    assert (holiday["overtimeRequest"]["dayKind"], holiday["overtimeRequest"]["holiday"]) == (
        "STATUTORY_HOLIDAY",
        "国庆节",
    )
    fine = await _ask(api, w, "2026-12-07", "3")
    assert fine["overtimeRequest"]["status"] == "PENDING"
    again = await _ask(api, w, "2026-12-07", "1")
    assert again["errors"][0]["code"] == "CONFLICT"
    # A make-up workday (调休) is a workday: 3 hours at most.
    assert (await _ask(api, w, "2026-10-10", "4"))["errors"][0]["field"] == "hours"


async def test_nobody_decides_their_own_and_another_branch_sees_nothing(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    request_id = await _asked(api, w, "2026-12-07", "2")
    for user, count in [("manager", 1), ("branch_hr", 1), ("employee", 0), ("bj_hr", 0)]:
        found = await api.data(TO_DECIDE, as_=w.users[user])
        assert found["overtimeRequests"]["totalCount"] == count, user
    own = await _decide(api, w, "employee", request_id)
    assert own["errors"][0]["code"] == "FORBIDDEN"
    outside = await _decide(api, w, "bj_hr", request_id)
    assert outside["errors"][0]["code"] == "NOT_FOUND"
    assert (await api.data(NODE, {"id": request_id}, as_=w.users["bj_hr"]))["node"] is None
    assert (await api.data(ALL, as_=w.users["bj_hr"]))["overtimeRequests"]["totalCount"] == 0
    assert (await api.data(ALL, as_=w.users["branch_hr"]))["overtimeRequests"]["totalCount"] == 1
    # HR files for someone in scope, not out of it.
    filed = await _ask(
        api, w, "2026-12-08", "1", user="branch_hr", employeeId=gid(w.people["sh_rep2"])
    )
    assert filed["errors"] == []
    refused = await _ask(
        api, w, "2026-12-08", "1", user="branch_hr", employeeId=gid(w.people["bj_rep"])
    )
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    for_colleague = await _ask(
        api, w, "2026-12-09", "1", user="employee", employeeId=gid(w.people["sh_rep2"])
    )
    assert for_colleague["errors"][0]["code"] in ("NOT_FOUND", "FORBIDDEN")

    # The manager's own request goes past them to their manager's user (none here) or HR.
    manager_own = await _asked(api, w, "2026-12-07", "1", user="manager")
    assert (await _decide(api, w, "manager", manager_own))["errors"][0]["code"] == "FORBIDDEN"
    assert (await _decide(api, w, "branch_hr", manager_own))["errors"] == []

    rejected = await _decide(api, w, "branch_hr", request_id, approve=False, note="Not needed")
    assert rejected["overtimeRequest"]["status"] == "REJECTED"
    assert (await _decide(api, w, "manager", request_id))["errors"][0]["code"] == "CONFLICT"
    mine = await api.data("query { myOvertimeRequests { status hours } }", as_=w.users["employee"])
    assert [(r["status"], Decimal(r["hours"])) for r in mine["myOvertimeRequests"]] == [
        ("REJECTED", 2)
    ]


async def test_one_withdraws_ones_own_pending_request(api: Api, branches: Branches) -> None:
    w = branches.world
    request_id = await _asked(api, w, "2026-12-07", "2")
    someone_else = await api.data(CANCEL, {"id": request_id}, as_=w.users["manager"])
    assert someone_else["cancelOvertimeRequest"]["errors"][0]["code"] == "NOT_FOUND"
    cancelled = await api.data(CANCEL, {"id": request_id}, as_=w.users["employee"])
    assert cancelled["cancelOvertimeRequest"]["overtimeRequest"]["status"] == "CANCELLED"
    approval = await ApprovalRequest.get(request_type=RequestType.OVERTIME)
    assert approval.status is ApprovalStatus.CANCELLED
    assert (await api.data(TO_DECIDE, as_=w.users["manager"]))["overtimeRequests"][
        "totalCount"
    ] == 0
    again = await api.data(CANCEL, {"id": request_id}, as_=w.users["employee"])
    assert again["cancelOvertimeRequest"]["errors"][0]["code"] == "CONFLICT"
    # The day is free to ask for again.
    assert (await _ask(api, w, "2026-12-07", "1"))["errors"] == []


async def test_a_configured_flow_routes_it_manager_then_branch_hr(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    saved = await api.data(
        SAVE_FLOW,
        {
            "input": {
                "requestType": "OVERTIME",
                "unitId": gid(w.units["SH"]),
                "name": "上海加班审批",
                "steps": [
                    {"position": 0, "rule": "MANAGER"},
                    {"position": 1, "rule": "ROLE", "role": "BRANCH_HR"},
                ],
            }
        },
        as_=w.users["branch_hr"],
    )
    assert saved["saveApprovalFlow"]["errors"] == []
    request_id = await _asked(api, w, "2026-12-12", "10")  # a Saturday
    waiting = (await api.data(MY_APPROVALS, as_=w.users["manager"]))["myApprovals"]
    assert [(r["subjectId"], r["days"], r["stageCount"]) for r in waiting] == [(request_id, 1, 2)]
    assert waiting[0]["title"] == "2026-12-12 10 h"
    assert (await api.data(MY_APPROVALS, as_=w.users["branch_hr"]))["myApprovals"] == []
    assert (await api.data(TO_DECIDE, as_=w.users["branch_hr"]))["overtimeRequests"][
        "totalCount"
    ] == 0

    first = await _decide(api, w, "manager", request_id)
    assert first["overtimeRequest"]["status"] == "PENDING"
    assert (await api.data(TO_DECIDE, as_=w.users["branch_hr"]))["overtimeRequests"][
        "totalCount"
    ] == 1
    second = await _decide(api, w, "branch_hr", request_id)
    assert second["overtimeRequest"]["status"] == "APPROVED"
    assert (await api.data(NODE, {"id": request_id}, as_=w.users["employee"]))["node"] == {
        "status": "APPROVED",
        "hours": "10.0",
    }


def test_under_comprehensive_hours_the_month_counts_up_to_the_hours_approved_in_it() -> None:
    """results.py alone: the approved minutes come in, nothing is read."""
    shift = Shift(
        hours_system=HoursSystem.COMPREHENSIVE,
        work_start=time(9),
        work_end=time(18),
        break_start=time(12),
        break_end=time(13),
        overtime_needs_approval=True,
    )
    # Two workdays of 10 hours each (8:00–19:00 less lunch): 4 hours beyond 2 × 8.
    days = [date(2026, 12, 7), date(2026, 12, 8)]
    punches = {d: [at(d, time(8)), at(d, time(19))] for d in days}
    approved = {date(2026, 12, 7): 90}  # 1.5 hours approved, on the first day only
    results = [
        evaluate_day(shift, d, punches[d], approved_overtime_minutes=approved.get(d, 0))
        for d in days
    ]
    summary = summarise_month(shift, results)
    assert summary.overtime_workday_minutes == 90
    assert summary.overtime_unapproved_minutes == 240 - 90
    unchecked = summarise_month(
        replace(shift, overtime_needs_approval=False),
        [evaluate_day(replace(shift, overtime_needs_approval=False), d, punches[d]) for d in days],
    )
    assert (unchecked.overtime_workday_minutes, unchecked.overtime_unapproved_minutes) == (240, 0)
