"""Access tokens (short-lived JWTs, HS256), opaque refresh tokens and API token secrets.

Every access token names its session (`sid`: the refresh-token family it was issued with), so a
session that is signed out, or a user who is disabled, stops working at once
(`accounts.sessions.authenticate` checks it on every request). A token without one is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from talentloop.config import get_settings

ALGORITHM = "HS256"
ISSUER = "talentloop"
API_TOKEN_PREFIX = "tl_"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session: str  # the refresh-token family


def issue_access_token(
    user_id: int, now: datetime | None = None, *, session: str
) -> tuple[str, datetime]:
    """An access token for a session that sign-in (or refresh) has just stored."""
    settings = get_settings()
    now = now or datetime.now(UTC)
    expires = now + timedelta(minutes=settings.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "iss": ISSUER,
        "typ": "access",
        "sid": session,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), expires


def read_access_token(token: str) -> int:
    """The user id in a valid access token; InvalidToken for anything else (alg=none included)."""
    return read_access_claims(token).user_id


def read_access_claims(token: str) -> AccessClaims:
    """The claims of a valid access token (signature, issuer, expiry checked; no database)."""
    try:
        claims = jwt.decode(
            token,
            get_settings().secret_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken("bad subject") from exc
    session = claims.get("sid")
    # Tokens without a session were once minted for tests; none may stand for a user now.
    if not (isinstance(session, str) and 0 < len(session) <= 36):
        raise InvalidToken("no session or a bad one")
    return AccessClaims(user_id=user_id, session=session)


def new_refresh_token() -> tuple[str, str]:
    """(the token handed to the client, the hash stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token() -> tuple[str, str]:
    """(the secret shown once, `tl_` and 43 URL-safe characters; the hash stored)."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def is_api_token(token: str) -> bool:
    return token.startswith(API_TOKEN_PREFIX)
