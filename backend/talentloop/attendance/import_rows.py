"""The row checks of the time and leave kinds (issue 22): opening leave balances, punches and
leave already taken. The pure part of attendance/imports.py, run in the file-checking process
(talentloop.offload) against plain look-ups the API process read (never models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.attendance.models import LeaveType
from talentloop.attendance.results import CHINA
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.rows import Checked, RowCheck

NO_EMPLOYEE = N_("No such employee in your scope.")
LOCKED = N_("The payroll of {month} is approved: its attendance is closed.")
NOT_LEAVE_TYPE = N_("Not a leave type.")
NOT_YEAR = N_("Not a year.")
NOT_DAYS = N_("Not a whole number of days from 0 to 366.")
NOT_LEAVE_DAYS = N_("Not a whole number of days from 1 to the days from the first to the last.")
NOT_DATE = N_("Not a date (YYYY-MM-DD).")
NOT_TIME = N_("Not a time like 2026-11-02 08:57.")
FUTURE = N_("A punch in the future.")
TOO_LONG = N_("At most 64 characters.")
REASON_TOO_LONG = N_("At most 255 characters.")
ENDS_BEFORE = N_("The leave ends before it starts.")
ONE_YEAR = N_("Ask for each calendar year separately.")
SAME_BALANCE = N_("Same employee, leave type and year as row {other}.")
SAME_LEAVE = N_("Same employee, leave type and first day as row {other}.")
OVERLAPS = N_("Overlaps other leave of this person ({start} to {end}).")
OVERLAPS_ROW = N_("Overlaps the leave of row {other}.")
IN_APPROVAL = N_("A request for this leave is waiting for approval; decide it there.")
ANNUAL_LEFT = N_("{days} days asked, {remaining} days of annual leave left in {year}.")
# A punch is a minute's press: a repeat within it (in the file or stored) is the same punch.
REPEAT_WINDOW = timedelta(seconds=60)
# A device's clock may run a little fast (as the punch file allows).
FUTURE_SLACK = timedelta(minutes=5)
# Marks an item that repeats a punch of the file within a minute: counted, never written.
REPEAT = "repeat"

LEAVE_TYPE_NAMES = {
    "年假": LeaveType.ANNUAL,
    "年休假": LeaveType.ANNUAL,
    "病假": LeaveType.SICK,
    "事假": LeaveType.PERSONAL,
    "婚假": LeaveType.MARRIAGE,
    "产假": LeaveType.MATERNITY,
    "陪产假": LeaveType.PATERNITY,
    "丧假": LeaveType.BEREAVEMENT,
}
LEAVE_TYPES = [t.value for t in LeaveType]


@dataclass(frozen=True)
class People:
    """The file's people the viewer manages (id by number) and the months whose payroll is
    approved for each (attendance/corrections.py `month_closed`: their attendance is closed)."""

    mine: dict[str, int]
    locked: dict[int, set[date]] = field(default_factory=dict)


@dataclass(frozen=True)
class LeaveLookups:
    people: People
    # Approved leave stored under a row's key: (last day, days).
    approved: dict[tuple[int, str, date], tuple[date, int]] = field(default_factory=dict)
    # Keys of leave waiting for approval.
    pending: set[tuple[int, str, date]] = field(default_factory=set)
    # Each person's approved or waiting leave: (first day, last day, its key).
    taken: dict[int, list[tuple[date, date, tuple[int, str, date]]]] = field(default_factory=dict)
    # Annual leave days left per (person, year) before the file (None: not counted).
    annual_left: dict[tuple[int, int], int] = field(default_factory=dict)


def leave_type(text: str) -> LeaveType | None:
    if text in LEAVE_TYPE_NAMES:
        return LEAVE_TYPE_NAMES[text]
    try:
        return LeaveType(text.strip().lower())
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip().replace("/", "-")[:10])
    except ValueError:
        return None


def whole(text: str, low: int, high: int) -> int | None:
    """A whole number in low..high ("5" and "5.0" alike), else None."""
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer() or not low <= number <= high:
        return None
    return int(number)


def _person(
    checked: Checked, viewer: Viewer, people: People, index: int, row: dict[str, str]
) -> int | None:
    """The row's person: in the viewer's scope (else "not found") and not the viewer."""
    number = row.get("employee_number", "")
    employee = people.mine.get(number)
    if employee is None:
        checked.error(index, "employee_number", NO_EMPLOYEE, ErrorCode.NOT_FOUND, value=number)
        return None
    if checked.about_self(index, viewer, employee):
        return None
    return employee


def _locked(
    checked: Checked, people: People, index: int, column: str, employee: int, days: list[date]
) -> bool:
    closed = people.locked.get(employee)
    if not closed:
        return False
    for day in days:
        month = day.replace(day=1)
        if month in closed:
            checked.error(
                index,
                column,
                LOCKED,
                ErrorCode.LOCKED,
                value=day.isoformat(),
                month=month.strftime("%Y-%m"),
            )
            return True
    return False


# --- opening balances ------------------------------------------------------------------------


def balance_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, People)
    this_year = datetime.now(UTC).year

    def check(index: int, row: dict[str, str]) -> None:
        employee = _person(checked, viewer, lookups, index, row)
        kind = leave_type(row.get("leave_type", ""))
        bad = employee is None
        if kind is None:
            checked.error(
                index,
                "leave_type",
                NOT_LEAVE_TYPE,
                value=row.get("leave_type", ""),
                choices=LEAVE_TYPES,
            )
            bad = True
        year = whole(row.get("year", ""), 1900, this_year + 1)
        if year is None:
            checked.error(index, "year", NOT_YEAR, value=row.get("year", ""))
            bad = True
        days: dict[str, int | None] = {}
        for column in ("entitled", "carried_over", "taken"):
            text = row.get(column, "")
            if not text:
                days[column] = None if column == "entitled" else 0
                continue
            days[column] = whole(text, 0, 366)
            if days[column] is None:
                checked.error(index, column, NOT_DAYS, value=text)
                bad = True
        if bad or employee is None or kind is None or year is None:
            return
        key = (employee, kind.value, year)
        if key in checked.items:
            checked.error(
                index, None, SAME_BALANCE, ErrorCode.DUPLICATE, other=checked.items[key][0]
            )
            return
        checked.items[key] = (index, (days["entitled"], days["carried_over"], days["taken"]))

    return check


# --- punches ---------------------------------------------------------------------------------


def parse_punch_time(text: str) -> datetime | None:
    """As the punch file reads it (attendance/service.py): China time unless an offset is given."""
    from talentloop.attendance.service import parse_punch_time as parse

    return parse(text)


def punch_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    """The punch file's checks (attendance/service.py `import_punches`), and its month's
    attendance not closed by an approved payroll. A punch repeated within a minute is the same
    press: kept as a repeat, counted and never written."""
    assert isinstance(lookups, People)
    latest = datetime.now(UTC) + FUTURE_SLACK
    seen: dict[int, list[datetime]] = {}

    def check(index: int, row: dict[str, str]) -> None:
        employee = _person(checked, viewer, lookups, index, row)
        text = row.get("punched_at", "")
        moment = parse_punch_time(text) if text else None
        bad = employee is None
        if moment is None:
            checked.error(index, "punched_at", NOT_TIME, value=text)
            bad = True
        elif moment > latest:
            checked.error(index, "punched_at", FUTURE, value=text)
            bad = True
        device = row.get("device_id", "")
        if len(device) > 64:
            checked.error(index, "device_id", TOO_LONG, value=device)
            bad = True
        if bad or employee is None or moment is None:
            return
        moment = moment.replace(microsecond=0)
        day = moment.astimezone(CHINA).date()
        if _locked(checked, lookups, index, "punched_at", employee, [day]):
            return
        mine = seen.setdefault(employee, [])
        if any(abs(moment - other) < REPEAT_WINDOW for other in mine):
            checked.items[(employee, moment, REPEAT, index)] = (index, device or None)
            return
        mine.append(moment)
        checked.items[(employee, moment)] = (index, device or None)

    return check


# --- leave taken -------------------------------------------------------------------------------


def leave_check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    """As `requestLeave` checks a request (the dates in one calendar year, no overlap with the
    person's other leave, annual leave within what is left), and not into a month whose payroll
    is approved. The days are the old system's count: whole days, at most the days from the
    first to the last."""
    assert isinstance(lookups, LeaveLookups)
    people = lookups.people
    in_file: dict[int, list[tuple[date, date, int]]] = {}
    annual_used: dict[tuple[int, int], int] = {}

    def check(index: int, row: dict[str, str]) -> None:
        employee = _person(checked, viewer, people, index, row)
        bad = employee is None
        kind = leave_type(row.get("leave_type", ""))
        if kind is None:
            checked.error(
                index,
                "leave_type",
                NOT_LEAVE_TYPE,
                value=row.get("leave_type", ""),
                choices=LEAVE_TYPES,
            )
            bad = True
        dates: dict[str, date | None] = {}
        for column in ("start_date", "end_date"):
            text = row.get(column, "")
            dates[column] = parse_date(text)
            if dates[column] is None:
                checked.error(index, column, NOT_DATE, value=text)
                bad = True
        start, end = dates["start_date"], dates["end_date"]
        if start is not None and end is not None:
            if end < start:
                checked.error(index, "end_date", ENDS_BEFORE, value=row.get("end_date", ""))
                bad = True
            elif start.year != end.year:
                checked.error(index, "end_date", ONE_YEAR, value=row.get("end_date", ""))
                bad = True
        span = (end - start).days + 1 if start and end and end >= start else 366
        days = whole(row.get("days", ""), 1, span)
        if days is None:
            checked.error(index, "days", NOT_LEAVE_DAYS, value=row.get("days", ""))
            bad = True
        reason = row.get("reason", "")
        if len(reason) > 255:
            checked.error(index, "reason", REASON_TOO_LONG, value=reason)
            bad = True
        if bad or employee is None or kind is None or start is None or end is None or not days:
            return
        key = (employee, kind.value, start)
        if key in checked.items:
            checked.error(index, None, SAME_LEAVE, ErrorCode.DUPLICATE, other=checked.items[key][0])
            return
        if key in lookups.pending:
            checked.error(index, "start_date", IN_APPROVAL, ErrorCode.CONFLICT, value=str(start))
            return
        months = [start, end] if start.month != end.month else [start]
        months += [date(start.year, m, 1) for m in range(start.month + 1, end.month)]
        if _locked(checked, people, index, "start_date", employee, sorted(months)):
            return
        for first, last, other in lookups.taken.get(employee, []):
            if other != key and first <= end and last >= start:
                checked.error(
                    index,
                    "start_date",
                    OVERLAPS,
                    ErrorCode.CONFLICT,
                    value=str(start),
                    start=first.isoformat(),
                    end=last.isoformat(),
                )
                return
        for first, last, other_row in in_file.get(employee, []):
            if first <= end and last >= start:
                checked.error(
                    index, "start_date", OVERLAPS_ROW, ErrorCode.CONFLICT, other=other_row
                )
                return
        if kind is LeaveType.ANNUAL and (employee, start.year) in lookups.annual_left:
            stored = lookups.approved.get(key)
            left = (
                lookups.annual_left[(employee, start.year)]
                + (stored[1] if stored else 0)
                - annual_used.get((employee, start.year), 0)
            )
            if days > left:
                checked.error(
                    index,
                    "days",
                    ANNUAL_LEFT,
                    value=str(days),
                    days=days,
                    remaining=left,
                    year=start.year,
                )
                return
            annual_used[(employee, start.year)] = annual_used.get((employee, start.year), 0) + days
        in_file.setdefault(employee, []).append((start, end, index))
        checked.items[key] = (index, (end, days, reason))

    return check
