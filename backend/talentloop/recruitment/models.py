"""Recruitment: a requisition (approved through the engine) is posted, candidates apply to the
posting, each application moves through the pipeline's stages (screening, interviews with
scorecards, offer, accepted or declined), and an accepted candidate becomes an employee with
a contract and an onboarding checklist.

A candidate is one person however many postings they apply to: found again by phone or
e-mail (`phone` holds the digits only, `email` lower case). What they gave (education, work
history, the résumé) is kept on the candidate and copied onto the employee record at hire.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from talentloop.people.models import Gender
from talentloop.records.models import ContractKind

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee, Position


class RequisitionStatus(StrEnum):
    PENDING = "pending"  # waiting for its approval
    APPROVED = "approved"  # may be posted
    REJECTED = "rejected"
    FILLED = "filled"  # every head hired
    CLOSED = "closed"  # withdrawn before it was filled


class PostingStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CandidateSource(StrEnum):
    REFERRAL = "referral"
    JOB_BOARD = "job_board"
    CAMPUS = "campus"
    WEBSITE = "website"
    AGENCY = "agency"
    OTHER = "other"


class Stage(StrEnum):
    SCREENING = "screening"
    INTERVIEW = "interview"
    OFFER = "offer"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED = "rejected"
    HIRED = "hired"


# How far along the pipeline a stage is: the funnel counts applications that reached each.
STAGE_RANK = {
    Stage.SCREENING: 0,
    Stage.INTERVIEW: 1,
    Stage.OFFER: 2,
    Stage.DECLINED: 2,
    Stage.ACCEPTED: 3,
    Stage.HIRED: 4,
}


class Recommendation(StrEnum):
    STRONG_YES = "strong_yes"
    YES = "yes"
    NO = "no"
    STRONG_NO = "strong_no"


class OfferStatus(StrEnum):
    PENDING = "pending"  # waiting for its approval
    APPROVED = "approved"  # may be given to the candidate
    REJECTED = "rejected"  # not approved: a new offer may be made
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # replaced by a new offer


class Requisition(Model):
    """A request to hire headcount people into a position of a unit, within a budget."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="requisitions", on_delete=fields.RESTRICT
    )
    position: fields.ForeignKeyRelation[Position] = fields.ForeignKeyField(
        "talentloop.Position", related_name="requisitions", on_delete=fields.RESTRICT
    )
    headcount = fields.IntField()
    hired = fields.IntField(default=0)
    # The yearly salary budget (CNY) for all heads together: the approval flow reads it.
    budget = fields.DecimalField(max_digits=14, decimal_places=2)
    reason = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(
        RequisitionStatus, max_length=16, default=RequisitionStatus.PENDING
    )
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="requisitions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    unit_id: int
    position_id: int
    requested_by_id: int | None

    class Meta:
        table = "requisition"
        ordering = ["-id"]
        indexes = (("unit_id",), ("status",))


class Posting(Model):
    """An approved requisition advertised: what candidates apply to."""

    id = fields.IntField(primary_key=True)
    requisition: fields.ForeignKeyRelation[Requisition] = fields.ForeignKeyField(
        "talentloop.Requisition", related_name="postings", on_delete=fields.RESTRICT
    )
    # The requisition's unit, kept here so that scope filters need no join.
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="postings", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=128)
    description = fields.TextField(default="")
    location = fields.CharField(max_length=64, default="")
    status = fields.CharEnumField(PostingStatus, max_length=8, default=PostingStatus.OPEN)
    opened_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    requisition_id: int
    unit_id: int

    class Meta:
        table = "posting"
        ordering = ["-id"]
        indexes = (("requisition_id",), ("unit_id", "status"))


class Candidate(Model):
    """A person who applied: what they gave, kept until they are hired (then on the record)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    phone = fields.CharField(max_length=32, null=True, db_index=True)
    email = fields.CharField(max_length=128, null=True, db_index=True)
    gender = fields.CharEnumField(Gender, max_length=8, null=True)
    birth_date = fields.DateField(null=True)
    # Lists of plain objects: school, degree, major, startDate, endDate (education) and
    # employer, title, startDate, endDate (work history); copied to the record at hire.
    education: list[dict[str, Any]] = fields.JSONField(default=list)
    work_history: list[dict[str, Any]] = fields.JSONField(default=list)
    # The résumé file, in the archive's storage (records/storage.py) under resume_key.
    resume_key = fields.CharField(max_length=128, null=True)
    resume_name = fields.CharField(max_length=255, null=True)
    resume_media_type = fields.CharField(max_length=64, null=True)
    resume_size = fields.IntField(null=True)
    resume_sha256 = fields.CharField(max_length=64, null=True)
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="candidacies", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int | None

    class Meta:
        table = "candidate"
        ordering = ["id"]


class Application(Model):
    """A candidate in one posting's pipeline."""

    id = fields.IntField(primary_key=True)
    candidate: fields.ForeignKeyRelation[Candidate] = fields.ForeignKeyField(
        "talentloop.Candidate", related_name="applications", on_delete=fields.CASCADE
    )
    posting: fields.ForeignKeyRelation[Posting] = fields.ForeignKeyField(
        "talentloop.Posting", related_name="applications", on_delete=fields.CASCADE
    )
    # The posting's unit, for scope filters without a join.
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="applications", on_delete=fields.RESTRICT
    )
    source = fields.CharEnumField(CandidateSource, max_length=16)
    stage = fields.CharEnumField(Stage, max_length=16, default=Stage.SCREENING)
    # The furthest stage reached (STAGE_RANK): what the funnel counts.
    furthest = fields.IntField(default=0)
    reason = fields.CharField(max_length=255, default="")  # why rejected or declined
    created_at = fields.DatetimeField(auto_now_add=True)
    stage_changed_at = fields.DatetimeField(auto_now_add=True)
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="applications", null=True, on_delete=fields.SET_NULL
    )

    candidate_id: int
    posting_id: int
    unit_id: int
    employee_id: int | None

    class Meta:
        table = "application"
        ordering = ["id"]
        unique_together = (("candidate_id", "posting_id"),)
        indexes = (("posting_id", "stage"), ("unit_id",))


class StageChange(Model):
    """An application's move from one stage to another, by whom and when."""

    id = fields.IntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "talentloop.Application", related_name="stage_changes", on_delete=fields.CASCADE
    )
    from_stage = fields.CharEnumField(Stage, max_length=16, null=True)
    to_stage = fields.CharEnumField(Stage, max_length=16)
    actor_username = fields.CharField(max_length=64, null=True)
    note = fields.CharField(max_length=255, default="")
    at = fields.DatetimeField(auto_now_add=True)

    application_id: int

    class Meta:
        table = "application_stage_change"
        ordering = ["id"]
        indexes = (("application_id",),)


class Interview(Model):
    """An interview round of an application, with its interviewers (one scorecard each)."""

    id = fields.IntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "talentloop.Application", related_name="interviews", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=128)
    scheduled_at = fields.DatetimeField()
    # HR lets this round's interviewers download the résumé (its contacts are the candidate's);
    # off unless HR turns it on when scheduling
    share_resume = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    application_id: int

    class Meta:
        table = "interview"
        ordering = ["scheduled_at", "id"]
        indexes = (("application_id",),)


class Scorecard(Model):
    """One interviewer's assessment of one interview (empty until they submit it)."""

    id = fields.IntField(primary_key=True)
    interview: fields.ForeignKeyRelation[Interview] = fields.ForeignKeyField(
        "talentloop.Interview", related_name="scorecards", on_delete=fields.CASCADE
    )
    interviewer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="scorecards", on_delete=fields.CASCADE
    )
    # criterion key to a score from 1 to 5 (see service.CRITERIA)
    ratings: dict[str, int] = fields.JSONField(default=dict)
    recommendation = fields.CharEnumField(Recommendation, max_length=16, null=True)
    notes = fields.TextField(default="")
    submitted_at = fields.DatetimeField(null=True)

    interview_id: int
    interviewer_id: int

    class Meta:
        table = "scorecard"
        ordering = ["id"]
        unique_together = (("interview_id", "interviewer_id"),)
        indexes = (("interviewer_id", "submitted_at"),)


class Offer(Model):
    """The terms offered to a candidate: approved through the engine, then accepted or not."""

    id = fields.IntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "talentloop.Application", related_name="offers", on_delete=fields.CASCADE
    )
    monthly_salary = fields.DecimalField(max_digits=12, decimal_places=2)
    start_date = fields.DateField()
    contract_kind = fields.CharEnumField(ContractKind, max_length=16)
    contract_months = fields.IntField(null=True)  # a fixed term's length
    probation_months = fields.IntField(default=0)
    status = fields.CharEnumField(OfferStatus, max_length=16, default=OfferStatus.PENDING)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="offers_made", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    application_id: int
    created_by_id: int | None

    class Meta:
        table = "offer"
        ordering = ["-id"]
        indexes = (("application_id",),)

    @property
    def yearly(self) -> Decimal:
        return self.monthly_salary * 12


class OnboardingTask(Model):
    """One item of an accepted candidate's onboarding checklist (the employee's after hire)."""

    id = fields.IntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "talentloop.Application", related_name="onboarding", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="onboarding_tasks", null=True, on_delete=fields.CASCADE
    )
    # A standard item's key (service.CHECKLIST, translated by the SPA); null for one HR added.
    key = fields.CharField(max_length=32, null=True)
    title = fields.CharField(max_length=128)
    position = fields.IntField(default=0)
    done_at = fields.DatetimeField(null=True)
    done_by = fields.CharField(max_length=64, null=True)

    application_id: int
    employee_id: int | None

    class Meta:
        table = "onboarding_task"
        ordering = ["position", "id"]
        indexes = (("application_id",), ("employee_id",))
