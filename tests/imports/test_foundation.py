"""What every import kind shares (issue 22): column mapping (by name, as HR mapped it, saved
per kind), the mode, a dry run that counts what the real run would do, the audit trail of
every record written, and undo."""

from __future__ import annotations

import base64
from typing import Any

from talentloop.access.viewer import load_viewer
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.imports import rows as rows_module
from talentloop.imports import service
from talentloop.imports.models import ImportChange, ImportMapping
from talentloop.people.models import Employee
from talentloop.performance.models import ImportJob, ImportKind, ImportStatus, PerformanceRecord
from tests.performance.conftest import Perf
from tests.support import Api

IMPORT = """mutation($input: ImportDataInput!) {
  importData(input: $input) {
    job {
      id status createdRows updatedRows unchangedRows ignoredColumns undoneAt
      columnMapping { header column }
      errors { row column message code value choices }
    }
    errors { field code message }
  }
}"""
UNDO = """mutation($id: ID!) {
  undoImport(id: $id) { job { id undoneAt } errors { field code message } }
}"""
KINDS = "{ importKinds { kind columns { key header required keyColumn } } }"


async def _run(api: Api, perf: Perf, text: str, *, viewer: str = "hq_hr", **options: Any) -> dict:
    content = base64.b64encode(text.encode()).decode()
    options.setdefault("dryRun", False)
    options.setdefault("kind", "KPI_RECORDS")
    data = await api.data(
        IMPORT,
        {"input": {"fileName": "f.csv", "contentBase64": content, **options}},
        as_=perf.world.users[viewer],
    )
    assert data["importData"]["errors"] == [], data
    job: dict = data["importData"]["job"]
    return job


def _number(perf: Perf, person: str = "sh_rep") -> str:
    return perf.world.people[person].employee_number


async def test_headers_in_chinese_and_odd_case_are_read_and_unknown_ones_listed(
    api: Api, perf: Perf
) -> None:
    text = f"工号,KPI Code,月份,实际值,备注\n{_number(perf)},nc,2025-03,7,人工录入\n"
    job = await _run(api, perf, text, dryRun=True)
    assert job["columnMapping"] == [
        {"header": "工号", "column": "employee_number"},
        {"header": "KPI Code", "column": "kpi_code"},
        {"header": "月份", "column": "period"},
        {"header": "实际值", "column": "value"},
        {"header": "备注", "column": None},
    ]
    assert job["ignoredColumns"] == ["备注"]


async def test_a_mapping_given_once_is_kept_for_the_kinds_next_file(api: Api, perf: Perf) -> None:
    text = f"人员,指标,期,量\n{_number(perf)},NC,2025-03,7\n"
    columns = [
        {"header": "人员", "column": "employee_number"},
        {"header": "指标", "column": "kpi_code"},
        {"header": "期", "column": "period"},
        {"header": "量", "column": "value"},
    ]
    job = await _run(api, perf, text, columns=columns)
    assert (job["status"], job["createdRows"]) == ("DONE", 1)
    kept = await ImportMapping.get(kind="kpi_records")
    assert kept.columns["人员"] == "employee_number"
    again = await _run(api, perf, f"人员,指标,期,量\n{_number(perf)},NC,2025-03,8\n")
    assert (again["status"], again["updatedRows"]) == ("DONE", 1)


async def test_values_mapped_are_read_as_mapped(api: Api, perf: Perf) -> None:
    text = f"employee_number,kpi_code,period,value\n{_number(perf)},新客户,2025-04,3\n"
    job = await _run(
        api, perf, text, values=[{"column": "kpi_code", "value": "新客户", "readAs": "NC"}]
    )
    assert (job["status"], job["createdRows"]) == ("DONE", 1)


async def test_a_dry_run_counts_what_the_import_would_do_and_writes_nothing(
    api: Api, perf: Perf
) -> None:
    first = f"employee_number,kpi_code,period,value\n{_number(perf)},NC,2025-05,3\n"
    await _run(api, perf, first)
    before = await PerformanceRecord.all().count()
    audited = await AuditEntry.all().count()
    text = first.replace(",3\n", ",4\n") + f"{_number(perf, 'sh_rep2')},NC,2025-05,2\n"
    dry = await _run(api, perf, text, dryRun=True)
    assert (dry["status"], dry["createdRows"], dry["updatedRows"]) == ("VALID", 1, 1)
    assert await PerformanceRecord.all().count() == before
    assert await AuditEntry.all().count() == audited
    assert await ImportChange.filter(job_id=int(await _pk(dry))).count() == 0


async def _pk(job: dict) -> int:
    found = await ImportJob.all().order_by("-id").first()
    assert found is not None
    return found.id


async def test_modes_refuse_the_rows_they_do_not_allow(api: Api, perf: Perf) -> None:
    existing = f"employee_number,kpi_code,period,value\n{_number(perf)},NC,2025-06,3\n"
    await _run(api, perf, existing)
    both = existing.replace(",3\n", ",4\n") + f"{_number(perf, 'sh_rep2')},NC,2025-06,2\n"
    insert = await _run(api, perf, both, mode="INSERT")
    assert insert["status"] == "INVALID"
    assert [(e["row"], e["code"]) for e in insert["errors"]] == [(2, "DUPLICATE")]
    update = await _run(api, perf, both, mode="UPDATE")
    assert [(e["row"], e["code"]) for e in update["errors"]] == [(3, "NOT_FOUND")]
    record = await PerformanceRecord.get(
        employee_id=perf.world.people["sh_rep"].id, period="2025-06-01"
    )
    assert str(record.value.normalize()) == "3"  # nothing written by the refused imports


async def test_every_record_written_is_audited_with_before_and_after(api: Api, perf: Perf) -> None:
    text = f"employee_number,kpi_code,period,value\n{_number(perf)},NC,2025-07,3\n"
    await _run(api, perf, text)
    await _run(api, perf, text.replace(",3\n", ",5\n"))
    record = await PerformanceRecord.get(
        employee_id=perf.world.people["sh_rep"].id, period="2025-07-01"
    )
    entries = await AuditEntry.filter(
        subject_type="PerformanceRecord", subject_id=record.id
    ).order_by("id")
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert entries[1].field == "value"
    assert (entries[1].before, entries[1].after) == ({"value": "3.0000"}, {"value": "5.0000"}) or (
        entries[1].before["value"].startswith("3") and entries[1].after["value"].startswith("5")
    )
    imports = await AuditEntry.filter(action=AuditAction.IMPORT).order_by("id")
    assert [e.after["created"] for e in imports] == [1, 0]
    assert [e.after["updated"] for e in imports] == [0, 1]


async def test_undo_puts_back_what_changed_and_removes_what_was_created(
    api: Api, perf: Perf
) -> None:
    text = f"employee_number,kpi_code,period,value\n{_number(perf)},NC,2025-08,3\n"
    await _run(api, perf, text)
    second = text.replace(",3\n", ",6\n") + f"{_number(perf, 'sh_rep2')},NC,2025-08,2\n"
    job = await _run(api, perf, second)
    assert (job["createdRows"], job["updatedRows"]) == (1, 1)
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == [] and undone["undoImport"]["job"]["undoneAt"]
    rows = await PerformanceRecord.filter(period="2025-08-01")
    assert [(r.employee_id, str(r.value.normalize())) for r in rows] == [
        (perf.world.people["sh_rep"].id, "3")
    ]
    assert await AuditEntry.filter(action=AuditAction.IMPORT_UNDONE).count() == 1
    again = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert [e["code"] for e in again["undoImport"]["errors"]] == ["CONFLICT"]


async def test_undo_is_refused_once_a_record_changed_since(api: Api, perf: Perf) -> None:
    text = f"employee_number,kpi_code,period,value\n{_number(perf)},NC,2025-09,3\n"
    job = await _run(api, perf, text)
    await PerformanceRecord.filter(period="2025-09-01").update(value=9)
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert [e["code"] for e in undone["undoImport"]["errors"]] == ["CONFLICT"]
    assert await PerformanceRecord.filter(period="2025-09-01").count() == 1


async def test_undo_of_employees_is_refused_while_a_later_record_points_at_one(
    api: Api, perf: Perf
) -> None:
    unit = perf.world.units["SH-SALES"].code
    text = f"employee_number,name,unit_code,hire_date\nIMP-1,导入一,{unit},2025-01-02\n"
    job = await _run(api, perf, text, kind="EMPLOYEES")
    assert (job["status"], job["createdRows"]) == ("DONE", 1)
    person = await Employee.get(employee_number="IMP-1")
    await PerformanceRecord.create(
        employee_id=person.id, kpi_id=perf.nc.id, period="2025-01-01", value=1
    )
    refused = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert [e["code"] for e in refused["undoImport"]["errors"]] == ["CONFLICT"]
    await PerformanceRecord.filter(employee_id=person.id).delete()
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == []
    assert not await Employee.filter(employee_number="IMP-1").exists()


async def test_someone_elses_import_cannot_be_undone_and_reads_as_missing(
    api: Api, perf: Perf
) -> None:
    text = f"employee_number,kpi_code,period,value\n{_number(perf)},NC,2025-10,3\n"
    job = await _run(api, perf, text)
    refused = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["branch_hr"])
    assert [e["code"] for e in refused["undoImport"]["errors"]] == ["NOT_FOUND"]


async def test_the_kinds_offered_are_those_the_viewer_may_import(api: Api, perf: Perf) -> None:
    hr = await api.data(KINDS, as_=perf.world.users["hq_hr"])
    kinds = {k["kind"]: k for k in hr["importKinds"]}
    assert {"EMPLOYEES", "KPI_RECORDS", "TARGETS"} <= set(kinds)
    employee_columns = {c["key"]: c for c in kinds["EMPLOYEES"]["columns"]}
    assert employee_columns["employee_number"]["keyColumn"]
    assert employee_columns["employee_number"]["required"]
    worker = await api.data(KINDS, as_=perf.world.users["employee"])
    assert worker["importKinds"] == []


async def test_a_file_of_several_chunks_is_checked_as_one(perf: Perf) -> None:
    """The rows go to the checking process and are checked CHECK_CHUNK at a time (each chunk
    let go of once checked): the row numbers run on, and a row repeating one of an earlier
    chunk is still refused as the same record."""
    rows = rows_module.CHECK_CHUNK + 100
    lines = [f"{_number(perf)},NC,2025-03,7"]
    lines += [f"X{i:05d},NC,2025-03,7" for i in range(rows - 2)]
    lines.append(f"{_number(perf)},NC,2025-03,8")
    viewer = await load_viewer(perf.world.users["hq_hr"].id)
    job = await service.run_import(
        viewer,
        kind=ImportKind.KPI_RECORDS,
        file_name="f.csv",
        content=("employee_number,kpi_code,period,value\n" + "\n".join(lines)).encode(),
        dry_run=True,
    )
    assert (job.status, job.total_rows, job.processed_rows) == (ImportStatus.INVALID, rows, rows)
    assert [e["row"] for e in job.errors] == list(range(3, rows + 2))
    assert {e["code"] for e in job.errors[:-1]} == {"not_found"}
    assert (job.errors[-1]["code"], job.errors[-1]["params"]) == ("duplicate", {"other": 2})
