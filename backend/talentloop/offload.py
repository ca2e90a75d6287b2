"""The process that reads and checks uploaded files, beside the API process
(docs/architecture.md, "Files").

Reading a 100,000-row spreadsheet and checking its rows is seconds of pure Python. In a thread
of the API process it would share the interpreter lock and the garbage collector with every
request; here it runs in a child process (`concurrent.futures.ProcessPoolExecutor`, one worker
started from a fork server the first time a file arrives, shut down with the app). Only plain
values cross over: bytes and look-ups in, rows and problems out; the database stays in the API
process.

A child that dies (killed, out of memory) fails its task and every task queued behind it with
a typed error on `file`, never a hang or a 500; the next task starts a new child."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import pickle
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.sharedctypes import SynchronizedArray
from typing import Any, TypeVar

from talentloop.errors import ErrorCode, ServiceError

__all__ = ["STOPPED", "pack", "progress", "run", "shutdown", "unpack"]

T = TypeVar("T")
STOPPED = "The file could not be checked: its checking process stopped. Nothing was written."
# How often a task's progress (`progress`) is read while it runs.
PROGRESS_SECONDS = 0.5

_pool: ProcessPoolExecutor | None = None
# (task token, rows done) of the task the child is running: written there, read here.
_shared: SynchronizedArray[int] | None = None
_tokens = itertools.count(1)


def _executor() -> tuple[ProcessPoolExecutor, SynchronizedArray[int]]:
    global _pool, _shared
    if _pool is None or _shared is None:
        # A fork server, not fork: the child starts from a small clean process, not a copy of
        # the API process's heap, its event loop and its database connections.
        context = multiprocessing.get_context("forkserver")
        _shared = context.Array("q", 2)
        _pool = ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=_start_child, initargs=(_shared,)
        )
    return _pool, _shared


async def run(
    fn: Callable[..., T],
    /,
    *args: Any,
    on_progress: Callable[[int], Awaitable[None]] | None = None,
    **kwargs: Any,
) -> T:
    """`fn(*args, **kwargs)` in the child process (fn and its arguments must pickle: a module's
    function and plain values). A ServiceError raised there is raised here. While it runs,
    `on_progress` is given what the task last reported through `progress`."""
    pool, shared = _executor()
    token = next(_tokens)
    future = asyncio.wrap_future(pool.submit(_task, token, fn, args, kwargs))
    reported = 0
    try:
        while True:
            done, _ = await asyncio.wait({future}, timeout=PROGRESS_SECONDS)
            if done:
                return future.result()
            with shared.get_lock():
                running, rows = shared[0], shared[1]
            if on_progress is not None and running == token and rows != reported:
                reported = rows
                await on_progress(rows)
    except BrokenProcessPool as exc:
        _discard(pool)
        raise ServiceError.one(ErrorCode.INVALID, STOPPED, "file") from exc


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool, _shared
    if _pool is pool:
        _pool = _shared = None
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the child (the app's shutdown): a task still running is waited for."""
    global _pool, _shared
    pool, _pool, _shared = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


# --- in the child --------------------------------------------------------------------------

_progress: SynchronizedArray[int] | None = None


def _start_child(shared: SynchronizedArray[int]) -> None:
    global _progress
    _progress = shared


def _task(token: int, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    if _progress is not None:
        with _progress.get_lock():
            _progress[0], _progress[1] = token, 0
    return fn(*args, **kwargs)


def progress(rows: int) -> None:
    """Called by a task in the child: how many rows it has got through (a no-op elsewhere)."""
    if _progress is not None:
        with _progress.get_lock():
            _progress[1] = rows


# --- results too large to unpack at once ------------------------------------------------------

PACK_EVERY = 2_000


def pack(items: list[Any], every: int = PACK_EVERY) -> list[bytes]:
    """A long list as pickles of `every` items each: the API process unpacks them one at a
    time (`unpack`), so that no single unpickling holds the interpreter lock for long. The
    list is emptied as it is packed: no item is held both as itself and packed."""
    packed = []
    while items:
        packed.append(pickle.dumps(items[:every], pickle.HIGHEST_PROTOCOL))
        del items[:every]
    return packed


async def unpack(packed: list[bytes]) -> AsyncIterator[Any]:
    """The items of `pack`, letting other requests in between two pickles, each pickle let go
    of once unpacked (the list ends empty): a 200,000-row file's checked items are tens of MB
    packed. The pickles come from the child process this module started, never from a client."""
    for i in range(len(packed)):
        blob, packed[i] = packed[i], b""
        items = pickle.loads(blob)  # our own child's output
        del blob
        for item in items:
            yield item
        await asyncio.sleep(0)
