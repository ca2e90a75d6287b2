"""Access tokens (short-lived JWTs, HS256) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import jwt

from talentloop.config import get_settings

ALGORITHM = "HS256"
ISSUER = "talentloop"


class InvalidToken(Exception):
    pass


def issue_access_token(user_id: int, now: datetime | None = None) -> tuple[str, datetime]:
    settings = get_settings()
    now = now or datetime.now(UTC)
    expires = now + timedelta(minutes=settings.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "iss": ISSUER,
        "typ": "access",
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), expires


def read_access_token(token: str) -> int:
    """The user id in a valid access token; InvalidToken for anything else (alg=none included)."""
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
        return int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken("bad subject") from exc


def new_refresh_token() -> tuple[str, str]:
    """(the token handed to the client, the hash stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
