"""GraphQL types of labour contracts, employment events and the timeline."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.people.models import TerminationKind
from talentloop.records.models import (
    ArchiveDocument,
    Contract,
    ContractEndReason,
    ContractKind,
    DocumentType,
    Education,
    EmergencyContact,
    EmploymentEvent,
    EventKind,
    WorkHistory,
)
from talentloop.records.service import Expiry, TimelineItem, shown_contract_note, shown_note

if TYPE_CHECKING:
    from talentloop.people.types import EmployeeNode

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]

strawberry.enum(
    ContractKind,
    name="ContractKind",
    description="劳动合同法 art. 12: fixed term, open-ended, or for the completion of a task.",
)
strawberry.enum(
    ContractEndReason,
    name="ContractEndReason",
    description="Why a contract ended before its own end: replaced by a new contract "
    "(劳动合同法 art. 35), or the employment ended (art. 44, 50).",
)
strawberry.enum(
    EventKind,
    name="EmploymentEventKind",
    description="Onboarding, transfer, resignation or rehire (a new employment period).",
)


def _gid(type_name: str, pk: int | None) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(to_global_id(type_name, pk))


@strawberry.type(name="Contract", description="A labour contract of one employee.")
class ContractNode(Node):
    _model: strawberry.Private[Contract]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Contract", self._model.id))

    @strawberry.field(description="The employee (global Employee ID).")
    def employee_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Employee", self._model.employee_id))

    @strawberry.field(description="Fixed term, open-ended or per task.")
    def kind(self) -> ContractKind:
        return self._model.kind

    @strawberry.field(description="First day of the contract.")
    def start_date(self) -> date:
        return self._model.start_date

    @strawberry.field(description="Last day; null for an open-ended contract.")
    def end_date(self) -> date | None:
        return self._model.end_date

    @strawberry.field(description="Last day of probation; null when there is none.")
    def probation_end(self) -> date | None:
        return self._model.probation_end

    @strawberry.field(description="When it was signed.")
    def signed_on(self) -> date:
        return self._model.signed_on

    @strawberry.field(description="The contract this one renews (global Contract ID), if any.")
    def renews_id(self) -> strawberry.ID | None:
        return _gid("Contract", self._model.renews_id)

    @strawberry.field(description="A note from HR, or the server's (in the viewer's language).")
    def note(self) -> str | None:
        return shown_contract_note(self._model.note)

    @strawberry.field(
        description="Why it ended before the end it was signed with; null when it did not."
    )
    def end_reason(self) -> ContractEndReason | None:
        return self._model.end_reason


@strawberry.type(
    name="EmploymentEvent",
    description="Onboarding, a transfer or a resignation, with unit and position before and after.",
)
class EmploymentEventNode:
    _model: strawberry.Private[EmploymentEvent]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("EmploymentEvent", self._model.id))

    @strawberry.field(description="What happened.")
    def kind(self) -> EventKind:
        return self._model.kind

    @strawberry.field(description="The day it took effect.")
    def effective_date(self) -> date:
        return self._model.effective_date

    @strawberry.field(description="The unit before (global OrgUnit ID).")
    def from_unit_id(self) -> strawberry.ID | None:
        return _gid("OrgUnit", self._model.from_unit_id)

    @strawberry.field(description="The unit after (global OrgUnit ID).")
    def to_unit_id(self) -> strawberry.ID | None:
        return _gid("OrgUnit", self._model.to_unit_id)

    @strawberry.field(description="The position before (global Position ID).")
    def from_position_id(self) -> strawberry.ID | None:
        return _gid("Position", self._model.from_position_id)

    @strawberry.field(description="The position after (global Position ID).")
    def to_position_id(self) -> strawberry.ID | None:
        return _gid("Position", self._model.to_position_id)

    @strawberry.field(description="A note from HR, or the server's (in the viewer's language).")
    def note(self) -> str | None:
        return shown_note(self._model)

    @strawberry.field(description="Who recorded it.")
    def actor_username(self) -> str | None:
        return self._model.actor_username

    @strawberry.field(
        description="A RESIGNATION event's kind of leaving; null for the other events and for "
        "leavings recorded before it was kept."
    )
    def termination_kind(self) -> TerminationKind | None:
        return self._model.termination_kind


@strawberry.type(
    name="FieldChange",
    description="One field of the employee record changed. Sensitive values are never shown "
    "(`[redacted]`); a field the viewer may not read shows neither value.",
)
class FieldChangeNode:
    field: str | None = strawberry.field(description="The field (GraphQL name).")
    before: JSON | None = strawberry.field(description="The value before, if shown.")
    after: JSON | None = strawberry.field(description="The value after, if shown.")
    actor_username: str | None = strawberry.field(description="Who changed it.")
    created: bool = strawberry.field(description="True for the record's creation.")


@strawberry.type(
    name="TimelineItem",
    description="One line of an employee's timeline: exactly one of event, contract, change.",
)
class TimelineItemNode:
    _item: strawberry.Private[TimelineItem]

    @strawberry.field(
        description="The day it belongs to (events: effective date; contracts: "
        "signing date; changes: the day they were made, UTC)."
    )
    def on(self) -> date:
        return self._item.on

    @strawberry.field(description="When it was recorded.")
    def at(self) -> datetime:
        return self._item.at

    @strawberry.field(description="An employment event.")
    def event(self) -> EmploymentEventNode | None:
        item = self._item.event
        return EmploymentEventNode(_model=item) if item else None

    @strawberry.field(description="A contract signed.")
    def contract(self) -> ContractNode | None:
        item = self._item.contract
        return ContractNode(_model=item) if item else None

    @strawberry.field(description="A field change of the record.")
    def change(self) -> FieldChangeNode | None:
        entry = self._item.change
        if entry is None:
            return None
        name = entry.field
        shown = not self._item.field_hidden
        return FieldChangeNode(
            field=name,
            before=(entry.before or {}).get(name) if shown and name else None,
            after=(entry.after or {}).get(name) if shown and name else None,
            actor_username=entry.actor_username,
            created=name is None,
        )


@strawberry.type(
    name="ContractExpiry",
    description="A contract or its probation ending soon: a reminder for the HR in charge.",
)
class ContractExpiryNode:
    _expiry: strawberry.Private[Expiry]

    @strawberry.field(description="What ends: CONTRACT or PROBATION.")
    def ending(self) -> str:
        return self._expiry.what.upper()

    @strawberry.field(description="The last day.")
    def ends_on(self) -> date:
        return self._expiry.ends_on

    @strawberry.field(description="The contract.")
    def contract(self) -> ContractNode:
        return ContractNode(_model=self._expiry.contract)

    @strawberry.field(description="The employee's number (工号).")
    def employee_number(self) -> str:
        return self._expiry.contract.employee.employee_number

    @strawberry.field(description="The employee's name.")
    def employee_name(self) -> str:
        return self._expiry.contract.employee.name

    @strawberry.field(description="The employee (global Employee ID).")
    def employee_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Employee", self._expiry.contract.employee_id))


@strawberry.type(name="Education", description="A school or degree in the employee's record.")
class EducationNode:
    _model: strawberry.Private[Education]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Education", self._model.id))

    @strawberry.field(description="School or university.")
    def school(self) -> str:
        return self._model.school

    @strawberry.field(description="Degree, e.g. 本科 or 硕士.")
    def degree(self) -> str:
        return self._model.degree

    @strawberry.field(description="Major.")
    def major(self) -> str | None:
        return self._model.major

    @strawberry.field(description="First day.")
    def start_date(self) -> date | None:
        return self._model.start_date

    @strawberry.field(description="Graduation.")
    def end_date(self) -> date | None:
        return self._model.end_date


@strawberry.type(name="WorkHistory", description="A job held before joining the company.")
class WorkHistoryNode:
    _model: strawberry.Private[WorkHistory]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("WorkHistory", self._model.id))

    @strawberry.field(description="The employer.")
    def employer(self) -> str:
        return self._model.employer

    @strawberry.field(description="Job title there.")
    def title(self) -> str:
        return self._model.title

    @strawberry.field(description="First day.")
    def start_date(self) -> date | None:
        return self._model.start_date

    @strawberry.field(description="Last day.")
    def end_date(self) -> date | None:
        return self._model.end_date


@strawberry.type(name="EmergencyContact", description="Whom to call in an emergency.")
class EmergencyContactNode:
    _model: strawberry.Private[EmergencyContact]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("EmergencyContact", self._model.id))

    @strawberry.field(description="Full name.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="Relationship, e.g. 配偶 (spouse).")
    def relationship(self) -> str:
        return self._model.relationship

    @strawberry.field(description="Phone number.")
    def phone(self) -> str:
        return self._model.phone


strawberry.enum(
    DocumentType,
    name="DocumentType",
    description="What an archive document is. ID copies are sensitive personal information.",
)


@strawberry.type(
    name="ArchiveDocument",
    description="A file in the employee's archive; download it from `downloadUrl` with the "
    "Bearer token.",
)
class ArchiveDocumentNode:
    _model: strawberry.Private[ArchiveDocument]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ArchiveDocument", self._model.id))

    @strawberry.field(description="What it is.")
    def type(self) -> DocumentType:
        return self._model.doc_type

    @strawberry.field(description="The file name as uploaded (extension from its content).")
    def file_name(self) -> str:
        return self._model.file_name

    @strawberry.field(description="The media type sniffed from the content.")
    def media_type(self) -> str:
        return self._model.media_type

    @strawberry.field(description="Size in bytes.")
    def size(self) -> int:
        return self._model.size

    @strawberry.field(description="Who uploaded it.")
    def uploaded_by(self) -> str | None:
        return self._model.uploaded_by

    @strawberry.field(description="When it was uploaded.")
    def uploaded_at(self) -> datetime:
        return self._model.uploaded_at

    @strawberry.field(description="GET this path with the Bearer token to download the file.")
    def download_url(self) -> str:
        return f"/archive/{self._model.id}"


@strawberry.type(
    name="EmployeeRecord",
    description="The personal part of an employee's record: education, work history, "
    "emergency contacts and archive documents. Readable by HR in charge and the employee.",
)
class EmployeeRecordNode:
    education: list[EducationNode] = strawberry.field(description="Schools and degrees.")
    work_history: list[WorkHistoryNode] = strawberry.field(description="Earlier jobs.")
    emergency_contacts: list[EmergencyContactNode] = strawberry.field(
        description="Emergency contacts."
    )
    documents: list[ArchiveDocumentNode] = strawberry.field(
        description="Archive documents, newest first (ID copies only with the sensitive group)."
    )
