"""Setting a KPI target checks the version the editor read (0: there was none); two writers
setting the same target leave one row."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from talentloop.performance.models import KpiTarget
from tests.performance.conftest import FEB, JAN, Perf
from tests.support import Api, gid

SET = """mutation($input: SetKpiTargetInput!) {
  setKpiTarget(input: $input) { target { value version } errors { field code } }
}"""


def _input(perf: Perf, value: str, **extra: Any) -> dict[str, Any]:
    rep = perf.world.people["sh_rep"]
    return {
        "kpiId": gid(perf.nc),
        "period": FEB.isoformat(),
        "employeeId": gid(rep),
        "value": value,
        **extra,
    }


async def test_the_second_editor_of_a_target_gets_a_conflict(api: Api, perf: Perf) -> None:
    hq_hr, branch_hr = perf.world.users["hq_hr"], perf.world.users["branch_hr"]
    created = await api.data(SET, {"input": _input(perf, "9", expectedVersion=0)}, as_=hq_hr)
    assert created["setKpiTarget"] == {"target": {"value": "9", "version": 1}, "errors": []}
    # The branch HR opened the form when there was no target yet.
    late = await api.data(SET, {"input": _input(perf, "11", expectedVersion=0)}, as_=branch_hr)
    assert late["setKpiTarget"] == {
        "target": None,
        "errors": [{"field": "expectedVersion", "code": "CONFLICT"}],
    }
    changed = await api.data(SET, {"input": _input(perf, "11", expectedVersion=1)}, as_=branch_hr)
    assert changed["setKpiTarget"] == {"target": {"value": "11", "version": 2}, "errors": []}
    rows = await KpiTarget.filter(kpi_id=perf.nc.id, period=FEB).values_list("value", flat=True)
    assert [str(v) for v in rows] == ["11.0000"]


async def test_writers_setting_the_same_new_target_leave_one_row(api: Api, perf: Perf) -> None:
    hq_hr = perf.world.users["hq_hr"]
    await api.token(hq_hr)
    answers = await asyncio.gather(
        *(api.data(SET, {"input": _input(perf, str(v))}, as_=hq_hr) for v in range(1, 11))
    )
    assert all(a["setKpiTarget"]["errors"] == [] for a in answers)
    target = await KpiTarget.get(
        kpi_id=perf.nc.id, period=FEB, employee_id=perf.world.people["sh_rep"].id
    )
    assert target.version == 10  # created once, replaced nine times


async def test_the_database_refuses_a_second_target_for_the_same_employee_and_period(
    perf: Perf,
) -> None:
    rep, unit = perf.world.people["sh_rep"], perf.world.units["BJ-SALES"]
    await KpiTarget.create(kpi=perf.nc, period=JAN, employee=rep, value=1)
    for duplicate in ({"employee": rep}, {"unit": unit}):  # BJ-SALES has a January target
        with pytest.raises(IntegrityError):
            await KpiTarget.create(kpi=perf.nc, period=JAN, value=2, **duplicate)
