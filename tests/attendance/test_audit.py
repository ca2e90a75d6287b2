"""Changes to attendance rules, clock-in places, the work start date and every step of a leave
request are in the audit trail, written with the change."""

from __future__ import annotations

from talentloop.audit.models import AuditAction, AuditEntry
from tests.attendance.conftest import Branches
from tests.support import Api, gid

SAVE_RULES = """
mutation ($input: AttendanceRuleSetInput!) {
  saveAttendanceRuleSet(input: $input) { ruleSet { id } errors { field code } }
}
"""
REQUEST = """
mutation ($input: RequestLeaveInput!) {
  requestLeave(input: $input) { leaveRequest { id } errors { code } }
}
"""
DECIDE = """
mutation ($id: ID!) {
  decideLeaveRequest(id: $id, approve: true, note: "ok") { leaveRequest { status } errors { code } }
}
"""


async def _entries(subject_type: str) -> list[AuditEntry]:
    return await AuditEntry.filter(subject_type=subject_type).order_by("id")


async def test_a_rule_set_made_and_changed_is_audited_field_by_field(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    rules = {
        "name": "销售一组",
        "unitId": gid(w.units["SH-SALES-1"]),
        "workStart": "09:30:00",
        "workEnd": "18:30:00",
    }
    made = await api.data(SAVE_RULES, {"input": rules}, as_=w.users["branch_hr"])
    rule_id = made["saveAttendanceRuleSet"]["ruleSet"]["id"]
    changed = await api.data(
        SAVE_RULES,
        {"input": {**rules, "id": rule_id, "graceMinutes": 10}},
        as_=w.users["branch_hr"],
    )
    assert changed["saveAttendanceRuleSet"]["errors"] == []
    created, updated = await _entries("AttendanceRuleSet")
    assert created.action is AuditAction.CREATE
    assert created.actor_user_id == w.users["branch_hr"].id
    assert created.after["workStartMinute"] == 9 * 60 + 30
    assert (updated.action, updated.field) == (AuditAction.UPDATE, "graceMinutes")
    assert (updated.before, updated.after) == ({"graceMinutes": 0}, {"graceMinutes": 10})
    # A refused change writes nothing.
    refused = await api.data(
        SAVE_RULES, {"input": {**rules, "id": rule_id, "name": ""}}, as_=w.users["branch_hr"]
    )
    assert refused["saveAttendanceRuleSet"]["errors"]
    assert len(await _entries("AttendanceRuleSet")) == 2


async def test_a_leave_request_and_its_approval_are_audited(api: Api, branches: Branches) -> None:
    w = branches.world
    asked = await api.data(
        REQUEST,
        {"input": {"leaveType": "PERSONAL", "startDate": "2026-12-07", "endDate": "2026-12-08"}},
        as_=w.users["employee"],
    )
    request_id = asked["requestLeave"]["leaveRequest"]["id"]
    decided = await api.data(DECIDE, {"id": request_id}, as_=w.users["branch_hr"])
    assert decided["decideLeaveRequest"]["leaveRequest"]["status"] == "APPROVED"
    entries = await _entries("LeaveRequest")
    assert [(e.action, e.field) for e in entries] == [
        (AuditAction.CREATE, None),
        (AuditAction.UPDATE, "status"),
        (AuditAction.UPDATE, "decisionNote"),
    ]
    assert {e.employee_id for e in entries} == {w.people["sh_rep"].id}
    assert entries[0].after["days"] == 2
    assert (entries[1].before, entries[1].after) == ({"status": "pending"}, {"status": "approved"})
    assert entries[1].actor_user_id == w.users["branch_hr"].id
