"""The job queue: each job runs exactly once however many workers compete, its progress can
be read from any connection while it runs, and a job whose worker stopped is taken over — run
again by another worker, or after three claims failed, with the reason on its row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from talentloop.jobs import queue
from talentloop.jobs.models import Job, JobState
from talentloop.jobs.queue import Handler, JobLost
from talentloop.jobs.worker import Worker
from talentloop.performance.models import ImportJob, ImportKind
from tests.conftest import TEST_DATABASE_URL
from tests.support import World

KIND = "test_job"  # known only to the workers these tests make: the app's worker leaves it


class Recorder:
    """A kind of job for the tests: records every run; with `hold`, waits to be released."""

    def __init__(self, *, hold: bool = False) -> None:
        self.runs: list[int] = []
        self.given_up: dict[int, str] = {}
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        if not hold:
            self.release.set()

    async def run(self, subject_id: int) -> None:
        self.runs.append(subject_id)
        self.started.set()
        await asyncio.sleep(0.005)  # long enough for the other worker to be claiming meanwhile
        await self.release.wait()

    async def give_up(self, subject_id: int, message: str) -> None:
        self.given_up[subject_id] = message

    def handlers(self) -> dict[str, Handler]:
        return {KIND: Handler(run=self.run, give_up=self.give_up)}


async def read_elsewhere(sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows read through a connection of its own, outside Tortoise (placeholders are `?`)."""
    if TEST_DATABASE_URL.startswith("postgres"):
        import asyncpg

        for number in range(1, len(args) + 1):
            sql = sql.replace("?", f"${number}", 1)
        conn = await asyncpg.connect(TEST_DATABASE_URL)
        try:
            return [tuple(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()
    import aiosqlite

    async with (
        aiosqlite.connect(TEST_DATABASE_URL.removeprefix("sqlite://")) as db,
        db.execute(sql, args) as cursor,
    ):
        return [tuple(r) for r in await cursor.fetchall()]


async def _stale(job_id: int, *, attempts: int | None = None) -> None:
    values: dict[str, Any] = {"heartbeat_at": datetime.now(UTC) - timedelta(minutes=2)}
    if attempts is not None:
        values |= {"attempts": attempts, "state": JobState.RUNNING, "worker": "gone:1"}
    await Job.filter(id=job_id).update(**values)


async def test_each_job_runs_exactly_once_when_two_workers_compete() -> None:
    for subject in range(1, 31):
        await queue.enqueue(KIND, subject)
    recorder = Recorder()
    first = Worker("worker-a", handlers=recorder.handlers(), concurrency=3)
    second = Worker("worker-b", handlers=recorder.handlers(), concurrency=3)

    await asyncio.gather(first.drain(), second.drain())

    assert sorted(recorder.runs) == list(range(1, 31))
    jobs = await Job.filter(kind=KIND)
    assert {(j.state, j.attempts) for j in jobs} == {(JobState.DONE, 1)}
    assert {j.worker for j in jobs} == {"worker-a", "worker-b"}  # both had work


async def test_claims_made_at_the_same_moment_never_take_the_same_job() -> None:
    queued = [(await queue.enqueue(KIND, subject)).id for subject in range(1, 6)]

    claims = await asyncio.gather(*(queue.claim(f"claimer-{i}", [KIND]) for i in range(12)))

    taken = [c.job_id for c in claims if c is not None]
    assert sorted(taken) == queued
    assert len({c.worker for c in claims if c is not None}) == 5


async def test_progress_can_be_read_from_another_connection_while_the_job_runs(
    world: World,
) -> None:
    job = await ImportJob.create(
        kind=ImportKind.KPI_RECORDS,
        file_name="history.csv",
        dry_run=False,
        created_by_id=world.users["hq_hr"].id,
    )
    recorder = Recorder(hold=True)

    async def run(subject_id: int) -> None:
        await ImportJob.filter(id=subject_id).update(total_rows=1000, processed_rows=500)
        await recorder.run(subject_id)

    worker = Worker("worker-p", handlers={KIND: Handler(run=run, give_up=recorder.give_up)})
    await queue.enqueue(KIND, job.id)
    running = asyncio.create_task(worker.drain())
    await asyncio.wait_for(recorder.started.wait(), 10)

    progress = await read_elsewhere(
        "SELECT processed_rows, total_rows FROM import_job WHERE id = ?", job.id
    )
    claimed = await read_elsewhere(
        "SELECT state, worker, attempts FROM job WHERE kind = ? AND subject_id = ?", KIND, job.id
    )
    recorder.release.set()
    await running

    assert progress == [(500, 1000)]
    assert claimed == [("running", "worker-p", 1)]
    assert (await Job.get(kind=KIND, subject_id=job.id)).state is JobState.DONE


async def test_a_job_whose_worker_stopped_is_run_again_by_another() -> None:
    await queue.enqueue(KIND, 7)
    stopped = await queue.claim("gone:1", [KIND])
    assert stopped is not None
    await _stale(stopped.job_id)
    recorder = Recorder()

    await Worker("live:2", handlers=recorder.handlers(), stale_after=timedelta(seconds=60)).drain()

    assert recorder.runs == [7]
    job = await Job.get(id=stopped.job_id)
    assert (job.state, job.attempts, job.worker) == (JobState.DONE, 2, "live:2")
    # The stopped worker, were it only slow and to wake up now, could keep nothing.
    with queue.running(stopped), pytest.raises(JobLost):
        await queue.confirm_claim()
    assert await queue.finish(stopped) is False


async def test_a_job_with_a_fresh_heartbeat_is_left_to_its_worker() -> None:
    await queue.enqueue(KIND, 8)
    busy = await queue.claim("busy:1", [KIND])
    assert busy is not None
    recorder = Recorder()

    await Worker("live:2", handlers=recorder.handlers(), stale_after=timedelta(seconds=60)).drain()

    assert recorder.runs == []
    job = await Job.get(id=busy.job_id)
    assert (job.state, job.worker, job.attempts) == (JobState.RUNNING, "busy:1", 1)
    with queue.running(busy):
        await queue.confirm_claim()  # still its own


async def test_a_job_whose_workers_kept_stopping_is_failed_with_the_reason() -> None:
    job = await queue.enqueue(KIND, 9)
    await _stale(job.id, attempts=queue.MAX_ATTEMPTS)
    recorder = Recorder()

    await Worker("live:2", handlers=recorder.handlers()).drain()

    assert recorder.runs == []
    failed = await Job.get(id=job.id)
    assert failed.state is JobState.FAILED
    assert failed.error == "The job's worker stopped 3 times; it was not run again."
    assert recorder.given_up == {9: failed.error}


async def test_a_stopping_worker_hands_its_running_job_back_to_the_queue() -> None:
    job = await queue.enqueue(KIND, 10)
    holding = Recorder(hold=True)
    stopping = Worker("stopping:1", handlers=holding.handlers())
    stopping.start()
    await asyncio.wait_for(holding.started.wait(), 10)

    await stopping.stop(grace=0.05)

    back = await Job.get(id=job.id)
    assert (back.state, back.attempts) == (JobState.QUEUED, 0)
    recorder = Recorder()
    await Worker("next:2", handlers=recorder.handlers()).drain()
    assert recorder.runs == [10]
    assert (await Job.get(id=job.id)).attempts == 1


async def test_a_job_that_crashes_is_failed_and_its_row_says_so() -> None:
    job = await queue.enqueue(KIND, 11)
    given_up: dict[int, str] = {}

    async def crash(_subject_id: int) -> None:
        raise RuntimeError("the disk is full")

    async def give_up(subject_id: int, message: str) -> None:
        given_up[subject_id] = message

    await Worker("w:1", handlers={KIND: Handler(run=crash, give_up=give_up)}).drain()

    failed = await Job.get(id=job.id)
    assert (failed.state, failed.error) == (JobState.FAILED, "The job failed unexpectedly.")
    assert given_up == {11: "The job failed unexpectedly."}
