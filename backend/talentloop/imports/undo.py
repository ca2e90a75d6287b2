"""Undoing an import (issue 22 point 5): every record it created is removed and every record
it changed is put back as it was, in one transaction, while nothing since depends on it:

* a changed record must stand exactly as the import left it (any later change refuses the
  undo, naming the record);
* a created record must stand as the import left it, and nothing outside the import may
  point at it (a foreign key: an enrolment of an imported employee, a record under an
  imported unit).

The undo is audited (the import's `IMPORT_UNDONE` entry, and each record's DELETE or UPDATE
entry with its values), and an import is undone once."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import F
from tortoise.fields.relational import BackwardFKRelation
from tortoise.models import Model
from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_
from talentloop.imports import kinds
from talentloop.imports.models import ImportChange
from talentloop.imports.service import NOT_ALLOWED, get_job
from talentloop.imports.writing import from_json, shown, snapshot
from talentloop.payroll import inputs as payroll_inputs
from talentloop.performance.models import ImportJob, ImportStatus

BATCH = 500
NOT_FOUND = N_("Import not found.")
NOT_UNDOABLE = N_("Only a finished import that wrote its rows can be undone, and only once.")
CHANGED_SINCE = N_("{record} {id} has changed since the import; the import cannot be undone.")
DEPENDED_ON = N_(
    "{record} {id} created by the import is used by later records ({by}); "
    "the import cannot be undone."
)


def check_may_undo(viewer: Viewer) -> None:
    """Who imports no kind at all undoes nothing (FORBIDDEN before any id is read)."""
    if viewer.user_id is None or not any(kinds.spec(k).may_import(viewer) for k in kinds.kinds()):
        raise ServiceError.one(ErrorCode.FORBIDDEN, NOT_ALLOWED)


async def undo_import(viewer: Viewer, job_id: int) -> ImportJob:
    check_may_undo(viewer)
    job = await get_job(viewer, job_id)
    if job is None:
        raise ServiceError.one(ErrorCode.NOT_FOUND, NOT_FOUND, "id")
    if viewer.user_id is None or not kinds.spec(job.kind).may_import(viewer):
        raise ServiceError.one(ErrorCode.NOT_FOUND, NOT_FOUND, "id")
    async with in_transaction():
        # The job row taken first: two undos of one import wait for each other.
        job = await ImportJob.select_for_update().get(id=job.id)
        if job.status is not ImportStatus.DONE or job.dry_run or job.undone_at is not None:
            raise ServiceError.one(ErrorCode.CONFLICT, NOT_UNDOABLE, "id")
        changes = await ImportChange.filter(job_id=job.id).order_by("id")
        records = _by_record(changes)
        current = await _current(records)
        _check_unchanged(records, current)
        await _check_not_depended_on(records, current)
        # Before the records go back: a person the import created is still in their unit.
        await payroll_inputs.import_undone(
            (r.model.__name__, r.pk, r.before, r.after) for r in records
        )
        entries = await _put_back(viewer, records, current)
        if entries:
            for start in range(0, len(entries), BATCH):
                await AuditEntry.bulk_create(entries[start : start + BATCH])
        job.undone_at = datetime.now(UTC)
        job.undone_by_user_id = viewer.user_id
        await job.save(update_fields=["undone_at", "undone_by_user_id"])
        await audit.record(
            viewer,
            AuditAction.IMPORT_UNDONE,
            subject_type="ImportJob",
            subject_id=job.id,
            reason=job.file_name,
            after={"kind": job.kind.value, "records": len(records)},
        )
    return job


class _Record:
    """One record the import touched: its first change's `before` (None: created) and its
    last change's `after` (how the import left it)."""

    def __init__(self, model: type[Model], pk: int, before: Any, after: Any) -> None:
        self.model, self.pk, self.before, self.after = model, pk, before, after

    @property
    def created(self) -> bool:
        return self.before is None

    @property
    def deleted(self) -> bool:
        """Removed by the import (WriteContext.deleted): put back with its id."""
        return self.after is None and self.before is not None


def _by_record(changes: list[ImportChange]) -> list[_Record]:
    found: dict[tuple[str, int], _Record] = {}
    models = Tortoise.apps["talentloop"]
    for change in changes:
        key = (change.subject_type, change.subject_id)
        if key in found:
            found[key].after = change.after
        else:
            found[key] = _Record(
                models[change.subject_type], change.subject_id, change.before, change.after
            )
    return list(found.values())


async def _current(records: list[_Record]) -> dict[tuple[type[Model], int], Model]:
    ids: dict[type[Model], list[int]] = defaultdict(list)
    for record in records:
        ids[record.model].append(record.pk)
    found: dict[tuple[type[Model], int], Model] = {}
    for model, pks in ids.items():
        for start in range(0, len(pks), BATCH):
            for row in await model.filter(pk__in=pks[start : start + BATCH]):
                found[(model, row.pk)] = row
    return found


def _check_unchanged(records: list[_Record], current: dict[tuple[type[Model], int], Model]) -> None:
    for record in records:
        if record.deleted:
            continue  # an id is never given twice: nothing can have taken its place
        row = current.get((record.model, record.pk))
        if row is None or snapshot(row) != record.after:
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                CHANGED_SINCE,
                "id",
                record=record.model.__name__,
                id=str(record.pk),
            )


async def _check_not_depended_on(
    records: list[_Record], current: dict[tuple[type[Model], int], Model]
) -> None:
    """No record outside the import points at a record it created (one query per model and
    relation, not per record)."""
    created: dict[type[Model], set[int]] = defaultdict(set)
    touched: dict[type[Model], set[int]] = defaultdict(set)
    for record in records:
        touched[record.model].add(record.pk)
        if record.created:
            created[record.model].add(record.pk)
    for model, pks in created.items():
        for name in model._meta.backward_fk_fields | model._meta.backward_o2o_fields:
            relation = model._meta.fields_map[name]
            assert isinstance(relation, BackwardFKRelation)
            other: type[Model] = relation.related_model
            mine = touched.get(other, set())
            ordered = sorted(pks)
            for start in range(0, len(ordered), BATCH):
                query = other.filter(
                    **{f"{relation.relation_field}__in": ordered[start : start + BATCH]}
                )
                if mine:
                    query = query.exclude(pk__in=sorted(mine))
                using = await query.first()
                if using is not None:
                    target = getattr(using, relation.relation_field)
                    raise ServiceError.one(
                        ErrorCode.CONFLICT,
                        DEPENDED_ON,
                        "id",
                        record=model.__name__,
                        id=str(target),
                        by=other.__name__,
                    )


async def _put_back(
    viewer: Viewer, records: list[_Record], current: dict[tuple[type[Model], int], Model]
) -> list[AuditEntry]:
    """Changed records restored, then created ones removed (the last created first, so that
    a record created after another that points at it goes first)."""
    entries: list[AuditEntry] = []
    for record in records:
        if record.created:
            continue
        if record.deleted:
            values = from_json(record.model, record.before)
            values[record.model._meta.pk_attr] = record.pk
            restored = await record.model.create(**values)
            entries.append(
                audit.created_entry(
                    viewer,
                    record.model.__name__,
                    record.pk,
                    shown(record.before),
                    employee_id=_employee_of(record.model, restored),
                )
            )
            continue
        values = from_json(record.model, record.before)
        update: dict[str, Any] = dict(values)
        if "version" in record.model._meta.fields_map:
            update["version"] = F("version") + 1
        await record.model.filter(pk=record.pk).update(**update)
        entries += audit.change_entries(
            viewer,
            record.model.__name__,
            record.pk,
            shown(record.after),
            shown(record.before),
            employee_id=_employee_of(record.model, current[(record.model, record.pk)]),
        )
    for record in reversed(records):
        if not record.created:
            continue
        row = current[(record.model, record.pk)]
        # Self-references among the created (a manager created by the same file) go first.
        await _clear_self_references(record.model, record.pk)
        await record.model.filter(pk=record.pk).delete()
        entries.append(
            audit.deleted_entry(
                viewer,
                record.model.__name__,
                record.pk,
                shown(record.after),
                employee_id=_employee_of(record.model, row),
            )
        )
    return entries


async def _clear_self_references(model: type[Model], pk: int) -> None:
    for name in model._meta.backward_fk_fields:
        relation = model._meta.fields_map[name]
        assert isinstance(relation, BackwardFKRelation)
        if relation.related_model is model:
            await model.filter(**{relation.relation_field: pk}).update(
                **{relation.relation_field: None}
            )


def _employee_of(model: type[Model], row: Model) -> int | None:
    if model.__name__ == "Employee":
        return int(row.pk)
    value = getattr(row, "employee_id", None)
    return int(value) if isinstance(value, int) else None
