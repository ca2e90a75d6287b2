"""Roles, grants and the questions every service asks.

A viewer holds *grants*: a subtree of the organisation (or one employee,
for "self") and the field groups readable there. What a viewer may list is
the union of the grants' subtrees; what they may read of one employee is the
union of the groups of every grant that covers that employee. A record no
grant covers does not exist for the viewer.

Role → grants (the Foundation issue's table):

| role      | subtree                    | field groups                         |
|-----------|----------------------------|--------------------------------------|
| admin     | company                    | directory                            |
| hq_hr     | company                    | all                                  |
| branch_hr | own branch                 | all                                  |
| manager   | own unit / own branch      | directory + work / directory         |
| employee  | own branch                 | directory                            |
| executive | company                    | directory + work                     |
| (anyone)  | self                       | all                                  |

Sensitive values (ID number, bank account) are always masked on display
(PIPL art. 28 treats them as sensitive personal information); revealing
the full value is a separate, logged action.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q

from talentloop.accounts.models import Role
from talentloop.errors import self_dealing


class FieldGroup(StrEnum):
    DIRECTORY = "directory"  # name, number, unit, position, work contacts
    WORK = "work"  # hire date, termination, status history
    PERSONAL = "personal"  # birth date, gender, personal phone
    PAY = "pay"  # salary
    SENSITIVE = "sensitive"  # ID number, bank account: shown masked


ALL_GROUPS = frozenset(FieldGroup)
DIRECTORY = frozenset({FieldGroup.DIRECTORY})
WORK = frozenset({FieldGroup.DIRECTORY, FieldGroup.WORK})


class FieldNotPermitted(Exception):
    """Raised by a field the viewer may not read; the field resolves to null with this error."""

    def __init__(self, field_name: str) -> None:
        super().__init__(f"Not permitted to read field '{field_name}'.")
        self.field_name = field_name


@dataclass(frozen=True)
class Grant:
    groups: frozenset[FieldGroup]
    unit_path: str | None = None  # a subtree; "" means the whole company
    employee_id: int | None = None  # or exactly one employee

    def covers(self, employee_id: int, unit_path: str) -> bool:
        if self.employee_id is not None:
            return self.employee_id == employee_id
        return self.unit_path is not None and unit_path.startswith(self.unit_path)


@dataclass(frozen=True)
class Viewer:
    """Who is asking. Services take it explicitly; nothing reads it from a global."""

    user_id: int | None = None
    username: str | None = None
    role: Role | None = None
    employee_id: int | None = None
    scope_unit_id: int | None = None
    scope_path: str | None = None  # the subtree a branch HR or manager manages
    grants: tuple[Grant, ...] = field(default=())
    # A request with an API token: the token and its scopes (access/scopes.py); None for a
    # signed-in session, which has every scope its role allows.
    api_token_id: int | None = None
    token_scopes: frozenset[str] | None = None
    # Signed in with an initial password not yet changed: no role, no grants, and every
    # operation but changing the password refused (access/guard.py, access/rest.py).
    must_change_password: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_session(self) -> bool:
        """Signed in with a password (not an API token): may manage its own account."""
        return self.user_id is not None and self.api_token_id is None

    # --- what may be listed ---------------------------------------------------------

    def employee_filter(self, requires: FieldGroup | None = None, prefix: str = "") -> Q | None:
        """A filter for Employee querysets, or None when nothing is visible.

        `requires` keeps only the grants that include a field group (performance
        records need WORK, say); `prefix` applies the filter through a relation
        (prefix="employee__" on a queryset of records).
        """
        clauses: list[Q] = []
        for grant in self.grants:
            if requires is not None and requires not in grant.groups:
                continue
            if grant.employee_id is not None:
                by_id: dict[str, Any] = {f"{prefix}id": grant.employee_id}
                clauses.append(Q(**by_id))
            elif grant.unit_path == "":
                return Q()  # the whole company
            elif grant.unit_path is not None:
                by_path: dict[str, Any] = {f"{prefix}unit__path__startswith": grant.unit_path}
                clauses.append(Q(**by_path))
        return _any(clauses)

    def subtree_paths(self, requires: FieldGroup | None = None) -> list[str]:
        """Roots of the subtrees this viewer sees ("" for the whole company); with `requires`,
        of those where the grant includes that field group."""
        return [
            g.unit_path
            for g in self.grants
            if g.unit_path is not None and (requires is None or requires in g.groups)
        ]

    def unit_filter(self, self_unit_path: str | None = None) -> Q | None:
        """Units visible: every granted subtree and the chain of units above it."""
        paths = self.subtree_paths()
        if self_unit_path:
            paths.append(self_unit_path)
        if "" in paths:
            return Q()
        clauses = [Q(path__startswith=p) for p in paths]
        ancestor_ids = {int(part) for p in paths for part in p.strip("/").split("/") if part}
        if ancestor_ids:
            clauses.append(Q(id__in=sorted(ancestor_ids)))
        return _any(clauses)

    # --- what may be read -------------------------------------------------------------

    def groups_for(self, employee_id: int, unit_path: str) -> frozenset[FieldGroup]:
        groups: set[FieldGroup] = set()
        for grant in self.grants:
            if grant.covers(employee_id, unit_path):
                groups |= grant.groups
        return frozenset(groups)

    def can_see_employee(self, employee_id: int, unit_path: str) -> bool:
        return bool(self.groups_for(employee_id, unit_path))

    def can_see_unit(self, unit_path: str) -> bool:
        return any(unit_path.startswith(p) or p.startswith(unit_path) for p in self.subtree_paths())

    # --- what may be changed ----------------------------------------------------------

    def can_manage_employees_in(self, unit_path: str) -> bool:
        """HQ HR anywhere; branch HR inside their own branch."""
        if self.role is Role.HQ_HR:
            return True
        if self.role is Role.BRANCH_HR and self.scope_path:
            return unit_path.startswith(self.scope_path)
        return False

    def can_manage_setting_in(self, unit_path: str | None) -> bool:
        """A setting that belongs to a unit (its attendance rules, a course session, a trigger
        rule, a required level…): HR of the unit; a company-wide one (no unit, or a region's):
        HQ HR. A write that finds an existing setting and names a unit for it asks this twice,
        where the setting is now and where it goes (access/second_ids.py SECOND_IDS)."""
        if unit_path is None:
            return self.role is Role.HQ_HR
        return self.can_manage_employees_in(unit_path)

    def can_direct_in(self, unit_path: str) -> bool:
        """Set targets, start assessments: HR in its scope, and a manager in their own subtree."""
        if self.can_manage_employees_in(unit_path):
            return True
        return (
            self.role is Role.MANAGER
            and self.scope_path is not None
            and unit_path.startswith(self.scope_path)
        )

    def can_manage_org_in(self, unit_path: str) -> bool:
        """The tree's shape: HQ HR anywhere, branch HR in its branch (not the branch's own head:
        org/service.update_unit)."""
        if self.role is Role.HQ_HR:
            return True
        if self.role is Role.BRANCH_HR and self.scope_path:
            return unit_path.startswith(self.scope_path)
        return False

    # --- nothing about oneself ----------------------------------------------------------

    def is_self(self, employee_id: int | None) -> bool:
        return employee_id is not None and employee_id == self.employee_id

    def refuse_self(self, employee_id: int | None, field: str | None = "employeeId") -> None:
        """A SELF_DEALING error when a change a control protects is about the viewer: HR do
        not set their own pay, job or working time, nobody their own targets, results or
        scores (the list: docs/architecture.md, "Self-dealing"). Called after the viewer's
        right to change the person was checked, before the input is."""
        if self.is_self(employee_id):
            raise self_dealing(field)

    @property
    def can_manage_employees(self) -> bool:
        return self.role in (Role.HQ_HR, Role.BRANCH_HR)

    @property
    def can_manage_org(self) -> bool:
        return self.role in (Role.HQ_HR, Role.BRANCH_HR)

    @property
    def can_manage_users(self) -> bool:
        """Read every sign-in account: the administrator and HQ HR (branch HR do not manage
        accounts: docs/architecture.md, "Accounts")."""
        return self.role in (Role.ADMIN, Role.HQ_HR)

    @property
    def can_manage_accounts(self) -> bool:
        """Create accounts, reset passwords, unlock, enable and disable: the administrator and
        HQ HR, signed in with a password (not an API token)."""
        return self.is_session and self.can_manage_users

    @property
    def can_change_user_status(self) -> bool:
        """Enable and disable sign-in accounts: the admin, and HQ HR (for people leaving)."""
        return self.can_manage_accounts

    @property
    def can_read_audit_log(self) -> bool:
        """The audit trail holds who read and changed whose personal data: HQ HR only."""
        return self.is_session and self.role is Role.HQ_HR


ANONYMOUS = Viewer()
# The system itself (trigger evaluation, restore-condition progress): the whole company, no user.
SYSTEM = Viewer(username="system", grants=(Grant(ALL_GROUPS, unit_path=""),))


def grants_for_role(
    role: Role,
    *,
    employee_id: int | None,
    scope_path: str | None,
    branch_path: str | None,
) -> tuple[Grant, ...]:
    """The grants a role carries. Unknown combinations grant nothing (deny by default)."""
    grants: list[Grant] = []
    if role is Role.HQ_HR:
        grants.append(Grant(ALL_GROUPS, unit_path=""))
    elif role is Role.EXECUTIVE:
        grants.append(Grant(WORK, unit_path=""))
    elif role is Role.ADMIN:
        grants.append(Grant(DIRECTORY, unit_path=""))
    elif role is Role.BRANCH_HR:
        if scope_path:
            grants.append(Grant(ALL_GROUPS, unit_path=scope_path))
    elif role is Role.MANAGER:
        if scope_path:
            grants.append(Grant(WORK, unit_path=scope_path))
        if branch_path:
            grants.append(Grant(DIRECTORY, unit_path=branch_path))
    elif role is Role.EMPLOYEE and branch_path:
        grants.append(Grant(DIRECTORY, unit_path=branch_path))
    if employee_id is not None:
        grants.append(Grant(ALL_GROUPS, employee_id=employee_id))
    return tuple(grants)


def mask(value: str | None, visible: int = 4) -> str | None:
    """'310101199001011234' → '**************1234'."""
    if value is None:
        return None
    if len(value) <= visible:
        return "*" * len(value)
    return "*" * (len(value) - visible) + value[-visible:]


def _any(clauses: Iterable[Q]) -> Q | None:
    result: Q | None = None
    for clause in clauses:
        result = clause if result is None else (result | clause)
    return result
