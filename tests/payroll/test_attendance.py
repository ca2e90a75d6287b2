"""Payroll takes overtime, absences and unpaid leave from attendance for the people who clock
in, adds what HR entered, and pays them by the rates of 劳动法 art. 44 on the hourly wage of
劳社部发〔2008〕3号."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from talentloop.attendance.models import (
    CorrectionStatus,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    PunchCorrection,
)
from talentloop.payroll import service
from talentloop.payroll.models import ItemKind, PayslipLine
from tests.attendance.conftest import Branches, branches, punch  # noqa: F401 (the fixture)
from tests.attendance.test_payroll import _october_of
from tests.payroll.conftest import Pay

OCTOBER = date(2026, 10, 1)


async def test_a_run_pays_the_overtime_and_deducts_the_absences_attendance_counted(
    pay: Pay,
    branches: Branches,  # noqa: F811 (the fixture imported above)
) -> None:
    w = pay.world
    rep = w.people["sh_rep"]
    await _october_of(branches, "sh_rep", {"2026-10-10", "2026-10-13", "2026-10-15", "2026-10-16"})
    await punch(rep, "2026-10-10", "09:00", "20:00")  # a make-up workday: 2 h at 150 %
    await punch(rep, "2026-10-17", "09:00", "17:00")  # a rest day: 7 h at 200 %
    await punch(rep, "2026-10-01", "08:00", "12:00")  # National Day: 4 h at 300 %
    await LeaveRequest.create(
        employee=rep, leave_type=LeaveType.PERSONAL, start_date=date(2026, 10, 13),
        end_date=date(2026, 10, 13), days=1, status=LeaveStatus.APPROVED,
    )  # fmt: skip
    # 2026-10-15: no punch, and the correction asked for it was rejected — decided, absent.
    # 2026-10-16: no punch, nothing decided — a missing punch (缺卡), not deducted.
    await PunchCorrection.create(
        employee=rep, date=date(2026, 10, 15), clock_in_minute=540, reason="忘记打卡",
        status=CorrectionStatus.REJECTED,
    )  # fmt: skip
    # And HR adds 1 hour the device missed.
    await service.add_item(pay.hr, rep.id, month=OCTOBER, kind=ItemKind.OVERTIME_150, amount=D(1))
    await pay.run("SH-SALES-1", OCTOBER)
    lines = await pay.lines("sh_rep", OCTOBER)
    # 8,000 ÷ 21.75 ÷ 8 = 45.977… an hour; 8,000 ÷ 21.75 = 367.816… a day.
    assert lines["earning:overtime_150"] == D("206.90")  # (2 + 1) h × 1.5
    assert lines["earning:overtime_200"] == D("643.68")  # 7 h × 2
    assert lines["earning:overtime_300"] == D("551.72")  # 4 h × 3
    assert lines["earning:absence"] == D("-367.82")  # the decided day only
    assert lines["earning:unpaid_leave"] == D("-367.82")
    slip = await pay.slip("sh_rep", OCTOBER)
    line = await PayslipLine.get(payslip_id=slip.id, code="overtime_200")
    assert "考勤" in line.explanation_zh and "attendance" in line.explanation_en
    # sh_rep2 does not clock in at all: not judged absent, paid the month.
    assert not any(k.startswith("earning:absence") for k in await pay.lines("sh_rep2", OCTOBER))
