"""Exporting the training-effect report as PDF or XLSX: a job with progress.

The mutation creates the job and queues it (jobs/queue.py) and returns at once; a worker
in any API process runs it (the figures in the database, the drawing in a thread so that
process keeps answering), writing its progress and then the file itself into the job's row,
and the client follows `reportJob(id)` until it is done, then downloads `/reports/{id}` —
from whichever process answers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from dataclasses import asdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.access.viewer import load_viewer
from talentloop.analytics import service
from talentloop.analytics.models import ReportFormat, ReportJob, ReportStatus
from talentloop.errors import ErrorCode, ServiceError, not_found
from talentloop.i18n import N_, translate
from talentloop.jobs import queue
from talentloop.org import service as org_service
from talentloop.performance.models import Kpi
from talentloop.training.models import Course

log = logging.getLogger(__name__)

JOB_KIND = "report_export"
LANGUAGES = ("zh", "en")
# The job's steps, kept in English (stable for integrators) and shown through `step_text`.
QUEUED = N_("queued")
COMPUTING = N_("computing the figures")
COLLECTING = N_("collecting the evidence")
DRAWING = N_("drawing")
DONE = N_("done")
_STEPS = {QUEUED, COMPUTING, COLLECTING, DRAWING, DONE}


def step_text(step: str) -> str:
    """A step in the viewer's language; a part of the document being drawn (export.py's
    section names) reads as drawing."""
    if not step:
        return ""
    return translate(step if step in _STEPS else DRAWING)


MEDIA_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _params_json(params: service.ReportParams) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in asdict(params).items():
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def _params_from(data: dict[str, Any]) -> service.ReportParams:
    return service.ReportParams(
        course_id=int(data["course_id"]),
        kpi_id=int(data["kpi_id"]),
        unit_id=int(data["unit_id"]) if data.get("unit_id") is not None else None,
        pre_from=date.fromisoformat(data["pre_from"]),
        pre_to=date.fromisoformat(data["pre_to"]),
        post_from=date.fromisoformat(data["post_from"]),
        post_to=date.fromisoformat(data["post_to"]),
        horizon_periods=int(data["horizon_periods"]),
        value_per_unit=Decimal(data["value_per_unit"])
        if data.get("value_per_unit") is not None
        else None,
        exclude_events=bool(data["exclude_events"]),
        min_group=int(data["min_group"]),
    )


async def start_export(
    viewer: Viewer, params: service.ReportParams, fmt: ReportFormat, language: str = "zh"
) -> ReportJob:
    """Check what can be checked now (typed errors), then create the job (RUNNING, step
    "queued") and queue it."""
    if not service.may_read_reports(viewer) or viewer.user_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not export reports.")
    service.check_params(params)
    if language not in LANGUAGES:
        raise ServiceError.one(ErrorCode.INVALID, "zh or en.", "language")
    if not await Course.filter(id=params.course_id).exists():
        raise not_found("Course", "courseId")
    if not await Kpi.filter(id=params.kpi_id).exists():
        raise not_found("KPI", "kpiId")
    if params.unit_id is not None and await org_service.get_unit(viewer, params.unit_id) is None:
        raise not_found("Unit", "unitId")
    async with in_transaction():
        job = await ReportJob.create(
            format=fmt,
            parameters={**_params_json(params), "language": language},
            step=QUEUED,
            created_by_id=viewer.user_id,
        )
        await queue.enqueue(JOB_KIND, job.id)
    queue.notify()
    return job


async def _progress(job_id: int, percent: int, step: str) -> None:
    # Only while it runs: a late step must not overwrite the finished job's 100 % and "done".
    await ReportJob.filter(id=job_id, status=ReportStatus.RUNNING).update(
        progress=percent, step=step[:128]
    )


async def execute(job_id: int) -> None:
    """Compute the report as its requester (their scope, now), render it, store the file.
    Run by a worker (jobs/worker.py); running it again after a lost worker starts over."""
    job = await ReportJob.get(id=job_id)
    try:
        viewer = await load_viewer(job.created_by_id)
        params = _params_from(job.parameters)
        language = str(job.parameters.get("language", "zh"))
        await _progress(job.id, 10, COMPUTING)
        result = await service.report(viewer, params)
        if result is None:
            raise ServiceError.one(ErrorCode.NOT_FOUND, "The report is no longer visible.")
        await _progress(job.id, 40, COLLECTING)
        result.correlations = await service.competency_correlations(viewer, result)
        result.suspensions = await service.pay_evidence(viewer, result)
        await _progress(job.id, 50, DRAWING)
        loop = asyncio.get_running_loop()
        steps = 0
        # The drawing thread reports its steps to the event loop. They are written one after
        # the other, in order (the lock is first come, first served), and all of them before
        # the result: written concurrently on a pool of connections, a late one could land
        # after a newer one, or after the finished job.
        in_order = asyncio.Lock()
        reported: list[concurrent.futures.Future[None]] = []

        async def report_step(percent: int, step: str) -> None:
            async with in_order:
                await _progress(job.id, percent, step)

        def on_step(step: str) -> None:
            nonlocal steps
            steps += 1
            percent = min(95, 50 + 5 * steps)
            reported.append(asyncio.run_coroutine_threadsafe(report_step(percent, step), loop))

        content, name = await asyncio.to_thread(_render, result, job.format, language, on_step)
        await asyncio.gather(*(asyncio.wrap_future(f) for f in reported))
        job.content = content
        job.file_name = name
        job.status = ReportStatus.DONE
        job.progress = 100
        job.step = DONE
    except ServiceError as exc:
        job.status, job.error = ReportStatus.FAILED, exc.errors[0].message[:255]
    except Exception:
        log.exception("report job %s failed", job.id)
        job.status, job.error = ReportStatus.FAILED, N_("The report could not be generated.")
    job.finished_at = datetime.now(UTC)
    async with in_transaction():
        await job.save(
            update_fields=[
                "content",
                "file_name",
                "status",
                "progress",
                "step",
                "error",
                "finished_at",
            ]
        )
        await queue.confirm_claim()


async def give_up(job_id: int, message: str) -> None:
    """The queue gave the job up (its workers kept stopping): say so on the job."""
    await ReportJob.filter(id=job_id, status=ReportStatus.RUNNING).update(
        status=ReportStatus.FAILED, error=message[:255], finished_at=datetime.now(UTC)
    )


def _render(
    result: service.EffectReport, fmt: ReportFormat, language: str, on_step: Any
) -> tuple[bytes, str]:
    from talentloop.analytics import export

    if fmt is ReportFormat.PDF:
        content = export.render_pdf(result, language, on_step=on_step)
    else:
        content = export.render_xlsx(result, on_step=on_step)
    return content, export.file_name(result, fmt.value)


async def get_job(viewer: Viewer, job_id: int) -> ReportJob | None:
    """A job and its file are its requester's alone: the figures are computed in their scope."""
    if viewer.user_id is None:
        return None
    return await ReportJob.get_or_none(id=job_id, created_by_id=viewer.user_id)
