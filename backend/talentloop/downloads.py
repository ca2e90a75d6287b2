"""The HTTP answer of every file download (reports, exports, the archive, résumés, payroll
files, one's own record), and the record id in its path."""

from __future__ import annotations

from urllib.parse import quote

from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.responses import Response

from talentloop.graphql.ids import MAX_PK


class RecordId(Convertor[int]):
    """`{name:pk}` in a route: a record id, 1..MAX_PK. Any other number names no record, so it
    is the 404 of a missing one, before a query: a larger id would overflow the column
    (PostgreSQL's integer, SQLite's 64 bits) and fail in the database, a 500."""

    regex = "[0-9]+"

    def convert(self, value: str) -> int:
        if len(value) > len(str(MAX_PK)) or not 1 <= int(value) <= MAX_PK:
            raise HTTPException(status_code=404, detail="Not found.")
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("pk", RecordId())


def content_disposition(name: str) -> str:
    """A file to save under `name` (UTF-8, RFC 5987)."""
    return f"attachment; filename*=UTF-8''{quote(name)}"


def attachment(content: bytes, media_type: str, name: str) -> Response:
    """A file to save under `name` (UTF-8, RFC 5987), never cached on the way, never sniffed."""
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(name),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
