"""A KPI below x % of target for n consecutive periods asks for an assessment, once per breach."""

from __future__ import annotations

from datetime import date

from talentloop.performance.models import AssessmentRequest, TriggerRule
from tests.performance.conftest import Perf, record, target
from tests.support import Api, gid

RULE = """mutation($k: ID!) {
  createTriggerRule(input: {name: "NC < 80% twice", kpiId: $k, thresholdPercent: "80", periods: 2}) {
    rule { name thresholdPercent periods } errors { field code }
  }
}"""
RECORD = """mutation($e: ID!, $k: ID!, $p: Date!, $v: Decimal!) {
  recordPerformance(input: {employeeId: $e, kpiId: $k, period: $p, value: $v}) { errors { code } }
}"""
REQUESTS = """{ assessmentRequests(first: 50) {
  totalCount edges { node { employee { name } breachStart breachDetected achievementPercent status rule { name } } }
} }"""


def month(m: int) -> date:
    return date(2026, m, 1)


async def test_the_rule_fires_once_per_breach(api: Api, perf: Perf) -> None:
    w, nc = perf.world, perf.nc
    rep = w.people["sh_rep"]  # target 8 from the team; January actual 6 = 75 %
    for m in range(2, 8):
        await target(nc, month(m), "8", unit=w.units["SH-SALES-1"])
    # Feb 4 (50 %), Mar 4 (50 %): a run of three misses → one request, detected in February
    await record(nc, rep, month(2), "4")
    await record(nc, rep, month(3), "4")
    created = await api.data(RULE, {"k": gid(nc)}, as_=w.users["hq_hr"])
    assert created["createTriggerRule"]["errors"] == []

    requests = (await api.data(REQUESTS, as_=w.users["hq_hr"]))["assessmentRequests"]
    mine = [e["node"] for e in requests["edges"] if e["node"]["employee"]["name"] == "sh_rep name"]
    assert mine == [
        {
            "employee": {"name": "sh_rep name"},
            "breachStart": "2026-01-01",
            "breachDetected": "2026-02-01",
            "achievementPercent": "50.00",
            "status": "OPEN",
            "rule": {"name": "NC < 80% twice"},
        }
    ]
    # Re-evaluating (a new value recorded) does not fire again for the same breach.
    for _ in range(2):
        await api.data(
            RECORD,
            {"e": gid(rep), "k": gid(nc), "p": "2026-03-01", "v": "3"},
            as_=w.users["hq_hr"],
        )
    assert await AssessmentRequest.filter(employee_id=rep.id).count() == 1

    # April recovers; May and June miss again: a second breach, a second request.
    for m, value in ((4, "8"), (5, "2"), (6, "2")):
        await api.data(
            RECORD,
            {"e": gid(rep), "k": gid(nc), "p": f"2026-0{m}-01", "v": value},
            as_=w.users["hq_hr"],
        )
    starts = sorted(
        str(r)
        for r in await AssessmentRequest.filter(employee_id=rep.id).values_list(
            "breach_start", flat=True
        )
    )
    assert starts == ["2026-01-01", "2026-05-01"]


async def test_a_month_without_data_breaks_the_run(api: Api, perf: Perf) -> None:
    w, nc = perf.world, perf.nc
    rep2 = w.people["sh_rep2"]  # her own target 12 in January; she met it
    for m in (2, 4):
        await target(nc, month(m), "12", employee=rep2)
        await record(nc, rep2, month(m), "1")  # misses in February and April, nothing in March
    await api.data(RULE, {"k": gid(nc)}, as_=w.users["hq_hr"])
    assert not await AssessmentRequest.filter(employee_id=rep2.id).exists()


async def test_requests_are_scoped_like_their_employees(api: Api, perf: Perf) -> None:
    w = perf.world
    await target(perf.nc, month(2), "10", unit=w.units["BJ-SALES"])
    await record(perf.nc, w.people["bj_rep"], month(2), "1")
    await target(perf.nc, month(2), "8", unit=w.units["SH-SALES-1"])
    await record(perf.nc, w.people["sh_rep"], month(2), "1")
    await api.data(RULE, {"k": gid(perf.nc)}, as_=w.users["hq_hr"])

    async def names(viewer: str) -> set[str]:
        data = await api.data(REQUESTS, as_=w.users[viewer])
        return {e["node"]["employee"]["name"] for e in data["assessmentRequests"]["edges"]}

    assert await names("hq_hr") == {"sh_rep name", "bj_rep name"}
    assert await names("branch_hr") == {"sh_rep name"}
    assert await names("manager") == {"sh_rep name"}
    assert await names("bj_hr") == {"bj_rep name"}
    assert await names("employee") == {"sh_rep name"}  # their own
    assert await names("admin") == set()


async def test_only_hr_adds_rules_and_bad_rules_are_refused(api: Api, perf: Perf) -> None:
    w = perf.world
    for role in ("manager", "employee", "executive", "admin", "branch_hr"):
        denied = await api.data(RULE, {"k": gid(perf.nc)}, as_=w.users[role])
        assert denied["createTriggerRule"]["errors"][0]["code"] == "FORBIDDEN", role
    bad = await api.data(
        """mutation($k: ID!) { createTriggerRule(input: {name: " ", kpiId: $k, thresholdPercent: "0", periods: 30}) {
          errors { field code } } }""",
        {"k": gid(perf.nc)},
        as_=w.users["hq_hr"],
    )
    assert {(e["field"], e["code"]) for e in bad["createTriggerRule"]["errors"]} == {
        ("name", "REQUIRED"),
        ("thresholdPercent", "INVALID"),
        ("periods", "INVALID"),
    }
    assert not await TriggerRule.exists()
