"""`revealEmployeeField`: one sensitive value in full, with a reason, logged.

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
from talentloop.people.sensitive import SensitiveField
from talentloop.privacy import service

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
