"""The round-trip test's data per import kind (tests/imports/test_round_trip.py).

A kind with an `export` registers here what the test needs: a builder that puts a few records
of the kind into the test world (the performance world: KPIs NC, CR, CHURN, Shanghai sales —
tests/performance/conftest.py) and says which cell of the export to change:

    @round_trip(ImportKind.MY_KIND)
    async def _my_kind(perf: Perf) -> Change:
        thing = await Thing.create(...)
        return Change(
            match={"code": "T1"},          # the export's row: column key → value
            column="title",                # the cell to change, by column key
            value="New title",             # … to this
            record=lambda: Thing.get(id=thing.id),  # the record that row imports into
            field="title",                 # its field the change lands in (the audit's `field`)
        )

The test signs in as HQ HR (who manages everyone in the world but their own record)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from talentloop.people.models import Employee
from talentloop.performance.models import ImportKind, KpiTarget, PerformanceRecord
from tests.performance.conftest import Perf


@dataclass(frozen=True)
class Change:
    match: dict[str, str]
    column: str
    value: str
    record: Callable[[], Awaitable[Any]]
    field: str


Builder = Callable[[Perf], Awaitable[Change]]
FIXTURES: dict[ImportKind, Builder] = {}


def round_trip(kind: ImportKind) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        FIXTURES[kind] = builder
        return builder

    return register


# --- the performance kinds ----------------------------------------------------------------------


@round_trip(ImportKind.EMPLOYEES)
async def _employees(perf: Perf) -> Change:
    person = perf.world.people["sh_rep2"]
    return Change(
        match={"employee_number": person.employee_number},
        column="work_phone",
        value="021-55550000",
        record=lambda: Employee.get(id=person.id),
        field="work_phone",
    )


@round_trip(ImportKind.KPI_RECORDS)
async def _records(perf: Perf) -> Change:
    person = perf.world.people["sh_rep"]
    return Change(
        match={"employee_number": person.employee_number, "kpi_code": "CR", "period": "2026-01"},
        column="value",
        value="12.5",
        record=lambda: PerformanceRecord.get(
            employee_id=person.id, kpi_id=perf.cr.id, period=date(2026, 1, 1)
        ),
        field="value",
    )


@round_trip(ImportKind.TARGETS)
async def _targets(perf: Perf) -> Change:
    unit = perf.world.units["SH-SALES-1"]
    return Change(
        match={"unit_code": unit.code, "kpi_code": "NC", "period": "2026-01"},
        column="value",
        value="9",
        record=lambda: KpiTarget.get(unit_id=unit.id, kpi_id=perf.nc.id, period=date(2026, 1, 1)),
        field="value",
    )


# The template's example codes the test world does not have, per kind: (column key, code) of
# the only failures its dry run may report. The world has units SH… and positions REP / MGR,
# KPIs NC / CR / CHURN, people T0001…; the examples name position SALES-REP, KPI SALES and
# employee E1001.
TEMPLATE_UNKNOWN: dict[ImportKind, set[tuple[str, str]]] = {
    ImportKind.EMPLOYEES: {("position_code", "NOT_FOUND")},
    ImportKind.KPI_RECORDS: {("employee_number", "NOT_FOUND"), ("kpi_code", "NOT_FOUND")},
    ImportKind.TARGETS: {("kpi_code", "NOT_FOUND")},
}
