"""Switching the process's keys inside a test, as an operator does between restarts; the
performance, skills and training fixtures for the own-record tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from talentloop.config import get_settings
from talentloop.privacy.keys import get_keyring
from tests.performance.conftest import perf  # noqa: F401  (fixtures for the own-record tests)
from tests.skills.conftest import framework  # noqa: F401
from tests.training.conftest import library  # noqa: F401


@contextmanager
def keys(encryption_keys: str, hash_key: str | None = None) -> Iterator[None]:
    """Run with other TALENTLOOP_ENCRYPTION_KEYS (and TALENTLOOP_HASH_KEY), then restore them."""
    saved = {k: os.environ.get(k) for k in ("TALENTLOOP_ENCRYPTION_KEYS", "TALENTLOOP_HASH_KEY")}
    os.environ["TALENTLOOP_ENCRYPTION_KEYS"] = encryption_keys
    if hash_key is not None:
        os.environ["TALENTLOOP_HASH_KEY"] = hash_key
    _reload()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _reload()


def _reload() -> None:
    get_settings.cache_clear()
    get_keyring.cache_clear()
