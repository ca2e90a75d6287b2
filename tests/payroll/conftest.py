"""A city table and salary structures on top of the test world, and a way to run a month."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from talentloop.access.policy import Viewer
from talentloop.access.viewer import load_viewer
from talentloop.approvals import service as approvals
from talentloop.approvals.models import ApprovalTask, RequestType, TaskStatus
from talentloop.jobs.worker import Worker
from talentloop.payroll import service
from talentloop.payroll.calc import Component
from talentloop.payroll.models import (
    ComponentKind,
    ComponentMethod,
    JobStatus,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
    SocialInsuranceRate,
    SocialInsuranceTable,
)
from talentloop.policy.seed import seed_tax_tables
from tests.support import World

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in (1, 2, 3, 4))


async def finish(run_id: int) -> PayrollRun:
    """Run the queued job here, or wait for this process's worker that claimed it first."""
    await Worker("tests:1").drain()
    for _ in range(400):
        run = await PayrollRun.get(id=run_id)
        if run.job_status is not JobStatus.RUNNING:
            return run
        await asyncio.sleep(0.025)
    raise AssertionError("the run did not finish")


@dataclass
class Pay:
    world: World
    hr: Viewer  # branch HR of SH

    async def run(self, unit: str, month: date, *, approve: bool = False) -> PayrollRun:
        """Create (or recompute) the unit's run of the month and compute it, as the job does."""
        existing = await PayrollRun.get_or_none(unit_id=self.world.units[unit].id, month=month)
        if existing is None:
            run = await service.create_run(self.hr, self.world.units[unit].id, month)
        else:
            run = await service.recompute_run(self.hr, existing.id)
        run = await finish(run.id)
        assert run.error == "", run.error
        if approve:
            await service.submit_run(self.hr, run.id)
            run = await self.approve(run)
        return run

    async def approve(self, run: PayrollRun) -> PayrollRun:
        """Every approver of its request approves in turn (the HR who submitted it cannot)."""
        for _ in range(10):
            run = await PayrollRun.get(id=run.id)
            if run.status is not RunStatus.REVIEW:
                return run
            approval = await approvals.request_for_subject(RequestType.PAYROLL_RUN, run.id)
            assert approval is not None
            task = await ApprovalTask.filter(
                request_id=approval.id, status=TaskStatus.PENDING
            ).first()
            assert task is not None, "a run under review waits for nobody"
            run = await service.approve_run(await load_viewer(task.approver_id), run.id)
        raise AssertionError("the run was never approved")

    async def slip(self, person: str, month: date) -> Payslip:
        return await Payslip.get(employee_id=self.world.people[person].id, month=month)

    async def lines(self, person: str, month: date) -> dict[str, D]:
        slip = await self.slip(person, month)
        return {
            f"{line.section.value}:{line.code}": line.amount
            for line in await PayslipLine.filter(payslip_id=slip.id)
        }


async def add_city_table(city: str = "上海") -> SocialInsuranceTable:
    """Employee 8 + 2 + 0 + 5 % = 15 % (the official example's 4,500 on 30,000)."""
    table = await SocialInsuranceTable.create(
        city=city,
        valid_from=date(2025, 7, 1),
        base_floor=D(7460),
        base_ceiling=D(37302),
        fund_floor=D(2690),
        fund_ceiling=D(37302),
        source="test",
    )
    for component, employee, employer in [
        (Component.PENSION, "0.08", "0.16"),
        (Component.MEDICAL, "0.02", "0.09"),
        (Component.INJURY, "0", "0.0026"),
        (Component.HOUSING_FUND, "0.05", "0.05"),
    ]:
        await SocialInsuranceRate.create(
            table=table, component=component, employee_rate=D(employee), employer_rate=D(employer)
        )
    return table


@pytest.fixture
async def pay(world: World) -> Pay:
    await seed_tax_tables()  # the law's, from 2019
    await add_city_table()
    # The sales reps' position: the record's base, a 500 allowance, 10 % performance pay.
    await service.set_position_structure(
        await load_viewer(world.users["hq_hr"].id),
        world.positions["REP"].id,
        date(2025, 1, 1),
        [
            service.ComponentInput(ComponentKind.BASE, "基本工资", ComponentMethod.EMPLOYEE_BASE),
            service.ComponentInput(
                ComponentKind.ALLOWANCE, "岗位津贴", ComponentMethod.FIXED, amount=D(500)
            ),
            service.ComponentInput(
                ComponentKind.PERFORMANCE,
                "绩效工资",
                ComponentMethod.PERCENT_OF_BASE,
                rate=D("0.1"),
            ),
        ],
    )
    return Pay(world, await load_viewer(world.users["branch_hr"].id))


__all__ = ["APR", "FEB", "JAN", "MAR", "Pay", "RunStatus"]
