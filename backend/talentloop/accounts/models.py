"""User accounts and refresh tokens.

A refresh token is stored only as its SHA-256; tokens rotated from one
sign-in share a `family`, so reuse of a spent token can revoke them all.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

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
