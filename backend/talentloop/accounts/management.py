"""Managing other people's sign-in accounts: the administrator and HQ HR create them for
employees (an invitation link, or an initial password to change at the first sign-in), reset
passwords, unlock locked accounts and list them with their status. Enabling and disabling is
`service.set_user_active`. Nobody does any of this to their own account (SELF_DEALING), and
only an administrator touches an administrator's. Every change is audited.

An invitation's token is shown once and stored only as its SHA-256 (like a refresh token); it
is good once, until it expires. A new account gets the role `employee`: granting roles is
the roles work's (issue 19).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.accounts import throttle
from talentloop.accounts.models import (
    AccountInvitation,
    RefreshToken,
    Role,
    SignInAttempt,
    SignInOutcome,
    User,
)
from talentloop.accounts.passwords import (
    UNUSABLE_PASSWORD,
    hash_password,
    initial_password,
    password_problems,
)
from talentloop.accounts.service import check_may_manage
from talentloop.accounts.tokens import hash_refresh_token
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found, self_dealing
from talentloop.pagination import Page, keyset_page
from talentloop.people.models import Employee, EmployeeStatus

INVITATION_DAYS = 7  # how long an invitation link works
MAX_BATCH = 100  # accounts created in one request (like `first`)
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$")


class Delivery(StrEnum):
    """How the person gets their first (or reset) password."""

    INVITATION = "invitation"  # a link to set it themselves
    INITIAL_PASSWORD = "initial_password"  # one HR hands over, changed at the first sign-in


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    LOCKED = "locked"  # too many failed sign-ins (accounts/throttle.py)
    INVITED = "invited"  # no password yet: waiting for the invitation to be used
    MUST_CHANGE_PASSWORD = "must_change_password"


@dataclass(frozen=True)
class AccountRequest:
    employee_id: int
    username: str | None = None  # derived from the work e-mail or employee number when None


@dataclass
class Credential:
    """What HR hands over, shown once: an invitation token or an initial password."""

    user: User
    invitation_token: str | None = None
    invitation_expires_at: datetime | None = None
    initial_password: str | None = None


def _gate(viewer: Viewer) -> None:
    if not viewer.can_manage_accounts:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not manage sign-in accounts.")


# --- creating accounts ---------------------------------------------------------------------


async def create_accounts(
    viewer: Viewer, requests: list[AccountRequest], delivery: Delivery, *, today: date | None = None
) -> list[Credential]:
    """One account per employee, all or none. Errors name the request by its index
    (`accounts.2.username`)."""
    _gate(viewer)
    if not requests:
        raise ServiceError.one(ErrorCode.REQUIRED, "Choose at least one employee.", "accounts")
    if len(requests) > MAX_BATCH:
        raise ServiceError.one(
            ErrorCode.INVALID, "At most {count} accounts at a time.", "accounts", count=MAX_BATCH
        )
    today = today or date.today()
    visible = viewer.employee_filter()
    ids = [r.employee_id for r in requests]
    employees = (
        {e.id: e for e in await Employee.filter(visible, id__in=ids)} if visible is not None else {}
    )
    having = set(
        await User.filter(employee_id__in=list(employees)).values_list("employee_id", flat=True)
    )
    wanted = [r.username.strip() for r in requests if r.username and r.username.strip()]
    taken = {
        str(n) for n in await User.filter(username__in=wanted).values_list("username", flat=True)
    }
    problems: list[FieldError] = []
    chosen: list[str] = []
    for i, request in enumerate(requests):
        at = f"accounts.{i}"
        employee = employees.get(request.employee_id)
        if employee is None:
            problems.append(not_found("Employee", f"{at}.employeeId").errors[0])
            continue
        if viewer.is_self(employee.id):
            problems.append(self_dealing(f"{at}.employeeId").errors[0])
            continue
        if employee.id in having:
            problems.append(
                FieldError(
                    "{name} already has an account.",
                    ErrorCode.HAS_ACCOUNT,
                    f"{at}.employeeId",
                    name=employee.name,
                )
            )
            continue
        if _has_left(employee, today):
            problems.append(
                FieldError(
                    "{name} has left the company.",
                    ErrorCode.LEAVER,
                    f"{at}.employeeId",
                    name=employee.name,
                )
            )
            continue
        if ids.count(employee.id) > 1:
            problems.append(
                FieldError("The same employee twice.", ErrorCode.DUPLICATE, f"{at}.employeeId")
            )
            continue
        typed = (request.username or "").strip()
        if typed:
            if not USERNAME_PATTERN.match(typed):
                problems.append(
                    FieldError(
                        "3 to 64 letters, digits and . _ @ -, starting with a letter or digit.",
                        ErrorCode.INVALID,
                        f"{at}.username",
                    )
                )
                continue
            if typed in taken or typed in chosen:
                problems.append(
                    FieldError(
                        "The username {username} is taken.",
                        ErrorCode.DUPLICATE,
                        f"{at}.username",
                        username=typed,
                    )
                )
                continue
            chosen.append(typed)
        else:
            chosen.append(await _derive_username(employee, taken | set(chosen) | set(wanted)))
    if problems:
        raise ServiceError(*problems)
    made: list[Credential] = []
    async with in_transaction():
        for request, username in zip(requests, chosen, strict=True):
            employee = employees[request.employee_id]
            user = await User.create(
                username=username,
                password_hash=UNUSABLE_PASSWORD,
                role=Role.EMPLOYEE,
                employee=employee,
            )
            await audit.record_created(
                viewer,
                "User",
                user.id,
                {"username": username, "role": user.role, "delivery": delivery},
                employee_id=employee.id,
            )
            made.append(await _deliver(viewer, user, delivery))
    return made


def _has_left(employee: Employee, today: date) -> bool:
    return employee.status is EmployeeStatus.TERMINATED or (
        employee.termination_date is not None and employee.termination_date <= today
    )


def username_base(work_email: str | None, employee_number: str, employee_id: int) -> str:
    """The username an account is derived from, before `-2`, `-3`… (also the accounts import's)."""
    base = ""
    if work_email and "@" in work_email:
        base = re.sub(r"[^a-z0-9._-]", "", work_email.split("@")[0].lower())
    if len(base) < 3:
        base = re.sub(r"[^a-z0-9._-]", "", employee_number.lower())
    if len(base) < 3:
        base = f"user{employee_id}"
    return base[:56]


async def _derive_username(employee: Employee, reserved: set[str]) -> str:
    """The work e-mail's local part, else the employee number (lower case); `-2`, `-3`… when
    that is taken."""
    base = username_base(employee.work_email, employee.employee_number, employee.id)
    candidates = [base] + [f"{base}-{n}" for n in range(2, 50)]
    existing = set(
        await User.filter(Q(username=base) | Q(username__startswith=f"{base}-")).values_list(
            "username", flat=True
        )
    )
    for name in candidates:
        if name not in existing and name not in reserved:
            return name
    return f"{base}-{secrets.token_hex(3)}"


async def _deliver(viewer: Viewer, user: User, delivery: Delivery) -> Credential:
    """Hand the account a new way in: revokes earlier invitations; inside a transaction."""
    now = datetime.now(UTC)
    await AccountInvitation.filter(user_id=user.id, used_at=None, revoked_at=None).update(
        revoked_at=now
    )
    if delivery is Delivery.INVITATION:
        token = secrets.token_urlsafe(32)
        expires = now + timedelta(days=INVITATION_DAYS)
        await AccountInvitation.create(
            user=user,
            token_hash=hash_refresh_token(token),
            expires_at=expires,
            created_by_id=viewer.user_id,
        )
        if user.password_hash != UNUSABLE_PASSWORD or user.must_change_password:
            await User.filter(id=user.id).update(
                password_hash=UNUSABLE_PASSWORD, must_change_password=False
            )
            user.password_hash, user.must_change_password = UNUSABLE_PASSWORD, False
        return Credential(user=user, invitation_token=token, invitation_expires_at=expires)
    password = initial_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    await User.filter(id=user.id).update(
        password_hash=user.password_hash, must_change_password=True
    )
    return Credential(user=user, initial_password=password)


# --- resetting and unlocking ---------------------------------------------------------------


async def _managed_user(viewer: Viewer, user_id: int) -> User:
    _gate(viewer)
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise not_found("User", "userId")
    check_may_manage(viewer, user)
    return user


async def reset_password(viewer: Viewer, user_id: int, delivery: Delivery) -> Credential:
    """A new invitation or initial password; the old password stops working and every session
    of the user ends."""
    user = await _managed_user(viewer, user_id)
    if not user.is_active:
        raise ServiceError.one(
            ErrorCode.INVALID, "Enable the account before resetting its password.", "userId"
        )
    async with in_transaction():
        await RefreshToken.filter(user_id=user.id, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
        credential = await _deliver(viewer, user, delivery)
        await audit.record_changes(
            viewer,
            "User",
            user.id,
            {"password": "old", "password_reset": None},
            {"password": "reset", "password_reset": delivery.value},
            employee_id=user.employee_id,
        )
    return credential


async def unlock_account(viewer: Viewer, user_id: int) -> User:
    """Clear the account's counted sign-in failures (the address's counter keeps its own)."""
    user = await _managed_user(viewer, user_id)
    async with in_transaction():
        cleared = await SignInAttempt.filter(
            username=user.username, cleared=False, outcome=SignInOutcome.FAILED
        ).update(cleared=True)
        await audit.record_changes(
            viewer,
            "User",
            user.id,
            {"sign_in_failures": cleared},
            {"sign_in_failures": 0},
            employee_id=user.employee_id,
        )
    return user


# --- accepting an invitation (public: the token is the credential) ------------------------------


async def accept_invitation(token: str, new_password: str) -> User:
    """Set the password of the invitation's account; the invitation is spent."""
    now = datetime.now(UTC)
    async with in_transaction():
        invitation = (
            await AccountInvitation.filter(token_hash=hash_refresh_token(token))
            .select_for_update()
            .first()
        )
        user = await User.get_or_none(id=invitation.user_id) if invitation else None
        if (
            invitation is None
            or user is None
            or invitation.used_at is not None
            or invitation.revoked_at is not None
            or invitation.expires_at <= now
            or not user.is_active
        ):
            raise ServiceError.one(
                ErrorCode.INVALID_TOKEN,
                "This invitation link is invalid, used or expired: ask HR for a new one.",
                "token",
            )
        problems = password_problems(new_password, username=user.username)
        if problems:
            raise ServiceError(*problems)
        invitation.used_at = now
        await invitation.save(update_fields=["used_at"])
        user.password_hash = hash_password(new_password)
        user.password_changed_at = now
        user.must_change_password = False
        await user.save(
            update_fields=["password_hash", "password_changed_at", "must_change_password"]
        )
        await audit.record_changes(
            Viewer(user_id=user.id, username=user.username),
            "User",
            user.id,
            {"password": "invited"},
            {"password": "set through the invitation"},
            employee_id=user.employee_id,
        )
    return user


# --- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFilter:
    status: AccountStatus | None = None
    search: str | None = None  # in the username and the employee's name and number


async def locked_usernames(usernames: list[str] | None = None) -> set[str]:
    """Usernames locked now: ACCOUNT_FAILURES counted failures in the window (one query)."""
    since = datetime.now(UTC) - throttle.WINDOW
    qs = SignInAttempt.filter(
        created_at__gt=since, cleared=False, outcome__in=(SignInOutcome.FAILED,)
    )
    if usernames is not None:
        qs = qs.filter(username__in=usernames)
    rows = (
        await qs.annotate(n=Count("id"))
        .group_by("username")
        .filter(n__gte=throttle.ACCOUNT_FAILURES)
        .values_list("username", flat=True)
    )
    return {str(name) for name in rows}


def status_of(user: User, locked: set[str]) -> AccountStatus:
    if not user.is_active:
        return AccountStatus.DISABLED
    if user.username in locked:
        return AccountStatus.LOCKED
    if user.password_hash == UNUSABLE_PASSWORD:
        return AccountStatus.INVITED
    if user.must_change_password:
        return AccountStatus.MUST_CHANGE_PASSWORD
    return AccountStatus.ACTIVE


async def list_accounts(
    viewer: Viewer, where: AccountFilter, *, first: int, after: str | None
) -> Page[User]:
    """By username. The administrator and HQ HR; for anyone else the list is empty."""
    if not viewer.can_manage_users:
        return await keyset_page(User.filter(id__in=[]), key="username", first=first, after=None)
    qs = User.all()
    if where.search and where.search.strip():
        term = where.search.strip()
        qs = qs.filter(
            Q(username__icontains=term)
            | Q(employee__name__icontains=term)
            | Q(employee__employee_number__icontains=term)
        )
    status = where.status
    if status is not None:
        if status is AccountStatus.DISABLED:
            qs = qs.filter(is_active=False)
        else:
            locked = await locked_usernames()
            qs = qs.filter(is_active=True)
            if status is AccountStatus.LOCKED:
                qs = qs.filter(username__in=sorted(locked))
            else:
                qs = qs.exclude(username__in=sorted(locked))
                if status is AccountStatus.INVITED:
                    qs = qs.filter(password_hash=UNUSABLE_PASSWORD)
                else:
                    qs = qs.exclude(password_hash=UNUSABLE_PASSWORD).filter(
                        must_change_password=status is AccountStatus.MUST_CHANGE_PASSWORD
                    )
    return await keyset_page(qs, key="username", first=first, after=after)


async def pending_invitations(user_ids: list[int]) -> dict[int, datetime]:
    """When each user's open invitation expires (one query)."""
    rows = await AccountInvitation.filter(
        user_id__in=user_ids, used_at=None, revoked_at=None
    ).values_list("user_id", "expires_at")
    found: dict[int, datetime] = {}
    for user_id, expires in rows:
        found[int(user_id)] = max(expires, found.get(int(user_id), expires))
    return found
