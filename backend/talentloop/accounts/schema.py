"""Sign-in mutations and `me`."""

from __future__ import annotations

import strawberry

from talentloop.access.viewer import viewer_for_user
from talentloop.accounts import service
from talentloop.accounts.models import User
from talentloop.accounts.types import AuthPayload, OkPayload, UserNode, ViewerNode
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import mutation_errors
from talentloop.graphql.node import register_node


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user; null when not signed in.")
    async def me(self, info: Info) -> ViewerNode | None:
        viewer = info.context.viewer
        if viewer.user_id is None:
            return None
        user = await User.get(id=viewer.user_id)
        return ViewerNode(_viewer=viewer, _user=user)


async def _user_node(info: Info, pk: int) -> UserNode | None:
    viewer = info.context.viewer
    if viewer.user_id != pk and not viewer.can_manage_users:
        return None
    found = await User.get_or_none(id=pk)
    return UserNode(_model=found) if found else None


register_node("User", _user_node)


@strawberry.input(description="Username and password.")
class LoginInput:
    username: str = strawberry.field(description="Sign-in name.")
    password: str = strawberry.field(description="Password.")


@strawberry.input(description="A refresh token from `login` or an earlier `refreshToken`.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(description="The refresh token.")


@strawberry.input(description="The refresh token of the session to end.")
class LogoutInput:
    refresh_token: str = strawberry.field(description="The refresh token.")


@strawberry.input(description="The current password and the new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="At least 8 characters.")


async def _auth_payload(session: service.Session) -> AuthPayload:
    await session.user.fetch_related("employee__unit", "scope_unit")
    viewer = await viewer_for_user(session.user)
    return AuthPayload(
        access_token=session.access_token,
        access_token_expires_at=session.access_token_expires_at,
        refresh_token=session.refresh_token,
        viewer=ViewerNode(_viewer=viewer, _user=session.user),
    )


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(
        description="Sign in. An unknown user and a wrong password get the same answer."
    )
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        try:
            session = await service.login(input.username, input.password)
        except ServiceError as exc:
            return AuthPayload(errors=mutation_errors(exc))
        payload = await _auth_payload(session)
        # The viewer of this request was anonymous; later fields resolve as the new user.
        info.context.viewer = payload.viewer._viewer if payload.viewer else info.context.viewer
        return payload

    @strawberry.mutation(
        description="Exchange a refresh token for a new access and refresh token; the old one is spent."
    )
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        try:
            session = await service.refresh(input.refresh_token)
        except ServiceError as exc:
            return AuthPayload(errors=mutation_errors(exc))
        payload = await _auth_payload(session)
        info.context.viewer = payload.viewer._viewer if payload.viewer else info.context.viewer
        return payload

    @strawberry.mutation(description="Sign out: the refresh token and its family stop working.")
    async def logout(self, input: LogoutInput) -> OkPayload:
        try:
            await service.logout(input.refresh_token)
        except ServiceError as exc:
            return OkPayload(ok=False, errors=mutation_errors(exc))
        return OkPayload(ok=True, errors=[])

    @strawberry.mutation(description="Change one's own password; other sessions are signed out.")
    async def change_password(self, info: Info, input: ChangePasswordInput) -> OkPayload:
        try:
            await service.change_password(
                info.context.viewer, input.current_password, input.new_password
            )
        except ServiceError as exc:
            return OkPayload(ok=False, errors=mutation_errors(exc))
        return OkPayload(ok=True, errors=[])
