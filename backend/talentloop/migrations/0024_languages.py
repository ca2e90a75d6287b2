"""Languages (issue 20, "Chinese throughout"): the user's chosen language, and approval titles
stored as a message and its parameters (approvals/titles.py) so each viewer reads them in their
own language. Existing leave and overtime titles ("personal 2026-12-11–2026-12-11",
"2026-12-05 6 h") are parsed into their message; other titles keep their text.
"""

import json
import re

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

LEAVE = "{type_label} {start}–{end}"
OVERTIME = "{date} {hours} h"
_LEAVE = re.compile(r"^(\w+) (\d{4}-\d{2}-\d{2})–(\d{4}-\d{2}-\d{2})$")
_OVERTIME = re.compile(r"^(\d{4}-\d{2}-\d{2}) ([\d.]+) h$")


def _placeholders(client, count):
    if client.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


async def key_titles(apps, schema_editor) -> None:
    client = schema_editor.client
    _, rows = await client.execute_query(
        "SELECT id, request_type, title FROM approval_request "
        "WHERE request_type IN ('leave', 'overtime') AND title_key IS NULL"
    )
    marks = _placeholders(client, 3)
    update = (
        f"UPDATE approval_request SET title_key = {marks[0]}, title_params = {marks[1]} "
        f"WHERE id = {marks[2]}"
    )
    for row in rows:
        title = row["title"] or ""
        if row["request_type"] == "leave" and (m := _LEAVE.match(title)):
            key, params = LEAVE, {"type_label": m[1], "start": m[2], "end": m[3]}
        elif row["request_type"] == "overtime" and (m := _OVERTIME.match(title)):
            key, params = OVERTIME, {"date": m[1], "hours": m[2]}
        else:
            continue
        await client.execute_query(update, [key, json.dumps(params), row["id"]])


async def unkey_titles(apps, schema_editor) -> None:
    """Backwards: the English text stayed in `title`; the columns are dropped."""


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0023_role_grants")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="language",
            field=fields.CharField(null=True, max_length=8),
        ),
        ops.AddField(
            model_name="ApprovalRequest",
            name="title_key",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name="ApprovalRequest",
            name="title_params",
            field=fields.JSONField(null=True),
        ),
        ops.RunPython(key_titles, unkey_titles),
    ]
