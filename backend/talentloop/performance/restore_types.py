"""GraphQL types of a restore request's evidence (performance/restore_evidence.py): typed
fields read from the snapshot kept with the request, so every approver's card and the decided
request show the same figures. Requests filed before the snapshot grew leave the new fields
empty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry

from talentloop.i18n import translate_stored
from talentloop.performance.models import PeriodType


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _period_type(value: Any) -> PeriodType:
    return PeriodType(value) if value in {p.value for p in PeriodType} else PeriodType.MONTH


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@strawberry.type(description="One period of the restore condition, as shown when it was asked.")
class RestoreEvidencePeriod:
    label: str = strawberry.field(description="2026-03.")
    value: Decimal | None = strawberry.field(description="The measured value.")
    met: bool = strawberry.field(description="Whether the condition held.")


@strawberry.type(
    description="The training effect the report measured on the condition's KPI for one "
    "course, as shown when the restore was asked (difference-in-differences, ANALYTICS.md)."
)
class RestoreEvidenceEffect:
    course_code: str = strawberry.field(description="The course's code.")
    course_title: str = strawberry.field(description="The course's title.")
    scope: str | None = strawberry.field(
        description="The branch it was read for; null: the whole company."
    )
    pre_from: date | None = strawberry.field(description="First month of the pre period.")
    pre_to: date | None = strawberry.field(description="Last month of the pre period.")
    post_from: date | None = strawberry.field(description="First month of the post period.")
    post_to: date | None = strawberry.field(description="Last month of the post period.")
    effect: float | None = strawberry.field(
        description="KPI gain per participant per month attributed to the course."
    )
    ci_low: float | None = strawberry.field(description="Low end of its 95 % interval.")
    ci_high: float | None = strawberry.field(description="High end of its 95 % interval.")
    relative_effect: float | None = strawberry.field(
        description="The effect over the trained group's pre-period mean."
    )
    n_treated: int = strawberry.field(description="Trained employees measured.")
    n_control: int = strawberry.field(description="Comparison employees measured.")
    conclusive: bool = strawberry.field(
        description="Whether the groups were large enough and the interval excludes zero."
    )
    roi_percent: Decimal | None = strawberry.field(
        description="ROI %; null when the effect is not conclusive or the KPI has no value."
    )
    conservative_roi_percent: Decimal | None = strawberry.field(
        description="ROI % with the low end of the interval."
    )
    bcr: Decimal | None = strawberry.field(description="Benefit-cost ratio.")


@strawberry.type(
    description="What a restore request was asked on: the condition's progress, the measured "
    "training effect and ROI, and the day they were taken. Kept with the request."
)
class RestoreEvidence:
    description: str = strawberry.field(description="The condition in words.")
    condition_met: bool = strawberry.field(description="Whether the condition was met.")
    streak: int = strawberry.field(description="Consecutive periods met, up to the latest.")
    required: int = strawberry.field(description="Consecutive periods needed.")
    # An enum registered by performance/types.py, which imports this module after doing so.
    period_type: PeriodType = strawberry.field(
        description="What a period of the streak is: the condition KPI's (month, quarter, "
        "year); MONTH for evidence kept before it was recorded."
    )
    threshold: Decimal | None = strawberry.field(description="The value to reach.")
    latest_value: Decimal | None = strawberry.field(description="The latest period's value.")
    periods: list[RestoreEvidencePeriod] = strawberry.field(
        description="Each period since the suspension."
    )
    as_of: date | None = strawberry.field(description="The day the evidence was taken.")
    last_period: date | None = strawberry.field(
        description="The latest month with results in the unit (the report's last month)."
    )
    opened_automatically: bool = strawberry.field(
        description="Opened by the system when the condition was met."
    )
    effects: list[RestoreEvidenceEffect] = strawberry.field(
        description="Per course the unit completed; empty: no effect measured."
    )

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> RestoreEvidence:
        data = data if isinstance(data, dict) else {}
        periods = data.get("periods") if isinstance(data.get("periods"), list) else []
        effects = data.get("effects") if isinstance(data.get("effects"), list) else []
        return cls(
            # Kept in English and shown in the reader's language (older snapshots: as kept).
            description=translate_stored(str(data.get("description") or "")),
            condition_met=bool(data.get("conditionMet")),
            streak=_int(data.get("streak")),
            required=_int(data.get("required")),
            period_type=_period_type(data.get("periodType")),
            threshold=_decimal(data.get("threshold")),
            latest_value=_decimal(data.get("latestValue")),
            periods=[
                RestoreEvidencePeriod(
                    label=str(p.get("period") or ""),
                    value=_decimal(p.get("value")),
                    met=bool(p.get("met")),
                )
                for p in periods or []
                if isinstance(p, dict)
            ],
            as_of=_date(data.get("asOf")),
            last_period=_date(data.get("lastPeriod")),
            opened_automatically=bool(data.get("openedAutomatically")),
            effects=[
                RestoreEvidenceEffect(
                    course_code=str(e.get("courseCode") or ""),
                    course_title=str(e.get("courseTitle") or ""),
                    scope=e.get("scope") if isinstance(e.get("scope"), str) else None,
                    pre_from=_date(e.get("preFrom")),
                    pre_to=_date(e.get("preTo")),
                    post_from=_date(e.get("postFrom")),
                    post_to=_date(e.get("postTo")),
                    effect=_float(e.get("effect")),
                    ci_low=_float(e.get("ciLow")),
                    ci_high=_float(e.get("ciHigh")),
                    relative_effect=_float(e.get("relativeEffect")),
                    n_treated=_int(e.get("nTreated")),
                    n_control=_int(e.get("nControl")),
                    conclusive=bool(e.get("conclusive")),
                    roi_percent=_decimal(e.get("roiPercent")),
                    conservative_roi_percent=_decimal(e.get("conservativeRoiPercent")),
                    bcr=_decimal(e.get("bcr")),
                )
                for e in effects or []
                if isinstance(e, dict)
            ],
        )
