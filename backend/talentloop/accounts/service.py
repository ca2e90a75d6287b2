"""Sign-in, token refresh with rotation, sign-out and password change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.accounts.models import RefreshToken, User
from talentloop.accounts.passwords import hash_password, password_problems, verify_password
from talentloop.accounts.tokens import hash_refresh_token, issue_access_token, new_refresh_token
from talentloop.config import get_settings
from talentloop.errors import ErrorCode, FieldError, ServiceError

# One message for an unknown user, a wrong password and a disabled account.
BAD_CREDENTIALS = "Incorrect username or password."


@dataclass
class Session:
    user: User
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str


async def login(username: str, password: str) -> Session:
    user = await User.get_or_none(username=username.strip())
    ok, new_hash = verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        raise ServiceError.one(ErrorCode.INVALID_CREDENTIALS, BAD_CREDENTIALS)
    async with in_transaction():
        user.last_login_at = datetime.now(UTC)
        if new_hash:
            user.password_hash = new_hash
        await user.save(update_fields=["last_login_at", "password_hash"])
        return await _start_session(user, family=str(uuid.uuid4()))


async def refresh(token: str) -> Session:
    """Exchange a refresh token for a new pair. A token is good once: reuse revokes its family."""
    now = datetime.now(UTC)
    async with in_transaction():
        # Lock the token row alone: PostgreSQL refuses FOR UPDATE across an outer join.
        stored = (
            await RefreshToken.filter(token_hash=hash_refresh_token(token))
            .select_for_update()
            .first()
        )
        if stored is not None:
            await stored.fetch_related("user")
        valid = (
            stored is not None
            and stored.revoked_at is None
            and stored.expires_at > now
            and stored.used_at is None
            and stored.user.is_active
        )
        if stored is not None and stored.used_at is not None:
            # A spent token came back: someone holds a copy. End every session of the family
            # (committed with this transaction, before the refusal below).
            await RefreshToken.filter(family=stored.family, revoked_at=None).update(revoked_at=now)
        if valid and stored is not None:
            stored.used_at = now
            await stored.save(update_fields=["used_at"])
            return await _start_session(stored.user, family=stored.family)
    raise _invalid_token()


async def logout(token: str) -> None:
    """Revoke the refresh token's whole family (this sign-in on this device)."""
    stored = await RefreshToken.get_or_none(token_hash=hash_refresh_token(token))
    if stored is None:
        raise _invalid_token()
    await RefreshToken.filter(family=stored.family, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )


async def change_password(viewer: Viewer, current: str, new: str) -> None:
    if viewer.user_id is None:
        raise ServiceError.one(ErrorCode.UNAUTHENTICATED, "Sign in first.")
    user = await User.get(id=viewer.user_id)
    ok, _ = verify_password(current, user.password_hash)
    problems: list[FieldError] = []
    if not ok:
        problems.append(
            FieldError("Current password is incorrect.", ErrorCode.INVALID, "currentPassword")
        )
    problems += password_problems(new)
    if not problems and new == current:
        problems.append(
            FieldError(
                "New password must differ from the current one.", ErrorCode.INVALID, "newPassword"
            )
        )
    if problems:
        raise ServiceError(*problems)
    now = datetime.now(UTC)
    async with in_transaction():
        user.password_hash = hash_password(new)
        user.password_changed_at = now
        await user.save(update_fields=["password_hash", "password_changed_at"])
        # Other devices signed in with the old password must sign in again.
        await RefreshToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=now)


async def _start_session(user: User, family: str) -> Session:
    access, expires = issue_access_token(user.id)
    refresh_token, token_hash = new_refresh_token()
    await RefreshToken.create(
        user=user,
        token_hash=token_hash,
        family=family,
        expires_at=datetime.now(UTC) + timedelta(days=get_settings().refresh_token_days),
    )
    return Session(
        user=user, access_token=access, access_token_expires_at=expires, refresh_token=refresh_token
    )


def _invalid_token() -> ServiceError:
    return ServiceError.one(ErrorCode.INVALID_TOKEN, "The refresh token is invalid or expired.")
