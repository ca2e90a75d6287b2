"""The job queue, kept in the database so that any process may queue, run and report a job.

* **Queue**: `enqueue(kind, subject_id)` in the transaction that creates the domain row
  (`ImportJob`, `ReportJob`), then `notify()` once it has committed.
* **Claim**: a worker takes the oldest queued job of the kinds it knows in one transaction —
  `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so competing workers pass over a row
  another is claiming and each job goes to exactly one; SQLite runs one write transaction at
  a time, so the same code is serialised there. The claim sets RUNNING, the worker's name
  and `attempts + 1`.
* **Heartbeat and takeover**: a worker refreshes `heartbeat_at` of its running jobs every
  few seconds. A RUNNING job whose heartbeat is older than the stale limit (60 s by default)
  lost its worker: any worker queues it again, up to `MAX_ATTEMPTS` claims in all, after which
  it is FAILED and its domain row says why (`Handler.give_up`). The jobs are safe to run
  again: an import writes all its rows in one transaction or none, and running the same file
  twice changes nothing; a report is recomputed.
* **Fencing**: a claim is (job, worker, attempt). The transaction that keeps a job's result
  calls `confirm_claim()` last; it fails with `JobLost` (and the transaction rolls back) if the
  job was taken over meanwhile, so a worker that stalled past the limit cannot write a result
  over its successor's. On PostgreSQL the row lock it takes also makes a concurrent takeover
  wait for the commit, after which the heartbeat is fresh and the job is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from talentloop.i18n import N_
from talentloop.jobs.models import Job, JobState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STOPPED = N_("The job's worker stopped {count} times; it was not run again.")


@dataclass(frozen=True)
class Handler:
    """What a kind of job does: `run(subject_id)` does the work and records its outcome on the
    domain row; `give_up(subject_id, message)` marks that row failed when the queue gives up."""

    run: Callable[[int], Awaitable[None]]
    give_up: Callable[[int, str], Awaitable[None]]


@dataclass(frozen=True)
class Claim:
    """One worker's claim on one job: `attempt` is the fencing token."""

    job_id: int
    kind: str
    subject_id: int
    attempt: int
    worker: str


class JobLost(Exception):
    """The claim was taken over (the worker missed its heartbeats): keep nothing of this run."""


_claim: ContextVar[Claim | None] = ContextVar("talentloop_job_claim", default=None)
_listeners: set[Callable[[], None]] = set()


async def enqueue(kind: str, subject_id: int) -> Job:
    """Queue a job; call it in the transaction that creates the subject row, `notify()` after."""
    return await Job.create(kind=kind, subject_id=subject_id)


def notify() -> None:
    """Tell this process's worker that a job is waiting (the others find it when they poll)."""
    for listener in list(_listeners):
        listener()


def listen(listener: Callable[[], None]) -> Callable[[], None]:
    _listeners.add(listener)
    return lambda: _listeners.discard(listener)


async def claim(worker: str, kinds: Collection[str]) -> Claim | None:
    """The oldest queued job of these kinds, now RUNNING for `worker`; None when there is none."""
    now = datetime.now(UTC)
    async with in_transaction():
        candidate = (
            await Job.filter(state=JobState.QUEUED, kind__in=sorted(kinds))
            .order_by("id")
            .select_for_update(skip_locked=True)
            .first()
        )
        if candidate is None:
            return None
        claimed = await Job.filter(id=candidate.id, state=JobState.QUEUED).update(
            state=JobState.RUNNING,
            attempts=F("attempts") + 1,
            worker=worker[:128],
            claimed_at=now,
            heartbeat_at=now,
        )
    if not claimed:
        return None
    return Claim(
        job_id=candidate.id,
        kind=candidate.kind,
        subject_id=candidate.subject_id,
        attempt=candidate.attempts + 1,
        worker=worker[:128],
    )


def _held(claim: Claim) -> dict[str, object]:
    return {
        "id": claim.job_id,
        "state": JobState.RUNNING,
        "worker": claim.worker,
        "attempts": claim.attempt,
    }


async def heartbeat(claims: Collection[Claim]) -> list[Claim]:
    """Refresh the claims; the ones lost (taken over) are returned."""
    now = datetime.now(UTC)
    lost = []
    for held in claims:
        if not await Job.filter(**_held(held)).update(heartbeat_at=now):
            lost.append(held)
    return lost


@contextmanager
def running(claim: Claim) -> Iterator[None]:
    """Marks the code inside as the work of this claim (for `confirm_claim`)."""
    token = _claim.set(claim)
    try:
        yield
    finally:
        _claim.reset(token)


def current_claim() -> Claim | None:
    return _claim.get()


async def confirm_claim() -> None:
    """Last in the transaction that keeps a job's result: JobLost unless the job is still this
    worker's claim (and then its heartbeat is fresh). Outside a worker — a job run inside the
    request — there is nothing to check."""
    held = _claim.get()
    if held is None:
        return
    if not await Job.filter(**_held(held)).update(heartbeat_at=datetime.now(UTC)):
        raise JobLost(f"job {held.job_id} (attempt {held.attempt}) was taken over")


async def finish(claim: Claim) -> bool:
    """The handler returned: DONE (False if the claim had been lost meanwhile)."""
    return bool(
        await Job.filter(**_held(claim)).update(
            state=JobState.DONE, finished_at=datetime.now(UTC), error=""
        )
    )


async def fail(claim: Claim, handler: Handler | None, message: str) -> None:
    """The handler crashed: FAILED, and its domain row says so."""
    async with in_transaction():
        updated = await Job.filter(**_held(claim)).update(
            state=JobState.FAILED, finished_at=datetime.now(UTC), error=message[:255]
        )
        if updated and handler is not None:
            await handler.give_up(claim.subject_id, message)


async def release(claim: Claim) -> None:
    """The worker is shutting down: queue the job again at once for another worker, without
    counting this attempt."""
    await Job.filter(**_held(claim)).update(
        state=JobState.QUEUED, attempts=F("attempts") - 1, heartbeat_at=None
    )


async def recover_stale(
    stale_after: timedelta, handlers: dict[str, Handler], now: datetime | None = None
) -> list[Job]:
    """Take over the RUNNING jobs of these kinds whose worker stopped (no heartbeat for
    `stale_after`): queue them again, or after MAX_ATTEMPTS claims mark them FAILED.
    Returns the jobs handled."""
    cutoff = (now or datetime.now(UTC)) - stale_after
    async with in_transaction():
        stale = (
            await Job.filter(
                state=JobState.RUNNING, kind__in=sorted(handlers), heartbeat_at__lt=cutoff
            )
            .order_by("id")
            .select_for_update(skip_locked=True)
        )
        for job in stale:
            still = Job.filter(id=job.id, state=JobState.RUNNING, heartbeat_at__lt=cutoff)
            if job.attempts < MAX_ATTEMPTS:
                log.warning(
                    "job %s (%s #%s): worker %s stopped; queued again",
                    job.id,
                    job.kind,
                    job.subject_id,
                    job.worker,
                )
                await still.update(
                    state=JobState.QUEUED, error=f"worker {job.worker} stopped"[:255]
                )
                continue
            message = STOPPED.format(count=job.attempts)
            log.error("job %s (%s #%s): %s", job.id, job.kind, job.subject_id, message)
            if await still.update(
                state=JobState.FAILED, finished_at=datetime.now(UTC), error=message
            ):
                await handlers[job.kind].give_up(job.subject_id, message)
    return list(stale)
