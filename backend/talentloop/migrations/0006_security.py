from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.accounts.models import SignInOutcome
from talentloop.audit.models import AuditAction
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0005_analytics")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="api_tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=64)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("prefix", fields.CharField(max_length=16)),
                (
                    "scopes",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "api_token",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "A long-lived token an integrator sends as `Bearer tl_...`, acting as its owner within its scopes.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AuditEntry",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("actor_user_id", fields.IntField(null=True, db_index=True)),
                ("actor_username", fields.CharField(null=True, max_length=64)),
                ("api_token_id", fields.IntField(null=True)),
                (
                    "action",
                    fields.CharEnumField(
                        db_index=True,
                        description="SIGN_IN: sign_in\nSIGN_IN_FAILED: sign_in_failed\nSIGN_OUT: sign_out\nACCESS_DENIED: access_denied\nSENSITIVE_READ: sensitive_read\nCREATE: create\nUPDATE: update\nDELETE: delete",
                        enum_type=AuditAction,
                        max_length=24,
                    ),
                ),
                ("subject_type", fields.CharField(null=True, max_length=32)),
                ("subject_id", fields.IntField(null=True)),
                ("employee_id", fields.IntField(null=True, db_index=True)),
                ("field", fields.CharField(null=True, max_length=64)),
                ("reason", fields.CharField(null=True, max_length=500)),
                ("client_address", fields.CharField(null=True, max_length=64)),
                (
                    "before",
                    fields.JSONField(
                        null=True,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "after",
                    fields.JSONField(
                        null=True,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
            ],
            options={
                "table": "audit_entry",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "One event in the audit trail. Sensitive values (ID number, bank account) are never stored, only that they changed.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SignInAttempt",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("username", fields.CharField(max_length=128)),
                ("client_address", fields.CharField(null=True, max_length=64)),
                (
                    "outcome",
                    fields.CharEnumField(
                        default=SignInOutcome.PENDING,
                        description="PENDING: pending\nFAILED: failed\nSUCCEEDED: succeeded\nLOCKED: locked\nTHROTTLED: throttled",
                        enum_type=SignInOutcome,
                        max_length=16,
                    ),
                ),
                ("cleared", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "sign_in_attempt",
                "app": "talentloop",
                "indexes": [
                    Index(fields=["username", "created_at"]),
                    Index(fields=["client_address", "created_at"]),
                ],
                "pk_attr": "id",
                "table_description": "One sign-in (or re-authentication) attempt, for lockout and throttling.",
            },
            bases=["Model"],
        ),
    ]
