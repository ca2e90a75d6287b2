"""Issue 22, a company's data in and out: an import's mode and column mapping, its undo, what
it changed record by record (`import_change`), and the mappings saved per kind. The kind's
column grows for the new kinds' names."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from talentloop.performance.models import ImportKind


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0034_time_zones")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="ImportJob",
            name="kind",
            field=fields.CharEnumField(
                description="\n".join(f"{k.name}: {k.value}" for k in ImportKind),
                enum_type=ImportKind,
                max_length=32,
            ),
        ),
        ops.AddField(
            model_name="ImportJob",
            name="mode",
            field=fields.CharField(default="upsert", max_length=16),
        ),
        ops.AddField(model_name="ImportJob", name="mapping", field=fields.JSONField(null=True)),
        ops.AddField(
            model_name="ImportJob",
            name="undone_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="ImportJob", name="undone_by_user_id", field=fields.IntField(null=True)
        ),
        ops.CreateModel(
            name="ImportChange",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("job_id", fields.IntField(db_index=True)),
                ("subject_type", fields.CharField(max_length=64)),
                ("subject_id", fields.IntField()),
                ("before", fields.JSONField(null=True)),
                ("after", fields.JSONField(null=True)),
            ],
            options={
                "table": "import_change",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "One record an import created or changed, with its stored columns before (null when",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ImportMapping",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("kind", fields.CharField(max_length=32, unique=True)),
                ("columns", fields.JSONField(default=dict)),
                ("values", fields.JSONField(default=dict)),
                ("updated_by_user_id", fields.IntField(null=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "import_mapping",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "The columns of a kind's file as HR last mapped them (header to column key) and the",
            },
            bases=["Model"],
        ),
    ]
