"""POST /lists/export with the Bearer token and a JSON body: the list a screen shows, as an
XLSX or CSV file (the SPA's ListPage "Export" button).

    {"title": "员工", "format": "xlsx" | "csv",
     "columns": ["工号", "姓名", …], "rows": [["E0001", "张三", …], …]}

The cells are what the viewer's screen already shows — values as displayed, masked values
still masked, only the columns on screen — sent back by the SPA to be written out here, so that
formula neutralisation and the CSV encoding stay in one place (talentloop/spreadsheets.py).
**The route reads nothing from the database and grants no access**: it can only hand a viewer
a file of what they sent. It still needs a signed-in session, so that it is no anonymous file
converter, and it caps what it takes (body, rows, columns, cell length). No API token reaches
it (the package is no token area, access/scopes.py): an integrator reads the API itself.

Bad input is a 400 with `errors { field message code }` like a mutation payload's; a body
past MAX_BYTES a 413.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route
from talentloop.downloads import attachment
from talentloop.errors import ErrorCode, FieldError
from talentloop.spreadsheets import Cell, table_csv, table_xlsx

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 40
MAX_CELL = 1_000
MAX_TITLE = 60

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class _Refused(Exception):
    """A list the route will not write: a msgid with `{named}` placeholders, answered in the
    reader's language."""

    def __init__(self, message: str, field: str, status: int = 400, **params: Any) -> None:
        self.problem = FieldError(message, ErrorCode.INVALID, field, **params)
        super().__init__(self.problem.message)
        self.status = status


def _answer(refused: _Refused) -> JSONResponse:
    problem = refused.problem
    body = {
        "errors": [
            {"field": problem.field, "message": problem.translated(), "code": problem.code.name}
        ]
    }
    return JSONResponse(body, status_code=refused.status)


async def _body(request: Request) -> bytes:
    too_large = _Refused(
        "The list is larger than {size} MB.", "rows", 413, size=MAX_BYTES // (1024 * 1024)
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _text(value: Any, field: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Refused("{name} must be a non-empty text.", field, name=field)
    if len(value) > limit:
        raise _Refused("{name} is longer than {limit} characters.", field, name=field, limit=limit)
    return value.strip()


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str):
        if value is not None and len(value) > MAX_CELL:
            raise _Refused("A cell is longer than {limit} characters.", "rows", limit=MAX_CELL)
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Refused("A cell must be a text, a number or null.", "rows")
    return value


def parse(body: bytes) -> tuple[str, str, list[str], list[list[Cell]]]:
    """(title, format, header, rows) of a request body, or _Refused naming the bad field."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Refused("The body is not JSON.", "body") from exc
    if not isinstance(data, dict):
        raise _Refused("The body must be a JSON object.", "body")
    title = _text(data.get("title"), "title", MAX_TITLE)
    kind = data.get("format")
    if kind not in MEDIA:
        raise _Refused("format must be xlsx or csv.", "format")
    columns = data.get("columns")
    if not isinstance(columns, list) or not columns:
        raise _Refused("columns must be a non-empty list of labels.", "columns")
    if len(columns) > MAX_COLUMNS:
        raise _Refused("At most {count} columns.", "columns", count=MAX_COLUMNS)
    header = [_text(c, "columns", MAX_CELL) for c in columns]
    rows = data.get("rows")
    if not isinstance(rows, list):
        raise _Refused("rows must be a list of rows.", "rows")
    if len(rows) > MAX_ROWS:
        raise _Refused(
            "At most {count} rows; narrow the list with its filters.", "rows", count=MAX_ROWS
        )
    cells: list[list[Cell]] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(header):
            raise _Refused("Every row must have one cell per column.", "rows")
        cells.append([_cell(v) for v in row])
    return title, kind, header, cells


def file_name(title: str, kind: str) -> str:
    safe = _UNSAFE_NAME.sub("_", title).strip() or "list"
    return f"{safe}-{date.today():%Y%m%d}.{kind}"


@bearer_route()
async def export_list(request: Request, viewer: Viewer) -> Response:
    """The rows the viewer sent, as a file: nothing is read, so no access is granted (module
    docstring). `viewer` is only the proof of a signed-in session."""
    try:
        if (
            request.headers.get("content-type", "").split(";")[0].strip().lower()
            != "application/json"
        ):
            raise _Refused("Send the list as application/json.", "body", 415)
        title, kind, header, rows = parse(await _body(request))
    except _Refused as refused:
        return _answer(refused)
    content = table_xlsx(title, header, rows) if kind == "xlsx" else table_csv(header, rows)
    return attachment(content, MEDIA[kind], file_name(title, kind))
