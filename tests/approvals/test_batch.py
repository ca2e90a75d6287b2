"""Several tasks decided at once (decideApprovals, approvals/batch.py; issue 21 point 5): each
through decideApproval's checks, each in its own transaction, per-item results."""

from __future__ import annotations

from typing import Any

from talentloop.approvals.models import ApprovalEvent, EventKind
from talentloop.attendance.models import LeaveRequest, LeaveStatus
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.graphql.ids import parse_global_id
from tests.approvals.test_approvals import SHANGHAI_FLOW, _ask, _decide, _flow, _waiting, sh
from tests.support import Api, World

__all__ = ["sh"]  # the fixture, used by name

BATCH = """
mutation ($input: DecideApprovalsInput!) {
  decideApprovals(input: $input) {
    results { id ok request { status stage } errors { field code message } }
    errors { field code }
  }
}
"""


async def _batch(
    api: Api, w: World, user: str, ids: list[str], decision: str = "APPROVE", comment: str = ""
) -> dict[str, Any]:
    answer = await api.data(
        BATCH, {"input": {"ids": ids, "decision": decision, "comment": comment}}, as_=w.users[user]
    )
    return dict(answer["decideApprovals"])


async def _request_of(api: Api, w: World, leave_id: str, approver: str) -> str:
    return next(r["id"] for r in await _waiting(api, w, approver) if r["subjectId"] == leave_id)


def _pk(global_id: str) -> int:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


async def test_two_approved_at_once_while_ones_own_and_one_at_anothers_step_are_refused(
    api: Api, sh: World
) -> None:
    w = sh
    await _flow(api, w, SHANGHAI_FLOW)  # the manager; branch HR when over a day
    first = await _ask(api, w, ("2026-12-14", "2026-12-15"))
    second = await _ask(api, w, ("2026-12-21", "2026-12-22"), user="rep2")
    waiting = await _ask(api, w, ("2026-12-28", "2026-12-29"))  # still at the manager's step
    own = await _ask(api, w, ("2026-12-14", "2026-12-15"), user="branch_hr")
    requests = [await _request_of(api, w, leave, "manager") for leave in (first, second)]
    for request_id in requests:
        assert (await _decide(api, w, "manager", request_id))["errors"] == []
    at_manager = await _request_of(api, w, waiting, "manager")
    own_request = next(
        r["id"]
        for r in (
            await api.data(
                "query { myApprovalRequests { id subjectId } }", as_=w.users["branch_hr"]
            )
        )["myApprovalRequests"]
        if r["subjectId"] == own
    )
    assert {r["id"] for r in await _waiting(api, w, "branch_hr")} == set(requests)

    done = await _batch(
        api, w, "branch_hr", [*requests, at_manager, own_request], comment="Both fine"
    )
    results = done["results"]
    assert [(r["id"], r["ok"]) for r in results] == [
        (requests[0], True),
        (requests[1], True),
        (at_manager, False),
        (own_request, False),
    ]
    assert [r["request"] for r in results] == [
        {"status": "APPROVED", "stage": 1},
        {"status": "APPROVED", "stage": 1},
        None,
        None,
    ]
    assert [[(e["field"], e["code"]) for e in r["errors"]] for r in results] == [
        [],
        [],
        [("ids.2", "FORBIDDEN")],
        [("ids.3", "FORBIDDEN")],
    ]
    assert results[3]["errors"][0]["message"] == "You may not decide your own request."
    assert done["errors"] == [
        {"field": "ids.2", "code": "FORBIDDEN"},
        {"field": "ids.3", "code": "FORBIDDEN"},
    ]
    # The refused ones are untouched, the approved ones took effect, each on its own.
    statuses = {
        r.id: r.status
        for r in await LeaveRequest.filter(id__in=[_pk(x) for x in (first, second, waiting, own)])
    }
    assert statuses == {
        _pk(first): LeaveStatus.APPROVED,
        _pk(second): LeaveStatus.APPROVED,
        _pk(waiting): LeaveStatus.PENDING,
        _pk(own): LeaveStatus.PENDING,
    }
    # Audited as individual decisions: one history event and one leave change each, with the
    # batch's comment; the refusals as a denied mutation naming the items.
    for request_id in requests:
        events = await ApprovalEvent.filter(
            request_id=_pk(request_id), kind=EventKind.APPROVED, stage=1
        )
        assert [(e.actor_id, e.comment) for e in events] == [(w.users["branch_hr"].id, "Both fine")]
    changes = await AuditEntry.filter(
        subject_type="LeaveRequest",
        action=AuditAction.UPDATE,
        actor_user_id=w.users["branch_hr"].id,
    )
    assert {e.subject_id for e in changes} == {_pk(first), _pk(second)}  # an entry a field
    denied = await AuditEntry.get(action=AuditAction.ACCESS_DENIED, subject_type="decideApprovals")
    assert denied.field == "ids.2,ids.3"

    # The manager's task at stage 0 is still theirs to decide.
    assert (await _decide(api, w, "manager", at_manager))["errors"] == []


async def test_more_than_a_hundred_ids_or_none_are_refused_and_nothing_is_decided(
    api: Api, sh: World
) -> None:
    w = sh
    leave = await _ask(api, w, ("2026-12-14", "2026-12-14"))
    request_id = await _request_of(api, w, leave, "manager")
    many = await _batch(api, w, "manager", [request_id] * 101)
    assert many["results"] == []
    assert many["errors"] == [{"field": "ids", "code": "INVALID"}]
    none = await _batch(api, w, "manager", [])
    assert none["errors"] == [{"field": "ids", "code": "REQUIRED"}]
    assert (await LeaveRequest.get(id=_pk(leave))).status is LeaveStatus.PENDING


async def test_rejecting_several_a_repeated_id_and_ids_of_nothing(api: Api, sh: World) -> None:
    w = sh
    first = await _ask(api, w, ("2026-12-14", "2026-12-14"))
    second = await _ask(api, w, ("2026-12-15", "2026-12-15"), user="rep2")
    ids = [await _request_of(api, w, leave, "manager") for leave in (first, second)]
    done = await _batch(
        api,
        w,
        "manager",
        [ids[0], ids[0], "not an id", "QXBwcm92YWxSZXF1ZXN0Ojk5OTk5", ids[1]],
        decision="REJECT",
        comment="Busy week",
    )
    assert [(r["ok"], [e["code"] for e in r["errors"]]) for r in done["results"]] == [
        (True, []),
        (False, ["DUPLICATE"]),
        (False, ["INVALID"]),
        (False, ["NOT_FOUND"]),
        (True, []),
    ]
    assert [r["request"] for r in done["results"] if r["ok"]] == [
        {"status": "REJECTED", "stage": 0},
        {"status": "REJECTED", "stage": 0},
    ]
    rejected = await LeaveRequest.filter(id__in=[_pk(first), _pk(second)])
    assert {(r.status, r.decision_note) for r in rejected} == {(LeaveStatus.REJECTED, "Busy week")}
