"""Editing and moving a unit check the version the editor read; a move never loses a rename."""

from __future__ import annotations

from talentloop.org.models import OrgUnit
from tests.support import Api, World, gid

UPDATE = """mutation($input: UpdateOrgUnitInput!) {
  updateOrgUnit(input: $input) { orgUnit { name city version } errors { field code } }
}"""
MOVE = """mutation($input: MoveOrgUnitInput!) {
  moveOrgUnit(input: $input) { orgUnit { version parent { code } } errors { field code } }
}"""
READ = "query($id: ID!) { orgUnit(id: $id) { name version } }"


async def test_the_second_editor_of_a_unit_gets_a_conflict(api: Api, world: World) -> None:
    team, hq_hr = world.units["SH-SALES-1"], world.users["hq_hr"]
    form = (await api.data(READ, {"id": gid(team)}, as_=hq_hr))["orgUnit"]
    assert form == {"name": "SH-SALES-1 unit", "version": 1}
    first = await api.data(
        UPDATE, {"input": {"id": gid(team), "name": "一组", "expectedVersion": 1}}, as_=hq_hr
    )
    assert first["updateOrgUnit"] == {
        "orgUnit": {"name": "一组", "city": "上海", "version": 2},
        "errors": [],
    }
    second = await api.data(
        UPDATE,
        {"input": {"id": gid(team), "city": "苏州", "expectedVersion": 1}},
        as_=world.users["branch_hr"],
    )
    assert second["updateOrgUnit"] == {
        "orgUnit": None,
        "errors": [{"field": "expectedVersion", "code": "CONFLICT"}],
    }
    stored = await OrgUnit.get(id=team.id)
    assert (stored.name, stored.city, stored.version) == ("一组", "上海", 2)


async def test_a_move_checks_the_version_and_raises_it(api: Api, world: World) -> None:
    team, hq_hr = world.units["SH-SALES-1"], world.users["hq_hr"]
    move = {"id": gid(team), "newParentId": gid(world.units["SH-PROD"]), "expectedVersion": 2}
    refused = await api.data(MOVE, {"input": move}, as_=hq_hr)
    assert refused["moveOrgUnit"]["errors"] == [{"field": "expectedVersion", "code": "CONFLICT"}]
    assert (await OrgUnit.get(id=team.id)).parent_id == world.units["SH-SALES"].id
    moved = await api.data(MOVE, {"input": {**move, "expectedVersion": 1}}, as_=hq_hr)
    assert moved["moveOrgUnit"] == {
        "orgUnit": {"version": 2, "parent": {"code": "SH-PROD"}},
        "errors": [],
    }


async def test_renaming_a_unit_whose_ancestor_moved_keeps_the_new_path(
    api: Api, world: World
) -> None:
    team, hq_hr = world.units["SH-SALES-1"], world.users["hq_hr"]
    move = {"id": gid(world.units["SH-SALES"]), "newParentId": gid(world.units["BJ"])}
    assert (await api.data(MOVE, {"input": move}, as_=hq_hr))["moveOrgUnit"]["errors"] == []
    moved_path = (await OrgUnit.get(id=team.id)).path
    assert moved_path.startswith(world.units["BJ"].path)
    # The team's own version is unchanged by its ancestor's move: a form open on it still saves,
    # and writes only what it changed (a whole-row save would put the old path back).
    renamed = await api.data(
        UPDATE, {"input": {"id": gid(team), "name": "一组", "expectedVersion": 1}}, as_=hq_hr
    )
    assert renamed["updateOrgUnit"]["errors"] == []
    assert (await OrgUnit.get(id=team.id)).path == moved_path
