"""Personal data at rest: the ID number and the bank account move from plain columns to AES-GCM
ciphertexts with keyed look-up hashes (people/sensitive.py, privacy/cipher.py).

1. add the `*_cipher` and `*_hash` columns;
2. seal every plain value with the current key (the keys come from configuration, as for the
   running service) and clear the plain column in the same UPDATE;
3. drop the plain columns.

On SQLite, secure_delete is switched on for the step, so the pages freed when the table is
rebuilt without the plain columns are zeroed instead of keeping the old values in the file. On
PostgreSQL the old row versions are removed by (auto)vacuum; `VACUUM FULL employee` after the
upgrade rewrites the table at once (docs/architecture.md, "Personal data").

Backwards, the values are opened again into plain columns (the keys must still be configured).
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

SENSITIVE = ("id_number", "bank_account")


def _placeholders(client, count):
    if client.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


async def seal_plain_values(apps, schema_editor) -> None:
    from talentloop.people.sensitive import sealed_columns

    client = schema_editor.client
    if client.capabilities.dialect == "sqlite":
        await client.execute_query("PRAGMA secure_delete = ON")
    _, rows = await client.execute_query(
        "SELECT id, employee_number, id_number, bank_account FROM employee "
        "WHERE id_number IS NOT NULL OR bank_account IS NOT NULL"
    )
    marks = _placeholders(client, 5)
    update = (
        f"UPDATE employee SET id_number_cipher = {marks[0]}, id_number_hash = {marks[1]}, "
        f"bank_account_cipher = {marks[2]}, bank_account_hash = {marks[3]}, "
        f"id_number = NULL, bank_account = NULL WHERE id = {marks[4]}"
    )
    for row in rows:
        plain = {name: (row[name] or "").strip() or None for name in SENSITIVE}
        sealed = sealed_columns(row["employee_number"], plain)
        await client.execute_query(
            update,
            [
                sealed["id_number_cipher"],
                sealed["id_number_hash"],
                sealed["bank_account_cipher"],
                sealed["bank_account_hash"],
                row["id"],
            ],
        )


async def open_sealed_values(apps, schema_editor) -> None:
    from talentloop.people.sensitive import SensitiveField, context
    from talentloop.privacy.cipher import open_sealed

    client = schema_editor.client
    _, rows = await client.execute_query(
        "SELECT id, employee_number, id_number_cipher, bank_account_cipher FROM employee "
        "WHERE id_number_cipher IS NOT NULL OR bank_account_cipher IS NOT NULL"
    )
    marks = _placeholders(client, 3)
    update = (
        f"UPDATE employee SET id_number = {marks[0]}, bank_account = {marks[1]} "
        f"WHERE id = {marks[2]}"
    )
    for row in rows:
        plain = [
            open_sealed(
                row[f"{name}_cipher"], context(row["employee_number"], SensitiveField(name))
            )
            if row[f"{name}_cipher"]
            else None
            for name in SENSITIVE
        ]
        await client.execute_query(update, [*plain, row["id"]])


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0006_security")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Employee",
            name="id_number_cipher",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Employee",
            name="id_number_hash",
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
        ops.AddField(
            model_name="Employee",
            name="bank_account_cipher",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="Employee",
            name="bank_account_hash",
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
        ops.RunPython(seal_plain_values, open_sealed_values),
        ops.RemoveField(model_name="Employee", name="id_number"),
        ops.RemoveField(model_name="Employee", name="bank_account"),
    ]
