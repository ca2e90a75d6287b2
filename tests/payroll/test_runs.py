"""Payroll runs against a real database: the official example month by month, a unit's run
against hand computation, recomputing a draft, the lock after approval and corrections in a
later month, suspended performance pay, overtime, the annual bonus and a mid-year hire."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from talentloop.access.viewer import load_viewer
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode, ServiceError
from talentloop.payroll import service
from talentloop.payroll.calc import DeductionKind
from talentloop.payroll.models import (
    BonusTaxMethod,
    ComponentKind,
    ComponentMethod,
    ItemKind,
    JobStatus,
    Payslip,
    PayslipLine,
    RunStatus,
)
from talentloop.performance.models import (
    ConditionKind,
    Kpi,
    KpiUnit,
    PaySuspension,
    SuspensionStatus,
)
from tests.payroll.conftest import APR, FEB, JAN, MAR, Pay, finish
from tests.support import add_person


async def test_the_official_example_withholds_555_625_and_1850_through_three_runs(
    pay: Pay,
) -> None:
    w = pay.world
    person = await add_person(w, "big", "SH-HR", salary=30000)
    await service.set_employee_structure(
        pay.hr, person.id, JAN,
        [service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.FIXED, D(30000))],
    )  # fmt: skip
    await service.add_special_deduction(
        pay.hr, person.id, kind=DeductionKind.CHILD_EDUCATION, valid_from=JAN
    )
    taxes = []
    for month in (JAN, FEB, MAR):
        await pay.run("SH-HR", month, approve=True)
        slip = await pay.slip("big", month)
        assert slip.employee_contributions == D(4500)  # 三险一金 15 % of 30,000
        taxes.append(slip.tax)
    assert taxes == [D("555.00"), D("625.00"), D("1850.00")]
    march = await pay.slip("big", MAR)
    assert (march.cumulative_income, march.cumulative_basic) == (D(90000), D(15000))
    assert (march.cumulative_special, march.cumulative_additional) == (D(13500), D(6000))
    assert (march.cumulative_taxable, march.cumulative_tax) == (D(55500), D("3030.00"))
    assert march.withheld_before == D("1180.00")
    assert march.net == D(30000) - D(4500) - D(1850)
    line = await PayslipLine.get(payslip_id=march.id, code="iit")
    assert "55,500.00" in line.explanation_zh and "1,180.00" in line.explanation_en


async def test_a_units_run_matches_hand_computation_on_every_line(pay: Pay) -> None:
    run = await pay.run("SH-SALES-1", JAN)
    # sh_rep: base 8,000, allowance 500, performance 10 % = 800. Contributions on 8,000:
    # pension 640, medical 160, housing fund 400 = 1,200. Tax: (9,300 − 5,000 − 1,200) × 3 % = 93.
    assert await pay.lines("sh_rep", JAN) == {
        "earning:base": D(8000),
        "earning:allowance": D(500),
        "earning:performance": D(800),
        "contribution:pension": D(640),
        "contribution:medical": D(160),
        "contribution:housing_fund": D(400),
        "employer:pension": D(1280),
        "employer:medical": D(720),
        "employer:injury": D("20.80"),
        "employer:housing_fund": D(400),
        "tax:iit": D(93),
    }
    rep = await pay.slip("sh_rep", JAN)
    assert (rep.gross, rep.employee_contributions, rep.tax, rep.net) == (
        D(9300), D(1200), D(93), D(8007),
    )  # fmt: skip
    assert rep.employer_contributions == D("2420.80")
    # sh_rep2: 8,500 + 500 + 850 = 9,850; 1,275 contributions; (9,850 − 6,275) × 3 % = 107.25.
    rep2 = await pay.slip("sh_rep2", JAN)
    assert (rep2.gross, rep2.employee_contributions, rep2.tax, rep2.net) == (
        D(9850), D(1275), D("107.25"), D("8467.75"),
    )  # fmt: skip
    assert (run.headcount, run.gross, run.net, run.tax) == (
        2, D(19150), D("16474.75"), D("200.25"),
    )  # fmt: skip
    assert run.job_status is JobStatus.DONE and run.progress == 100


async def _dump(run_id: int) -> list[tuple[object, ...]]:
    slips = await Payslip.filter(run_id=run_id).order_by("employee_id")
    out: list[tuple[object, ...]] = []
    for s in slips:
        out.append((s.employee_id, s.gross, s.tax, s.net, s.cumulative_taxable))
        for line in await PayslipLine.filter(payslip_id=s.id).order_by("order"):
            out.append((line.code, line.amount, line.explanation_zh, line.explanation_en))
    return out


async def test_recomputing_a_draft_gives_the_same_payslips(pay: Pay) -> None:
    run = await pay.run("SH", JAN)
    first = await _dump(run.id)
    again = await pay.run("SH", JAN)
    assert again.id == run.id
    assert await _dump(run.id) == first
    assert await Payslip.filter(run_id=run.id).count() == run.headcount == 5
    assert (again.gross, again.net) == (run.gross, run.net)


async def test_an_approved_run_cannot_change_and_corrections_go_into_a_later_month(
    pay: Pay,
) -> None:
    run = await pay.run("SH-SALES-1", JAN, approve=True)
    before = await _dump(run.id)
    rep = pay.world.people["sh_rep"]
    for action in (service.recompute_run, service.submit_run, service.approve_run):
        with pytest.raises(ServiceError) as err:
            await action(pay.hr, run.id)
        assert err.value.errors[0].code is ErrorCode.LOCKED
    with pytest.raises(ServiceError) as err:
        await service.add_item(pay.hr, rep.id, month=JAN, kind=ItemKind.BONUS, amount=D(100))
    assert err.value.errors[0].code is ErrorCode.LOCKED
    with pytest.raises(ServiceError):  # a correction names the earlier month it corrects
        await service.add_item(pay.hr, rep.id, month=FEB, kind=ItemKind.ADJUSTMENT, amount=D(1))
    await service.add_item(
        pay.hr, rep.id, month=FEB, kind=ItemKind.ADJUSTMENT, amount=D(300), corrects_month=JAN,
        note="January allowance was short",
    )  # fmt: skip
    assert await _dump(run.id) == before
    await pay.run("SH-SALES-1", FEB)
    lines = await pay.lines("sh_rep", FEB)
    assert lines["earning:adjustment"] == D(300)
    feb = await pay.slip("sh_rep", FEB)
    assert feb.gross == D(9600)
    # Cumulative: (9,300 + 9,600) − 10,000 − 2,400 = 6,500 × 3 % = 195, less 93 withheld.
    assert feb.tax == D(102)
    paid = await service.mark_paid(pay.hr, run.id)
    assert paid.status is RunStatus.PAID
    trail = await AuditEntry.filter(subject_type="PayrollRun", subject_id=run.id).order_by("id")
    assert [(e.field, e.before["status"], e.after["status"]) for e in trail] == [
        ("status", "draft", "review"), ("status", "review", "approved"), ("status", "approved", "paid"),
    ]  # fmt: skip
    with pytest.raises(ServiceError) as err:
        await service.mark_paid(pay.hr, run.id)
    assert err.value.errors[0].code is ErrorCode.LOCKED


async def test_a_draft_month_counts_toward_the_next_months_cumulative_figures(
    pay: Pay,
) -> None:
    """The months employed count January, so the income and tax before count it too (issue
    21 point 2; February is not approved before January: tests/payroll/test_staleness.py)."""
    await pay.run("SH-SALES-1", JAN)  # left in draft
    await pay.run("SH-SALES-1", FEB)
    jan, feb = await pay.slip("sh_rep", JAN), await pay.slip("sh_rep", FEB)
    assert feb.withheld_before == jan.tax == D(93) and feb.cumulative_income == D(18600)
    assert feb.tax == jan.tax


async def _suspend(pay: Pay, since: date) -> PaySuspension:
    kpi = await Kpi.create(code="NEW", name="新客户数", unit=KpiUnit.COUNT)
    return await PaySuspension.create(
        unit=pay.world.units["SH-SALES"],
        reason="新客户不足 50",
        suspended_from=since,
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=kpi,
        condition_threshold=D(50),
    )


async def test_suspended_performance_pay_is_not_paid_and_the_line_says_why(pay: Pay) -> None:
    suspension = await _suspend(pay, FEB)
    await pay.run("SH-SALES-1", JAN, approve=True)
    await pay.run("SH-SALES-1", FEB, approve=True)
    assert (await pay.lines("sh_rep", JAN))["earning:performance"] == D(800)
    assert (await pay.lines("sh_rep", FEB))["earning:performance"] == D(0)
    feb = await pay.slip("sh_rep", FEB)
    line = await PayslipLine.get(payslip_id=feb.id, code="performance")
    assert "暂停" in line.explanation_zh and "新客户不足 50" in line.explanation_zh
    assert "suspended since 2026-02" in line.explanation_en
    assert feb.gross == D(8500)
    # A restore request pending: still suspended in March.
    suspension.status = SuspensionStatus.RESTORE_REQUESTED
    await suspension.save()
    await pay.run("SH-SALES-1", MAR, approve=True)
    assert (await pay.lines("sh_rep", MAR))["earning:performance"] == D(0)
    # Restored from April: paid again.
    suspension.status, suspension.restored_from = SuspensionStatus.RESTORED, APR
    await suspension.save()
    await pay.run("SH-SALES-1", APR)
    assert (await pay.lines("sh_rep", APR))["earning:performance"] == D(800)


async def test_overtime_and_unpaid_days_come_through_the_attendance_figures(pay: Pay) -> None:
    rep = pay.world.people["sh_rep"]
    for kind, amount in (
        (ItemKind.OVERTIME_150, D(10)),
        (ItemKind.OVERTIME_300, D(8)),
        (ItemKind.UNPAID_LEAVE_DAYS, D(1)),
    ):
        await service.add_item(pay.hr, rep.id, month=JAN, kind=kind, amount=amount)
    await pay.run("SH-SALES-1", JAN)
    lines = await pay.lines("sh_rep", JAN)
    # 8,000 ÷ 21.75 ÷ 8 = 45.977… an hour.
    assert lines["earning:overtime_150"] == D("689.66")  # × 10 × 1.5
    assert lines["earning:overtime_300"] == D("1103.45")  # × 8 × 3
    assert lines["earning:unpaid_leave"] == D("-367.82")  # 8,000 ÷ 21.75
    slip = await pay.slip("sh_rep", JAN)
    assert slip.gross == D(9300) + D("689.66") + D("1103.45") - D("367.82")
    assert slip.employee_contributions == D(1200)  # on the base, not on overtime


async def test_the_annual_bonus_taxed_separately_or_merged_as_chosen(pay: Pay) -> None:
    w = pay.world
    rep, rep2 = w.people["sh_rep"], w.people["sh_rep2"]
    await service.add_item(
        pay.hr, rep.id, month=JAN, kind=ItemKind.ANNUAL_BONUS, amount=D(36000),
        bonus_tax=BonusTaxMethod.SEPARATE,
    )  # fmt: skip
    await service.add_item(
        pay.hr, rep2.id, month=JAN, kind=ItemKind.ANNUAL_BONUS, amount=D(36000),
        bonus_tax=BonusTaxMethod.MERGED,
    )  # fmt: skip
    with pytest.raises(ServiceError) as err:  # separately once a year
        await service.add_item(
            pay.hr, rep.id, month=MAR, kind=ItemKind.ANNUAL_BONUS, amount=D(1),
            bonus_tax=BonusTaxMethod.SEPARATE,
        )  # fmt: skip
    assert err.value.errors[0].code is ErrorCode.DUPLICATE
    await pay.run("SH-SALES-1", JAN)
    separate = await pay.slip("sh_rep", JAN)
    assert (separate.tax, separate.bonus_tax) == (D(93), D(1080))  # 36,000 × 3 %
    assert separate.net == D(9300) + D(36000) - D(1200) - D(93) - D(1080)
    merged = await pay.slip("sh_rep2", JAN)
    # (9,850 + 36,000 − 5,000 − 1,275) = 39,575: × 10 % − 2,520 = 1,437.50
    assert (merged.tax, merged.bonus_tax) == (D("1437.50"), D(0))


async def test_a_mid_year_hire_deducts_5000_from_the_month_of_hire(pay: Pay) -> None:
    w = pay.world
    person = await add_person(w, "new", "SH-HR", salary=20000)
    person.hire_date = date(2026, 3, 10)
    await person.save()
    await pay.run("SH-HR", FEB)
    assert not await Payslip.filter(employee_id=person.id, month=FEB).exists()
    await pay.run("SH-HR", MAR)
    march = await pay.slip("new", MAR)
    assert march.months_employed == 1 and march.cumulative_basic == D(5000)
    # A rep: 20,000 + 500 + 2,000 − 5,000 − 3,000 (15 % of the base) = 14,500 × 3 % = 435
    assert march.tax == D(435)


async def test_a_city_without_a_table_fails_the_run_with_the_reason(pay: Pay) -> None:
    bj_hr = await load_viewer(pay.world.users["bj_hr"].id)
    run = await finish((await service.create_run(bj_hr, pay.world.units["BJ"].id, JAN)).id)
    assert run.job_status is JobStatus.FAILED
    assert "北京" in run.error
    with pytest.raises(ServiceError) as err:
        await service.submit_run(bj_hr, run.id)
    assert err.value.errors[0].code is ErrorCode.INVALID


async def test_overlapping_runs_of_a_month_are_refused(pay: Pay) -> None:
    await pay.run("SH-SALES-1", JAN)
    with pytest.raises(ServiceError) as err:
        await service.create_run(pay.hr, pay.world.units["SH"].id, JAN)
    assert err.value.errors[0].code is ErrorCode.CONFLICT
    with pytest.raises(ServiceError) as err:
        await service.create_run(pay.hr, pay.world.units["SH-SALES-1"].id, JAN)
    assert err.value.errors[0].code is ErrorCode.DUPLICATE
