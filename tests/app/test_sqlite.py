"""SQLite as the app opens it: WAL, a busy timeout, and transactions that hold the write lock
from their first moment — what lets several processes write one file (tests/concurrency)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tortoise import connections

from talentloop.db import tortoise_config
from talentloop.sqlite import TalentLoopSqliteClient


@pytest.fixture
def sqlite_client() -> TalentLoopSqliteClient:
    client = connections.get("default")
    if not isinstance(client, TalentLoopSqliteClient):
        pytest.skip("SQLite only")
    return client


async def test_the_database_is_opened_for_many_writers(
    sqlite_client: TalentLoopSqliteClient,
) -> None:
    async def pragma(name: str) -> object:
        (row,) = await sqlite_client.execute_query_dict(f"PRAGMA {name}")
        return next(iter(row.values()))

    assert await pragma("journal_mode") == "wal"
    assert await pragma("busy_timeout") == 30_000
    assert await pragma("synchronous") == 1  # NORMAL
    assert await pragma("foreign_keys") == 1


async def test_a_transaction_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    # A file of its own, opened as the app opens one: a second sqlite3 connection here on the
    # suite's file would test the same thing, but its locks are not this test's to take.
    config = tortoise_config(f"sqlite://{tmp_path}/lock.sqlite3")
    client = TalentLoopSqliteClient(
        **config["connections"]["default"]["credentials"], connection_name="lock"
    )
    await client.create_connection(with_db=True)
    await client.execute_script("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(client.filename, timeout=0, isolation_level=None)
    try:
        async with client._in_transaction():
            # Nothing read or written yet, and another connection already cannot write.
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once it committed
        other.execute("ROLLBACK")
    finally:
        other.close()
        await client.close()


def test_settings_in_the_url_win(tmp_path: Path) -> None:
    config = tortoise_config(f"sqlite://{tmp_path}/db.sqlite3?busy_timeout=60000")
    connection = config["connections"]["default"]
    assert connection["engine"] == "talentloop.sqlite"
    client = TalentLoopSqliteClient(**connection["credentials"], connection_name="x")
    assert client.pragmas["busy_timeout"] == "60000"
    assert client.pragmas["journal_mode"] == "WAL"
