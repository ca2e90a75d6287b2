"""GraphQL types for employees and positions; each field asks `access` before it answers."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Optional, TypeVar

import strawberry

from talentloop.access.policy import FieldGroup, FieldNotPermitted, mask
from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.lookahead import MISSING, cached
from talentloop.graphql.node import Node
from talentloop.people import loaders, sensitive
from talentloop.people.fields import EMPLOYEE_FIELDS
from talentloop.people.models import Employee, EmployeeStatus, Gender, Position
from talentloop.people.sensitive import SensitiveField

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode

strawberry.enum(EmployeeStatus, name="EmployeeStatus", description="Where an employee stands.")
strawberry.enum(Gender, name="Gender", description="Gender as on the ID card.")

T = TypeVar("T")
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]


@strawberry.type(name="Position", description="A job in the position catalogue.")
class PositionNode(Node):
    _model: strawberry.Private[Position]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Position", self._model.id))

    @strawberry.field(description="Catalogue code, e.g. SAL-REP.")
    def code(self) -> str:
        return self._model.code

    @strawberry.field(description="Job title, e.g. 销售代表.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="Grade, e.g. P3 or M1.")
    def level(self) -> str:
        return self._model.level

    @strawberry.field(description="Job family, e.g. sales, production, HR.")
    def family(self) -> str:
        return self._model.family


@strawberry.type(
    name="Employee",
    description=(
        "A person employed by the company. Fields the viewer's role may not read resolve to "
        "null with an error naming the field; ID and bank numbers are masked (the full value "
        "only through revealEmployeeField, with a reason, logged)."
    ),
)
class EmployeeNode(Node):
    _model: strawberry.Private[Employee]
    _groups: strawberry.Private[frozenset[FieldGroup]]

    @classmethod
    def of(cls, model: Employee, info: Info) -> EmployeeNode:
        groups = info.context.viewer.groups_for(model.id, model.unit.path)
        return cls(_model=model, _groups=groups)

    def _read(self, name: str, value: T) -> T:
        if EMPLOYEE_FIELDS[name] not in self._groups:
            raise FieldNotPermitted(name)
        return value

    def _masked(self, field: SensitiveField) -> str | None:
        """The last four characters, and only for a viewer of the sensitive group: the value is
        opened after the check, never before."""
        self._read(field.api_name, None)
        return mask(sensitive.read(self._model, field))

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Employee", self._model.id))

    @strawberry.field(description="Employee number (工号), unique.")
    def employee_number(self) -> str:
        return self._read("employeeNumber", self._model.employee_number)

    @strawberry.field(description="Full name.")
    def name(self) -> str:
        return self._read("name", self._model.name)

    @strawberry.field(description="Probation, active, on leave or terminated.")
    def status(self) -> EmployeeStatus:
        return self._read("status", self._model.status)

    @strawberry.field(description="The unit the employee belongs to.")
    def unit(self) -> OrgUnitRef | None:
        from talentloop.org.types import OrgUnitNode

        return OrgUnitNode(_model=self._read("unit", self._model.unit))

    # Position and manager answer at once when the list above loaded them for its page
    # (graphql/lookahead.py), else through the request's DataLoader.
    @strawberry.field(description="The employee's position.", graphql_type=PositionNode | None)
    def position(self, info: Info) -> PositionNode | Awaitable[PositionNode | None] | None:
        position_id = self._read("position", self._model.position_id)
        if position_id is None:
            return None
        loader = info.context.loader("position", loaders.positions_by_id)
        found = cached(loader, position_id)
        if found is MISSING:
            return _position_when_loaded(loader.load(position_id))
        return PositionNode(_model=found) if found else None

    @strawberry.field(
        description="Direct manager; null when none or outside the viewer's scope.",
        graphql_type=Optional["EmployeeNode"],
    )
    def manager(self, info: Info) -> EmployeeNode | Awaitable[EmployeeNode | None] | None:
        manager_id = self._read("manager", self._model.manager_id)
        if manager_id is None:
            return None
        loader = info.context.loader("employee", loaders.employees_by_id)
        found = cached(loader, manager_id)
        if found is MISSING:
            return _employee_when_loaded(loader.load(manager_id), info)
        return EmployeeNode.of(found, info) if found else None

    @strawberry.field(description="Work phone.")
    def work_phone(self) -> str | None:
        return self._read("workPhone", self._model.work_phone)

    @strawberry.field(description="Work email.")
    def work_email(self) -> str | None:
        return self._read("workEmail", self._model.work_email)

    @strawberry.field(description="Hire date (入职日期). Work field.")
    def hire_date(self) -> date | None:
        return self._read("hireDate", self._model.hire_date)

    @strawberry.field(description="Last day of employment, once terminated. Work field.")
    def termination_date(self) -> date | None:
        return self._read("terminationDate", self._model.termination_date)

    @strawberry.field(description="Why employment ended. Work field.")
    def termination_reason(self) -> str | None:
        return self._read("terminationReason", self._model.termination_reason)

    @strawberry.field(description="Gender. Personal field.")
    def gender(self) -> Gender | None:
        return self._read("gender", self._model.gender)

    @strawberry.field(description="Birth date. Personal field.")
    def birth_date(self) -> date | None:
        return self._read("birthDate", self._model.birth_date)

    @strawberry.field(description="Personal mobile number. Personal field.")
    def personal_phone(self) -> str | None:
        return self._read("personalPhone", self._model.personal_phone)

    @strawberry.field(description="Monthly base salary in CNY. Pay field.")
    def base_salary(self) -> Decimal | None:
        return self._read("baseSalary", self._model.base_salary)

    @strawberry.field(
        description=(
            "Raised by every change; send it back as expectedVersion when you save an edit. "
            "Read by those who may edit the record (HR in scope, the employee themself)."
        )
    )
    def version(self) -> int | None:
        return self._read("version", self._model.version)

    @strawberry.field(
        description=(
            "Resident ID number, masked to its last 4 characters (sensitive personal "
            "information). The full value: revealEmployeeField."
        )
    )
    def id_number(self) -> str | None:
        return self._masked(SensitiveField.ID_NUMBER)

    @strawberry.field(
        description=(
            "Salary bank account, masked to its last 4 digits (sensitive personal information). "
            "The full value: revealEmployeeField."
        )
    )
    def bank_account(self) -> str | None:
        return self._masked(SensitiveField.BANK_ACCOUNT)


async def _position_when_loaded(loading: Awaitable[Position | None]) -> PositionNode | None:
    found = await loading
    return PositionNode(_model=found) if found else None


async def _employee_when_loaded(
    loading: Awaitable[Employee | None], info: Info
) -> EmployeeNode | None:
    found = await loading
    return EmployeeNode.of(found, info) if found else None
