"""The approvals engine through the API: flows per unit with conditions, parallel stages,
delegation, escalation, no self-approval and branch isolation (Issue 11)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from talentloop.accounts.models import Role
from talentloop.approvals import service as approvals
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.org.models import OrgUnit
from tests.support import Api, World, add_person, add_user, gid

REQUEST = """
mutation ($input: RequestLeaveInput!) {
  requestLeave(input: $input) { leaveRequest { id days status } errors { field code message } }
}
"""
SAVE_FLOW = """
mutation ($input: ApprovalFlowInput!) {
  saveApprovalFlow(input: $input) { flow { flowId steps { position rule daysOver } }
                                    errors { field code message } }
}
"""
MINE = """
query { myApprovals { id title days stage stageCount canDecide subjectId } }
"""
DECIDE = """
mutation ($id: ID!, $approve: Boolean!, $comment: String!) {
  decideApproval(id: $id, approve: $approve, comment: $comment) {
    approvalRequest { status stage } errors { code message }
  }
}
"""
DETAIL = """
query ($id: ID!) {
  node(id: $id) {
    ... on ApprovalRequest {
      status stage stageCount
      tasks { stage approverName status actedByName comment escalation }
      history { kind stage actorName onBehalfOfName comment at }
    }
  }
}
"""
LEAVE = """
query ($id: ID!) { node(id: $id) { ... on LeaveRequest { status decisionNote } } }
"""

ONE_DAY = ("2026-12-07", "2026-12-07")  # a Monday
FIVE_DAYS = ("2026-12-14", "2026-12-18")  # Monday to Friday


@pytest.fixture
async def sh(world: World) -> World:
    """The test world with a Shanghai branch head (sh_head, heads SH) and a user for sh_rep2."""
    await add_person(world, "sh_head_person", "SH", "ceo")
    await add_user(world, "sh_head", Role.MANAGER, "sh_head_person", "SH")
    await OrgUnit.filter(id=world.units["SH"].id).update(
        manager_id=world.people["sh_head_person"].id
    )
    await add_user(world, "rep2", Role.EMPLOYEE, "sh_rep2")
    return world


async def _flow(api: Api, w: World, steps: list[dict[str, Any]], unit: str = "SH") -> None:
    saved = await api.data(
        SAVE_FLOW,
        {"input": {"requestType": "LEAVE", "unitId": gid(w.units[unit]), "steps": steps}},
        as_=w.users["branch_hr"],
    )
    assert saved["saveApprovalFlow"]["errors"] == [], saved


SHANGHAI_FLOW = [
    {"position": 0, "rule": "MANAGER"},
    {"position": 1, "rule": "ROLE", "role": "BRANCH_HR", "daysOver": 1},
    {"position": 2, "rule": "BRANCH_HEAD", "daysOver": 3},
]


async def _ask(api: Api, w: World, days: tuple[str, str], user: str = "employee") -> str:
    asked = await api.data(
        REQUEST,
        {"input": {"leaveType": "PERSONAL", "startDate": days[0], "endDate": days[1]}},
        as_=w.users[user],
    )
    assert asked["requestLeave"]["errors"] == [], asked
    return str(asked["requestLeave"]["leaveRequest"]["id"])


async def _waiting(api: Api, w: World, user: str) -> list[dict[str, Any]]:
    return list((await api.data(MINE, as_=w.users[user]))["myApprovals"])


async def _decide(
    api: Api, w: World, user: str, request_id: str, approve: bool = True, comment: str = "ok"
) -> dict[str, Any]:
    answer = await api.data(
        DECIDE, {"id": request_id, "approve": approve, "comment": comment}, as_=w.users[user]
    )
    return dict(answer["decideApproval"])


async def _detail(api: Api, w: World, request_id: str, user: str = "hq_hr") -> dict[str, Any]:
    return dict((await api.data(DETAIL, {"id": request_id}, as_=w.users[user]))["node"])


async def test_a_long_leave_in_shanghai_goes_manager_then_branch_hr_then_branch_head(
    api: Api, sh: World
) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)
    leave_id = await _ask(api, w, FIVE_DAYS)
    waiting = await _waiting(api, w, "manager")
    assert [(r["subjectId"], r["days"], r["stageCount"], r["canDecide"]) for r in waiting] == [
        (leave_id, 5, 3, True)
    ]
    request_id = waiting[0]["id"]
    assert await _waiting(api, w, "branch_hr") == []
    assert await _waiting(api, w, "sh_head") == []

    # Out of order: the branch head has no task yet, so the request is not theirs to see (nor
    # another branch's HR's).
    early = await _decide(api, w, "sh_head", request_id)
    assert early["errors"][0]["code"] == "NOT_FOUND"
    outside = await _decide(api, w, "bj_hr", request_id)
    assert outside["errors"][0]["code"] == "NOT_FOUND"
    assert (await api.data(DETAIL, {"id": request_id}, as_=w.users["bj_hr"]))["node"] is None

    first = await _decide(api, w, "manager", request_id, comment="Fine by me")
    assert first["approvalRequest"] == {"status": "PENDING", "stage": 1}
    assert [r["id"] for r in await _waiting(api, w, "branch_hr")] == [request_id]
    second = await _decide(api, w, "branch_hr", request_id)
    assert second["approvalRequest"] == {"status": "PENDING", "stage": 2}
    leave = await api.data(LEAVE, {"id": leave_id}, as_=w.users["employee"])
    assert leave["node"]["status"] == "PENDING"
    third = await _decide(api, w, "sh_head", request_id, comment="Enjoy")
    assert third["approvalRequest"] == {"status": "APPROVED", "stage": 2}

    leave = await api.data(LEAVE, {"id": leave_id}, as_=w.users["employee"])
    assert leave["node"] == {"status": "APPROVED", "decisionNote": "Enjoy"}
    detail = await _detail(api, w, request_id, user="employee")
    assert [(h["kind"], h["stage"], h["actorName"], h["comment"]) for h in detail["history"]] == [
        ("SUBMITTED", None, "sh_rep name", ""),
        ("APPROVED", 0, "sh_sales_head name", "Fine by me"),
        ("APPROVED", 1, "sh_hr_person name", "ok"),
        ("APPROVED", 2, "sh_head_person name", "Enjoy"),
        ("COMPLETED", None, None, "approved"),
    ]
    assert all(h["at"] for h in detail["history"])


async def test_a_one_day_leave_stops_at_the_manager(api: Api, sh: World) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)
    leave_id = await _ask(api, w, ONE_DAY)
    request_id = (await _waiting(api, w, "manager"))[0]["id"]
    done = await _decide(api, w, "manager", request_id)
    assert done["approvalRequest"] == {"status": "APPROVED", "stage": 0}
    assert await _waiting(api, w, "branch_hr") == []
    leave = await api.data(LEAVE, {"id": leave_id}, as_=w.users["employee"])
    assert leave["node"]["status"] == "APPROVED"
    again = await _decide(api, w, "manager", request_id)
    assert again["errors"][0]["code"] == "CONFLICT"


async def test_an_all_stage_waits_for_every_approver_and_an_any_stage_for_one(
    api: Api, sh: World
) -> None:
    w = sh
    await _flow(
        api,
        w,
        [
            {"position": 0, "rule": "MANAGER", "mode": "ALL"},
            {"position": 0, "rule": "ROLE", "role": "BRANCH_HR", "mode": "ALL"},
            {"position": 1, "rule": "BRANCH_HEAD", "mode": "ANY"},
            {"position": 1, "rule": "HQ_HR", "mode": "ANY"},
        ],
    )
    await _ask(api, w, ONE_DAY)
    request_id = (await _waiting(api, w, "manager"))[0]["id"]
    assert [r["id"] for r in await _waiting(api, w, "branch_hr")] == [request_id]

    one = await _decide(api, w, "manager", request_id)
    assert one["approvalRequest"] == {"status": "PENDING", "stage": 0}
    assert await _waiting(api, w, "manager") == []
    assert await _waiting(api, w, "sh_head") == []
    both = await _decide(api, w, "branch_hr", request_id)
    assert both["approvalRequest"] == {"status": "PENDING", "stage": 1}
    assert [r["id"] for r in await _waiting(api, w, "sh_head")] == [request_id]
    assert [r["id"] for r in await _waiting(api, w, "hq_hr")] == [request_id]

    anyone = await _decide(api, w, "hq_hr", request_id)
    assert anyone["approvalRequest"] == {"status": "APPROVED", "stage": 1}
    late = await _decide(api, w, "sh_head", request_id)
    assert late["errors"][0]["code"] == "CONFLICT"
    tasks = (await _detail(api, w, request_id))["tasks"]
    assert [(t["stage"], t["approverName"], t["status"]) for t in tasks] == [
        (0, "sh_sales_head name", "APPROVED"),
        (0, "sh_hr_person name", "APPROVED"),
        (1, "sh_head_person name", "CLOSED"),
        (1, "hq_hr_person name", "APPROVED"),
    ]


async def test_one_rejection_rejects_the_leave(api: Api, sh: World) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)
    leave_id = await _ask(api, w, FIVE_DAYS)
    request_id = (await _waiting(api, w, "manager"))[0]["id"]
    await _decide(api, w, "manager", request_id)
    no = await _decide(api, w, "branch_hr", request_id, approve=False, comment="Busy month")
    assert no["approvalRequest"]["status"] == "REJECTED"
    leave = await api.data(LEAVE, {"id": leave_id}, as_=w.users["employee"])
    assert leave["node"] == {"status": "REJECTED", "decisionNote": "Busy month"}
    assert await _waiting(api, w, "sh_head") == []


async def test_a_delegate_acts_while_the_approver_is_away_and_the_history_says_so(
    api: Api, sh: World
) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)
    today = approvals.china_today()
    delegated = await api.data(
        """mutation ($input: DelegationInput!) {
             delegateApprovals(input: $input) { delegation { fromName toName } errors { code } }
           }""",
        {
            "input": {
                "toEmployeeId": gid(w.people["sh_rep2"]),
                "startDate": today.isoformat(),
                "endDate": (today + timedelta(days=3)).isoformat(),
            }
        },
        as_=w.users["manager"],
    )
    assert delegated["delegateApprovals"]["delegation"] == {
        "fromName": "sh_sales_head name",
        "toName": "sh_rep2 name",
    }
    await _ask(api, w, ONE_DAY)
    waiting = await _waiting(api, w, "rep2")
    assert len(waiting) == 1 and waiting[0]["canDecide"] is True
    request_id = waiting[0]["id"]
    done = await _decide(api, w, "rep2", request_id, comment="For my manager")
    assert done["approvalRequest"]["status"] == "APPROVED"
    history = (await _detail(api, w, request_id))["history"]
    decision = next(h for h in history if h["kind"] == "APPROVED")
    assert (decision["actorName"], decision["onBehalfOfName"], decision["comment"]) == (
        "sh_rep2 name",
        "sh_sales_head name",
        "For my manager",
    )
    tasks = (await _detail(api, w, request_id))["tasks"]
    assert [(t["approverName"], t["actedByName"]) for t in tasks] == [
        ("sh_sales_head name", "sh_rep2 name")
    ]


async def test_a_delegation_out_of_its_dates_gives_nothing(api: Api, sh: World) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)
    today = approvals.china_today()
    await api.data(
        """mutation ($input: DelegationInput!) {
             delegateApprovals(input: $input) { errors { code } }
           }""",
        {
            "input": {
                "toEmployeeId": gid(w.people["sh_rep2"]),
                "startDate": (today + timedelta(days=5)).isoformat(),
                "endDate": (today + timedelta(days=9)).isoformat(),
            }
        },
        as_=w.users["manager"],
    )
    await _ask(api, w, ONE_DAY)
    request_id = (await _waiting(api, w, "manager"))[0]["id"]
    assert await _waiting(api, w, "rep2") == []
    refused = await _decide(api, w, "rep2", request_id)
    assert refused["errors"][0]["code"] == "NOT_FOUND"  # not theirs to see either


async def test_a_task_past_its_deadline_is_escalated(api: Api, sh: World) -> None:
    w = sh
    await _flow(
        api,
        w,
        [{"position": 0, "rule": "MANAGER", "deadlineHours": 24, "escalateRule": "BRANCH_HEAD"}],
    )
    await _ask(api, w, ONE_DAY)
    request_id = (await _waiting(api, w, "manager"))[0]["id"]
    now = datetime.now(UTC)
    assert await approvals.escalate_overdue(now + timedelta(hours=23)) == 0
    assert await approvals.escalate_overdue(now + timedelta(hours=25)) == 1
    assert await approvals.escalate_overdue(now + timedelta(hours=26)) == 0

    assert await _waiting(api, w, "manager") == []
    refused = await _decide(api, w, "manager", request_id)
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    assert [r["id"] for r in await _waiting(api, w, "sh_head")] == [request_id]
    done = await _decide(api, w, "sh_head", request_id)
    assert done["approvalRequest"]["status"] == "APPROVED"
    detail = await _detail(api, w, request_id)
    assert [(t["approverName"], t["status"], t["escalation"]) for t in detail["tasks"]] == [
        ("sh_sales_head name", "ESCALATED", False),
        ("sh_head_person name", "APPROVED", True),
    ]
    escalated = next(h for h in detail["history"] if h["kind"] == "ESCALATED")
    assert escalated["onBehalfOfName"] == "sh_sales_head name"


async def test_nobody_approves_their_own_request(api: Api, sh: World) -> None:
    w = sh
    # The manager's own leave on the default flow (manager, managers and HR in scope, HQ HR:
    # any one): the manager is not among its approvers and may not decide it.
    await _ask(api, w, ONE_DAY, user="manager")
    assert await _waiting(api, w, "manager") == []
    request_id = (await _waiting(api, w, "branch_hr"))[0]["id"]
    own = await _decide(api, w, "manager", request_id)
    assert own["errors"][0]["code"] == "FORBIDDEN"
    names = {t["approverName"] for t in (await _detail(api, w, request_id))["tasks"]}
    assert "sh_sales_head name" not in names
    assert {"ceo name", "sh_head_person name", "sh_hr_person name", "hq_hr_person name"} <= names

    # Branch HR's own leave where the only rule is branch HR: it goes to HQ HR instead.
    await _flow(api, w, [{"position": 0, "rule": "ROLE", "role": "BRANCH_HR"}], unit="SH-HR")
    await _ask(api, w, ONE_DAY, user="branch_hr")
    mine = await api.data(
        "query { myApprovalRequests { id tasks { approverName } } }", as_=w.users["branch_hr"]
    )
    assert [t["approverName"] for t in mine["myApprovalRequests"][0]["tasks"]] == [
        "hq_hr_person name"
    ]
    hr_own = await _decide(api, w, "branch_hr", mine["myApprovalRequests"][0]["id"])
    assert hr_own["errors"][0]["code"] == "FORBIDDEN"


async def test_an_approver_outside_the_branch_is_never_given_the_request(
    api: Api, sh: World
) -> None:
    w = sh
    # A named approver in Beijing: left out (they would not see the request); HQ HR instead.
    await _flow(api, w, [{"position": 0, "rule": "USER", "userId": gid(w.users["bj_hr"])}])
    await _ask(api, w, ONE_DAY)
    assert await _waiting(api, w, "bj_hr") == []
    request_id = (await _waiting(api, w, "hq_hr"))[0]["id"]
    assert (await api.data(DETAIL, {"id": request_id}, as_=w.users["bj_hr"]))["node"] is None
    refused = await _decide(api, w, "bj_hr", request_id)
    assert refused["errors"][0]["code"] == "NOT_FOUND"


async def test_flows_are_the_branch_s_own_and_hq_sees_every_one(api: Api, sh: World) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)
    query = "query { approvalFlows { unitName steps { rule } } }"
    assert [
        f["unitName"] for f in (await api.data(query, as_=w.users["hq_hr"]))["approvalFlows"]
    ] == [w.units["SH"].name]
    assert (await api.data(query, as_=w.users["bj_hr"]))["approvalFlows"] == []
    assert (await api.data(query, as_=w.users["employee"]))["approvalFlows"] == []
    other = await api.data(
        SAVE_FLOW,
        {"input": {"requestType": "LEAVE", "unitId": gid(w.units["SH"]), "steps": SHANGHAI_FLOW}},
        as_=w.users["bj_hr"],
    )
    assert other["saveApprovalFlow"]["errors"][0]["code"] == "NOT_FOUND"
    default = await api.data(
        SAVE_FLOW,
        {"input": {"requestType": "LEAVE", "steps": SHANGHAI_FLOW}},
        as_=w.users["branch_hr"],
    )
    assert default["saveApprovalFlow"]["errors"][0]["code"] == "FORBIDDEN"
    bad = await api.data(
        SAVE_FLOW,
        {
            "input": {
                "requestType": "LEAVE",
                "unitId": gid(w.units["SH"]),
                "steps": [{"position": 0, "rule": "USER"}],
            }
        },
        as_=w.users["branch_hr"],
    )
    assert bad["saveApprovalFlow"]["errors"][0]["code"] == "INVALID"


async def test_two_approvers_deciding_at_once_count_once(api: Api, sh: World) -> None:
    w = sh
    await _ask(api, w, ONE_DAY)  # the default flow: any one of manager, managers, HR, HQ HR
    request_id = (await _waiting(api, w, "manager"))[0]["id"]
    answers = await asyncio.gather(
        *(_decide(api, w, user, request_id) for user in ("manager", "branch_hr", "hq_hr"))
    )
    decided = [a for a in answers if not a["errors"]]
    assert len(decided) == 1, answers
    assert sorted(a["errors"][0]["code"] for a in answers if a["errors"]) == ["CONFLICT"] * 2
    history = (await _detail(api, w, request_id))["history"]
    assert [h["kind"] for h in history] == ["SUBMITTED", "APPROVED", "COMPLETED"]


# --- delegations listed with an id and ended by their approver (issue #19); each audited ---

DELEGATE_ONE = """
mutation ($input: DelegationInput!) {
  delegateApprovals(input: $input) { delegation { id given toName endDate } errors { code } }
}
"""
END_DELEGATION = """
mutation ($id: ID!) {
  endDelegation(id: $id) { delegation { id endDate } errors { field code } }
}
"""
DELEGATIONS = "query { myDelegations { id given fromName toName startDate endDate } }"


async def _delegate(api: Api, w: World, start_in: int, days: int) -> dict[str, Any]:
    today = approvals.china_today()
    answer = await api.data(
        DELEGATE_ONE,
        {
            "input": {
                "toEmployeeId": gid(w.people["sh_rep2"]),
                "startDate": (today + timedelta(days=start_in)).isoformat(),
                "endDate": (today + timedelta(days=start_in + days)).isoformat(),
            }
        },
        as_=w.users["manager"],
    )
    assert answer["delegateApprovals"]["errors"] == [], answer
    return dict(answer["delegateApprovals"]["delegation"])


async def test_the_approver_ends_a_running_delegation_and_the_delegate_no_longer_acts(
    api: Api, sh: World
) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)
    given = await _delegate(api, w, start_in=-2, days=5)
    assert given["given"] is True
    await _ask(api, w, ONE_DAY)
    assert len(await _waiting(api, w, "rep2")) == 1

    # Both see it; only the approver who gave it may end it — to the delegate it is not theirs.
    taken = (await api.data(DELEGATIONS, as_=w.users["rep2"]))["myDelegations"]
    assert [(d["id"], d["given"]) for d in taken] == [(given["id"], False)]
    refused = (await api.data(END_DELEGATION, {"id": given["id"]}, as_=w.users["rep2"]))[
        "endDelegation"
    ]
    assert refused == {"delegation": None, "errors": [{"field": "id", "code": "NOT_FOUND"}]}

    ended = (await api.data(END_DELEGATION, {"id": given["id"]}, as_=w.users["manager"]))[
        "endDelegation"
    ]
    yesterday = approvals.china_today() - timedelta(days=1)
    assert ended == {
        "delegation": {"id": given["id"], "endDate": yesterday.isoformat()},
        "errors": [],
    }
    assert await _waiting(api, w, "rep2") == []
    again = (await api.data(END_DELEGATION, {"id": given["id"]}, as_=w.users["manager"]))[
        "endDelegation"
    ]
    assert again["errors"] == [{"field": "id", "code": "INVALID"}]

    entries = await AuditEntry.filter(subject_type="ApprovalDelegation").order_by("id")
    assert [(e.action, e.field) for e in entries] == [
        (AuditAction.CREATE, None),
        (AuditAction.UPDATE, "endDate"),
    ]
    assert entries[1].after == {"endDate": yesterday.isoformat()}


async def test_a_delegation_not_yet_begun_is_removed_when_ended(api: Api, sh: World) -> None:
    w = sh
    given = await _delegate(api, w, start_in=3, days=2)
    ended = (await api.data(END_DELEGATION, {"id": given["id"]}, as_=w.users["manager"]))[
        "endDelegation"
    ]
    assert ended == {"delegation": None, "errors": []}
    assert (await api.data(DELEGATIONS, as_=w.users["manager"]))["myDelegations"] == []
    removed = await AuditEntry.get(subject_type="ApprovalDelegation", action=AuditAction.DELETE)
    assert removed.actor_user_id == w.users["manager"].id
