"""History import: a dry run reports every bad row and writes nothing; a real run writes all or none;
running it again changes nothing."""

from __future__ import annotations

import base64
import dataclasses
import io
from datetime import date

import pytest
from openpyxl import Workbook

from talentloop import offload
from talentloop.access.viewer import load_viewer
from talentloop.imports import service as imports
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.performance import import_kinds, import_rows
from talentloop.performance.models import (
    ImportJob,
    ImportKind,
    ImportStatus,
    KpiTarget,
    PerformanceRecord,
)
from tests.performance.conftest import Perf
from tests.support import Api, gid

IMPORT = """mutation($kind: ImportKind!, $name: String!, $content: String!, $dry: Boolean!) {
  importData(input: {kind: $kind, fileName: $name, contentBase64: $content, dryRun: $dry}) {
    job { status totalRows processedRows createdRows updatedRows unchangedRows errors { row column message code value choices } }
    errors { field code message }
  }
}"""
PEOPLE = ("sh_rep", "sh_rep2", "sh_worker", "sh_sales_head", "bj_rep")
BAD_ROWS = {
    101: ("employee_number", "NOBODY", "No such employee in your scope."),
    250: ("kpi_code", "NOPE", "No such KPI."),
    402: ("period", "2026-13", "Not a month (2026-11, 2026/11, 2026年11月 or 202611)."),
    777: ("value", "abc", "Not a number."),
    999: ("value", "150", "A percentage is at most 100."),
}


def _csv(perf: Perf, bad: bool) -> bytes:
    """1,000 rows: five employees × two KPIs × a hundred months (2015-01 … 2023-04)."""
    lines = ["employee_number,kpi_code,period,value,dimension"]
    for person in PEOPLE:
        for kpi in ("NC", "CR"):
            for i in range(100):
                period = f"{2015 + i // 12}-{i % 12 + 1:02d}"
                dimension = "展会" if kpi == "NC" else ""
                number = perf.world.people[person].employee_number
                lines.append(f"{number},{kpi},{period},{(i % 17) + 1},{dimension}")
    if bad:
        for row, (column, value, _) in BAD_ROWS.items():
            cells = lines[row - 1].split(",")
            if column == "value" and value == "150":
                cells[1] = "CR"
            cells[["employee_number", "kpi_code", "period", "value", "dimension"].index(column)] = (
                value
            )
            lines[row - 1] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode()


async def _import(
    api: Api,
    perf: Perf,
    content: bytes,
    *,
    dry: bool,
    name: str = "history.csv",
    kind: str = "KPI_RECORDS",
    viewer: str = "hq_hr",
) -> dict:
    data = await api.data(
        IMPORT,
        {
            "kind": kind,
            "name": name,
            "content": base64.b64encode(content).decode(),
            "dry": dry,
        },
        as_=perf.world.users[viewer],
    )
    assert data["importData"]["errors"] == []
    job: dict = data["importData"]["job"]
    return job


async def test_a_dry_run_reports_exactly_the_bad_rows_and_writes_nothing(
    api: Api, perf: Perf
) -> None:
    before = await PerformanceRecord.all().count()
    job = await _import(api, perf, _csv(perf, bad=True), dry=True)
    assert job["status"] == "INVALID"
    assert job["totalRows"] == job["processedRows"] == 1000
    assert [(e["row"], e["column"], e["message"]) for e in job["errors"]] == [
        (row, column, message) for row, (column, _, message) in sorted(BAD_ROWS.items())
    ]
    assert [e["code"] for e in job["errors"]] == [
        "NOT_FOUND",
        "NOT_FOUND",
        "INVALID",
        "INVALID",
        "INVALID",
    ]
    # Every error gives the bad value as the file has it; a KPI code the valid codes.
    assert [e["value"] for e in job["errors"]] == [v for _, (_, v, _) in sorted(BAD_ROWS.items())]
    assert job["errors"][1]["choices"] == ["CHURN", "CR", "NC"]
    assert await PerformanceRecord.all().count() == before
    real = await _import(api, perf, _csv(perf, bad=True), dry=False)
    assert real["status"] == "INVALID" and real["createdRows"] == 0
    assert await PerformanceRecord.all().count() == before


async def test_a_good_file_writes_every_row_once(api: Api, perf: Perf) -> None:
    before = await PerformanceRecord.all().count()
    dry = await _import(api, perf, _csv(perf, bad=False), dry=True)
    assert (dry["status"], dry["errors"]) == ("VALID", [])
    assert await PerformanceRecord.all().count() == before
    first = await _import(api, perf, _csv(perf, bad=False), dry=False)
    assert (first["status"], first["createdRows"], first["updatedRows"]) == (
        "DONE",
        1000,
        0,
    )
    assert await PerformanceRecord.all().count() == before + 1000
    sample = await PerformanceRecord.get(
        employee_id=perf.world.people["bj_rep"].id,
        kpi__code="NC",
        period="2016-03-01",
        dimension="展会",
    )
    assert str(sample.value.normalize()) == str((14 % 17) + 1)
    second = await _import(api, perf, _csv(perf, bad=False), dry=False)
    assert (second["createdRows"], second["updatedRows"], second["unchangedRows"]) == (
        0,
        0,
        1000,
    )
    assert await PerformanceRecord.all().count() == before + 1000


async def test_a_run_that_fails_half_way_leaves_the_database_as_it_was(
    perf: Perf,
) -> None:
    before = sorted(await PerformanceRecord.all().values_list("id", "value"))
    viewer = await load_viewer(perf.world.users["hq_hr"].id)

    def explode(rows_written: int) -> None:
        if rows_written >= 500:  # the first chunk is already in the database by now
            raise RuntimeError("disk full")

    job = await imports.run_import(
        viewer,
        kind=ImportKind.KPI_RECORDS,
        file_name="h.csv",
        content=_csv(perf, bad=False),
        dry_run=False,
        on_write=explode,
    )
    assert job.status is ImportStatus.FAILED
    assert job.errors == [
        {
            "row": 0,
            "column": None,
            "message": "The import failed; nothing was written.",
            "code": "invalid",
        }
    ]
    assert sorted(await PerformanceRecord.all().values_list("id", "value")) == before


async def test_xlsx_and_gb18030_csv_are_read(api: Api, perf: Perf) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kpi_code", "period", "unit_code", "employee_number", "value"])
    sheet.append(["NC", "2026-02", "SH-SALES", None, 11])
    sheet.append(["NC", "2026-02", None, perf.world.people["sh_rep"].employee_number, 9.5])
    buffer = io.BytesIO()
    book.save(buffer)
    job = await _import(
        api, perf, buffer.getvalue(), dry=False, name="targets.xlsx", kind="TARGETS"
    )
    assert (job["status"], job["createdRows"]) == ("DONE", 2)
    assert await KpiTarget.filter(period="2026-02-01").count() == 2

    # Chinese headers, as Excel in China saves a CSV
    text = (
        "工号,指标编码,期间,数值\n"
        + f"{perf.world.people['sh_rep'].employee_number},CR,2026-02,12.5\n"
    )
    job = await _import(api, perf, text.encode("gb18030"), dry=False)
    assert (job["status"], job["createdRows"]) == ("DONE", 1)


async def test_branch_hr_imports_only_into_its_branch(api: Api, perf: Perf) -> None:
    rows = "employee_number,kpi_code,period,value\n"
    rows += f"{perf.world.people['sh_rep'].employee_number},CR,2026-02,10\n"
    rows += f"{perf.world.people['bj_rep'].employee_number},CR,2026-02,10\n"
    job = await _import(api, perf, rows.encode(), dry=True, viewer="branch_hr")
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(3, "employee_number")]


@pytest.mark.parametrize("viewer", ["manager", "employee", "executive", "admin"])
async def test_only_hr_imports(api: Api, perf: Perf, viewer: str) -> None:
    data = await api.data(
        IMPORT,
        {
            "kind": "KPI_RECORDS",
            "name": "a.csv",
            "content": base64.b64encode(b"x").decode(),
            "dry": True,
        },
        as_=perf.world.users[viewer],
    )
    assert data["importData"]["errors"][0]["code"] == "FORBIDDEN"


async def test_a_file_without_the_columns_is_refused_whole(api: Api, perf: Perf) -> None:
    job = await _import(api, perf, b"name,score\nx,1\n", dry=True)
    assert {e["column"] for e in job["errors"]} == {
        "employee_number",
        "kpi_code",
        "period",
        "value",
    }
    # One error per missing column, naming it and the headers read as it.
    period = next(e for e in job["errors"] if e["column"] == "period")
    assert period["message"] == (
        "Missing column Period: a header read as it is one of period, Period, 期间, 月份, 月度, Month."
    )
    assert period["choices"] == ["period", "Period", "期间", "月份", "月度", "Month"]
    other = await api.data(
        IMPORT,
        {
            "kind": "KPI_RECORDS",
            "name": "a.pdf",
            "content": base64.b64encode(b"x").decode(),
            "dry": True,
        },
        as_=perf.world.users["hq_hr"],
    )
    assert other["importData"]["job"]["errors"] == [
        {
            "row": 0,
            "column": "fileName",
            "message": "Upload a .csv / .xlsx file.",
            "code": "INVALID",
            "value": None,
            "choices": [],
        }
    ]


async def test_employees_are_created_updated_and_linked_to_managers(api: Api, perf: Perf) -> None:
    w = perf.world
    header = "employee_number,name,unit_code,position_code,hire_date,gender,personal_phone,manager_number\n"
    rows = (
        header
        + "N100,新人甲,SH-SALES-1,REP,2026-01-05,女,13800001111,N101\n"
        + "N101,新人乙,SH-SALES,REP,2026-01-05,男,,\n"
        + f"{w.people['sh_rep'].employee_number},改名了,SH-SALES-1,REP,2020-01-01,,,\n"
    )
    dry = await _import(api, perf, rows.encode(), dry=True, kind="EMPLOYEES", viewer="branch_hr")
    assert dry["status"] == "VALID", dry["errors"]
    done = await _import(api, perf, rows.encode(), dry=False, kind="EMPLOYEES", viewer="branch_hr")
    assert (done["createdRows"], done["updatedRows"]) == (2, 1)
    first = await Employee.get(employee_number="N100").select_related("manager")
    assert first.manager is not None and first.manager.employee_number == "N101"
    assert (await Employee.get(id=w.people["sh_rep"].id)).name == "改名了"
    again = await _import(api, perf, rows.encode(), dry=False, kind="EMPLOYEES", viewer="branch_hr")
    assert (again["createdRows"], again["updatedRows"], again["unchangedRows"]) == (
        0,
        0,
        3,
    )
    outside = header + "N200,外人,BJ-SALES,REP,2026-01-05,,,\n"
    refused = await _import(
        api, perf, outside.encode(), dry=True, kind="EMPLOYEES", viewer="branch_hr"
    )
    assert [(e["row"], e["column"]) for e in refused["errors"]] == [(2, "unit_code")]


async def test_an_import_moves_nobody_already_employed(api: Api, perf: Perf) -> None:
    """A change of unit or position is a TRANSFER through the approvals engine: a file nobody
    approves may create people and correct their details, never move someone already here."""
    w = perf.world
    rep = w.people["sh_rep"]
    header = "employee_number,name,unit_code,position_code,hire_date\n"
    moved = header + f"{rep.employee_number},{rep.name},SH-SALES,REP,2020-01-01\n"
    refused = await _import(
        api, perf, moved.encode(), dry=True, kind="EMPLOYEES", viewer="branch_hr"
    )
    assert [(e["row"], e["column"], e["code"]) for e in refused["errors"]] == [
        (2, "unit_code", "INVALID")
    ]
    before = await Employee.get(id=rep.id)
    # Its own unit and an empty position column: nothing moves, the position stays.
    kept = header + f"{rep.employee_number},改了名字,SH-SALES-1,,2020-01-01\n"
    done = await _import(api, perf, kept.encode(), dry=False, kind="EMPLOYEES", viewer="branch_hr")
    assert done["status"] == "DONE", done["errors"]
    after = await Employee.get(id=rep.id)
    assert (after.name, after.unit_id, after.position_id) == (
        "改了名字",
        before.unit_id,
        before.position_id,
    )


async def test_a_background_import_shows_its_progress_until_done(api: Api, perf: Perf) -> None:
    import asyncio

    started = await api.data(
        """mutation($c: String!) { importData(input: {kind: KPI_RECORDS, fileName: "h.csv",
            contentBase64: $c, dryRun: false, inBackground: true}) { job { id status } errors { code } } }""",
        {"c": base64.b64encode(_csv(perf, bad=False)).decode()},
        as_=perf.world.users["hq_hr"],
    )
    job = started["importData"]["job"]
    assert job["status"] == "RUNNING"
    seen = []
    for _ in range(200):
        polled = await api.data(
            "query($id: ID!) { importJob(id: $id) { status processedRows totalRows createdRows } }",
            {"id": job["id"]},
            as_=perf.world.users["hq_hr"],
        )
        seen.append(polled["importJob"])
        if polled["importJob"]["status"] != "RUNNING":
            break
        await asyncio.sleep(0.01)
    assert seen[-1] == {
        "status": "DONE",
        "processedRows": 1000,
        "totalRows": 1000,
        "createdRows": 1000,
    }
    # another HR user cannot follow someone else's job
    other = await api.data(
        "query($id: ID!) { importJob(id: $id) { status } }",
        {"id": job["id"]},
        as_=perf.world.users["branch_hr"],
    )
    assert other["importJob"] is None


async def test_the_latest_period_is_the_newest_the_viewer_may_see(api: Api, perf: Perf) -> None:
    from datetime import date

    from tests.performance.conftest import record

    await record(perf.cr, perf.world.people["bj_rep"], date(2026, 5, 1), "10")
    query = "query($k: ID!) { latestKpiPeriod(kpiId: $k) }"
    assert (await api.data(query, {"k": gid(perf.cr)}, as_=perf.world.users["hq_hr"]))[
        "latestKpiPeriod"
    ] == "2026-05-01"
    assert (await api.data(query, {"k": gid(perf.cr)}, as_=perf.world.users["branch_hr"]))[
        "latestKpiPeriod"
    ] == "2026-01-01"
    assert (await api.data(query, {"k": gid(perf.cr)}, as_=perf.world.users["admin"]))[
        "latestKpiPeriod"
    ] is None


async def test_a_background_import_is_queued_and_run_once_by_a_worker_of_this_process(
    api: Api, perf: Perf
) -> None:
    import asyncio

    from talentloop.graphql.ids import pk_of
    from talentloop.jobs.models import Job, JobState
    from talentloop.jobs.worker import default_name
    from talentloop.performance.models import ImportJob

    started = await api.data(
        """mutation($c: String!) { importData(input: {kind: KPI_RECORDS, fileName: "h.csv",
            contentBase64: $c, dryRun: false, inBackground: true}) { job { id } errors { code } } }""",
        {"c": base64.b64encode(_csv(perf, bad=False)).decode()},
        as_=perf.world.users["hq_hr"],
    )
    pk = pk_of(started["importData"]["job"]["id"], "ImportJob")
    for _ in range(300):
        job = await Job.get(kind=imports.JOB_KIND, subject_id=pk)
        if job.state is not JobState.QUEUED and job.state is not JobState.RUNNING:
            break
        await asyncio.sleep(0.02)
    assert (job.state, job.attempts, job.worker) == (JobState.DONE, 1, default_name())
    done = await ImportJob.get(id=pk)
    assert (done.status, done.created_rows, done.content) == (
        ImportStatus.DONE,
        1000,
        None,
    )


async def test_an_import_whose_worker_lost_its_claim_writes_nothing(perf: Perf) -> None:
    """A worker that stalled past the stale limit finds, at the end of its write transaction,
    that another worker took the job over: its rows are rolled back (the successor's run
    writes them)."""
    from datetime import UTC, datetime

    from talentloop.jobs import queue
    from talentloop.jobs.models import Job, JobState
    from talentloop.performance.models import ImportJob

    before = await PerformanceRecord.all().count()
    job = await ImportJob.create(
        kind=ImportKind.KPI_RECORDS,
        file_name="history.csv",
        dry_run=False,
        content=_csv(perf, bad=False),
        created_by_id=perf.world.users["hq_hr"].id,
    )
    # Claimed by "slow", then (it missed its heartbeats) taken over by "successor": written
    # as RUNNING rows directly, so that this process's own worker leaves the job alone.
    row = await Job.create(
        kind=imports.JOB_KIND,
        subject_id=job.id,
        state=JobState.RUNNING,
        attempts=2,
        worker="successor:2",
        heartbeat_at=datetime.now(UTC),
    )
    slow = queue.Claim(row.id, imports.JOB_KIND, job.id, attempt=1, worker="slow:1")

    with queue.running(slow), pytest.raises(queue.JobLost):
        await imports.run_queued(job.id)

    assert await PerformanceRecord.all().count() == before
    assert (await ImportJob.get(id=job.id)).status is ImportStatus.RUNNING  # the successor's


async def test_an_import_whose_workers_kept_stopping_fails_with_the_reason(
    api: Api, perf: Perf
) -> None:
    from datetime import UTC, datetime, timedelta

    from talentloop.jobs import queue
    from talentloop.jobs.models import Job, JobState
    from talentloop.jobs.worker import Worker
    from talentloop.performance.models import ImportJob

    job = await ImportJob.create(
        kind=ImportKind.KPI_RECORDS,
        file_name="history.csv",
        dry_run=False,
        content=_csv(perf, bad=False),
        created_by_id=perf.world.users["hq_hr"].id,
    )
    await Job.create(
        kind=imports.JOB_KIND,
        subject_id=job.id,
        state=JobState.RUNNING,
        attempts=queue.MAX_ATTEMPTS,
        worker="gone:3",
        heartbeat_at=datetime.now(UTC) - timedelta(minutes=5),
    )

    await Worker("sweeper:1").drain()

    polled = await api.data(
        "query($id: ID!) { importJob(id: $id) { status errors { row message } } }",
        {"id": gid(job)},
        as_=perf.world.users["hq_hr"],
    )
    assert polled["importJob"] == {
        "status": "FAILED",
        "errors": [{"row": 0, "message": queue.STOPPED.format(count=3)}],
    }
    assert (await ImportJob.get(id=job.id)).content is None


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        (ImportKind.KPI_RECORDS, "employee_number,kpi_code,period,value"),
        (ImportKind.TARGETS, "kpi_code,period,value,unit_code"),
        (ImportKind.EMPLOYEES, "employee_number,name,unit_code,hire_date"),
    ],
)
async def test_rows_are_checked_in_the_checking_process_with_progress_saved(
    perf: Perf, monkeypatch: pytest.MonkeyPatch, kind: ImportKind, header: str
) -> None:
    """Checking 100,000 rows is seconds of work: it runs in the file-checking process
    (talentloop.offload), and the job's progress is saved while it does."""
    checks_here: list[ImportKind] = []
    spec = import_kinds.SPECS[kind]
    monkeypatch.setitem(
        import_kinds.SPECS,
        kind,
        dataclasses.replace(spec, check=lambda *args: checks_here.append(kind)),  # type: ignore[arg-type,return-value]
    )
    saved: list[int] = []
    run = offload.run

    async def watched(fn, /, *args, on_progress=None, **kwargs):  # type: ignore[no-untyped-def]
        if on_progress is not None:
            await on_progress(2)  # as the child would report after its first chunk
            saved.append((await ImportJob.get(id=job_ids[-1])).processed_rows)
        return await run(fn, *args, on_progress=on_progress, **kwargs)

    job_ids: list[int] = []
    create = ImportJob.create

    async def created(**kwargs):  # type: ignore[no-untyped-def]
        job = await create(**kwargs)
        job_ids.append(job.id)
        return job

    monkeypatch.setattr(offload, "run", watched)
    monkeypatch.setattr(ImportJob, "create", created)
    content = "\n".join([header, *(f"X{i},a,2026-01,1" for i in range(5))]).encode()
    viewer = await load_viewer(perf.world.users["hq_hr"].id)
    job = await imports.run_import(
        viewer, kind=kind, file_name="h.csv", content=content, dry_run=True
    )
    assert job.total_rows == 5 and job.processed_rows == 5 and job.errors
    assert checks_here == []  # the rows were checked in the other process
    assert saved == [2]


def test_a_checked_employees_values_come_back_as_the_check_made_them() -> None:
    """Kept as a tuple between the check and the write (import_rows.EMPLOYEE_VALUES): the dict
    comes back in its order, a None kept as None and a column the row left out left out."""
    values = {
        "name": "张三",
        "hire_date": date(2020, 1, 1),
        "termination_date": date(2024, 1, 1),
        "termination_reason": "个人原因",
        "status": EmployeeStatus.TERMINATED,
        "unit_id": 3,
        "position_id": None,
    }
    packed = import_rows.packed_values(values)
    assert len(packed) == len(import_rows.EMPLOYEE_VALUES)
    assert list(import_rows.employee_values(packed).items()) == list(values.items())
    with pytest.raises(AssertionError):
        import_rows.packed_values({**values, "manager_id": 1})
