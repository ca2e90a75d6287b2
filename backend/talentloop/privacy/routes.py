"""Downloads of personal data in full, for a signed-in session only: privacy is no API-token
scope area (access/rest.py), so a token gets the 404 of a missing file.

* `GET /exports/{id}`: a sensitive-data export for the HR who asked for it, once approved and
  written, for 24 hours (privacy/exports.py), each download audited. Someone else's export (the
  approvers' too), one not ready or expired, a missing one: the same 404.
* `GET /me/record.json` / `.xlsx`: the employee's own record (privacy/record.py), the reads of
  its ID and bank numbers logged; 404 for an account without an employee record.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talentloop import timezones
from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.downloads import attachment
from talentloop.privacy import exports, record


@bearer_route()
async def download_sensitive_export(request: Request, viewer: Viewer) -> Response:
    found = await exports.download(viewer, int(request.path_params["export_id"]))
    if found is None:
        return not_found()
    content, name = found
    return attachment(content, exports.MEDIA_TYPE, name)


@bearer_route()
async def download_own_record(request: Request, viewer: Viewer) -> Response:
    file_format = request.path_params["format"]
    own = await record.own_record(viewer, file_format) if file_format in ("json", "xlsx") else None
    if own is None:
        return not_found()
    content = (
        record.as_json(own)
        if file_format == "json"
        else record.as_xlsx(own, await timezones.company_zone())
    )
    number = own["employee"]["work"]["employeeNumber"]
    name = f"record-{number}-{own['generatedAt'][:10]}.{file_format}"
    return attachment(content, record.MEDIA_TYPES[file_format], name)
