"""Issue 21 point 3: a month of performance results can be closed (performance/closing.py):
the close, and the snapshot of every person's actual and target it keeps."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0030_payroll_staleness")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PeriodClose",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("month", fields.DateField(db_index=True)),
                ("unit_id", fields.IntField()),
                ("unit_path", fields.CharField(max_length=512)),
                ("closed_by_user_id", fields.IntField(null=True)),
                ("closed_by", fields.CharField(max_length=64, null=True)),
                ("closed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("reopened_by_user_id", fields.IntField(null=True)),
                ("reopened_by", fields.CharField(max_length=64, null=True)),
                ("reopened_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("reopen_reason", fields.CharField(max_length=500, null=True)),
            ],
            options={
                "table": "performance_period_close",
                "app": "talentloop",
                "indexes": [Index(fields=["month", "reopened_at"])],
                "pk_attr": "id",
                "table_description": "A month closed for a unit's subtree (the company's when the unit is the top of the",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PeriodSnapshot",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("close_id", fields.IntField(db_index=True)),
                ("kpi_id", fields.IntField()),
                ("period", fields.DateField()),
                ("employee_id", fields.IntField()),
                ("unit_path", fields.CharField(max_length=512)),
                ("actual", fields.DecimalField(null=True, max_digits=16, decimal_places=4)),
                ("target", fields.DecimalField(null=True, max_digits=16, decimal_places=4)),
            ],
            options={
                "table": "performance_period_snapshot",
                "app": "talentloop",
                "indexes": [Index(fields=["kpi_id", "period", "close_id"])],
                "pk_attr": "id",
                "table_description": "One person's actual and target of one KPI in a closed month, as they stood when it was",
            },
            bases=["Model"],
        ),
    ]
