"""The edges most types have: to the employee and to the unit a record belongs to, each through
the request's DataLoader (one statement per request for all of them) and shown only where the
viewer may read it (the loaders are scope-filtered)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from talentloop.graphql.context import Info
from talentloop.org import loaders as org_loaders
from talentloop.people import loaders as people_loaders

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode


async def employee_node(info: Info, employee_id: int | None) -> EmployeeNode | None:
    from talentloop.people.types import EmployeeNode

    if employee_id is None:
        return None
    found = await info.context.loader("employee", people_loaders.employees_by_id).load(employee_id)
    return EmployeeNode.of(found, info) if found else None


async def unit_node(info: Info, unit_id: int | None) -> OrgUnitNode | None:
    from talentloop.org.types import OrgUnitNode

    if unit_id is None:
        return None
    found = await info.context.loader("unit", org_loaders.units_by_id).load(unit_id)
    return OrgUnitNode(_model=found) if found else None
