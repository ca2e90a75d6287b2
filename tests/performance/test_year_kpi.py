"""A KPI measured per year (PeriodType.YEAR, issue 22 point 4): created, its targets set and
its values recorded by the API and by import, rolled up for the dashboard, its period closed
with December; and a period after the end of next year refused everywhere."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from talentloop.analytics import narrative
from talentloop.performance import rollup
from talentloop.performance.models import Kpi, KpiUnit, PerformanceRecord, PeriodType
from talentloop.performance.periods import (
    label,
    latest_period,
    next_period,
    parse_period,
    period_start,
)
from talentloop.performance.targets import period_of
from tests.performance.conftest import Perf
from tests.support import Api, gid

CREATE = """mutation {
  createKpi(input: {code: "REV_Y", name: "年度营收", unit: MONEY, periodType: YEAR}) {
    kpi { id periodType } errors { field code message }
  }
}"""
RECORD = """mutation($e: ID!, $k: ID!, $p: Date!, $v: Decimal!) {
  recordPerformance(input: {employeeId: $e, kpiId: $k, period: $p, value: $v}) {
    record { id } errors { field code message }
  }
}"""
SET_TARGET = """mutation($u: ID!, $k: ID!, $p: Date!) {
  setKpiTarget(input: {unitId: $u, kpiId: $k, period: $p, value: "100"}) {
    target { id } errors { field code message }
  }
}"""
SERIES = """query($u: ID!, $k: ID!) {
  unitKpiSeries(unitId: $u, kpiId: $k, from: "2025-01-01", to: "2026-01-01") {
    points { label actual target }
  }
}"""
PERIODS = """query($k: ID) { performancePeriods(kpiId: $k) { periods { period label records } } }"""
IMPORT = """mutation($kind: ImportKind!, $content: String!) {
  importData(input: {kind: $kind, fileName: "f.csv", contentBase64: $content, dryRun: false}) {
    job { status createdRows errors { row column message code value choices } }
    errors { field code message }
  }
}"""


def test_a_year_as_a_period() -> None:
    y = date(2026, 1, 1)
    assert parse_period("2026", PeriodType.YEAR) == parse_period("2026年", PeriodType.YEAR) == y
    assert label(y, PeriodType.YEAR) == "2026"
    assert next_period(y, PeriodType.YEAR) == date(2027, 1, 1)
    assert period_start(date(2026, 8, 15), PeriodType.YEAR) == y
    assert period_of(date(2026, 8, 15), PeriodType.YEAR) == y
    assert rollup.closing_month(y, PeriodType.YEAR) == date(2026, 12, 1)  # closed with December
    assert rollup.period_end(y, PeriodType.YEAR) == date(2026, 12, 31)
    assert rollup.employed_in(date(2026, 12, 31), None, y, PeriodType.YEAR)
    yearly = Kpi(code="NC_Y", name="新客户数", unit=KpiUnit.COUNT, period_type=PeriodType.YEAR)
    assert narrative.kpi_label(yearly, "zh") == "人均每年新客户数"
    assert narrative.kpi_label(yearly, "en").endswith("per person per year")
    this_year = date.today().year
    assert latest_period(PeriodType.YEAR) == date(this_year + 1, 1, 1)
    assert latest_period(PeriodType.MONTH) == date(this_year + 1, 12, 1)
    assert latest_period(PeriodType.QUARTER) == date(this_year + 1, 10, 1)


async def test_a_yearly_kpi_end_to_end(api: Api, perf: Perf) -> None:
    users, people, units = perf.world.users, perf.world.people, perf.world.units
    made = await api.data(CREATE, as_=users["hq_hr"])
    assert made["createKpi"]["errors"] == []
    assert made["createKpi"]["kpi"]["periodType"] == "YEAR"
    kpi = made["createKpi"]["kpi"]["id"]
    # A target for the year; a month inside it names no year.
    data = await api.data(
        SET_TARGET, {"u": gid(units["SH-SALES"]), "k": kpi, "p": "2026-01-01"}, as_=users["hq_hr"]
    )
    assert data["setKpiTarget"]["errors"] == []
    data = await api.data(
        SET_TARGET, {"u": gid(units["SH-SALES"]), "k": kpi, "p": "2026-03-01"}, as_=users["hq_hr"]
    )
    assert data["setKpiTarget"]["errors"] == [
        {"field": "period", "code": "INVALID", "message": "Not the first day of a year."}
    ]
    data = await api.data(
        RECORD,
        {"e": gid(people["sh_rep"]), "k": kpi, "p": "2026-01-01", "v": "60"},
        as_=users["hq_hr"],
    )
    assert data["recordPerformance"]["errors"] == []
    # The other value comes by import: codes and numbers in any case, the year as 2026年.
    number = people["sh_rep2"].employee_number.lower()
    text = f'工号,指标编码,期间,数值\n{number},rev_y,2026年,"¥50"\n'
    content = base64.b64encode(text.encode()).decode()
    data = await api.data(IMPORT, {"kind": "KPI_RECORDS", "content": content}, as_=users["hq_hr"])
    job = data["importData"]["job"]
    assert (job["status"], job["createdRows"], job["errors"]) == ("DONE", 1, [])
    stored = await PerformanceRecord.get(employee_id=people["sh_rep2"].id, kpi__code="REV_Y")
    assert (stored.period, stored.value) == (date(2026, 1, 1), Decimal("50"))
    # The dashboard's series: one point a year, the members' values summed.
    series = await api.data(SERIES, {"u": gid(units["SH-SALES"]), "k": kpi}, as_=users["hq_hr"])
    points = series["unitKpiSeries"]["points"]
    assert [p["label"] for p in points] == ["2025", "2026"]
    assert points[0]["actual"] is None
    assert float(points[1]["actual"]) == 110
    assert points[1]["target"] is not None and float(points[1]["target"]) >= 200
    # The dashboard's period picker: the year, named as people write it.
    periods = await api.data(PERIODS, {"k": kpi}, as_=users["hq_hr"])
    assert periods["performancePeriods"]["periods"] == [
        {"period": "2026-01-01", "label": "2026", "records": 2}
    ]


async def test_a_period_after_the_end_of_next_year_is_refused(api: Api, perf: Perf) -> None:
    users, people, units = perf.world.users, perf.world.people, perf.world.units
    year = date.today().year
    far = f"{year + 2}-01-01"
    data = await api.data(
        RECORD,
        {"e": gid(people["sh_rep"]), "k": gid(perf.nc), "p": far, "v": "1"},
        as_=users["hq_hr"],
    )
    assert data["recordPerformance"]["errors"] == [
        {
            "field": "period",
            "code": "INVALID",
            "message": f"The period is too far in the future: the latest allowed is {year + 1}-12.",
        }
    ]
    data = await api.data(
        SET_TARGET, {"u": gid(units["SH-SALES"]), "k": gid(perf.nc), "p": far}, as_=users["hq_hr"]
    )
    assert data["setKpiTarget"]["errors"][0]["message"].endswith(f"allowed is {year + 1}-12.")
    # The last month of next year is still a plan.
    data = await api.data(
        SET_TARGET,
        {"u": gid(units["SH-SALES"]), "k": gid(perf.nc), "p": f"{year + 1}-12-01"},
        as_=users["hq_hr"],
    )
    assert data["setKpiTarget"]["errors"] == []
    # The same rule in both imports, each row naming its value and the latest allowed.
    number = people["sh_rep"].employee_number
    for kind, text in (
        ("KPI_RECORDS", f"employee_number,kpi_code,period,value\n{number},NC,{year + 2}/3,4\n"),
        ("TARGETS", f"unit_code,kpi_code,period,value\nsh-sales,nc,{year + 2}年3月,4\n"),
    ):
        content = base64.b64encode(text.encode()).decode()
        data = await api.data(IMPORT, {"kind": kind, "content": content}, as_=users["hq_hr"])
        errors = data["importData"]["job"]["errors"]
        assert [(e["column"], e["value"]) for e in errors] == [
            ("period", f"{year + 2}/3" if kind == "KPI_RECORDS" else f"{year + 2}年3月")
        ], errors
        assert errors[0]["message"] == (
            f"The period is too far in the future: the latest allowed is {year + 1}-12."
        )
    assert not await Kpi.filter(code="REV_Y").exists()
