"""Which target applies to a person, and where it comes from (issue #19: the inheritance
visible). The numbers are `rollup.resolve_targets_many`'s; this names their source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from talentloop.access.policy import Viewer
from talentloop.org.models import OrgUnit
from talentloop.performance import rollup
from talentloop.performance.models import Kpi, KpiTarget, PeriodType
from talentloop.performance.periods import period_start
from talentloop.performance.service import list_kpis, work_visible_employee


class TargetSource(StrEnum):
    OWN = "OWN"  # set for the person
    UNIT = "UNIT"  # set for the person's own unit
    PARENT_UNIT = "PARENT_UNIT"  # set for a unit above it
    COMPANY = "COMPANY"  # set for the top of the tree
    NONE = "NONE"  # no target applies


@dataclass(frozen=True)
class EffectiveTarget:
    kpi: Kpi
    period: date
    value: Decimal | None  # after adjustments
    base: Decimal | None  # as set, before adjustments
    source: TargetSource
    unit_id: int | None  # the unit it is inherited from


def period_of(day: date, period_type: PeriodType) -> date:
    """The first day of the KPI's period that holds `day`."""
    return period_start(day, period_type)


async def effective_targets(
    viewer: Viewer, employee_id: int, day: date
) -> list[EffectiveTarget] | None:
    """Every KPI's target for the person in the period holding `day`, with its source; None
    when the viewer may not read the person's performance (the WORK group). Five queries
    whatever the number of KPIs."""
    employee = await work_visible_employee(viewer, employee_id)
    if employee is None:
        return None
    kpis = await list_kpis(viewer)
    periods = {k.id: period_of(day, k.period_type) for k in kpis}
    path = employee.unit.path
    resolved = await rollup.resolve_targets_many(
        {k: [p] for k, p in periods.items()}, {employee.id: path}
    )
    own = {
        (r["kpi_id"], rollup.as_date(r["period"])): Decimal(str(r["value"]))
        for r in await KpiTarget.filter(
            employee_id=employee.id, kpi_id__in=list(periods), period__in=set(periods.values())
        ).values("kpi_id", "period", "value")
    }
    on_path = [int(part) for part in path.split("/") if part]
    inherited: dict[tuple[int, date], tuple[str, int, Decimal]] = {}
    for r in await KpiTarget.filter(
        unit_id__in=on_path, kpi_id__in=list(periods), period__in=set(periods.values())
    ).values("kpi_id", "period", "unit_id", "unit__path", "value"):
        key = (r["kpi_id"], rollup.as_date(r["period"]))
        deeper = key not in inherited or len(str(r["unit__path"])) > len(inherited[key][0])
        if deeper:
            inherited[key] = (str(r["unit__path"]), r["unit_id"], Decimal(str(r["value"])))
    root_ids = set(
        await OrgUnit.filter(id__in=on_path, parent_id=None).values_list("id", flat=True)
    )
    found: list[EffectiveTarget] = []
    for kpi in kpis:
        period = periods[kpi.id]
        value = resolved.get((kpi.id, employee.id, period))
        if not rollup.employed_in(
            employee.hire_date, employee.termination_date, period, kpi.period_type
        ):
            # Not employed in the period: no target is theirs (the rollups leave them out too).
            found.append(EffectiveTarget(kpi, period, None, None, TargetSource.NONE, None))
        elif (kpi.id, period) in own:
            found.append(
                EffectiveTarget(kpi, period, value, own[(kpi.id, period)], TargetSource.OWN, None)
            )
        elif (kpi.id, period) in inherited:
            _path, unit_id, base = inherited[(kpi.id, period)]
            source = (
                TargetSource.UNIT
                if unit_id == employee.unit_id
                else TargetSource.COMPANY
                if unit_id in root_ids
                else TargetSource.PARENT_UNIT
            )
            found.append(EffectiveTarget(kpi, period, value, base, source, unit_id))
        else:
            found.append(EffectiveTarget(kpi, period, None, None, TargetSource.NONE, None))
    return found
