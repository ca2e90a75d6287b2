"""Root query fields and mutations of training."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from talentloop.errors import ErrorCode, ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, PublicError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, to_connection
from talentloop.pagination import keyset_page
from talentloop.training import library, service
from talentloop.training.models import (
    CostKind,
    Course,
    CourseFormat,
    CourseKind,
    CourseSession,
    Enrollment,
    EnrollmentStatus,
    PlanKind,
    TargetRuleKind,
    TrainingPlan,
    TrainingTargetRule,
)
from talentloop.training.types import (
    CourseNode,
    CourseRecommendation,
    CourseSessionNode,
    EnrollmentNode,
    ParticipationPointInfo,
    TrainingBonusInfo,
    TrainingPlanNode,
    TrainingTargetRuleNode,
)

strawberry.enum(CostKind, name="CostKind", description="What a cost item pays for.")
FromArg = Annotated[
    date, strawberry.argument(name="from", description="First month (its first day).")
]
ToArg = Annotated[date, strawberry.argument(name="to", description="Last month (its first day).")]


@strawberry.input(description="Narrows the course catalogue.")
class CourseFilter:
    format: list[CourseFormat] | None = strawberry.field(
        default=None, description="Any of these formats."
    )
    kind: CourseKind | None = strawberry.field(default=None, description="General or industry.")
    competency_id: strawberry.ID | None = strawberry.field(
        default=None, description="Builds this competency."
    )
    search: str | None = strawberry.field(
        default=None, description="In the title, code or description."
    )


def _public(exc: ServiceError) -> PublicError:
    return PublicError.of(exc)


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="The course library, by code.")
    async def courses(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: CourseFilter | None = None,
    ) -> Connection[CourseNode]:
        query = None
        if filter is not None:
            query = service.CourseQuery(
                formats=filter.format,
                kind=filter.kind,
                competency_id=(pk_of(filter.competency_id, "Competency") or -1)
                if filter.competency_id
                else None,
                search=filter.search,
            )
        try:
            page = await keyset_page(
                service.catalogue(info.context.viewer, query), key="code", first=first, after=after
            )
        except ServiceError as exc:
            raise _public(exc) from exc
        return to_connection(page, lambda c: CourseNode(_model=c))

    @strawberry.field(
        description=(
            "Courses for an employee, ranked by the gaps they close, with reasons; null when the "
            "viewer may not see the person's gaps (or there is no such person)."
        )
    )
    async def recommended_courses(
        self,
        info: Info,
        employee_id: strawberry.ID,
        preferred_formats: list[CourseFormat] | None = None,
    ) -> list[CourseRecommendation] | None:
        found = await service.recommendations(
            info.context.viewer, pk_of(employee_id, "Employee") or -1, preferred_formats
        )
        if found is None:
            return None
        return [CourseRecommendation(_recommendation=r) for r in found]

    @strawberry.field(description="The viewer's own enrolments: “my learning”.")
    async def my_enrollments(
        self, info: Info, status: list[EnrollmentStatus] | None = None
    ) -> list[EnrollmentNode]:
        viewer = info.context.viewer
        if viewer.employee_id is None:
            return []
        qs = service.visible_enrollments(viewer).filter(employee_id=viewer.employee_id)
        if status:
            qs = qs.filter(status__in=status)
        return [EnrollmentNode(_model=e) for e in await qs.order_by("-enrolled_at", "-id")]

    @strawberry.field(
        description="Enrolments of the learners the viewer may see (an attendance sheet with sessionId)."
    )
    async def enrollments(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        course_id: strawberry.ID | None = None,
        session_id: strawberry.ID | None = None,
        employee_id: strawberry.ID | None = None,
        status: list[EnrollmentStatus] | None = None,
    ) -> Connection[EnrollmentNode]:
        qs = service.visible_enrollments(info.context.viewer)
        if course_id is not None:
            qs = qs.filter(course_id=pk_of(course_id, "Course") or -1)
        if session_id is not None:
            qs = qs.filter(session_id=pk_of(session_id, "CourseSession") or -1)
        if employee_id is not None:
            qs = qs.filter(employee_id=pk_of(employee_id, "Employee") or -1)
        if status:
            qs = qs.filter(status__in=status)
        try:
            page = await keyset_page(qs, key="id", first=first, after=after)
        except ServiceError as exc:
            raise _public(exc) from exc
        return to_connection(page, lambda e: EnrollmentNode(_model=e))

    @strawberry.field(description="Training plans of the units the viewer directs.")
    async def training_plans(self, info: Info) -> list[TrainingPlanNode]:
        return [
            TrainingPlanNode(_model=p) for p in await service.visible_plans(info.context.viewer)
        ]

    @strawberry.field(
        description="Month by month, the share of a group that enrolled in and completed a course."
    )
    async def training_participation(
        self,
        info: Info,
        course_id: strawberry.ID,
        period_from: FromArg,
        period_to: ToArg,
        unit_id: strawberry.ID | None = None,
        position_id: strawberry.ID | None = None,
    ) -> list[ParticipationPointInfo]:
        if (
            period_to < period_from
            or (period_to.year - period_from.year) * 12 + period_to.month - period_from.month > 60
        ):
            raise PublicError("A range holds 1 to 60 months.")
        points = await service.participation(
            info.context.viewer,
            course_id=pk_of(course_id, "Course") or -1,
            unit_id=(pk_of(unit_id, "OrgUnit") or -1) if unit_id else None,
            position_id=(pk_of(position_id, "Position") or -1) if position_id else None,
            period_from=period_from,
            period_to=period_to,
        )
        return [ParticipationPointInfo.of(p) for p in points or []]

    @strawberry.field(description="Rules tying courses to targets and bonuses.")
    async def training_target_rules(
        self,
        info: Info,
        include_inactive: Annotated[
            bool, strawberry.argument(description="Also the rules turned off.")
        ] = False,
    ) -> list[TrainingTargetRuleNode]:
        if not info.context.viewer.is_authenticated:
            return []
        rules = (
            TrainingTargetRule.all()
            if include_inactive
            else TrainingTargetRule.filter(is_active=True)
        )
        return [TrainingTargetRuleNode(_model=r) for r in await rules.order_by("id")]

    @strawberry.field(
        description="Bonuses an employee earned by beating targets after completing courses."
    )
    async def training_bonuses(
        self, info: Info, employee_id: strawberry.ID
    ) -> list[TrainingBonusInfo]:
        found = await service.bonuses(info.context.viewer, pk_of(employee_id, "Employee") or -1)
        return [
            TrainingBonusInfo(
                _rule=b.rule, period=b.period, achievement=b.achievement, amount=b.amount
            )
            for b in found or []
        ]


async def _course_node(info: Info, pk: int) -> CourseNode | None:
    found = await service.get_course(info.context.viewer, pk)
    return CourseNode(_model=found) if found else None


async def _enrollment_node(info: Info, pk: int) -> EnrollmentNode | None:
    found = await service.visible_enrollments(info.context.viewer).filter(id=pk).first()
    return EnrollmentNode(_model=found) if found else None


async def _plan_node(info: Info, pk: int) -> TrainingPlanNode | None:
    found = [p for p in await service.visible_plans(info.context.viewer) if p.id == pk]
    return TrainingPlanNode(_model=found[0]) if found else None


async def _session_node(info: Info, pk: int) -> CourseSessionNode | None:
    found = await service.get_session(info.context.viewer, pk)
    return CourseSessionNode(_model=found) if found else None


async def _target_rule_node(info: Info, pk: int) -> TrainingTargetRuleNode | None:
    if not info.context.viewer.is_authenticated:
        return None
    found = await TrainingTargetRule.get_or_none(id=pk)
    return TrainingTargetRuleNode(_model=found) if found else None


register_node("Course", _course_node, Course)
register_node("CourseSession", _session_node, CourseSession)
register_node("Enrollment", _enrollment_node, Enrollment)
register_node("TrainingPlan", _plan_node, TrainingPlan)
register_node("TrainingTargetRule", _target_rule_node, TrainingTargetRule)


# --- mutations -------------------------------------------------------------------------------


@strawberry.type(description="The enrolment after the change, or the errors that stopped it.")
class EnrollmentPayload:
    enrollment: EnrollmentNode | None = strawberry.field(description="The enrolment.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(
    description="Enrol oneself (no employeeId), one's team member, or anyone in HR's scope."
)
class EnrollInCourseInput:
    course_id: strawberry.ID = strawberry.field(description="The course.")
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the viewer."
    )
    session_id: strawberry.ID | None = strawberry.field(
        default=None, description="Workshops and blended courses."
    )
    mentor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Mentoring: the mentor."
    )
    mentoring_plan: str = strawberry.field(default="", description="Mentoring: the plan.")


@strawberry.input(description="Online lessons done.")
class RecordLessonProgressInput:
    enrollment_id: strawberry.ID = strawberry.field(description="The enrolment.")
    lessons_done: int = strawberry.field(description="How many lessons are done.")


@strawberry.input(description="One learner on an attendance sheet.")
class AttendanceEntry:
    employee_id: strawberry.ID = strawberry.field(description="The learner.")
    attended: bool = strawberry.field(description="Came or not.")


@strawberry.input(description="A session's attendance sheet.")
class MarkAttendanceInput:
    session_id: strawberry.ID = strawberry.field(description="The session.")
    entries: list[AttendanceEntry] = strawberry.field(description="Who came.")


@strawberry.input(description="The options chosen for one exam question.")
class ExamAnswerInput:
    question_id: strawberry.ID = strawberry.field(description="The question.")
    keys: list[str] = strawberry.field(description="Chosen option keys.")


@strawberry.input(description="A finished course exam.")
class TakeCourseExamInput:
    enrollment_id: strawberry.ID = strawberry.field(description="The enrolment.")
    answers: list[ExamAnswerInput] = strawberry.field(description="The answers.")


@strawberry.input(description="The learner's rating of a course.")
class GiveCourseFeedbackInput:
    enrollment_id: strawberry.ID = strawberry.field(description="The enrolment.")
    rating: int = strawberry.field(description="1 to 5.")
    comment: str = strawberry.field(default="", description="What worked, what did not.")


@strawberry.type(description="The attendance as saved, or the errors that stopped it.")
class AttendancePayload:
    enrollments: list[EnrollmentNode] = strawberry.field(description="The learners marked.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A competency a new course builds.")
class CourseCompetencyInput:
    competency_id: strawberry.ID = strawberry.field(description="The competency.")
    target_level: int = strawberry.field(description="The level it brings a learner to.")


@strawberry.input(description="An online lesson.")
class LessonInput:
    title: str = strawberry.field(description="Title.")
    minutes: int = strawberry.field(default=30, description="Length.")


@strawberry.input(description="A new course (HQ HR).")
class CreateCourseInput:
    code: str = strawberry.field(description="Code.")
    title: str = strawberry.field(description="Title.")
    format: CourseFormat = strawberry.field(description="Format.")
    duration_hours: Decimal = strawberry.field(description="Learning time.")
    kind: CourseKind = strawberry.field(
        default=CourseKind.GENERAL, description="General or industry."
    )
    description: str = strawberry.field(default="", description="Description.")
    provider: str = strawberry.field(default="", description="Provider.")
    exam_id: strawberry.ID | None = strawberry.field(
        default=None, description="A skill test as the exam."
    )
    pass_level: int = strawberry.field(default=3, description="Exam level that passes.")
    competencies: list[CourseCompetencyInput] = strawberry.field(
        default_factory=list, description="What it builds."
    )
    lessons: list[LessonInput] = strawberry.field(
        default_factory=list, description="Online lessons."
    )


@strawberry.input(description="A course's own fields, edited (HQ HR); the format stays.")
class UpdateCourseInput:
    id: strawberry.ID = strawberry.field(description="The course.")
    code: str = strawberry.field(description="Code.")
    title: str = strawberry.field(description="Title.")
    format: CourseFormat = strawberry.field(description="Format (cannot change).")
    duration_hours: Decimal = strawberry.field(description="Learning time.")
    kind: CourseKind = strawberry.field(description="General or industry.")
    description: str = strawberry.field(default="", description="Description.")
    provider: str = strawberry.field(default="", description="Provider.")
    pass_level: int = strawberry.field(default=3, description="Exam level that passes.")


@strawberry.input(description="A completion as it happened (HR or the manager).")
class CompleteEnrollmentInput:
    id: strawberry.ID = strawberry.field(description="The enrolment.")
    completed_on: date | None = strawberry.field(
        default=None,
        description="The day it was completed (company time): not in the future, not before "
        "its session started. Default today.",
    )
    score: Decimal | None = strawberry.field(default=None, description="Final score, 0 to 100.")
    actual_cost: Decimal | None = strawberry.field(
        default=None, description="What it really cost, CNY (HR): replaces its share of the items."
    )


@strawberry.type(description="The course as saved, or the errors that stopped it.")
class CoursePayload:
    course: CourseNode | None = strawberry.field(description="The course.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A new session of a workshop or blended course.")
class AddCourseSessionInput:
    course_id: strawberry.ID = strawberry.field(description="The course.")
    starts_at: datetime = strawberry.field(
        description="Starts: local wall-clock time where it is held (or an instant with its offset)."
    )
    ends_at: datetime = strawberry.field(description="Ends: likewise.")
    place: str = strawberry.field(description="Where.")
    trainer: str = strawberry.field(default="", description="Who teaches, as a name.")
    trainer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Or a trainer from the register (their name is shown)."
    )
    capacity: int = strawberry.field(description="Seats.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The branch running it."
    )
    time_zone: str | None = strawberry.field(
        default=None,
        description="The IANA zone it is held in, when not its unit's (e.g. Europe/Berlin). "
        "Times sent without an offset are wall-clock times in this zone; stored in UTC.",
    )


@strawberry.type(description="The session as saved, or the errors that stopped it.")
class CourseSessionPayload:
    session: CourseSessionNode | None = strawberry.field(description="The session.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A cost of a course or one of its sessions.")
class AddCostItemInput:
    course_id: strawberry.ID = strawberry.field(description="The course.")
    session_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this session."
    )
    kind: CostKind = strawberry.field(description="What it pays for.")
    amount: Decimal = strawberry.field(description="CNY.")
    per_participant: bool = strawberry.field(
        default=False, description="Per learner rather than fixed."
    )
    description: str = strawberry.field(default="", description="Note.")


@strawberry.type(description="Whether it worked, or the errors that stopped it.")
class TrainingOkPayload:
    ok: bool = strawberry.field(description="True when it worked.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A unit's training plan.")
class CreateTrainingPlanInput:
    unit_id: strawberry.ID = strawberry.field(description="The unit.")
    year: int = strawberry.field(description="Year.")
    title: str = strawberry.field(description="Title.")
    budget: Decimal = strawberry.field(description="CNY.")
    kind: PlanKind = strawberry.field(default=PlanKind.ANNUAL, description="Annual or ad hoc.")


@strawberry.input(description="A course planned for a target group.")
class AddPlanItemInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    course_id: strawberry.ID = strawberry.field(description="The course.")
    target_position_id: strawberry.ID | None = strawberry.field(
        default=None, description="Target group."
    )
    planned_participants: int = strawberry.field(description="People.")
    planned_cost: Decimal = strawberry.field(description="CNY.")


@strawberry.type(description="The plan as saved, or the errors that stopped it.")
class TrainingPlanPayload:
    plan: TrainingPlanNode | None = strawberry.field(description="The plan.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Tie completing a course to a target change or a bonus (HQ HR).")
class CreateTrainingTargetRuleInput:
    kind: TargetRuleKind = strawberry.field(description="Adjustment or bonus.")
    course_id: strawberry.ID = strawberry.field(description="The course.")
    kpi_id: strawberry.ID = strawberry.field(description="The KPI.")
    percent: Decimal | None = strawberry.field(
        default=None, description="Adjustment: -5 lowers by 5 %."
    )
    threshold_percent: Decimal | None = strawberry.field(
        default=None, description="Bonus: above this achievement."
    )
    bonus_amount: Decimal | None = strawberry.field(
        default=None, description="Bonus: CNY per period."
    )


@strawberry.input(description="A rule's figures changed, or the rule turned off or on (HQ HR).")
class UpdateTrainingTargetRuleInput:
    id: strawberry.ID = strawberry.field(description="The rule.")
    percent: Decimal | None = strawberry.field(
        default=None, description="Adjustment: -5 lowers by 5 %."
    )
    threshold_percent: Decimal | None = strawberry.field(
        default=None, description="Bonus: above this achievement."
    )
    bonus_amount: Decimal | None = strawberry.field(
        default=None, description="Bonus: CNY per period."
    )
    is_active: bool = strawberry.field(default=True, description="False turns it off.")


@strawberry.type(description="The rule as saved, or the errors that stopped it.")
class TrainingTargetRulePayload:
    rule: TrainingTargetRuleNode | None = strawberry.field(description="The rule.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


def _enrollment_payload(enrollment: object) -> EnrollmentPayload:
    return EnrollmentPayload(enrollment=EnrollmentNode(_model=enrollment), errors=[])  # type: ignore[arg-type]


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(
        description="Enrol in a course; a full session puts the learner on the waitlist. An "
        "enrolment that costs money is PENDING until its approval request (TRAINING_ENROLMENT, "
        "its amount the learner's cash cost) is approved."
    )
    async def enroll_in_course(self, info: Info, input: EnrollInCourseInput) -> EnrollmentPayload:
        viewer = info.context.viewer
        try:
            employee_id = (
                optional_pk(input.employee_id, "Employee", "employeeId") or viewer.employee_id
            )
            if employee_id is None:
                raise ServiceError.one(ErrorCode.REQUIRED, "Whom to enrol?", "employeeId")
            enrollment = await service.enroll(
                viewer,
                course_id=require_pk(input.course_id, "Course", "courseId"),
                employee_id=employee_id,
                session_id=optional_pk(input.session_id, "CourseSession", "sessionId"),
                mentor_id=optional_pk(input.mentor_id, "Employee", "mentorId"),
                mentoring_plan=input.mentoring_plan,
            )
        except ServiceError as exc:
            return EnrollmentPayload(enrollment=None, errors=mutation_errors(exc))
        return _enrollment_payload(enrollment)

    @strawberry.mutation(description="Leave a course; the first on the waitlist takes the seat.")
    async def cancel_enrollment(self, info: Info, id: strawberry.ID) -> EnrollmentPayload:
        try:
            enrollment = await service.cancel(
                info.context.viewer, require_pk(id, "Enrollment", "id")
            )
        except ServiceError as exc:
            return EnrollmentPayload(enrollment=None, errors=mutation_errors(exc))
        return _enrollment_payload(enrollment)

    @strawberry.mutation(description="The learner records online lessons done.")
    async def record_lesson_progress(
        self, info: Info, input: RecordLessonProgressInput
    ) -> EnrollmentPayload:
        try:
            enrollment = await service.record_progress(
                info.context.viewer,
                require_pk(input.enrollment_id, "Enrollment", "enrollmentId"),
                input.lessons_done,
            )
        except ServiceError as exc:
            return EnrollmentPayload(enrollment=None, errors=mutation_errors(exc))
        return _enrollment_payload(enrollment)

    @strawberry.mutation(description="Mark who came to a session (HR or the learners' manager).")
    async def mark_attendance(self, info: Info, input: MarkAttendanceInput) -> AttendancePayload:
        try:
            changed = await service.mark_attendance(
                info.context.viewer,
                require_pk(input.session_id, "CourseSession", "sessionId"),
                {
                    require_pk(e.employee_id, "Employee", "entries"): e.attended
                    for e in input.entries
                },
            )
        except ServiceError as exc:
            return AttendancePayload(enrollments=[], errors=mutation_errors(exc))
        return AttendancePayload(enrollments=[EnrollmentNode(_model=e) for e in changed], errors=[])

    @strawberry.mutation(
        description="Take the course's exam; a pass completes the course when the rest is done."
    )
    async def take_course_exam(self, info: Info, input: TakeCourseExamInput) -> EnrollmentPayload:
        try:
            enrollment = await service.take_exam(
                info.context.viewer,
                require_pk(input.enrollment_id, "Enrollment", "enrollmentId"),
                {require_pk(a.question_id, "Question", "answers"): a.keys for a in input.answers},
            )
        except ServiceError as exc:
            return EnrollmentPayload(enrollment=None, errors=mutation_errors(exc))
        return _enrollment_payload(enrollment)

    @strawberry.mutation(
        description="Sign off a course with no exam or lessons, or a session's learner (who "
        "then counts as present), as it happened: its date (default today), score and real "
        "cost (HR or the manager; the cost HR only)."
    )
    async def complete_enrollment(
        self, info: Info, input: CompleteEnrollmentInput
    ) -> EnrollmentPayload:
        try:
            enrollment = await service.complete(
                info.context.viewer,
                require_pk(input.id, "Enrollment", "id"),
                service.Completion(input.completed_on, input.score, input.actual_cost),
            )
        except ServiceError as exc:
            return EnrollmentPayload(enrollment=None, errors=mutation_errors(exc))
        return _enrollment_payload(enrollment)

    @strawberry.mutation(description="The learner rates the course.")
    async def give_course_feedback(
        self, info: Info, input: GiveCourseFeedbackInput
    ) -> EnrollmentPayload:
        try:
            enrollment = await service.give_feedback(
                info.context.viewer,
                require_pk(input.enrollment_id, "Enrollment", "enrollmentId"),
                input.rating,
                input.comment,
            )
        except ServiceError as exc:
            return EnrollmentPayload(enrollment=None, errors=mutation_errors(exc))
        return _enrollment_payload(enrollment)

    @strawberry.mutation(description="Add a course to the library (HQ HR).")
    async def create_course(self, info: Info, input: CreateCourseInput) -> CoursePayload:
        try:
            course = await library.create_course(
                info.context.viewer,
                library.CourseInput(
                    code=input.code,
                    title=input.title,
                    format=input.format,
                    duration_hours=input.duration_hours,
                    kind=input.kind,
                    description=input.description,
                    provider=input.provider,
                    exam_id=optional_pk(input.exam_id, "SkillTest", "examId"),
                    pass_level=input.pass_level,
                    competencies=[
                        (require_pk(c.competency_id, "Competency", "competencies"), c.target_level)
                        for c in input.competencies
                    ],
                    lessons=[(lesson.title, lesson.minutes) for lesson in input.lessons],
                ),
            )
        except ServiceError as exc:
            return CoursePayload(course=None, errors=mutation_errors(exc))
        return CoursePayload(course=CourseNode(_model=course), errors=[])

    @strawberry.mutation(description="Edit a course's own fields (HQ HR); its format stays.")
    async def update_course(self, info: Info, input: UpdateCourseInput) -> CoursePayload:
        try:
            course = await library.update_course(
                info.context.viewer,
                require_pk(input.id, "Course", "id"),
                library.CourseInput(
                    code=input.code,
                    title=input.title,
                    format=input.format,
                    duration_hours=input.duration_hours,
                    kind=input.kind,
                    description=input.description,
                    provider=input.provider,
                    pass_level=input.pass_level,
                ),
            )
        except ServiceError as exc:
            return CoursePayload(course=None, errors=mutation_errors(exc))
        return CoursePayload(course=CourseNode(_model=course), errors=[])

    @strawberry.mutation(description="Schedule a session (HQ HR; branch HR in its branch).")
    async def add_course_session(
        self, info: Info, input: AddCourseSessionInput
    ) -> CourseSessionPayload:
        try:
            session = await library.add_session(
                info.context.viewer,
                course_id=require_pk(input.course_id, "Course", "courseId"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                place=input.place,
                trainer=input.trainer,
                capacity=input.capacity,
                unit_id=optional_pk(input.unit_id, "OrgUnit", "unitId"),
                trainer_id=optional_pk(input.trainer_id, "Trainer", "trainerId"),
                time_zone=input.time_zone,
            )
        except ServiceError as exc:
            return CourseSessionPayload(session=None, errors=mutation_errors(exc))
        return CourseSessionPayload(session=CourseSessionNode(_model=session), errors=[])

    @strawberry.mutation(description="Record a cost of a course (HR).")
    async def add_course_cost_item(self, info: Info, input: AddCostItemInput) -> TrainingOkPayload:
        try:
            await library.add_cost_item(
                info.context.viewer,
                course_id=require_pk(input.course_id, "Course", "courseId"),
                session_id=optional_pk(input.session_id, "CourseSession", "sessionId"),
                kind=input.kind.value,
                amount=input.amount,
                per_participant=input.per_participant,
                description=input.description,
            )
        except ServiceError as exc:
            return TrainingOkPayload(ok=False, errors=mutation_errors(exc))
        return TrainingOkPayload(ok=True, errors=[])

    @strawberry.mutation(description="Make a unit's training plan (HR of the unit).")
    async def create_training_plan(
        self, info: Info, input: CreateTrainingPlanInput
    ) -> TrainingPlanPayload:
        try:
            plan = await service.create_plan(
                info.context.viewer,
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                year=input.year,
                title=input.title,
                budget=input.budget,
                kind=input.kind.value,
            )
        except ServiceError as exc:
            return TrainingPlanPayload(plan=None, errors=mutation_errors(exc))
        return TrainingPlanPayload(plan=TrainingPlanNode(_model=plan), errors=[])

    @strawberry.mutation(description="Plan a course for a target group.")
    async def add_training_plan_item(
        self, info: Info, input: AddPlanItemInput
    ) -> TrainingPlanPayload:
        try:
            item = await service.add_plan_item(
                info.context.viewer,
                plan_id=require_pk(input.plan_id, "TrainingPlan", "planId"),
                course_id=require_pk(input.course_id, "Course", "courseId"),
                target_position_id=optional_pk(
                    input.target_position_id, "Position", "targetPositionId"
                ),
                planned_participants=input.planned_participants,
                planned_cost=input.planned_cost,
            )
        except ServiceError as exc:
            return TrainingPlanPayload(plan=None, errors=mutation_errors(exc))
        return TrainingPlanPayload(
            plan=TrainingPlanNode(_model=await TrainingPlan.get(id=item.plan_id)), errors=[]
        )

    @strawberry.mutation(
        description="Tie completing a course to a target change or a bonus (HQ HR)."
    )
    async def create_training_target_rule(
        self, info: Info, input: CreateTrainingTargetRuleInput
    ) -> TrainingTargetRulePayload:
        try:
            rule = await library.create_target_rule(
                info.context.viewer,
                kind=input.kind,
                course_id=require_pk(input.course_id, "Course", "courseId"),
                kpi_id=require_pk(input.kpi_id, "Kpi", "kpiId"),
                percent=input.percent,
                threshold_percent=input.threshold_percent,
                bonus_amount=input.bonus_amount,
            )
        except ServiceError as exc:
            return TrainingTargetRulePayload(rule=None, errors=mutation_errors(exc))
        return TrainingTargetRulePayload(rule=TrainingTargetRuleNode(_model=rule), errors=[])

    @strawberry.mutation(
        description="Change a training target rule's figures, or turn it off or on (HQ HR)."
    )
    async def update_training_target_rule(
        self, info: Info, input: UpdateTrainingTargetRuleInput
    ) -> TrainingTargetRulePayload:
        try:
            rule = await library.update_target_rule(
                info.context.viewer,
                require_pk(input.id, "TrainingTargetRule", "id"),
                percent=input.percent,
                threshold_percent=input.threshold_percent,
                bonus_amount=input.bonus_amount,
                is_active=input.is_active,
            )
        except ServiceError as exc:
            return TrainingTargetRulePayload(rule=None, errors=mutation_errors(exc))
        return TrainingTargetRulePayload(rule=TrainingTargetRuleNode(_model=rule), errors=[])
