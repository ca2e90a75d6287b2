"""The competency ratings import (issue 22 point 1): a company's history of 360° ratings — who
was rated on which competency, at which level, on which day, by whom in which part (self,
manager, peer, subordinate). Its row check: skills/import_rows.py.

How history is stored, so that it counts as the app's own ratings do: the ratings of one
employee dated one day form one CLOSED `AssessmentRound` (title "导入", deadline and
`closed_at` the day — its local noon, as training completions — created by the importer), with
one submitted `RaterAssignment` per rater and one `Rating` per competency. Scores
(skills/scoring.py) take, per rater group, the latest round by `closed_at`, then id — the day a
rating was given, not the order it reached the database — so an imported 2024 rating does not
displace a 2026 round run in the app, and an imported history alone gives the score, the gap,
the heat map, the recommendations and the training-effect report the app would show for the
same ratings.

A row's record is (employee, competency, day, source, rater): a rating of any closed round
with that key is the row's — unchanged when the level (and comment, when the file has the
column) agree; an imported one is changed; one given in the app is never changed by a file
(CONFLICT). Every rater is named: self is the employee, a missing manager is the employee's
manager, and a peer or subordinate must be named (a nullable rater would rebuild
`rater_assignment` on SQLite, whose drop cascades to every rating; and the anonymity floor
counts different raters). Anonymity holds in every read: scores and round results show
anonymous groups only from `min_raters` answers (3 on imported rounds); the export shows a
peer's or subordinate's rater as a keyed token per assignment (`anon-…`, which imported again
names the same rater) and never who; the audit trail never holds a rater (`rater_id` is
redacted, audit/service.py).

Only who may run assessments for the employee (`can_direct_in`, as `startAssessmentRound`)
imports their ratings; a row about the importer is refused; a day after today is refused.
Skill test results are not imported (they come with their attempts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from typing import Any

from talentloop.access.policy import Operation, Viewer
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.parse import fold, spellings
from talentloop.imports.rows import FileRows
from talentloop.imports.writing import WriteContext, snapshot
from talentloop.people.models import Employee
from talentloop.people.service import visible_employees
from talentloop.performance.models import ImportKind
from talentloop.privacy.cipher import lookup_hash
from talentloop.skills import import_rows as rows
from talentloop.skills.models import (
    AssessmentRound,
    Competency,
    RaterAssignment,
    RaterRelation,
    Rating,
    RoundStatus,
)
from talentloop.training.service import COMPANY_ZONE, company_today

BATCH = 500
IMPORTED_TITLE = "导入"
IMPORTED_MIN_RATERS = 3
RATED_IN_APP = N_("This rating was given in the app; a file does not change it.")
OTHER_PART = N_("This rater takes another part in the employee's ratings of that day.")


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def rated_at(day: date) -> datetime:
    """A rating day as the instant stored: its local noon (the same day in UTC and locally)."""
    return datetime.combine(day, time(12), tzinfo=COMPANY_ZONE).astimezone(UTC)


def rated_on(moment: datetime) -> date:
    return moment.astimezone(COMPANY_ZONE).date()


def rater_token(assignment_id: int) -> str:
    """A peer's or subordinate's rater as exports show it: keyed (nobody can compute it back
    to the assignment, let alone the rater), one per assignment (never the same person across
    rounds)."""
    return rows.ANONYMOUS_PREFIX + lookup_hash("rating-rater", str(assignment_id))[:12]


def may_import(viewer: Viewer) -> bool:
    """Who may startAssessmentRound somewhere: HR in its scope, managers in their subtree."""
    return viewer.user_id is not None and viewer.may(Operation.DIRECT)


async def _assessable(viewer: Viewer, numbers: set[str]) -> dict[str, tuple[int, int | None]]:
    found: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks(spellings(numbers)):
        for number, pk, manager, path in (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", "id", "manager_id", "unit__path")
        ):
            if viewer.can_direct_in(path):
                found[fold(number)] = found[number] = (pk, manager)
    return found


async def _raters(viewer: Viewer, numbers: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = {n for n in numbers if not n.startswith(rows.ANONYMOUS_PREFIX)}
    for chunk in _chunks(spellings(wanted)):
        for number, pk in (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", "id")
        ):
            found[fold(number)] = found[number] = pk
    return found


async def _tokens(
    employee_ids: list[int], wanted: set[str]
) -> dict[str, tuple[int, int, RaterRelation]]:
    """The anonymous raters the file names by token, among these employees' closed rounds."""
    if not wanted:
        return {}
    found: dict[str, tuple[int, int, RaterRelation]] = {}
    for chunk in _chunks(sorted(employee_ids)):
        for pk, employee_id, rater_id, relation in await RaterAssignment.filter(
            round__employee_id__in=chunk,
            round__status=RoundStatus.CLOSED,
            relation__in=[r.value for r in rows.ANONYMOUS],
        ).values_list("id", "round__employee_id", "rater_id", "relation"):
            token = rater_token(pk)
            if token in wanted:
                found[token] = (employee_id, rater_id, RaterRelation(relation))
    return found


async def lookups(viewer: Viewer, file: FileRows) -> rows.RatingLookups:
    employees = await _assessable(viewer, file.values("employee_number") - {""})
    named = file.values("rater_number") - {""}
    return rows.RatingLookups(
        employees=employees,
        raters=await _raters(viewer, named),
        tokens=await _tokens(
            sorted({pk for pk, _ in employees.values()}),
            {n for n in named if n.startswith(rows.ANONYMOUS_PREFIX)},
        ),
        competencies={
            fold(code): (pk, rows.competency_levels(levels))
            for code, pk, levels in await Competency.all().values_list("code", "id", "levels")
        },
        today=company_today(),
    )


# --- writing ---------------------------------------------------------------------------------

Key = tuple[int, int, date, str, int]  # employee, competency, day, relation, rater


class _Stored:
    """The closed rounds of a chunk's employees: their ratings by key, the imported rounds by
    (employee, day) and their assignments by (round, rater)."""

    def __init__(self) -> None:
        self.ratings: dict[Key, tuple[Rating, bool]] = {}  # → (rating, imported)
        self.rounds: dict[tuple[int, date], AssessmentRound] = {}
        self.assignments: dict[tuple[int, int], RaterAssignment] = {}
        # (employee, day, rater) → their part in that day's imported round
        self.parts: dict[tuple[int, date, int], str] = {}

    @classmethod
    async def read(cls, employee_ids: list[int]) -> _Stored:
        stored = cls()
        rounds = await AssessmentRound.filter(
            employee_id__in=employee_ids, status=RoundStatus.CLOSED
        )
        by_id = {r.id: r for r in rounds}
        for r in rounds:
            if _imported(r):
                stored.rounds[(r.employee_id, r.deadline)] = r
        assignments = await RaterAssignment.filter(
            round_id__in=sorted(by_id), submitted_at__not_isnull=True
        )
        by_assignment = {a.id: a for a in assignments}
        for a in assignments:
            round_ = by_id[a.round_id]
            if _imported(round_):
                stored.assignments[(a.round_id, a.rater_id)] = a
                stored.parts[(round_.employee_id, round_.deadline, a.rater_id)] = a.relation.value
        for rating in await Rating.filter(assignment_id__in=sorted(by_assignment)):
            a = by_assignment[rating.assignment_id]
            round_ = by_id[a.round_id]
            key = (round_.employee_id, rating.competency_id, _day_of(round_), a.relation.value)
            stored.ratings[(*key, a.rater_id)] = (rating, _imported(round_))
        return stored


def _imported(round_: AssessmentRound) -> bool:
    return (
        round_.title == IMPORTED_TITLE
        and round_.request_id is None
        and round_.closed_at is not None
        and round_.closed_at == rated_at(round_.deadline)
    )


def _day_of(round_: AssessmentRound) -> date:
    return rated_on(round_.closed_at or round_.created_at)


def _assignment_values(a: RaterAssignment) -> dict[str, Any]:
    """What the audit trail shows of a rater's part: never who (audit/service.py redacts
    `rater_id` too)."""
    return {"round_id": a.round_id, "relation": a.relation.value, "submitted_at": a.submitted_at}


async def write(ctx: WriteContext) -> None:
    for chunk in _chunks(list(ctx.items)):
        stored = await _Stored.read(sorted({k[0] for k in chunk}))
        new: list[Key] = []
        changed: list[tuple[Rating, dict[str, Any]]] = []
        for key in chunk:
            row, level, comment = ctx.items[key]
            found = stored.ratings.get(key)
            if found is None:
                part = stored.parts.get((key[0], key[2], key[4]))
                if part is not None and part != key[3]:
                    ctx.problems.error(row, "rater_number", OTHER_PART, ErrorCode.CONFLICT)
                elif ctx.may_create(row, "competency_code"):
                    new.append(key)
                continue
            rating, imported = found
            if rating.level == level and (comment is None or rating.comment == comment):
                ctx.unchanged()
                continue
            if not imported:
                ctx.problems.error(row, "level", RATED_IN_APP, ErrorCode.CONFLICT)
                continue
            if not ctx.may_update(row, "competency_code"):
                continue
            changed.append((rating, snapshot(rating)))
            rating.level = level
            if comment is not None:
                rating.comment = comment
        if new:
            await _create(ctx, stored, new)
        if changed:
            await Rating.bulk_update([r for r, _ in changed], fields=["level", "comment"])
            employee_of = {r.id: k[0] for k, (r, _) in stored.ratings.items()}
            for rating, before in changed:
                await ctx.updated(rating, before, employee_id=employee_of[rating.id])
        ctx.progress()


async def _create(ctx: WriteContext, stored: _Stored, keys: list[Key]) -> None:
    """The new ratings, with the imported rounds and rater parts they need (each created once,
    audited and undone with the import, counted with no row)."""
    # Rounds: one per employee and day; an existing imported one takes the new competencies.
    wanted: dict[tuple[int, date], set[int]] = {}
    for employee_id, competency_id, day, _, _ in keys:
        wanted.setdefault((employee_id, day), set()).add(competency_id)
    new_rounds: list[AssessmentRound] = []
    grown: list[tuple[AssessmentRound, dict[str, Any]]] = []
    for (employee_id, day), competencies in wanted.items():
        round_ = stored.rounds.get((employee_id, day))
        if round_ is None:
            new_rounds.append(
                AssessmentRound(
                    employee_id=employee_id,
                    title=IMPORTED_TITLE,
                    deadline=day,
                    status=RoundStatus.CLOSED,
                    min_raters=IMPORTED_MIN_RATERS,
                    competency_ids=sorted(competencies),
                    created_by_id=ctx.viewer.user_id,
                    closed_at=rated_at(day),
                )
            )
        elif not competencies <= set(round_.competency_ids):
            grown.append((round_, snapshot(round_)))
            round_.competency_ids = sorted(competencies | set(round_.competency_ids))
    if new_rounds:
        await AssessmentRound.bulk_create(new_rounds)
        employee_ids = sorted({r.employee_id for r in new_rounds})
        for round_ in await AssessmentRound.filter(
            employee_id__in=employee_ids, title=IMPORTED_TITLE, status=RoundStatus.CLOSED
        ).order_by("id"):
            place = (round_.employee_id, round_.deadline)
            if place in wanted and place not in stored.rounds and _imported(round_):
                stored.rounds[place] = round_
                await ctx.created(round_, employee_id=round_.employee_id, count=False)
    if grown:
        await AssessmentRound.bulk_update([r for r, _ in grown], fields=["competency_ids"])
        for round_, before in grown:
            await ctx.updated(round_, before, employee_id=round_.employee_id, count=False)
    # Rater parts: one per round and rater, submitted when the round closed.
    new_parts: list[RaterAssignment] = []
    seen: set[tuple[int, int]] = set()
    for employee_id, _, day, relation, rater in keys:
        round_ = stored.rounds[(employee_id, day)]
        slot = (round_.id, rater)
        if slot not in stored.assignments and slot not in seen:
            seen.add(slot)
            new_parts.append(
                RaterAssignment(
                    round_id=round_.id,
                    rater_id=rater,
                    relation=RaterRelation(relation),
                    submitted_at=round_.closed_at,
                )
            )
    if new_parts:
        await RaterAssignment.bulk_create(new_parts)
        round_ids = sorted({a.round_id for a in new_parts})
        employee_of = {r.id: r.employee_id for r in stored.rounds.values()}
        for part in await RaterAssignment.filter(round_id__in=round_ids).order_by("id"):
            slot = (part.round_id, part.rater_id)
            if slot in seen:
                stored.assignments[slot] = part
                await ctx.created(
                    part,
                    employee_id=employee_of[part.round_id],
                    audit_values=_assignment_values(part),
                    count=False,
                )
    # The ratings themselves: one row each.
    new_ratings: list[Rating] = []
    for key in keys:
        employee_id, competency_id, day, _, rater = key
        _, level, comment = ctx.items[key]
        part = stored.assignments[(stored.rounds[(employee_id, day)].id, rater)]
        new_ratings.append(
            Rating(
                assignment_id=part.id,
                competency_id=competency_id,
                level=level,
                comment=comment or "",
            )
        )
    await Rating.bulk_create(new_ratings)
    made = {(r.assignment_id, r.competency_id) for r in new_ratings}
    employee_of_round = {r.id: r.employee_id for r in stored.rounds.values()}
    employee_of_part = {
        a.id: employee_of_round[round_id] for (round_id, _), a in stored.assignments.items()
    }
    for rating in await Rating.filter(
        assignment_id__in=sorted({r.assignment_id for r in new_ratings})
    ).order_by("id"):
        if (rating.assignment_id, rating.competency_id) in made:
            await ctx.created(rating, employee_id=employee_of_part[rating.assignment_id])


# --- export and choices ----------------------------------------------------------------------


async def export(viewer: Viewer) -> AsyncIterator[list[str]]:
    """Every rating of a closed round of the people the viewer may assess (not their own), in
    the import's columns: a peer's or subordinate's rater as a token, never who."""
    if not may_import(viewer):
        return
    people = [
        (pk, number, path)
        for pk, number, path in await visible_employees(viewer)
        .order_by("employee_number")
        .values_list("id", "employee_number", "unit__path")
        if viewer.can_direct_in(path) and not viewer.is_self(pk)
    ]
    numbers = dict(await Employee.all().values_list("id", "employee_number"))
    codes = dict(await Competency.all().values_list("id", "code"))
    for chunk in _chunks(people):
        by_employee = {pk: number for pk, number, _ in chunk}
        found: list[tuple[Any, ...]] = []
        for values in await Rating.filter(
            assignment__round__employee_id__in=sorted(by_employee),
            assignment__round__status=RoundStatus.CLOSED,
            assignment__submitted_at__not_isnull=True,
        ).values_list(
            "assignment__round__employee_id",
            "competency_id",
            "level",
            "comment",
            "assignment_id",
            "assignment__rater_id",
            "assignment__relation",
            "assignment__round__closed_at",
            "assignment__round__created_at",
            "id",
        ):
            employee_id, competency_id, level, comment, part, rater, relation, closed, made, pk = (
                values
            )
            relation = RaterRelation(relation)
            shown = rater_token(part) if relation in rows.ANONYMOUS else str(numbers.get(rater, ""))
            day = rated_on(closed or made)
            found.append(
                (
                    by_employee[employee_id],
                    day,
                    codes[competency_id],
                    list(RaterRelation).index(relation),
                    pk,
                    [
                        by_employee[employee_id],
                        codes[competency_id],
                        str(level),
                        day.isoformat(),
                        relation.value,
                        shown,
                        comment,
                    ],
                )
            )
        found.sort(key=lambda f: f[:5])
        for *_, line in found:
            yield line


async def choices(viewer: Viewer) -> dict[str, list[str]]:
    return {
        "competency_code": [
            str(c) for c in await Competency.all().order_by("code").values_list("code", flat=True)
        ],
        "source": [r.value for r in RaterRelation],
    }


SPEC = ImportSpec(
    kind=ImportKind.COMPETENCY_RATINGS,
    columns=(
        Column(
            "employee_number",
            "Employee number",
            ("员工编号", "员工号", "被评人工号", "Employee No"),
            True,
            "E1001",
            "工号",
        ),
        Column(
            "competency_code",
            "Competency code",
            ("能力代码", "能力项", "能力", "Competency"),
            True,
            "PK",
            "能力编码",
        ),
        Column("level", "Level", ("评分", "等级", "得分", "Score"), True, "4", "级别"),
        Column(
            "rated_on",
            "Rated on",
            ("评估时间", "评价日期", "Date"),
            True,
            "2025-06-30",
            "评估日期",
        ),
        Column("source", "Source", ("评价来源", "评价人类型", "Relation"), True, "manager", "来源"),
        Column(
            "rater_number",
            "Rater employee number",
            ("评价人", "评价人编号", "Rater"),
            False,
            "",
            "评价人工号",
        ),
        Column("comment", "Comment", ("评语", "备注", "Remark"), False, "", "评价意见"),
    ),
    key=("employee_number", "competency_code", "rated_on", "source", "rater_number"),
    lookup_columns=("employee_number", "rater_number"),
    lookups=lookups,
    check=rows.rating_check,
    write=write,
    may_import=may_import,
    export=export,
    choices=choices,
    values={"source": {k: v for k, v in rows.SOURCES.items() if k != v}},
)
