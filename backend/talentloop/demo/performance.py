"""Company A's performance story, month by month (PRODUCT.md, "The demo company").

Sales staff were measured from 2025-09 to 2026-10. Shanghai sales missed the
new-customer target, so HQ suspended its performance pay from 2026-03 until
the department wins 50 new customers a month; three months on it was still
about 30. Untrained staff convert far worse than the 20 % who had taken the
product-knowledge course. In 2026-07 Shanghai and Shenzhen ran the programme
(participation 90 %); Beijing waits for 2027 and serves as the comparison.
From 2026-08 conversion of the trained rises to about 25 % and Shanghai wins
about 60 new customers a month: the condition is met and pay can be restored.

Who took the course is a pure function of the employee number, so the
training module's demo data can enrol exactly the same people.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee
from talentloop.performance import triggers
from talentloop.performance.models import (
    ConditionKind,
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiTarget,
    KpiUnit,
    PaySuspension,
    PerformanceRecord,
    TriggerRule,
)
from talentloop.performance.periods import periods_between

FIRST_PERIOD = date(2025, 9, 1)
LAST_PERIOD = date(2026, 10, 1)
SUSPENDED_FROM = date(2026, 3, 1)
PROGRAMME_MONTH = date(2026, 7, 1)  # the product-knowledge programme
PROGRAMME_BRANCHES = ("SH", "SZ")
SOURCES = (("转介绍", 0.3), ("展会", 0.2), ("线上", 0.3), ("电话拜访", 0.2))
SEED = 20260102


def _share(employee_number: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{employee_number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# The salts are chosen (from a search over a few hundred) so that, on the generated company,
# 20 % of each branch's sales staff took the course early and 90 % of the programme
# branches' sales staff had it after 2026-07, as the brochure says; tests/demo checks it.
EARLY_SALT = "early-13"
PROGRAMME_SALT = "programme-156"


def early_participant(employee_number: str) -> bool:
    """About 20 % of sales staff took the product-knowledge course before the programme."""
    return _share(employee_number, EARLY_SALT) < 0.2


def programme_participant(employee_number: str, branch_code: str) -> bool:
    """In the programme branches, 90 % of sales staff took the course in 2026-07."""
    if early_participant(employee_number):
        return True
    return branch_code in PROGRAMME_BRANCHES and _share(employee_number, PROGRAMME_SALT) < 0.875


def _conversion(trained_then: bool, period: date) -> float:
    """Mean conversion: untrained 12 %, trained 19 %; after the programme everyone gains 3 points
    (the market picked up), and the programme's graduates reach about 27 %."""
    if period <= PROGRAMME_MONTH:
        return 0.19 if trained_then else 0.12
    return 0.27 if trained_then else 0.15


async def load_performance_story(progress: Callable[[str], None] = lambda _m: None) -> None:
    rng = random.Random(SEED)
    kpis = {
        "NEW_CUSTOMERS": await Kpi.create(
            code="NEW_CUSTOMERS",
            name="新客户数",
            description="当月新签客户数，按客户来源统计（CRM 导出）。",
            unit=KpiUnit.COUNT,
            aggregation=KpiAggregation.SUM,
            dimension_name="客户来源",
        ),
        "CONVERSION_RATE": await Kpi.create(
            code="CONVERSION_RATE",
            name="转化率",
            description="合格线索转化为客户的比例（%）。",
            unit=KpiUnit.PERCENT,
            aggregation=KpiAggregation.AVERAGE,
        ),
        "REVENUE": await Kpi.create(
            code="REVENUE",
            name="销售额",
            description="已开票销售额，单位：元（ERP 导出）。",
            unit=KpiUnit.MONEY,
            aggregation=KpiAggregation.SUM,
        ),
        "CHURN_RATE": await Kpi.create(
            code="CHURN_RATE",
            name="客户流失率",
            description="当月流失客户占客户总数的比例（%）。",
            unit=KpiUnit.PERCENT,
            aggregation=KpiAggregation.AVERAGE,
            direction=KpiDirection.LOWER_IS_BETTER,
        ),
    }
    periods = periods_between(FIRST_PERIOD, LAST_PERIOD)
    departments = {u.code: u for u in await OrgUnit.filter(code__endswith="-SALES")}

    progress("targets…")
    targets: list[KpiTarget] = []
    for period in periods:
        for dept in departments.values():
            for code, value in (
                ("NEW_CUSTOMERS", "1.2"),
                ("CONVERSION_RATE", "20"),
                ("REVENUE", "80000"),
                ("CHURN_RATE", "5"),
            ):
                targets.append(
                    KpiTarget(kpi=kpis[code], period=period, unit=dept, value=Decimal(value))
                )
        # Mixed overrides: the second Shanghai team is newer and has a lower target …
        team2 = await OrgUnit.get(code="SH-SALES-2")
        targets.append(
            KpiTarget(kpi=kpis["NEW_CUSTOMERS"], period=period, unit=team2, value=Decimal("1.0"))
        )
    sales_staff = await Employee.filter(
        unit__path__startswith="/", position__family="sales"
    ).select_related("unit", "position")
    sales_staff = [
        e for e in sales_staff if any(e.unit.path.startswith(d.path) for d in departments.values())
    ]
    heads = await Employee.filter(
        id__in=[d.manager_id for d in departments.values() if d.manager_id]
    )
    for period in periods:
        # … department heads do not sell, and team leads carry a larger book.
        for head in heads:
            targets.append(
                KpiTarget(kpi=kpis["NEW_CUSTOMERS"], period=period, employee=head, value=Decimal(0))
            )
        for lead in (e for e in sales_staff if e.position and e.position.code == "SAL-LEAD"):
            targets.append(
                KpiTarget(
                    kpi=kpis["NEW_CUSTOMERS"], period=period, employee=lead, value=Decimal("1.5")
                )
            )
    await KpiTarget.bulk_create(targets, batch_size=1000)

    progress(f"KPI records for {len(sales_staff)} sales staff × {len(periods)} months…")
    branch_of = {d.path: d.code.split("-")[0] for d in departments.values()}
    records: list[PerformanceRecord] = []
    for employee in sales_staff:
        branch = next(
            code for path, code in branch_of.items() if employee.unit.path.startswith(path)
        )
        early = early_participant(employee.employee_number)
        trained_later = programme_participant(employee.employee_number, branch)
        skill = rng.gauss(0, 0.02)  # some people are simply better
        for period in periods:
            trained_then = early or (trained_later and period > PROGRAMME_MONTH)
            leads = max(0, round(rng.gauss(5.7, 1.5)))
            conversion = min(0.9, max(0.0, _conversion(trained_then, period) + skill))
            won = sum(1 for _ in range(leads) if rng.random() < conversion)
            by_source = dict.fromkeys((s for s, _ in SOURCES), 0)
            for _ in range(won):
                by_source[rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]] += 1
            for source, count in by_source.items():
                records.append(
                    PerformanceRecord(
                        employee=employee,
                        kpi=kpis["NEW_CUSTOMERS"],
                        period=period,
                        dimension=source,
                        value=Decimal(count),
                        source="demo",
                    )
                )
            rate = Decimal(won * 100 / leads).quantize(Decimal("0.01")) if leads else Decimal(0)
            revenue = won * rng.gauss(40000, 8000) + rng.gauss(30000, 5000)
            churn = min(20.0, max(0.0, rng.gauss(5.0 if trained_then else 6.5, 1.5)))
            records += [
                PerformanceRecord(
                    employee=employee,
                    kpi=kpis["CONVERSION_RATE"],
                    period=period,
                    value=rate,
                    source="demo",
                ),
                PerformanceRecord(
                    employee=employee,
                    kpi=kpis["REVENUE"],
                    period=period,
                    value=Decimal(max(0.0, revenue)).quantize(Decimal("0.01")),
                    source="demo",
                ),
                PerformanceRecord(
                    employee=employee,
                    kpi=kpis["CHURN_RATE"],
                    period=period,
                    value=Decimal(churn).quantize(Decimal("0.01")),
                    source="demo",
                ),
            ]
    await PerformanceRecord.bulk_create(records, batch_size=2000)

    progress("performance pay and triggers…")
    await PaySuspension.create(
        unit=departments["SH-SALES"],
        reason="新客户数连续未达标，资金紧张：暂停上海销售部绩效奖金，新客户数恢复到每月 50 个后再议。",
        suspended_from=SUSPENDED_FROM,
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=kpis["NEW_CUSTOMERS"],
        condition_threshold=Decimal(50),
        condition_periods=1,
    )
    rule = await TriggerRule.create(
        name="新客户数连续 2 个月低于目标的 80%",
        kpi=kpis["NEW_CUSTOMERS"],
        threshold_percent=Decimal(80),
        periods=2,
    )
    created = await triggers.evaluate_rule(rule)
    progress(f"{len(records)} KPI records, {created} assessment requests")
