"""What an import changed, record by record, and the column mappings saved per kind.

Model docstrings become table comments: no semicolons in them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ImportMode(StrEnum):
    UPSERT = "upsert"  # create the new, update the existing (by the kind's key)
    INSERT = "insert"  # create only: a row whose record exists is a bad row
    UPDATE = "update"  # update only: a row whose record is missing is a bad row


class ImportChange(Model):
    """One record an import created or changed, with its stored columns before (null when
    created) and after, in the order written: undo walks them back in reverse."""

    id = fields.IntField(primary_key=True)
    job_id = fields.IntField(db_index=True)
    subject_type = fields.CharField(max_length=64)  # the model's name
    subject_id = fields.IntField()
    before: fields.Field[Any] = fields.JSONField(null=True)
    after: fields.Field[Any] = fields.JSONField(null=True)

    class Meta:
        table = "import_change"


class ImportMapping(Model):
    """The columns of a kind's file as HR last mapped them (header to column key) and the
    values mapped (column key to a map of file value to stored value), reused next time."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32, unique=True)
    columns: fields.Field[Any] = fields.JSONField(default=dict)
    values: fields.Field[Any] = fields.JSONField(default=dict)
    updated_by_user_id = fields.IntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "import_mapping"
