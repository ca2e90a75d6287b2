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
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from talentloop.accounts.models import User
from tests.concurrency import scenarios
from tests.support import World, access_token

BACKEND = Path(__file__).resolve().parents[2] / "backend"
# Ports the test servers may take (a developer's machine may reserve a range for them).
PORTS = os.environ.get("TALENTLOOP_TEST_PORTS", "8781-8789")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _free_ports() -> Iterator[int]:
    low, _, high = PORTS.partition("-")
    for port in range(int(low), int(high or low) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        yield port


def _spawn(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=os.environ)


async def _start(port: int, logs: Path) -> Server:
    log = logs / f"server-{port}.log"
    command = [sys.executable, "-m", "uvicorn", "talentloop.app:app", "--app-dir", str(BACKEND)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    process = _spawn(command, log)
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
            ports = _free_ports()
            for _ in range(2):
                started.append(await _start(next(ports), Path(logs)))
            yield started
        finally:
            for server in started:
                server.process.terminate()
            for server in started:
                try:
                    server.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.process.kill()


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
            assert response.status_code == 200, response.text
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
