"""Batch loaders for KPIs (not personal data: any signed-in user)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from talentloop.access.policy import Viewer
from talentloop.performance.models import Kpi, TriggerRule


def kpis_by_id(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[Kpi | None]]]:
    async def load(ids: list[int]) -> list[Kpi | None]:
        if not viewer.is_authenticated:
            return [None] * len(ids)
        found = {k.id: k for k in await Kpi.filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return load


def rules_by_id(_viewer: Viewer) -> Callable[[list[int]], Awaitable[list[TriggerRule | None]]]:
    """Rules are reached only through requests the viewer may see."""

    async def load(ids: list[int]) -> list[TriggerRule | None]:
        found = {r.id: r for r in await TriggerRule.filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return load
