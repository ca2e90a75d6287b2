"""The position catalogue: HQ HR adds and edits positions (code, title, grade, job family).
A position's pay structure is setPositionSalaryStructure (payroll) and its required competency
levels setRequiredLevel (skills); this module owns only the catalogue entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import require_pk
from talentloop.people.models import Position
from talentloop.people.types import PositionNode

_LIMITS = {"code": 32, "title": 128, "level": 16, "family": 64}


@dataclass
class PositionData:
    code: str
    title: str
    level: str
    family: str


def _check(viewer: Viewer) -> None:
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HQ HR keeps the position catalogue.")


async def _problems(data: PositionData, position_id: int | None) -> list[FieldError]:
    problems: list[FieldError] = []
    for name, limit in _LIMITS.items():
        value = getattr(data, name).strip()
        if not value:
            problems.append(FieldError("Required.", ErrorCode.REQUIRED, name))
        elif len(value) > limit:
            problems.append(
                FieldError("At most {limit} characters.", ErrorCode.INVALID, name, limit=limit)
            )
    taken = Position.filter(code=data.code.strip())
    if position_id is not None:
        taken = taken.exclude(id=position_id)
    if data.code.strip() and await taken.exists():
        problems.append(FieldError("This position code is taken.", ErrorCode.DUPLICATE, "code"))
    return problems


def _values(data: PositionData) -> dict[str, Any]:
    return {name: getattr(data, name).strip() for name in _LIMITS}


async def create_position(viewer: Viewer, data: PositionData) -> Position:
    _check(viewer)
    if problems := await _problems(data, None):
        raise ServiceError(*problems)
    async with in_transaction():
        values = _values(data)
        position = await Position.create(
            code=values["code"],
            title=values["title"],
            level=values["level"],
            family=values["family"],
        )
        await audit.record_created(viewer, "Position", position.id, _values(data))
    return position


async def update_position(viewer: Viewer, position_id: int, data: PositionData) -> Position:
    _check(viewer)
    async with in_transaction():
        position = await Position.filter(id=position_id).select_for_update().first()
        if position is None:
            raise not_found("Position", "id")
        if problems := await _problems(data, position_id):
            raise ServiceError(*problems)
        values = _values(data)
        await audit.record_changes(viewer, "Position", position.id, position, values)
        await Position.filter(id=position.id).update(**values)
    return await Position.get(id=position_id)


# --- GraphQL ---------------------------------------------------------------------------------


@strawberry.input(description="A position of the catalogue.")
class PositionInput:
    code: str = strawberry.field(description="Catalogue code, unique, e.g. SAL-REP.")
    title: str = strawberry.field(description="Job title, e.g. 销售代表.")
    level: str = strawberry.field(description="Grade, e.g. P3 or M1.")
    family: str = strawberry.field(description="Job family, e.g. sales, production, HR.")


@strawberry.input(description="New values for a position of the catalogue.")
class UpdatePositionInput(PositionInput):
    id: strawberry.ID = strawberry.field(description="The position.")


@strawberry.type(description="The position as saved, or the errors that stopped it.")
class PositionPayload:
    position: PositionNode | None = strawberry.field(description="The position after the change.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


def _data(input: PositionInput) -> PositionData:
    return PositionData(code=input.code, title=input.title, level=input.level, family=input.family)


@strawberry.type
class PositionMutation:
    @strawberry.mutation(description="Add a position to the catalogue (HQ HR).")
    async def create_position(self, info: Info, input: PositionInput) -> PositionPayload:
        try:
            position = await create_position(info.context.viewer, _data(input))
        except ServiceError as exc:
            return PositionPayload(position=None, errors=mutation_errors(exc))
        return PositionPayload(position=PositionNode(_model=position), errors=[])

    @strawberry.mutation(description="Change a position's code, title, grade or family (HQ HR).")
    async def update_position(self, info: Info, input: UpdatePositionInput) -> PositionPayload:
        try:
            position = await update_position(
                info.context.viewer, require_pk(input.id, "Position", "id"), _data(input)
            )
        except ServiceError as exc:
            return PositionPayload(position=None, errors=mutation_errors(exc))
        return PositionPayload(position=PositionNode(_model=position), errors=[])
