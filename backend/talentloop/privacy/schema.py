"""`revealEmployeeField`: one sensitive value in full, with a reason, logged. Sensitive-data
exports: `requestSensitiveExport`, `cancelSensitiveExport`, `mySensitiveExports` (exports.py).

A mutation rather than a field: it writes to the audit trail, is never cached or batched
with ordinary reads, and is never run by an API token (its package is not a token scope area,
access/scopes.py).
"""

from __future__ import annotations

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import require_pk
from talentloop.graphql.node import register_node
from talentloop.people.sensitive import SensitiveField
from talentloop.privacy import exports, service
from talentloop.privacy.models import SensitiveExport
from talentloop.privacy.types import SensitiveExportNode

strawberry.enum(
    SensitiveField,
    name="SensitiveEmployeeField",
    description="A field of sensitive personal information, shown masked unless revealed.",
)


@strawberry.input(description="Which value to reveal, and why.")
class RevealEmployeeFieldInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee (global ID).")
    field: SensitiveField = strawberry.field(description="The ID number or the bank account.")
    reason: str = strawberry.field(
        description="Why the full value is needed: 5 to 500 characters, kept in the audit trail."
    )


@strawberry.type(description="The full value, or the errors that stopped it.")
class RevealEmployeeFieldPayload:
    value: str | None = strawberry.field(
        description="The full value; null when none is stored or on an error. Do not keep it."
    )
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Which unit's people, and why.")
class RequestSensitiveExportInput:
    unit_id: strawberry.ID = strawberry.field(description="The unit (global ID): its subtree.")
    reason: str = strawberry.field(
        description="What the file is for (a bank or social-insurance filing…): 10 to 500 "
        "characters, shown to the approvers and kept in the audit trail."
    )


@strawberry.type(description="The export asked for, or the errors that stopped it.")
class SensitiveExportPayload:
    export: SensitiveExportNode | None = strawberry.field(
        description="The export; null on an error."
    )
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type
class PrivacyQuery:
    @strawberry.field(
        description="The viewer's own sensitive-data exports, newest first (at most 100): status, "
        "progress and, once ready, where to download the file."
    )
    async def my_sensitive_exports(self, info: Info) -> list[SensitiveExportNode]:
        return [
            SensitiveExportNode(_model=e) for e in await exports.my_exports(info.context.viewer)
        ]


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(
        description=(
            "Reveal an employee's ID number or bank account in full, giving a reason. For "
            "viewers who may read the employee's sensitive fields (HR in scope, the employee "
            "themself); anyone else gets NOT_FOUND, as for a missing employee. Every reveal is "
            "written to the audit trail: who, whose, which field, why and when — never the value."
        )
    )
    async def reveal_employee_field(
        self, info: Info, input: RevealEmployeeFieldInput
    ) -> RevealEmployeeFieldPayload:
        try:
            value = await service.reveal_employee_field(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                input.field,
                input.reason,
            )
        except ServiceError as exc:
            return RevealEmployeeFieldPayload(value=None, errors=mutation_errors(exc))
        return RevealEmployeeFieldPayload(value=value, errors=[])

    @strawberry.mutation(
        description=(
            "Ask for an XLSX of the full ID numbers and bank accounts of a unit's people (HR of "
            "the unit; a unit the viewer does not see is NOT_FOUND). It goes through the "
            "approvals engine (DATA_EXPORT; by default another HQ HR approves, never the "
            "requester); once approved a job writes it with the people the requester may read "
            "then, and the requester alone downloads it for 24 hours. Never with an API token."
        )
    )
    async def request_sensitive_export(
        self, info: Info, input: RequestSensitiveExportInput
    ) -> SensitiveExportPayload:
        try:
            export = await exports.request_export(
                info.context.viewer, require_pk(input.unit_id, "OrgUnit", "unitId"), input.reason
            )
        except ServiceError as exc:
            return SensitiveExportPayload(export=None, errors=mutation_errors(exc))
        return SensitiveExportPayload(export=SensitiveExportNode(_model=export), errors=[])

    @strawberry.mutation(
        description="Withdraw one's own pending sensitive-data export (its approval request is "
        "cancelled)."
    )
    async def cancel_sensitive_export(
        self, info: Info, id: strawberry.ID
    ) -> SensitiveExportPayload:
        try:
            export = await exports.cancel_export(
                info.context.viewer, require_pk(id, "SensitiveExport", "id")
            )
        except ServiceError as exc:
            return SensitiveExportPayload(export=None, errors=mutation_errors(exc))
        return SensitiveExportPayload(export=SensitiveExportNode(_model=export), errors=[])


async def _export_node(info: Info, pk: int) -> SensitiveExportNode | None:
    found = await exports.get_export(info.context.viewer, pk)
    return SensitiveExportNode(_model=found) if found else None


register_node("SensitiveExport", _export_node, SensitiveExport)
