"""Fifty writers at once through real servers: two uvicorn processes on the test database
(on SQLite, with the tests' own process, three writers of one file), requests split between
them. Besides the answers, the servers' logs must show no error at all."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from talentloop.accounts.models import User
from tests.concurrency import scenarios
from tests.conftest import TEST_DATABASE_URL
from tests.support import World, access_token

BACKEND = Path(__file__).resolve().parents[2] / "backend"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _listening_socket() -> socket.socket:
    """A socket this process binds on a free port and hands to the server (`uvicorn --fd`):
    the server that answers on it can only be the one started here."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _spawn(command: list[str], log: Path, sock: socket.socket) -> subprocess.Popen[bytes]:
    # The servers read the test database and the test signing key (tests/conftest.py) from
    # the environment, named here so that nothing else can decide them.
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL}
    with log.open("wb") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, pass_fds=(sock.fileno(),)
        )


async def _start(logs: Path) -> Server:
    sock = _listening_socket()
    port = sock.getsockname()[1]
    log = logs / f"server-{port}.log"
    command = [sys.executable, "-m", "uvicorn", "talentloop.app:app", "--app-dir", str(BACKEND)]
    command += ["--fd", str(sock.fileno()), "--no-access-log"]
    try:
        process = _spawn(command, log, sock)
    finally:
        sock.close()  # the server holds its own copy
    server = Server(f"http://127.0.0.1:{port}", process, log)
    async with httpx.AsyncClient() as client:
        for _ in range(300):  # importing the app takes a second or two; a bounded wait
            if process.poll() is not None:
                raise RuntimeError(f"the server on {port} stopped:\n{server.output()}")
            try:
                if (await client.get(f"{server.url}/healthz")).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server on {port} did not answer:\n{server.output()}")


@pytest.fixture(scope="module")
async def servers(app: Starlette) -> AsyncIterator[list[Server]]:
    """Two servers on the test database, started once for the module (the `app` fixture has
    migrated it; each test's data is committed before the servers read it)."""
    started: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="talentloop-servers-") as logs:
        try:
            for _ in range(2):
                started.append(await _start(Path(logs)))
            yield started
        finally:
            for server in started:
                server.process.terminate()
            for server in started:
                try:
                    server.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.process.kill()


async def _seen_from_outside(token: str) -> str:
    """Why another process refused a token: whether this process's connection is inside a
    transaction, and whether another connection sees the session's row."""
    from tortoise import connections

    from talentloop.accounts.tokens import read_access_claims

    conn = connections.get("default")
    raw = getattr(conn, "_connection", None)
    inside = getattr(getattr(raw, "_conn", None), "in_transaction", None)
    claims = read_access_claims(token)
    seen = "?"
    if TEST_DATABASE_URL.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(TEST_DATABASE_URL.removeprefix("sqlite://")) as other:
            seen = str(
                other.execute(
                    "SELECT count(*) FROM refresh_token WHERE family = ?", (claims.session,)
                ).fetchone()[0]
            )
    return f"test connection in a transaction: {inside}; session rows seen from outside: {seen}"


def server_logs(servers: list[Server]) -> str:
    return "\n".join(f"--- {s.url}\n{s.output()[-3000:]}" for s in servers)


@pytest.fixture
async def post(servers: list[Server], world: World) -> AsyncIterator[scenarios.Post]:
    tokens = {user.id: await access_token(user) for user in world.users.values()}
    turn = itertools.cycle(servers)
    logged = {server.url: len(server.output()) for server in servers}
    async with httpx.AsyncClient(timeout=120) as client:

        async def send(query: str, variables: dict[str, Any], user: User) -> dict[str, Any]:
            response = await client.post(
                f"{next(turn).url}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {tokens[user.id]}"},
            )
            if response.status_code == 401:
                raise AssertionError(f"401: {await _seen_from_outside(tokens[user.id])}")
            assert response.status_code == 200, (response.text, server_logs(servers))
            body: dict[str, Any] = response.json()
            return body

        yield send
    for server in servers:
        log = server.output()[logged[server.url] :]
        assert "database is locked" not in log, log
        assert "Traceback" not in log and "ERROR" not in log, log


async def test_fifty_writers_raising_salaries_on_two_servers_lose_no_raise(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_raise_salaries(post, world)


async def test_of_fifty_writers_on_two_servers_with_one_version_exactly_one_wins(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_with_one_version_one_wins(post, world)


async def test_fifty_writers_on_two_servers_each_adding_a_kpi_record_store_fifty(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_each_add_a_kpi_record(post, world)


async def test_fifty_writers_of_every_kind_on_two_servers_all_succeed(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_of_every_kind_without_versions(post, world)
