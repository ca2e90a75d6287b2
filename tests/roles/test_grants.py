"""Custom roles and role grants through the API: HQ HR defines and grants them, never to
themself; every change is audited with before and after; the grants decide, one by one."""

from __future__ import annotations

from typing import Any

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import Role, RoleGrant, User
from talentloop.approvals.models import RequestType
from talentloop.approvals.rules import decides
from talentloop.audit.models import AuditAction, AuditEntry
from tests.support import Api, build_world, gid

SAVE = """mutation($i: SaveCustomRoleInput!) { saveCustomRole(input: $i) {
  role { id nameZh nameEn groups operations basedOn } errors { field code } } }"""
GRANT = """mutation($i: GrantRoleInput!) { grantRole(input: $i) {
  grant { id role customRole { nameEn } scopeUnitId scopeUnitName grantedBy } errors { field code } } }"""
REVOKE = """mutation($i: RevokeRoleGrantInput!) { revokeRoleGrant(input: $i) { errors { field code } } }"""
PAY = {
    "nameZh": "薪酬专员",
    "nameEn": "Pay specialist",
    "groups": ["DIRECTORY", "PAY"],
    "operations": [],
}


async def _save(api: Api, user: User, values: dict[str, Any]) -> dict[str, Any]:
    return (await api.data(SAVE, {"i": values}, as_=user))["saveCustomRole"]


async def _grant(api: Api, user: User, values: dict[str, Any]) -> dict[str, Any]:
    return (await api.data(GRANT, {"i": values}, as_=user))["grantRole"]


async def test_hq_hr_defines_a_custom_role_and_grants_it_with_a_scope_audited(api: Api) -> None:
    w = await build_world()
    hq = w.users["hq_hr"]
    saved = await _save(api, hq, PAY)
    assert saved["errors"] == []
    role = saved["role"]
    assert (role["groups"], role["operations"]) == (["DIRECTORY", "PAY"], [])
    granted = await _grant(
        api,
        hq,
        {
            "userId": gid(w.users["employee"]),
            "customRoleId": role["id"],
            "scopeUnitId": gid(w.units["BJ"]),
        },
    )
    assert granted["errors"] == []
    assert granted["grant"]["customRole"]["nameEn"] == "Pay specialist"
    assert (granted["grant"]["scopeUnitName"], granted["grant"]["grantedBy"]) == (
        "BJ unit",
        "hq_hr",
    )
    entries = await AuditEntry.filter(subject_type__in=["CustomRole", "RoleGrant"]).order_by("id")
    assert [(e.action, e.subject_type, e.actor_username) for e in entries] == [
        (AuditAction.CREATE, "CustomRole", "hq_hr"),
        (AuditAction.CREATE, "RoleGrant", "hq_hr"),
    ]
    assert entries[1].after["scope_unit_id"] == w.units["BJ"].id
    # a change of the role is audited with before and after
    changed = await _save(api, hq, {**PAY, "id": role["id"], "operations": ["DIRECT"]})
    assert changed["errors"] == []
    change = await AuditEntry.filter(subject_type="CustomRole", action=AuditAction.UPDATE).get()
    assert (change.before["operations"], change.after["operations"]) == ([], ["directed"])
    # the revoke, too
    grant = await RoleGrant.get(user_id=w.users["employee"].id, is_primary=False)
    assert (await api.data(REVOKE, {"i": {"id": gid_of(grant)}}, as_=hq))["revokeRoleGrant"][
        "errors"
    ] == []
    revoke = await AuditEntry.filter(subject_type="RoleGrant", action=AuditAction.DELETE).get()
    assert revoke.before["custom_role_id"] is not None and revoke.after is None
    assert not await RoleGrant.filter(id=grant.id).exists()


def gid_of(grant: RoleGrant) -> str:
    from talentloop.graphql.ids import to_global_id

    return to_global_id("RoleGrant", grant.id)


async def test_only_hq_hr_defines_and_grants_and_nobody_grants_to_themself(api: Api) -> None:
    w = await build_world()
    for username in ("admin", "branch_hr", "manager", "employee", "executive"):
        assert (await _save(api, w.users[username], PAY))["errors"] == [
            {"field": None, "code": "FORBIDDEN"}
        ]
        answer = await _grant(
            api, w.users[username], {"userId": gid(w.users["employee"]), "role": "MANAGER"}
        )
        assert answer["errors"] == [{"field": None, "code": "FORBIDDEN"}], username
    hq = w.users["hq_hr"]
    own = await _grant(
        api, hq, {"userId": gid(hq), "role": "BRANCH_HR", "scopeUnitId": gid(w.units["SH"])}
    )
    assert own["errors"] == [{"field": "userId", "code": "SELF_DEALING"}]
    # the administrator's role is not HR's to give, and a company-wide role has no unit
    admin = await _grant(api, hq, {"userId": gid(w.users["employee"]), "role": "ADMIN"})
    assert admin["errors"] == [{"field": "role", "code": "FORBIDDEN"}]
    scoped = await _grant(
        api,
        hq,
        {
            "userId": gid(w.users["employee"]),
            "role": "EXECUTIVE",
            "scopeUnitId": gid(w.units["SH"]),
        },
    )
    assert scoped["errors"] == [{"field": "scopeUnitId", "code": "INVALID"}]
    # a custom role needs its unit; its groups start at the directory
    role = (await _save(api, hq, PAY))["role"]
    unscoped = await _grant(
        api, hq, {"userId": gid(w.users["employee"]), "customRoleId": role["id"]}
    )
    assert unscoped["errors"] == [{"field": "scopeUnitId", "code": "REQUIRED"}]
    bad = await _save(api, hq, {**PAY, "nameZh": "x", "nameEn": "y", "groups": ["PAY"]})
    assert bad["errors"] == [{"field": "groups", "code": "INVALID"}]
    # one's own grants are not one's to take back, nor the account's own role
    primary = await RoleGrant.get(user_id=w.users["employee"].id, is_primary=True)
    answer = await api.data(REVOKE, {"i": {"id": gid_of(primary)}}, as_=hq)
    assert answer["revokeRoleGrant"]["errors"] == [{"field": "id", "code": "INVALID"}]
    mine = await RoleGrant.get(user_id=hq.id, is_primary=True)
    answer = await api.data(REVOKE, {"i": {"id": gid_of(mine)}}, as_=hq)
    assert answer["revokeRoleGrant"]["errors"] == [{"field": "id", "code": "SELF_DEALING"}]


async def test_every_user_has_their_role_as_a_first_grant_that_follows_the_account() -> None:
    w = await build_world()
    user = w.users["branch_hr"]
    grant = await RoleGrant.get(user_id=user.id)
    assert (grant.role, grant.scope_unit_id, grant.is_primary) == (
        Role.BRANCH_HR,
        w.units["SH"].id,
        True,
    )
    user.role, user.scope_unit = Role.MANAGER, w.units["SH-SALES"]  # type: ignore[assignment]
    await user.save()
    grant = await RoleGrant.get(user_id=user.id)
    assert (grant.role, grant.scope_unit_id) == (Role.MANAGER, w.units["SH-SALES"].id)


async def test_hr_of_one_branch_and_manager_in_another_acts_as_hr_only_in_the_first() -> None:
    """Each "where may I act" question is answered per grant."""
    w = await build_world()
    user = w.users["manager"]  # manager of SH-SALES
    await RoleGrant.create(user=user, role=Role.BRANCH_HR, scope_unit=w.units["BJ"])
    viewer = await load_viewer(user.id)
    sh_sales, sh_prod, bj = (w.units[c].path for c in ("SH-SALES-1", "SH-PROD", "BJ-SALES"))
    assert viewer.can_manage_employees_in(bj) and not viewer.can_manage_employees_in(sh_sales)
    assert viewer.can_direct_in(sh_sales) and viewer.can_direct_in(bj)
    assert not viewer.can_direct_in(sh_prod)
    # where the manager role is held: their unit, not the branch whose directory they read
    assert viewer.role_paths(Role.MANAGER) == [w.units["SH-SALES"].path]
    assert viewer.can_manage_org_in(bj) and not viewer.can_manage_org_in(sh_sales)
    assert not viewer.can_manage_setting_in(None) and not viewer.is_hq_hr
    # the branch HR of BJ does not decide who heads BJ itself (manages_above)
    assert not viewer.manages_above(w.units["BJ"].path) and viewer.manages_above(bj)
    # approvals: the everyday types by the roles held; HQ HR's guarded ones never
    assert decides(viewer, RequestType.LEAVE) and decides(viewer, RequestType.DATA_EXPORT)


async def test_a_custom_role_decides_everyday_requests_only_where_granted_never_guarded(
    api: Api,
) -> None:
    w = await build_world()
    hq = w.users["hq_hr"]
    role = (
        await _save(api, hq, {**PAY, "groups": ["DIRECTORY", "WORK"], "operations": ["DECIDE"]})
    )["role"]
    # the administrator's role decides nothing; the custom role's grant decides leave in BJ
    user = w.users["admin"]
    assert not decides(await load_viewer(user.id), RequestType.LEAVE, w.units["BJ-SALES"].path)
    await _grant(
        api,
        hq,
        {"userId": gid(user), "customRoleId": role["id"], "scopeUnitId": gid(w.units["BJ"])},
    )
    viewer = await load_viewer(user.id)
    assert decides(viewer, RequestType.LEAVE, w.units["BJ-SALES"].path)
    assert not decides(viewer, RequestType.LEAVE, w.units["SH-SALES"].path)
    for guarded in (RequestType.PAYROLL_RUN, RequestType.DATA_EXPORT, RequestType.OFFER):
        assert not decides(viewer, guarded)
