"""Batch loaders for units, their children and headcounts, scoped to the request's viewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from talentloop.access.policy import Viewer
from talentloop.org import service
from talentloop.org.models import OrgUnit


def units_by_id(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[OrgUnit | None]]]:
    async def load(ids: list[int]) -> list[OrgUnit | None]:
        found = await service.units_by_ids(viewer, ids)
        return [found.get(i) for i in ids]

    return load


def children_by_parent(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[list[OrgUnit]]]]:
    async def load(ids: list[int]) -> list[list[OrgUnit]]:
        found = await service.children_by_parent(viewer, ids)
        return [found.get(i, []) for i in ids]

    return load


def headcount_by_unit(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[int]]]:
    async def load(ids: list[int]) -> list[int]:
        totals = await service.headcounts(viewer)
        return [totals.get(i, 0) for i in ids]

    return load
