"""The audit log (PIPL art. 51, 55: records of processing personal information).

Append-only: the service writes rows and never changes or deletes them, and the
model refuses a second save or a delete. Ids are kept as plain integers, not
foreign keys, so that removing a user or an employee leaves their history as it was.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    ACCESS_DENIED = "access_denied"
    SENSITIVE_READ = "sensitive_read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    IMPORT = "import"  # a file imported (its changes are CREATE / UPDATE entries of their own)
    IMPORT_UNDONE = "import_undone"
    EXPORT = "export"  # an import kind's records as a file (imports/files.py): kind, format, rows


class AuditEntry(Model):
    """One event in the audit trail. Sensitive values (ID number, bank account) are never stored, only that they changed."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    actor_user_id = fields.IntField(null=True, db_index=True)
    actor_username = fields.CharField(max_length=64, null=True)
    api_token_id = fields.IntField(null=True)
    action = fields.CharEnumField(AuditAction, max_length=24, db_index=True)
    subject_type = fields.CharField(max_length=32, null=True)
    subject_id = fields.IntField(null=True)
    employee_id = fields.IntField(null=True, db_index=True)
    field = fields.CharField(max_length=64, null=True)
    reason = fields.CharField(max_length=500, null=True)
    client_address = fields.CharField(max_length=64, null=True)
    before: fields.Field[Any] = fields.JSONField(null=True)
    after: fields.Field[Any] = fields.JSONField(null=True)

    class Meta:
        table = "audit_entry"

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            raise PermissionError("The audit log is append-only.")
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionError("The audit log is append-only.")
