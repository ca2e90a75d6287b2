"""GraphQL types for training."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop import timezones
from talentloop.access.policy import FieldNotPermitted
from talentloop.accounts.models import Role
from talentloop.graphql.context import Info
from talentloop.graphql.ids import pk_of, to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import employee_node, unit_node
from talentloop.performance.periods import label
from talentloop.training import costs, loaders, preview, service
from talentloop.training.models import (
    Course,
    CourseFormat,
    CourseKind,
    CourseSession,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Lesson,
    PlanKind,
    TargetRuleKind,
    Trainer,
    TrainerKind,
    TrainingPlan,
    TrainingTargetRule,
)

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode, PositionNode
    from talentloop.performance.types import KpiNode
    from talentloop.skills.types import CompetencyNode, SkillTestNode, TestAttemptNode

for enum, name, description in [
    (CourseFormat, "CourseFormat", "Online, offline workshop, blended or mentoring."),
    (CourseKind, "CourseKind", "General or industry-specific."),
    (EnrollmentStatus, "EnrollmentStatus", "Where an enrolment stands."),
    (EnrollmentSource, "EnrollmentSource", "Who enrolled the learner."),
    (PlanKind, "TrainingPlanKind", "Annual or ad hoc."),
    (TargetRuleKind, "TrainingTargetRuleKind", "A target adjustment or a bonus."),
    (TrainerKind, "TrainerKind", "An employee who teaches, or an outsider."),
]:
    strawberry.enum(enum, name=name, description=description)

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
PositionRef = Annotated["PositionNode", strawberry.lazy("talentloop.people.types")]
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]
KpiRef = Annotated["KpiNode", strawberry.lazy("talentloop.performance.types")]
CompetencyRef = Annotated["CompetencyNode", strawberry.lazy("talentloop.skills.types")]
SkillTestRef = Annotated["SkillTestNode", strawberry.lazy("talentloop.skills.types")]
TestAttemptRef = Annotated["TestAttemptNode", strawberry.lazy("talentloop.skills.types")]


async def _competency(competency_id: int) -> CompetencyNode | None:
    from talentloop.skills.models import Competency
    from talentloop.skills.types import CompetencyNode

    found = await Competency.get_or_none(id=competency_id)
    return CompetencyNode(_model=found) if found else None


async def _course(info: Info, course_id: int) -> CourseNode:
    """A row's course through the request's batched loader (a foreign key: always there)."""
    course = await info.context.loader("course", loaders.courses_by_id).load(course_id)
    assert course is not None
    return CourseNode(_model=course)


@strawberry.type(description="A competency a course builds, and the level it brings a learner to.")
class CourseCompetencyInfo:
    _competency_id: strawberry.Private[int]
    target_level: int = strawberry.field(description="1 to 5.")

    @strawberry.field(description="The competency.")
    async def competency(self) -> CompetencyRef | None:
        return await _competency(self._competency_id)


@strawberry.type(name="Lesson", description="A lesson of an online course.")
class LessonInfo:
    _model: strawberry.Private[Lesson]

    @strawberry.field(description="Order in the course, from 1.")
    def position(self) -> int:
        return self._model.position

    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="Link to the material.")
    def material_url(self) -> str:
        return self._model.material_url

    @strawberry.field(description="Length.")
    def minutes(self) -> int:
        return self._model.minutes


@strawberry.type(name="CourseSession", description="A run of a workshop or blended course.")
class CourseSessionNode(Node):
    _model: strawberry.Private[CourseSession]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CourseSession", self._model.id))

    async def _zone(self, info: Info) -> str:
        if self._model.time_zone:
            return self._model.time_zone
        return await info.context.loader("unit_zone", timezones.zones_by_unit).load(
            self._model.unit_id or 0
        )

    @strawberry.field(
        description="The IANA time zone it is held in: its own, else its unit's (else the "
        "company's). startsAt and endsAt carry its offset."
    )
    async def time_zone(self, info: Info) -> str:
        return await self._zone(info)

    @strawberry.field(description="Starts: the instant, with the offset of the session's zone.")
    async def starts_at(self, info: Info) -> datetime:
        return timezones.in_zone(self._model.starts_at, await self._zone(info))

    @strawberry.field(description="Ends: the instant, with the offset of the session's zone.")
    async def ends_at(self, info: Info) -> datetime:
        return timezones.in_zone(self._model.ends_at, await self._zone(info))

    @strawberry.field(
        description="When, in the session's zone and the viewer's language: "
        "2026年12月10日 09:00–17:00 / Dec 10, 2026 09:00–17:00."
    )
    async def schedule(self, info: Info) -> str:
        return timezones.span_text(
            self._model.starts_at, self._model.ends_at, await self._zone(info)
        )

    @strawberry.field(description="Where.")
    def place(self) -> str:
        return self._model.place

    @strawberry.field(description="Who teaches: the register's name when one was chosen.")
    def trainer(self) -> str:
        return self._model.trainer

    @strawberry.field(
        description="The trainer from the register (null for a name only, or one not readable)."
    )
    async def registered_trainer(self, info: Info) -> TrainerNode | None:
        if self._model.registered_trainer_id is None:
            return None
        found = await info.context.loader("trainer", loaders.trainers_by_id).load(
            self._model.registered_trainer_id
        )
        return TrainerNode(_model=found) if found else None

    @strawberry.field(description="The course.")
    async def course(self, info: Info) -> CourseNode:
        return await _course(info, self._model.course_id)

    @strawberry.field(description="The unit running it (null: company-wide).")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="When it was cancelled (null while it stands).")
    def cancelled_at(self) -> datetime | None:
        return self._model.cancelled_at

    @strawberry.field(description="Why it was cancelled.")
    def cancel_reason(self) -> str:
        return self._model.cancel_reason

    @strawberry.field(description="Seats.")
    def capacity(self) -> int:
        return self._model.capacity

    @strawberry.field(description="Seats taken.")
    async def seats_taken(self) -> int:
        return await service.seats_taken(self._model.id)

    @strawberry.field(description="Learners on the waitlist.")
    async def waitlisted(self) -> int:
        return await Enrollment.filter(
            session_id=self._model.id, status=EnrollmentStatus.WAITLISTED
        ).count()


@strawberry.type(name="Trainer", description="Who teaches: an employee or an outsider.")
class TrainerNode(Node):
    _model: strawberry.Private[Trainer]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Trainer", self._model.id))

    @strawberry.field(description="Internal (an employee) or external.")
    def kind(self) -> TrainerKind:
        return self._model.kind

    @strawberry.field(description="Name (an internal trainer's: the employee's).")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="The employee, for an internal trainer the viewer may see.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="Company or institution.")
    def organisation(self) -> str:
        return self._model.organisation

    @strawberry.field(description="Phone (HR only; null with an error for others).")
    def phone(self, info: Info) -> str | None:
        return self._contact(info, "phone", self._model.phone)

    @strawberry.field(description="E-mail (HR only; null with an error for others).")
    def email(self, info: Info) -> str | None:
        return self._contact(info, "email", self._model.email)

    @strawberry.field(description="Fee per day, CNY (HR only; null with an error for others).")
    def daily_fee(self, info: Info) -> Decimal | None:
        if not info.context.viewer.can_manage_employees:
            raise FieldNotPermitted("dailyFee")
        return self._model.daily_fee

    @staticmethod
    def _contact(info: Info, name: str, value: str) -> str:
        if not info.context.viewer.can_manage_employees:
            raise FieldNotPermitted(name)
        return value

    @strawberry.field(description="What they teach: competencies, topics.")
    def topics(self) -> str:
        return self._model.topics

    @strawberry.field(description="The unit whose HR keeps them (null: company-wide).")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="False once turned inactive: kept on past sessions.")
    def is_active(self) -> bool:
        return self._model.is_active

    @strawberry.field(description="The sessions they teach, latest first.")
    async def sessions(self, info: Info) -> list[CourseSessionNode]:
        found = await info.context.loader("trainer_sessions", loaders.sessions_by_trainer).load(
            self._model.id
        )
        return [CourseSessionNode(_model=s) for s in found]


@strawberry.type(description="What a course costs, fully loaded (HR and executives only).")
class CourseCostInfo:
    fixed: Decimal = strawberry.field(
        description="Session and course-wide items (trainer, venue, development…)."
    )
    per_participant: Decimal = strawberry.field(
        description="Per-participant items, all participants together."
    )
    participants: int = strawberry.field(
        description="Enrolments that count (not cancelled or waitlisted)."
    )
    participants_hours: Decimal = strawberry.field(
        description="Learning hours of all participants."
    )
    participants_time_cost: Decimal = strawberry.field(
        description="Those hours at each participant's hourly cost (monthly base ÷ 21.75 ÷ 8)."
    )
    cash: Decimal = strawberry.field(description="Money spent: fixed + per participant.")
    fully_loaded: Decimal = strawberry.field(description="Cash + participants' time.")
    cash_per_participant: Decimal | None = strawberry.field(description="Cash ÷ participants.")


@strawberry.type(description="One learner of an enrolment not yet made: its cost and approval.")
class EnrollmentPreviewLine:
    _line: strawberry.Private[preview.PreviewLine]

    @strawberry.field(description="The learner.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._line.employee_id)

    @strawberry.field(
        description="Cash cost of their enrolment (the amount approval is asked for)."
    )
    def cost(self) -> Decimal:
        return self._line.cost

    @strawberry.field(description="Whether their enrolment waits for approval (it costs money).")
    def needs_approval(self) -> bool:
        return self._line.needs_approval

    @strawberry.field(description="Who would approve it first, in a sentence (empty when free).")
    def approver_text(self) -> str:
        return self._line.approver_text


@strawberry.type(
    description="What enrolling these learners would cost and who would approve it, before "
    "anything is submitted."
)
class EnrollmentPreview:
    _preview: strawberry.Private[preview.EnrollmentPreview]

    @strawberry.field(
        description="Cash cost per learner (per-learner items and a share of fixed ones)."
    )
    def cost_per_person(self) -> Decimal:
        return self._preview.cost_per_person

    @strawberry.field(description="Cash cost of them all.")
    def total(self) -> Decimal:
        return self._preview.total

    @strawberry.field(description="Whether any of the enrolments waits for approval.")
    def needs_approval(self) -> bool:
        return self._preview.needs_approval

    @strawberry.field(description="Who would approve first, in a sentence (empty when free).")
    def approver_text(self) -> str:
        return self._preview.approver_text

    @strawberry.field(
        description="What is left of this year's training budget over the learners (the "
        "nearest plan the viewer reads); null without one."
    )
    def budget_left(self) -> Decimal | None:
        return self._preview.budget.left if self._preview.budget else None

    @strawberry.field(description="The plan whose budget that is.")
    def budget_plan(self) -> str | None:
        return self._preview.budget.title if self._preview.budget else None

    @strawberry.field(description="One per learner the viewer may enrol (others left out).")
    def lines(self) -> list[EnrollmentPreviewLine]:
        return [EnrollmentPreviewLine(_line=line) for line in self._preview.lines]


@strawberry.type(name="Course", description="A course in the library.")
class CourseNode(Node):
    _model: strawberry.Private[Course]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Course", self._model.id))

    @strawberry.field(description="Code.")
    def code(self) -> str:
        return self._model.code

    @strawberry.field(description="Title, e.g. 《双赢谈判策略》.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="What it teaches and how.")
    def description(self) -> str:
        return self._model.description

    @strawberry.field(description="Online, workshop, blended or mentoring.")
    def format(self) -> CourseFormat:
        return self._model.format

    @strawberry.field(description="General or industry-specific.")
    def kind(self) -> CourseKind:
        return self._model.kind

    @strawberry.field(description="Learning time.")
    def duration_hours(self) -> Decimal:
        return self._model.duration_hours

    @strawberry.field(description="Who provides it.")
    def provider(self) -> str:
        return self._model.provider

    @strawberry.field(description="The level the exam must reach to pass.")
    def pass_level(self) -> int:
        return self._model.pass_level

    @strawberry.field(description="The post-training exam, if any.")
    async def exam(self) -> SkillTestRef | None:
        from talentloop.skills.models import SkillTest
        from talentloop.skills.types import SkillTestNode

        if self._model.exam_id is None:
            return None
        test = await SkillTest.get_or_none(id=self._model.exam_id)
        return SkillTestNode(_model=test) if test else None

    @strawberry.field(description="The competencies it builds.")
    async def competencies(self) -> list[CourseCompetencyInfo]:
        from talentloop.training.models import CourseCompetency

        links = await CourseCompetency.filter(course_id=self._model.id).order_by("id")
        return [
            CourseCompetencyInfo(_competency_id=link.competency_id, target_level=link.target_level)
            for link in links
        ]

    @strawberry.field(description="Lessons (online and blended courses).")
    async def lessons(self) -> list[LessonInfo]:
        return [
            LessonInfo(_model=lesson) for lesson in await Lesson.filter(course_id=self._model.id)
        ]

    @strawberry.field(
        description="Sessions still to come (workshops and blended courses), soonest first; "
        "with nearUnitId, those in that unit's city first (each group soonest first), as a "
        "recommendation picks its next session. A unit the viewer does not see is ignored."
    )
    async def upcoming_sessions(
        self, info: Info, near_unit_id: strawberry.ID | None = None
    ) -> list[CourseSessionNode]:
        unit_id = pk_of(near_unit_id, "OrgUnit") if near_unit_id else None
        return [
            CourseSessionNode(_model=s)
            for s in await service.upcoming_sessions_near(
                info.context.viewer, self._model.id, unit_id
            )
        ]

    @strawberry.field(
        description="Every session of the course, past and to come, by start time "
        "(a trainer's attendance sheet needs the ones that have started)."
    )
    async def sessions(self) -> list[CourseSessionNode]:
        return [CourseSessionNode(_model=s) for s in await service.all_sessions(self._model.id)]

    @strawberry.field(
        description="What enrolling these learners on this course (and session) would cost, "
        "the budget left and who would approve — nothing is submitted. Learners the viewer may "
        "not enrol are left out."
    )
    async def enrollment_preview(
        self,
        info: Info,
        employee_ids: list[strawberry.ID],
        session_id: strawberry.ID | None = None,
    ) -> EnrollmentPreview | None:
        ids = [pk for i in employee_ids if (pk := pk_of(i, "Employee")) is not None]
        found = await preview.enrollment_preview(
            info.context.viewer,
            self._model.id,
            pk_of(session_id, "CourseSession") if session_id else None,
            ids,
        )
        return EnrollmentPreview(_preview=found) if found else None

    @strawberry.field(description="Fully loaded cost; null with an error for other roles.")
    async def cost(self, info: Info) -> CourseCostInfo | None:
        viewer = info.context.viewer
        if not (viewer.can_manage_employees or viewer.holds(Role.EXECUTIVE)):
            raise FieldNotPermitted("cost")
        c = await costs.course_cost(self._model)
        return CourseCostInfo(
            fixed=c.fixed,
            per_participant=c.per_participant,
            participants=c.participants,
            participants_hours=c.participants_hours,
            participants_time_cost=c.participants_time_cost,
            cash=c.cash,
            fully_loaded=c.fully_loaded,
            cash_per_participant=c.cash_per_participant,
        )


@strawberry.type(name="Enrollment", description="A learner in a course.")
class EnrollmentNode(Node):
    _model: strawberry.Private[Enrollment]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Enrollment", self._model.id))

    @strawberry.field(description="The course.")
    async def course(self, info: Info) -> CourseNode:
        return await _course(info, self._model.course_id)

    @strawberry.field(description="The session, for workshops and blended courses.")
    async def session(self, info: Info) -> CourseSessionNode | None:
        if self._model.session_id is None:
            return None
        session = await info.context.loader("course_session", loaders.sessions_by_id).load(
            self._model.session_id
        )
        return CourseSessionNode(_model=session) if session else None

    @strawberry.field(description="The learner.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="Waitlisted, enrolled, in progress, completed or cancelled.")
    def status(self) -> EnrollmentStatus:
        return self._model.status

    @strawberry.field(description="Self, manager, HR or a rule.")
    def source(self) -> EnrollmentSource:
        return self._model.source

    @strawberry.field(description="When.")
    def enrolled_at(self) -> datetime:
        return self._model.enrolled_at

    @strawberry.field(
        description="Cancelled with its session: the company's decision, not the learner's."
    )
    def cancelled_by_company(self) -> bool:
        return self._model.cancelled_by_company

    @strawberry.field(description="When it was cancelled.")
    def cancelled_at(self) -> datetime | None:
        return self._model.cancelled_at

    @strawberry.field(description="Place on the waitlist (1 is next), while waitlisted.")
    async def waitlist_position(self, info: Info) -> int | None:
        if self._model.status is not EnrollmentStatus.WAITLISTED or self._model.session_id is None:
            return None
        return await info.context.loader("waitlist_place", loaders.waitlist_places).load(
            (self._model.session_id, self._model.enrolled_at)
        )

    @strawberry.field(description="Online lessons done, in percent.")
    def progress_percent(self) -> int:
        return self._model.progress_percent

    @strawberry.field(description="Whether the learner came to the session (null until marked).")
    def attended(self) -> bool | None:
        return self._model.attended

    @strawberry.field(description="The mentor, for mentoring.")
    async def mentor(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.mentor_id)

    @strawberry.field(description="The mentoring plan.")
    def mentoring_plan(self) -> str:
        return self._model.mentoring_plan

    @strawberry.field(description="The exam taken for this course.")
    async def exam_attempt(self, info: Info) -> TestAttemptRef | None:
        from talentloop.skills.types import TestAttemptNode

        if self._model.exam_attempt_id is None:
            return None
        attempt = await info.context.loader("test_attempt", loaders.attempts_by_id).load(
            self._model.exam_attempt_id
        )
        return TestAttemptNode(_model=attempt) if attempt else None

    @strawberry.field(description="When it was completed.")
    def completed_at(self) -> datetime | None:
        return self._model.completed_at

    @strawberry.field(description="The final score, 0 to 100, when recorded with the completion.")
    def score(self) -> Decimal | None:
        return self._model.score

    @strawberry.field(
        description="What it really cost (CNY), when recorded with the completion: it stands for "
        "the enrolment's share of the cost items."
    )
    def actual_cost(self) -> Decimal | None:
        return self._model.actual_cost

    @strawberry.field(
        description="The learner's rating of the course, 1 to 5 (Kirkpatrick level 1)."
    )
    def feedback_rating(self) -> int | None:
        return self._model.feedback_rating

    @strawberry.field(description="The learner's comment.")
    def feedback_comment(self) -> str:
        return self._model.feedback_comment


@strawberry.type(description="A gap a course would close.")
class GapClosedInfo:
    _competency_id: strawberry.Private[int]
    gap: Decimal = strawberry.field(description="Required − current score.")
    closes: Decimal = strawberry.field(
        description="How much of it the course's target level covers."
    )

    @strawberry.field(description="The competency.")
    async def competency(self) -> CompetencyRef | None:
        return await _competency(self._competency_id)


@strawberry.type(description="A course recommended to an employee, with the reasons.")
class CourseRecommendation:
    _recommendation: strawberry.Private[service.Recommendation]

    @strawberry.field(description="The course.")
    def course(self) -> CourseNode:
        return CourseNode(_model=self._recommendation.course)

    @strawberry.field(description="The sum of the gaps it closes: the first ranking key.")
    def closes(self) -> Decimal:
        return self._recommendation.closes

    @strawberry.field(description="Each gap it closes, largest first.")
    def reasons(self) -> list[GapClosedInfo]:
        return [
            GapClosedInfo(_competency_id=r.competency_id, gap=r.gap, closes=r.closes)
            for r in self._recommendation.reasons
        ]

    @strawberry.field(
        description="The course's measured effect, relative: the attributable KPI change as a "
        "fraction of the trained group's level before (0.25 = +25 %); null while there is no "
        "conclusive company-wide measurement."
    )
    def measured_effect(self) -> Decimal | None:
        return self._recommendation.effect

    @strawberry.field(description="Online, or an upcoming session with a free seat.")
    def available(self) -> bool:
        return self._recommendation.available

    @strawberry.field(description="The next session with a free seat.")
    def next_session(self) -> CourseSessionNode | None:
        s = self._recommendation.next_session
        return CourseSessionNode(_model=s) if s else None

    @strawberry.field(description="Whether it is in one of the formats asked for.")
    def preferred_format(self) -> bool:
        return self._recommendation.preferred_format

    @strawberry.field(
        description="Why, in a sentence (English; the SPA builds its own from `reasons`)."
    )
    async def summary(self) -> str:
        names = await service.competency_names()
        r = self._recommendation
        parts = [
            f"closes a gap of {g.closes.normalize():f} on {names.get(g.competency_id, '?')}"
            for g in r.reasons
        ]
        effect = (
            "no measured effect yet"
            if r.effect is None
            else f"measured effect {r.effect.normalize():f}"
        )
        return f"{'; '.join(parts)} ({effect})"


@strawberry.type(description="A course planned for a target group.")
class PlanItemInfo:
    _course_id: strawberry.Private[int]
    _position_id: strawberry.Private[int | None]
    planned_participants: int = strawberry.field(description="People planned.")
    planned_cost: Decimal = strawberry.field(description="Money planned.")

    @strawberry.field(description="The course.")
    async def course(self) -> CourseNode:
        return CourseNode(_model=await Course.get(id=self._course_id))

    @strawberry.field(description="The target group's position, if one.")
    async def target_position(self) -> PositionRef | None:
        from talentloop.people.models import Position
        from talentloop.people.types import PositionNode

        if self._position_id is None:
            return None
        found = await Position.get_or_none(id=self._position_id)
        return PositionNode(_model=found) if found else None


@strawberry.type(name="TrainingPlan", description="A unit's training plan and budget.")
class TrainingPlanNode(Node):
    _model: strawberry.Private[TrainingPlan]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("TrainingPlan", self._model.id))

    @strawberry.field(description="Title.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="Year.")
    def year(self) -> int:
        return self._model.year

    @strawberry.field(description="Annual or ad hoc.")
    def kind(self) -> PlanKind:
        return self._model.kind

    @strawberry.field(description="The unit.")
    async def unit(self) -> OrgUnitRef | None:
        from talentloop.org.models import OrgUnit
        from talentloop.org.types import OrgUnitNode

        return OrgUnitNode(_model=await OrgUnit.get(id=self._model.unit_id))

    @strawberry.field(description="Planned courses.")
    async def items(self) -> list[PlanItemInfo]:
        from talentloop.training.models import PlanItem

        return [
            PlanItemInfo(
                _course_id=i.course_id,
                _position_id=i.target_position_id,
                planned_participants=i.planned_participants,
                planned_cost=i.planned_cost,
            )
            for i in await PlanItem.filter(plan_id=self._model.id).order_by("id")
        ]

    @strawberry.field(description="Budget, planned, used and remaining.")
    async def budget(self) -> TrainingBudget:
        b = await service.plan_budget(self._model)
        return TrainingBudget(
            budget=b.budget,
            planned=b.planned,
            used=b.used,
            remaining=b.remaining,
            enrollments=b.enrollments,
        )


@strawberry.type(description="A plan's money.")
class TrainingBudget:
    budget: Decimal = strawberry.field(description="Approved budget.")
    planned: Decimal = strawberry.field(description="Sum of the items' planned cost.")
    used: Decimal = strawberry.field(
        description="Cash cost of the year's enrolments of the unit's employees."
    )
    remaining: Decimal = strawberry.field(description="Budget − used.")
    enrollments: int = strawberry.field(description="Enrolments counted in `used`.")


@strawberry.type(description="Participation in a course at the end of a period.")
class ParticipationPointInfo:
    period: date = strawberry.field(description="First day of the month.")
    label: str = strawberry.field(description="2026-07.")
    population: int = strawberry.field(description="Employees in the target group.")
    participants: int = strawberry.field(description="Of them, enrolled by the end of the month.")
    completed: int = strawberry.field(description="Of them, completed by the end of the month.")
    participation_rate: Decimal | None = strawberry.field(
        description="Participants ÷ population, percent."
    )
    completion_rate: Decimal | None = strawberry.field(
        description="Completed ÷ participants, percent."
    )

    @classmethod
    def of(cls, p: service.ParticipationPoint) -> ParticipationPointInfo:
        return cls(
            period=p.period,
            label=label(p.period),
            population=p.population,
            participants=p.participants,
            completed=p.completed,
            participation_rate=p.participation_rate,
            completion_rate=p.completion_rate,
        )


@strawberry.type(
    name="TrainingTargetRule", description="Completing a course changes a target or earns a bonus."
)
class TrainingTargetRuleNode(Node):
    _model: strawberry.Private[TrainingTargetRule]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("TrainingTargetRule", self._model.id))

    @strawberry.field(description="Target adjustment or bonus.")
    def kind(self) -> TargetRuleKind:
        return self._model.kind

    @strawberry.field(description="The course.")
    async def course(self, info: Info) -> CourseNode:
        return await _course(info, self._model.course_id)  # on delete cascade: always there

    @strawberry.field(description="The KPI.")
    async def kpi(self, info: Info) -> KpiRef | None:
        from talentloop.performance import loaders as performance_loaders
        from talentloop.performance.types import KpiNode

        kpi = await info.context.loader("kpi", performance_loaders.kpis_by_id).load(
            self._model.kpi_id
        )
        return KpiNode(_model=kpi) if kpi else None

    @strawberry.field(description="Target change in percent (-5 lowers by 5 %).")
    def percent(self) -> Decimal | None:
        return self._model.percent

    @strawberry.field(description="Achievement above which the bonus is earned.")
    def threshold_percent(self) -> Decimal | None:
        return self._model.threshold_percent

    @strawberry.field(description="Bonus per qualifying period, CNY.")
    def bonus_amount(self) -> Decimal | None:
        return self._model.bonus_amount

    @strawberry.field(description="False once HQ HR turned it off: it no longer applies.")
    def is_active(self) -> bool:
        return self._model.is_active


@strawberry.type(description="A bonus earned by beating a target after completing a course.")
class TrainingBonusInfo:
    _rule: strawberry.Private[TrainingTargetRule]
    period: date = strawberry.field(description="The period.")
    achievement: Decimal = strawberry.field(description="Achievement % in it.")
    amount: Decimal = strawberry.field(description="CNY.")

    @strawberry.field(description="The rule.")
    def rule(self) -> TrainingTargetRuleNode:
        return TrainingTargetRuleNode(_model=self._rule)
