"""Achievement for employees and units, with inherited and overridden targets, within scope."""

from __future__ import annotations

from decimal import Decimal

from talentloop.performance.service import apply_target_adjustment
from tests.performance.conftest import JAN, Perf
from tests.support import Api, gid

EMPLOYEE = """query($e: ID!, $k: [ID!]) {
  employeeKpis(employeeId: $e, from: "2026-01-01", to: "2026-01-01", kpiIds: $k) {
    kpi { code } points { label actual target achievement adjustments { percent reason } }
  }
}"""
UNIT = """query($u: ID!, $k: ID!) {
  unitKpiSeries(unitId: $u, kpiId: $k, from: "2026-01-01", to: "2026-02-01") {
    points { label actual target achievement members }
  }
}"""
BREAKDOWN = """query($u: ID!, $k: ID!) {
  unitKpiBreakdown(unitId: $u, kpiId: $k, period: "2026-01-01") {
    unit { code } employee { name } point { actual target achievement }
  }
}"""


async def _employee_point(api: Api, perf: Perf, viewer: str, person: str, kpi) -> dict | None:  # type: ignore[no-untyped-def]
    data = await api.data(
        EMPLOYEE,
        {"e": gid(perf.world.people[person]), "k": [gid(kpi)]},
        as_=perf.world.users[viewer],
    )
    if not data["employeeKpis"]:
        return None
    point: dict = data["employeeKpis"][0]["points"][0]
    return point


async def test_each_employee_gets_the_nearest_target(api: Api, perf: Perf) -> None:
    rep = await _employee_point(api, perf, "hq_hr", "sh_rep", perf.nc)
    assert rep == {
        "label": "2026-01",
        "actual": "6",
        "target": "8",
        "achievement": "75.00",
        "adjustments": [],
    }
    own = await _employee_point(api, perf, "hq_hr", "sh_rep2", perf.nc)
    assert own is not None and (own["actual"], own["target"], own["achievement"]) == (
        "12",
        "12",
        "100.00",
    )
    head = await _employee_point(api, perf, "hq_hr", "sh_sales_head", perf.nc)
    assert head is not None and (head["target"], head["achievement"]) == ("10", "50.00")
    untargeted = await _employee_point(api, perf, "hq_hr", "sh_worker", perf.nc)
    assert untargeted is not None and untargeted["target"] is None and untargeted["actual"] is None


async def test_an_adjustment_changes_the_target_and_says_why(api: Api, perf: Perf) -> None:
    await apply_target_adjustment(
        kpi_id=perf.nc.id,
        employee_id=perf.world.people["sh_rep"].id,
        period=JAN,
        percent=Decimal("-5"),
        reason="completed 《双赢谈判策略》",
        source="training.course:1",
    )
    # applying the same rule again does not stack
    await apply_target_adjustment(
        kpi_id=perf.nc.id,
        employee_id=perf.world.people["sh_rep"].id,
        period=JAN,
        percent=Decimal("-5"),
        reason="completed 《双赢谈判策略》",
        source="training.course:1",
    )
    rep = await _employee_point(api, perf, "hq_hr", "sh_rep", perf.nc)
    assert rep == {
        "label": "2026-01",
        "actual": "6",
        "target": "7.60",  # 8 × 0.95
        "achievement": "78.95",  # 6 / 7.6
        "adjustments": [{"percent": "-5.00", "reason": "completed 《双赢谈判策略》"}],
    }


async def test_lower_is_better_achievement_is_target_over_actual(api: Api, perf: Perf) -> None:
    churn = await _employee_point(api, perf, "hq_hr", "sh_rep", perf.churn)
    assert churn is not None and churn["achievement"] == "125.00"


async def test_a_unit_sums_or_averages_its_members(api: Api, perf: Perf) -> None:
    u = perf.world.units
    team = await api.data(
        UNIT,
        {"u": gid(u["SH-SALES-1"]), "k": gid(perf.nc)},
        as_=perf.world.users["hq_hr"],
    )
    assert team["unitKpiSeries"]["points"] == [
        {
            "label": "2026-01",
            "actual": "18",
            "target": "20",
            "achievement": "90.00",
            "members": 2,
        },
        {
            "label": "2026-02",
            "actual": None,
            "target": None,
            "achievement": None,
            "members": 0,
        },
    ]
    dept = await api.data(
        UNIT,
        {"u": gid(u["SH-SALES"]), "k": gid(perf.nc)},
        as_=perf.world.users["hq_hr"],
    )
    assert dept["unitKpiSeries"]["points"][0] == {
        "label": "2026-01",
        "actual": "23",
        "target": "30",
        "achievement": "76.67",
        "members": 3,
    }
    average = await api.data(
        UNIT,
        {"u": gid(u["SH-SALES-1"]), "k": gid(perf.cr)},
        as_=perf.world.users["hq_hr"],
    )
    # mean of 10 and 20 against the mean of the two inherited targets of 20
    assert average["unitKpiSeries"]["points"][0]["actual"] == "15.00"
    assert average["unitKpiSeries"]["points"][0]["achievement"] == "75.00"


async def test_roll_ups_count_only_what_the_viewer_may_see(api: Api, perf: Perf) -> None:
    root = perf.world.units["ACME"]

    async def total(viewer: str) -> str | None:
        data = await api.data(
            UNIT, {"u": gid(root), "k": gid(perf.nc)}, as_=perf.world.users[viewer]
        )
        series = data["unitKpiSeries"]
        return series["points"][0]["actual"] if series else None

    assert await total("hq_hr") == "27"
    assert await total("executive") == "27"
    assert await total("branch_hr") == "23"  # Shanghai only
    assert await total("bj_hr") == "4"  # Beijing only
    assert await total("manager") == "23"  # their department
    assert await total("employee") == "6"  # themselves
    assert await total("admin") is None  # no work fields at all


async def test_the_boss_sees_branches_side_by_side(api: Api, perf: Perf) -> None:
    data = await api.data(
        BREAKDOWN,
        {"u": gid(perf.world.units["ACME"]), "k": gid(perf.nc)},
        as_=perf.world.users["executive"],
    )
    rows = {r["unit"]["code"]: r["point"] for r in data["unitKpiBreakdown"]}
    assert rows == {
        "HQ": {"actual": None, "target": None, "achievement": None},
        "SH": {"actual": "23", "target": "30", "achievement": "76.67"},
        "BJ": {"actual": "4", "target": "10", "achievement": "40.00"},
    }
    branch_view = await api.data(
        BREAKDOWN,
        {"u": gid(perf.world.units["ACME"]), "k": gid(perf.nc)},
        as_=perf.world.users["branch_hr"],
    )
    assert [r["unit"]["code"] for r in branch_view["unitKpiBreakdown"]] == ["SH"]


async def test_a_team_breakdown_lists_its_members(api: Api, perf: Perf) -> None:
    data = await api.data(
        BREAKDOWN,
        {"u": gid(perf.world.units["SH-SALES-1"]), "k": gid(perf.nc)},
        as_=perf.world.users["manager"],
    )
    assert [
        (r["employee"]["name"], r["point"]["achievement"]) for r in data["unitKpiBreakdown"]
    ] == [
        ("sh_rep name", "75.00"),
        ("sh_rep2 name", "100.00"),
    ]


async def test_an_employee_sees_only_their_own_kpis(api: Api, perf: Perf) -> None:
    assert await _employee_point(api, perf, "employee", "sh_rep", perf.nc) is not None
    assert await _employee_point(api, perf, "employee", "sh_rep2", perf.nc) is None
    assert await _employee_point(api, perf, "bj_hr", "sh_rep", perf.nc) is None
    records = await api.data(
        "{ performanceRecords(first: 100) { totalCount edges { node { employee { name } } } } }",
        as_=perf.world.users["employee"],
    )
    names = {e["node"]["employee"]["name"] for e in records["performanceRecords"]["edges"]}
    assert names == {"sh_rep name"}
    assert records["performanceRecords"]["totalCount"] == 3  # NC, CR and churn


async def test_a_range_is_checked(api: Api, perf: Perf) -> None:
    body = await api.run(
        """query($u: ID!, $k: ID!) { unitKpiSeries(unitId: $u, kpiId: $k, from: "2026-01-15", to: "2026-02-01") { points { label } } }""",
        {"u": gid(perf.world.units["SH"]), "k": gid(perf.nc)},
        as_=perf.world.users["hq_hr"],
    )
    assert body["errors"][0]["message"] == "Not the start of a period."
