"""Writing and reading the audit trail.

Other domains call the `record_*` functions, inside their own transaction when they change
something, so a change and its entry are written together or not at all. There is no
function that changes or removes an entry.

What is never written: the value of a sensitive field (ID number, bank account, a password:
only that it was set, changed or cleared), and who gave which 360° rating (a submission is
recorded without its rater).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.i18n import N_, pattern, translate, translate_stored
from talentloop.pagination import Page, keyset_page

# Fields whose values never enter the log (model field names); `rater_id`: who gave a 360°
# rating (an imported rating's part, or its undo, would otherwise name the rater).
SENSITIVE_FIELDS = frozenset({"id_number", "bank_account", "password", "password_hash", "rater_id"})
REDACTED = "[redacted]"
REASON_LENGTH = 500

# The client address of the operation being run, set by the GraphQL layer
# (access/guard.py) around each operation, read here only.
_client_address: ContextVar[str | None] = ContextVar("talentloop_client_address", default=None)


@contextmanager
def client_address(address: str | None) -> Iterator[None]:
    token = _client_address.set(address)
    try:
        yield
    finally:
        # Left in another context (an extension hook run elsewhere): nothing to undo there.
        with suppress(ValueError):
            _client_address.reset(token)


def current_client_address() -> str | None:
    return _client_address.get()


# --- writing --------------------------------------------------------------------------------


async def record(
    viewer: Viewer | None,
    action: AuditAction,
    *,
    subject_type: str | None = None,
    subject_id: int | None = None,
    employee_id: int | None = None,
    field: str | None = None,
    reason: str | None = None,
    before: Any = None,
    after: Any = None,
    client: str | None = None,
    anonymous: bool = False,
) -> AuditEntry:
    """One entry. `anonymous` leaves out who did it and from where (360° ratings)."""
    return await AuditEntry.create(
        **_row(
            viewer,
            action,
            subject_type=subject_type,
            subject_id=subject_id,
            employee_id=employee_id,
            field=field,
            reason=reason,
            before=before,
            after=after,
            client=client,
            anonymous=anonymous,
        )
    )


def _row(
    viewer: Viewer | None,
    action: AuditAction,
    *,
    subject_type: str | None = None,
    subject_id: int | None = None,
    employee_id: int | None = None,
    field: str | None = None,
    reason: str | None = None,
    before: Any = None,
    after: Any = None,
    client: str | None = None,
    anonymous: bool = False,
) -> dict[str, Any]:
    actor = None if anonymous else viewer
    address = None if anonymous else (client or current_client_address())
    return {
        "at": datetime.now(UTC),
        "action": action,
        "actor_user_id": actor.user_id if actor else None,
        "actor_username": actor.username if actor else None,
        "api_token_id": actor.api_token_id if actor else None,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "employee_id": employee_id,
        "field": field,
        "reason": reason[:REASON_LENGTH] if reason else None,
        "client_address": address[:64] if address else None,
        "before": before,
        "after": after,
    }


async def record_sign_in(viewer: Viewer, client: str | None) -> None:
    await record(
        viewer,
        AuditAction.SIGN_IN,
        subject_type="User",
        subject_id=viewer.user_id,
        employee_id=viewer.employee_id,
        client=client,
    )


# The server's own reasons, kept in English and shown in the reader's language (`shown_reason`);
# a reason a person gave (a sensitive read's, an export's) is shown as they wrote it.
READ_DENIED = N_("Read of a {type} outside the viewer's scope; answered as not found.")
RATINGS_SUBMITTED = N_("Ratings submitted for the assessment round (rater and scores withheld).")
DOWNLOADED = N_("downloaded from the archive")
EXPORTED = N_("{reason} ({count} people)")  # an export's reason as its requester gave it
OWN_RECORD = N_("Own record download ({format})")  # privacy/record.py
UNKNOWN_USERNAME = N_("unknown username")
WRONG_PASSWORD = N_("wrong password")
ACCOUNT_DISABLED = N_("account disabled")
EMPLOYMENT_ENDED = N_("employment ended")
THROTTLED = N_("{outcome}: too many failed attempts")
_FIXED = frozenset({RATINGS_SUBMITTED, DOWNLOADED})


def shown_reason(entry: AuditEntry) -> str | None:
    """The entry's reason in the reader's language where the server wrote it: a failed
    sign-in's cause, a denied mutation's errors ("CODE: message; …"), a denied read, a fixed
    note; a person's own words (a reveal's reason, an export's) stay as written."""
    reason = entry.reason
    if not reason:
        return reason
    if entry.action is AuditAction.SIGN_IN_FAILED:
        return translate_stored(reason)
    if entry.action is AuditAction.ACCESS_DENIED:
        read = pattern(READ_DENIED).fullmatch(reason)
        if read is not None:
            return translate(READ_DENIED, read.groupdict())
        return "; ".join(_denied(part) for part in reason.split("; "))
    if entry.subject_type == "SensitiveExport":
        found = pattern(EXPORTED).fullmatch(reason)
        if found is not None:
            return translate(EXPORTED, found.groupdict())
    if reason in _FIXED:
        return translate(reason)
    own = pattern(OWN_RECORD).fullmatch(reason)
    if entry.action is AuditAction.SENSITIVE_READ and own is not None:
        return translate(OWN_RECORD, own.groupdict())
    return reason


def _denied(part: str) -> str:
    """One "CODE: message" of a denied mutation, its message translated."""
    code, colon, message = part.partition(": ")
    return f"{code}: {translate_stored(message)}" if colon else translate_stored(part)


async def record_sign_in_failed(user_id: int | None, client: str | None, why: str) -> None:
    """The attempted name is not kept (people type passwords into it); the account is, if any."""
    await record(
        None,
        AuditAction.SIGN_IN_FAILED,
        subject_type="User" if user_id is not None else None,
        subject_id=user_id,
        reason=why,
        client=client,
    )


async def record_sign_out(user_id: int, username: str) -> None:
    await record(
        Viewer(user_id=user_id, username=username),
        AuditAction.SIGN_OUT,
        subject_type="User",
        subject_id=user_id,
    )


async def record_access_denied(viewer: Viewer, operation: str, problems: list[FieldError]) -> None:
    """A mutation answered FORBIDDEN or NOT_FOUND (which is also how an out-of-scope record
    is answered), or SELF_DEALING: which operation, and the errors as the caller saw them."""
    reason = "; ".join(f"{p.code.value}: {p.message}" for p in problems)
    fields = ",".join(sorted({p.field for p in problems if p.field}))
    await record(
        viewer,
        AuditAction.ACCESS_DENIED,
        subject_type=operation[:32],
        field=fields[:64] or None,
        reason=reason,
    )


async def record_read_denied(viewer: Viewer, type_name: str, pk: int, operation: str) -> None:
    """A lookup by id (`node`, `employee`…) of a record that exists but that the viewer may
    not see: answered like a missing one, recorded here with what was asked for."""
    await record(
        viewer,
        AuditAction.ACCESS_DENIED,
        subject_type=type_name[:32],
        subject_id=pk,
        employee_id=pk if type_name == "Employee" else None,
        field=operation[:64],
        reason=READ_DENIED.format(type=type_name),
    )


async def record_sensitive_read(
    viewer: Viewer, employee_id: int, field: str, reason: str
) -> AuditEntry:
    """For the reveal flow: a sensitive field shown in full, and the reason given. Call it
    before the value leaves the server."""
    if not reason.strip():
        raise ServiceError.one(ErrorCode.REQUIRED, "Give the reason.", "reason")
    return await record(
        viewer,
        AuditAction.SENSITIVE_READ,
        subject_type="Employee",
        subject_id=employee_id,
        employee_id=employee_id,
        field=field,
        reason=reason.strip(),
    )


async def record_created(
    viewer: Viewer | None,
    subject_type: str,
    subject_id: int,
    values: Mapping[str, Any],
    *,
    employee_id: int | None = None,
    anonymous: bool = False,
) -> None:
    """A new record and its values (sensitive ones as "[redacted]")."""
    await created_entry(
        viewer, subject_type, subject_id, values, employee_id=employee_id, anonymous=anonymous
    ).save()


def created_entry(
    viewer: Viewer | None,
    subject_type: str,
    subject_id: int,
    values: Mapping[str, Any],
    *,
    employee_id: int | None = None,
    anonymous: bool = False,
) -> AuditEntry:
    """`record_created`'s entry, not yet saved (an import saves its entries in batches)."""
    after = {_camel(k): _value(k, v) for k, v in values.items() if v is not None}
    return AuditEntry(
        **_row(
            viewer,
            AuditAction.CREATE,
            subject_type=subject_type,
            subject_id=subject_id,
            employee_id=employee_id,
            after=after,
            anonymous=anonymous,
        )
    )


async def record_changes(
    viewer: Viewer | None,
    subject_type: str,
    subject_id: int,
    before: Any,
    values: Mapping[str, Any],
    *,
    employee_id: int | None = None,
) -> None:
    """One entry per field that changed, with its value before and after (a sensitive field:
    only whether it was set, changed or cleared). `before` is the record as it was (a model
    or a mapping), `values` the new values by model field name."""
    rows = change_entries(viewer, subject_type, subject_id, before, values, employee_id=employee_id)
    if rows:
        await AuditEntry.bulk_create(rows)


def change_entries(
    viewer: Viewer | None,
    subject_type: str,
    subject_id: int,
    before: Any,
    values: Mapping[str, Any],
    *,
    employee_id: int | None = None,
) -> list[AuditEntry]:
    """`record_changes`'s entries, not yet saved (an import saves its entries in batches)."""
    rows = []
    for key, new in values.items():
        old = before.get(key) if isinstance(before, Mapping) else getattr(before, key, None)
        if _same(old, new):
            continue
        name = _camel(key)
        rows.append(
            AuditEntry(
                **_row(
                    viewer,
                    AuditAction.UPDATE,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    employee_id=employee_id,
                    field=name,
                    before={name: _value(key, old)},
                    after={name: _value(key, new)},
                )
            )
        )
    return rows


async def record_deleted(
    viewer: Viewer | None,
    subject_type: str,
    subject_id: int,
    values: Mapping[str, Any],
    *,
    employee_id: int | None = None,
) -> None:
    await deleted_entry(viewer, subject_type, subject_id, values, employee_id=employee_id).save()


def deleted_entry(
    viewer: Viewer | None,
    subject_type: str,
    subject_id: int,
    values: Mapping[str, Any],
    *,
    employee_id: int | None = None,
) -> AuditEntry:
    """`record_deleted`'s entry, not yet saved (an undone import saves its entries in batches)."""
    before = {_camel(k): _value(k, v) for k, v in values.items() if v is not None}
    return AuditEntry(
        **_row(
            viewer,
            AuditAction.DELETE,
            subject_type=subject_type,
            subject_id=subject_id,
            employee_id=employee_id,
            before=before,
        )
    )


async def record_employee_update(viewer: Viewer, employee: Any, values: Mapping[str, Any]) -> None:
    """The people hook: `employee` as it was before the change, `values` written to it."""
    await record_changes(viewer, "Employee", employee.id, employee, values, employee_id=employee.id)


async def record_employee_termination(
    viewer: Viewer, employee: Any, termination_date: date, reason: str | None
) -> None:
    ended = {
        "status": "terminated",
        "termination_date": termination_date,
        "termination_reason": (reason or "").strip() or None,
    }
    await record_employee_update(viewer, employee, ended)


async def record_employee_created(viewer: Viewer, employee: Any, values: Mapping[str, Any]) -> None:
    shown = {"employee_number": employee.employee_number, "unit_id": employee.unit_id}
    shown |= {"hire_date": employee.hire_date, **values}
    await record_created(viewer, "Employee", employee.id, shown, employee_id=employee.id)


# --- performance: targets and performance pay -----------------------------------------------


async def record_target_set(viewer: Viewer, target: Any, value: Any, *, created: bool) -> None:
    """A KPI target created, or an existing one (`target` as it was) given a new value."""
    if created:
        values = {"kpi_id": target.kpi_id, "period": target.period, "value": value}
        values |= {"employee_id": target.employee_id, "unit_id": target.unit_id}
        await record_created(viewer, "KpiTarget", target.id, values, employee_id=target.employee_id)
    else:
        await record_changes(
            viewer, "KpiTarget", target.id, target, {"value": value}, employee_id=target.employee_id
        )


async def record_target_removed(viewer: Viewer, target: Any) -> None:
    values = {"kpi_id": target.kpi_id, "period": target.period, "value": target.value}
    values |= {"employee_id": target.employee_id, "unit_id": target.unit_id}
    await record_deleted(viewer, "KpiTarget", target.id, values, employee_id=target.employee_id)


async def record_target_adjustment(
    adjustment: Any, created: bool, percent: Any, reason: str
) -> None:
    """A rule of another module (a completed course) adjusted a target: done by the system."""
    if created:
        values = {"kpi_id": adjustment.kpi_id, "period": adjustment.period, "percent": percent}
        values |= {"reason": reason, "source": adjustment.source}
        await record_created(
            None, "TargetAdjustment", adjustment.id, values, employee_id=adjustment.employee_id
        )
    else:
        await record_changes(
            None,
            "TargetAdjustment",
            adjustment.id,
            adjustment,
            {"percent": percent, "reason": reason},
            employee_id=adjustment.employee_id,
        )


async def record_pay_suspended(viewer: Viewer, suspension: Any) -> None:
    values = {
        "unit_id": suspension.unit_id,
        "reason": suspension.reason,
        "suspended_from": suspension.suspended_from,
        "condition_kind": suspension.condition_kind,
        "condition_kpi_id": suspension.condition_kpi_id,
        "condition_threshold": suspension.condition_threshold,
        "condition_periods": suspension.condition_periods,
    }
    await record_created(viewer, "PaySuspension", suspension.id, values)


async def record_restore_requested(
    viewer: Viewer, request: Any, *, automatically: bool = False
) -> None:
    """Who asked; one the system opened (the condition met) names the HR it is filed for."""
    values = {
        "suspension_id": request.suspension_id,
        "requested_by_id": request.requested_by_id,
        "opened_automatically": automatically,
        "restore_from": request.restore_from,
        "comment": request.comment,
    }
    await record_created(viewer, "RestoreRequest", request.id, values)


async def record_restore_decided(viewer: Viewer, request: Any, step: Any, approved: bool) -> None:
    """One step of the two-step restore: who decided, which step, and where it stands now."""
    await record(
        viewer,
        AuditAction.UPDATE,
        subject_type="RestoreRequest",
        subject_id=request.id,
        field="decision",
        before={"currentStep": _value("step", step)},
        after={
            "approved": approved,
            "status": _value("status", request.status),
            "currentStep": _value("current_step", request.current_step),
            "suspensionStatus": _value("status", request.suspension.status),
        },
    )


# --- skills -----------------------------------------------------------------------------------


async def record_ratings_submitted(round_id: int, employee_id: int) -> None:
    """A 360° rater submitted for a round: recorded without the rater, their address or any
    score, so the log cannot tell who rated whom (the round's anonymity holds)."""
    await record(
        None,
        AuditAction.CREATE,
        subject_type="Ratings",
        subject_id=round_id,
        employee_id=employee_id,
        reason=RATINGS_SUBMITTED,
        anonymous=True,
    )


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Enum):
        old = old.value
    if isinstance(new, Enum):
        new = new.value
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    return bool(old == new)


def _value(key: str, value: Any) -> Any:
    if key in SENSITIVE_FIELDS:
        return None if value is None else REDACTED
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# --- reading --------------------------------------------------------------------------------


@dataclass
class AuditFilter:
    action: AuditAction | None = None
    actor_id: int | None = None
    employee_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_entries(
    viewer: Viewer, where: AuditFilter, *, first: int, after: str | None
) -> Page[AuditEntry]:
    """Oldest first, keyset on the id. HQ HR only: for anyone else the log is empty."""
    if not viewer.can_read_audit_log:
        return await keyset_page(AuditEntry.filter(id__in=[]), key="id", first=first, after=None)
    qs = AuditEntry.all()
    if where.action is not None:
        qs = qs.filter(action=where.action)
    if where.actor_id is not None:
        qs = qs.filter(actor_user_id=where.actor_id)
    if where.employee_id is not None:
        qs = qs.filter(employee_id=where.employee_id)
    if where.since is not None:
        qs = qs.filter(at__gte=where.since)
    if where.until is not None:
        qs = qs.filter(at__lt=where.until)
    return await keyset_page(qs, key="id", first=first, after=after)
