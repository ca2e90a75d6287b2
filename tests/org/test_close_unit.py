"""Closing a unit: only once nobody works in it or below it and every unit below is closed;
a closed unit takes nobody new (no unit under it, no move into it, no hire or transfer)."""

from __future__ import annotations

from talentloop.people.models import Employee, EmployeeStatus
from tests.support import Api, World, gid

CLOSE = """mutation($id: ID!) { closeOrgUnit(input: {id: $id}) {
  orgUnit { code closedOn manager { name } } errors { field code message } } }"""
CREATE = """mutation($parent: ID!) { createOrgUnit(input: {parentId: $parent, code: "NEW-T",
  name: "新组", type: TEAM}) { orgUnit { code } errors { field code } } }"""


async def _leave(world: World, *names: str) -> None:
    ids = [world.people[n].id for n in names]
    await Employee.filter(id__in=ids).update(status=EmployeeStatus.TERMINATED)


async def test_a_unit_with_people_or_open_units_below_it_is_not_closed(
    api: Api, world: World
) -> None:
    hq_hr = world.users["hq_hr"]
    data = await api.data(CLOSE, {"id": gid(world.units["SH-SALES-1"])}, as_=hq_hr)
    assert data["closeOrgUnit"]["errors"][0]["field"] == "id"
    assert data["closeOrgUnit"]["errors"][0]["code"] == "INVALID"
    await _leave(world, "sh_rep", "sh_rep2", "sh_sales_head")
    # The team is empty now, but it is still open below the department.
    data = await api.data(CLOSE, {"id": gid(world.units["SH-SALES"])}, as_=hq_hr)
    assert data["closeOrgUnit"]["errors"][0]["message"] == "Close the units below it first."
    data = await api.data(CLOSE, {"id": gid(world.units["SH-SALES-1"])}, as_=hq_hr)
    assert data["closeOrgUnit"]["errors"] == []
    assert data["closeOrgUnit"]["orgUnit"]["closedOn"] is not None
    data = await api.data(CLOSE, {"id": gid(world.units["SH-SALES"])}, as_=hq_hr)
    assert data["closeOrgUnit"]["errors"] == []
    assert data["closeOrgUnit"]["orgUnit"]["manager"] is None  # a closed unit has no head


async def test_a_closed_unit_takes_nobody_new(api: Api, world: World) -> None:
    hq_hr = world.users["hq_hr"]
    await _leave(world, "sh_rep", "sh_rep2")
    team = gid(world.units["SH-SALES-1"])
    assert (await api.data(CLOSE, {"id": team}, as_=hq_hr))["closeOrgUnit"]["errors"] == []
    data = await api.data(CREATE, {"parent": team}, as_=hq_hr)
    assert data["createOrgUnit"]["errors"] == [{"field": "parentId", "code": "INVALID"}]
    transfer = """mutation($id: ID!, $unit: ID!) { transferEmployee(input: {id: $id, unitId: $unit})
      { errors { field code } } }"""
    data = await api.data(transfer, {"id": gid(world.people["sh_worker"]), "unit": team}, as_=hq_hr)
    assert {"field": "unitId", "code": "INVALID"} in data["transferEmployee"]["errors"]


async def test_only_those_in_charge_close_a_unit(api: Api, world: World) -> None:
    await _leave(world, "bj_rep")
    unit = gid(world.units["BJ-SALES"])
    data = await api.data(CLOSE, {"id": unit}, as_=world.users["branch_hr"])  # Shanghai's HR
    assert data["closeOrgUnit"]["errors"][0]["code"] in ("NOT_FOUND", "FORBIDDEN")
    data = await api.data(CLOSE, {"id": unit}, as_=world.users["bj_hr"])
    assert data["closeOrgUnit"]["errors"] == []
