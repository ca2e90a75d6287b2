"""Sign-in hardening (ASVS 5.0 level 2): lockout and throttling counted in the database,
sessions that end at once, password rules, re-authentication and API tokens — through the API."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from starlette.applications import Starlette

from talentloop.accounts import throttle
from talentloop.accounts.models import ApiToken, RefreshToken, SignInAttempt, User
from talentloop.accounts.passwords import MAX_LENGTH, common_passwords, password_problems
from talentloop.accounts.tokens import ALGORITHM, ISSUER
from talentloop.config import get_settings
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee
from tests.support import PASSWORD, Api, World, gid

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { accessToken refreshToken errors { field message code } }
}"""
REFRESH = """mutation($t: String!) {
  refreshToken(input: {refreshToken: $t}) { accessToken errors { code } }
}"""
LOGOUT = "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok errors { code } } }"
ME = "{ me { role user { username } } }"
GENERIC = [
    {"field": None, "message": "Incorrect username or password.", "code": "INVALID_CREDENTIALS"}
]


@pytest.fixture
async def client_at(app: Starlette) -> AsyncIterator[Any]:
    """Api clients that connect from a given address (the ASGI scope's client)."""
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> Api:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        client = httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"}
        )
        opened.append(client)
        return Api(client)

    yield make
    for client in opened:
        await client.aclose()


async def login(api: Api, username: str, password: str = PASSWORD) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(LOGIN, {"u": username, "p": password}))["login"]
    return result


async def bearer(
    api: Api, token: str, query: str = ME, variables: dict | None = None
) -> httpx.Response:
    return await api.http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )


async def age_attempts(minutes: int) -> None:
    await SignInAttempt.all().update(created_at=datetime.now(UTC) - timedelta(minutes=minutes))


# --- lockout and throttling ---------------------------------------------------------------------


async def test_five_failures_lock_the_account_with_the_same_answer(api: Api, world: World) -> None:
    for _ in range(throttle.ACCOUNT_FAILURES):
        assert (await login(api, "manager", "wrong password"))["errors"] == GENERIC
    # Locked: even the right password gets the answer of a wrong one.
    locked = await login(api, "manager")
    assert locked["accessToken"] is None and locked["errors"] == GENERIC
    # An unknown name is counted and locked the same way: the lockout tells nothing.
    for _ in range(throttle.ACCOUNT_FAILURES + 1):
        assert (await login(api, "nobody-here", "wrong password"))["errors"] == GENERIC
    outcomes = await SignInAttempt.filter(username="manager").values_list("outcome", flat=True)
    assert [str(o) for o in outcomes] == ["failed"] * 5 + ["locked"]
    # Refused attempts do not count: the lock ends when the failures leave the 15-minute window.
    await age_attempts(throttle.WINDOW.seconds // 60 + 1)
    assert (await login(api, "manager"))["errors"] == []


async def test_a_success_resets_the_account_counter(api: Api, world: World) -> None:
    for _ in range(2):
        for _ in range(throttle.ACCOUNT_FAILURES - 1):
            assert (await login(api, "employee", "wrong password"))["errors"] == GENERIC
        assert (await login(api, "employee"))["errors"] == []


async def test_twenty_failures_throttle_the_address_not_others(
    world: World, client_at: Any
) -> None:
    attacker, neighbour = client_at("203.0.113.7"), client_at("198.51.100.9")
    # 20 failures spread over names, none reaching an account's lockout.
    for i in range(throttle.ADDRESS_FAILURES):
        assert (await login(attacker, f"guess{i % 5}", "wrong password"))["errors"] == GENERIC
    assert (await login(attacker, "employee"))["errors"] == GENERIC
    assert (await SignInAttempt.filter(username="employee").first()).outcome == "throttled"  # type: ignore[union-attr]
    # Another address is not affected, and its success does not clear the attacker's count.
    assert (await login(neighbour, "employee"))["errors"] == []
    assert (await login(attacker, "executive"))["errors"] == GENERIC


async def test_twenty_logins_in_one_request_are_twenty_attempts(
    world: World, client_at: Any
) -> None:
    attacker = client_at("203.0.113.8")
    aliases = "\n".join(
        f'a{i}: login(input: {{username: "manager", password: "guess {i}"}}) {{ errors {{ code }} }}'
        for i in range(20)
    )
    body = await attacker.data(f"mutation {{ {aliases} }}")
    assert all(v["errors"][0]["code"] == "INVALID_CREDENTIALS" for v in body.values())
    assert await SignInAttempt.filter(client_address="203.0.113.8").count() == 20
    # Five of them were checked and failed; the other fifteen met the lock unchecked.
    assert await SignInAttempt.filter(outcome="failed").count() == throttle.ACCOUNT_FAILURES
    # The account is locked for everyone, with the right password too.
    assert (await login(client_at("198.51.100.10"), "manager"))["errors"] == GENERIC


async def test_twenty_failures_in_one_request_throttle_the_address(
    world: World, client_at: Any
) -> None:
    attacker = client_at("203.0.113.9")
    aliases = "\n".join(
        f'a{i}: login(input: {{username: "user{i}", password: "x"}}) {{ accessToken }}'
        for i in range(20)
    )
    await attacker.data(f"mutation {{ {aliases} }}")
    assert (await login(attacker, "employee"))["errors"] == GENERIC
    assert (await login(client_at("198.51.100.11"), "employee"))["errors"] == []


# --- sessions end at once ------------------------------------------------------------------------


async def test_logout_refuses_the_still_valid_access_token_at_once(api: Api, world: World) -> None:
    session = await login(api, "employee")
    other_device = await login(api, "employee")
    assert (await bearer(api, session["accessToken"])).status_code == 200
    out = await api.data(LOGOUT, {"t": session["refreshToken"]})
    assert out["logout"] == {"ok": True, "errors": []}
    refused = await bearer(api, session["accessToken"])
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Only that session ended: the same user's other device goes on.
    assert (await bearer(api, other_device["accessToken"])).json()["data"]["me"][
        "role"
    ] == "EMPLOYEE"


async def test_a_refreshed_access_token_belongs_to_the_same_session(api: Api, world: World) -> None:
    session = await login(api, "employee")
    renewed = (await api.data(REFRESH, {"t": session["refreshToken"]}))["refreshToken"]
    assert (await bearer(api, renewed["accessToken"])).status_code == 200
    await api.data(LOGOUT, {"t": session["refreshToken"]})  # the spent token names the family
    assert (await bearer(api, renewed["accessToken"])).status_code == 401
    assert (await bearer(api, session["accessToken"])).status_code == 401


async def test_a_password_change_ends_the_other_sessions_access_tokens(
    api: Api, world: World
) -> None:
    here, there = await login(api, "employee"), await login(api, "employee")
    change = """mutation($c: String!, $n: String!) {
      changePassword(input: {currentPassword: $c, newPassword: $n}) { ok } }"""
    response = await bearer(
        api, here["accessToken"], change, {"c": PASSWORD, "n": "a fresh passphrase"}
    )
    assert response.json()["data"]["changePassword"]["ok"] is True
    assert (await bearer(api, there["accessToken"])).status_code == 401


def _signed(claims: dict[str, Any]) -> str:
    """A token signed with the server's own key: only its claims can make it fail."""
    now = int(datetime.now(UTC).timestamp())
    body = {"iat": now, "exp": now + 600, "iss": ISSUER, "typ": "access", **claims}
    return jwt.encode(body, get_settings().secret_key, algorithm=ALGORITHM)


async def test_an_access_token_must_name_a_live_session_of_its_own_user(
    api: Api, world: World
) -> None:
    employee, manager = world.users["employee"], world.users["manager"]
    session = await login(api, "employee")
    family = (await RefreshToken.get(user_id=employee.id)).family
    assert (await bearer(api, _signed({"sub": str(employee.id), "sid": family}))).status_code == 200
    for claims in (
        {"sub": str(employee.id)},  # no session at all
        {"sub": str(employee.id), "sid": None},
        {"sub": str(employee.id), "sid": ""},
        {"sub": str(employee.id), "sid": "no-such-family"},
        {"sub": str(manager.id), "sid": family},  # someone else's session
    ):
        refused = await bearer(api, _signed(claims))
        assert refused.status_code == 401, claims
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await bearer(api, session["accessToken"])).status_code == 200


SET_ACTIVE = """mutation($u: ID!, $a: Boolean!) {
  setUserActive(input: {userId: $u, active: $a}) { user { username isActive } errors { field code } }
}"""


async def test_disabling_a_user_refuses_their_token_and_refresh_at_once(
    api: Api, world: World
) -> None:
    session = await login(api, "manager")
    manager = world.users["manager"]
    token = await _create_token(api, manager, ["READ_PEOPLE"])
    done = await api.data(SET_ACTIVE, {"u": gid(manager), "a": False}, as_=world.users["hq_hr"])
    assert done["setUserActive"] == {
        "user": {"username": "manager", "isActive": False},
        "errors": [],
    }
    assert (await bearer(api, session["accessToken"])).status_code == 401
    assert (await bearer(api, token)).status_code == 401
    refreshed = (await api.data(REFRESH, {"t": session["refreshToken"]}))["refreshToken"]
    assert refreshed["accessToken"] is None and refreshed["errors"][0]["code"] == "INVALID_TOKEN"
    assert not await RefreshToken.filter(user_id=manager.id, revoked_at=None).exists()
    assert not await ApiToken.filter(user_id=manager.id, revoked_at=None).exists()
    # Enabled again, the user signs in anew; the old session stays ended.
    await api.data(SET_ACTIVE, {"u": gid(manager), "a": True}, as_=world.users["admin"])
    assert (await login(api, "manager"))["errors"] == []
    assert (await bearer(api, session["accessToken"])).status_code == 401


async def test_who_may_disable_users(api: Api, world: World) -> None:
    target = gid(world.users["employee"])
    for role in ("branch_hr", "manager", "employee", "executive"):
        denied = await api.data(SET_ACTIVE, {"u": target, "a": False}, as_=world.users[role])
        assert denied["setUserActive"]["errors"] == [{"field": None, "code": "FORBIDDEN"}], role
    admin = gid(world.users["admin"])
    by_hr = await api.data(SET_ACTIVE, {"u": admin, "a": False}, as_=world.users["hq_hr"])
    assert by_hr["setUserActive"]["errors"] == [{"field": "userId", "code": "FORBIDDEN"}]
    own = await api.data(SET_ACTIVE, {"u": admin, "a": False}, as_=world.users["admin"])
    assert own["setUserActive"]["errors"] == [{"field": "userId", "code": "SELF_DEALING"}]
    assert await User.filter(is_active=True).count() == len(world.users)


# --- password rules ---------------------------------------------------------------------------------

CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(input: {currentPassword: $c, newPassword: $n}) { ok errors { field code message } }
}"""


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("seven77", False),  # 7 characters
        ("qzvtmbrk", True),  # 8 lower-case letters: no composition rule
        ("a" * 7 + "Z", True),
        ("x" * 64, True),
        ("长城" * 32, True),  # 64 characters of any script
        ("correct horse battery staple " * 4 + "x" * 12, True),  # 128
        ("y" * (MAX_LENGTH + 1), False),
        ("woaini1314", False),
        ("Qwerty123", False),  # common, compared case-insensitively
        ("a123456", False),
        ("password1", False),
        ("employee", False),  # the username
        ("EMPLOYEE", False),
    ],
)
async def test_password_rules(api: Api, world: World, password: str, accepted: bool) -> None:
    result = (await api.data(CHANGE, {"c": PASSWORD, "n": password}, as_=world.users["employee"]))[
        "changePassword"
    ]
    assert result["ok"] is accepted, result
    if not accepted:
        assert result["errors"][0]["field"] == "newPassword"
        assert result["errors"][0]["code"] == "INVALID"
    else:
        assert (await login(api, "employee", password))["errors"] == []


def test_the_common_password_list_is_shipped_with_chinese_favourites() -> None:
    common = common_passwords()
    assert 1000 <= len(common) <= 10_000
    for word in ("123456", "a123456", "woaini1314", "qwerty123", "5201314", "1qaz2wsx"):
        assert word in common, word
    assert [p.message for p in password_problems("hq_hr_2026", username="HQ_HR_2026")] == [
        "The password cannot be the username."
    ]


# --- re-authentication for one's own contact and bank details ------------------------------------------

UPDATE = """mutation($i: UpdateEmployeeInput!) {
  updateEmployee(input: $i) { employee { personalPhone workEmail bankAccount name } errors { field code } }
}"""


@pytest.mark.parametrize(
    "change",
    [
        {"personalPhone": "13912345678"},
        {"workEmail": "new.me@example.cn"},
        {"workPhone": "021-12345678"},
        {"bankAccount": "6222 0000 1111 2222"},
    ],
)
async def test_changing_ones_own_contact_or_bank_details_needs_the_password(
    api: Api, world: World, change: dict[str, str]
) -> None:
    hr, me = world.users["hq_hr"], gid(world.people["hq_hr_person"])
    missing = await api.data(UPDATE, {"i": {"id": me, **change}}, as_=hr)
    assert missing["updateEmployee"]["errors"] == [{"field": "currentPassword", "code": "REQUIRED"}]
    wrong = await api.data(UPDATE, {"i": {"id": me, **change, "currentPassword": "nope"}}, as_=hr)
    assert wrong["updateEmployee"]["errors"] == [{"field": "currentPassword", "code": "INVALID"}]
    employee = await Employee.get(id=world.people["hq_hr_person"].id)
    assert employee.personal_phone == world.people["hq_hr_person"].personal_phone
    assert employee.bank_account_cipher == world.people["hq_hr_person"].bank_account_cipher
    done = await api.data(UPDATE, {"i": {"id": me, **change, "currentPassword": PASSWORD}}, as_=hr)
    assert done["updateEmployee"]["errors"] == []


async def test_other_changes_and_hr_editing_someone_else_need_no_password(
    api: Api, world: World
) -> None:
    hr = world.users["hq_hr"]
    own_name = await api.data(
        UPDATE, {"i": {"id": gid(world.people["hq_hr_person"]), "name": "New Name"}}, as_=hr
    )
    assert own_name["updateEmployee"]["errors"] == []
    # The same values again are no change: a form that sends every field still saves.
    person = world.people["hq_hr_person"]
    same = await api.data(
        UPDATE,
        {"i": {"id": gid(person), "personalPhone": person.personal_phone, "name": "Again"}},
        as_=hr,
    )
    assert same["updateEmployee"]["errors"] == []
    for user, whom in (("hq_hr", "sh_rep"), ("branch_hr", "sh_worker")):
        other = await api.data(
            UPDATE,
            {"i": {"id": gid(world.people[whom]), "bankAccount": "6222000011113333"}},
            as_=world.users[user],
        )
        assert other["updateEmployee"]["errors"] == [], user


# --- API tokens ---------------------------------------------------------------------------------------

CREATE_TOKEN = """mutation($i: CreateApiTokenInput!) {
  createApiToken(input: $i) { secret apiToken { id name prefix scopes expiresAt } errors { field code } }
}"""
REVOKE_TOKEN = """mutation($id: ID!) {
  revokeApiToken(input: {id: $id}) { apiToken { revokedAt } errors { field code } }
}"""


async def _create_token(api: Api, user: User, scopes: list[str], days: int = 30) -> str:
    data = await api.data(
        CREATE_TOKEN,
        {"i": {"name": "payroll sync", "scopes": scopes, "expiresInDays": days}},
        as_=user,
    )
    assert data["createApiToken"]["errors"] == [], data
    secret: str = data["createApiToken"]["secret"]
    return secret


async def test_an_api_token_is_shown_once_and_stored_hashed(api: Api, world: World) -> None:
    user = world.users["hq_hr"]
    data = await api.data(
        CREATE_TOKEN,
        {"i": {"name": "payroll sync", "scopes": ["READ_PEOPLE", "WRITE_PERFORMANCE"]}},
        as_=user,
    )
    created = data["createApiToken"]
    secret = created["secret"]
    assert secret.startswith("tl_") and len(secret) > 40
    assert created["apiToken"]["scopes"] == ["READ_PEOPLE", "WRITE_PERFORMANCE"]
    assert secret.startswith(created["apiToken"]["prefix"])
    stored = await ApiToken.get(user_id=user.id)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = await ApiToken.filter(id=stored.id).values()
    assert secret not in str(row)
    # Listed without the secret; 90 days by default.
    listed = await api.data("{ apiTokens { name prefix lastUsedAt expiresAt } }", as_=user)
    assert secret not in str(listed)
    expires = datetime.fromisoformat(listed["apiTokens"][0]["expiresAt"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    # The token works, as its owner.
    response = await bearer(api, secret)
    assert response.json()["data"]["me"]["user"]["username"] == "hq_hr"
    assert (await ApiToken.get(id=stored.id)).last_used_at is not None
    bad = await api.data(
        CREATE_TOKEN, {"i": {"name": " ", "scopes": [], "expiresInDays": 400}}, as_=user
    )
    assert {e["field"] for e in bad["createApiToken"]["errors"]} == {
        "name",
        "scopes",
        "expiresInDays",
    }


EMPLOYEES = "{ employees(first: 5) { totalCount edges { node { name } } } }"
RENAME_UNIT = """mutation($id: ID!) {
  updateOrgUnit(input: {id: $id, name: "Renamed"}) { orgUnit { name } errors { code } }
}"""


async def test_a_read_only_token_reads_but_cannot_mutate(api: Api, world: World) -> None:
    secret = await _create_token(api, world.users["hq_hr"], ["READ_PEOPLE"])
    read = (await bearer(api, secret, EMPLOYEES)).json()
    assert read["data"]["employees"]["totalCount"] == len(world.people)
    unit = world.units["SH-SALES"]
    refused = (await bearer(api, secret, RENAME_UNIT, {"id": gid(unit)})).json()
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await OrgUnit.get(id=unit.id)).name == unit.name
    # Nor may a token manage accounts, however it is scoped.
    writer = await _create_token(api, world.users["hq_hr"], ["WRITE_PEOPLE"])
    assert (await bearer(api, writer, RENAME_UNIT, {"id": gid(unit)})).json()["data"][
        "updateOrgUnit"
    ]["orgUnit"] == {"name": "Renamed"}
    minted = (
        await bearer(api, writer, CREATE_TOKEN, {"i": {"name": "more", "scopes": ["WRITE_PEOPLE"]}})
    ).json()
    assert minted["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await ApiToken.all().count() == 2


async def test_what_a_token_may_not_read_behaves_as_not_visible(api: Api, world: World) -> None:
    secret = await _create_token(api, world.users["hq_hr"], ["READ_PERFORMANCE"])
    person = world.people["sh_rep"]
    query = """query($e: ID!) {
      employees(first: 5) { totalCount edges { node { name } } }
      node(id: $e) { id }
      me { user { username } employee { name } }
      auditLog(first: 5) { totalCount }
    }"""
    body = (await bearer(api, secret, query, {"e": gid(person)})).json()
    assert "errors" not in body, body
    assert body["data"] == {
        "employees": {"totalCount": 0, "edges": []},
        "node": None,
        "me": {"user": {"username": "hq_hr"}, "employee": None},
        "auditLog": {"totalCount": 0},
    }


async def test_an_expired_or_revoked_token_is_a_401(api: Api, world: World) -> None:
    user = world.users["employee"]
    expiring = await _create_token(api, user, ["READ_PEOPLE"])
    revoking = await _create_token(api, user, ["READ_PEOPLE"])
    assert (await bearer(api, expiring)).status_code == 200
    stored = await ApiToken.get(token_hash=hashlib.sha256(expiring.encode()).hexdigest())
    stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    await stored.save(update_fields=["expires_at"])
    assert (await bearer(api, expiring)).status_code == 401
    tokens = (await api.data("{ apiTokens { id prefix } }", as_=user))["apiTokens"]
    token_id = next(t["id"] for t in tokens if revoking.startswith(t["prefix"]))
    other = await api.data(REVOKE_TOKEN, {"id": token_id}, as_=world.users["hq_hr"])
    assert other["revokeApiToken"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert (await bearer(api, revoking)).status_code == 200
    done = await api.data(REVOKE_TOKEN, {"id": token_id}, as_=user)
    assert done["revokeApiToken"]["apiToken"]["revokedAt"] is not None
    response = await bearer(api, revoking)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await bearer(api, "tl_" + "x" * 43)).status_code == 401
