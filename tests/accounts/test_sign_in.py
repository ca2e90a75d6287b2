"""Signing in, refreshing, signing out and changing one's password, through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from talentloop.accounts.models import RefreshToken, User
from talentloop.accounts.passwords import verify_password
from talentloop.config import get_settings
from tests.support import PASSWORD, Api, World

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    accessToken refreshToken accessTokenExpiresAt
    viewer { role user { username } employee { name } scopeUnit { code } }
    errors { field message code }
  }
}"""
REFRESH = """mutation($t: String!) {
  refreshToken(input: {refreshToken: $t}) { accessToken refreshToken errors { code message } }
}"""
ME = "{ me { role user { username } } }"


async def _login(api: Api, username: str, password: str = PASSWORD) -> dict:
    return (await api.data(LOGIN, {"u": username, "p": password}))["login"]


async def test_a_user_signs_in_and_the_token_identifies_them(api: Api, world: World) -> None:
    result = await _login(api, "branch_hr")
    assert result["errors"] == []
    assert result["viewer"]["role"] == "BRANCH_HR"
    assert result["viewer"]["scopeUnit"]["code"] == "SH"
    response = await api.http.post(
        "/graphql",
        json={"query": ME},
        headers={"Authorization": f"Bearer {result['accessToken']}"},
    )
    assert response.json()["data"]["me"] == {
        "role": "BRANCH_HR",
        "user": {"username": "branch_hr"},
    }


async def test_the_password_is_stored_as_an_argon2id_hash(world: World) -> None:
    user = await User.get(username="hq_hr")
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(PASSWORD, user.password_hash)[0]


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("branch_hr", "wrong password"),
        ("nobody", PASSWORD),
        ("nobody", "wrong password"),
    ],
)
async def test_unknown_user_and_wrong_password_get_the_same_answer(
    api: Api, world: World, username: str, password: str
) -> None:
    result = await _login(api, username, password)
    assert result["accessToken"] is None and result["refreshToken"] is None
    assert result["errors"] == [
        {
            "field": None,
            "message": "Incorrect username or password.",
            "code": "INVALID_CREDENTIALS",
        }
    ]


async def test_a_disabled_user_cannot_sign_in_and_their_token_stops_working(
    api: Api, world: World
) -> None:
    token = (await _login(api, "manager"))["accessToken"]
    await User.filter(username="manager").update(is_active=False)
    assert (await _login(api, "manager"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    response = await api.http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    # The token is refused at once, as a 401: the client refreshes, which fails too.
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_refresh_token_is_rotated_and_good_only_once(api: Api, world: World) -> None:
    first = await _login(api, "employee")
    second = (await api.data(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    assert second["errors"] == [] and second["refreshToken"] != first["refreshToken"]
    # The spent token comes back: refused, and the whole family is revoked.
    reused = (await api.data(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    assert reused["accessToken"] is None
    assert reused["errors"][0]["code"] == "INVALID_TOKEN"
    after_reuse = (await api.data(REFRESH, {"t": second["refreshToken"]}))["refreshToken"]
    assert after_reuse["errors"][0]["code"] == "INVALID_TOKEN"


async def test_logout_revokes_the_session(api: Api, world: World) -> None:
    session = await _login(api, "employee")
    out = await api.data(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok errors { code } } }",
        {"t": session["refreshToken"]},
    )
    assert out["logout"] == {"ok": True, "errors": []}
    again = (await api.data(REFRESH, {"t": session["refreshToken"]}))["refreshToken"]
    assert again["errors"][0]["code"] == "INVALID_TOKEN"


async def test_an_expired_refresh_token_is_refused(api: Api, world: World) -> None:
    session = await _login(api, "employee")
    await RefreshToken.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    result = (await api.data(REFRESH, {"t": session["refreshToken"]}))["refreshToken"]
    assert result["errors"][0]["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        jwt.encode(
            {"sub": "1", "typ": "access"},
            "another-key-of-at-least-thirty-two-bytes",
            algorithm="HS256",
        ),
        # alg=none: an unsigned token naming a real user
        jwt.encode(
            {
                "sub": "1",
                "typ": "access",
                "iss": "talentloop",
                "iat": 0,
                "exp": 4102444800,
            },
            key=None,
            algorithm="none",
        ),
    ],
)
async def test_a_bad_access_token_is_a_401_not_an_anonymous_request(
    api: Api, world: World, token: str
) -> None:
    response = await api.http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_expired_access_token_is_a_401(api: Api, world: World) -> None:
    now = datetime.now(UTC)
    token = jwt.encode(
        {
            "sub": str(world.users["hq_hr"].id),
            "typ": "access",
            "iss": "talentloop",
            "iat": int((now - timedelta(hours=1)).timestamp()),
            "exp": int((now - timedelta(minutes=1)).timestamp()),
        },
        get_settings().secret_key,
        algorithm="HS256",
    )
    response = await api.http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(input: {currentPassword: $c, newPassword: $n}) { ok errors { field code } }
}"""


async def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    api: Api, world: World
) -> None:
    user = world.users["employee"]
    other_device = await _login(api, "employee")
    wrong = await api.data(CHANGE, {"c": "not it", "n": "a new long password"}, as_=user)
    assert wrong["changePassword"] == {
        "ok": False,
        "errors": [{"field": "currentPassword", "code": "INVALID"}],
    }
    short = await api.data(CHANGE, {"c": PASSWORD, "n": "short"}, as_=user)
    assert short["changePassword"]["errors"] == [{"field": "newPassword", "code": "INVALID"}]

    done = await api.data(CHANGE, {"c": PASSWORD, "n": "a new long password"}, as_=user)
    assert done["changePassword"] == {"ok": True, "errors": []}
    assert (await _login(api, "employee", "a new long password"))["errors"] == []
    assert (await _login(api, "employee"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    stale = (await api.data(REFRESH, {"t": other_device["refreshToken"]}))["refreshToken"]
    assert stale["errors"][0]["code"] == "INVALID_TOKEN"


async def test_an_anonymous_caller_sees_nothing(api: Api, world: World) -> None:
    data = await api.data(
        "{ me { role } orgUnits { id } positions { id } employees { totalCount } }"
    )
    assert data == {
        "me": None,
        "orgUnits": [],
        "positions": [],
        "employees": {"totalCount": 0},
    }
