"""Writing an import's checked rows (issue 22 points 3 and 5): the `WriteContext` a kind's
`write` gets. It holds the rows, judges the import's mode, and keeps, for every record the
kind reports created or changed, its stored columns before and after (`ImportChange`, for
undo) and its audit entries (with before and after, sensitive values redacted, as
`updateEmployee` writes them), saved in batches in the import's transaction.

A dry run runs the very same writes and rolls them back: its counts of rows created,
updated and left as they were are those of the real run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.models import ImportChange, ImportMode
from talentloop.performance.import_rows import Checked
from talentloop.performance.models import ImportJob

BATCH = 500
EXISTS = N_("A record with this key exists; the import creates only new ones.")
MISSING = N_("No record with this key; the import only updates existing ones.")
# Columns never kept: the row's id is its subject, a version is bumped rather than restored.
_SKIPPED = {"id", "version"}


class WriteContext:
    """What a kind's `write` works with (imports/kinds.py)."""

    def __init__(
        self,
        viewer: Viewer,
        job: ImportJob,
        checked: Checked,
        on_write: Callable[[int], None] | None = None,
    ) -> None:
        self.viewer = viewer
        self.job = job
        self.items = checked.items
        self.mode = ImportMode(job.mode)
        self.created_rows = self.updated_rows = self.unchanged_rows = 0
        self.problems = Checked()  # rows the mode refuses, found while writing
        self._on_write = on_write
        self._changes: list[ImportChange] = []
        self._entries: list[AuditEntry] = []

    # --- the mode -------------------------------------------------------------------------

    def may_create(self, row: int, column: str | None) -> bool:
        """Whether the row's record may be created; a bad row when the mode is update-only."""
        if self.mode is ImportMode.UPDATE:
            self.problems.error(row, column, MISSING, ErrorCode.NOT_FOUND)
            return False
        return True

    def may_update(self, row: int, column: str | None) -> bool:
        """Whether the row's record may be changed; a bad row when the mode is insert-only."""
        if self.mode is ImportMode.INSERT:
            self.problems.error(row, column, EXISTS, ErrorCode.DUPLICATE)
            return False
        return True

    # --- what was written -----------------------------------------------------------------

    def _change(self, record: Model, before: Any, after: Any) -> None:
        """The undo record of one write: the record's stored columns before (None: created)
        and after (None: removed)."""
        self._changes.append(
            ImportChange(
                job_id=self.job.id,
                subject_type=type(record).__name__,
                subject_id=record.pk,
                before=before,
                after=after,
            )
        )

    async def created(
        self,
        record: Model,
        *,
        employee_id: int | None = None,
        audit_values: dict[str, Any] | None = None,
        count: bool = True,
    ) -> None:
        """A record the import created (saved, with its id). `audit_values` are its values by
        model field name as the audit trail shows them (default: its stored columns).
        `count=False` for a record that comes with a row counted already (a leaver's event)."""
        after = snapshot(record)
        self._change(record, None, after)
        values = audit_values if audit_values is not None else shown(after)
        self._entries.append(
            audit.created_entry(
                self.viewer, type(record).__name__, record.pk, values, employee_id=employee_id
            )
        )
        if count:
            self.created_rows += 1
        await self._maybe_flush()

    async def updated(
        self,
        record: Model,
        before: dict[str, Any],
        *,
        employee_id: int | None = None,
        audit_before: dict[str, Any] | None = None,
        audit_after: dict[str, Any] | None = None,
        count: bool = True,
    ) -> None:
        """A record the import changed: `before` is `snapshot(record)` taken before the change,
        the record as it is now is after. The audit trail gets one entry per changed field
        (`audit_before` / `audit_after` by model field name, default the stored columns).
        `count=False` for a second change to a record whose row is counted already."""
        after = snapshot(record)
        self._change(record, before, after)
        self._entries += audit.change_entries(
            self.viewer,
            type(record).__name__,
            record.pk,
            audit_before if audit_before is not None else shown(before),
            audit_after if audit_after is not None else shown(after),
            employee_id=employee_id,
        )
        if count:
            self.updated_rows += 1
        await self._maybe_flush()

    async def deleted(
        self,
        record: Model,
        *,
        employee_id: int | None = None,
        audit_values: dict[str, Any] | None = None,
    ) -> None:
        """A record the import is about to remove (a role grant no longer listed), reported
        before it is deleted: undo puts it back with its id. Never counted as a row (the row
        that removes it is counted as updated)."""
        before = snapshot(record)
        self._change(record, before, None)
        values = audit_values if audit_values is not None else shown(before)
        self._entries.append(
            audit.deleted_entry(
                self.viewer, type(record).__name__, record.pk, values, employee_id=employee_id
            )
        )
        await self._maybe_flush()

    def unchanged(self, rows: int = 1) -> None:
        self.unchanged_rows += rows

    def progress(self) -> None:
        if self._on_write:
            self._on_write(self.created_rows + self.updated_rows + self.unchanged_rows)

    async def _maybe_flush(self) -> None:
        if len(self._changes) >= BATCH or len(self._entries) >= BATCH:
            await self.flush()

    async def flush(self) -> None:
        if self._changes:
            await ImportChange.bulk_create(self._changes)
            self._changes = []
        if self._entries:
            await AuditEntry.bulk_create(self._entries)
            self._entries = []
        self.progress()


# --- stored columns as JSON and back ---------------------------------------------------------


def _columns(model: type[Model]) -> dict[str, fields.Field[Any]]:
    """The model's stored data columns by attribute name (foreign keys as `<name>_id`)."""
    meta = model._meta
    found: dict[str, fields.Field[Any]] = {}
    for name in meta.fields_db_projection:
        if name in _SKIPPED or name == meta.pk_attr:
            continue
        found[name] = meta.fields_map[name]
    return found


def snapshot(record: Model) -> dict[str, Any]:
    """The record's stored columns as JSON values (dates and Decimals as text)."""
    return {name: _to_json(getattr(record, name)) for name in _columns(type(record))}


def _to_json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        # As a number, not as written: 6 and 6.0000 (read back from a 4-place column) agree.
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def from_json(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's values as the model's fields take them (undo writes them back)."""
    columns = _columns(model)
    out: dict[str, Any] = {}
    for name, value in values.items():
        field = columns.get(name)
        if field is None:
            continue
        out[name] = None if value is None else _from_json(field, value)
    return out


def _from_json(field: fields.Field[Any], value: Any) -> Any:
    if isinstance(field, fields.DatetimeField):
        return datetime.fromisoformat(value)
    if isinstance(field, fields.DateField):
        return date.fromisoformat(value)
    if isinstance(field, fields.DecimalField):
        return Decimal(value)
    if isinstance(field, fields.BinaryField):
        return bytes.fromhex(value)
    enum_type = getattr(field, "enum_type", None)
    if enum_type is not None:
        return enum_type(value)
    return value


def shown(values: dict[str, Any]) -> dict[str, Any]:
    """Stored columns as the audit trail names them: a sealed column as its field (redacted by
    the audit service), its look-up hash left out."""
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if name.endswith("_hash"):
            continue
        if name.endswith("_cipher"):
            name = name.removesuffix("_cipher")
        shown[name] = value
    return shown


EXPORT_CHUNK = 1_000  # rows of an export read at a time


async def in_order(
    query: Any, ordering: tuple[str, ...], related: tuple[str, ...] = ()
) -> AsyncIterator[list[Any]]:
    """An export's rows: the query's records in `ordering`, EXPORT_CHUNK at a time with their
    `related` records. Only the ids are read whole: 200,000 sessions or openings held as
    models at once took 750–800 MB."""
    ids = [int(i) for i in await query.order_by(*ordering, "id").values_list("id", flat=True)]
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        found = {r.id: r for r in await query.model.filter(id__in=chunk).select_related(*related)}
        yield [found[i] for i in chunk if i in found]
