"""The security suite's marker: `-m fuzz` runs the fuzzing alone, `-m "not fuzz"` skips it; the
performance fixtures for the file tests."""

from __future__ import annotations

import pytest

from tests.performance.conftest import perf  # noqa: F401  (the fixture of test_files)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: hypothesis fuzzing of every root field (~1 min)")
