"""Approved transfers and resignations write the employee through versions.py: a new version,
the change in the audit trail — and the timeline, built from that trail, still shows them. (A
stale `expectedVersion` on the deprecated direct mutations: tests/people.)"""

from __future__ import annotations

from talentloop.audit.models import AuditEntry
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.records.models import Contract, EmploymentEvent
from tests.support import Api, World, approved_change, gid

VERSION = "query($id: ID!) { employee(id: $id) { version } }"
TIMELINE = """query($id: ID!) {
  employeeTimeline(employeeId: $id) { event { kind } change { field after } }
}"""


async def _version(api: Api, world: World, employee: Employee) -> int:
    data = await api.data(VERSION, {"id": gid(employee)}, as_=world.users["branch_hr"])
    return int(data["employee"]["version"])


async def test_an_approved_transfer_raises_the_version_and_is_audited(
    api: Api, world: World
) -> None:
    rep = world.people["sh_rep"]
    read = await _version(api, world, rep)
    move = {"employeeId": gid(rep), "effectiveDate": "2026-06-01"}
    await approved_change(
        api, world, "requestTransfer", {**move, "unitId": gid(world.units["SH-PROD"])}
    )
    assert await _version(api, world, rep) == read + 1
    assert await EmploymentEvent.filter(employee_id=rep.id).count() == 1
    [entry] = await AuditEntry.filter(subject_type="Employee", subject_id=rep.id, field="unitId")
    assert entry.actor_username == "hq_hr"  # the last approver applied it
    assert (entry.before, entry.after) == (
        {"unitId": world.units["SH-SALES-1"].id},
        {"unitId": world.units["SH-PROD"].id},
    )


async def test_a_resignation_raises_the_version_clears_manager_links_and_shows_on_the_timeline(
    api: Api, world: World
) -> None:
    head, hr = world.people["sh_sales_head"], world.users["branch_hr"]
    read = await _version(api, world, head)
    rep_version = (await Employee.get(id=world.people["sh_rep"].id)).version
    unit_version = (await OrgUnit.get(id=world.units["SH-SALES"].id)).version
    resign = {
        "employeeId": gid(head),
        "kind": "RESIGNATION",
        "lastDay": "2026-06-30",
        "reason": "个人发展",
    }
    await approved_change(api, world, "requestTermination", resign)
    left = await Employee.get(id=head.id)
    # A new version for the last day at the approval, another as employment ends.
    assert (left.status, left.version) == (EmployeeStatus.TERMINATED, read + 2)
    # Those they managed, and the unit they led, lose the link in a new version of their own.
    rep = await Employee.get(id=world.people["sh_rep"].id)
    assert (rep.manager_id, rep.version) == (None, rep_version + 1)
    unit = await OrgUnit.get(id=world.units["SH-SALES"].id)
    assert unit.manager_id is None and unit.version > unit_version
    assert not await Contract.filter(employee_id=head.id).exists()

    timeline = (await api.data(TIMELINE, {"id": gid(head)}, as_=hr))["employeeTimeline"]
    assert {"kind": "RESIGNATION"} in [i["event"] for i in timeline]
    assert {"field": "status", "after": "terminated"} in [i["change"] for i in timeline]
