"""Rules of training: the catalogue, enrolling (with a waitlist), learning, exams and
completion, feedback, plans and budgets, participation, and the targets tied to courses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop import timezones
from talentloop.access.policy import FieldGroup, Viewer
from talentloop.accounts.models import Role
from talentloop.approvals import service as approvals
from talentloop.approvals.models import ApprovalRequest, RequestType
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import N_
from talentloop.inputs import search_term
from talentloop.org import service as org_service
from talentloop.people.models import Employee
from talentloop.people.service import visible_employees
from talentloop.performance import rollup
from talentloop.performance.models import Kpi
from talentloop.performance.periods import period_start, periods_between
from talentloop.performance.service import COURSE_ADJUSTMENT, apply_target_adjustment
from talentloop.skills import scoring
from talentloop.skills import service as skills_service
from talentloop.skills.models import Competency, TestAttempt
from talentloop.training import costs
from talentloop.training.models import (
    ACTIVE_STATUSES,
    Course,
    CourseCompetency,
    CourseFormat,
    CourseKind,
    CourseSession,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Lesson,
    PlanItem,
    TargetRuleKind,
    TrainingPlan,
    TrainingTargetRule,
)

OPEN_STATUSES = (
    EnrollmentStatus.PENDING,
    EnrollmentStatus.WAITLISTED,
    EnrollmentStatus.ENROLLED,
    EnrollmentStatus.IN_PROGRESS,
)


# --- the catalogue ------------------------------------------------------------------------------


@dataclass
class CourseQuery:
    formats: list[CourseFormat] | None = None
    kind: CourseKind | None = None
    competency_id: int | None = None
    search: str | None = None


def catalogue(viewer: Viewer, query: CourseQuery | None = None) -> QuerySet[Course]:
    """The course library is not personal data: every signed-in user browses it."""
    if not viewer.is_authenticated:
        return Course.filter(id__in=[])
    qs = Course.filter(is_active=True)
    if query is None:
        return qs
    if query.formats:
        qs = qs.filter(format__in=query.formats)
    if query.kind is not None:
        qs = qs.filter(kind=query.kind)
    if query.competency_id is not None:
        qs = qs.filter(competencies__competency_id=query.competency_id).distinct()
    term = search_term(query.search)
    if term:
        qs = qs.filter(
            Q(title__icontains=term) | Q(description__icontains=term) | Q(code__icontains=term)
        )
    return qs


async def get_course(viewer: Viewer, course_id: int) -> Course | None:
    return await catalogue(viewer).filter(id=course_id).first()


async def get_session(viewer: Viewer, session_id: int) -> CourseSession | None:
    """A session of a course in the library."""
    if not viewer.is_authenticated:
        return None
    return await CourseSession.filter(id=session_id, course__is_active=True).first()


async def upcoming_sessions(course_id: int, after: datetime | None = None) -> list[CourseSession]:
    moment = after or datetime.now(UTC)
    return await CourseSession.filter(
        course_id=course_id, starts_at__gte=moment, cancelled_at__isnull=True
    ).order_by("starts_at")


async def _nearest_first(sessions: list[CourseSession], city: str | None) -> list[CourseSession]:
    """Sessions in the learner's city first (a session's city is its unit's), each group
    soonest first; a learner without a city keeps the order of time."""
    if city is None or not sessions:
        return sessions
    cities = await org_service.unit_cities([s.unit_id for s in sessions])
    return sorted(sessions, key=lambda s: (cities.get(s.unit_id or 0) != city, s.starts_at))


async def upcoming_sessions_near(
    viewer: Viewer, course_id: int, unit_id: int | None
) -> list[CourseSession]:
    """The course's sessions to come, those in the unit's city first (`_nearest_first`, as a
    recommendation picks its next session): the manager's path offers its learners the session
    nearest them. A unit the viewer does not see is no preference, as no unit."""
    sessions = await upcoming_sessions(course_id)
    unit = await org_service.get_unit(viewer, unit_id) if unit_id is not None and sessions else None
    if unit is None:
        return sessions
    home = (await org_service.unit_cities([unit.id])).get(unit.id)
    return await _nearest_first(sessions, home)


async def session_zone(session: CourseSession) -> str:
    """The zone a session is held in: its own, else its unit's (else the company's)."""
    return session.time_zone or await timezones.unit_zone(session.unit_id)


async def all_sessions(course_id: int) -> list[CourseSession]:
    return await CourseSession.filter(course_id=course_id).order_by("starts_at", "id")


async def seats_taken(session_id: int) -> int:
    return await Enrollment.filter(
        session_id=session_id,
        status__in=(
            EnrollmentStatus.ENROLLED,
            EnrollmentStatus.IN_PROGRESS,
            EnrollmentStatus.COMPLETED,
        ),
    ).count()


# --- enrolments -----------------------------------------------------------------------------------


def visible_enrollments(viewer: Viewer) -> QuerySet[Enrollment]:
    """Training records are work data: the learner, their managers and HR see them."""
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return Enrollment.filter(id__in=[])
    return Enrollment.filter(scope)


async def enroll(
    viewer: Viewer,
    *,
    course_id: int,
    employee_id: int,
    session_id: int | None = None,
    mentor_id: int | None = None,
    mentoring_plan: str = "",
    source: EnrollmentSource | None = None,
) -> Enrollment:
    """Enrol oneself, one's team (managers) or anyone in scope (HR). A full session puts the
    learner on its waitlist. An enrolment that costs money (its cash cost, `costs.py`) waits
    for approval (PENDING, no seat yet): a TRAINING_ENROLMENT request of that amount, the
    enrolment confirmed (enrolled, or waitlisted when full) once the flow approves it."""
    course = await get_course(viewer, course_id)
    if course is None:
        raise not_found("Course", "courseId")
    employee = await Employee.filter(id=employee_id).select_related("unit").first()
    visible = employee is not None and viewer.can_see_employee(employee.id, employee.unit.path)
    if employee is None or not visible:
        raise not_found("Employee", "employeeId")
    if employee.id == viewer.employee_id:
        inferred = EnrollmentSource.SELF
    elif viewer.can_manage_employees_in(employee.unit.path):
        inferred = EnrollmentSource.HR
    elif viewer.can_direct_in(employee.unit.path):
        inferred = EnrollmentSource.MANAGER
    else:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not enrol this employee.", "employeeId"
        )
    problems: list[FieldError] = []
    session = None
    if course.format in (CourseFormat.WORKSHOP, CourseFormat.BLENDED):
        if session_id is None:
            problems.append(FieldError("Choose a session.", ErrorCode.REQUIRED, "sessionId"))
        else:
            session = await CourseSession.get_or_none(id=session_id, course_id=course.id)
            if session is None:
                problems.append(FieldError("Session not found.", ErrorCode.NOT_FOUND, "sessionId"))
            elif session.cancelled_at is not None:
                problems.append(
                    FieldError("This session is cancelled.", ErrorCode.INVALID, "sessionId")
                )
            elif session.starts_at <= datetime.now(UTC) and inferred is not EnrollmentSource.HR:
                # HR put people on a session that has been held, to record it as it happened
                # (issue 21 point 8); everyone else books sessions to come.
                problems.append(
                    FieldError("This session has started.", ErrorCode.INVALID, "sessionId")
                )
    elif session_id is not None:
        problems.append(FieldError("This course has no sessions.", ErrorCode.INVALID, "sessionId"))
    if course.format is CourseFormat.MENTORING:
        # A mentor the viewer cannot see is answered like one that does not exist.
        mentor = await visible_employees(viewer).filter(id=mentor_id).first() if mentor_id else None
        if mentor_id is None:
            problems.append(FieldError("Choose a mentor.", ErrorCode.REQUIRED, "mentorId"))
        elif mentor is None:
            problems.append(FieldError("Mentor not found.", ErrorCode.NOT_FOUND, "mentorId"))
        elif mentor.id == employee.id:
            problems.append(FieldError("One cannot mentor oneself.", ErrorCode.INVALID, "mentorId"))
    if await Enrollment.filter(
        course_id=course.id, employee_id=employee.id, status__in=OPEN_STATUSES
    ).exists():
        problems.append(
            FieldError("Already enrolled in this course.", ErrorCode.DUPLICATE, "courseId")
        )
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        cost = await costs.new_enrollment_cost(course.id, session.id if session else None)
        status = await _seat(session) if cost <= 0 else EnrollmentStatus.PENDING
        enrollment = await Enrollment.create(
            course_id=course.id,
            session_id=session.id if session else None,
            employee_id=employee.id,
            status=status,
            source=source or inferred,
            enrolled_by_id=viewer.user_id,
            enrolled_at=datetime.now(UTC),
            mentor_id=mentor_id if course.format is CourseFormat.MENTORING else None,
            mentoring_plan=mentoring_plan.strip(),
        )
        if status is EnrollmentStatus.PENDING:
            when = (
                f" {timezones.local_text(session.starts_at, await session_zone(session))[:10]}"
                if session
                else ""
            )
            await approvals.submit(
                viewer,
                RequestType.TRAINING_ENROLMENT,
                enrollment.id,
                unit=employee.unit,
                employee_id=employee.id,
                title=f"{employee.name} · {course.code} {course.title}{when}",
                amount=cost,
            )
            await enrollment.refresh_from_db()  # approved at once when no stage has an approver
        return enrollment


async def _seat(session: CourseSession | None) -> EnrollmentStatus:
    """Enrolled, or waitlisted when the session is full (inside the caller's transaction)."""
    if session is None:
        return EnrollmentStatus.ENROLLED
    # Lock the session so two learners cannot take its last seat at once.
    await CourseSession.filter(id=session.id).select_for_update().first()
    if await seats_taken(session.id) >= session.capacity:
        return EnrollmentStatus.WAITLISTED
    return EnrollmentStatus.ENROLLED


async def _enrollment_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The engine's final decision on an enrolment's cost (inside its transaction): approved,
    it takes a seat (or the waitlist) now; rejected, it is cancelled."""
    enrollment = await Enrollment.get_or_none(id=approval.subject_id)
    if enrollment is None or enrollment.status is not EnrollmentStatus.PENDING:
        return
    if approved:
        session = (
            await CourseSession.get_or_none(id=enrollment.session_id)
            if enrollment.session_id is not None
            else None
        )
        status = await _seat(session)
        await Enrollment.filter(id=enrollment.id, status=EnrollmentStatus.PENDING).update(
            status=status
        )
    else:
        await Enrollment.filter(id=enrollment.id, status=EnrollmentStatus.PENDING).update(
            status=EnrollmentStatus.CANCELLED, cancelled_at=datetime.now(UTC)
        )


approvals.register_effect(RequestType.TRAINING_ENROLMENT, _enrollment_decided)


async def _own_or_directed(viewer: Viewer, enrollment_id: int) -> Enrollment:
    enrollment = (
        await visible_enrollments(viewer)
        .filter(id=enrollment_id)
        .select_related("employee__unit", "course")
        .first()
    )
    if enrollment is None:
        raise not_found("Enrolment", "enrollmentId")
    if enrollment.employee_id != viewer.employee_id and not viewer.can_direct_in(
        enrollment.employee.unit.path
    ):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Not your enrolment to change.", "enrollmentId")
    return enrollment


async def cancel(viewer: Viewer, enrollment_id: int) -> Enrollment:
    """Leave a course; the first on the session's waitlist takes the seat."""
    enrollment = await _own_or_directed(viewer, enrollment_id)
    if enrollment.status not in OPEN_STATUSES:
        raise ServiceError.one(
            ErrorCode.CONFLICT, "Only an open enrolment can be cancelled.", "enrollmentId"
        )
    async with in_transaction():
        held_seat = enrollment.status not in (EnrollmentStatus.WAITLISTED, EnrollmentStatus.PENDING)
        if enrollment.status is EnrollmentStatus.PENDING:
            await approvals.cancel(viewer, RequestType.TRAINING_ENROLMENT, enrollment.id)
        enrollment.status, enrollment.cancelled_at = EnrollmentStatus.CANCELLED, datetime.now(UTC)
        await enrollment.save(update_fields=["status", "cancelled_at"])
        if held_seat and enrollment.session_id is not None:
            await CourseSession.filter(id=enrollment.session_id).select_for_update().first()
            first_waiting = (
                await Enrollment.filter(
                    session_id=enrollment.session_id, status=EnrollmentStatus.WAITLISTED
                )
                .order_by("enrolled_at", "id")
                .first()
            )
            if first_waiting is not None:
                first_waiting.status = EnrollmentStatus.ENROLLED
                await first_waiting.save(update_fields=["status"])
    return enrollment


async def record_progress(viewer: Viewer, enrollment_id: int, lessons_done: int) -> Enrollment:
    """The learner marks online lessons done; all of them done completes a course with no exam."""
    enrollment = await _own_or_directed(viewer, enrollment_id)
    if enrollment.employee_id != viewer.employee_id:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only the learner records progress.", "enrollmentId"
        )
    if enrollment.status not in (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS):
        raise ServiceError.one(
            ErrorCode.CONFLICT, "This enrolment is not in progress.", "enrollmentId"
        )
    total = await Lesson.filter(course_id=enrollment.course_id).count()
    if total == 0 or not 0 <= lessons_done <= total:
        raise ServiceError.one(
            ErrorCode.INVALID, "Between 0 and {total} lessons.", "lessonsDone", total=total
        )
    enrollment.progress_percent = round(lessons_done * 100 / total)
    enrollment.status = EnrollmentStatus.IN_PROGRESS
    await enrollment.save(update_fields=["progress_percent", "status"])
    await _complete_if_done(enrollment)
    return enrollment


async def mark_attendance(
    viewer: Viewer, session_id: int, attended: dict[int, bool]
) -> list[Enrollment]:
    """The trainer's sheet: HR (or the learners' manager) marks who came."""
    session = await CourseSession.get_or_none(id=session_id)
    if session is None:
        raise not_found("Session", "sessionId")
    enrollments = (
        await visible_enrollments(viewer)
        .filter(
            session_id=session.id,
            status__in=(
                EnrollmentStatus.ENROLLED,
                EnrollmentStatus.IN_PROGRESS,
                EnrollmentStatus.COMPLETED,
            ),
        )
        .select_related("employee__unit", "course")
    )
    by_employee = {e.employee_id: e for e in enrollments}
    unknown = set(attended) - set(by_employee)
    if unknown:
        raise ServiceError.one(ErrorCode.NOT_FOUND, "Not enrolled in this session.", "attendance")
    if any(not viewer.can_direct_in(by_employee[i].employee.unit.path) for i in attended):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not take this attendance.", "attendance"
        )
    for employee_id in attended:  # one's own presence (and so completion): someone else's word
        viewer.refuse_self(employee_id, "attendance")
    changed = []
    async with in_transaction():
        for employee_id, came in attended.items():
            enrollment = by_employee[employee_id]
            enrollment.attended = came
            if enrollment.status is EnrollmentStatus.ENROLLED and came:
                enrollment.status = EnrollmentStatus.IN_PROGRESS
            await enrollment.save(update_fields=["attended", "status"])
            changed.append(enrollment)
    for enrollment in changed:
        await _complete_if_done(enrollment)
    return changed


async def take_exam(
    viewer: Viewer, enrollment_id: int, answers: dict[int, list[str]]
) -> Enrollment:
    """The learner takes the course's exam; a passing level completes the course (when the rest
    is done) and the result counts as fresh evidence for the competency's score."""
    enrollment = await _own_or_directed(viewer, enrollment_id)
    if enrollment.employee_id != viewer.employee_id:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only the learner takes the exam.", "enrollmentId"
        )
    if enrollment.course.exam_id is None:
        raise ServiceError.one(ErrorCode.INVALID, "This course has no exam.", "enrollmentId")
    if enrollment.status not in (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS):
        raise ServiceError.one(
            ErrorCode.CONFLICT, "This enrolment is not in progress.", "enrollmentId"
        )
    attempt = await skills_service.submit_attempt(viewer, enrollment.course.exam_id, answers)
    enrollment.exam_attempt_id = attempt.id
    enrollment.status = EnrollmentStatus.IN_PROGRESS
    await enrollment.save(update_fields=["exam_attempt_id", "status"])
    await _complete_if_done(enrollment)
    return enrollment


# Completions by hand carry the company's calendar date (Asia/Shanghai: the demo company's
# home; issue 21 point 4 makes the zone a unit's setting). A date is stored as its local noon,
# so it is the same day in UTC, where the effect report draws its month lines.
COMPANY_ZONE = ZoneInfo("Asia/Shanghai")
TOP_SCORE = Decimal(100)


def company_today() -> date:
    return datetime.now(COMPANY_ZONE).date()


def completion_instant(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=COMPANY_ZONE).astimezone(UTC)


@dataclass
class Completion:
    """A completion recorded by hand: its real date (default today), score and cash cost."""

    completed_on: date | None = None
    score: Decimal | None = None
    actual_cost: Decimal | None = None


async def complete(
    viewer: Viewer, enrollment_id: int, record: Completion | None = None
) -> Enrollment:
    """HR or the manager signs off a course with no exam and no lessons (e.g. mentoring), or
    records one that happened (a workshop from its roster, a programme of the past) with its
    date, score and what it really cost. Signing off a session's learner says they came."""
    record = record or Completion()
    enrollment = await _own_or_directed(viewer, enrollment_id)
    if not viewer.can_direct_in(enrollment.employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR or the manager signs off.", "enrollmentId")
    viewer.refuse_self(enrollment.employee_id, "enrollmentId")
    if record.actual_cost is not None and not viewer.can_manage_employees_in(
        enrollment.employee.unit.path
    ):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR records training costs.", "actualCost")
    if enrollment.status not in (EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS):
        raise ServiceError.one(
            ErrorCode.CONFLICT, "This enrolment is not in progress.", "enrollmentId"
        )
    session = (
        await CourseSession.get(id=enrollment.session_id)
        if enrollment.session_id is not None
        else None
    )
    today = company_today()
    day = record.completed_on or today
    problems: list[FieldError] = []
    if day > today:
        problems.append(
            FieldError("A completion cannot be in the future.", ErrorCode.INVALID, "completedOn")
        )
    if session is not None and day < session.starts_at.astimezone(COMPANY_ZONE).date():
        problems.append(
            FieldError(
                "Not before the session starts ({start}).",
                ErrorCode.INVALID,
                "completedOn",
                start=session.starts_at.astimezone(COMPANY_ZONE).date().isoformat(),
            )
        )
    if record.score is not None and not 0 <= record.score <= TOP_SCORE:
        problems.append(
            FieldError("Between 0 and {top}.", ErrorCode.INVALID, "score", top=int(TOP_SCORE))
        )
    if record.actual_cost is not None and record.actual_cost < 0:
        problems.append(
            FieldError("An amount cannot be negative.", ErrorCode.INVALID, "actualCost")
        )
    if session is not None and enrollment.attended is False:
        problems.append(
            FieldError("Marked absent from the session.", ErrorCode.CONFLICT, "enrollmentId")
        )
    if problems:
        raise ServiceError(*problems)
    if session is not None:
        enrollment.attended = True
    missing = await _missing_for_completion(enrollment)
    if missing:
        raise ServiceError.one(ErrorCode.CONFLICT, missing, "enrollmentId")
    enrollment.score = record.score.quantize(Decimal("0.1")) if record.score is not None else None
    enrollment.actual_cost = (
        record.actual_cost.quantize(costs.FEN) if record.actual_cost is not None else None
    )
    await _mark_completed(enrollment, day if record.completed_on else None)
    return enrollment


async def _missing_for_completion(enrollment: Enrollment) -> str | None:
    """What still stands between the enrolment and its completion, as a message (or None)."""
    course = (
        enrollment.course
        if isinstance(enrollment.course, Course)
        else await Course.get(id=enrollment.course_id)
    )
    if enrollment.session_id is not None and not enrollment.attended:
        return N_("Not done yet: attendance.")
    if (
        course.format in (CourseFormat.ONLINE, CourseFormat.BLENDED)
        and await Lesson.filter(course_id=course.id).exists()
        and enrollment.progress_percent < 100
    ):
        return N_("Not done yet: lessons.")
    if course.exam_id is not None:
        attempt = (
            await TestAttempt.get_or_none(id=enrollment.exam_attempt_id)
            if enrollment.exam_attempt_id
            else None
        )
        if attempt is None or (attempt.level or 0) < course.pass_level:
            return N_("Not done yet: a passed exam.")
    return None


async def _complete_if_done(enrollment: Enrollment) -> None:
    course = await Course.get(id=enrollment.course_id)
    enrollment.course = course
    if course.format is CourseFormat.MENTORING and course.exam_id is None:
        return  # signed off by HR or the manager
    if (
        course.exam_id is None
        and enrollment.session_id is None
        and not await Lesson.filter(course_id=course.id).exists()
    ):
        return
    if await _missing_for_completion(enrollment) is None:
        await _mark_completed(enrollment)


async def _mark_completed(enrollment: Enrollment, on: date | None = None) -> None:
    """Complete now, or on the day given (a completion recorded after the fact)."""
    when = completion_instant(on) if on else datetime.now(UTC)
    async with in_transaction():
        enrollment.status, enrollment.completed_at = EnrollmentStatus.COMPLETED, when
        await enrollment.save(
            update_fields=["status", "completed_at", "attended", "score", "actual_cost"]
        )
        await apply_completion_rules(enrollment, on or when.date())


async def apply_completion_rules(enrollment: Enrollment, completed_on: date) -> None:
    """Target rules of the course adjust the learner's target for the period of completion."""
    for rule in await TrainingTargetRule.filter(
        course_id=enrollment.course_id, kind=TargetRuleKind.TARGET_ADJUSTMENT, is_active=True
    ).select_related("kpi", "course"):
        assert rule.percent is not None
        period = period_start(completed_on, rule.kpi.period_type)
        await apply_target_adjustment(
            kpi_id=rule.kpi_id,
            employee_id=enrollment.employee_id,
            period=period,
            percent=rule.percent,
            reason=COURSE_ADJUSTMENT.format(
                course=rule.course.title.strip("《》"),
                kpi=rule.kpi.name,
                percent=f"{rule.percent.normalize():f}",
            ),
            source=f"training.rule:{rule.id}",
        )


async def give_feedback(
    viewer: Viewer, enrollment_id: int, rating: int, comment: str
) -> Enrollment:
    """Kirkpatrick level 1: the learner rates the course once it is done (or attended)."""
    enrollment = await _own_or_directed(viewer, enrollment_id)
    if enrollment.employee_id != viewer.employee_id:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only the learner gives feedback.", "enrollmentId"
        )
    if enrollment.status is not EnrollmentStatus.COMPLETED and not enrollment.attended:
        raise ServiceError.one(
            ErrorCode.CONFLICT, "Give feedback after the course.", "enrollmentId"
        )
    if not 1 <= rating <= 5:
        raise ServiceError.one(ErrorCode.INVALID, "A rating is 1 to 5.", "rating")
    enrollment.feedback_rating, enrollment.feedback_comment = rating, comment.strip()
    await enrollment.save(update_fields=["feedback_rating", "feedback_comment"])
    return enrollment


# --- recommendations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapClosed:
    competency_id: int
    gap: Decimal
    closes: Decimal


@dataclass
class Recommendation:
    course: Course
    closes: Decimal
    reasons: list[GapClosed]
    effect: Decimal | None  # the course's measured effect, once the analytics have one
    available: bool  # online, or an upcoming session with a free seat
    next_session: CourseSession | None
    preferred_format: bool
    notes: list[str] = field(default_factory=list)


async def recommendations(
    viewer: Viewer, employee_id: int, preferred_formats: list[CourseFormat] | None = None
) -> list[Recommendation] | None:
    """Courses ranked by the size of the gaps they close, then their measured effect, then the
    employee's preferred formats, then availability. None when the viewer may not see the gaps."""
    employees = await skills_service.assessable_employees(viewer, [employee_id])
    if not employees:
        return None
    links = await CourseCompetency.filter(course__is_active=True).select_related("course")
    competency_ids = sorted({link.competency_id for link in links})
    scores = await scoring.scores_for(employees, competency_ids)
    taken = set(
        await Enrollment.filter(
            employee_id=employee_id, status__in=(*OPEN_STATUSES, EnrollmentStatus.COMPLETED)
        ).values_list("course_id", flat=True)
    )
    by_course: dict[int, list[CourseCompetency]] = defaultdict(list)
    for link in links:
        by_course[link.course_id].append(link)
    from talentloop.training import effects

    measured = await effects.course_effects(sorted(by_course))
    home = (await org_service.unit_cities([employees[0].unit_id])).get(employees[0].unit_id)
    result: list[Recommendation] = []
    for course_id, course_links in by_course.items():
        if course_id in taken:
            continue
        course = course_links[0].course
        reasons = []
        for link in course_links:
            score = scores[(employee_id, link.competency_id)]
            if score.gap is None or score.gap <= 0 or score.score is None:
                continue
            closes = min(score.gap, max(Decimal(0), Decimal(link.target_level) - score.score))
            if closes > 0:
                reasons.append(GapClosed(link.competency_id, score.gap, closes))
        if not reasons:
            continue
        next_session = None
        available = course.format in (CourseFormat.ONLINE, CourseFormat.MENTORING)
        if course.format in (CourseFormat.WORKSHOP, CourseFormat.BLENDED):
            for session in await _nearest_first(await upcoming_sessions(course.id), home):
                if await seats_taken(session.id) < session.capacity:
                    next_session, available = session, True
                    break
        result.append(
            Recommendation(
                course=course,
                closes=sum((r.closes for r in reasons), Decimal(0)),
                reasons=sorted(reasons, key=lambda r: -r.closes),
                effect=measured.get(course.id),
                available=available,
                next_session=next_session,
                preferred_format=bool(preferred_formats)
                and course.format in (preferred_formats or []),
            )
        )
    result.sort(
        key=lambda r: (
            -r.closes,
            -(r.effect or Decimal(0)),
            not r.preferred_format,
            not r.available,
            r.course.code,
        )
    )
    return result


# --- plans and budgets -------------------------------------------------------------------------------


async def visible_plans(viewer: Viewer) -> list[TrainingPlan]:
    """A unit's plans are its HR's and managers' (and the boss's, who sees every branch).

    Plans are made per branch: a department manager reads the plans of the units above their
    department, since those plans cover their team.
    """
    plans = await TrainingPlan.all().select_related("unit").order_by("-year", "id")
    return [p for p in plans if may_read_plan(viewer, p)]


def may_read_plan(viewer: Viewer, plan: TrainingPlan) -> bool:
    return (
        viewer.can_direct_in(plan.unit.path)
        or viewer.holds(Role.EXECUTIVE)
        or any(path.startswith(plan.unit.path) for path in viewer.role_paths(Role.MANAGER))
    )


async def create_plan(
    viewer: Viewer, *, unit_id: int, year: int, title: str, budget: Decimal, kind: str = "annual"
) -> TrainingPlan:
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        raise not_found("Unit", "unitId")
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR of the unit makes its plan.", "unitId")
    problems: list[FieldError] = []
    if not title.strip():
        problems.append(FieldError("Title is required.", ErrorCode.REQUIRED, "title"))
    if budget < 0:
        problems.append(FieldError("A budget cannot be negative.", ErrorCode.INVALID, "budget"))
    if not 2000 <= year <= 2100:
        problems.append(FieldError("Not a year.", ErrorCode.INVALID, "year"))
    if problems:
        raise ServiceError(*problems)
    return await TrainingPlan.create(
        unit_id=unit.id, year=year, title=title.strip(), budget=budget, kind=kind
    )


async def add_plan_item(
    viewer: Viewer,
    *,
    plan_id: int,
    course_id: int,
    target_position_id: int | None,
    planned_participants: int,
    planned_cost: Decimal,
) -> PlanItem:
    plan = await TrainingPlan.get_or_none(id=plan_id).select_related("unit")
    # A plan the viewer may not read does not exist for them (not "forbidden").
    if plan is None or not may_read_plan(viewer, plan):
        raise not_found("Plan", "planId")
    if not viewer.can_manage_employees_in(plan.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HR of the unit edits its plan.", "planId")
    if await get_course(viewer, course_id) is None:
        raise not_found("Course", "courseId")
    if planned_participants < 0 or planned_cost < 0:
        raise ServiceError.one(
            ErrorCode.INVALID, "Planned figures cannot be negative.", "plannedCost"
        )
    return await PlanItem.create(
        plan_id=plan.id,
        course_id=course_id,
        target_position_id=target_position_id,
        planned_participants=planned_participants,
        planned_cost=planned_cost,
    )


@dataclass(frozen=True)
class Budget:
    budget: Decimal
    planned: Decimal  # the items' planned cost
    used: Decimal  # cash cost of the enrolments of the unit's employees in the plan's year
    enrollments: int

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.used


async def plan_budget(plan: TrainingPlan) -> Budget:
    await plan.fetch_related("unit")
    planned = sum((i.planned_cost for i in await PlanItem.filter(plan_id=plan.id)), Decimal(0))
    enrollments = await Enrollment.filter(
        employee__unit__path__startswith=plan.unit.path,
        status__in=ACTIVE_STATUSES,
        enrolled_at__gte=datetime(plan.year, 1, 1, tzinfo=UTC),
        enrolled_at__lt=datetime(plan.year + 1, 1, 1, tzinfo=UTC),
    )
    by_enrollment = await costs.enrollment_costs(enrollments)
    return Budget(plan.budget, planned, sum(by_enrollment.values(), Decimal(0)), len(enrollments))


# --- participation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipationPoint:
    period: date
    population: int  # employees in the target group (current members)
    participants: int  # of them, enrolled (not cancelled or waitlisted) by the end of the period
    completed: int  # of them, completed by the end of the period

    @property
    def participation_rate(self) -> Decimal | None:
        return (
            (Decimal(self.participants) * 100 / self.population).quantize(Decimal("0.1"))
            if self.population
            else None
        )

    @property
    def completion_rate(self) -> Decimal | None:
        return (
            (Decimal(self.completed) * 100 / self.participants).quantize(Decimal("0.1"))
            if self.participants
            else None
        )


async def participation(
    viewer: Viewer,
    *,
    course_id: int,
    unit_id: int | None,
    position_id: int | None,
    period_from: date,
    period_to: date,
) -> list[ParticipationPoint] | None:
    """Month by month, the share of a target group that had enrolled in and completed a course."""
    scope = viewer.employee_filter(FieldGroup.WORK)
    if scope is None:
        return None
    population = Employee.filter(scope).exclude(status="terminated")
    if unit_id is not None:
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            return None
        population = population.filter(unit__path__startswith=unit.path)
    if position_id is not None:
        population = population.filter(position_id=position_id)
    ids = set(await population.values_list("id", flat=True))
    rows = await Enrollment.filter(course_id=course_id, status__in=ACTIVE_STATUSES).values_list(
        "employee_id", "enrolled_at", "completed_at"
    )
    first_enrolled: dict[int, datetime] = {}
    first_completed: dict[int, datetime] = {}
    for employee_id, enrolled_at, completed_at in rows:
        if employee_id not in ids:
            continue
        if employee_id not in first_enrolled or enrolled_at < first_enrolled[employee_id]:
            first_enrolled[employee_id] = enrolled_at
        if completed_at is not None and (
            employee_id not in first_completed or completed_at < first_completed[employee_id]
        ):
            first_completed[employee_id] = completed_at
    points = []
    for period in periods_between(period_from, period_to):
        end = rollup_next_month(period)
        points.append(
            ParticipationPoint(
                period=period,
                population=len(ids),
                participants=sum(1 for t in first_enrolled.values() if t < end),
                completed=sum(1 for t in first_completed.values() if t < end),
            )
        )
    return points


def rollup_next_month(period: date) -> datetime:
    month = period.month % 12 + 1
    year = period.year + (1 if period.month == 12 else 0)
    return datetime(year, month, 1, tzinfo=UTC)


# --- bonuses tied to courses ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingBonus:
    rule: TrainingTargetRule
    period: date
    achievement: Decimal
    amount: Decimal


async def bonuses(viewer: Viewer, employee_id: int) -> list[TrainingBonus] | None:
    """For each bonus rule of a course the employee completed: the periods after completion in
    which their achievement on the rule's KPI passed the threshold, and the amount earned."""
    if not await skills_service.assessable_employees(viewer, [employee_id]):
        return None
    completed = {
        e.course_id: e.completed_at
        for e in await Enrollment.filter(employee_id=employee_id, status=EnrollmentStatus.COMPLETED)
    }
    result: list[TrainingBonus] = []
    for rule in await TrainingTargetRule.filter(
        kind=TargetRuleKind.BONUS, is_active=True, course_id__in=list(completed)
    ).select_related("kpi"):
        done = completed[rule.course_id]
        assert (
            done is not None
            and rule.threshold_percent is not None
            and rule.bonus_amount is not None
        )
        start = rollup_next_month(date(done.year, done.month, 1)).date()
        kpi: Kpi = rule.kpi
        rows = await rollup.member_values(
            viewer,
            kpi,
            periods_between(start, date(start.year + 2, start.month, 1)),
            employee_id=employee_id,
        )
        for row in sorted(rows, key=lambda r: r.period):
            score = rollup.achievement(kpi, row.actual, row.target)
            if score is not None and score > rule.threshold_percent:
                result.append(TrainingBonus(rule, row.period, score, rule.bonus_amount))
    return result


async def competency_names() -> dict[int, str]:
    return {c.id: c.name for c in await Competency.all()}
