"""The restore decision happens where it is read (issue 21 point 1): the boss asks with one
click, a met condition opens the request by itself, and every approver decides on the same
evidence — the condition's months, the measured effect with its interval, ROI and
conservative ROI, and the report's date."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from talentloop.analytics.models import KpiValuation
from talentloop.approvals.service import china_today
from talentloop.audit.models import AuditEntry
from talentloop.graphql.ids import to_global_id
from talentloop.people.models import Employee
from talentloop.performance import pay
from talentloop.performance.models import (
    ConditionKind,
    PaySuspension,
    PerformanceRecord,
    RestoreDecision,
    RestoreRequest,
    SuspensionStatus,
)
from tests.analytics.conftest import Study, control_value, study, trained_value  # noqa: F401
from tests.support import Api, gid

JUN = date(2026, 6, 1)
EVIDENCE = """evidence {
  description conditionMet streak required threshold latestValue asOf lastPeriod
  openedAutomatically periods { label value met }
  effects { courseCode courseTitle scope postFrom postTo effect ciLow ciHigh nTreated nControl
            conclusive roiPercent conservativeRoiPercent bcr }
}"""
ASK = (
    """mutation($s: ID!) {
  requestPayRestore(input: {suspensionId: $s}) {
    request { id status currentStep restoreFrom requestedBy { username } """
    + EVIDENCE
    + """ }
    errors { field code }
  }
}"""
)
MINE = """{ myApprovals { id requestType subjectId canDecide restoreEvidence {
  streak required asOf effects { courseCode effect ciLow ciHigh roiPercent conservativeRoiPercent }
} } }"""
DECIDE = """mutation($id: ID!) {
  decideApproval(id: $id, approve: true, comment: "evidence holds") {
    approvalRequest { status } errors { code }
  }
}"""
RECORD = """mutation($e: ID!, $k: ID!, $v: Decimal!) {
  recordPerformance(input: {employeeId: $e, kpiId: $k, period: "2026-06-01", value: $v}) {
    errors { code }
  }
}"""


async def _june(study: Study) -> None:  # noqa: F811
    """June like May: the trained keep their gain, the comparison group its level."""
    rows = [
        PerformanceRecord(
            kpi=study.kpi,
            employee_id=e,
            period=JUN,
            value=Decimal(trained_value(i, date(2026, 5, 1))),
        )
        for i, e in enumerate(study.trained)
    ] + [
        PerformanceRecord(
            kpi=study.kpi,
            employee_id=e,
            period=JUN,
            value=Decimal(control_value(j, date(2026, 5, 1))),
        )
        for j, e in enumerate(study.control)
    ]
    await PerformanceRecord.bulk_create(rows)


async def _suspend(study: Study, threshold: str) -> PaySuspension:  # noqa: F811
    """Shanghai sales (the trained reps' department): new customers ≥ threshold for a month."""
    await KpiValuation.create(kpi=study.kpi, value_per_unit=Decimal(2000))
    return await PaySuspension.create(
        unit=study.world.units["SH-SALES"],
        reason="new customers short",
        suspended_from=date(2026, 1, 1),
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=study.kpi,
        condition_threshold=Decimal(threshold),
        condition_periods=1,
    )


async def test_the_boss_asks_with_one_click_and_the_evidence_carries_the_report(
    api: Api,
    study: Study,  # noqa: F811
) -> None:
    await _june(study)
    suspension = await _suspend(study, "50")
    w = study.world
    asked = await api.data(ASK, {"s": gid(suspension)}, as_=w.users["executive"])
    assert asked["requestPayRestore"]["errors"] == []
    request = asked["requestPayRestore"]["request"]
    # one click: pay comes back from the first month after the met streak
    assert (request["status"], request["currentStep"], request["restoreFrom"]) == (
        "PENDING",
        "BRANCH_HEAD",
        "2026-07-01",
    )
    assert request["requestedBy"]["username"] == "executive"
    evidence = request["evidence"]
    assert (evidence["streak"], evidence["required"], evidence["conditionMet"]) == (3, 1, True)
    assert [p["label"] for p in evidence["periods"] if p["met"]] == [
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert evidence["asOf"] == china_today().isoformat()
    assert evidence["lastPeriod"] == "2026-06-01"
    assert evidence["openedAutomatically"] is False
    (effect,) = evidence["effects"]
    assert (effect["courseCode"], effect["scope"]) == ("PK", "SH unit")
    assert (effect["postFrom"], effect["postTo"]) == ("2026-04-01", "2026-06-01")
    assert effect["conclusive"] is True
    assert effect["ciLow"] < effect["effect"] < effect["ciHigh"]
    assert effect["ciLow"] > 0
    # ROI % = (benefit − cost) / cost × 100, the conservative one from the interval's low end
    benefit = Decimal(str(effect["effect"])) * 12 * 6 * 2000
    expected = (benefit - 12000) / 12000 * 100
    assert abs(Decimal(effect["roiPercent"]) - expected) < 1
    assert Decimal(effect["conservativeRoiPercent"]) < Decimal(effect["roiPercent"])
    stored = await RestoreRequest.get(suspension_id=suspension.id)
    assert stored.evidence["effects"][0]["roiPercent"] == effect["roiPercent"]
    # The condition is kept in English and read in each reader's language.
    assert stored.evidence["description"] == "SH-SALES unit 新客户数 ≥ 50, 1 period"
    assert evidence["description"] == stored.evidence["description"]  # the client reads English
    api.http.headers["Accept-Language"] = "zh-CN"
    again = await api.data(
        "query($id: ID!) { node(id: $id) { ... on RestoreRequest { " + EVIDENCE + " } } }",
        {"id": request["id"]},
        as_=w.users["executive"],
    )
    assert again["node"]["evidence"]["description"] == "SH-SALES unit 新客户数 ≥ 50，1 个周期"


async def test_branch_hr_still_asks_and_others_do_not(
    api: Api,
    study: Study,  # noqa: F811
) -> None:
    await _june(study)
    suspension = await _suspend(study, "50")
    w = study.world
    for who in ("manager", "employee", "admin"):
        denied = await api.data(ASK, {"s": gid(suspension)}, as_=w.users[who])
        assert denied["requestPayRestore"]["request"] is None, who
    # Beijing's HR does not see Shanghai's suspension: answered as a missing one
    hidden = await api.data(ASK, {"s": gid(suspension)}, as_=w.users["bj_hr"])
    missing = await api.data(
        ASK, {"s": to_global_id("PaySuspension", suspension.id + 99)}, as_=w.users["bj_hr"]
    )
    assert hidden["requestPayRestore"]["errors"][0]["code"] == "NOT_FOUND"
    assert (
        hidden["requestPayRestore"]["errors"][0]["code"]
        == (missing["requestPayRestore"]["errors"][0]["code"])
    )
    asked = await api.data(ASK, {"s": gid(suspension)}, as_=w.users["branch_hr"])
    assert asked["requestPayRestore"]["errors"] == []
    again = await api.data(ASK, {"s": gid(suspension)}, as_=w.users["executive"])
    assert again["requestPayRestore"]["errors"][0]["code"] == "CONFLICT"
    assert await RestoreRequest.filter(suspension_id=suspension.id).count() == 1


async def test_every_approver_decides_on_the_evidence_and_it_stays_with_the_decision(
    api: Api,
    study: Study,  # noqa: F811
    branch_head,  # type: ignore[no-untyped-def]
) -> None:
    await _june(study)
    suspension = await _suspend(study, "50")
    w = study.world
    asked = await api.data(ASK, {"s": gid(suspension)}, as_=w.users["executive"])
    restore_id = asked["requestPayRestore"]["request"]["id"]
    # the requester has no task on it
    assert (await api.data(MINE, as_=w.users["executive"]))["myApprovals"] == []
    (card,) = (await api.data(MINE, as_=branch_head))["myApprovals"]
    assert (card["requestType"], card["subjectId"], card["canDecide"]) == (
        "PAY_RESTORE",
        restore_id,
        True,
    )
    shown = card["restoreEvidence"]
    assert (shown["streak"], shown["required"]) == (3, 1)
    assert shown["effects"][0]["courseCode"] == "PK"
    assert shown["effects"][0]["roiPercent"] is not None
    assert shown["effects"][0]["conservativeRoiPercent"] is not None
    first = await api.data(DECIDE, {"id": card["id"]}, as_=branch_head)
    assert first["decideApproval"]["approvalRequest"] == {"status": "PENDING"}
    (hq_card,) = (await api.data(MINE, as_=w.users["hq_hr"]))["myApprovals"]
    assert hq_card["restoreEvidence"] == shown
    second = await api.data(DECIDE, {"id": hq_card["id"]}, as_=w.users["hq_hr"])
    assert second["decideApproval"]["approvalRequest"] == {"status": "APPROVED"}
    assert (await PaySuspension.get(id=suspension.id)).status is SuspensionStatus.RESTORED
    after = await api.data(
        "query($s: ID!) { node(id: $s) { ... on PaySuspension { restoreRequests { status "
        + EVIDENCE
        + " } } } }",
        {"s": gid(suspension)},
        as_=w.users["executive"],
    )
    (decided,) = after["node"]["restoreRequests"]
    assert decided["status"] == "APPROVED"
    assert decided["evidence"]["effects"][0]["roiPercent"] == shown["effects"][0]["roiPercent"]


async def test_a_met_month_opens_the_request_by_itself_once(
    api: Api,
    study: Study,  # noqa: F811
    branch_head,  # type: ignore[no-untyped-def]
) -> None:
    """May's 90 new customers miss 95; June's results, as they are recorded, reach it: the
    request opens by itself, filed for Shanghai's HR, and never twice."""
    suspension = await _suspend(study, "95")
    w = study.world
    assert await pay.open_due_restores() == 0  # not met yet
    for i, e in enumerate(study.trained):
        value = trained_value(i, date(2026, 5, 1)) + 1
        done = await api.data(
            RECORD,
            {"e": to_global_id("Employee", e), "k": gid(study.kpi), "v": str(value)},
            as_=w.users["branch_hr"],
        )
        assert done["recordPerformance"]["errors"] == []
    (request,) = await RestoreRequest.filter(suspension_id=suspension.id)
    assert request.restore_from == date(2026, 7, 1)
    assert request.requested_by_id == w.users["branch_hr"].id
    assert request.evidence["openedAutomatically"] is True
    assert request.evidence["conditionMet"] is True
    assert (await PaySuspension.get(id=suspension.id)).status is (
        SuspensionStatus.RESTORE_REQUESTED
    )
    assert await pay.open_due_restores() == 0
    # audited: by the system, for the HR it is filed for
    entry = await AuditEntry.get(subject_type="RestoreRequest", subject_id=request.id)
    assert entry.actor_username == "system"
    assert entry.after["openedAutomatically"] is True
    assert entry.after["requestedById"] == w.users["branch_hr"].id
    # the HR it is filed for cannot approve it; the branch head can
    assert (await api.data(MINE, as_=w.users["branch_hr"]))["myApprovals"] == []
    (card,) = (await api.data(MINE, as_=branch_head))["myApprovals"]
    assert card["subjectId"] == gid(request)


async def test_after_a_rejection_the_same_streak_does_not_reopen(
    api: Api,
    study: Study,  # noqa: F811
    branch_head,  # type: ignore[no-untyped-def]
) -> None:
    await _june(study)
    suspension = await _suspend(study, "50")
    assert await pay.open_due_restores() == 1
    (card,) = (await api.data(MINE, as_=branch_head))["myApprovals"]
    rejected = await api.data(
        'mutation($id: ID!) { decideApproval(id: $id, approve: false, comment: "wait") '
        "{ approvalRequest { status } errors { code } } }",
        {"id": card["id"]},
        as_=branch_head,
    )
    assert rejected["decideApproval"]["approvalRequest"] == {"status": "REJECTED"}
    assert (await PaySuspension.get(id=suspension.id)).status is SuspensionStatus.SUSPENDED
    assert await pay.open_due_restores() == 0
    assert await RestoreRequest.filter(suspension_id=suspension.id).count() == 1


async def test_the_requester_cannot_approve_their_own(
    api: Api,
    study: Study,  # noqa: F811
    branch_head,  # type: ignore[no-untyped-def]
) -> None:
    """HQ HR asks: HQ HR's own stage is never theirs — no task, the old mutation refuses — and
    the restore is decided by someone else."""
    await _june(study)
    suspension = await _suspend(study, "50")
    w = study.world
    asked = await api.data(ASK, {"s": gid(suspension)}, as_=w.users["hq_hr"])
    restore_id = asked["requestPayRestore"]["request"]["id"]
    own = """mutation($r: ID!) { decidePayRestore(input: {requestId: $r, approve: true})
      { request { status } errors { code } } }"""
    refused = await api.data(own, {"r": restore_id}, as_=w.users["hq_hr"])
    assert refused["decidePayRestore"]["errors"][0]["code"] == "FORBIDDEN"
    assert (await api.data(MINE, as_=w.users["hq_hr"]))["myApprovals"] == []
    (card,) = (await api.data(MINE, as_=branch_head))["myApprovals"]
    await api.data(DECIDE, {"id": card["id"]}, as_=branch_head)
    assert (await api.data(MINE, as_=w.users["hq_hr"]))["myApprovals"] == []
    approvers = await RestoreDecision.filter(request__suspension_id=suspension.id).values_list(
        "approver_id", flat=True
    )
    assert approvers and w.users["hq_hr"].id not in approvers


async def test_no_measured_effect_says_so(
    api: Api,
    study: Study,  # noqa: F811
) -> None:
    """Nobody in the unit completed a course: the evidence has the progress and no effect."""
    await _june(study)
    w = study.world
    for person in ("sh_sales_head", "sh_rep"):
        await PerformanceRecord.create(
            kpi=study.kpi, employee=w.people[person], period=JUN, value=Decimal(30)
        )
    suspension = await PaySuspension.create(
        unit=w.units["SH-PROD"],
        reason="output short",
        suspended_from=date(2026, 1, 1),
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=study.kpi,
        condition_threshold=Decimal(1),
    )
    await PerformanceRecord.create(
        kpi=study.kpi, employee=w.people["sh_worker"], period=JUN, value=Decimal(3)
    )
    asked = await api.data(ASK, {"s": gid(suspension)}, as_=w.users["executive"])
    evidence = asked["requestPayRestore"]["request"]["evidence"]
    assert evidence["conditionMet"] is True
    assert evidence["effects"] == []
    assert evidence["lastPeriod"] == "2026-06-01"


async def test_an_imported_month_that_meets_the_condition_opens_the_request_once(
    api: Api,
    study: Study,  # noqa: F811
) -> None:
    suspension = await _suspend(study, "95")
    w = study.world
    lines = ["employee_number,kpi_code,period,value"]
    for i, e in enumerate(study.trained):
        number = (await Employee.get(id=e)).employee_number
        lines.append(f"{number},NC,2026-06,{trained_value(i, date(2026, 5, 1)) + 1}")
    content = base64.b64encode(("\n".join(lines) + "\n").encode()).decode()
    mutation = """mutation($c: String!) { importData(input: {kind: KPI_RECORDS,
      fileName: "june.csv", contentBase64: $c, dryRun: false}) { job { status } errors { code } } }"""
    for _ in range(2):  # the same file again: nothing new, no second request
        done = await api.data(mutation, {"c": content}, as_=w.users["hq_hr"])
        assert done["importData"]["job"] == {"status": "DONE"}
    (request,) = await RestoreRequest.filter(suspension_id=suspension.id)
    assert (request.restore_from, request.requested_by_id) == (
        date(2026, 7, 1),
        w.users["branch_hr"].id,
    )
    assert request.evidence["openedAutomatically"] is True
    assert request.evidence["streak"] == 1
