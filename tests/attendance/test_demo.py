"""The demo company's attendance: branches with their own rules, months with something to show."""

from __future__ import annotations

from datetime import date

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.attendance import overtime, service
from talentloop.attendance.models import AttendanceRuleSet
from talentloop.demo.company import load_demo_company
from talentloop.org.models import OrgUnit


async def test_the_demo_branches_keep_their_own_rules_and_months(app: object) -> None:
    await load_demo_company()
    hq_hr = await load_viewer((await User.get(username="hr.hq")).id)
    units = {u.code: u for u in await OrgUnit.all()}
    rules = {
        code: await service.effective_rule_set(hq_hr, units[code].id)
        for code in ("SH-SALES-1", "SZ-SALES-1", "BJ-SALES-1", "SH-PROD-LINE", "HQ-HR")
    }
    names = {code: r.name if r else None for code, r in rules.items()}
    assert names == {
        "SH-SALES-1": "上海分公司考勤规则",
        "SZ-SALES-1": "深圳分公司考勤规则",
        "BJ-SALES-1": "北京地区考勤规则",
        "SH-PROD-LINE": "上海装配线综合工时",
        "HQ-HR": "A 公司标准工时",
    }
    assert rules["SH-SALES-1"].grace_minutes != rules["SZ-SALES-1"].grace_minutes  # type: ignore[union-attr]

    for team in ("SH-SALES-1", "SZ-SALES-1"):
        sheet = await service.unit_sheet(hq_hr, units[team].id, date(2026, 10, 1))
        assert sheet is not None and len(sheet.rows) >= 10
        totals = [row.summary for row in sheet.rows]
        assert sum(s.days_present for s in totals) > 15 * len(totals)
        assert any(s.late_count for s in totals)
        assert any(s.overtime_workday_minutes for s in totals)
        assert any(s.leave_days for s in totals)

    rep = await User.get(username="employee.shanghai.sales").prefetch_related("employee")
    viewer = await load_viewer(rep.id)
    balances = await service.leave_balances(viewer, rep.employee.id, 2026)  # type: ignore[union-attr]
    annual = next(b for b in balances or [] if b.leave_type.value == "annual")
    assert annual.entitled is not None and 0 <= annual.entitled <= 15
    manager = await load_viewer((await User.get(username="manager.shanghai.sales")).id)
    assert await service.leave_to_decide(manager).count() >= 1
    # Overtime: one waiting for the manager, one approved; no rule set counts only approved hours.
    waiting = await overtime.overtime_to_decide(manager)
    assert [(o.date, o.hours, o.employee_id) for o in waiting] == [
        (date(2026, 12, 5), 6, rep.employee.id)  # type: ignore[union-attr]
    ]
    mine = await overtime.visible_overtime_requests(viewer).filter(employee_id=rep.employee_id)
    assert sorted(o.status.value for o in mine) == ["approved", "pending"]
    assert not await AttendanceRuleSet.filter(overtime_needs_approval=True).exists()
