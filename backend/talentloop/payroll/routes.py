"""`GET /payroll/runs/{id}/bank.xlsx` and `/tax.xlsx` with the Bearer token of HR who run it:
the file of an approved run (409 before), each full number read audited. A run not theirs is a
404, like a missing one. Payroll is no API-token scope area (access/rest.py): a token gets
the same 404 — the files hold full bank and ID numbers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.downloads import attachment
from talentloop.payroll import exports


@bearer_route()
async def download_payroll_file(request: Request, viewer: Viewer) -> Response:
    try:
        found = await exports.export(
            viewer, int(request.path_params["run_id"]), request.path_params["kind"]
        )
    except exports.NotReady:
        return PlainTextResponse("Approve the run first.", status_code=409)
    if found is None:
        return not_found()
    content, name = found
    return attachment(content, exports.MEDIA_TYPE, name)
