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

if TYPE_CHECKING:
    from talentloop.people.models import Employee


class ContractKind(StrEnum):
    """劳动合同法 art. 12: fixed term, open-ended, or for the completion of a task."""

    FIXED_TERM = "fixed_term"
    OPEN_ENDED = "open_ended"
    TASK = "task"


class EventKind(StrEnum):
    ONBOARDING = "onboarding"
    TRANSFER = "transfer"
    RESIGNATION = "resignation"


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
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    renews_id: int | None

    class Meta:
        table = "contract"
        ordering = ["start_date", "id"]

    def covers_until(self) -> date:
        return self.end_date or date.max


class EmploymentEvent(Model):
    """Onboarding, a transfer or a resignation, with the unit and position before and after."""

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
    actor_username = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int

    class Meta:
        table = "employment_event"
        ordering = ["effective_date", "id"]
