"""One real database for the whole run (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
built by the project's own migrations and emptied before every test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

_tmp = Path(tempfile.mkdtemp(prefix="talentloop-test-"))
# Under pytest-xdist (`make test-backend` runs two workers) each worker has a database of its
# own: SQLite in its own temporary directory, PostgreSQL as `<name>_<worker>`, made when missing.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_BASE_URL = os.environ.get("TEST_DATABASE_URL")
if _BASE_URL and _WORKER:
    _name, _, _query = _BASE_URL.rpartition("/")[2].partition("?")
    TEST_DATABASE_URL = f"{_BASE_URL.rpartition('/')[0]}/{_name}_{_WORKER}" + (
        f"?{_query}" if _query else ""
    )
else:
    TEST_DATABASE_URL = _BASE_URL or f"sqlite://{_tmp / 'test.sqlite3'}"
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
os.environ["TALENTLOOP_SPA_DIR"] = str(_tmp / "no-spa")
os.environ["TALENTLOOP_ARCHIVE_DIR"] = str(_tmp / "archive")
# A fixed token-signing key: the tests never make var/secret-key, and the servers that
# tests/concurrency starts sign and check tokens with the very key the tests issue them with.
os.environ["TALENTLOOP_SECRET_KEY"] = "test-signing-key-for-the-tests-only-0123456789"
# Fixed keys for personal data (privacy/keys.py): the tests never make a development key file.
os.environ["TALENTLOOP_ENCRYPTION_KEYS"] = "test1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
# The work calendar reloads after each change here; no background reload amid counted statements.
os.environ["TALENTLOOP_CALENDAR_REFRESH_SECONDS"] = "0"
os.environ["TALENTLOOP_HASH_KEY"] = "aGFzaC1rZXktZm9yLXRoZS10ZXN0cy1vbmx5LTAxMjM0NTY3"

from starlette.applications import Starlette  # noqa: E402
from tortoise import Tortoise, connections  # noqa: E402
from tortoise.migrations.api import migrate  # noqa: E402

from talentloop.app import create_app  # noqa: E402
from talentloop.attendance import calendar as work_calendar  # noqa: E402
from talentloop.db import tortoise_config  # noqa: E402
from tests.support import Api, World, build_world  # noqa: E402


async def _create_worker_database() -> None:
    """A worker's PostgreSQL database, made from a connection to the one TEST_DATABASE_URL names."""
    import asyncpg  # type: ignore[import-untyped]

    assert _BASE_URL is not None
    name = TEST_DATABASE_URL.rpartition("/")[2].partition("?")[0]
    conn = await asyncpg.connect(_BASE_URL.replace("postgres://", "postgresql://", 1))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _reset_database() -> None:
    """Start from nothing: the migrations must build the whole schema."""
    if TEST_DATABASE_URL.startswith("postgres"):
        if _WORKER:
            await _create_worker_database()
        await Tortoise.init(config=tortoise_config(TEST_DATABASE_URL))
        conn = connections.get("default")
        await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await Tortoise.close_connections()


@pytest.fixture(scope="session")
async def app() -> AsyncIterator[Starlette]:
    await _reset_database()
    await migrate(config=tortoise_config(TEST_DATABASE_URL))
    await Tortoise.close_connections()
    application = create_app(TEST_DATABASE_URL)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(autouse=True)
async def empty_database(app: Starlette) -> None:
    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps["talentloop"].values()]
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE;")
    else:
        script = ["PRAGMA foreign_keys = OFF;"]
        script += [f'DELETE FROM "{t}";' for t in tables]
        script += ["DELETE FROM sqlite_sequence;", "PRAGMA foreign_keys = ON;"]
        await conn.execute_script("\n".join(script))
    work_calendar.load([])  # the entered days went with the rows


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    # The tests read the server's messages in English (its msgids); tests/i18n asks for Chinese.
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"}
    ) as client:
        yield client


@pytest.fixture
def api(http: httpx.AsyncClient) -> Api:
    return Api(http)


@pytest.fixture
async def world() -> World:
    return await build_world()
