"""GraphQL types of recruitment: requisitions, postings, applications with their candidate,
interviews and scorecards, offers and the onboarding checklist; the funnel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from talentloop.access.policy import FieldNotPermitted, Viewer
from talentloop.accounts.models import User
from talentloop.approvals.models import RequestType
from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import employee_node, unit_node
from talentloop.org import loaders as org_loaders
from talentloop.people.models import Gender, Position
from talentloop.records import types as _records_types  # noqa: F401  (names ContractKind)
from talentloop.records.models import ContractKind
from talentloop.recruitment import service
from talentloop.recruitment.models import (
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

if TYPE_CHECKING:
    from talentloop.approvals.types import ApprovalRequestNode
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode, PositionNode

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
PositionRef = Annotated["PositionNode", strawberry.lazy("talentloop.people.types")]
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]
ApprovalRef = Annotated["ApprovalRequestNode", strawberry.lazy("talentloop.approvals.types")]

strawberry.enum(
    RequisitionStatus,
    name="RequisitionStatus",
    description="Pending approval, approved (may be posted), rejected, filled or closed.",
)
strawberry.enum(PostingStatus, name="PostingStatus", description="Open to candidates, or closed.")
strawberry.enum(CandidateSource, name="CandidateSource", description="How a candidate came.")
strawberry.enum(
    Stage,
    name="ApplicationStage",
    description="Where an application stands in the pipeline: screening, interviews, offer, "
    "accepted or declined (the candidate's answer), rejected (by the company), hired.",
)
strawberry.enum(
    Recommendation, name="InterviewRecommendation", description="An interviewer's verdict."
)
strawberry.enum(
    OfferStatus,
    name="OfferStatus",
    description="Pending approval, approved (may be given), rejected (not approved), accepted, "
    "declined, or withdrawn (replaced by a new offer).",
)


@strawberry.enum(name="ScorecardCriterion", description="What a scorecard rates, 1 to 5 each.")
class Criterion(Enum):
    SKILLS = "skills"
    EXPERIENCE = "experience"
    COMMUNICATION = "communication"
    MOTIVATION = "motivation"


assert tuple(c.value for c in Criterion) == service.CRITERIA


# --- loaders -----------------------------------------------------------------------------------


def _by_ids(
    fetch: Callable[[Sequence[int]], Awaitable[dict[int, Any]]], default: Any = None
) -> Callable[[Viewer], Callable[[list[int]], Awaitable[list[Any]]]]:
    def factory(_viewer: Viewer) -> Callable[[list[int]], Awaitable[list[Any]]]:
        async def load(ids: list[int]) -> list[Any]:
            found = await fetch(ids)
            return [found.get(i, default() if callable(default) else default) for i in ids]

        return load

    return factory


async def _candidates(ids: Sequence[int]) -> dict[int, Candidate]:
    return {c.id: c for c in await Candidate.filter(id__in=list(ids))}


async def _postings(ids: Sequence[int]) -> dict[int, Posting]:
    return {p.id: p for p in await Posting.filter(id__in=list(ids))}


async def _requisitions(ids: Sequence[int]) -> dict[int, Requisition]:
    return {r.id: r for r in await Requisition.filter(id__in=list(ids))}


async def _positions(ids: Sequence[int]) -> dict[int, Position]:
    return {p.id: p for p in await Position.filter(id__in=list(ids))}


async def _postings_by_requisition(ids: Sequence[int]) -> dict[int, list[Posting]]:
    by: dict[int, list[Posting]] = {i: [] for i in ids}
    for p in await Posting.filter(requisition_id__in=list(ids)).order_by("id"):
        by[p.requisition_id].append(p)
    return by


async def _application_counts(ids: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for pid in await Application.filter(posting_id__in=list(ids)).values_list(
        "posting_id", flat=True
    ):
        counts[int(str(pid))] = counts.get(int(str(pid)), 0) + 1
    return counts


async def _stage_changes(ids: Sequence[int]) -> dict[int, list[StageChange]]:
    by: dict[int, list[StageChange]] = {i: [] for i in ids}
    for c in await StageChange.filter(application_id__in=list(ids)).order_by("id"):
        by[c.application_id].append(c)
    return by


async def _names(ids: Sequence[int]) -> dict[int, str]:
    return {
        u.id: (u.employee.name if u.employee is not None else u.username)
        for u in await User.filter(id__in=list(ids)).prefetch_related("employee")
    }


async def _load(info: Info, name: str, fetch: Any, key: int, default: Any = None) -> Any:
    return await info.context.loader(name, _by_ids(fetch, default)).load(key)


async def _approval_node(
    info: Info, request_type: RequestType, subject_id: int
) -> ApprovalRequestNode | None:
    from talentloop.approvals.types import approval_of

    return await approval_of(info, request_type, subject_id)


async def _directs(info: Info, unit_id: int) -> bool:
    """Whether the viewer directs the unit (HR in scope, its team lead): they run its
    recruitment and read its pay figures and candidates' contacts; its interviewers do not."""
    unit = await info.context.loader("unit", org_loaders.units_by_id).load(unit_id)
    return unit is not None and info.context.viewer.can_direct_in(unit.path)


async def _resume_shared(info: Info, application_id: int) -> bool:
    """Whether HR shared the résumé with an interview of the application the viewer is on."""
    uid = info.context.viewer.user_id
    for interview in await _load(
        info, "recruitment_interviews", service.interviews_of, application_id, list
    ):
        if interview.share_resume and any(
            c.interviewer_id == uid for c in await _cards(info, interview.id)
        ):
            return True
    return False


async def _user_name(info: Info, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    name: str | None = await _load(info, "recruitment_user_names", _names, user_id)
    return name


# --- requisitions and postings -----------------------------------------------------------------


@strawberry.type(
    name="Requisition",
    description="A request to hire people into a position of a unit within a yearly budget; "
    "approved through the approvals engine before it is posted.",
)
class RequisitionNode(Node):
    _model: strawberry.Private[Requisition]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Requisition", self._model.id))

    @strawberry.field(description="The unit that hires.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="The position to fill.")
    async def position(self, info: Info) -> PositionRef | None:
        from talentloop.people.types import PositionNode

        found = await _load(info, "recruitment_positions", _positions, self._model.position_id)
        return PositionNode(_model=found) if found is not None else None

    @strawberry.field(description="How many people to hire.")
    def headcount(self) -> int:
        return self._model.headcount

    @strawberry.field(description="How many were hired so far.")
    def hired(self) -> int:
        return self._model.hired

    @strawberry.field(
        description="The yearly salary budget in CNY for all of them together; where the viewer "
        "directs the unit (not for an interviewer reaching it through a posting)."
    )
    async def budget(self, info: Info) -> Decimal | None:
        if not await _directs(info, self._model.unit_id):
            raise FieldNotPermitted("budget")
        return self._model.budget

    @strawberry.field(description="Why the people are needed.")
    def reason(self) -> str:
        return self._model.reason

    @strawberry.field(description="Pending approval, approved, rejected, filled or closed.")
    def status(self) -> RequisitionStatus:
        return self._model.status

    @strawberry.field(description="Who asked.")
    async def requested_by_name(self, info: Info) -> str | None:
        return await _user_name(info, self._model.requested_by_id)

    @strawberry.field(description="When it was asked for.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="When its approval was decided.")
    def decided_at(self) -> datetime | None:
        return self._model.decided_at

    @strawberry.field(
        description="Its approval request with every stage and decision (null where the viewer "
        "does not read it)."
    )
    async def approval_request(self, info: Info) -> ApprovalRef | None:
        return await _approval_node(info, RequestType.REQUISITION, self._model.id)

    @strawberry.field(description="Its postings, oldest first.")
    async def postings(self, info: Info) -> list[PostingNode]:
        found = await _load(
            info, "recruitment_postings_by_req", _postings_by_requisition, self._model.id, list
        )
        return [PostingNode(_model=p) for p in found]


@strawberry.type(name="Posting", description="An approved requisition advertised to candidates.")
class PostingNode(Node):
    _model: strawberry.Private[Posting]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Posting", self._model.id))

    @strawberry.field(description="The job title advertised.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="What the job is and asks for.")
    def description(self) -> str:
        return self._model.description

    @strawberry.field(description="Where the job is (a city, an office).")
    def location(self) -> str:
        return self._model.location

    @strawberry.field(description="Open or closed.")
    def status(self) -> PostingStatus:
        return self._model.status

    @strawberry.field(description="When it was opened.")
    def opened_at(self) -> datetime:
        return self._model.opened_at

    @strawberry.field(description="When it was closed.")
    def closed_at(self) -> datetime | None:
        return self._model.closed_at

    @strawberry.field(description="The unit that hires.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="The requisition it advertises.")
    async def requisition(self, info: Info) -> RequisitionNode | None:
        found = await _load(
            info, "recruitment_requisitions", _requisitions, self._model.requisition_id
        )
        return RequisitionNode(_model=found) if found is not None else None

    @strawberry.field(description="How many candidates applied.")
    async def application_count(self, info: Info) -> int:
        count: int = await _load(
            info, "recruitment_application_counts", _application_counts, self._model.id, 0
        )
        return count


# --- applications ------------------------------------------------------------------------------


@strawberry.type(name="CandidateEducation", description="A school the candidate gave.")
class CandidateEducation:
    school: str = strawberry.field(description="The school.")
    degree: str = strawberry.field(description="The degree.")
    major: str | None = strawberry.field(description="The major.")
    start_date: date | None = strawberry.field(description="From.")
    end_date: date | None = strawberry.field(description="To.")


@strawberry.type(name="CandidateWork", description="A job the candidate gave.")
class CandidateWork:
    employer: str = strawberry.field(description="The employer.")
    title: str = strawberry.field(description="The job title.")
    start_date: date | None = strawberry.field(description="From.")
    end_date: date | None = strawberry.field(description="To.")


@strawberry.type(name="Resume", description="The candidate's résumé file.")
class ResumeInfo:
    file_name: str = strawberry.field(description="The file's name.")
    media_type: str = strawberry.field(description="application/pdf, image/png or image/jpeg.")
    size: int = strawberry.field(description="Bytes.")
    download_path: str = strawberry.field(
        description="GET this path with the Bearer token for the file."
    )


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


@strawberry.type(
    name="Candidate",
    description="The person behind an application, with what they gave. Found again by mobile "
    "number or e-mail when they apply to another posting.",
)
class CandidateInfo:
    _model: strawberry.Private[Candidate]
    _application_id: strawberry.Private[int]
    _contacts: strawberry.Private[bool]
    _resume: strawberry.Private[bool]  # where the viewer directs, or HR shared it

    @strawberry.field(description="Their name.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(
        description="Their mobile number (digits); null for an interviewer who does not run the "
        "recruitment."
    )
    def phone(self) -> str | None:
        return self._model.phone if self._contacts else None

    @strawberry.field(description="Their e-mail address; null like the phone.")
    def email(self) -> str | None:
        return self._model.email if self._contacts else None

    @strawberry.field(description="Gender, if given.")
    def gender(self) -> Gender | None:
        return self._model.gender

    @strawberry.field(description="Birth date, if given; null like the phone.")
    def birth_date(self) -> date | None:
        return self._model.birth_date if self._contacts else None

    @strawberry.field(description="Education they gave, as given.")
    def education(self) -> list[CandidateEducation]:
        return [
            CandidateEducation(
                school=str(e.get("school") or ""),
                degree=str(e.get("degree") or ""),
                major=e.get("major"),
                start_date=_day(e.get("start_date")),
                end_date=_day(e.get("end_date")),
            )
            for e in self._model.education
        ]

    @strawberry.field(description="Work history they gave, as given.")
    def work_history(self) -> list[CandidateWork]:
        return [
            CandidateWork(
                employer=str(w.get("employer") or ""),
                title=str(w.get("title") or ""),
                start_date=_day(w.get("start_date")),
                end_date=_day(w.get("end_date")),
            )
            for w in self._model.work_history
        ]

    @strawberry.field(
        description="Their résumé, if uploaded; null for an interviewer unless HR shared it "
        "with their interview."
    )
    def resume(self) -> ResumeInfo | None:
        m = self._model
        if not m.resume_key or not self._resume:
            return None
        return ResumeInfo(
            file_name=m.resume_name or "resume",
            media_type=m.resume_media_type or "",
            size=m.resume_size or 0,
            download_path=f"/recruitment/resume/{self._application_id}",
        )


@strawberry.type(name="ScorecardRating", description="One criterion's score.")
class RatingInfo:
    criterion: Criterion = strawberry.field(description="What is rated.")
    score: int = strawberry.field(description="From 1 to 5.")


@strawberry.type(name="Scorecard", description="One interviewer's assessment of an interview.")
class ScorecardInfo:
    _model: strawberry.Private[Scorecard]
    _viewer_id: strawberry.Private[int | None]

    @strawberry.field(description="The interviewer.")
    async def interviewer_name(self, info: Info) -> str:
        return await _user_name(info, self._model.interviewer_id) or ""

    @strawberry.field(description="Whether it is the viewer's own.")
    def mine(self) -> bool:
        return self._model.interviewer_id == self._viewer_id

    @strawberry.field(description="The scores, one per criterion (empty until submitted).")
    def ratings(self) -> list[RatingInfo]:
        return [
            RatingInfo(criterion=c, score=int(self._model.ratings[c.value]))
            for c in Criterion
            if c.value in self._model.ratings
        ]

    @strawberry.field(description="The verdict.")
    def recommendation(self) -> Recommendation | None:
        return self._model.recommendation

    @strawberry.field(description="The interviewer's notes.")
    def notes(self) -> str:
        return self._model.notes

    @strawberry.field(description="When it was submitted; null while still to do.")
    def submitted_at(self) -> datetime | None:
        return self._model.submitted_at


@strawberry.type(
    name="Interview",
    description="An interview round of an application, with its interviewers' scorecards.",
)
class InterviewInfo:
    _model: strawberry.Private[Interview]

    @strawberry.field(description="The interview's ID (for submitScorecard).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Interview", self._model.id))

    @strawberry.field(description="The round, e.g. 'Technical interview'.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="When it takes place.")
    def scheduled_at(self) -> datetime:
        return self._model.scheduled_at

    @strawberry.field(description="Whether HR lets its interviewers download the résumé.")
    def share_resume(self) -> bool:
        return self._model.share_resume

    @strawberry.field(description="Every interviewer's name.")
    async def interviewer_names(self, info: Info) -> list[str]:
        cards = await _cards(info, self._model.id)
        names = await info.context.loader("recruitment_user_names", _by_ids(_names)).load_many(
            [c.interviewer_id for c in cards]
        )
        return [name or "" for name in names]

    @strawberry.field(
        description="The scorecards the viewer reads: HR and the hiring manager every submitted "
        "one; an interviewer their own, and the others' once theirs is submitted."
    )
    async def scorecards(self, info: Info) -> list[ScorecardInfo]:
        cards = await _cards(info, self._model.id)
        application = await _load(
            info, "recruitment_applications", _applications, self._model.application_id
        )
        if application is None:
            return []
        unit = await info.context.loader("unit", org_loaders.units_by_id).load(application.unit_id)
        viewer = info.context.viewer
        readable = service.readable_scorecards(viewer, unit.path if unit else "/-/", cards)
        return [ScorecardInfo(_model=c, _viewer_id=viewer.user_id) for c in readable]

    @strawberry.field(description="Whether the viewer is an interviewer still to submit.")
    async def awaiting_my_scorecard(self, info: Info) -> bool:
        uid = info.context.viewer.user_id
        return any(
            c.interviewer_id == uid and c.submitted_at is None
            for c in await _cards(info, self._model.id)
        )

    @strawberry.field(description="The application it belongs to.")
    async def application(self, info: Info) -> ApplicationNode | None:
        found = await _load(
            info, "recruitment_applications", _applications, self._model.application_id
        )
        return ApplicationNode(_model=found) if found is not None else None


async def _applications(ids: Sequence[int]) -> dict[int, Application]:
    return {a.id: a for a in await Application.filter(id__in=list(ids))}


async def _cards(info: Info, interview_id: int) -> list[Scorecard]:
    found: list[Scorecard] = await _load(
        info, "recruitment_scorecards", service.scorecards_of, interview_id, list
    )
    return found


@strawberry.type(name="Offer", description="The terms offered to a candidate.")
class OfferInfo:
    _model: strawberry.Private[Offer]
    _unit_id: strawberry.Private[int]  # the hiring unit: who reads the pay

    @strawberry.field(
        description="The monthly base salary in CNY; where the viewer directs the hiring unit "
        "(not for an interviewer)."
    )
    async def monthly_salary(self, info: Info) -> Decimal | None:
        if not await _directs(info, self._unit_id):
            raise FieldNotPermitted("monthlySalary")
        return self._model.monthly_salary

    @strawberry.field(description="The first day of work.")
    def start_date(self) -> date:
        return self._model.start_date

    @strawberry.field(description="The contract's kind.")
    def contract_kind(self) -> ContractKind:
        return self._model.contract_kind

    @strawberry.field(description="A fixed term's length in months.")
    def contract_months(self) -> int | None:
        return self._model.contract_months

    @strawberry.field(description="Probation in months (0: none).")
    def probation_months(self) -> int:
        return self._model.probation_months

    @strawberry.field(description="Where it stands.")
    def status(self) -> OfferStatus:
        return self._model.status

    @strawberry.field(description="When it was made.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="Its approval request (null where the viewer does not read it).")
    async def approval_request(self, info: Info) -> ApprovalRef | None:
        return await _approval_node(info, RequestType.OFFER, self._model.id)


@strawberry.type(
    name="OnboardingTask", description="One item of a new hire's onboarding checklist."
)
class OnboardingTaskInfo:
    _model: strawberry.Private[OnboardingTask]

    @strawberry.field(description="The item's ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("OnboardingTask", self._model.id))

    @strawberry.field(
        description="A standard item's key (sign_contract, id_copy, bank_account, "
        "medical_check, equipment, orientation); null for one HR added."
    )
    def key(self) -> str | None:
        return self._model.key

    @strawberry.field(description="What to do.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="Whether it is done.")
    def done(self) -> bool:
        return self._model.done_at is not None

    @strawberry.field(description="When it was done.")
    def done_at(self) -> datetime | None:
        return self._model.done_at

    @strawberry.field(description="Who ticked it (username).")
    def done_by(self) -> str | None:
        return self._model.done_by


@strawberry.type(name="ApplicationStageChange", description="A move between stages.")
class StageChangeInfo:
    _model: strawberry.Private[StageChange]

    @strawberry.field(description="The stage before (null: the application was made).")
    def from_stage(self) -> Stage | None:
        return self._model.from_stage

    @strawberry.field(description="The stage after.")
    def to_stage(self) -> Stage:
        return self._model.to_stage

    @strawberry.field(description="Who moved it (username).")
    def actor(self) -> str | None:
        return self._model.actor_username

    @strawberry.field(description="Why (a rejection's or a decline's reason).")
    def note(self) -> str:
        return self._model.note

    @strawberry.field(description="When.")
    def at(self) -> datetime:
        return self._model.at


@strawberry.type(
    name="Application",
    description="A candidate in one posting's pipeline: their stage, interviews, offer and, "
    "once accepted, the onboarding checklist.",
)
class ApplicationNode(Node):
    _model: strawberry.Private[Application]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Application", self._model.id))

    @strawberry.field(description="The candidate and what they gave.")
    async def candidate(self, info: Info) -> CandidateInfo:
        found = await _load(info, "recruitment_candidates", _candidates, self._model.candidate_id)
        contacts = await _directs(info, self._model.unit_id)
        resume = contacts or await _resume_shared(info, self._model.id)
        return CandidateInfo(
            _model=found, _application_id=self._model.id, _contacts=contacts, _resume=resume
        )

    @strawberry.field(description="The posting applied to.")
    async def posting(self, info: Info) -> PostingNode | None:
        found = await _load(info, "recruitment_postings", _postings, self._model.posting_id)
        return PostingNode(_model=found) if found is not None else None

    @strawberry.field(description="The unit that hires.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="How the candidate came to this posting.")
    def source(self) -> CandidateSource:
        return self._model.source

    @strawberry.field(description="Where it stands.")
    def stage(self) -> Stage:
        return self._model.stage

    @strawberry.field(description="Why it was rejected or declined.")
    def reason(self) -> str:
        return self._model.reason

    @strawberry.field(description="When the candidate applied.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="When it last changed stage.")
    def stage_changed_at(self) -> datetime:
        return self._model.stage_changed_at

    @strawberry.field(description="Its interviews, soonest first.")
    async def interviews(self, info: Info) -> list[InterviewInfo]:
        found = await _load(
            info, "recruitment_interviews", service.interviews_of, self._model.id, list
        )
        return [InterviewInfo(_model=i) for i in found]

    @strawberry.field(description="The latest offer, if any.")
    async def offer(self, info: Info) -> OfferInfo | None:
        found = await _load(info, "recruitment_offers", service.latest_offers, self._model.id)
        return OfferInfo(_model=found, _unit_id=self._model.unit_id) if found is not None else None

    @strawberry.field(description="The onboarding checklist (once the offer is accepted).")
    async def onboarding(self, info: Info) -> list[OnboardingTaskInfo]:
        found = await _load(
            info, "recruitment_onboarding", service.onboarding_of, self._model.id, list
        )
        return [OnboardingTaskInfo(_model=t) for t in found]

    @strawberry.field(description="Every move between stages, oldest first.")
    async def stage_history(self, info: Info) -> list[StageChangeInfo]:
        found = await _load(info, "recruitment_stage_changes", _stage_changes, self._model.id, list)
        return [StageChangeInfo(_model=c) for c in found]

    @strawberry.field(description="The employee the candidate became (null until hired).")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)


@strawberry.type(
    name="RecruitmentFunnelRow",
    description="One posting's candidates from one source, and how many reached each stage.",
)
class FunnelRowInfo:
    _row: strawberry.Private[service.FunnelRow]

    @strawberry.field(description="The posting.")
    async def posting(self, info: Info) -> PostingNode | None:
        found = await _load(info, "recruitment_postings", _postings, self._row.posting_id)
        return PostingNode(_model=found) if found is not None else None

    @strawberry.field(description="The source.")
    def source(self) -> CandidateSource:
        return self._row.source

    @strawberry.field(description="Candidates who applied.")
    def applied(self) -> int:
        return self._row.applied

    @strawberry.field(description="Of them, how many reached interviews.")
    def interviewed(self) -> int:
        return self._row.interviewed

    @strawberry.field(description="… an offer.")
    def offered(self) -> int:
        return self._row.offered

    @strawberry.field(description="… accepted an offer.")
    def accepted(self) -> int:
        return self._row.accepted

    @strawberry.field(description="… were hired.")
    def hired(self) -> int:
        return self._row.hired
