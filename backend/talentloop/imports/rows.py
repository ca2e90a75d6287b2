"""An import's file, read, mapped and its rows checked (issue 22): the generic part, run in
the file-checking process (talentloop.offload), never on the API process's event loop.

`read_file` reads the file within the import's limits, maps its headers to the kind's column
keys (imports/kinds.py `match_columns`: as HR mapped them, else by name and synonym) and its
values as HR mapped them, and hands back what the API process needs to look the file's
records up (its columns and the distinct values of the kind's look-up columns) with the rows
themselves packed; `check_file` checks those rows with the kind's row check against the
look-ups (plain values the API process read from the database) and hands back every problem,
and the checked items when they are to be written. The rows go over packed CHECK_CHUNK at a
time, each pickle let go of once packed or checked: neither process holds the whole file's
cells and their pickles at once (for a 200,000-row file, hundreds of MB)."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from talentloop import offload, spreadsheets
from talentloop.access.policy import Viewer
from talentloop.errors import SELF_DEALING_MESSAGE, ErrorCode, ServiceError
from talentloop.i18n import N_
from talentloop.imports import kinds
from talentloop.performance.models import ImportKind

# Rows packed together, and checked between two reports of the job's progress.
CHECK_CHUNK = 2_000
# The key of a column no column of the kind matches: kept apart, listed as ignored.
IGNORED = "?"

RowCheck = Callable[[int, dict[str, str]], None]


class Table:
    """The file's rows (or a chunk of them) by column key. A row's dict is made as it is
    iterated, not kept: a dict per row of a 100,000-row file would be most of a dry run's
    memory."""

    def __init__(self, columns: list[str], cells: list[tuple[str, ...]]) -> None:
        self.columns = columns
        self.cells = cells
        self.rows = _Rows(self)

    def values(self, column: str) -> set[str]:
        """The column's values (stripped), without making the rows' dicts."""
        if column not in self.columns:
            return {""}
        i = self.columns.index(column)
        return {(cells[i] if i < len(cells) else "").strip() for cells in self.cells}


class _Rows:
    def __init__(self, table: Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table.cells)

    def __iter__(self) -> Iterator[dict[str, str]]:
        return self.slice(0, len(self.table.cells))

    def slice(self, start: int, stop: int) -> Iterator[dict[str, str]]:
        columns = self.table.columns
        for cells in self.table.cells[start:stop]:
            yield {
                col: (cells[i] if i < len(cells) else "").strip() for i, col in enumerate(columns)
            }


@dataclass
class Checked:
    """The rows that passed, keyed for writing, and every problem found. An item is a plain
    tuple whose first element is its row (row, value) or (row, values, manager)."""

    items: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(
        self,
        row: int,
        column: str | None,
        message: str,
        code: ErrorCode = ErrorCode.INVALID,
        *,
        value: str | None = None,
        choices: list[str] | None = None,
        **params: Any,
    ) -> None:
        """A bad row: its message in English, and its msgid and parameters, for the viewer's
        language when the job is read (talentloop/i18n.py); the bad value as the file has it,
        and the valid choices where there is a fixed set (at most 30 kept)."""
        english = message.format(**params) if params else message
        found: dict[str, Any] = {
            "row": row,
            "column": column,
            "message": english,
            "msgid": message,
            "params": params,
            "code": code.value,
        }
        if value is not None:
            found["value"] = value[:200]
        if choices:
            found["choices"] = choices[:30]
        self.errors.append(found)

    def about_self(self, row: int, viewer: Viewer, employee_id: int | None) -> bool:
        """A row about the importer themself is refused (docs/architecture.md, "Self-dealing")."""
        if employee_id is None or not viewer.is_self(employee_id):
            return False
        self.error(row, "employee_number", SELF_DEALING_MESSAGE, ErrorCode.SELF_DEALING)
        return True


# --- reading ---------------------------------------------------------------------------------


@dataclass
class FileRows:
    """A file as read in the checking process: its columns, row count and the distinct values
    of its key columns for the API process to look up; the rows themselves packed (pickles of
    CHECK_CHUNK rows), to be handed back to `check_file` without being unpacked in the API
    process — once: imports/service.check_file empties `packed` as it hands it over, so that
    the job does not hold the file's rows while it writes."""

    columns: list[str]  # the column key of each header (IGNORED… for an ignored one)
    headers: list[str]  # the file's headers, as written
    count: int
    keys: dict[str, set[str]]
    packed: list[bytes]
    formulas: list[tuple[int, int]]  # (row index, column index) of cells like formulas

    def values(self, column: str) -> set[str]:
        """As Table.values."""
        return self.keys.get(column, {""})


def read_file(
    kind: ImportKind,
    file_name: str,
    content: bytes,
    *,
    max_rows: int,
    max_bytes: int,
    columns: dict[str, str | None] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> FileRows:
    """The file's rows by column key, within the import's limits (talentloop.spreadsheets).
    `columns` maps a header to a column key (None: ignore it), as HR mapped them; the rest
    are matched by name. `values` maps a column's file values to the values stored (over the
    kind's own value synonyms, `ImportSpec.values`)."""
    reading = spreadsheets.Reading()
    raw_rows = spreadsheets.read_rows(
        file_name, content, max_rows=max_rows, max_bytes=max_bytes, reading=reading
    )
    if not raw_rows:
        raise ServiceError.one(ErrorCode.INVALID, "The file is empty.", "file")
    spec = kinds.spec(kind)
    headers = [c.strip() for c in raw_rows[0]]
    matched = kinds.match_columns(spec, headers, columns)
    keys = [key if key else f"{IGNORED}{i}" for i, key in enumerate(matched)]
    del raw_rows[0]
    # The kind's value synonyms ("离职" → "terminated"), under HR's own mapping.
    merged = {key: dict(mapped) for key, mapped in spec.values.items()}
    for key, mapped in (values or {}).items():
        merged[key] = {**merged.get(key, {}), **mapped}
    if merged:
        _map_values(raw_rows, keys, merged)
    table = Table(keys, raw_rows)
    return FileRows(
        columns=keys,
        headers=headers,
        count=len(raw_rows),
        keys={c: table.values(c) for c in spec.lookup_columns if c in keys},
        # Packed a chunk at a time, each chunk's rows let go of once packed (raw_rows ends
        # empty): the cells and their pickles are not held whole at once.
        packed=offload.pack(raw_rows, every=CHECK_CHUNK),
        formulas=[(r - 1, c) for r, c in reading.formulas if r > 0],
    )


def _map_values(rows: list[Any], keys: list[str], values: dict[str, dict[str, str]]) -> None:
    """Each mapped column's values replaced as HR mapped them ("离职" → "terminated")."""
    mapped = [(i, values[key]) for i, key in enumerate(keys) if values.get(key)]
    if not mapped:
        return
    for r, cells in enumerate(rows):
        changed = list(cells)
        for i, mapping in mapped:
            if i < len(changed):
                text = str(changed[i]).strip()
                if text in mapping:
                    changed[i] = mapping[text]
        rows[r] = tuple(changed) if isinstance(cells, tuple) else changed


def missing_columns(kind: ImportKind, columns: list[str]) -> list[str]:
    return kinds.spec(kind).missing_columns(columns)


MISSING_COLUMN = N_("Missing column {name}: a header read as it is one of {headers}.")


def missing_column_errors(kind: ImportKind, columns: list[str], checked: Checked) -> None:
    """One error per missing column, naming it and the headers read as it (`Column.headers()`);
    a rule over several columns ("employee_number or unit_code") names each one's headers."""
    by_key = {c.key: c for c in kinds.spec(kind).columns}
    for missing in missing_columns(kind, columns):
        keys = [k.strip() for k in missing.split(" or ")]
        headers = [h for k in keys if k in by_key for h in by_key[k].headers() if h]
        checked.error(
            1,
            keys[0] if keys[0] in by_key else None,
            MISSING_COLUMN,
            ErrorCode.REQUIRED,
            choices=list(dict.fromkeys(headers)),
            name=" / ".join(by_key[k].header if k in by_key else k for k in keys),
            headers=", ".join(dict.fromkeys(headers)),
        )


# --- checking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """`check_file`'s answer: problems sorted by row, and the checked items as (key, item)
    pairs; both packed (offload.pack), the items only when they are to be written."""

    errors: list[bytes]
    items: list[bytes]


def check_file(
    kind: ImportKind,
    viewer: Viewer,
    lookups: Any,
    columns: list[str],
    packed: list[bytes],
    formulas: list[tuple[int, int]],
    *,
    keep_items: bool,
) -> CheckedFile:
    """Every row of `read_file`'s packed rows checked (all of them missing columns when
    `lookups` is None), a chunk at a time, each chunk let go of once checked (`packed` ends
    empty), and every formula-like cell refused."""
    checked = Checked()
    if lookups is None:
        missing_column_errors(kind, columns, checked)
    else:
        check = kinds.spec(kind).check(viewer, lookups, checked)
        index = 2  # the file's row number: the header is row 1
        for i in range(len(packed)):
            blob, packed[i] = packed[i], b""
            chunk = Table(columns, pickle.loads(blob))  # read_file's own output
            del blob
            for row in chunk.rows:
                check(index, row)
                index += 1
            offload.progress(index - 2)
    packed.clear()
    formula_errors(columns, formulas, checked)
    errors = sorted(checked.errors, key=lambda e: (e["row"], e["column"] or ""))
    items = list(checked.items.items()) if keep_items and not errors else []
    # Each item let go of once packed (offload.pack empties its list): the items and their
    # pickles are not held whole at once.
    checked.items.clear()
    return CheckedFile(offload.pack(errors), offload.pack(items))


def formula_errors(columns: list[str], formulas: list[tuple[int, int]], checked: Checked) -> None:
    """A text cell that a spreadsheet would run as a formula is refused: it would come back
    out of every export (neutralised, but not as it was typed)."""
    for r, c in formulas:
        if c < len(columns) and not columns[c].startswith(IGNORED):
            checked.error(r + 2, columns[c], spreadsheets.FORMULA_MESSAGE)
