"""Issue 21 (2): payroll follows every decision. A draft or reviewed run records why it is out
of date (an input changed after it was computed) and what its last recompute changed."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0028_trainers")]

    initial = False

    operations = [
        ops.AddField(
            model_name="PayrollRun",
            name="changes",
            field=fields.JSONField(null=True),
        ),
        ops.CreateModel(
            name="PayrollRunStaleReason",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("run", fields.ForeignKeyField("talentloop.PayrollRun", source_field="run_id", db_constraint=True, to_field="id", related_name="stale_reasons", on_delete=OnDelete.CASCADE)),
                ("message", fields.CharField(max_length=255)),
                ("params", fields.JSONField(default=dict)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "payroll_run_stale_reason",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "Why a draft or reviewed run is out of date: an input it was computed from changed after (payroll/staleness.py). `message` is a catalogue msgid, `params` its placeholders. The job that recomputes the run deletes the reasons it has taken in.",
            },
            bases=["Model"],
        ),
    ]
