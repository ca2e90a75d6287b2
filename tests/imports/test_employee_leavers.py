"""Employees with leavers (issue 22): a leaver from the old system comes over TERMINATED with
their last day, reason and the RESIGNATION event a termination leaves; nobody still employed is
terminated by a file and no leaver is brought back; the employees a viewer manages, leavers
included, export so that the file imported again changes nothing."""

from __future__ import annotations

from datetime import date

from talentloop.access.viewer import load_viewer
from talentloop.imports import kinds
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.performance.models import ImportKind
from talentloop.records.models import EmploymentEvent, EventKind
from tests.imports.test_org_kinds import UNDO, _counts, _errors, _exported, _run
from tests.performance.conftest import Perf
from tests.support import Api

HEAD = "employee_number,name,unit_code,hire_date,status,last_day,termination_reason\n"


async def test_a_leaver_comes_over_terminated_with_the_event_of_their_last_day(
    api: Api, perf: Perf
) -> None:
    text = HEAD + "OLD-1,老员工,SH-SALES,2019-04-01,离职,2024-06-30,个人原因\n"
    job = await _run(api, perf, "EMPLOYEES", text)
    assert _counts(job) == ("DONE", 1, 0, 0)
    leaver = await Employee.get(employee_number="OLD-1")
    assert (leaver.status, leaver.termination_date, leaver.termination_reason) == (
        EmployeeStatus.TERMINATED,
        date(2024, 6, 30),
        "个人原因",
    )
    event = await EmploymentEvent.get(employee_id=leaver.id)
    assert (event.kind, event.effective_date, event.from_unit_id) == (
        EventKind.RESIGNATION,
        date(2024, 6, 30),
        leaver.unit_id,
    )
    again = await _run(api, perf, "EMPLOYEES", text.replace("离职", "terminated"))
    assert _counts(again) == ("DONE", 0, 0, 1)
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == []
    assert not await Employee.filter(employee_number="OLD-1").exists()


async def test_nobody_is_terminated_or_brought_back_by_a_file(api: Api, perf: Perf) -> None:
    rep = perf.world.people["sh_rep"]
    gone = perf.world.people["sh_rep2"]
    await Employee.filter(id=gone.id).update(
        status=EmployeeStatus.TERMINATED, termination_date=date(2025, 1, 31)
    )
    rows = [
        f"{rep.employee_number},{rep.name},SH-SALES-1,{rep.hire_date},terminated,2026-01-31,走了",
        f"{gone.employee_number},{gone.name},SH-SALES-1,{gone.hire_date},active,,",
        f"{gone.employee_number}x,新离职,SH-SALES,2020-01-01,离职,,原因",
        "NEW-2,新离职二,SH-SALES,2020-01-01,terminated,2019-12-31,",
        "NEW-3,在职但有离职日,SH-SALES,2020-01-01,active,2021-01-01,",
    ]
    job = await _run(api, perf, "EMPLOYEES", HEAD + "\n".join(rows) + "\n", dryRun=True)
    assert _errors(job) == [
        (2, "status", "INVALID"),  # someone employed: requestTermination's
        (3, "status", "INVALID"),  # a leaver back: rehireEmployee's
        (4, "last_day", "REQUIRED"),
        (5, "last_day", "INVALID"),  # before the hire date
        (5, "termination_reason", "REQUIRED"),
        (6, "last_day", "INVALID"),  # a last day for someone not leaving
    ]
    moved = (
        HEAD + f"{gone.employee_number},{gone.name},SH-SALES-1,{gone.hire_date},离职,2025-02-28,x\n"
    )
    assert _errors(await _run(api, perf, "EMPLOYEES", moved)) == [(2, "last_day", "INVALID")]
    assert (await Employee.get(id=rep.id)).status is not EmployeeStatus.TERMINATED


async def test_employees_exported_and_imported_again_change_nothing(api: Api, perf: Perf) -> None:
    gone = perf.world.people["sh_rep2"]
    await Employee.filter(id=gone.id).update(
        status=EmployeeStatus.TERMINATED,
        termination_date=date(2025, 1, 31),
        termination_reason="合同期满",
    )
    for viewer in ("hq_hr", "branch_hr"):
        text = await _exported(perf, ImportKind.EMPLOYEES, viewer)
        assert f"{gone.employee_number}," in text and "2025-01-31,合同期满" in text
        own = perf.world.people["hq_hr_person" if viewer == "hq_hr" else "sh_hr_person"]
        assert f"\n{own.employee_number}," not in text  # a row about oneself is refused
        job = await _run(api, perf, "EMPLOYEES", text, viewer=viewer)
        assert job["status"] == "DONE" and job["createdRows"] == job["updatedRows"] == 0, job
    assert perf.world.id_numbers["sh_rep"] not in text  # never unmasked in an export
    assert perf.world.people["bj_rep"].employee_number not in text  # branch HR: their branch


async def test_the_employee_template_offers_the_viewers_units_and_the_statuses(perf: Perf) -> None:
    spec = kinds.spec(ImportKind.EMPLOYEES)
    assert spec.choices is not None
    found = await spec.choices(await load_viewer(perf.world.users["branch_hr"].id))
    assert "SH-SALES" in found["unit_code"] and "BJ-SALES" not in found["unit_code"]
    assert "terminated" in found["status"] and "REP" in found["position_code"]
