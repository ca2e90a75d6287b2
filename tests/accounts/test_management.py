"""HQ HR and the administrator manage other people's sign-in accounts: create them (an invitation
link or an initial password), reset passwords, unlock, list them — through the API."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from talentloop.accounts import throttle
from talentloop.accounts.models import AccountInvitation, RefreshToken, Role, User
from talentloop.audit.models import AuditEntry
from talentloop.people.models import Employee, EmployeeStatus
from tests.accounts.test_hardening import bearer, login
from tests.support import Api, StatementCounter, World, gid

CREATE = """mutation($accounts: [AccountRequestInput!]!, $d: AccountDelivery!) {
  createAccounts(input: {accounts: $accounts, delivery: $d}) {
    accounts { user { username status } invitationToken invitationExpiresAt initialPassword }
    errors { field code }
  }
}"""
ACCEPT = """mutation($t: String!, $p: String!) {
  acceptInvitation(input: {token: $t, newPassword: $p}) { username errors { field code } }
}"""
RESET = """mutation($u: ID!, $d: AccountDelivery!) {
  resetUserPassword(input: {userId: $u, delivery: $d}) {
    credential { invitationToken initialPassword user { status } } errors { field code }
  }
}"""
UNLOCK = """mutation($u: ID!) {
  unlockAccount(input: {userId: $u}) { user { username status } errors { field code } }
}"""
ACCOUNTS = """query($s: AccountStatus, $q: String) {
  accounts(first: 50, filter: {status: $s, search: $q}) {
    totalCount
    edges { node { username status mustChangePassword invitationExpiresAt employee { name } } }
  }
}"""
CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(input: {currentPassword: $c, newPassword: $n}) { ok errors { field code } }
}"""
NEW_PASSWORD = "a long new passphrase"


async def create(
    api: Api, world: World, people: list[str], delivery: str, by: str = "hq_hr", **names: str
) -> dict[str, Any]:
    accounts = [{"employeeId": gid(world.people[p]), "username": names.get(p)} for p in people]
    data = await api.data(CREATE, {"accounts": accounts, "d": delivery}, as_=world.users[by])
    result: dict[str, Any] = data["createAccounts"]
    return result


# --- an invitation link ----------------------------------------------------------------------


async def test_an_invitation_sets_the_password_once_and_is_kept_only_as_a_hash(
    api: Api, world: World
) -> None:
    made = await create(api, world, ["sh_rep2"], "INVITATION")
    assert made["errors"] == []
    (issued,) = made["accounts"]
    # The username comes from the work e-mail; no password works until the link is used.
    assert issued["user"] == {"username": "sh_rep2", "status": "INVITED"}
    assert issued["initialPassword"] is None
    token = issued["invitationToken"]
    expires = datetime.fromisoformat(issued["invitationExpiresAt"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    stored = await AccountInvitation.get(user__username="sh_rep2")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(await AccountInvitation.filter(id=stored.id).values())
    assert (await login(api, "sh_rep2", ""))["errors"][0]["code"] == "INVALID_CREDENTIALS"

    # The password policy holds; a refused password does not spend the link.
    weak = (await api.data(ACCEPT, {"t": token, "p": "password"}))["acceptInvitation"]
    assert weak == {"username": None, "errors": [{"field": "newPassword", "code": "INVALID"}]}
    done = (await api.data(ACCEPT, {"t": token, "p": NEW_PASSWORD}))["acceptInvitation"]
    assert done == {"username": "sh_rep2", "errors": []}
    assert (await login(api, "sh_rep2", NEW_PASSWORD))["errors"] == []
    # Single use.
    again = (await api.data(ACCEPT, {"t": token, "p": "another long one"}))["acceptInvitation"]
    assert again["errors"] == [{"field": "token", "code": "INVALID_TOKEN"}]
    assert (await login(api, "sh_rep2", "another long one"))["errors"] != []


async def test_an_expired_or_unknown_invitation_sets_nothing(api: Api, world: World) -> None:
    token = (await create(api, world, ["sh_rep2"], "INVITATION"))["accounts"][0]["invitationToken"]
    await AccountInvitation.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    for t in (token, token + "x", ""):
        refused = (await api.data(ACCEPT, {"t": t, "p": NEW_PASSWORD}))["acceptInvitation"]
        assert refused["errors"] == [{"field": "token", "code": "INVALID_TOKEN"}], t
    assert (await login(api, "sh_rep2", NEW_PASSWORD))["errors"] != []


# --- an initial password, changed at the first sign-in --------------------------------------------


async def test_an_initial_password_must_be_changed_before_anything_else(
    api: Api, world: World
) -> None:
    made = await create(api, world, ["bj_rep"], "INITIAL_PASSWORD", by="admin", bj_rep="bj.rep")
    (issued,) = made["accounts"]
    assert issued["user"] == {"username": "bj.rep", "status": "MUST_CHANGE_PASSWORD"}
    assert issued["invitationToken"] is None
    initial = issued["initialPassword"]
    session = await login(api, "bj.rep", initial)
    assert session["errors"] == []
    token = session["accessToken"]
    me = (await bearer(api, token, "{ me { mustChangePassword user { username } } }")).json()
    assert me == {"data": {"me": {"mustChangePassword": True, "user": {"username": "bj.rep"}}}}
    # Every other query, mutation and file route is refused, whatever it is.
    for operation in (
        "{ employees(first: 5) { totalCount } }",
        "{ positions { id } }",
        'mutation { createApiToken(input: {name: "x", scopes: [READ_PEOPLE]}) { secret } }',
        "{ me { role } employees(first: 1) { totalCount } }",
    ):
        body = (await bearer(api, token, operation)).json()
        codes = {e["extensions"]["code"] for e in body["errors"]}
        assert codes == {"PASSWORD_CHANGE_REQUIRED"}, (operation, body)
    files = await api.http.get(
        "/reports/workforce.xlsx", headers={"Authorization": f"Bearer {token}"}
    )
    assert (
        files.status_code == 403 and files.json()["errors"][0]["code"] == "PASSWORD_CHANGE_REQUIRED"
    )
    changed = (await bearer(api, token, CHANGE, {"c": initial, "n": NEW_PASSWORD})).json()["data"][
        "changePassword"
    ]
    assert changed == {"ok": True, "errors": []}
    again = await login(api, "bj.rep", NEW_PASSWORD)
    body = (await bearer(api, again["accessToken"], "{ positions { id } }")).json()
    assert "errors" not in body
    assert not (await User.get(username="bj.rep")).must_change_password


# --- usernames and typed errors ----------------------------------------------------------------


async def test_usernames_are_derived_unique_and_errors_are_typed(api: Api, world: World) -> None:
    # sh_worker's e-mail name is taken: the next free one is used.
    await User.create(username="sh_worker", password_hash="!", role=Role.EMPLOYEE)
    made = await create(api, world, ["sh_worker", "sh_rep2"], "INVITATION")
    assert [a["user"]["username"] for a in made["accounts"]] == ["sh_worker-2", "sh_rep2"]

    await Employee.filter(id=world.people["bj_rep"].id).update(
        status=EmployeeStatus.TERMINATED, termination_date=date(2024, 1, 31)
    )
    refused = await create(
        api, world, ["sh_rep", "bj_rep", "hq_hr_person"], "INVITATION", sh_rep="x"
    )
    assert refused == {
        "accounts": [],
        "errors": [
            {"field": "accounts.0.employeeId", "code": "HAS_ACCOUNT"},
            {"field": "accounts.1.employeeId", "code": "LEAVER"},
            {"field": "accounts.2.employeeId", "code": "SELF_DEALING"},
        ],
    }
    await Employee.filter(id=world.people["bj_rep"].id).update(
        status=EmployeeStatus.ACTIVE, termination_date=None
    )
    taken = await create(api, world, ["bj_rep"], "INVITATION", bj_rep="manager")
    assert taken["errors"] == [{"field": "accounts.0.username", "code": "DUPLICATE"}]
    bad = await create(api, world, ["bj_rep"], "INVITATION", bj_rep="no spaces")
    assert bad["errors"] == [{"field": "accounts.0.username", "code": "INVALID"}]
    assert not await User.filter(employee_id=world.people["bj_rep"].id).exists()


# --- reset, unlock, disable -------------------------------------------------------------------


async def test_a_reset_ends_the_sessions_and_the_old_password(api: Api, world: World) -> None:
    session = await login(api, "employee")
    assert (await bearer(api, session["accessToken"])).status_code == 200
    target = gid(world.users["employee"])
    reset = await api.data(RESET, {"u": target, "d": "INITIAL_PASSWORD"}, as_=world.users["hq_hr"])
    credential = reset["resetUserPassword"]["credential"]
    assert credential["user"] == {"status": "MUST_CHANGE_PASSWORD"}
    assert (await bearer(api, session["accessToken"])).status_code == 401
    assert not await RefreshToken.filter(
        user_id=world.users["employee"].id, revoked_at=None
    ).exists()
    assert (await login(api, "employee"))["errors"] != []
    assert (await login(api, "employee", credential["initialPassword"]))["errors"] == []
    # A reset to an invitation: no password works until the link is used.
    reset = await api.data(RESET, {"u": target, "d": "INVITATION"}, as_=world.users["admin"])
    credential = reset["resetUserPassword"]["credential"]
    assert credential["user"] == {"status": "INVITED"} and credential["initialPassword"] is None
    accepted = await api.data(ACCEPT, {"t": credential["invitationToken"], "p": NEW_PASSWORD})
    assert accepted["acceptInvitation"]["username"] == "employee"
    assert (await login(api, "employee", NEW_PASSWORD))["errors"] == []


async def test_unlocking_clears_the_accounts_failures(api: Api, world: World) -> None:
    for _ in range(throttle.ACCOUNT_FAILURES):
        await login(api, "manager", "wrong password")
    assert (await login(api, "manager"))["errors"] != []
    hq_hr = world.users["hq_hr"]
    listed = (await api.data(ACCOUNTS, {"s": "LOCKED"}, as_=hq_hr))["accounts"]
    assert [e["node"]["username"] for e in listed["edges"]] == ["manager"]
    done = await api.data(UNLOCK, {"u": gid(world.users["manager"])}, as_=hq_hr)
    assert done["unlockAccount"] == {
        "user": {"username": "manager", "status": "ACTIVE"},
        "errors": [],
    }
    assert (await login(api, "manager"))["errors"] == []
    entry = await AuditEntry.get(subject_type="User", field="signInFailures")
    assert (entry.actor_username, entry.before, entry.after) == (
        "hq_hr",
        {"signInFailures": throttle.ACCOUNT_FAILURES},
        {"signInFailures": 0},
    )


async def test_nobody_manages_their_own_account(api: Api, world: World) -> None:
    for who in ("hq_hr", "admin"):
        me = gid(world.users[who])
        viewer = world.users[who]
        reset = await api.data(RESET, {"u": me, "d": "INVITATION"}, as_=viewer)
        unlock = await api.data(UNLOCK, {"u": me}, as_=viewer)
        for answer in (reset["resetUserPassword"], unlock["unlockAccount"]):
            assert answer["errors"] == [{"field": "userId", "code": "SELF_DEALING"}], who
    # Nor a second account of one's own employee record.
    second = await User.create(
        username="hq_hr.2",
        password_hash="!",
        role=Role.EMPLOYEE,
        employee=world.people["hq_hr_person"],
    )
    reset = await api.data(RESET, {"u": gid(second), "d": "INVITATION"}, as_=world.users["hq_hr"])
    assert reset["resetUserPassword"]["errors"] == [{"field": "userId", "code": "SELF_DEALING"}]
    assert not await AccountInvitation.exists()


async def test_branch_hr_and_everyone_else_are_refused(api: Api, world: World) -> None:
    target = gid(world.users["manager"])
    for role in ("branch_hr", "bj_hr", "manager", "employee", "executive"):
        viewer = world.users[role]
        made = await create(api, world, ["sh_rep2"], "INVITATION", by=role)
        reset = await api.data(RESET, {"u": target, "d": "INVITATION"}, as_=viewer)
        unlock = await api.data(UNLOCK, {"u": target}, as_=viewer)
        for answer in (made, reset["resetUserPassword"], unlock["unlockAccount"]):
            assert answer["errors"] == [{"field": None, "code": "FORBIDDEN"}], role
        assert (await api.data(ACCOUNTS, {}, as_=viewer))["accounts"]["totalCount"] == 0, role
    # Only the administrator resets an administrator's password.
    by_hr = await api.data(
        RESET, {"u": gid(world.users["admin"]), "d": "INVITATION"}, as_=world.users["hq_hr"]
    )
    assert by_hr["resetUserPassword"]["errors"] == [{"field": "userId", "code": "FORBIDDEN"}]
    assert not await User.filter(username="sh_rep2").exists()
    assert not await AccountInvitation.exists()


async def test_every_account_change_is_audited(api: Api, world: World) -> None:
    token = (await create(api, world, ["sh_rep2"], "INVITATION"))["accounts"][0]["invitationToken"]
    await api.data(ACCEPT, {"t": token, "p": NEW_PASSWORD})
    user = await User.get(username="sh_rep2")
    await api.data(RESET, {"u": gid(user), "d": "INITIAL_PASSWORD"}, as_=world.users["admin"])
    entries = await AuditEntry.filter(subject_type="User", subject_id=user.id).order_by("id")
    seen = [(e.action.value, e.actor_username, e.field) for e in entries]
    assert seen == [
        ("create", "hq_hr", None),
        ("update", "sh_rep2", "password"),
        ("update", "admin", "password"),
        ("update", "admin", "passwordReset"),
    ]
    assert entries[0].after == {
        "username": "sh_rep2",
        "role": "employee",
        "delivery": "invitation",
    }
    assert all(token not in str(e.after) for e in entries)
    assert {e.employee_id for e in entries} == {world.people["sh_rep2"].id}


# --- the list ----------------------------------------------------------------------------------


async def test_the_list_shows_each_status_and_filters_by_it(api: Api, world: World) -> None:
    await create(api, world, ["sh_rep2"], "INVITATION")
    await create(api, world, ["bj_rep"], "INITIAL_PASSWORD")
    await User.filter(username="executive").update(is_active=False)
    admin = world.users["admin"]
    everyone = (await api.data(ACCOUNTS, {}, as_=admin))["accounts"]
    status = {e["node"]["username"]: e["node"]["status"] for e in everyone["edges"]}
    assert status == {
        "admin": "ACTIVE",
        "bj_hr": "ACTIVE",
        "bj_rep": "MUST_CHANGE_PASSWORD",
        "branch_hr": "ACTIVE",
        "employee": "ACTIVE",
        "executive": "DISABLED",
        "hq_hr": "ACTIVE",
        "manager": "ACTIVE",
        "sh_rep2": "INVITED",
    }
    invited = {e["node"]["username"]: e["node"]["invitationExpiresAt"] for e in everyone["edges"]}
    assert invited["sh_rep2"] is not None and invited["bj_rep"] is None
    for wanted in ("INVITED", "DISABLED", "MUST_CHANGE_PASSWORD", "ACTIVE"):
        listed = (await api.data(ACCOUNTS, {"s": wanted}, as_=admin))["accounts"]["edges"]
        assert {e["node"]["username"] for e in listed} == {
            name for name, s in status.items() if s == wanted
        }, wanted
    found = (await api.data(ACCOUNTS, {"q": "sh_rep"}, as_=admin))["accounts"]["edges"]
    assert {e["node"]["username"] for e in found} == {"sh_rep2", "employee"}  # by employee name


async def test_the_list_costs_the_same_statements_for_more_accounts(api: Api, world: World) -> None:
    viewer = world.users["hq_hr"]
    await api.token(viewer)
    with StatementCounter() as few:
        await api.data(ACCOUNTS, {}, as_=viewer)
    await create(api, world, ["sh_rep2", "sh_worker", "bj_rep"], "INVITATION")
    with StatementCounter() as many:
        data = await api.data(ACCOUNTS, {}, as_=viewer)
    assert data["accounts"]["totalCount"] == len(world.users) + 3
    assert many.count == few.count, (few.statements, many.statements)
