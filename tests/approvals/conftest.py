"""What the engine's tests share (test_engine_edges.py, test_engine_details.py): a fixed day,
the request types' effects replaced by a recorder, and short ways to name a flow's approver,
submit a request and read who holds its tasks."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from talentloop.access.policy import Viewer
from talentloop.access.viewer import viewer_for_user
from talentloop.approvals import service as approvals
from talentloop.approvals.models import (
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTask,
    ApproverRule,
    RequestType,
    StepMode,
)
from talentloop.errors import ErrorCode, ServiceError
from tests.support import World

# A day that is not the machine's today: whatever reads the clock instead of `now` shows.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in China
TODAY = date(2026, 3, 2)

Decided = list[tuple[int, bool, str | None]]


@pytest.fixture
def decided(monkeypatch: pytest.MonkeyPatch) -> Decided:
    calls: Decided = []

    async def record(request: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
        calls.append((request.id, approved, viewer.username))

    for request_type in RequestType:
        monkeypatch.setitem(approvals._EFFECTS, request_type, record)
        monkeypatch.delitem(approvals._PROGRESS, request_type, raising=False)
    return calls


async def viewer_of(w: World, username: str) -> Viewer:
    return await viewer_for_user(w.users[username])


async def sh_flow(w: World, request_type: RequestType, *steps: dict[str, object]) -> ApprovalFlow:
    """A flow on Shanghai of one "all" stage of these steps."""
    flow = await ApprovalFlow.create(request_type=request_type, unit_id=w.units["SH"].id)
    for step in steps:
        await ApprovalStep.create(flow_id=flow.id, position=0, mode=StepMode.ALL, **step)
    return flow


def named(w: World, username: str) -> dict[str, object]:
    return {"rule": ApproverRule.USER, "user_id": w.users[username].id}


async def submit_on(
    w: World,
    request_type: RequestType,
    *,
    requester: str,
    about: str | None,
    unit: str = "SH-SALES-1",
    subject_id: int = 4711,
) -> ApprovalRequest:
    return await approvals.submit(
        await viewer_of(w, requester),
        request_type,
        subject_id=subject_id,
        unit=w.units[unit],
        employee_id=w.people[about].id if about else None,
        title="engine edges",
        now=NOW,
    )


async def approvers_of(request: ApprovalRequest) -> list[int]:
    tasks = await ApprovalTask.filter(request_id=request.id).order_by("id")
    return [t.approver_id for t in tasks]


async def refused(call: Awaitable[Any], code: ErrorCode, field: str | None = "id") -> None:
    with pytest.raises(ServiceError) as raised:
        await call
    assert [(e.code, e.field) for e in raised.value.errors] == [(code, field)]
