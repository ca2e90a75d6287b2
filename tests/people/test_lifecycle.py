"""The employee lifecycle through approvals (issue 19 point 4): probation confirmation, transfer
and termination are asked for by HR, decided by their flows and applied on their dates; nobody
asks about themselves; a transfer's unit is checked as the second id; a termination carries its
offboarding checklist, and the leaver's accounts stop the day after the last day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from talentloop.accounts.models import RefreshToken, User
from talentloop.accounts.sessions import china_today
from talentloop.approvals.models import ApprovalRequest, ApprovalStatus, RequestType
from talentloop.people.lifecycle import apply_due
from talentloop.people.models import Employee, EmployeeStatus, LifecycleChange, LifecycleStatus
from talentloop.records.models import EmploymentEvent, EventKind
from tests.support import PASSWORD, Api, World, gid

TRANSFER = """mutation ($i: RequestTransferInput!) {
  requestTransfer(input: $i) { change { id status kind } errors { field code message } } }"""
CONFIRM = """mutation ($i: RequestProbationConfirmationInput!) {
  requestProbationConfirmation(input: $i) { change { id status } errors { field code } } }"""
TERMINATE = """mutation ($i: RequestTerminationInput!) {
  requestTermination(input: $i) { change { id status checklist { item done } }
    errors { field code message } } }"""
DECIDE = """mutation ($id: ID!, $ok: Boolean!) {
  decideApproval(id: $id, approve: $ok) { approvalRequest { status } errors { code message } } }"""
TICK = """mutation ($i: SetOffboardingItemInput!) {
  setOffboardingItem(input: $i) { change { checklist { item done doneBy } } errors { field code } } }"""
MY_APPROVALS = """{ myApprovals { id requestType lifecycleChange {
  employeeName fromUnitName toUnitName toPositionTitle effectiveDate changesPay kind } } }"""
LOGIN = """mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { accessToken errors { code } } }"""


async def _with_branch_head(w: World) -> None:
    """The Shanghai branch's head: the sales head (user "manager")."""
    w.units["SH"].manager = w.people["sh_sales_head"]
    await w.units["SH"].save(update_fields=["manager_id"])


async def _ask(api: Api, w: World, query: str, name: str, given: dict[str, Any]) -> dict[str, Any]:
    data = await api.data(query, {"i": given}, as_=w.users["branch_hr"])
    return dict(data[name])


async def _approval(kind: RequestType) -> ApprovalRequest:
    return await ApprovalRequest.filter(request_type=kind).order_by("-id").get()


async def _decide(api: Api, w: World, user: str, request: ApprovalRequest, ok: bool = True) -> str:
    data = await api.data(DECIDE, {"id": gid(request), "ok": ok}, as_=w.users[user])
    result = data["decideApproval"]
    assert result["errors"] == [], result
    return str(result["approvalRequest"]["status"])


async def test_a_transfer_waits_for_its_approvers_then_moves_the_person(
    api: Api, world: World
) -> None:
    w = world
    await _with_branch_head(w)
    today = china_today()
    asked = await _ask(
        api,
        w,
        TRANSFER,
        "requestTransfer",
        {
            "employeeId": gid(w.people["sh_rep"]),
            "unitId": gid(w.units["SH-PROD"]),
            "positionId": gid(w.positions["MGR"]),
            "baseSalary": "9000",
            "effectiveDate": today.isoformat(),
            "reason": "生产线扩编",
        },
    )
    assert asked["errors"] == [] and asked["change"]["status"] == "PENDING"
    # Nothing moved yet.
    rep = await Employee.get(id=w.people["sh_rep"].id)
    assert rep.unit_id == w.units["SH-SALES-1"].id
    request = await _approval(RequestType.TRANSFER)
    # The branch head sees who, from where to where and when on the card.
    cards = (await api.data(MY_APPROVALS, as_=w.users["manager"]))["myApprovals"]
    card = next(c for c in cards if c["id"] == gid(request))["lifecycleChange"]
    assert card == {
        "employeeName": "sh_rep name",
        "fromUnitName": "SH-SALES-1 unit",
        "toUnitName": "SH-PROD unit",
        "toPositionTitle": "Manager",
        "effectiveDate": today.isoformat(),
        "changesPay": True,
        "kind": "TRANSFER",
    }
    assert await _decide(api, w, "manager", request) == "PENDING"  # HQ HR's stage next
    rep = await Employee.get(id=w.people["sh_rep"].id)
    assert rep.unit_id == w.units["SH-SALES-1"].id
    assert await _decide(api, w, "hq_hr", request) == "APPROVED"
    rep = await Employee.get(id=w.people["sh_rep"].id)
    assert (rep.unit_id, rep.position_id, rep.base_salary) == (
        w.units["SH-PROD"].id,
        w.positions["MGR"].id,
        9000,
    )
    event = await EmploymentEvent.get(employee_id=rep.id, kind=EventKind.TRANSFER)
    assert (event.from_unit_id, event.to_unit_id) == (
        w.units["SH-SALES-1"].id,
        w.units["SH-PROD"].id,
    )
    change = await LifecycleChange.get(employee_id=rep.id)
    assert change.status is LifecycleStatus.APPLIED


async def test_a_rejected_transfer_changes_nothing(api: Api, world: World) -> None:
    w = world
    await _with_branch_head(w)
    await _ask(
        api,
        w,
        TRANSFER,
        "requestTransfer",
        {
            "employeeId": gid(w.people["sh_rep"]),
            "unitId": gid(w.units["SH-PROD"]),
            "effectiveDate": china_today().isoformat(),
        },
    )
    assert await _decide(api, w, "manager", await _approval(RequestType.TRANSFER), False) == (
        "REJECTED"
    )
    rep = await Employee.get(id=w.people["sh_rep"].id)
    assert rep.unit_id == w.units["SH-SALES-1"].id
    assert (await LifecycleChange.get(employee_id=rep.id)).status is LifecycleStatus.REJECTED


async def test_a_later_transfer_applies_on_its_effective_date(api: Api, world: World) -> None:
    w = world
    await _with_branch_head(w)
    later = china_today() + timedelta(days=10)
    await _ask(
        api,
        w,
        TRANSFER,
        "requestTransfer",
        {
            "employeeId": gid(w.people["sh_rep"]),
            "unitId": gid(w.units["SH-PROD"]),
            "effectiveDate": later.isoformat(),
        },
    )
    request = await _approval(RequestType.TRANSFER)
    await _decide(api, w, "manager", request)
    assert await _decide(api, w, "hq_hr", request) == "APPROVED"
    change = await LifecycleChange.get(employee_id=w.people["sh_rep"].id)
    assert change.status is LifecycleStatus.APPROVED  # approved, waiting for its day
    assert (await Employee.get(id=w.people["sh_rep"].id)).unit_id == w.units["SH-SALES-1"].id
    assert await apply_due(later - timedelta(days=1)) == 0
    assert await apply_due(later) == 1
    assert (await Employee.get(id=w.people["sh_rep"].id)).unit_id == w.units["SH-PROD"].id
    assert await apply_due(later) == 0  # once


async def test_nobody_asks_about_themselves(api: Api, world: World) -> None:
    w = world
    me = gid(w.people["sh_hr_person"])
    today = china_today().isoformat()
    for query, name, given in [
        (TRANSFER, "requestTransfer", {"unitId": gid(w.units["SH-PROD"]), "effectiveDate": today}),
        (CONFIRM, "requestProbationConfirmation", {"effectiveDate": today}),
        (TERMINATE, "requestTermination", {"kind": "RESIGNATION", "lastDay": today, "reason": "x"}),
    ]:
        result = await _ask(api, w, query, name, {"employeeId": me, **given})
        assert [e["code"] for e in result["errors"]] == ["SELF_DEALING"], (name, result)
    assert await LifecycleChange.all().count() == 0
    assert await ApprovalRequest.all().count() == 0


async def test_the_transfer_is_checked_where_the_person_stands_and_where_they_go(
    api: Api, world: World
) -> None:
    """Shanghai's HR moves nobody into Beijing, and nobody of Beijing's anywhere."""
    w = world
    today = china_today().isoformat()
    into_beijing = await _ask(
        api,
        w,
        TRANSFER,
        "requestTransfer",
        {
            "employeeId": gid(w.people["sh_rep"]),
            "unitId": gid(w.units["BJ-SALES"]),
            "effectiveDate": today,
        },
    )
    assert [(e["field"], e["code"]) for e in into_beijing["errors"]] == [("unitId", "NOT_FOUND")]
    above = await _ask(
        api,
        w,
        TRANSFER,
        "requestTransfer",
        {
            "employeeId": gid(w.people["sh_rep"]),
            "unitId": gid(w.units["ACME"]),
            "effectiveDate": today,
        },
    )
    assert [(e["field"], e["code"]) for e in above["errors"]] == [("unitId", "FORBIDDEN")]
    of_beijing = await _ask(
        api,
        w,
        TRANSFER,
        "requestTransfer",
        {
            "employeeId": gid(w.people["bj_rep"]),
            "unitId": gid(w.units["SH-PROD"]),
            "effectiveDate": today,
        },
    )
    assert [(e["field"], e["code"]) for e in of_beijing["errors"]] == [("employeeId", "NOT_FOUND")]
    assert await LifecycleChange.all().count() == 0


async def test_one_change_at_a_time(api: Api, world: World) -> None:
    w = world
    today = china_today().isoformat()
    given = {
        "employeeId": gid(w.people["sh_rep"]),
        "unitId": gid(w.units["SH-PROD"]),
        "effectiveDate": today,
    }
    assert (await _ask(api, w, TRANSFER, "requestTransfer", given))["errors"] == []
    again = await _ask(api, w, TRANSFER, "requestTransfer", given)
    assert [e["code"] for e in again["errors"]] == ["CONFLICT"]


async def test_probation_confirmation_goes_to_the_manager_then_hr(api: Api, world: World) -> None:
    w = world
    await Employee.filter(id=w.people["sh_rep2"].id).update(status=EmployeeStatus.PROBATION)
    result = await _ask(
        api,
        w,
        CONFIRM,
        "requestProbationConfirmation",
        {"employeeId": gid(w.people["sh_rep2"]), "effectiveDate": china_today().isoformat()},
    )
    assert result["errors"] == []
    request = await _approval(RequestType.PROBATION_CONFIRMATION)
    # The manager first (HQ HR holds no task yet), then HR other than the asker: HQ HR here.
    refused = await api.data(DECIDE, {"id": gid(request), "ok": True}, as_=w.users["hq_hr"])
    assert [e["code"] for e in refused["decideApproval"]["errors"]] == ["FORBIDDEN"]
    assert await _decide(api, w, "manager", request) == "PENDING"
    assert (await Employee.get(id=w.people["sh_rep2"].id)).status is EmployeeStatus.PROBATION
    assert await _decide(api, w, "hq_hr", request) == "APPROVED"
    assert (await Employee.get(id=w.people["sh_rep2"].id)).status is EmployeeStatus.ACTIVE
    # Only someone on probation is confirmed.
    again = await _ask(
        api,
        w,
        CONFIRM,
        "requestProbationConfirmation",
        {"employeeId": gid(w.people["sh_rep2"]), "effectiveDate": china_today().isoformat()},
    )
    assert [e["code"] for e in again["errors"]] == ["INVALID"]


async def _login(api: Api, username: str) -> list[str]:
    data = await api.data(LOGIN, {"u": username, "p": PASSWORD})
    return [e["code"] for e in data["login"]["errors"]]


async def test_termination_with_its_checklist_and_the_account_stops_after_the_last_day(
    api: Api, world: World
) -> None:
    w = world
    await _with_branch_head(w)
    leaver = w.people["sh_rep"]  # the user "employee"
    last_day = china_today()
    asked = await _ask(
        api,
        w,
        TERMINATE,
        "requestTermination",
        {
            "employeeId": gid(leaver),
            "kind": "RESIGNATION",
            "lastDay": last_day.isoformat(),
            "reason": "个人发展",
        },
    )
    assert asked["errors"] == []
    items = [i["item"] for i in asked["change"]["checklist"]]
    assert "handover" in items and "social_insurance_stop" in items
    assert not any(i["done"] for i in asked["change"]["checklist"])
    # A reason is required.
    other = await _ask(
        api,
        w,
        TERMINATE,
        "requestTermination",
        {
            "employeeId": gid(w.people["sh_rep2"]),
            "kind": "DISMISSAL",
            "lastDay": last_day.isoformat(),
            "reason": " ",
        },
    )
    assert [(e["field"], e["code"]) for e in other["errors"]] == [("reason", "REQUIRED")]

    request = await _approval(RequestType.TERMINATION)
    await _decide(api, w, "manager", request)
    assert await _decide(api, w, "hq_hr", request) == "APPROVED"
    stored = await Employee.get(id=leaver.id)
    # The last day is set at once; employment ends after it.
    assert stored.termination_date == last_day and stored.status is EmployeeStatus.ACTIVE
    assert await _login(api, "employee") == []  # still working today

    ticked = await api.data(
        TICK,
        {"i": {"employeeId": gid(leaver), "item": "handover", "done": True}},
        as_=w.users["branch_hr"],
    )
    checklist = ticked["setOffboardingItem"]["change"]["checklist"]
    assert {"item": "handover", "done": True, "doneBy": "branch_hr"} in checklist
    # The leaver does not tick their own checklist (nor can they: they are no HR).
    own = await api.data(
        TICK,
        {"i": {"employeeId": gid(w.people["sh_hr_person"]), "item": "handover", "done": True}},
        as_=w.users["branch_hr"],
    )
    assert [e["code"] for e in own["setOffboardingItem"]["errors"]] == ["SELF_DEALING"]

    session = await api.token(w.users["employee"])  # a session from today
    assert await apply_due(last_day) == 0
    assert await apply_due(last_day + timedelta(days=1)) == 1
    stored = await Employee.get(id=leaver.id)
    assert stored.status is EmployeeStatus.TERMINATED
    user = await User.get(username="employee")
    assert not user.is_active
    assert not await RefreshToken.filter(user_id=user.id, revoked_at=None).exists()
    assert await _login(api, "employee") == ["INVALID_CREDENTIALS"]
    response = await api.http.post(
        "/graphql",
        json={"query": "{ me { username } }"},
        headers={"Authorization": f"Bearer {session}"},
    )
    assert response.status_code == 401
    assert await EmploymentEvent.filter(employee_id=leaver.id, kind=EventKind.RESIGNATION).exists()


async def test_a_leaver_whose_last_day_has_passed_cannot_sign_in_before_any_job_runs(
    api: Api, world: World
) -> None:
    """The check at sign-in, refresh and every request: no heartbeat needed."""
    w = world
    session = await api.token(w.users["employee"])
    assert await _login(api, "employee") == []
    yesterday: date = china_today() - timedelta(days=1)
    await Employee.filter(id=w.people["sh_rep"].id).update(termination_date=yesterday)
    assert await _login(api, "employee") == ["INVALID_CREDENTIALS"]
    response = await api.http.post(
        "/graphql",
        json={"query": "{ me { username } }"},
        headers={"Authorization": f"Bearer {session}"},
    )
    assert response.status_code == 401


async def test_an_approved_termination_whose_last_day_has_passed_ends_at_once(
    api: Api, world: World
) -> None:
    """Recorded late: approved after the last day, employment ends and the account stops."""
    w = world
    await _with_branch_head(w)
    last_day = china_today() - timedelta(days=2)
    await _ask(
        api,
        w,
        TERMINATE,
        "requestTermination",
        {
            "employeeId": gid(w.people["sh_rep"]),
            "kind": "DISMISSAL",
            "lastDay": last_day.isoformat(),
            "reason": "严重违纪 (劳动合同法第三十九条)",
        },
    )
    assert await _login(api, "employee") == []  # pending: nothing changed yet
    request = await _approval(RequestType.TERMINATION)
    await _decide(api, w, "manager", request)
    await _decide(api, w, "hq_hr", request)
    assert request.status is ApprovalStatus.PENDING  # as read before
    stored = await Employee.get(id=w.people["sh_rep"].id)
    assert (stored.status, stored.termination_date) == (EmployeeStatus.TERMINATED, last_day)
    assert not (await User.get(username="employee")).is_active
    assert await _login(api, "employee") == ["INVALID_CREDENTIALS"]
