"""An asyncio load generator: `concurrency` clients send a fixed number of requests (bounded
in count, so a run always ends), each timed from send to the last byte of the answer."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

Request = tuple[str, dict[str, Any]]  # path, JSON body


@dataclass
class Run:
    latencies_ms: list[float]
    seconds: float
    errors: int

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.median_ms
        return statistics.quantiles(self.latencies_ms, n=20)[-1]


async def run(
    client: httpx.AsyncClient,
    make: Callable[[int], Request],
    *,
    requests: int,
    concurrency: int,
    check: Callable[[httpx.Response], bool] | None = None,
) -> Run:
    """Send `requests` requests, `concurrency` at a time; request i is `make(i)`."""
    import asyncio

    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))

    async def worker() -> None:
        nonlocal errors
        for i in counter:
            path, body = make(i)
            started = time.perf_counter()
            response = await client.post(path, json=body)
            _ = response.content
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or (check is not None and not check(response)):
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Run(latencies, time.perf_counter() - started, errors)


def summarise(runs: list[Run]) -> dict[str, float]:
    """Median over the repeats of each repeat's median latency and throughput, with the
    spread (lowest and highest repeat)."""
    medians = [r.median_ms for r in runs]
    rps = [r.rps for r in runs]
    return {
        "median_ms": statistics.median(medians),
        "min_ms": min(medians),
        "max_ms": max(medians),
        "p95_ms": statistics.median(r.p95_ms for r in runs),
        "rps": statistics.median(rps),
        "rps_min": min(rps),
        "rps_max": max(rps),
        "requests": sum(len(r.latencies_ms) for r in runs),
        "errors": sum(r.errors for r in runs),
    }
