"""Issue 22: a company moving in mid-year brings each person's payroll figures of the year so
far (PayrollOpening): the last month its old system paid and, through it, the cumulative
income, contributions, special additional and other deductions, tax withheld and months
employed — where the cumulative withholding of the months after starts from."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0035_imports")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PayrollOpening",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("employee", fields.ForeignKeyField("talentloop.Employee", source_field="employee_id", db_constraint=True, to_field="id", related_name="payroll_openings", on_delete=OnDelete.RESTRICT)),
                ("year", fields.IntField()),
                ("last_month", fields.IntField()),
                ("months_employed", fields.IntField()),
                ("income", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("contributions", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("special_additional", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("other_deductions", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ("tax", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("note", fields.CharField(default="", max_length=255)),
                ("updated_by", fields.ForeignKeyField("talentloop.User", source_field="updated_by_id", null=True, db_constraint=True, to_field="id", related_name="payroll_openings", on_delete=OnDelete.SET_NULL)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "payroll_opening",
                "app": "talentloop",
                "unique_together": (("employee", "year"),),
                "pk_attr": "id",
                "table_description": "A person's payroll figures of a tax year paid before TalentLoop (issue 22): the old system paid January through `last_month`, TalentLoop pays from the month after (the cut-over).",
            },
            bases=["Model"],
        ),
    ]
