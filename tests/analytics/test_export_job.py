"""Exporting the report: a background job with progress, a file only its requester can fetch,
a PDF with the Chinese text and the charts, an XLSX with the same numbers as the API."""

from __future__ import annotations

import asyncio
import io
import re
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from talentloop.accounts.models import User
from talentloop.graphql.ids import pk_of
from tests.analytics.conftest import Study
from tests.analytics.test_report import report_input
from tests.support import Api

EXPORT = """mutation($input: ExportTrainingEffectReportInput!) { exportTrainingEffectReport(input: $input) {
  job { id status progress } errors { field code } } }"""
JOB = "query($id: ID!) { reportJob(id: $id) { status progress step fileName downloadUrl error } }"


async def _finished(api: Api, job_id: str, user: User) -> dict[str, Any]:
    seen = []
    for _ in range(300):
        job = (await api.data(JOB, {"id": job_id}, as_=user))["reportJob"]
        seen.append(job["progress"])
        if job["status"] != "RUNNING":
            assert seen == sorted(seen), seen  # progress only goes forward
            return dict(job)
        await asyncio.sleep(0.05)
    raise AssertionError(f"the job did not finish: {seen[-5:]}")


async def _download(api: Api, url: str, user: User | None) -> Any:
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {await api.token(user)}"
    return await api.http.get(url, headers=headers)


async def _export(api: Api, study: Study, fmt: str, user: User) -> dict[str, Any]:
    started = await api.data(
        EXPORT, {"input": {"report": report_input(study), "format": fmt}}, as_=user
    )
    payload = started["exportTrainingEffectReport"]
    assert payload["errors"] == []
    job = await _finished(api, payload["job"]["id"], user)
    assert job["status"] == "DONE", job
    assert job["progress"] == 100
    job["id"] = payload["job"]["id"]
    return job


async def test_pdf_has_the_title_the_course_and_the_charts(api: Api, study: Study) -> None:
    hq = study.world.users["hq_hr"]
    job = await _export(api, study, "PDF", hq)
    assert (
        job["fileName"].endswith(".pdf")
        and job["downloadUrl"] == f"/reports/{pk_of(job['id'], 'ReportJob')}"
    )
    response = await _download(api, job["downloadUrl"], hq)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "培训效果与绩效影响报告" in text
    assert "《产品知识大全》" in text
    # the charts are drawn as vector paths: their content streams hold path operators
    streams = b"".join(
        page.get_contents().get_data() for page in reader.pages if page.get_contents() is not None
    )
    assert len(re.findall(rb" (?:re|l)\b", streams)) > 50
    # the font is embedded, so Chinese renders on a machine without it
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("WenQuanYi" in f or "STSong" in f or "Micro" in f for f in fonts), fonts


async def test_xlsx_holds_the_numbers_of_the_api(api: Api, study: Study) -> None:
    hq = study.world.users["hq_hr"]
    numbers = await api.data(
        """query($input: TrainingEffectReportInput!) { trainingEffectReport(input: $input) {
            population effect { effect trained comparison interval { low high } } } }""",
        {"input": report_input(study)},
        as_=hq,
    )
    expected = numbers["trainingEffectReport"]
    job = await _export(api, study, "XLSX", hq)
    response = await _download(api, job["downloadUrl"], hq)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [
        value
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, int | float)
    ]
    effect = expected["effect"]
    for value in (
        effect["effect"],
        effect["interval"]["low"],
        effect["interval"]["high"],
    ):
        assert any(c == pytest.approx(value, abs=1e-4) for c in cells), value
    assert effect["trained"] in cells and expected["population"] in cells


async def test_a_job_and_its_file_are_the_requesters_alone(api: Api, study: Study) -> None:
    w = study.world
    job = await _export(api, study, "XLSX", w.users["hq_hr"])
    assert (await _download(api, job["downloadUrl"], w.users["executive"])).status_code == 404
    assert (await _download(api, job["downloadUrl"], None)).status_code == 401
    other = await api.data(JOB, {"id": job["id"]}, as_=w.users["executive"])
    assert other["reportJob"] is None
    # an employee cannot start one; bad months are typed errors on the field
    denied = await api.data(
        EXPORT,
        {"input": {"report": report_input(study), "format": "PDF"}},
        as_=w.users["employee"],
    )
    assert denied["exportTrainingEffectReport"] == {
        "job": None,
        "errors": [{"field": None, "code": "FORBIDDEN"}],
    }
    bad = await api.data(
        EXPORT,
        {"input": {"report": report_input(study, preTo="2026-02-15"), "format": "PDF"}},
        as_=w.users["hq_hr"],
    )
    assert bad["exportTrainingEffectReport"]["errors"] == [{"field": "preTo", "code": "INVALID"}]


async def test_the_export_is_queued_and_run_once_by_a_worker(api: Api, study: Study) -> None:
    from talentloop.analytics import jobs
    from talentloop.jobs.models import Job, JobState
    from talentloop.jobs.worker import default_name

    job = await _export(api, study, "XLSX", study.world.users["hq_hr"])
    queued = await Job.get(kind=jobs.JOB_KIND, subject_id=pk_of(job["id"], "ReportJob"))
    assert (queued.state, queued.attempts, queued.worker) == (JobState.DONE, 1, default_name())


async def test_an_export_whose_workers_kept_stopping_fails_with_the_reason(
    api: Api, study: Study
) -> None:
    from datetime import UTC, datetime, timedelta

    from talentloop.analytics import jobs
    from talentloop.analytics.models import ReportFormat, ReportJob
    from talentloop.jobs import queue
    from talentloop.jobs.models import Job, JobState
    from talentloop.jobs.worker import Worker
    from tests.support import gid

    hq = study.world.users["hq_hr"]
    report = await ReportJob.create(
        format=ReportFormat.PDF, parameters={}, step="drawing", created_by_id=hq.id
    )
    await Job.create(
        kind=jobs.JOB_KIND,
        subject_id=report.id,
        state=JobState.RUNNING,
        attempts=queue.MAX_ATTEMPTS,
        worker="gone:3",
        heartbeat_at=datetime.now(UTC) - timedelta(minutes=5),
    )

    await Worker("sweeper:1").drain()

    polled = (await api.data(JOB, {"id": gid(report)}, as_=hq))["reportJob"]
    assert (polled["status"], polled["error"]) == ("FAILED", queue.STOPPED.format(count=3))
