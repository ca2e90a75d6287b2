"""Sign-in, token refresh with rotation, sign-out, password change, re-authentication and
enabling or disabling users."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from talentloop import i18n
from talentloop.access.policy import Viewer
from talentloop.accounts import throttle
from talentloop.accounts.models import ApiToken, RefreshToken, Role, SignInOutcome, User
from talentloop.accounts.passwords import hash_password, password_problems, verify_password
from talentloop.accounts.sessions import has_left
from talentloop.accounts.tokens import hash_refresh_token, issue_access_token, new_refresh_token
from talentloop.audit import service as audit
from talentloop.config import get_settings
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found, self_dealing
from talentloop.i18n import N_
from talentloop.people.models import Employee

# One message for an unknown user, a wrong password, a disabled, locked or throttled account.
BAD_CREDENTIALS = N_("Incorrect username or password.")

# Changing one's own contact or bank details asks for the password again (ASVS 5.0 V6.1.3,
# V7.5.1): a stolen session alone cannot redirect one's salary or one's reset messages.
REAUTH_FIELDS = frozenset({"work_email", "work_phone", "personal_phone", "bank_account"})


@dataclass
class Session:
    user: User
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str


async def login(username: str, password: str, client: str | None = None) -> Session:
    """Every call is one attempt against the account's and the address's counters."""
    name = throttle.username_key(username)
    attempt, refused = await throttle.begin(name, client)
    user = await User.get_or_none(username=name) if name else None
    # The hash is checked (or the dummy one) even when refused: the same time for every answer.
    ok, new_hash = verify_password(
        password, user.password_hash if user is not None and refused is None else None
    )
    why = None
    if refused is not None:
        why = audit.THROTTLED.format(outcome=refused.value)
    elif user is None:
        why = audit.UNKNOWN_USERNAME
    elif not ok:
        why = audit.WRONG_PASSWORD
    elif not user.is_active:
        why = audit.ACCOUNT_DISABLED
    elif has_left(await Employee.get_or_none(id=user.employee_id) if user.employee_id else None):
        why = audit.EMPLOYMENT_ENDED
    if why is not None:
        await throttle.finish(attempt, refused or SignInOutcome.FAILED)
        await audit.record_sign_in_failed(user.id if user else None, client, why)
        raise ServiceError.one(ErrorCode.INVALID_CREDENTIALS, BAD_CREDENTIALS)
    assert user is not None
    async with in_transaction():
        user.last_login_at = datetime.now(UTC)
        if new_hash:
            user.password_hash = new_hash
        await user.save(update_fields=["last_login_at", "password_hash"])
        await throttle.finish(attempt, SignInOutcome.SUCCEEDED)
        session = await _start_session(user, family=str(uuid.uuid4()))
        await audit.record_sign_in(_actor(user), client)
        return session


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
            and not has_left(
                await Employee.get_or_none(id=stored.user.employee_id)
                if stored.user.employee_id
                else None
            )
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
    """Revoke the refresh token's whole family (this sign-in on this device): its access tokens
    stop working at once, since every request checks that its session is live."""
    stored = await RefreshToken.get_or_none(token_hash=hash_refresh_token(token)).select_related(
        "user"
    )
    if stored is None:
        raise _invalid_token()
    async with in_transaction():
        await RefreshToken.filter(family=stored.family, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
        await audit.record_sign_out(stored.user_id, stored.user.username)


async def set_language(viewer: Viewer, language: str | None) -> str | None:
    """The language the viewer reads the app in (talentloop/i18n.py); None clears the choice
    (their browser's Accept-Language decides again). Takes effect in this very answer."""
    if viewer.user_id is None:
        raise ServiceError.one(ErrorCode.UNAUTHENTICATED, "Sign in first.")
    if not viewer.is_session:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "An API token cannot change the language.")
    chosen = i18n.normalise(language) if language else None
    if language and chosen is None:
        raise ServiceError.one(ErrorCode.INVALID, "Choose Chinese or English.", "language")
    await User.filter(id=viewer.user_id).update(language=chosen)
    if chosen:
        i18n.set_language(chosen)
    return chosen


async def change_password(viewer: Viewer, current: str, new: str) -> None:
    if viewer.user_id is None:
        raise ServiceError.one(ErrorCode.UNAUTHENTICATED, "Sign in first.")
    if not viewer.is_session:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "An API token cannot change the password.")
    user = await User.get(id=viewer.user_id)
    problems: list[FieldError] = []
    if not await _password_matches(user, current):
        problems.append(
            FieldError("Current password is incorrect.", ErrorCode.INVALID, "currentPassword")
        )
    problems += password_problems(new, username=user.username)
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
        was_initial = user.must_change_password
        user.password_hash = hash_password(new)
        user.password_changed_at = now
        user.must_change_password = False
        await user.save(
            update_fields=["password_hash", "password_changed_at", "must_change_password"]
        )
        # Other devices signed in with the old password must sign in again.
        await RefreshToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=now)
        await audit.record_changes(
            viewer,
            "User",
            user.id,
            {"password": "old", "must_change_password": was_initial},
            {"password": "new", "must_change_password": False},
        )


async def reauthenticate(
    viewer: Viewer, employee: Any, values: Mapping[str, Any], password: str | None
) -> None:
    """A change of one's own email, phone or bank account needs the current password
    (`currentPassword`); HR changing someone else's record does not. `employee` is the record
    as stored, `values` the new values (already normalised): only real changes count."""
    if viewer.employee_id is None or viewer.employee_id != employee.id:
        return
    if not any(k in values and values[k] != getattr(employee, k) for k in REAUTH_FIELDS):
        return
    if not password:
        raise ServiceError.one(
            ErrorCode.REQUIRED,
            "Enter your current password to change your own contact or bank details.",
            "currentPassword",
        )
    user = await User.get_or_none(id=viewer.user_id) if viewer.user_id is not None else None
    if user is None or not await _password_matches(user, password):
        raise ServiceError.one(
            ErrorCode.INVALID, "Current password is incorrect.", "currentPassword"
        )


async def set_user_active(viewer: Viewer, user_id: int, active: bool) -> User:
    """Disable (or enable again) an account. Disabling ends every session and API token of the
    user at once."""
    if not viewer.can_change_user_status:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not enable or disable users.")
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise not_found("User", "userId")
    check_may_manage(viewer, user)
    if user.is_active == active:
        return user
    now = datetime.now(UTC)
    async with in_transaction():
        await User.filter(id=user.id).update(is_active=active)
        if not active:
            await RefreshToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=now)
            await ApiToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=now)
        await audit.record_changes(
            viewer,
            "User",
            user.id,
            {"is_active": user.is_active},
            {"is_active": active},
            employee_id=user.employee_id,
        )
    user.is_active = active
    return user


def check_may_manage(viewer: Viewer, user: User) -> None:
    """After the role gate and finding the account: never one's own, nor another account of
    one's own employee record (SELF_DEALING), and only an administrator changes an
    administrator's."""
    if user.id == viewer.user_id or viewer.is_self(user.employee_id):
        raise self_dealing("userId")
    if user.role is Role.ADMIN and not viewer.holds(Role.ADMIN):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only an administrator changes an administrator.", "userId"
        )


async def disable_leaver_accounts(viewer: Viewer, employee_id: int) -> int:
    """Someone's employment ended: every account of theirs is disabled, their sessions and API
    tokens end at once (audited). Returns how many accounts were disabled."""
    now = datetime.now(UTC)
    users = await User.filter(employee_id=employee_id, is_active=True)
    for user in users:
        await User.filter(id=user.id).update(is_active=False)
        await RefreshToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=now)
        await ApiToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=now)
        await audit.record_changes(
            viewer,
            "User",
            user.id,
            {"is_active": True},
            {"is_active": False},
            employee_id=employee_id,
        )
    return len(users)


async def _password_matches(user: User, password: str) -> bool:
    """Re-authentication: the signed-in user's current password, through the same lockout
    counters as signing in (a stolen session cannot guess it either)."""
    attempt, refused = await throttle.begin(user.username, audit.current_client_address())
    ok, _ = verify_password(password, user.password_hash if refused is None else None)
    ok = ok and refused is None
    await throttle.finish(
        attempt, SignInOutcome.SUCCEEDED if ok else (refused or SignInOutcome.FAILED)
    )
    return ok


async def _start_session(user: User, family: str) -> Session:
    access, expires = issue_access_token(user.id, session=family)
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


def _actor(user: User) -> Viewer:
    return Viewer(user_id=user.id, username=user.username, employee_id=user.employee_id)


def _invalid_token() -> ServiceError:
    return ServiceError.one(ErrorCode.INVALID_TOKEN, "The refresh token is invalid or expired.")
