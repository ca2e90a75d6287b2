"""GraphQL types for users and the signed-in viewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop import i18n
from talentloop.access.policy import Viewer
from talentloop.access.scopes import ApiScope
from talentloop.accounts import management
from talentloop.accounts.management import AccountStatus
from talentloop.accounts.models import ApiToken, Role, User
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode

strawberry.enum(Role, name="Role", description="What a user may do and see.")
strawberry.enum(
    ApiScope,
    name="ApiScope",
    description="What an API token may read or change (`write:X` includes `read:X`).",
)
strawberry.enum(AccountStatus, name="AccountStatus", description="Whether an account signs in.")
EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]


@strawberry.type(name="User", description="A sign-in account, usually linked to an employee.")
class UserNode(Node):
    _model: strawberry.Private[User]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("User", self._model.id))

    @strawberry.field(description="Sign-in name.")
    def username(self) -> str:
        return self._model.username

    @strawberry.field(description="The user's role.")
    def role(self) -> Role:
        return self._model.role

    @strawberry.field(description="False once disabled: the user can no longer sign in.")
    def is_active(self) -> bool:
        return self._model.is_active

    @strawberry.field(
        description="Active, disabled, locked (failed sign-ins), invited (no password yet) or "
        "must change the initial password."
    )
    async def status(self, info: Info) -> AccountStatus:
        locked = await info.context.loader("locked_users", _locked_loader).load(
            self._model.username
        )
        return management.status_of(self._model, {self._model.username} if locked else set())

    @strawberry.field(description="True until the initial password is changed.")
    def must_change_password(self) -> bool:
        return self._model.must_change_password

    @strawberry.field(description="When the user last signed in; null if never.")
    def last_login_at(self) -> datetime | None:
        return self._model.last_login_at

    @strawberry.field(description="When the account was created.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="When the open invitation expires; null when there is none.")
    async def invitation_expires_at(self, info: Info) -> datetime | None:
        return await info.context.loader("open_invitations", _invitation_loader).load(
            self._model.id
        )

    @strawberry.field(description="The linked employee, when the viewer may see them.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        from talentloop.people import loaders
        from talentloop.people.types import EmployeeNode

        if self._model.employee_id is None:
            return None
        found = await info.context.loader("employee", loaders.employees_by_id).load(
            self._model.employee_id
        )
        return EmployeeNode.of(found, info) if found else None


def _locked_loader(_viewer: Viewer) -> Callable[[list[str]], Awaitable[list[bool]]]:
    async def load(usernames: list[str]) -> list[bool]:
        locked = await management.locked_usernames(usernames)
        return [name in locked for name in usernames]

    return load


def _invitation_loader(
    _viewer: Viewer,
) -> Callable[[list[int]], Awaitable[list[datetime | None]]]:
    async def load(user_ids: list[int]) -> list[datetime | None]:
        found = await management.pending_invitations(user_ids)
        return [found.get(pk) for pk in user_ids]

    return load


@strawberry.type(name="Viewer", description="The signed-in user and what they may do.")
class ViewerNode:
    _viewer: strawberry.Private[Viewer]
    _user: strawberry.Private[User]

    @strawberry.field(description="The account.")
    def user(self) -> UserNode:
        return UserNode(_model=self._user)

    @strawberry.field(description="The role.")
    def role(self) -> Role:
        return self._user.role

    @strawberry.field(
        description="The language the viewer chose (zh-CN or en), null when not chosen."
    )
    def language(self) -> str | None:
        return i18n.tag(self._user.language)

    @strawberry.field(
        description="The company's IANA time zone, which instants are shown in (Asia/Shanghai "
        "unless HQ HR named another)."
    )
    async def company_time_zone(self, info: Info) -> str:
        from talentloop import timezones

        return await info.context.loader("unit_zone", timezones.zones_by_unit).load(0)

    @strawberry.field(description="The viewer's own employee record.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await UserNode(_model=self._user).employee(info)

    @strawberry.field(description="The subtree a branch HR or manager is responsible for.")
    async def scope_unit(self, info: Info) -> OrgUnitRef | None:
        from talentloop.org import loaders
        from talentloop.org.types import OrgUnitNode

        if self._viewer.scope_unit_id is None:
            return None
        found = await info.context.loader("unit", loaders.units_by_id).load(
            self._viewer.scope_unit_id
        )
        return OrgUnitNode(_model=found) if found else None

    @strawberry.field(
        description="The screens and the actions on them (editEmployees, recruit, …) offered "
        "to the viewer, from every role grant they hold (access/features.py); the server still "
        "decides every read and write."
    )
    async def features(self) -> list[str]:
        from talentloop.access.features import features

        return await features(self._viewer)

    @strawberry.field(description="May hire, change, transfer and terminate employees (in scope).")
    def can_manage_employees(self) -> bool:
        return self._viewer.can_manage_employees

    @strawberry.field(description="May add, change and move units (in scope).")
    def can_manage_org(self) -> bool:
        return self._viewer.can_manage_org

    @strawberry.field(description="May manage sign-in accounts (the administrator, HQ HR).")
    def can_manage_users(self) -> bool:
        return self._viewer.can_manage_accounts

    @strawberry.field(
        description="Signed in with an initial password: change it before anything else."
    )
    def must_change_password(self) -> bool:
        return self._user.must_change_password


@strawberry.type(description="A new session, or the errors that stopped it.")
class AuthPayload:
    access_token: str | None = strawberry.field(
        default=None, description="Send as `Authorization: Bearer <token>`; valid for minutes."
    )
    access_token_expires_at: datetime | None = strawberry.field(
        default=None, description="When the access token stops working."
    )
    refresh_token: str | None = strawberry.field(
        default=None, description="Exchange once for a new pair with `refreshToken`."
    )
    viewer: ViewerNode | None = strawberry.field(default=None, description="Who signed in.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )


@strawberry.type(description="Whether it worked, or the errors that stopped it.")
class OkPayload:
    ok: bool = strawberry.field(description="True when it worked.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(name="ApiToken", description="A token an integrator sends as `Bearer tl_…`.")
class ApiTokenType:
    _model: strawberry.Private[ApiToken]

    @strawberry.field(description="The global ID (for `revokeApiToken`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ApiToken", self._model.id))

    @strawberry.field(description="What the token is for, as its owner named it.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="The first characters of the secret, to tell tokens apart.")
    def prefix(self) -> str:
        return self._model.prefix

    @strawberry.field(description="What the token may read and change.")
    def scopes(self) -> list[ApiScope]:
        return [ApiScope(s) for s in self._model.scopes if s in ApiScope._value2member_map_]

    @strawberry.field(description="When the token stops working.")
    def expires_at(self) -> datetime:
        return self._model.expires_at

    @strawberry.field(description="When the token was last used (to the minute); null if never.")
    def last_used_at(self) -> datetime | None:
        return self._model.last_used_at

    @strawberry.field(description="When the token was revoked; null while it is not.")
    def revoked_at(self) -> datetime | None:
        return self._model.revoked_at

    @strawberry.field(description="When the token was created.")
    def created_at(self) -> datetime:
        return self._model.created_at


@strawberry.type(description="A new API token and its secret, or the errors that stopped it.")
class CreateApiTokenPayload:
    api_token: ApiTokenType | None = strawberry.field(default=None, description="The token.")
    secret: str | None = strawberry.field(
        default=None,
        description="Send as `Authorization: Bearer <secret>`. Shown this once: only its hash "
        "is kept.",
    )
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )


@strawberry.type(description="The API token after the change, or the errors that stopped it.")
class ApiTokenPayload:
    api_token: ApiTokenType | None = strawberry.field(default=None, description="The token.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )


@strawberry.type(description="The user after the change, or the errors that stopped it.")
class UserPayload:
    user: UserNode | None = strawberry.field(default=None, description="The user.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )
