"""The loop closes inside the API (issue 21, its first check; the browser walk is
`frontend/e2e/loop.test.mjs`): HQ HR suspends a department's performance pay, the manager
enrols a team member in a course that costs money, branch HR approves the enrolment and the
completion is recorded with its real date, the month's results meet the restore condition and
open the request by themselves, the branch head and HQ HR approve it on the evidence, the
department's open payroll run is then out of date, and recomputed it pays the performance pay.
Every step is a GraphQL call of the person who takes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentloop.analytics.models import KpiValuation
from talentloop.approvals.service import china_today
from talentloop.graphql.ids import pk_of, to_global_id
from talentloop.training.models import CostItem, CostKind, Course, CourseFormat
from tests.analytics.conftest import Study, study, trained_value  # noqa: F401
from tests.payroll.conftest import Pay, finish, pay  # noqa: F401
from tests.support import Api, gid

JUL = date(2026, 7, 1)

SUSPEND = """mutation($u: ID!, $k: ID!) { suspendPerformancePay(input: {unitId: $u,
  reason: "新客户数未达标", suspendedFrom: "2026-01-01", conditionKind: UNIT_TOTAL,
  conditionKpiId: $k, conditionThreshold: "95", conditionPeriods: 1}) {
  suspension { id status } errors { field code } } }"""
ENROL = """mutation($c: ID!, $e: ID!) { enrollInCourse(input: {courseId: $c, employeeId: $e}) {
  enrollment { id status } errors { field code } } }"""
MINE = """{ myApprovals { id requestType subjectId canDecide
  restoreEvidence { streak required conditionMet effects { courseCode roiPercent } } } }"""
DECIDE = """mutation($id: ID!) { decideApproval(id: $id, approve: true, comment: "ok") {
  approvalRequest { status } errors { code } } }"""
COMPLETE = """mutation($id: ID!, $on: Date!) { completeEnrollment(input: {id: $id, completedOn: $on,
  score: "86"}) { enrollment { status completedAt } errors { field code } } }"""
RECORD = """mutation($e: ID!, $k: ID!, $v: Decimal!) { recordPerformance(input: {employeeId: $e,
  kpiId: $k, period: "2026-06-01", value: $v}) { errors { code } } }"""
CREATE_RUN = """mutation($u: ID!) { createPayrollRun(input: {unitId: $u, month: "2026-07-01"}) {
  run { id } errors { code } } }"""
RECOMPUTE = """mutation($id: ID!) { recomputePayrollRun(id: $id) { run { id } errors { code } } }"""
RUN = """query($id: ID!) { payrollRun(id: $id) { status outOfDate outOfDateReasons
  changes { employee { id } before { performance } after { performance } }
  payslips { employee { id } lines { code section amount } } } }"""
SUSPENSION = """query($id: ID!) { node(id: $id) { ... on PaySuspension { status restoredFrom
  progress { conditionMet } restoreRequests { status restoreFrom
    evidence { conditionMet openedAutomatically effects { courseCode } } } } } }"""


def _pk(global_id: str) -> int:
    pk = pk_of(global_id, "PayrollRun")
    assert pk is not None
    return pk


def _performance(run: dict, employee: str) -> Decimal:
    (slip,) = [p for p in run["payslips"] if p["employee"]["id"] == employee]
    (line,) = [x for x in slip["lines"] if x["code"] == "performance"]
    return Decimal(line["amount"])


async def test_the_loop_from_a_suspension_to_the_performance_pay_paid_again(
    api: Api,
    study: Study,  # noqa: F811
    pay: Pay,  # noqa: F811
    branch_head,  # type: ignore[no-untyped-def]
) -> None:
    w = study.world
    rep = to_global_id("Employee", w.people["sh_rep"].id)
    await KpiValuation.create(kpi=study.kpi, value_per_unit=Decimal(2000))

    # HQ HR suspends Shanghai sales' performance pay until it wins 95 new customers a month.
    suspended = await api.data(
        SUSPEND, {"u": gid(w.units["SH-SALES"]), "k": gid(study.kpi)}, as_=w.users["hq_hr"]
    )
    assert suspended["suspendPerformancePay"]["errors"] == []
    suspension = suspended["suspendPerformancePay"]["suspension"]["id"]

    # The manager enrols a team member in the recommended course; it costs money, so branch HR
    # approves it, and the completion is recorded with its real date.
    course = await Course.create(
        code="NEG", title="《双赢谈判策略》", format=CourseFormat.ONLINE, duration_hours=Decimal(0)
    )
    await CostItem.create(course=course, kind=CostKind.FEE, amount=Decimal(600))
    enrolled = await api.data(ENROL, {"c": gid(course), "e": rep}, as_=w.users["manager"])
    assert enrolled["enrollInCourse"]["errors"] == []
    enrolment = enrolled["enrollInCourse"]["enrollment"]
    assert enrolment["status"] == "PENDING"
    (card,) = [
        c
        for c in (await api.data(MINE, as_=w.users["branch_hr"]))["myApprovals"]
        if c["subjectId"] == enrolment["id"]
    ]
    assert (await api.data(DECIDE, {"id": card["id"]}, as_=w.users["branch_hr"]))["decideApproval"][
        "approvalRequest"
    ] == {"status": "APPROVED"}
    today = china_today().isoformat()
    done = await api.data(COMPLETE, {"id": enrolment["id"], "on": today}, as_=w.users["branch_hr"])
    assert done["completeEnrollment"]["errors"] == []
    assert done["completeEnrollment"]["enrollment"]["status"] == "COMPLETED"

    # Branch HR computes July for the team: the performance pay is suspended.
    created = await api.data(
        CREATE_RUN, {"u": gid(w.units["SH-SALES-1"])}, as_=w.users["branch_hr"]
    )
    assert created["createPayrollRun"]["errors"] == []
    run_id = created["createPayrollRun"]["run"]["id"]
    await finish(_pk(run_id))
    before = (await api.data(RUN, {"id": run_id}, as_=w.users["branch_hr"]))["payrollRun"]
    assert before["outOfDate"] is False
    assert _performance(before, rep) == Decimal(0)

    # June's results, recorded as they come in: the last meets 95 and opens the request itself.
    for i, e in enumerate(study.trained):
        recorded = await api.data(
            RECORD,
            {
                "e": to_global_id("Employee", e),
                "k": gid(study.kpi),
                "v": str(trained_value(i, date(2026, 5, 1)) + 1),
            },
            as_=w.users["branch_hr"],
        )
        assert recorded["recordPerformance"]["errors"] == []
    shown = (await api.data(SUSPENSION, {"id": suspension}, as_=w.users["executive"]))["node"]
    assert (shown["status"], shown["progress"]["conditionMet"]) == ("RESTORE_REQUESTED", True)
    (request,) = shown["restoreRequests"]
    assert (request["status"], request["restoreFrom"]) == ("PENDING", "2026-07-01")
    assert request["evidence"]["openedAutomatically"] is True
    # the course completed before (measured) and the one just completed, both the unit's
    assert {x["courseCode"] for x in request["evidence"]["effects"]} == {"PK", "NEG"}

    # The branch head, then HQ HR, approve on the evidence.
    for approver in (branch_head, w.users["hq_hr"]):
        (card,) = [
            c
            for c in (await api.data(MINE, as_=approver))["myApprovals"]
            if c["requestType"] == "PAY_RESTORE"
        ]
        assert card["restoreEvidence"]["conditionMet"] is True
        assert card["restoreEvidence"]["effects"][0]["roiPercent"] is not None
        decided = await api.data(DECIDE, {"id": card["id"]}, as_=approver)
        assert decided["decideApproval"]["errors"] == []
    shown = (await api.data(SUSPENSION, {"id": suspension}, as_=w.users["executive"]))["node"]
    assert (shown["status"], shown["restoredFrom"]) == ("RESTORED", "2026-07-01")

    # July's run is out of date; recomputed, it pays the performance pay and says so.
    stale = (await api.data(RUN, {"id": run_id}, as_=w.users["branch_hr"]))["payrollRun"]
    assert stale["outOfDate"] is True
    assert stale["outOfDateReasons"][0].endswith("restored from 2026-07.")
    again = await api.data(RECOMPUTE, {"id": run_id}, as_=w.users["branch_hr"])
    assert again["recomputePayrollRun"]["errors"] == []
    await finish(_pk(run_id))
    after = (await api.data(RUN, {"id": run_id}, as_=w.users["branch_hr"]))["payrollRun"]
    assert after["outOfDate"] is False
    assert _performance(after, rep) == Decimal(800)  # 10 % of the rep's 8,000
    change = next(c for c in after["changes"] if c["employee"]["id"] == rep)
    assert (change["before"]["performance"], change["after"]["performance"]) == ("0.00", "800.00")
