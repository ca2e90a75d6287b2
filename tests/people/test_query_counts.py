"""Lists load in a bounded number of statements, however many rows they hold."""

from __future__ import annotations

from tests.support import Api, StatementCounter, World, add_person

LIST = """query($first: Int!) {
  employees(first: $first) {
    totalCount
    edges { node { name unit { name } position { title } manager { name } } }
  }
}"""
TREE = "{ orgUnits { name headcount parent { name } manager { name } children { code } } }"


async def _count(api: Api, world: World, query: str, variables: dict) -> int:
    await api.token(world.users["hq_hr"])  # signed in before counting, as a browser would be
    with StatementCounter() as counter:
        await api.data(query, variables, as_=world.users["hq_hr"])
    return counter.count


async def test_the_employee_list_does_not_grow_with_its_rows(api: Api, world: World) -> None:
    for i in range(100):
        await add_person(world, f"extra{i}", "BJ-SALES", manager="bj_hr_person")
    ten = await _count(api, world, LIST, {"first": 10})
    hundred = await _count(api, world, LIST, {"first": 100})
    assert ten == hundred
    # viewer (user, branch), count, page, positions, managers
    assert 0 < hundred <= 6, hundred


async def test_the_org_tree_does_not_grow_with_its_units(api: Api, world: World) -> None:
    few = await _count(api, world, TREE, {})
    from talentloop.org.models import OrgUnitType
    from tests.support import add_unit

    for i in range(20):
        await add_unit(f"BJ-T{i}", OrgUnitType.TEAM, world.units["BJ-SALES"], "北京")
    many = await _count(api, world, TREE, {})
    assert 0 < few == many
