"""What the import wizard asks of the server (issue 22 points 2–6): a file's preview (headers
matched, first rows, missing columns, values to map), the bad rows grouped with their values,
the file back with an error column, and the history of imports."""

from __future__ import annotations

import base64
import io
from typing import Any

from openpyxl import load_workbook

from talentloop.people.models import Employee, EmployeeStatus
from talentloop.performance.import_rows import STATUS_CHOICES
from talentloop.performance.models import ImportJob, ImportKind, ImportStatus
from tests.performance.conftest import Perf
from tests.support import Api, StatementCounter, access_token

PREVIEW = """mutation($input: ImportPreviewInput!) {
  previewImport(input: $input) {
    preview {
      headers { header column } rows totalRows missingColumns
      values { column values { value readAs } choices }
    }
    errors { field code message }
  }
}"""
IMPORT = """mutation($input: ImportDataInput!) {
  importData(input: $input) {
    job {
      id status createdRows createdBy
      errorGroups { column code message count rows values choices }
    }
    errors { field code message }
  }
}"""
JOBS = """query($first: Int!, $after: String, $filter: ImportJobFilter) {
  importJobs(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind status createdRows createdBy undoneAt errorGroups { count } } }
  }
}"""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def _preview(api: Api, perf: Perf, text: str, kind: str, viewer: str = "hq_hr") -> dict:
    data = await api.data(
        PREVIEW,
        {"input": {"kind": kind, "fileName": "f.csv", "contentBase64": _b64(text)}},
        as_=perf.world.users[viewer],
    )
    result: dict = data["previewImport"]
    return result


async def _import(api: Api, perf: Perf, text: str, viewer: str = "hq_hr", **options: Any) -> dict:
    options.setdefault("kind", "KPI_RECORDS")
    data = await api.data(
        IMPORT,
        {"input": {"fileName": "f.csv", "contentBase64": _b64(text), **options}},
        as_=perf.world.users[viewer],
    )
    assert data["importData"]["errors"] == [], data
    job: dict = data["importData"]["job"]
    return job


def _number(perf: Perf, person: str = "sh_rep") -> str:
    return perf.world.people[person].employee_number


EMPLOYEES = "工号,姓名,部门编码,入职日期,状态,爱好\n"


async def test_a_preview_matches_chinese_headers_lists_unknown_ones_and_the_values_to_map(
    api: Api, perf: Perf
) -> None:
    rows = "".join(
        f"WZ{i},新人{i},SH-SALES,2026-03-0{i},{s},跑步\n"
        for i, s in [(1, "在职"), (2, "在岗"), (3, "在职"), (4, "试用"), (5, "在职"), (6, "")]
    )
    answer = await _preview(api, perf, EMPLOYEES + rows, "EMPLOYEES")
    assert answer["errors"] == []
    preview = answer["preview"]
    assert preview["headers"] == [
        {"header": "工号", "column": "employee_number"},
        {"header": "姓名", "column": "name"},
        {"header": "部门编码", "column": "unit_code"},
        {"header": "入职日期", "column": "hire_date"},
        {"header": "状态", "column": "status"},
        {"header": "爱好", "column": None},
    ]
    assert preview["totalRows"] == 6
    assert len(preview["rows"]) == 5
    assert preview["rows"][0] == ["WZ1", "新人1", "SH-SALES", "2026-03-01", "在职", "跑步"]
    assert preview["missingColumns"] == []
    status = next(c for c in preview["values"] if c["column"] == "status")
    assert status["values"] == [
        {"value": "在职", "readAs": "active"},
        {"value": "在岗", "readAs": None},
        {"value": "试用", "readAs": "probation"},
    ]
    assert {"active", "probation", "on_leave"} <= set(status["choices"])
    # a column of few values is offered too (its choices are empty without a fixed set)
    assert {c["column"] for c in preview["values"]} >= {"unit_code", "status"}


async def test_a_preview_names_the_missing_required_columns_and_reads_nothing_into_the_db(
    api: Api, perf: Perf
) -> None:
    answer = await _preview(api, perf, f"工号,月份\n{_number(perf)},2025-03\n", "KPI_RECORDS")
    assert answer["preview"]["missingColumns"] == ["kpi_code", "value"]
    assert await ImportJob.all().count() == 0


async def test_a_preview_is_refused_to_who_may_not_import_and_for_bad_files(
    api: Api, perf: Perf
) -> None:
    refused = await _preview(api, perf, "工号\nE1\n", "KPI_RECORDS", viewer="employee")
    assert refused["preview"] is None
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    empty = await _preview(api, perf, "", "KPI_RECORDS")
    assert [e["field"] for e in empty["errors"]] == ["file"]
    data = await api.data(
        PREVIEW,
        {"input": {"kind": "KPI_RECORDS", "fileName": "f.txt", "contentBase64": _b64("a\n1\n")}},
        as_=perf.world.users["hq_hr"],
    )
    assert [e["field"] for e in data["previewImport"]["errors"]] == ["fileName"]


async def test_the_kinds_value_synonyms_and_hrs_value_mapping_are_applied_by_the_import(
    api: Api, perf: Perf
) -> None:
    text = EMPLOYEES + "WZ1,新人1,SH-SALES,2026-03-01,在职,\nWZ2,新人2,SH-SALES,2026-03-01,在岗,\n"
    values = [{"column": "status", "value": "在岗", "readAs": "on_leave"}]
    job = await _import(api, perf, text, kind="EMPLOYEES", dryRun=False, values=values)
    assert (job["status"], job["createdRows"]) == ("DONE", 2)
    assert job["createdBy"] == "hq_hr"
    statuses = dict(
        await Employee.filter(employee_number__in=["WZ1", "WZ2"]).values_list(
            "employee_number", "status"
        )
    )
    assert statuses == {"WZ1": EmployeeStatus.ACTIVE, "WZ2": EmployeeStatus.ON_LEAVE}


async def test_bad_rows_are_grouped_by_column_and_problem_with_the_values_seen(
    api: Api, perf: Perf
) -> None:
    me = _number(perf)
    text = (
        "工号,指标编码,期间,数值\n"
        f"NOPE1,NC,2025-03,1\nNOPE2,NC,2025-03,2\nNOPE1,NC,2025-03,3\n{me},NC,2025-13,4\n"
    )
    job = await _import(api, perf, text, dryRun=True)
    assert job["status"] == "INVALID"
    groups = {(g["column"], g["code"]): g for g in job["errorGroups"]}
    unknown = groups[("employee_number", "NOT_FOUND")]
    assert (unknown["count"], unknown["rows"], unknown["values"]) == (
        3,
        [2, 3, 4],
        ["NOPE1", "NOPE2"],
    )
    assert groups[("period", "INVALID")]["values"] == ["2025-13"]
    people = EMPLOYEES + "WZ1,新人1,SH-SALES,2026-03-01,离开,\n"
    job = await _import(api, perf, people, kind="EMPLOYEES", dryRun=True)
    status = next(g for g in job["errorGroups"] if g["column"] == "status")
    assert status["values"] == ["离开"]
    assert status["choices"] == STATUS_CHOICES


async def _annotated(
    api: Api, perf: Perf, job_id: str, content: bytes, viewer: str | None, **headers: str
) -> Any:
    sent = {"Content-Type": "application/octet-stream", **headers}
    if viewer is not None:
        sent["Authorization"] = f"Bearer {await access_token(perf.world.users[viewer])}"
    pk = base64.b64decode(job_id).decode().partition(":")[2]
    return await api.http.post(f"/imports/{pk}/annotated", content=content, headers=sent)


async def test_the_file_comes_back_with_an_error_column_for_its_owner_and_hq_hr_only(
    api: Api, perf: Perf
) -> None:
    me = _number(perf, "sh_rep2")
    text = f"工号,指标编码,期间,数值,备注\nNOPE1,NC,2025-03,1,x\n{me},NC,2025-03,2,y\n"
    job = await _import(api, perf, text, viewer="branch_hr", dryRun=True)
    answer = await _annotated(
        api, perf, job["id"], text.encode(), "branch_hr", **{"Accept-Language": "zh-CN"}
    )
    assert answer.status_code == 200, answer.text
    assert "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["工号", "指标编码", "期间", "数值", "备注", "错误"]  # the viewer's language
    assert rows[1][:5] == ["NOPE1", "NC", "2025-03", "1", "x"]
    assert rows[1][5].startswith("工号: ")
    assert rows[2][5] == ""
    assert (await _annotated(api, perf, job["id"], text.encode(), "hq_hr")).status_code == 200
    other = await _annotated(api, perf, job["id"], text.encode(), "bj_hr")
    missing = await _annotated(api, perf, "SW1wb3J0Sm9iOjk5OTk5", text.encode(), "bj_hr")
    assert (
        (other.status_code, other.content)
        == (missing.status_code, missing.content)
        == (
            404,
            b"Not found.",
        )
    )
    assert (await _annotated(api, perf, job["id"], text.encode(), None)).status_code == 401
    wrong = await _annotated(
        api, perf, job["id"], text.encode(), "branch_hr", **{"Content-Type": "text/csv"}
    )
    assert wrong.status_code == 415


async def test_the_history_lists_ones_own_imports_and_every_one_for_hq_hr(
    api: Api, perf: Perf
) -> None:
    row = f"工号,指标编码,期间,数值\n{_number(perf, 'sh_rep2')},NC,2025-03,1\n"
    mine = await _import(api, perf, row, viewer="branch_hr", dryRun=True)
    theirs = await _import(api, perf, "工号\nNOPE\n", viewer="hq_hr", dryRun=True)
    users = perf.world.users
    data = await api.data(JOBS, {"first": 10}, as_=users["branch_hr"])
    assert [e["node"]["id"] for e in data["importJobs"]["edges"]] == [mine["id"]]
    data = await api.data(JOBS, {"first": 10}, as_=users["hq_hr"])
    assert [e["node"]["id"] for e in data["importJobs"]["edges"]] == [theirs["id"], mine["id"]]
    assert data["importJobs"]["edges"][1]["node"]["createdBy"] == "branch_hr"
    valid = {"status": "VALID", "kind": "KPI_RECORDS"}
    data = await api.data(JOBS, {"first": 10, "filter": valid}, as_=users["hq_hr"])
    assert [e["node"]["id"] for e in data["importJobs"]["edges"]] == [mine["id"]]
    data = await api.data(JOBS, {"first": 1}, as_=users["hq_hr"])
    assert data["importJobs"]["totalCount"] == 2 and data["importJobs"]["pageInfo"]["hasNextPage"]
    after = data["importJobs"]["pageInfo"]["endCursor"]
    data = await api.data(JOBS, {"first": 1, "after": after}, as_=users["hq_hr"])
    assert [e["node"]["id"] for e in data["importJobs"]["edges"]] == [mine["id"]]
    data = await api.data(JOBS, {"first": 10}, as_=users["employee"])
    assert data["importJobs"]["edges"] == []
    body = await api.run("{ importJobs(first: 101) { totalCount } }", as_=users["hq_hr"])
    assert body["errors"]


async def _jobs(perf: Perf, n: int) -> None:
    for user in ("hq_hr", "branch_hr"):
        for _ in range(n):
            await ImportJob.create(
                kind=ImportKind.KPI_RECORDS,
                file_name="f.csv",
                dry_run=False,
                status=ImportStatus.DONE,
                created_by=perf.world.users[user],
            )


async def test_the_history_costs_the_same_statements_for_3_jobs_as_for_30(
    api: Api, perf: Perf
) -> None:
    async def count() -> int:
        user = perf.world.users["hq_hr"]
        await api.data(JOBS, {"first": 100}, as_=user)
        with StatementCounter() as counter:
            await api.data(JOBS, {"first": 100}, as_=user)
        return counter.count

    await _jobs(perf, 3)
    few = await count()
    await _jobs(perf, 27)
    assert await count() == few
