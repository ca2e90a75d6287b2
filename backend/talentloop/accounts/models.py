"""User accounts, refresh tokens, sign-in attempts and API tokens.

A refresh token is stored only as its SHA-256; tokens rotated from one
sign-in share a `family` (the session), so reuse of a spent token can revoke
them all, and an access token names its family so that signing out ends it at
once. Sign-in attempts are rows so that every API process counts the same
failures. An API token, too, is stored only as its SHA-256, and so is an invitation to set
one's first password (accounts/management.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.signals import post_save

if TYPE_CHECKING:
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee


class Role(StrEnum):
    ADMIN = "admin"
    HQ_HR = "hq_hr"
    BRANCH_HR = "branch_hr"
    MANAGER = "manager"
    EMPLOYEE = "employee"
    EXECUTIVE = "executive"


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16)
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="users", null=True, on_delete=fields.SET_NULL
    )
    # The subtree a branch HR or manager works in; derived from the employee when unset.
    scope_unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="scoped_users", null=True, on_delete=fields.SET_NULL
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    password_changed_at = fields.DatetimeField(null=True)
    # The language the user reads the app in (talentloop/i18n.py LANGUAGES); null: not chosen,
    # the browser's Accept-Language decides.
    language = fields.CharField(max_length=8, null=True)
    # Set with an initial password HR hands over: until it is changed, the sign-in works but
    # every operation except changing it is refused (access/guard.py).
    must_change_password = fields.BooleanField(default=False, db_default=False)

    employee_id: int | None
    scope_unit_id: int | None

    class Meta:
        table = "user_account"


class RefreshToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=36, db_index=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        table = "refresh_token"


class SignInOutcome(StrEnum):
    PENDING = "pending"  # being checked now: counts as a failure until it is decided
    FAILED = "failed"
    SUCCEEDED = "succeeded"
    LOCKED = "locked"  # refused unchecked: too many failures for the account
    THROTTLED = "throttled"  # refused unchecked: too many failures from the address


class SignInAttempt(Model):
    """One sign-in (or re-authentication) attempt, for lockout and throttling."""

    id = fields.IntField(primary_key=True)
    # As typed (stripped, at most 128 characters): unknown names are counted like real ones.
    username = fields.CharField(max_length=128)
    client_address = fields.CharField(max_length=64, null=True)
    outcome = fields.CharEnumField(SignInOutcome, max_length=16, default=SignInOutcome.PENDING)
    # Set on the account's failures by a successful sign-in (the account's counter restarts)
    # and the address counter still sees them.
    cleared = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sign_in_attempt"
        indexes = (("username", "created_at"), ("client_address", "created_at"))


class ApiToken(Model):
    """A long-lived token an integrator sends as `Bearer tl_...`, acting as its owner within its scopes."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    token_hash = fields.CharField(max_length=64, unique=True)
    # The first characters of the secret, shown in lists to tell tokens apart.
    prefix = fields.CharField(max_length=16)
    scopes: fields.Field[list[str]] = fields.JSONField(default=list)
    expires_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        table = "api_token"


class CustomRole(Model):
    """A role HQ HR defines: the field groups it reads and the operations it may perform
    (access/policy.py FieldGroup, Operation), held through RoleGrant with a scope."""

    id = fields.IntField(primary_key=True)
    name_zh = fields.CharField(max_length=64, unique=True)
    name_en = fields.CharField(max_length=64, unique=True)
    groups: fields.Field[list[str]] = fields.JSONField(default=list)
    operations: fields.Field[list[str]] = fields.JSONField(default=list)
    based_on = fields.CharEnumField(Role, max_length=16, null=True)  # the template it copied
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="custom_roles_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "custom_role"


class RoleGrant(Model):
    """One role a user holds at a scope, a built-in role or a custom one.

    No scope unit: the role's default (the company, the holder's branch or unit). `is_primary` marks the grant
    that `User.role`/`scope_unit` describe, kept in step with them (`_sync_primary_grant`)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="role_grants", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=16, null=True)
    custom_role: fields.ForeignKeyNullableRelation[CustomRole] = fields.ForeignKeyField(
        "talentloop.CustomRole", related_name="grants", null=True, on_delete=fields.RESTRICT
    )
    # A grant whose unit is removed goes with it: it never widens to the role's default.
    scope_unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="role_grants", null=True, on_delete=fields.CASCADE
    )
    is_primary = fields.BooleanField(default=False)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="grants_given", null=True, on_delete=fields.SET_NULL
    )
    granted_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    custom_role_id: int | None
    scope_unit_id: int | None
    granted_by_id: int | None

    class Meta:
        table = "role_grant"
        indexes = (("user_id", "is_primary"), ("role",), ("scope_unit_id",))


@post_save(User)
async def _sync_primary_grant(
    sender: type[User],
    instance: User,
    created: bool,
    using_db: BaseDBAsyncClient | None,
    update_fields: list[str] | None,
) -> None:
    """A user's role and scope unit are their primary grant: created with the user, moved
    with them."""
    if (
        not created
        and update_fields
        and not {"role", "scope_unit", "scope_unit_id"} & set(update_fields)
    ):
        return
    values = {
        "role": instance.role,
        "scope_unit_id": instance.scope_unit_id,
        "custom_role_id": None,
    }
    updated = (
        await RoleGrant.filter(user_id=instance.id, is_primary=True)
        .using_db(using_db)
        .update(**values)
        if not created
        else 0
    )
    if not updated:
        await RoleGrant.create(user_id=instance.id, is_primary=True, using_db=using_db, **values)


class AccountInvitation(Model):
    """A link that lets a person set their first (or a reset) password: single use, expiring,
    stored only as the SHA-256 of its token."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="invitations", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    created_by_id: int | None

    class Meta:
        table = "account_invitation"
        indexes = (("user_id", "used_at"),)
