"""Optimistic versions for records that two people may edit at once (an employee, a unit, a
KPI target).

Such a record carries `version`, raised by one on every write. A client that shows a form
reads the version with the record and sends it back as `expectedVersion`; the write is one
`UPDATE … SET …, version = version + 1 WHERE id = ? AND version = ?`, so of two HR users who
opened the same record, the second to save changes nothing and gets CONFLICT on
`expectedVersion` instead of silently overwriting the first.

`expectedVersion` is optional, so integrators that never read it keep working: their change
applies to the record as it stands (last write wins, as before versions). The service checks
a change against the row as it read it, then, in the write's transaction, locks the row
(`locked`) and writes only if what it checked still holds (`still_current`); the audit's
"before" is the locked row. Otherwise it reads and checks again — a few times, then CONFLICT.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.expressions import F
from tortoise.models import Model

from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_

T = TypeVar("T")
M = TypeVar("M", bound=Model)

FIELD = "expectedVersion"
MESSAGE = N_(
    "Someone else changed this record after you opened it. "
    "Reload it to see their change, then make yours again."
)
# Attempts for a write without expectedVersion whose record moved while it was checked.
ATTEMPTS = 3


class StaleVersion(Exception):
    """The row moved between reading it and writing it (internal: becomes CONFLICT or a retry)."""


def conflict() -> ServiceError:
    return ServiceError.one(ErrorCode.CONFLICT, MESSAGE, FIELD)


def check(current: int, expected: int | None) -> None:
    """CONFLICT when the client read another version than the one stored."""
    if expected is not None and expected != current:
        raise conflict()


async def locked(model: type[M], pk: int) -> M:
    """The row as it is now, locked until the transaction ends: FOR UPDATE on PostgreSQL; on
    SQLite the transaction holds the database's write lock from its start (talentloop.sqlite)."""
    row = await model.filter(id=pk).select_for_update().first()
    if row is None:  # removed meanwhile: the next attempt answers NOT_FOUND
        raise StaleVersion
    return row


def still_current(read: int, now: int, expected: int | None, *, checks_hold: bool = True) -> None:
    """In the write's transaction, with the row locked: StaleVersion unless the row is as read,
    or — for a client that named no version — what was checked on it still holds."""
    if now != read and (expected is not None or not checks_hold):
        raise StaleVersion


async def write(model: type[Model], pk: int, version: int, values: dict[str, Any]) -> int:
    """Write `values` and the next version if the row is still at `version`; the new version.
    StaleVersion, writing nothing, when another writer got there first."""
    if "updated_at" in model._meta.fields_map:  # auto_now is only applied by save()
        values = {**values, "updated_at": datetime.now(UTC)}
    changed = await model.filter(id=pk, version=version).update(**values, version=F("version") + 1)
    if not changed:
        raise StaleVersion
    return version + 1


async def attempts(expected: int | None, attempt: Callable[[], Awaitable[T]]) -> T:
    """Run a read-check-write `attempt`; when it finds the row moved: CONFLICT if the client
    named the version it read, otherwise read and check again (ATTEMPTS times in all)."""
    for _ in range(ATTEMPTS):
        try:
            return await attempt()
        except StaleVersion:
            if expected is not None:
                break
    raise conflict()
