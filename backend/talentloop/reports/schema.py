"""Root fields of the standard HR reports."""

from __future__ import annotations

from datetime import date

import strawberry

from talentloop.graphql.context import Info
from talentloop.graphql.ids import optional_pk
from talentloop.reports import service
from talentloop.reports.types import WorkforceReport


@strawberry.type
class ReportsQuery:
    @strawberry.field(
        description="人事报表 for HR, managers and the boss over the people they read at WORK; "
        "null when the unit does not exist for the viewer (or for other roles). At most 24 "
        "months; months that are not first days are a typed error."
    )
    async def workforce_report(
        self,
        info: Info,
        from_month: date,
        to_month: date,
        unit_id: strawberry.ID | None = None,
    ) -> WorkforceReport | None:
        found = await service.workforce_report(
            info.context.viewer, optional_pk(unit_id, "OrgUnit", "unitId"), from_month, to_month
        )
        return WorkforceReport(_r=found) if found else None
