"""Build the Viewer for a signed-in user: role, scope subtree and grants."""

from __future__ import annotations

from talentloop.access.policy import ANONYMOUS, Viewer, grants_for_role
from talentloop.accounts.models import Role, User
from talentloop.org.models import OrgUnit, OrgUnitType


async def load_viewer(user_id: int) -> Viewer:
    """ANONYMOUS for an unknown or disabled user: their tokens stop working at once."""
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
