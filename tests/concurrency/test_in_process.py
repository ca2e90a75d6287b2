"""Fifty writers at once through the API of one process (asyncio.gather over the app)."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.accounts.models import User
from tests.concurrency import scenarios
from tests.support import Api, World


@pytest.fixture
async def post(api: Api, world: World) -> scenarios.Post:
    for user in world.users.values():
        await api.token(user)  # signed in before the rush, as browsers would be

    async def send(query: str, variables: dict[str, Any], user: User) -> dict[str, Any]:
        return await api.run(query, variables, as_=user)

    return send


async def test_fifty_writers_raising_salaries_lose_no_raise(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_raise_salaries(post, world)


async def test_of_fifty_writers_with_one_version_exactly_one_wins(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_with_one_version_one_wins(post, world)


async def test_fifty_writers_each_adding_a_kpi_record_store_fifty(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_each_add_a_kpi_record(post, world)


async def test_fifty_writers_of_every_kind_without_versions_all_succeed(
    post: scenarios.Post, world: World
) -> None:
    await scenarios.fifty_writers_of_every_kind_without_versions(post, world)
