"""Issue 21 point 6: a missing punch is put right by a correction (补卡) decided through the
approvals engine; an approved one is stored as a punch whose source is "correction", which
needs a wider source column (8 → 16)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from talentloop.attendance.models import CorrectionStatus, PunchSource


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0031_period_close")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PunchCorrection",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("employee", fields.ForeignKeyField("talentloop.Employee", source_field="employee_id", db_constraint=True, to_field="id", related_name="punch_corrections", on_delete=OnDelete.CASCADE)),
                ("date", fields.DateField()),
                ("clock_in_minute", fields.IntField(null=True)),
                ("clock_out_minute", fields.IntField(null=True)),
                ("reason", fields.CharField(max_length=255)),
                ("status", fields.CharEnumField(default=CorrectionStatus.PENDING, description="PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nCANCELLED: cancelled", enum_type=CorrectionStatus, max_length=16)),
                ("requested_by", fields.ForeignKeyField("talentloop.User", source_field="requested_by_id", null=True, db_constraint=True, to_field="id", related_name="punch_corrections_made", on_delete=OnDelete.SET_NULL)),
                ("decided_by", fields.ForeignKeyField("talentloop.User", source_field="decided_by_id", null=True, db_constraint=True, to_field="id", related_name="punch_correction_decisions", on_delete=OnDelete.SET_NULL)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decision_note", fields.CharField(default="", max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "punch_correction", "app": "talentloop", "indexes": [Index(fields=["employee_id", "date"])], "pk_attr": "id", "table_description": "A request to put right a missing punch (补卡) for one past day, with its in and out times and a reason, decided through the approvals engine"},
            bases=["Model"],
        ),
        ops.AlterField(
            model_name="Punch",
            name="source",
            field=fields.CharEnumField(description="WEB: web\nMOBILE: mobile\nDEVICE: device\nCORRECTION: correction", enum_type=PunchSource, max_length=16),
        ),
    ]
