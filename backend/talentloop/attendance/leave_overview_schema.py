"""GraphQL of the leave overview (attendance/leave_overview.py): the filter of
`leaveRequests` and `leaveAway`, who is away on each day of a month."""

from __future__ import annotations

from datetime import date

import strawberry

from talentloop.attendance import leave_overview
from talentloop.attendance.models import LeaveStatus, LeaveType
from talentloop.attendance.types import LeaveRequestNode
from talentloop.graphql.context import Info
from talentloop.graphql.errors import PublicError
from talentloop.graphql.ids import pk_of


@strawberry.input(description="Which leave requests the overview keeps.")
class LeaveRequestFilter:
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only people of this unit and the units below it."
    )
    month: date | None = strawberry.field(
        default=None, description="Only requests touching this month (any day of it)."
    )
    statuses: list[LeaveStatus] | None = strawberry.field(default=None, description="Statuses.")
    leave_types: list[LeaveType] | None = strawberry.field(default=None, description="Leave types.")


def _month(value: date) -> date:
    if not 2000 <= value.year <= 2100:
        raise PublicError("A month between 2000 and 2100.")
    return value.replace(day=1)


def to_filter(
    given: LeaveRequestFilter | None, employee_id: strawberry.ID | None = None
) -> leave_overview.LeaveFilter:
    """The service's filter; a unit id that does not decode finds nothing (id -1)."""
    given = given or LeaveRequestFilter()
    return leave_overview.LeaveFilter(
        unit_id=(pk_of(given.unit_id, "OrgUnit") or -1) if given.unit_id is not None else None,
        month=_month(given.month) if given.month is not None else None,
        statuses=tuple(given.statuses or ()),
        leave_types=tuple(given.leave_types or ()),
        employee_id=(pk_of(employee_id, "Employee") or -1) if employee_id is not None else None,
    )


@strawberry.type(description="One day of a month and the leave covering it.")
class LeaveAwayDay:
    date: date = strawberry.field(description="The day.")
    requests: list[LeaveRequestNode] = strawberry.field(
        description="Approved and pending leave on that day (the status tells them apart)."
    )


@strawberry.type
class LeaveOverviewQuery:
    @strawberry.field(
        description="Who is away on each day of a month: the approved and pending leave of the "
        "people the viewer reads at WORK (HR in scope, a manager their team, anyone their own), "
        "in a unit's subtree when given."
    )
    async def leave_away(
        self,
        info: Info,
        month: date,
        unit_id: strawberry.ID | None = None,
        leave_types: list[LeaveType] | None = None,
    ) -> list[LeaveAwayDay]:
        unit = (pk_of(unit_id, "OrgUnit") or -1) if unit_id is not None else None
        days = await leave_overview.away_by_day(
            info.context.viewer, _month(month), unit, tuple(leave_types or ())
        )
        return [
            LeaveAwayDay(date=d.day, requests=[LeaveRequestNode(_model=r) for r in d.requests])
            for d in days
        ]
