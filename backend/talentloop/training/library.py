"""The course library, edited: courses (HQ HR), sessions (HQ HR; branch HR in its branch),
cost items (HR) and the rules that tie completing a course to targets and bonuses (HQ HR)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from tortoise.transactions import in_transaction

from talentloop import timezones
from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.org import service as org_service
from talentloop.performance.models import Kpi
from talentloop.skills.models import Competency
from talentloop.training import trainers
from talentloop.training.models import (
    CostItem,
    CostKind,
    Course,
    CourseCompetency,
    CourseFormat,
    CourseKind,
    CourseSession,
    Lesson,
    TargetRuleKind,
    TrainingTargetRule,
)
from talentloop.training.service import get_course

# --- editing the library (HQ HR; branch HR for sessions in its branch) --------------------------------


@dataclass
class CourseInput:
    code: str
    title: str
    format: CourseFormat
    duration_hours: Decimal
    kind: CourseKind = CourseKind.GENERAL
    description: str = ""
    provider: str = ""
    exam_id: int | None = None
    pass_level: int = 3
    competencies: list[tuple[int, int]] = field(default_factory=list)  # (competency, target level)
    lessons: list[tuple[str, int]] = field(default_factory=list)  # (title, minutes)


async def _course_problems(data: CourseInput, course_id: int | None = None) -> list[FieldError]:
    """What is wrong with a course's own fields (a new one, or `course_id` edited)."""
    problems: list[FieldError] = []
    if not data.code.strip():
        problems.append(FieldError("Code is required.", ErrorCode.REQUIRED, "code"))
    elif await Course.filter(code=data.code.strip()).exclude(id=course_id or 0).exists():
        problems.append(FieldError("This code is taken.", ErrorCode.DUPLICATE, "code"))
    if not data.title.strip():
        problems.append(FieldError("Title is required.", ErrorCode.REQUIRED, "title"))
    if data.duration_hours <= 0:
        problems.append(FieldError("Duration must be above 0.", ErrorCode.INVALID, "durationHours"))
    if not 1 <= data.pass_level <= 5:
        problems.append(FieldError("A level is 1 to 5.", ErrorCode.INVALID, "passLevel"))
    return problems


async def update_course(viewer: Viewer, course_id: int, data: CourseInput) -> Course:
    """HQ HR edits a course's own fields. Its format stays (sessions and lessons hang on it);
    its competencies, lessons and exam are kept as they are."""
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HQ HR keeps the course library.")
    course = await get_course(viewer, course_id)
    if course is None:
        raise not_found("Course", "id")
    problems = await _course_problems(data, course.id)
    if data.format is not course.format:
        problems.append(FieldError("A course keeps its format.", ErrorCode.INVALID, "format"))
    if problems:
        raise ServiceError(*problems)
    course.code, course.title = data.code.strip(), data.title.strip()
    course.kind, course.duration_hours = data.kind, data.duration_hours.quantize(Decimal("0.1"))
    course.description, course.provider = data.description.strip(), data.provider.strip()
    course.pass_level = data.pass_level
    await course.save(
        update_fields=[
            "code", "title", "kind", "duration_hours", "description", "provider", "pass_level"
        ]
    )  # fmt: skip
    return course


async def create_course(viewer: Viewer, data: CourseInput) -> Course:
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HQ HR keeps the course library.")
    problems = await _course_problems(data)
    ids = [c for c, _ in data.competencies]
    if len(set(ids)) != len(ids) or len(await Competency.filter(id__in=ids)) != len(ids):
        problems.append(
            FieldError("Choose existing competencies once each.", ErrorCode.INVALID, "competencies")
        )
    if any(not 1 <= level <= 5 for _, level in data.competencies):
        problems.append(FieldError("A target level is 1 to 5.", ErrorCode.INVALID, "competencies"))
    if data.exam_id is not None:
        from talentloop.skills.models import SkillTest

        if not await SkillTest.filter(id=data.exam_id).exists():
            problems.append(FieldError("Test not found.", ErrorCode.NOT_FOUND, "examId"))
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        course = await Course.create(
            code=data.code.strip(),
            title=data.title.strip(),
            format=data.format,
            kind=data.kind,
            duration_hours=data.duration_hours,
            description=data.description.strip(),
            provider=data.provider.strip(),
            exam_id=data.exam_id,
            pass_level=data.pass_level,
        )
        await CourseCompetency.bulk_create(
            [
                CourseCompetency(course_id=course.id, competency_id=c, target_level=lv)
                for c, lv in data.competencies
            ]
        )
        await Lesson.bulk_create(
            [
                Lesson(course_id=course.id, position=i, title=t, minutes=m)
                for i, (t, m) in enumerate(data.lessons, 1)
            ]
        )
    return course


async def add_session(
    viewer: Viewer,
    *,
    course_id: int,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    trainer: str,
    capacity: int,
    unit_id: int | None,
    trainer_id: int | None = None,
    time_zone: str | None = None,
) -> CourseSession:
    """Times without an offset are wall-clock times where it is held: in `time_zone` when
    named, else its unit's zone (else the company's); stored as UTC instants."""
    course = await get_course(viewer, course_id)
    if course is None:
        raise not_found("Course", "courseId")
    unit = await org_service.get_unit(viewer, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise not_found("Unit", "unitId")
    allowed = viewer.can_manage_setting_in(unit.path if unit else None)
    if not allowed:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not schedule sessions here.", "unitId")
    problems: list[FieldError] = []
    if course.format not in (CourseFormat.WORKSHOP, CourseFormat.BLENDED):
        problems.append(
            FieldError(
                "Only workshops and blended courses have sessions.", ErrorCode.INVALID, "courseId"
            )
        )
    named = timezones.check_zone(time_zone) if time_zone and time_zone.strip() else None
    zone = named or await timezones.unit_zone(unit.id if unit else None)
    starts_at, ends_at = timezones.to_utc(starts_at, zone), timezones.to_utc(ends_at, zone)
    if ends_at <= starts_at:
        problems.append(FieldError("A session ends after it starts.", ErrorCode.INVALID, "endsAt"))
    if capacity < 1:
        problems.append(FieldError("At least one seat.", ErrorCode.INVALID, "capacity"))
    if not place.strip():
        problems.append(FieldError("Where is it?", ErrorCode.REQUIRED, "place"))
    if problems:
        raise ServiceError(*problems)
    chosen = await trainers.chosen_trainer(viewer, trainer_id)
    async with in_transaction():
        session = await CourseSession.create(
            course_id=course.id,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            trainer=chosen.name if chosen else trainer.strip(),
            registered_trainer_id=chosen.id if chosen else None,
            capacity=capacity,
            unit_id=unit.id if unit else None,
            time_zone=named,
        )
        await audit.record_created(
            viewer,
            "CourseSession",
            session.id,
            {
                "course_id": course.id,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "place": session.place,
                "trainer": session.trainer,
                "registered_trainer_id": session.registered_trainer_id,
                "capacity": capacity,
                "unit_id": session.unit_id,
                "time_zone": named,
            },
        )
    return session


async def add_cost_item(
    viewer: Viewer,
    *,
    course_id: int,
    session_id: int | None,
    kind: str,
    amount: Decimal,
    per_participant: bool,
    description: str,
) -> None:
    if not viewer.can_manage_employees:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR records training costs.")
    course = await get_course(viewer, course_id)
    if course is None:
        raise not_found("Course", "courseId")
    session = (
        await CourseSession.filter(id=session_id, course_id=course.id)
        .select_related("unit")
        .first()
        if session_id is not None
        else None
    )
    if session_id is not None and session is None:
        raise not_found("Session", "sessionId")
    # A session's costs are its unit's HR's (a company-wide session's HQ HR's), as scheduling it
    # was: a cost moves the budgets and the enrolment costs of the people booked on it.
    if session is not None and not viewer.can_manage_setting_in(
        session.unit.path if session.unit else None
    ):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not record costs of this session.", "sessionId"
        )
    if amount < 0:
        raise ServiceError.one(ErrorCode.INVALID, "An amount cannot be negative.", "amount")
    await CostItem.create(
        course_id=course.id,
        session_id=session_id,
        kind=CostKind(kind),
        amount=amount,
        per_participant=per_participant,
        description=description.strip(),
    )


def _rule_problems(
    kind: TargetRuleKind,
    percent: Decimal | None,
    threshold_percent: Decimal | None,
    bonus_amount: Decimal | None,
) -> list[FieldError]:
    problems: list[FieldError] = []
    if kind is TargetRuleKind.TARGET_ADJUSTMENT and (
        percent is None or not Decimal(-100) < percent <= Decimal(100) or percent == 0
    ):
        problems.append(
            FieldError("A change between -100 and 100 %, not 0.", ErrorCode.INVALID, "percent")
        )
    if kind is TargetRuleKind.BONUS:
        if threshold_percent is None or threshold_percent <= 0:
            problems.append(
                FieldError(
                    "Give the achievement threshold.", ErrorCode.REQUIRED, "thresholdPercent"
                )
            )
        if bonus_amount is None or bonus_amount <= 0:
            problems.append(FieldError("Give the bonus amount.", ErrorCode.REQUIRED, "bonusAmount"))
    return problems


async def create_target_rule(
    viewer: Viewer,
    *,
    kind: TargetRuleKind,
    course_id: int,
    kpi_id: int,
    percent: Decimal | None,
    threshold_percent: Decimal | None,
    bonus_amount: Decimal | None,
) -> TrainingTargetRule:
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HQ HR ties courses to targets.")
    if await get_course(viewer, course_id) is None:
        raise not_found("Course", "courseId")
    if not await Kpi.filter(id=kpi_id).exists():
        raise not_found("KPI", "kpiId")
    problems = _rule_problems(kind, percent, threshold_percent, bonus_amount)
    if problems:
        raise ServiceError(*problems)
    return await TrainingTargetRule.create(
        kind=kind,
        course_id=course_id,
        kpi_id=kpi_id,
        percent=percent if kind is TargetRuleKind.TARGET_ADJUSTMENT else None,
        threshold_percent=threshold_percent if kind is TargetRuleKind.BONUS else None,
        bonus_amount=bonus_amount if kind is TargetRuleKind.BONUS else None,
    )


async def update_target_rule(
    viewer: Viewer,
    rule_id: int,
    *,
    percent: Decimal | None,
    threshold_percent: Decimal | None,
    bonus_amount: Decimal | None,
    is_active: bool,
) -> TrainingTargetRule:
    """HQ HR changes a rule's figures or turns it off (or on again). Its kind, course and KPI
    stay: another pairing is another rule. Adjustments already made stay as they were."""
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HQ HR ties courses to targets.")
    rule = await TrainingTargetRule.get_or_none(id=rule_id)
    if rule is None:
        raise not_found("Rule", "id")
    problems = _rule_problems(rule.kind, percent, threshold_percent, bonus_amount)
    if problems:
        raise ServiceError(*problems)
    adjusts = rule.kind is TargetRuleKind.TARGET_ADJUSTMENT
    cent = Decimal("0.01")
    rule.percent = percent.quantize(cent) if adjusts and percent is not None else None
    rule.threshold_percent = (
        None if adjusts or threshold_percent is None else threshold_percent.quantize(cent)
    )
    rule.bonus_amount = None if adjusts or bonus_amount is None else bonus_amount.quantize(cent)
    rule.is_active = is_active
    await rule.save(update_fields=["percent", "threshold_percent", "bonus_amount", "is_active"])
    return rule
