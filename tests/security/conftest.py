"""The security suite's marker: `-m fuzz` runs the fuzzing alone, `-m "not fuzz"` skips it."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: hypothesis fuzzing of every root field (~1 min)")
