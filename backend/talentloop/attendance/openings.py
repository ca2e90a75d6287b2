"""Opening leave balances (issue 22): what the system before this one left of a person's
leave of a type and year — the days entitled, carried over and taken before the switch
(`LeaveOpeningBalance`, imported as `leave_balances`). Balances are computed, never stored
(attendance/service.py `leave_balances`); an opening is the adjustment they start from:

* entitled: the opening's days when it gives them, else as this system counts them (the
  statutory annual leave; no allowance for the other types);
* plus the days carried over (an allowance of the carried days alone for a type without one);
* used: the approved leave in the year, plus the days taken before the switch."""

from __future__ import annotations

from collections.abc import Iterable

from talentloop.attendance.models import LeaveOpeningBalance, LeaveType


def adjusted(
    entitled: int | None, used: int, opening: LeaveOpeningBalance | None
) -> tuple[int | None, int]:
    """The (entitled, used) of a balance once its opening is counted."""
    if opening is None:
        return entitled, used
    if opening.entitled is not None:
        entitled = opening.entitled
    if opening.carried_over:
        entitled = (entitled or 0) + opening.carried_over
    return entitled, used + opening.taken


async def openings_of(
    employee_ids: Iterable[int], years: Iterable[int]
) -> dict[tuple[int, LeaveType, int], LeaveOpeningBalance]:
    """The openings of these people in these years, by (employee, leave type, year): one query."""
    ids, wanted = sorted(set(employee_ids)), sorted(set(years))
    if not ids or not wanted:
        return {}
    return {
        (o.employee_id, o.leave_type, o.year): o
        for o in await LeaveOpeningBalance.filter(employee_id__in=ids, year__in=wanted)
    }
