"""Competencies and their required levels; assessment rounds with raters and ratings (360°);
skill tests with their questions and attempts; HR's calibrations; source weights.

Who gave a peer or subordinate rating is stored (a rater must see their own
to-do) but never leaves this package: the API exposes group means and counts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee, Position
    from talentloop.performance.models import AssessmentRequest


class CategoryKind(StrEnum):
    GENERAL = "general"
    INDUSTRY = "industry"


class CompetencyCategory(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(CategoryKind, max_length=16, default=CategoryKind.GENERAL)

    class Meta:
        table = "competency_category"
        ordering = ["code"]


class Competency(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    description = fields.TextField(default="")
    category: fields.ForeignKeyRelation[CompetencyCategory] = fields.ForeignKeyField(
        "talentloop.CompetencyCategory", related_name="competencies", on_delete=fields.RESTRICT
    )
    # {"1": "…", …, "5": "…"}: what each proficiency level means for this competency
    levels: dict[str, str] = fields.JSONField(default=dict)

    category_id: int

    class Meta:
        table = "competency"
        ordering = ["code"]


class RequiredLevel(Model):
    """The level a position needs. A unit may ask more (or less) of the same position."""

    id = fields.IntField(primary_key=True)
    competency: fields.ForeignKeyRelation[Competency] = fields.ForeignKeyField(
        "talentloop.Competency", related_name="required_levels", on_delete=fields.CASCADE
    )
    position: fields.ForeignKeyRelation[Position] = fields.ForeignKeyField(
        "talentloop.Position", related_name="required_levels", on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="required_levels", null=True, on_delete=fields.CASCADE
    )
    level = fields.IntField()

    competency_id: int
    position_id: int
    unit_id: int | None

    class Meta:
        table = "required_level"
        unique_together = (("competency", "position", "unit"),)


class RaterRelation(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    SUBORDINATE = "subordinate"


class Source(StrEnum):
    """Where a competency score comes from; each has a weight."""

    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    SUBORDINATE = "subordinate"
    TEST = "test"


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AssessmentRound(Model):
    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="assessment_rounds", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=128)
    deadline = fields.DateField()
    status = fields.CharEnumField(RoundStatus, max_length=16, default=RoundStatus.OPEN)
    min_raters = fields.IntField(default=3)  # per anonymous group (peers, subordinates)
    competency_ids: list[int] = fields.JSONField(default=list)
    request: fields.ForeignKeyNullableRelation[AssessmentRequest] = fields.ForeignKeyField(
        "talentloop.AssessmentRequest", related_name="rounds", null=True, on_delete=fields.SET_NULL
    )
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User",
        related_name="assessment_rounds_created",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    employee_id: int
    request_id: int | None

    class Meta:
        table = "assessment_round"
        indexes = (("employee_id",),)


class RaterAssignment(Model):
    """A rater's task in a round. `rater` is private to this package for peers and subordinates."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[AssessmentRound] = fields.ForeignKeyField(
        "talentloop.AssessmentRound", related_name="assignments", on_delete=fields.CASCADE
    )
    rater: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="rater_assignments", on_delete=fields.CASCADE
    )
    relation = fields.CharEnumField(RaterRelation, max_length=16)
    submitted_at = fields.DatetimeField(null=True)

    round_id: int
    rater_id: int

    class Meta:
        table = "rater_assignment"
        indexes = (("rater_id",),)
        unique_together = (("round", "rater"),)


class Rating(Model):
    id = fields.IntField(primary_key=True)
    assignment: fields.ForeignKeyRelation[RaterAssignment] = fields.ForeignKeyField(
        "talentloop.RaterAssignment", related_name="ratings", on_delete=fields.CASCADE
    )
    competency: fields.ForeignKeyRelation[Competency] = fields.ForeignKeyField(
        "talentloop.Competency", related_name="ratings", on_delete=fields.CASCADE
    )
    level = fields.IntField()
    comment = fields.TextField(default="")

    assignment_id: int
    competency_id: int

    class Meta:
        table = "rating"
        unique_together = (("assignment", "competency"),)


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"


class Question(Model):
    id = fields.IntField(primary_key=True)
    competency: fields.ForeignKeyRelation[Competency] = fields.ForeignKeyField(
        "talentloop.Competency", related_name="questions", on_delete=fields.CASCADE
    )
    text = fields.TextField()
    kind = fields.CharEnumField(QuestionKind, max_length=16, default=QuestionKind.SINGLE)
    options: list[dict[str, str]] = fields.JSONField()  # [{"key": "A", "text": "…"}]
    correct: list[str] = fields.JSONField()  # ["A"] or ["A", "C"]
    points = fields.IntField(default=1)

    competency_id: int

    class Meta:
        table = "question"


class SkillTest(Model):
    """A test drawn from a pool of a competency's questions. Its score maps to a level.

    Each attempt draws `question_count` questions at random from the pool (`question_ids`,
    larger than that), at most `max_attempts` in `attempt_period_days` and `cooldown_hours`
    apart: so that attempts cannot be used to learn the answers one question at a time."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=128)
    competency: fields.ForeignKeyRelation[Competency] = fields.ForeignKeyField(
        "talentloop.Competency", related_name="tests", on_delete=fields.CASCADE
    )
    question_ids: list[int] = fields.JSONField()  # the pool
    question_count = fields.IntField(default=10, db_default=10)  # per attempt; the pool holds more
    # lowest percent for each level: {"1": 0, "2": 40, "3": 60, "4": 75, "5": 90}
    level_thresholds: dict[str, Any] = fields.JSONField()
    time_limit_minutes = fields.IntField(default=30)
    max_attempts = fields.IntField(default=3, db_default=3)  # per period
    attempt_period_days = fields.IntField(default=90, db_default=90)
    cooldown_hours = fields.IntField(default=24, db_default=24)  # between two attempts' starts
    is_active = fields.BooleanField(default=True)

    competency_id: int

    class Meta:
        table = "skill_test"


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class TestAttempt(Model):
    """One sitting of a test: started (its questions drawn), then submitted once and scored.
    Only submitted ones have a level; the latest submitted one counts (`scoring`).

    `submitted_at` is when it was submitted; while in progress it holds the start (the column
    predates started attempts and stays NOT NULL: rebuilding the table on SQLite would drop
    the enrolments' references to it)."""

    id = fields.IntField(primary_key=True)
    test: fields.ForeignKeyRelation[SkillTest] = fields.ForeignKeyField(
        "talentloop.SkillTest", related_name="attempts", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="test_attempts", on_delete=fields.CASCADE
    )
    # drawn from the pool, in order; null: made before attempts drew their questions
    question_ids: list[int] | None = fields.JSONField(null=True)
    answers: dict[str, list[str]] = fields.JSONField(default=dict)  # question id → keys chosen
    score = fields.IntField(default=0)
    max_score = fields.IntField(default=0)
    level = fields.IntField(null=True)
    status = fields.CharEnumField(
        AttemptStatus, max_length=16, default=AttemptStatus.SUBMITTED, db_default="submitted"
    )
    started_at = fields.DatetimeField(null=True)  # null: made before attempts were started
    submitted_at = fields.DatetimeField(auto_now_add=True)

    test_id: int
    employee_id: int

    class Meta:
        table = "test_attempt"
        indexes = (("employee_id", "submitted_at"),)


class Calibration(Model):
    """HR's explicit override of a competency score. Every one is kept (the audit trail)."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="calibrations", on_delete=fields.CASCADE
    )
    competency: fields.ForeignKeyRelation[Competency] = fields.ForeignKeyField(
        "talentloop.Competency", related_name="calibrations", on_delete=fields.CASCADE
    )
    level = fields.DecimalField(max_digits=4, decimal_places=2)
    previous_level = fields.DecimalField(max_digits=4, decimal_places=2, null=True)
    reason = fields.TextField()
    calibrated_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="calibrations", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    competency_id: int
    calibrated_by_id: int

    class Meta:
        table = "calibration"
        indexes = (("employee_id", "competency_id"),)


class SourceWeight(Model):
    """How much each source counts in a competency score (defaults in skills.scoring)."""

    id = fields.IntField(primary_key=True)
    source = fields.CharEnumField(Source, max_length=16, unique=True)
    weight = fields.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        table = "source_weight"
