from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# A KPI target is either an employee's or a unit's, so one of the two columns is always NULL,
# and the unique (kpi, period, employee, unit) never fires (NULLs are distinct): two writers
# could both insert "the" target of an employee for a period. One partial unique index per
# kind makes the second insert fail (and the service update the first instead). Duplicates
# already there keep their newest row.
_DEDUPE = """DELETE FROM kpi_target WHERE {col} IS NOT NULL AND id NOT IN (
    SELECT MAX(id) FROM kpi_target WHERE {col} IS NOT NULL GROUP BY kpi_id, period, {col})"""
_UNIQUE = """CREATE UNIQUE INDEX uidx_kpi_target_{col} ON kpi_target (kpi_id, period, {col})
    WHERE {col} IS NOT NULL"""


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0007_personal_data")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Employee",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="KpiTarget",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="OrgUnit",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.RunSQL(
            [_DEDUPE.format(col=col) for col in ("employee_id", "unit_id")]
            + [_UNIQUE.format(col=col) for col in ("employee_id", "unit_id")],
            reverse_sql=[f"DROP INDEX uidx_kpi_target_{col}" for col in ("employee_id", "unit_id")],
        ),
    ]
