"""The leave overview (issue 21 point 5): every leave request of the people the viewer reads
at WORK — HQ HR everyone, branch HR its branch, a manager their team, anyone their own —
filtered by unit subtree, month, status and type, with whose step a pending one waits at, and
who is away on each day of a month.

Scope is `service.visible_leave_requests` (deny by default: no grant, nothing); a unit filter
only narrows it, so a unit outside the viewer's reach answers like an empty one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise.queryset import QuerySet

from talentloop.access.policy import Viewer
from talentloop.accounts.models import User
from talentloop.approvals.models import (
    ApprovalRequest,
    ApprovalStatus,
    ApprovalTask,
    RequestType,
    TaskStatus,
)
from talentloop.attendance import service
from talentloop.attendance.models import LeaveRequest, LeaveStatus, LeaveType
from talentloop.org.models import OrgUnit

MAX_AWAY = 2000  # leave requests read for one month's "who is away"


@dataclass(frozen=True)
class LeaveFilter:
    unit_id: int | None = None
    month: date | None = None  # any day of it: requests that touch the month
    statuses: Sequence[LeaveStatus] = ()
    leave_types: Sequence[LeaveType] = ()
    employee_id: int | None = None


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


async def filtered(viewer: Viewer, f: LeaveFilter) -> QuerySet[LeaveRequest]:
    """The viewer's leave requests that the filter keeps."""
    qs = service.visible_leave_requests(viewer)
    if f.unit_id is not None:
        unit = await OrgUnit.get_or_none(id=f.unit_id)
        if unit is None or not viewer.can_see_unit(unit.path):
            return LeaveRequest.filter(id__in=[])
        qs = qs.filter(employee__unit__path__startswith=unit.path)
    if f.month is not None:
        first, last = month_bounds(f.month)
        qs = qs.filter(start_date__lte=last, end_date__gte=first)
    if f.statuses:
        qs = qs.filter(status__in=list(f.statuses))
    if f.leave_types:
        qs = qs.filter(leave_type__in=list(f.leave_types))
    if f.employee_id is not None:
        qs = qs.filter(employee_id=f.employee_id)
    return qs


@dataclass
class AwayDay:
    day: date
    requests: list[LeaveRequest] = field(default_factory=list)


async def away_by_day(
    viewer: Viewer, month: date, unit_id: int | None, leave_types: Sequence[LeaveType] = ()
) -> list[AwayDay]:
    """Each day of the month with the approved and pending leave covering it (the pending
    ones marked by their status), people in name order; one query."""
    first, last = month_bounds(month)
    qs = await filtered(
        viewer,
        LeaveFilter(
            unit_id=unit_id,
            month=first,
            statuses=(LeaveStatus.APPROVED, LeaveStatus.PENDING),
            leave_types=leave_types,
        ),
    )
    found = (
        await qs.select_related("employee")
        .order_by("employee__name", "start_date", "id")
        .limit(MAX_AWAY)
    )
    days = [AwayDay(first + timedelta(days=i)) for i in range((last - first).days + 1)]
    for request in found:
        start = max(request.start_date, first)
        end = min(request.end_date, last)
        for i in range((end - start).days + 1):
            days[(start - first).days + i].requests.append(request)
    return days


def pending_with_loader(
    _viewer: Viewer,
) -> Callable[[list[int]], Awaitable[list[list[str]]]]:
    """For leave requests (by id): the names of the approvers whose pending task at the open
    stage it waits for (their own name, even when a delegate acts); two queries a page."""

    async def load(ids: list[int]) -> list[list[str]]:
        requests = await ApprovalRequest.filter(
            request_type=RequestType.LEAVE, subject_id__in=ids, status=ApprovalStatus.PENDING
        ).values("id", "subject_id", "stage")
        stage_of = {int(r["id"]): int(r["stage"]) for r in requests}
        subject_of = {int(r["id"]): int(r["subject_id"]) for r in requests}
        tasks = (
            await ApprovalTask.filter(request_id__in=list(stage_of), status=TaskStatus.PENDING)
            .order_by("id")
            .values("request_id", "stage", "approver_id")
        )
        user_ids = {int(t["approver_id"]) for t in tasks}
        names = (
            {
                u.id: (u.employee.name if u.employee is not None else u.username)
                for u in await User.filter(id__in=list(user_ids)).prefetch_related("employee")
            }
            if user_ids
            else {}
        )
        found: dict[int, list[str]] = {}
        for t in tasks:
            request_id = int(t["request_id"])
            if t["stage"] != stage_of[request_id]:
                continue
            name = names.get(int(t["approver_id"]), "")
            waiting = found.setdefault(subject_of[request_id], [])
            if name and name not in waiting:
                waiting.append(name)
        return [found.get(i, []) for i in ids]

    return load
