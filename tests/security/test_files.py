"""Files that cannot stall the server (issue 18, point 4) and formulas flagged on import (point 5):
every uploaded spreadsheet goes through talentloop.spreadsheets, which refuses zip bombs, XML
entities and too many rows while reading, off the event loop; request bodies are capped."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import gc
import io
import os
import signal
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook

from talentloop import app as app_module
from talentloop import offload, spreadsheets
from talentloop.config import get_settings
from talentloop.errors import ServiceError
from talentloop.imports import rows as import_rows
from talentloop.imports import service as imports
from tests.performance.conftest import Perf
from tests.security import child_tasks
from tests.support import Api

IMPORT = """mutation($kind: ImportKind!, $name: String!, $content: String!) {
  importData(input: {kind: $kind, fileName: $name, contentBase64: $content, dryRun: true}) {
    job { status totalRows errors { row column message code } }
    errors { field code message }
  }
}"""
PUNCHES = """mutation ($input: ImportPunchesInput!) {
  importPunches(input: $input) { rowErrors { row column code message } errors { field message } }
}"""


def kpi_xlsx(perf: Perf, rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["employee_number", "kpi_code", "period", "value"])
    number = perf.world.people["sh_rep"].employee_number
    for i in range(rows):
        sheet.append([number, "NC", f"{2000 + i // 12}-{i % 12 + 1:02d}", i % 17])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    """The XLSX with the part `name` replaced by (or added as) `data`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            if entry.filename != name:
                dst.writestr(entry, src.read(entry), zipfile.ZIP_DEFLATED)
        dst.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def million_row_bomb() -> bytes:
    """The issue's file: 1,000,000 rows packed into a few hundred KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        template = io.BytesIO()
        book = Workbook(write_only=True)
        book.create_sheet().append(["employee_number", "kpi_code", "period", "value"])
        book.save(template)
        with zipfile.ZipFile(template) as src:
            for entry in src.infolist():
                if not entry.filename.startswith("xl/worksheets/"):
                    bomb.writestr(entry.filename, src.read(entry))
        with bomb.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            row = b'<row><c t="inlineStr"><is><t>T0001</t></is></c><c><v>1</v></c></row>'
            for _ in range(1000):
                sheet.write(row * 1000)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


async def dry_run(api: Api, perf: Perf, content: bytes, name: str, kind: str = "KPI_RECORDS"):  # type: ignore[no-untyped-def]
    data = await api.data(
        IMPORT,
        {"kind": kind, "name": name, "content": base64.b64encode(content).decode()},
        as_=perf.world.users["hq_hr"],
    )
    assert data["importData"]["errors"] == [], data
    return data["importData"]["job"]


def refusal(content: bytes, name: str = "f.xlsx", **limits: int) -> tuple[str, int]:
    reading = spreadsheets.Reading()
    with pytest.raises(ServiceError) as refused:
        spreadsheets.read_rows(
            name,
            content,
            max_rows=limits.get("max_rows", 1000),
            max_bytes=limits.get("max_bytes", 10 * 1024 * 1024),
            reading=reading,
        )
    [error] = refused.value.errors
    assert (error.field, error.code.value) == ("file", "invalid")
    return error.message, reading.rows_read


# --- rows --------------------------------------------------------------------------------------


async def test_too_many_rows_are_refused_naming_the_limit_and_reading_stops_there(
    perf: Perf,
) -> None:
    content = kpi_xlsx(perf, 2000)
    message, read = refusal(content, max_rows=10)
    assert message == "At most 10 rows per file (blank rows count)."
    assert read == 12  # the header, ten rows, and the one too many: not the other 1,989
    csv = b"a,b\n" + b"1,2\n" * 2000
    message, read = refusal(csv, "f.csv", max_rows=10)
    assert (message, read) == ("At most 10 rows per file (blank rows count).", 12)
    rows = spreadsheets.read_rows("f.xlsx", content, max_rows=2000, max_bytes=10**7)
    assert len(rows) == 2001


async def test_an_import_over_the_row_limit_is_refused_with_the_limit_named(
    api: Api, perf: Perf, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 100)
    job = await dry_run(api, perf, kpi_xlsx(perf, 150), "history.xlsx")
    assert job["status"] == "INVALID"
    assert job["errors"] == [
        {
            "row": 0,
            "column": "file",
            "message": "At most 100 rows per file (blank rows count).",
            "code": "INVALID",
        }
    ]


async def test_the_issues_million_row_file_is_refused_before_it_is_parsed(
    api: Api, perf: Perf
) -> None:
    bomb = million_row_bomb()
    assert len(bomb) < 1024 * 1024
    message, read = refusal(bomb, max_rows=imports.MAX_ROWS)
    assert read == 0
    assert message == "The XLSX is packed more than 100 times (a zip bomb?)."
    job = await dry_run(api, perf, bomb, "history.xlsx")
    assert job["status"] == "INVALID" and job["errors"][0]["message"] == message


# --- zips and XML ------------------------------------------------------------------------------


def test_a_zip_over_the_unpacked_size_or_ratio_or_entry_count_is_refused(
    perf: Perf, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = kpi_xlsx(perf, 50)
    padded = with_part(good, "xl/padding.bin", b" " * (3 * 1024 * 1024))
    assert refusal(padded) == ("The XLSX is packed more than 100 times (a zip bomb?).", 0)
    monkeypatch.setattr(spreadsheets, "MAX_UNCOMPRESSED_BYTES", 4 * 1024)
    assert refusal(good)[0] == "The XLSX unpacks to more than 0 MB."
    monkeypatch.setattr(spreadsheets, "MAX_UNCOMPRESSED_BYTES", 128 * 1024 * 1024)
    many = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(many, "w") as dst:
        for entry in src.infolist():
            dst.writestr(entry, src.read(entry))
        for i in range(spreadsheets.MAX_ENTRIES):
            dst.writestr(f"customXml/item{i}.bin", b"x")
    assert refusal(many.getvalue())[0] == "The XLSX holds more than 256 parts."
    assert refusal(b"PK\x03\x04 not a zip")[0] == "The XLSX file cannot be read."


def test_an_xlsx_declaring_a_doctype_or_entity_or_not_in_utf8_is_refused(perf: Perf) -> None:
    good = kpi_xlsx(perf, 5)
    with zipfile.ZipFile(io.BytesIO(good)) as src:
        sheet = src.read("xl/worksheets/sheet1.xml")
    head, _, rest = sheet.partition(b"?>")
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    for part in ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"):
        with zipfile.ZipFile(io.BytesIO(good)) as src:
            original = src.read(part)
        h, _, r = original.partition(b"?>")
        bad = with_part(good, part, h + b"?>" + laughs + r)
        assert refusal(bad)[0] == "The XLSX declares a DOCTYPE or an XML entity.", part
    external = with_part(
        good,
        "xl/worksheets/sheet1.xml",
        head + b'?><!doctype x SYSTEM "file:///etc/passwd">' + rest,
    )
    assert refusal(external)[0] == "The XLSX declares a DOCTYPE or an XML entity."
    utf16 = with_part(
        good,
        "xl/worksheets/sheet1.xml",
        sheet.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16"),
    )
    assert refusal(utf16)[0] == "An XML part of the XLSX is not UTF-8."
    assert len(spreadsheets.read_rows("f.xlsx", good, max_rows=10, max_bytes=10**7)) == 6


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # a second line behind the DOCTYPE check


# --- off the event loop --------------------------------------------------------------------------


async def test_files_are_read_and_checked_in_another_process(
    api: Api, perf: Perf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither the interpreter lock nor the garbage collector of the API process is shared with
    a file being read or checked: none of it runs here (bench/files.py measures the effect)."""

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was read in the API process")

    monkeypatch.setattr(spreadsheets, "read_rows", not_here)
    monkeypatch.setattr(import_rows.Table, "__init__", not_here)
    assert await offload.run(os.getpid) != os.getpid()
    job = await dry_run(api, perf, kpi_xlsx(perf, 20), "history.xlsx")
    assert (job["status"], job["totalRows"]) == ("VALID", 20)
    punches = await api.data(
        PUNCHES,
        {"input": {"contentBase64": base64.b64encode(b"employee_number,punched_at\n").decode()}},
        as_=perf.world.users["hq_hr"],
    )
    assert punches["importPunches"]["errors"] == []


async def test_other_requests_are_answered_while_the_checking_process_is_busy(
    api: Api, perf: Perf
) -> None:
    busy = asyncio.ensure_future(offload.run(time.sleep, 3))
    importing = asyncio.ensure_future(dry_run(api, perf, kpi_xlsx(perf, 20), "history.xlsx"))
    await asyncio.sleep(0.5)
    me = await api.data("{ me { role } }", as_=perf.world.users["employee"])
    assert me["me"]["role"] == "EMPLOYEE"
    assert not importing.done()  # queued behind the busy process, which holds no request up
    await busy
    assert (await importing)["status"] == "VALID"


async def test_a_killed_checking_process_is_a_typed_error_and_the_next_file_gets_a_new_one(
    api: Api, perf: Perf
) -> None:
    child = await offload.run(os.getpid)
    busy = asyncio.ensure_future(offload.run(time.sleep, 60))
    importing = asyncio.ensure_future(dry_run(api, perf, kpi_xlsx(perf, 20), "history.xlsx"))
    await asyncio.sleep(0.5)
    os.kill(child, signal.SIGKILL)
    with pytest.raises(ServiceError) as stopped:
        await asyncio.wait_for(busy, timeout=30)
    assert [(e.field, e.code.value, e.message) for e in stopped.value.errors] == [
        ("file", "invalid", offload.STOPPED)
    ]
    # A file queued behind the killed task: its job is INVALID with the same error, not a hang.
    job = await asyncio.wait_for(importing, timeout=30)
    assert job["status"] == "INVALID"
    assert job["errors"] == [
        {"row": 0, "column": "file", "message": offload.STOPPED, "code": "INVALID"}
    ]
    assert await offload.run(os.getpid) not in (child, os.getpid())
    assert (await dry_run(api, perf, kpi_xlsx(perf, 20), "history.xlsx"))["status"] == "VALID"


async def test_a_tasks_progress_is_reported_while_it_runs() -> None:
    seen: list[int] = []

    async def on_progress(rows: int) -> None:
        seen.append(rows)

    assert await offload.run(child_tasks.report_rows, 30, 0.1, on_progress=on_progress) == 30
    assert seen and seen == sorted(seen) and 0 < seen[0] < 30


def test_the_collector_skips_what_existed_while_an_xlsx_is_read(
    perf: Perf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an XLSX is read the garbage collector's passes skip the objects that existed
    before (gc.freeze): openpyxl's 100,000 emptied row elements would otherwise set off full
    passes over everything the checking process holds."""
    frozen_while_reading: list[int] = []
    cell_text = spreadsheets._cell_text

    def watched(value: object) -> str:
        if not frozen_while_reading:  # counting walks every frozen object: once is enough
            frozen_while_reading.append(gc.get_freeze_count())
        return cell_text(value)

    monkeypatch.setattr(spreadsheets, "_cell_text", watched)
    frozen_before = gc.get_freeze_count()
    rows = spreadsheets.read_rows("f.xlsx", kpi_xlsx(perf, 999), max_rows=1000, max_bytes=10**7)
    assert len(rows) == 1000
    assert frozen_while_reading[0] > frozen_before
    assert gc.get_freeze_count() == frozen_before  # set free again once read


@pytest.fixture
def small_body_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    limit = 64 * 1024
    settings = dataclasses.replace(get_settings(), max_graphql_bytes=limit)
    monkeypatch.setattr(app_module, "get_settings", lambda: settings)
    return limit


def padded(size: int) -> bytes:
    body = b'{"query": "{ __typename }"}'
    return body[:-1] + b" " * (size - len(body)) + b"}"


async def test_a_graphql_body_over_the_limit_is_413_with_a_graphql_error(
    http: httpx.AsyncClient, small_body_limit: int
) -> None:
    headers = {"Content-Type": "application/json"}
    fits = await http.post("/graphql", content=padded(small_body_limit), headers=headers)
    assert (fits.status_code, fits.json()) == (200, {"data": {"__typename": "Query"}})
    over = await http.post("/graphql", content=padded(small_body_limit + 1), headers=headers)
    assert over.status_code == 413
    assert over.json() == {
        "errors": [
            {
                "message": "The request body is larger than 65,536 bytes.",
                "extensions": {"code": "PAYLOAD_TOO_LARGE", "limit": small_body_limit},
            }
        ]
    }

    async def chunks() -> Iterator[bytes]:  # type: ignore[misc]
        body = padded(small_body_limit * 3)
        for i in range(0, len(body), 4096):
            yield body[i : i + 4096]

    streamed = await http.post("/graphql", content=chunks(), headers=headers)  # type: ignore[arg-type]
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413
    assert streamed.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_the_default_graphql_limit_is_ten_mb() -> None:
    assert get_settings().max_graphql_bytes == 10 * 1024 * 1024


async def test_an_upload_streamed_without_a_length_stops_at_10_mb(api: Api, perf: Perf) -> None:
    from talentloop.records.archive import MAX_BYTES
    from tests.support import gid

    sent = 0

    async def chunks() -> Iterator[bytes]:  # type: ignore[misc]
        nonlocal sent
        piece = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
        for _ in range(40):
            sent += len(piece)
            yield piece

    token = await api.token(perf.world.users["branch_hr"])
    for path, params in (
        ("/archive/upload", {"employeeId": gid(perf.world.people["sh_rep"]), "type": "DIPLOMA"}),
        ("/recruitment/resume", {"applicationId": "QXBwbGljYXRpb246MQ=="}),
    ):
        sent = 0
        answer = await api.http.post(
            path,
            params=params,
            content=chunks(),  # type: ignore[arg-type]
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream",
            },
        )
        assert answer.status_code == 413, (path, answer.text)
        assert answer.json()["errors"][0]["message"] == "The file is larger than 10 MB."
        assert sent < MAX_BYTES + 2 * 1024 * 1024  # it stopped reading, not after 40 MB


# --- formulas on import --------------------------------------------------------------------------


async def test_an_import_refuses_cells_that_read_as_formulas_and_keeps_phone_numbers(
    api: Api, perf: Perf
) -> None:
    rows = (
        "employee_number,name,unit_code,hire_date,work_phone\n"
        'N200,"=HYPERLINK(""http://evil.example"",""x"")",SH-SALES-1,2026-01-05,\n'
        "N201,@SUM(1),SH-SALES-1,2026-01-05,+86 21 5555 1111\n"
        "N202,新人,SH-SALES-1,2026-01-05,+86 21 5555 2222\n"
    )
    job = await dry_run(api, perf, rows.encode(), "people.csv", kind="EMPLOYEES")
    assert job["status"] == "INVALID"
    assert [(e["row"], e["column"], e["message"]) for e in job["errors"]] == [
        (2, "name", spreadsheets.FORMULA_MESSAGE),
        (3, "name", spreadsheets.FORMULA_MESSAGE),
    ]
    negative = (
        "employee_number,kpi_code,period,value,dimension\n"
        f"{perf.world.people['sh_rep'].employee_number},NC,2015-01,-3,-2+3\n"
    )
    job = await dry_run(api, perf, negative.encode(), "history.csv")
    flagged = [e for e in job["errors"] if e["message"] == spreadsheets.FORMULA_MESSAGE]
    assert [(e["row"], e["column"]) for e in flagged] == [(2, "dimension")]  # not the -3


async def test_a_punch_file_with_a_formula_is_refused(api: Api, perf: Perf) -> None:
    number = perf.world.people["sh_rep"].employee_number
    content = f"工号,打卡时间,设备号\n{number},2026-11-02 08:55,\t=1\n"
    data = await api.data(
        PUNCHES,
        {"input": {"contentBase64": base64.b64encode(content.encode()).decode(), "dryRun": True}},
        as_=perf.world.users["hq_hr"],
    )
    errors = data["importPunches"]["rowErrors"]
    assert [(e["row"], e["column"], e["message"]) for e in errors] == [
        (2, "device_id", spreadsheets.FORMULA_MESSAGE)
    ]


def test_no_module_reads_or_writes_a_spreadsheet_but_talentloop_spreadsheets() -> None:
    """A new import or export cannot skip the limits or the formula neutralisation."""
    root = Path(spreadsheets.__file__).parent
    for path in root.rglob("*.py"):
        if path.name == "spreadsheets.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("from openpyxl import", "load_workbook", "import csv", ".save(out"):
            assert needle not in text, (path.relative_to(root), needle)


def test_the_writer_neutralises_every_formula_start_and_keeps_numbers() -> None:
    """Every start OWASP names (a tab and a CR included, which no stored name can hold) comes out
    as text behind an apostrophe; numbers stay numbers, a phone number stays as typed."""
    from openpyxl import load_workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    starts = [f"{start}1+1" for start in spreadsheets.FORMULA_STARTS]
    sheet.append([*starts, -5, "+86 21 5555 1234"])
    cells = next(load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(book))).active.iter_rows())
    # (XML reads a stored CR back as a line feed)
    assert [c.value for c in cells[: len(starts)]] == ["'" + s.replace("\r", "\n") for s in starts]
    assert all(c.data_type == "s" for c in cells[: len(starts)])
    assert cells[len(starts)].value == -5 and cells[len(starts)].data_type == "n"
    assert cells[len(starts) + 1].value == "+86 21 5555 1234"
