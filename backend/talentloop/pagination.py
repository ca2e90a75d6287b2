"""Keyset (cursor) pagination over an indexed, unique key; at most 100 rows a page."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise import fields
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


MAX_CURSOR_LENGTH = 400  # a cursor of the longest key (255 characters), base64, with room
_DIGITS = re.compile(r"0|[1-9][0-9]{0,18}")  # canonical: no sign, spaces or leading zeros


def bad_cursor() -> ServiceError:
    return ServiceError.one(ErrorCode.INVALID, "Invalid cursor.", "after")


def decode_cursor(cursor: str) -> str:
    """The key a cursor holds; INVALID for anything encode_cursor would not have made."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if not raw.startswith("k:") or "\x00" in raw:
        raise bad_cursor()
    return raw[2:]


def cursor_key(model: type[Model], key: str, cursor: str) -> Any:
    """The cursor's key as a value of the key's column: an integer column takes only a
    canonical integer within the column's range (a larger one overflows PostgreSQL's int4 or
    SQLite's int8), a text column only a text of its length."""
    value = decode_cursor(cursor)
    field = model._meta.fields_map[key]
    if isinstance(field, fields.IntField):
        bounds = field.constraints
        if not _DIGITS.fullmatch(value) or not bounds["ge"] <= int(value) <= bounds["le"]:
            raise bad_cursor()
        return int(value)
    max_length = getattr(field, "max_length", None)
    if max_length is not None and len(value) > max_length:
        raise bad_cursor()
    return value


def check_page_size(first: int) -> None:
    if first < 0 or first > MAX_PAGE_SIZE:
        raise ServiceError.one(
            ErrorCode.INVALID, "'first' must be between 0 and {top}.", "first", top=MAX_PAGE_SIZE
        )


async def keyset_page(
    queryset: QuerySet[ModelT], *, key: str, first: int, after: str | None
) -> Page[ModelT]:
    """One page ordered by `key` (unique and indexed): a count and one fetch of first+1 rows."""
    check_page_size(first)
    total = await queryset.count()
    page_qs = queryset.order_by(key)
    if after:
        page_qs = page_qs.filter(**{f"{key}__gt": cursor_key(queryset.model, key, after)})
    rows = await page_qs.limit(first + 1)
    return Page(
        items=list(rows[:first]),
        has_next=len(rows) > first,
        has_previous=after is not None,
        total=total,
        key=key,
    )
