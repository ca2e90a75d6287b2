"""Courses with their competencies, lessons, sessions and cost items; enrolments with
progress, attendance, exams and feedback; training plans with budgets; rules that
tie completing a course to KPI targets and bonuses.

Model docstrings become table comments: Tortoise splits migration SQL on
semicolons, so none appear in them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee, Position
    from talentloop.performance.models import Kpi
    from talentloop.skills.models import Competency, SkillTest, TestAttempt


class CourseFormat(StrEnum):
    ONLINE = "online"
    WORKSHOP = "workshop"
    BLENDED = "blended"
    MENTORING = "mentoring"


class CourseKind(StrEnum):
    GENERAL = "general"
    INDUSTRY = "industry"


class Course(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    title = fields.CharField(max_length=128)
    description = fields.TextField(default="")
    format = fields.CharEnumField(CourseFormat, max_length=16)
    kind = fields.CharEnumField(CourseKind, max_length=16, default=CourseKind.GENERAL)
    duration_hours = fields.DecimalField(max_digits=6, decimal_places=1)
    provider = fields.CharField(max_length=128, default="")
    # The post-training exam (a skill test) and the level that passes it.
    exam: fields.ForeignKeyNullableRelation[SkillTest] = fields.ForeignKeyField(
        "talentloop.SkillTest", related_name="courses", null=True, on_delete=fields.SET_NULL
    )
    pass_level = fields.IntField(default=3)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    exam_id: int | None

    class Meta:
        table = "course"
        ordering = ["code"]


class CourseCompetency(Model):
    """A competency a course builds, and the level it brings a learner to."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="competencies", on_delete=fields.CASCADE
    )
    competency: fields.ForeignKeyRelation[Competency] = fields.ForeignKeyField(
        "talentloop.Competency", related_name="courses", on_delete=fields.CASCADE
    )
    target_level = fields.IntField()

    course_id: int
    competency_id: int

    class Meta:
        table = "course_competency"
        unique_together = (("course", "competency"),)


class Lesson(Model):
    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="lessons", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    title = fields.CharField(max_length=128)
    material_url = fields.CharField(max_length=512, default="")
    minutes = fields.IntField(default=30)

    course_id: int

    class Meta:
        table = "lesson"
        ordering = ["course_id", "position"]


class TrainerKind(StrEnum):
    INTERNAL = "internal"  # an employee who teaches
    EXTERNAL = "external"  # a consultant or a provider's lecturer


class Trainer(Model):
    """Who teaches: an employee or an outsider. A company-wide trainer (no unit) is HQ HR's,
    a unit's is its HR's. Never deleted: turned inactive."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(TrainerKind, max_length=16)
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="trainer_entries", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=64)
    organisation = fields.CharField(max_length=128, default="")
    phone = fields.CharField(max_length=32, default="")
    email = fields.CharField(max_length=128, default="")
    daily_fee = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    topics = fields.CharField(max_length=255, default="")
    unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="trainers", null=True, on_delete=fields.SET_NULL
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int | None
    unit_id: int | None

    class Meta:
        table = "trainer"
        indexes = (("unit_id",), ("employee_id",))
        ordering = ["name", "id"]


class CourseSession(Model):
    """A run of a workshop or blended course: when, where, who teaches, how many seats.
    Cancelled, it keeps its row with the reason and takes no one."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="sessions", on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    place = fields.CharField(max_length=128)
    trainer = fields.CharField(max_length=64)  # the name shown (the register's, when chosen)
    # The trainer from the register; sessions from before it have only the name above.
    registered_trainer: fields.ForeignKeyNullableRelation[Trainer] = fields.ForeignKeyField(
        "talentloop.Trainer", related_name="sessions", null=True, on_delete=fields.SET_NULL
    )
    capacity = fields.IntField()
    unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="course_sessions", null=True, on_delete=fields.SET_NULL
    )
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.CharField(max_length=255, default="", db_default="")
    # The zone it is held in when named; null: its unit's (timezones.py). Instants stay UTC.
    time_zone = fields.CharField(max_length=64, null=True)

    course_id: int
    unit_id: int | None
    registered_trainer_id: int | None

    class Meta:
        table = "course_session"
        indexes = (("course_id", "starts_at"),)
        ordering = ["starts_at"]


class CostKind(StrEnum):
    FEE = "fee"
    TRAINER = "trainer"
    MATERIALS = "materials"
    VENUE = "venue"
    TRAVEL = "travel"
    DEVELOPMENT = "development"
    OTHER = "other"


class CostItem(Model):
    """Money a course costs: for a session (fixed, shared by its participants) or per participant."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="cost_items", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyNullableRelation[CourseSession] = fields.ForeignKeyField(
        "talentloop.CourseSession", related_name="cost_items", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(CostKind, max_length=16)
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    per_participant = fields.BooleanField(default=False)
    description = fields.CharField(max_length=255, default="")

    course_id: int
    session_id: int | None

    class Meta:
        table = "cost_item"
        indexes = (("course_id",),)


class EnrollmentStatus(StrEnum):
    PENDING = "pending"  # its cost awaits approval (approvals/, TRAINING_ENROLMENT)
    WAITLISTED = "waitlisted"
    ENROLLED = "enrolled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (
    EnrollmentStatus.ENROLLED,
    EnrollmentStatus.IN_PROGRESS,
    EnrollmentStatus.COMPLETED,
)


class EnrollmentSource(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    HR = "hr"
    RULE = "rule"


class Enrollment(Model):
    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="enrollments", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyNullableRelation[CourseSession] = fields.ForeignKeyField(
        "talentloop.CourseSession", related_name="enrollments", null=True, on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="enrollments", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(EnrollmentStatus, max_length=16)
    source = fields.CharEnumField(EnrollmentSource, max_length=16)
    enrolled_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="enrollments_made", null=True, on_delete=fields.SET_NULL
    )
    enrolled_at = fields.DatetimeField()
    progress_percent = fields.IntField(default=0)  # online lessons done
    attended = fields.BooleanField(null=True)  # sessions: null until the trainer marks it
    mentor: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="mentees", null=True, on_delete=fields.SET_NULL
    )
    mentoring_plan = fields.TextField(default="")
    exam_attempt: fields.ForeignKeyNullableRelation[TestAttempt] = fields.ForeignKeyField(
        "talentloop.TestAttempt", related_name="enrollments", null=True, on_delete=fields.SET_NULL
    )
    completed_at = fields.DatetimeField(null=True)
    # Recorded with a completion by hand: the final score (0 to 100) and what it really cost,
    # which then stands for the cost items' share in the budget.
    score = fields.DecimalField(max_digits=5, decimal_places=1, null=True)
    actual_cost = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    cancelled_at = fields.DatetimeField(null=True)
    # Cancelled with its session (the company's decision, not the learner's).
    cancelled_by_company = fields.BooleanField(default=False, db_default=False)
    feedback_rating = fields.IntField(null=True)  # Kirkpatrick level 1: 1 to 5
    feedback_comment = fields.TextField(default="")

    course_id: int
    session_id: int | None
    employee_id: int
    mentor_id: int | None
    exam_attempt_id: int | None

    class Meta:
        table = "enrollment"
        indexes = (("course_id", "status"), ("employee_id", "status"), ("session_id", "status"))


class PlanKind(StrEnum):
    ANNUAL = "annual"
    AD_HOC = "ad_hoc"


class TrainingPlan(Model):
    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="training_plans", on_delete=fields.CASCADE
    )
    year = fields.IntField()
    kind = fields.CharEnumField(PlanKind, max_length=16, default=PlanKind.ANNUAL)
    title = fields.CharField(max_length=128)
    budget = fields.DecimalField(max_digits=14, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    unit_id: int

    class Meta:
        table = "training_plan"


class PlanItem(Model):
    """A course planned for a target group (a position, within the plan's unit)."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[TrainingPlan] = fields.ForeignKeyField(
        "talentloop.TrainingPlan", related_name="items", on_delete=fields.CASCADE
    )
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="plan_items", on_delete=fields.CASCADE
    )
    target_position: fields.ForeignKeyNullableRelation[Position] = fields.ForeignKeyField(
        "talentloop.Position", related_name="plan_items", null=True, on_delete=fields.SET_NULL
    )
    planned_participants = fields.IntField()
    planned_cost = fields.DecimalField(max_digits=14, decimal_places=2)

    plan_id: int
    course_id: int
    target_position_id: int | None

    class Meta:
        table = "plan_item"


class TargetRuleKind(StrEnum):
    TARGET_ADJUSTMENT = "target_adjustment"  # completing lowers (or raises) the target by x %
    BONUS = "bonus"  # achievement over a threshold after completing earns an amount


class TrainingTargetRule(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(TargetRuleKind, max_length=24)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "talentloop.Course", related_name="target_rules", on_delete=fields.CASCADE
    )
    kpi: fields.ForeignKeyRelation[Kpi] = fields.ForeignKeyField(
        "talentloop.Kpi", related_name="training_rules", on_delete=fields.CASCADE
    )
    percent = fields.DecimalField(max_digits=7, decimal_places=2, null=True)  # -5 lowers by 5 %
    threshold_percent = fields.DecimalField(max_digits=7, decimal_places=2, null=True)
    bonus_amount = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    is_active = fields.BooleanField(default=True)

    course_id: int
    kpi_id: int

    class Meta:
        table = "training_target_rule"
