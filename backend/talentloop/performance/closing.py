"""Closing a month of performance results (issue #21 point 3: history stays put).

HQ HR closes a month for the company, HR a unit it manages for its subtree: every person's
actual and target of every KPI in the month (a quarterly KPI's quarter with the quarter's
last month) is copied into `PeriodSnapshot` rows, and from then on the roll-ups serve the
month from them (rollup.member_values) — a later hire, transfer, record or target leaves it
as it was. Writes into a closed month (KPI records, targets, imports) are refused with
LOCKED naming the month (`refuse_closed`). Only HQ HR reopens, with a reason; both steps are
audited. Also: which periods hold data in the viewer's scope, and where a dashboard opens.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from talentloop.access.policy import SYSTEM, Operation, Role, Viewer
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, ServiceError, not_found
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.performance import rollup
from talentloop.performance.models import (
    Kpi,
    PeriodClose,
    PeriodSnapshot,
    PeriodType,
)
from talentloop.performance.periods import PERIOD_RANGE, label, period_problem, period_start
from talentloop.performance.service import visible_records

# How far back a manager's dashboard looks for the latest month their team missed.
MISSED_LOOKBACK = 12


# --- closing and reopening ---------------------------------------------------------------------


async def close_period(viewer: Viewer, month: date, unit_id: int | None) -> PeriodClose:
    """Close `month` for a unit's subtree (HR managing it), or for the company (HQ HR)."""
    if not viewer.may(Operation.MANAGE):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR closes a month.")
    if unit_id is None:
        if not viewer.is_hq_hr:
            raise ServiceError.one(
                ErrorCode.FORBIDDEN, "Only HQ HR closes a month for the whole company.", "unitId"
            )
        unit = await OrgUnit.filter(parent_id=None).order_by("id").first()
        if unit is None:
            raise not_found("Unit", "unitId")
    else:
        found = await org_service.get_unit(viewer, unit_id)
        if found is None:
            raise not_found("Unit", "unitId")
        if not viewer.can_manage_employees_in(found.path):
            raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not close a month here.", "unitId")
        unit = found
    if (problem := period_problem(month)) is not None:
        raise ServiceError.one(ErrorCode.INVALID, problem, "month", **PERIOD_RANGE)
    if month >= date.today().replace(day=1):
        raise ServiceError.one(ErrorCode.INVALID, "A month is closed once it is over.", "month")
    async with in_transaction():
        # Closes run one at a time: the top of the tree's row is their lock (PostgreSQL;
        # SQLite's writers take turns anyway), so the check below sees every earlier close.
        await OrgUnit.filter(parent_id=None).select_for_update().values_list("id", flat=True)
        open_closes = (await rollup.closed_paths([month])).get(month, {})
        if any(unit.path.startswith(p) for p in open_closes):
            raise ServiceError.one(
                ErrorCode.CONFLICT, "{month} is already closed here.", "month", month=label(month)
            )
        # The figures as the roll-up reads them before this close exists (earlier closes
        # below it served from their snapshots).
        kept = await _figures(month, unit.path)
        close = await PeriodClose.create(
            month=month,
            unit_id=unit.id,
            unit_path=unit.path,
            closed_by_user_id=viewer.user_id,
            closed_by=viewer.username,
            closed_at=datetime.now(UTC),
        )
        for row in kept:
            row.close_id = close.id
        if kept:
            await PeriodSnapshot.bulk_create(kept, batch_size=500)
        await audit.record(
            viewer,
            AuditAction.CREATE,
            subject_type="PeriodClose",
            subject_id=close.id,
            after={"month": label(month), "unitId": unit.id},
        )
    return close


async def _figures(month: date, path: str) -> list[PeriodSnapshot]:
    """Every person's figures of the month under `path`, of every KPI (a quarterly one's
    quarter when the month ends it), as unsaved snapshot rows."""
    rows: list[PeriodSnapshot] = []
    for kpi in await Kpi.all():
        # A quarterly (yearly) KPI's quarter (year) with the close of its last month.
        period = period_start(month, kpi.period_type)
        if rollup.closing_month(period, kpi.period_type) != month:
            continue
        for value in await rollup.member_values(SYSTEM, kpi, [period], root_path=path):
            rows.append(
                PeriodSnapshot(
                    kpi_id=kpi.id,
                    period=period,
                    employee_id=value.employee_id,
                    unit_path=value.unit_path,
                    actual=value.actual,
                    target=value.target,
                )
            )
    return rows


async def reopen_period(
    viewer: Viewer, month: date, unit_id: int | None, reason: str
) -> PeriodClose:
    """Reopen a closed month (HQ HR only, with a reason): its snapshot stays as a record."""
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HQ HR reopens a closed month.")
    if not reason.strip():
        raise ServiceError.one(ErrorCode.REQUIRED, "Give the reason.", "reason")
    if unit_id is None:
        unit = await OrgUnit.filter(parent_id=None).order_by("id").first()
    else:
        unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        raise not_found("Unit", "unitId")
    async with in_transaction():
        close = (
            await PeriodClose.filter(month=month, unit_id=unit.id, reopened_at__isnull=True)
            .select_for_update()
            .first()
        )
        if close is None:
            raise ServiceError.one(
                ErrorCode.INVALID, "{month} is not closed here.", "month", month=label(month)
            )
        close.reopened_by_user_id = viewer.user_id
        close.reopened_by = viewer.username
        close.reopened_at = datetime.now(UTC)
        close.reopen_reason = reason.strip()[:500]
        await close.save(
            update_fields=["reopened_by_user_id", "reopened_by", "reopened_at", "reopen_reason"]
        )
        await audit.record(
            viewer,
            AuditAction.UPDATE,
            subject_type="PeriodClose",
            subject_id=close.id,
            field="reopenedAt",
            reason=close.reopen_reason,
            before={"month": label(month), "unitId": unit.id, "closed": True},
            after={"closed": False},
        )
    return close


# --- which periods hold data, and where a dashboard opens ----------------------------------------


@dataclass
class PeriodInfo:
    period: date
    records: int  # records in the viewer's scope
    complete: bool  # every person with a record in scope is inside an open close of the month
    closes: list[PeriodClose] = field(default_factory=list)  # the month's closes, reopened too


@dataclass
class PeriodOverview:
    periods: list[PeriodInfo]  # newest first
    start: date | None
    start_reason: str  # TEAM_MISSED, LATEST_CLOSED, LATEST_DATA, NONE
    missed_unit_id: int | None  # the manager's team that missed `start`
    period_type: PeriodType = PeriodType.MONTH  # the KPI's: how its periods are named


async def period_overview(viewer: Viewer, kpi_id: int | None) -> PeriodOverview:
    """The months that hold records in the viewer's WORK scope (of one KPI, or any), newest
    first, with their closes the viewer sees; and the month a dashboard opens on: for a
    manager the latest month their team missed the KPI's target, else the latest complete
    month, else the latest with data. Four queries, and a manager's team series."""
    records = visible_records(viewer)
    kpi = None
    if kpi_id is not None:
        kpi = await Kpi.get_or_none(id=kpi_id) if viewer.is_authenticated else None
        if kpi is None:
            return PeriodOverview([], None, "NONE", None)
        records = records.filter(kpi_id=kpi.id)
    counts: dict[date, int] = defaultdict(int)
    paths: dict[date, set[str]] = defaultdict(set)
    for period, path, n in await (
        records.annotate(n=Count("id"))
        .group_by("period", "employee__unit__path")
        .values_list("period", "employee__unit__path", "n")
    ):
        counts[rollup.as_date(period)] += int(n)
        paths[rollup.as_date(period)].add(str(path))
    period_type = kpi.period_type if kpi else PeriodType.MONTH
    closing = {p: rollup.closing_month(p, period_type) for p in counts}
    closes_by_month: dict[date, list[PeriodClose]] = defaultdict(list)
    if counts:
        for close in await PeriodClose.filter(month__in=sorted(set(closing.values()))).order_by(
            "-closed_at"
        ):
            if viewer.can_see_unit(close.unit_path):
                closes_by_month[rollup.as_date(close.month)].append(close)
    infos: list[PeriodInfo] = []
    for period in sorted(counts, reverse=True):
        closes = closes_by_month.get(closing[period], [])
        open_paths = [c.unit_path for c in closes if c.reopened_at is None]
        complete = bool(open_paths) and all(
            any(p.startswith(o) for o in open_paths) for p in paths[period]
        )
        infos.append(PeriodInfo(period, counts[period], complete, closes))
    start = next((i.period for i in infos if i.complete), None)
    reason = "LATEST_CLOSED" if start else "NONE"
    if start is None and infos:
        start, reason = infos[0].period, "LATEST_DATA"
    missed_unit = None
    if (
        kpi is not None
        and infos
        and viewer.holds(Role.MANAGER)
        and not viewer.may(Operation.MANAGE)
    ):
        missed = await _latest_missed(viewer, kpi, [i.period for i in infos[:MISSED_LOOKBACK]])
        if missed is not None:
            start, missed_unit = missed
            reason = "TEAM_MISSED"
    return PeriodOverview(infos, start, reason, missed_unit, period_type)


async def _latest_missed(viewer: Viewer, kpi: Kpi, periods: list[date]) -> tuple[date, int] | None:
    """The newest of `periods` in which the manager's own team fell short of its target."""
    team_paths = viewer.role_paths(Role.MANAGER)
    if not team_paths:
        return None
    team = await OrgUnit.filter(path=team_paths[0]).first()
    if team is None:
        return None
    ordered = sorted(periods)
    rows = await rollup.member_values(viewer, kpi, ordered, root_path=team.path)
    for point in reversed(rollup.series(kpi, ordered, rows)):
        if point.achievement is not None and point.achievement < Decimal(100):
            return point.period, team.id
    return None
