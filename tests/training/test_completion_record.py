"""Completing by hand, as it happened: the real date (not in the future, not before the
session), the score and what it cost; the library edited (courses, target rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from talentloop.performance.models import Kpi, KpiUnit
from talentloop.training import costs
from talentloop.training.models import (
    CourseSession,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    TargetRuleKind,
    TrainingTargetRule,
)
from tests.support import Api, StatementCounter, gid
from tests.training.conftest import Library

COMPLETE = """mutation($input: CompleteEnrollmentInput!) { completeEnrollment(input: $input) {
  enrollment { status attended completedAt score actualCost } errors { field code } } }"""


async def _booked_on_a_past_session(library: Library) -> Enrollment:
    started = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    session = await CourseSession.create(
        course=library.questions,
        starts_at=started,
        ends_at=started + timedelta(hours=8),
        place="上海培训中心",
        trainer="李老师",
        capacity=10,
    )
    return await Enrollment.create(
        course=library.questions,
        session=session,
        employee=library.world.people["sh_rep"],
        status=EnrollmentStatus.ENROLLED,
        source=EnrollmentSource.HR,
        enrolled_at=started - timedelta(days=7),
    )


async def test_a_roster_completion_keeps_its_date_score_and_cost(
    api: Api, library: Library
) -> None:
    w = library.world
    enrollment = await _booked_on_a_past_session(library)
    ask = lambda **extra: {"input": {"id": gid(enrollment), **extra}}  # noqa: E731
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    refused = await api.data(
        COMPLETE,
        ask(completedOn="2026-03-08", score="101", actualCost="-1"),
        as_=w.users["branch_hr"],
    )
    assert refused["completeEnrollment"]["errors"] == [
        {"field": "completedOn", "code": "INVALID"},
        {"field": "score", "code": "INVALID"},
        {"field": "actualCost", "code": "INVALID"},
    ]
    future = await api.data(COMPLETE, ask(completedOn=tomorrow), as_=w.users["branch_hr"])
    assert future["completeEnrollment"]["errors"] == [{"field": "completedOn", "code": "INVALID"}]
    # the manager signs off and scores, but the money is HR's
    costly = await api.data(
        COMPLETE,
        ask(completedOn="2026-03-09", actualCost="800"),
        as_=w.users["manager"],
    )
    assert costly["completeEnrollment"]["errors"] == [{"field": "actualCost", "code": "FORBIDDEN"}]
    assert (await Enrollment.get(id=enrollment.id)).status is EnrollmentStatus.ENROLLED

    done = await api.data(
        COMPLETE,
        ask(completedOn="2026-03-09", score="92", actualCost="800"),
        as_=w.users["branch_hr"],
    )
    assert done["completeEnrollment"]["errors"] == []
    recorded = done["completeEnrollment"]["enrollment"]
    assert (recorded["status"], recorded["attended"]) == ("COMPLETED", True)
    assert recorded["completedAt"].startswith("2026-03-09")
    assert (recorded["score"], recorded["actualCost"]) == ("92.0", "800.00")
    # the budget counts what it really cost
    saved = await Enrollment.get(id=enrollment.id)
    assert (await costs.enrollment_costs([saved]))[saved.id] == Decimal("800.00")


ENROLL = """mutation($c: ID!, $e: ID!, $s: ID!) {
  enrollInCourse(input: {courseId: $c, employeeId: $e, sessionId: $s}) {
    enrollment { status source } errors { field code } } }"""


async def test_hr_put_people_on_a_held_session_to_record_it(api: Api, library: Library) -> None:
    w = library.world
    held = await _booked_on_a_past_session(library)
    ask = {"c": gid(library.questions), "e": gid(w.people["sh_rep2"]), "s": gid(held.session)}
    late = await api.data(ENROLL, ask, as_=w.users["manager"])
    assert late["enrollInCourse"]["errors"] == [{"field": "sessionId", "code": "INVALID"}]
    recorded = await api.data(ENROLL, ask, as_=w.users["branch_hr"])
    assert recorded["enrollInCourse"] == {
        "enrollment": {"status": "ENROLLED", "source": "HR"},
        "errors": [],
    }


async def test_one_marked_absent_is_not_signed_off(api: Api, library: Library) -> None:
    w = library.world
    enrollment = await _booked_on_a_past_session(library)
    enrollment.attended = False
    await enrollment.save(update_fields=["attended"])
    answer = await api.data(COMPLETE, {"input": {"id": gid(enrollment)}}, as_=w.users["branch_hr"])
    assert answer["completeEnrollment"]["errors"] == [{"field": "enrollmentId", "code": "CONFLICT"}]


UPDATE_COURSE = """mutation($input: UpdateCourseInput!) { updateCourse(input: $input) {
  course { code title durationHours provider } errors { field code } } }"""


async def test_hq_hr_edits_a_course_but_not_its_format(api: Api, library: Library) -> None:
    w = library.world
    edit = {
        "id": gid(library.questions),
        "code": "Q1",
        "title": "《提问的艺术》",
        "format": "WORKSHOP",
        "kind": "GENERAL",
        "durationHours": "6",
        "provider": "内训",
    }
    denied = await api.data(UPDATE_COURSE, {"input": edit}, as_=w.users["branch_hr"])
    assert denied["updateCourse"]["errors"] == [{"field": None, "code": "FORBIDDEN"}]
    clash = await api.data(
        UPDATE_COURSE,
        {"input": {**edit, "code": "K1", "format": "ONLINE"}},
        as_=w.users["hq_hr"],
    )
    assert clash["updateCourse"]["errors"] == [
        {"field": "code", "code": "DUPLICATE"},
        {"field": "format", "code": "INVALID"},
    ]
    saved = await api.data(UPDATE_COURSE, {"input": edit}, as_=w.users["hq_hr"])
    assert saved["updateCourse"] == {
        "course": {
            "code": "Q1",
            "title": "《提问的艺术》",
            "durationHours": "6.0",
            "provider": "内训",
        },
        "errors": [],
    }


RULES = """query($all: Boolean!) { trainingTargetRules(includeInactive: $all) { id isActive percent } }"""
UPDATE_RULE = """mutation($input: UpdateTrainingTargetRuleInput!) { updateTrainingTargetRule(input: $input) {
  rule { percent isActive } errors { field code } } }"""


async def test_hq_hr_changes_a_rule_and_turns_it_off(api: Api, library: Library) -> None:
    w = library.world
    kpi = await Kpi.create(code="R1", name="成交率", unit=KpiUnit.PERCENT)
    rule = await TrainingTargetRule.create(
        kind=TargetRuleKind.TARGET_ADJUSTMENT,
        course=library.mentoring,
        kpi=kpi,
        percent=Decimal(-5),
    )
    bad = await api.data(
        UPDATE_RULE, {"input": {"id": gid(rule), "percent": "0"}}, as_=w.users["hq_hr"]
    )
    assert bad["updateTrainingTargetRule"]["errors"] == [{"field": "percent", "code": "INVALID"}]
    denied = await api.data(
        UPDATE_RULE,
        {"input": {"id": gid(rule), "percent": "-5", "isActive": False}},
        as_=w.users["branch_hr"],
    )
    assert denied["updateTrainingTargetRule"]["errors"] == [{"field": None, "code": "FORBIDDEN"}]
    off = await api.data(
        UPDATE_RULE,
        {"input": {"id": gid(rule), "percent": "-8", "isActive": False}},
        as_=w.users["hq_hr"],
    )
    assert off["updateTrainingTargetRule"] == {
        "rule": {"percent": "-8.00", "isActive": False},
        "errors": [],
    }
    active = await api.data(RULES, {"all": False}, as_=w.users["hq_hr"])
    assert gid(rule) not in [r["id"] for r in active["trainingTargetRules"]]
    every = await api.data(RULES, {"all": True}, as_=w.users["hq_hr"])
    assert {"id": gid(rule), "isActive": False, "percent": "-8.00"} in every["trainingTargetRules"]


async def test_the_rules_list_does_not_grow_with_its_rules(api: Api, library: Library) -> None:
    w = library.world
    kpis = [await Kpi.create(code=f"R{i}", name=f"指标{i}", unit=KpiUnit.COUNT) for i in range(6)]
    courses = (library.knowledge, library.questions, library.negotiation, library.mentoring)

    async def count() -> int:
        await api.token(w.users["hq_hr"])
        with StatementCounter() as counter:
            data = await api.data(
                "{ trainingTargetRules { course { code } kpi { code } } }", as_=w.users["hq_hr"]
            )
        assert data["trainingTargetRules"]
        return counter.count

    await TrainingTargetRule.create(
        kind=TargetRuleKind.TARGET_ADJUSTMENT, course=courses[0], kpi=kpis[0], percent=Decimal(-5)
    )
    one = await count()
    for i in range(1, 6):
        await TrainingTargetRule.create(
            kind=TargetRuleKind.TARGET_ADJUSTMENT,
            course=courses[i % 4],
            kpi=kpis[i],
            percent=Decimal(-5),
        )
    assert await count() == one
