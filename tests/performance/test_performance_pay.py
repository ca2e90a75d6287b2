"""Suspended performance pay: progress toward the restore condition, and a two-step restore."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentloop.performance import pay
from talentloop.performance.models import (
    ConditionKind,
    Kpi,
    KpiUnit,
    PaySuspension,
    PeriodType,
    RestoreRequest,
    SuspensionStatus,
)
from talentloop.performance.restore_types import RestoreEvidence
from tests.performance.conftest import Perf, record, target
from tests.support import Api, StatementCounter, gid

SUSPENSIONS = """{ paySuspensions {
  id status restoredFrom unit { code }
  progress { description streak required latestValue threshold percentOfThreshold conditionMet
             periodType periods { label value met } }
  restoreRequests { id status currentStep canDecide decisions { step approved approver { username } } }
} }"""
REQUEST = """mutation($s: ID!) {
  requestPayRestore(input: {suspensionId: $s, restoreFrom: "2026-04-01", comment: "condition met"}) {
    request { id status currentStep evidence { conditionMet periods { label value met } } }
    errors { field code }
  }
}"""
DECIDE = """mutation($r: ID!, $a: Boolean!) {
  decidePayRestore(input: {requestId: $r, approve: $a, comment: "ok"}) {
    request { status currentStep } errors { field code }
  }
}"""


async def _suspend(perf: Perf, threshold: str = "20", periods: int = 2) -> PaySuspension:
    """SH-SALES new customers: Jan 23 (from the fixture), Feb 15, Mar 25."""
    w = perf.world
    for m, rep_value in ((2, "15"), (3, "25")):
        await target(perf.nc, date(2026, m, 1), "10", unit=w.units["SH-SALES"])
        await record(perf.nc, w.people["sh_rep"], date(2026, m, 1), rep_value)
    return await PaySuspension.create(
        unit=w.units["SH-SALES"],
        reason="new customers short",
        suspended_from=date(2026, 1, 1),
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=perf.nc,
        condition_threshold=Decimal(threshold),
        condition_periods=periods,
    )


async def test_progress_matches_a_hand_count(api: Api, perf: Perf) -> None:
    await _suspend(perf, threshold="20", periods=2)
    data = await api.data(SUSPENSIONS, as_=perf.world.users["branch_hr"])
    progress = data["paySuspensions"][0]["progress"]
    assert progress["periods"] == [
        {"label": "2026-01", "value": "23", "met": True},
        {"label": "2026-02", "value": "15", "met": False},
        {"label": "2026-03", "value": "25", "met": True},
    ]
    assert (progress["streak"], progress["required"], progress["conditionMet"]) == (
        1,
        2,
        False,
    )
    assert progress["periodType"] == "MONTH"
    assert (
        progress["latestValue"],
        progress["threshold"],
        progress["percentOfThreshold"],
    ) == (
        "25",
        "20",
        "100.0",
    )
    assert progress["description"] == "SH-SALES unit 新客户数 ≥ 20, 2 consecutive periods"
    api.http.headers["Accept-Language"] = "zh-CN"
    data = await api.data(SUSPENSIONS, as_=perf.world.users["branch_hr"])
    chinese = data["paySuspensions"][0]["progress"]["description"]
    assert chinese == "SH-SALES unit 新客户数 ≥ 20，连续 2 个周期"


async def test_progress_is_shown_to_those_who_see_the_unit(api: Api, perf: Perf) -> None:
    await _suspend(perf)
    for viewer, visible in [
        ("hq_hr", True),
        ("executive", True),
        ("branch_hr", True),
        ("manager", True),
        ("employee", True),  # their own department's condition: it is their pay too
        ("bj_hr", False),
    ]:
        data = await api.data(SUSPENSIONS, as_=perf.world.users[viewer])
        assert bool(data["paySuspensions"]) is visible, viewer


async def test_another_units_progress_is_read_only_where_its_peoples_performance_is(
    api: Api, perf: Perf
) -> None:
    """A team's progress is its members' figures summed up (one worker's, here): colleagues
    elsewhere in the branch do not read it; the unit's HR and the boss do."""
    w = perf.world
    await record(perf.nc, w.people["sh_worker"], date(2026, 1, 1), "3")
    suspension = await PaySuspension.create(
        unit=w.units["SH-PROD"],
        reason="output short",
        suspended_from=date(2026, 1, 1),
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=perf.nc,
        condition_threshold=Decimal(10),
    )
    lookup = "query($s: ID!) { node(id: $s) { id } paySuspensions { id } }"
    for viewer, visible in [
        ("hq_hr", True),
        ("executive", True),
        ("branch_hr", True),
        ("manager", False),  # Shanghai sales, not production
        ("employee", False),
        ("bj_hr", False),
    ]:
        data = await api.data(lookup, {"s": gid(suspension)}, as_=w.users[viewer])
        assert (data["node"] is not None) is visible, viewer
        assert [s["id"] for s in data["paySuspensions"]] == ([gid(suspension)] if visible else [])


async def test_a_restore_needs_the_branch_head_then_hq_hr(
    api: Api, perf: Perf, branch_head
) -> None:  # type: ignore[no-untyped-def]
    suspension = await _suspend(perf, threshold="20", periods=1)
    w = perf.world
    denied = await api.data(REQUEST, {"s": gid(suspension)}, as_=w.users["manager"])
    assert denied["requestPayRestore"]["errors"][0]["code"] == "FORBIDDEN"
    asked = await api.data(REQUEST, {"s": gid(suspension)}, as_=w.users["branch_hr"])
    request = asked["requestPayRestore"]["request"]
    assert (request["status"], request["currentStep"]) == ("PENDING", "BRANCH_HEAD")
    assert request["evidence"]["conditionMet"] is True
    assert request["evidence"]["periods"][-1] == {
        "label": "2026-03",
        "value": "25",
        "met": True,
    }
    again = await api.data(REQUEST, {"s": gid(suspension)}, as_=w.users["branch_hr"])
    assert again["requestPayRestore"]["errors"][0]["code"] == "CONFLICT"

    # HQ HR cannot skip the branch head; the requester cannot approve their own request.
    early = await api.data(DECIDE, {"r": request["id"], "a": True}, as_=w.users["hq_hr"])
    assert early["decidePayRestore"]["errors"][0]["code"] == "FORBIDDEN"
    own = await api.data(DECIDE, {"r": request["id"], "a": True}, as_=w.users["branch_hr"])
    assert own["decidePayRestore"]["errors"][0]["code"] == "FORBIDDEN"

    first = await api.data(DECIDE, {"r": request["id"], "a": True}, as_=branch_head)
    assert first["decidePayRestore"]["request"] == {
        "status": "PENDING",
        "currentStep": "HQ_HR",
    }
    assert (await PaySuspension.get(id=suspension.id)).status is SuspensionStatus.RESTORE_REQUESTED
    head_again = await api.data(DECIDE, {"r": request["id"], "a": True}, as_=branch_head)
    assert head_again["decidePayRestore"]["errors"][0]["code"] == "FORBIDDEN"

    second = await api.data(DECIDE, {"r": request["id"], "a": True}, as_=w.users["hq_hr"])
    assert second["decidePayRestore"]["request"] == {
        "status": "APPROVED",
        "currentStep": None,
    }
    restored = await PaySuspension.get(id=suspension.id)
    assert restored.status is SuspensionStatus.RESTORED
    assert restored.restored_from == date(2026, 4, 1)
    data = await api.data(SUSPENSIONS, as_=w.users["hq_hr"])
    decisions = data["paySuspensions"][0]["restoreRequests"][0]["decisions"]
    assert [(d["step"], d["approver"]["username"]) for d in decisions] == [
        ("BRANCH_HEAD", "sh_head"),
        ("HQ_HR", "hq_hr"),
    ]


async def test_a_rejection_leaves_pay_suspended(api: Api, perf: Perf, branch_head) -> None:  # type: ignore[no-untyped-def]
    suspension = await _suspend(perf)
    asked = await api.data(REQUEST, {"s": gid(suspension)}, as_=perf.world.users["hq_hr"])
    request_id = asked["requestPayRestore"]["request"]["id"]
    rejected = await api.data(DECIDE, {"r": request_id, "a": False}, as_=branch_head)
    assert rejected["decidePayRestore"]["request"] == {
        "status": "REJECTED",
        "currentStep": None,
    }
    assert (await PaySuspension.get(id=suspension.id)).status is SuspensionStatus.SUSPENDED
    closed = await api.data(DECIDE, {"r": request_id, "a": True}, as_=perf.world.users["hq_hr"])
    assert closed["decidePayRestore"]["errors"][0]["code"] == "CONFLICT"
    assert await RestoreRequest.filter(suspension_id=suspension.id).count() == 1


async def test_only_hq_hr_suspends(api: Api, perf: Perf) -> None:
    mutation = """mutation($u: ID!, $k: ID!) { suspendPerformancePay(input: {
        unitId: $u, reason: "short", suspendedFrom: "2026-01-01", conditionKind: UNIT_TOTAL,
        conditionKpiId: $k, conditionThreshold: "50"}) { suspension { status } errors { field code } } }"""
    variables = {"u": gid(perf.world.units["SH-SALES"]), "k": gid(perf.nc)}
    for role in ("branch_hr", "manager", "executive", "admin"):
        denied = await api.data(mutation, variables, as_=perf.world.users[role])
        assert denied["suspendPerformancePay"]["errors"][0]["code"] == "FORBIDDEN", role
    done = await api.data(mutation, variables, as_=perf.world.users["hq_hr"])
    assert done["suspendPerformancePay"] == {
        "suspension": {"status": "SUSPENDED"},
        "errors": [],
    }
    twice = await api.data(mutation, variables, as_=perf.world.users["hq_hr"])
    assert twice["suspendPerformancePay"]["errors"] == [{"field": "unitId", "code": "CONFLICT"}]


async def test_a_restore_runs_on_the_approvals_engine(api: Api, perf: Perf, branch_head) -> None:  # type: ignore[no-untyped-def]
    """The same request through "my approvals": the branch head, then HQ HR, decide it there."""
    suspension = await _suspend(perf, threshold="20", periods=1)
    w = perf.world
    asked = await api.data(REQUEST, {"s": gid(suspension)}, as_=w.users["branch_hr"])
    restore_id = asked["requestPayRestore"]["request"]["id"]
    mine = "query { myApprovals { id requestType subjectId stage stageCount } }"
    assert (await api.data(mine, as_=w.users["hq_hr"]))["myApprovals"] == []
    (waiting,) = (await api.data(mine, as_=branch_head))["myApprovals"]
    assert (waiting["requestType"], waiting["subjectId"], waiting["stageCount"]) == (
        "PAY_RESTORE",
        restore_id,
        2,
    )
    decide = """mutation ($id: ID!, $c: String!) {
      decideApproval(id: $id, approve: true, comment: $c) { approvalRequest { status } errors { code } }
    }"""
    first = await api.data(decide, {"id": waiting["id"], "c": "evidence holds"}, as_=branch_head)
    assert first["decideApproval"]["approvalRequest"] == {"status": "PENDING"}
    assert (await PaySuspension.get(id=suspension.id)).status is SuspensionStatus.RESTORE_REQUESTED
    assert [r["id"] for r in (await api.data(mine, as_=w.users["hq_hr"]))["myApprovals"]] == [
        waiting["id"]
    ]
    second = await api.data(decide, {"id": waiting["id"], "c": "restore"}, as_=w.users["hq_hr"])
    assert second["decideApproval"]["approvalRequest"] == {"status": "APPROVED"}
    assert (await PaySuspension.get(id=suspension.id)).status is SuspensionStatus.RESTORED
    data = await api.data(SUSPENSIONS, as_=w.users["hq_hr"])
    decisions = data["paySuspensions"][0]["restoreRequests"][0]["decisions"]
    assert [(d["step"], d["approver"]["username"]) for d in decisions] == [
        ("BRANCH_HEAD", "sh_head"),
        ("HQ_HR", "hq_hr"),
    ]


async def test_a_branch_head_whose_own_pay_it_restores_does_not_approve_it(
    api: Api, perf: Perf, branch_head
) -> None:  # type: ignore[no-untyped-def]
    """The whole Shanghai branch suspended: its head would restore their own performance pay,
    so the head's stage goes to HQ HR (docs/architecture.md, "Self-dealing")."""
    w = perf.world
    await _suspend(perf, threshold="20", periods=1)
    await PaySuspension.filter(unit_id=w.units["SH-SALES"].id).update(unit_id=w.units["SH"].id)
    (suspension,) = await PaySuspension.all()
    asked = await api.data(REQUEST, {"s": gid(suspension)}, as_=w.users["branch_hr"])
    restore_id = asked["requestPayRestore"]["request"]["id"]
    mine = "query { myApprovals { subjectId stage } }"
    assert (await api.data(mine, as_=branch_head))["myApprovals"] == []
    assert (await api.data(mine, as_=w.users["hq_hr"]))["myApprovals"] == [
        {"subjectId": restore_id, "stage": 0}
    ]
    refused = await api.data(DECIDE, {"r": restore_id, "a": True}, as_=branch_head)
    assert refused["decidePayRestore"]["errors"][0]["code"] in ("FORBIDDEN", "NOT_FOUND")
    assert (await PaySuspension.get(id=suspension.id)).status is SuspensionStatus.RESTORE_REQUESTED


async def test_whether_one_may_ask_to_restore_costs_the_same_for_one_and_three_suspensions(
    api: Api, perf: Perf
) -> None:
    """`canRequestRestore` reads each suspension's unit through the request's loader."""
    query = "{ paySuspensions { canRequestRestore unit { name } } }"
    w = perf.world

    async def count() -> tuple[int, list[bool]]:
        await api.data(query, as_=w.users["hq_hr"])  # warm
        with StatementCounter() as counter:
            data = await api.data(query, as_=w.users["hq_hr"])
        return counter.count, [s["canRequestRestore"] for s in data["paySuspensions"]]

    await _suspend(perf)
    one, asked = await count()
    assert asked == [True]
    for unit in ("SH-PROD", "BJ-SALES"):
        await PaySuspension.create(
            unit=w.units[unit],
            reason="short",
            suspended_from=date(2026, 1, 1),
            condition_kind=ConditionKind.UNIT_TOTAL,
            condition_kpi=perf.nc,
            condition_threshold=Decimal("1"),
            condition_periods=1,
        )
    three, asked = await count()
    assert asked == [True, True, True]
    assert three == one


async def test_the_streak_counts_the_condition_kpis_own_periods(api: Api, perf: Perf) -> None:
    """A condition on a quarterly KPI counts quarters, and says so (the SPA words the streak
    by `periodType`, not always in months) — on the progress and in the evidence kept."""
    w = perf.world
    quarterly = await Kpi.create(
        code="QNC", name="季度新客户数", unit=KpiUnit.COUNT, period_type=PeriodType.QUARTER
    )
    for quarter, value in ((date(2026, 1, 1), "30"), (date(2026, 4, 1), "35")):
        await record(quarterly, w.people["sh_rep"], quarter, value)
    suspension = await PaySuspension.create(
        unit=w.units["SH-SALES"],
        reason="new customers short",
        suspended_from=date(2026, 1, 1),
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=quarterly,
        condition_threshold=Decimal(20),
        condition_periods=2,
    )
    data = await api.data(SUSPENSIONS, as_=w.users["branch_hr"])
    (progress,) = [s["progress"] for s in data["paySuspensions"] if s["id"] == gid(suspension)]
    assert (progress["periodType"], progress["streak"], progress["required"]) == ("QUARTER", 2, 2)
    assert len(progress["periods"]) == 2  # two quarters, not six months
    kept = pay.evidence_json(await pay.progress(suspension))
    assert kept["periodType"] == "quarter"
    assert RestoreEvidence.of(kept).period_type is PeriodType.QUARTER
    # evidence kept before the period type was: months, as it was then read
    assert RestoreEvidence.of({"streak": 2}).period_type is PeriodType.MONTH
