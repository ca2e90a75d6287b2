"""Root query fields for employees and positions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import PublicError
from talentloop.graphql.ids import pk_of
from talentloop.graphql.lookahead import selects
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, to_connection
from talentloop.people import loaders, service
from talentloop.people.models import Employee, EmployeeStatus, Position
from talentloop.people.types import EmployeeNode, PositionNode


@strawberry.input(description="Narrows an employee list; every condition must hold.")
class EmployeeFilter:
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Employees of this unit and every unit below it."
    )
    search: str | None = strawberry.field(
        default=None,
        description=(
            "Part of the name or employee number; a whole ID number or bank account number "
            "also finds its holder (for viewers who may read sensitive fields)."
        ),
    )
    status: list[EmployeeStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    position_id: strawberry.ID | None = strawberry.field(default=None, description="This position.")
    hired_from: date | None = strawberry.field(
        default=None,
        description=(
            "Hired on or after this day. Hire dates are work fields: the condition finds only "
            "employees whose work fields the viewer may read."
        ),
    )
    hired_to: date | None = strawberry.field(
        default=None, description="Hired on or before this day (work fields, as hiredFrom)."
    )
    id_number: str | None = strawberry.field(
        default=None,
        description=(
            "Exactly this resident ID number, matched by keyed hash. Finds only employees whose "
            "sensitive fields the viewer may read."
        ),
    )
    bank_account: str | None = strawberry.field(
        default=None,
        description=(
            "Exactly this bank account number (spaces ignored), matched by keyed hash. Finds only "
            "employees whose sensitive fields the viewer may read."
        ),
    )


async def employee_connection(
    info: Info,
    first: int,
    after: str | None,
    filter: EmployeeFilter | None,
    *,
    unit_id: int | None = None,
) -> Connection[EmployeeNode]:
    query = service.EmployeeQuery(unit_id=unit_id)
    if filter is not None:
        if filter.unit_id is not None:
            # An id that names no visible unit filters to nothing, like a missing unit.
            query.unit_id = pk_of(filter.unit_id, "OrgUnit") or -1
            if unit_id is not None and query.unit_id != unit_id:
                query.unit_id = -1
        query.search = filter.search
        query.statuses = list(filter.status) if filter.status else None
        if filter.position_id is not None:
            query.position_id = pk_of(filter.position_id, "Position") or -1
        query.hired_from = filter.hired_from
        query.hired_to = filter.hired_to
        query.id_number = filter.id_number
        query.bank_account = filter.bank_account
    try:
        page = await service.list_employees(info.context.viewer, query, first=first, after=after)
    except ServiceError as exc:
        raise PublicError(str(exc)) from exc
    await _prefetch(info, page.items)
    return to_connection(page, lambda e: EmployeeNode.of(e, info))


async def _prefetch(info: Info, employees: list[Employee]) -> None:
    """The page's positions and managers, each in one statement, when the request asks for them
    (graphql/lookahead.py): the rows then answer from the loaders without waiting."""
    selections = info.selected_fields[0].selections
    if selects(selections, "edges", "node", "position"):
        ids = sorted({e.position_id for e in employees if e.position_id is not None})
        await info.context.loader("position", loaders.positions_by_id).load_many(ids)
    if selects(selections, "edges", "node", "manager"):
        ids = sorted({e.manager_id for e in employees if e.manager_id is not None})
        await info.context.loader("employee", loaders.employees_by_id).load_many(ids)


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="Employees the viewer may see, ordered by employee number.")
    async def employees(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="Page size, 0 to 100.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to continue after.")
        ] = None,
        filter: EmployeeFilter | None = None,
    ) -> Connection[EmployeeNode]:
        return await employee_connection(info, first, after, filter)

    @strawberry.field(description="One employee; null when missing or outside the viewer's scope.")
    async def employee(self, info: Info, id: strawberry.ID) -> EmployeeNode | None:
        return await _employee_node(info, pk_of(id, "Employee"))

    @strawberry.field(description="The position catalogue.")
    async def positions(self, info: Info) -> list[PositionNode]:
        return [PositionNode(_model=p) for p in await service.list_positions(info.context.viewer)]


async def _employee_node(info: Info, pk: int | None) -> EmployeeNode | None:
    if pk is None:
        return None
    found = await service.get_employee(info.context.viewer, pk)
    return EmployeeNode.of(found, info) if found else None


async def _position_node(info: Info, pk: int) -> PositionNode | None:
    if not info.context.viewer.is_authenticated:
        return None
    found = await service.positions_by_ids([pk])
    return PositionNode(_model=found[pk]) if pk in found else None


register_node("Employee", _employee_node, Employee)
register_node("Position", _position_node, Position)
