"""Lockout per account and throttling per client address, counted in the database so that
every API process sees the same failures (ASVS 5.0 V6.3.1, credential stuffing and brute force).

| limit | value | effect |
| --- | --- | --- |
| failures for one username (since its last success) | `ACCOUNT_FAILURES` = 5 in `WINDOW` = 15 min | the account is locked while they stay in the window (up to 15 minutes) |
| failures from one client address | `ADDRESS_FAILURES` = 20 in `WINDOW` | the address is throttled while they stay in the window |

Every attempt is a row, written before it is checked: each sign-in call counts, so twenty
aliases in one request are twenty attempts, and concurrent attempts see each other (an attempt
counts the ones before it, still pending or failed). Refused attempts (locked, throttled) are
recorded but do not count, so an attacker cannot keep an account locked longer by hammering it.
The answer never says which limit was hit: it is the same "Incorrect username or password."
as for a wrong password, and costs the same time. A successful sign-in clears the account's
failures; the address's stay.
Re-authentication (the current password, to change it or one's contact and bank details)
goes through the same counters, keyed by the signed-in user's name.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talentloop.accounts.models import SignInAttempt, SignInOutcome

ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
_COUNTING = (SignInOutcome.FAILED, SignInOutcome.PENDING)


def username_key(username: str) -> str:
    """The name as looked up and counted: stripped, at most 128 characters, valid UTF-8."""
    return username.strip()[:128].encode("utf-8", "replace").decode("utf-8")


async def begin(username: str, client: str | None) -> tuple[SignInAttempt, SignInOutcome | None]:
    """Record the attempt; LOCKED or THROTTLED when it must be refused without a check."""
    key = username_key(username)
    address = client[:64] if client else None
    attempt = await SignInAttempt.create(username=key, client_address=address)
    since = datetime.now(UTC) - WINDOW
    earlier = SignInAttempt.filter(id__lt=attempt.id, created_at__gt=since, outcome__in=_COUNTING)
    if await earlier.filter(username=key, cleared=False).count() >= ACCOUNT_FAILURES:
        return attempt, SignInOutcome.LOCKED
    if (
        address is not None
        and await earlier.filter(client_address=address).count() >= ADDRESS_FAILURES
    ):
        return attempt, SignInOutcome.THROTTLED
    return attempt, None


async def finish(attempt: SignInAttempt, outcome: SignInOutcome) -> None:
    await SignInAttempt.filter(id=attempt.id).update(outcome=outcome)
    if outcome is SignInOutcome.SUCCEEDED:
        await SignInAttempt.filter(
            username=attempt.username, cleared=False, outcome=SignInOutcome.FAILED
        ).update(cleared=True)
