"""Build the Viewer for a signed-in user: role, scope subtree and grants."""

from __future__ import annotations

from dataclasses import replace

from talentloop.access.policy import ANONYMOUS, Viewer, grants_for_role
from talentloop.accounts.models import Role, User
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

    scope_unit: OrgUnit | None = user.scope_unit
    if scope_unit is None:
        if user.role is Role.BRANCH_HR:
            scope_unit = branch
        elif user.role is Role.MANAGER:
            scope_unit = own_unit
    return Viewer(
        user_id=user.id,
        username=user.username,
        role=user.role,
        employee_id=employee.id if employee is not None else None,
        scope_unit_id=scope_unit.id if scope_unit is not None else None,
        scope_path=scope_unit.path if scope_unit is not None else None,
        grants=grants_for_role(
            user.role,
            employee_id=employee.id if employee is not None else None,
            scope_path=scope_unit.path if scope_unit is not None else None,
            branch_path=branch.path if branch is not None else None,
        ),
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
