"""Look-ahead: what a request selects below a field, and what its DataLoaders already hold.

A list resolver that knows its rows will ask for a relation loads it for the whole page at once
(one statement, through the request's DataLoader), and the rows' resolvers then answer from the
loader's cache without a coroutine of their own: graphql-core gathers every awaitable a list
returns as a task, which costs more than the row's own work (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

MISSING: Any = object()


def selects(selections: Sequence[Selection], *path: str) -> bool:
    """Whether `path` (GraphQL field names, e.g. "edges", "node", "manager") is selected below
    these selections, through fragments and inline fragments too."""
    name, rest = path[0], path[1:]
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            found = selects(selection.selections, *path)
        else:
            found = (
                isinstance(selection, SelectedField)
                and selection.name == name
                and (not rest or selects(selection.selections, *rest))
            )
        if found:
            return True
    return False


def cached(loader: DataLoader[Any, Any], key: Hashable) -> Any:
    """The value `loader` already holds for `key`, or MISSING (not loaded, or not yet done)."""
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return MISSING
    return future.result()
