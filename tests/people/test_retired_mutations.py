"""The direct mutations of before — transferEmployee, terminateEmployee, recordTransfer and
recordResignation — no longer go around the approvers (issue 19 point 4, issue 18's spirit: a
control that can be gone around is no control). Each files the TRANSFER or TERMINATION request
with the rules of requestTransfer / requestTermination; the person changes only when it is
approved."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from talentloop.accounts.sessions import china_today
from talentloop.approvals.models import ApprovalRequest, RequestType
from talentloop.people.models import (
    Employee,
    EmployeeStatus,
    LifecycleChange,
    LifecycleKind,
    LifecycleStatus,
    TerminationKind,
)
from talentloop.records.models import EmploymentEvent
from tests.support import Api, World, gid

TRANSFER = """mutation($input: TransferEmployeeInput!) {
  transferEmployee(input: $input) { employee { unit { code } } errors { field code } } }"""
TERMINATE = """mutation($input: TerminateEmployeeInput!) {
  terminateEmployee(input: $input) { employee { status terminationDate } errors { field code } } }"""
RECORD_TRANSFER = """mutation($input: RecordTransferInput!) {
  recordTransfer(input: $input) { event { kind } errors { field code } } }"""
RECORD_RESIGNATION = """mutation($input: RecordResignationInput!) {
  recordResignation(input: $input) { event { kind } errors { field code } } }"""
DECIDE = """mutation ($id: ID!) {
  decideApproval(id: $id, approve: true) { approvalRequest { status } errors { code } } }"""


async def _with_branch_head(w: World) -> None:
    """The Shanghai branch's head: the sales head (user "manager")."""
    w.units["SH"].manager = w.people["sh_sales_head"]
    await w.units["SH"].save(update_fields=["manager_id"])


async def _approve(api: Api, w: World, employee_id: int) -> None:
    """The default plan of both types: the branch head, then HQ HR."""
    request = await ApprovalRequest.get(employee_id=employee_id)
    for user in ("manager", "hq_hr"):
        data = await api.data(DECIDE, {"id": gid(request)}, as_=w.users[user])
        assert data["decideApproval"]["errors"] == []


async def _changes(employee_id: int) -> list[tuple[Any, ...]]:
    return [
        (c.kind, c.status, c.to_unit_id, c.effective_date, c.termination_kind)
        for c in await LifecycleChange.filter(employee_id=employee_id)
    ]


async def test_transfer_employee_files_a_transfer_and_moves_no_one_until_approved(
    api: Api, world: World
) -> None:
    w = world
    await _with_branch_head(w)
    rep = w.people["sh_rep"]
    asked = await api.data(
        TRANSFER,
        {"input": {"id": gid(rep), "unitId": gid(w.units["SH-PROD"])}},
        as_=w.users["branch_hr"],
    )
    # The answer is the person as they stand: still in sales.
    assert asked["transferEmployee"] == {
        "employee": {"unit": {"code": "SH-SALES-1"}},
        "errors": [],
    }
    assert (await Employee.get(id=rep.id)).unit_id == w.units["SH-SALES-1"].id
    today = china_today()
    assert await _changes(rep.id) == [
        (
            LifecycleKind.TRANSFER,
            LifecycleStatus.PENDING,
            w.units["SH-PROD"].id,
            today,
            None,
        )
    ]
    # One change at a time, and the field names are the old input's.
    again = await api.data(
        TRANSFER,
        {"input": {"id": gid(rep), "unitId": gid(w.units["SH-PROD"])}},
        as_=w.users["branch_hr"],
    )
    assert again["transferEmployee"]["errors"] == [{"field": "id", "code": "CONFLICT"}]
    await _approve(api, w, rep.id)
    assert (await Employee.get(id=rep.id)).unit_id == w.units["SH-PROD"].id


async def test_transfer_employee_keeps_the_checks_of_both_ends(api: Api, world: World) -> None:
    w = world
    rep = w.people["sh_rep"]
    to_other_branch = await api.data(
        TRANSFER,
        {"input": {"id": gid(rep), "unitId": gid(w.units["BJ-SALES"])}},
        as_=w.users["branch_hr"],
    )
    assert to_other_branch["transferEmployee"]["errors"] == [
        {"field": "unitId", "code": "NOT_FOUND"}
    ]
    stale = await api.data(
        TRANSFER,
        {
            "input": {
                "id": gid(rep),
                "unitId": gid(w.units["SH-PROD"]),
                "expectedVersion": 99,
            }
        },
        as_=w.users["branch_hr"],
    )
    assert stale["transferEmployee"]["errors"] == [{"field": "expectedVersion", "code": "CONFLICT"}]
    own = await api.data(
        TRANSFER,
        {
            "input": {
                "id": gid(w.people["sh_hr_person"]),
                "unitId": gid(w.units["SH-PROD"]),
            }
        },
        as_=w.users["branch_hr"],
    )
    assert own["transferEmployee"]["errors"] == [{"field": "id", "code": "SELF_DEALING"}]
    assert not await LifecycleChange.exists()


async def test_terminate_employee_files_a_termination_and_ends_nothing_until_approved(
    api: Api, world: World
) -> None:
    w = world
    await _with_branch_head(w)
    rep = w.people["sh_rep"]
    before_hire = await api.data(
        TERMINATE,
        {"input": {"id": gid(rep), "terminationDate": "2019-12-31", "reason": "x"}},
        as_=w.users["hq_hr"],
    )
    assert before_hire["terminateEmployee"]["errors"] == [
        {"field": "terminationDate", "code": "INVALID"}
    ]
    no_reason = await api.data(
        TERMINATE,
        {"input": {"id": gid(rep), "terminationDate": "2026-11-30"}},
        as_=w.users["branch_hr"],
    )
    assert no_reason["terminateEmployee"]["errors"] == [{"field": "reason", "code": "REQUIRED"}]
    last_day = china_today() - timedelta(days=1)
    asked = await api.data(
        TERMINATE,
        {
            "input": {
                "id": gid(rep),
                "terminationDate": last_day.isoformat(),
                "reason": "严重违纪",
                "kind": "DISMISSAL",
            }
        },
        as_=w.users["branch_hr"],
    )
    assert asked["terminateEmployee"] == {
        "employee": {"status": "ACTIVE", "terminationDate": None},
        "errors": [],
    }
    assert await _changes(rep.id) == [
        (
            LifecycleKind.TERMINATION,
            LifecycleStatus.PENDING,
            None,
            last_day,
            TerminationKind.DISMISSAL,
        )
    ]
    await _approve(api, w, rep.id)
    stored = await Employee.get(id=rep.id)
    assert (stored.status, stored.termination_date) == (
        EmployeeStatus.TERMINATED,
        last_day,
    )


async def test_record_transfer_and_resignation_file_requests_too(api: Api, world: World) -> None:
    w = world
    rep, rep2 = w.people["sh_rep"], w.people["sh_rep2"]
    moved = await api.data(
        RECORD_TRANSFER,
        {
            "input": {
                "employeeId": gid(rep),
                "unitId": gid(w.units["SH-PROD"]),
                "effectiveDate": "2026-01-01",
                "note": "扩编",
            }
        },
        as_=w.users["branch_hr"],
    )
    assert moved["recordTransfer"] == {"event": None, "errors": []}
    left = await api.data(
        RECORD_RESIGNATION,
        {"input": {"employeeId": gid(rep2), "effectiveDate": "2026-01-31"}},
        as_=w.users["branch_hr"],
    )
    assert left["recordResignation"] == {"event": None, "errors": []}
    # Nothing changed, no event written: both wait for their approvers.
    assert (await Employee.get(id=rep.id)).unit_id == w.units["SH-SALES-1"].id
    assert (await Employee.get(id=rep2.id)).status is not EmployeeStatus.TERMINATED
    assert not await EmploymentEvent.filter(employee_id__in=[rep.id, rep2.id]).exists()
    assert await _changes(rep.id) == [
        (
            LifecycleKind.TRANSFER,
            LifecycleStatus.PENDING,
            w.units["SH-PROD"].id,
            date(2026, 1, 1),
            None,
        )
    ]
    assert await _changes(rep2.id) == [
        (
            LifecycleKind.TERMINATION,
            LifecycleStatus.PENDING,
            None,
            date(2026, 1, 31),
            TerminationKind.RESIGNATION,
        )
    ]
    assert {r.request_type for r in await ApprovalRequest.all()} == {
        RequestType.TRANSFER,
        RequestType.TERMINATION,
    }
