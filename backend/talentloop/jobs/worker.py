"""The worker: claims queued jobs (jobs/queue.py) and runs them, a few at a time.

One runs inside every API process, started by the app's lifespan (unless
TALENTLOOP_JOB_WORKER=0), and `python -m talentloop worker` runs one on its own. Idle, it asks
the database for work every `POLL_SECONDS` (one indexed query) and at once when its own process
queues a job. Every sixth of the stale limit it refreshes the heartbeat of its running jobs
and takes over the jobs of workers that stopped (`queue.recover_stale`). Stopping, it lets its
jobs finish for a few seconds, then hands the rest back to the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from contextvars import ContextVar
from datetime import timedelta

from talentloop.config import get_settings
from talentloop.i18n import N_
from talentloop.jobs import queue
from talentloop.jobs.queue import Claim, Handler

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
FAILED = N_("The job failed unexpectedly.")  # stored in English, shown translated
STOP_GRACE_SECONDS = 5.0
# The name of the worker whose task this is (None in a request): lets tests that count a
# request's SQL statements leave the worker's polling out.
in_worker: ContextVar[str | None] = ContextVar("talentloop_in_worker", default=None)


def default_name() -> str:
    """host:pid — which process ran a job, as the job row records it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(
        self,
        name: str | None = None,
        *,
        handlers: dict[str, Handler] | None = None,
        concurrency: int | None = None,
        stale_after: timedelta | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        settings = get_settings()
        if handlers is None:
            from talentloop.jobs.registry import handlers as registered

            handlers = registered()
        self.name = name or default_name()
        self.handlers = handlers
        self.concurrency = concurrency or settings.job_concurrency
        self.stale_after = stale_after or timedelta(seconds=settings.job_stale_seconds)
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._running: dict[int, tuple[Claim, asyncio.Task[None]]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def heartbeat_seconds(self) -> float:
        return self.stale_after.total_seconds() / 6

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        """Run in the background of this event loop until `stop()`."""
        self._loop_task = asyncio.create_task(self.run(), name=f"job worker {self.name}")

    async def run(self) -> None:
        in_worker.set(self.name)
        unlisten = queue.listen(self.wake)
        loop = asyncio.get_running_loop()
        next_beat = loop.time()
        log.info("job worker %s started (%s at a time)", self.name, self.concurrency)
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    if loop.time() >= next_beat:
                        await self.beat()
                        next_beat = loop.time() + self.heartbeat_seconds
                    await self.fill()
                except Exception:  # the database may be away for a moment: try again later
                    log.exception("job worker %s: polling failed", self.name)
                wait = max(0.0, min(self.poll_seconds, next_beat - loop.time()))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
        finally:
            unlisten()

    async def beat(self) -> None:
        """Refresh the heartbeat of the running jobs, drop the lost ones, take over stale ones."""
        for lost in await queue.heartbeat([held for held, _ in self._running.values()]):
            log.warning("job %s was taken over by another worker; stopping it here", lost.job_id)
            self._running[lost.job_id][1].cancel()
        await queue.recover_stale(self.stale_after, self.handlers)
        # Approval tasks past their deadline are handed on (approvals/service.py).
        try:
            from talentloop.approvals.service import escalate_overdue

            await escalate_overdue()
        except Exception:  # the heartbeat must go on; the next beat tries again
            log.exception("escalating overdue approval tasks failed")
        # Approved transfers, confirmations and terminations whose day has come are applied,
        # leavers' accounts disabled (people/lifecycle.py).
        try:
            from talentloop.people.lifecycle import apply_due

            await apply_due()
        except Exception:  # the heartbeat must go on; the next beat tries again
            log.exception("applying due lifecycle changes failed")
        # Sensitive-data export files past their time are deleted (privacy/exports.py).
        try:
            from talentloop.privacy.exports import expire_due

            await expire_due()
        except Exception:  # the heartbeat must go on; the next beat tries again
            log.exception("expiring sensitive-data exports failed")

    async def fill(self) -> None:
        """Claim jobs while there is room."""
        while len(self._running) < self.concurrency and not self._stopping:
            claim = await queue.claim(self.name, self.handlers)
            if claim is None:
                return
            log.info(
                "job %s (%s #%s) claimed by %s, attempt %s",
                claim.job_id,
                claim.kind,
                claim.subject_id,
                claim.worker,
                claim.attempt,
            )
            task = asyncio.create_task(self._execute(claim), name=f"job {claim.job_id}")
            self._running[claim.job_id] = (claim, task)

    async def _execute(self, claim: Claim) -> None:
        handler = self.handlers[claim.kind]
        try:
            with queue.running(claim):
                await handler.run(claim.subject_id)
        except queue.JobLost:
            log.warning("job %s was taken over; this run's result is dropped", claim.job_id)
        except asyncio.CancelledError:
            await queue.release(claim)
            raise
        except Exception:
            log.exception("job %s (%s #%s) crashed", claim.job_id, claim.kind, claim.subject_id)
            await queue.fail(claim, handler, FAILED)
        else:
            if await queue.finish(claim):
                log.info("job %s (%s #%s) done", claim.job_id, claim.kind, claim.subject_id)
        finally:
            self._running.pop(claim.job_id, None)
            self._wake.set()

    async def drain(self) -> None:
        """Run jobs until none of its kinds is queued and none is running (tests, scripts)."""
        token = in_worker.set(self.name)
        try:
            await self.beat()
            while True:
                await self.fill()
                if not self._running:
                    return
                await asyncio.wait(
                    [task for _, task in self._running.values()],
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            in_worker.reset(token)

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop claiming; give the running jobs `grace` seconds, then queue them again."""
        self._stopping = True
        self.wake()
        if self._loop_task is not None:
            await self._loop_task
        tasks = [task for _, task in self._running.values()]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        log.info("job worker %s stopped", self.name)


async def run_forever() -> None:
    """`python -m talentloop worker`: a worker alone, until SIGTERM or SIGINT."""
    import signal

    from tortoise import Tortoise

    from talentloop.attendance import calendar
    from talentloop.config import get_settings
    from talentloop.db import tortoise_config

    await Tortoise.init(config=tortoise_config())
    worker = Worker()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await calendar.refresh()  # the work calendar's entered days, as app.py's lifespan does
    seconds = get_settings().calendar_refresh_seconds
    refresher = asyncio.create_task(calendar.keep_fresh(seconds)) if seconds > 0 else None
    try:
        worker.start()
        await stop.wait()
        await worker.stop()
        if refresher is not None:
            refresher.cancel()
    finally:
        await Tortoise.close_connections()
