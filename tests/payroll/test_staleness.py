"""Payroll follows every decision (issue 21 point 2): each kind of input change marks the draft
and reviewed runs it reaches out of date with the reason, such a run is not approved until it
is recomputed, the recompute says what changed per person, months are approved in order, and
an employee's payslip shows only once its run is approved."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.approvals.models import ApprovalTask, RequestType, TaskStatus
from talentloop.approvals.service import request_for_subject
from talentloop.attendance import service as attendance
from talentloop.attendance.calendar import DayKind
from talentloop.attendance.models import CalendarSource, PunchSource
from talentloop.errors import ErrorCode, ServiceError
from talentloop.graphql.ids import pk_of
from talentloop.i18n import language
from talentloop.payroll import service, staleness
from talentloop.payroll.calc import Component, RoundingMode
from talentloop.payroll.models import (
    ComponentKind,
    ComponentMethod,
    ItemKind,
    PayrollRun,
    RunStatus,
)
from talentloop.performance import pay as performance_pay
from talentloop.performance.models import ConditionKind, Kpi, KpiUnit, PeriodType
from talentloop.policy import service as policy
from tests.payroll.conftest import FEB, JAN, MAR, Pay, finish
from tests.support import Api, add_person, gid


def _pk(global_id: str) -> int:
    pk = pk_of(global_id, "PayrollRun")
    assert pk is not None
    return pk


async def _reasons(run: PayrollRun, lang: str = "en") -> list[str]:
    with language(lang):
        return (await staleness.reasons_of([run.id]))[run.id]


async def _refused(pay: Pay, run: PayrollRun) -> ServiceError:
    """Submit the run and have its approvers try to approve it: the error that stops it."""
    run = await PayrollRun.get(id=run.id)
    with pytest.raises(ServiceError) as err:
        if run.status is RunStatus.DRAFT:
            await service.submit_run(pay.hr, run.id)
        await pay.approve(run)
    return err.value


async def _kpi() -> Kpi:
    return await Kpi.create(
        code="NEW", name="新客户数", unit=KpiUnit.COUNT, period_type=PeriodType.MONTH
    )


async def test_a_suspension_marks_the_units_open_runs_from_its_month_and_blocks_approval(
    pay: Pay,
) -> None:
    jan = await pay.run("SH-SALES-1", JAN)
    feb = await pay.run("SH-SALES-1", FEB)
    other = await pay.run("SH-HR", FEB)
    hq = await load_viewer(pay.world.users["hq_hr"].id)
    await performance_pay.suspend(
        hq, unit_id=pay.world.units["SH-SALES"].id, reason="新客户不足 50", suspended_from=FEB,
        kind=ConditionKind.UNIT_TOTAL, kpi_id=(await _kpi()).id, threshold=D(50), periods=1,
    )  # fmt: skip
    assert await _reasons(jan) == [] and await _reasons(other) == []
    assert await _reasons(feb) == [
        f"Performance pay of {pay.world.units['SH-SALES'].name} suspended from 2026-02."
    ]
    assert "暂停" in (await _reasons(feb, "zh-CN"))[0]
    refusal = await _refused(pay, feb)
    assert refusal.errors[0].code is ErrorCode.OUT_OF_DATE
    # Recomputed, it pays no performance pay and may be approved (January first).
    await pay.run("SH-SALES-1", JAN, approve=True)
    feb = await pay.run("SH-SALES-1", FEB)
    assert await _reasons(feb) == []
    assert (await pay.lines("sh_rep", FEB))["earning:performance"] == D(0)
    changes = {c["employee_id"]: c for c in feb.changes}
    rep = changes[pay.world.people["sh_rep"].id]
    assert (rep["before"]["performance"], rep["after"]["performance"]) == ("800.00", "0.00")
    await service.submit_run(pay.hr, feb.id)
    assert (await pay.approve(feb)).status is RunStatus.APPROVED


async def test_the_run_recomputed_after_the_restore_pays_the_performance_pay(pay: Pay) -> None:
    w = pay.world
    hq = await load_viewer(w.users["hq_hr"].id)
    suspension = await performance_pay.suspend(
        hq, unit_id=w.units["SH-SALES"].id, reason="新客户不足 50", suspended_from=JAN,
        kind=ConditionKind.UNIT_TOTAL, kpi_id=(await _kpi()).id, threshold=D(50), periods=1,
    )  # fmt: skip
    await pay.run("SH-SALES-1", JAN, approve=True)
    feb = await pay.run("SH-SALES-1", FEB)
    await service.submit_run(pay.hr, feb.id)  # November's run in review, in the issue
    assert (await pay.lines("sh_rep", FEB))["earning:performance"] == D(0)
    request = await performance_pay.request_restore(
        pay.hr, suspension.id, restore_from=FEB, comment="60 new customers"
    )
    for _ in range(5):  # every step of the restore's approval decides in turn
        request = await performance_pay.RestoreRequest.get(id=request.id)
        if request.current_step is None:
            break
        approval = await request_for_subject(RequestType.PAY_RESTORE, request.id)
        assert approval is not None
        task = await ApprovalTask.filter(request_id=approval.id, status=TaskStatus.PENDING).first()
        assert task is not None
        await performance_pay.decide_restore(
            await load_viewer(task.approver_id), request.id, approve=True, comment="ok"
        )
    feb = await PayrollRun.get(id=feb.id)
    assert feb.status is RunStatus.REVIEW
    assert (await _reasons(feb))[0].endswith("restored from 2026-02.")
    assert (await _refused(pay, feb)).errors[0].code is ErrorCode.OUT_OF_DATE
    # The recompute takes the run under review back to draft, pays the performance pay and
    # says what changed.
    run = await service.recompute_run(pay.hr, feb.id)
    assert run.status is RunStatus.DRAFT
    feb = await finish(feb.id)
    assert (await pay.lines("sh_rep", FEB))["earning:performance"] == D(800)
    rep = next(c for c in feb.changes if c["employee_id"] == w.people["sh_rep"].id)
    assert (rep["before"]["performance"], rep["after"]["performance"]) == ("0.00", "800.00")
    assert D(rep["after"]["gross"]) - D(rep["before"]["gross"]) == D(800)
    await service.submit_run(pay.hr, feb.id)
    assert (await pay.approve(feb)).status is RunStatus.APPROVED


async def test_salary_items_and_deductions_mark_the_runs_paying_that_person(pay: Pay) -> None:
    w = pay.world
    sales, hr_run = await pay.run("SH-SALES-1", FEB), await pay.run("SH-HR", FEB)
    await service.add_item(
        pay.hr, w.people["sh_rep"].id, month=FEB, kind=ItemKind.BONUS, amount=D(300)
    )
    assert await _reasons(sales) == ["A pay item of sh_rep name was added for 2026-02."]
    assert await _reasons(hr_run) == []
    sales = await pay.run("SH-SALES-1", FEB)
    assert await _reasons(sales) == []
    await service.set_employee_structure(
        pay.hr, w.people["sh_rep2"].id, JAN,
        [service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.FIXED, D(9000))],
    )  # fmt: skip
    assert await _reasons(sales) == ["Salary structure of sh_rep2 name changed from 2026-01."]
    # A structure from a later month does not reach February.
    await service.set_employee_structure(
        pay.hr, w.people["sh_rep"].id, MAR,
        [service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.FIXED, D(9000))],
    )  # fmt: skip
    assert len(await _reasons(sales)) == 1
    # A position's structure: the runs paying its holders.
    await service.set_position_structure(
        await load_viewer(w.users["hq_hr"].id), w.positions["REP"].id, FEB,
        [service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.EMPLOYEE_BASE)],
    )  # fmt: skip
    assert any("position" in r for r in await _reasons(sales))


async def test_attendance_marks_the_month_of_the_punch(pay: Pay) -> None:
    w = pay.world
    nov = date(2026, 11, 1)
    dec = date(2026, 12, 1)
    run_nov, run_dec = await pay.run("SH-SALES-1", nov), await pay.run("SH-SALES-1", dec)
    rep = await load_viewer(w.users["employee"].id)
    await attendance.clock_in(
        rep, source=PunchSource.WEB, now=datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    )
    assert await _reasons(run_nov) == []
    assert await _reasons(run_dec) == ["Attendance of sh_rep name changed in 2026-12."]
    # A punch file: the months it has punches in.
    number = w.people["sh_rep2"].employee_number
    result = await attendance.import_punches(
        pay.hr, f"employee_number,punched_at\n{number},2026-11-03 08:55\n".encode(),
        dry_run=False, now=datetime(2026, 12, 2, 1, 0, tzinfo=UTC),
    )  # fmt: skip
    assert result.errors == [] and result.imported == 1
    assert await _reasons(run_nov) == ["Punches of 1 people were imported for 2026-11."]


async def test_a_new_social_insurance_or_tax_table_marks_the_runs_from_its_month(
    pay: Pay,
) -> None:
    sh, bj = await pay.run("SH-SALES-1", FEB), None
    hq = await load_viewer(pay.world.users["hq_hr"].id)
    await policy.add_city_table(
        hq,
        policy.CityTableInput(
            city="上海", valid_from=FEB, base_floor=D(7460), base_ceiling=D(37302),
            fund_floor=D(2690), fund_ceiling=D(37302), rounding_quantum=D("0.01"),
            rounding_mode=RoundingMode.HALF_UP, fund_rounding_quantum=D("0.01"),
            fund_rounding_mode=RoundingMode.HALF_UP, source="test",
            rates=[policy.RateInput(Component.PENSION, D("0.08"), D("0.16"), D(0))],
        ),
    )  # fmt: skip
    assert await _reasons(sh) == ["A social-insurance table of 上海 was added from 2026-02."]
    assert bj is None
    sh = await pay.run("SH-SALES-1", FEB)
    table = await service.tax_table_for(FEB)
    assert table is not None
    await policy.add_tax_table(
        hq,
        policy.TaxTableInput(
            valid_from=MAR, basic_deduction=table.basic_deduction,
            brackets=list(table.annual), bonus_brackets=list(table.monthly), source="test",
        ),
    )  # fmt: skip
    assert await _reasons(sh) == []  # from March: February stays as it is
    mar = await pay.run("SH-SALES-1", MAR)
    await policy.add_tax_table(
        hq,
        policy.TaxTableInput(
            valid_from=date(2026, 3, 1).replace(month=4), basic_deduction=table.basic_deduction,
            brackets=list(table.annual), bonus_brackets=list(table.monthly), source="test",
        ),
    )  # fmt: skip
    assert await _reasons(mar) == []
    await policy.add_tax_table(
        hq,
        policy.TaxTableInput(
            valid_from=date(2026, 1, 1), basic_deduction=table.basic_deduction,
            brackets=list(table.annual), bonus_brackets=list(table.monthly), source="test",
        ),
    )  # fmt: skip
    assert await _reasons(mar) == ["An income-tax table was added from 2026-01."]


async def test_a_draft_january_counts_toward_february_and_february_waits_for_it(
    pay: Pay,
) -> None:
    """The issue's A00099: January left a draft, February computed — the months employed
    (2) and the income before must count the same months, so February withholds its share,
    and February is not approved before January."""
    w = pay.world
    person = await add_person(w, "a99", "SH-HR", salary=10400)
    await service.set_employee_structure(
        pay.hr, person.id, JAN,
        [service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.FIXED, D(10400))],
    )  # fmt: skip
    await pay.run("SH-HR", JAN)  # left a draft
    feb_run = await pay.run("SH-HR", FEB)
    jan, feb = await pay.slip("a99", JAN), await pay.slip("a99", FEB)
    assert jan.tax == D("115.20")  # (10,400 − 15 % − 5,000) × 3 %
    assert (feb.months_employed, feb.cumulative_income) == (2, D(20800))
    assert feb.withheld_before == jan.tax and feb.tax == D("115.20")
    refusal = await _refused(pay, feb_run)
    assert refusal.errors[0].code is ErrorCode.CONFLICT
    assert refusal.errors[0].params == (("month", "2026-01"),)
    # January recomputed with a bonus: February is out of date with the reason.
    await service.add_item(pay.hr, person.id, month=JAN, kind=ItemKind.BONUS, amount=D(1000))
    await pay.run("SH-HR", JAN, approve=True)
    feb_run = await PayrollRun.get(id=feb_run.id)
    assert feb_run.status is RunStatus.REVIEW  # the refused approval left it there
    assert "Payslips of 2026-01 changed" in " ".join(await _reasons(feb_run))
    feb_run = await pay.run("SH-HR", FEB, approve=True)
    assert feb_run.status is RunStatus.APPROVED


async def test_a_december_recomputed_leaves_januarys_run_alone(pay: Pay) -> None:
    """The cumulative withholding starts again each January: a changed December is no input
    of the next year's January run, which is not marked."""
    w = pay.world
    person = await add_person(w, "dec", "SH-HR", salary=10400)
    dec, jan = date(2026, 12, 1), date(2027, 1, 1)
    await service.set_employee_structure(
        pay.hr, person.id, dec,
        [service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.FIXED, D(10400))],
    )  # fmt: skip
    await pay.run("SH-HR", dec)
    jan_run = await pay.run("SH-HR", jan)
    await service.add_item(pay.hr, person.id, month=dec, kind=ItemKind.BONUS, amount=D(1000))
    await pay.run("SH-HR", dec)  # recomputed: its payslip changed
    assert (await pay.slip("dec", jan)).months_employed == 1
    assert not [r for r in await _reasons(jan_run) if "2026-12" in r]


async def test_a_payslip_shows_to_its_employee_once_approved_hr_included(pay: Pay) -> None:
    w = pay.world
    hr_person = await load_viewer(w.users["branch_hr"].id)
    assert hr_person.employee_id is not None
    run = await pay.run("SH-HR", JAN)
    await service.submit_run(pay.hr, run.id)
    assert await service.my_payslips(hr_person) == []  # HR's own: not while under review
    # HR opens any payslip of the run they run.
    slips = await service.payslips_of_run(pay.hr, run)
    assert len(slips) == run.headcount
    for slip in slips:
        assert await service.get_payslip(pay.hr, slip.id) is not None
    run = await pay.approve(run)
    mine = await service.my_payslips(hr_person)
    assert [s.run_id for s in mine] == [run.id]


async def test_the_draft_month_case_through_the_api(api: Api, pay: Pay) -> None:
    """The issue's steps: createPayrollRun for January left a draft, then February for the
    same unit: February's payslip counts January's income and tax, its approval is refused
    naming January, and the run says why it is out of date in the reader's language."""
    w = pay.world
    person = await add_person(w, "a99", "SH-HR", salary=10400)
    await service.set_employee_structure(
        pay.hr, person.id, JAN,
        [service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.FIXED, D(10400))],
    )  # fmt: skip
    hr = w.users["branch_hr"]
    ids = {}
    for month in ("2026-01-01", "2026-02-01"):
        data = await api.data(
            "mutation($u: ID!, $m: Date!) { createPayrollRun(input: {unitId: $u, month: $m}) "
            "{ run { id } errors { code } } }",
            {"u": gid(w.units["SH-HR"]), "m": month},
            as_=hr,
        )
        ids[month] = data["createPayrollRun"]["run"]["id"]
        await finish(_pk(ids[month]))
    slips = await api.data(
        "query($id: ID!) { payrollRun(id: $id) { outOfDate payslips { monthsEmployed "
        "cumulativeIncome tax employee { employeeNumber } } } }",
        {"id": ids["2026-02-01"]},
        as_=hr,
    )
    mine = next(
        p for p in slips["payrollRun"]["payslips"]
        if p["employee"]["employeeNumber"] == person.employee_number
    )  # fmt: skip
    assert mine == {
        "monthsEmployed": 2, "cumulativeIncome": "20800.00", "tax": "115.20",
        "employee": {"employeeNumber": person.employee_number},
    }  # fmt: skip
    submitted = await api.data(
        "mutation($id: ID!) { submitPayrollRun(id: $id) { errors { code } } }",
        {"id": ids["2026-02-01"]},
        as_=hr,
    )
    assert submitted["submitPayrollRun"]["errors"] == []
    feb = await PayrollRun.get(id=_pk(ids["2026-02-01"]))
    with pytest.raises(ServiceError) as err:
        await pay.approve(feb)
    assert err.value.errors[0].params == (("month", "2026-01"),)
    # Through the API too, for the approver whose task it is, in their language.
    approval_request = await request_for_subject(RequestType.PAYROLL_RUN, feb.id)
    assert approval_request is not None
    task = await ApprovalTask.get(request_id=approval_request.id, status=TaskStatus.PENDING)
    api.http.headers["Accept-Language"] = "zh-CN"
    approval = await api.data(
        "mutation($id: ID!) { approvePayrollRun(id: $id) { errors { code message } } }",
        {"id": ids["2026-02-01"]},
        as_=await User.get(id=task.approver_id),
    )
    assert approval["approvePayrollRun"]["errors"] == [
        {"code": "CONFLICT", "message": "2026-01 的工资表尚未审批，请先审批该月。"}
    ]
    # A bonus for January, January recomputed: February says both, in Chinese.
    await service.add_item(pay.hr, person.id, month=JAN, kind=ItemKind.BONUS, amount=D(1000))
    await pay.run("SH-HR", JAN)
    reasons = await api.data(
        "query($id: ID!) { payrollRun(id: $id) { outOfDate outOfDateReasons } }",
        {"id": ids["2026-02-01"]},
        as_=hr,
    )
    assert reasons["payrollRun"] == {
        "outOfDate": True,
        "outOfDateReasons": [  # the item reaches every open month from January
            "已为 a99 name 录入 2026-01 的工资项目。",
            "2026-01 的工资条有变动，影响本年累计预扣个税。",
        ],
    }


async def test_a_work_calendar_day_marks_the_open_run_of_its_month_only(pay: Pay) -> None:
    feb, mar = await pay.run("SH-SALES-1", FEB), await pay.run("SH-SALES-1", MAR)
    hq = await load_viewer(pay.world.users["hq_hr"].id)
    day = policy.CalendarDayInput(date(2026, 2, 27), DayKind.REST_DAY, note="司庆")
    await policy.set_calendar_days(hq, CalendarSource.COMPANY, [day])
    assert await _reasons(feb) == ["Work calendar days changed in 2026-02."]
    assert await _reasons(mar) == []


async def test_imported_punches_and_leave_mark_the_months_they_fall_in(pay: Pay) -> None:
    from talentloop.imports.service import run_import
    from talentloop.performance.models import ImportKind, ImportStatus

    w = pay.world
    run_oct = await pay.run("SH-SALES-1", date(2026, 10, 1))
    run_nov = await pay.run("SH-SALES-1", date(2026, 11, 1))
    number = w.people["sh_rep2"].employee_number
    punches = f"employee_number,punched_at\n{number},2026-11-03 08:55\n"
    job = await run_import(
        pay.hr, kind=ImportKind.ATTENDANCE_PUNCHES, file_name="p.csv",
        content=punches.encode(), dry_run=False,
    )  # fmt: skip
    assert job.status is ImportStatus.DONE, job.errors
    assert await _reasons(run_oct) == []
    assert await _reasons(run_nov) == ["Punches of 1 people were imported for 2026-11."]
    leave = f"employee_number,leave_type,start_date,end_date,days\n{number},sick,2026-10-12,2026-10-12,1\n"
    job = await run_import(
        pay.hr, kind=ImportKind.LEAVE_REQUESTS, file_name="l.csv",
        content=leave.encode(), dry_run=False,
    )  # fmt: skip
    assert job.status is ImportStatus.DONE, job.errors
    assert await _reasons(run_oct) == ["Leave of 1 people was imported for 2026-10."]


async def test_undoing_an_import_marks_the_months_its_rows_reached(pay: Pay) -> None:
    """An undo takes the imported inputs away again: the runs its rows reached are out of date
    once more (a run recomputed after the import would pay what is no longer there)."""
    from talentloop.imports.service import run_import
    from talentloop.imports.undo import undo_import
    from talentloop.performance.models import ImportKind, ImportStatus

    w = pay.world
    await pay.run("SH-SALES-1", date(2026, 10, 1))
    await pay.run("SH-SALES-1", date(2026, 11, 1))
    number = w.people["sh_rep2"].employee_number
    punches = f"employee_number,punched_at\n{number},2026-11-03 08:55\n"
    punched = await run_import(
        pay.hr, kind=ImportKind.ATTENDANCE_PUNCHES, file_name="p.csv",
        content=punches.encode(), dry_run=False,
    )  # fmt: skip
    assert punched.status is ImportStatus.DONE, punched.errors
    # Recomputed after the import: nothing outstanding; the undo takes the punch away again.
    run_oct = await pay.run("SH-SALES-1", date(2026, 10, 1))
    run_nov = await pay.run("SH-SALES-1", date(2026, 11, 1))
    assert (await _reasons(run_oct), await _reasons(run_nov)) == ([], [])
    await undo_import(pay.hr, punched.id)
    assert await _reasons(run_oct) == []
    assert await _reasons(run_nov) == [
        "An undone import changed the pay inputs of 1 people from 2026-11."
    ]

    # A hire imported into the unit and undone before any run paid them (a payslip of theirs
    # would refuse the undo): the runs from the hire month are marked by both.
    hire = (
        "employee_number,name,unit_code,hire_date,base_salary\n"
        "UNDO-1,撤销测试,SH-SALES-1,2026-10-08,8000\n"
    )
    hired = await run_import(
        pay.hr, kind=ImportKind.EMPLOYEES, file_name="e.csv", content=hire.encode(), dry_run=False
    )
    assert hired.status is ImportStatus.DONE, hired.errors
    await undo_import(pay.hr, hired.id)
    undone = "An undone import changed the pay inputs of 1 people from 2026-10."
    assert undone in await _reasons(run_oct)
    assert undone in await _reasons(run_nov)
    with language("zh-CN"):
        assert (
            "撤销导入改变了 1 人自 2026-10 起的薪资数据。"
            in (await staleness.reasons_of([run_oct.id]))[run_oct.id]
        )
