"""A file's first look, before it is checked (issue 22 point 2, the wizard's "map columns" and
"map values" steps): its headers and the column each would be read as, its first rows, how
many rows it has, which required columns are missing, and for the columns with few distinct
values (or with value synonyms) each value and what it would be read as.

The file is read in the file-checking process (talentloop.offload) within the import's limits,
as `rows.read_file` reads it; the kind's saved mapping (`service.saved_mapping`) and the valid
choices per column (`ImportSpec.choices`, read here with the viewer) come from the API
process. Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from talentloop import offload, spreadsheets
from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode, ServiceError
from talentloop.imports import kinds, service
from talentloop.performance.models import ImportKind

FIRST_ROWS = 5
# A column with more distinct values than this is not offered for value mapping (names, numbers).
MAX_DISTINCT = 30
MAX_CHOICES = 200


@dataclass(frozen=True)
class PreviewValue:
    value: str  # as the file has it
    read_as: str | None  # what it would be read as; None: as it is


@dataclass(frozen=True)
class PreviewColumn:
    key: str
    values: list[PreviewValue]
    choices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    headers: list[str]
    columns: list[str | None]  # each header's column key, None when it would be ignored
    rows: list[list[str]]
    count: int
    missing: list[str]
    values: list[PreviewColumn]


def preview_file(
    kind: ImportKind,
    file_name: str,
    content: bytes,
    *,
    max_rows: int,
    max_bytes: int,
    saved: dict[str, Any],
) -> Preview:
    """Run in the file-checking process: the file read and matched (module doc)."""
    raw = spreadsheets.read_rows(file_name, content, max_rows=max_rows, max_bytes=max_bytes)
    if not raw:
        raise ServiceError.one(ErrorCode.INVALID, "The file is empty.", "file")
    spec = kinds.spec(kind)
    headers = [c.strip() for c in raw[0]]
    matched = kinds.match_columns(spec, headers, saved.get("columns") or None)
    body = raw[1:]
    width = len(headers)
    first = [
        [*(c.strip() for c in r[:width]), *([""] * (width - len(r)))] for r in body[:FIRST_ROWS]
    ]
    saved_values: dict[str, dict[str, str]] = saved.get("values") or {}
    columns: list[PreviewColumn] = []
    for i, key in enumerate(matched):
        if key is None:
            continue
        synonyms = {**spec.values.get(key, {}), **saved_values.get(key, {})}
        distinct: dict[str, None] = {}
        for r in body:
            text = r[i].strip() if i < len(r) else ""
            if text and text not in distinct:
                distinct[text] = None
                if len(distinct) > MAX_DISTINCT and not synonyms:
                    break
        if len(distinct) > MAX_DISTINCT and not synonyms:
            continue
        values = [PreviewValue(v, synonyms.get(v)) for v in list(distinct)[:MAX_DISTINCT]]
        columns.append(PreviewColumn(key, values))
    return Preview(
        headers=headers,
        columns=matched,
        rows=first,
        count=len(body),
        missing=spec.missing_columns([k for k in matched if k]),
        values=columns,
    )


async def preview_import(
    viewer: Viewer,
    kind: ImportKind,
    file_name: str,
    content: bytes,
    columns: dict[str, str | None] | None = None,
) -> Preview:
    """The file's preview for a viewer who may import the kind (else FORBIDDEN), with the
    valid choices per column where the kind has a fixed set. `columns` maps headers as HR
    chose in the wizard, over the kind's saved mapping."""
    service.check_may_import(viewer, kind)
    saved = await service.saved_mapping(kind)
    saved["columns"] = {**saved["columns"], **(columns or {})}
    found = await offload.run(
        preview_file,
        kind,
        file_name,
        content,
        max_rows=service.MAX_ROWS,
        max_bytes=service.MAX_BYTES,
        saved=saved,
    )
    spec = kinds.spec(kind)
    choices = await spec.choices(viewer) if spec.choices is not None else {}
    values = []
    for column in found.values:
        offered = {*spec.values.get(column.key, {}).values(), *choices.get(column.key, [])}
        values.append(
            PreviewColumn(column.key, column.values, sorted(offered, key=str)[:MAX_CHOICES])
        )
    return Preview(
        headers=found.headers,
        columns=found.columns,
        rows=found.rows,
        count=found.count,
        missing=found.missing,
        values=values,
    )
