"""HTTP routes of the archive: files do not travel through GraphQL.

`POST /archive/upload?employeeId=<global id>&type=<DocumentType>&name=<file name>` with the
file as the raw body (`Content-Type: application/octet-stream`) and the Bearer token; answers
201 with the document, or 400/413 with `errors` shaped like a mutation payload's.
`GET /archive/{id}` with the Bearer token: the file, or 404 for anything not visible.

Why not GraphQL multipart: `/graphql` accepts JSON only (the 415 rule in app.py keeps
cross-site forms out), and a raw body needs no multipart parser. A browser cannot send
application/octet-stream with a Bearer header cross-site without a CORS preflight.

Both are `bearer_route`s (access/rest.py): an API token needs `read:people` to download and
`write:people` to upload, as for the records in GraphQL.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.downloads import attachment
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.graphql.ids import pk_of, to_global_id
from talentloop.records import archive
from talentloop.records.models import DocumentType


def _errors(status: int, *problems: FieldError) -> JSONResponse:
    body = {
        "document": None,
        "errors": [
            {"field": p.field, "message": p.translated(), "code": p.code.name} for p in problems
        ],
    }
    return JSONResponse(body, status_code=status)


def _not_a_file(request: Request) -> Response | None:
    """415 unless the body is sent as application/octet-stream."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/octet-stream":
        return None
    return _errors(
        415,
        FieldError(
            "Send the file as the body with Content-Type: application/octet-stream.",
            ErrorCode.INVALID,
            "file",
        ),
    )


async def read_file(request: Request) -> bytes | Response:
    """The uploaded file (after `_not_a_file`), or 413 as soon as it passes 10 MB: by its
    Content-Length before reading anything, and by counting what arrives."""
    too_large = _errors(
        413, FieldError("The file is larger than 10 MB.", ErrorCode.INVALID, "file")
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > archive.MAX_BYTES:
        return too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > archive.MAX_BYTES:
            return too_large
        chunks.append(chunk)
    return b"".join(chunks)


@bearer_route(writes=True)
async def upload_document(request: Request, viewer: Viewer) -> Response:
    if (refused := _not_a_file(request)) is not None:
        return refused
    employee_id = pk_of(request.query_params.get("employeeId", ""), "Employee")
    if employee_id is None:
        return _errors(400, FieldError("Not a valid Employee id.", ErrorCode.INVALID, "employeeId"))
    try:
        doc_type = DocumentType(request.query_params.get("type", "").lower())
    except ValueError:
        return _errors(400, FieldError("Unknown document type.", ErrorCode.INVALID, "type"))
    content = await read_file(request)
    if isinstance(content, Response):
        return content
    try:
        document = await archive.upload(
            viewer,
            employee_id,
            doc_type=doc_type,
            file_name=request.query_params.get("name", ""),
            content=content,
        )
    except ServiceError as exc:
        return _errors(400, *exc.errors)
    return JSONResponse(
        {
            "document": {
                "id": to_global_id("ArchiveDocument", document.id),
                "fileName": document.file_name,
                "mediaType": document.media_type,
                "size": document.size,
                "type": document.doc_type.name,
            },
            "errors": [],
        },
        status_code=201,
    )


@bearer_route()
async def download_document(request: Request, viewer: Viewer) -> Response:
    found = await archive.download(viewer, int(request.path_params["document_id"]))
    if found is None:
        return not_found()
    document, content = found
    return attachment(content, document.media_type, document.file_name)
