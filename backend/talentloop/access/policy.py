"""Roles, grants and the questions every service asks.

A viewer holds *grants*: a subtree of the organisation (or one employee,
for "self"), the field groups readable there and the operations allowed
there. A user's role grants (accounts.models.RoleGrant: a built-in role or a
custom role, with a scope) each become such grants; every "where may I act"
question is answered per grant (HR of one branch and manager of a team in
another is HR only in the first). What a viewer may list is
the union of the grants' subtrees; what they may read of one employee is the
union of the groups of every grant that covers that employee. A record no
grant covers does not exist for the viewer.

The built-in roles are templates (ROLE_TEMPLATES); a custom role picks field
groups and operations from the same sets. Role → grants:

| role      | subtree                    | field groups                         |
|-----------|----------------------------|--------------------------------------|
| admin     | company                    | directory                            |
| hq_hr     | company                    | all                                  |
| branch_hr | own branch                 | all                                  |
| manager   | own unit / own branch      | directory + work / directory         |
| employee  | own branch                 | directory                            |
| executive | company                    | directory + work                     |
| (anyone)  | self                       | all                                  |

Operations per template: HQ HR and branch HR manage, direct, decide and read
reports in their subtree; a manager directs, decides and reads reports in
their own unit; an executive reads reports everywhere. What is HQ HR's alone
(company-wide settings, KPI and course definitions, guarded approval types,
the audit log) needs the built-in HQ HR role (`Viewer.is_hq_hr`), which no
custom role can hold.

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


class Operation(StrEnum):
    """What a grant lets one do in its scope: the acting reaches access/matrix.py declares."""

    MANAGE = "managed"  # Reach.MANAGED: records, pay, payroll, unit settings, the tree
    DIRECT = "directed"  # Reach.DIRECTED: targets, 360° rounds, enrolments, recruitment
    DECIDE = "decides"  # Reach.DECIDES_LEAVE: decides leave, overtime and the everyday approvals
    REPORTS = "reports"  # reads reports over the people it reads at WORK


ALL_OPERATIONS = frozenset(Operation)
HR_OPERATIONS = ALL_OPERATIONS
LEAD_OPERATIONS = frozenset({Operation.DIRECT, Operation.DECIDE, Operation.REPORTS})


@dataclass(frozen=True)
class RoleTemplate:
    """What a role carries: field groups in its scope, operations there, and where its scope is
    when a grant names no unit (`company`, `branch`: the holder's branch, `unit`: their unit).
    A manager also reads the directory of their branch (`branch_groups`)."""

    groups: frozenset[FieldGroup]
    operations: frozenset[Operation]
    default_scope: str  # company | branch | unit
    branch_groups: frozenset[FieldGroup] = frozenset()


ROLE_TEMPLATES: dict[Role, RoleTemplate] = {
    Role.HQ_HR: RoleTemplate(ALL_GROUPS, HR_OPERATIONS, "company"),
    Role.BRANCH_HR: RoleTemplate(ALL_GROUPS, HR_OPERATIONS, "branch"),
    Role.MANAGER: RoleTemplate(WORK, LEAD_OPERATIONS, "unit", branch_groups=DIRECTORY),
    Role.EMPLOYEE: RoleTemplate(frozenset(), frozenset(), "branch", branch_groups=DIRECTORY),
    Role.EXECUTIVE: RoleTemplate(WORK, frozenset({Operation.REPORTS}), "company"),
    Role.ADMIN: RoleTemplate(DIRECTORY, frozenset(), "company"),
}


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
    operations: frozenset[Operation] = frozenset()  # what the grant lets one do in its subtree
    role: Role | None = None  # the built-in role it comes from (None: a custom role, self)
    # False for what a role reads beside its scope (a manager's branch directory): not where
    # the role is held (`Viewer.role_paths`).
    is_scope: bool = True

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
    language: str | None = None  # the user's own choice (talentloop/i18n.py); None: not chosen

    # --- which grants -------------------------------------------------------------------

    @property
    def roles(self) -> frozenset[Role]:
        """The built-in roles the viewer holds (by any grant)."""
        return frozenset(g.role for g in self.grants if g.role is not None)

    def holds(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_hq_hr(self) -> bool:
        """HQ HR's company-wide powers: only the built-in role, held for the whole company."""
        return any(g.role is Role.HQ_HR and g.unit_path == "" for g in self.grants)

    def role_paths(self, role: Role) -> list[str]:
        """The subtrees of the viewer's grants of one built-in role."""
        return [
            g.unit_path
            for g in self.grants
            if g.role is role and g.is_scope and g.unit_path is not None
        ]

    def act_paths(self, operation: Operation) -> list[str]:
        """The subtrees where a grant allows the operation ("" for the whole company)."""
        return [
            g.unit_path
            for g in self.grants
            if operation in g.operations and g.unit_path is not None
        ]

    def acts_in(self, operation: Operation, unit_path: str) -> bool:
        return any(unit_path.startswith(p) for p in self.act_paths(operation))

    def may(self, operation: Operation) -> bool:
        """Whether some grant allows the operation somewhere."""
        return bool(self.act_paths(operation))

    def act_filter(self, operation: Operation, field: str = "unit__path") -> Q | None:
        """Records whose unit lies where the operation is allowed; None: nowhere."""
        paths = self.act_paths(operation)
        if "" in paths:
            return Q()
        return _any(Q(**{f"{field}__startswith": p}) for p in paths)

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
        """HR where a grant manages: HQ HR anywhere, branch HR in their branch."""
        return self.acts_in(Operation.MANAGE, unit_path)

    def can_manage_setting_in(self, unit_path: str | None) -> bool:
        """A setting that belongs to a unit (its attendance rules, a course session, a trigger
        rule, a required level…): HR of the unit; a company-wide one (no unit, or a region's):
        HQ HR. A write that finds an existing setting and names a unit for it asks this twice,
        where the setting is now and where it goes (access/second_ids.py SECOND_IDS)."""
        if unit_path is None:
            return self.is_hq_hr
        return self.can_manage_employees_in(unit_path)

    def can_direct_in(self, unit_path: str) -> bool:
        """Set targets, start assessments: HR in its scope, and a manager in their own subtree."""
        return self.acts_in(Operation.DIRECT, unit_path)

    def can_manage_org_in(self, unit_path: str) -> bool:
        """The tree's shape: HQ HR anywhere, branch HR in its branch (not the branch's own head:
        org/service.update_unit)."""
        return self.acts_in(Operation.MANAGE, unit_path)

    def manages_above(self, unit_path: str) -> bool:
        """Manages the unit from above it: HR whose grant is rooted at the unit itself (a branch
        HR and their branch) does not decide who heads it."""
        return any(
            unit_path.startswith(p) and unit_path != p for p in self.act_paths(Operation.MANAGE)
        )

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
        return self.may(Operation.MANAGE)

    @property
    def can_manage_org(self) -> bool:
        return self.may(Operation.MANAGE)

    @property
    def can_manage_users(self) -> bool:
        """Read every sign-in account: the administrator and HQ HR (branch HR do not manage
        accounts: docs/architecture.md, "Accounts")."""
        return self.holds(Role.ADMIN) or self.is_hq_hr

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
        return self.is_session and self.is_hq_hr

    @property
    def can_define_roles(self) -> bool:
        """Custom roles and who holds which role: HQ HR, signed in."""
        return self.is_session and self.is_hq_hr


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
    """The grants of one role held at a scope (None: the template's default, which the caller
    resolves), and the self grant. Unknown combinations grant nothing (deny by default)."""
    grants = list(template_grants(role, scope_path=scope_path, branch_path=branch_path))
    if employee_id is not None:
        grants.append(Grant(ALL_GROUPS, employee_id=employee_id))
    return tuple(grants)


def template_grants(role: Role, *, scope_path: str | None, branch_path: str | None) -> list[Grant]:
    """The grants one built-in role carries at a scope (a company-wide template: always "")."""
    template = ROLE_TEMPLATES[role]
    path = "" if template.default_scope == "company" else scope_path
    grants: list[Grant] = []
    if path is not None and (template.groups or template.operations):
        grants.append(
            Grant(template.groups, unit_path=path, operations=template.operations, role=role)
        )
    if template.branch_groups and branch_path is not None:
        grants.append(
            Grant(template.branch_groups, unit_path=branch_path, role=role, is_scope=False)
        )
    return grants


def custom_grant(
    groups: Iterable[FieldGroup], operations: Iterable[Operation], scope_path: str | None
) -> list[Grant]:
    """A custom role held at a scope: exactly its groups and operations there (no scope, nothing)."""
    if scope_path is None:
        return []
    return [Grant(frozenset(groups), unit_path=scope_path, operations=frozenset(operations))]


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
