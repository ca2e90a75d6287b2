"""The import's GraphQL: `importKinds`, `importJob`, `importData`, `undoImport` (issue 22)."""

from __future__ import annotations

import base64
import binascii

import strawberry

from talentloop.errors import ErrorCode, ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.i18n import gettext
from talentloop.imports import kinds, service, undo
from talentloop.imports.models import ImportMode
from talentloop.imports.types import ImportJobNode, ImportKindInfo
from talentloop.performance.models import ImportJob, ImportKind


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
        try:
            content = base64.b64decode(input.content_base64, validate=True)
        except (binascii.Error, ValueError):
            return ImportPayload(
                job=None,
                errors=[
                    MutationError(
                        field="contentBase64",
                        message=gettext("Not valid base64."),
                        code=ErrorCode.INVALID,
                    )
                ],
            )
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
