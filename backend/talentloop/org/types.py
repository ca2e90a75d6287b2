"""GraphQL types for the organisation tree."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.pagination import Connection
from talentloop.org import loaders
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.people import loaders as people_loaders

if TYPE_CHECKING:
    from talentloop.people.schema import EmployeeFilter
    from talentloop.people.types import EmployeeNode

strawberry.enum(OrgUnitType, name="OrgUnitType", description="Company, branch, department or team.")
EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
EmployeeFilterRef = Annotated["EmployeeFilter", strawberry.lazy("talentloop.people.schema")]


@strawberry.type(
    name="OrgUnit",
    description="A unit of the organisation: the company, a branch, a department or a team.",
)
class OrgUnitNode(Node):
    _model: strawberry.Private[OrgUnit]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("OrgUnit", self._model.id))

    @strawberry.field(description="Unit code, unique, e.g. SH-SALES-1.")
    def code(self) -> str:
        return self._model.code

    @strawberry.field(description="Name, e.g. 上海分公司.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="What kind of unit this is.")
    def type(self) -> OrgUnitType:
        return self._model.type

    @strawberry.field(description="City, e.g. 上海.")
    def city(self) -> str | None:
        return self._model.city

    @strawberry.field(description="Region, e.g. 华东; regional rules (attendance, pay) key on it.")
    def region(self) -> str | None:
        return self._model.region

    @strawberry.field(
        description="The IANA time zone its times are shown in: its own, else the nearest "
        "unit's above, else Asia/Shanghai."
    )
    async def time_zone(self, info: Info) -> str:
        from talentloop import timezones

        return await info.context.loader("unit_zone", timezones.zones_by_unit).load(self._model.id)

    @strawberry.field(description="The zone this unit names itself; null: inherited.")
    def own_time_zone(self) -> str | None:
        return self._model.time_zone

    @strawberry.field(description="The day the unit was closed; null while it is open.")
    def closed_on(self) -> date | None:
        return self._model.closed_on

    @strawberry.field(
        description="Raised by every change; send it back as expectedVersion when you save an edit."
    )
    def version(self) -> int:
        return self._model.version

    @strawberry.field(description="Depth in the tree: 0 for the company.")
    def depth(self) -> int:
        return self._model.depth

    @strawberry.field(
        description="Whether the viewer reads the work data (KPIs, attendance, training) of "
        "anyone in this unit or below it: when false, an empty figure is a matter of "
        "permission, not of data."
    )
    def reads_work(self, info: Info) -> bool:
        from talentloop.access.policy import FieldGroup

        path = self._model.path
        return any(
            path.startswith(p) or p.startswith(path)
            for p in info.context.viewer.subtree_paths(FieldGroup.WORK)
        )

    @strawberry.field(
        description="The unit above; null for the root or when outside the viewer's scope."
    )
    async def parent(self, info: Info) -> OrgUnitNode | None:
        if self._model.parent_id is None:
            return None
        found = await info.context.loader("unit", loaders.units_by_id).load(self._model.parent_id)
        return OrgUnitNode(_model=found) if found else None

    @strawberry.field(description="Every unit above this one that the viewer may see, root first.")
    async def ancestors(self, info: Info) -> list[OrgUnitNode]:
        found = await info.context.loader("unit", loaders.units_by_id).load_many(
            self._model.ancestor_ids()
        )
        return [OrgUnitNode(_model=u) for u in found if u is not None]

    @strawberry.field(description="The units directly below, that the viewer may see.")
    async def children(self, info: Info) -> list[OrgUnitNode]:
        found = await info.context.loader("children", loaders.children_by_parent).load(
            self._model.id
        )
        return [OrgUnitNode(_model=u) for u in found]

    @strawberry.field(description="The unit's head; null when none or outside the viewer's scope.")
    async def manager(self, info: Info) -> EmployeeRef | None:
        from talentloop.people.types import EmployeeNode

        if self._model.manager_id is None:
            return None
        found = await info.context.loader("employee", people_loaders.employees_by_id).load(
            self._model.manager_id
        )
        return EmployeeNode.of(found, info) if found else None

    @strawberry.field(
        description=(
            "Employees not terminated in this unit and all units below it, "
            "counting only those the viewer may see."
        )
    )
    async def headcount(self, info: Info) -> int:
        return await info.context.loader("headcount", loaders.headcount_by_unit).load(
            self._model.id
        )

    @strawberry.field(
        description="Employees of this unit and the units below it, a page at a time."
    )
    async def employees(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: EmployeeFilterRef | None = None,
    ) -> Connection[EmployeeRef]:
        from talentloop.people.schema import employee_connection

        return await employee_connection(info, first, after, filter, unit_id=self._model.id)
