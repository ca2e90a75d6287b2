"""The measured effect of each course on the KPI it is meant to move.

The analytics module computes it (difference-in-differences with a comparison
group); until it has a conclusive estimate for a course, there is none, and the
recommendations say so rather than guess.
"""

from __future__ import annotations

from decimal import Decimal


async def course_effects(course_ids: list[int]) -> dict[int, Decimal]:
    """Course id → measured effect (in the KPI's units per participant per period), when conclusive."""
    return {}
