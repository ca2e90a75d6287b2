"""Transfers and resignations write the employee through versions.py: a new version, CONFLICT
on a stale `expectedVersion` with nothing written, the change in the audit trail — and the
timeline, built from that trail, still shows them."""

from __future__ import annotations

from talentloop.audit.models import AuditEntry
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.records.models import Contract, EmploymentEvent
from tests.support import Api, World, gid

TRANSFER = """mutation($input: RecordTransferInput!) {
  recordTransfer(input: $input) { event { kind } errors { field code } }
}"""
RESIGN = """mutation($input: RecordResignationInput!) {
  recordResignation(input: $input) { event { kind } errors { field code } }
}"""
VERSION = "query($id: ID!) { employee(id: $id) { version } }"
TIMELINE = """query($id: ID!) {
  employeeTimeline(employeeId: $id) { event { kind } change { field after } }
}"""


async def _version(api: Api, world: World, employee: Employee) -> int:
    data = await api.data(VERSION, {"id": gid(employee)}, as_=world.users["branch_hr"])
    return int(data["employee"]["version"])


async def test_a_transfer_raises_the_version_and_a_stale_one_is_a_conflict(
    api: Api, world: World
) -> None:
    rep, hr = world.people["sh_rep"], world.users["branch_hr"]
    read = await _version(api, world, rep)
    move = {"employeeId": gid(rep), "effectiveDate": "2026-06-01", "expectedVersion": read}
    to_prod = {**move, "unitId": gid(world.units["SH-PROD"])}
    data = await api.data(TRANSFER, {"input": to_prod}, as_=hr)
    assert data["recordTransfer"] == {"event": {"kind": "TRANSFER"}, "errors": []}
    assert await _version(api, world, rep) == read + 1

    # A second form opened on the same version saves too late: nothing moves.
    back = {**move, "unitId": gid(world.units["SH-SALES-1"])}
    data = await api.data(TRANSFER, {"input": back}, as_=hr)
    assert data["recordTransfer"] == {
        "event": None,
        "errors": [{"field": "expectedVersion", "code": "CONFLICT"}],
    }
    assert (await Employee.get(id=rep.id)).unit_id == world.units["SH-PROD"].id
    assert await EmploymentEvent.filter(employee_id=rep.id).count() == 1

    [entry] = await AuditEntry.filter(subject_type="Employee", subject_id=rep.id, field="unitId")
    assert entry.actor_username == "branch_hr"
    assert (entry.before, entry.after) == (
        {"unitId": world.units["SH-SALES-1"].id},
        {"unitId": world.units["SH-PROD"].id},
    )


async def test_a_resignation_raises_the_version_clears_manager_links_and_shows_on_the_timeline(
    api: Api, world: World
) -> None:
    head, hr = world.people["sh_sales_head"], world.users["branch_hr"]
    read = await _version(api, world, head)
    stale = {"employeeId": gid(head), "effectiveDate": "2026-06-30", "expectedVersion": read - 1}
    data = await api.data(RESIGN, {"input": stale}, as_=hr)
    assert data["recordResignation"]["errors"] == [{"field": "expectedVersion", "code": "CONFLICT"}]
    assert (await Employee.get(id=head.id)).status is EmployeeStatus.ACTIVE

    rep_version = (await Employee.get(id=world.people["sh_rep"].id)).version
    unit_version = (await OrgUnit.get(id=world.units["SH-SALES"].id)).version
    data = await api.data(RESIGN, {"input": {**stale, "expectedVersion": read}}, as_=hr)
    assert data["recordResignation"] == {"event": {"kind": "RESIGNATION"}, "errors": []}
    left = await Employee.get(id=head.id)
    assert (left.status, left.version) == (EmployeeStatus.TERMINATED, read + 1)
    # Those they managed, and the unit they led, lose the link in a new version of their own.
    rep = await Employee.get(id=world.people["sh_rep"].id)
    assert (rep.manager_id, rep.version) == (None, rep_version + 1)
    unit = await OrgUnit.get(id=world.units["SH-SALES"].id)
    assert (unit.manager_id, unit.version) == (None, unit_version + 1)
    assert not await Contract.filter(employee_id=head.id).exists()

    timeline = (await api.data(TIMELINE, {"id": gid(head)}, as_=hr))["employeeTimeline"]
    assert {"kind": "RESIGNATION"} in [i["event"] for i in timeline]
    assert {"field": "status", "after": "terminated"} in [i["change"] for i in timeline]
