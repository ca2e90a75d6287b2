"""Labour contracts and employment events.

Both rows belong to one employee and are read through the employee's scope (`access`),
with the WORK field group. Dates are calendar dates in the company's time zone.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from talentloop.people.models import TerminationKind

if TYPE_CHECKING:
    from talentloop.people.models import Employee


class ContractEndReason(StrEnum):
    """Why a contract ended before the end it was signed with."""

    # Replaced by a new contract while the employment goes on: a change of its terms agreed in
    # writing (劳动合同法 art. 35), e.g. a fixed term turned into an open-ended contract.
    REPLACED = "replaced"
    # The employment ended (劳动合同法 art. 44, 50): the termination's last day.
    EMPLOYMENT_ENDED = "employment_ended"


class ContractKind(StrEnum):
    """劳动合同法 art. 12: fixed term, open-ended, or for the completion of a task."""

    FIXED_TERM = "fixed_term"
    OPEN_ENDED = "open_ended"
    TASK = "task"


class EventKind(StrEnum):
    ONBOARDING = "onboarding"
    TRANSFER = "transfer"
    RESIGNATION = "resignation"
    REHIRE = "rehire"  # a former employee back: a new employment period


class Contract(Model):
    """A labour contract. A renewal is a new contract pointing to the one it renews."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="contracts", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(ContractKind, max_length=16)
    start_date = fields.DateField()
    # Null for an open-ended contract, and for a task contract whose end is not yet known.
    end_date = fields.DateField(null=True, db_index=True)
    probation_end = fields.DateField(null=True, db_index=True)
    signed_on = fields.DateField()
    renews: fields.ForeignKeyNullableRelation[Contract] = fields.ForeignKeyField(
        "talentloop.Contract", related_name="renewals", null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=255, null=True)
    # Set when the contract was ended before its own end (endContract, or a termination).
    end_reason: ContractEndReason | None = fields.CharEnumField(  # type: ignore[assignment]
        ContractEndReason, max_length=24, null=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    renews_id: int | None

    class Meta:
        table = "contract"
        indexes = (("employee_id", "start_date"),)
        ordering = ["start_date", "id"]

    def covers_until(self) -> date:
        return self.end_date or date.max


class EmploymentEvent(Model):
    """Onboarding, a transfer, a resignation or a rehire, with the unit and position before and
    after. The events are the record of employment periods: one runs from the onboarding (or
    the hire date) or a rehire to the next resignation."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="employment_events", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(EventKind, max_length=16)
    effective_date = fields.DateField(db_index=True)
    from_unit_id = fields.IntField(null=True)
    to_unit_id = fields.IntField(null=True)
    from_position_id = fields.IntField(null=True)
    to_position_id = fields.IntField(null=True)
    note = fields.CharField(max_length=255, null=True)
    # A RESIGNATION event's kind of leaving (the turnover report's voluntary leavers).
    termination_kind: TerminationKind | None = fields.CharEnumField(  # type: ignore[assignment]
        TerminationKind, max_length=16, null=True
    )
    actor_username = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int

    class Meta:
        table = "employment_event"
        indexes = (("employee_id", "effective_date"),)
        ordering = ["effective_date", "id"]


class DocumentType(StrEnum):
    ID_COPY = "id_copy"
    DIPLOMA = "diploma"
    CONTRACT_SCAN = "contract_scan"
    CERTIFICATE = "certificate"
    RESUME = "resume"  # the résumé the candidate gave, kept at hire
    OTHER = "other"


class ArchiveDocument(Model):
    """A file in the employee's archive. The bytes live in the configured storage under `storage_key`, never in the database."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="archive_documents", on_delete=fields.RESTRICT
    )
    doc_type = fields.CharEnumField(DocumentType, max_length=16)
    file_name = fields.CharField(max_length=255)
    media_type = fields.CharField(max_length=64)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=128, unique=True)
    uploaded_by = fields.CharField(max_length=64, null=True)
    uploaded_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int

    class Meta:
        table = "archive_document"
        indexes = (("employee_id",),)
        ordering = ["-uploaded_at", "-id"]


class Education(Model):
    """A school or degree in the employee's record (personal data)."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="education", on_delete=fields.CASCADE
    )
    school = fields.CharField(max_length=128)
    degree = fields.CharField(max_length=64)
    major = fields.CharField(max_length=128, null=True)
    start_date = fields.DateField(null=True)
    end_date = fields.DateField(null=True)

    employee_id: int

    class Meta:
        table = "education"
        indexes = (("employee_id",),)
        ordering = ["-end_date", "id"]


class WorkHistory(Model):
    """A job held before joining the company (personal data)."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="work_history", on_delete=fields.CASCADE
    )
    employer = fields.CharField(max_length=128)
    title = fields.CharField(max_length=128)
    start_date = fields.DateField(null=True)
    end_date = fields.DateField(null=True)

    employee_id: int

    class Meta:
        table = "work_history"
        indexes = (("employee_id",),)
        ordering = ["-end_date", "id"]


class EmergencyContact(Model):
    """Whom to call in an emergency (personal data)."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="emergency_contacts", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    relationship = fields.CharField(max_length=32)
    phone = fields.CharField(max_length=32)

    employee_id: int

    class Meta:
        table = "emergency_contact"
        indexes = (("employee_id",),)
        ordering = ["id"]
