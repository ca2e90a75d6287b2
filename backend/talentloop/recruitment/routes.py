"""HTTP routes of a candidate's résumé (files do not travel through GraphQL; the same rules as
the archive's routes in records/routes.py).

`POST /recruitment/resume?applicationId=<global id>&name=<file name>` with the file as the raw
body (`Content-Type: application/octet-stream`) and the Bearer token: 201 with the résumé, or
400/413/415 with `errors` shaped like a mutation payload's.
`GET /recruitment/resume/{application id}` with the Bearer token: the file, or 404 for
anything not visible.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from talentloop.access.scopes import may_read, may_write
from talentloop.downloads import attachment
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.graphql.ids import pk_of
from talentloop.records.routes import UNAUTHENTICATED, _errors, _not_a_file, _viewer, read_file
from talentloop.recruitment import service


async def upload_resume(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return JSONResponse(UNAUTHENTICATED, status_code=401)
    if not may_write(viewer.token_scopes, "people"):
        return _errors(
            403, FieldError("This API token may not change people.", ErrorCode.FORBIDDEN)
        )
    if (refused := _not_a_file(request)) is not None:
        return refused
    application_id = pk_of(request.query_params.get("applicationId", ""), "Application")
    if application_id is None:
        return _errors(
            400, FieldError("Not a valid Application id.", ErrorCode.INVALID, "applicationId")
        )
    content = await read_file(request)
    if isinstance(content, Response):
        return content
    try:
        candidate = await service.attach_resume(
            viewer,
            application_id,
            file_name=request.query_params.get("name", ""),
            content=content,
        )
    except ServiceError as exc:
        return _errors(400, *exc.errors)
    return JSONResponse(
        {
            "resume": {
                "fileName": candidate.resume_name,
                "mediaType": candidate.resume_media_type,
                "size": candidate.resume_size,
                "downloadPath": f"/recruitment/resume/{application_id}",
            },
            "errors": [],
        },
        status_code=201,
    )


async def download_resume(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return JSONResponse(UNAUTHENTICATED, status_code=401)
    if not may_read(viewer.token_scopes, "people"):
        return PlainTextResponse("Not found.", status_code=404)
    found = await service.resume(viewer, request.path_params["application_id"])
    if found is None:
        return PlainTextResponse("Not found.", status_code=404)
    candidate, content = found
    return attachment(
        content,
        candidate.resume_media_type or "application/octet-stream",
        candidate.resume_name or "resume",
    )
