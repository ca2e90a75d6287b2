"""Sign-in accounts and their role grants as an import kind (issue 22, imports/kinds.py): a
company moving in creates its people's accounts from a sheet, one per employee (the key is
the employee number), with the roles each holds and whether it is enabled.

The checks are those of the mutations, never looser: creating is `createAccounts`' (HQ HR or
the administrator; an employee they see, who has not left, has no account yet; a username
typed or derived the same way), an account's role grants are `grantRole`/`revokeRoleGrant`'s
(HQ HR alone; never the administrator's role; a custom role at a unit, a company-wide role at
none), enabling and disabling `setUserActive`'s (only an administrator touches an
administrator's account; a leaver's is not enabled). Nobody's row about their own account
passes (SELF_DEALING). The "roles" cell lists the grants beyond the account's own role (its
primary grant, `User.role`): a list replaces them, an empty cell removes them, no column
leaves them.

A new account gets no password: it waits for its invitation (status INVITED). The job's
invitation links are handed out once, as a file, by accounts/invitation_links.py. Undo removes
the accounts and grants the import created while nobody has used them (a sign-in, a password
set), and puts back the grants it removed (imports/undo.py).

It lives with the roles rather than in accounts/: the accounts package holds no Chinese literal
(tests/i18n: every word it shows comes from the catalogue), and an import kind's headers,
synonyms and role names are the vocabulary HR's files are written in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Subquery

from talentloop.access.policy import Viewer
from talentloop.accounts.management import USERNAME_PATTERN, _derive_username, username_base
from talentloop.accounts.models import ApiToken, CustomRole, RefreshToken, Role, RoleGrant, User
from talentloop.accounts.passwords import UNUSABLE_PASSWORD
from talentloop.accounts.sessions import china_today
from talentloop.errors import SELF_DEALING_MESSAGE, ErrorCode
from talentloop.i18n import N_
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.parse import fold, parse_yes_no, spellings
from talentloop.imports.rows import Checked, FileRows, RowCheck
from talentloop.imports.writing import WriteContext, snapshot
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.performance.models import ImportKind
from talentloop.roles.service import COMPANY_WIDE, NOT_GRANTED_BY_HR, _grant_snapshot

BATCH = 500

NO_EMPLOYEE = N_("No such employee in your scope.")
SAME_EMPLOYEE = N_("Same employee as row {other}.")
USERNAME_FORM = N_("3 to 64 letters, digits and . _ @ -, starting with a letter or digit.")
USERNAME_TAKEN = N_("The username {username} is taken.")
USERNAME_STAYS = N_("This employee's account is {username}; an import does not rename it.")
LEFT = N_("{name} has left the company.")
NEW_ENABLED = N_("A new account is created enabled; disable it in the app once it exists.")
ADMINS_ONLY = N_("Only an administrator changes an administrator.")
ROLES_HQ_HR = N_("Only HQ HR defines and grants roles.")
NO_ROLE = N_("No such role.")
NO_ADMIN = N_("The administrator's role is not HR's to give.")
NO_SCOPE_UNIT = N_("No such unit.")
CUSTOM_NEEDS_UNIT = N_("A custom role is granted for a unit.")
COMPANY_ROLE = N_("This role covers the whole company.")
NOT_YES_NO = N_("Yes or no (是/否).")

# Built-in roles by the names HR write them (the SPA's names, zh-CN and en).
ROLE_NAMES: dict[str, Role] = {
    "系统管理员": Role.ADMIN,
    "管理员": Role.ADMIN,
    "总部人事": Role.HQ_HR,
    "总部hr": Role.HQ_HR,
    "hq hr": Role.HQ_HR,
    "分公司人事": Role.BRANCH_HR,
    "分公司hr": Role.BRANCH_HR,
    "branch hr": Role.BRANCH_HR,
    "经理": Role.MANAGER,
    "员工": Role.EMPLOYEE,
    "高管": Role.EXECUTIVE,
}
# Beyond imports/parse.py's yes and no: how HR write an account's state.
ENABLED = {"启用", "enabled", "active", "在用"}
DISABLED = {"停用", "禁用", "disabled", "inactive"}
_SPLIT = re.compile(r"[;；,，、\n]+")

# A grant as compared: (built-in role value | None, custom role id | None, unit id | None).
GrantKey = tuple[str | None, int | None, int | None]


@dataclass(frozen=True)
class StoredAccount:
    user_id: int
    username: str
    is_active: bool
    is_admin: bool
    primary: GrantKey
    grants: frozenset[GrantKey]  # beyond the primary one


@dataclass(frozen=True)
class AccountLookups:
    # folded and stored employee number → (id, name, has left)
    employees: dict[str, tuple[int, str, bool]]
    accounts: dict[int, StoredAccount]  # by employee id
    taken: dict[str, int | None]  # the file's usernames that exist → their employee id
    units: dict[str, int]  # folded unit code → id
    roles: dict[str, tuple[str | None, int | None]]  # folded name → (built-in, custom id)
    role_choices: list[str]


def may_import(viewer: Viewer) -> bool:
    """Who may createAccounts: HQ HR and the administrator, signed in with a password."""
    return viewer.can_manage_accounts and viewer.user_id is not None


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _grant_key(grant: RoleGrant) -> GrantKey:
    return (grant.role.value if grant.role else None, grant.custom_role_id, grant.scope_unit_id)


async def _stored_accounts(employee_ids: list[int]) -> dict[int, StoredAccount]:
    users: list[User] = []
    for chunk in _chunks(sorted(employee_ids)):
        users += await User.filter(employee_id__in=chunk).order_by("id")
    grants: dict[int, list[RoleGrant]] = {}
    for chunk in _chunks([u.id for u in users]):
        for grant in await RoleGrant.filter(user_id__in=chunk).order_by("id"):
            grants.setdefault(grant.user_id, []).append(grant)
    found: dict[int, StoredAccount] = {}
    for user in users:
        assert user.employee_id is not None
        if user.employee_id in found:
            continue  # the first account of someone with several (made before one per person)
        mine = grants.get(user.id, [])
        primary = next((g for g in mine if g.is_primary), None)
        found[user.employee_id] = StoredAccount(
            user_id=user.id,
            username=user.username,
            is_active=user.is_active,
            is_admin=user.role is Role.ADMIN,
            primary=_grant_key(primary) if primary else (user.role.value, None, None),
            grants=frozenset(_grant_key(g) for g in mine if not g.is_primary),
        )
    return found


async def _role_names() -> tuple[dict[str, tuple[str | None, int | None]], list[str]]:
    names: dict[str, tuple[str | None, int | None]] = {}
    for role in Role:
        names[fold(role.value)] = (role.value, None)
    for name, role in ROLE_NAMES.items():
        names[fold(name)] = (role.value, None)
    custom = await CustomRole.all().order_by("name_en").values_list("id", "name_zh", "name_en")
    for pk, zh, en in custom:
        names.setdefault(fold(str(en)), (None, int(pk)))
        names.setdefault(fold(str(zh)), (None, int(pk)))
    choices = [r.value for r in Role if r not in NOT_GRANTED_BY_HR] + [
        str(en) for _, _, en in custom
    ]
    return names, choices


async def lookups(viewer: Viewer, file: FileRows) -> AccountLookups:
    visible = viewer.employee_filter()
    employees: dict[str, tuple[int, str, bool]] = {}
    today = china_today()
    if visible is not None:
        for chunk in _chunks(spellings(file.values("employee_number"))):
            for number, pk, name, status, last in await Employee.filter(
                visible, employee_number__in=chunk
            ).values_list("employee_number", "id", "name", "status", "termination_date"):
                left = status == EmployeeStatus.TERMINATED or (last is not None and last <= today)
                employees[fold(number)] = employees[number] = (pk, name, left)
    accounts = await _stored_accounts(sorted({pk for pk, _, _ in employees.values()}))
    taken: dict[str, int | None] = {}
    for chunk in _chunks(sorted(file.values("username") - {""})):
        for username, employee_id in await User.filter(username__in=chunk).values_list(
            "username", "employee_id"
        ):
            taken[str(username)] = employee_id
    units = {fold(code): pk for code, pk in await OrgUnit.all().values_list("code", "id")}
    roles, role_choices = await _role_names()
    return AccountLookups(employees, accounts, taken, units, roles, role_choices)


def _yes_no(text: str) -> bool | None:
    answer = parse_yes_no(text)
    if answer is not None:
        return answer
    folded = text.strip().casefold()
    return True if folded in ENABLED else False if folded in DISABLED else None


def _roles(
    index: int, text: str, lookups: AccountLookups, checked: Checked
) -> frozenset[GrantKey] | None:
    """The cell's grants (`manager@SH-SALES; 薪酬专员@BJ`), or None when one is bad."""
    found: set[GrantKey] = set()
    bad = False
    for item in _SPLIT.split(text):
        item = item.strip()
        if not item:
            continue
        name, _, unit_code = item.partition("@")
        role = lookups.roles.get(fold(name))
        if role is None:
            checked.error(
                index, "roles", NO_ROLE, ErrorCode.NOT_FOUND, value=name.strip(),
                choices=lookups.role_choices,
            )  # fmt: skip
            bad = True
            continue
        builtin, custom = role
        unit: int | None = None
        if unit_code.strip():
            unit = lookups.units.get(fold(unit_code))
            if unit is None:
                checked.error(
                    index, "roles", NO_SCOPE_UNIT, ErrorCode.NOT_FOUND, value=unit_code.strip()
                )
                bad = True
                continue
        if custom is not None and unit is None:
            checked.error(index, "roles", CUSTOM_NEEDS_UNIT, ErrorCode.REQUIRED, value=item)
            bad = True
            continue
        if builtin is not None and Role(builtin) in COMPANY_WIDE and unit is not None:
            checked.error(index, "roles", COMPANY_ROLE, ErrorCode.INVALID, value=item)
            bad = True
            continue
        found.add((builtin, custom, unit))
    return None if bad else frozenset(found)


def check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, AccountLookups)
    chosen: dict[str, int] = {}  # usernames typed in the file → their row

    def check_row(index: int, row: dict[str, str]) -> None:
        number = row.get("employee_number", "")
        person = lookups.employees.get(number) or lookups.employees.get(fold(number))
        if person is None:
            checked.error(index, "employee_number", NO_EMPLOYEE, ErrorCode.NOT_FOUND, value=number)
            return
        employee_id, name, left = person
        if checked.about_self(index, viewer, employee_id):
            return
        key = (employee_id,)
        if key in checked.items:
            checked.error(
                index, "employee_number", SAME_EMPLOYEE, ErrorCode.DUPLICATE, value=number,
                other=checked.items[key][0],
            )  # fmt: skip
            return
        stored = lookups.accounts.get(employee_id)
        if stored is not None and stored.user_id == viewer.user_id:
            checked.error(index, "employee_number", SELF_DEALING_MESSAGE, ErrorCode.SELF_DEALING)
            return
        if stored is not None and stored.is_admin and not viewer.holds(Role.ADMIN):
            checked.error(index, "employee_number", ADMINS_ONLY, ErrorCode.FORBIDDEN, value=number)
            return
        bad = False
        username = row.get("username", "")
        if stored is not None:
            if username and username != stored.username:
                checked.error(
                    index, "username", USERNAME_STAYS, ErrorCode.INVALID, value=username,
                    username=stored.username,
                )  # fmt: skip
                bad = True
        elif username:
            if not USERNAME_PATTERN.match(username):
                checked.error(index, "username", USERNAME_FORM, ErrorCode.INVALID, value=username)
                bad = True
            elif username in lookups.taken or username in chosen:
                checked.error(
                    index, "username", USERNAME_TAKEN, ErrorCode.DUPLICATE, value=username,
                    username=username,
                )  # fmt: skip
                bad = True
            else:
                chosen[username] = index
        active: bool | None = None
        if row.get("active", ""):
            active = _yes_no(row["active"])
            if active is None:
                checked.error(
                    index, "active", NOT_YES_NO, ErrorCode.INVALID, value=row["active"],
                    choices=["是", "否"],
                )  # fmt: skip
                bad = True
        if stored is None and left:
            checked.error(index, "employee_number", LEFT, ErrorCode.LEAVER, value=number, name=name)
            return
        if stored is None and active is False:
            checked.error(index, "active", NEW_ENABLED, ErrorCode.INVALID, value=row["active"])
            bad = True
        if stored is not None and left and active and not stored.is_active:
            checked.error(index, "active", LEFT, ErrorCode.LEAVER, value=row["active"], name=name)
            bad = True
        grants: frozenset[GrantKey] | None = None
        if "roles" in row:
            grants = _roles(index, row["roles"], lookups, checked)
            if grants is None:
                return
            # Held already, as the account's own role (a new account's is `employee`).
            grants = grants - {stored.primary if stored else (Role.EMPLOYEE.value, None, None)}
            before = stored.grants if stored is not None else frozenset()
            if grants != before:
                if not viewer.can_define_roles:
                    checked.error(index, "roles", ROLES_HQ_HR, ErrorCode.FORBIDDEN)
                    bad = True
                elif any(Role(g[0]) in NOT_GRANTED_BY_HR for g in grants - before if g[0]):
                    checked.error(index, "roles", NO_ADMIN, ErrorCode.FORBIDDEN, value=row["roles"])
                    bad = True
        if not bad:
            checked.items[key] = (index, username or None, grants, active)

    return check_row


# --- writing ---------------------------------------------------------------------------------


def _new_grant(user_id: int, key: GrantKey, viewer: Viewer) -> RoleGrant:
    role, custom, unit = key
    return RoleGrant(
        user_id=user_id,
        role=Role(role) if role else None,
        custom_role_id=custom,
        scope_unit_id=unit,
        granted_by_id=viewer.user_id,
    )


async def _usernames(employees: list[Employee], typed: set[str]) -> dict[int, str]:
    """A username per new account, derived as createAccounts derives it: its base, else
    `-2`…`-5` (one query for the chunk), else createAccounts' own search."""
    bases = {e.id: username_base(e.work_email, e.employee_number, e.id) for e in employees}
    candidates = sorted(
        {b for b in bases.values()} | {f"{b}-{n}" for b in bases.values() for n in range(2, 6)}
    )
    taken = set(typed)
    for chunk in _chunks(candidates):
        taken |= {
            str(u) for u in await User.filter(username__in=chunk).values_list("username", flat=True)
        }
    found: dict[int, str] = {}
    for employee in employees:
        base = bases[employee.id]
        name = next(
            (c for c in [base, *(f"{base}-{n}" for n in range(2, 6))] if c not in taken), None
        )
        if name is None:
            name = await _derive_username(employee, taken)
        taken.add(name)
        found[employee.id] = name
    return found


async def write(ctx: WriteContext) -> None:
    viewer = ctx.viewer
    typed = {item[1] for item in ctx.items.values() if item[1]}
    for chunk in _chunks(list(ctx.items)):
        ids = [employee_id for (employee_id,) in chunk]
        users: dict[int, User] = {}
        for user in await User.filter(employee_id__in=ids).order_by("-id"):
            assert user.employee_id is not None
            users[user.employee_id] = user  # the first account wins, as the check read it
        grants: dict[int, list[RoleGrant]] = {}
        for grant in await RoleGrant.filter(
            user_id__in=[u.id for u in users.values()], is_primary=False
        ).order_by("id"):
            grants.setdefault(grant.user_id, []).append(grant)
        creating: list[int] = []
        enabling: list[tuple[User, dict[str, Any], bool]] = []
        removing: list[RoleGrant] = []
        adding: list[RoleGrant] = []
        for (employee_id,) in chunk:
            row, _, wanted, active = ctx.items[(employee_id,)]
            account = users.get(employee_id)
            if account is None:
                if ctx.may_create(row, "employee_number"):
                    creating.append(employee_id)
                continue
            held = {_grant_key(g): g for g in grants.get(account.id, [])}
            gone = [] if wanted is None else [g for k, g in held.items() if k not in wanted]
            new = [] if wanted is None else [k for k in wanted if k not in held]
            switch = active is not None and active != account.is_active
            if not gone and not new and not switch:
                ctx.unchanged()
                continue
            if not ctx.may_update(row, "employee_number"):
                continue
            if switch:
                enabling.append((account, snapshot(account), bool(active)))
            removing += gone
            adding += [_new_grant(account.id, k, viewer) for k in new]
            if not switch:
                ctx.updated_rows += 1  # the row changes the account by its grants
        if creating:
            await _create(ctx, creating, typed, adding)
        if enabling:
            await _switch(ctx, enabling)
        if removing:
            employee_of = {u.id: u.employee_id for u in users.values()}
            for grant in removing:
                await ctx.deleted(
                    grant,
                    employee_id=employee_of.get(grant.user_id),
                    audit_values=_grant_snapshot(grant),
                )
            await RoleGrant.filter(id__in=[g.id for g in removing]).delete()
        if adding:
            await _add_grants(ctx, adding)
        ctx.progress()


async def _create(
    ctx: WriteContext, employee_ids: list[int], typed: set[str], grants: list[RoleGrant]
) -> None:
    employees = await Employee.filter(id__in=employee_ids).order_by("id")
    derive = [e for e in employees if not ctx.items[(e.id,)][1]]
    derived = await _usernames(derive, typed) if derive else {}
    new = [
        User(
            username=ctx.items[(e.id,)][1] or derived[e.id],
            password_hash=UNUSABLE_PASSWORD,  # INVITED: no password until the invitation
            role=Role.EMPLOYEE,
            employee_id=e.id,
        )
        for e in employees
    ]
    await User.bulk_create(new)  # no post_save: the primary grants are made below
    made = await User.filter(employee_id__in=employee_ids).order_by("id")
    primaries = [RoleGrant(user_id=u.id, role=Role.EMPLOYEE, is_primary=True) for u in made]
    await RoleGrant.bulk_create(primaries)
    stored = {
        g.user_id: g
        for g in await RoleGrant.filter(user_id__in=[u.id for u in made], is_primary=True)
    }
    for user in made:
        await ctx.created(
            user,
            employee_id=user.employee_id,
            audit_values={"username": user.username, "role": user.role, "delivery": "invitation"},
        )
        await ctx.created(stored[user.id], employee_id=user.employee_id, count=False)
        _, _, wanted, _ = ctx.items[(user.employee_id,)]
        grants += [_new_grant(user.id, k, ctx.viewer) for k in sorted(wanted or (), key=str)]


async def _switch(ctx: WriteContext, enabling: list[tuple[User, dict[str, Any], bool]]) -> None:
    """Enabled or disabled as setUserActive does: disabling ends every session and API token."""
    now = datetime.now(UTC)
    for user, _, active in enabling:
        user.is_active = active
    await User.bulk_update([u for u, _, _ in enabling], fields=["is_active"])
    off = [u.id for u, _, active in enabling if not active]
    if off:
        await RefreshToken.filter(user_id__in=off, revoked_at=None).update(revoked_at=now)
        await ApiToken.filter(user_id__in=off, revoked_at=None).update(revoked_at=now)
    for user, before, active in enabling:
        await ctx.updated(
            user,
            before,
            employee_id=user.employee_id,
            audit_before={"is_active": not active},
            audit_after={"is_active": active},
        )


async def _add_grants(ctx: WriteContext, adding: list[RoleGrant]) -> None:
    user_ids = sorted({g.user_id for g in adding})
    known = set(await RoleGrant.filter(user_id__in=user_ids).values_list("id", flat=True))
    await RoleGrant.bulk_create(adding)
    employee_of = dict(await User.filter(id__in=user_ids).values_list("id", "employee_id"))
    for grant in await RoleGrant.filter(user_id__in=user_ids).order_by("id"):
        if grant.id not in known:
            await ctx.created(
                grant,
                employee_id=employee_of.get(grant.user_id),
                audit_values=_grant_snapshot(grant),
                count=False,
            )


# --- the export and the template's codes -----------------------------------------------------


def _grant_text(key: GrantKey, customs: dict[int, str], units: dict[int, str]) -> str:
    role, custom, unit = key
    name = role if role else customs.get(custom or 0, "")
    return f"{name}@{units[unit]}" if unit is not None and unit in units else name


async def export(viewer: Viewer) -> AsyncIterator[list[str]]:
    """The accounts of the employees the viewer sees and may manage (not their own, not an
    administrator's unless they are one), in the template's layout."""
    visible = viewer.employee_filter()
    if not may_import(viewer) or visible is None:
        return
    customs = dict(await CustomRole.all().values_list("id", "name_en"))
    units = dict(await OrgUnit.all().values_list("id", "code"))
    last = 0
    while True:
        users = (
            await User.filter(id__gt=last, employee_id__isnull=False)
            .filter(employee_id__in=Subquery(Employee.filter(visible).values("id")))
            .order_by("id")
            .limit(BATCH)
            .values_list("id", "employee__employee_number", "username", "is_active", "role")
        )
        if not users:
            return
        last = users[-1][0]
        grants: dict[int, list[GrantKey]] = {}
        for grant in await RoleGrant.filter(
            user_id__in=[u[0] for u in users], is_primary=False
        ).order_by("id"):
            grants.setdefault(grant.user_id, []).append(_grant_key(grant))
        for pk, number, username, is_active, role in users:
            if pk == viewer.user_id or (Role(role) is Role.ADMIN and not viewer.holds(Role.ADMIN)):
                continue
            texts = sorted(_grant_text(k, customs, units) for k in grants.get(pk, []))
            yield [str(number), str(username), "; ".join(texts), "是" if is_active else "否"]


async def choices(viewer: Viewer) -> dict[str, list[str]]:
    _, roles = await _role_names()
    return {"roles": roles, "active": ["是", "否"]}


SPEC = ImportSpec(
    kind=ImportKind.ACCOUNTS,
    columns=(
        Column(
            "employee_number",
            "Employee number",
            ("工号", "员工编号", "Employee No"),
            True,
            "E1001",
            "工号",
        ),
        Column("username", "Username", ("用户名", "账号", "登录名", "Login"), False, "", "用户名"),
        Column(
            "roles",
            "Roles",
            ("角色", "授权角色", "Role grants", "Role"),
            False,
            "manager@SH-SALES",
            "角色",
        ),
        Column("active", "Active", ("启用", "是否启用", "状态", "Enabled"), False, "是", "启用"),
    ),
    key=("employee_number",),
    lookup_columns=("employee_number", "username"),
    lookups=lookups,
    check=check,
    write=write,
    may_import=may_import,
    export=export,
    choices=choices,
)
