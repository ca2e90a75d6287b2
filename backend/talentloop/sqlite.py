"""The SQLite backend as TalentLoop uses it: Tortoise's client with settings for many writers.

SQLite allows one writer at a time per database file. Inside one API process Tortoise already
sends every statement through one connection, one at a time; what this module adds is for
several processes on one file (two uvicorn workers, a `seed` beside a server, the tests'
servers):

- `journal_mode=WAL`: readers never wait for the writer, nor the writer for readers.
- `busy_timeout`: a writer that finds the file locked waits for it (30 s) instead of failing
  at once with "database is locked".
- `BEGIN IMMEDIATE`: a transaction takes the write lock when it starts. A plain (deferred)
  `BEGIN` takes it at the first write; if another process committed after the transaction's
  first read, SQLite cannot wait (the snapshot it read is stale) and answers SQLITE_BUSY at
  once, whatever the busy timeout — the "database is locked" that reached users before.
- `synchronous=NORMAL`: with WAL, a commit survives a crash of the process (not of the
  machine's power); one fsync per checkpoint instead of per commit.

Each can be overridden in the URL: `sqlite://var/db.sqlite3?busy_timeout=60000`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import NestedTransactionContext, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import OperationalError

PRAGMAS: dict[str, Any] = {
    # First, so that even switching the journal mode waits for a lock held by another process.
    "busy_timeout": 30_000,
    "journal_mode": "WAL",
    "synchronous": "NORMAL",
    "foreign_keys": "ON",
}


class TalentLoopSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **{**PRAGMAS, **kwargs})

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    """A transaction that holds the write lock from its first statement to its commit."""

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(ImmediateTransactionWrapper(self))

    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            # Still locked after busy_timeout: an OperationalError, as any failed statement.
            raise OperationalError(exc) from exc


client_class = TalentLoopSqliteClient
