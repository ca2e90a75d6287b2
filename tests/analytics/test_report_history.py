"""Training history recorded as it happened (issue 21 point 8): a completion HR enters with its
real date, score and cost falls into the report's before/after split by that date."""

from __future__ import annotations

from datetime import UTC, datetime

from talentloop.training.models import Enrollment, EnrollmentSource, EnrollmentStatus
from tests.analytics.conftest import Study
from tests.analytics.test_report import report_input
from tests.support import Api, gid

SPLIT = """query($input: TrainingEffectReportInput!) { trainingEffectReport(input: $input) {
  participationAfter effect { trained comparison } } }"""
COMPLETE = """mutation($input: CompleteEnrollmentInput!) { completeEnrollment(input: $input) {
  enrollment { status completedAt score actualCost } errors { field code } } }"""


async def test_a_back_dated_completion_moves_the_learner_into_the_trained_group(
    api: Api, study: Study
) -> None:
    w = study.world
    rep = study.control[0]  # a Beijing rep, enrolled now in a programme held last March
    enrollment = await Enrollment.create(
        course=study.course,
        employee_id=rep,
        status=EnrollmentStatus.ENROLLED,
        source=EnrollmentSource.HR,
        enrolled_at=datetime.now(UTC),
    )
    before = await api.data(SPLIT, {"input": report_input(study)}, as_=w.users["hq_hr"])
    assert before["trainingEffectReport"]["effect"] == {"trained": 12, "comparison": 12}

    done = await api.data(
        COMPLETE,
        {
            "input": {
                "id": gid(enrollment),
                "completedOn": "2026-03-10",
                "score": "88.5",
                "actualCost": "950",
            }
        },
        as_=w.users["bj_hr"],
    )
    assert done["completeEnrollment"]["errors"] == []
    recorded = done["completeEnrollment"]["enrollment"]
    assert recorded["status"] == "COMPLETED"
    assert recorded["completedAt"].startswith("2026-03-10")
    assert (recorded["score"], recorded["actualCost"]) == ("88.5", "950.00")

    after = await api.data(SPLIT, {"input": report_input(study)}, as_=w.users["hq_hr"])
    report = after["trainingEffectReport"]
    assert report["effect"] == {"trained": 13, "comparison": 11}
    assert report["participationAfter"] == f"{13 / 24 * 100:.1f}"


async def test_a_completion_today_stays_in_the_comparison_group(api: Api, study: Study) -> None:
    # What main did with every hand completion: stamped today, after the post period.
    w = study.world
    enrollment = await Enrollment.create(
        course=study.course,
        employee_id=study.control[1],
        status=EnrollmentStatus.ENROLLED,
        source=EnrollmentSource.HR,
        enrolled_at=datetime.now(UTC),
    )
    done = await api.data(COMPLETE, {"input": {"id": gid(enrollment)}}, as_=w.users["bj_hr"])
    assert done["completeEnrollment"]["errors"] == []
    after = await api.data(SPLIT, {"input": report_input(study)}, as_=w.users["hq_hr"])
    assert after["trainingEffectReport"]["effect"] == {"trained": 12, "comparison": 12}
