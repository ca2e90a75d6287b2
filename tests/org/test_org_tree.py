"""The organisation tree: reading it with ancestors and children, headcounts, and reshaping it."""

from __future__ import annotations

from talentloop.org.models import OrgUnit
from talentloop.people.models import EmployeeStatus
from tests.support import Api, World, gid

UNIT = """query($id: ID!) {
  orgUnit(id: $id) {
    code type depth headcount
    parent { code }
    ancestors { code }
    children { code }
    manager { name }
  }
}"""


async def test_a_unit_shows_its_ancestors_children_and_head(api: Api, world: World) -> None:
    data = await api.data(UNIT, {"id": gid(world.units["SH-SALES"])}, as_=world.users["hq_hr"])
    assert data["orgUnit"] == {
        "code": "SH-SALES",
        "type": "DEPARTMENT",
        "depth": 2,
        "headcount": 3,  # the head and the two reps of its team
        "parent": {"code": "SH"},
        "ancestors": [{"code": "ACME"}, {"code": "SH"}],
        "children": [{"code": "SH-SALES-1"}],
        "manager": {"name": "sh_sales_head name"},
    }


async def test_headcount_includes_descendants_and_leaves_out_the_terminated(
    api: Api, world: World
) -> None:
    await (
        world.people["sh_rep2"]
        .__class__.filter(id=world.people["sh_rep2"].id)
        .update(status=EmployeeStatus.TERMINATED)
    )
    data = await api.data(
        "{ orgUnits { code headcount } }",
        as_=world.users["hq_hr"],
    )
    counts = {u["code"]: u["headcount"] for u in data["orgUnits"]}
    assert counts["ACME"] == 8
    assert counts["SH"] == 4
    assert counts["SH-SALES"] == 2
    assert counts["BJ"] == 2
    assert counts["HQ"] == 2


async def test_headcount_counts_only_what_the_viewer_sees(api: Api, world: World) -> None:
    data = await api.data("{ orgUnits { code headcount } }", as_=world.users["bj_hr"])
    counts = {u["code"]: u["headcount"] for u in data["orgUnits"]}
    assert counts == {"ACME": 2, "BJ": 2, "BJ-HR": 1, "BJ-SALES": 1}


async def test_the_tree_lists_parents_before_children(api: Api, world: World) -> None:
    data = await api.data("{ orgUnits { code parent { code } } }", as_=world.users["hq_hr"])
    seen: set[str] = set()
    for unit in data["orgUnits"]:
        if unit["parent"]:
            assert unit["parent"]["code"] in seen
        seen.add(unit["code"])
    assert len(seen) == len(world.units)


MOVE = """mutation($id: ID!, $to: ID!) {
  moveOrgUnit(input: {id: $id, newParentId: $to}) {
    orgUnit { code depth ancestors { code } }
    errors { field code message }
  }
}"""


async def test_moving_a_unit_carries_its_subtree(api: Api, world: World) -> None:
    data = await api.data(
        MOVE,
        {"id": gid(world.units["SH-SALES"]), "to": gid(world.units["BJ"])},
        as_=world.users["hq_hr"],
    )
    assert data["moveOrgUnit"]["errors"] == []
    assert data["moveOrgUnit"]["orgUnit"]["ancestors"] == [
        {"code": "ACME"},
        {"code": "BJ"},
    ]
    team = await OrgUnit.get(code="SH-SALES-1")
    bj, sales = world.units["BJ"], world.units["SH-SALES"]
    assert team.path == f"{bj.path}{sales.id}/{team.id}/"
    assert team.depth == 3
    # The Beijing HR now sees the moved people; the Shanghai HR no longer does.
    bj_view = await api.data("{ employees { totalCount } }", as_=world.users["bj_hr"])
    sh_view = await api.data("{ employees { totalCount } }", as_=world.users["branch_hr"])
    assert bj_view["employees"]["totalCount"] == 5
    assert sh_view["employees"]["totalCount"] == 2


async def test_a_unit_cannot_move_under_its_own_descendant(api: Api, world: World) -> None:
    data = await api.data(
        MOVE,
        {"id": gid(world.units["SH"]), "to": gid(world.units["SH-SALES-1"])},
        as_=world.users["hq_hr"],
    )
    assert data["moveOrgUnit"]["orgUnit"] is None
    assert data["moveOrgUnit"]["errors"][0]["field"] == "newParentId"
    assert data["moveOrgUnit"]["errors"][0]["code"] == "INVALID"
    assert (await OrgUnit.get(code="SH")).path == world.units["SH"].path


async def test_a_branch_hr_cannot_move_units_out_of_its_branch(api: Api, world: World) -> None:
    out_of_branch = await api.data(
        MOVE,
        {"id": gid(world.units["SH-PROD"]), "to": gid(world.units["ACME"])},
        as_=world.users["branch_hr"],
    )
    # The company root is visible to a branch HR (as the top of its tree), but not theirs to change.
    assert out_of_branch["moveOrgUnit"]["errors"][0]["code"] == "FORBIDDEN"
    into_other = await api.data(
        MOVE,
        {"id": gid(world.units["SH-PROD"]), "to": gid(world.units["BJ"])},
        as_=world.users["branch_hr"],
    )
    # Beijing does not exist for the Shanghai HR.
    assert into_other["moveOrgUnit"]["errors"][0]["code"] == "NOT_FOUND"
    within = await api.data(
        MOVE,
        {"id": gid(world.units["SH-SALES-1"]), "to": gid(world.units["SH-PROD"])},
        as_=world.users["branch_hr"],
    )
    assert within["moveOrgUnit"]["errors"] == []


CREATE = """mutation($input: CreateOrgUnitInput!) {
  createOrgUnit(input: $input) { orgUnit { code depth parent { code } } errors { field code } }
}"""


async def test_creating_a_unit_checks_code_type_and_scope(api: Api, world: World) -> None:
    base = {"parentId": gid(world.units["SH-SALES"]), "name": "Team 2", "type": "TEAM"}
    ok = await api.data(
        CREATE, {"input": {**base, "code": "SH-SALES-2"}}, as_=world.users["branch_hr"]
    )
    assert ok["createOrgUnit"] == {
        "orgUnit": {"code": "SH-SALES-2", "depth": 3, "parent": {"code": "SH-SALES"}},
        "errors": [],
    }
    duplicate = await api.data(
        CREATE, {"input": {**base, "code": "SH-SALES-2"}}, as_=world.users["hq_hr"]
    )
    assert duplicate["createOrgUnit"]["errors"] == [{"field": "code", "code": "DUPLICATE"}]
    branch_under_team = await api.data(
        CREATE,
        {
            "input": {
                **base,
                "parentId": gid(world.units["SH-SALES-1"]),
                "code": "X",
                "type": "BRANCH",
            }
        },
        as_=world.users["hq_hr"],
    )
    assert branch_under_team["createOrgUnit"]["errors"] == [{"field": "type", "code": "INVALID"}]
    for role in ("manager", "employee", "executive", "admin"):
        denied = await api.data(
            CREATE, {"input": {**base, "code": f"N-{role}"}}, as_=world.users[role]
        )
        assert denied["createOrgUnit"]["errors"][0]["code"] == "FORBIDDEN", role
    assert not await OrgUnit.filter(code__startswith="N-").exists()
