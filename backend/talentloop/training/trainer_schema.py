"""Root fields of the trainer register and the mutations that change or cancel a session."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, PublicError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, to_connection
from talentloop.pagination import keyset_page
from talentloop.training import trainers
from talentloop.training.models import Trainer, TrainerKind
from talentloop.training.types import CourseSessionNode, TrainerNode


@strawberry.input(description="Narrows the trainer register.")
class TrainerFilter:
    search: str | None = strawberry.field(
        default=None, description="In the name, organisation or topics."
    )
    kind: TrainerKind | None = strawberry.field(default=None, description="Internal or external.")
    unit_id: strawberry.ID | None = strawberry.field(default=None, description="Kept by this unit.")
    include_inactive: bool = strawberry.field(default=False, description="Also inactive ones.")


@strawberry.type
class TrainerQuery:
    @strawberry.field(
        description="The trainer register, by name: company-wide trainers and those of the "
        "units the viewer sees."
    )
    async def trainers(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: TrainerFilter | None = None,
    ) -> Connection[TrainerNode]:
        query = trainers.TrainerQuery()
        if filter is not None:
            query = trainers.TrainerQuery(
                search=filter.search,
                kind=filter.kind,
                unit_id=(pk_of(filter.unit_id, "OrgUnit") or -1) if filter.unit_id else None,
                include_inactive=filter.include_inactive,
            )
        try:
            page = await keyset_page(
                trainers.find_trainers(info.context.viewer, query),
                key="id",
                first=first,
                after=after,
            )
        except ServiceError as exc:
            raise PublicError.of(exc) from exc
        return to_connection(page, lambda t: TrainerNode(_model=t))


async def _trainer_node(info: Info, pk: int) -> TrainerNode | None:
    found = await trainers.get_trainer(info.context.viewer, pk)
    return TrainerNode(_model=found) if found else None


register_node("Trainer", _trainer_node, Trainer)


@strawberry.input(description="A trainer: an employee (internal) or an outsider (external).")
class TrainerFields:
    kind: TrainerKind = strawberry.field(description="Internal or external.")
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Internal: the employee (their name is the trainer's)."
    )
    name: str = strawberry.field(default="", description="External: the name.")
    organisation: str = strawberry.field(default="", description="Company or institution.")
    phone: str = strawberry.field(default="", description="Phone.")
    email: str = strawberry.field(default="", description="E-mail.")
    daily_fee: Decimal | None = strawberry.field(default=None, description="Fee per day, CNY.")
    topics: str = strawberry.field(default="", description="What they teach.")


@strawberry.input(description="A new trainer; a unit's (its HR) or company-wide (HQ HR).")
class CreateTrainerInput(TrainerFields):
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The unit keeping them; none: company-wide."
    )


@strawberry.input(description="A trainer changed, or turned inactive (never deleted).")
class UpdateTrainerInput(TrainerFields):
    id: strawberry.ID = strawberry.field(description="The trainer.")
    is_active: bool = strawberry.field(default=True, description="False turns them inactive.")


@strawberry.type(description="The trainer as saved, or the errors that stopped it.")
class TrainerPayload:
    trainer: TrainerNode | None = strawberry.field(description="The trainer.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A session moved or changed before it starts.")
class UpdateCourseSessionInput:
    id: strawberry.ID = strawberry.field(description="The session.")
    starts_at: datetime = strawberry.field(
        description="Starts: local wall-clock time where it is held (or an instant with its offset)."
    )
    ends_at: datetime = strawberry.field(description="Ends: likewise.")
    place: str = strawberry.field(description="Where.")
    capacity: int = strawberry.field(description="Seats: not fewer than those taken.")
    trainer_id: strawberry.ID | None = strawberry.field(
        default=None, description="A trainer from the register (their name is shown)."
    )
    trainer: str = strawberry.field(default="", description="Or just a name.")
    time_zone: str | None = strawberry.field(
        default=None,
        description="The IANA zone it is held in, when not its unit's (e.g. Europe/Berlin). "
        "Times sent without an offset are wall-clock times in this zone; stored in UTC.",
    )


@strawberry.input(description="Call a session off.")
class CancelCourseSessionInput:
    id: strawberry.ID = strawberry.field(description="The session.")
    reason: str = strawberry.field(description="Why (the learners see it).")


@strawberry.type(description="The session as saved, or the errors that stopped it.")
class SessionChangePayload:
    session: CourseSessionNode | None = strawberry.field(description="The session.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


def _fields(info: Info, data: TrainerFields, is_active: bool = True) -> trainers.TrainerInput:
    return trainers.TrainerInput(
        kind=data.kind,
        name=data.name,
        employee_id=optional_pk(data.employee_id, "Employee", "employeeId"),
        organisation=data.organisation,
        phone=data.phone,
        email=data.email,
        daily_fee=data.daily_fee,
        topics=data.topics,
        is_active=is_active,
    )


@strawberry.type
class TrainerMutation:
    @strawberry.mutation(description="Add a trainer (HQ HR company-wide; HR for its units).")
    async def create_trainer(self, info: Info, input: CreateTrainerInput) -> TrainerPayload:
        try:
            trainer = await trainers.create_trainer(
                info.context.viewer,
                _fields(info, input),
                optional_pk(input.unit_id, "OrgUnit", "unitId"),
            )
        except ServiceError as exc:
            return TrainerPayload(trainer=None, errors=mutation_errors(exc))
        return TrainerPayload(trainer=TrainerNode(_model=trainer), errors=[])

    @strawberry.mutation(description="Change a trainer, or turn them inactive (or back).")
    async def update_trainer(self, info: Info, input: UpdateTrainerInput) -> TrainerPayload:
        try:
            trainer = await trainers.update_trainer(
                info.context.viewer,
                require_pk(input.id, "Trainer", "id"),
                _fields(info, input, input.is_active),
            )
        except ServiceError as exc:
            return TrainerPayload(trainer=None, errors=mutation_errors(exc))
        return TrainerPayload(trainer=TrainerNode(_model=trainer), errors=[])

    @strawberry.mutation(
        description="Move or change a session before it starts (where it was scheduled): "
        "seats not fewer than those taken; more seats seat the waitlist."
    )
    async def update_course_session(
        self, info: Info, input: UpdateCourseSessionInput
    ) -> SessionChangePayload:
        try:
            session = await trainers.update_session(
                info.context.viewer,
                require_pk(input.id, "CourseSession", "id"),
                trainers.SessionChange(
                    starts_at=input.starts_at,
                    ends_at=input.ends_at,
                    place=input.place,
                    capacity=input.capacity,
                    trainer=input.trainer,
                    trainer_id=optional_pk(input.trainer_id, "Trainer", "trainerId"),
                    time_zone=input.time_zone,
                ),
            )
        except ServiceError as exc:
            return SessionChangePayload(session=None, errors=mutation_errors(exc))
        return SessionChangePayload(session=CourseSessionNode(_model=session), errors=[])

    @strawberry.mutation(
        description="Cancel a session before it starts, with a reason: its enrolments are "
        "cancelled by the company and its waitlist cleared; nobody enrols in it again."
    )
    async def cancel_course_session(
        self, info: Info, input: CancelCourseSessionInput
    ) -> SessionChangePayload:
        try:
            session = await trainers.cancel_session(
                info.context.viewer, require_pk(input.id, "CourseSession", "id"), input.reason
            )
        except ServiceError as exc:
            return SessionChangePayload(session=None, errors=mutation_errors(exc))
        return SessionChangePayload(session=CourseSessionNode(_model=session), errors=[])
