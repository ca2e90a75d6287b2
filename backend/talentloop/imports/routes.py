"""HTTP routes of the imports (issue 22 points 6 and 7): files do not travel well through
GraphQL. Each is a `bearer_route` (access/rest.py; an API token needs `read:performance` to
download, `write:performance` to upload, like importData), and a kind the viewer may not
import is the 404 of a missing file, whichever route.

* `GET /imports/{kind}/template.xlsx`: the kind's template (imports/files.py).
* `GET /imports/{kind}/export.xlsx` and `export.csv`: the viewer's records of the kind in the
  template's layout, handed out in chunks; audited.
* `POST /imports/{kind}?name=<file name>&dryRun=true|false&mode=upsert|insert|update` with the
  file as the raw body (`Content-Type: application/octet-stream`), as `/archive/upload` takes
  one: a file of up to `imports.service.MAX_BYTES` (a 200,000-row CSV does not fit in the
  GraphQL body's 10 MB as base64). The import is queued like `importData(inBackground: true)`;
  the answer is 202 with the job's id, followed with `importJob(id)`. The columns are mapped as
  saved for the kind, else by name.
"""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.downloads import attachment, content_disposition
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.graphql.ids import to_global_id
from talentloop.imports import files, service
from talentloop.imports.models import ImportMode
from talentloop.performance.models import ImportKind
from talentloop.spreadsheets import MEDIA_TYPES


def _kind(request: Request, viewer: Viewer) -> ImportKind | None:
    kind = files.kind_of(request.path_params["kind"])
    return kind if kind is not None and files.may_use(viewer, kind) else None


@bearer_route()
async def download_template(request: Request, viewer: Viewer) -> Response:
    kind = _kind(request, viewer)
    if kind is None:
        return not_found()
    content = await files.template(viewer, kind)
    return attachment(content, MEDIA_TYPES["xlsx"], f"{kind.value}-template.xlsx")


@bearer_route()
async def download_export(request: Request, viewer: Viewer) -> Response:
    kind = _kind(request, viewer)
    file_format = request.path_params["format"]
    if kind is None or file_format not in MEDIA_TYPES:
        return not_found()
    writer = await files.export(viewer, kind, file_format)
    if writer is None:
        return not_found()
    name = f"{kind.value}-{date.today():%Y%m%d}.{file_format}"
    return StreamingResponse(
        writer.chunks(),
        media_type=MEDIA_TYPES[file_format],
        headers={
            "Content-Disposition": content_disposition(name),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _errors(status: int, *problems: FieldError) -> JSONResponse:
    body = {
        "job": None,
        "errors": [
            {"field": p.field, "message": p.translated(), "code": p.code.name} for p in problems
        ],
    }
    return JSONResponse(body, status_code=status)


async def _body(request: Request) -> bytes | Response:
    """The file, or 413 as soon as it passes MAX_BYTES: by its Content-Length before reading
    anything, and by counting what arrives."""
    limit = str(service.MAX_BYTES // (1024 * 1024)) + " MB"
    too_large = _errors(
        413, FieldError("The file is larger than {size}.", ErrorCode.INVALID, "file", size=limit)
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


@bearer_route(writes=True)
async def upload_import(request: Request, viewer: Viewer) -> Response:
    kind = _kind(request, viewer)
    if kind is None:
        return not_found()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/octet-stream":
        return _errors(
            415,
            FieldError(
                "Send the file as the body with Content-Type: application/octet-stream.",
                ErrorCode.INVALID,
                "file",
            ),
        )
    params = request.query_params
    name = params.get("name", "").strip()
    if not name:
        return _errors(400, FieldError("Required.", ErrorCode.REQUIRED, "name"))
    try:
        mode = ImportMode(params.get("mode", ImportMode.UPSERT.value).lower())
    except ValueError:
        return _errors(400, FieldError("upsert, insert or update.", ErrorCode.INVALID, "mode"))
    dry_run = params.get("dryRun", "false").lower()
    if dry_run not in ("true", "false"):
        return _errors(400, FieldError("true or false.", ErrorCode.INVALID, "dryRun"))
    content = await _body(request)
    if isinstance(content, Response):
        return content
    try:
        job = await service.queue_import(
            viewer,
            kind=kind,
            file_name=name,
            content=content,
            dry_run=dry_run == "true",
            mode=mode,
        )
    except ServiceError as exc:
        return _errors(400, *exc.errors)
    return JSONResponse(
        {"job": {"id": to_global_id("ImportJob", job.id), "status": job.status.name}, "errors": []},
        status_code=202,
    )
