"""The policy's questions answered without a database (access/policy.py), at the edges mutation
testing found untested (`make mutation MODULE=access/policy.py+guard.py`): a session against an
API token, grants by role, the filters a viewer's grants make, masking."""

from __future__ import annotations

import pytest
from tortoise.expressions import Q

from talentloop.access.policy import (
    ALL_GROUPS,
    ANONYMOUS,
    DIRECTORY,
    SYSTEM,
    WORK,
    FieldGroup,
    FieldNotPermitted,
    Grant,
    Viewer,
    grants_for_role,
    mask,
)
from talentloop.accounts.models import Role

SH, SH_SALES, BJ = "/1/3/", "/1/3/5/", "/1/4/"


def _or_of(q: Q | None) -> list[tuple[str, object]] | None:
    """The conditions a filter made by the policy (an OR of single conditions) joins: None for
    no filter at all (nothing visible), [] for Q() (everything)."""
    if q is None:
        return None
    if not q.children:
        return sorted((k, str(v)) for k, v in q.filters.items())
    assert q.join_type == "OR" and not q.filters
    return sorted(c for child in q.children for c in _or_of(child) or [])


def _viewer(role: Role, *, token: bool = False, scope: str | None = None, **grants: str) -> Viewer:
    return Viewer(
        user_id=7,
        username="u",
        role=role,
        employee_id=70,
        scope_path=scope,
        grants=grants_for_role(
            role,
            employee_id=70,
            scope_path=scope,
            branch_path=grants.get("branch"),
        ),
        api_token_id=3 if token else None,
        token_scopes=frozenset({"read:people"}) if token else None,
    )


@pytest.mark.parametrize("role", list(Role))
def test_a_token_is_no_session_and_may_not_change_accounts_or_read_the_audit_log(
    role: Role,
) -> None:
    session, token = _viewer(role), _viewer(role, token=True)
    assert session.is_session and session.is_authenticated
    assert not token.is_session and token.is_authenticated
    assert not token.can_change_user_status and not token.can_read_audit_log
    assert session.can_change_user_status is (role in (Role.ADMIN, Role.HQ_HR))
    assert session.can_read_audit_log is (role is Role.HQ_HR)
    assert not ANONYMOUS.is_session and not ANONYMOUS.is_authenticated
    assert not ANONYMOUS.can_change_user_status and not ANONYMOUS.can_read_audit_log


def test_the_system_is_no_session_but_sees_the_whole_company() -> None:
    assert not SYSTEM.is_session and not SYSTEM.is_authenticated
    assert SYSTEM.groups_for(1, BJ) == ALL_GROUPS
    assert SYSTEM.employee_filter() is not None


def test_the_grants_of_each_role() -> None:
    def grants(role: Role, **kw: str | int | None) -> set[tuple[frozenset[FieldGroup], object]]:
        args = {"employee_id": None, "scope_path": None, "branch_path": None, **kw}
        return {
            (g.groups, g.unit_path if g.employee_id is None else ("self", g.employee_id))
            for g in grants_for_role(role, **args)  # type: ignore[arg-type]
        }

    assert grants(Role.HQ_HR) == {(ALL_GROUPS, "")}
    assert grants(Role.EXECUTIVE) == {(WORK, "")}
    assert grants(Role.ADMIN) == {(DIRECTORY, "")}
    assert grants(Role.BRANCH_HR, scope_path=SH) == {(ALL_GROUPS, SH)}
    assert grants(Role.BRANCH_HR) == set()  # no scope: nothing (deny by default)
    assert grants(Role.MANAGER, scope_path=SH_SALES, branch_path=SH) == {
        (WORK, SH_SALES),
        (DIRECTORY, SH),
    }
    assert grants(Role.MANAGER) == set()
    assert grants(Role.EMPLOYEE, branch_path=SH) == {(DIRECTORY, SH)}
    assert grants(Role.EMPLOYEE) == set()
    assert grants(Role.EMPLOYEE, employee_id=5) == {(ALL_GROUPS, ("self", 5))}


def test_what_a_viewer_reads_of_an_employee_is_the_union_of_the_grants_covering_them() -> None:
    manager = _viewer(Role.MANAGER, scope=SH_SALES, branch=SH)
    assert manager.groups_for(11, SH_SALES + "9/") == WORK
    assert manager.groups_for(12, SH) == DIRECTORY
    assert manager.groups_for(70, BJ) == ALL_GROUPS  # oneself, wherever
    assert manager.groups_for(13, BJ) == frozenset()
    assert manager.can_see_employee(12, SH) and not manager.can_see_employee(13, BJ)
    alone = _viewer(Role.EMPLOYEE)  # no branch: only oneself
    assert alone.can_see_employee(70, BJ) and not alone.can_see_employee(71, BJ)
    assert Grant(DIRECTORY, employee_id=5).covers(5, BJ)
    assert not Grant(DIRECTORY, employee_id=5).covers(6, "")
    assert not Grant(DIRECTORY).covers(5, SH)  # neither a subtree nor an employee


def test_subtree_paths_and_the_employee_filter_keep_the_grants_with_a_group() -> None:
    manager = _viewer(Role.MANAGER, scope=SH_SALES, branch=SH)
    assert manager.subtree_paths() == [SH_SALES, SH]
    assert manager.subtree_paths(FieldGroup.WORK) == [SH_SALES]
    assert manager.subtree_paths(FieldGroup.PAY) == []
    assert _or_of(manager.employee_filter(prefix="employee__")) == [
        ("employee__id", "70"),
        ("employee__unit__path__startswith", SH),
        ("employee__unit__path__startswith", SH_SALES),
    ]
    assert _or_of(manager.employee_filter(FieldGroup.WORK)) == [
        ("id", "70"),
        ("unit__path__startswith", SH_SALES),
    ]
    assert _or_of(manager.employee_filter(FieldGroup.PAY)) == [("id", "70")]  # oneself only
    assert Viewer().employee_filter() is None
    assert _or_of(_viewer(Role.HQ_HR).employee_filter()) == []  # the whole company
    assert _or_of(_viewer(Role.HQ_HR).employee_filter(FieldGroup.PAY, prefix="x__")) == []
    assert _or_of(_viewer(Role.EXECUTIVE).employee_filter(FieldGroup.PAY)) == [("id", "70")]


def test_the_unit_filter_adds_the_chain_above_each_subtree() -> None:
    manager = _viewer(Role.MANAGER, scope=SH_SALES, branch=SH)
    assert _or_of(manager.unit_filter()) == [
        ("id__in", "[1, 3, 5]"),
        ("path__startswith", SH),
        ("path__startswith", SH_SALES),
    ]
    assert _or_of(manager.unit_filter(self_unit_path=BJ)) == [
        ("id__in", "[1, 3, 4, 5]"),
        ("path__startswith", SH),
        ("path__startswith", SH_SALES),
        ("path__startswith", BJ),
    ]
    assert Viewer().unit_filter() is None
    assert _or_of(Viewer().unit_filter(self_unit_path="/")) == [("path__startswith", "/")]
    assert _or_of(_viewer(Role.HQ_HR).unit_filter()) == []


def test_a_unit_is_seen_inside_a_subtree_and_on_the_chain_above_it() -> None:
    manager = _viewer(Role.MANAGER, scope=SH_SALES, branch=SH)
    assert manager.can_see_unit(SH_SALES + "9/")
    assert manager.can_see_unit("/1/")  # the company above the branch
    assert not manager.can_see_unit(BJ)
    assert not Viewer().can_see_unit("/1/")


def test_who_changes_what_where() -> None:
    hq = _viewer(Role.HQ_HR)
    branch_hr = _viewer(Role.BRANCH_HR, scope=SH)
    unscoped_hr = _viewer(Role.BRANCH_HR)
    manager = _viewer(Role.MANAGER, scope=SH_SALES, branch=SH)
    employee = _viewer(Role.EMPLOYEE, branch=SH)
    admin = _viewer(Role.ADMIN)
    for check in ("can_manage_employees_in", "can_manage_org_in", "can_direct_in"):
        assert getattr(hq, check)(BJ)
        assert getattr(branch_hr, check)(SH_SALES) and not getattr(branch_hr, check)(BJ)
        assert not getattr(unscoped_hr, check)(SH)
        assert not getattr(employee, check)(SH)
        assert not getattr(admin, check)(SH)
    assert manager.can_direct_in(SH_SALES + "9/") and not manager.can_direct_in(SH)
    assert not manager.can_manage_employees_in(SH_SALES)
    assert not manager.can_manage_org_in(SH_SALES)
    assert not _viewer(Role.MANAGER).can_direct_in(SH)
    assert (hq.can_manage_employees, branch_hr.can_manage_employees) == (True, True)
    assert (hq.can_manage_org, branch_hr.can_manage_org) == (True, True)
    assert not manager.can_manage_employees and not manager.can_manage_org
    # sign-in accounts: the administrator and HQ HR, not branch HR
    assert admin.can_manage_users and hq.can_manage_users and not branch_hr.can_manage_users


def test_masking_shows_only_the_last_four() -> None:
    assert mask("310101199001011234") == "**************1234"
    assert mask("1234") == "****"
    assert mask("123") == "***"
    assert mask("12345") == "*2345"
    assert mask("123456", visible=2) == "****56"
    assert mask(None) is None
    assert mask("") == ""


def test_a_field_not_permitted_names_the_field() -> None:
    error = FieldNotPermitted("baseSalary")
    assert error.field_name == "baseSalary"
    assert str(error) == "Not permitted to read field 'baseSalary'."
