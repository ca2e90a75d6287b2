"""History import (the brochure's 历史数据迁移): employees, KPI records and targets from
CSV or XLSX. A dry run reports every bad row (row, column, reason) and writes
nothing; a real run writes every row or none; running the same file again
changes nothing. Progress is saved on the job as rows are checked.

A file imported in the background is kept on its job row and queued (jobs/queue.py): a
worker in any API process runs it, and any process answers `importJob(id)`. Because a run
writes all or nothing and is idempotent, a run whose worker died is simply run again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from talentloop import spreadsheets
from talentloop.access.policy import Viewer
from talentloop.access.viewer import load_viewer
from talentloop.errors import SELF_DEALING_MESSAGE, ErrorCode, ServiceError
from talentloop.i18n import N_
from talentloop.jobs import queue
from talentloop.org.models import OrgUnit
from talentloop.people import sensitive
from talentloop.people.models import Employee, EmployeeStatus, Gender, Position
from talentloop.people.service import FORMER_EMPLOYEE, format_problems, visible_employees
from talentloop.performance import triggers
from talentloop.performance.models import (
    ImportJob,
    ImportKind,
    ImportStatus,
    Kpi,
    KpiTarget,
    PerformanceRecord,
)
from talentloop.performance.periods import parse_period
from talentloop.performance.service import parse_decimal, value_problems

log = logging.getLogger(__name__)
JOB_KIND = "import"
MAX_ROWS = 100_000
# The file travels base64 in the GraphQL body (app.py caps that at 10 MB by default).
MAX_BYTES = 7 * 1024 * 1024
# Rows are checked in a worker thread, this many at a time, with the job's progress saved
# between chunks: the event loop only ever waits for the interpreter lock's switch interval
# (5 ms), however slow a row is to check.
CHECK_CHUNK = 2_000
BATCH = 500

# Column keys, with the Chinese headers HR exports commonly use.
ALIASES = {
    "工号": "employee_number",
    "员工编号": "employee_number",
    "姓名": "name",
    "部门编码": "unit_code",
    "组织编码": "unit_code",
    "岗位编码": "position_code",
    "入职日期": "hire_date",
    "状态": "status",
    "性别": "gender",
    "出生日期": "birth_date",
    "办公电话": "work_phone",
    "工作邮箱": "work_email",
    "手机号": "personal_phone",
    "身份证号": "id_number",
    "银行账号": "bank_account",
    "基本工资": "base_salary",
    "直属上级工号": "manager_number",
    "指标编码": "kpi_code",
    "期间": "period",
    "数值": "value",
    "维度": "dimension",
    "目标值": "value",
}
REQUIRED = {
    ImportKind.EMPLOYEES: ["employee_number", "name", "unit_code", "hire_date"],
    ImportKind.KPI_RECORDS: ["employee_number", "kpi_code", "period", "value"],
    ImportKind.TARGETS: ["kpi_code", "period", "value"],
}
_GENDERS = {"male": Gender.MALE, "男": Gender.MALE, "female": Gender.FEMALE, "女": Gender.FEMALE}
_STATUSES = {s.value: s for s in EmployeeStatus} | {
    "试用": EmployeeStatus.PROBATION,
    "在职": EmployeeStatus.ACTIVE,
    "休假": EmployeeStatus.ON_LEAVE,
}


class Table:
    """The file's rows by column key. A row's dict is made as it is iterated, not kept: a dict
    per row of a 100,000-row file would be most of a dry run's memory."""

    def __init__(
        self,
        columns: list[str],
        cells: list[tuple[str, ...]],
        formulas: list[tuple[int, int]] | None = None,
    ) -> None:
        self.columns = columns
        self.cells = cells
        self.rows = _Rows(self)
        self.formulas = formulas or []  # (row index, column index) of cells like formulas

    def values(self, column: str) -> set[str]:
        """The column's values (stripped), without making the rows' dicts."""
        if column not in self.columns:
            return {""}
        i = self.columns.index(column)
        return {(cells[i] if i < len(cells) else "").strip() for cells in self.cells}


class _Rows:
    def __init__(self, table: Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table.cells)

    def __iter__(self) -> Iterator[dict[str, str]]:
        return self.slice(0, len(self.table.cells))

    def slice(self, start: int, stop: int) -> Iterator[dict[str, str]]:
        columns = self.table.columns
        for cells in self.table.cells[start:stop]:
            yield {
                col: (cells[i] if i < len(cells) else "").strip() for i, col in enumerate(columns)
            }


@dataclass
class Checked:
    """The rows that passed, keyed for writing, and every problem found. An item is a plain
    tuple whose first element is its row (row, value) or (row, values, manager): tuples of
    plain values are left alone by the garbage collector, so 100,000 of them add no pauses."""

    items: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(
        self,
        row: int,
        column: str | None,
        message: str,
        code: ErrorCode = ErrorCode.INVALID,
        **params: Any,
    ) -> None:
        """A bad row: its message in English, and its msgid and parameters, for the viewer's
        language when the job is read (talentloop/i18n.py)."""
        english = message.format(**params) if params else message
        self.errors.append(
            {
                "row": row,
                "column": column,
                "message": english,
                "msgid": message,
                "params": params,
                "code": code.value,
            }
        )

    def about_self(self, row: int, viewer: Viewer, employee_id: int | None) -> bool:
        """A row about the importer themself is refused (docs/architecture.md, "Self-dealing")."""
        if employee_id is None or not viewer.is_self(employee_id):
            return False
        self.error(row, "employee_number", SELF_DEALING_MESSAGE, ErrorCode.SELF_DEALING)
        return True


# --- reading files -----------------------------------------------------------------------


async def read_table(file_name: str, content: bytes) -> Table:
    """The file's rows by column key, read off the event loop within the import's limits
    (talentloop.spreadsheets)."""
    reading = spreadsheets.Reading()
    raw_rows = await spreadsheets.read_rows_off_loop(
        file_name, content, max_rows=MAX_ROWS, max_bytes=MAX_BYTES, reading=reading
    )
    if not raw_rows:
        raise ServiceError.one(ErrorCode.INVALID, "The file is empty.", "file")
    columns = [ALIASES.get(c.strip(), c.strip().lower()) for c in raw_rows[0]]
    del raw_rows[0]
    return Table(columns, raw_rows, [(r - 1, c) for r, c in reading.formulas if r > 0])


def formula_errors(table: Table, checked: Checked) -> None:
    """A text cell that a spreadsheet would run as a formula is refused: it would come back
    out of every export (neutralised, but not as it was typed)."""
    for r, c in table.formulas:
        if c < len(table.columns):
            checked.error(r + 2, table.columns[c], spreadsheets.FORMULA_MESSAGE)


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
        table = await read_table(job.file_name, content)
        job.total_rows = len(table.rows)
        await ImportJob.filter(id=job.id).update(total_rows=job.total_rows)
        missing = [c for c in REQUIRED[kind] if c not in table.columns]
        if kind is ImportKind.TARGETS and not {"employee_number", "unit_code"} & set(table.columns):
            missing.append("employee_number or unit_code")
        if missing:
            checked = Checked()
            for column in missing:
                checked.error(1, column, "Missing column.", ErrorCode.REQUIRED)
        else:
            checked = await CHECKERS[kind](viewer, table, job)
        formula_errors(table, checked)
        job.processed_rows = len(table.rows)
        if checked.errors:
            job.errors = sorted(checked.errors, key=lambda e: (e["row"], e["column"] or ""))
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
    job.finished_at = datetime.now(UTC)
    job.content = None  # a queued file is kept only until its job has run
    async with in_transaction():
        await job.save()
        await queue.confirm_claim()


async def get_job(viewer: Viewer, job_id: int) -> ImportJob | None:
    """A job is its creator's, and HQ HR's."""
    job = await ImportJob.get_or_none(id=job_id)
    if job is None or not (job.created_by_id == viewer.user_id or viewer.role == "hq_hr"):
        return None
    return job


RowCheck = Callable[[int, dict[str, str]], None]


def check_rows(table: Table, start: int, stop: int, check: RowCheck) -> None:
    """`check` on rows start..stop (their file row numbers: the header is row 1). Runs in a
    worker thread: it must touch nothing but the look-ups it was given and its `Checked`."""
    for index, row in enumerate(table.rows.slice(start, stop), start=start + 2):
        check(index, row)
        if index % spreadsheets.HAND_OVER_EVERY == 0:
            spreadsheets.let_others_run()


async def _check_all(job: ImportJob, table: Table, check: RowCheck) -> None:
    """Every row through `check`, CHECK_CHUNK rows at a time in a worker thread (100,000 rows
    are seconds of work that must not hold other requests up), progress saved in between."""
    total = len(table.rows)
    for start in range(0, total, CHECK_CHUNK):
        stop = min(start + CHECK_CHUNK, total)
        await asyncio.to_thread(check_rows, table, start, stop, check)
        if stop < total:
            job.processed_rows = stop
            await ImportJob.filter(id=job.id).update(processed_rows=stop)


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


class _Parsed:
    """A file repeats its periods and values row after row: each text is parsed once, and
    its rows share the one date or Decimal."""

    def __init__(self) -> None:
        self._periods: dict[tuple[str, Any], date | None] = {}
        self._decimals: dict[str, Decimal | None] = {}

    def period(self, text: str, kpi: Kpi | None) -> date | None:
        key = (text, kpi.period_type if kpi else None)
        if key not in self._periods:
            self._periods[key] = parse_period(text, kpi.period_type) if kpi else parse_period(text)
        return self._periods[key]

    def decimal(self, text: str) -> Decimal | None:
        if text not in self._decimals:
            self._decimals[text] = parse_decimal(text)
        return self._decimals[text]


# --- KPI records ------------------------------------------------------------------------------


async def _check_records(viewer: Viewer, table: Table, job: ImportJob) -> Checked:
    checked = Checked()
    kpis = {k.code: k for k in await Kpi.all()}
    numbers = await asyncio.to_thread(table.values, "employee_number")
    employees = await _manageable_employees(viewer, numbers)
    parsed = _Parsed()

    def check(index: int, row: dict[str, str]) -> None:
        employee = employees.get(row["employee_number"])
        kpi = kpis.get(row["kpi_code"])
        bad = False
        if employee is None:
            checked.error(
                index, "employee_number", "No such employee in your scope.", ErrorCode.NOT_FOUND
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        if kpi is None:
            checked.error(index, "kpi_code", "No such KPI.", ErrorCode.NOT_FOUND)
            bad = True
        period = parsed.period(row["period"], kpi)
        if period is None:
            checked.error(index, "period", "Not a period (YYYY-MM).")
            bad = True
        value = parsed.decimal(row["value"])
        if value is None:
            checked.error(index, "value", "Not a number.")
            bad = True
        dimension = row.get("dimension", "")
        if bad or employee is None or kpi is None or period is None or value is None:
            return
        for problem in value_problems(kpi, value, period, dimension):
            checked.error(index, problem.field, problem.msgid, problem.code, **dict(problem.params))
            bad = True
        key = (employee, kpi.id, period, dimension)
        if key in checked.items:
            checked.error(
                index,
                None,
                "Same employee, KPI, period and dimension as row {other}.",
                ErrorCode.DUPLICATE,
                other=checked.items[key][0],
            )
            bad = True
        if not bad:
            checked.items[key] = (index, value)

    await _check_all(job, table, check)
    return checked


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


async def _check_targets(viewer: Viewer, table: Table, job: ImportJob) -> Checked:
    checked = Checked()
    kpis = {k.code: k for k in await Kpi.all()}
    numbers = await asyncio.to_thread(table.values, "employee_number")
    employees = await _manageable_employees(viewer, numbers - {""})
    codes = await asyncio.to_thread(table.values, "unit_code")
    units = {
        code: (pk, path)
        for code, pk, path in await OrgUnit.filter(code__in=sorted(codes - {""})).values_list(
            "code", "id", "path"
        )
    }
    parsed = _Parsed()

    def check(index: int, row: dict[str, str]) -> None:
        number, unit_code = row.get("employee_number", ""), row.get("unit_code", "")
        kpi = kpis.get(row["kpi_code"])
        bad = False
        if kpi is None:
            checked.error(index, "kpi_code", "No such KPI.", ErrorCode.NOT_FOUND)
            bad = True
        employee = employees.get(number) if number else None
        unit = units.get(unit_code) if unit_code else None
        if bool(number) == bool(unit_code):
            checked.error(index, "employee_number", "Give either employee_number or unit_code.")
            bad = True
        elif number and employee is None:
            checked.error(
                index, "employee_number", "No such employee in your scope.", ErrorCode.NOT_FOUND
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        elif unit_code and (unit is None or not viewer.can_direct_in(unit[1])):
            checked.error(index, "unit_code", "No such unit in your scope.", ErrorCode.NOT_FOUND)
            bad = True
        period = parsed.period(row["period"], kpi)
        if period is None:
            checked.error(index, "period", "Not a period (YYYY-MM).")
            bad = True
        value = parsed.decimal(row["value"])
        if value is None or value < 0:
            checked.error(index, "value", "Not a number of 0 or more.")
            bad = True
        if bad or kpi is None:
            return
        key = (kpi.id, period, employee, unit[0] if unit else None)
        if key in checked.items:
            checked.error(
                index,
                None,
                "Same target as row {other}.",
                ErrorCode.DUPLICATE,
                other=checked.items[key][0],
            )
            return
        checked.items[key] = (index, value)

    await _check_all(job, table, check)
    return checked


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


async def _check_employees(viewer: Viewer, table: Table, job: ImportJob) -> Checked:
    from talentloop.org import service as org_service

    checked = Checked()
    numbers = await asyncio.to_thread(table.values, "employee_number")
    numbers -= {""}
    mine = await _manageable_employees(viewer, numbers)
    taken: set[str] = set()
    former: set[str] = (
        set()
    )  # leavers among them: never back to work by import (rehire is explicit)
    for chunk in _chunks(sorted(numbers)):
        rows = await Employee.filter(employee_number__in=chunk).values_list(
            "employee_number", "status"
        )
        taken |= {str(n) for n, _ in rows}
        former |= {
            str(n) for n, status in rows if EmployeeStatus(status) is EmployeeStatus.TERMINATED
        }
    units = {u.code: u for u in await org_service.visible_units(viewer)}
    positions = {p.code: p for p in await Position.all()}
    managers: set[str] = set()
    wanted = await asyncio.to_thread(table.values, "manager_number")
    for chunk in _chunks(sorted(wanted - {""})):
        found = (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", flat=True)
        )
        managers |= {str(n) for n in found}

    def check(index: int, row: dict[str, str]) -> None:
        number = row["employee_number"]
        bad = False
        if not number:
            checked.error(index, "employee_number", "Required.", ErrorCode.REQUIRED)
            bad = True
        elif number in taken and number not in mine:
            checked.error(
                index, "employee_number", "This employee number is taken.", ErrorCode.DUPLICATE
            )
            bad = True
        elif checked.about_self(index, viewer, mine.get(number)):
            bad = True
        unit = units.get(row["unit_code"])
        if unit is None or not viewer.can_manage_employees_in(unit.path):
            checked.error(index, "unit_code", "No such unit in your scope.", ErrorCode.NOT_FOUND)
            bad = True
        values: dict[str, Any] = {"name": row["name"]}
        if not row["name"]:
            checked.error(index, "name", "Required.", ErrorCode.REQUIRED)
            bad = True
        for column in ("hire_date", "birth_date"):
            text = row.get(column, "")
            if text:
                try:
                    values[column] = date.fromisoformat(text[:10])
                except ValueError:
                    checked.error(index, column, "Not a date (YYYY-MM-DD).")
                    bad = True
            elif column == "hire_date":
                checked.error(index, column, "Required.", ErrorCode.REQUIRED)
                bad = True
        for column in ("work_phone", "work_email", "personal_phone", "id_number", "bank_account"):
            if row.get(column):
                values[column] = row[column]
        if row.get("base_salary"):
            values["base_salary"] = parse_decimal(row["base_salary"])
            if values["base_salary"] is None:
                checked.error(index, "base_salary", "Not a number.")
                bad = True
        if row.get("gender"):
            gender = _GENDERS.get(row["gender"].lower())
            if gender is None:
                checked.error(index, "gender", "male / female (男 / 女).")
                bad = True
            values["gender"] = gender
        status = _STATUSES.get(row.get("status", "").lower() or "active")
        if status is None or status is EmployeeStatus.TERMINATED:
            checked.error(index, "status", "probation, active or on_leave.")
            bad = True
        elif number in mine and number in former:
            # Whatever the file says (an empty status reads as active), never back to work.
            checked.error(index, "status", FORMER_EMPLOYEE.msgid, FORMER_EMPLOYEE.code)
            bad = True
        values["status"] = status
        for problem in format_problems(values):
            checked.error(
                index, _column(problem.field), problem.msgid, problem.code, **dict(problem.params)
            )
            bad = True
        position_code = row.get("position_code", "")
        if position_code and position_code not in positions:
            checked.error(index, "position_code", "No such position.", ErrorCode.NOT_FOUND)
            bad = True
        manager = row.get("manager_number", "")
        if manager and manager not in managers and manager not in numbers:
            checked.error(
                index, "manager_number", "No such employee in your scope.", ErrorCode.NOT_FOUND
            )
            bad = True
        if manager and manager == number:
            checked.error(index, "manager_number", "An employee cannot manage themselves.")
            bad = True
        key = (number,)
        if key in checked.items:
            checked.error(
                index,
                "employee_number",
                "Same employee as row {other}.",
                ErrorCode.DUPLICATE,
                other=checked.items[key][0],
            )
            bad = True
        if not bad and unit is not None:
            values["unit_id"] = unit.id
            values["position_id"] = positions[position_code].id if position_code else None
            checked.items[key] = (index, values, manager or None)

    await _check_all(job, table, check)
    return checked


def _differs(employee: Employee, values: dict[str, Any], fields: list[str]) -> bool:
    stored = sensitive.ByHash(employee)
    return any(getattr(stored, k) != v for k, v in sensitive.hashed(values).items() if k in fields)


def _stored_columns(name: str) -> list[str]:
    if name in sensitive.SENSITIVE:
        field = sensitive.SensitiveField(name)
        return [field.cipher_column, field.hash_column]
    return [name]


def _column(api_field: str | None) -> str | None:
    if api_field is None:
        return None
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in api_field)


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
    unchanged = 0
    for written, (number,) in enumerate(checked.items, start=1):
        values = checked.items[(number,)][1]
        employee = existing.get(number)
        if employee is None:
            new.append(Employee(employee_number=number, **sensitive.sealed_columns(number, values)))
        elif _differs(employee, values, fields):
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


CHECKERS = {
    ImportKind.KPI_RECORDS: _check_records,
    ImportKind.TARGETS: _check_targets,
    ImportKind.EMPLOYEES: _check_employees,
}
WRITERS = {
    ImportKind.KPI_RECORDS: _write_records,
    ImportKind.TARGETS: _write_targets,
    ImportKind.EMPLOYEES: _write_employees,
}
