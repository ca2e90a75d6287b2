"""Recruitment: requisitions, postings, candidates and their applications, interviews with
scorecards, offers, onboarding and the hire. Every function takes the viewer explicitly.

Who does what (docs/architecture.md "Recruitment"):

* A requisition is raised where the viewer directs (HR in scope, a team lead for their own
  team) and goes through the approvals engine (`RequestType.REQUISITION`, amount = its yearly
  budget); only an approved one is posted.
* Postings, candidates, stages, offers and the hire are HR's, in the unit's branch (HQ HR
  anywhere). The team lead of the unit reads them (the hiring manager).
* An interviewer reads the applications they interview for and writes their own scorecard,
  once: a submitted scorecard is locked. They see the other interviewers' scorecards of an
  interview only once they submitted theirs. They read no pay figure (the offer's salary, the
  requisition's budget) and the résumé only where HR shared it when scheduling.
* An offer goes through the engine (`RequestType.OFFER`, amount = the monthly salary); only an
  approved offer can be accepted, and an accepted one opens the onboarding checklist.
* The hire makes the employee from what the candidate gave (name, contacts, gender, birth
  date, education, work history, résumé), with the offer's terms as the contract, records the
  onboarding and hands the checklist over to the employee: one transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import Operation, Viewer
from talentloop.accounts.models import User
from talentloop.approvals import service as approvals
from talentloop.approvals import titles
from talentloop.approvals.models import ApprovalRequest, RequestType
from talentloop.approvals.titles import Title
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import N_
from talentloop.org.models import OrgUnit
from talentloop.people import service as people
from talentloop.people import validation
from talentloop.people.models import Employee, EmployeeStatus, Gender, Position
from talentloop.records import archive
from talentloop.records import service as records
from talentloop.records.models import ContractKind, DocumentType
from talentloop.records.storage import Storage, get_storage
from talentloop.recruitment.models import (
    STAGE_RANK,
    Application,
    Candidate,
    CandidateSource,
    Interview,
    Offer,
    OfferStatus,
    OnboardingTask,
    Posting,
    PostingStatus,
    Recommendation,
    Requisition,
    RequisitionStatus,
    Scorecard,
    Stage,
    StageChange,
)

CHINA_OFFSET = timedelta(hours=8)
MAX_HEADCOUNT = 100
MAX_INTERVIEWERS = 10
# What a scorecard rates, each from 1 to 5.
CRITERIA = ("skills", "experience", "communication", "motivation")
# The standard onboarding checklist (keys the SPA translates; titles for the API's readers).
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("sign_contract", "Sign the labour contract"),
    ("id_copy", "Collect a copy of the resident ID card"),
    ("bank_account", "Record the salary bank account"),
    ("medical_check", "Pre-employment medical check"),
    ("equipment", "Prepare the desk, computer and accounts"),
    ("orientation", "First-day orientation"),
)
# Moves made on the board (drag between columns); an offer, its answer and the hire have
# their own mutations because they carry data.
MOVES: dict[Stage, frozenset[Stage]] = {
    Stage.SCREENING: frozenset({Stage.INTERVIEW, Stage.REJECTED}),
    Stage.INTERVIEW: frozenset({Stage.SCREENING, Stage.REJECTED}),
    Stage.OFFER: frozenset({Stage.INTERVIEW, Stage.REJECTED}),
    Stage.ACCEPTED: frozenset({Stage.DECLINED}),
    Stage.DECLINED: frozenset(),
    Stage.REJECTED: frozenset({Stage.SCREENING}),
    Stage.HIRED: frozenset(),
}
OPEN_STAGES = (Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER, Stage.ACCEPTED)


def china_today() -> date:
    return (datetime.now(UTC) + CHINA_OFFSET).date()


# --- who sees what ---------------------------------------------------------------------------


def _directed(viewer: Viewer) -> Q | None:
    """Units where the viewer directs: HQ HR everywhere, branch HR its branch, a team lead
    their own team (Viewer.can_direct_in); None: nowhere."""
    return viewer.act_filter(Operation.DIRECT)


def visible_requisitions(viewer: Viewer) -> QuerySet[Requisition]:
    where = _directed(viewer)
    return Requisition.filter(id__in=[]) if where is None else Requisition.filter(where)


def visible_postings(viewer: Viewer) -> QuerySet[Posting]:
    where = _directed(viewer)
    return Posting.filter(id__in=[]) if where is None else Posting.filter(where)


def visible_applications(viewer: Viewer) -> QuerySet[Application]:
    """Where the viewer directs, and the applications they interview for."""
    if viewer.user_id is None:
        return Application.filter(id__in=[])
    interviewing = Q(
        id__in=Subquery(
            Interview.filter(scorecards__interviewer_id=viewer.user_id).values("application_id")
        )
    )
    if "" in viewer.act_paths(Operation.DIRECT):
        return Application.all()  # (an empty Q ORed with another is that other alone)
    where = _directed(viewer)
    return Application.filter(interviewing if where is None else where | interviewing)


async def get_requisition(viewer: Viewer, pk: int) -> Requisition | None:
    return await visible_requisitions(viewer).filter(id=pk).first()


async def get_posting(viewer: Viewer, pk: int) -> Posting | None:
    return await visible_postings(viewer).filter(id=pk).first()


async def get_application(viewer: Viewer, pk: int) -> Application | None:
    return await visible_applications(viewer).filter(id=pk).first()


async def _unit(unit_id: int) -> OrgUnit:
    return await OrgUnit.get(id=unit_id)


async def _managed_application(
    viewer: Viewer, application_id: int, field_name: str = "applicationId"
) -> Application:
    """An application HR of its unit may change (else NOT_FOUND / FORBIDDEN)."""
    application = await get_application(viewer, application_id)
    if application is None:
        raise not_found("Application", field_name)
    unit = await _unit(application.unit_id)
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only HR of the unit's branch runs its recruitment.", field_name
        )
    return application


# --- requisitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequisitionInput:
    unit_id: int
    position_id: int
    headcount: int
    budget: Decimal
    reason: str = ""


async def create_requisition(viewer: Viewer, data: RequisitionInput) -> Requisition:
    """Ask to hire: where the viewer directs; submitted to the approvals engine."""
    unit = await OrgUnit.get_or_none(id=data.unit_id)
    if unit is None or not viewer.can_see_unit(unit.path):
        raise not_found("Unit", "unitId")
    if not viewer.can_direct_in(unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only HR or the unit's manager asks to hire.", "unitId"
        )
    problems: list[FieldError] = []
    position = await Position.get_or_none(id=data.position_id)
    if position is None:
        problems.append(FieldError("Position not found.", ErrorCode.NOT_FOUND, "positionId"))
    if not 1 <= data.headcount <= MAX_HEADCOUNT:
        problems.append(
            FieldError("From 1 to {top} people.", ErrorCode.INVALID, "headcount", top=MAX_HEADCOUNT)
        )
    if data.budget <= 0 or data.budget >= Decimal("1000000000"):
        problems.append(FieldError("Not a valid budget.", ErrorCode.INVALID, "budget"))
    if len(data.reason) > 500:
        problems.append(FieldError("At most 500 characters.", ErrorCode.INVALID, "reason"))
    if problems:
        raise ServiceError(*problems)
    assert position is not None
    async with in_transaction():
        requisition = await Requisition.create(
            unit_id=unit.id,
            position_id=position.id,
            headcount=data.headcount,
            budget=data.budget.quantize(Decimal("0.01")),
            reason=data.reason.strip(),
            requested_by_id=viewer.user_id,
        )
        await audit.record_created(
            viewer,
            "Requisition",
            requisition.id,
            {"unit_id": unit.id, "position_id": position.id, "headcount": data.headcount},
        )
        await approvals.submit(
            viewer,
            RequestType.REQUISITION,
            requisition.id,
            unit=unit,
            employee_id=viewer.employee_id,
            title=f"{unit.name} {position.title} × {data.headcount}",
            amount=requisition.budget,
        )
    return await Requisition.get(id=requisition.id)


async def _requisition_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    await Requisition.filter(id=approval.subject_id, status=RequisitionStatus.PENDING).update(
        status=RequisitionStatus.APPROVED if approved else RequisitionStatus.REJECTED,
        decided_at=datetime.now(UTC),
    )


approvals.register_effect(RequestType.REQUISITION, _requisition_decided)


async def close_requisition(viewer: Viewer, requisition_id: int) -> Requisition:
    """Withdraw a requisition not yet filled (where the viewer directs): its approval is
    cancelled and its postings closed."""
    requisition = await get_requisition(viewer, requisition_id)
    if requisition is None:
        raise not_found("Requisition", "id")
    if requisition.status in (RequisitionStatus.FILLED, RequisitionStatus.CLOSED):
        raise ServiceError.one(ErrorCode.CONFLICT, "This requisition is already closed.", "id")
    now = datetime.now(UTC)
    async with in_transaction():
        await Requisition.filter(id=requisition.id).update(status=RequisitionStatus.CLOSED)
        await Posting.filter(requisition_id=requisition.id, status=PostingStatus.OPEN).update(
            status=PostingStatus.CLOSED, closed_at=now
        )
        await approvals.cancel(viewer, RequestType.REQUISITION, requisition.id)
    return await Requisition.get(id=requisition.id)


# --- postings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingInput:
    requisition_id: int
    title: str
    description: str = ""
    location: str = ""


async def open_posting(viewer: Viewer, data: PostingInput) -> Posting:
    """Advertise an approved requisition (HR of its unit)."""
    requisition = await get_requisition(viewer, data.requisition_id)
    if requisition is None:
        raise not_found("Requisition", "requisitionId")
    unit = await _unit(requisition.unit_id)
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR posts a requisition.", "requisitionId")
    if requisition.status is not RequisitionStatus.APPROVED:
        raise ServiceError.one(
            ErrorCode.CONFLICT, "Only an approved requisition is posted.", "requisitionId"
        )
    problems: list[FieldError] = []
    title = data.title.strip()
    if not title:
        problems.append(FieldError("A title is required.", ErrorCode.REQUIRED, "title"))
    elif len(title) > 128:
        problems.append(FieldError("At most 128 characters.", ErrorCode.INVALID, "title"))
    if len(data.description) > 20000:
        problems.append(FieldError("At most 20,000 characters.", ErrorCode.INVALID, "description"))
    if len(data.location.strip()) > 64:
        problems.append(FieldError("At most 64 characters.", ErrorCode.INVALID, "location"))
    if problems:
        raise ServiceError(*problems)
    return await Posting.create(
        requisition_id=requisition.id,
        unit_id=requisition.unit_id,
        title=title,
        description=data.description.strip(),
        location=data.location.strip(),
    )


async def close_posting(viewer: Viewer, posting_id: int) -> Posting:
    posting = await get_posting(viewer, posting_id)
    if posting is None:
        raise not_found("Posting", "id")
    if not viewer.can_manage_employees_in((await _unit(posting.unit_id)).path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR closes a posting.", "id")
    if posting.status is PostingStatus.OPEN:
        posting.status, posting.closed_at = PostingStatus.CLOSED, datetime.now(UTC)
        await posting.save(update_fields=["status", "closed_at"])
    return posting


# --- candidates ------------------------------------------------------------------------------


def normal_phone(value: str | None) -> str | None:
    """The digits of a mainland mobile number (a leading +86 or 86 dropped)."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits or None


def normal_email(value: str | None) -> str | None:
    return value.strip().lower() or None if value else None


@dataclass
class CandidateInput:
    posting_id: int
    name: str
    source: CandidateSource
    phone: str | None = None
    email: str | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    education: list[dict[str, Any]] = field(default_factory=list)
    work_history: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Added:
    application: Application
    matched_existing: bool  # the candidate was found by phone or e-mail, not created


def _entry_problems(
    entries: list[dict[str, Any]], required: tuple[str, ...], name: str
) -> list[FieldError]:
    problems: list[FieldError] = []
    if len(entries) > 20:
        problems.append(FieldError("At most 20 lines.", ErrorCode.INVALID, name))
    for i, entry in enumerate(entries):
        for key in required:
            if not str(entry.get(key) or "").strip():
                problems.append(FieldError("Required.", ErrorCode.REQUIRED, f"{name}.{i}.{key}"))
        for key, value in entry.items():
            if isinstance(value, str) and len(value) > 128:
                problems.append(
                    FieldError("At most 128 characters.", ErrorCode.INVALID, f"{name}.{i}.{key}")
                )
        start, end = entry.get("start_date"), entry.get("end_date")
        if start and end and end < start:
            problems.append(
                FieldError("Ends before it starts.", ErrorCode.INVALID, f"{name}.{i}.endDate")
            )
    return problems


def _stored(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries as JSON: strings stripped, dates as ISO strings."""
    out = []
    for entry in entries:
        row: dict[str, Any] = {}
        for key, value in entry.items():
            if isinstance(value, date):
                row[key] = value.isoformat()
            elif isinstance(value, str):
                row[key] = value.strip() or None
            else:
                row[key] = value
        out.append(row)
    return out


async def add_candidate(viewer: Viewer, data: CandidateInput) -> Added:
    """Put a candidate into an open posting's pipeline (HR of its unit). A candidate already
    known by the same phone or e-mail is the same person: their application is added to them
    (blank details filled in), and a second application to the same posting is refused."""
    posting = await get_posting(viewer, data.posting_id)
    if posting is None:
        raise not_found("Posting", "postingId")
    if not viewer.can_manage_employees_in((await _unit(posting.unit_id)).path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR adds candidates.", "postingId")
    if posting.status is not PostingStatus.OPEN:
        raise ServiceError.one(ErrorCode.CONFLICT, "This posting is closed.", "postingId")
    problems: list[FieldError] = []
    name = data.name.strip()
    if not name:
        problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
    elif len(name) > 64:
        problems.append(FieldError("Name is at most 64 characters.", ErrorCode.INVALID, "name"))
    phone, email = normal_phone(data.phone), normal_email(data.email)
    if phone is None and email is None:
        problems.append(
            FieldError(
                "A mobile number or an e-mail address is required.", ErrorCode.REQUIRED, "phone"
            )
        )
    if phone is not None and not validation.valid_mobile(phone):
        problems.append(FieldError("Not a valid mobile number.", ErrorCode.INVALID, "phone"))
    if email is not None and (len(email) > 128 or not validation.valid_email(email)):
        problems.append(FieldError("Not a valid e-mail address.", ErrorCode.INVALID, "email"))
    if data.birth_date is not None and data.birth_date > china_today():
        problems.append(FieldError("Birth date is in the future.", ErrorCode.INVALID, "birthDate"))
    problems += _entry_problems(data.education, ("school", "degree"), "education")
    problems += _entry_problems(data.work_history, ("employer", "title"), "workHistory")
    if problems:
        raise ServiceError(*problems)
    details: dict[str, Any] = {
        "name": name,
        "phone": phone,
        "email": email,
        "gender": data.gender,
        "birth_date": data.birth_date,
        "education": _stored(data.education),
        "work_history": _stored(data.work_history),
    }
    async with in_transaction():
        match = Q(id__in=[])
        if phone is not None:
            match |= Q(phone=phone)
        if email is not None:
            match |= Q(email=email)
        found = await Candidate.filter(match).order_by("id").select_for_update().first()
        if found is None:
            candidate = await Candidate.create(**details)
        else:
            candidate = found
            blanks = [
                k for k, v in details.items() if v not in (None, []) and not getattr(found, k)
            ]
            for key in blanks:
                setattr(candidate, key, details[key])
            if blanks:
                await candidate.save(update_fields=blanks)
            if await Application.filter(candidate_id=found.id, posting_id=posting.id).exists():
                raise ServiceError.one(
                    ErrorCode.DUPLICATE,
                    "This candidate (the same mobile number or e-mail) already applied to this "
                    "posting.",
                    "phone" if phone is not None and found.phone == phone else "email",
                )
        application = await Application.create(
            candidate_id=candidate.id,
            posting_id=posting.id,
            unit_id=posting.unit_id,
            source=data.source,
        )
        await StageChange.create(
            application_id=application.id, to_stage=Stage.SCREENING, actor_username=viewer.username
        )
    return Added(application, matched_existing=found is not None)


async def attach_resume(
    viewer: Viewer,
    application_id: int,
    *,
    file_name: str,
    content: bytes,
    storage: Storage | None = None,
) -> Candidate:
    """The candidate's résumé (a PDF or an image, sniffed like the archive's), replacing any
    earlier one."""
    application = await _managed_application(viewer, application_id)
    name, media_type = archive.accepted_file(file_name, content, "resume")
    storage = storage or get_storage()
    key = await storage.put(content)
    try:
        async with in_transaction():
            candidate = (
                await Candidate.filter(id=application.candidate_id).select_for_update().first()
            )
            assert candidate is not None
            old = candidate.resume_key
            candidate.resume_key = key
            candidate.resume_name = name
            candidate.resume_media_type = media_type
            candidate.resume_size = len(content)
            candidate.resume_sha256 = hashlib.sha256(content).hexdigest()
            await candidate.save(
                update_fields=[
                    "resume_key",
                    "resume_name",
                    "resume_media_type",
                    "resume_size",
                    "resume_sha256",
                ]
            )
    except BaseException:
        await storage.delete(key)
        raise
    if old:
        await storage.delete(old)
    return candidate


async def resume(
    viewer: Viewer, application_id: int, storage: Storage | None = None
) -> tuple[Candidate, bytes] | None:
    """The résumé of a visible application's candidate, or None (the same as missing): where
    the viewer directs, or for an interviewer of a round HR shared it with."""
    application = await get_application(viewer, application_id)
    if application is None:
        return None
    if not viewer.can_direct_in((await _unit(application.unit_id)).path):
        shared = Interview.filter(
            application_id=application.id,
            share_resume=True,
            scorecards__interviewer_id=viewer.user_id,
        )
        if not await shared.exists():
            return None
    candidate = await Candidate.get(id=application.candidate_id)
    if not candidate.resume_key:
        return None
    content = await (storage or get_storage()).get(candidate.resume_key)
    return (candidate, content) if content is not None else None


# --- stages ----------------------------------------------------------------------------------


async def _set_stage(
    application: Application, stage: Stage, viewer: Viewer, note: str = ""
) -> None:
    before = application.stage
    application.stage = stage
    application.furthest = max(application.furthest, STAGE_RANK.get(stage, 0))
    application.stage_changed_at = datetime.now(UTC)
    if stage in (Stage.REJECTED, Stage.DECLINED):
        application.reason = note[:255]
    await application.save(update_fields=["stage", "furthest", "stage_changed_at", "reason"])
    await StageChange.create(
        application_id=application.id,
        from_stage=before,
        to_stage=stage,
        actor_username=viewer.username,
        note=note[:255],
    )


async def _locked_application(application_id: int) -> Application:
    found = await Application.filter(id=application_id).select_for_update().first()
    assert found is not None
    return found


async def move_application(
    viewer: Viewer, application_id: int, stage: Stage, note: str = ""
) -> Application:
    """Move an application on the board: to screening, to interviews, rejected (with a
    reason), back from rejected; an accepted candidate who withdraws is declined."""
    application = await _managed_application(viewer, application_id, "id")
    note = note.strip()
    if stage in (Stage.REJECTED, Stage.DECLINED) and not note:
        raise ServiceError.one(ErrorCode.REQUIRED, "Say why.", "note")
    async with in_transaction():
        locked = await _locked_application(application.id)
        if stage is locked.stage:
            return locked
        if stage not in MOVES[locked.stage]:
            hint = {
                Stage.OFFER: N_("Make an offer to move a candidate to the offer stage."),
                Stage.ACCEPTED: N_("Record the candidate's answer to an approved offer."),
                Stage.DECLINED: N_("Record the candidate's answer to an approved offer."),
                Stage.HIRED: N_("Hire the candidate to make them an employee."),
            }.get(stage, N_("A candidate cannot move from {current} to {stage}."))
            raise ServiceError.one(
                ErrorCode.CONFLICT, hint, "stage", current=locked.stage.value, stage=stage.value
            )
        if locked.stage is Stage.OFFER:
            await _withdraw_offers(viewer, locked.id)
        if locked.stage is Stage.ACCEPTED:  # the candidate withdrew after accepting
            await Offer.filter(application_id=locked.id, status=OfferStatus.ACCEPTED).update(
                status=OfferStatus.DECLINED
            )
        await _set_stage(locked, stage, viewer, note)
    return locked


async def _withdraw_offers(viewer: Viewer, application_id: int) -> None:
    for offer in await Offer.filter(
        application_id=application_id, status__in=[OfferStatus.PENDING, OfferStatus.APPROVED]
    ):
        await Offer.filter(id=offer.id).update(status=OfferStatus.WITHDRAWN)
        await approvals.cancel(viewer, RequestType.OFFER, offer.id)


# --- interviews and scorecards ---------------------------------------------------------------


async def schedule_interview(
    viewer: Viewer,
    application_id: int,
    *,
    title: str,
    scheduled_at: datetime,
    interviewer_ids: Sequence[int],
    share_resume: bool = False,
) -> Interview:
    """An interview round with its interviewers (employees the viewer sees, with a user
    account); a candidate in screening moves to interviews. `share_resume` lets the
    interviewers download the résumé."""
    application = await _managed_application(viewer, application_id)
    problems: list[FieldError] = []
    title = title.strip()
    if not title:
        problems.append(FieldError("A title is required.", ErrorCode.REQUIRED, "title"))
    elif len(title) > 128:
        problems.append(FieldError("At most 128 characters.", ErrorCode.INVALID, "title"))
    ids = list(dict.fromkeys(interviewer_ids))
    if not 1 <= len(ids) <= MAX_INTERVIEWERS:
        problems.append(
            FieldError(
                "From 1 to {top} interviewers.",
                ErrorCode.INVALID,
                "interviewerIds",
                top=MAX_INTERVIEWERS,
            )
        )
    users: dict[int, User] = {}
    if ids:
        seen = await people.employees_by_ids(viewer, ids)
        for user in await User.filter(employee_id__in=list(seen), is_active=True).order_by("id"):
            users.setdefault(user.employee_id or 0, user)
        missing = [i for i in ids if i not in users]
        if missing:
            problems.append(
                FieldError(
                    "Every interviewer is a colleague with a user account.",
                    ErrorCode.NOT_FOUND,
                    "interviewerIds",
                )
            )
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        locked = await _locked_application(application.id)
        if locked.stage not in (Stage.SCREENING, Stage.INTERVIEW):
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                "Interviews are scheduled for candidates in screening or interviews.",
                "applicationId",
            )
        if scheduled_at.tzinfo is None:
            scheduled_at = scheduled_at.replace(tzinfo=UTC)
        interview = await Interview.create(
            application_id=locked.id,
            title=title,
            scheduled_at=scheduled_at,
            share_resume=share_resume,
        )
        for employee_id in ids:
            await Scorecard.create(interview_id=interview.id, interviewer_id=users[employee_id].id)
        if locked.stage is Stage.SCREENING:
            await _set_stage(locked, Stage.INTERVIEW, viewer)
    return interview


async def submit_scorecard(
    viewer: Viewer,
    interview_id: int,
    *,
    ratings: dict[str, int],
    recommendation: Recommendation,
    notes: str = "",
) -> Scorecard:
    """The viewer's own scorecard of an interview they are an interviewer of, submitted once
    while the candidate is in the pipeline. Submitted, it is locked: one who could rewrite it
    after reading the others' (which submitting opens) would anchor on them after all."""
    if viewer.user_id is None:
        raise not_found("Interview", "interviewId")
    card = await Scorecard.filter(interview_id=interview_id, interviewer_id=viewer.user_id).first()
    if card is None:
        raise not_found("Interview", "interviewId")
    if card.submitted_at is not None:
        raise ServiceError.one(
            ErrorCode.LOCKED, "Your scorecard is submitted and cannot change.", "interviewId"
        )
    problems: list[FieldError] = []
    unknown = sorted(set(ratings) - set(CRITERIA))
    if unknown:
        problems.append(
            FieldError(
                "Unknown criteria: {criteria}.",
                ErrorCode.INVALID,
                "ratings",
                criteria=", ".join(unknown),
            )
        )
    for key in CRITERIA:
        score = ratings.get(key)
        if score is None:
            problems.append(
                FieldError("Rate {criterion}.", ErrorCode.REQUIRED, f"ratings.{key}", criterion=key)
            )
        elif not 1 <= score <= 5:
            problems.append(FieldError("From 1 to 5.", ErrorCode.INVALID, f"ratings.{key}"))
    if len(notes) > 5000:
        problems.append(FieldError("At most 5,000 characters.", ErrorCode.INVALID, "notes"))
    if problems:
        raise ServiceError(*problems)
    interview = await Interview.get(id=interview_id)
    application = await Application.get(id=interview.application_id)
    if application.stage not in (Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER):
        raise ServiceError.one(
            ErrorCode.CONFLICT, "The candidate has left the pipeline.", "interviewId"
        )
    # only an unsubmitted card is written: of two submissions at once, one lands
    written = await Scorecard.filter(id=card.id, submitted_at__isnull=True).update(
        ratings={k: int(ratings[k]) for k in CRITERIA},
        recommendation=recommendation,
        notes=notes.strip(),
        submitted_at=datetime.now(UTC),
    )
    if not written:
        raise ServiceError.one(
            ErrorCode.LOCKED, "Your scorecard is submitted and cannot change.", "interviewId"
        )
    return await Scorecard.get(id=card.id)


async def interviews_of(application_ids: Sequence[int]) -> dict[int, list[Interview]]:
    by: dict[int, list[Interview]] = {i: [] for i in application_ids}
    for interview in await Interview.filter(application_id__in=list(application_ids)).order_by(
        "scheduled_at", "id"
    ):
        by[interview.application_id].append(interview)
    return by


async def scorecards_of(interview_ids: Sequence[int]) -> dict[int, list[Scorecard]]:
    by: dict[int, list[Scorecard]] = {i: [] for i in interview_ids}
    for card in await Scorecard.filter(interview_id__in=list(interview_ids)).order_by("id"):
        by[card.interview_id].append(card)
    return by


def readable_scorecards(
    viewer: Viewer, unit_path: str, cards: Sequence[Scorecard]
) -> list[Scorecard]:
    """Who reads an interview's scorecards: where the viewer directs, every submitted one; an
    interviewer their own, and the others' once theirs is submitted (no anchoring)."""
    if viewer.can_direct_in(unit_path):
        return [
            c for c in cards if c.submitted_at is not None or c.interviewer_id == viewer.user_id
        ]
    own = next((c for c in cards if c.interviewer_id == viewer.user_id), None)
    if own is None:
        return []
    if own.submitted_at is None:
        return [own]
    return [c for c in cards if c.submitted_at is not None]


async def my_interviews(viewer: Viewer) -> list[Interview]:
    """Interviews the viewer is an interviewer of, in the pipeline still, soonest first."""
    if viewer.user_id is None:
        return []
    return (
        await Interview.filter(
            scorecards__interviewer_id=viewer.user_id, application__stage__in=OPEN_STAGES
        )
        .order_by("scheduled_at", "id")
        .limit(100)
    )


@dataclass(frozen=True)
class InterviewerDue:
    to_hold: int  # interviews still to come
    scorecards: int  # the viewer's scorecards not yet submitted for interviews held


async def interviewer_due(viewer: Viewer, now: datetime | None = None) -> InterviewerDue:
    """What `my_interviews` asks of the viewer now (the workbench): interviews to hold and
    scorecards due."""
    interviews = await my_interviews(viewer)
    if not interviews:
        return InterviewerDue(0, 0)
    now = now or datetime.now(UTC)
    held = [i.id for i in interviews if i.scheduled_at < now]
    due = (
        await Scorecard.filter(
            interview_id__in=held, interviewer_id=viewer.user_id, submitted_at__isnull=True
        ).count()
        if held
        else 0
    )
    return InterviewerDue(len(interviews) - len(held), due)


# --- offers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferInput:
    application_id: int
    monthly_salary: Decimal
    start_date: date
    contract_kind: ContractKind
    contract_months: int | None = None
    probation_months: int = 0


def contract_end(data: OfferInput) -> date | None:
    if data.contract_kind is not ContractKind.FIXED_TERM or not data.contract_months:
        return None
    return records.add_months(data.start_date, data.contract_months) - timedelta(days=1)


def probation_end(start: date, months: int) -> date | None:
    return records.add_months(start, months) - timedelta(days=1) if months else None


def _offer_problems(data: OfferInput) -> list[FieldError]:
    problems: list[FieldError] = []
    if data.monthly_salary <= 0 or data.monthly_salary >= Decimal("10000000"):
        problems.append(FieldError("Not a valid salary.", ErrorCode.INVALID, "monthlySalary"))
    if data.contract_kind is ContractKind.FIXED_TERM:
        if data.contract_months is None:
            problems.append(
                FieldError("A fixed term needs its length.", ErrorCode.REQUIRED, "contractMonths")
            )
        elif not 1 <= data.contract_months <= 120:
            problems.append(
                FieldError("From 1 to 120 months.", ErrorCode.INVALID, "contractMonths")
            )
    elif data.contract_months is not None:
        problems.append(
            FieldError("Only a fixed term has a length.", ErrorCode.INVALID, "contractMonths")
        )
    if data.probation_months < 0:
        problems.append(
            FieldError("Probation is not negative.", ErrorCode.INVALID, "probationMonths")
        )
    elif data.probation_months and not problems:
        # 劳动合同法 art. 19: at most 1 month for a term of 3 months to a year, 2 months for
        # 1 to 3 years, 6 months for 3 years or more and open-ended; none for a task contract
        # or a term under 3 months (records.service.probation_limit_months).
        limit = records.probation_limit_months(
            data.contract_kind, data.start_date, contract_end(data)
        )
        if data.probation_months > limit:
            problems.append(
                FieldError(
                    "Probation may last at most {limit} month(s) for this contract "
                    "(Labour Contract Law art. 19).",
                    ErrorCode.INVALID,
                    "probationMonths",
                    limit=limit,
                )
            )
    return problems


async def make_offer(viewer: Viewer, data: OfferInput) -> Offer:
    """Offer terms to a candidate in interviews (or a new offer at the offer stage, the
    earlier one withdrawn); submitted to the approvals engine."""
    application = await _managed_application(viewer, data.application_id)
    problems = _offer_problems(data)
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        locked = await _locked_application(application.id)
        if locked.stage not in (Stage.INTERVIEW, Stage.OFFER):
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                "Offers go to candidates who were interviewed.",
                "applicationId",
            )
        posting = await Posting.get(id=locked.posting_id).select_related("requisition")
        if posting.requisition.status is not RequisitionStatus.APPROVED:
            raise ServiceError.one(
                ErrorCode.CONFLICT, "The requisition is no longer open.", "applicationId"
            )
        await _withdraw_offers(viewer, locked.id)
        offer = await Offer.create(
            application_id=locked.id,
            monthly_salary=data.monthly_salary.quantize(Decimal("0.01")),
            start_date=data.start_date,
            contract_kind=data.contract_kind,
            contract_months=data.contract_months,
            probation_months=data.probation_months,
            created_by_id=viewer.user_id,
        )
        if locked.stage is not Stage.OFFER:
            await _set_stage(locked, Stage.OFFER, viewer)
        candidate = await Candidate.get(id=locked.candidate_id)
        await approvals.submit(
            viewer,
            RequestType.OFFER,
            offer.id,
            unit=await _unit(locked.unit_id),
            employee_id=viewer.employee_id,
            title=Title(
                titles.OFFER,
                {
                    "posting": posting.title,
                    "candidate": candidate.name,
                    "salary": str(offer.monthly_salary),
                },
            ),
            amount=offer.monthly_salary,
        )
    return await Offer.get(id=offer.id)


async def _offer_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    await Offer.filter(id=approval.subject_id, status=OfferStatus.PENDING).update(
        status=OfferStatus.APPROVED if approved else OfferStatus.REJECTED,
        decided_at=datetime.now(UTC),
    )


approvals.register_effect(RequestType.OFFER, _offer_decided)


async def latest_offers(application_ids: Sequence[int]) -> dict[int, Offer]:
    found: dict[int, Offer] = {}
    for offer in await Offer.filter(application_id__in=list(application_ids)).order_by("id"):
        found[offer.application_id] = offer
    return found


async def respond_to_offer(
    viewer: Viewer, application_id: int, *, accepted: bool, note: str = ""
) -> Application:
    """The candidate's answer to the approved offer: accepted opens the onboarding
    checklist; declined (with the reason) ends the application."""
    application = await _managed_application(viewer, application_id)
    note = note.strip()
    if not accepted and not note:
        raise ServiceError.one(ErrorCode.REQUIRED, "Say why the candidate declined.", "note")
    async with in_transaction():
        locked = await _locked_application(application.id)
        offer = await Offer.filter(application_id=locked.id).order_by("-id").first()
        if locked.stage is not Stage.OFFER or offer is None:
            raise ServiceError.one(
                ErrorCode.CONFLICT, "The candidate has no offer to answer.", "applicationId"
            )
        if offer.status is not OfferStatus.APPROVED:
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                N_("The offer is not approved yet.")
                if offer.status is OfferStatus.PENDING
                else N_("The offer was not approved: make a new one."),
                "applicationId",
            )
        offer.status = OfferStatus.ACCEPTED if accepted else OfferStatus.DECLINED
        await offer.save(update_fields=["status"])
        await _set_stage(locked, Stage.ACCEPTED if accepted else Stage.DECLINED, viewer, note)
        if accepted and not await OnboardingTask.filter(application_id=locked.id).exists():
            for position, (key, title) in enumerate(CHECKLIST):
                await OnboardingTask.create(
                    application_id=locked.id, key=key, title=title, position=position
                )
    return locked


# --- onboarding ------------------------------------------------------------------------------


async def onboarding_of(application_ids: Sequence[int]) -> dict[int, list[OnboardingTask]]:
    by: dict[int, list[OnboardingTask]] = {i: [] for i in application_ids}
    for task in await OnboardingTask.filter(application_id__in=list(application_ids)).order_by(
        "position", "id"
    ):
        by[task.application_id].append(task)
    return by


async def employee_onboarding(viewer: Viewer, employee_id: int) -> list[OnboardingTask] | None:
    """A hired employee's checklist, for whoever reads the employee at WORK; else None."""
    from talentloop.access.policy import FieldGroup

    scope = viewer.employee_filter(requires=FieldGroup.WORK)
    if scope is None or not await Employee.filter(scope).filter(id=employee_id).exists():
        return None
    return await OnboardingTask.filter(employee_id=employee_id).order_by("position", "id")


async def add_onboarding_task(viewer: Viewer, application_id: int, title: str) -> OnboardingTask:
    application = await _managed_application(viewer, application_id)
    title = title.strip()
    if not title or len(title) > 128:
        raise ServiceError.one(ErrorCode.INVALID, "A title of 1 to 128 characters.", "title")
    if application.stage not in (Stage.ACCEPTED, Stage.HIRED):
        raise ServiceError.one(
            ErrorCode.CONFLICT, "The checklist opens when the offer is accepted.", "applicationId"
        )
    last = await OnboardingTask.filter(application_id=application.id).order_by("-position").first()
    return await OnboardingTask.create(
        application_id=application.id,
        employee_id=application.employee_id,
        title=title,
        position=(last.position + 1) if last else 0,
    )


async def set_onboarding_task(viewer: Viewer, task_id: int, done: bool) -> OnboardingTask:
    task = await OnboardingTask.get_or_none(id=task_id)
    if task is None or await get_application(viewer, task.application_id) is None:
        raise not_found("Onboarding task", "id")
    await _managed_application(viewer, task.application_id, "id")
    task.done_at = datetime.now(UTC) if done else None
    task.done_by = viewer.username if done else None
    await task.save(update_fields=["done_at", "done_by"])
    return task


# --- the hire --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HireInput:
    application_id: int
    employee_number: str | None = None  # none: the next free A-number
    manager_id: int | None = None
    id_number: str | None = None
    bank_account: str | None = None
    work_email: str | None = None


@dataclass(frozen=True)
class Hired:
    employee: Employee
    application: Application


async def next_employee_number() -> str:
    """The next A-number (A00001…) above the highest in use."""
    highest = 0
    for number in await Employee.filter(employee_number__startswith="A").values_list(
        "employee_number", flat=True
    ):
        tail = str(number)[1:]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"A{highest + 1:05d}"


def _entry(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        value = values.get(key)
        if key.endswith("_date") and isinstance(value, str) and value:
            value = date.fromisoformat(value)
        out[key] = value or None
    return out


async def hire(viewer: Viewer, data: HireInput, storage: Storage | None = None) -> Hired:
    """The accepted candidate becomes an employee: the record from what they gave, the
    contract from the offer, the onboarding event, the checklist handed over, the requisition
    counted (filled when every head is hired). All or nothing."""
    application = await _managed_application(viewer, data.application_id)
    # The manager named is a second id: someone the viewer sees, checked before anything else
    # about the hire (people.create_employee checks it again in the transaction).
    if (
        data.manager_id is not None
        and not await people.visible_employees(viewer).filter(id=data.manager_id).exists()
    ):
        raise not_found("Manager", "managerId")
    if application.stage is not Stage.ACCEPTED:
        raise ServiceError.one(
            ErrorCode.CONFLICT, "Only a candidate who accepted an offer is hired.", "applicationId"
        )
    storage = storage or get_storage()
    created_keys: list[str] = []
    try:
        async with in_transaction():
            locked = await _locked_application(application.id)
            if locked.stage is not Stage.ACCEPTED:
                raise ServiceError.one(
                    ErrorCode.CONFLICT, "This candidate was hired already.", "applicationId"
                )
            posting = await Posting.get(id=locked.posting_id)
            requisition = (
                await Requisition.filter(id=posting.requisition_id).select_for_update().first()
            )
            assert requisition is not None
            if requisition.hired >= requisition.headcount:
                raise ServiceError.one(
                    ErrorCode.CONFLICT,
                    "The requisition's headcount is filled.",
                    "applicationId",
                )
            offer = (
                await Offer.filter(application_id=locked.id, status=OfferStatus.ACCEPTED)
                .order_by("-id")
                .first()
            )
            if offer is None:
                raise ServiceError.one(
                    ErrorCode.CONFLICT, "The candidate has no accepted offer.", "applicationId"
                )
            candidate = await Candidate.get(id=locked.candidate_id)
            number = (data.employee_number or "").strip() or await next_employee_number()
            values: dict[str, Any] = {
                "name": candidate.name,
                "position_id": requisition.position_id,
                "status": EmployeeStatus.PROBATION
                if offer.probation_months
                else EmployeeStatus.ACTIVE,
                "gender": candidate.gender,
                "birth_date": candidate.birth_date,
                "personal_phone": candidate.phone,
                "base_salary": offer.monthly_salary,
            }
            for key in ("manager_id", "id_number", "bank_account", "work_email"):
                if getattr(data, key):
                    values[key] = getattr(data, key)
            employee = await people.create_employee(
                viewer,
                employee_number=number,
                unit_id=locked.unit_id,
                hire_date=offer.start_date,
                changes=people.EmployeeChanges(values),
            )
            for line in candidate.education:
                await records.add_entry(
                    viewer,
                    "Education",
                    employee.id,
                    _entry(line, ("school", "degree", "major", "start_date", "end_date")),
                )
            for line in candidate.work_history:
                await records.add_entry(
                    viewer,
                    "WorkHistory",
                    employee.id,
                    _entry(line, ("employer", "title", "start_date", "end_date")),
                )
            terms = OfferInput(
                application_id=locked.id,
                monthly_salary=offer.monthly_salary,
                start_date=offer.start_date,
                contract_kind=offer.contract_kind,
                contract_months=offer.contract_months,
                probation_months=offer.probation_months,
            )
            await records.sign_contract(
                viewer,
                employee.id,
                records.ContractInput(
                    kind=offer.contract_kind,
                    start_date=offer.start_date,
                    end_date=contract_end(terms),
                    probation_end=probation_end(offer.start_date, offer.probation_months),
                    signed_on=china_today(),
                    note=records.OFFER_OF.format(date=offer.created_at.date().isoformat()),
                ),
            )
            await records.record_onboarding(
                viewer, employee.id, note=records.HIRED_THROUGH.format(posting=posting.title)
            )
            if candidate.resume_key:
                content = await storage.get(candidate.resume_key)
                if content is not None:
                    document = await archive.upload(
                        viewer,
                        employee.id,
                        doc_type=DocumentType.RESUME,
                        file_name=candidate.resume_name or "resume",
                        content=content,
                        storage=storage,
                    )
                    created_keys.append(document.storage_key)
            now = datetime.now(UTC)
            await OnboardingTask.filter(application_id=locked.id).update(employee_id=employee.id)
            await OnboardingTask.filter(
                application_id=locked.id, key="sign_contract", done_at=None
            ).update(done_at=now, done_by=viewer.username)
            locked.employee_id = employee.id
            await _set_stage(locked, Stage.HIRED, viewer)
            await Application.filter(id=locked.id).update(employee_id=employee.id)
            await Candidate.filter(id=candidate.id).update(employee_id=employee.id)
            requisition.hired += 1
            if requisition.hired >= requisition.headcount:
                requisition.status = RequisitionStatus.FILLED
                await Posting.filter(
                    requisition_id=requisition.id, status=PostingStatus.OPEN
                ).update(status=PostingStatus.CLOSED, closed_at=now)
            await requisition.save(update_fields=["hired", "status"])
    except BaseException:
        for key in created_keys:
            await storage.delete(key)
        raise
    return Hired(employee=employee, application=await Application.get(id=application.id))


# --- the funnel ------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    posting_id: int
    source: CandidateSource
    applied: int = 0
    interviewed: int = 0
    offered: int = 0
    accepted: int = 0
    hired: int = 0


async def funnel(
    viewer: Viewer, *, posting_id: int | None = None, unit_path: str | None = None
) -> list[FunnelRow]:
    """Per posting and source: how many applied and how many reached interviews, an offer,
    acceptance and the hire (where the viewer directs)."""
    where = _directed(viewer)
    if where is None:
        return []
    qs = Application.filter(where)
    if posting_id is not None:
        qs = qs.filter(posting_id=posting_id)
    if unit_path is not None:
        qs = qs.filter(unit__path__startswith=unit_path)
    rows: dict[tuple[int, str], FunnelRow] = {}
    for pid, source, furthest in await qs.values_list("posting_id", "source", "furthest"):
        key = (int(str(pid)), str(source))
        row = rows.setdefault(key, FunnelRow(key[0], CandidateSource(key[1])))
        rank = int(str(furthest))
        row.applied += 1
        row.interviewed += rank >= STAGE_RANK[Stage.INTERVIEW]
        row.offered += rank >= STAGE_RANK[Stage.OFFER]
        row.accepted += rank >= STAGE_RANK[Stage.ACCEPTED]
        row.hired += rank >= STAGE_RANK[Stage.HIRED]
    return [rows[k] for k in sorted(rows, key=lambda k: (-k[0], k[1]))]
