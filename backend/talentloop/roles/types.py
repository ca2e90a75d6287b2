"""GraphQL types of custom roles and grants (value types: read through HQ HR's root fields)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from talentloop.access.policy import ROLE_TEMPLATES, FieldGroup, Operation
from talentloop.accounts.models import CustomRole, Role, RoleGrant, User
from talentloop.graphql.errors import MutationError
from talentloop.graphql.ids import to_global_id

strawberry.enum(FieldGroup, name="FieldGroup", description="A group of an employee's fields.")
strawberry.enum(
    Operation, name="RoleOperation", description="What a role may do in the scope of a grant."
)


@strawberry.type(description="A built-in role: a read-only template for custom roles.")
class RoleTemplateInfo:
    role: Role = strawberry.field(description="The role.")
    groups: list[FieldGroup] = strawberry.field(description="Field groups it reads in scope.")
    operations: list[Operation] = strawberry.field(description="What it does in scope.")
    default_scope: str = strawberry.field(
        description="Where it applies when a grant names no unit: company, branch or unit."
    )

    @classmethod
    def of(cls, role: Role) -> RoleTemplateInfo:
        t = ROLE_TEMPLATES[role]
        groups = t.groups | t.branch_groups
        return cls(
            role=role,
            groups=[g for g in FieldGroup if g in groups],
            operations=[o for o in Operation if o in t.operations],
            default_scope=t.default_scope,
        )


@strawberry.type(name="CustomRole", description="A role HQ HR defined.")
class CustomRoleType:
    _model: strawberry.Private[CustomRole]

    @strawberry.field(description="Its id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("CustomRole", self._model.id))

    @strawberry.field(description="Its name in Chinese.")
    def name_zh(self) -> str:
        return self._model.name_zh

    @strawberry.field(description="Its name in English.")
    def name_en(self) -> str:
        return self._model.name_en

    @strawberry.field(description="Field groups it reads in scope.")
    def groups(self) -> list[FieldGroup]:
        return [FieldGroup(g) for g in self._model.groups]

    @strawberry.field(description="What it does in scope.")
    def operations(self) -> list[Operation]:
        return [Operation(o) for o in self._model.operations]

    @strawberry.field(description="The built-in role it started as a copy of.")
    def based_on(self) -> Role | None:
        return self._model.based_on


@strawberry.type(name="RoleGrant", description="One role a user holds, at a scope.")
class RoleGrantType:
    _model: strawberry.Private[RoleGrant]

    @strawberry.field(description="Its id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("RoleGrant", self._model.id))

    @strawberry.field(description="A built-in role (or null: `customRole`).")
    def role(self) -> Role | None:
        return self._model.role

    @strawberry.field(description="A custom role (or null: `role`).")
    def custom_role(self) -> CustomRoleType | None:
        custom = self._model.custom_role
        return CustomRoleType(_model=custom) if custom is not None else None

    @strawberry.field(
        description="The unit whose subtree it covers (global OrgUnit id); null: the role's default."
    )
    def scope_unit_id(self) -> strawberry.ID | None:
        unit_id = self._model.scope_unit_id
        return strawberry.ID(to_global_id("OrgUnit", unit_id)) if unit_id else None

    @strawberry.field(description="That unit's name.")
    def scope_unit_name(self) -> str | None:
        unit = self._model.scope_unit
        return unit.name if unit is not None else None

    @strawberry.field(description="The account's own role (User.role); changed with the account.")
    def primary(self) -> bool:
        return self._model.is_primary

    @strawberry.field(description="Who granted it (username).")
    def granted_by(self) -> str | None:
        by = self._model.granted_by
        return by.username if by is not None else None

    @strawberry.field(description="When it was granted.")
    def granted_at(self) -> datetime:
        return self._model.granted_at


@strawberry.type(description="An account and the roles it holds.")
class RoleHolder:
    _user: strawberry.Private[User]
    grants: list[RoleGrantType] = strawberry.field(description="Its grants, its own role first.")

    @strawberry.field(description="The account (global User id).")
    def user_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("User", self._user.id))

    @strawberry.field(description="Its sign-in name.")
    def username(self) -> str:
        return self._user.username

    @strawberry.field(description="The person's name, when the account is an employee's.")
    def name(self) -> str | None:
        employee = self._user.employee
        return employee.name if employee is not None else None


@strawberry.type(description="A custom role, or the errors that stopped it.")
class CustomRolePayload:
    role: CustomRoleType | None = strawberry.field(default=None, description="The role.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )


@strawberry.type(description="A grant, or the errors that stopped it.")
class RoleGrantPayload:
    grant: RoleGrantType | None = strawberry.field(default=None, description="The grant.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )
