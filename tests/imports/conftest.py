"""The import tests use the performance tests' world (KPIs NC, CR, churn; Shanghai sales)."""

from tests.performance.conftest import perf

__all__ = ["perf"]
