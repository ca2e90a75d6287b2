"""Root query fields and mutations of recruitment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, connection_of
from talentloop.graphql.refs import employee_node
from talentloop.org.models import OrgUnit
from talentloop.people.models import Gender
from talentloop.people.types import EmployeeNode
from talentloop.records.models import ContractKind
from talentloop.recruitment import service
from talentloop.recruitment.models import (
    Application,
    CandidateSource,
    Posting,
    PostingStatus,
    Recommendation,
    Requisition,
    RequisitionStatus,
    Stage,
)
from talentloop.recruitment.types import (
    ApplicationNode,
    Criterion,
    FunnelRowInfo,
    InterviewInfo,
    OfferInfo,
    OnboardingTaskInfo,
    PostingNode,
    RequisitionNode,
    ScorecardInfo,
)


async def _unit_path(unit_id: strawberry.ID | None) -> str | None:
    """The path of a unit filter; "/-/" (a path no unit has) for an unknown one."""
    if unit_id is None:
        return None
    pk = pk_of(unit_id, "OrgUnit")
    unit = await OrgUnit.get_or_none(id=pk) if pk is not None else None
    return unit.path if unit is not None else "/-/"


@strawberry.type
class RecruitmentQuery:
    @strawberry.field(
        description="Requisitions where the viewer directs (HR in scope, a team lead their "
        "team's), in the order they were asked for."
    )
    async def requisitions(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: Annotated[
            list[RequisitionStatus] | None, strawberry.argument(description="Only these.")
        ] = None,
        unit_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="At or under this unit.")
        ] = None,
    ) -> Connection[RequisitionNode]:
        qs = service.visible_requisitions(info.context.viewer)
        if status:
            qs = qs.filter(status__in=status)
        path = await _unit_path(unit_id)
        if path is not None:
            qs = qs.filter(unit__path__startswith=path)
        return await connection_of(
            qs, lambda r: RequisitionNode(_model=r), first=first, after=after
        )

    @strawberry.field(description="Postings where the viewer directs, oldest first.")
    async def postings(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: Annotated[
            PostingStatus | None, strawberry.argument(description="Only open or closed ones.")
        ] = None,
        unit_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="At or under this unit.")
        ] = None,
    ) -> Connection[PostingNode]:
        qs = service.visible_postings(info.context.viewer)
        if status is not None:
            qs = qs.filter(status=status)
        path = await _unit_path(unit_id)
        if path is not None:
            qs = qs.filter(unit__path__startswith=path)
        return await connection_of(qs, lambda p: PostingNode(_model=p), first=first, after=after)

    @strawberry.field(
        description="Applications the viewer reads (where they direct, and those they interview "
        "for), in the order they came: a posting's board."
    )
    async def applications(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        posting_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Of this posting.")
        ] = None,
        stage: Annotated[
            list[Stage] | None, strawberry.argument(description="In these stages.")
        ] = None,
    ) -> Connection[ApplicationNode]:
        qs = service.visible_applications(info.context.viewer)
        if posting_id is not None:
            qs = qs.filter(posting_id=pk_of(posting_id, "Posting") or -1)
        if stage:
            qs = qs.filter(stage__in=stage)
        return await connection_of(
            qs, lambda a: ApplicationNode(_model=a), first=first, after=after
        )

    @strawberry.field(
        description="Interviews the viewer is an interviewer of whose candidate is still in the "
        "pipeline, soonest first; at most 100."
    )
    async def my_interviews(self, info: Info) -> list[InterviewInfo]:
        return [InterviewInfo(_model=i) for i in await service.my_interviews(info.context.viewer)]

    @strawberry.field(
        description="Per posting and source: how many applied and how many reached interviews, "
        "an offer, acceptance and the hire; where the viewer directs."
    )
    async def recruitment_funnel(
        self,
        info: Info,
        posting_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Of this posting.")
        ] = None,
        unit_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="At or under this unit.")
        ] = None,
    ) -> list[FunnelRowInfo]:
        rows = await service.funnel(
            info.context.viewer,
            posting_id=(pk_of(posting_id, "Posting") or -1) if posting_id is not None else None,
            unit_path=await _unit_path(unit_id),
        )
        return [FunnelRowInfo(_row=r) for r in rows]

    @strawberry.field(
        description="A hired employee's onboarding checklist: for whoever reads the employee at "
        "work; empty for anyone else."
    )
    async def employee_onboarding(
        self, info: Info, employee_id: strawberry.ID
    ) -> list[OnboardingTaskInfo]:
        pk = pk_of(employee_id, "Employee")
        found = await service.employee_onboarding(info.context.viewer, pk) if pk else None
        return [OnboardingTaskInfo(_model=t) for t in found or []]


async def _requisition_node(info: Info, pk: int) -> RequisitionNode | None:
    found = await service.get_requisition(info.context.viewer, pk)
    return RequisitionNode(_model=found) if found else None


async def _posting_node(info: Info, pk: int) -> PostingNode | None:
    found = await service.get_posting(info.context.viewer, pk)
    return PostingNode(_model=found) if found else None


async def _application_node(info: Info, pk: int) -> ApplicationNode | None:
    found = await service.get_application(info.context.viewer, pk)
    return ApplicationNode(_model=found) if found else None


register_node("Requisition", _requisition_node, Requisition)
register_node("Posting", _posting_node, Posting)
register_node("Application", _application_node, Application)


# --- payloads and inputs -----------------------------------------------------------------------


@strawberry.type(description="The requisition, or the errors that stopped the change.")
class RequisitionPayload:
    requisition: RequisitionNode | None = strawberry.field(description="The requisition.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The posting, or the errors that stopped the change.")
class PostingPayload:
    posting: PostingNode | None = strawberry.field(description="The posting.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The application, or the errors that stopped the change.")
class ApplicationPayload:
    application: ApplicationNode | None = strawberry.field(description="The application.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The new application, or the errors that stopped it.")
class AddCandidatePayload:
    application: ApplicationNode | None = strawberry.field(description="The application.")
    matched_existing: bool = strawberry.field(
        description="Whether the candidate was already known by the same mobile number or "
        "e-mail (their application was added to them, blank details filled in)."
    )
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The interview, or the errors that stopped it.")
class InterviewPayload:
    interview: InterviewInfo | None = strawberry.field(description="The interview.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The scorecard, or the errors that stopped it.")
class ScorecardPayload:
    scorecard: ScorecardInfo | None = strawberry.field(description="The scorecard.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The offer, or the errors that stopped it.")
class OfferPayload:
    offer: OfferInfo | None = strawberry.field(description="The offer.")
    application: ApplicationNode | None = strawberry.field(description="Its application.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The checklist item, or the errors that stopped the change.")
class OnboardingTaskPayload:
    task: OnboardingTaskInfo | None = strawberry.field(description="The item.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="The new employee and the application, or the errors.")
class HirePayload:
    employee: EmployeeNode | None = strawberry.field(description="The new employee.")
    application: ApplicationNode | None = strawberry.field(description="The application.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A request to hire.")
class RequisitionInput:
    unit_id: strawberry.ID = strawberry.field(description="The unit that hires.")
    position_id: strawberry.ID = strawberry.field(description="The position to fill.")
    headcount: int = strawberry.field(description="How many people (1 to 100).")
    budget: Decimal = strawberry.field(description="The yearly salary budget in CNY, all heads.")
    reason: str = strawberry.field(default="", description="Why (at most 500 characters).")


@strawberry.input(description="A posting of an approved requisition.")
class PostingInput:
    requisition_id: strawberry.ID = strawberry.field(description="The requisition.")
    title: str = strawberry.field(description="The job title advertised.")
    description: str = strawberry.field(default="", description="What the job is and asks for.")
    location: str = strawberry.field(default="", description="Where the job is.")


@strawberry.input(description="A school the candidate gives.")
class CandidateEducationInput:
    school: str = strawberry.field(description="The school.")
    degree: str = strawberry.field(description="The degree.")
    major: str | None = strawberry.field(default=None, description="The major.")
    start_date: date | None = strawberry.field(default=None, description="From.")
    end_date: date | None = strawberry.field(default=None, description="To.")


@strawberry.input(description="A job the candidate gives.")
class CandidateWorkInput:
    employer: str = strawberry.field(description="The employer.")
    title: str = strawberry.field(description="The job title.")
    start_date: date | None = strawberry.field(default=None, description="From.")
    end_date: date | None = strawberry.field(default=None, description="To.")


@strawberry.input(description="A candidate applying to a posting, with what they give.")
class CandidateInput:
    posting_id: strawberry.ID = strawberry.field(description="The posting.")
    name: str = strawberry.field(description="Their name.")
    source: CandidateSource = strawberry.field(description="How they came.")
    phone: str | None = strawberry.field(
        default=None, description="Mobile number (this or the e-mail is required)."
    )
    email: str | None = strawberry.field(default=None, description="E-mail address.")
    gender: Gender | None = strawberry.field(default=None, description="Gender.")
    birth_date: date | None = strawberry.field(default=None, description="Birth date.")
    education: list[CandidateEducationInput] = strawberry.field(
        default_factory=list, description="Schools (at most 20)."
    )
    work_history: list[CandidateWorkInput] = strawberry.field(
        default_factory=list, description="Jobs (at most 20)."
    )


@strawberry.input(description="An interview round.")
class InterviewInput:
    application_id: strawberry.ID = strawberry.field(description="The application.")
    title: str = strawberry.field(description="The round, e.g. 'Technical interview'.")
    scheduled_at: datetime = strawberry.field(description="When.")
    interviewer_ids: list[strawberry.ID] = strawberry.field(
        description="The interviewers (employees with a user account; 1 to 10)."
    )
    share_resume: bool = strawberry.field(
        default=False,
        description="Let these interviewers download the résumé (off: they read the "
        "application without it).",
    )


@strawberry.input(description="One criterion's score.")
class ScorecardRatingInput:
    criterion: Criterion = strawberry.field(description="What is rated.")
    score: int = strawberry.field(description="From 1 to 5.")


@strawberry.input(description="An interviewer's scorecard.")
class ScorecardInput:
    interview_id: strawberry.ID = strawberry.field(description="The interview.")
    ratings: list[ScorecardRatingInput] = strawberry.field(description="One score per criterion.")
    recommendation: Recommendation = strawberry.field(description="The verdict.")
    notes: str = strawberry.field(default="", description="Notes (at most 5,000 characters).")


@strawberry.input(description="The terms offered.")
class OfferInput:
    application_id: strawberry.ID = strawberry.field(description="The application.")
    monthly_salary: Decimal = strawberry.field(description="The monthly base salary in CNY.")
    start_date: date = strawberry.field(description="The first day of work.")
    contract_kind: ContractKind = strawberry.field(description="The contract's kind.")
    contract_months: int | None = strawberry.field(
        default=None, description="A fixed term's length in months (1 to 120)."
    )
    probation_months: int = strawberry.field(
        default=0, description="Probation in months, within Labour Contract Law art. 19."
    )


@strawberry.input(description="Make the accepted candidate an employee.")
class HireInput:
    application_id: strawberry.ID = strawberry.field(description="The application.")
    employee_number: str | None = strawberry.field(
        default=None, description="The new employee number; none: the next free A-number."
    )
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="Their manager.")
    id_number: str | None = strawberry.field(
        default=None, description="Resident ID number, from the ID card (stored sealed)."
    )
    bank_account: str | None = strawberry.field(
        default=None, description="Salary bank account (stored sealed)."
    )
    work_email: str | None = strawberry.field(default=None, description="Work e-mail address.")


def _application(found: Application) -> ApplicationPayload:
    return ApplicationPayload(application=ApplicationNode(_model=found), errors=[])


@strawberry.type
class RecruitmentMutation:
    @strawberry.mutation(
        description="Ask to hire (HR in scope, or the unit's team lead); goes to its approval flow."
    )
    async def create_requisition(self, info: Info, input: RequisitionInput) -> RequisitionPayload:
        try:
            found = await service.create_requisition(
                info.context.viewer,
                service.RequisitionInput(
                    unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                    position_id=require_pk(input.position_id, "Position", "positionId"),
                    headcount=input.headcount,
                    budget=input.budget,
                    reason=input.reason,
                ),
            )
        except ServiceError as exc:
            return RequisitionPayload(requisition=None, errors=mutation_errors(exc))
        return RequisitionPayload(requisition=RequisitionNode(_model=found), errors=[])

    @strawberry.mutation(
        description="Withdraw a requisition not yet filled: its approval is cancelled, its "
        "postings closed."
    )
    async def close_requisition(self, info: Info, id: strawberry.ID) -> RequisitionPayload:
        try:
            found = await service.close_requisition(
                info.context.viewer, require_pk(id, "Requisition", "id")
            )
        except ServiceError as exc:
            return RequisitionPayload(requisition=None, errors=mutation_errors(exc))
        return RequisitionPayload(requisition=RequisitionNode(_model=found), errors=[])

    @strawberry.mutation(description="Post an approved requisition (HR of its unit).")
    async def open_posting(self, info: Info, input: PostingInput) -> PostingPayload:
        try:
            found = await service.open_posting(
                info.context.viewer,
                service.PostingInput(
                    requisition_id=require_pk(input.requisition_id, "Requisition", "requisitionId"),
                    title=input.title,
                    description=input.description,
                    location=input.location,
                ),
            )
        except ServiceError as exc:
            return PostingPayload(posting=None, errors=mutation_errors(exc))
        return PostingPayload(posting=PostingNode(_model=found), errors=[])

    @strawberry.mutation(description="Close a posting to new candidates.")
    async def close_posting(self, info: Info, id: strawberry.ID) -> PostingPayload:
        try:
            found = await service.close_posting(
                info.context.viewer, require_pk(id, "Posting", "id")
            )
        except ServiceError as exc:
            return PostingPayload(posting=None, errors=mutation_errors(exc))
        return PostingPayload(posting=PostingNode(_model=found), errors=[])

    @strawberry.mutation(
        description="Put a candidate into an open posting's pipeline (screening). A candidate "
        "known by the same mobile number or e-mail is the same person; the résumé is uploaded "
        "to POST /recruitment/resume?applicationId=…"
    )
    async def add_candidate(self, info: Info, input: CandidateInput) -> AddCandidatePayload:
        try:
            added = await service.add_candidate(
                info.context.viewer,
                service.CandidateInput(
                    posting_id=require_pk(input.posting_id, "Posting", "postingId"),
                    name=input.name,
                    source=CandidateSource(input.source),
                    phone=input.phone,
                    email=input.email,
                    gender=Gender(input.gender) if input.gender else None,
                    birth_date=input.birth_date,
                    education=[
                        {
                            "school": e.school,
                            "degree": e.degree,
                            "major": e.major,
                            "start_date": e.start_date,
                            "end_date": e.end_date,
                        }
                        for e in input.education
                    ],
                    work_history=[
                        {
                            "employer": w.employer,
                            "title": w.title,
                            "start_date": w.start_date,
                            "end_date": w.end_date,
                        }
                        for w in input.work_history
                    ],
                ),
            )
        except ServiceError as exc:
            return AddCandidatePayload(
                application=None, matched_existing=False, errors=mutation_errors(exc)
            )
        return AddCandidatePayload(
            application=ApplicationNode(_model=added.application),
            matched_existing=added.matched_existing,
            errors=[],
        )

    @strawberry.mutation(
        description="Move an application on the board: to screening or interviews, rejected "
        "(with a reason in note), back from rejected, or declined after accepting. Offers, "
        "answers and the hire have their own mutations."
    )
    async def move_application(
        self, info: Info, id: strawberry.ID, stage: Stage, note: str = ""
    ) -> ApplicationPayload:
        try:
            found = await service.move_application(
                info.context.viewer, require_pk(id, "Application", "id"), Stage(stage), note
            )
        except ServiceError as exc:
            return ApplicationPayload(application=None, errors=mutation_errors(exc))
        return _application(found)

    @strawberry.mutation(description="Schedule an interview round with its interviewers.")
    async def schedule_interview(self, info: Info, input: InterviewInput) -> InterviewPayload:
        try:
            found = await service.schedule_interview(
                info.context.viewer,
                require_pk(input.application_id, "Application", "applicationId"),
                title=input.title,
                scheduled_at=input.scheduled_at,
                interviewer_ids=[
                    require_pk(i, "Employee", "interviewerIds") for i in input.interviewer_ids
                ],
                share_resume=input.share_resume,
            )
        except ServiceError as exc:
            return InterviewPayload(interview=None, errors=mutation_errors(exc))
        return InterviewPayload(interview=InterviewInfo(_model=found), errors=[])

    @strawberry.mutation(description="Submit (or change) the viewer's own scorecard.")
    async def submit_scorecard(self, info: Info, input: ScorecardInput) -> ScorecardPayload:
        try:
            card = await service.submit_scorecard(
                info.context.viewer,
                require_pk(input.interview_id, "Interview", "interviewId"),
                ratings={Criterion(r.criterion).value: r.score for r in input.ratings},
                recommendation=Recommendation(input.recommendation),
                notes=input.notes,
            )
        except ServiceError as exc:
            return ScorecardPayload(scorecard=None, errors=mutation_errors(exc))
        return ScorecardPayload(
            scorecard=ScorecardInfo(_model=card, _viewer_id=info.context.viewer.user_id),
            errors=[],
        )

    @strawberry.mutation(
        description="Offer terms to an interviewed candidate (a new offer replaces the last); "
        "goes to its approval flow."
    )
    async def make_offer(self, info: Info, input: OfferInput) -> OfferPayload:
        try:
            offer = await service.make_offer(
                info.context.viewer,
                service.OfferInput(
                    application_id=require_pk(input.application_id, "Application", "applicationId"),
                    monthly_salary=input.monthly_salary,
                    start_date=input.start_date,
                    contract_kind=ContractKind(input.contract_kind),
                    contract_months=input.contract_months,
                    probation_months=input.probation_months,
                ),
            )
        except ServiceError as exc:
            return OfferPayload(offer=None, application=None, errors=mutation_errors(exc))
        application = await Application.get(id=offer.application_id)
        return OfferPayload(
            offer=OfferInfo(_model=offer, _unit_id=application.unit_id),
            application=ApplicationNode(_model=application),
            errors=[],
        )

    @strawberry.mutation(
        description="Record the candidate's answer to the approved offer: accepted opens the "
        "onboarding checklist; declined needs the reason in note."
    )
    async def respond_to_offer(
        self, info: Info, application_id: strawberry.ID, accepted: bool, note: str = ""
    ) -> ApplicationPayload:
        try:
            found = await service.respond_to_offer(
                info.context.viewer,
                require_pk(application_id, "Application", "applicationId"),
                accepted=accepted,
                note=note,
            )
        except ServiceError as exc:
            return ApplicationPayload(application=None, errors=mutation_errors(exc))
        return _application(found)

    @strawberry.mutation(description="Add an item to an accepted candidate's checklist.")
    async def add_onboarding_task(
        self, info: Info, application_id: strawberry.ID, title: str
    ) -> OnboardingTaskPayload:
        try:
            task = await service.add_onboarding_task(
                info.context.viewer,
                require_pk(application_id, "Application", "applicationId"),
                title,
            )
        except ServiceError as exc:
            return OnboardingTaskPayload(task=None, errors=mutation_errors(exc))
        return OnboardingTaskPayload(task=OnboardingTaskInfo(_model=task), errors=[])

    @strawberry.mutation(description="Tick (or untick) an onboarding checklist item.")
    async def set_onboarding_task_done(
        self, info: Info, id: strawberry.ID, done: bool
    ) -> OnboardingTaskPayload:
        try:
            task = await service.set_onboarding_task(
                info.context.viewer, require_pk(id, "OnboardingTask", "id"), done
            )
        except ServiceError as exc:
            return OnboardingTaskPayload(task=None, errors=mutation_errors(exc))
        return OnboardingTaskPayload(task=OnboardingTaskInfo(_model=task), errors=[])

    @strawberry.mutation(
        description="Make the accepted candidate an employee: the record from what they gave, "
        "the contract from the offer, the onboarding event and checklist; all or nothing."
    )
    async def hire_candidate(self, info: Info, input: HireInput) -> HirePayload:
        try:
            hired = await service.hire(
                info.context.viewer,
                service.HireInput(
                    application_id=require_pk(input.application_id, "Application", "applicationId"),
                    employee_number=input.employee_number,
                    manager_id=optional_pk(input.manager_id, "Employee", "managerId"),
                    id_number=input.id_number,
                    bank_account=input.bank_account,
                    work_email=input.work_email,
                ),
            )
        except ServiceError as exc:
            return HirePayload(employee=None, application=None, errors=mutation_errors(exc))
        return HirePayload(
            employee=await employee_node(info, hired.employee.id),
            application=ApplicationNode(_model=hired.application),
            errors=[],
        )
