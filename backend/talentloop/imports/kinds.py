"""The registry of importable record kinds (issue 22): one `ImportSpec` per `ImportKind`,
kept in the module of the domain that owns the records and found here by name
(`KIND_MODULES`), so that the file-checking process (talentloop.offload) imports only the
kinds it checks.

Adding a kind:
1. a member of `ImportKind` (performance/models.py; at most 32 characters);
2. a module of its domain (e.g. `org/imports.py`) with a module-level `SPEC = ImportSpec(…)`:
   - `columns`: the file's columns — a key (the `row` dicts' key), the English header and the
     other headers (Chinese ones first) that map to it automatically, required or not, an
     example value for the template;
   - `key`: the columns that name a row's record (an employee number, a unit code…): the
     `mode` of an import is judged on it;
   - `lookup_columns`: the columns whose distinct values `lookups` reads from the database;
   - `lookups(viewer, file)`: plain picklable values the checks need (never models);
   - `check(viewer, lookups, checked)`: a *module-level* function returning the row check
     (run in the file-checking process): it calls `checked.error(row, column, msgid, …)` for
     every problem and stores `checked.items[key] = (row, …)` for every good row;
   - `write(ctx)`: writes `ctx.items` in the import's transaction, reporting every record it
     creates or changes through `ctx.created` / `ctx.updated` (the audit trail and undo) and
     every row left as it was through `ctx.unchanged`; before creating or updating it asks
     `ctx.may_create(row)` / `ctx.may_update(row)` (the mode);
   - `export(viewer)`: the viewer's records as rows in the columns' order, so that an export
     imported again changes nothing; `choices(viewer)`: the valid codes per column, for the
     template's second sheet;
   - `may_import(viewer)`: who may import the kind at all (each row is still checked in scope);
3. its module's name in `KIND_MODULES` below.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from talentloop.performance.models import ImportKind

if TYPE_CHECKING:
    from talentloop.access.policy import Viewer
    from talentloop.imports.rows import Checked, FileRows, RowCheck
    from talentloop.imports.writing import WriteContext


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the English header of templates and exports
    synonyms: tuple[str, ...] = ()  # other headers that map to it (Chinese first: 工号…)
    required: bool = False
    example: str = ""
    zh: str = ""  # the Chinese header of templates and exports

    def headers(self) -> tuple[str, ...]:
        return (self.key, self.header, self.zh, *self.synonyms)


@dataclass(frozen=True)
class ImportSpec:
    kind: ImportKind
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    lookups: Callable[[Viewer, FileRows], Awaitable[Any]]
    check: Callable[[Viewer, Any, Checked], RowCheck]
    write: Callable[[WriteContext], Awaitable[None]]
    may_import: Callable[[Viewer], bool]
    lookup_columns: tuple[str, ...] = ()
    export: Callable[[Viewer], AsyncIterator[list[str]]] | None = None
    choices: Callable[[Viewer], Awaitable[dict[str, list[str]]]] | None = None
    # Extra rules on the columns present (e.g. "employee_number or unit_code"): the missing.
    missing: Callable[[list[str]], list[str]] | None = None
    # Run once a real import is done, outside its transaction (e.g. trigger rules).
    after: Callable[[], Awaitable[None]] | None = None
    # Value synonyms per column key, for the value-mapping step ("离职" → "terminated").
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def required(self) -> list[str]:
        return [c.key for c in self.columns if c.required]

    def missing_columns(self, columns: list[str]) -> list[str]:
        missing = [c for c in self.required() if c not in columns]
        if self.missing is not None:
            missing += self.missing(columns)
        return missing


KIND_MODULES: dict[ImportKind, str] = {
    ImportKind.EMPLOYEES: "talentloop.performance.import_kinds",
    ImportKind.KPI_RECORDS: "talentloop.performance.import_kinds",
    ImportKind.TARGETS: "talentloop.performance.import_kinds",
    ImportKind.ORG_UNITS: "talentloop.org.imports",
    ImportKind.POSITIONS: "talentloop.people.position_imports",
    ImportKind.KPIS: "talentloop.performance.kpi_imports",
    ImportKind.CONTRACTS: "talentloop.records.imports",
    ImportKind.COURSES: "talentloop.training.imports",
    ImportKind.COURSE_SESSIONS: "talentloop.training.imports",
    ImportKind.TRAINING_HISTORY: "talentloop.training.imports",
    ImportKind.LEAVE_BALANCES: "talentloop.attendance.import_kinds",
    ImportKind.ATTENDANCE_PUNCHES: "talentloop.attendance.import_kinds",
    ImportKind.LEAVE_REQUESTS: "talentloop.attendance.import_kinds",
    ImportKind.PAYROLL_OPENINGS: "talentloop.payroll.import_kinds",
    ImportKind.COMPETENCY_RATINGS: "talentloop.skills.imports",
    ImportKind.ACCOUNTS: "talentloop.roles.account_imports",
}


def spec(kind: ImportKind) -> ImportSpec:
    """The kind's spec: `SPECS[kind]` of its module, or its `SPEC`."""
    module = importlib.import_module(KIND_MODULES[kind])
    specs: dict[ImportKind, ImportSpec] | None = getattr(module, "SPECS", None)
    found = specs[kind] if specs is not None else module.SPEC
    assert isinstance(found, ImportSpec) and found.kind is kind
    return found


def kinds() -> list[ImportKind]:
    return list(KIND_MODULES)


def _fold(header: str) -> str:
    return "".join(header.split()).casefold().replace("_", "").replace("-", "")


def match_columns(
    kind_spec: ImportSpec, headers: list[str], saved: dict[str, str | None] | None = None
) -> list[str | None]:
    """Each header's column key, in the headers' order: as saved for the kind (a header HR mapped before), else by
    the columns' keys, headers and synonyms (case, spaces, `_` and `-` ignored); None when no
    column matches or HR mapped it to None (the import lists it as ignored, never silently). A
    key is taken once."""
    by_name: dict[str, str] = {}
    for column in kind_spec.columns:
        for name in column.headers():
            if name:
                by_name.setdefault(_fold(name), column.key)
    keys = {c.key for c in kind_spec.columns}
    taken: set[str] = set()
    matched: list[str | None] = []
    for header in headers:
        if saved and header in saved and saved[header] is None:
            matched.append(None)  # HR said to leave it out
            continue
        key = (saved or {}).get(header)
        if key not in keys:
            key = by_name.get(_fold(header))
        if key is not None and key in taken:
            key = None
        if key is not None:
            taken.add(key)
        matched.append(key)
    return matched
