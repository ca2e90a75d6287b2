"""Keyset (cursor) pagination over an indexed, unique key; at most 100 rows a page."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from talentloop.errors import ErrorCode, ServiceError

MAX_PAGE_SIZE = 100
M = TypeVar("M")
ModelT = TypeVar("ModelT", bound=Model)


@dataclass
class Page(Generic[M]):
    items: list[M]
    has_next: bool
    has_previous: bool
    total: int
    key: str

    def cursor(self, item: M) -> str:
        return encode_cursor(getattr(item, self.key))


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(f"k:{value}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if not raw.startswith("k:"):
        raise ServiceError.one(ErrorCode.INVALID, "Invalid cursor.", "after")
    return raw[2:]


def check_page_size(first: int) -> None:
    if first < 0 or first > MAX_PAGE_SIZE:
        raise ServiceError.one(
            ErrorCode.INVALID, f"'first' must be between 0 and {MAX_PAGE_SIZE}.", "first"
        )


async def keyset_page(
    queryset: QuerySet[ModelT], *, key: str, first: int, after: str | None
) -> Page[ModelT]:
    """One page ordered by `key` (unique and indexed): a count and one fetch of first+1 rows."""
    check_page_size(first)
    total = await queryset.count()
    page_qs = queryset.order_by(key)
    if after:
        page_qs = page_qs.filter(**{f"{key}__gt": decode_cursor(after)})
    rows = await page_qs.limit(first + 1)
    return Page(
        items=list(rows[:first]),
        has_next=len(rows) > first,
        has_previous=after is not None,
        total=total,
        key=key,
    )
