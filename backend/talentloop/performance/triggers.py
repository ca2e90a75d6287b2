"""The trigger: 'KPI K below x % of target for n consecutive periods' creates an assessment
request for that employee, once per breach however often it is re-evaluated."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import SYSTEM, FieldGroup, Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.org import service as org_service
from talentloop.pagination import Page, keyset_page
from talentloop.performance import rollup
from talentloop.performance.models import (
    AssessmentRequest,
    AssessmentRequestStatus,
    Kpi,
    PerformanceRecord,
    TriggerRule,
)
from talentloop.performance.periods import next_period


@dataclass
class Breach:
    employee_id: int
    start: date
    detected: date
    achievement: Decimal  # in the period the run reached n


def find_breaches(
    kpi: Kpi, rows: list[rollup.MemberValue], threshold: Decimal, periods_needed: int
) -> list[Breach]:
    """Runs of consecutive periods below threshold % of target, at least n long.

    A period without an actual or a target breaks the run: there is no evidence of a miss.
    """
    by_employee: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for row in rows:
        score = rollup.achievement(kpi, row.actual, row.target)
        if score is not None:
            by_employee[row.employee_id][row.period] = score
    breaches: list[Breach] = []
    for employee_id, scores in by_employee.items():
        run_start: date | None = None
        run_length = 0
        previous: date | None = None
        for period in sorted(scores):
            below = scores[period] < threshold
            consecutive = previous is not None and next_period(previous, kpi.period_type) == period
            if below and run_length and consecutive:
                run_length += 1
            elif below:
                run_start, run_length = period, 1
            else:
                run_start, run_length = None, 0
            if below and run_length == periods_needed and run_start is not None:
                breaches.append(Breach(employee_id, run_start, period, scores[period]))
            previous = period
    return breaches


async def evaluate_rule(rule: TriggerRule) -> int:
    """Create the requests this rule calls for; returns how many were new."""
    kpi = await Kpi.get(id=rule.kpi_id)
    period_values = (
        await PerformanceRecord.filter(kpi_id=kpi.id).distinct().values_list("period", flat=True)
    )
    periods = sorted({rollup.as_date(p) for p in period_values})
    root_path = None
    if rule.unit_id is not None:
        await rule.fetch_related("unit")
        root_path = rule.unit.path  # type: ignore[union-attr]
    rows = await rollup.member_values(SYSTEM, kpi, periods, root_path=root_path)
    breaches = find_breaches(kpi, rows, rule.threshold_percent, rule.periods)
    created = 0
    async with in_transaction():
        existing = {
            (employee_id, rollup.as_date(start))
            for employee_id, start in await AssessmentRequest.filter(rule_id=rule.id).values_list(
                "employee_id", "breach_start"
            )
        }
        new = [
            AssessmentRequest(
                employee_id=b.employee_id,
                rule_id=rule.id,
                breach_start=b.start,
                breach_detected=b.detected,
                achievement_percent=b.achievement,
            )
            for b in breaches
            if (b.employee_id, b.start) not in existing
        ]
        if new:
            await AssessmentRequest.bulk_create(new, ignore_conflicts=True)
            created = len(new)
    return created


async def evaluate_all(kpi_id: int | None = None) -> int:
    rules = TriggerRule.filter(is_active=True)
    if kpi_id is not None:
        rules = rules.filter(kpi_id=kpi_id)
    return sum([await evaluate_rule(rule) for rule in await rules])


# --- rules and requests as the API sees them ------------------------------------------------


async def create_rule(
    viewer: Viewer,
    *,
    name: str,
    kpi_id: int,
    threshold_percent: Decimal,
    periods: int,
    unit_id: int | None,
) -> TriggerRule:
    if not await Kpi.filter(id=kpi_id).exists():
        raise not_found("KPI", "kpiId")
    unit = None
    if unit_id is not None:
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            raise not_found("Unit", "unitId")
    # A company-wide rule is HQ HR's; a branch HR may add rules for units in its branch.
    allowed = viewer.can_manage_setting_in(unit.path if unit else None)
    if not allowed:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not add trigger rules here.", "unitId")
    _check_rule(name, threshold_percent, periods)
    async with in_transaction():
        rule = await TriggerRule.create(
            name=name.strip(),
            kpi_id=kpi_id,
            threshold_percent=threshold_percent,
            periods=periods,
            unit_id=unit_id,
        )
        await audit.record_created(
            viewer,
            "TriggerRule",
            rule.id,
            {
                "name": rule.name,
                "kpi_id": kpi_id,
                "threshold_percent": threshold_percent,
                "periods": periods,
                "unit_id": unit_id,
            },
        )
    await evaluate_rule(rule)
    return rule


def _check_rule(name: str, threshold_percent: Decimal, periods: int) -> None:
    problems: list[FieldError] = []
    if not name.strip():
        problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
    if not Decimal(0) < threshold_percent <= Decimal(1000):
        problems.append(
            FieldError("Threshold is a percentage above 0.", ErrorCode.INVALID, "thresholdPercent")
        )
    if not 1 <= periods <= 24:
        problems.append(FieldError("Periods is between 1 and 24.", ErrorCode.INVALID, "periods"))
    if problems:
        raise ServiceError(*problems)


async def update_rule(
    viewer: Viewer,
    rule_id: int,
    *,
    name: str,
    threshold_percent: Decimal,
    periods: int,
    is_active: bool,
) -> TriggerRule:
    """Change or switch off a rule, where it could be added (`create_rule`). Its KPI and unit
    stay: requests it raised name it, and a rule for elsewhere is a new rule. Switched off, it
    raises nothing new; the requests it raised stay."""
    rule = await get_rule(viewer, rule_id)
    if rule is None:
        raise not_found("Trigger rule", "id")
    if not viewer.can_manage_setting_in(rule.unit.path if rule.unit else None):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this trigger rule.", "id")
    _check_rule(name, threshold_percent, periods)
    values = {
        "name": name.strip(),
        "threshold_percent": threshold_percent,
        "periods": periods,
        "is_active": is_active,
    }
    async with in_transaction():
        await audit.record_changes(viewer, "TriggerRule", rule.id, rule, values)
        await TriggerRule.filter(id=rule.id).update(**values)
    await rule.refresh_from_db(fields=list(values))  # as stored: the threshold to its scale
    if rule.is_active:
        await evaluate_rule(rule)
    return rule


async def list_rules(viewer: Viewer) -> list[TriggerRule]:
    """Company-wide rules for everyone who manages people; unit rules where the unit is visible."""
    if not viewer.is_authenticated:
        return []
    rules = await TriggerRule.all().select_related("unit").order_by("id")
    return [r for r in rules if r.unit is None or viewer.can_see_unit(r.unit.path)]


async def get_rule(viewer: Viewer, rule_id: int) -> TriggerRule | None:
    return next((r for r in await list_rules(viewer) if r.id == rule_id), None)


def visible_requests(viewer: Viewer) -> QuerySet[AssessmentRequest]:
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return AssessmentRequest.filter(id__in=[])
    return AssessmentRequest.filter(scope)


async def get_request(viewer: Viewer, request_id: int) -> AssessmentRequest | None:
    return await visible_requests(viewer).filter(id=request_id).first()


OPEN_REQUESTS = (AssessmentRequestStatus.OPEN, AssessmentRequestStatus.IN_PROGRESS)


def open_requests(viewer: Viewer) -> QuerySet[AssessmentRequest]:
    """The KPI breaches still to assess that the viewer reads (`visible_requests`)."""
    return visible_requests(viewer).filter(status__in=OPEN_REQUESTS)


async def list_requests(
    viewer: Viewer,
    *,
    statuses: list[AssessmentRequestStatus] | None,
    employee_id: int | None,
    first: int,
    after: str | None,
) -> Page[AssessmentRequest]:
    qs = visible_requests(viewer)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if employee_id is not None:
        qs = qs.filter(employee_id=employee_id)
    return await keyset_page(qs, key="id", first=first, after=after)
