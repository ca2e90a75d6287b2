"""`me { features }` names a page's actions too (access/features.py ACTIONS): a button is offered
from the operations of the viewer's grants — a custom role with the operation gets it, a person
with two grants the union — never from the primary role alone."""

from __future__ import annotations

import re
from pathlib import Path

from talentloop.access.features import ACTIONS
from talentloop.accounts.models import CustomRole, Role, RoleGrant
from tests.support import Api, World

ROOT = Path(__file__).resolve().parents[2]
FEATURES = "{ me { role features } }"
HR_ACTIONS = {"editEmployees", "calibrate", "setRequiredLevels", "recruit"}


async def _features(api: Api, world: World, username: str) -> set[str]:
    return set((await api.data(FEATURES, as_=world.users[username]))["me"]["features"])


def test_every_spa_action_is_one_the_server_offers() -> None:
    text = (ROOT / "frontend" / "src" / "access.ts").read_text(encoding="utf-8")
    union = re.search(r"export type Action =(.*?)\n\n", text, re.S)
    assert union is not None
    assert set(re.findall(r"'(\w+)'", union.group(1))) == set(ACTIONS)


async def test_the_built_in_roles_get_the_actions_their_services_allow(
    api: Api, world: World
) -> None:
    assert HR_ACTIONS | {"editFramework", "setTimeZones", "manageAccounts"} <= await _features(
        api, world, "hq_hr"
    )
    branch = await _features(api, world, "branch_hr")
    assert branch >= HR_ACTIONS and not {"editFramework", "setTimeZones", "manageAccounts"} & branch
    admin = await _features(api, world, "admin")
    assert "manageAccounts" in admin and not (HR_ACTIONS | {"editFramework"}) & admin
    for username in ("manager", "employee", "executive"):
        assert not ACTIONS & await _features(api, world, username), username


async def test_a_custom_role_with_the_operations_gets_their_buttons(api: Api, world: World) -> None:
    recruiter = await CustomRole.create(
        name_zh="招聘专员", name_en="Recruiter", groups=["directory", "work"],
        operations=["managed", "directed"],
    )  # fmt: skip
    await RoleGrant.create(
        user=world.users["employee"], custom_role=recruiter, scope_unit=world.units["BJ"],
        granted_by=world.users["hq_hr"],
    )  # fmt: skip
    found = await _features(api, world, "employee")
    assert found >= HR_ACTIONS
    assert {"recruitment", "contracts"} <= found  # the menu its operations open
    # HQ HR's own powers need the built-in role, and accounts are no operation's
    assert not {"editFramework", "manageAccounts"} & found


async def test_a_role_without_the_operation_gets_no_button(api: Api, world: World) -> None:
    reader = await CustomRole.create(
        name_zh="薪酬专员", name_en="Pay specialist", groups=["directory", "pay"], operations=[]
    )
    lead = await CustomRole.create(
        name_zh="项目负责人", name_en="Project lead", groups=["directory", "work"],
        operations=["directed"],
    )  # fmt: skip
    for role in (reader, lead):
        await RoleGrant.create(
            user=world.users["employee"], custom_role=role, scope_unit=world.units["BJ"]
        )
    found = await _features(api, world, "employee")
    assert "recruitment" in found  # directing: it follows the hiring …
    assert not ACTIONS & found  # … but runs none of it, and edits nobody


async def test_a_person_with_two_grants_gets_the_union_of_their_actions(
    api: Api, world: World
) -> None:
    manager = world.users["manager"]
    alone = await _features(api, world, "manager")
    assert not HR_ACTIONS & alone
    await RoleGrant.create(user=manager, role=Role.BRANCH_HR, scope_unit=world.units["BJ"])
    both = await _features(api, world, "manager")
    assert alone | HR_ACTIONS <= both
    assert (await api.data(FEATURES, as_=manager))["me"]["role"] == "MANAGER"
