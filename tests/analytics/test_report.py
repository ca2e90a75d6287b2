"""The training-effect report through the API, on a study whose answers are computed here by
hand (and by an independent OLS for the difference-in-differences)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from scipy import stats as scipy_stats

from talentloop.analytics.models import EffectEstimate
from talentloop.performance.models import PerformanceRecord
from tests.analytics.conftest import APR, FEB, JAN, MAR, MAY, POST, PRE, Study
from tests.support import Api, gid

REPORT = """query($input: TrainingEffectReportInput!) { trainingEffectReport(input: $input) {
  unit { code } population participationBefore participationAfter
  comparison { participantsMean othersMean participants others difference relativeDifference
               interval { low high } conclusive reason }
  effect { trainedBefore trainedAfter comparisonBefore comparisonAfter trained comparison effect
           interval { low high } relativeEffect conclusive reason comparisonPool }
  roi { cost benefit roiPercent benefitCostRatio conservativeBenefit conservativeRoiPercent
        horizonMonths valuePerUnit conclusive }
  trend { period trainedMean comparisonMean trained comparison }
  events { title unit { code } } eventsExcluded excludedEmployeeMonths
  branches { unit { code } population effect { trained comparison effect conclusive comparisonPool } }
} }"""


def report_input(study: Study, **extra: Any) -> dict[str, Any]:
    return {
        "courseId": gid(study.course),
        "kpiId": gid(study.kpi),
        "preFrom": "2026-01-01",
        "preTo": "2026-02-01",
        "postFrom": "2026-04-01",
        "postTo": "2026-05-01",
        **extra,
    }


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def per_employee(study: Study, ids: list[int]) -> list[tuple[float, float]]:
    return [
        (
            mean([study.values[e][p] for p in PRE]),
            mean([study.values[e][p] for p in POST]),
        )
        for e in ids
    ]


def ols_interaction(study: Study) -> float:
    """kpi ~ 1 + treated + post + treated×post over employee-months; the last coefficient."""
    rows, y = [], []
    for group, ids in ((1.0, study.trained), (0.0, study.control)):
        for e in ids:
            for period in (*PRE, *POST):
                post = 1.0 if period in POST else 0.0
                rows.append([1.0, group, post, group * post])
                y.append(float(study.values[e][period]))
    coefficients, *_ = np.linalg.lstsq(np.asarray(rows), np.asarray(y), rcond=None)
    return float(coefficients[3])


async def test_every_figure_matches_the_hand_computation(api: Api, study: Study) -> None:
    w = study.world
    valued = await api.data(
        """mutation($k: ID!) { setKpiValuation(input: {kpiId: $k, valuePerUnit: "500", note: "毛利"}) {
            valuation { valuePerUnit } errors { code } } }""",
        {"k": gid(study.kpi)},
        as_=w.users["hq_hr"],
    )
    assert valued["setKpiValuation"] == {"valuation": {"valuePerUnit": "500.00"}, "errors": []}
    data = await api.data(REPORT, {"input": report_input(study)}, as_=w.users["hq_hr"])
    r = data["trainingEffectReport"]
    treated, control = per_employee(study, study.trained), per_employee(study, study.control)

    assert r["unit"] is None and r["population"] == 24
    # nobody had it by the end of February; the 12 Shanghai reps by April
    assert (r["participationBefore"], r["participationAfter"]) == ("0.0", "50.0")

    post_t, post_c = [b for _, b in treated], [b for _, b in control]
    c = r["comparison"]
    assert (c["participants"], c["others"]) == (12, 12)
    assert c["participantsMean"] == pytest.approx(mean(post_t))
    assert c["othersMean"] == pytest.approx(mean(post_c))
    assert c["difference"] == pytest.approx(mean(post_t) - mean(post_c))
    assert c["relativeDifference"] == pytest.approx((mean(post_t) - mean(post_c)) / mean(post_c))
    welch = scipy_stats.ttest_ind(post_t, post_c, equal_var=False).confidence_interval(0.95)
    assert (c["interval"]["low"], c["interval"]["high"]) == pytest.approx((welch.low, welch.high))
    assert c["conclusive"] is True

    e = r["effect"]
    changes_t = [b - a for a, b in treated]
    changes_c = [b - a for a, b in control]
    hand = mean(changes_t) - mean(changes_c)
    assert e["effect"] == pytest.approx(hand)
    assert e["effect"] == pytest.approx(ols_interaction(study))
    did_ci = scipy_stats.ttest_ind(changes_t, changes_c, equal_var=False).confidence_interval(0.95)
    assert (e["interval"]["low"], e["interval"]["high"]) == pytest.approx((did_ci.low, did_ci.high))
    assert (e["trained"], e["comparison"], e["conclusive"], e["reason"]) == (12, 12, True, "")
    assert e["trainedBefore"] == pytest.approx(mean([a for a, _ in treated]))
    assert e["comparisonAfter"] == pytest.approx(mean(post_c))
    assert e["relativeEffect"] == pytest.approx(hand / mean([a for a, _ in treated]))

    # ROI (Phillips): 12 trained × 1,000 each; benefit = effect × 12 × 6 months × 500
    roi = r["roi"]
    benefit = Decimal(str(e["effect"])) * 12 * 6 * 500
    assert Decimal(roi["cost"]) == Decimal("12000.00")
    assert Decimal(roi["benefit"]) == benefit.quantize(Decimal("0.01"))
    assert Decimal(roi["roiPercent"]) == ((benefit - 12000) / 12000 * 100).quantize(Decimal("0.1"))
    low_benefit = Decimal(str(e["interval"]["low"])) * 12 * 6 * 500
    assert Decimal(roi["conservativeBenefit"]) == low_benefit.quantize(Decimal("0.01"))
    assert roi["horizonMonths"] == 6 and roi["valuePerUnit"] == "500.00" and roi["conclusive"]

    trend = {p["period"]: p for p in r["trend"]}
    assert list(trend) == [d.isoformat() for d in (JAN, FEB, MAR, APR, MAY)]
    for period in (JAN, MAR, MAY):
        point = trend[period.isoformat()]
        assert point["trainedMean"] == pytest.approx(
            mean([study.values[x][period] for x in study.trained])
        )
        assert point["comparisonMean"] == pytest.approx(
            mean([study.values[x][period] for x in study.control])
        )
        assert (point["trained"], point["comparison"]) == (12, 12)

    # side by side: Beijing has no trained; Shanghai's trained meet Beijing's untrained
    branches = {b["unit"]["code"]: b for b in r["branches"]}
    assert set(branches) == {"SH", "BJ"}
    assert branches["SH"]["effect"]["effect"] == pytest.approx(hand)
    assert branches["SH"]["effect"]["comparisonPool"] == "PARENT"
    assert branches["BJ"]["effect"]["trained"] == 0
    assert branches["BJ"]["effect"]["conclusive"] is False

    # a company-wide conclusive estimate becomes the course's measured effect
    estimate = await EffectEstimate.get(course_id=study.course.id, kpi_id=study.kpi.id)
    assert float(estimate.effect) == pytest.approx(hand, abs=1e-4)


async def test_an_event_changes_the_estimate_exactly_as_leaving_its_months_out(
    api: Api, study: Study
) -> None:
    w = study.world
    recorded = await api.data(
        """mutation($u: ID!) { recordExternalEvent(input: {unitId: $u, kind: MARKET_SHOCK,
            title: "北京展会取消", periodFrom: "2026-04-01", periodTo: "2026-04-01"}) {
            event { id title unit { code } } errors { code } } }""",
        {"u": gid(w.units["BJ-SALES"])},
        as_=w.users["bj_hr"],
    )
    event = recorded["recordExternalEvent"]
    assert event["errors"] == [] and event["event"]["unit"]["code"] == "BJ-SALES"
    left_out = (await api.data(REPORT, {"input": report_input(study)}, as_=w.users["hq_hr"]))[
        "trainingEffectReport"
    ]
    kept = (
        await api.data(
            REPORT, {"input": report_input(study, excludeEvents=False)}, as_=w.users["hq_hr"]
        )
    )["trainingEffectReport"]
    assert left_out["excludedEmployeeMonths"] == 12 and left_out["eventsExcluded"] is True
    assert [e["title"] for e in left_out["events"]] == ["北京展会取消"]
    assert kept["excludedEmployeeMonths"] == 0
    assert left_out["effect"]["effect"] != pytest.approx(kept["effect"]["effect"])

    # by hand: remove Beijing's April and the event, and ask again
    await PerformanceRecord.filter(employee_id__in=study.control, period=APR).delete()
    removed = await api.data(
        "mutation($id: ID!) { deleteExternalEvent(id: $id) { ok errors { code } } }",
        {"id": event["event"]["id"]},
        as_=w.users["bj_hr"],
    )
    assert removed["deleteExternalEvent"] == {"ok": True, "errors": []}
    by_hand = (await api.data(REPORT, {"input": report_input(study)}, as_=w.users["hq_hr"]))[
        "trainingEffectReport"
    ]
    assert by_hand["events"] == [] and by_hand["excludedEmployeeMonths"] == 0
    for key in ("effect", "comparison"):
        assert left_out[key] == by_hand[key]
    assert left_out["roi"] == by_hand["roi"]


async def test_scope_each_viewer_sees_their_own_branches(api: Api, study: Study) -> None:
    w = study.world
    shanghai = (await api.data(REPORT, {"input": report_input(study)}, as_=w.users["branch_hr"]))[
        "trainingEffectReport"
    ]
    # only Shanghai's 12, all trained: no comparison group, so no claim
    assert shanghai["population"] == 12
    assert [b["unit"]["code"] for b in shanghai["branches"]] == ["SH"]
    assert shanghai["effect"]["conclusive"] is False
    assert shanghai["effect"]["reason"] == "fewer than 10 in a group"
    assert shanghai["roi"]["benefit"] is None and shanghai["roi"]["roiPercent"] is None
    boss = (await api.data(REPORT, {"input": report_input(study)}, as_=w.users["executive"]))[
        "trainingEffectReport"
    ]
    assert [b["unit"]["code"] for b in boss["branches"]] == ["BJ", "SH"]
    # Beijing's HR asking for Shanghai: the same answer as for a unit that does not exist
    other = await api.data(
        REPORT,
        {"input": report_input(study, unitId=gid(w.units["SH"]))},
        as_=w.users["bj_hr"],
    )
    assert other["trainingEffectReport"] is None
    employee = await api.data(REPORT, {"input": report_input(study)}, as_=w.users["employee"])
    assert employee["trainingEffectReport"] is None
    anonymous = await api.data(REPORT, {"input": report_input(study)})
    assert anonymous["trainingEffectReport"] is None
    # a branch HR cannot record events on another branch, nor set KPI values
    denied = await api.data(
        """mutation($u: ID!) { recordExternalEvent(input: {unitId: $u, kind: OTHER, title: "x",
            periodFrom: "2026-04-01", periodTo: "2026-04-01"}) { event { id } errors { code field } } }""",
        {"u": gid(w.units["SH"])},
        as_=w.users["bj_hr"],
    )
    assert denied["recordExternalEvent"] == {
        "event": None,
        "errors": [{"code": "NOT_FOUND", "field": "unitId"}],
    }
    valuation = await api.data(
        """mutation($k: ID!) { setKpiValuation(input: {kpiId: $k, valuePerUnit: "1"}) { errors { code } } }""",
        {"k": gid(study.kpi)},
        as_=w.users["branch_hr"],
    )
    assert valuation["setKpiValuation"]["errors"] == [{"code": "FORBIDDEN"}]


async def test_bad_months_are_a_typed_error(api: Api, study: Study) -> None:
    body = await api.run(
        REPORT,
        {"input": report_input(study, preFrom="2026-01-15", postFrom="2026-01-01")},
        as_=study.world.users["hq_hr"],
    )
    assert body["data"]["trainingEffectReport"] is None
    assert body["errors"][0]["message"] == "Not the first day of a month."


async def test_defaults_point_at_the_course_most_completed_and_the_last_months(
    api: Api, study: Study
) -> None:
    data = await api.data(
        """{ trainingEffectReportDefaults { course { code } kpi { code } preFrom preTo postFrom postTo } }""",
        as_=study.world.users["hq_hr"],
    )
    assert data["trainingEffectReportDefaults"] == {
        "course": {"code": "PK"},
        "kpi": {"code": "NC"},
        "preFrom": "2025-10-01",
        "preTo": "2026-01-01",
        "postFrom": "2026-03-01",
        "postTo": "2026-05-01",
    }
    none = await api.data(
        "{ trainingEffectReportDefaults { course { code } } }", as_=study.world.users["employee"]
    )
    assert none["trainingEffectReportDefaults"] is None
