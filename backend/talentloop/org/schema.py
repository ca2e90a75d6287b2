"""Root query fields and mutations for the organisation tree."""

from __future__ import annotations

from typing import Any

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.org import loaders, service
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.org.types import OrgUnitNode

UNSET: Any = strawberry.UNSET


@strawberry.type
class OrgQuery:
    @strawberry.field(
        description="Every unit the viewer may see, parents before children (build the tree from `parent`)."
    )
    async def org_units(self, info: Info) -> list[OrgUnitNode]:
        return [OrgUnitNode(_model=u) for u in await service.list_units(info.context.viewer)]

    @strawberry.field(description="One unit; null when missing or outside the viewer's scope.")
    async def org_unit(self, info: Info, id: strawberry.ID) -> OrgUnitNode | None:
        return await _unit_node(info, pk_of(id, "OrgUnit"))


async def _unit_node(info: Info, pk: int | None) -> OrgUnitNode | None:
    if pk is None:
        return None
    found = await info.context.loader("unit", loaders.units_by_id).load(pk)
    return OrgUnitNode(_model=found) if found else None


register_node("OrgUnit", _unit_node, OrgUnit)


@strawberry.input(description="A new unit under an existing one.")
class CreateOrgUnitInput:
    parent_id: strawberry.ID = strawberry.field(description="The unit it sits under.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    type: OrgUnitType = strawberry.field(description="Branch, department or team.")
    city: str | None = strawberry.field(default=None, description="City.")
    region: str | None = strawberry.field(default=None, description="Region.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Head of the unit."
    )


@strawberry.input(description="Changes to a unit; omitted fields stay as they are.")
class UpdateOrgUnitInput:
    id: strawberry.ID = strawberry.field(description="The unit.")
    name: str | None = strawberry.field(default=UNSET, description="Name.")
    city: str | None = strawberry.field(default=UNSET, description="City.")
    region: str | None = strawberry.field(default=UNSET, description="Region.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Head of the unit; null clears it."
    )
    time_zone: str | None = strawberry.field(
        default=UNSET,
        description="The unit's IANA time zone (HQ HR), e.g. Asia/Shanghai; the company root's is "
        "the company's. Null or empty: the zone of the unit above (the root's: Asia/Shanghai).",
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the unit has changed since, nothing is written and the "
            "answer is CONFLICT on expectedVersion. Omitted: the change applies to the unit "
            "as it stands."
        ),
    )


@strawberry.input(description="Move a unit, with everything below it, under another unit.")
class MoveOrgUnitInput:
    id: strawberry.ID = strawberry.field(description="The unit to move.")
    new_parent_id: strawberry.ID = strawberry.field(description="Its new parent.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the unit has changed since, nothing is written and the "
            "answer is CONFLICT on expectedVersion. Omitted: the change applies to the unit "
            "as it stands."
        ),
    )


@strawberry.input(
    description="Close a unit that has nobody left (no one working in it or below it)."
)
class CloseOrgUnitInput:
    id: strawberry.ID = strawberry.field(description="The unit to close.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the unit has changed since, nothing is written and the "
            "answer is CONFLICT on expectedVersion."
        ),
    )


@strawberry.type(description="The unit as saved, or the errors that stopped it.")
class OrgUnitPayload:
    org_unit: OrgUnitNode | None = strawberry.field(description="The unit after the change.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


def _value(v: Any) -> Any:
    return None if v is UNSET else v


@strawberry.type
class OrgMutation:
    @strawberry.mutation(description="Add a unit. HQ HR anywhere; branch HR inside its branch.")
    async def create_org_unit(self, info: Info, input: CreateOrgUnitInput) -> OrgUnitPayload:
        try:
            unit = await service.create_unit(
                info.context.viewer,
                service.UnitInput(
                    code=input.code,
                    name=input.name,
                    type=input.type,
                    parent_id=require_pk(input.parent_id, "OrgUnit", "parentId"),
                    city=input.city,
                    region=input.region,
                    manager_id=optional_pk(input.manager_id, "Employee", "managerId"),
                ),
            )
        except ServiceError as exc:
            return OrgUnitPayload(org_unit=None, errors=mutation_errors(exc))
        return OrgUnitPayload(org_unit=OrgUnitNode(_model=unit), errors=[])

    @strawberry.mutation(description="Rename a unit or change its city, region, head or time zone.")
    async def update_org_unit(self, info: Info, input: UpdateOrgUnitInput) -> OrgUnitPayload:
        try:
            unit = await service.update_unit(
                info.context.viewer,
                require_pk(input.id, "OrgUnit", "id"),
                name=_value(input.name),
                city=_value(input.city),
                region=_value(input.region),
                set_manager=input.manager_id is not UNSET,
                manager_id=optional_pk(_value(input.manager_id), "Employee", "managerId"),
                set_time_zone=input.time_zone is not UNSET,
                time_zone=_value(input.time_zone),
                expected_version=input.expected_version,
            )
        except ServiceError as exc:
            return OrgUnitPayload(org_unit=None, errors=mutation_errors(exc))
        return OrgUnitPayload(org_unit=OrgUnitNode(_model=unit), errors=[])

    @strawberry.mutation(description="Move a unit and its whole subtree under another unit.")
    async def move_org_unit(self, info: Info, input: MoveOrgUnitInput) -> OrgUnitPayload:
        try:
            unit = await service.move_unit(
                info.context.viewer,
                require_pk(input.id, "OrgUnit", "id"),
                require_pk(input.new_parent_id, "OrgUnit", "newParentId"),
                expected_version=input.expected_version,
            )
        except ServiceError as exc:
            return OrgUnitPayload(org_unit=None, errors=mutation_errors(exc))
        return OrgUnitPayload(org_unit=OrgUnitNode(_model=unit), errors=[])

    @strawberry.mutation(
        description=(
            "Close a unit with nobody left in it or below it (and no open unit below it). It "
            "stays for its history; nothing new goes into it."
        )
    )
    async def close_org_unit(self, info: Info, input: CloseOrgUnitInput) -> OrgUnitPayload:
        try:
            unit = await service.close_unit(
                info.context.viewer,
                require_pk(input.id, "OrgUnit", "id"),
                expected_version=input.expected_version,
            )
        except ServiceError as exc:
            return OrgUnitPayload(org_unit=None, errors=mutation_errors(exc))
        return OrgUnitPayload(org_unit=OrgUnitNode(_model=unit), errors=[])
