"""A former employee stays former: neither updateEmployee nor an import sets them back to work.
Coming back is rehireEmployee, which opens a new employment period (a REHIRE event) through the
checks of a hire."""

from __future__ import annotations

import base64
from datetime import date

from talentloop.audit.models import AuditEntry
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.records.models import EmploymentEvent, EventKind
from tests.support import Api, World, gid

FORMER_LAST_DAY = date(2024, 12, 31)

UPDATE = """mutation($id: ID!, $status: EmployeeStatus) {
  updateEmployee(input: {id: $id, status: $status}) { employee { id } errors { field code } }
}"""
IMPORT = """mutation($content: String!, $dry: Boolean!) {
  importData(input: {kind: EMPLOYEES, fileName: "people.csv", contentBase64: $content, dryRun: $dry}) {
    job { status errors { row column message code } }
    errors { field code }
  }
}"""
REHIRE = """mutation($input: RehireEmployeeInput!) {
  rehireEmployee(input: $input) {
    event { kind effectiveDate note }
    errors { field code }
  }
}"""
TIMELINE = """query($id: ID!) {
  employeeTimeline(employeeId: $id) { event { kind effectiveDate } }
}"""


async def _former(world: World, person: str = "sh_rep2") -> Employee:
    employee = world.people[person]
    await Employee.filter(id=employee.id).update(
        status=EmployeeStatus.TERMINATED,
        termination_date=FORMER_LAST_DAY,
        termination_reason="resignation",
    )
    return await Employee.get(id=employee.id)


async def test_update_employee_never_sets_a_former_employee_back_to_work(
    api: Api, world: World
) -> None:
    former = await _former(world)
    for status in ("ACTIVE", "PROBATION", "ON_LEAVE"):
        data = await api.data(
            UPDATE, {"id": gid(former), "status": status}, as_=world.users["branch_hr"]
        )
        assert data["updateEmployee"] == {
            "employee": None,
            "errors": [{"field": "status", "code": "INVALID"}],
        }
    after = await Employee.get(id=former.id)
    assert after.status is EmployeeStatus.TERMINATED
    assert after.termination_date == FORMER_LAST_DAY
    assert after.version == former.version


async def test_an_import_never_sets_a_former_employee_back_to_work(api: Api, world: World) -> None:
    former = await _former(world)
    unit = world.units["SH-SALES-1"].code
    # An empty status reads as active; an explicit one is refused alike.
    for status in ("", "active"):
        csv = (
            "employee_number,name,unit_code,hire_date,status\n"
            f"{former.employee_number},{former.name},{unit},2025-03-01,{status}\n"
        )
        content = base64.b64encode(csv.encode()).decode()
        data = await api.data(IMPORT, {"content": content, "dry": False}, as_=world.users["hq_hr"])
        job = data["importData"]["job"]
        assert job["status"] == "INVALID", job
        assert [(e["row"], e["column"], e["code"]) for e in job["errors"]] == [
            (2, "status", "INVALID")
        ]
    after = await Employee.get(id=former.id)
    assert after.status is EmployeeStatus.TERMINATED
    assert after.hire_date == former.hire_date


async def test_rehiring_opens_a_new_employment_period_on_the_timeline(
    api: Api, world: World
) -> None:
    former = await _former(world)
    asked = {
        "employeeId": gid(former),
        "hireDate": "2025-06-01",
        "unitId": gid(world.units["SH-PROD"]),
        "note": "回聘",
    }
    data = await api.data(REHIRE, {"input": asked}, as_=world.users["branch_hr"])
    assert data["rehireEmployee"]["errors"] == []
    event = data["rehireEmployee"]["event"]
    assert event["kind"] == "REHIRE"
    assert event["effectiveDate"] == "2025-06-01"
    assert event["note"] == f"Previous period {former.hire_date.isoformat()} – 2024-12-31; 回聘"
    back = await Employee.get(id=former.id)
    assert back.status is EmployeeStatus.ACTIVE  # 劳动合同法 art. 19: no second probation
    assert back.hire_date == date(2025, 6, 1)
    assert back.termination_date is None and back.termination_reason is None
    assert back.unit_id == world.units["SH-PROD"].id
    assert back.version == former.version + 1
    stored = await EmploymentEvent.get(employee_id=former.id, kind=EventKind.REHIRE)
    assert stored.from_unit_id == former.unit_id and stored.to_unit_id == back.unit_id
    changed = {
        e.field
        for e in await AuditEntry.filter(subject_type="Employee", subject_id=str(former.id))
        if e.field
    }
    assert {"status", "hireDate", "terminationDate", "unitId"} <= changed
    timeline = await api.data(TIMELINE, {"id": gid(former)}, as_=world.users["branch_hr"])
    kinds = [i["event"]["kind"] for i in timeline["employeeTimeline"] if i["event"]]
    assert kinds == ["REHIRE"]
    # Once back, they are not rehired again.
    again = await api.data(REHIRE, {"input": asked}, as_=world.users["branch_hr"])
    assert again["rehireEmployee"]["errors"] == [{"field": "employeeId", "code": "CONFLICT"}]


async def test_a_rehire_is_checked_as_a_hire_is(api: Api, world: World) -> None:
    former = await _former(world)

    async def rehire(as_: str, **changes: str) -> list[dict[str, str]]:
        asked = {"employeeId": gid(former), "hireDate": "2025-06-01"}
        asked |= {"unitId": gid(world.units["SH-SALES-1"]), **changes}
        data = await api.data(REHIRE, {"input": asked}, as_=world.users[as_])
        errors: list[dict[str, str]] = data["rehireEmployee"]["errors"]
        return errors

    assert await rehire("branch_hr", hireDate="2024-12-31") == [
        {"field": "hireDate", "code": "INVALID"}
    ]
    assert await rehire("branch_hr", unitId=gid(world.units["BJ-SALES"])) == [
        {"field": "unitId", "code": "NOT_FOUND"}
    ]
    assert await rehire("branch_hr", managerId=gid(world.people["bj_rep"])) == [
        {"field": "managerId", "code": "NOT_FOUND"}
    ]
    assert await rehire("bj_hr") == [{"field": "id", "code": "NOT_FOUND"}]
    assert await rehire("manager") == [{"field": "id", "code": "FORBIDDEN"}]
    assert (await Employee.get(id=former.id)).status is EmployeeStatus.TERMINATED
    assert not await EmploymentEvent.filter(kind=EventKind.REHIRE).exists()
