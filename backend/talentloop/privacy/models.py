"""Sensitive-data exports: a file of full ID numbers and bank accounts, made only after an
approval and fetched only by the person who asked for it.

Model docstrings become table comments: no semicolons in them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.jobs.models import Job
    from talentloop.org.models import OrgUnit


class ExportStatus(StrEnum):
    PENDING = "pending"  # waiting for its approval
    APPROVED = "approved"  # approved: the job writes the file
    REJECTED = "rejected"  # never produces a file
    READY = "ready"  # the file is there for its requester until `expires_at`
    EXPIRED = "expired"  # past `expires_at`: the file is deleted
    CANCELLED = "cancelled"  # withdrawn by its requester while pending
    FAILED = "failed"  # the job could not write the file


class SensitiveExport(Model):
    """A request for the ID numbers and bank accounts of a unit's people, and its file once approved."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="sensitive_exports", on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=500)
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="sensitive_exports", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(ExportStatus, max_length=16, default=ExportStatus.PENDING)
    # People in it: counted when asked for, then what the file holds once written.
    row_count = fields.IntField(default=0)
    progress = fields.IntField(default=0)  # percent, while the job runs
    step = fields.CharField(max_length=128, default="")
    error = fields.CharField(max_length=255, default="")
    job: fields.ForeignKeyNullableRelation[Job] = fields.ForeignKeyField(
        "talentloop.Job", related_name="sensitive_exports", null=True, on_delete=fields.SET_NULL
    )
    file_name = fields.CharField(max_length=128, default="")
    content = fields.BinaryField(null=True)  # deleted when it expires
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    ready_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)

    unit_id: int
    requested_by_id: int
    job_id: int | None

    class Meta:
        table = "sensitive_export"
        indexes = (("requested_by_id", "created_at"), ("status", "expires_at"))
