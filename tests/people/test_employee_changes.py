"""Hiring, changing, transferring and terminating: who may, what is checked, nothing half-written."""

from __future__ import annotations

import pytest

from talentloop.people.models import Employee
from talentloop.people.sensitive import SensitiveField, read
from tests.support import Api, World, gid, id_number

CREATE = """mutation($input: CreateEmployeeInput!) {
  createEmployee(input: $input) {
    employee { employeeNumber name status unit { code } idNumber baseSalary manager { name } }
    errors { field code message }
  }
}"""


def _new(world: World, **overrides: object) -> dict:
    data = {
        "employeeNumber": "N0001",
        "name": "新员工",
        "unitId": gid(world.units["SH-SALES-1"]),
        "hireDate": "2026-11-02",
        "managerId": gid(world.people["sh_sales_head"]),
        "idNumber": id_number(77),
        "personalPhone": "13912345678",
        "baseSalary": "7200.5",
    }
    data.update(overrides)
    return data


async def test_a_branch_hr_hires_into_their_branch(api: Api, world: World) -> None:
    data = await api.data(CREATE, {"input": _new(world)}, as_=world.users["branch_hr"])
    assert data["createEmployee"]["errors"] == []
    assert data["createEmployee"]["employee"] == {
        "employeeNumber": "N0001",
        "name": "新员工",
        "status": "PROBATION",
        "unit": {"code": "SH-SALES-1"},
        "idNumber": "*" * 14 + id_number(77)[-4:],
        "baseSalary": "7200.50",
        "manager": {"name": "sh_sales_head name"},
    }
    stored = await Employee.get(employee_number="N0001")
    assert read(stored, SensitiveField.ID_NUMBER) == id_number(77)


@pytest.mark.parametrize("role", ["manager", "employee", "executive", "admin"])
async def test_other_roles_may_not_hire(api: Api, world: World, role: str) -> None:
    data = await api.data(CREATE, {"input": _new(world)}, as_=world.users[role])
    assert data["createEmployee"]["employee"] is None
    assert data["createEmployee"]["errors"][0]["code"] == "FORBIDDEN"
    assert not await Employee.filter(employee_number="N0001").exists()


async def test_a_branch_hr_cannot_hire_into_another_branch(api: Api, world: World) -> None:
    data = await api.data(
        CREATE,
        {"input": _new(world, unitId=gid(world.units["BJ-SALES"]))},
        as_=world.users["branch_hr"],
    )
    assert data["createEmployee"]["errors"] == [
        {"field": "unitId", "code": "NOT_FOUND", "message": "Unit not found."}
    ]


async def test_every_bad_field_is_reported_and_nothing_is_written(api: Api, world: World) -> None:
    bad = _new(
        world,
        employeeNumber=world.people["sh_rep"].employee_number,
        name="  ",
        idNumber="310101199001011230",  # wrong check digit
        personalPhone="12345",
        workEmail="not-an-email",
        bankAccount="12ab",
        baseSalary="-1",
        managerId=gid(world.people["bj_rep"]),  # not visible to a Shanghai HR
    )
    data = await api.data(CREATE, {"input": bad}, as_=world.users["branch_hr"])
    errors = {(e["field"], e["code"]) for e in data["createEmployee"]["errors"]}
    assert errors == {
        ("employeeNumber", "DUPLICATE"),
        ("name", "REQUIRED"),
        ("idNumber", "INVALID"),
        ("personalPhone", "INVALID"),
        ("workEmail", "INVALID"),
        ("bankAccount", "INVALID"),
        ("baseSalary", "INVALID"),
        ("managerId", "NOT_FOUND"),
    }
    assert await Employee.all().count() == len(world.people)


async def test_a_malformed_id_is_a_field_error(api: Api, world: World) -> None:
    data = await api.data(
        CREATE, {"input": _new(world, unitId="garbage")}, as_=world.users["hq_hr"]
    )
    assert data["createEmployee"]["errors"] == [
        {"field": "unitId", "code": "INVALID", "message": "Not a valid OrgUnit id."}
    ]


UPDATE = """mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { name workPhone baseSalary } errors { field code } }
}"""


async def test_update_changes_only_the_fields_given(api: Api, world: World) -> None:
    rep = world.people["sh_rep"]
    data = await api.data(
        UPDATE,
        {"input": {"id": gid(rep), "baseSalary": "9000", "workPhone": None}},
        as_=world.users["branch_hr"],
    )
    assert data["updateEmployee"] == {
        "employee": {"name": rep.name, "workPhone": None, "baseSalary": "9000.00"},
        "errors": [],
    }
    stored = await Employee.get(id=rep.id)
    assert stored.personal_phone == rep.personal_phone  # untouched
    assert read(stored, SensitiveField.ID_NUMBER) == world.id_numbers["sh_rep"]
    assert stored.id_number_cipher == rep.id_number_cipher  # not even re-sealed


async def test_update_outside_scope_looks_like_a_missing_employee(api: Api, world: World) -> None:
    data = await api.data(
        UPDATE,
        {"input": {"id": gid(world.people["bj_rep"]), "name": "x"}},
        as_=world.users["branch_hr"],
    )
    assert data["updateEmployee"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    visible_but_not_theirs = await api.data(
        UPDATE,
        {"input": {"id": gid(world.people["sh_rep"]), "name": "x"}},
        as_=world.users["manager"],
    )
    assert visible_but_not_theirs["updateEmployee"]["errors"] == [
        {"field": "id", "code": "FORBIDDEN"}
    ]
    assert (await Employee.get(id=world.people["sh_rep"].id)).name == "sh_rep name"


async def test_an_employee_cannot_manage_themselves(api: Api, world: World) -> None:
    rep = world.people["sh_rep"]
    data = await api.data(
        UPDATE,
        {"input": {"id": gid(rep), "managerId": gid(rep)}},
        as_=world.users["hq_hr"],
    )
    assert data["updateEmployee"]["errors"] == [{"field": "managerId", "code": "INVALID"}]
