"""The job queue's table. A job names the domain row that holds its progress and result
(an `ImportJob`, a `ReportJob`); this row only says who runs it and since when.

Model docstrings become table comments: no semicolons in them.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for a worker
    RUNNING = "running"  # claimed: `worker` runs it and keeps `heartbeat_at` fresh
    DONE = "done"  # the handler finished (the domain row says how it went)
    FAILED = "failed"  # the handler crashed, or its workers kept dying: the domain row says so


class Job(Model):
    """One unit of background work, run by exactly one worker at a time."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)  # jobs/registry.py: which handler runs it
    subject_id = fields.IntField()  # the domain row the handler works on
    state = fields.CharEnumField(JobState, max_length=16, default=JobState.QUEUED)
    attempts = fields.IntField(default=0)  # claims so far: the fencing token of the current one
    worker = fields.CharField(max_length=128, default="")  # host:pid of the latest claimer
    error = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    claimed_at = fields.DatetimeField(null=True)
    heartbeat_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job"
        unique_together = (("kind", "subject_id"),)
        indexes = (("state", "kind"),)
