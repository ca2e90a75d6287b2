"""Managing sign-in accounts (accounts/management.py): the `accounts` list, creating accounts,
resetting passwords, unlocking, and accepting an invitation."""

from __future__ import annotations

from datetime import datetime

import strawberry

from talentloop.accounts import management
from talentloop.accounts.management import AccountStatus, Delivery
from talentloop.accounts.types import UserNode, UserPayload
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import pk_of, require_pk
from talentloop.graphql.pagination import Connection, to_connection

strawberry.enum(Delivery, name="AccountDelivery", description="How the person gets their password.")


@strawberry.input(description="Which accounts to list; all given must match.")
class AccountFilterInput:
    status: AccountStatus | None = strawberry.field(default=None, description="Only this status.")
    search: str | None = strawberry.field(
        default=None, description="In the username, the employee's name or number."
    )


@strawberry.input(description="An account for one employee.")
class AccountRequestInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee (without an account).")
    username: str | None = strawberry.field(
        default=None,
        description="Sign-in name; by default the work e-mail's local part or the employee number.",
    )


@strawberry.input(description="Accounts for one or more employees, delivered one way.")
class CreateAccountsInput:
    accounts: list[AccountRequestInput] = strawberry.field(description="At most 100.")
    delivery: Delivery = strawberry.field(description="An invitation link or initial passwords.")


@strawberry.input(description="A new way in for an account: its old password stops working.")
class ResetUserPasswordInput:
    user_id: strawberry.ID = strawberry.field(description="The account.")
    delivery: Delivery = strawberry.field(description="An invitation link or an initial password.")


@strawberry.input(description="The account to unlock.")
class UnlockAccountInput:
    user_id: strawberry.ID = strawberry.field(description="The account.")


@strawberry.input(description="An invitation's token and the password to set.")
class AcceptInvitationInput:
    token: str = strawberry.field(description="From the link `/invite/<token>`.")
    new_password: str = strawberry.field(
        description="8 to 128 characters, not a common password and not the username."
    )


@strawberry.type(description="What to hand the person, shown this once.")
class IssuedCredential:
    user: UserNode = strawberry.field(description="The account.")
    invitation_token: str | None = strawberry.field(
        default=None, description="For the link `/invite/<token>`; only its hash is kept."
    )
    invitation_expires_at: datetime | None = strawberry.field(
        default=None, description="When the link stops working."
    )
    initial_password: str | None = strawberry.field(
        default=None, description="To change at the first sign-in; only its hash is kept."
    )


def _issued(credential: management.Credential) -> IssuedCredential:
    return IssuedCredential(
        user=UserNode(_model=credential.user),
        invitation_token=credential.invitation_token,
        invitation_expires_at=credential.invitation_expires_at,
        initial_password=credential.initial_password,
    )


@strawberry.type(description="The accounts made, or the errors that stopped them all.")
class CreateAccountsPayload:
    accounts: list[IssuedCredential] = strawberry.field(
        default_factory=list, description="One per request, in order."
    )
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )


@strawberry.type(description="The new way in, or the errors that stopped it.")
class ResetUserPasswordPayload:
    credential: IssuedCredential | None = strawberry.field(default=None, description="It.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )


@strawberry.type(description="The account's username once its password is set.")
class AcceptInvitationPayload:
    username: str | None = strawberry.field(default=None, description="Sign in with it.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description="Empty when it succeeded."
    )


@strawberry.type
class AccountsAdminQuery:
    @strawberry.field(
        description="Sign-in accounts by username, with their status. The administrator and "
        "HQ HR only: for anyone else it is empty."
    )
    async def accounts(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: AccountFilterInput | None = None,
    ) -> Connection[UserNode]:
        where = management.AccountFilter()
        if filter is not None:
            where = management.AccountFilter(status=filter.status, search=filter.search)
        page = await management.list_accounts(info.context.viewer, where, first=first, after=after)
        return to_connection(page, lambda user: UserNode(_model=user))


@strawberry.type
class AccountsAdminMutation:
    @strawberry.mutation(
        description="Create sign-in accounts (role: employee) for employees who have none, all "
        "or none (the administrator, HQ HR); the invitation tokens or initial passwords are in "
        "the answer, once."
    )
    async def create_accounts(
        self, info: Info, input: CreateAccountsInput
    ) -> CreateAccountsPayload:
        try:
            requests = [
                management.AccountRequest(
                    employee_id=pk_of(r.employee_id, "Employee") or -1, username=r.username
                )
                for r in input.accounts
            ]
            made = await management.create_accounts(info.context.viewer, requests, input.delivery)
        except ServiceError as exc:
            return CreateAccountsPayload(errors=mutation_errors(exc))
        return CreateAccountsPayload(accounts=[_issued(c) for c in made])

    @strawberry.mutation(
        description="Reset someone's password to a new invitation or initial password (the "
        "administrator, HQ HR; never one's own): the old one stops working and their sessions end."
    )
    async def reset_user_password(
        self, info: Info, input: ResetUserPasswordInput
    ) -> ResetUserPasswordPayload:
        try:
            credential = await management.reset_password(
                info.context.viewer, require_pk(input.user_id, "User", "userId"), input.delivery
            )
        except ServiceError as exc:
            return ResetUserPasswordPayload(errors=mutation_errors(exc))
        return ResetUserPasswordPayload(credential=_issued(credential))

    @strawberry.mutation(
        description="Unlock an account locked by failed sign-ins (the administrator, HQ HR; "
        "never one's own)."
    )
    async def unlock_account(self, info: Info, input: UnlockAccountInput) -> UserPayload:
        try:
            user = await management.unlock_account(
                info.context.viewer, require_pk(input.user_id, "User", "userId")
            )
        except ServiceError as exc:
            return UserPayload(errors=mutation_errors(exc))
        return UserPayload(user=UserNode(_model=user))

    @strawberry.mutation(
        description="Set one's password through an invitation link (no sign-in needed); then "
        "sign in with the username in the answer."
    )
    async def accept_invitation(self, input: AcceptInvitationInput) -> AcceptInvitationPayload:
        try:
            user = await management.accept_invitation(input.token, input.new_password)
        except ServiceError as exc:
            return AcceptInvitationPayload(errors=mutation_errors(exc))
        return AcceptInvitationPayload(username=user.username)
