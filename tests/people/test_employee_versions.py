"""Two HR users editing one employee: the second to save gets CONFLICT and writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from talentloop import versions
from talentloop.access.policy import SYSTEM
from talentloop.audit.models import AuditEntry
from talentloop.people.models import Employee, LifecycleChange
from talentloop.records.service import end_employment
from tests.support import Api, World, gid

READ = "query($id: ID!) { employee(id: $id) { name version baseSalary } }"
UPDATE = """mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { name version baseSalary } errors { field message code } }
}"""
TRANSFER = """mutation($input: TransferEmployeeInput!) {
  transferEmployee(input: $input) { employee { version unit { code } } errors { field code } }
}"""
TERMINATE = """mutation($input: TerminateEmployeeInput!) {
  terminateEmployee(input: $input) { employee { version status } errors { field code } }
}"""
CONFLICT = {
    "field": "expectedVersion",
    "message": "Someone else changed this record after you opened it. "
    "Reload it to see their change, then make yours again.",
    "code": "CONFLICT",
}


async def _read(api: Api, world: World, key: str, user: str = "hq_hr") -> dict[str, Any]:
    data = await api.data(READ, {"id": gid(world.people[key])}, as_=world.users[user])
    return dict(data["employee"])


async def test_the_second_of_two_hr_users_to_save_gets_a_conflict(api: Api, world: World) -> None:
    rep = world.people["sh_rep"]
    hq_form = await _read(api, world, "sh_rep", "hq_hr")
    branch_form = await _read(api, world, "sh_rep", "branch_hr")
    assert hq_form["version"] == branch_form["version"] == 1

    first = await api.data(
        UPDATE,
        {"input": {"id": gid(rep), "name": "改名", "expectedVersion": hq_form["version"]}},
        as_=world.users["hq_hr"],
    )
    assert first["updateEmployee"] == {
        "employee": {"name": "改名", "version": 2, "baseSalary": "8000.00"},
        "errors": [],
    }
    audit_rows = await AuditEntry.filter(subject_type="Employee").count()

    second = await api.data(
        UPDATE,
        {
            "input": {
                "id": gid(rep),
                "baseSalary": "9000",
                "expectedVersion": branch_form["version"],
            }
        },
        as_=world.users["branch_hr"],
    )
    assert second["updateEmployee"] == {"employee": None, "errors": [CONFLICT]}
    stored = await Employee.get(id=rep.id)
    assert (stored.name, stored.base_salary, stored.version) == ("改名", Decimal("8000.00"), 2)
    assert await AuditEntry.filter(subject_type="Employee").count() == audit_rows

    # Reloaded, the branch HR sees the first change and saves theirs on top of it.
    reloaded = await _read(api, world, "sh_rep", "branch_hr")
    third = await api.data(
        UPDATE,
        {"input": {"id": gid(rep), "baseSalary": "9000", "expectedVersion": reloaded["version"]}},
        as_=world.users["branch_hr"],
    )
    assert third["updateEmployee"]["employee"] == {
        "name": "改名",
        "version": 3,
        "baseSalary": "9000.00",
    }


async def test_without_an_expected_version_a_change_applies_to_the_record_as_it_stands(
    api: Api, world: World
) -> None:
    rep = world.people["sh_rep"]
    await Employee.filter(id=rep.id).update(name="changed elsewhere", version=5)
    data = await api.data(
        UPDATE, {"input": {"id": gid(rep), "baseSalary": "8100"}}, as_=world.users["hq_hr"]
    )
    assert data["updateEmployee"] == {
        "employee": {"name": "changed elsewhere", "version": 6, "baseSalary": "8100.00"},
        "errors": [],
    }


async def test_a_change_that_changes_nothing_keeps_the_version(api: Api, world: World) -> None:
    rep = world.people["sh_rep"]
    data = await api.data(
        UPDATE, {"input": {"id": gid(rep), "expectedVersion": 1}}, as_=world.users["hq_hr"]
    )
    assert data["updateEmployee"]["employee"]["version"] == 1


async def test_transfer_and_termination_check_the_version_too(api: Api, world: World) -> None:
    """They file approval requests now (test_retired_mutations.py); a stale read still stops
    them."""
    rep = world.people["sh_rep"]
    await Employee.filter(id=rep.id).update(version=2)
    hq_hr = world.users["hq_hr"]
    stale = {"id": gid(rep), "unitId": gid(world.units["BJ-SALES"]), "expectedVersion": 1}
    moved = await api.data(TRANSFER, {"input": stale}, as_=hq_hr)
    assert moved["transferEmployee"] == {
        "employee": None,
        "errors": [{"field": "expectedVersion", "code": "CONFLICT"}],
    }
    end = {"id": gid(rep), "terminationDate": "2026-10-31", "reason": "x", "expectedVersion": 1}
    ended = await api.data(TERMINATE, {"input": end}, as_=hq_hr)
    assert ended["terminateEmployee"]["errors"] == [
        {"field": "expectedVersion", "code": "CONFLICT"}
    ]
    assert not await LifecycleChange.exists()
    moved = await api.data(TRANSFER, {"input": {**stale, "expectedVersion": 2}}, as_=hq_hr)
    # Asked for, not done: the record and its version stay until the approvers agree.
    assert moved["transferEmployee"] == {
        "employee": {"version": 2, "unit": {"code": "SH-SALES-1"}},
        "errors": [],
    }


async def test_a_termination_changes_the_records_of_those_who_reported_to_them(
    api: Api, world: World
) -> None:
    head, rep = world.people["sh_sales_head"], world.people["sh_rep"]
    form = await _read(api, world, "sh_rep")
    async with in_transaction():  # as an approved termination ends employment
        now = await versions.locked(Employee, head.id)
        await end_employment(SYSTEM, now, date(2026, 10, 31), "resignation")
    # The rep's manager link was cleared: a form opened before cannot save over that.
    data = await api.data(
        UPDATE,
        {"input": {"id": gid(rep), "name": "x", "expectedVersion": form["version"]}},
        as_=world.users["hq_hr"],
    )
    assert data["updateEmployee"]["errors"][0]["code"] == "CONFLICT"


async def test_the_version_is_read_by_those_who_may_edit_the_record(api: Api, world: World) -> None:
    rep = gid(world.people["sh_rep"])
    for user in ("hq_hr", "branch_hr", "employee"):  # the last: the rep themself
        data = await api.data(READ, {"id": rep}, as_=world.users[user])
        assert data["employee"]["version"] == 1, user
    body = await api.run(READ, {"id": rep}, as_=world.users["manager"])
    assert body["data"]["employee"]["version"] is None
    assert "Not permitted to read field 'version'." in [e["message"] for e in body["errors"]]
