"""The demo company tells the brochure's story (PRODUCT.md), within the noise it was made with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentloop.access.policy import SYSTEM
from talentloop.demo.company import load_demo_company
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee
from talentloop.performance import pay
from talentloop.performance import service as performance
from talentloop.performance.models import Kpi, PaySuspension
from talentloop.performance.periods import periods_between
from talentloop.skills import service as skills
from talentloop.skills.models import Competency
from talentloop.training import service as training
from talentloop.training.models import Course


async def test_the_demo_company_tells_the_brochures_story(app: object) -> None:
    await load_demo_company()
    assert 280 <= await Employee.all().count() <= 320
    sales = await OrgUnit.get(code="SH-SALES")
    new_customers = await Kpi.get(code="NEW_CUSTOMERS")
    series = await performance.unit_series(
        SYSTEM, sales, new_customers, periods_between(date(2026, 3, 1), date(2026, 10, 1))
    )
    actual = {p.period.month: p.actual for p in series}
    # suspended from March until 50 a month; three months on still about 30
    assert all(Decimal(20) <= actual[m] <= Decimal(42) for m in (3, 4, 5, 6)), actual
    # after the July programme, about 60 a month
    assert all(Decimal(50) <= actual[m] <= Decimal(70) for m in (8, 9, 10)), actual
    progress = await pay.progress(await PaySuspension.get(unit_id=sales.id))
    assert progress.condition_met

    course = await Course.get(code="PK-101")
    participation = await training.participation(
        SYSTEM,
        course_id=course.id,
        unit_id=sales.id,
        position_id=None,
        period_from=date(2026, 6, 1),
        period_to=date(2026, 7, 1),
    )
    assert participation is not None
    before, after = (p.participation_rate for p in participation)
    assert before is not None and after is not None
    assert Decimal(15) <= before <= Decimal(25) and Decimal(85) <= after <= Decimal(95)

    analysis = await skills.under_performers_below_team_average(
        SYSTEM, kpi_id=new_customers.id, period=date(2026, 6, 1), unit_id=None
    )
    assert analysis is not None
    top = analysis.rows[0]
    needs = await Competency.all()
    assert next(c.code for c in needs if c.id == top.competency_id) in {
        "NEEDS_ANALYSIS",
        "PRODUCT_KNOWLEDGE",
    }
    needs_row = next(
        r
        for r in analysis.rows
        if any(c.id == r.competency_id and c.code == "NEEDS_ANALYSIS" for c in needs)
    )
    assert needs_row.share is not None and Decimal(70) <= needs_row.share <= Decimal(90)
