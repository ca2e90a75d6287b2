"""The Node interface and `node(id:)`: each domain registers how to fetch its types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from talentloop.graphql.context import Info
from talentloop.graphql.ids import parse_global_id


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        raise NotImplementedError


NodeFetcher = Callable[[Info, int], Awaitable[Any]]
_fetchers: dict[str, NodeFetcher] = {}


def register_node(type_name: str, fetch: NodeFetcher) -> None:
    _fetchers[type_name] = fetch


async def resolve_node(info: Info, global_id: str) -> Any:
    """A node the viewer may not see resolves exactly like one that does not exist: null."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] not in _fetchers:
        return None
    return await _fetchers[parsed[0]](info, parsed[1])
