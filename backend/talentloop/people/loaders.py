"""Batch loaders for employees and positions, scoped to the request's viewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from talentloop.access.policy import Viewer
from talentloop.people import service
from talentloop.people.models import Employee, Position


def employees_by_id(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[Employee | None]]]:
    async def load(ids: list[int]) -> list[Employee | None]:
        found = await service.employees_by_ids(viewer, ids)
        return [found.get(i) for i in ids]

    return load


def positions_by_id(_viewer: Viewer) -> Callable[[list[int]], Awaitable[list[Position | None]]]:
    async def load(ids: list[int]) -> list[Position | None]:
        found = await service.positions_by_ids(ids)
        return [found.get(i) for i in ids]

    return load
