"""An approval card carries its context (issue 21 point 5): a leave request its reason, the
balance after it and who else in the team is away; a requisition its reason; a payroll run its
totals against last month; an enrolment its cost and the budget left — a page of cards in a
fixed number of statements, and what the viewer may not read elsewhere missing here too."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

from talentloop.access.viewer import viewer_for_user
from talentloop.approvals import service as approvals
from talentloop.approvals.models import ApprovalRequest, RequestType
from talentloop.attendance.models import LeaveOpeningBalance, LeaveRequest, LeaveStatus, LeaveType
from talentloop.payroll import staleness
from talentloop.payroll.models import PayrollRun, PayrollRunStaleReason, RunStatus
from talentloop.recruitment.models import Requisition
from talentloop.training.models import (
    Course,
    CourseFormat,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    TrainingPlan,
)
from tests.support import Api, StatementCounter, World, add_person, gid

LEAVE = """
leaveContext { leaveType startDate endDate days reason unitName year balanceBefore balanceAfter
               teamAbsences { employeeName startDate endDate pending } }
"""
PAYROLL = """
payrollContext {
  unitName currency deltaHeadcount deltaGross deltaNet deltaEmployerCost outOfDate earlierOpenMonth
  current { month headcount gross net tax employerContributions employerCost }
  previous { month headcount gross net tax employerContributions employerCost }
}
"""
ENROLMENT = """
enrolmentContext { learnerName courseCode courseTitle cost planTitle budgetTotal budgetSpent
                   budgetLeft budgetLeftAfter currency }
"""
REQUISITION = "requisitionContext { reason headcount positionTitle unitName budget currency }"
NODE = "query ($id: ID!) { node(id: $id) { ... on ApprovalRequest { %s } } }"
REQUEST_LEAVE = """
mutation ($input: RequestLeaveInput!) {
  requestLeave(input: $input) { leaveRequest { id } errors { field code message } }
}
"""


async def _context(api: Api, w: World, user: str, request: ApprovalRequest, part: str) -> Any:
    data = await api.data(NODE % part, {"id": gid(request)}, as_=w.users[user])
    assert data["node"] is not None
    return data["node"]


async def _leave(w: World, person: str, start: date, end: date, days: int, **kw: Any) -> None:
    await LeaveRequest.create(
        employee=w.people[person],
        leave_type=kw.pop("leave_type", LeaveType.ANNUAL),
        start_date=start,
        end_date=end,
        days=days,
        status=kw.pop("status", LeaveStatus.APPROVED),
        **kw,
    )


async def test_a_managers_leave_card_shows_the_reason_the_balance_after_and_who_is_away(
    api: Api, world: World
) -> None:
    w = world
    await add_person(w, "sh_rep3", "SH-SALES-1", "sh_sales_head")
    # sh_rep took a day of annual leave already (5 a year after six years' work).
    await _leave(w, "sh_rep", date(2026, 2, 2), date(2026, 2, 2), 1)
    # Two teammates away on some of the days, one approved, one waiting; a teammate away on
    # other days and someone of another team away on the same days are not listed.
    await _leave(w, "sh_rep2", date(2026, 3, 10), date(2026, 3, 13), 4)
    await _leave(w, "sh_rep3", date(2026, 3, 6), date(2026, 3, 9), 2, status=LeaveStatus.PENDING)
    await _leave(w, "sh_rep3", date(2026, 3, 16), date(2026, 3, 16), 1)
    await _leave(w, "sh_worker", date(2026, 3, 9), date(2026, 3, 11), 3)
    asked = await api.data(
        REQUEST_LEAVE,
        {
            "input": {
                "leaveType": "ANNUAL",
                "startDate": "2026-03-09",
                "endDate": "2026-03-11",
                "reason": "回老家办事",
            }
        },
        as_=w.users["employee"],
    )
    assert asked["requestLeave"]["errors"] == []

    data = await api.data(
        "query { myApprovals { requestType " + LEAVE + " } }", as_=w.users["manager"]
    )
    [card] = data["myApprovals"]
    assert card["leaveContext"] == {
        "leaveType": "ANNUAL",
        "startDate": "2026-03-09",
        "endDate": "2026-03-11",
        "days": 3,
        "reason": "回老家办事",
        "unitName": "SH-SALES-1 unit",
        "year": 2026,
        "balanceBefore": 4,
        "balanceAfter": 1,
        "teamAbsences": [
            {
                "employeeName": "sh_rep3 name",
                "startDate": "2026-03-06",
                "endDate": "2026-03-09",
                "pending": True,
            },
            {
                "employeeName": "sh_rep2 name",
                "startDate": "2026-03-10",
                "endDate": "2026-03-13",
                "pending": False,
            },
        ],
    }
    # The requester reads their own balance, not their teammates' leave (no WORK on them).
    request = await ApprovalRequest.get(request_type=RequestType.LEAVE)
    own = (await _context(api, w, "employee", request, LEAVE))["leaveContext"]
    assert (own["reason"], own["balanceAfter"], own["teamAbsences"]) == ("回老家办事", 1, [])
    # Another leave type has no yearly allowance: no balance, the rest as for annual leave.
    sick = await LeaveRequest.create(
        employee=w.people["sh_rep2"],
        leave_type=LeaveType.SICK,
        start_date=date(2026, 3, 9),
        end_date=date(2026, 3, 9),
        days=1,
        reason="发烧",
    )
    viewer = await viewer_for_user(w.users["hq_hr"])
    on_sick = await approvals.submit(
        viewer, RequestType.LEAVE, sick.id, unit=w.units["SH-SALES-1"],
        employee_id=w.people["sh_rep2"].id, title="病假", days=1,
    )  # fmt: skip
    read = (await _context(api, w, "hq_hr", on_sick, LEAVE))["leaveContext"]
    assert (read["reason"], read["balanceBefore"], read["balanceAfter"]) == ("发烧", None, None)
    assert [a["employeeName"] for a in read["teamAbsences"]] == ["sh_rep3 name", "sh_rep name"]


async def _run(w: World, unit: str, month: date, gross: str, net: str, heads: int) -> PayrollRun:
    return await PayrollRun.create(
        unit=w.units[unit],
        month=month,
        status=RunStatus.APPROVED,
        headcount=heads,
        gross=D(gross),
        net=D(net),
        tax=D("300.00"),
        employer_contributions=D("2000.00"),
    )


async def _submit_run(w: World, run: PayrollRun) -> ApprovalRequest:
    await PayrollRun.filter(id=run.id).update(status=RunStatus.REVIEW)
    viewer = await viewer_for_user(w.users["branch_hr"])
    unit = next(u for u in w.units.values() if u.id == run.unit_id)
    return await approvals.submit(
        viewer, RequestType.PAYROLL_RUN, run.id, unit=unit,
        employee_id=None, title=f"run {run.id}", amount=run.gross,
    )  # fmt: skip


async def test_hq_hrs_payroll_card_shows_the_totals_against_last_month_or_none(
    api: Api, world: World
) -> None:
    w = world
    await _run(w, "SH-SALES", date(2026, 1, 1), "20000.00", "15000.00", 3)
    # Another unit's January is not SH-SALES's month before.
    await _run(w, "SH-PROD", date(2026, 1, 1), "99999.00", "88888.00", 9)
    february = await _submit_run(
        w, await _run(w, "SH-SALES", date(2026, 2, 1), "26000.50", "19000.25", 4)
    )
    first = await _submit_run(
        w, await _run(w, "BJ-SALES", date(2026, 2, 1), "7000.00", "6000.00", 1)
    )

    data = await api.data(
        "query { myApprovals { requestType title " + PAYROLL + " } }", as_=w.users["hq_hr"]
    )
    cards = {c["title"]: c["payrollContext"] for c in data["myApprovals"]}
    assert cards[february.title] == {
        "unitName": "SH-SALES unit",
        "currency": "CNY",
        "current": {
            "month": "2026-02-01",
            "headcount": 4,
            "gross": "26000.50",
            "net": "19000.25",
            "tax": "300.00",
            "employerContributions": "2000.00",
            "employerCost": "28000.50",
        },
        "previous": {
            "month": "2026-01-01",
            "headcount": 3,
            "gross": "20000.00",
            "net": "15000.00",
            "tax": "300.00",
            "employerContributions": "2000.00",
            "employerCost": "22000.00",
        },
        "deltaHeadcount": 1,
        "deltaGross": "6000.50",
        "deltaNet": "4000.25",
        "deltaEmployerCost": "6000.50",
        "outOfDate": False,
        "earlierOpenMonth": None,
    }
    none_before = cards[first.title]
    assert none_before["previous"] is None
    assert none_before["current"]["gross"] == "7000.00"
    assert [none_before[k] for k in ("deltaHeadcount", "deltaGross", "deltaNet")] == [None] * 3
    # Other request types carry no payroll context, and a payroll run no other.
    read = await _context(api, w, "hq_hr", february, f"{LEAVE} {ENROLMENT} {REQUISITION}")
    assert read == {"leaveContext": None, "enrolmentContext": None, "requisitionContext": None}


async def test_a_payroll_card_says_what_would_refuse_the_approval_before_it_is_decided(
    api: Api, world: World
) -> None:
    """An approval of a run out of date, or of a month whose earlier month of the same unit is
    still open, is refused (payroll/runs.refuse_unapprovable): the card tells the approver so
    beforehand, as typed fields the SPA words in the reader's language."""
    w = world
    january = await _run(w, "SH-SALES", date(2026, 1, 1), "20000.00", "15000.00", 3)
    await PayrollRun.filter(id=january.id).update(status=RunStatus.DRAFT)
    february = await _submit_run(
        w, await _run(w, "SH-SALES", date(2026, 2, 1), "26000.50", "19000.25", 4)
    )
    beijing = await _run(w, "BJ-SALES", date(2026, 2, 1), "7000.00", "6000.00", 1)
    stale = await _submit_run(w, beijing)
    await PayrollRunStaleReason.create(
        run=beijing, message=staleness.SALARY, params={"name": "bj_rep", "month": "2026-02"}
    )
    fresh = await _submit_run(
        w, await _run(w, "SH-PROD", date(2026, 2, 1), "5000.00", "4000.00", 1)
    )

    data = await api.data("query { myApprovals { title " + PAYROLL + " } }", as_=w.users["hq_hr"])
    cards = {c["title"]: c["payrollContext"] for c in data["myApprovals"]}
    read = {t: (cards[t]["outOfDate"], cards[t]["earlierOpenMonth"]) for t in cards}
    assert read == {
        february.title: (False, "2026-01-01"),
        stale.title: (True, None),
        fresh.title: (False, None),
    }


async def _enrolment(w: World, person: str, course: Course, **kw: Any) -> Enrollment:
    return await Enrollment.create(
        course=course,
        employee=w.people[person],
        status=kw.pop("status", EnrollmentStatus.PENDING),
        source=EnrollmentSource.HR,
        enrolled_at=kw.pop("enrolled_at", datetime(2026, 3, 2, 2, 0, tzinfo=UTC)),
        **kw,
    )


async def _submit_enrolment(w: World, e: Enrollment, cost: str) -> ApprovalRequest:
    viewer = await viewer_for_user(w.users["branch_hr"])
    employee = next(p for p in w.people.values() if p.id == e.employee_id)
    unit = next(u for u in w.units.values() if u.id == employee.unit_id)
    return await approvals.submit(
        viewer, RequestType.TRAINING_ENROLMENT, e.id, unit=unit,
        employee_id=employee.id, title=f"enrolment {e.id}", amount=D(cost),
    )  # fmt: skip


async def test_an_enrolment_card_shows_its_cost_and_the_budget_left(api: Api, world: World) -> None:
    w = world
    course = await Course.create(
        code="NEG-1", title="谈判技巧", format=CourseFormat.WORKSHOP, duration_hours=D(8)
    )
    await TrainingPlan.create(unit=w.units["SH"], year=2026, title="上海 2026", budget=D(10000))
    await TrainingPlan.create(unit=w.units["SH"], year=2025, title="上海 2025", budget=D(500))
    await TrainingPlan.create(unit=w.units["BJ"], year=2026, title="北京 2026", budget=D(900))
    # Spent in Shanghai this year: a completed course that cost 2,000; Beijing's and last
    # year's do not count, nor does a cancelled one.
    await _enrolment(w, "sh_worker", course, status=EnrollmentStatus.COMPLETED, actual_cost=D(2000))
    await _enrolment(w, "bj_rep", course, status=EnrollmentStatus.COMPLETED, actual_cost=D(700))
    await _enrolment(
        w, "sh_rep2", course, status=EnrollmentStatus.COMPLETED, actual_cost=D(300),
        enrolled_at=datetime(2025, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    await _enrolment(w, "sh_rep2", course, status=EnrollmentStatus.CANCELLED, actual_cost=D(50))
    request = await _submit_enrolment(w, await _enrolment(w, "sh_rep", course), "1500.00")

    read = (await _context(api, w, "branch_hr", request, ENROLMENT))["enrolmentContext"]
    assert read == {
        "learnerName": "sh_rep name",
        "courseCode": "NEG-1",
        "courseTitle": "谈判技巧",
        "cost": "1500.00",
        "planTitle": "上海 2026",
        "budgetTotal": "10000.00",
        "budgetSpent": "2000.00",
        "budgetLeft": "8000.00",
        "budgetLeftAfter": "6500.00",
        "currency": "CNY",
    }
    # The learner reads their own request and its cost, not the plan's budget.
    own = (await _context(api, w, "employee", request, ENROLMENT))["enrolmentContext"]
    assert own["cost"] == "1500.00"
    assert [own[k] for k in ("planTitle", "budgetTotal", "budgetLeft", "budgetLeftAfter")] == [
        None
    ] * 4


async def _requisition(w: World, reason: str) -> ApprovalRequest:
    requisition = await Requisition.create(
        unit=w.units["SH-SALES"],
        position=w.positions["REP"],
        headcount=2,
        budget=D("240000.00"),
        reason=reason,
    )
    viewer = await viewer_for_user(w.users["branch_hr"])
    return await approvals.submit(
        viewer, RequestType.REQUISITION, requisition.id, unit=w.units["SH-SALES"],
        employee_id=None, title="2 × Sales rep", amount=requisition.budget,
    )  # fmt: skip


async def test_a_requisition_card_shows_its_reason(api: Api, world: World) -> None:
    w = world
    request = await _requisition(w, "华东新客户增长，需要两名销售")
    read = (await _context(api, w, "hq_hr", request, REQUISITION))["requisitionContext"]
    assert read == {
        "reason": "华东新客户增长，需要两名销售",
        "headcount": 2,
        "positionTitle": "Sales rep",
        "unitName": "SH-SALES unit",
        "budget": "240000.00",
        "currency": "CNY",
    }


async def test_a_page_of_mixed_cards_costs_the_same_statements_for_4_and_12(
    api: Api, world: World
) -> None:
    w = world
    course = await Course.create(
        code="PK-1", title="产品知识", format=CourseFormat.ONLINE, duration_hours=D(4)
    )
    await TrainingPlan.create(unit=w.units["SH"], year=2026, title="上海 2026", budget=D(10000))
    hr = await viewer_for_user(w.users["branch_hr"])
    query = (
        f"query {{ myApprovalRequests {{ id title {LEAVE} {PAYROLL} {ENROLMENT} {REQUISITION} }} }}"
    )
    units = ["SH-SALES", "SH-PROD", "SH-HR"]
    counts = []
    for batch in range(3):
        person = ["sh_rep", "sh_rep2", "sh_worker"][batch]
        leave = await LeaveRequest.create(
            employee=w.people[person],
            leave_type=LeaveType.ANNUAL,
            start_date=date(2026, 3, 9 + batch),
            end_date=date(2026, 3, 9 + batch),
            days=1,
            reason=f"reason {batch}",
        )
        await approvals.submit(
            hr, RequestType.LEAVE, leave.id, unit=w.units["SH-SALES-1"],
            employee_id=w.people[person].id, title=f"leave {batch}", days=1,
        )  # fmt: skip
        await _run(w, units[batch], date(2026, 1, 1), "1000.00", "800.00", 1)
        await _submit_run(w, await _run(w, units[batch], date(2026, 2, 1), "1100.00", "900.00", 1))
        await _submit_enrolment(w, await _enrolment(w, person, course), "100.00")
        await _requisition(w, f"reason {batch}")
        body = await api.data(query, as_=w.users["branch_hr"])  # the same work, warm
        assert len(body["myApprovalRequests"]) == 4 * (batch + 1)
        with StatementCounter() as counter:
            await api.data(query, as_=w.users["branch_hr"])
        counts.append(counter.count)
    assert counts[0] == counts[2], counts


async def test_a_leave_card_counts_the_opening_balance_the_old_system_left(
    api: Api, world: World
) -> None:
    w = world
    # Imported at the switch (issue 22): 8 days entitled, 2 carried over, 3 taken before.
    await LeaveOpeningBalance.create(
        employee=w.people["sh_rep"],
        leave_type=LeaveType.ANNUAL,
        year=2026,
        entitled=8,
        carried_over=2,
        taken=3,
    )
    await _leave(w, "sh_rep", date(2026, 2, 2), date(2026, 2, 2), 1)
    asked = await api.data(
        REQUEST_LEAVE,
        {"input": {"leaveType": "ANNUAL", "startDate": "2026-03-09", "endDate": "2026-03-11"}},
        as_=w.users["employee"],
    )
    assert asked["requestLeave"]["errors"] == []
    data = await api.data(
        "query { myApprovals { requestType " + LEAVE + " } }", as_=w.users["manager"]
    )
    [card] = data["myApprovals"]
    # 8 + 2 − 3 − 1 = 6 before, 3 after.
    assert (card["leaveContext"]["balanceBefore"], card["leaveContext"]["balanceAfter"]) == (6, 3)
