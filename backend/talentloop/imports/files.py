"""An import kind's files (issue 22 points 6 and 7): its template and the viewer's records as
a file in the template's layout, both written by talentloop.spreadsheets.

* The template: the kind's columns (the Chinese headers when the viewer reads Chinese, else
  the English ones; an import reads both), two example rows from `Column.example`, and a second
  sheet of the valid codes per column the viewer may use (`spec.choices`).
* The export: `spec.export(viewer)`'s rows under the same headers, as XLSX (with the codes
  sheet) or CSV, written a row at a time to a spooled file (`spreadsheets.TableWriter`) and
  handed out in chunks. Imported again unchanged, it changes nothing. Each export is an
  `EXPORT` audit entry (who, which kind, which format, how many rows), written before the
  file leaves."""

from __future__ import annotations

import re

from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.i18n import CHINESE, current_language
from talentloop.imports import kinds
from talentloop.imports.kinds import ImportSpec
from talentloop.performance.models import ImportKind
from talentloop.spreadsheets import Cell, TableWriter, template_xlsx

CODES_SHEET = "有效值 (Valid codes)"  # "/" may not appear in a sheet's name (Excel's rule)
EXAMPLE_ROWS = 2
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def kind_of(text: str) -> ImportKind | None:
    """The kind a path names: its value (`kpi_records`) or its GraphQL name (`KPI_RECORDS`)."""
    try:
        return ImportKind(text.lower())
    except ValueError:
        return None


def may_use(viewer: Viewer, kind: ImportKind) -> bool:
    return viewer.user_id is not None and kinds.spec(kind).may_import(viewer)


def headers(spec: ImportSpec) -> list[str]:
    chinese = current_language() == CHINESE
    return [(c.zh or c.header) if chinese else c.header for c in spec.columns]


async def codes(viewer: Viewer, spec: ImportSpec) -> list[tuple[str, list[str]]]:
    """(header, valid values) for each column with a fixed set, in the columns' order (a column
    with nothing to choose from yet — no course in the library — is left out)."""
    if spec.choices is None:
        return []
    found = await spec.choices(viewer)
    names = dict(zip([c.key for c in spec.columns], headers(spec), strict=True))
    return [(names[c.key], found[c.key]) for c in spec.columns if found.get(c.key)]


async def template(viewer: Viewer, kind: ImportKind) -> bytes:
    spec = kinds.spec(kind)
    examples: list[list[Cell]] = [[c.example for c in spec.columns] for _ in range(EXAMPLE_ROWS)]
    if EXAMPLE_ROWS > 1:
        examples[1] = _another(spec)
    return template_xlsx(
        kind.value, headers(spec), examples, CODES_SHEET, await codes(viewer, spec)
    )


def _another(spec: ImportSpec) -> list[Cell]:
    """The second example row names another record than the first: its first key column with
    a month (2026-11) or a number at the end (E1001) as example gets the next one, a code
    (SH) another (SH2)."""
    row: list[Cell] = [c.example for c in spec.columns]
    for i, column in enumerate(spec.columns):
        if column.key not in spec.key:
            continue
        example = column.example
        month = _MONTH.fullmatch(example)
        if month:
            year, number = int(month[1]), int(month[2])
            row[i] = f"{year + number // 12}-{number % 12 + 1:02d}"
            break
        if example[-1:].isdigit():
            row[i] = example[:-1] + str((int(example[-1]) + 1) % 10)
            break
        if example:  # a code (SH, SALES): another one
            row[i] = f"{example}2"
            break
    return row


async def export(viewer: Viewer, kind: ImportKind, file_format: str) -> TableWriter | None:
    """The viewer's records of the kind as a finished file; None when the kind has no export."""
    spec = kinds.spec(kind)
    if spec.export is None:
        return None
    writer = TableWriter(file_format, kind.value, headers(spec))
    try:
        async for row in spec.export(viewer):
            writer.append(list(row))
        writer.add_codes_sheet(CODES_SHEET, await codes(viewer, spec))
        writer.finish()
    except BaseException:
        writer.close()
        raise
    await audit.record(
        viewer,
        AuditAction.EXPORT,
        subject_type="ImportKind",
        field=kind.value,
        after={"kind": kind.value, "format": file_format, "rows": writer.rows},
    )
    return writer
