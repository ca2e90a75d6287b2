"""KPI definitions as an import kind (issue 22, imports/kinds.py): a KPI by code, created as
createKpi creates it and changed as updateKpi changes it (performance/service.py): once
defined, its unit, period type and dimension stay (every record and target is read through
them); its name, description, direction and aggregation may change. HQ HR only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.rows import Checked, FileRows, RowCheck
from talentloop.imports.writing import WriteContext, snapshot
from talentloop.performance.models import (
    ImportKind,
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiUnit,
    PeriodType,
)

BATCH = 500
STAYS = N_("A KPI's unit, period type and dimension do not change once it is defined.")
NOT_ONE_OF = N_("Not one of the allowed values.")
_FIELDS = (
    "code",
    "name",
    "unit",
    "direction",
    "aggregation",
    "period_type",
    "dimension_name",
    "description",
)
_CHANGEABLE = ("name", "description", "direction", "aggregation")
_ENUMS: dict[str, type[StrEnum]] = {
    "unit": KpiUnit,
    "direction": KpiDirection,
    "aggregation": KpiAggregation,
    "period_type": PeriodType,
}
# Defaults as createKpi's input has them.
_DEFAULTS = {
    "direction": KpiDirection.HIGHER_IS_BETTER.value,
    "aggregation": KpiAggregation.SUM.value,
    "period_type": PeriodType.MONTH.value,
}
_SYNONYMS: dict[str, dict[str, str]] = {
    "unit": {
        "数量": "count",
        "number": "count",
        "百分比": "percent",
        "%": "percent",
        "金额": "money",
    },
    "direction": {"越高越好": "higher_is_better", "越低越好": "lower_is_better"},
    "aggregation": {"求和": "sum", "合计": "sum", "平均": "average"},
    "period_type": {"月": "month", "月度": "month", "季": "quarter", "季度": "quarter"},
}


@dataclass(frozen=True)
class KpiLookups:
    existing: dict[str, dict[str, str]]  # the file's codes that exist: their values as text


def _text(kpi_values: dict[str, Any]) -> dict[str, str]:
    return {k: "" if v is None else str(getattr(v, "value", v)) for k, v in kpi_values.items()}


async def lookups(viewer: Viewer, file: FileRows) -> KpiLookups:
    codes = sorted(file.values("code") - {""})
    existing: dict[str, dict[str, str]] = {}
    for start in range(0, len(codes), BATCH):
        for values in await Kpi.filter(code__in=codes[start : start + BATCH]).values(*_FIELDS):
            existing[str(values["code"])] = _text(values)
    return KpiLookups(existing)


def check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, KpiLookups)

    def check_row(index: int, row: dict[str, str]) -> None:
        code, name = row["code"], row["name"]
        bad = False
        if not code:
            checked.error(index, "code", "Code is required.", ErrorCode.REQUIRED)
            bad = True
        elif len(code) > 32:
            checked.error(index, "code", "Code is at most 32 characters.", value=code)
            bad = True
        if not name:
            checked.error(index, "name", "Name is required.", ErrorCode.REQUIRED)
            bad = True
        elif len(name) > 64:
            checked.error(index, "name", "At most {limit} characters.", value=name, limit=64)
            bad = True
        dimension = row.get("dimension_name", "")
        if len(dimension) > 64:
            checked.error(
                index, "dimension_name", "At most {limit} characters.", value=dimension, limit=64
            )
            bad = True
        existing = lookups.existing.get(code)
        values: dict[str, str] = {
            "code": code,
            "name": name,
            "dimension_name": dimension,
            "description": row.get("description", ""),
        }
        for column, enum in _ENUMS.items():
            text = row.get(column, "")
            value = _SYNONYMS[column].get(text, text.casefold())
            if not text:
                if existing is not None:
                    value = existing[column]
                elif column in _DEFAULTS:
                    value = _DEFAULTS[column]
                else:
                    checked.error(
                        index,
                        column,
                        "Required.",
                        ErrorCode.REQUIRED,
                        choices=[e.value for e in enum],
                    )
                    bad = True
                    continue
            elif value not in {e.value for e in enum}:
                checked.error(
                    index, column, NOT_ONE_OF, value=text, choices=[e.value for e in enum]
                )
                bad = True
                continue
            values[column] = value
        if existing is not None and not bad:
            if not row.get("description"):
                values["description"] = existing["description"]  # an empty cell: as it is
            for column in ("unit", "period_type", "dimension_name"):
                if values[column] != existing[column] and (column != "dimension_name" or dimension):
                    checked.error(index, column, STAYS, value=row.get(column, ""))
                    bad = True
            values["dimension_name"] = existing["dimension_name"]
        key = (code,)
        if key in checked.items:
            checked.error(
                index,
                "code",
                "Same code as row {other}.",
                ErrorCode.DUPLICATE,
                value=code,
                other=checked.items[key][0],
            )
            bad = True
        if not bad:
            checked.items[key] = (index, values)

    return check_row


def _model_values(values: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {k: values[k] for k in ("code", "name", "description")}
    for column, enum in _ENUMS.items():
        out[column] = enum(values[column])
    out["dimension_name"] = values["dimension_name"] or None
    return out


async def write(ctx: WriteContext) -> None:
    keys = [k[0] for k in ctx.items]
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        existing = {k.code: k for k in await Kpi.filter(code__in=chunk)}
        new: list[Kpi] = []
        changed: list[tuple[Kpi, dict[str, Any], list[str], dict[str, Any]]] = []
        for code in chunk:
            row, values = ctx.items[(code,)][:2]
            wanted = _model_values(values)
            kpi = existing.get(code)
            if kpi is None:
                if ctx.may_create(row, "code"):
                    new.append(Kpi(**wanted))
                continue
            differs = [k for k in _CHANGEABLE if getattr(kpi, k) != wanted[k]]
            if not differs:
                ctx.unchanged()
            elif ctx.may_update(row, "code"):
                was = {k: getattr(kpi, k) for k in differs}
                changed.append((kpi, snapshot(kpi), differs, was))
                for k in differs:
                    setattr(kpi, k, wanted[k])
        if new:
            await Kpi.bulk_create(new)
            for made in await Kpi.filter(code__in=[k.code for k in new]):
                await ctx.created(made, audit_values=_text({k: getattr(made, k) for k in _FIELDS}))
        if changed:
            await Kpi.bulk_update([k for k, *_ in changed], fields=list(_CHANGEABLE))
            for kpi, before, differs, was in changed:
                await ctx.updated(
                    kpi,
                    before,
                    audit_before=_text(was),
                    audit_after=_text({k: getattr(kpi, k) for k in differs}),
                )
        ctx.progress()


async def export(viewer: Viewer) -> AsyncIterator[list[str]]:
    for values in await Kpi.all().order_by("code").values(*_FIELDS):
        text = _text(values)
        yield [text[k] for k in _FIELDS]


async def choices(viewer: Viewer) -> dict[str, list[str]]:
    return {column: [e.value for e in enum] for column, enum in _ENUMS.items()}


def may_import(viewer: Viewer) -> bool:
    """Who may createKpi: HQ HR."""
    return viewer.is_hq_hr and viewer.user_id is not None


SPEC = ImportSpec(
    kind=ImportKind.KPIS,
    columns=(
        Column("code", "KPI code", ("KPI编码", "指标代码", "Code"), True, "NC", "指标编码"),
        Column("name", "Name", ("指标名称", "KPI name"), True, "新客户数", "名称"),
        Column("unit", "Unit", ("计量单位", "Measure"), False, "count", "单位"),
        Column("direction", "Direction", ("指标方向",), False, "higher_is_better", "方向"),
        Column("aggregation", "Aggregation", ("汇总方式",), False, "sum", "汇总"),
        Column("period_type", "Period type", ("周期", "考核周期"), False, "month", "周期类型"),
        Column("dimension_name", "Dimension", ("维度名称",), False, "客户来源", "维度"),
        Column("description", "Description", ("说明", "指标说明"), False, "", "描述"),
    ),
    key=("code",),
    lookup_columns=("code",),
    lookups=lookups,
    check=check,
    write=write,
    may_import=may_import,
    export=export,
    choices=choices,
    values={c: dict(s) for c, s in _SYNONYMS.items()},
)
