"""Custom roles and role grants, HQ HR's to keep.

A custom role reads field groups and performs operations (access/policy.py FieldGroup,
Operation) in the scope of each grant of it. Both sets are HQ HR's own, so a custom role never
exceeds HQ HR; what is HQ HR's alone (company-wide settings, guarded approvals, the audit log,
defining roles) needs the built-in role and no custom role carries it. Nobody grants or revokes
anything of their own; the administrator's role is not HQ HR's to give. Every definition, grant
and revoke is audited with before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from talentloop.access.policy import ROLE_TEMPLATES, FieldGroup, Operation, Viewer
from talentloop.accounts.models import CustomRole, Role, RoleGrant, User
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found, self_dealing
from talentloop.org.models import OrgUnit

# Roles whose scope is the whole company: a grant of one names no unit.
COMPANY_WIDE = frozenset(r for r, t in ROLE_TEMPLATES.items() if t.default_scope == "company")
# Not HQ HR's to give: the administrator runs accounts, not HR.
NOT_GRANTED_BY_HR = frozenset({Role.ADMIN})


def forbidden() -> ServiceError:
    return ServiceError.one(ErrorCode.FORBIDDEN, "Only HQ HR defines and grants roles.")


def _require(viewer: Viewer) -> None:
    if not viewer.can_define_roles:
        raise forbidden()


# --- custom roles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomRoleInput:
    name_zh: str
    name_en: str
    groups: Sequence[FieldGroup]
    operations: Sequence[Operation]
    based_on: Role | None = None


def _snapshot(role: CustomRole) -> dict[str, object]:
    return {
        "name_zh": role.name_zh,
        "name_en": role.name_en,
        "groups": list(role.groups),
        "operations": list(role.operations),
        "based_on": role.based_on.value if role.based_on else None,
    }


async def list_custom_roles(viewer: Viewer) -> list[CustomRole]:
    if not viewer.can_define_roles:
        return []
    return await CustomRole.all().order_by("id")


async def save_custom_role(
    viewer: Viewer, data: CustomRoleInput, role_id: int | None = None
) -> CustomRole:
    """Create a custom role, or change one (every grant of it changes with it)."""
    _require(viewer)
    problems: list[FieldError] = []
    names = {"nameZh": data.name_zh.strip(), "nameEn": data.name_en.strip()}
    for field, name in names.items():
        if not name:
            problems.append(FieldError("A role needs a name.", ErrorCode.REQUIRED, field))
        elif len(name) > 64:
            problems.append(FieldError("At most 64 characters.", ErrorCode.INVALID, field))
    if not data.groups:
        problems.append(
            FieldError("A role reads at least the directory.", ErrorCode.REQUIRED, "groups")
        )
    elif FieldGroup.DIRECTORY not in data.groups:
        problems.append(
            FieldError(
                "A role that reads anything of a person reads the directory.",
                ErrorCode.INVALID,
                "groups",
            )
        )
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        existing: CustomRole | None = None
        if role_id is not None:
            existing = await CustomRole.select_for_update().get_or_none(id=role_id)
            if existing is None:
                raise not_found("CustomRole", "id")
        for field, column in (("nameZh", "name_zh"), ("nameEn", "name_en")):
            clash = CustomRole.filter(**{column: names[field]})
            if existing is not None:
                clash = clash.exclude(id=existing.id)
            if await clash.exists():
                problems.append(
                    FieldError("A role of that name exists.", ErrorCode.DUPLICATE, field)
                )
        if problems:
            raise ServiceError(*problems)
        values: dict[str, Any] = {
            "name_zh": names["nameZh"],
            "name_en": names["nameEn"],
            "groups": sorted({g.value for g in data.groups}),
            "operations": sorted({o.value for o in data.operations}),
            "based_on": data.based_on,
        }
        if existing is None:
            role = await CustomRole.create(created_by_id=viewer.user_id, **values)
            await audit.record(
                viewer, AuditAction.CREATE, subject_type="CustomRole", subject_id=role.id,
                after=_snapshot(role),
            )  # fmt: skip
            return role
        before = _snapshot(existing)
        await existing.update_from_dict(values).save()
        await audit.record(
            viewer, AuditAction.UPDATE, subject_type="CustomRole", subject_id=existing.id,
            before=before, after=_snapshot(existing),
        )  # fmt: skip
        return existing


# --- grants --------------------------------------------------------------------------------------


async def grants_of(viewer: Viewer, user_ids: Iterable[int]) -> list[RoleGrant]:
    """The grants of these users (HQ HR), primary first."""
    if not viewer.can_define_roles:
        return []
    return (
        await RoleGrant.filter(user_id__in=list(user_ids))
        .select_related("custom_role", "scope_unit", "granted_by")
        .order_by("user_id", "-is_primary", "id")
    )


async def holders(
    viewer: Viewer, search: str = "", first: int = 50, *, user_id: int | None = None
) -> list[User]:
    """Accounts (with their person), by username or name (or one by id): whom HQ HR may grant
    roles to."""
    if not viewer.can_define_roles:
        return []
    qs = User.all().select_related("employee")
    if user_id is not None:
        qs = qs.filter(id=user_id)
    if search.strip():
        term = search.strip()
        ids = await User.filter(username__icontains=term).values_list("id", flat=True)
        by_name = await User.filter(employee__name__icontains=term).values_list("id", flat=True)
        qs = qs.filter(id__in=[*ids, *by_name])
    return await qs.order_by("username").limit(max(1, min(first, 100)))


def _grant_snapshot(grant: RoleGrant) -> dict[str, object]:
    return {
        "user_id": grant.user_id,
        "role": grant.role.value if grant.role else None,
        "custom_role_id": grant.custom_role_id,
        "scope_unit_id": grant.scope_unit_id,
    }


async def grant_role(
    viewer: Viewer,
    *,
    user_id: int,
    role: Role | None = None,
    custom_role_id: int | None = None,
    scope_unit_id: int | None = None,
) -> RoleGrant:
    """Give a user a role at a scope (a unit and its subtree). A built-in branch or team role
    without a unit works where the holder works; a custom role needs its unit."""
    _require(viewer)
    if (role is None) == (custom_role_id is None):
        raise ServiceError.one(ErrorCode.INVALID, "Name one role: built-in or custom.", "role")
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise not_found("User", "userId")
    if user.id == viewer.user_id:
        raise self_dealing("userId")
    if role in NOT_GRANTED_BY_HR:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "The administrator's role is not HR's to give.", "role"
        )
    custom: CustomRole | None = None
    if custom_role_id is not None:
        custom = await CustomRole.get_or_none(id=custom_role_id)
        if custom is None:
            raise not_found("CustomRole", "customRoleId")
        if scope_unit_id is None:
            raise ServiceError.one(
                ErrorCode.REQUIRED, "A custom role is granted for a unit.", "scopeUnitId"
            )
    if role in COMPANY_WIDE and scope_unit_id is not None:
        raise ServiceError.one(
            ErrorCode.INVALID, "This role covers the whole company.", "scopeUnitId"
        )
    unit: OrgUnit | None = None
    if scope_unit_id is not None:
        unit = await OrgUnit.get_or_none(id=scope_unit_id)
        if unit is None:
            raise not_found("Unit", "scopeUnitId")
    async with in_transaction():
        duplicate = await RoleGrant.filter(
            user_id=user.id, role=role, custom_role_id=custom_role_id, scope_unit_id=scope_unit_id
        ).exists()
        if duplicate:
            raise ServiceError.one(ErrorCode.DUPLICATE, "The user holds this grant.", "role")
        grant = await RoleGrant.create(
            user_id=user.id,
            role=role,
            custom_role_id=custom_role_id,
            scope_unit_id=scope_unit_id,
            granted_by_id=viewer.user_id,
        )
        await audit.record(
            viewer, AuditAction.CREATE, subject_type="RoleGrant", subject_id=grant.id,
            employee_id=user.employee_id, after=_grant_snapshot(grant),
        )  # fmt: skip
    return grant


async def revoke_grant(viewer: Viewer, grant_id: int) -> RoleGrant:
    """Take a grant back (not one's own; the primary grant is the account's role, changed
    with the account)."""
    _require(viewer)
    async with in_transaction():
        grant = await RoleGrant.select_for_update().get_or_none(id=grant_id)
        if grant is None:
            raise not_found("RoleGrant", "id")
        if grant.user_id == viewer.user_id:
            raise self_dealing("id")
        if grant.is_primary:
            raise ServiceError.one(
                ErrorCode.INVALID, "This is the account's own role: change it there.", "id"
            )
        user = await User.get(id=grant.user_id)
        await audit.record(
            viewer, AuditAction.DELETE, subject_type="RoleGrant", subject_id=grant.id,
            employee_id=user.employee_id, before=_grant_snapshot(grant),
        )  # fmt: skip
        await grant.delete()
    return grant
