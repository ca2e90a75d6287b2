"""Courses on top of the capability framework."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from talentloop.skills.models import Calibration
from talentloop.training.models import (
    Course,
    CourseCompetency,
    CourseFormat,
    CourseSession,
    Lesson,
)
from tests.performance.conftest import perf  # noqa: F401  (shared fixtures)
from tests.skills.conftest import Framework, framework  # noqa: F401
from tests.support import World


@dataclass
class Library:
    world: World
    fw: Framework
    knowledge: Course  # online, 2 lessons, exam = the PK test; PK → 4
    questions: Course  # workshop; CNA → 4; a session with 10 seats
    negotiation: Course  # blended; PK → 3 and CNA → 3; its only session is full (1 seat)
    mentoring: Course  # CNA → 2
    questions_session: CourseSession
    negotiation_session: CourseSession


async def sessions_in_two_cities(library: Library, shanghai_place: str) -> None:
    """Two more sessions of the questions course: Beijing's in 20 days, Shanghai's in 40 (the
    fixture's own session, with no unit, is the soonest) — for "the learner's city first"."""
    from datetime import UTC, datetime, timedelta

    from talentloop.training.models import CourseSession

    for unit, place, days in (("BJ", "北京分公司", 20), ("SH-SALES", shanghai_place, 40)):
        start = datetime.now(UTC) + timedelta(days=days)
        await CourseSession.create(
            course=library.questions,
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            place=place,
            trainer="李老师",
            capacity=10,
            unit=library.world.units[unit],
        )


async def set_score(fw: Framework, person: str, competency, level: str) -> None:  # type: ignore[no-untyped-def]
    w = fw.world
    await Calibration.create(
        employee=w.people[person],
        competency=competency,
        level=Decimal(level),
        reason="test data",
        calibrated_by=w.users["hq_hr"],
    )


@pytest.fixture
async def library(framework: Framework) -> Library:  # noqa: F811
    fw = framework
    soon = datetime.now(UTC) + timedelta(days=10)
    knowledge = await Course.create(
        code="K1",
        title="《产品知识大全》",
        format=CourseFormat.ONLINE,
        duration_hours=Decimal(6),
        exam=fw.test,
        pass_level=3,
    )
    await CourseCompetency.create(course=knowledge, competency=fw.pk, target_level=4)
    await Lesson.create(course=knowledge, position=1, title="产品线", minutes=40)
    await Lesson.create(course=knowledge, position=2, title="选型", minutes=40)
    questions = await Course.create(
        code="Q1",
        title="《如何通过提问识别客户需求》",
        format=CourseFormat.WORKSHOP,
        duration_hours=Decimal(8),
    )
    await CourseCompetency.create(course=questions, competency=fw.cna, target_level=4)
    q_session = await CourseSession.create(
        course=questions,
        starts_at=soon,
        ends_at=soon + timedelta(hours=8),
        place="上海培训中心",
        trainer="李老师",
        capacity=10,
    )
    negotiation = await Course.create(
        code="N1", title="《双赢谈判策略》", format=CourseFormat.BLENDED, duration_hours=Decimal(12)
    )
    await CourseCompetency.create(course=negotiation, competency=fw.pk, target_level=3)
    await CourseCompetency.create(course=negotiation, competency=fw.cna, target_level=3)
    n_session = await CourseSession.create(
        course=negotiation,
        starts_at=soon,
        ends_at=soon + timedelta(hours=12),
        place="杭州总部",
        trainer="王老师",
        capacity=1,
    )
    mentoring = await Course.create(
        code="M1", title="导师带教计划", format=CourseFormat.MENTORING, duration_hours=Decimal(20)
    )
    await CourseCompetency.create(course=mentoring, competency=fw.cna, target_level=2)
    return Library(fw.world, fw, knowledge, questions, negotiation, mentoring, q_session, n_session)
