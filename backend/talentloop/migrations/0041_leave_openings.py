"""Issue 22, time and leave imports: a person's leave as the system before this one left it
(`leave_opening_balance`: entitled, carried over and taken before the switch, per leave type
and year), the opening adjustment the computed balances start from. The import kind's column
lists the new kinds."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from talentloop.attendance.models import LeaveType
from talentloop.performance.models import ImportKind


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0036_payroll_openings")]

    initial = False

    operations = [
        ops.CreateModel(
            name="LeaveOpeningBalance",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("employee", fields.ForeignKeyField("talentloop.Employee", source_field="employee_id", db_constraint=True, to_field="id", related_name="leave_openings", on_delete=OnDelete.CASCADE)),
                ("leave_type", fields.CharEnumField(description="\n".join(f"{t.name}: {t.value}" for t in LeaveType), enum_type=LeaveType, max_length=16)),
                ("year", fields.IntField()),
                ("entitled", fields.IntField(null=True)),
                ("carried_over", fields.IntField(default=0)),
                ("taken", fields.IntField(default=0)),
            ],
            options={
                "table": "leave_opening_balance",
                "app": "talentloop",
                "unique_together": (("employee", "leave_type", "year"),),
                "pk_attr": "id",
                "table_description": "A person's leave of one type and year as the system before this one left it: the days",
            },
            bases=["Model"],
        ),
        ops.AlterField(
            model_name="ImportJob",
            name="kind",
            field=fields.CharEnumField(
                description="\n".join(f"{k.name}: {k.value}" for k in ImportKind),
                enum_type=ImportKind,
                max_length=32,
            ),
        ),
    ]
