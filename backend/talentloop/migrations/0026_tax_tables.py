"""Issue 19 (3): income-tax tables as policy data with effective dates (payroll/models.py
IncomeTaxTable). An existing database gets the law's table (policy/seed.py LAW_TAX_TABLE, in
force from 2019), so its payroll taxes as before."""

import json

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from talentloop.policy.seed import LAW_TAX_SOURCE, LAW_TAX_TABLE, bracket_rows


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def law_table(apps, schema_editor) -> None:
    t = LAW_TAX_TABLE
    values = ", ".join([
        _text(t.valid_from.isoformat()),
        str(t.basic_deduction),
        _text(json.dumps(bracket_rows(t.annual))),
        _text(json.dumps(bracket_rows(t.monthly))),
        _text(LAW_TAX_SOURCE),
    ])
    await schema_editor.client.execute_script(
        "INSERT INTO income_tax_table (valid_from, basic_deduction, brackets, bonus_brackets, "
        f"source) VALUES ({values})"
    )


async def no_tables(apps, schema_editor) -> None:
    await schema_editor.client.execute_script("DELETE FROM income_tax_table")


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0025_accounts_invitations")]

    initial = False

    operations = [
        ops.CreateModel(
            name="IncomeTaxTable",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("valid_from", fields.DateField(unique=True)),
                ("basic_deduction", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("brackets", fields.JSONField()),
                ("bonus_brackets", fields.JSONField()),
                ("source", fields.TextField(default="")),
            ],
            options={
                "table": "income_tax_table",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "The income-tax figures from a date (payroll/calc.py TaxTable): the monthly basic deduction and the two bracket tables, each a list of {\"upper\", \"rate\", \"quick_deduction\"} as strings (upper null for the last). A change of law is a new row, none is edited.",
            },
            bases=["Model"],
        ),
        ops.RunPython(law_table, no_tables),
    ]
