"""The evidence a performance-pay restore request keeps (issue 21 point 1): the restore
condition's progress as it was shown, and the training effect the report measures on the
condition's KPI for the courses the unit's people completed — the effect with its 95 %
interval, ROI and conservative ROI — with the day it was taken. It is a snapshot: the approvers
and the decision keep what was shown, whatever the data says later."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.functions import Count

from talentloop.access.policy import SYSTEM
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.performance.models import PaySuspension, PerformanceRecord
from talentloop.performance.pay import Progress, evidence_json
from talentloop.performance.rollup import as_date

MAX_COURSES = 3  # the courses most completed in the unit; the report is read per course
POST_MONTHS = 3  # as the report's own defaults (analytics.service.defaults)
GAP_MONTHS = 1
PRE_MONTHS = 4


def _months_before(period: date, months: int) -> date:
    index = period.year * 12 + period.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


def _float(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


async def _courses(unit: OrgUnit) -> list[int]:
    """The courses the unit's people completed, most completed first."""
    from talentloop.training.models import Enrollment, EnrollmentStatus

    rows = (
        await Enrollment.filter(
            status=EnrollmentStatus.COMPLETED,
            employee__unit_id__in=org_service.subtree_ids(unit.path),
        )
        .annotate(n=Count("id"))
        .group_by("course_id")
        .order_by("-n", "course_id")
        .limit(MAX_COURSES)
        .values_list("course_id", flat=True)
    )
    return [int(r) for r in rows]  # type: ignore[call-overload]


async def effects(suspension: PaySuspension, unit: OrgUnit) -> tuple[date | None, list[dict]]:
    """The report's figures per course: measured over the whole company (its comparison group),
    read for the suspended unit's branch when the report has one, else company-wide."""
    from talentloop.analytics import service as analytics

    latest = (
        await PerformanceRecord.filter(
            kpi_id=suspension.condition_kpi_id, employee__unit__path__startswith=unit.path
        )
        .order_by("-period")
        .first()
    )
    if latest is None:
        return None, []
    last = as_date(latest.period)
    post_from = _months_before(last, POST_MONTHS - 1)
    pre_to = _months_before(post_from, GAP_MONTHS + 1)
    pre_from = _months_before(pre_to, PRE_MONTHS - 1)
    found: list[dict[str, Any]] = []
    for course_id in await _courses(unit):
        params = analytics.ReportParams(
            course_id=course_id,
            kpi_id=suspension.condition_kpi_id,
            unit_id=None,
            pre_from=pre_from,
            pre_to=pre_to,
            post_from=post_from,
            post_to=last,
        )
        result = await analytics.report(SYSTEM, params, with_branches=True)
        if result is None:
            continue
        chosen = next(
            (
                b
                for b in result.branches
                if b.unit is not None and unit.path.startswith(b.unit.path)
            ),
            result,
        )
        d, roi = chosen.did, chosen.roi
        found.append(
            {
                "courseId": course_id,
                "courseCode": result.course.code,
                "courseTitle": result.course.title,
                "scope": chosen.unit.name if chosen.unit is not None else None,
                "preFrom": pre_from.isoformat(),
                "preTo": pre_to.isoformat(),
                "postFrom": post_from.isoformat(),
                "postTo": last.isoformat(),
                "effect": _float(d.effect),
                "ciLow": _float(d.interval.low) if d.interval else None,
                "ciHigh": _float(d.interval.high) if d.interval else None,
                "relativeEffect": _float(chosen.relative_effect),
                "nTreated": d.n_treated,
                "nControl": d.n_control,
                "conclusive": d.conclusive,
                "roiPercent": _number(roi.roi_percent),
                "conservativeRoiPercent": _number(roi.conservative_roi_percent),
                "bcr": _number(roi.bcr),
                "cost": _number(roi.cost),
                "benefit": _number(roi.benefit),
            }
        )
    return last, found


async def snapshot(
    suspension: PaySuspension, shown: Progress, *, opened_automatically: bool, today: date
) -> dict[str, Any]:
    """What the approvers read: the progress, the measured effects and the day of the report."""
    unit = await OrgUnit.get(id=suspension.unit_id)
    last, measured = await effects(suspension, unit)
    return {
        **evidence_json(shown),
        "asOf": today.isoformat(),
        "lastPeriod": last.isoformat() if last else None,
        "openedAutomatically": opened_automatically,
        "effects": measured,
    }
