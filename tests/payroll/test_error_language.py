"""A run that fails says why in the reader's language (issue 20 point 3): the reason is kept in
English, formatted from a catalogued msgid, and read back in Chinese or English — by the
reader's own setting, else Accept-Language — on the run and in the error of a mutation
refused because of it."""

from __future__ import annotations

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.payroll import service
from talentloop.payroll.models import JobStatus
from tests.payroll.conftest import JAN, Pay, finish
from tests.support import Api, gid

RUN = "query($id: ID!) { payrollRun(id: $id) { jobStatus error } }"
SUBMIT = "mutation($id: ID!) { submitPayrollRun(id: $id) { errors { code message } } }"


async def _failed_run(pay: Pay) -> str:
    """Beijing has no social insurance table in the test world: its run fails."""
    bj_hr = await load_viewer(pay.world.users["bj_hr"].id)
    run = await finish((await service.create_run(bj_hr, pay.world.units["BJ"].id, JAN)).id)
    assert run.job_status is JobStatus.FAILED
    assert run.error.startswith("Employee ") and "No social insurance table for 北京" in run.error
    return gid(run)


async def test_a_failed_runs_reason_reads_in_chinese_and_in_english(api: Api, pay: Pay) -> None:
    run_id = await _failed_run(pay)
    hr = pay.world.users["bj_hr"]
    api.http.headers["Accept-Language"] = "zh-CN"
    zh = (await api.data(RUN, {"id": run_id}, as_=hr))["payrollRun"]
    assert zh["jobStatus"] == "FAILED"
    assert zh["error"].startswith("员工 ")
    assert "北京 在 2026-01 没有生效的社保公积金缴费标准。" in zh["error"]
    refused = (await api.data(SUBMIT, {"id": run_id}, as_=hr))["submitPayrollRun"]["errors"]
    assert refused[0]["code"] == "INVALID"
    assert "没有生效的社保公积金缴费标准" in refused[0]["message"]
    assert "No social insurance" not in refused[0]["message"]

    api.http.headers["Accept-Language"] = "en-GB"
    en = (await api.data(RUN, {"id": run_id}, as_=hr))["payrollRun"]
    assert en["error"].startswith("Employee ")
    assert en["error"].endswith(": No social insurance table for 北京 in force in 2026-01.")
    refused = (await api.data(SUBMIT, {"id": run_id}, as_=hr))["submitPayrollRun"]["errors"]
    assert refused[0]["message"].startswith("The run failed: Employee ")


async def test_the_readers_own_setting_wins_over_accept_language(api: Api, pay: Pay) -> None:
    run_id = await _failed_run(pay)
    hr = pay.world.users["bj_hr"]
    await User.filter(id=hr.id).update(language="en")
    api.http.headers["Accept-Language"] = "zh-CN"
    en = (await api.data(RUN, {"id": run_id}, as_=hr))["payrollRun"]
    assert "No social insurance table for 北京 in force in 2026-01." in en["error"]
    await User.filter(id=hr.id).update(language="zh_CN")
    api.http.headers["Accept-Language"] = "en"
    zh = (await api.data(RUN, {"id": run_id}, as_=hr))["payrollRun"]
    assert "没有生效的社保公积金缴费标准" in zh["error"]
