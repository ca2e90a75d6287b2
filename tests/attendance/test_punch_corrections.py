"""A day without its punches is a missing punch (缺卡), not an absence, until it is decided; the
employee puts it right with a correction (补卡) that the approvals engine routes, and the day
follows the decision (issue 21 point 6)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from tortoise import fields

from talentloop.approvals.models import ApprovalRequest, ApprovalStatus, RequestType
from talentloop.attendance.calendar import DayKind
from talentloop.attendance.models import (
    CorrectionStatus,
    HoursSystem,
    Punch,
    PunchCorrection,
    PunchSource,
)
from talentloop.attendance.results import DayStatus, Shift, evaluate_day
from talentloop.audit.models import AuditEntry
from talentloop.payroll import staleness
from talentloop.payroll.models import PayrollRun, Payslip, RunStatus
from tests.attendance.conftest import Branches, china, day_of, punch
from tests.support import Api, World, gid

MONTH = """
query ($id: ID!, $month: Date!) {
  attendanceMonth(employeeId: $id, month: $month) {
    days { date status absent missingPunch correction firstIn lastOut }
    summary { absentDays missingPunchDays }
  }
}
"""
ASK = """
mutation ($input: RequestPunchCorrectionInput!) {
  requestPunchCorrection(input: $input) {
    punchCorrection { id date clockIn clockOut reason status }
    errors { field code message }
  }
}
"""
MINE = "query { myApprovals { id requestType title canDecide history { kind comment } } }"
DECIDE = """
mutation ($id: ID!, $approve: Boolean!) {
  decideApproval(id: $id, approve: $approve, comment: "") {
    approvalRequest { status } errors { code }
  }
}
"""
SHIFT = Shift(HoursSystem.STANDARD, time(9), time(18), time(12), time(13), grace_minutes=5)
TUESDAY = "2026-11-03"  # a workday
NOVEMBER = "2026-11-01"
TODAY = date(2026, 12, 7)


def test_a_workday_without_its_punches_is_missing_until_decided() -> None:
    day = date(2026, 11, 3)
    none = evaluate_day(SHIFT, day, [], today=TODAY)
    assert (none.status, none.absent, none.missing_punch) == (DayStatus.MISSING_PUNCH, False, True)
    one = evaluate_day(SHIFT, day, [china(TUESDAY, "09:00")], today=TODAY)
    assert (one.status, one.absent) == (DayStatus.MISSING_PUNCH, False)
    decided = evaluate_day(SHIFT, day, [], today=TODAY, absence_decided=True)
    assert (decided.status, decided.absent, decided.missing_punch) == (
        DayStatus.ABSENT,
        True,
        False,
    )
    # Late beyond the threshold stays an absence: the punches decide it.
    late = evaluate_day(SHIFT, day, [china(TUESDAY, "12:30"), china(TUESDAY, "18:00")], today=TODAY)
    assert late.status is DayStatus.ABSENT
    today = evaluate_day(SHIFT, TODAY, [], today=TODAY)
    assert today.status is DayStatus.OPEN  # the day has not ended
    rest = evaluate_day(SHIFT, date(2026, 11, 1), [], today=TODAY)
    assert (rest.kind, rest.status) == (DayKind.REST_DAY, DayStatus.OFF)


async def _month(api: Api, w: World, user: str = "employee", person: str = "sh_rep") -> Any:
    answer = await api.data(
        MONTH, {"id": gid(w.people[person]), "month": NOVEMBER}, as_=w.users[user]
    )
    return answer["attendanceMonth"]


async def _ask(api: Api, w: World, user: str = "employee", **given: Any) -> dict[str, Any]:
    values = {"date": TUESDAY, "clockIn": "09:00", "clockOut": "18:00", "reason": "门禁故障"}
    values.update(given)
    answer = await api.data(ASK, {"input": values}, as_=w.users[user])
    return dict(answer["requestPunchCorrection"])


async def _card(api: Api, w: World, user: str) -> dict[str, Any] | None:
    cards = (await api.data(MINE, as_=w.users[user]))["myApprovals"]
    found = [c for c in cards if c["requestType"] == "PUNCH_CORRECTION"]
    return found[0] if found else None


async def test_the_month_shows_a_day_without_punches_as_missing_not_absent(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    await punch(w.people["sh_rep"], "2026-11-02", "09:00", "18:00")
    month = await _month(api, w)
    day = day_of(month, TUESDAY)
    assert (day["status"], day["absent"], day["missingPunch"]) == ("MISSING_PUNCH", False, True)
    assert day_of(month, "2026-11-02")["status"] == "NORMAL"
    assert month["summary"]["absentDays"] == 0
    assert month["summary"]["missingPunchDays"] == 20  # November's 21 workdays but the 2nd


async def test_an_approved_correction_makes_the_day_normal(api: Api, branches: Branches) -> None:
    w = branches.world
    asked = await _ask(api, w)
    assert asked["errors"] == []
    assert asked["punchCorrection"]["status"] == "PENDING"
    assert asked["punchCorrection"]["clockIn"] == "09:00:00"
    assert day_of(await _month(api, w), TUESDAY)["correction"] == "PENDING"
    # The manager's card names the day and the times, and carries the reason.
    card = await _card(api, w, "manager")
    assert card is not None and card["canDecide"]
    assert TUESDAY in card["title"] and "09:00–18:00" in card["title"]
    assert [h["comment"] for h in card["history"] if h["kind"] == "COMMENTED"] == ["门禁故障"]
    decided = await api.data(DECIDE, {"id": card["id"], "approve": True}, as_=w.users["manager"])
    assert decided["decideApproval"] == {"approvalRequest": {"status": "APPROVED"}, "errors": []}
    day = day_of(await _month(api, w), TUESDAY)
    assert (day["status"], day["correction"]) == ("NORMAL", "APPROVED")
    assert (day["firstIn"], day["lastOut"]) == (
        f"{TUESDAY}T09:00:00+08:00",
        f"{TUESDAY}T18:00:00+08:00",
    )
    sources = await Punch.filter(employee_id=w.people["sh_rep"].id).values_list("source", flat=True)
    assert sources == [PunchSource.CORRECTION, PunchSource.CORRECTION]
    # The request, its decision and the punches it wrote are in the audit trail.
    audited = await AuditEntry.filter(employee_id=w.people["sh_rep"].id).values_list(
        "subject_type", "actor_user_id"
    )
    manager = w.users["manager"].id
    assert ("PunchCorrection", w.users["employee"].id) in audited
    assert {("PunchCorrection", manager), ("Punch", manager)} <= set(audited)
    # Put right once: a second request for the day is refused.
    again = await _ask(api, w)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("date", "CONFLICT")]


async def test_a_rejected_correction_decides_the_day_as_an_absence(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    # November's Shanghai run, still a draft: the decision changes what it must deduct.
    run = await PayrollRun.create(unit=w.units["SH"], month=date(2026, 11, 1))
    await punch(w.people["sh_rep"], TUESDAY, "09:02")  # the clock-out is missing
    assert (await _ask(api, w, clockIn=None))["errors"] == []
    assert not await staleness.is_out_of_date(run.id)  # asking alone changes nothing
    card = await _card(api, w, "branch_hr")
    assert card is not None
    decided = await api.data(DECIDE, {"id": card["id"], "approve": False}, as_=w.users["branch_hr"])
    assert decided["decideApproval"]["approvalRequest"] == {"status": "REJECTED"}
    month = await _month(api, w)
    day = day_of(month, TUESDAY)
    assert (day["status"], day["absent"], day["correction"]) == ("ABSENT", True, "REJECTED")
    assert month["summary"]["absentDays"] == 1
    assert await staleness.is_out_of_date(run.id)
    assert await Punch.filter(employee_id=w.people["sh_rep"].id).count() == 1
    # Decided: nothing left to correct.
    again = await _ask(api, w, clockIn=None)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("date", "INVALID")]


async def test_nobody_approves_their_own_correction(api: Api, branches: Branches) -> None:
    w = branches.world
    # The sales head (the manager's account) asks for their own day.
    assert (await _ask(api, w, user="manager"))["errors"] == []
    assert await _card(api, w, "manager") is None
    approval = await ApprovalRequest.get(request_type=RequestType.PUNCH_CORRECTION)
    refused = await api.data(DECIDE, {"id": gid(approval), "approve": True}, as_=w.users["manager"])
    assert refused["decideApproval"]["errors"]
    assert (await ApprovalRequest.get(id=approval.id)).status is ApprovalStatus.PENDING
    # Their own manager (the CEO, an executive) decides it.
    assert await _card(api, w, "executive") is not None


async def test_a_closed_payroll_month_takes_no_correction(api: Api, branches: Branches) -> None:
    w = branches.world
    run = await PayrollRun.create(
        unit=w.units["SH"], month=date(2026, 11, 1), status=RunStatus.APPROVED
    )
    money = {
        name: 0
        for name, field in Payslip._meta.fields_map.items()
        if isinstance(field, fields.DecimalField | fields.IntField)
        and name != "id"
        and field.default is None
        and not field.null
        and not name.endswith("_id")
    }
    await Payslip.create(run=run, employee=w.people["sh_rep"], month=date(2026, 11, 1), **money)
    refused = await _ask(api, w)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("date", "LOCKED")]
    assert await PunchCorrection.all().count() == 0


async def test_bad_requests_are_typed_errors(api: Api, branches: Branches) -> None:
    w = branches.world
    await punch(w.people["sh_rep"], "2026-11-04", "09:00", "18:00")
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({"date": "2099-01-05"}, [("date", "INVALID")]),  # not past
        ({"clockIn": None, "clockOut": None}, [("clockIn", "REQUIRED")]),
        ({"clockIn": "18:00", "clockOut": "09:00"}, [("clockOut", "INVALID")]),
        ({"reason": "  "}, [("reason", "REQUIRED")]),
        ({"date": "2026-11-04"}, [("date", "INVALID")]),  # a normal day
        ({"date": "2019-12-31"}, [("date", "INVALID")]),  # before the hire date
    ]
    for given, expected in cases:
        answer = await _ask(api, w, **given)
        assert [(e["field"], e["code"]) for e in answer["errors"]] == expected, given
    assert await PunchCorrection.all().count() == 0
    # HR without an employee record of their own (admin) cannot ask.
    assert (await _ask(api, w, user="admin"))["errors"][0]["code"] == "FORBIDDEN"


async def test_an_undecided_missing_punch_is_no_absence_for_payroll(branches: Branches) -> None:
    from talentloop.access.policy import SYSTEM
    from talentloop.attendance import service

    w = branches.world
    rep = w.people["sh_rep"]
    await punch(rep, "2026-11-02", "09:00", "18:00")
    figures = (await service.payroll_figures(SYSTEM, [rep.id], date(2026, 11, 1)))[rep.id]
    assert (figures.absent_days, figures.missing_punch_days) == (0, 20)
    await PunchCorrection.create(
        employee=rep, date=date(2026, 11, 3), clock_in_minute=540, reason="x",
        status=CorrectionStatus.REJECTED,
    )  # fmt: skip
    figures = (await service.payroll_figures(SYSTEM, [rep.id], date(2026, 11, 1)))[rep.id]
    assert (figures.absent_days, figures.missing_punch_days) == (1, 19)
    assert Decimal(figures.overtime_150_hours) == 0
