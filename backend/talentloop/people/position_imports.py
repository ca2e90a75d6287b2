"""The position catalogue as an import kind (issue 22, imports/kinds.py): a position by code
with its title, grade and job family, checked as createPosition and updatePosition check them
(people/positions.py), by HQ HR only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.rows import Checked, FileRows, RowCheck
from talentloop.imports.writing import WriteContext, snapshot
from talentloop.people.models import Position
from talentloop.people.positions import _LIMITS
from talentloop.performance.models import ImportKind

BATCH = 500
_FIELDS = tuple(_LIMITS)  # code, title, level, family


@dataclass(frozen=True)
class PositionLookups:
    existing: dict[str, tuple[str, ...]]  # the file's codes that exist: their values


async def lookups(viewer: Viewer, file: FileRows) -> PositionLookups:
    existing: dict[str, tuple[str, ...]] = {}
    codes = sorted(file.values("code") - {""})
    for start in range(0, len(codes), BATCH):
        for values in await Position.filter(code__in=codes[start : start + BATCH]).values_list(
            *_FIELDS
        ):
            existing[str(values[0])] = tuple(str(v) for v in values)
    return PositionLookups(existing)


def check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, PositionLookups)

    def check_row(index: int, row: dict[str, str]) -> None:
        bad = False
        for name, limit in _LIMITS.items():
            value = row.get(name, "")
            if not value:
                checked.error(index, name, "Required.", ErrorCode.REQUIRED)
                bad = True
            elif len(value) > limit:
                checked.error(index, name, "At most {limit} characters.", value=value, limit=limit)
                bad = True
        key = (row["code"],)
        if key in checked.items:
            checked.error(
                index,
                "code",
                "Same code as row {other}.",
                ErrorCode.DUPLICATE,
                value=row["code"],
                other=checked.items[key][0],
            )
            bad = True
        if not bad:
            checked.items[key] = (index, {name: row[name] for name in _FIELDS})

    return check_row


async def write(ctx: WriteContext) -> None:
    keys = [k[0] for k in ctx.items]
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        existing = {p.code: p for p in await Position.filter(code__in=chunk)}
        new: list[Position] = []
        changed: list[tuple[Position, dict[str, Any], dict[str, Any]]] = []
        for code in chunk:
            row, values = ctx.items[(code,)][:2]
            position = existing.get(code)
            if position is None:
                if ctx.may_create(row, "code"):
                    new.append(Position(**values))
                continue
            was = {k: getattr(position, k) for k in _FIELDS}
            if was == values:
                ctx.unchanged()
            elif ctx.may_update(row, "code"):
                changed.append((position, snapshot(position), was))
                for k, v in values.items():
                    setattr(position, k, v)
        if new:
            await Position.bulk_create(new)
            for made in await Position.filter(code__in=[p.code for p in new]):
                await ctx.created(made, audit_values={k: getattr(made, k) for k in _FIELDS})
        if changed:
            await Position.bulk_update([p for p, *_ in changed], fields=list(_FIELDS[1:]))
            for position, before, was in changed:
                keys_changed = [k for k in _FIELDS if was[k] != getattr(position, k)]
                await ctx.updated(
                    position,
                    before,
                    audit_before={k: was[k] for k in keys_changed},
                    audit_after={k: getattr(position, k) for k in keys_changed},
                )
        ctx.progress()


async def export(viewer: Viewer) -> AsyncIterator[list[str]]:
    for values in await Position.all().order_by("code").values_list(*_FIELDS):
        yield [str(v) for v in values]


async def choices(viewer: Viewer) -> dict[str, list[str]]:
    families = await Position.all().distinct().order_by("family").values_list("family", flat=True)
    return {"family": [str(f) for f in families]}


def may_import(viewer: Viewer) -> bool:
    """HQ HR keeps the catalogue (people/positions.py)."""
    return viewer.is_hq_hr and viewer.user_id is not None


SPEC = ImportSpec(
    kind=ImportKind.POSITIONS,
    columns=(
        Column("code", "Position code", ("职位编码", "Code"), True, "SAL-REP", "岗位编码"),
        Column(
            "title", "Title", ("职位名称", "岗位名称", "Name", "名称"), True, "销售代表", "职位"
        ),
        Column("level", "Grade", ("职级", "Level"), True, "P3", "职等"),
        Column("family", "Job family", ("职族", "序列", "Family"), True, "sales", "职位序列"),
    ),
    key=("code",),
    lookup_columns=("code",),
    lookups=lookups,
    check=check,
    write=write,
    may_import=may_import,
    export=export,
    choices=choices,
)
