"""Accept-style request headers (Accept, Accept-Language): their items and q-values."""

from __future__ import annotations


def weighted(header: str) -> list[tuple[str, float]]:
    """Each item of the header with its q-value (RFC 9110 §12.4.2), in the client's order; a
    q-value that does not parse counts as 0 (not acceptable)."""
    items = []
    for item in header.split(","):
        value, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        items.append((value, quality))
    return items
