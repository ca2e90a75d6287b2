"""History import (the brochure's 历史数据迁移): employees, KPI records and targets from
CSV or XLSX. A dry run reports every bad row (row, column, reason) and writes
nothing; a real run writes every row or none; running the same file again
changes nothing. Progress is saved on the job as rows are checked.

The file is read and its rows checked in the file-checking process (talentloop.offload,
performance/import_rows.py); the look-ups before and the writing after run here.

A file imported in the background is kept on its job row and queued (jobs/queue.py): a
worker in any API process runs it, and any process answers `importJob(id)`. Because a run
writes all or nothing and is idempotent, a run whose worker died is simply run again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from talentloop import offload
from talentloop.access.policy import Viewer
from talentloop.access.viewer import load_viewer
from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_
from talentloop.jobs import queue
from talentloop.org.models import OrgUnit
from talentloop.payroll import inputs as payroll_inputs
from talentloop.people import sensitive
from talentloop.people.models import Employee, EmployeeStatus, Position
from talentloop.people.service import visible_employees
from talentloop.performance import closed, import_rows, pay, triggers
from talentloop.performance.import_rows import FileRows
from talentloop.performance.models import (
    ImportJob,
    ImportKind,
    ImportStatus,
    Kpi,
    KpiTarget,
    PerformanceRecord,
    PeriodClose,
)

log = logging.getLogger(__name__)
JOB_KIND = "import"
MAX_ROWS = 100_000
# The file travels base64 in the GraphQL body (app.py caps that at 10 MB by default).
MAX_BYTES = 7 * 1024 * 1024
BATCH = 500
Checked = import_rows.Checked


# --- reading and checking, in the file-checking process -----------------------------------


async def read_file(file_name: str, content: bytes) -> FileRows:
    """The file read within the import's limits, off the API process (talentloop.offload)."""
    return await offload.run(
        import_rows.read_file, file_name, content, max_rows=MAX_ROWS, max_bytes=MAX_BYTES
    )


async def check_file(job: ImportJob, viewer: Viewer, file: FileRows) -> Checked:
    """Every row checked in the file-checking process against look-ups read here (the database
    stays in this process), with the job's progress saved as the rows are got through."""
    missing = import_rows.missing_columns(job.kind, file.columns)
    lookups = None if missing else await LOOKUPS[job.kind](viewer, file)

    async def saved(rows: int) -> None:
        job.processed_rows = rows
        await ImportJob.filter(id=job.id).update(processed_rows=rows)

    answer = await offload.run(
        import_rows.check_file,
        job.kind,
        viewer,
        lookups,
        file.columns,
        file.packed,
        keep_items=not job.dry_run,
        on_progress=saved,
    )
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
    on_write: Callable[[int], None] | None = None,
) -> ImportJob:
    """Check (and unless a dry run, write) a file, waiting for the end."""
    job = await start_import(viewer, kind=kind, file_name=file_name, dry_run=dry_run)
    await execute(job, viewer, content, on_write)
    return job


async def start_import(
    viewer: Viewer, *, kind: ImportKind, file_name: str, dry_run: bool
) -> ImportJob:
    """Create the job (RUNNING); `execute` does the work, here or in the background."""
    _check_may_import(viewer)
    return await ImportJob.create(
        kind=kind, file_name=file_name[:255], dry_run=dry_run, created_by_id=viewer.user_id
    )


async def queue_import(
    viewer: Viewer, *, kind: ImportKind, file_name: str, content: bytes, dry_run: bool
) -> ImportJob:
    """Create the job (RUNNING) with its file and queue it; clients follow it with importJob(id)."""
    _check_may_import(viewer)
    async with in_transaction():
        job = await ImportJob.create(
            kind=kind,
            file_name=file_name[:255],
            dry_run=dry_run,
            content=content,
            created_by_id=viewer.user_id,
        )
        await queue.enqueue(JOB_KIND, job.id)
    queue.notify()
    return job


def _check_may_import(viewer: Viewer) -> None:
    if not viewer.can_manage_employees or viewer.user_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR imports data.")


async def run_queued(job_id: int) -> None:
    """A worker runs a queued import as its requester, with their scope as it is now."""
    job = await ImportJob.get(id=job_id)
    viewer = await load_viewer(job.created_by_id)
    await execute(job, viewer, bytes(job.content or b""))


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
    kind = job.kind
    try:
        file = await read_file(job.file_name, content)
        job.total_rows = file.count
        await ImportJob.filter(id=job.id).update(total_rows=job.total_rows)
        checked = await check_file(job, viewer, file)
        job.processed_rows = file.count
        if checked.errors:
            job.errors = checked.errors  # sorted by row
            job.status = ImportStatus.INVALID
        elif job.dry_run:
            job.status = ImportStatus.VALID
        else:
            async with in_transaction():
                created, updated, unchanged = await WRITERS[kind](viewer, checked, on_write)
                await queue.confirm_claim()  # a worker that lost its job writes nothing
            job.created_rows, job.updated_rows, job.unchanged_rows = created, updated, unchanged
            job.status = ImportStatus.DONE
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
    if job.status is ImportStatus.DONE and kind is ImportKind.KPI_RECORDS:
        # New actuals may breach a trigger rule: the job is done once that is known too.
        await triggers.evaluate_all()
        # … and may meet a restore condition: its request opens by itself (performance/pay.py).
        await pay.open_due_restores()
    job.finished_at = datetime.now(UTC)
    job.content = None  # a queued file is kept only until its job has run
    async with in_transaction():
        await job.save()
        await queue.confirm_claim()


async def get_job(viewer: Viewer, job_id: int) -> ImportJob | None:
    """A job is its creator's, and HQ HR's."""
    job = await ImportJob.get_or_none(id=job_id)
    if job is None or not (job.created_by_id == viewer.user_id or viewer.is_hq_hr):
        return None
    return job


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


async def _manageable_employees(viewer: Viewer, numbers: set[str]) -> dict[str, int]:
    """The id of each of these employees the viewer manages, by number: read as plain values
    (a file of 10,000 people as models would be tens of MB)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(numbers)):
        for number, pk, path in (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", "id", "unit__path")
        ):
            if viewer.can_manage_employees_in(path):
                found[number] = pk
    return found


# --- KPI records ------------------------------------------------------------------------------


async def _record_lookups(viewer: Viewer, file: FileRows) -> import_rows.RecordLookups:
    employees = await _manageable_employees(viewer, file.values("employee_number"))
    return import_rows.RecordLookups(
        kpis=await _kpis(),
        employees=employees,
        closed=await _closed_months(set(employees.values())),
    )


async def _closed_months(employee_ids: set[int]) -> dict[int, set[date]]:
    """The closed months of each of these people, by where they work now (performance/closed.py):
    nothing to read when no month is closed."""
    if not employee_ids or not await PeriodClose.filter(reopened_at__isnull=True).exists():
        return {}
    paths: dict[int, str] = {}
    for chunk in _chunks(sorted(employee_ids)):
        paths.update(await Employee.filter(id__in=chunk).values_list("id", "unit__path"))
    by_path = await closed.closed_months_by_path(set(paths.values()))
    return {pk: by_path[path] for pk, path in paths.items() if path in by_path}


async def _kpis() -> dict[str, import_rows.KpiFacts]:
    return {k.code: import_rows.KpiFacts.of(k) for k in await Kpi.all()}


async def _write_records(
    viewer: Viewer, checked: Checked, on_write: Callable[[int], None] | None
) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    for chunk in _chunks(list(checked.items)):
        existing = {
            (r.employee_id, r.kpi_id, r.period, r.dimension): r
            for r in await PerformanceRecord.filter(
                employee_id__in=sorted({k[0] for k in chunk}),
                kpi_id__in=sorted({k[1] for k in chunk}),
                period__in=sorted({k[2] for k in chunk}),
            )
        }
        new: list[PerformanceRecord] = []
        changed: list[PerformanceRecord] = []
        for key in chunk:
            value = checked.items[key][1]
            record = existing.get(key)
            if record is None:
                new.append(
                    PerformanceRecord(
                        employee_id=key[0],
                        kpi_id=key[1],
                        period=key[2],
                        dimension=key[3],
                        value=value,
                        source="import",
                    )
                )
            elif record.value != value:
                record.value, record.source = value, "import"
                changed.append(record)
            else:
                unchanged += 1
        if new:
            await PerformanceRecord.bulk_create(new)
        if changed:
            await PerformanceRecord.bulk_update(changed, fields=["value", "source"])
        created, updated = created + len(new), updated + len(changed)
        if on_write:
            on_write(created + updated + unchanged)
    return created, updated, unchanged


# --- targets --------------------------------------------------------------------------------------


async def _target_lookups(viewer: Viewer, file: FileRows) -> import_rows.TargetLookups:
    codes = file.values("unit_code")
    employees = await _manageable_employees(viewer, file.values("employee_number") - {""})
    units = {
        code: (pk, path)
        for code, pk, path in await OrgUnit.filter(code__in=sorted(codes - {""})).values_list(
            "code", "id", "path"
        )
    }
    by_path = (
        await closed.closed_months_by_path({path for _, path in units.values()}, reaches_below=True)
        if units
        else {}
    )
    return import_rows.TargetLookups(
        kpis=await _kpis(),
        employees=employees,
        units=units,
        closed=await _closed_months(set(employees.values())),
        closed_units={pk: by_path[path] for pk, path in units.values() if path in by_path},
    )


async def _write_targets(
    viewer: Viewer, checked: Checked, on_write: Callable[[int], None] | None
) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    for chunk in _chunks(list(checked.items)):
        existing = {
            (t.kpi_id, t.period, t.employee_id, t.unit_id): t
            for t in await KpiTarget.filter(
                kpi_id__in=sorted({k[0] for k in chunk}), period__in=sorted({k[1] for k in chunk})
            )
        }
        new: list[KpiTarget] = []
        changed: list[KpiTarget] = []
        for key in chunk:
            value = checked.items[key][1]
            target = existing.get(key)
            if target is None:
                new.append(
                    KpiTarget(
                        kpi_id=key[0],
                        period=key[1],
                        employee_id=key[2],
                        unit_id=key[3],
                        value=value,
                    )
                )
            elif target.value != value:
                target.value = value
                changed.append(target)
            else:
                unchanged += 1
        if new:
            await KpiTarget.bulk_create(new)
        if changed:
            await KpiTarget.bulk_update(changed, fields=["value"])
            await _bump_versions(KpiTarget, changed)
        created, updated = created + len(new), updated + len(changed)
        if on_write:
            on_write(created + updated + unchanged)
    return created, updated, unchanged


# --- employees --------------------------------------------------------------------------------------

_EMPLOYEE_FIELDS = [
    "name",
    "status",
    "gender",
    "birth_date",
    "hire_date",
    "work_phone",
    "work_email",
    "personal_phone",
    "id_number",
    "bank_account",
    "base_salary",
]


async def _employee_lookups(viewer: Viewer, file: FileRows) -> import_rows.EmployeeLookups:
    from talentloop.org import service as org_service

    numbers = file.values("employee_number") - {""}
    taken: set[str] = set()
    former: set[str] = (
        set()
    )  # leavers among them: never back to work by import (rehire is explicit)
    placed: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks(sorted(numbers)):
        rows = await Employee.filter(employee_number__in=chunk).values_list(
            "employee_number", "status", "unit_id", "position_id"
        )
        taken |= {str(n) for n, *_ in rows}
        former |= {
            str(n) for n, status, *_ in rows if EmployeeStatus(status) is EmployeeStatus.TERMINATED
        }
        placed |= {str(n): (unit, position) for n, _, unit, position in rows}
    managers: set[str] = set()
    for chunk in _chunks(sorted(file.values("manager_number") - {""})):
        found = (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", flat=True)
        )
        managers |= {str(n) for n in found}
    return import_rows.EmployeeLookups(
        numbers=numbers,
        mine=await _manageable_employees(viewer, numbers),
        taken=taken,
        former=former,
        placed=placed,
        units={u.code: (u.id, u.path) for u in await org_service.visible_units(viewer)},
        positions={p.code: p.id for p in await Position.all()},
        managers=managers,
    )


def _differs(employee: Employee, values: dict[str, Any], fields: list[str]) -> bool:
    stored = sensitive.ByHash(employee)
    return any(getattr(stored, k) != v for k, v in sensitive.hashed(values).items() if k in fields)


def _stored_columns(name: str) -> list[str]:
    if name in sensitive.SENSITIVE:
        field = sensitive.SensitiveField(name)
        return [field.cipher_column, field.hash_column]
    return [name]


async def _write_employees(
    viewer: Viewer, checked: Checked, on_write: Callable[[int], None] | None
) -> tuple[int, int, int]:
    numbers = [k[0] for k in checked.items]
    existing: dict[str, Employee] = {}
    for chunk in _chunks(numbers):
        for e in await Employee.filter(employee_number__in=chunk):
            existing[e.employee_number] = e
    fields = [*_EMPLOYEE_FIELDS, "unit_id", "position_id"]
    # The ID number and bank account are stored sealed, and compared by keyed hash.
    columns = [c for f in fields for c in _stored_columns(f)]
    new: list[Employee] = []
    changed: list[Employee] = []
    # What a payroll run reads of each changed row, as it was (payroll/inputs.py).
    pay_before: list[tuple[dict[str, Any], Employee]] = []
    unchanged = 0
    for written, (number,) in enumerate(checked.items, start=1):
        values = checked.items[(number,)][1]
        employee = existing.get(number)
        if employee is None:
            new.append(Employee(employee_number=number, **sensitive.sealed_columns(number, values)))
        elif _differs(employee, values, fields):
            pay_before.append(
                ({k: getattr(employee, k) for k in payroll_inputs.RECORD_FIELDS}, employee)
            )
            sensitive.seal_into(employee, values)
            changed.append(employee)
        else:
            unchanged += 1
        if on_write:
            on_write(written)
    for chunk in _chunks(new):
        await Employee.bulk_create(chunk)
    for chunk in _chunks(changed):
        await Employee.bulk_update(chunk, fields=columns)
    hired: list[Employee] = []
    for chunk in _chunks([e.employee_number for e in new]):
        hired += await Employee.filter(employee_number__in=chunk)
    await payroll_inputs.employees_imported(hired, pay_before)

    # Managers last: a manager may be a new employee of the same file. An empty
    # manager column leaves an existing employee's manager as it is.
    wanted = {number: item[2] for (number,), item in checked.items.items() if item[2]}
    saved: dict[str, Employee] = {}
    for chunk in _chunks(sorted({*wanted, *wanted.values()})):
        for e in await Employee.filter(employee_number__in=chunk):
            saved[e.employee_number] = e
    relinked = []
    for number, manager in wanted.items():
        employee = saved[number]
        if employee.manager_id != saved[manager].id:
            employee.manager_id = saved[manager].id
            relinked.append(employee)
            if number in existing and existing[number] not in changed:
                unchanged -= 1
                changed.append(existing[number])
    for chunk in _chunks(relinked):
        await Employee.bulk_update(chunk, fields=["manager_id"])
    # Once per changed employee, however many of its columns the file changed.
    for chunk in _chunks(list({e.id: e for e in [*changed, *relinked]}.values())):
        await _bump_versions(Employee, chunk)
    return len(new), len(changed), unchanged


async def _bump_versions(model: type[Model], rows: list[Any]) -> None:
    """A form opened before the import must not save over it (talentloop.versions)."""
    await model.filter(id__in=[r.id for r in rows]).update(version=F("version") + 1)


LOOKUPS: dict[ImportKind, Callable[[Viewer, FileRows], Awaitable[import_rows.Lookups]]] = {
    ImportKind.KPI_RECORDS: _record_lookups,
    ImportKind.TARGETS: _target_lookups,
    ImportKind.EMPLOYEES: _employee_lookups,
}
WRITERS = {
    ImportKind.KPI_RECORDS: _write_records,
    ImportKind.TARGETS: _write_targets,
    ImportKind.EMPLOYEES: _write_employees,
}
