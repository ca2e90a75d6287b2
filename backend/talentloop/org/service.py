"""Rules of the organisation tree: what a viewer sees of it, headcounts, and reshaping it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import F, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop import timezones, versions
from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.people.models import Employee, EmployeeStatus

# A branch sits under the company, a department under a branch or department, and so on.
_ALLOWED_PARENTS: dict[OrgUnitType, set[OrgUnitType]] = {
    OrgUnitType.COMPANY: {OrgUnitType.COMPANY},
    OrgUnitType.BRANCH: {OrgUnitType.COMPANY, OrgUnitType.BRANCH},
    OrgUnitType.DEPARTMENT: {OrgUnitType.COMPANY, OrgUnitType.BRANCH, OrgUnitType.DEPARTMENT},
    OrgUnitType.TEAM: {OrgUnitType.BRANCH, OrgUnitType.DEPARTMENT, OrgUnitType.TEAM},
}


def visible_units(viewer: Viewer) -> QuerySet[OrgUnit]:
    scope = viewer.unit_filter()
    if scope is None:
        return OrgUnit.filter(id__in=[])
    return OrgUnit.filter(scope)


async def list_units(viewer: Viewer) -> list[OrgUnit]:
    """Every visible unit, parents before children."""
    return await visible_units(viewer).order_by("depth", "code")


def subtree_ids(path: str) -> Subquery:
    """The ids of a unit and every unit below it, as a subquery: `unit_id__in=subtree_ids(p)`
    finds a subtree's employees through the index on their unit, where a join on the unit's
    path would read every employee."""
    return Subquery(OrgUnit.filter(path__startswith=path).values("id"))


async def get_unit(viewer: Viewer, unit_id: int) -> OrgUnit | None:
    return await visible_units(viewer).filter(id=unit_id).first()


async def units_by_ids(viewer: Viewer, ids: list[int]) -> dict[int, OrgUnit]:
    return {u.id: u for u in await visible_units(viewer).filter(id__in=ids)}


async def children_by_parent(viewer: Viewer, parent_ids: list[int]) -> dict[int, list[OrgUnit]]:
    result: dict[int, list[OrgUnit]] = {pid: [] for pid in parent_ids}
    for unit in await visible_units(viewer).filter(parent_id__in=parent_ids).order_by("code"):
        assert unit.parent_id is not None
        result[unit.parent_id].append(unit)
    return result


async def unit_cities(unit_ids: list[int | None]) -> dict[int, str]:
    """Each unit's city: its own, else the nearest unit's above it that names one (a team
    sits in its branch's city). Two queries, unscoped: a city is no secret."""
    ids = [i for i in unit_ids if i is not None]
    if not ids:
        return {}
    paths = dict(await OrgUnit.filter(id__in=ids).values_list("id", "path"))
    above = {int(p) for path in paths.values() for p in str(path).strip("/").split("/")}
    named = dict(
        await OrgUnit.filter(id__in=sorted(above), city__isnull=False)
        .exclude(city="")
        .values_list("id", "city")
    )
    cities: dict[int, str] = {}
    for unit_id, path in paths.items():
        chain = [int(p) for p in str(path).strip("/").split("/")]
        found = next((named[u] for u in reversed(chain) if u in named), None)
        if found:
            cities[unit_id] = str(found)
    return cities


async def headcounts(viewer: Viewer) -> dict[int, int]:
    """Employees not terminated, per unit including its descendants, counting only those the viewer sees.

    Two queries whatever the size of the tree: counts grouped by unit, then the units' paths.
    """
    scope = viewer.employee_filter()
    if scope is None:
        return {}
    rows = (
        await Employee.filter(scope)
        .exclude(status=EmployeeStatus.TERMINATED)
        .annotate(n=Count("id"))
        .group_by("unit_id")
        .values("unit_id", "n")
    )
    direct = {row["unit_id"]: row["n"] for row in rows}
    paths = dict(await OrgUnit.filter(id__in=list(direct)).values_list("id", "path"))
    totals: dict[int, int] = {}
    for unit_id, count in direct.items():
        for ancestor in _path_ids(str(paths[unit_id])):
            totals[ancestor] = totals.get(ancestor, 0) + count
    return totals


@dataclass
class UnitInput:
    code: str
    name: str
    type: OrgUnitType
    parent_id: int
    city: str | None = None
    region: str | None = None
    manager_id: int | None = None


async def create_unit(viewer: Viewer, data: UnitInput) -> OrgUnit:
    parent = await get_unit(viewer, data.parent_id)
    if parent is None:
        raise not_found("Parent unit", "parentId")
    if not viewer.can_manage_org_in(parent.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not add units under this unit.", "parentId"
        )
    refuse_closed(parent, "parentId")
    problems = _unit_problems(data.code, data.name)
    if data.type not in {t for t, ps in _ALLOWED_PARENTS.items() if parent.type in ps}:
        problems.append(
            FieldError(
                "A {type} cannot sit under a {parent_type}.",
                ErrorCode.INVALID,
                "type",
                type=data.type.value,
                parent_type=parent.type.value,
            )
        )
    if await OrgUnit.filter(code=data.code.strip()).exists():
        problems.append(FieldError("This unit code is taken.", ErrorCode.DUPLICATE, "code"))
    manager = await _manager(viewer, data.manager_id, problems)
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        unit = await OrgUnit.create(
            code=data.code.strip(),
            name=data.name.strip(),
            type=data.type,
            city=data.city,
            region=data.region,
            parent=parent,
            manager=manager,
            path="",
            depth=parent.depth + 1,
        )
        unit.path = f"{parent.path}{unit.id}/"
        await unit.save(update_fields=["path"])
        await audit.record_created(
            viewer,
            "OrgUnit",
            unit.id,
            {
                "code": unit.code,
                "name": unit.name,
                "parent_id": parent.id,
                "manager_id": unit.manager_id,
            },
        )
    return unit


async def update_unit(
    viewer: Viewer,
    unit_id: int,
    *,
    name: str | None = None,
    city: str | None = None,
    region: str | None = None,
    manager_id: int | None = None,
    set_manager: bool = False,
    time_zone: str | None = None,
    set_time_zone: bool = False,
    expected_version: int | None = None,
) -> OrgUnit:
    async def attempt() -> OrgUnit:
        unit = await get_unit(viewer, unit_id)
        if unit is None:
            raise not_found("Unit", "id")
        if not viewer.can_manage_org_in(unit.path):
            raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this unit.", "id")
        versions.check(unit.version, expected_version)
        problems: list[FieldError] = []
        # Only the columns changed are written: a whole-row save would put back a path that a
        # move of an ancestor has just rewritten.
        values: dict[str, object] = {}
        if name is not None:
            problems += _unit_problems(unit.code, name)
            values["name"] = name.strip()
        if city is not None:
            values["city"] = city
        if region is not None:
            values["region"] = region
        if set_time_zone:
            # Every instant of the company is shown in it: HQ HR's, like other company settings.
            if not viewer.is_hq_hr:
                raise ServiceError.one(
                    ErrorCode.FORBIDDEN, "Only HQ HR changes a time zone.", "timeZone"
                )
            values["time_zone"] = (
                timezones.check_zone(time_zone) if time_zone and time_zone.strip() else None
            )
        if set_manager:
            if not viewer.manages_above(unit.path):
                # The branch head approves the branch's pay and hiring: who that is is HQ HR's
                # to decide, never the branch HR's whose requests the head approves.
                raise ServiceError.one(
                    ErrorCode.FORBIDDEN,
                    "Only HQ HR changes the head of a branch; branch HR the units below it.",
                    "managerId",
                )
            manager = await _manager(viewer, manager_id, problems)
            values["manager_id"] = manager.id if manager else None
        if problems:
            raise ServiceError(*problems)
        if not values:
            return unit
        async with in_transaction():
            now = await versions.locked(OrgUnit, unit.id)
            # Moved meanwhile: the viewer's charge is checked again.
            checks_hold = now.path == unit.path
            versions.still_current(
                unit.version, now.version, expected_version, checks_hold=checks_hold
            )
            now.version = await versions.write(OrgUnit, unit.id, now.version, values)
            # The head approves (the unit-head rules): every change of the unit is audited.
            await audit.record_changes(viewer, "OrgUnit", unit.id, now, values)
        for key, value in values.items():
            setattr(now, key, value)
        return now

    return await versions.attempts(expected_version, attempt)


async def move_unit(
    viewer: Viewer, unit_id: int, new_parent_id: int, expected_version: int | None = None
) -> OrgUnit:
    """Move a unit with its whole subtree under another unit, in one transaction.

    Moves rewrite the paths of whole subtrees, so they run one at a time: the root row is their
    lock on PostgreSQL (SQLite's write lock does it there), and everything is read after it."""
    async with in_transaction():
        await OrgUnit.filter(parent_id__isnull=True).select_for_update()
        await OrgUnit.filter(id=unit_id).select_for_update()  # renames lock only the unit
        unit = await get_unit(viewer, unit_id)
        if unit is None:
            raise not_found("Unit", "id")
        if not viewer.can_manage_org_in(unit.path):
            raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not move this unit.", "id")
        # Where it goes is a second check, on the field that names it.
        new_parent = await get_unit(viewer, new_parent_id)
        if new_parent is None:
            raise not_found("New parent unit", "newParentId")
        if not viewer.can_manage_org_in(new_parent.path):
            raise ServiceError.one(
                ErrorCode.FORBIDDEN, "You may not move a unit there.", "newParentId"
            )
        versions.check(unit.version, expected_version)
        refuse_closed(new_parent, "newParentId")
        if unit.parent_id is None:
            raise ServiceError.one(ErrorCode.INVALID, "The root unit cannot be moved.", "id")
        if new_parent.path.startswith(unit.path):
            raise ServiceError.one(
                ErrorCode.INVALID,
                "A unit cannot move under itself or its own descendants.",
                "newParentId",
            )
        if new_parent.type not in _ALLOWED_PARENTS[unit.type]:
            raise ServiceError.one(
                ErrorCode.INVALID,
                "A {type} cannot sit under a {parent_type}.",
                "newParentId",
                type=unit.type.value,
                parent_type=new_parent.type.value,
            )
        old_prefix, new_prefix = unit.path, f"{new_parent.path}{unit.id}/"
        depth_shift = new_parent.depth + 1 - unit.depth
        await versions.write(OrgUnit, unit.id, unit.version, {"parent_id": new_parent.id})
        subtree = await OrgUnit.filter(path__startswith=old_prefix).select_for_update()
        for member in subtree:
            member.path = new_prefix + member.path[len(old_prefix) :]
            member.depth += depth_shift
        await OrgUnit.bulk_update(subtree, fields=["path", "depth"])
    return await OrgUnit.get(id=unit.id)


async def close_unit(viewer: Viewer, unit_id: int, expected_version: int | None = None) -> OrgUnit:
    """Close a unit that has nobody left: no employee who has not left, in it or below it
    (whether the viewer sees them or not), and no open unit below it. The unit stays, closed,
    for the records that name it; nothing new goes into it (create, move, hire, transfer)."""
    async with in_transaction():
        # Moves rewrite paths under the root's lock (move_unit): closing takes it too, so no
        # open unit or person can arrive below this one meanwhile.
        await OrgUnit.filter(parent_id__isnull=True).select_for_update()
        unit = await get_unit(viewer, unit_id)
        if unit is None:
            raise not_found("Unit", "id")
        if not viewer.can_manage_org_in(unit.path):
            raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not close this unit.", "id")
        versions.check(unit.version, expected_version)
        if unit.parent_id is None:
            raise ServiceError.one(ErrorCode.INVALID, "The company cannot be closed.", "id")
        if unit.closed_on is not None:
            raise ServiceError.one(ErrorCode.INVALID, "The unit is already closed.", "id")
        below = OrgUnit.filter(path__startswith=unit.path)
        if (
            await Employee.filter(unit_id__in=Subquery(below.values("id")))
            .exclude(status=EmployeeStatus.TERMINATED)
            .exists()
        ):
            raise ServiceError.one(
                ErrorCode.INVALID,
                "People still work in this unit or below it: transfer them first.",
                "id",
            )
        if await below.exclude(id=unit.id).filter(closed_on__isnull=True).exists():
            raise ServiceError.one(ErrorCode.INVALID, "Close the units below it first.", "id")
        today = date.today()
        values: dict[str, object] = {"closed_on": today, "manager_id": None}
        await versions.write(OrgUnit, unit.id, unit.version, values)
        await audit.record_changes(viewer, "OrgUnit", unit.id, unit, values)
    return await OrgUnit.get(id=unit.id)


def refuse_closed(unit: OrgUnit, field: str) -> None:
    """Nothing new goes into a closed unit."""
    if unit.closed_on is not None:
        raise ServiceError.one(ErrorCode.INVALID, "This unit is closed.", field)


async def vacate_headships(viewer: Viewer, employee_id: int) -> None:
    """Someone who leaves heads nothing: the units they headed lose their head (audited, in
    the caller's transaction)."""
    for unit in await OrgUnit.filter(manager_id=employee_id).only("id"):
        await audit.record_changes(
            viewer, "OrgUnit", unit.id, {"manager_id": employee_id}, {"manager_id": None}
        )
    await OrgUnit.filter(manager_id=employee_id).update(manager_id=None, version=F("version") + 1)


def _unit_problems(code: str, name: str) -> list[FieldError]:
    problems: list[FieldError] = []
    if not code.strip():
        problems.append(FieldError("Code is required.", ErrorCode.REQUIRED, "code"))
    elif len(code.strip()) > 32:
        problems.append(FieldError("Code is at most 32 characters.", ErrorCode.INVALID, "code"))
    if not name.strip():
        problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
    elif len(name.strip()) > 128:
        problems.append(FieldError("Name is at most 128 characters.", ErrorCode.INVALID, "name"))
    return problems


async def _manager(
    viewer: Viewer, manager_id: int | None, problems: list[FieldError]
) -> Employee | None:
    if manager_id is None:
        return None
    scope = viewer.employee_filter()
    manager = await Employee.filter(scope, id=manager_id).first() if scope is not None else None
    if manager is None:
        problems.append(FieldError("Manager not found.", ErrorCode.NOT_FOUND, "managerId"))
    return manager


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]
