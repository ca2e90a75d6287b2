"""Deciding several approval tasks at once (issue 21 point 5: "several tasks can be approved
at once").

Each task goes through `service.decide`, the path of `decideApproval`, with all of its checks
(the request read by the viewer, never one's own, a pending task of the open stage held by the
viewer or by someone they act for today, only of the types their own role decides). Each
decision is **its own transaction** (the one `decide` opens): a task refused, or one that fails
on a conflict, does not undo the others, and each approved or rejected task leaves its own
history event and its domain's audit entry — exactly as if it had been decided alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from talentloop.access.policy import Viewer
from talentloop.approvals import service
from talentloop.approvals.models import ApprovalRequest
from talentloop.errors import ErrorCode, FieldError, ServiceError

MAX_BATCH = 100  # tasks decided in one request (like `first`)


@dataclass
class BatchItem:
    """What became of one id: the request as it stands after the decision, or the problems
    that stopped it (their field is `ids.<i>`, the id's place in the input)."""

    index: int
    request: ApprovalRequest | None = None
    errors: list[FieldError] = field(default_factory=list)


def _at(index: int, problems: Sequence[FieldError]) -> list[FieldError]:
    """The item's problems on `ids.<index>` (decide names its one id `id`)."""
    return [FieldError(p.msgid, p.code, f"ids.{index}", **dict(p.params)) for p in problems]


def check_batch(ids: Sequence[int | None]) -> None:
    """The request as a whole: at least one id, at most MAX_BATCH."""
    if not ids:
        raise ServiceError.one(ErrorCode.REQUIRED, "Choose at least one task.", "ids")
    if len(ids) > MAX_BATCH:
        raise ServiceError.one(
            ErrorCode.INVALID, "At most {count} tasks at a time.", "ids", count=MAX_BATCH
        )


async def decide_many(
    viewer: Viewer,
    ids: Sequence[int | None],
    *,
    approve: bool,
    comment: str = "",
    bad: dict[int, list[FieldError]] | None = None,
    now: datetime | None = None,
) -> list[BatchItem]:
    """Decide each request in order, one transaction each. `ids` holds None where the input's
    id did not decode (its problems in `bad` by position); a repeated id is refused."""
    check_batch(ids)
    seen: set[int] = set()
    items: list[BatchItem] = []
    for index, pk in enumerate(ids):
        item = BatchItem(index)
        items.append(item)
        if pk is None:
            item.errors = _at(index, (bad or {}).get(index, []))
            continue
        if pk in seen:
            item.errors = [
                FieldError("This task is already in the list.", ErrorCode.DUPLICATE, f"ids.{index}")
            ]
            continue
        seen.add(pk)
        try:
            item.request = await service.decide(
                viewer, pk, approve=approve, comment=comment, now=now
            )
        except ServiceError as exc:
            item.errors = _at(index, exc.errors)
    return items
