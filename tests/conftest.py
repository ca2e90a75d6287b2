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
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite://{_tmp / 'test.sqlite3'}"
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
os.environ["TALENTLOOP_SPA_DIR"] = str(_tmp / "no-spa")
os.environ["TALENTLOOP_ARCHIVE_DIR"] = str(_tmp / "archive")
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


async def _reset_database() -> None:
    """Start from nothing: the migrations must build the whole schema."""
    if TEST_DATABASE_URL.startswith("postgres"):
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
