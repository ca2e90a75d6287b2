"""Fixtures shared with other suites: the KPIs and the skills framework (for 360° rounds)."""

from __future__ import annotations

from tests.performance.conftest import perf  # noqa: F401
from tests.skills.conftest import framework  # noqa: F401
