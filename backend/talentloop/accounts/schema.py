"""Sign-in mutations and `me`."""

from __future__ import annotations

import strawberry

from talentloop import i18n
from talentloop.access.scopes import ApiScope
from talentloop.access.viewer import viewer_for_user
from talentloop.accounts import api_tokens, service
from talentloop.accounts.models import User
from talentloop.accounts.types import (
    ApiTokenPayload,
    ApiTokenType,
    AuthPayload,
    CreateApiTokenPayload,
    OkPayload,
    UserNode,
    UserPayload,
    ViewerNode,
)
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import require_pk
from talentloop.graphql.node import register_node


def client_address(info: Info) -> str | None:
    """The caller's address (behind nginx, uvicorn --proxy-headers puts the forwarded one here)."""
    request = info.context.request
    client = request.client if request is not None else None
    return client.host if client is not None else None


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user; null when not signed in.")
    async def me(self, info: Info) -> ViewerNode | None:
        viewer = info.context.viewer
        if viewer.user_id is None:
            return None
        user = await User.get(id=viewer.user_id)
        return ViewerNode(_viewer=viewer, _user=user)

    @strawberry.field(
        description="The viewer's own API tokens, newest first (revoked and expired ones too)."
    )
    async def api_tokens(self, info: Info) -> list[ApiTokenType]:
        return [ApiTokenType(_model=t) for t in await api_tokens.list_tokens(info.context.viewer)]


async def _user_node(info: Info, pk: int) -> UserNode | None:
    viewer = info.context.viewer
    if viewer.user_id != pk and not viewer.can_manage_users:
        return None
    found = await User.get_or_none(id=pk)
    return UserNode(_model=found) if found else None


register_node("User", _user_node, User)


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


@strawberry.input(description="The language to read the app in.")
class SetLanguageInput:
    language: str | None = strawberry.field(
        description="zh-CN or en; null clears the choice (Accept-Language decides)."
    )


@strawberry.type(description="The language chosen.")
class LanguagePayload:
    language: str | None = strawberry.field(description="zh-CN, en, or null when not chosen.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="The current password and the new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(
        description="8 to 128 characters, not a common password and not the username."
    )


@strawberry.input(description="A new API token for the signed-in user.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="What it is for (at most 64 characters).")
    scopes: list[ApiScope] = strawberry.field(description="What it may read and change.")
    expires_in_days: int = strawberry.field(
        default=90, description="Days until it stops working: 1 to 365."
    )


@strawberry.input(description="The API token to revoke.")
class RevokeApiTokenInput:
    id: strawberry.ID = strawberry.field(description="The token (one of `apiTokens`).")


@strawberry.input(description="Enable or disable a user's account.")
class SetUserActiveInput:
    user_id: strawberry.ID = strawberry.field(description="The user.")
    active: bool = strawberry.field(
        description="False disables the account: every session and API token ends at once."
    )


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
        description="Sign in. An unknown user, a wrong password and a locked account get the "
        "same answer; after 5 failures in 15 minutes an account is locked, after 20 an address."
    )
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        try:
            session = await service.login(
                input.username, input.password, client=client_address(info)
            )
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

    @strawberry.mutation(
        description="Sign out: the refresh token, its family and their access tokens stop working."
    )
    async def logout(self, input: LogoutInput) -> OkPayload:
        try:
            await service.logout(input.refresh_token)
        except ServiceError as exc:
            return OkPayload(ok=False, errors=mutation_errors(exc))
        return OkPayload(ok=True, errors=[])

    @strawberry.mutation(
        description="Choose the language one reads the app in (zh-CN or en; null: the "
        "browser's Accept-Language decides). Server messages follow it, this answer's too."
    )
    async def set_language(self, info: Info, input: SetLanguageInput) -> LanguagePayload:
        try:
            chosen = await service.set_language(info.context.viewer, input.language)
        except ServiceError as exc:
            return LanguagePayload(language=None, errors=mutation_errors(exc))
        return LanguagePayload(language=i18n.tag(chosen), errors=[])

    @strawberry.mutation(description="Change one's own password; other sessions are signed out.")
    async def change_password(self, info: Info, input: ChangePasswordInput) -> OkPayload:
        try:
            await service.change_password(
                info.context.viewer, input.current_password, input.new_password
            )
        except ServiceError as exc:
            return OkPayload(ok=False, errors=mutation_errors(exc))
        return OkPayload(ok=True, errors=[])

    @strawberry.mutation(
        description="Create an API token for yourself; its secret is in the answer, once."
    )
    async def create_api_token(
        self, info: Info, input: CreateApiTokenInput
    ) -> CreateApiTokenPayload:
        try:
            token, secret = await api_tokens.create_token(
                info.context.viewer,
                name=input.name,
                scopes=input.scopes,
                expires_in_days=input.expires_in_days,
            )
        except ServiceError as exc:
            return CreateApiTokenPayload(errors=mutation_errors(exc))
        return CreateApiTokenPayload(api_token=ApiTokenType(_model=token), secret=secret)

    @strawberry.mutation(description="Revoke one of your API tokens: it stops working at once.")
    async def revoke_api_token(self, info: Info, input: RevokeApiTokenInput) -> ApiTokenPayload:
        try:
            token = await api_tokens.revoke_token(
                info.context.viewer, require_pk(input.id, "ApiToken", "id")
            )
        except ServiceError as exc:
            return ApiTokenPayload(errors=mutation_errors(exc))
        return ApiTokenPayload(api_token=ApiTokenType(_model=token))

    @strawberry.mutation(
        description="Enable or disable a user (the administrator, HQ HR). Disabling ends their "
        "sessions and API tokens at once."
    )
    async def set_user_active(self, info: Info, input: SetUserActiveInput) -> UserPayload:
        try:
            user = await service.set_user_active(
                info.context.viewer, require_pk(input.user_id, "User", "userId"), input.active
            )
        except ServiceError as exc:
            return UserPayload(errors=mutation_errors(exc))
        return UserPayload(user=UserNode(_model=user))
