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
    # viewer (user, branch, role grants), count, page, positions, managers
    assert 0 < hundred <= 7, hundred


async def test_the_org_tree_does_not_grow_with_its_units(api: Api, world: World) -> None:
    few = await _count(api, world, TREE, {})
    from talentloop.org.models import OrgUnitType
    from tests.support import add_unit

    for i in range(20):
        await add_unit(f"BJ-T{i}", OrgUnitType.TEAM, world.units["BJ-SALES"], "北京")
    many = await _count(api, world, TREE, {})
    assert 0 < few == many


FRAGMENTS = """query($first: Int!) {
  employees(first: $first) {
    edges { node { ...Row } }
  }
}
fragment Row on Employee { name ... on Employee { position { title } } ...Boss }
fragment Boss on Employee { manager { name employeeNumber } }"""
PLAIN = """query($first: Int!) {
  employees(first: $first) { edges { node { name position { title } manager { name } } } }
}"""
NEITHER = """query($first: Int!) { employees(first: $first) { edges { node { name } } } }"""


async def test_positions_and_managers_asked_through_fragments_are_loaded_with_the_page(
    api: Api, world: World
) -> None:
    """The list looks ahead (graphql/lookahead.py): what the rows ask through fragments is
    loaded once for the page, with the same answers as when each row loads its own."""
    for i in range(30):
        await add_person(world, f"extra{i}", "BJ-SALES", manager="bj_hr_person")
    through_fragments = await _count(api, world, FRAGMENTS, {"first": 40})
    plain = await _count(api, world, PLAIN, {"first": 40})
    neither = await _count(api, world, NEITHER, {"first": 40})
    assert through_fragments == plain == neither + 2  # one statement each for the two relations

    rows = (await api.data(FRAGMENTS, {"first": 40}, as_=world.users["hq_hr"]))["employees"]
    by_name = {e["node"]["name"]: e["node"] for e in rows["edges"]}
    boss = world.people["bj_hr_person"]
    assert by_name["extra7 name"]["manager"] == {
        "name": boss.name,
        "employeeNumber": boss.employee_number,
    }
    assert by_name["extra7 name"]["position"] == {"title": world.positions["REP"].title}
    with_managers = [n for n in by_name.values() if n["manager"] is not None]
    assert len(with_managers) >= 30


async def test_a_manager_outside_the_viewers_scope_stays_null_in_a_looked_ahead_list(
    api: Api, world: World
) -> None:
    """Loading the page's managers at once does not show one the viewer may not see: a Beijing
    employee's manager in another branch reads null for Beijing's HR, as when loaded per row."""
    await add_person(world, "bj_odd", "BJ-SALES", manager="sh_sales_head")
    rows = (await api.data(PLAIN, {"first": 100}, as_=world.users["bj_hr"]))["employees"]
    names = {e["node"]["name"]: e["node"] for e in rows["edges"]}
    assert names["bj_odd name"]["manager"] is None
    assert "sh_sales_head name" not in names
