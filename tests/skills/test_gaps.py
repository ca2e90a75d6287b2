"""Gaps by unit, and the brochure's question: which competencies are under-performers weak on?"""

from __future__ import annotations

from decimal import Decimal

from talentloop.skills.models import Calibration
from tests.performance.conftest import Perf
from tests.skills.conftest import Framework
from tests.support import Api, gid

ANALYSIS = """query($k: ID!, $u: ID) {
  underPerformerAnalysis(kpiId: $k, period: "2026-01-01", unitId: $u) {
    underPerformers rows { competency { code } belowTeamAverage withScore share }
  }
}"""
HEAT = """query($u: ID!) { competencyHeatMap(unitId: $u) {
  competencies { code } averageScores averageGaps rows { employee { name } scores { score gap } }
} }"""


async def _score(fw: Framework, person: str, competency, level: str) -> None:  # type: ignore[no-untyped-def]
    w = fw.world
    await Calibration.create(
        employee=w.people[person],
        competency=competency,
        level=Decimal(level),
        reason="test data",
        calibrated_by=w.users["hq_hr"],
    )


async def test_the_under_performer_shares_match_a_hand_count(
    api: Api, perf: Perf, framework: Framework
) -> None:
    """January: below target are sh_rep (75 %), sh_sales_head (50 %) and bj_rep (40 %); sh_rep2 made 100 %.
    Teams: sh_rep with sh_rep2 (SH-SALES-1); the head alone (SH-SALES); bj_rep alone (BJ-SALES).
    CNA: sh_rep 2 vs team mean 3 → below; head 3 = own mean; bj_rep 2 = own mean → 1 of 3.
    PK: sh_rep 4 vs team mean 3 → not below; only he has a score → 0 of 1."""
    for person, level in (
        ("sh_rep", "2"),
        ("sh_rep2", "4"),
        ("sh_sales_head", "3"),
        ("bj_rep", "2"),
    ):
        await _score(framework, person, framework.cna, level)
    for person, level in (("sh_rep", "4"), ("sh_rep2", "2")):
        await _score(framework, person, framework.pk, level)
    data = await api.data(ANALYSIS, {"k": gid(perf.nc), "u": None}, as_=perf.world.users["hq_hr"])
    assert data["underPerformerAnalysis"] == {
        "underPerformers": 3,
        "rows": [
            {"competency": {"code": "CNA"}, "belowTeamAverage": 1, "withScore": 3, "share": "33.3"},
            {"competency": {"code": "PK"}, "belowTeamAverage": 0, "withScore": 1, "share": "0.0"},
        ],
    }
    # Shanghai's HR counts Shanghai only: sh_rep and the head
    branch = await api.data(
        ANALYSIS, {"k": gid(perf.nc), "u": None}, as_=perf.world.users["branch_hr"]
    )
    assert branch["underPerformerAnalysis"]["underPerformers"] == 2
    assert branch["underPerformerAnalysis"]["rows"][0] == {
        "competency": {"code": "CNA"},
        "belowTeamAverage": 1,
        "withScore": 2,
        "share": "50.0",
    }


async def test_a_heat_map_shows_each_member_and_the_unit_average(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    await _score(framework, "sh_rep", framework.pk, "3")
    await _score(framework, "sh_rep2", framework.pk, "4")
    data = await api.data(HEAT, {"u": gid(w.units["SH-SALES-1"])}, as_=w.users["manager"])
    heat = data["competencyHeatMap"]
    assert [c["code"] for c in heat["competencies"]] == ["CNA", "PK"]
    assert heat["rows"] == [
        {
            "employee": {"name": "sh_rep name"},
            "scores": [{"score": None, "gap": None}, {"score": "3.00", "gap": "2.00"}],
        },
        {
            "employee": {"name": "sh_rep2 name"},
            "scores": [{"score": None, "gap": None}, {"score": "4.00", "gap": "1.00"}],
        },
    ]
    assert heat["averageScores"] == [None, "3.50"]
    assert heat["averageGaps"] == [None, "1.50"]


async def test_scores_follow_the_scope_rules(api: Api, framework: Framework) -> None:
    w = framework.world
    await _score(framework, "sh_rep", framework.pk, "3")
    outside = await api.data(HEAT, {"u": gid(w.units["SH-SALES-1"])}, as_=w.users["bj_hr"])
    assert outside["competencyHeatMap"] is None
    query = "query($e: ID!) { employeeCompetencies(employeeId: $e) { score } }"
    for role, visible in (
        ("hq_hr", True),
        ("branch_hr", True),
        ("manager", True),
        ("executive", True),
        ("employee", True),
        ("bj_hr", False),
        ("admin", False),
    ):
        data = await api.data(query, {"e": gid(w.people["sh_rep"])}, as_=w.users[role])
        assert bool(data["employeeCompetencies"]) is visible, role
    colleague = await api.data(query, {"e": gid(w.people["sh_rep2"])}, as_=w.users["employee"])
    assert colleague["employeeCompetencies"] is None
    # an employee's own heat map holds only themselves
    own = await api.data(HEAT, {"u": gid(w.units["SH-SALES-1"])}, as_=w.users["employee"])
    assert [r["employee"]["name"] for r in own["competencyHeatMap"]["rows"]] == ["sh_rep name"]
