"""Every role, every path to an employee: a record outside the viewer's scope does not exist."""

from __future__ import annotations

import pytest

from tests.support import Api, World, gid

ALL = {
    "ceo",
    "hq_hr_person",
    "sh_hr_person",
    "sh_sales_head",
    "sh_rep",
    "sh_rep2",
    "sh_worker",
    "bj_hr_person",
    "bj_rep",
}
SHANGHAI = {"sh_hr_person", "sh_sales_head", "sh_rep", "sh_rep2", "sh_worker"}
BEIJING = {"bj_hr_person", "bj_rep"}

VISIBLE: dict[str | None, set[str]] = {
    None: set(),  # not signed in
    "admin": ALL,
    "hq_hr": ALL,
    "executive": ALL,
    "branch_hr": SHANGHAI,
    "bj_hr": BEIJING,
    "manager": SHANGHAI,
    "employee": SHANGHAI,
}
ROLES = list(VISIBLE)


def _user(world: World, role: str | None):  # type: ignore[no-untyped-def]
    return world.users[role] if role else None


def _key_by_number(world: World) -> dict[str, str]:
    return {e.employee_number: k for k, e in world.people.items()}


@pytest.mark.parametrize("role", ROLES)
async def test_the_employee_list_holds_exactly_the_viewers_scope(
    api: Api, world: World, role: str | None
) -> None:
    data = await api.data(
        "{ employees(first: 100) { totalCount edges { node { employeeNumber } } } }",
        as_=_user(world, role),
    )
    numbers = [e["node"]["employeeNumber"] for e in data["employees"]["edges"]]
    names = _key_by_number(world)
    assert {names[n] for n in numbers} == VISIBLE[role]
    assert data["employees"]["totalCount"] == len(VISIBLE[role])


@pytest.mark.parametrize("role", ROLES)
async def test_node_and_employee_lookups_answer_null_outside_scope(
    api: Api, world: World, role: str | None
) -> None:
    for key, person in world.people.items():
        data = await api.data(
            "query($id: ID!) { node(id: $id) { id } employee(id: $id) { id } }",
            {"id": gid(person)},
            as_=_user(world, role),
        )
        expected = gid(person) if key in VISIBLE[role] else None
        assert (data["node"] or {}).get("id") == expected, key
        assert (data["employee"] or {}).get("id") == expected, key


@pytest.mark.parametrize("role", ROLES)
async def test_search_finds_only_what_the_viewer_may_see(
    api: Api, world: World, role: str | None
) -> None:
    for key, person in world.people.items():
        data = await api.data(
            "query($s: String) { employees(filter: {search: $s}) { totalCount } }",
            {"s": person.name},
            as_=_user(world, role),
        )
        assert data["employees"]["totalCount"] == (1 if key in VISIBLE[role] else 0), key


@pytest.mark.parametrize("role", ROLES)
async def test_nested_edges_do_not_leak(api: Api, world: World, role: str | None) -> None:
    data = await api.data(
        """{
          orgUnits { code manager { id } employees(first: 100) { edges { node { id } } } }
          employees(first: 100) { edges { node { id manager { id } unit { code } } } }
        }""",
        as_=_user(world, role),
    )
    visible_ids = {gid(world.people[k]) for k in VISIBLE[role]}
    reached = set()
    for unit in data["orgUnits"]:
        reached |= {e["node"]["id"] for e in unit["employees"]["edges"]}
        if unit["manager"]:
            reached.add(unit["manager"]["id"])
    for edge in data["employees"]["edges"]:
        if edge["node"]["manager"]:
            reached.add(edge["node"]["manager"]["id"])
    assert reached <= visible_ids
    # and the root unit, when visible, lists every visible employee through the nested edge
    root = next((u for u in data["orgUnits"] if u["code"] == "ACME"), None)
    if root is not None:
        assert {e["node"]["id"] for e in root["employees"]["edges"]} == visible_ids


async def test_a_branch_hr_cannot_reach_another_branchs_units(api: Api, world: World) -> None:
    data = await api.data(
        "query($id: ID!) { orgUnit(id: $id) { id } node(id: $id) { id } orgUnits { code } }",
        {"id": gid(world.units["BJ-SALES"])},
        as_=world.users["branch_hr"],
    )
    assert data["orgUnit"] is None
    assert data["node"] is None
    codes = {u["code"] for u in data["orgUnits"]}
    assert codes == {"ACME", "SH", "SH-HR", "SH-SALES", "SH-SALES-1", "SH-PROD"}


async def test_filtering_by_a_unit_outside_scope_finds_nothing(api: Api, world: World) -> None:
    data = await api.data(
        "query($u: ID!) { employees(filter: {unitId: $u}) { totalCount } }",
        {"u": gid(world.units["BJ"])},
        as_=world.users["branch_hr"],
    )
    assert data["employees"]["totalCount"] == 0
