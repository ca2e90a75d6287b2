"""The training-effect report speaks the reader's language (issue 20 point 3): its sentences
through the API and the headings of its PDF come from the message catalogue in Chinese or
English — the reader's own setting, else Accept-Language."""

from __future__ import annotations

import io

from pypdf import PdfReader

from talentloop.accounts.models import User
from tests.analytics.conftest import Study
from tests.analytics.test_export_job import EXPORT, _download, _finished
from tests.analytics.test_report import report_input
from tests.support import Api

SENTENCES = """query($input: TrainingEffectReportInput!) {
  trainingEffectReport(input: $input) { summary roiSummary } }"""


async def _sentences(api: Api, study: Study, user: User) -> dict[str, str]:
    data = await api.data(SENTENCES, {"input": report_input(study)}, as_=user)
    return dict(data["trainingEffectReport"])


async def test_the_reports_sentences_follow_accept_language_and_the_readers_setting(
    api: Api, study: Study
) -> None:
    hq = study.world.users["hq_hr"]
    api.http.headers["Accept-Language"] = "zh-CN"
    zh = await _sentences(api, study, hq)
    assert zh["summary"].startswith("受训员工")
    assert zh["roiSummary"].startswith("无法给出 ROI：该 KPI 尚未设定每单位的货币价值")
    api.http.headers["Accept-Language"] = "en-US,en;q=0.9"
    en = await _sentences(api, study, hq)
    assert " among the trained " in en["summary"]
    assert "受训" not in en["summary"]
    assert en["roiSummary"].startswith("ROI cannot be stated: the KPI has no money value per unit")
    # The reader's own setting wins over the header.
    await User.filter(id=hq.id).update(language="zh_CN")
    assert await _sentences(api, study, hq) == zh


async def _pdf_text(api: Api, study: Study, user: User) -> str:
    started = await api.data(
        EXPORT, {"input": {"report": report_input(study), "format": "PDF"}}, as_=user
    )
    job = await _finished(api, started["exportTrainingEffectReport"]["job"]["id"], user)
    response = await _download(api, job["downloadUrl"], user)
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join("".join(page.extract_text() or "" for page in reader.pages).split())


async def test_the_pdfs_headings_are_in_the_requesters_language(api: Api, study: Study) -> None:
    hq = study.world.users["hq_hr"]
    api.http.headers["Accept-Language"] = "zh-CN"
    zh = await _pdf_text(api, study, hq)
    assert "主要数据" in zh and "图表" in zh and "方法：" in zh
    assert "Headline figures" not in zh and "Method:" not in zh
    api.http.headers["Accept-Language"] = "en"
    en = await _pdf_text(api, study, hq)
    assert "Headline figures" in en and "Charts" in en and "Method:" in en
    assert "主要数据" not in en


REASONS = """query($input: TrainingEffectReportInput!) { trainingEffectReport(input: $input) {
  effect { conclusive reason reasonText } comparison { conclusive reason reasonText } } }"""


async def test_why_a_figure_is_not_conclusive_is_said_in_the_readers_language(
    api: Api, study: Study
) -> None:
    """The reason's text comes from the catalogue (the SPA no longer matches the English)."""
    shanghai_hr = study.world.users["branch_hr"]  # Shanghai's 12, all trained: no claim
    api.http.headers["Accept-Language"] = "zh-CN"
    zh = (await api.data(REASONS, {"input": report_input(study)}, as_=shanghai_hr))[
        "trainingEffectReport"
    ]
    assert zh["effect"]["reason"] == "fewer than 10 in a group"  # stable, for integrators
    assert zh["effect"]["reasonText"] == "有一组少于 10 人（受训 12 人，未受训 0 人）", zh
    api.http.headers["Accept-Language"] = "en"
    en = (await api.data(REASONS, {"input": report_input(study)}, as_=shanghai_hr))[
        "trainingEffectReport"
    ]
    assert en["effect"]["reasonText"].startswith("fewer than 10 employees in a group (12 trained")
    hq = study.world.users["hq_hr"]
    whole = (await api.data(REASONS, {"input": report_input(study)}, as_=hq))[
        "trainingEffectReport"
    ]
    assert whole["effect"]["conclusive"] is True and whole["effect"]["reasonText"] == ""


async def test_an_export_jobs_step_is_said_in_the_readers_language(api: Api, study: Study) -> None:
    from talentloop.analytics import jobs
    from talentloop.analytics.models import ReportFormat, ReportJob
    from tests.support import gid

    hq = study.world.users["hq_hr"]
    asked = "query($id: ID!) { reportJob(id: $id) { step stepText } }"
    for step, zh, en in [
        (jobs.QUEUED, "排队中", "queued"),
        (jobs.COMPUTING, "正在计算数字", "computing the figures"),
        ("trend chart", "正在绘制", "drawing"),  # a part of the document being drawn
    ]:
        job = await ReportJob.create(
            format=ReportFormat.PDF, parameters={}, step=step, created_by_id=hq.id
        )
        api.http.headers["Accept-Language"] = "zh-CN"
        assert (await api.data(asked, {"id": gid(job)}, as_=hq))["reportJob"] == {
            "step": step,
            "stepText": zh,
        }
        api.http.headers["Accept-Language"] = "en"
        assert (await api.data(asked, {"id": gid(job)}, as_=hq))["reportJob"]["stepText"] == en
