"""The row check of the competency ratings import (skills/imports.py): the pure part, run in
the file-checking process (talentloop.offload) against look-ups the API process read — plain
values, never models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.parse import fold, parse_date, parse_number
from talentloop.imports.rows import Checked, RowCheck
from talentloop.skills.models import RaterRelation

# A source's names in files: the stored value, and the Chinese HR words for it.
SOURCES: dict[str, str] = {r.value: r.value for r in RaterRelation} | {
    "test": "test",
    "自评": "self",
    "本人": "self",
    "上级": "manager",
    "上级评价": "manager",
    "经理": "manager",
    "主管": "manager",
    "同事": "peer",
    "同级": "peer",
    "平级": "peer",
    "同事评价": "peer",
    "下级": "subordinate",
    "下属": "subordinate",
    "下级评价": "subordinate",
    "测试": "test",
    "测评": "test",
    "考试": "test",
}
ANONYMOUS = frozenset({RaterRelation.PEER, RaterRelation.SUBORDINATE})
# The rater of a peer's or subordinate's rating as exports show it: a token per rating
# assignment (skills/imports.py `rater_token`), never who.
ANONYMOUS_PREFIX = "anon-"

NO_SUCH_EMPLOYEE = N_("No such employee in your scope.")
NO_SUCH_COMPETENCY = N_("No such competency.")
NOT_A_LEVEL = N_("Not a level of this competency ({levels}).")
NOT_A_DATE = N_("Not a date (YYYY-MM-DD).")
IN_THE_FUTURE = N_("A rating cannot be dated in the future.")
NOT_A_SOURCE = N_("Not a source of ratings.")
TESTS_NOT_IMPORTED = N_(
    "Skill test results come from the tests taken in the app; they are not imported as ratings."
)
NO_SUCH_RATER = N_("No such rater.")
SELF_RATER = N_("A self-rating is given by the employee themself.")
RATER_IS_SUBJECT = N_("The employee rates themselves only as self.")
RATER_REQUIRED = N_(
    "A peer's or subordinate's rating names its rater: anonymous groups are shown only from "
    "enough different raters."
)
NO_MANAGER = N_("The employee has no manager; name the rater.")
DUPLICATE = N_("Same record as row {other}.")
OTHER_PART_IN_FILE = N_(
    "Row {other} names this rater in another part for the same employee and day."
)


@dataclass(frozen=True)
class RatingLookups:
    # the employees whose assessments the viewer may run: number (as stored and folded) →
    # (id, manager id)
    employees: dict[str, tuple[int, int | None]]
    raters: dict[str, int]  # any employee the viewer may see, by number (as stored and folded)
    tokens: dict[str, tuple[int, int, RaterRelation]]  # anon token → (employee, rater, relation)
    competencies: dict[str, tuple[int, tuple[int, ...]]]  # folded code → (id, levels)
    today: date


def competency_levels(levels: dict[str, Any]) -> tuple[int, ...]:
    """A competency's levels as numbers (1–5 when it describes none)."""
    found = sorted(int(k) for k in levels if str(k).strip().isdigit())
    return tuple(found) if found else (1, 2, 3, 4, 5)


def rating_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, RatingLookups)
    parts: dict[tuple[int, date, int], tuple[int, RaterRelation]] = {}  # a rater's part per day

    def check(index: int, row: dict[str, str]) -> None:
        bad = False
        number = row["employee_number"]
        employee = lookups.employees.get(number) or lookups.employees.get(fold(number))
        if employee is None:
            checked.error(
                index, "employee_number", NO_SUCH_EMPLOYEE, ErrorCode.NOT_FOUND, value=number
            )
            bad = True
        elif checked.about_self(index, viewer, employee[0]):
            bad = True
        competency = lookups.competencies.get(fold(row["competency_code"]))
        if competency is None:
            checked.error(
                index,
                "competency_code",
                NO_SUCH_COMPETENCY,
                ErrorCode.NOT_FOUND,
                value=row["competency_code"],
                choices=sorted(lookups.competencies)[:30],
            )
            bad = True
        level: int | None = None
        if competency is not None:
            number_level = parse_number(row["level"])
            levels = competency[1]
            if number_level is not None and number_level == number_level.to_integral_value():
                level = int(number_level)
            if level not in levels:
                checked.error(
                    index,
                    "level",
                    NOT_A_LEVEL,
                    value=row["level"],
                    choices=[str(lv) for lv in levels],
                    levels=", ".join(str(lv) for lv in levels),
                )
                bad = True
        rated_on = parse_date(row["rated_on"])
        if rated_on is None:
            checked.error(index, "rated_on", NOT_A_DATE, value=row["rated_on"])
            bad = True
        elif rated_on > lookups.today:
            checked.error(index, "rated_on", IN_THE_FUTURE, value=row["rated_on"])
            bad = True
        source = SOURCES.get(fold(row["source"])) or SOURCES.get(row["source"])
        relation: RaterRelation | None = None
        if source == "test":
            checked.error(index, "source", TESTS_NOT_IMPORTED, value=row["source"])
            bad = True
        elif source is None:
            checked.error(
                index,
                "source",
                NOT_A_SOURCE,
                value=row["source"],
                choices=[r.value for r in RaterRelation],
            )
            bad = True
        else:
            relation = RaterRelation(source)
        rater: int | None = None
        if employee is not None and relation is not None:
            rater = _rater(index, row.get("rater_number", ""), employee, relation)
            bad = bad or rater is None
        if bad or employee is None or competency is None or rated_on is None:
            return
        assert relation is not None and rater is not None and level is not None
        key = (employee[0], competency[0], rated_on, relation.value, rater)
        if key in checked.items:
            checked.error(
                index, "rater_number", DUPLICATE, ErrorCode.DUPLICATE, other=checked.items[key][0]
            )
            return
        part = parts.setdefault((employee[0], rated_on, rater), (index, relation))
        if part[1] is not relation:
            checked.error(
                index, "rater_number", OTHER_PART_IN_FILE, ErrorCode.CONFLICT, other=part[0]
            )
            return
        comment = row["comment"][:2000] if "comment" in row else None
        checked.items[key] = (index, level, comment)

    def _rater(
        index: int, text: str, employee: tuple[int, int | None], relation: RaterRelation
    ) -> int | None:
        subject, manager = employee
        if relation is RaterRelation.SELF:
            if text and (lookups.raters.get(text) or lookups.raters.get(fold(text))) != subject:
                checked.error(index, "rater_number", SELF_RATER, value=text)
                return None
            return subject
        if not text:
            if relation is RaterRelation.MANAGER:
                if manager is None:
                    checked.error(index, "rater_number", NO_MANAGER, ErrorCode.REQUIRED)
                return manager
            checked.error(index, "rater_number", RATER_REQUIRED, ErrorCode.REQUIRED)
            return None
        if text.startswith(ANONYMOUS_PREFIX):
            token = lookups.tokens.get(text)
            if token is None or token[0] != subject or token[2] is not relation:
                checked.error(index, "rater_number", NO_SUCH_RATER, ErrorCode.NOT_FOUND, value=text)
                return None
            return token[1]
        rater = lookups.raters.get(text) or lookups.raters.get(fold(text))
        if rater is None:
            checked.error(index, "rater_number", NO_SUCH_RATER, ErrorCode.NOT_FOUND, value=text)
            return None
        if rater == subject:
            checked.error(index, "rater_number", RATER_IS_SUBJECT, value=text)
            return None
        return rater

    return check
