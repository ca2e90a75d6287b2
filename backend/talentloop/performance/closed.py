"""Whether a month is closed for a unit path, and the LOCKED error that names it: what every
write into a period asks before it writes (performance/closing.py closes and reopens)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_
from talentloop.performance import rollup
from talentloop.performance.models import PeriodClose, PeriodType
from talentloop.performance.periods import label

CLOSED_MESSAGE = N_("{month} is closed: its results no longer change.")


def closed_error(month: date, field_name: str = "period") -> ServiceError:
    return ServiceError.one(ErrorCode.LOCKED, CLOSED_MESSAGE, field_name, month=label(month))


async def refuse_closed(
    period: date,
    period_type: PeriodType,
    path: str,
    *,
    field_name: str = "period",
    reaches_below: bool = False,
) -> None:
    """LOCKED when the period's closing month is closed for the unit path: a close at or
    above it, or, for a unit's own target (`reaches_below`), one below it too (its target
    reaches the people there)."""
    month = rollup.closing_month(period, period_type)
    paths = (await rollup.closed_paths([month])).get(month, {})
    if any(path.startswith(p) or (reaches_below and p.startswith(path)) for p in paths):
        raise closed_error(month, field_name)


async def closed_months_by_path(
    paths: set[str], *, reaches_below: bool = False
) -> dict[str, set[date]]:
    """For imports: the closed months of each of these unit paths, as `refuse_closed` finds
    them (one query; the open closes are a few a month)."""
    found: dict[str, set[date]] = defaultdict(set)
    closes = await PeriodClose.filter(reopened_at__isnull=True).values_list("month", "unit_path")
    for month, closed_path in closes:
        for path in paths:
            if path.startswith(closed_path) or (reaches_below and closed_path.startswith(path)):
                found[path].add(rollup.as_date(month))
    return dict(found)
