"""The HTTP answer of every file download (reports, exports, the archive, résumés, payroll
files, one's own record)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response


def attachment(content: bytes, media_type: str, name: str) -> Response:
    """A file to save under `name` (UTF-8, RFC 5987), never cached on the way, never sniffed."""
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
