"""The Node interface and `node(id:)`: each domain registers how to fetch its types, and which
model holds them (to tell a denied lookup from a missing one, for the audit trail only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from tortoise.models import Model

from talentloop.graphql.context import Info
from talentloop.graphql.ids import parse_global_id


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        raise NotImplementedError


NodeFetcher = Callable[[Info, int], Awaitable[Any]]
_fetchers: dict[str, NodeFetcher] = {}
_models: dict[str, type[Model]] = {}


def register_node(type_name: str, fetch: NodeFetcher, model: type[Model]) -> None:
    """`fetch` answers within the viewer's scope (None when not visible); `model` is the
    table behind the type."""
    _fetchers[type_name] = fetch
    _models[type_name] = model


async def exists(type_name: str, pk: int) -> bool:
    """Whether a record exists at all, whoever asks: for auditing a denied lookup, never for
    an answer."""
    model = _models.get(type_name)
    return model is not None and await model.filter(id=pk).exists()


async def resolve_node(info: Info, global_id: str) -> Any:
    """A node the viewer may not see resolves exactly like one that does not exist: null."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] not in _fetchers:
        return None
    return await _fetchers[parsed[0]](info, parsed[1])
