"""API tokens for integrators: created by a signed-in user for themselves, the secret shown
once and stored as its SHA-256, listed, revoked. A token acts as its owner narrowed to its
scopes (access/scopes.py); it always expires (at most a year); disabling the owner revokes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.access.scopes import ApiScope
from talentloop.accounts.models import ApiToken
from talentloop.accounts.tokens import new_api_token
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found

MAX_DAYS = 365
MAX_TOKENS_PER_USER = 20


async def create_token(
    viewer: Viewer, *, name: str, scopes: list[ApiScope], expires_in_days: int
) -> tuple[ApiToken, str]:
    """(the token, its secret: shown this once, never again)."""
    _require_session(viewer)
    assert viewer.user_id is not None
    problems: list[FieldError] = []
    name = name.strip()
    if not name:
        problems.append(FieldError("Give the token a name.", ErrorCode.REQUIRED, "name"))
    elif len(name) > 64:
        problems.append(FieldError("A name is at most 64 characters.", ErrorCode.INVALID, "name"))
    if not scopes:
        problems.append(FieldError("Choose at least one scope.", ErrorCode.REQUIRED, "scopes"))
    if not 1 <= expires_in_days <= MAX_DAYS:
        problems.append(
            FieldError(
                "A token lasts 1 to {top} days.", ErrorCode.INVALID, "expiresInDays", top=MAX_DAYS
            )
        )
    live = ApiToken.filter(
        user_id=viewer.user_id, revoked_at__isnull=True, expires_at__gt=datetime.now(UTC)
    )
    if await live.count() >= MAX_TOKENS_PER_USER:
        problems.append(
            FieldError(
                "At most {top} tokens at a time: revoke one first.",
                ErrorCode.CONFLICT,
                "name",
                top=MAX_TOKENS_PER_USER,
            )
        )
    if problems:
        raise ServiceError(*problems)
    secret, token_hash = new_api_token()
    values: dict[str, Any] = {
        "name": name,
        "scopes": sorted({s.value for s in scopes}),
        "expires_at": datetime.now(UTC) + timedelta(days=expires_in_days),
    }
    async with in_transaction():
        token = await ApiToken.create(
            user_id=viewer.user_id, token_hash=token_hash, prefix=secret[:10], **values
        )
        await audit.record_created(viewer, "ApiToken", token.id, values)
    return token, secret


async def list_tokens(viewer: Viewer) -> list[ApiToken]:
    """The viewer's own tokens, newest first (revoked and expired ones too)."""
    if not viewer.is_session:
        return []
    return await ApiToken.filter(user_id=viewer.user_id).order_by("-created_at", "-id")


async def revoke_token(viewer: Viewer, token_id: int) -> ApiToken:
    _require_session(viewer)
    token = await ApiToken.get_or_none(id=token_id, user_id=viewer.user_id)
    if token is None:
        raise not_found("API token", "id")
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        async with in_transaction():
            await token.save(update_fields=["revoked_at"])
            await audit.record_deleted(
                viewer, "ApiToken", token.id, {"name": token.name, "scopes": token.scopes}
            )
    return token


def _require_session(viewer: Viewer) -> None:
    if not viewer.is_session:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Sign in with your password to manage API tokens."
        )
