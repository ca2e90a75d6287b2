"""What the training-effect report needs beyond the KPIs and the courses: the money value
of a new customer, and the brochure's other story — a new supplier's delay that kept a
production line in Shenzhen from starting (an external event the report draws and can
leave out)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from talentloop.analytics.models import EventKind, ExternalEvent, KpiValuation
from talentloop.org.models import OrgUnit
from talentloop.performance.models import Kpi

# Gross margin of a new customer over the report's horizon (the demo's assumption, stated in
# the report): ROI = attributable new customers × this value.
NEW_CUSTOMER_VALUE = Decimal(2000)


async def load_analytics_story(progress: Callable[[str], None] = lambda _m: None) -> None:
    progress("report settings and external events…")
    new_customers = await Kpi.get(code="NEW_CUSTOMERS")
    await KpiValuation.create(
        kpi=new_customers,
        value_per_unit=NEW_CUSTOMER_VALUE,
        note="毛利/新客户（财务部 2026 年口径）",
    )
    line = await OrgUnit.get(code="SZ-PROD")
    await ExternalEvent.create(
        unit=line,
        kind=EventKind.SUPPLIER_DELAY,
        title="新供应商交付延迟，产线未能按期开工",
        description="新供应商交货延迟，一条产线未能开工。",
        period_from=date(2026, 8, 1),
        period_to=date(2026, 9, 1),
    )
