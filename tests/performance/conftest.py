"""KPIs and hand-made figures on top of the test world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from talentloop.accounts.models import Role
from talentloop.performance.models import (
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiTarget,
    KpiUnit,
    PerformanceRecord,
)
from tests.support import World, add_person, add_user

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


@dataclass
class Perf:
    world: World
    nc: Kpi  # new customers: count, sum, by source
    cr: Kpi  # conversion rate: percent, average
    churn: Kpi  # churn: percent, average, lower is better


async def target(kpi: Kpi, period: date, value: str, *, unit=None, employee=None) -> None:  # type: ignore[no-untyped-def]
    await KpiTarget.create(
        kpi=kpi, period=period, unit=unit, employee=employee, value=Decimal(value)
    )


async def record(kpi: Kpi, employee, period: date, value: str, dimension: str = "") -> None:  # type: ignore[no-untyped-def]
    await PerformanceRecord.create(
        kpi=kpi,
        employee=employee,
        period=period,
        value=Decimal(value),
        dimension=dimension,
    )


@pytest.fixture
async def perf(world: World) -> Perf:
    """January 2026, Shanghai sales:

    targets: SH-SALES 10 per member; team SH-SALES-1 overrides with 8; sh_rep2 has 12 of her own.
    actuals: head 5; sh_rep 6; sh_rep2 5 + 7 (two customer sources). Beijing: bj_rep 4 of 10.
    """
    nc = await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT, dimension_name="客户来源")
    cr = await Kpi.create(
        code="CR",
        name="转化率",
        unit=KpiUnit.PERCENT,
        aggregation=KpiAggregation.AVERAGE,
    )
    churn = await Kpi.create(
        code="CHURN",
        name="流失率",
        unit=KpiUnit.PERCENT,
        aggregation=KpiAggregation.AVERAGE,
        direction=KpiDirection.LOWER_IS_BETTER,
    )
    u, p = world.units, world.people
    await target(nc, JAN, "10", unit=u["SH-SALES"])
    await target(nc, JAN, "8", unit=u["SH-SALES-1"])
    await target(nc, JAN, "12", employee=p["sh_rep2"])
    await target(nc, JAN, "10", unit=u["BJ-SALES"])
    await record(nc, p["sh_sales_head"], JAN, "5")
    await record(nc, p["sh_rep"], JAN, "6")
    await record(nc, p["sh_rep2"], JAN, "5", "转介绍")
    await record(nc, p["sh_rep2"], JAN, "7", "展会")
    await record(nc, p["bj_rep"], JAN, "4")
    await target(cr, JAN, "20", unit=u["SH-SALES"])
    await record(cr, p["sh_rep"], JAN, "10")
    await record(cr, p["sh_rep2"], JAN, "20")
    await target(churn, JAN, "5", unit=u["SH-SALES"])
    await record(churn, p["sh_rep"], JAN, "4")
    return Perf(world, nc, cr, churn)


@pytest.fixture
async def branch_head(world: World):  # type: ignore[no-untyped-def]
    """The Shanghai branch's head, with a manager account scoped to the branch."""
    head = await add_person(world, "sh_head", "SH", "ceo")
    world.units["SH"].manager = head
    await world.units["SH"].save(update_fields=["manager_id"])
    return await add_user(world, "sh_head", Role.MANAGER, "sh_head", "SH")
