"""Opaque global ids: base64("Type:pk"), as Relay expects."""

from __future__ import annotations

import base64
import binascii
import re

from talentloop.errors import ErrorCode, FieldError, ServiceError

MAX_PK = 2**31 - 1  # primary keys are IntFields: PostgreSQL's integer
_PK = re.compile(r"[1-9][0-9]{0,9}")  # canonical: no sign, spaces, underscores or leading zeros
_MAX_ID_LENGTH = 200


def to_global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, pk), or None for anything but the id to_global_id would have made: a pk
    out of the database's range would otherwise reach SQL and fail there."""
    if len(global_id) > _MAX_ID_LENGTH:
        return None
    try:
        type_name, _, pk = (
            base64.b64decode(global_id.encode(), validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not _PK.fullmatch(pk) or int(pk) > MAX_PK:
        return None
    return type_name, int(pk)


def pk_of(global_id: str, type_name: str) -> int | None:
    """The primary key, or None when the id is malformed or names another type."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        return None
    return parsed[1]


def require_pk(global_id: str, type_name: str, field: str) -> int:
    """For mutation inputs: a malformed id is a typed error on that field."""
    pk = pk_of(global_id, type_name)
    if pk is None:
        raise ServiceError(
            FieldError("Not a valid {type} id.", ErrorCode.INVALID, field, type=type_name)
        )
    return pk


def optional_pk(global_id: str | None, type_name: str, field: str) -> int | None:
    return None if global_id is None else require_pk(global_id, type_name, field)
