"""The import job (the brochure's 历史数据迁移, issue 22), for every kind in imports/kinds.py.

A file is read and its headers mapped to the kind's columns (as HR mapped them, else by
name), its rows checked in the file-checking process (talentloop.offload, imports/rows.py)
against look-ups read here, and written here in one transaction: every row or none. A dry
run does the very same writes and rolls them back, so it says how many rows would create,
update or stay the same. Running the same file again changes nothing. Every record written
is kept as an `ImportChange` and audited with its values before and after (imports/writing.py),
and the import can be undone while nothing since depends on it (imports/undo.py).

A file imported in the background is kept on its job row and queued (jobs/queue.py): a
worker in any API process runs it, and any process answers `importJob(id)`. Because a run
writes all or nothing and is idempotent, a run whose worker died is simply run again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from talentloop import offload
from talentloop.access.policy import Viewer
from talentloop.access.viewer import load_viewer
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_
from talentloop.imports import kinds, rows
from talentloop.imports.models import ImportMapping, ImportMode
from talentloop.imports.rows import Checked, FileRows
from talentloop.imports.writing import WriteContext
from talentloop.jobs import queue
from talentloop.pagination import Page, check_page_size, cursor_key
from talentloop.performance.models import ImportJob, ImportKind, ImportStatus

log = logging.getLogger(__name__)
JOB_KIND = "import"
MAX_ROWS = 200_000
# A file sent base64 in the GraphQL body is capped by that body's limit (10 MB by default:
# about 7 MB of file); a file sent raw to `POST /imports/{kind}` (imports/routes.py) by this.
# A 200,000-row CSV of the widest kind (employees, 15 columns) is about 30 MB.
MAX_BYTES = 64 * 1024 * 1024
NOT_ALLOWED = N_("You may not import this kind of record.")


class _DryRun(Exception):
    """Raised at the end of a dry run's writes: the transaction rolls them back."""


# --- reading and checking, in the file-checking process -----------------------------------


async def read_file(
    kind: ImportKind, file_name: str, content: bytes, mapping: dict[str, Any] | None = None
) -> FileRows:
    """The file read within the import's limits, off the API process (talentloop.offload),
    its headers and values mapped as `mapping` says ({"columns": {header: key or None},
    "values": {key: {file value: value}}}); headers it does not name are matched by name."""
    mapping = mapping or {}
    return await offload.run(
        rows.read_file,
        kind,
        file_name,
        content,
        max_rows=MAX_ROWS,
        max_bytes=MAX_BYTES,
        columns=mapping.get("columns") or None,
        values=mapping.get("values") or None,
    )


async def check_file(job: ImportJob, viewer: Viewer, file: FileRows) -> Checked:
    """Every row checked in the file-checking process against look-ups read here (the database
    stays in this process), with the job's progress saved as the rows are got through."""
    spec = kinds.spec(job.kind)
    missing = spec.missing_columns(file.columns)
    lookups = None if missing else await spec.lookups(viewer, file)

    async def saved(count: int) -> None:
        job.processed_rows = count
        await ImportJob.filter(id=job.id).update(processed_rows=count)

    # Handed over once: neither the file's packed rows nor, below, the items' pickles are held
    # while the items are unpacked and written (tens of MB each for a 200,000-row file).
    packed, file.packed = file.packed, []
    answer = await offload.run(
        rows.check_file,
        job.kind,
        viewer,
        lookups,
        file.columns,
        packed,
        file.formulas,
        keep_items=True,
        on_progress=saved,
    )
    del packed, lookups  # the look-ups of 200,000 people are tens of MB too
    checked = Checked()
    checked.errors = [e async for e in offload.unpack(answer.errors)]
    async for key, item in offload.unpack(answer.items):
        checked.items[key] = item
    return checked


# --- the job -------------------------------------------------------------------------------


async def run_import(
    viewer: Viewer,
    *,
    kind: ImportKind,
    file_name: str,
    content: bytes,
    dry_run: bool,
    mode: ImportMode = ImportMode.UPSERT,
    mapping: dict[str, Any] | None = None,
    on_write: Callable[[int], None] | None = None,
) -> ImportJob:
    """Check (and unless a dry run, write) a file, waiting for the end."""
    job = await start_import(
        viewer, kind=kind, file_name=file_name, dry_run=dry_run, mode=mode, mapping=mapping
    )
    await execute(job, viewer, content, on_write)
    return job


def check_may_import(viewer: Viewer, kind: ImportKind) -> None:
    if viewer.user_id is None or not kinds.spec(kind).may_import(viewer):
        raise ServiceError.one(ErrorCode.FORBIDDEN, NOT_ALLOWED)


async def start_import(
    viewer: Viewer,
    *,
    kind: ImportKind,
    file_name: str,
    dry_run: bool,
    mode: ImportMode = ImportMode.UPSERT,
    mapping: dict[str, Any] | None = None,
) -> ImportJob:
    """Create the job (RUNNING); `execute` does the work, here or in the background."""
    check_may_import(viewer, kind)
    return await ImportJob.create(
        kind=kind,
        file_name=file_name[:255],
        dry_run=dry_run,
        mode=mode.value,
        mapping=mapping,
        created_by_id=viewer.user_id,
    )


async def queue_import(
    viewer: Viewer,
    *,
    kind: ImportKind,
    file_name: str,
    content: bytes,
    dry_run: bool,
    mode: ImportMode = ImportMode.UPSERT,
    mapping: dict[str, Any] | None = None,
) -> ImportJob:
    """Create the job (RUNNING) with its file and queue it; clients follow it with importJob(id)."""
    check_may_import(viewer, kind)
    async with in_transaction():
        job = await ImportJob.create(
            kind=kind,
            file_name=file_name[:255],
            dry_run=dry_run,
            mode=mode.value,
            mapping=mapping,
            content=content,
            created_by_id=viewer.user_id,
        )
        await queue.enqueue(JOB_KIND, job.id)
    queue.notify()
    return job


async def run_queued(job_id: int) -> None:
    """A worker runs a queued import as its requester, with their scope as it is now."""
    job = await ImportJob.get(id=job_id)
    viewer = await load_viewer(job.created_by_id)
    await execute(job, viewer, _take_content(job))


def _take_content(job: ImportJob) -> bytes:
    """The queued file, taken off the job (the row keeps it until the job is saved done):
    `execute` is then its only holder, and lets go of it once it is read."""
    content, job.content = bytes(job.content or b""), None
    return content


async def give_up(job_id: int, message: str) -> None:
    """The queue gave the job up (its workers kept stopping): nothing was written."""
    await ImportJob.filter(id=job_id, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED,
        errors=[{"row": 0, "column": None, "message": message, "code": ErrorCode.INVALID.value}],
        content=None,
        finished_at=datetime.now(UTC),
    )


async def execute(
    job: ImportJob, viewer: Viewer, content: bytes, on_write: Callable[[int], None] | None = None
) -> None:
    spec = kinds.spec(job.kind)
    try:
        check_may_import(viewer, job.kind)
        mapping = await _mapping(job)
        file = await read_file(job.kind, job.file_name, content, mapping)
        del content  # read: not held through the check and the write (a caller may hold it)
        job.total_rows = file.count
        job.mapping = _used_mapping(mapping, file)
        await ImportJob.filter(id=job.id).update(total_rows=job.total_rows, mapping=job.mapping)
        checked = await check_file(job, viewer, file)
        job.processed_rows = file.count
        del file  # its key columns' values (a set per column): the write has no use for them
        if checked.errors:
            job.errors = checked.errors  # sorted by row
            job.status = ImportStatus.INVALID
        else:
            ctx = WriteContext(viewer, job, checked, on_write)
            try:
                async with in_transaction():
                    await spec.write(ctx)
                    await ctx.flush()
                    if ctx.problems.errors:
                        raise _DryRun
                    await queue.confirm_claim()  # a worker that lost its job writes nothing
                    if not job.dry_run:
                        await _record_import(viewer, job, ctx)
                    else:
                        raise _DryRun
            except _DryRun:
                pass
            job.created_rows, job.updated_rows = ctx.created_rows, ctx.updated_rows
            job.unchanged_rows = ctx.unchanged_rows
            if ctx.problems.errors:
                job.errors = sorted(
                    ctx.problems.errors, key=lambda e: (e["row"], e["column"] or "")
                )
                job.status = ImportStatus.INVALID
            else:
                job.status = ImportStatus.VALID if job.dry_run else ImportStatus.DONE
    except queue.JobLost:
        raise
    except ServiceError as exc:
        job.errors = [
            {
                "row": 0,
                "column": e.field,
                "message": e.message,
                "msgid": e.msgid,
                "params": dict(e.params),
                "code": e.code.value,
            }
            for e in exc.errors
        ]
        job.status = ImportStatus.INVALID
    except Exception:
        log.exception("import job %s failed", job.id)
        job.errors = [
            {
                "row": 0,
                "column": None,
                "message": N_("The import failed; nothing was written."),
                "code": ErrorCode.INVALID.value,
            }
        ]
        job.status = ImportStatus.FAILED
    if job.status is ImportStatus.DONE and spec.after is not None:
        await spec.after()
    job.finished_at = datetime.now(UTC)
    job.content = None  # a queued file is kept only until its job has run
    async with in_transaction():
        await job.save()
        await queue.confirm_claim()
    if job.status is ImportStatus.DONE:
        await save_mapping(viewer, job)


async def _mapping(job: ImportJob) -> dict[str, Any]:
    """The job's mapping over the one saved for its kind: HR's choices this time win."""
    saved = await saved_mapping(job.kind)
    asked = job.mapping or {}
    values = dict(saved["values"])
    for key, mapped in (asked.get("values") or {}).items():
        values[key] = {**values.get(key, {}), **mapped}
    return {"columns": {**saved["columns"], **(asked.get("columns") or {})}, "values": values}


def _used_mapping(asked: dict[str, Any] | None, file: FileRows) -> dict[str, Any]:
    """The mapping as applied: every header with its column key (None: ignored)."""
    columns = {
        header: (None if key.startswith(rows.IGNORED) else key)
        for header, key in zip(file.headers, file.columns, strict=True)
    }
    return {"columns": columns, "values": (asked or {}).get("values") or {}}


async def _record_import(viewer: Viewer, job: ImportJob, ctx: WriteContext) -> None:
    """The import itself in the audit trail: its file and what it did."""
    await audit.record(
        viewer,
        AuditAction.IMPORT,
        subject_type="ImportJob",
        subject_id=job.id,
        reason=job.file_name,
        after={
            "kind": job.kind.value,
            "mode": job.mode,
            "created": ctx.created_rows,
            "updated": ctx.updated_rows,
            "unchanged": ctx.unchanged_rows,
        },
    )


async def save_mapping(viewer: Viewer, job: ImportJob) -> None:
    """The headers and values of a done import, kept for the kind's next file (a header that
    matched by name needs no keeping, but keeping it does no harm)."""
    used = job.mapping or {}
    kept, _ = await ImportMapping.get_or_create(kind=job.kind.value)
    kept.columns = {**(kept.columns or {}), **{h: k for h, k in used.get("columns", {}).items()}}
    values = dict(kept.values or {})
    for key, mapped in (used.get("values") or {}).items():
        values[key] = {**values.get(key, {}), **mapped}
    kept.values = values
    kept.updated_by_user_id = viewer.user_id
    await kept.save()


async def saved_mapping(kind: ImportKind) -> dict[str, Any]:
    kept = await ImportMapping.get_or_none(kind=kind.value)
    if kept is None:
        return {"columns": {}, "values": {}}
    return {"columns": kept.columns or {}, "values": kept.values or {}}


async def get_job(viewer: Viewer, job_id: int) -> ImportJob | None:
    """A job is its creator's, and HQ HR's."""
    job = await ImportJob.get_or_none(id=job_id)
    if job is None or not (job.created_by_id == viewer.user_id or viewer.is_hq_hr):
        return None
    return job


async def list_jobs(
    viewer: Viewer,
    *,
    first: int,
    after: str | None,
    kind: ImportKind | None = None,
    status: ImportStatus | None = None,
) -> Page[ImportJob]:
    """The import history, newest first: the viewer's own jobs, every job for HQ HR (as
    `get_job` decides), with who ran each fetched alongside (one query a page, and a count)."""
    check_page_size(first)
    if viewer.user_id is None:
        found = ImportJob.filter(id__in=[])
    elif viewer.is_hq_hr:
        found = ImportJob.all()
    else:
        found = ImportJob.filter(created_by_id=viewer.user_id)
    if kind is not None:
        found = found.filter(kind=kind)
    if status is not None:
        found = found.filter(status=status)
    total = await found.count()
    page = found.order_by("-id").select_related("created_by")
    if after:
        page = page.filter(id__lt=cursor_key(ImportJob, "id", after))
    jobs = await page.limit(first + 1)
    return Page(
        items=list(jobs[:first]),
        has_next=len(jobs) > first,
        has_previous=after is not None,
        total=total,
        key="id",
    )
