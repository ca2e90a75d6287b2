"""Positions and employees.

Which of these fields a viewer may read is declared in `people.fields`
and enforced by `access`; the models only store. The ID number and the
bank account are stored sealed (people/sensitive.py), never in the clear.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from talentloop.org.models import OrgUnit


class EmployeeStatus(StrEnum):
    PROBATION = "probation"
    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    TERMINATED = "terminated"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Position(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    title = fields.CharField(max_length=128)
    level = fields.CharField(max_length=16)
    family = fields.CharField(max_length=64)

    class Meta:
        table = "position"
        ordering = ["family", "level", "code"]


class Employee(Model):
    id = fields.IntField(primary_key=True)
    # The sealed values below are bound to it: changing an employee number means re-sealing them.
    employee_number = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64, db_index=True)
    status = fields.CharEnumField(EmployeeStatus, max_length=16, default=EmployeeStatus.ACTIVE)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="employees", on_delete=fields.RESTRICT
    )
    position: fields.ForeignKeyNullableRelation[Position] = fields.ForeignKeyField(
        "talentloop.Position", related_name="employees", null=True, on_delete=fields.SET_NULL
    )
    manager: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    work_phone = fields.CharField(max_length=32, null=True)
    work_email = fields.CharField(max_length=128, null=True)
    hire_date = fields.DateField()
    termination_date = fields.DateField(null=True)
    termination_reason = fields.CharField(max_length=255, null=True)
    gender = fields.CharEnumField(Gender, max_length=8, null=True)
    birth_date = fields.DateField(null=True)
    personal_phone = fields.CharField(max_length=32, null=True)
    # Sensitive personal information (PIPL art. 28): AES-GCM ciphertexts with their key id,
    # and keyed hashes for exact look-up. Written and read through people/sensitive.py only.
    id_number_cipher = fields.CharField(max_length=255, null=True)
    id_number_hash = fields.CharField(max_length=64, null=True, db_index=True)
    bank_account_cipher = fields.CharField(max_length=255, null=True)
    bank_account_hash = fields.CharField(max_length=64, null=True, db_index=True)
    base_salary = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Raised by every write; a form sends back the one it read (talentloop.versions).
    version = fields.IntField(default=1, db_default=1)

    unit_id: int
    position_id: int | None
    manager_id: int | None

    class Meta:
        table = "employee"
        indexes = (("unit_id", "employee_number"), ("manager_id",), ("position_id",))
        ordering = ["employee_number"]

    def __str__(self) -> str:
        return f"{self.employee_number} {self.name}"


class LifecycleKind(StrEnum):
    PROBATION_CONFIRMATION = "probation_confirmation"  # 转正
    TRANSFER = "transfer"  # 调动: unit, position, manager, pay
    TERMINATION = "termination"  # 离职: a resignation or a dismissal


class LifecycleStatus(StrEnum):
    PENDING = "pending"  # with its approvers
    APPROVED = "approved"  # approved, waiting for its date (people/lifecycle.py, apply_due)
    APPLIED = "applied"  # the record changed
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class TerminationKind(StrEnum):
    RESIGNATION = "resignation"  # 辞职 (劳动合同法 art. 37)
    DISMISSAL = "dismissal"  # 解除 by the employer (劳动合同法 art. 39–41)
    MUTUAL_AGREEMENT = "mutual_agreement"  # 协商一致解除 (劳动合同法 art. 36)
    CONTRACT_EXPIRY = "contract_expiry"  # 劳动合同期满终止, not renewed (劳动合同法 art. 44 (1))

    @property
    def voluntary(self) -> bool:
        """Counted as a voluntary leaver in the turnover report: the employee's own notice."""
        return self is TerminationKind.RESIGNATION


class LifecycleChange(Model):
    """A change to someone's employment that runs through the approvals engine: a probation
    confirmation, a transfer or a termination. What it changes is kept here (the record as it
    stood and where it goes) until it is applied on its date; a termination also carries its
    offboarding checklist."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(LifecycleKind, max_length=24)
    status = fields.CharEnumField(LifecycleStatus, max_length=16, default=LifecycleStatus.PENDING)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="lifecycle_changes", on_delete=fields.CASCADE
    )
    requested_by_id = fields.IntField(null=True)  # the user who asked
    # A transfer and a confirmation take effect on this day; a termination: the last day worked.
    effective_date = fields.DateField(db_index=True)
    from_unit_id = fields.IntField(null=True)
    from_position_id = fields.IntField(null=True)
    from_manager_id = fields.IntField(null=True)
    to_unit_id = fields.IntField(null=True)
    to_position_id = fields.IntField(null=True)
    to_manager_id = fields.IntField(null=True)
    to_base_salary = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    termination_kind = fields.CharEnumField(TerminationKind, max_length=16, null=True)
    reason = fields.CharField(max_length=500, default="")
    # The offboarding checklist: [{"item": key, "done": bool, "by": username, "at": iso}].
    checklist: list[dict[str, object]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    applied_at = fields.DatetimeField(null=True)

    employee_id: int

    class Meta:
        table = "lifecycle_change"
        indexes = (("employee_id", "status"), ("status", "effective_date"))
        ordering = ["-id"]
