"""Where archive files are kept. `Storage` is the interface; `DiskStorage` (a folder under
var/) is the one shipped. An object store (S3/OSS/MinIO) is another class with the same three
methods, chosen in `get_storage`."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Protocol

from talentloop.config import get_settings


class Storage(Protocol):
    async def put(self, content: bytes) -> str:
        """Store the bytes under a new random key and return the key."""

    async def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, or None."""

    async def delete(self, key: str) -> None:
        """Remove the bytes under `key`, if any."""


class DiskStorage:
    """Files under one folder, named by random keys (never by the uploaded name), two
    levels of subfolders so that no folder grows too large."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key[2:4] / key

    async def put(self, content: bytes) -> str:
        key = secrets.token_hex(24)
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)

        await asyncio.to_thread(write)
        return key

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        if not path.is_file():
            return None
        return await asyncio.to_thread(path.read_bytes)

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_storage() -> Storage:
    return DiskStorage(get_settings().archive_dir)
