"""`GET /reports/{id}`: a finished training-effect report (PDF or XLSX) for whoever started its
export, with their Bearer token (an API token with `read:analytics`, as for `reportJob`).
Anything else — someone else's job, a job not done, a missing one — is the same 404, so the
answer never tells whether another user's report exists."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.analytics import jobs
from talentloop.analytics.models import ReportStatus
from talentloop.downloads import attachment


@bearer_route()
async def download_report(request: Request, viewer: Viewer) -> Response:
    job = await jobs.get_job(viewer, int(request.path_params["job_id"]))
    if job is None or job.status is not ReportStatus.DONE or job.content is None:
        return not_found()
    name = job.file_name or f"report-{job.id}.{job.format.value}"
    return attachment(bytes(job.content), jobs.MEDIA_TYPES[job.format], name)
