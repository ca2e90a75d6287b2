"""`POST /imports/{job id}/annotated` with the Bearer token and the job's file as the raw body
(`Content-Type: application/octet-stream`): the file's rows back as an XLSX with one more
column, "错误 / Errors", holding each row's problems as the job found them (in the reader's
language), so that HR fix the file where it is wrong and import it again (issue 22 point 4).

The server does not keep a checked file (a queued one is kept only until it has run), so the
SPA sends it again. The job is the viewer's own or any for HQ HR (`service.get_job`); any other
and a missing one answer the same 404. The file is read in the file-checking process within
the import's limits, and written by `spreadsheets.table_xlsx` (formula-like text neutralised).
Bad input answers 400/413/415 with `errors { field message code }` like a mutation payload."""

from __future__ import annotations

from collections import defaultdict

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from talentloop import offload, spreadsheets
from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.downloads import attachment
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.i18n import N_, gettext
from talentloop.imports import service
from talentloop.imports.types import error_message

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(status: int, *problems: FieldError) -> JSONResponse:
    body = {
        "errors": [
            {"field": p.field, "message": p.translated(), "code": p.code.name} for p in problems
        ]
    }
    return JSONResponse(body, status_code=status)


async def _body(request: Request) -> bytes | Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/octet-stream":
        return _errors(
            415,
            FieldError(
                N_("Send the file as the body with Content-Type: application/octet-stream."),
                ErrorCode.INVALID,
                "file",
            ),
        )
    too_large = _errors(
        413,
        FieldError(
            N_("The file is larger than {size}."),
            ErrorCode.INVALID,
            "file",
            size=f"{service.MAX_BYTES // (1024 * 1024)} MB",
        ),
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > service.MAX_BYTES:
        return too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > service.MAX_BYTES:
            return too_large
        chunks.append(chunk)
    return b"".join(chunks)


def annotated_xlsx(
    title: str, file_name: str, content: bytes, problems: dict[int, list[str]]
) -> bytes:
    """Run in the file-checking process: the file's rows (the header first, blank rows left
    out, as the import numbers them) with each row's problems in a last column, headed like
    the sheet (`title`: "Errors" in the viewer's language)."""
    rows = spreadsheets.read_rows(
        file_name, content, max_rows=service.MAX_ROWS, max_bytes=service.MAX_BYTES
    )
    if not rows:
        raise ServiceError.one(ErrorCode.INVALID, "The file is empty.", "file")
    width = max(len(r) for r in rows)
    header = [*rows[0], *([""] * (width - len(rows[0]))), title]
    body: list[list[spreadsheets.Cell]] = []
    for index, cells in enumerate(rows[1:], start=2):
        padded: list[spreadsheets.Cell] = [*cells, *([""] * (width - len(cells)))]
        body.append([*padded, "\n".join(problems.get(index, []))])
    return spreadsheets.table_xlsx(title, header, body)


@bearer_route()
async def download_annotated(request: Request, viewer: Viewer) -> Response:
    job = await service.get_job(viewer, int(request.path_params["job_id"]))
    if job is None:
        return not_found()
    content = await _body(request)
    if isinstance(content, Response):
        return content
    headers = {
        key: header for header, key in ((job.mapping or {}).get("columns") or {}).items() if key
    }
    problems: dict[int, list[str]] = defaultdict(list)
    for e in job.errors:
        column = e.get("column")
        where = f"{headers.get(column, column)}: " if column else ""
        problems[e["row"]].append(where + error_message(e))
    stem = job.file_name.rpartition(".")[0] or job.file_name
    try:
        xlsx = await offload.run(
            annotated_xlsx, gettext("Errors"), job.file_name, content, dict(problems)
        )
    except ServiceError as exc:
        return _errors(400, *exc.errors)
    return attachment(xlsx, XLSX, f"{stem}-errors.xlsx")
