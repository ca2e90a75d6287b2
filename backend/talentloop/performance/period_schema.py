"""Root fields for closed months (performance/closing.py): the periods that hold data, where a
dashboard opens, and closing and reopening a month."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, to_global_id
from talentloop.org.models import OrgUnit
from talentloop.performance import closing
from talentloop.performance.models import PeriodClose
from talentloop.performance.periods import label


def _unit_gid(pk: int | None) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(to_global_id("OrgUnit", pk))


@strawberry.enum(description="Why a dashboard opens on its month.")
class PeriodStartReason(Enum):
    TEAM_MISSED = "TEAM_MISSED"  # a manager: the latest month their team missed the target
    LATEST_CLOSED = "LATEST_CLOSED"  # the latest month closed for everyone the viewer reads
    LATEST_DATA = "LATEST_DATA"  # no such month: the latest with data
    NONE = "NONE"  # no data at all


@strawberry.type(description="One close of a month for a unit's subtree, and its reopening.")
class PeriodCloseInfo:
    unit_id: strawberry.ID = strawberry.field(description="The unit closed, with its subtree.")
    unit_name: str = strawberry.field(description="Its name.")
    closed_by: str | None = strawberry.field(description="Who closed it (username).")
    closed_at: datetime = strawberry.field(description="When.")
    reopened_by: str | None = strawberry.field(description="Who reopened it, if anyone.")
    reopened_at: datetime | None = strawberry.field(description="When it was reopened.")
    reopen_reason: str | None = strawberry.field(description="Why it was reopened.")
    open: bool = strawberry.field(description="Still closed (not reopened).")

    @classmethod
    def of(cls, close: PeriodClose, names: dict[int, str]) -> PeriodCloseInfo:
        return cls(
            unit_id=strawberry.ID(to_global_id("OrgUnit", close.unit_id)),
            unit_name=names.get(close.unit_id, ""),
            closed_by=close.closed_by,
            closed_at=close.closed_at,
            reopened_by=close.reopened_by,
            reopened_at=close.reopened_at,
            reopen_reason=close.reopen_reason,
            open=close.reopened_at is None,
        )


@strawberry.type(description="A period that holds KPI records in the viewer's scope.")
class PerformancePeriodInfo:
    period: date = strawberry.field(description="First day of the period.")
    label: str = strawberry.field(description="The period as people write it: 2026-10.")
    records: int = strawberry.field(description="KPI records in it that the viewer reads.")
    complete: bool = strawberry.field(
        description="Closed for everyone with a record in it whom the viewer reads."
    )
    closes: list[PeriodCloseInfo] = strawberry.field(
        description="Its closes in units the viewer sees, newest first (reopened ones too)."
    )


@strawberry.type(description="The periods with data, and the one a dashboard opens on.")
class PerformancePeriods:
    periods: list[PerformancePeriodInfo] = strawberry.field(description="Newest first.")
    start: date | None = strawberry.field(description="The period a dashboard opens on.")
    start_reason: PeriodStartReason = strawberry.field(description="Why that one.")
    missed_unit_id: strawberry.ID | None = strawberry.field(
        description="For TEAM_MISSED: the manager's team, to open its gaps."
    )


async def _unit_names(closes: list[PeriodClose]) -> dict[int, str]:
    ids = sorted({c.unit_id for c in closes})
    return dict(await OrgUnit.filter(id__in=ids).values_list("id", "name")) if ids else {}


@strawberry.type
class PeriodQuery:
    @strawberry.field(
        description="The periods holding KPI records (of one KPI, or any) that the viewer "
        "reads, newest first, with their closes; and where a dashboard opens: for a manager "
        "the latest month their team missed the KPI's target, else the latest closed month, "
        "else the latest with data."
    )
    async def performance_periods(
        self, info: Info, kpi_id: strawberry.ID | None = None
    ) -> PerformancePeriods:
        overview = await closing.period_overview(
            info.context.viewer, None if kpi_id is None else (pk_of(kpi_id, "Kpi") or -1)
        )
        names = await _unit_names([c for p in overview.periods for c in p.closes])
        return PerformancePeriods(
            periods=[
                PerformancePeriodInfo(
                    period=p.period,
                    label=label(p.period, overview.period_type),
                    records=p.records,
                    complete=p.complete,
                    closes=[PeriodCloseInfo.of(c, names) for c in p.closes],
                )
                for p in overview.periods
            ],
            start=overview.start,
            start_reason=PeriodStartReason(overview.start_reason),
            missed_unit_id=_unit_gid(overview.missed_unit_id),
        )


@strawberry.input(description="Close a month.")
class ClosePerformancePeriodInput:
    month: date = strawberry.field(description="The month's first day.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="A unit (its subtree); none: the company (HQ HR)."
    )


@strawberry.input(description="Reopen a closed month.")
class ReopenPerformancePeriodInput:
    month: date = strawberry.field(description="The month's first day.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The unit it was closed for; none: the company."
    )
    reason: str = strawberry.field(description="Why it is reopened (kept in the audit trail).")


@strawberry.type(description="A close, or the errors.")
class PeriodClosePayload:
    close: PeriodCloseInfo | None = strawberry.field(description="The close.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type
class PeriodMutation:
    @strawberry.mutation(
        description="Close a month: its results are kept as they are now, and records, "
        "targets and imports into it are refused (HQ HR for the company, HR for a unit it "
        "manages)."
    )
    async def close_performance_period(
        self, info: Info, input: ClosePerformancePeriodInput
    ) -> PeriodClosePayload:
        try:
            close = await closing.close_period(
                info.context.viewer, input.month, optional_pk(input.unit_id, "OrgUnit", "unitId")
            )
        except ServiceError as exc:
            return PeriodClosePayload(close=None, errors=mutation_errors(exc))
        names = await _unit_names([close])
        return PeriodClosePayload(close=PeriodCloseInfo.of(close, names), errors=[])

    @strawberry.mutation(description="Reopen a closed month, with a reason (HQ HR).")
    async def reopen_performance_period(
        self, info: Info, input: ReopenPerformancePeriodInput
    ) -> PeriodClosePayload:
        try:
            close = await closing.reopen_period(
                info.context.viewer,
                input.month,
                optional_pk(input.unit_id, "OrgUnit", "unitId"),
                input.reason,
            )
        except ServiceError as exc:
            return PeriodClosePayload(close=None, errors=mutation_errors(exc))
        names = await _unit_names([close])
        return PeriodClosePayload(close=PeriodCloseInfo.of(close, names), errors=[])
