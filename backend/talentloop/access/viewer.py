"""Build the Viewer for a signed-in user: every role grant they hold, each at its scope."""

from __future__ import annotations

from dataclasses import replace

from talentloop.access.policy import (
    ALL_GROUPS,
    ANONYMOUS,
    ROLE_TEMPLATES,
    FieldGroup,
    Grant,
    Operation,
    Viewer,
    custom_grant,
    template_grants,
)
from talentloop.accounts.models import Role, RoleGrant, User
from talentloop.accounts.sessions import Credentials
from talentloop.org.models import OrgUnit, OrgUnitType


async def load_viewer(who: int | Credentials) -> Viewer:
    """The viewer of a request's checked credentials (`accounts.sessions.authenticate`: the
    session is live, the user active), or of a user id for work done on a user's behalf
    (background jobs): ANONYMOUS for an unknown or disabled user."""
    if isinstance(who, Credentials):
        viewer = await viewer_for_user(who.user)
        token = who.api_token
        if token is None:
            return viewer
        return replace(viewer, api_token_id=token.id, token_scopes=frozenset(token.scopes))
    user_id = who
    user = (
        await User.filter(id=user_id, is_active=True)
        .select_related("employee__unit", "scope_unit")
        .first()
    )
    if user is None:
        return ANONYMOUS
    return await viewer_for_user(user)


async def viewer_for_user(user: User) -> Viewer:
    """Every grant the user holds (accounts.models.RoleGrant), each at its own scope; the
    viewer's `role` and `scope_path` are the primary grant's, for display only."""
    employee = user.employee
    if user.must_change_password:
        # Nothing to read or change until the initial password is changed (deny by default
        # behind access/guard.py's refusal).
        return Viewer(
            user_id=user.id,
            username=user.username,
            employee_id=employee.id if employee is not None else None,
            must_change_password=True,
        )
    own_unit: OrgUnit | None = employee.unit if employee is not None else None
    branch = await _branch_of(own_unit) if own_unit is not None else None
    branch_path = branch.path if branch is not None else None
    own_path = own_unit.path if own_unit is not None else None

    grants: list[Grant] = []
    primary_path: str | None = None
    role_grants = await RoleGrant.filter(user_id=user.id).select_related(
        "scope_unit", "custom_role"
    )
    for rg in sorted(role_grants, key=lambda g: (not g.is_primary, g.id)):
        scope: OrgUnit | None = rg.scope_unit
        if rg.custom_role is not None:
            role = rg.custom_role
            path = scope.path if scope is not None else branch_path
            grants += custom_grant(
                (FieldGroup(g) for g in role.groups if g in FieldGroup.__members__.values()),
                (Operation(o) for o in role.operations if o in Operation.__members__.values()),
                path,
            )
            continue
        if rg.role is None:
            continue
        if scope is not None:
            path = scope.path
        else:
            path = {"branch": branch_path, "unit": own_path}.get(
                ROLE_TEMPLATES[rg.role].default_scope
            )
        if rg.is_primary:
            primary_path = path if rg.role in (Role.BRANCH_HR, Role.MANAGER) else None
        grants += template_grants(rg.role, scope_path=path, branch_path=branch_path)
    if employee is not None:
        grants.append(Grant(ALL_GROUPS, employee_id=employee.id))
    scope_unit: OrgUnit | None = user.scope_unit
    if scope_unit is None and primary_path is not None:
        scope_unit = own_unit if user.role is Role.MANAGER else branch
    return Viewer(
        user_id=user.id,
        username=user.username,
        role=user.role,
        language=user.language,
        employee_id=employee.id if employee is not None else None,
        scope_unit_id=scope_unit.id if scope_unit is not None else None,
        scope_path=primary_path,
        grants=tuple(grants),
    )


async def _branch_of(unit: OrgUnit) -> OrgUnit:
    """The nearest branch at or above a unit; the unit's root when there is none."""
    if unit.type is OrgUnitType.BRANCH:
        return unit
    chain = await OrgUnit.filter(id__in=unit.ancestor_ids(), type=OrgUnitType.BRANCH).order_by(
        "-depth"
    )
    if chain:
        return chain[0]
    root_ids = unit.ancestor_ids()
    root = await OrgUnit.get_or_none(id=root_ids[0]) if root_ids else None
    return root or unit
