"""Budgets from cost items, participation over time, and the whole loop end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from talentloop.training.costs import hourly_cost
from talentloop.training.models import (
    CostItem,
    CostKind,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
)
from tests.skills.conftest import started as start_attempt
from tests.support import Api, gid
from tests.training.conftest import Library

PLAN = """query { trainingPlans { title unit { code } budget { budget planned used remaining enrollments }
  items { course { code } plannedParticipants plannedCost } } }"""


async def _enrol(
    library: Library, person: str, course, session=None, status=EnrollmentStatus.ENROLLED, when=None
):  # type: ignore[no-untyped-def]
    return await Enrollment.create(
        course=course,
        session=session,
        employee=library.world.people[person],
        status=status,
        source=EnrollmentSource.HR,
        enrolled_at=when or datetime.now(UTC),
    )


async def test_budget_used_is_the_share_of_cost_items_of_the_units_learners(
    api: Api, library: Library
) -> None:
    """Session: trainer 10,000 (fixed) + fee 500 per participant; 4 participants, 2 from Shanghai,
    one more Shanghai learner cancelled (costs nothing). Shanghai's share: 2 × (10,000 / 4 + 500) = 6,000."""
    w, session = library.world, library.questions_session
    await CostItem.create(
        course=library.questions, session=session, kind=CostKind.TRAINER, amount=Decimal(10000)
    )
    await CostItem.create(
        course=library.questions,
        session=session,
        kind=CostKind.FEE,
        amount=Decimal(500),
        per_participant=True,
    )
    for person in ("sh_rep", "sh_rep2", "bj_rep", "bj_hr_person"):
        await _enrol(library, person, library.questions, session)
    await _enrol(
        library, "sh_worker", library.questions, session, status=EnrollmentStatus.CANCELLED
    )
    created = await api.data(
        """mutation($u: ID!, $y: Int!) { createTrainingPlan(input: {unitId: $u, year: $y, title: "上海 年度培训计划",
            budget: "50000"}) { plan { id } errors { code } } }""",
        {"u": gid(w.units["SH"]), "y": date.today().year},
        as_=w.users["branch_hr"],
    )
    plan_id = created["createTrainingPlan"]["plan"]["id"]
    await api.data(
        """mutation($p: ID!, $c: ID!) { addTrainingPlanItem(input: {planId: $p, courseId: $c, plannedParticipants: 10,
            plannedCost: "30000"}) { errors { code } } }""",
        {"p": plan_id, "c": gid(library.questions)},
        as_=w.users["branch_hr"],
    )
    data = await api.data(PLAN, as_=w.users["branch_hr"])
    assert data["trainingPlans"] == [
        {
            "title": "上海 年度培训计划",
            "unit": {"code": "SH"},
            "budget": {
                "budget": "50000.00",
                "planned": "30000.00",
                "used": "6000.00",
                "remaining": "44000.00",
                "enrollments": 2,
            },
            "items": [
                {"course": {"code": "Q1"}, "plannedParticipants": 10, "plannedCost": "30000.00"}
            ],
        }
    ]
    assert (await api.data(PLAN, as_=w.users["bj_hr"]))["trainingPlans"] == []
    # the Shanghai sales manager reads the branch plan that covers the team; an employee does not
    manager_view = await api.data(PLAN, as_=w.users["manager"])
    assert [p["title"] for p in manager_view["trainingPlans"]] == ["上海 年度培训计划"]
    assert (await api.data(PLAN, as_=w.users["employee"]))["trainingPlans"] == []
    cost = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Course { cost { fixed perParticipant participants cash participantsTimeCost fullyLoaded } } } }",
        {"id": gid(library.questions)},
        as_=w.users["hq_hr"],
    )
    # participants' time: 8 hours each at monthly base ÷ 21.75 ÷ 8
    bases = [w.people[p].base_salary for p in ("sh_rep", "sh_rep2", "bj_rep", "bj_hr_person")]
    time_cost = sum(Decimal(8) * hourly_cost(b) for b in bases).quantize(Decimal("0.01"))
    assert cost["node"]["cost"] == {
        "fixed": "10000.00",
        "perParticipant": "2000.00",
        "participants": 4,
        "cash": "12000.00",
        "participantsTimeCost": str(time_cost),
        "fullyLoaded": str(Decimal("12000.00") + time_cost),
    }
    hidden = await api.run(
        "query($id: ID!) { node(id: $id) { ... on Course { cost { cash } } } }",
        {"id": gid(library.questions)},
        as_=w.users["employee"],
    )
    assert hidden["data"]["node"]["cost"] is None
    assert hidden["errors"][0]["message"] == "Not permitted to read field 'cost'."


async def test_participation_and_completion_by_month(api: Api, library: Library) -> None:
    """Shanghai sales (3 people): one enrolled in January and completed in February, one enrolled
    in February, one never."""
    jan = datetime(2026, 1, 15, tzinfo=UTC)
    first = await _enrol(library, "sh_rep", library.knowledge, when=jan)
    first.status, first.completed_at = EnrollmentStatus.COMPLETED, jan + timedelta(days=20)
    await first.save()
    await _enrol(library, "sh_rep2", library.knowledge, when=jan + timedelta(days=30))
    await _enrol(library, "bj_rep", library.knowledge, when=jan)  # outside the group
    data = await api.data(
        """query($c: ID!, $u: ID!) { trainingParticipation(courseId: $c, unitId: $u, from: "2025-12-01", to: "2026-02-01") {
            label population participants completed participationRate completionRate } }""",
        {"c": gid(library.knowledge), "u": gid(library.world.units["SH-SALES"])},
        as_=library.world.users["manager"],
    )
    assert data["trainingParticipation"] == [
        {
            "label": "2025-12",
            "population": 3,
            "participants": 0,
            "completed": 0,
            "participationRate": "0.0",
            "completionRate": None,
        },
        {
            "label": "2026-01",
            "population": 3,
            "participants": 1,
            "completed": 0,
            "participationRate": "33.3",
            "completionRate": "0.0",
        },
        {
            "label": "2026-02",
            "population": 3,
            "participants": 2,
            "completed": 1,
            "participationRate": "66.7",
            "completionRate": "50.0",
        },
    ]


async def test_the_loop_from_a_kpi_breach_to_a_closed_gap(api: Api, library: Library, perf) -> None:  # type: ignore[no-untyped-def]
    """A rep misses the new-customer target twice → an assessment request → a 360° round →
    a product-knowledge gap → the recommended course → enrolment → exam passed → the gap closes."""
    from talentloop.performance.models import KpiTarget, PerformanceRecord
    from tests.skills.conftest import DEADLINE

    w, fw = library.world, library.fw
    rep = w.people["sh_rep"]
    await KpiTarget.create(
        kpi=perf.nc, period=date(2026, 2, 1), unit=w.units["SH-SALES-1"], value=Decimal(8)
    )
    await PerformanceRecord.create(
        kpi=perf.nc, employee=rep, period=date(2026, 2, 1), value=Decimal(3)
    )
    rule = await api.data(
        """mutation($k: ID!) { createTriggerRule(input: {name: "NC < 80% twice", kpiId: $k, thresholdPercent: "80", periods: 2}) {
            errors { code } } }""",
        {"k": gid(perf.nc)},
        as_=w.users["hq_hr"],
    )
    assert rule["createTriggerRule"]["errors"] == []
    todo = await api.data(
        "{ assessmentRequests(status: [OPEN]) { edges { node { id employee { name } } } } }",
        as_=w.users["manager"],
    )
    request = todo["assessmentRequests"]["edges"][0]["node"]
    assert request["employee"]["name"] == "sh_rep name"
    started = await api.data(
        """mutation($i: StartAssessmentRoundInput!) { startAssessmentRound(input: $i) { round { id } errors { code } } }""",
        {
            "i": {
                "employeeId": gid(rep),
                "title": "after the breach",
                "deadline": DEADLINE,
                "competencyIds": [gid(fw.pk), gid(fw.cna)],
                "requestId": request["id"],
                "includeSelf": False,
            }
        },
        as_=w.users["manager"],
    )
    round_id = started["startAssessmentRound"]["round"]["id"]
    task = (await api.data("{ myRaterTasks { id } }", as_=w.users["manager"]))["myRaterTasks"][0]
    await api.data(
        """mutation($t: ID!, $r: [RatingInput!]!) { submitRatings(input: {taskId: $t, ratings: $r}) { errors { code } } }""",
        {
            "t": task["id"],
            "r": [
                {"competencyId": gid(fw.pk), "level": 2},
                {"competencyId": gid(fw.cna), "level": 3},
            ],
        },
        as_=w.users["manager"],
    )
    await api.data(
        "mutation($id: ID!) { closeAssessmentRound(id: $id) { errors { code } } }",
        {"id": round_id},
        as_=w.users["manager"],
    )
    gaps = await api.data(
        "query($e: ID!) { employeeCompetencies(employeeId: $e) { competency { code } gap } }",
        {"e": gid(rep)},
        as_=w.users["employee"],
    )
    assert {g["competency"]["code"]: g["gap"] for g in gaps["employeeCompetencies"]} == {
        "CNA": "0.00",
        "PK": "3.00",
    }
    recommended = await api.data(
        "query($e: ID!) { recommendedCourses(employeeId: $e) { course { id code } } }",
        {"e": gid(rep)},
        as_=w.users["employee"],
    )
    assert recommended["recommendedCourses"][0]["course"]["code"] == "K1"
    enrolled = await api.data(
        "mutation($c: ID!) { enrollInCourse(input: {courseId: $c}) { enrollment { id } errors { code } } }",
        {"c": recommended["recommendedCourses"][0]["course"]["id"]},
        as_=w.users["employee"],
    )
    enrollment_id = enrolled["enrollInCourse"]["enrollment"]["id"]
    await api.data(
        "mutation($id: ID!) { recordLessonProgress(input: {enrollmentId: $id, lessonsDone: 2}) { errors { code } } }",
        {"id": enrollment_id},
        as_=w.users["employee"],
    )
    q1, q2, q3 = fw.questions
    await start_attempt(api, fw, w.users["employee"], [q1, q2, q3])
    done = await api.data(
        """mutation($id: ID!, $a: [ExamAnswerInput!]!) { takeCourseExam(input: {enrollmentId: $id, answers: $a}) {
            enrollment { status } errors { code } } }""",
        {
            "id": enrollment_id,
            "a": [
                {"questionId": gid(q1), "keys": ["A"]},
                {"questionId": gid(q2), "keys": ["A", "C"]},
                {"questionId": gid(q3), "keys": ["B"]},
            ],
        },
        as_=w.users["employee"],
    )
    assert done["takeCourseExam"]["enrollment"]["status"] == "COMPLETED"
    after = await api.data(
        "query($e: ID!) { employeeCompetencies(employeeId: $e) { competency { code } score gap } }",
        {"e": gid(rep)},
        as_=w.users["employee"],
    )
    pk = next(g for g in after["employeeCompetencies"] if g["competency"]["code"] == "PK")
    # manager 2 (weight 40) and the exam at level 5 (weight 30): (80 + 150) / 70 = 3.29; gap 5 − 3.29
    assert (pk["score"], pk["gap"]) == ("3.29", "1.71")
    request_after = await api.data(
        "{ assessmentRequests { edges { node { status } } } }", as_=w.users["manager"]
    )
    assert request_after["assessmentRequests"]["edges"][0]["node"]["status"] == "DONE"
