"""Relay connection types built from a service's Page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.errors import PublicError
from talentloop.pagination import Page, keyset_page

NodeT = TypeVar("NodeT")
ItemT = TypeVar("ItemT")


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More rows follow this page.")
    has_previous_page: bool = strawberry.field(description="Rows precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first row.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last row; pass as `after`."
    )


@strawberry.type(description="A row and its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this row.")
    node: NodeT = strawberry.field(description="The row.")


@strawberry.type(description="A page of rows, at most 100 (`first`).")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    total_count: int = strawberry.field(description="Rows in the whole filtered list.")


def to_connection(page: Page[ItemT], convert: Callable[[ItemT], NodeT]) -> Connection[NodeT]:
    edges = [Edge(cursor=page.cursor(item), node=convert(item)) for item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )


async def connection_of(
    queryset: Any, convert: Callable[[Any], NodeT], *, first: int, after: str | None
) -> Connection[NodeT]:
    """One page of a queryset, by id, as a connection; a `first` over 100 or a bad cursor is
    the client's error (shown, not masked)."""
    try:
        page = await keyset_page(queryset, key="id", first=first, after=after)
    except ServiceError as exc:
        raise PublicError.of(exc) from exc
    return to_connection(page, convert)
