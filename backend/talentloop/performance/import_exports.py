"""The performance kinds' exports and valid codes (imports/kinds.py `export`, `choices`): the
records an importer may import, as rows of the kind's columns, so that an export imported
again changes nothing (tests/imports/test_round_trip.py).

What an export leaves out is what its import would refuse: the importer themself (no row
about oneself), leavers (an import never brings someone back), records and targets of closed
months (performance/closed.py). Values outside the viewer's field groups are left empty, and
so are the ID number and bank account always: full numbers leave the server only through the
approved sensitive-data export (privacy/exports.py); an empty cell leaves a stored value as it
is, so the round trip holds. Rows are read 500 at a time by id (keyset), as plain values."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q

from talentloop.access.policy import Operation, Viewer
from talentloop.i18n import CHINESE, current_language
from talentloop.org.models import OrgUnit
from talentloop.performance.models import Kpi, KpiTarget, PerformanceRecord, PeriodClose, PeriodType
from talentloop.performance.periods import label
from talentloop.performance.rollup import as_date, closing_month

CHUNK = 500


def _chinese() -> bool:
    return current_language() == CHINESE


def number(value: Decimal | None) -> str:
    """As a number, not as stored: 12000, not 12000.00 (both read back the same)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class _Closed:
    """Whether a month is closed where a person works or below a unit (performance/closed.py),
    from the open closes (a few a month) read once."""

    def __init__(self, closes: list[tuple[Any, str]]) -> None:
        self.closes = [(as_date(month), path) for month, path in closes]
        self._cache: dict[tuple[str, bool], set[date]] = {}

    @classmethod
    async def read(cls) -> _Closed:
        return cls(
            await PeriodClose.filter(reopened_at__isnull=True).values_list("month", "unit_path")
        )

    def months(self, path: str, reaches_below: bool = False) -> set[date]:
        key = (path, reaches_below)
        if key not in self._cache:
            self._cache[key] = {
                month
                for month, closed in self.closes
                if path.startswith(closed) or (reaches_below and closed.startswith(path))
            }
        return self._cache[key]

    def holds(self, path: str, period: date, period_type: PeriodType, below: bool = False) -> bool:
        return bool(self.closes) and closing_month(period, period_type) in self.months(path, below)


async def _pages(query: Any, fields: tuple[str, ...]) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The query's rows as value tuples (id first), 500 at a time in id order."""
    last = 0
    while True:
        page = (
            await query.filter(id__gt=last).order_by("id").limit(CHUNK).values_list("id", *fields)
        )
        if not page:
            return
        yield page
        last = page[-1][0]


# --- employees ----------------------------------------------------------------------------


_EMPLOYEE_VALUES = (
    "employee_number",
    "name",
    "unit__code",
    "unit__path",
    "position__code",
    "hire_date",
    "status",
    "gender",
    "birth_date",
    "work_phone",
    "work_email",
    "personal_phone",
    "base_salary",
    "manager_id",
)


async def _kpi_codes() -> dict[int, tuple[str, PeriodType]]:
    return {
        pk: (code, PeriodType(period_type))
        for pk, code, period_type in await Kpi.all().values_list("id", "code", "period_type")
    }


async def export_records(viewer: Viewer) -> AsyncIterator[list[str]]:
    """The KPI records of everyone the viewer manages (not the viewer), open months only."""
    scope = viewer.act_filter(Operation.MANAGE, "employee__unit__path")
    if scope is None:
        return
    query = PerformanceRecord.filter(scope)
    if viewer.employee_id is not None:
        query = query.exclude(employee_id=viewer.employee_id)
    kpis = await _kpi_codes()
    closed = await _Closed.read()
    fields = (
        "employee__employee_number",
        "employee__unit__path",
        "kpi_id",
        "period",
        "value",
        "dimension",
    )
    async for page in _pages(query, fields):
        for _, employee_number, path, kpi_id, period, value, dimension in page:
            code, period_type = kpis[kpi_id]
            if closed.holds(path, as_date(period), period_type):
                continue
            yield [
                employee_number,
                code,
                label(as_date(period), period_type),
                number(value),
                dimension,
            ]


async def kpi_choices(viewer: Viewer) -> dict[str, list[str]]:
    codes = await Kpi.all().order_by("code").values_list("code", flat=True)
    return {"kpi_code": [str(c) for c in codes]}


# --- targets -----------------------------------------------------------------------------------


async def export_targets(viewer: Viewer) -> AsyncIterator[list[str]]:
    """Own targets of everyone the viewer manages (not the viewer) and unit targets where the
    viewer sets them, open months only: the own ones first, then the units'."""
    kpis = await _kpi_codes()
    closed = await _Closed.read()
    people = viewer.act_filter(Operation.MANAGE, "employee__unit__path")
    if people is not None:
        query = KpiTarget.filter(people, employee_id__isnull=False)
        if viewer.employee_id is not None:
            query = query.exclude(employee_id=viewer.employee_id)
        fields = ("kpi_id", "period", "value", "employee__employee_number", "employee__unit__path")
        async for page in _pages(query, fields):
            for _, kpi_id, period, value, employee_number, path in page:
                code, period_type = kpis[kpi_id]
                if not closed.holds(path, as_date(period), period_type):
                    yield [
                        code,
                        label(as_date(period), period_type),
                        number(value),
                        employee_number,
                        "",
                    ]
    units = viewer.act_filter(Operation.DIRECT, "unit__path")
    if units is not None:
        query = KpiTarget.filter(units & Q(unit_id__isnull=False))
        fields = ("kpi_id", "period", "value", "unit__code", "unit__path")
        async for page in _pages(query, fields):
            for _, kpi_id, period, value, unit_code, path in page:
                code, period_type = kpis[kpi_id]
                if not closed.holds(path, as_date(period), period_type, below=True):
                    yield [code, label(as_date(period), period_type), number(value), "", unit_code]


async def target_choices(viewer: Viewer) -> dict[str, list[str]]:
    units = await OrgUnit.all().order_by("code").values_list("code", "path")
    return {
        **await kpi_choices(viewer),
        "unit_code": [code for code, path in units if viewer.can_direct_in(path)],
    }
