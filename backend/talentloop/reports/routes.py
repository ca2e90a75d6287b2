"""GET /reports/workforce.xlsx?fromMonth=YYYY-MM-01&toMonth=…&unitId=…&lang=zh|en with a
Bearer token: the HR reports as a file, exactly what workforceReport answers the same viewer.
An API token needs read:analytics (access/scopes.py), like the query itself."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.downloads import attachment
from talentloop.errors import ServiceError
from talentloop.graphql.ids import optional_pk
from talentloop.i18n import gettext
from talentloop.reports import export, service


@bearer_route()
async def download_workforce_report(request: Request, viewer: Viewer) -> Response:
    params = request.query_params
    try:
        first = date.fromisoformat(params.get("fromMonth", ""))
        last = date.fromisoformat(params.get("toMonth", ""))
        unit_id = optional_pk(params.get("unitId") or None, "OrgUnit", "unitId")
        report = await service.workforce_report(viewer, unit_id, first, last)
    except (ValueError, ServiceError):
        return PlainTextResponse(gettext("Bad months or unit."), status_code=400)
    if report is None:
        return not_found()
    language = export.language_of(params.get("lang"))
    name = f"hr-report-{first:%Y-%m}-{last:%Y-%m}.xlsx"
    return attachment(export.as_xlsx(report, language), export.MEDIA_TYPE, name)
