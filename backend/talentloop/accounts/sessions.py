"""Who a bearer token stands for, checked against the database on every request.

`authenticate` is the one place a token becomes a user: an access token's session (its
refresh-token family) must still be live and its user active, an API token must be
unrevoked, unexpired and its owner active. It costs one indexed query (the user, with the
session check as a subquery, and what the viewer needs joined in); an API token adds an
update of its last use at most once a minute. Anything else raises InvalidToken: a 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.expressions import Subquery

from talentloop.accounts.models import ApiToken, RefreshToken, User
from talentloop.accounts.tokens import (
    InvalidToken,
    hash_refresh_token,
    is_api_token,
    read_access_claims,
)
from talentloop.people.models import Employee

# Writing last_used_at on every request would turn every read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)
CHINA_OFFSET = timedelta(hours=8)


def china_today(now: datetime | None = None) -> date:
    return ((now or datetime.now(UTC)) + CHINA_OFFSET).date()


def has_left(employee: Employee | None, today: date | None = None) -> bool:
    """Whether the employee's last day has passed (China time): their accounts no longer sign
    in, refresh or act, even before the heartbeat disables them (people/lifecycle.py)."""
    last_day = employee.termination_date if employee is not None else None
    return last_day is not None and last_day < (today or china_today())


@dataclass(frozen=True)
class Credentials:
    """A checked bearer token: the active user (loaded for the viewer) and how they came."""

    user: User
    session: str | None = None
    api_token: ApiToken | None = None

    @property
    def user_id(self) -> int:
        return self.user.id


async def authenticate(token: str) -> Credentials:
    """The credentials a bearer token carries; InvalidToken when it no longer stands for anyone."""
    if is_api_token(token):
        return await _api_token(token)
    claims = read_access_claims(token)
    live = RefreshToken.filter(family=claims.session, revoked_at__isnull=True)
    users = User.filter(id=claims.user_id, is_active=True, id__in=Subquery(live.values("user_id")))
    user = await users.select_related("employee__unit", "scope_unit").first()
    if user is None or has_left(user.employee):
        raise InvalidToken("the session has ended or the user is disabled")
    return Credentials(user=user, session=claims.session)


async def _api_token(token: str) -> Credentials:
    if len(token) > 100:
        raise InvalidToken("not an API token")
    now = datetime.now(UTC)
    stored = (
        await ApiToken.filter(
            token_hash=hash_refresh_token(token),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .select_related("user__employee__unit", "user__scope_unit")
        .first()
    )
    if stored is None or has_left(stored.user.employee):
        raise InvalidToken("the API token is unknown, revoked or expired")
    if stored.last_used_at is None or now - stored.last_used_at >= LAST_USED_PRECISION:
        await ApiToken.filter(id=stored.id).update(last_used_at=now)
        stored.last_used_at = now
    return Credentials(user=stored.user, api_token=stored)
