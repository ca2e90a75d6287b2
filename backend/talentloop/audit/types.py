"""GraphQL types of the audit trail (read-only: there is no mutation)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.audit.service import shown_reason
from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id

if TYPE_CHECKING:
    from talentloop.people.types import EmployeeNode

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]

strawberry.enum(
    AuditAction,
    name="AuditAction",
    description="What happened. CREATE, UPDATE and DELETE name what changed in `subjectType`.",
)


@strawberry.type(
    name="AuditEntry",
    description="One event in the audit trail, as written: entries are never changed or removed. "
    "Sensitive values (ID number, bank account, passwords) are never stored, only that they "
    "were set, changed or cleared.",
)
class AuditEntryNode:
    _model: strawberry.Private[AuditEntry]

    @strawberry.field(description="The global ID of the entry.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AuditEntry", self._model.id))

    @strawberry.field(description="When it happened (UTC).")
    def at(self) -> datetime:
        return self._model.at

    @strawberry.field(description="What happened.")
    def action(self) -> AuditAction:
        return self._model.action

    @strawberry.field(
        description="The user who did it (global User ID); null for the system, a failed "
        "sign-in and a 360° rating submission (withheld to keep the raters anonymous)."
    )
    def actor_id(self) -> strawberry.ID | None:
        if self._model.actor_user_id is None:
            return None
        return strawberry.ID(to_global_id("User", self._model.actor_user_id))

    @strawberry.field(description="The actor's username at the time.")
    def actor_username(self) -> str | None:
        return self._model.actor_username

    @strawberry.field(
        description="The API token the actor used (global ApiToken ID); null when signed in."
    )
    def api_token_id(self) -> strawberry.ID | None:
        if self._model.api_token_id is None:
            return None
        return strawberry.ID(to_global_id("ApiToken", self._model.api_token_id))

    @strawberry.field(
        description="The kind of record concerned (Employee, KpiTarget, PaySuspension, "
        "RestoreRequest, Ratings, User, ApiToken…), or the mutation refused for ACCESS_DENIED."
    )
    def subject_type(self) -> str | None:
        return self._model.subject_type

    @strawberry.field(
        description="The global ID of the record concerned (of `subjectType`), when there is one."
    )
    def subject_id(self) -> strawberry.ID | None:
        if self._model.subject_id is None or not self._model.subject_type:
            return None
        subject_type = self._model.subject_type
        if subject_type == "Ratings":
            subject_type = "AssessmentRound"
        return strawberry.ID(to_global_id(subject_type, self._model.subject_id))

    @strawberry.field(description="The global ID of the employee whose data it concerns.")
    def employee_id(self) -> strawberry.ID | None:
        if self._model.employee_id is None:
            return None
        return strawberry.ID(to_global_id("Employee", self._model.employee_id))

    @strawberry.field(description="The employee whose data it concerns, when still visible.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        from talentloop.people import loaders
        from talentloop.people.types import EmployeeNode

        if self._model.employee_id is None:
            return None
        found = await info.context.loader("employee", loaders.employees_by_id).load(
            self._model.employee_id
        )
        return EmployeeNode.of(found, info) if found else None

    @strawberry.field(
        description="The field changed or revealed (GraphQL name, e.g. `baseSalary`); for "
        "ACCESS_DENIED, the input fields the errors named."
    )
    def field(self) -> str | None:
        return self._model.field

    @strawberry.field(
        description="Why: the reason given for a sensitive read, the cause of a failed sign-in, "
        "the errors of a denied mutation."
    )
    def reason(self) -> str | None:
        return shown_reason(self._model)  # the server's words in the reader's language

    @strawberry.field(description="The client's IP address, when known.")
    def client_address(self) -> str | None:
        return self._model.client_address

    @strawberry.field(
        description='The values before a change, by field (`{"baseSalary": "8000.00"}`); a '
        'sensitive field shows "[redacted]" or null.'
    )
    def before(self) -> JSON | None:
        return self._model.before

    @strawberry.field(description="The values after a change or of a new record, by field.")
    def after(self) -> JSON | None:
        return self._model.after
