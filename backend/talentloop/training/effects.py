"""The measured effect of each course, as the analytics module last measured it.

An estimate is stored only when it is company-wide and conclusive (a difference-in-
differences whose interval excludes zero); until then a course has none, and the
recommendations say so rather than guess. The effect is relative (effect ÷ the trained
group's level before), so that courses on different KPIs compare.
"""

from __future__ import annotations

from decimal import Decimal


async def course_effects(course_ids: list[int]) -> dict[int, Decimal]:
    from talentloop.analytics.models import EffectEstimate

    result: dict[int, Decimal] = {}
    for estimate in await EffectEstimate.filter(
        course_id__in=course_ids, relative_effect__not_isnull=True
    ):
        assert estimate.relative_effect is not None
        result[estimate.course_id] = max(
            result.get(estimate.course_id, Decimal(0)), estimate.relative_effect
        )
    return result
