"""Mentors for a gap (issue 21 point 7): colleagues strong in the competency a team lacks.

The learners are the unit's people (read at WORK) short of their required level; the bar is
the highest level any of them needs. A mentor is a current employee of the unit's branch whom
the viewer reads at WORK (scores are work data), not short of their own level, scoring at or
above the bar — strongest first. One scoring pass for everyone (`scoring.scores_for`: a fixed
number of statements however many people), never one per candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from talentloop.access.policy import Viewer
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.people.models import EmployeeStatus
from talentloop.skills import scoring
from talentloop.skills.service import assessable_employees

MAX_MENTORS = 20


@dataclass(frozen=True)
class Mentor:
    employee_id: int
    unit_id: int
    level: Decimal


async def _branch_path(unit: OrgUnit) -> str:
    if unit.type is OrgUnitType.BRANCH:
        return unit.path
    branch = (
        await OrgUnit.filter(id__in=unit.ancestor_ids(), type=OrgUnitType.BRANCH)
        .order_by("-depth")
        .first()
    )
    return branch.path if branch else unit.path


async def mentor_suggestions(
    viewer: Viewer, unit_id: int, competency_id: int, first: int = 5
) -> list[Mentor] | None:
    """None when the unit is not visible; [] when nobody in it lacks the competency."""
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        return None
    people = [
        e
        for e in await assessable_employees(viewer, root_path=await _branch_path(unit))
        if e.status is not EmployeeStatus.TERMINATED
    ]
    scores = await scoring.scores_for(people, [competency_id])
    bar = max(
        (
            s.required
            for e in people
            if e.unit.path.startswith(unit.path)
            and (s := scores[(e.id, competency_id)]).gap is not None
            and s.gap > 0
            and s.required is not None
        ),
        default=None,
    )
    if bar is None:
        return []
    found = []
    for e in people:
        s = scores[(e.id, competency_id)]
        if s.score is None or s.score < bar or (s.gap is not None and s.gap > 0):
            continue
        found.append((s.score, e))
    found.sort(key=lambda pair: (-pair[0], pair[1].name, pair[1].id))
    return [Mentor(e.id, e.unit_id, score) for score, e in found[: max(0, min(first, MAX_MENTORS))]]
