"""Migration 0007 on a database that holds plain values (as every database before it did): the
values are sealed, the plain columns dropped — and, backwards, opened again.

It runs in another process on a database of its own (a temporary SQLite file, or a schema of
its own in the PostgreSQL test database), since migrating re-initialises Tortoise's globals."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_DATABASE_URL

SCRIPT = r"""
import asyncio, json, sys
from pathlib import Path
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate
from talentloop.db import tortoise_config

URL, SCHEMA = sys.argv[1], sys.argv[2]
PLAIN = [("A1", "11010519491231002X", "6222020000001234567"), ("A2", None, "6222020000007654321"),
         ("A3", None, None)]


async def sql(query, values=None):
    await Tortoise.init(config=tortoise_config(URL))
    try:
        return (await connections.get("default").execute_query(query, values or []))[1]
    finally:
        await Tortoise.close_connections()


async def columns():
    if URL.startswith("postgres"):
        rows = await sql("SELECT column_name FROM information_schema.columns "
                         f"WHERE table_name = 'employee' AND table_schema = '{SCHEMA}'")
        return sorted(r["column_name"] for r in rows)
    return sorted(r["name"] for r in await sql('PRAGMA table_info("employee")'))


def on_disk():
    if URL.startswith("postgres"):
        return b""
    path = Path(URL.removeprefix("sqlite://"))
    return b"".join(p.read_bytes() for p in [path, Path(f"{path}-wal")] if p.exists())


async def main():
    pg = URL.startswith("postgres")
    mark = (lambda i: f"${i}") if pg else (lambda i: "?")
    if pg:
        base = URL.split("?")[0]
        await Tortoise.init(config=tortoise_config(base))
        await connections.get("default").execute_script(
            f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA};")
        await Tortoise.close_connections()
    await migrate(config=tortoise_config(URL), target="talentloop.0006_security")
    await Tortoise.close_connections()
    now = "2026-01-01 00:00:00+00:00"
    await sql("INSERT INTO org_unit (code, name, type, path, depth, created_at, updated_at) "
              f"VALUES ('C', 'C', 'company', '/1/', 0, {mark(1)}, {mark(2)})",
              [now, now] if not pg else [__import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").timezone.utc)] * 2)
    for number, id_number, account in PLAIN:
        stamp = now if not pg else __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").timezone.utc)
        hired = "2020-01-01" if not pg else __import__("datetime").date(2020, 1, 1)
        await sql("INSERT INTO employee (employee_number, name, status, unit_id, hire_date, "
                  "id_number, bank_account, created_at, updated_at) VALUES "
                  f"({mark(1)}, 'x', 'active', 1, {mark(2)}, {mark(3)}, {mark(4)}, {mark(5)}, {mark(6)})",
                  [number, hired, id_number, account, stamp, stamp])
    before = await columns()
    seen_before = [v for _, *vs in PLAIN for v in vs if v and v.encode() in on_disk()]
    await migrate(config=tortoise_config(URL), target="talentloop.0007_personal_data")
    await Tortoise.close_connections()
    after = await columns()
    rows = await sql("SELECT employee_number, id_number_cipher, id_number_hash, "
                     "bank_account_cipher, bank_account_hash FROM employee ORDER BY employee_number")
    from talentloop.people.sensitive import SensitiveField, context, lookup_hash
    from talentloop.privacy.cipher import open_sealed
    opened = []
    for r in rows:
        opened.append({f.value: None if r[f.cipher_column] is None else
                       open_sealed(r[f.cipher_column], context(r["employee_number"], f))
                       for f in SensitiveField} | {"hashes_match": all(
                           (r[f.hash_column] is None) == (r[f.cipher_column] is None)
                           and (r[f.hash_column] is None or r[f.hash_column] == lookup_hash(
                               f, open_sealed(r[f.cipher_column], context(r["employee_number"], f))))
                           for f in SensitiveField)})
    leaked = [v for _, *vs in PLAIN for v in vs if v and v.encode() in on_disk()]
    await migrate(config=tortoise_config(URL), target="talentloop.0006_security")
    await Tortoise.close_connections()
    back = await sql("SELECT employee_number, id_number, bank_account FROM employee "
                     "ORDER BY employee_number")
    if pg:
        await Tortoise.init(config=tortoise_config(URL.split("?")[0]))
        await connections.get("default").execute_script(f"DROP SCHEMA {SCHEMA} CASCADE;")
        await Tortoise.close_connections()
    print(json.dumps({"before": before, "after": after, "opened": opened, "leaked": leaked,
                      "seen_before": seen_before,
                      "back": [[r["employee_number"], r["id_number"], r["bank_account"]]
                               for r in back]}))


asyncio.run(main())
"""


async def test_existing_plain_values_are_sealed_and_the_plain_columns_dropped(
    tmp_path: Path,
) -> None:
    schema = "tl_migration_0007"
    if TEST_DATABASE_URL.startswith("postgres"):
        url = f"{TEST_DATABASE_URL}{'&' if '?' in TEST_DATABASE_URL else '?'}schema={schema}"
    else:
        url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", SCRIPT, url, schema],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"id_number", "bank_account"} <= set(result["before"])
    assert not {"id_number", "bank_account"} & set(result["after"])
    assert {
        "id_number_cipher",
        "id_number_hash",
        "bank_account_cipher",
        "bank_account_hash",
    } <= set(result["after"])
    assert result["opened"] == [
        {
            "id_number": "11010519491231002X",
            "bank_account": "6222020000001234567",
            "hashes_match": True,
        },
        {"id_number": None, "bank_account": "6222020000007654321", "hashes_match": True},
        {"id_number": None, "bank_account": None, "hashes_match": True},
    ]
    if TEST_DATABASE_URL.startswith("sqlite"):
        # In the file before; not left behind in its freed pages after.
        assert len(result["seen_before"]) == 3 and result["leaked"] == []
    assert result["back"] == [
        ["A1", "11010519491231002X", "6222020000001234567"],
        ["A2", None, "6222020000007654321"],
        ["A3", None, None],
    ]
