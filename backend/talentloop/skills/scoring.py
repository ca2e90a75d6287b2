"""One score per employee and competency, from every source, and the gap to the required level.

score = Σ weight(source) × mean(source) / Σ weight(source), over the sources that
have a result: the manager's rating, the latest skill test, the peers' and the
subordinates' means (only when at least `min_raters` of the group rated, so that
no single anonymous rating can be read back), and the self-rating. Ratings come
from the latest *closed* round of the employee that rated the competency (latest by when it
closed, then id: an imported history, skills/imports.py, closes on its own days): an open
round's answers count nowhere, or a score read after each answer would give each
answer away (the same differencing `service.round_results` refuses). An HR
calibration, when there is one, replaces the score (and says so).
gap = required level − score; positive means below what the position needs.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from tortoise.functions import Count, Sum

from talentloop.people.models import Employee
from talentloop.skills.models import (
    AttemptStatus,
    Calibration,
    RaterAssignment,
    RaterRelation,
    Rating,
    RequiredLevel,
    RoundStatus,
    Source,
    SourceWeight,
    TestAttempt,
)

# An anonymous group (peers, subordinates) shows its mean only from this many answers,
# whatever a round asks: with one or two, whoever chose the raters could read a rating back.
MIN_ANONYMOUS_RATERS = 3


def anonymity_floor(min_raters: int) -> int:
    """The answers an anonymous group of a round needs before it shows (rounds made before
    the floor may ask fewer: they get the floor)."""
    return max(min_raters, MIN_ANONYMOUS_RATERS)


DEFAULT_WEIGHTS: dict[Source, Decimal] = {
    Source.MANAGER: Decimal(40),
    Source.TEST: Decimal(30),
    Source.PEER: Decimal(20),
    Source.SELF: Decimal(10),
    # Only managers have subordinates; with none, the weights renormalise over the rest.
    Source.SUBORDINATE: Decimal(20),
}
ANONYMOUS = {RaterRelation.PEER, RaterRelation.SUBORDINATE}
TWO_PLACES = Decimal("0.01")
BATCH = 500
_SOURCE_ORDER = {source: i for i, source in enumerate(Source)}
_RELATIONS = {relation.value: relation for relation in RaterRelation}
_RELATION_ORDER = list(RaterRelation)
_SOURCE_OF = {relation: Source(relation.value) for relation in RaterRelation}


# Slots: the whole-company report holds tens of thousands of scores and several times as
# many source results at once (docs/performance.md, memory).
@dataclass(frozen=True, slots=True)
class SourceResult:
    source: Source
    mean: Decimal | None  # None when hidden (too few raters) or absent
    count: int  # ratings (or 1 for a test result)
    shown: bool
    weight: Decimal
    min_raters: int = 1  # answers needed before an anonymous group's mean is shown


@dataclass(slots=True)
class CompetencyScore:
    employee_id: int
    competency_id: int
    sources: list[SourceResult] = field(default_factory=list)
    weighted: Decimal | None = None
    calibrated: Decimal | None = None
    required: int | None = None

    @property
    def score(self) -> Decimal | None:
        return self.calibrated if self.calibrated is not None else self.weighted

    @property
    def gap(self) -> Decimal | None:
        if self.required is None or self.score is None:
            return None
        return (Decimal(self.required) - self.score).quantize(TWO_PLACES)


async def weights() -> dict[Source, Decimal]:
    configured = {w.source: w.weight for w in await SourceWeight.all()}
    return {source: configured.get(source, default) for source, default in DEFAULT_WEIGHTS.items()}


def combine(results: list[SourceResult]) -> Decimal | None:
    used = [r for r in results if r.shown and r.mean is not None and r.weight > 0]
    total = sum((r.weight for r in used), Decimal(0))
    if not used or total == 0:
        return None
    return (
        sum((r.weight * r.mean for r in used if r.mean is not None), Decimal(0)) / total
    ).quantize(TWO_PLACES)


@lru_cache(maxsize=16384)
def _combined(results: tuple[SourceResult, ...]) -> Decimal | None:
    return combine(list(results))


def _mean(levels: list[int]) -> Decimal:
    return _mean_of(sum(levels), len(levels))


# The whole-company report scores every employee at once: the same few means, source results and
# weighted scores recur tens of thousands of times, so each is made once and shared (all are
# immutable). Bounded: levels are 1–5 and groups small.
@lru_cache(maxsize=8192)
def _mean_of(total: int, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(TWO_PLACES)


@lru_cache(maxsize=16384)
def _source_result(
    source: Source,
    mean: Decimal | None,
    count: int,
    shown: bool,
    weight: Decimal,
    min_raters: int = 1,
) -> SourceResult:
    return SourceResult(source, mean, count, shown, weight, min_raters)


# Which of an employee's closed rounds is later: (when it closed, id).
RoundOrder = tuple[datetime, int]


@dataclass(frozen=True, slots=True)
class GroupTotal:
    """One rater group's ratings of one competency in one round: their sum and number."""

    relation: RaterRelation
    total: int
    count: int
    min_raters: int


@dataclass(frozen=True, slots=True)
class Assessed:
    """What scoring needs of an employee, read as values: whole-company computations score
    thousands of people and need none of their other fields (`skills.service.assessable_people`)."""

    id: int
    unit_id: int
    position_id: int | None
    unit_path: str


Scored = Employee | Assessed


def _unit_path(person: Scored) -> str:
    return person.unit_path if isinstance(person, Assessed) else person.unit.path


class ScoreCache:
    """Scores computed once per request for whoever asks: the report's correlations and its
    under-performer analysis both score (nearly) every employee of the report."""

    def __init__(self) -> None:
        self._scores: dict[tuple[int, int], CompetencyScore] = {}
        self._lock = asyncio.Lock()

    async def scores_for(
        self, employees: Sequence[Scored], competency_ids: list[int]
    ) -> dict[tuple[int, int], CompetencyScore]:
        async with self._lock:  # the second caller waits, then finds most of its scores here
            missing = [
                e for e in employees if any((e.id, c) not in self._scores for c in competency_ids)
            ]
            if missing:
                self._scores.update(await scores_for(missing, competency_ids))
            return {(e.id, c): self._scores[(e.id, c)] for e in employees for c in competency_ids}


async def scores_for(
    employees: Sequence[Scored], competency_ids: list[int]
) -> dict[tuple[int, int], CompetencyScore]:
    """Scores for every (employee, competency), in a fixed number of queries per 500 employees.

    Employees must come with `unit` loaded (for unit-specific required levels); the caller
    has already checked that the viewer may read them.
    """
    weight = await weights()
    result: dict[tuple[int, int], CompetencyScore] = {}
    for start in range(0, len(employees), BATCH):
        batch = employees[start : start + BATCH]
        ids = [e.id for e in batch]
        # The submitted answers first (rounds by employee, then their raters), then their
        # ratings summed in SQL per rater group: what a group shows is its mean. Two
        # statements, each led by an index; one joined statement let SQLite scan every rating.
        rounds: dict[int, tuple[int, int, RoundOrder]] = {}  # round → employee, min raters, order
        assignment_ids: list[int] = []
        for (
            assignment_id,
            round_id,
            employee_id,
            min_raters,
            closed_at,
            created_at,
        ) in await RaterAssignment.filter(
            round__employee_id__in=ids,
            round__status=RoundStatus.CLOSED,
            submitted_at__not_isnull=True,
        ).values_list(
            "id",
            "round_id",
            "round__employee_id",
            "round__min_raters",
            "round__closed_at",
            "round__created_at",
        ):
            rounds[round_id] = (employee_id, min_raters, (closed_at or created_at, round_id))
            assignment_ids.append(assignment_id)
        ratings: dict[tuple[int, int], dict[RoundOrder, list[GroupTotal]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for group in (
            await Rating.filter(assignment_id__in=assignment_ids, competency_id__in=competency_ids)
            .annotate(total=Sum("level"), count=Count("id"))
            .group_by("assignment__round_id", "assignment__relation", "competency_id")
            .values_list(
                "assignment__round_id", "assignment__relation", "competency_id", "total", "count"
            )
            if assignment_ids
            else []
        ):
            round_id, relation, competency_id, total, count = group
            employee_id, min_raters, order = rounds[round_id]
            ratings[(employee_id, competency_id)][order].append(
                GroupTotal(
                    _RELATIONS[relation], int(total), int(count), anonymity_floor(min_raters)
                )
            )
        tests: dict[tuple[int, int], int] = {}
        for row in (
            await TestAttempt.filter(
                employee_id__in=ids,
                test__competency_id__in=competency_ids,
                status=AttemptStatus.SUBMITTED,
                level__not_isnull=True,
            )
            .order_by("submitted_at", "id")
            .values("employee_id", "test__competency_id", "level")
        ):
            tests[(row["employee_id"], row["test__competency_id"])] = row["level"]  # latest wins
        calibrations: dict[tuple[int, int], Decimal] = {}
        for row in (
            await Calibration.filter(employee_id__in=ids, competency_id__in=competency_ids)
            .order_by("created_at", "id")
            .values("employee_id", "competency_id", "level")
        ):
            calibrations[(row["employee_id"], row["competency_id"])] = Decimal(str(row["level"]))
        required = await required_levels(batch, competency_ids)

        for employee in batch:
            for competency_id in competency_ids:
                key = (employee.id, competency_id)
                score = CompetencyScore(employee.id, competency_id, required=required.get(key))
                if key in ratings:
                    score.sources += _rating_sources(ratings[key], weight)
                if key in tests:
                    score.sources.append(
                        _source_result(
                            Source.TEST, Decimal(tests[key]), 1, True, weight[Source.TEST]
                        )
                    )
                score.sources.sort(key=lambda r: _SOURCE_ORDER[r.source])
                score.weighted = _combined(tuple(score.sources))
                score.calibrated = calibrations.get(key)
                result[key] = score
    return result


def _rating_sources(
    rounds: dict[RoundOrder, list[GroupTotal]], weight: dict[Source, Decimal]
) -> list[SourceResult]:
    """Per rater group, the latest round in which the group's result can be shown: latest by
    when it closed (an imported round: the day its ratings were given, skills/imports.py),
    then by id — so a history imported later does not displace a newer round.

    A newer round that is still collecting answers (one peer so far, say) does not hide
    the previous round's evidence; when no round has enough answers, the latest round's
    count is reported, hidden.
    """
    by_relation: dict[RaterRelation, list[tuple[RoundOrder, GroupTotal]]] = {}
    for order, groups in rounds.items():
        for group in groups:
            by_relation.setdefault(group.relation, []).append((order, group))
    results: list[SourceResult] = []
    for relation in _RELATION_ORDER:
        entries = by_relation.get(relation)
        if not entries:
            continue
        entries.sort(key=lambda entry: entry[0], reverse=True)
        source = _SOURCE_OF[relation]
        fallback: SourceResult | None = None
        for _order, group in entries:
            shown = relation not in ANONYMOUS or group.count >= group.min_raters
            result = _source_result(
                source,
                _mean_of(group.total, group.count) if shown else None,
                group.count,
                shown,
                weight[source],
                group.min_raters,
            )
            if shown:
                results.append(result)
                break
            fallback = fallback or result
        else:
            if fallback is not None:
                results.append(fallback)
    return results


async def required_levels(
    employees: Sequence[Scored], competency_ids: list[int]
) -> dict[tuple[int, int], int]:
    """The level each employee's position needs; a requirement set on a unit above them wins
    over the position's company-wide one (the nearest unit first)."""
    position_ids = sorted({e.position_id for e in employees if e.position_id})
    if not position_ids:
        return {}
    rows = await RequiredLevel.filter(
        position_id__in=position_ids, competency_id__in=competency_ids
    ).values("position_id", "competency_id", "level", "unit__path")
    by_key: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        by_key[(row["position_id"], row["competency_id"])].append(
            (row["unit__path"] or "", row["level"])
        )
    for candidates in by_key.values():
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    result: dict[tuple[int, int], int] = {}
    for employee in employees:
        if employee.position_id is None:
            continue
        for competency_id in competency_ids:
            for path, level in by_key.get((employee.position_id, competency_id), []):
                if _unit_path(employee).startswith(path):
                    result[(employee.id, competency_id)] = level
                    break
    return result
