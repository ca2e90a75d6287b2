"""The organisation tree as an import kind (issue 22, imports/kinds.py): units by code with
their parent's code, built whatever the rows' order, checked as createOrgUnit, updateOrgUnit
and moveOrgUnit check them (org/service.py).

A row's own values are checked in the file-checking process (`check`); the tree as the file
leaves it — parents that exist, no cycle, a type that may sit under its parent, the right to
add or move there — is checked in `write`, on the whole tree at once, where the paths of
every unit the file moves (with its subtree) and creates are recomputed in memory and written
in bulk (one statement per 500 units, not moveOrgUnit's statements per unit). An empty cell
leaves the unit's value as it is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import F

from talentloop import timezones
from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.rows import Checked, FileRows, RowCheck
from talentloop.imports.writing import WriteContext, snapshot
from talentloop.org import service
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.performance.models import ImportKind

BATCH = 500
NOT_IN_SCOPE = N_("No such unit in your scope.")
NO_PARENT = N_("No such parent unit in your scope.")
CYCLE = N_("A unit cannot move under itself or its own descendants.")
SAME_CODE = N_("Same unit code as row {other}.")
TYPE_STAYS = N_("A unit's type does not change.")
NEEDS_PARENT = N_("A new unit needs a parent unit.")
NOT_A_TYPE = N_("Not a unit type.")
_TYPES = {t.value: t for t in OrgUnitType} | {
    "公司": OrgUnitType.COMPANY,
    "分公司": OrgUnitType.BRANCH,
    "部门": OrgUnitType.DEPARTMENT,
    "团队": OrgUnitType.TEAM,
    "小组": OrgUnitType.TEAM,
}
# The columns a row may set, as the audit trail names them.
_AUDITED = ("code", "name", "type", "parent_id", "city", "region", "time_zone", "manager_id")


@dataclass(frozen=True)
class UnitFacts:
    id: int
    type: str
    name: str
    city: str | None
    region: str | None
    time_zone: str | None
    parent_code: str | None
    path: str
    manager_id: int | None


@dataclass(frozen=True)
class OrgLookups:
    units: dict[str, UnitFacts]  # the units the viewer sees, by code
    taken: set[str]  # the file's codes that exist outside the viewer's sight
    file_codes: set[str]
    managers: dict[str, int]  # the file's head numbers the viewer sees (not left): id


async def lookups(viewer: Viewer, file: FileRows) -> OrgLookups:
    visible = await service.visible_units(viewer).values_list(
        "id",
        "code",
        "type",
        "name",
        "city",
        "region",
        "time_zone",
        "parent_id",
        "path",
        "manager_id",
    )
    codes = {pk: code for pk, code, *_ in visible}
    # A parent outside the viewer's sight is not named (the root, for a branch HR, is seen).
    units = {
        str(code): UnitFacts(
            pk, str(kind), name, city, region, zone, codes.get(parent), path, manager
        )
        for pk, code, kind, name, city, region, zone, parent, path, manager in visible
    }
    file_codes = file.values("code") - {""}
    taken: set[str] = set()
    for chunk in _chunks(sorted(file_codes - set(units))):
        taken |= {
            str(c) for c in await OrgUnit.filter(code__in=chunk).values_list("code", flat=True)
        }
    managers: dict[str, int] = {}
    scope = viewer.employee_filter()
    for chunk in _chunks(sorted(file.values("manager_number") - {""})):
        if scope is None:
            break
        found = (
            await Employee.filter(scope, employee_number__in=chunk)
            .exclude(status=EmployeeStatus.TERMINATED)
            .values_list("employee_number", "id")
        )
        managers |= {str(n): pk for n, pk in found}
    return OrgLookups(units, taken, file_codes, managers)


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, OrgLookups)
    found = lookups

    def check_row(index: int, row: dict[str, str]) -> None:
        code, name = row["code"], row["name"]
        unit = found.units.get(code)
        bad = False
        if code in found.taken:
            checked.error(
                index, "code", "This unit code is taken.", ErrorCode.DUPLICATE, value=code
            )
            return
        for problem in service._unit_problems(code, name):
            checked.error(
                index,
                problem.field,
                problem.msgid,
                problem.code,
                value=row[problem.field or "code"],
            )
            bad = True
        values: dict[str, Any] = {"name": name.strip()}
        kind_text = row.get("type", "")
        kind = _TYPES.get(kind_text.casefold()) if kind_text else None
        if kind_text and kind is None:
            checked.error(
                index, "type", NOT_A_TYPE, value=kind_text, choices=[t.value for t in OrgUnitType]
            )
            bad = True
        elif unit is None and kind is None:
            checked.error(
                index,
                "type",
                "Required.",
                ErrorCode.REQUIRED,
                choices=[t.value for t in OrgUnitType],
            )
            bad = True
        elif unit is not None and kind is not None and kind.value != unit.type:
            checked.error(index, "type", TYPE_STAYS, value=kind_text)
            bad = True
        values["type"] = kind.value if kind else (unit.type if unit else None)
        parent = row.get("parent_code", "")
        if parent and parent not in found.units and parent not in found.file_codes:
            checked.error(index, "parent_code", NO_PARENT, ErrorCode.NOT_FOUND, value=parent)
            bad = True
        elif not parent and unit is None:
            checked.error(index, "parent_code", NEEDS_PARENT, ErrorCode.REQUIRED)
            bad = True
        for column in ("city", "region"):
            if row.get(column):
                if len(row[column]) > 64:
                    checked.error(
                        index, column, "At most {limit} characters.", value=row[column], limit=64
                    )
                    bad = True
                values[column] = row[column]
        zone = row.get("time_zone", "")
        if zone and unit is None and not viewer.is_hq_hr:
            checked.error(
                index,
                "time_zone",
                "Only HQ HR changes a time zone.",
                ErrorCode.FORBIDDEN,
                value=zone,
            )
            bad = True
        elif zone:
            try:
                values["time_zone"] = timezones.check_zone(zone)
            except ServiceError as exc:
                for e in exc.errors:
                    checked.error(index, "time_zone", e.msgid, e.code, value=zone, **dict(e.params))
                bad = True
        manager_number = row.get("manager_number", "")
        manager = found.managers.get(manager_number) if manager_number else None
        if manager_number and manager is None:
            checked.error(
                index,
                "manager_number",
                "Manager not found.",
                ErrorCode.NOT_FOUND,
                value=manager_number,
            )
            bad = True
        if unit is not None and not bad:
            bad = _refused_change(viewer, checked, index, unit, values, parent, manager)
        if (code,) in checked.items:
            checked.error(
                index,
                "code",
                SAME_CODE,
                ErrorCode.DUPLICATE,
                value=code,
                other=checked.items[(code,)][0],
            )
            bad = True
        if not bad:
            checked.items[(code,)] = (index, values, parent, manager)

    return check_row


def _refused_change(
    viewer: Viewer,
    checked: Checked,
    index: int,
    unit: UnitFacts,
    values: dict[str, Any],
    parent: str,
    manager: int | None,
) -> bool:
    """A row that changes a unit the viewer may not change, as updateOrgUnit refuses it."""
    renames = values["name"] != unit.name or any(
        values.get(c) is not None and values[c] != getattr(unit, c) for c in ("city", "region")
    )
    zone = values.get("time_zone")
    rezones = zone is not None and zone != unit.time_zone
    reheads = manager is not None and manager != unit.manager_id
    moves = bool(parent) and parent != unit.parent_code
    if not (renames or rezones or reheads or moves):
        return False
    if not viewer.can_manage_org_in(unit.path):
        checked.error(index, "code", "You may not change this unit.", ErrorCode.FORBIDDEN)
        return True
    if rezones and not viewer.is_hq_hr:
        checked.error(
            index, "time_zone", "Only HQ HR changes a time zone.", ErrorCode.FORBIDDEN, value=zone
        )
        return True
    if reheads and not viewer.manages_above(unit.path):
        checked.error(
            index,
            "manager_number",
            "Only HQ HR changes the head of a branch; branch HR the units below it.",
            ErrorCode.FORBIDDEN,
        )
        return True
    return False


# --- writing -----------------------------------------------------------------------------------


async def write(ctx: WriteContext) -> None:
    # The whole tree, once: a company has thousands of units at most, and the file's moves
    # are judged on the tree they leave.
    await OrgUnit.filter(parent_id__isnull=True).select_for_update()  # as move_unit locks
    units = await OrgUnit.all()
    by_code = {u.code: u for u in units}
    code_of = {u.id: u.code for u in units}
    before = {u.id: snapshot(u) for u in units}
    new: list[OrgUnit] = []
    parents: dict[str, str] = {}  # a new or moved unit's parent code, by code
    rows: dict[str, int] = {}
    changed: set[str] = set()
    for (code,), (row, values, parent, manager) in ctx.items.items():
        rows[code] = row
        unit = by_code.get(code)
        if unit is None:
            if ctx.may_create(row, "code"):
                unit = OrgUnit(
                    code=code.strip(),
                    name=values["name"],
                    type=OrgUnitType(values["type"]),
                    city=values.get("city"),
                    region=values.get("region"),
                    time_zone=values.get("time_zone"),
                    manager_id=manager,
                    path="",
                    depth=0,
                )
                new.append(unit)
                parents[code] = parent
            continue
        differs = [
            k for k, v in values.items() if k != "type" and v is not None and getattr(unit, k) != v
        ]
        if manager is not None and unit.manager_id != manager:
            differs.append("manager_id")
        current_parent = code_of.get(unit.parent_id) if unit.parent_id else None
        moves = bool(parent) and parent != current_parent
        if not differs and not moves:
            ctx.unchanged()
            continue
        if not ctx.may_update(row, "code"):
            continue
        for k in differs:
            setattr(unit, k, manager if k == "manager_id" else values[k])
        if moves:
            parents[code] = parent
        changed.add(code)
    if ctx.problems.errors:
        return
    for chunk in _chunks(new):
        await OrgUnit.bulk_create(chunk)
    for chunk in _chunks([u.code for u in new]):
        for made in await OrgUnit.filter(code__in=chunk):
            by_code[made.code] = made
    units = list(by_code.values())
    if not _place(ctx, by_code, parents, rows, {u.code for u in new}, before):
        return
    dirty = [u for u in units if u.code in changed or u.id not in before or _moved(u, before)]
    for chunk in _chunks(dirty):
        await OrgUnit.bulk_update(
            chunk,
            fields=[
                "name",
                "city",
                "region",
                "time_zone",
                "manager_id",
                "parent_id",
                "path",
                "depth",
            ],
        )
    touched = [u.id for u in dirty if u.id in before]
    for chunk in _chunks(touched):
        await OrgUnit.filter(id__in=chunk).update(version=F("version") + 1)
    await _report(ctx, {u.id for u in dirty}, before, {u.code for u in new}, rows)


def _moved(unit: OrgUnit, before: dict[int, dict[str, Any]]) -> bool:
    was = before[unit.id]
    return bool(
        was["path"] != unit.path or was["depth"] != unit.depth or was["parent_id"] != unit.parent_id
    )


def _place(
    ctx: WriteContext,
    by_code: dict[str, OrgUnit],
    parents: dict[str, str],
    rows: dict[str, int],
    created: set[str],
    before: dict[int, dict[str, Any]],
) -> bool:
    """Each new or moved unit under its parent, checked as createOrgUnit and moveOrgUnit check
    it, and the path and depth of every unit recomputed: False when a row is refused."""
    viewer = ctx.viewer
    by_id = {u.id: u for u in by_code.values()}
    for code, parent_code in parents.items():
        parent = by_code.get(parent_code)
        if parent is None:  # a parent row refused by the mode
            ctx.problems.error(
                rows[code], "parent_code", NO_PARENT, ErrorCode.NOT_FOUND, value=parent_code
            )
            continue
        unit = by_code[code]
        if code not in created and unit.parent_id is None:
            ctx.problems.error(rows[code], "parent_code", "The root unit cannot be moved.")
            continue
        unit.parent_id = parent.id
    if ctx.problems.errors:
        return False
    # Paths from the root down; a unit the walk never reaches sits in a cycle.
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in by_code.values():
        children.setdefault(unit.parent_id, []).append(unit)
    reached: set[int] = set()
    stack = [(u, "/", -1) for u in children.get(None, [])]
    while stack:
        unit, above, depth = stack.pop()
        unit.path, unit.depth = f"{above}{unit.id}/", depth + 1
        reached.add(unit.id)
        stack += [(c, unit.path, unit.depth) for c in children.get(unit.id, [])]
    for code in parents:
        unit = by_code[code]
        if unit.id not in reached:
            ctx.problems.error(rows[code], "parent_code", CYCLE, value=parents[code])
            continue
        parent = by_id[unit.parent_id] if unit.parent_id else None
        assert parent is not None
        problem = _placement_problem(viewer, unit, parent, code in created, before)
        if problem is not None:
            message, error_code, params = problem
            ctx.problems.error(
                rows[code], "parent_code", message, error_code, value=parents[code], **params
            )
    return not ctx.problems.errors


def _placement_problem(
    viewer: Viewer,
    unit: OrgUnit,
    parent: OrgUnit,
    new: bool,
    before: dict[int, dict[str, Any]],
) -> tuple[str, ErrorCode, dict[str, Any]] | None:
    if new and not viewer.can_manage_org_in(parent.path):
        return "You may not add units under this unit.", ErrorCode.FORBIDDEN, {}
    if not new:
        if not viewer.can_manage_org_in(str(before[unit.id]["path"])):
            return "You may not move this unit.", ErrorCode.FORBIDDEN, {}
        if not viewer.can_manage_org_in(parent.path):
            return "You may not move a unit there.", ErrorCode.FORBIDDEN, {}
    if parent.closed_on is not None:
        return "This unit is closed.", ErrorCode.INVALID, {}
    if parent.type not in service._ALLOWED_PARENTS[unit.type]:
        return (
            "A {type} cannot sit under a {parent_type}.",
            ErrorCode.INVALID,
            {"type": unit.type.value, "parent_type": parent.type.value},
        )
    return None


async def _report(
    ctx: WriteContext,
    ids: set[int],
    before: dict[int, dict[str, Any]],
    created: set[str],
    rows: dict[str, int],
) -> None:
    """Every unit written, read back as stored: the file's rows counted, the units moved
    along with a moved parent reported too (undo puts their paths back)."""
    stored: list[OrgUnit] = []
    for chunk in _chunks(sorted(ids)):
        stored += await OrgUnit.filter(id__in=chunk)
    stored.sort(key=lambda u: (u.depth, u.code))  # parents first: undo removes them last
    for unit in stored:
        values = {k: _shown(getattr(unit, k)) for k in (*_AUDITED, "path", "depth")}
        if unit.code in created:
            await ctx.created(unit, audit_values={k: values[k] for k in _AUDITED})
            continue
        was = before[unit.id]
        after = snapshot(unit)
        keys = [k for k in (*_AUDITED, "path", "depth") if k in was and was[k] != after[k]]
        await ctx.updated(
            unit,
            was,
            audit_before={k: was[k] for k in keys},
            audit_after={k: after[k] for k in keys},
            count=unit.code in rows,
        )
    ctx.progress()


def _shown(value: Any) -> Any:
    return value.value if isinstance(value, OrgUnitType) else value


# --- export ---------------------------------------------------------------------------------------


async def export(viewer: Viewer) -> AsyncIterator[list[str]]:
    """The units the viewer may reshape, parents first, in the columns' order; a head the
    viewer does not see is left out (an empty cell changes nothing)."""
    units = await service.visible_units(viewer).order_by("depth", "code")
    codes = {u.id: u.code for u in units}
    heads = {u.manager_id for u in units if u.manager_id is not None}
    scope = viewer.employee_filter()
    numbers: dict[int, str] = {}
    for chunk in _chunks(sorted(heads)):
        if scope is not None:
            numbers |= dict(
                await Employee.filter(scope, id__in=chunk).values_list("id", "employee_number")
            )
    for unit in units:
        if not viewer.can_manage_org_in(unit.path):
            continue
        yield [
            unit.code,
            unit.name,
            codes.get(unit.parent_id, "") if unit.parent_id else "",
            unit.type.value,
            unit.city or "",
            unit.region or "",
            unit.time_zone or "",
            numbers.get(unit.manager_id, "") if unit.manager_id else "",
        ]


async def choices(viewer: Viewer) -> dict[str, list[str]]:
    units = await service.visible_units(viewer).order_by("depth", "code")
    return {
        "type": [t.value for t in OrgUnitType],
        "parent_code": [u.code for u in units if viewer.can_manage_org_in(u.path)],
    }


def may_import(viewer: Viewer) -> bool:
    """Who reshapes the tree (HQ HR, branch HR in their branch; each row checked in scope)."""
    return viewer.can_manage_org and viewer.user_id is not None


SPEC = ImportSpec(
    kind=ImportKind.ORG_UNITS,
    columns=(
        Column("code", "Unit code", ("组织编码", "部门代码", "Code"), True, "SH-SALES", "部门编码"),
        Column("name", "Name", ("部门名称", "组织名称", "Unit name"), True, "上海销售部", "名称"),
        Column(
            "parent_code",
            "Parent code",
            ("上级编码", "上级部门编码", "Parent"),
            False,
            "SH",
            "上级部门编码",
        ),
        Column("type", "Type", ("组织类型", "Unit type", "Kind"), False, "department", "类型"),
        Column("city", "City", ("所在城市",), False, "上海", "城市"),
        Column("region", "Region", ("区域",), False, "华东", "地区"),
        Column("time_zone", "Time zone", ("时区名", "Timezone"), False, "Asia/Shanghai", "时区"),
        Column(
            "manager_number",
            "Head number",
            ("负责人工号", "Manager number", "部门负责人"),
            False,
            "",
            "负责人",
        ),
    ),
    key=("code",),
    lookup_columns=("code", "manager_number"),
    lookups=lookups,
    check=check,
    write=write,
    may_import=may_import,
    export=export,
    choices=choices,
    values={"type": {k: v.value for k, v in _TYPES.items() if k != v.value}},
)
