"""GraphQL types of the import (issue 22): the job, its bad rows, the kinds and their columns."""

from __future__ import annotations

from datetime import datetime

import strawberry

from talentloop.errors import ErrorCode as ErrorCodeEnum
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.i18n import current_language, translate, translate_stored
from talentloop.imports import kinds
from talentloop.imports.models import ImportMode
from talentloop.performance.models import ImportJob, ImportKind, ImportStatus

for enum, name, description in [
    (ImportKind, "ImportKind", "What a file holds."),
    (ImportStatus, "ImportStatus", "Where an import job stands."),
    (
        ImportMode,
        "ImportMode",
        "Create the new and update the existing (UPSERT), create only (INSERT) or update "
        "only (UPDATE), by the kind's key columns.",
    ),
]:
    strawberry.enum(enum, name=name, description=description)


@strawberry.type(description="A bad row in an import file.")
class ImportRowError:
    row: int = strawberry.field(
        description="Row number as a spreadsheet shows it (the header is 1; 0 for the whole file)."
    )
    column: str | None = strawberry.field(description="The column at fault, when one is.")
    message: str = strawberry.field(description="What is wrong.")
    code: ErrorCodeEnum = strawberry.field(description="What is wrong, for a program.")
    value: str | None = strawberry.field(
        default=None, description="The bad value as the file has it, when one is at fault."
    )
    choices: list[str] = strawberry.field(
        default_factory=list, description="The valid values, where there is a fixed set (≤ 30)."
    )


@strawberry.type(description="A header of the file and the column key it was read as.")
class ImportColumnMapping:
    header: str = strawberry.field(description="The header as the file has it.")
    column: str | None = strawberry.field(
        description="The kind's column key it was read as; null when ignored."
    )


@strawberry.type(
    name="ImportJob", description="An import of a CSV or XLSX file, with its progress."
)
class ImportJobNode(Node):
    _model: strawberry.Private[ImportJob]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ImportJob", self._model.id))

    @strawberry.field(description="What the file holds.")
    def kind(self) -> ImportKind:
        return self._model.kind

    @strawberry.field(description="The file's name.")
    def file_name(self) -> str:
        return self._model.file_name

    @strawberry.field(description="True for a check: its writes are rolled back.")
    def dry_run(self) -> bool:
        return self._model.dry_run

    @strawberry.field(description="Create and update, create only or update only.")
    def mode(self) -> ImportMode:
        return ImportMode(self._model.mode)

    @strawberry.field(description="Running, valid, invalid, done or failed.")
    def status(self) -> ImportStatus:
        return self._model.status

    @strawberry.field(description="Data rows in the file.")
    def total_rows(self) -> int:
        return self._model.total_rows

    @strawberry.field(description="Rows checked so far.")
    def processed_rows(self) -> int:
        return self._model.processed_rows

    @strawberry.field(description="Rows that created a record (a dry run: would create).")
    def created_rows(self) -> int:
        return self._model.created_rows

    @strawberry.field(description="Rows that changed a record (a dry run: would change).")
    def updated_rows(self) -> int:
        return self._model.updated_rows

    @strawberry.field(description="Rows that matched what was there already.")
    def unchanged_rows(self) -> int:
        return self._model.unchanged_rows

    @strawberry.field(description="The file's headers and the columns they were read as.")
    def column_mapping(self) -> list[ImportColumnMapping]:
        columns = (self._model.mapping or {}).get("columns") or {}
        return [ImportColumnMapping(header=h, column=c) for h, c in columns.items()]

    @strawberry.field(
        description="Headers no column of the kind matched: their cells were not read."
    )
    def ignored_columns(self) -> list[str]:
        columns = (self._model.mapping or {}).get("columns") or {}
        return [h for h, c in columns.items() if c is None]

    @strawberry.field(description="Every bad row; nothing is written while there is one.")
    def errors(self) -> list[ImportRowError]:
        return [
            ImportRowError(
                row=e["row"],
                column=e["column"],
                message=(
                    translate(e["msgid"], e.get("params"))
                    if "msgid" in e
                    else translate_stored(e["message"])  # the queue gave it up
                ),
                code=ErrorCodeEnum(e.get("code", "invalid")),
                value=e.get("value"),
                choices=list(e.get("choices") or []),
            )
            for e in self._model.errors
        ]

    @strawberry.field(description="When it started.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="When it ended.")
    def finished_at(self) -> datetime | None:
        return self._model.finished_at

    @strawberry.field(description="When it was undone (undoImport); null if it stands.")
    def undone_at(self) -> datetime | None:
        return self._model.undone_at


@strawberry.type(description="A column an import of a kind reads.")
class ImportColumn:
    key: str = strawberry.field(description="The column's key (the header of a template).")
    header: str = strawberry.field(description="Its header in the viewer's language.")
    headers: list[str] = strawberry.field(
        description="Every header that is read as this column without mapping (Chinese and English)."
    )
    required: bool = strawberry.field(description="Whether every file must have it.")
    example: str = strawberry.field(description="An example value.")
    key_column: bool = strawberry.field(
        description="Whether it is one of the columns that name a row's record (the mode's key)."
    )


@strawberry.type(description="A kind of record the viewer may import, and its columns.")
class ImportKindInfo:
    _spec: strawberry.Private[kinds.ImportSpec]

    @strawberry.field(description="The kind.")
    def kind(self) -> ImportKind:
        return self._spec.kind

    @strawberry.field(description="Its columns, in the order of its template.")
    def columns(self) -> list[ImportColumn]:
        chinese = current_language().startswith("zh")
        return [
            ImportColumn(
                key=c.key,
                header=(c.zh or c.header) if chinese else c.header,
                headers=[h for h in c.headers() if h],
                required=c.required,
                example=c.example,
                key_column=c.key in self._spec.key,
            )
            for c in self._spec.columns
        ]
