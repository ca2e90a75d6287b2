"""HTTP routes of the archive: files do not travel through GraphQL.

`POST /archive/upload?employeeId=<global id>&type=<DocumentType>&name=<file name>` with the
file as the raw body (`Content-Type: application/octet-stream`) and the Bearer token; answers
201 with the document, or 400/413 with `errors` shaped like a mutation payload's.
`GET /archive/{id}` with the Bearer token: the file, or 404 for anything not visible.

Why not GraphQL multipart: `/graphql` accepts JSON only (the 415 rule in app.py keeps
cross-site forms out), and a raw body needs no multipart parser. A browser cannot send
application/octet-stream with a Bearer header cross-site without a CORS preflight.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from talentloop.access.policy import Viewer
from talentloop.access.scopes import may_read, may_write
from talentloop.access.viewer import load_viewer
from talentloop.accounts.sessions import authenticate
from talentloop.accounts.tokens import InvalidToken
from talentloop.downloads import attachment
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.graphql.ids import pk_of, to_global_id
from talentloop.records import archive
from talentloop.records.models import DocumentType

UNAUTHENTICATED = {
    "errors": [
        {
            "message": "The access token is invalid or expired; refresh it or sign in again.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}


async def _viewer(request: Request) -> Viewer | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        credentials = await authenticate(token.strip())
    except InvalidToken:
        return None
    return await load_viewer(credentials)


def _errors(status: int, *problems: FieldError) -> JSONResponse:
    body = {
        "document": None,
        "errors": [{"field": p.field, "message": p.message, "code": p.code.name} for p in problems],
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
    """The uploaded file (after `_not_a_file`), or 413 as soon as it passes 10 MB."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > archive.MAX_BYTES:
            return _errors(
                413, FieldError("The file is larger than 10 MB.", ErrorCode.INVALID, "file")
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def upload_document(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return JSONResponse(UNAUTHENTICATED, status_code=401)
    if not may_write(viewer.token_scopes, "people"):
        return _errors(
            403, FieldError("This API token may not change people.", ErrorCode.FORBIDDEN)
        )
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


async def download_document(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return JSONResponse(UNAUTHENTICATED, status_code=401)
    if not may_read(viewer.token_scopes, "people"):
        # Outside the token's scopes: the same answer as a document that does not exist.
        return PlainTextResponse("Not found.", status_code=404)
    found = await archive.download(viewer, request.path_params["document_id"])
    if found is None:
        return PlainTextResponse("Not found.", status_code=404)
    document, content = found
    return attachment(content, document.media_type, document.file_name)
