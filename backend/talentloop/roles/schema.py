"""Root fields of custom roles and grants: HQ HR's (for anyone else empty, or FORBIDDEN)."""

from __future__ import annotations

import strawberry

from talentloop.access.policy import FieldGroup, Operation
from talentloop.accounts.models import Role
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.roles import service
from talentloop.roles.types import (
    CustomRolePayload,
    CustomRoleType,
    RoleGrantPayload,
    RoleGrantType,
    RoleHolder,
    RoleTemplateInfo,
)


@strawberry.type
class RolesQuery:
    @strawberry.field(description="The built-in roles, read-only templates. HQ HR only.")
    def role_templates(self, info: Info) -> list[RoleTemplateInfo]:
        if not info.context.viewer.can_define_roles:
            return []
        return [RoleTemplateInfo.of(r) for r in Role]

    @strawberry.field(description="The custom roles. HQ HR only: for anyone else empty.")
    async def custom_roles(self, info: Info) -> list[CustomRoleType]:
        return [
            CustomRoleType(_model=r) for r in await service.list_custom_roles(info.context.viewer)
        ]

    @strawberry.field(
        description="Accounts by username or person's name, with their grants. HQ HR only."
    )
    async def role_holders(
        self, info: Info, search: str = "", first: int = 50, user_id: strawberry.ID | None = None
    ) -> list[RoleHolder]:
        viewer = info.context.viewer
        # A malformed id matches nobody (-1).
        pk = (pk_of(user_id, "User") or -1) if user_id is not None else None
        users = await service.holders(viewer, search, first, user_id=pk)
        grants = await service.grants_of(viewer, [u.id for u in users])
        return [
            RoleHolder(
                _user=u, grants=[RoleGrantType(_model=g) for g in grants if g.user_id == u.id]
            )
            for u in users
        ]


@strawberry.input(description="A custom role: its names, field groups and operations.")
class SaveCustomRoleInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="To change one.")
    name_zh: str = strawberry.field(description="Its name in Chinese.")
    name_en: str = strawberry.field(description="Its name in English.")
    groups: list[FieldGroup] = strawberry.field(description="Field groups it reads in scope.")
    operations: list[Operation] = strawberry.field(description="What it does in scope.")
    based_on: Role | None = strawberry.field(default=None, description="The template it copies.")


@strawberry.input(description="Give an account a role at a scope.")
class GrantRoleInput:
    user_id: strawberry.ID = strawberry.field(description="The account.")
    role: Role | None = strawberry.field(default=None, description="A built-in role, or…")
    custom_role_id: strawberry.ID | None = strawberry.field(
        default=None, description="…a custom role."
    )
    scope_unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The unit whose subtree it covers (a custom role needs one; none: the "
        "built-in role's default).",
    )


@strawberry.input(description="The grant to take back.")
class RevokeRoleGrantInput:
    id: strawberry.ID = strawberry.field(description="The grant.")


@strawberry.type
class RolesMutation:
    @strawberry.mutation(description="Define or change a custom role. HQ HR only; audited.")
    async def save_custom_role(self, info: Info, input: SaveCustomRoleInput) -> CustomRolePayload:
        try:
            role = await service.save_custom_role(
                info.context.viewer,
                service.CustomRoleInput(
                    name_zh=input.name_zh,
                    name_en=input.name_en,
                    groups=input.groups,
                    operations=input.operations,
                    based_on=input.based_on,
                ),
                optional_pk(input.id, "CustomRole", "id"),
            )
        except ServiceError as exc:
            return CustomRolePayload(errors=mutation_errors(exc))
        return CustomRolePayload(role=CustomRoleType(_model=role))

    @strawberry.mutation(
        description="Grant an account a role at a scope. HQ HR only, never to themself; audited."
    )
    async def grant_role(self, info: Info, input: GrantRoleInput) -> RoleGrantPayload:
        viewer = info.context.viewer
        try:
            if not viewer.can_define_roles:
                raise service.forbidden()
            grant = await service.grant_role(
                viewer,
                user_id=require_pk(input.user_id, "User", "userId"),
                role=input.role,
                custom_role_id=optional_pk(input.custom_role_id, "CustomRole", "customRoleId"),
                scope_unit_id=optional_pk(input.scope_unit_id, "OrgUnit", "scopeUnitId"),
            )
            await grant.fetch_related("custom_role", "scope_unit", "granted_by")
        except ServiceError as exc:
            return RoleGrantPayload(errors=mutation_errors(exc))
        return RoleGrantPayload(grant=RoleGrantType(_model=grant))

    @strawberry.mutation(description="Take a grant back. HQ HR only, never their own; audited.")
    async def revoke_role_grant(self, info: Info, input: RevokeRoleGrantInput) -> RoleGrantPayload:
        viewer = info.context.viewer
        try:
            if not viewer.can_define_roles:
                raise service.forbidden()
            await service.revoke_grant(viewer, require_pk(input.id, "RoleGrant", "id"))
        except ServiceError as exc:
            return RoleGrantPayload(errors=mutation_errors(exc))
        return RoleGrantPayload(grant=None)
