"""Counting the SQL statements Tortoise sends, on any backend: for the statement-count tests
(a list must not cost more statements for more rows) and for the benchmark's server.

Tortoise logs every statement on the `tortoise.db_client` logger at DEBUG level (and a line
when it opens or closes a connection, which is not a statement). A handler on that logger
counts into whatever counter the current context holds: DataLoader batches run in tasks
created inside the request, which inherit the context, so they count too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

LOGGER_NAME = "tortoise.db_client"
_NOT_STATEMENTS = ("Created connection", "Closed connection")


@dataclass
class Statements:
    """The statements sent while it was current."""

    sql: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sql)


_current: ContextVar[Statements | None] = ContextVar("talentloop_statements", default=None)


class _CountingHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sink = _current.get()
        if sink is None:
            return
        message = record.msg if isinstance(record.msg, str) else str(record.msg)
        if message.startswith(_NOT_STATEMENTS):
            return
        # The statement text only: the values may be large (a bulk insert) and are not needed.
        sql = record.args[0] if record.args and isinstance(record.args, tuple) else message
        sink.sql.append(str(sql))


_handler = _CountingHandler()


def enable() -> None:
    """Install the counting handler and let Tortoise's statement log through (idempotent).
    Costs a log record per statement for the whole process: tests and the benchmark only."""
    logger = logging.getLogger(LOGGER_NAME)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)
    logger.setLevel(logging.DEBUG)


def disable() -> None:
    logger = logging.getLogger(LOGGER_NAME)
    logger.removeHandler(_handler)
    logger.setLevel(logging.NOTSET)


@contextmanager
def counting() -> Iterator[Statements]:
    """Count the statements sent in this context (and the tasks it starts) until the end."""
    sink = Statements()
    token = _current.set(sink)
    try:
        yield sink
    finally:
        _current.reset(token)


class StatementCounter:
    """`with StatementCounter() as c: …; c.count` — counting switched on for the block only."""

    def __init__(self) -> None:
        self._sink: Statements | None = None
        self._was_enabled = False
        self._context: AbstractContextManager[Statements] | None = None

    def __enter__(self) -> StatementCounter:
        logger = logging.getLogger(LOGGER_NAME)
        self._was_enabled = _handler in logger.handlers
        self._previous_level = logger.level
        enable()
        self._context = counting()
        self._sink = self._context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
        if not self._was_enabled:
            disable()
        logging.getLogger(LOGGER_NAME).setLevel(self._previous_level)

    @property
    def statements(self) -> list[str]:
        return self._sink.sql if self._sink else []

    @property
    def count(self) -> int:
        return len(self.statements)
