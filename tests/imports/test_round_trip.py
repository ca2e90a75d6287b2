"""Every import kind's files (issue 22 points 6 and 7): an export imported again changes
nothing, one changed cell changes exactly its row (audited, undone), the template imports and
lists the codes its kind accepts; and the routes answer only who may import the kind.

Each kind with an `export` brings its data in tests/imports/round_trip.py."""

from __future__ import annotations

import asyncio
import base64
import io

import pytest
from openpyxl import load_workbook

from talentloop import spreadsheets
from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.graphql.ids import pk_of
from talentloop.i18n import CHINESE, ENGLISH, language
from talentloop.imports import files, kinds
from talentloop.performance.models import ImportJob, ImportKind, ImportStatus
from tests.imports.round_trip import ELSEWHERE, FIXTURES, TEMPLATE_UNKNOWN
from tests.imports.test_foundation import IMPORT, UNDO
from tests.performance.conftest import Perf
from tests.support import Api

KINDS = [pytest.param(k, id=k.value) for k in kinds.kinds()]


async def download(api: Api, path: str, user: User, lang: str = "en") -> bytes:
    answer = await api.http.get(
        path,
        headers={"Authorization": f"Bearer {await api.token(user)}", "Accept-Language": lang},
    )
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    return answer.content


async def run_import(
    api: Api, user: User, kind: ImportKind, name: str, content: bytes, *, dry_run: bool
) -> dict:
    data = await api.data(
        IMPORT,
        {
            "input": {
                "kind": kind.name,
                "fileName": name,
                "contentBase64": base64.b64encode(content).decode(),
                "dryRun": dry_run,
            }
        },
        as_=user,
    )
    assert data["importData"]["errors"] == [], data
    job: dict = data["importData"]["job"]
    return job


def _camel(name: str) -> str:
    """The audit trail names fields as the API does (workPhone)."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def rows_of(name: str, content: bytes) -> list[tuple[str, ...]]:
    return spreadsheets.read_rows(name, content, max_rows=10_000, max_bytes=10**8)


@pytest.mark.parametrize("kind", KINDS)
async def test_an_export_imports_unchanged_and_one_changed_cell_updates_exactly_its_row(
    api: Api, perf: Perf, kind: ImportKind
) -> None:
    spec = kinds.spec(kind)
    if spec.export is None:
        pytest.skip("the kind has no export")
    if kind in ELSEWHERE:
        pytest.skip(f"tested with its own data: {ELSEWHERE[kind]}")
    assert kind in FIXTURES, f"register {kind.value}'s data in tests/imports/round_trip.py"
    change = await FIXTURES[kind](perf)
    hq = perf.world.users["hq_hr"]

    for file_format in ("xlsx", "csv"):
        exported = await download(api, f"/imports/{kind.value}/export.{file_format}", hq)
        rows = rows_of(f"export.{file_format}", exported)
        assert len(rows) > 1, "the fixture's records are exported"
        again = await run_import(api, hq, kind, f"export.{file_format}", exported, dry_run=True)
        assert again["errors"] == [], again["errors"][:5]
        assert (
            again["status"],
            again["createdRows"],
            again["updatedRows"],
            again["unchangedRows"],
        ) == ("VALID", 0, 0, len(rows) - 1)

    header, body = list(rows[0]), [list(r) for r in rows[1:]]
    keys = kinds.match_columns(spec, header)
    assert keys == [c.key for c in spec.columns]  # the export's headers read back as its columns
    found = [
        i
        for i, row in enumerate(body)
        if all(row[keys.index(k)] == v for k, v in change.match.items())
    ]
    assert len(found) == 1, (change.match, body[:5])
    row = body[found[0]]
    row += [""] * (len(header) - len(row))
    row[keys.index(change.column)] = change.value
    before = getattr(await change.record(), change.field)
    last_entry = await AuditEntry.all().order_by("-id").first()
    assert last_entry is not None

    job = await run_import(
        api, hq, kind, "changed.csv", spreadsheets.table_csv(header, body), dry_run=False
    )
    assert (job["status"], job["createdRows"], job["updatedRows"], job["unchangedRows"]) == (
        "DONE",
        0,
        1,
        len(body) - 1,
    ), job["errors"][:5]
    record = await change.record()
    assert getattr(record, change.field) != before
    updates = await AuditEntry.filter(id__gt=last_entry.id, action=AuditAction.UPDATE)
    assert [(e.subject_type, e.subject_id, e.field) for e in updates] == [
        (type(record).__name__, record.pk, _camel(change.field))
    ]
    assert updates[0].before is not None and updates[0].after is not None
    assert updates[0].before != updates[0].after

    undone = await api.data(UNDO, {"id": job["id"]}, as_=hq)
    assert undone["undoImport"]["errors"] == []
    assert getattr(await change.record(), change.field) == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", [CHINESE, ENGLISH])
async def test_the_template_imports_and_its_codes_sheet_lists_the_kinds_choices(
    api: Api, perf: Perf, kind: ImportKind, lang: str
) -> None:
    spec = kinds.spec(kind)
    hq = perf.world.users["hq_hr"]
    content = await download(
        api, f"/imports/{kind.value}/template.xlsx", hq, "zh-CN" if lang == CHINESE else "en"
    )
    book = load_workbook(io.BytesIO(content))
    first, *others = book.worksheets
    header = [c.value for c in first[1]]
    expected = [(c.zh or c.header) if lang == CHINESE else c.header for c in spec.columns]
    assert header == expected
    assert first.max_row == 1 + files.EXAMPLE_ROWS

    job = await run_import(api, hq, kind, "template.xlsx", content, dry_run=True)
    # Its example codes that the test world does not have are the only failures allowed.
    failures = {(e["column"], e["code"]) for e in job["errors"]}
    if kind in TEMPLATE_UNKNOWN:
        assert failures <= TEMPLATE_UNKNOWN[kind], job["errors"]
    else:  # another domain's kind: only codes the performance world does not have
        assert {code for _, code in failures} <= {"NOT_FOUND"}, job["errors"]
    if not failures:
        assert job["status"] == "VALID"

    if spec.choices is None:
        return
    with language(lang):
        choices = await spec.choices(await load_viewer(hq.id))
        names = dict(zip([c.key for c in spec.columns], files.headers(spec), strict=True))
    assert [s.title for s in others] == [spreadsheets.sheet_title(files.CODES_SHEET)]
    listed: dict[str, list[str]] = {}
    for column in others[0].iter_cols(values_only=True):
        listed[str(column[0])] = [str(v) for v in column[1:] if v is not None]
    assert listed == {names[key]: values for key, values in choices.items() if values}
    assert all(listed.values())


async def test_the_performance_kinds_list_the_codes_the_viewer_may_use(perf: Perf) -> None:
    branch = await load_viewer(perf.world.users["branch_hr"].id)
    with language(ENGLISH):
        employees = await kinds.spec(ImportKind.EMPLOYEES).choices(branch)  # type: ignore[misc]
        targets = await kinds.spec(ImportKind.TARGETS).choices(branch)  # type: ignore[misc]
    assert employees["unit_code"] == ["SH", "SH-HR", "SH-PROD", "SH-SALES", "SH-SALES-1"]
    assert employees["position_code"] == ["MGR", "REP"]
    assert employees["status"] == ["probation", "active", "on_leave", "terminated"]
    assert targets["kpi_code"] == ["CHURN", "CR", "NC"]
    assert targets["unit_code"] == employees["unit_code"]


async def test_an_export_holds_only_what_its_viewer_may_import_and_is_audited(
    api: Api, perf: Perf
) -> None:
    branch = perf.world.users["branch_hr"]
    content = await download(api, "/imports/employees/export.csv", branch)
    rows = rows_of("e.csv", content)
    numbers = {r[0] for r in rows[1:]}
    people = perf.world.people
    # Shanghai's people, not the branch HR themself, nobody of Beijing or HQ.
    assert numbers == {
        people[p].employee_number for p in ("sh_sales_head", "sh_rep", "sh_rep2", "sh_worker")
    }
    spec = kinds.spec(ImportKind.EMPLOYEES)
    keys = [c.key for c in spec.columns]
    sh_rep = next(r for r in rows if r[0] == people["sh_rep"].employee_number)
    cell = dict(zip(keys, list(sh_rep) + [""] * len(keys), strict=False))
    # the manager is in scope; the CEO (HQ) is not, so sh_worker's manager is left empty
    assert cell["manager_number"] == people["sh_sales_head"].employee_number
    worker = next(r for r in rows if r[0] == people["sh_worker"].employee_number)
    assert dict(zip(keys, list(worker) + [""] * len(keys), strict=False))["manager_number"] == ""
    # full ID and bank numbers never leave here (privacy/exports.py does that, approved)
    assert (cell["id_number"], cell["bank_account"]) == ("", "")
    assert cell["base_salary"] == "8000"
    entry = await AuditEntry.filter(action=AuditAction.EXPORT).order_by("-id").first()
    assert entry is not None and entry.actor_user_id == branch.id
    assert entry.after == {"kind": "employees", "format": "csv", "rows": 4}


async def test_records_of_a_closed_month_are_left_out_of_the_export(api: Api, perf: Perf) -> None:
    from datetime import UTC, date, datetime

    from talentloop.performance.models import PeriodClose

    hq = perf.world.users["hq_hr"]
    before = rows_of("r.csv", await download(api, "/imports/kpi_records/export.csv", hq))
    await PeriodClose.create(
        month=date(2026, 1, 1),
        unit_id=perf.world.units["SH"].id,
        unit_path=perf.world.units["SH"].path,
        closed_at=datetime.now(UTC),
        closed_by_user_id=hq.id,
    )
    after = rows_of("r.csv", await download(api, "/imports/kpi_records/export.csv", hq))
    assert {r[0] for r in after[1:]} == {perf.world.people["bj_rep"].employee_number}
    assert len(after) < len(before)


async def test_who_may_not_import_a_kind_finds_none_of_its_files(api: Api, perf: Perf) -> None:
    manager = perf.world.users["manager"]
    token = await api.token(manager)
    for path in (
        "/imports/kpi_records/template.xlsx",
        "/imports/kpi_records/export.xlsx",
        "/imports/kpi_records/export.csv",
    ):
        answer = await api.http.get(path, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 404, path
    upload = await api.http.post(
        "/imports/kpi_records?name=f.csv",
        content=b"employee_number,kpi_code,period,value\n",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"},
    )
    assert upload.status_code == 404
    hq_token = await api.token(perf.world.users["hq_hr"])
    for path in ("/imports/nothing/template.xlsx", "/imports/kpi_records/export.pdf"):
        answer = await api.http.get(path, headers={"Authorization": f"Bearer {hq_token}"})
        assert answer.status_code == 404, path
    assert (await api.http.get("/imports/kpi_records/template.xlsx")).status_code == 401
    assert await AuditEntry.filter(action=AuditAction.EXPORT).count() == 0


async def test_a_file_sent_raw_is_queued_and_imported(api: Api, perf: Perf) -> None:
    hq = perf.world.users["hq_hr"]
    headers = {
        "Authorization": f"Bearer {await api.token(hq)}",
        "Content-Type": "application/octet-stream",
    }
    number = perf.world.people["sh_rep"].employee_number
    text = f"工号,指标编码,期间,数值\n{number},NC,2025-02,3\n{number},CR,2025-02,11\n"
    answer = await api.http.post(
        "/imports/KPI_RECORDS",
        params={"name": "history.csv"},
        content=text.encode(),
        headers=headers,
    )
    assert answer.status_code == 202, answer.text
    pk = pk_of(answer.json()["job"]["id"], "ImportJob")
    assert pk is not None
    for _ in range(300):
        job = await ImportJob.get(id=pk)
        if job.status is not ImportStatus.RUNNING:
            break
        await asyncio.sleep(0.02)
    assert (job.status, job.created_rows) == (ImportStatus.DONE, 2), job.errors

    refused = await api.http.post(
        "/imports/kpi_records",
        params={"name": "h.csv"},
        content=text.encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert refused.status_code == 415
    bad_mode = await api.http.post(
        "/imports/kpi_records",
        params={"name": "h.csv", "mode": "merge"},
        content=text.encode(),
        headers=headers,
    )
    assert (bad_mode.status_code, bad_mode.json()["errors"][0]["field"]) == (400, "mode")
    too_big = await api.http.post(
        "/imports/kpi_records",
        params={"name": "h.csv"},
        content=text.encode(),
        headers={**headers, "Content-Length": str(64 * 1024 * 1024 + 1)},
    )
    assert too_big.status_code == 413


async def test_an_api_token_reads_the_files_with_read_performance_and_sends_one_with_write(
    api: Api, perf: Perf
) -> None:
    from talentloop.access.scopes import ApiScope
    from talentloop.accounts.api_tokens import create_token

    viewer = await load_viewer(perf.world.users["hq_hr"].id)

    async def token(*scopes: ApiScope) -> dict[str, str]:
        _, secret = await create_token(
            viewer, name=f"t{len(scopes)}", scopes=list(scopes), expires_in_days=30
        )
        return {"Authorization": f"Bearer {secret}"}

    people, reader = await token(ApiScope.READ_PEOPLE), await token(ApiScope.READ_PERFORMANCE)
    for path in ("/imports/targets/template.xlsx", "/imports/targets/export.csv"):
        assert (await api.http.get(path, headers=people)).status_code == 404, path
        assert (await api.http.get(path, headers=reader)).status_code == 200, path
    upload = {"Content-Type": "application/octet-stream"}
    body = b"kpi_code,period,value,unit_code\n"
    sent = await api.http.post(
        "/imports/targets", params={"name": "t.csv"}, content=body, headers={**reader, **upload}
    )
    assert sent.status_code == 403
