"""`python -m bench.import_probe`: the dry run of the largest accepted file (bench/files.py)
driven from this process as the server drives it (the file read and checked in the
file-checking process, talentloop.offload), on the benchmark's SQLite database (or
BENCH_ENGINE_URL), measuring what the HTTP benchmark cannot separate from the neighbours' load:

- the event loop's longest stall: a task that sleeps 10 ms at a time records the largest gap
  between its wake-ups beyond those 10 ms (CPU time the loop spent on something else);
- the memory the dry run adds: the process's peak resident size (VmHWM) before and after.

The file is made first (and cached in var/bench), so its making is not counted."""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "bench"


def _memory() -> dict[str, float]:
    found: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = int(value.split()[0]) / 1024
    return found


async def _lag(gaps: list[float], cpu: list[float], stop: asyncio.Event) -> None:
    # Wall time between wake-ups grows with the machine's load; the loop thread's own CPU time
    # between them (thread_time) does not: it is what one slice of work costs on a quiet core.
    while not stop.is_set():
        before, before_cpu = time.perf_counter(), time.thread_time()
        await asyncio.sleep(0.01)
        gaps.append((time.perf_counter() - before - 0.01) * 1000)
        cpu.append((time.thread_time() - before_cpu) * 1000)


def _time_collections(found: dict[int, list[float]]) -> None:
    """The garbage collector's passes by generation, timed: a pass holds the interpreter lock
    throughout, whichever thread set it off."""
    started: list[float] = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.thread_time()
        else:
            found.setdefault(info["generation"], []).append(
                (time.thread_time() - started[0]) * 1000
            )

    gc.callbacks.append(on_gc)


async def main() -> int:
    from tortoise import Tortoise

    from bench import company as gen
    from bench import files
    from talentloop.access.viewer import load_viewer
    from talentloop.accounts.models import User
    from talentloop.db import tortoise_config
    from talentloop.imports import service as imports
    from talentloop.performance.models import ImportKind

    url = os.environ.get("BENCH_ENGINE_URL", f"sqlite://{VAR / 'bench-10000.sqlite3'}")
    cached = VAR / "largest.xlsx"
    if not cached.exists():
        company = await gen.describe(url)
        cached.write_bytes(files.largest_accepted_xlsx(company)[0])
    encoded = base64.b64encode(cached.read_bytes()).decode()
    await Tortoise.init(config=tortoise_config(url))
    if os.environ.get("PROBE_DEBUG") == "1":  # log every loop step over 50 ms, with its task
        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = 0.05
    try:
        user = await User.get(username=gen.BENCH_USERNAME)
        viewer = await load_viewer(user.id)
        gc.collect()
        collections: dict[int, list[float]] = {}
        _time_collections(collections)
        before = _memory()
        gaps: list[float] = []
        cpu: list[float] = []
        stop = asyncio.Event()
        probe = asyncio.create_task(_lag(gaps, cpu, stop))
        started = time.perf_counter()
        content = base64.b64decode(encoded, validate=True)
        job = await imports.run_import(
            viewer,
            kind=ImportKind.KPI_RECORDS,
            file_name="bench-largest.xlsx",
            content=content,
            dry_run=True,
        )
        seconds = time.perf_counter() - started
        stop.set()
        await probe
        after = _memory()
    finally:
        await Tortoise.close_connections()
    gaps.sort()
    cpu.sort()
    result = {
        "status": job.status.value,
        "rows": job.total_rows,
        "seconds": round(seconds, 2),
        "loop_gap_max_ms": round(gaps[-1], 1),
        "loop_gap_p99_ms": round(gaps[int(len(gaps) * 0.99)], 1),
        "loop_cpu_slice_max_ms": round(cpu[-1], 1),
        "loop_cpu_slice_p99_ms": round(cpu[int(len(cpu) * 0.99)], 1),
        "ticks": len(gaps),
        "gc_passes": {g: len(t) for g, t in sorted(collections.items())},
        "gc_pass_max_ms": {g: round(max(t), 1) for g, t in sorted(collections.items())},
        "full_passes_ms": [round(t, 1) for t in collections.get(2, [])],
        "rss_before_mb": round(before["VmRSS"], 1),
        "peak_after_mb": round(after["VmHWM"], 1),
        "added_peak_mb": round(after["VmHWM"] - before["VmHWM"], 1),
        "load": os.getloadavg(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
