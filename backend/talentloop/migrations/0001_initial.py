from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.accounts.models import Role
from talentloop.org.models import OrgUnitType
from talentloop.people.models import EmployeeStatus, Gender
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="OrgUnit",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=128)),
                (
                    "type",
                    fields.CharEnumField(
                        description="COMPANY: company\nBRANCH: branch\nDEPARTMENT: department\nTEAM: team",
                        enum_type=OrgUnitType,
                        max_length=16,
                    ),
                ),
                ("city", fields.CharField(null=True, max_length=64)),
                ("region", fields.CharField(null=True, max_length=64)),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="children",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("path", fields.CharField(db_index=True, max_length=512)),
                ("depth", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={"table": "org_unit", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Position",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("title", fields.CharField(max_length=128)),
                ("level", fields.CharField(max_length=16)),
                ("family", fields.CharField(max_length=64)),
            ],
            options={"table": "position", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Employee",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("employee_number", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(db_index=True, max_length=64)),
                (
                    "status",
                    fields.CharEnumField(
                        default=EmployeeStatus.ACTIVE,
                        description="PROBATION: probation\nACTIVE: active\nON_LEAVE: on_leave\nTERMINATED: terminated",
                        enum_type=EmployeeStatus,
                        max_length=16,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="employees",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "position",
                    fields.ForeignKeyField(
                        "talentloop.Position",
                        source_field="position_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="employees",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "manager",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="manager_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="reports",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("work_phone", fields.CharField(null=True, max_length=32)),
                ("work_email", fields.CharField(null=True, max_length=128)),
                ("hire_date", fields.DateField()),
                ("termination_date", fields.DateField(null=True)),
                ("termination_reason", fields.CharField(null=True, max_length=255)),
                (
                    "gender",
                    fields.CharEnumField(
                        null=True,
                        description="MALE: male\nFEMALE: female",
                        enum_type=Gender,
                        max_length=8,
                    ),
                ),
                ("birth_date", fields.DateField(null=True)),
                ("personal_phone", fields.CharField(null=True, max_length=32)),
                ("id_number", fields.CharField(null=True, max_length=32)),
                ("bank_account", fields.CharField(null=True, max_length=64)),
                ("base_salary", fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={"table": "employee", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="OrgUnit",
            name="manager",
            field=fields.ForeignKeyField(
                "talentloop.Employee",
                source_field="manager_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="managed_units",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("username", fields.CharField(unique=True, max_length=64)),
                ("password_hash", fields.CharField(max_length=255)),
                (
                    "role",
                    fields.CharEnumField(
                        description="ADMIN: admin\nHQ_HR: hq_hr\nBRANCH_HR: branch_hr\nMANAGER: manager\nEMPLOYEE: employee\nEXECUTIVE: executive",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="users",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "scope_unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="scope_unit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="scoped_users",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("is_active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_login_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "password_changed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={"table": "user_account", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RefreshToken",
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
                        related_name="refresh_tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("family", fields.CharField(db_index=True, max_length=36)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "refresh_token", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
