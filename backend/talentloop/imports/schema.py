"""The import's GraphQL: `importKinds`, `importJob`, `importJobs`, `previewImport`, `importData`,
`undoImport` (issue 22)."""

from __future__ import annotations

import base64
import binascii

import strawberry

from talentloop.errors import ErrorCode, ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, PublicError, mutation_errors
from talentloop.graphql.ids import pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, to_connection
from talentloop.i18n import gettext
from talentloop.imports import kinds, preview, service, undo
from talentloop.imports.models import ImportMode
from talentloop.imports.types import (
    ImportJobNode,
    ImportKindInfo,
    ImportPreview,
    ImportPreviewColumn,
    ImportPreviewHeader,
    ImportPreviewValue,
)
from talentloop.performance.models import ImportJob, ImportKind, ImportStatus


@strawberry.input(description="How to read one header of the file.")
class ImportColumnInput:
    header: str = strawberry.field(description="The header as the file has it.")
    column: str | None = strawberry.field(
        default=None, description="The kind's column key to read it as; null to leave it out."
    )


@strawberry.input(description='A value of a column to read as another ("离职" as terminated).')
class ImportValueInput:
    column: str = strawberry.field(description="The kind's column key.")
    value: str = strawberry.field(description="The value as the file has it.")
    read_as: str = strawberry.field(description="The value to read instead.")


@strawberry.input(description="A CSV or XLSX file to import, base64-encoded.")
class ImportDataInput:
    kind: ImportKind = strawberry.field(description="What the file holds.")
    file_name: str = strawberry.field(description="Ends in .csv or .xlsx.")
    content_base64: str = strawberry.field(description="The file's bytes, base64.")
    dry_run: bool = strawberry.field(
        default=True, description="Check only: the writes are done and rolled back."
    )
    in_background: bool = strawberry.field(
        default=False,
        description="Answer at once with the RUNNING job and follow it with importJob(id).",
    )
    mode: ImportMode = strawberry.field(
        default=ImportMode.UPSERT, description="Create and update, create only or update only."
    )
    columns: list[ImportColumnInput] | None = strawberry.field(
        default=None,
        description="Headers to read as other columns (or to leave out); the rest are matched "
        "by name, or as the kind's last import mapped them.",
    )
    values: list[ImportValueInput] | None = strawberry.field(
        default=None, description="Values to read as others, per column."
    )


@strawberry.input(description="A CSV or XLSX file to look at before importing it, base64-encoded.")
class ImportPreviewInput:
    kind: ImportKind = strawberry.field(description="What the file holds.")
    file_name: str = strawberry.field(description="Ends in .csv or .xlsx.")
    content_base64: str = strawberry.field(description="The file's bytes, base64.")
    columns: list[ImportColumnInput] | None = strawberry.field(
        default=None,
        description="Headers to read as other columns (or to leave out), as importData takes "
        "them; the rest as the kind's last import mapped them, else by name.",
    )


@strawberry.type(description="The file as it would be read, or the errors that stopped it.")
class ImportPreviewPayload:
    preview: ImportPreview | None = strawberry.field(description="The file as it would be read.")
    errors: list[MutationError] = strawberry.field(description="Empty when the file was read.")


@strawberry.input(description="Which import jobs to list.")
class ImportJobFilter:
    kind: ImportKind | None = strawberry.field(default=None, description="Of this kind only.")
    status: ImportStatus | None = strawberry.field(default=None, description="In this state only.")


def _bad_base64() -> list[MutationError]:
    return [
        MutationError(
            field="contentBase64", message=gettext("Not valid base64."), code=ErrorCode.INVALID
        )
    ]


def _decoded(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


@strawberry.type(description="The import job, or the errors that stopped it.")
class ImportPayload:
    job: ImportJobNode | None = strawberry.field(description="The job, with its bad rows.")
    errors: list[MutationError] = strawberry.field(description="Empty when the job ran.")


@strawberry.type
class ImportsQuery:
    @strawberry.field(description="An import job, to follow its progress.")
    async def import_job(self, info: Info, id: strawberry.ID) -> ImportJobNode | None:
        job = await service.get_job(info.context.viewer, pk_of(id, "ImportJob") or -1)
        return ImportJobNode(_model=job) if job else None

    @strawberry.field(
        description="Import jobs, newest first: the viewer's own (HQ HR: everyone's); at most 100."
    )
    async def import_jobs(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ImportJobFilter | None = None,
    ) -> Connection[ImportJobNode]:
        try:
            page = await service.list_jobs(
                info.context.viewer,
                first=first,
                after=after,
                kind=filter.kind if filter else None,
                status=filter.status if filter else None,
            )
        except ServiceError as exc:
            raise PublicError.of(exc) from exc
        return to_connection(page, lambda job: ImportJobNode(_model=job))

    @strawberry.field(description="The kinds of record the viewer may import, with their columns.")
    def import_kinds(self, info: Info) -> list[ImportKindInfo]:
        viewer = info.context.viewer
        found = [kinds.spec(k) for k in kinds.kinds()]
        return [ImportKindInfo(_spec=s) for s in found if s.may_import(viewer)]


async def _import_node(info: Info, pk: int) -> ImportJobNode | None:
    found = await service.get_job(info.context.viewer, pk)
    return ImportJobNode(_model=found) if found else None


register_node("ImportJob", _import_node, ImportJob)


def _mapping(input: ImportDataInput) -> dict[str, object] | None:
    if not input.columns and not input.values:
        return None
    values: dict[str, dict[str, str]] = {}
    for v in input.values or []:
        values.setdefault(v.column, {})[v.value.strip()] = v.read_as.strip()
    columns = {c.header.strip(): c.column for c in input.columns or []}
    return {"columns": columns, "values": values}


@strawberry.type
class ImportsMutation:
    @strawberry.mutation(
        description="Import a file of one kind (importKinds); dryRun checks it and rolls back."
    )
    async def import_data(self, info: Info, input: ImportDataInput) -> ImportPayload:
        content = _decoded(input.content_base64)
        if content is None:
            return ImportPayload(job=None, errors=_bad_base64())
        viewer = info.context.viewer
        options = {"mode": input.mode, "mapping": _mapping(input)}
        try:
            if input.in_background:
                job = await service.queue_import(
                    viewer,
                    kind=input.kind,
                    file_name=input.file_name,
                    content=content,
                    dry_run=input.dry_run,
                    **options,  # type: ignore[arg-type]
                )
            else:
                job = await service.start_import(
                    viewer,
                    kind=input.kind,
                    file_name=input.file_name,
                    dry_run=input.dry_run,
                    **options,  # type: ignore[arg-type]
                )
        except ServiceError as exc:
            return ImportPayload(job=None, errors=mutation_errors(exc))
        if not input.in_background:
            await service.execute(job, viewer, content)
        return ImportPayload(job=ImportJobNode(_model=job), errors=[])

    @strawberry.mutation(
        description="Read a file as importData would (its headers matched to the kind's "
        "columns, its first rows, the values of its columns of few values) without checking "
        "or writing anything: the import wizard's mapping steps."
    )
    async def preview_import(self, info: Info, input: ImportPreviewInput) -> ImportPreviewPayload:
        content = _decoded(input.content_base64)
        if content is None:
            return ImportPreviewPayload(preview=None, errors=_bad_base64())
        try:
            columns = {c.header.strip(): c.column for c in input.columns or []}
            found = await preview.preview_import(
                info.context.viewer, input.kind, input.file_name, content, columns
            )
        except ServiceError as exc:
            return ImportPreviewPayload(preview=None, errors=mutation_errors(exc))
        return ImportPreviewPayload(
            preview=ImportPreview(
                headers=[
                    ImportPreviewHeader(header=h, column=c)
                    for h, c in zip(found.headers, found.columns, strict=True)
                ],
                rows=found.rows,
                total_rows=found.count,
                missing_columns=found.missing,
                values=[
                    ImportPreviewColumn(
                        column=c.key,
                        values=[
                            ImportPreviewValue(value=v.value, read_as=v.read_as) for v in c.values
                        ],
                        choices=c.choices,
                    )
                    for c in found.values
                ],
            ),
            errors=[],
        )

    @strawberry.mutation(
        description="Undo a finished import: remove what it created and put back what it "
        "changed, while nothing since depends on it."
    )
    async def undo_import(self, info: Info, id: strawberry.ID) -> ImportPayload:
        try:
            undo.check_may_undo(info.context.viewer)
            job = await undo.undo_import(info.context.viewer, require_pk(id, "ImportJob", "id"))
        except ServiceError as exc:
            return ImportPayload(job=None, errors=mutation_errors(exc))
        return ImportPayload(job=ImportJobNode(_model=job), errors=[])
