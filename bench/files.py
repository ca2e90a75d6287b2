"""Files that cannot stall the server (issue 18, point 4): while HR's largest accepted file, and
then the issue's zip bomb, is checked by `importData` as a dry run, someone else asks `{ me }`
again and again; each answer is timed, and the API process's peak memory is read after both.

The largest accepted file is the most rows an import takes (imports/service.MAX_ROWS) of
the company's real people, as an XLSX, packed as tightly as the reader allows; the zip bomb is
the issue's: a million rows in a few hundred KB, refused before it is parsed."""

from __future__ import annotations

import asyncio
import base64
import io
import random
import statistics
import time
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
from openpyxl import Workbook

from bench import company as gen
from bench import queries

ME = "query BenchMe { me { role } }"
# The target: another user's request answers in under this while a file is checked.
ANSWER_TARGET_MS = 200.0


def largest_accepted_xlsx(company: gen.Company) -> tuple[bytes, int]:
    """MAX_ROWS KPI rows (new ones: a KPI the history does not have) as an XLSX."""
    from talentloop.imports.service import MAX_ROWS

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["employee_number", "kpi_code", "period", "value"])
    numbers = gen.importable_numbers(company)
    r = random.Random(gen.SEED + 3)
    written = 0
    m = 0
    while written < MAX_ROWS:
        period = f"{gen.month(m):%Y-%m}"
        for number in numbers[: MAX_ROWS - written]:
            sheet.append([number, "CSAT", period, r.randrange(600, 1000) / 10])
            written += 1
        m += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), MAX_ROWS


def million_row_bomb(rows: int = 1_000_000) -> bytes:
    """The issue's file: a million rows of one KPI record packed into a few hundred KB."""
    out = io.BytesIO()
    template = io.BytesIO()
    book = Workbook(write_only=True)
    book.create_sheet().append(["employee_number", "kpi_code", "period", "value"])
    book.save(template)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        with zipfile.ZipFile(template) as src:
            for entry in src.infolist():
                if not entry.filename.startswith("xl/worksheets/"):
                    bomb.writestr(entry.filename, src.read(entry))
        with bomb.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            row = (
                b'<row><c t="inlineStr"><is><t>T00001</t></is></c><c t="inlineStr"><is><t>CSAT'
                b'</t></is></c><c t="inlineStr"><is><t>2026-01</t></is></c><c><v>80</v></c></row>'
            )
            for _ in range(rows // 1000):
                part.write(row * 1000)
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


async def _check_while_asking(
    hr: httpx.AsyncClient, staff: httpx.AsyncClient, name: str, content: bytes
) -> dict[str, Any]:
    """The dry run of one file, with `{ me }` asked one after another until it has answered."""
    variables = {
        "input": {
            "kind": "KPI_RECORDS",
            "fileName": name,
            "contentBase64": base64.b64encode(content).decode(),
            "dryRun": True,
            "inBackground": False,
        }
    }
    started = time.perf_counter()
    checking = asyncio.create_task(
        hr.post("/graphql", json={"query": queries.IMPORT, "variables": variables})
    )
    latencies: list[float] = []
    while not checking.done() and time.perf_counter() - started < 900:
        sent = time.perf_counter()
        answer = await staff.post("/graphql", json={"query": ME})
        answer.raise_for_status()
        if answer.json().get("errors"):
            raise RuntimeError(f"{{ me }} failed: {answer.text[:200]}")
        latencies.append((time.perf_counter() - sent) * 1000)
    response = await checking
    seconds = time.perf_counter() - started
    response.raise_for_status()
    payload = response.json()["data"]["importData"]
    job = payload["job"] or {}
    return {
        "bytes": len(content),
        "seconds": seconds,
        "status": job.get("status"),
        "errors": payload["errors"],
        "answers": len(latencies),
        "answer_max_ms": max(latencies) if latencies else None,
        "answer_median_ms": statistics.median(latencies) if latencies else None,
        "answer_p99_ms": statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else None,
        "answers_over_target": sum(1 for t in latencies if t > ANSWER_TARGET_MS),
    }


async def measure(
    hr: httpx.AsyncClient, staff: httpx.AsyncClient, company: gen.Company, memory: Callable[[], Any]
) -> dict[str, Any]:
    content, rows = largest_accepted_xlsx(company)
    largest = await _check_while_asking(hr, staff, "bench-largest.xlsx", content)
    largest["rows"] = rows
    largest["memory"] = memory()
    bomb = await _check_while_asking(hr, staff, "bench-bomb.xlsx", million_row_bomb())
    bomb["rows"] = 1_000_000
    bomb["memory"] = memory()
    return {"largest": largest, "bomb": bomb}
