"""The demo's payroll: social insurance tables of Shanghai, Beijing, Shenzhen and Hangzhou, salary
structures per position, special additional deductions of a few people, some overtime and
bonuses, and the Shanghai branch paid from January to October 2026 — so the Shanghai sales
department's payslips show performance pay suspended from March, and October's run has a
September to compare with.

The city tables (and where their figures come from) are policy/seed.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

from talentloop.access.policy import Viewer
from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.approvals import service as approvals
from talentloop.approvals.models import ApprovalTask, RequestType, TaskStatus
from talentloop.jobs.models import Job, JobState
from talentloop.org.models import OrgUnit
from talentloop.payroll import service
from talentloop.payroll.calc import DeductionKind, RentCityClass
from talentloop.payroll.models import (
    ComponentKind,
    ComponentMethod,
    ItemKind,
)
from talentloop.people.models import Employee, Position
from talentloop.policy.seed import seed_city_tables, seed_tax_tables

PAID_MONTHS = [date(2026, m, 1) for m in range(1, 11)]  # the demo's "now" is November 2026

# family → (allowance a month, performance pay as a share of the base)
FAMILY_PAY = {
    "management": (D(2000), D("0.20")),
    "sales": (D(800), D("0.30")),
    "production": (D(500), D("0.10")),
}
OTHER_PAY = (D(600), D("0.15"))


async def set_position_structures(hq_hr: Viewer) -> None:
    """A salary structure per position from January 2026: base, allowance and performance pay
    by job family (FAMILY_PAY)."""
    for position in await Position.all():
        allowance, performance = FAMILY_PAY.get(position.family, OTHER_PAY)
        await service.set_position_structure(
            hq_hr,
            position.id,
            date(2026, 1, 1),
            [
                service.ComponentInput(
                    ComponentKind.BASE, "基本工资", ComponentMethod.EMPLOYEE_BASE
                ),
                service.ComponentInput(
                    ComponentKind.ALLOWANCE, "岗位津贴", ComponentMethod.FIXED, amount=allowance
                ),
                service.ComponentInput(
                    ComponentKind.PERFORMANCE,
                    "绩效工资",
                    ComponentMethod.PERCENT_OF_BASE,
                    rate=performance,
                ),
            ],
            note="演示：按岗位族统一",
        )


async def load_payroll_story(progress: Callable[[str], None] = lambda _m: None) -> None:
    progress("payroll: tax and city tables, salary structures…")
    await seed_tax_tables()
    await seed_city_tables()
    hq_hr = await load_viewer((await User.get(username="hr.hq")).id)
    await set_position_structures(hq_hr)

    progress("payroll: deductions and items…")
    branch = await OrgUnit.get(code="SH")
    people = await Employee.filter(unit__path__startswith=branch.path).order_by("employee_number")
    deductions = [
        dict(kind=DeductionKind.CHILD_EDUCATION, count=1),
        dict(kind=DeductionKind.CHILD_EDUCATION, count=2, share=D("0.5")),
        dict(kind=DeductionKind.INFANT_CARE),
        dict(kind=DeductionKind.ELDERLY_SUPPORT),
        dict(kind=DeductionKind.ELDERLY_SUPPORT, elderly_amount=D(1500)),
        dict(kind=DeductionKind.HOUSING_LOAN),
        dict(kind=DeductionKind.HOUSING_RENT, rent_class=RentCityClass.LARGE),
        dict(kind=DeductionKind.CONTINUING_EDUCATION),
    ]
    for n, person in enumerate(people[1::7]):
        spec = deductions[n % len(deductions)]
        await service.add_special_deduction(
            hq_hr,
            person.id,
            valid_from=date(2026, 1, 1),
            note="演示",
            **spec,  # type: ignore[arg-type]
        )
    for n, person in enumerate(people[::11]):
        await service.add_item(
            hq_hr, person.id, month=date(2026, 10, 1), kind=ItemKind.OVERTIME_150,
            amount=D(6 + n % 10), note="演示：加班",
        )  # fmt: skip
    for person in people[3::19]:
        await service.add_item(
            hq_hr, person.id, month=date(2026, 9, 1), kind=ItemKind.BONUS, amount=D(2000),
            note="演示：季度奖",
        )  # fmt: skip

    sh_hr = await load_viewer((await User.get(username="hr.shanghai")).id)
    for month in PAID_MONTHS:
        progress(f"payroll: 上海分公司 {month:%Y-%m}…")
        run = await service.create_run(sh_hr, branch.id, month)
        await service.execute(run.id)
        await service.submit_run(sh_hr, run.id)
        await _approve(run.id)
        await service.mark_paid(sh_hr, run.id)
    # Computed here already: no worker needs to run them again.
    await Job.filter(kind=service.JOB_KIND).update(state=JobState.DONE)


async def _approve(run_id: int) -> None:
    """The run's approvers approve it in turn (the branch head, then HQ HR)."""
    request = await approvals.request_for_subject(RequestType.PAYROLL_RUN, run_id)
    assert request is not None
    while True:
        task = await ApprovalTask.filter(request_id=request.id, status=TaskStatus.PENDING).first()
        if task is None:
            return
        await service.approve_run(await load_viewer(task.approver_id), run_id)
