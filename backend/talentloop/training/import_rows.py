"""The row checks of the training kinds' imports (courses, course sessions, training history):
the pure part of training/imports.py, run in the file-checking process (talentloop.offload)
against look-ups the API process read — plain values, never models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.rows import Checked, RowCheck
from talentloop.performance.service import parse_decimal
from talentloop.training.models import CourseFormat, CourseKind

COMPANY_ZONE = "Asia/Shanghai"  # training/service.py COMPANY_ZONE: completion days
TOP_SCORE = Decimal(100)
WITH_SESSIONS = (CourseFormat.WORKSHOP, CourseFormat.BLENDED)

FORMATS = {f.value: f for f in CourseFormat} | {
    "线上": CourseFormat.ONLINE,
    "在线": CourseFormat.ONLINE,
    "面授": CourseFormat.WORKSHOP,
    "工作坊": CourseFormat.WORKSHOP,
    "线下": CourseFormat.WORKSHOP,
    "混合": CourseFormat.BLENDED,
    "混合式": CourseFormat.BLENDED,
    "导师带教": CourseFormat.MENTORING,
    "带教": CourseFormat.MENTORING,
}
KINDS = {k.value: k for k in CourseKind} | {"通用": CourseKind.GENERAL, "行业": CourseKind.INDUSTRY}

COMPETENCIES_FORMAT = N_("Competencies as CODE:level, separated by ; (e.g. PK:4;CNA:3).")
COMPETENCIES_STAY = N_(
    "A course's competencies stay as it was created with them; this file changes them."
)
FORMAT_STAYS = N_("A course keeps its format.")
SEVERAL_FEES = N_("The course has several per-participant fees; change them in the course library.")
NO_SESSIONS = N_("Only workshops and blended courses have sessions.")
NOT_A_TIME = N_("Not a date and time (YYYY-MM-DD HH:MM).")
NO_SUCH_COURSE = N_("No such course.")
NO_SUCH_SESSION = N_("No session of this course starts then.")
SESSION_CANCELLED = N_("This session is cancelled.")
SESSION_SCOPE = N_("You may not schedule sessions here.")
NO_SUCH_ZONE = N_("Not a time zone. Use an IANA name such as Asia/Shanghai.")


@dataclass(frozen=True)
class CourseFacts:
    id: int
    format: CourseFormat


@dataclass(frozen=True)
class StoredCourse:
    """What the check compares a file's course with: its format, competencies and fees."""

    id: int
    format: CourseFormat
    competencies: frozenset[tuple[int, int]]  # (competency id, target level)
    fees: tuple[Decimal, ...]  # its course-wide per-participant fee items' amounts


@dataclass(frozen=True)
class CourseLookups:
    courses: dict[str, StoredCourse]  # the file's codes that exist
    competencies: dict[str, int]  # every competency's id by code


@dataclass(frozen=True)
class SessionLookups:
    courses: dict[str, CourseFacts]
    units: dict[str, tuple[int, str, str]]  # the units the viewer sees: (id, path, zone) by code
    company_zone: str
    # the file's courses' sessions: (course id, UTC start) → (unit path or None, cancelled)
    sessions: dict[tuple[int, datetime], tuple[str | None, bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryLookups:
    employees: dict[str, int]  # the file's people the viewer manages: id by number
    courses: dict[str, CourseFacts]
    # the file's courses' sessions by local start ("YYYY-MM-DD HH:MM" in the session's zone):
    # (course id, start text) → (session id, the company day it starts)
    sessions: dict[tuple[int, str], tuple[int, date]]
    today: date


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def parse_local(text: str, zone: str) -> datetime | None:
    """A wall-clock time in `zone` (or an instant with its offset) as a UTC instant."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def local_key(text: str) -> str | None:
    """A local start as the look-ups key it ("YYYY-MM-DD HH:MM")."""
    try:
        return datetime.fromisoformat(text.strip()).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return None


def completion_instant(day: date) -> datetime:
    """As training/service.py: noon of the day in the company's zone."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(COMPANY_ZONE)).astimezone(UTC)


def parse_competencies(text: str) -> list[tuple[str, str]] | None:
    pairs: list[tuple[str, str]] = []
    for part in text.replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code, sep, level = part.replace("：", ":").partition(":")
        if not sep:
            return None
        pairs.append((code.strip(), level.strip()))
    return pairs


def _duplicate(checked: Checked, index: int, key: tuple[Any, ...], column: str | None) -> bool:
    if key not in checked.items:
        return False
    checked.error(
        index,
        column,
        "Same record as row {other}.",
        ErrorCode.DUPLICATE,
        other=checked.items[key][0],
    )
    return True


# --- courses -------------------------------------------------------------------------------------


def course_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, CourseLookups)

    def check(index: int, row: dict[str, str]) -> None:
        bad = False
        code = row["code"]
        if not code:
            checked.error(index, "code", "Required.", ErrorCode.REQUIRED)
            bad = True
        elif len(code) > 32:
            checked.error(index, "code", "At most {max} characters.", value=code, max=32)
            bad = True
        title = row["title"]
        if not title:
            checked.error(index, "title", "Required.", ErrorCode.REQUIRED)
            bad = True
        elif len(title) > 128:
            checked.error(index, "title", "At most {max} characters.", value=title, max=128)
            bad = True
        fmt = FORMATS.get(row["format"].lower())
        if fmt is None:
            checked.error(
                index,
                "format",
                "Not one of the choices.",
                value=row["format"],
                choices=[f.value for f in CourseFormat],
            )
            bad = True
        kind = KINDS.get(row.get("kind", "").lower() or "general")
        if kind is None:
            checked.error(
                index,
                "kind",
                "Not one of the choices.",
                value=row["kind"],
                choices=[k.value for k in CourseKind],
            )
            bad = True
        hours = parse_decimal(row["duration_hours"])
        if hours is None or hours <= 0 or hours >= 100_000:
            checked.error(
                index, "duration_hours", "Duration must be above 0.", value=row["duration_hours"]
            )
            bad = True
        cost: Decimal | None = None
        if row.get("cost"):
            cost = parse_decimal(row["cost"])
            if cost is None or cost < 0 or cost >= 10**10:
                checked.error(index, "cost", "An amount cannot be negative.", value=row["cost"])
                bad = True
        links: set[tuple[int, int]] | None = None
        if row.get("competencies"):
            links = _competencies(checked, index, row["competencies"], lookups.competencies)
            bad = bad or links is None
        stored = lookups.courses.get(code)
        if stored is not None and fmt is not None and fmt is not stored.format:
            checked.error(index, "format", FORMAT_STAYS, value=row["format"])
            bad = True
        if stored is not None and links is not None and frozenset(links) != stored.competencies:
            checked.error(index, "competencies", COMPETENCIES_STAY, value=row["competencies"])
            bad = True
        if (
            stored is not None
            and cost is not None
            and len(stored.fees) > 1
            and sum(stored.fees, Decimal(0)) != cost
        ):
            checked.error(index, "cost", SEVERAL_FEES, value=row["cost"])
            bad = True
        if _duplicate(checked, index, (code,), "code") or bad:
            return
        assert fmt is not None and kind is not None and hours is not None
        values = {
            "title": title,
            "format": fmt,
            "kind": kind,
            "duration_hours": hours.quantize(Decimal("0.1")),
            "provider": row.get("provider", "")[:128],
            "description": row.get("description", ""),
        }
        checked.items[(code,)] = (
            index,
            values,
            sorted(links) if links is not None else None,
            cost.quantize(Decimal("0.01")) if cost is not None else None,
            {k for k in ("provider", "description") if k in row},
        )

    return check


def _competencies(
    checked: Checked, index: int, text: str, known: dict[str, int]
) -> set[tuple[int, int]] | None:
    pairs = parse_competencies(text)
    if pairs is None:
        checked.error(index, "competencies", COMPETENCIES_FORMAT, value=text)
        return None
    links: set[tuple[int, int]] = set()
    for code, level in pairs:
        if code not in known:
            checked.error(
                index,
                "competencies",
                "No such competency.",
                ErrorCode.NOT_FOUND,
                value=code,
                choices=sorted(known),
            )
            return None
        if level not in {"1", "2", "3", "4", "5"}:
            checked.error(index, "competencies", "A target level is 1 to 5.", value=text)
            return None
        if any(c == known[code] for c, _ in links):
            checked.error(
                index, "competencies", "Choose existing competencies once each.", value=text
            )
            return None
        links.add((known[code], int(level)))
    return links


# --- course sessions ---------------------------------------------------------------------------


def session_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, SessionLookups)

    def check(index: int, row: dict[str, str]) -> None:
        bad = False
        course = lookups.courses.get(row["course_code"])
        if course is None:
            checked.error(
                index, "course_code", NO_SUCH_COURSE, ErrorCode.NOT_FOUND, value=row["course_code"]
            )
            bad = True
        elif course.format not in WITH_SESSIONS:
            checked.error(index, "course_code", NO_SESSIONS, value=row["course_code"])
            bad = True
        unit_code = row.get("unit_code", "")
        unit = lookups.units.get(unit_code) if unit_code else None
        if unit_code and unit is None:
            checked.error(
                index,
                "unit_code",
                "No such unit in your scope.",
                ErrorCode.NOT_FOUND,
                value=unit_code,
            )
            bad = True
        elif not viewer.can_manage_setting_in(unit[1] if unit else None):
            checked.error(index, "unit_code", SESSION_SCOPE, ErrorCode.FORBIDDEN, value=unit_code)
            bad = True
        named = row.get("time_zone", "") or None
        if named is not None:
            try:
                ZoneInfo(named)
            except (ValueError, KeyError):
                checked.error(index, "time_zone", NO_SUCH_ZONE, value=named)
                bad = True
                named = None
        zone = named or (unit[2] if unit else lookups.company_zone)
        starts = parse_local(row["starts_at"], zone)
        if starts is None:
            checked.error(index, "starts_at", NOT_A_TIME, value=row["starts_at"])
            bad = True
        ends = parse_local(row["ends_at"], zone)
        if ends is None:
            checked.error(index, "ends_at", NOT_A_TIME, value=row["ends_at"])
            bad = True
        elif starts is not None and ends <= starts:
            checked.error(index, "ends_at", "A session ends after it starts.", value=row["ends_at"])
            bad = True
        try:
            capacity = int(row["capacity"])
        except ValueError:
            capacity = 0
        if capacity < 1 or capacity > 100_000:
            checked.error(index, "capacity", "At least one seat.", value=row["capacity"])
            bad = True
        place = row["place"]
        if not place:
            checked.error(index, "place", "Where is it?", ErrorCode.REQUIRED)
            bad = True
        if bad or course is None or starts is None:
            return
        stored = lookups.sessions.get((course.id, starts))
        if stored is not None:
            # A session elsewhere is its own unit's to change, wherever the file moves it.
            if not viewer.can_manage_setting_in(stored[0]):
                checked.error(
                    index,
                    "course_code",
                    NO_SUCH_SESSION,
                    ErrorCode.NOT_FOUND,
                    value=row["starts_at"],
                )
                return
            if stored[1]:
                checked.error(index, "starts_at", SESSION_CANCELLED, value=row["starts_at"])
                return
        key = (course.id, starts)
        if _duplicate(checked, index, key, "starts_at"):
            return
        values = {
            "ends_at": ends,
            "place": place[:128],
            "trainer": row.get("trainer", "")[:64],
            "capacity": capacity,
            "unit_id": unit[0] if unit else None,
            "time_zone": named,
        }
        checked.items[key] = (index, values)

    return check


# --- training history ------------------------------------------------------------------------


def history_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, HistoryLookups)

    def check(index: int, row: dict[str, str]) -> None:
        bad = False
        employee = lookups.employees.get(row["employee_number"])
        if employee is None:
            checked.error(
                index,
                "employee_number",
                "No such employee in your scope.",
                ErrorCode.NOT_FOUND,
                value=row["employee_number"],
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        course = lookups.courses.get(row["course_code"])
        if course is None:
            checked.error(
                index, "course_code", NO_SUCH_COURSE, ErrorCode.NOT_FOUND, value=row["course_code"]
            )
            bad = True
        completed = parse_day(row["completed_on"])
        if completed is None:
            checked.error(
                index, "completed_on", "Not a date (YYYY-MM-DD).", value=row["completed_on"]
            )
            bad = True
        elif completed > lookups.today:
            checked.error(
                index,
                "completed_on",
                "A completion cannot be in the future.",
                value=row["completed_on"],
            )
            bad = True
        enrolled = completed
        if row.get("enrolled_on"):
            enrolled = parse_day(row["enrolled_on"])
            if enrolled is None:
                checked.error(
                    index, "enrolled_on", "Not a date (YYYY-MM-DD).", value=row["enrolled_on"]
                )
                bad = True
            elif completed is not None and enrolled > completed:
                checked.error(
                    index,
                    "enrolled_on",
                    "Enrolled on or before the completion.",
                    value=row["enrolled_on"],
                )
                bad = True
        session: tuple[int, date] | None = None
        start_text = row.get("session_start", "")
        if start_text and course is not None:
            if course.format not in WITH_SESSIONS:
                checked.error(
                    index, "session_start", "This course has no sessions.", value=start_text
                )
                bad = True
            else:
                start = local_key(start_text)
                session = lookups.sessions.get((course.id, start)) if start else None
                if session is None:
                    checked.error(
                        index,
                        "session_start",
                        NO_SUCH_SESSION,
                        ErrorCode.NOT_FOUND,
                        value=start_text,
                    )
                    bad = True
                elif completed is not None and completed < session[1]:
                    checked.error(
                        index,
                        "completed_on",
                        "Not before the session starts ({start}).",
                        value=row["completed_on"],
                        start=session[1].isoformat(),
                    )
                    bad = True
        score = None
        if row.get("score"):
            score = parse_decimal(row["score"])
            if score is None or not 0 <= score <= TOP_SCORE:
                checked.error(
                    index, "score", "Between 0 and {top}.", value=row["score"], top=int(TOP_SCORE)
                )
                bad = True
        cost = None
        if row.get("cost"):
            cost = parse_decimal(row["cost"])
            if cost is None or cost < 0 or cost >= 10**10:
                checked.error(index, "cost", "An amount cannot be negative.", value=row["cost"])
                bad = True
        if bad or employee is None or course is None or completed is None or enrolled is None:
            return
        key = (employee, course.id, ("session", session[0]) if session else ("day", completed))
        if _duplicate(checked, index, key, "course_code"):
            return
        values = {
            "enrolled_at": completion_instant(enrolled),
            "completed_at": completion_instant(completed),
            "score": score.quantize(Decimal("0.1")) if score is not None else None,
            "actual_cost": cost.quantize(Decimal("0.01")) if cost is not None else None,
        }
        checked.items[key] = (index, values)

    return check
