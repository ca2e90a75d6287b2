"""The application shell: health check, GraphiQL, the SPA, masked errors, the migrations."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise, connections

from talentloop.app import create_app
from tests.support import Api, World


async def test_healthz_answers_when_the_database_does(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_graphiql_is_served_to_a_browser(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_unexpected_errors_are_masked(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from talentloop.org import service

    async def broken(_viewer: object) -> list:
        raise RuntimeError("SELECT secret FROM internals")

    monkeypatch.setattr(service, "list_units", broken)
    body = await api.run("{ orgUnits { id } }", as_=world.users["hq_hr"])
    assert body["errors"][0]["message"] == "Unexpected error."
    assert "secret" not in str(body)


async def test_the_spa_is_served_with_history_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text("<div id=app>TalentLoop</div>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    monkeypatch.setenv("TALENTLOOP_SPA_DIR", str(tmp_path))
    from talentloop.config import get_settings

    get_settings.cache_clear()
    try:
        spa_app = create_app()
    finally:
        get_settings.cache_clear()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=spa_app), base_url="http://t"
    ) as client:
        assert "TalentLoop" in (await client.get("/")).text
        assert "TalentLoop" in (await client.get("/employees/RW1wbG95ZWU6MQ==")).text
        assert (await client.get("/assets/app.js")).text == "console.log(1)"
        assert (await client.get("/assets/missing.js")).status_code == 404


async def test_the_migrations_build_every_column_of_every_model(app: object) -> None:
    """Tortoise's makemigrations once dropped foreign keys of models created out of order;
    the migrated database must hold every field of every model."""
    conn = connections.get("default")
    for model in Tortoise.apps["talentloop"].values():
        table = model._meta.db_table
        if conn.capabilities.dialect == "postgres":
            _, rows = await conn.execute_query(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1",
                [table],
            )
            columns = {r["column_name"] for r in rows}
        else:
            _, rows = await conn.execute_query(f'PRAGMA table_info("{table}")')
            columns = {r["name"] for r in rows}
        expected = set(model._meta.fields_db_projection.values())
        assert expected <= columns, (table, expected - columns)
