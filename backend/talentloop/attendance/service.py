"""Rules of attendance and leave: which rule set applies where, clocking in (web, phone with
location, device files), the daily results and the monthly sheet, leave balances and
requests with their approval.

Attendance is work data: what a viewer may read is `visible_attendance_employees(viewer)`
(the WORK field group — the employee themself, their managers, HR in scope). Rule sets and
clock-in locations are not personal: a unit's are read wherever the unit is visible, a
region's and the company default by anyone signed in. Changes to rules, locations, the
work start date and every step of a leave request go to the audit trail.

For payroll (Issue 10), one call gives the month of many employees, ready to pay:

    async def payroll_figures(
        viewer: Viewer, employee_ids: Sequence[int], month: date, *, today: date | None = None
    ) -> dict[int, PayrollFigures]

keyed by employee id, holding only those the viewer reads at WORK (anyone else is left out,
like an id of no one); `PayrollFigures` carries overtime hours by rate (150 / 200 / 300 %,
劳动法 art. 44), absent days, late and early counts, unpaid (事假) and sick leave days, and
the art. 41 cap flags; where the rule set has `overtime_needs_approval`, a day's overtime
counts up to its approved hours only (attendance/overtime.py). Queries do not grow with the
number of employees.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop import spreadsheets
from talentloop.access.policy import FieldGroup, Operation, Viewer
from talentloop.approvals import service as approvals
from talentloop.approvals import titles
from talentloop.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalTask,
    EventKind,
    RequestType,
    TaskStatus,
)
from talentloop.approvals.titles import Title
from talentloop.attendance import annual_leave, openings
from talentloop.attendance.calendar import DayKind, day_kind, days_of_month
from talentloop.attendance.models import (
    AllowedLocation,
    AttendanceProfile,
    AttendanceRuleSet,
    CorrectionStatus,
    HoursSystem,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OvertimeRequest,
    OvertimeStatus,
    Punch,
    PunchCorrection,
    PunchSource,
    time_to_minute,
)
from talentloop.attendance.results import (
    CHINA,
    DayResult,
    MonthSummary,
    Shift,
    evaluate_day,
    local,
    summarise_month,
)
from talentloop.audit import service as audit
from talentloop.errors import SELF_DEALING_MESSAGE, ErrorCode, FieldError, ServiceError, not_found
from talentloop.imports import parse
from talentloop.org.models import OrgUnit
from talentloop.payroll import inputs
from talentloop.people.models import Employee

# When no rule set applies anywhere on a unit's chain: 9:00–18:00 with an hour for lunch,
# 8 hours a day (国务院关于职工工作时间的规定 art. 3).
DEFAULT_SHIFT = Shift(
    hours_system=HoursSystem.STANDARD,
    work_start=time(9, 0),
    work_end=time(18, 0),
    break_start=time(12, 0),
    break_end=time(13, 0),
)
# Two punches of one person this close together are one press of the button.
DUPLICATE_WINDOW = timedelta(seconds=60)
MAX_PUNCH_ROWS = 20_000
MAX_PUNCH_BYTES = 5 * 1024 * 1024
EARTH_RADIUS_METERS = 6_371_008.8  # the mean Earth radius (IUGG)


def shift_of(rule: AttendanceRuleSet | None) -> Shift:
    if rule is None:
        return DEFAULT_SHIFT
    return Shift(
        hours_system=rule.hours_system,
        work_start=rule.work_start,
        work_end=rule.work_end,
        break_start=rule.break_start,
        break_end=rule.break_end,
        grace_minutes=rule.grace_minutes,
        late_absent_minutes=rule.late_absent_minutes,
        early_absent_minutes=rule.early_absent_minutes,
        overtime_unit_minutes=rule.overtime_unit_minutes,
        overtime_needs_approval=rule.overtime_needs_approval,
    )


# --- which rules apply --------------------------------------------------------------------------


class RuleResolver:
    """Finds the rule set of many units with two queries: the nearest unit on the chain with
    its own rule set, else the rule set of the unit's region (or city, nearest first), else
    the company default (no unit, no region), else DEFAULT_SHIFT."""

    def __init__(self) -> None:
        self._rules: list[AttendanceRuleSet] | None = None
        self._units: dict[int, OrgUnit] = {}

    async def load(self, units: list[OrgUnit]) -> None:
        if self._rules is None:
            self._rules = await AttendanceRuleSet.all()
        wanted = {i for u in units for i in (*u.ancestor_ids(), u.id)} - set(self._units)
        for u in units:
            self._units[u.id] = u
        wanted -= set(self._units)
        if wanted:
            for u in await OrgUnit.filter(id__in=sorted(wanted)):
                self._units[u.id] = u

    def rule_for(self, unit: OrgUnit) -> AttendanceRuleSet | None:
        assert self._rules is not None, "load() first"
        chain = [*unit.ancestor_ids(), unit.id][::-1]  # nearest first
        by_unit = {r.unit_id: r for r in self._rules if r.unit_id is not None}
        for unit_id in chain:
            if unit_id in by_unit:
                return by_unit[unit_id]
        by_region = {r.region: r for r in self._rules if r.unit_id is None and r.region}
        for unit_id in chain:
            u = self._units.get(unit_id)
            for key in (u.region, u.city) if u else ():
                if key and key in by_region:
                    return by_region[key]
        defaults = [r for r in self._rules if r.unit_id is None and not r.region]
        return defaults[0] if defaults else None


async def effective_rule_set(viewer: Viewer, unit_id: int) -> AttendanceRuleSet | None:
    unit = await _visible_unit(viewer, unit_id)
    resolver = RuleResolver()
    await resolver.load([unit])
    return resolver.rule_for(unit)


async def visible_rule_sets(viewer: Viewer) -> list[AttendanceRuleSet]:
    """Attendance rules are not personal data: a region's and the company default are read by
    anyone signed in, a unit's wherever the unit is visible (in or above the viewer's
    subtrees), as its other settings are."""
    if not viewer.is_authenticated:
        return []
    found = await AttendanceRuleSet.all().select_related("unit").order_by("id")
    return [r for r in found if r.unit is None or viewer.can_see_unit(r.unit.path)]


_RULE_FIELDS = (
    "name",
    "unit_id",
    "region",
    "hours_system",
    "work_start_minute",
    "work_end_minute",
    "break_start_minute",
    "break_end_minute",
    "grace_minutes",
    "late_absent_minutes",
    "early_absent_minutes",
    "overtime_unit_minutes",
    "overtime_needs_approval",
)


@dataclass
class RuleSetInput:
    name: str
    work_start: time
    work_end: time
    unit_id: int | None = None
    region: str | None = None
    hours_system: HoursSystem = HoursSystem.STANDARD
    break_start: time | None = None
    break_end: time | None = None
    grace_minutes: int = 0
    late_absent_minutes: int = 120
    early_absent_minutes: int = 120
    overtime_unit_minutes: int = 30
    overtime_needs_approval: bool = False


async def save_rule_set(
    viewer: Viewer, data: RuleSetInput, rule_set_id: int | None = None
) -> AttendanceRuleSet:
    """A unit's rule set: HR of that unit (branch HR in its branch). A region's or the
    company default: HQ HR only."""
    existing = None
    if rule_set_id is not None:
        existing = await AttendanceRuleSet.filter(id=rule_set_id).select_related("unit").first()
        # A unit's rule set out of the viewer's sight is answered like one that does not exist.
        if existing is None or (
            existing.unit is not None and not viewer.can_see_unit(existing.unit.path)
        ):
            raise not_found("Rule set", "id")
        # The rule set as it stands: its unit's HR, or HQ HR for a region's and the default.
        if not viewer.can_manage_setting_in(existing.unit.path if existing.unit else None):
            raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this rule set.", "id")
    unit = None
    if data.unit_id is not None:
        unit = await _visible_unit(viewer, data.unit_id, field_name="unitId")
    # And where the write puts it.
    if not viewer.can_manage_setting_in(unit.path if unit else None):
        if unit is not None:
            raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not set rules here.", "unitId")
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only HQ HR sets regional and company rules.", "region"
        )
    if existing is not None and existing.unit_id is not None and existing.unit_id != data.unit_id:
        raise ServiceError.one(ErrorCode.INVALID, "A rule set stays with its unit.", "unitId")
    problems = _rule_problems(data)
    clash = AttendanceRuleSet.filter(
        Q(unit_id=data.unit_id) if data.unit_id is not None else Q(region=data.region or None)
    )
    if data.unit_id is None and not data.region:
        clash = AttendanceRuleSet.filter(unit_id=None, region=None)
    if existing is not None:
        clash = clash.exclude(id=existing.id)
    if await clash.exists():
        problems.append(
            FieldError(
                "That unit or region already has a rule set.",
                ErrorCode.DUPLICATE,
                "unitId" if data.unit_id else "region",
            )
        )
    if problems:
        raise ServiceError(*problems)
    values: dict[str, Any] = {
        "name": data.name.strip(),
        "unit_id": unit.id if unit else None,
        "region": None if unit else (data.region or "").strip() or None,
        "hours_system": data.hours_system,
        "work_start_minute": time_to_minute(data.work_start),
        "work_end_minute": time_to_minute(data.work_end),
        "break_start_minute": time_to_minute(data.break_start) if data.break_start else None,
        "break_end_minute": time_to_minute(data.break_end) if data.break_end else None,
        "grace_minutes": data.grace_minutes,
        "late_absent_minutes": data.late_absent_minutes,
        "early_absent_minutes": data.early_absent_minutes,
        "overtime_unit_minutes": data.overtime_unit_minutes,
        "overtime_needs_approval": data.overtime_needs_approval,
    }
    async with in_transaction():
        if existing is None:
            created = await AttendanceRuleSet.create(**values)
            await audit.record_created(viewer, "AttendanceRuleSet", created.id, values)
            await inputs.attendance_rules_changed(created.name, unit.path if unit else None)
            return created
        await AttendanceRuleSet.filter(id=existing.id).update(**values)
        await audit.record_changes(
            viewer,
            "AttendanceRuleSet",
            existing.id,
            {k: getattr(existing, k) for k in _RULE_FIELDS},
            values,
        )
        await inputs.attendance_rules_changed(values["name"], unit.path if unit else None)
        return await AttendanceRuleSet.get(id=existing.id)


def _rule_problems(data: RuleSetInput) -> list[FieldError]:
    problems: list[FieldError] = []
    if not data.name.strip():
        problems.append(FieldError("Give the rule set a name.", ErrorCode.REQUIRED, "name"))
    elif len(data.name.strip()) > 64:
        problems.append(FieldError("At most 64 characters.", ErrorCode.INVALID, "name"))
    if data.region and len(data.region.strip()) > 64:
        problems.append(FieldError("At most 64 characters.", ErrorCode.INVALID, "region"))
    if data.work_end <= data.work_start:
        problems.append(
            FieldError("The shift ends before it starts.", ErrorCode.INVALID, "workEnd")
        )
    if (data.break_start is None) != (data.break_end is None):
        problems.append(
            FieldError("A break needs a start and an end.", ErrorCode.INVALID, "breakEnd")
        )
    elif (
        data.break_start is not None
        and data.break_end is not None
        and not (data.work_start <= data.break_start < data.break_end <= data.work_end)
    ):
        problems.append(
            FieldError("The break lies outside the shift.", ErrorCode.INVALID, "breakStart")
        )
    for name, value, top in [
        ("graceMinutes", data.grace_minutes, 120),
        ("lateAbsentMinutes", data.late_absent_minutes, 24 * 60),
        ("earlyAbsentMinutes", data.early_absent_minutes, 24 * 60),
        ("overtimeUnitMinutes", data.overtime_unit_minutes, 240),
    ]:
        if value < 0 or value > top:
            problems.append(FieldError("Between 0 and {top}.", ErrorCode.INVALID, name, top=top))
    if data.overtime_unit_minutes == 0:
        problems.append(FieldError("At least 1 minute.", ErrorCode.INVALID, "overtimeUnitMinutes"))
    if data.late_absent_minutes < data.grace_minutes:
        problems.append(
            FieldError(
                "Absence cannot start inside the grace period.",
                ErrorCode.INVALID,
                "lateAbsentMinutes",
            )
        )
    return problems


# --- where one may clock in ---------------------------------------------------------------------


def haversine_meters(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(min(1.0, math.sqrt(a)))


async def locations_for_unit(unit: OrgUnit) -> list[AllowedLocation]:
    """The nearest unit on the chain that has allowed locations lends them to those below."""
    chain = [*unit.ancestor_ids(), unit.id]
    found = await AllowedLocation.filter(unit_id__in=chain)
    by_unit: dict[int, list[AllowedLocation]] = defaultdict(list)
    for loc in found:
        by_unit[loc.unit_id].append(loc)
    for unit_id in reversed(chain):
        if by_unit.get(unit_id):
            return by_unit[unit_id]
    return []


async def visible_locations(viewer: Viewer, unit_id: int) -> list[AllowedLocation]:
    unit = await _visible_unit(viewer, unit_id)
    return await locations_for_unit(unit)


async def visible_location(viewer: Viewer, location_id: int) -> AllowedLocation | None:
    """One location, where its unit is visible (else None, like one that does not exist)."""
    location = await AllowedLocation.filter(id=location_id).select_related("unit").first()
    if location is None or not viewer.can_see_unit(location.unit.path):
        return None
    return location


async def add_location(
    viewer: Viewer, *, unit_id: int, name: str, latitude: float, longitude: float, radius: int
) -> AllowedLocation:
    unit = await _visible_unit(viewer, unit_id, field_name="unitId")
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not set locations here.", "unitId")
    problems = []
    if not name.strip():
        problems.append(FieldError("Name the place.", ErrorCode.REQUIRED, "name"))
    elif len(name.strip()) > 128:
        problems.append(FieldError("At most 128 characters.", ErrorCode.INVALID, "name"))
    if not -90 <= latitude <= 90:
        problems.append(FieldError("Between -90 and 90.", ErrorCode.INVALID, "latitude"))
    if not -180 <= longitude <= 180:
        problems.append(FieldError("Between -180 and 180.", ErrorCode.INVALID, "longitude"))
    if not 10 <= radius <= 5000:
        problems.append(FieldError("Between 10 and 5000 metres.", ErrorCode.INVALID, "radius"))
    if problems:
        raise ServiceError(*problems)
    values: dict[str, Any] = {
        "unit_id": unit.id,
        "name": name.strip(),
        "latitude": latitude,
        "longitude": longitude,
        "radius_meters": radius,
    }
    async with in_transaction():
        location = await AllowedLocation.create(**values)
        await audit.record_created(viewer, "AttendanceLocation", location.id, values)
        return location


async def remove_location(viewer: Viewer, location_id: int) -> None:
    location = await AllowedLocation.filter(id=location_id).select_related("unit").first()
    if location is None or not viewer.can_see_unit(location.unit.path):
        raise not_found("Location", "id")
    if not viewer.can_manage_employees_in(location.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change locations here.", "id")
    async with in_transaction():
        await location.delete()
        await audit.record_deleted(
            viewer,
            "AttendanceLocation",
            location_id,
            {
                "unit_id": location.unit_id,
                "name": location.name,
                "latitude": location.latitude,
                "longitude": location.longitude,
                "radius_meters": location.radius_meters,
            },
        )


# --- punches ---------------------------------------------------------------------------------------


@dataclass
class ClockInResult:
    punch: Punch
    duplicate: bool


async def clock_in(
    viewer: Viewer,
    *,
    source: PunchSource,
    latitude: float | None = None,
    longitude: float | None = None,
    now: datetime | None = None,
) -> ClockInResult:
    """The viewer clocks in or out (the server's clock decides when). From a phone the
    position must lie within an allowed location of the employee's unit."""
    if viewer.employee_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only employees clock in.")
    if source is PunchSource.DEVICE:
        raise ServiceError.one(
            ErrorCode.INVALID, "Device punches come in through a punch file.", "source"
        )
    employee = await Employee.filter(id=viewer.employee_id).select_related("unit").first()
    if employee is None:
        raise not_found("Employee")
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    location: AllowedLocation | None = None
    distance: float | None = None
    if source is PunchSource.MOBILE:
        if latitude is None or longitude is None:
            raise ServiceError.one(
                ErrorCode.REQUIRED, "Clocking in from a phone needs your location.", "latitude"
            )
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ServiceError.one(ErrorCode.INVALID, "Not a position on Earth.", "latitude")
        places = await locations_for_unit(employee.unit)
        if not places:
            raise ServiceError.one(
                ErrorCode.FORBIDDEN, "Your unit has no place to clock in from a phone.", "latitude"
            )
        measured = sorted(
            (haversine_meters(latitude, longitude, p.latitude, p.longitude), p.id, p)
            for p in places
        )
        distance, _, nearest = measured[0]
        if distance > nearest.radius_meters:
            raise ServiceError.one(
                ErrorCode.INVALID,
                "You are {distance} m from {place}; clock in within {radius} m.",
                "latitude",
                distance=round(distance),
                place=nearest.name,
                radius=nearest.radius_meters,
            )
        location = nearest
    async with in_transaction():
        # Lock the employee row: two taps at once must not make two punches.
        await Employee.filter(id=employee.id).select_for_update().first()
        recent = await Punch.filter(
            employee_id=employee.id,
            punched_at__gte=moment - DUPLICATE_WINDOW,
            punched_at__lte=moment + DUPLICATE_WINDOW,
        ).first()
        if recent is not None:
            return ClockInResult(recent, duplicate=True)
        punch = await Punch.create(
            employee_id=employee.id,
            punched_at=moment,
            source=source,
            latitude=latitude if source is PunchSource.MOBILE else None,
            longitude=longitude if source is PunchSource.MOBILE else None,
            distance_meters=round(distance) if distance is not None else None,
            location_id=location.id if location else None,
            recorded_by_id=viewer.user_id,
        )
        await inputs.attendance_changed(employee.id, moment.astimezone(CHINA).date())
        return ClockInResult(punch, duplicate=False)


@dataclass
class RowError:
    row: int
    column: str | None
    message: str
    code: ErrorCode = ErrorCode.INVALID


@dataclass
class PunchImport:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True


PUNCH_COLUMNS = {
    "employee_number": "employee_number",
    "工号": "employee_number",
    "punched_at": "punched_at",
    "打卡时间": "punched_at",
    "device_id": "device_id",
    "设备号": "device_id",
}


def parse_punch_time(text: str) -> datetime | None:
    """A punch's moment as device files write it (imports/parse.py `parse_time`):
    '2026-11-02 08:57', '2026/11/2 8:57:30', '2026年11月2日 08:57' in China time, or ISO 8601
    with an offset."""
    return parse.parse_time(text)


async def import_punches(
    viewer: Viewer, content: bytes, *, dry_run: bool, now: datetime | None = None
) -> PunchImport:
    """A device's punch file (CSV: employee_number, punched_at, device_id). Every bad row is
    reported and, if there is one, nothing is written. Rows may come in any order; a punch
    already stored or repeated within a minute is a duplicate and skipped, not an error."""
    if not viewer.can_manage_employees:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR imports punch files.")
    reading = spreadsheets.Reading()
    raw = await spreadsheets.read_rows_off_loop(
        "punches.csv",
        content,
        max_rows=MAX_PUNCH_ROWS,
        max_bytes=MAX_PUNCH_BYTES,
        kinds=("csv",),
        reading=reading,
    )
    if not raw:
        raise ServiceError.one(ErrorCode.INVALID, "The file is empty.", "file")
    header = [PUNCH_COLUMNS.get(c.strip(), c.strip().lower()) for c in raw[0]]
    missing = [c for c in ("employee_number", "punched_at") if c not in header]
    if missing:
        raise ServiceError.one(
            ErrorCode.INVALID, "Missing column(s): {columns}.", "file", columns=", ".join(missing)
        )
    result = PunchImport(rows=len(raw) - 1, dry_run=dry_run)
    rows = [
        (i + 2, {col: (cells[j].strip() if j < len(cells) else "") for j, col in enumerate(header)})
        for i, cells in enumerate(raw[1:])
    ]
    numbers = {r["employee_number"] for _, r in rows if r["employee_number"]}
    # Numbers match in any case (imports/parse.py `fold`): e1001 is E1001.
    employees = {
        parse.fold(e.employee_number): e
        for e in await Employee.filter(employee_number__in=parse.spellings(numbers)).select_related(
            "unit"
        )
    }
    for r, c in reading.formulas:
        if r > 0 and c < len(header):
            result.errors.append(RowError(r + 1, header[c], spreadsheets.FORMULA_MESSAGE))
    latest = (now or datetime.now(UTC)) + timedelta(minutes=5)
    wanted: list[tuple[int, Employee, datetime, str | None]] = []
    for line, row in rows:
        employee = employees.get(parse.fold(row["employee_number"]))
        if not row["employee_number"]:
            result.errors.append(
                RowError(line, "employee_number", "No employee number.", ErrorCode.REQUIRED)
            )
        elif employee is None or not viewer.can_manage_employees_in(employee.unit.path):
            # Someone the viewer does not manage reads exactly like no one (as in importData).
            result.errors.append(
                RowError(line, "employee_number", "No such employee.", ErrorCode.NOT_FOUND)
            )
            employee = None
        elif viewer.is_self(employee.id):  # one's own punches come from clocking in
            result.errors.append(
                RowError(line, "employee_number", SELF_DEALING_MESSAGE, ErrorCode.SELF_DEALING)
            )
            employee = None
        moment = parse_punch_time(row["punched_at"])
        if moment is None:
            result.errors.append(RowError(line, "punched_at", "Not a time like 2026-11-02 08:57."))
        elif moment > latest:
            result.errors.append(RowError(line, "punched_at", "A punch in the future."))
        device = (row.get("device_id") or "")[:64] or None
        if employee is not None and moment is not None:
            wanted.append((line, employee, moment.replace(microsecond=0), device))
    if result.errors:
        return result
    async with in_transaction():
        by_employee: dict[int, list[tuple[datetime, str | None]]] = defaultdict(list)
        for _, employee, moment, device in wanted:
            by_employee[employee.id].append((moment, device))
        stored: dict[int, list[datetime]] = defaultdict(list)
        if wanted:
            lo = min(m for _, _, m, _ in wanted) - DUPLICATE_WINDOW
            hi = max(m for _, _, m, _ in wanted) + DUPLICATE_WINDOW
            for p in await Punch.filter(
                employee_id__in=sorted(by_employee), punched_at__gte=lo, punched_at__lte=hi
            ):
                stored[p.employee_id].append(p.punched_at)
        new: list[Punch] = []
        for employee_id, items in by_employee.items():
            kept = sorted(stored[employee_id])
            for moment, device in sorted(items, key=lambda x: x[0]):
                if any(abs(moment - k) < DUPLICATE_WINDOW for k in kept):
                    result.duplicates += 1
                    continue
                kept.append(moment)
                new.append(
                    Punch(
                        employee_id=employee_id,
                        punched_at=moment,
                        source=PunchSource.DEVICE,
                        device_id=device,
                        recorded_by_id=viewer.user_id,
                    )
                )
        result.imported = len(new)
        if not dry_run and new:
            await Punch.bulk_create(new)
            months: dict[date, set[int]] = defaultdict(set)
            for p in new:
                months[p.punched_at.astimezone(CHINA).date().replace(day=1)].add(p.employee_id)
            await inputs.punches_imported(months)
    return result


# --- daily results and the month ---------------------------------------------------------------


def visible_attendance_employees(viewer: Viewer) -> QuerySet[Employee]:
    scope = viewer.employee_filter(FieldGroup.WORK)
    if scope is None:
        return Employee.filter(id__in=[])
    return Employee.filter(scope).select_related("unit")


@dataclass
class EmployeeMonth:
    employee: Employee
    month: date
    rule_set: AttendanceRuleSet | None
    days: list[DayResult]
    summary: MonthSummary


def month_range(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time(0), tzinfo=CHINA).astimezone(UTC),
        datetime.combine(following, time(0), tzinfo=CHINA).astimezone(UTC),
    )


async def _months(
    employees: list[Employee], month: date, today: date | None
) -> list[EmployeeMonth]:
    """Every employee's month in six queries, whatever their number."""
    if not employees:
        return []
    ids = [e.id for e in employees]
    start, end = month_range(month)
    punches: dict[tuple[int, date], list[datetime]] = defaultdict(list)
    for p in await Punch.filter(
        employee_id__in=ids, punched_at__gte=start, punched_at__lt=end
    ).only("employee_id", "punched_at"):
        punches[(p.employee_id, local(p.punched_at).date())].append(p.punched_at)
    days = days_of_month(month)
    leave: dict[tuple[int, date], LeaveType] = {}
    for req in await LeaveRequest.filter(
        employee_id__in=ids,
        status=LeaveStatus.APPROVED,
        start_date__lte=days[-1],
        end_date__gte=days[0],
    ):
        for d in days:
            if req.start_date <= d <= req.end_date:
                leave[(req.employee_id, d)] = req.leave_type
    # The hours approved per day: they cap the overtime where the rule set asks for approval.
    approved: dict[tuple[int, date], int] = defaultdict(int)
    for ot in await OvertimeRequest.filter(
        employee_id__in=ids,
        status=OvertimeStatus.APPROVED,
        date__gte=days[0],
        date__lte=days[-1],
    ).only("employee_id", "date", "hours"):
        approved[(ot.employee_id, ot.date)] += int(ot.hours * 60)
    # Punch corrections (补卡): a rejected one decides its missing punch as an absence.
    corrections: dict[tuple[int, date], CorrectionStatus] = {}
    for c in (
        await PunchCorrection.filter(
            employee_id__in=ids,
            status__not=CorrectionStatus.CANCELLED,
            date__gte=days[0],
            date__lte=days[-1],
        )
        .order_by("id")
        .only("employee_id", "date", "status")
    ):
        corrections[(c.employee_id, c.date)] = c.status  # the latest wins
    resolver = RuleResolver()
    await resolver.load([e.unit for e in employees])
    today = today or datetime.now(CHINA).date()
    months = []
    for employee in employees:
        rule = resolver.rule_for(employee.unit)
        shift = shift_of(rule)
        results = []
        for d in days:
            if d < employee.hire_date or (
                employee.termination_date is not None and d > employee.termination_date
            ):
                continue
            if d > today:
                break
            correction = corrections.get((employee.id, d))
            result = evaluate_day(
                shift,
                d,
                punches.get((employee.id, d), []),
                leave.get((employee.id, d)),
                today=today,
                approved_overtime_minutes=approved.get((employee.id, d), 0),
                absence_decided=correction is CorrectionStatus.REJECTED,
            )
            result.correction = correction
            results.append(result)
        months.append(
            EmployeeMonth(employee, month, rule, results, summarise_month(shift, results))
        )
    return months


async def employee_month(
    viewer: Viewer, employee_id: int, month: date, today: date | None = None
) -> EmployeeMonth | None:
    employee = await visible_attendance_employees(viewer).filter(id=employee_id).first()
    if employee is None:
        return None
    return (await _months([employee], month, today))[0]


@dataclass
class UnitSheet:
    unit: OrgUnit
    month: date
    rows: list[EmployeeMonth]


async def unit_sheet(
    viewer: Viewer, unit_id: int, month: date, today: date | None = None
) -> UnitSheet | None:
    """The month of everyone in a unit's subtree the viewer may read attendance of."""
    unit = await OrgUnit.get_or_none(id=unit_id)
    if unit is None or not viewer.can_see_unit(unit.path):
        return None
    start_day = month.replace(day=1)
    end_day = days_of_month(month)[-1]
    employees = await (
        visible_attendance_employees(viewer)
        .filter(unit__path__startswith=unit.path, hire_date__lte=end_day)
        .filter(Q(termination_date__isnull=True) | Q(termination_date__gte=start_day))
        .order_by("employee_number")
    )
    return UnitSheet(unit, month.replace(day=1), await _months(employees, month, today))


async def missing_punches_in_scope(viewer: Viewer, month: date, today: date | None = None) -> int:
    """How many people the viewer leads or manages (not themself) have a day with a missing
    punch this month so far, as the monthly sheet judges it (`_months`)."""
    where = viewer.act_filter(Operation.DIRECT)
    managed = viewer.act_filter(Operation.MANAGE)
    if managed is not None:
        where = managed if where is None else where | managed
    if where is None:
        return 0
    start_day = month.replace(day=1)
    employees = await (
        visible_attendance_employees(viewer)
        .filter(where, hire_date__lte=days_of_month(month)[-1])
        .filter(Q(termination_date__isnull=True) | Q(termination_date__gte=start_day))
        .exclude(id=viewer.employee_id or -1)
    )
    months = await _months(employees, month, today)
    return sum(1 for m in months if m.summary.missing_punch_days)


def sheet_xlsx(sheet: UnitSheet) -> bytes:
    """The monthly sheet for payroll: one row per employee, hours as decimals."""
    from openpyxl.styles import Font

    book = spreadsheets.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet.month.strftime("%Y-%m")
    ws.append([f"{sheet.unit.name} 考勤月报 {sheet.month:%Y-%m}"])
    ws["A1"].font = Font(bold=True)
    leave_types = list(LeaveType)
    header = [
        "工号", "姓名", "应出勤天数", "出勤天数", "迟到次数", "迟到分钟", "早退次数", "早退分钟",
        "旷工天数", "缺卡天数",
        *[f"{LEAVE_NAMES[t]}(天)" for t in leave_types],
        "工作日加班(小时,150%)", "休息日加班(小时,200%)", "法定节假日加班(小时,300%)",
        "超每日3小时天数", "超每月36小时",
    ]  # fmt: skip
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        s = row.summary
        ws.append(
            [
                row.employee.employee_number,
                row.employee.name,
                s.workdays,
                s.days_present,
                s.late_count,
                s.late_minutes,
                s.early_count,
                s.early_minutes,
                s.absent_days,
                s.missing_punch_days,
                *[s.leave_days.get(t, 0) for t in leave_types],
                round(s.overtime_workday_minutes / 60, 2),
                round(s.overtime_rest_day_minutes / 60, 2),
                round(s.overtime_holiday_minutes / 60, 2),
                s.days_over_daily_cap,
                "是" if s.over_monthly_cap else "否",
            ]
        )
    for column in ws.columns:
        letter = column[1].column_letter
        ws.column_dimensions[letter].width = 12
    return spreadsheets.xlsx_bytes(book)


LEAVE_NAMES = {
    LeaveType.ANNUAL: "年假",
    LeaveType.SICK: "病假",
    LeaveType.PERSONAL: "事假",
    LeaveType.MARRIAGE: "婚假",
    LeaveType.MATERNITY: "产假",
    LeaveType.PATERNITY: "陪产假",
    LeaveType.BEREAVEMENT: "丧假",
}


# --- attendance profile ---------------------------------------------------------------------------


async def set_work_start_date(
    viewer: Viewer, employee_id: int, work_start: date
) -> AttendanceProfile:
    employee = await visible_attendance_employees(viewer).filter(id=employee_id).first()
    if employee is None:
        raise not_found("Employee", "employeeId")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR records this.", "employeeId")
    viewer.refuse_self(employee.id)  # years worked set the annual leave
    if work_start > employee.hire_date:
        raise ServiceError.one(
            ErrorCode.INVALID,
            "One starts working no later than one is hired here.",
            "workStartDate",
        )
    async with in_transaction():
        profile, _ = await AttendanceProfile.get_or_create(employee_id=employee.id)
        before = {"work_start_date": profile.work_start_date}
        profile.work_start_date = work_start
        await profile.save(update_fields=["work_start_date"])
        await audit.record_changes(
            viewer,
            "AttendanceProfile",
            profile.id,
            before,
            {"work_start_date": work_start},
            employee_id=employee.id,
        )
        return profile


async def work_start_of(employee: Employee) -> date:
    """The first day of work anywhere; the hire date here when nobody recorded it."""
    profile = await AttendanceProfile.get_or_none(employee_id=employee.id)
    if profile is not None and profile.work_start_date is not None:
        return profile.work_start_date
    return employee.hire_date


# --- leave ---------------------------------------------------------------------------------------


@dataclass
class LeaveBalance:
    leave_type: LeaveType
    year: int
    entitled: int | None  # None: no yearly allowance (sick, personal …)
    used: int
    pending: int

    @property
    def remaining(self) -> int | None:
        return None if self.entitled is None else self.entitled - self.used - self.pending


async def annual_days(employee: Employee, year: int) -> int:
    return annual_leave.annual_entitlement(
        year,
        work_start=await work_start_of(employee),
        hire_date=employee.hire_date,
        termination_date=employee.termination_date,
    )


async def leave_balances(viewer: Viewer, employee_id: int, year: int) -> list[LeaveBalance] | None:
    employee = await visible_attendance_employees(viewer).filter(id=employee_id).first()
    if employee is None:
        return None
    taken: dict[tuple[LeaveType, LeaveStatus], int] = defaultdict(int)
    for req in await LeaveRequest.filter(
        employee_id=employee.id,
        status__in=(LeaveStatus.APPROVED, LeaveStatus.PENDING),
        start_date__gte=date(year, 1, 1),
        start_date__lte=date(year, 12, 31),
    ):
        taken[(req.leave_type, req.status)] += req.days
    annual = await annual_days(employee, year)
    opened = await openings.openings_of([employee.id], [year])
    found: list[LeaveBalance] = []
    for t in LeaveType:
        entitled, used = openings.adjusted(
            annual if t is LeaveType.ANNUAL else None,
            taken[(t, LeaveStatus.APPROVED)],
            opened.get((employee.id, t, year)),
        )
        found.append(LeaveBalance(t, year, entitled, used, taken[(t, LeaveStatus.PENDING)]))
    return found


def visible_leave_requests(viewer: Viewer) -> QuerySet[LeaveRequest]:
    scope = viewer.employee_filter(FieldGroup.WORK, prefix="employee__")
    if scope is None:
        return LeaveRequest.filter(id__in=[])
    return LeaveRequest.filter(scope)


def leave_to_decide(viewer: Viewer) -> QuerySet[LeaveRequest]:
    """Pending requests the viewer may decide now: those with an open approval task of theirs
    or of someone who delegated to them today (approvals/), and — for a request filed before
    it ran on the engine — of their direct reports, or of anyone in the units they manage
    (managers) or handle (HR); never their own."""
    qs = visible_leave_requests(viewer).filter(status=LeaveStatus.PENDING)
    if viewer.user_id is None:
        return LeaveRequest.filter(id__in=[])
    mine = awaiting(viewer, RequestType.LEAVE)
    legacy: Q | None = Q()
    deciding = viewer.act_paths(Operation.DECIDE)
    if "" not in deciding:  # HQ HR decides anyone's
        clauses = []
        if viewer.employee_id is not None:
            clauses.append(Q(employee__manager_id=viewer.employee_id))
        clauses += [Q(employee__unit__path__startswith=path) for path in deciding]
        legacy = None
        for clause in clauses:
            legacy = clause if legacy is None else legacy | clause
    if legacy is not None:
        on_engine = Subquery(
            ApprovalRequest.filter(request_type=RequestType.LEAVE).values("subject_id")
        )
        mine |= legacy & ~Q(id__in=on_engine)
    qs = qs.filter(mine)
    if viewer.employee_id is not None:
        qs = qs.exclude(employee_id=viewer.employee_id)
    return qs


def awaiting(viewer: Viewer, request_type: RequestType) -> Q:
    """Subjects (by id) of the type with an open approval task of the viewer's, or of
    someone who delegated to them today."""
    open_tasks = ApprovalTask.filter(
        status=TaskStatus.PENDING,
        request__request_type=request_type,
        request__status=ApprovalStatus.PENDING,
    )
    delegated = Subquery(approvals.delegators(viewer).values("from_user_id"))
    return Q(
        id__in=Subquery(
            open_tasks.filter(Q(approver_id=viewer.user_id) | Q(approver_id__in=delegated)).values(
                "request__subject_id"
            )
        )
    )


async def request_leave(
    viewer: Viewer,
    *,
    leave_type: LeaveType,
    start: date,
    end: date,
    reason: str = "",
    employee_id: int | None = None,
) -> LeaveRequest:
    """An employee asks for leave for themself (HR may file one for someone in scope)."""
    target = employee_id if employee_id is not None else viewer.employee_id
    if target is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only employees ask for leave.")
    employee = await visible_attendance_employees(viewer).filter(id=target).first()
    if employee is None:
        raise not_found("Employee", "employeeId")
    if employee.id != viewer.employee_id and not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not ask for leave for someone else.", "employeeId"
        )
    problems: list[FieldError] = []
    if end < start:
        problems.append(
            FieldError("The leave ends before it starts.", ErrorCode.INVALID, "endDate")
        )
    elif start.year != end.year:
        problems.append(
            FieldError("Ask for each calendar year separately.", ErrorCode.INVALID, "endDate")
        )
    elif (end - start).days > 366:
        problems.append(FieldError("At most a year at a time.", ErrorCode.INVALID, "endDate"))
    if problems:
        raise ServiceError(*problems)
    # 职工带薪年休假条例 art. 3: statutory holidays and rest days are not leave days (and a
    # make-up workday is a workday) — the same counting serves every leave type here.
    days = sum(
        1
        for i in range((end - start).days + 1)
        if day_kind(start + timedelta(days=i)) is DayKind.WORKDAY
    )
    if days == 0:
        raise ServiceError.one(ErrorCode.INVALID, "Those are all days off already.", "startDate")
    async with in_transaction():
        await Employee.filter(id=employee.id).select_for_update().first()
        if await LeaveRequest.filter(
            employee_id=employee.id,
            status__in=(LeaveStatus.PENDING, LeaveStatus.APPROVED),
            start_date__lte=end,
            end_date__gte=start,
        ).exists():
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                "You already asked for leave on some of these days.",
                "startDate",
            )
        if leave_type is LeaveType.ANNUAL:
            balances = await leave_balances(viewer, employee.id, start.year)
            annual = next(b for b in balances or [] if b.leave_type is LeaveType.ANNUAL)
            remaining = annual.remaining or 0
            if days > remaining:
                raise ServiceError.one(
                    ErrorCode.INVALID,
                    "{days} days asked, {remaining} days of annual leave left in {year}.",
                    "endDate",
                    days=days,
                    remaining=remaining,
                    year=start.year,
                )
        values: dict[str, Any] = {
            "employee_id": employee.id,
            "leave_type": leave_type,
            "start_date": start,
            "end_date": end,
            "days": days,
            "reason": reason.strip()[:255],
            "requested_by_id": viewer.user_id,
        }
        request = await LeaveRequest.create(**values)
        await audit.record_created(
            viewer, "LeaveRequest", request.id, values, employee_id=employee.id
        )
        await _submit_leave(viewer, request, employee.unit, requester_id=viewer.user_id)
        return await LeaveRequest.get(id=request.id)


async def _submit_leave(
    viewer: Viewer, request: LeaveRequest, unit: OrgUnit, *, requester_id: int | None
) -> ApprovalRequest:
    return await approvals.submit(
        viewer,
        RequestType.LEAVE,
        request.id,
        unit=unit,
        employee_id=request.employee_id,
        title=Title(
            titles.LEAVE,
            {
                "type_label": titles.LEAVE_TYPES[request.leave_type.value],
                "start": request.start_date.isoformat(),
                "end": request.end_date.isoformat(),
            },
        ),
        days=request.days,
        requester_id=requester_id,
    )


async def decision_of(approval: ApprovalRequest, viewer: Viewer) -> dict[str, Any]:
    """Who decided a request the engine finished, when, and their note: the decision fields
    of the subject (a leave or overtime request)."""
    last = (
        await ApprovalEvent.filter(
            request_id=approval.id, kind__in=(EventKind.APPROVED, EventKind.REJECTED)
        )
        .order_by("-id")
        .first()
    )
    return {
        "decided_by_id": last.actor_id if last is not None else viewer.user_id,
        "decided_at": approval.decided_at or datetime.now(UTC),
        "decision_note": (last.comment if last is not None else "")[:255],
    }


async def decide_task(
    viewer: Viewer, approval: ApprovalRequest, *, approve: bool, note: str
) -> None:
    """The viewer's decision on their task of the request; no task of theirs: FORBIDDEN
    (the domain already showed them the subject)."""
    try:
        await approvals.decide(viewer, approval.id, approve=approve, comment=note)
    except ServiceError as exc:
        if exc.errors and exc.errors[0].code is ErrorCode.NOT_FOUND:
            raise ServiceError.one(
                ErrorCode.FORBIDDEN, "You may not decide this request.", "id"
            ) from exc
        raise


async def _leave_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The engine's final decision on a leave request (inside its transaction)."""
    before = await LeaveRequest.get_or_none(id=approval.subject_id)
    if before is None or before.status is not LeaveStatus.PENDING:
        return
    await LeaveRequest.filter(id=before.id, status=LeaveStatus.PENDING).update(
        status=LeaveStatus.APPROVED if approved else LeaveStatus.REJECTED,
        **await decision_of(approval, viewer),
    )
    await _record_leave_status(viewer, before, await LeaveRequest.get(id=before.id))


approvals.register_effect(RequestType.LEAVE, _leave_decided)


async def decide_leave(
    viewer: Viewer, request_id: int, *, approve: bool, note: str = ""
) -> LeaveRequest:
    """The viewer's decision on their approval task of the request (approvals/)."""
    request = await visible_leave_requests(viewer).filter(id=request_id).first()
    if request is None:
        raise not_found("Leave request", "id")
    if request.status is not LeaveStatus.PENDING:
        raise ServiceError.one(ErrorCode.CONFLICT, "This request was already decided.", "id")
    if request.employee_id == viewer.employee_id:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not decide your own request.", "id")
    approval = await approvals.request_for_subject(RequestType.LEAVE, request.id)
    if approval is None:  # filed before leave ran on the engine: start it now
        async with in_transaction():
            employee = await Employee.get(id=request.employee_id).select_related("unit")
            approval = await _submit_leave(
                viewer, request, employee.unit, requester_id=request.requested_by_id
            )
    await decide_task(viewer, approval, approve=approve, note=note)
    return await LeaveRequest.get(id=request.id)


async def cancel_leave(viewer: Viewer, request_id: int) -> LeaveRequest:
    request = await visible_leave_requests(viewer).filter(id=request_id).first()
    if request is None or request.employee_id != viewer.employee_id:
        raise not_found("Leave request", "id")
    if request.status not in (LeaveStatus.PENDING, LeaveStatus.APPROVED):
        raise ServiceError.one(ErrorCode.CONFLICT, "This request is closed.", "id")
    today = datetime.now(CHINA).date()
    if request.status is LeaveStatus.APPROVED and request.start_date <= today:
        raise ServiceError.one(
            ErrorCode.CONFLICT, "Leave that has begun is changed by HR, not cancelled.", "id"
        )
    async with in_transaction():
        changed = await LeaveRequest.filter(id=request.id, status=request.status).update(
            status=LeaveStatus.CANCELLED
        )
        if changed == 0:
            raise ServiceError.one(ErrorCode.CONFLICT, "This request is closed.", "id")
        cancelled = await LeaveRequest.get(id=request.id)
        await approvals.cancel(viewer, RequestType.LEAVE, request.id)
        await _record_leave_status(viewer, request, cancelled)
        return cancelled


async def _record_leave_status(viewer: Viewer, before: LeaveRequest, after: LeaveRequest) -> None:
    if LeaveStatus.APPROVED in (before.status, after.status) and before.status != after.status:
        await inputs.attendance_changed(after.employee_id, after.start_date)
    await audit.record_changes(
        viewer,
        "LeaveRequest",
        after.id,
        before,
        {"status": after.status, "decision_note": after.decision_note},
        employee_id=after.employee_id,
    )


# --- helpers ---------------------------------------------------------------------------------------


async def _visible_unit(viewer: Viewer, unit_id: int, field_name: str = "unitId") -> OrgUnit:
    unit = await OrgUnit.get_or_none(id=unit_id)
    if unit is None or not viewer.can_see_unit(unit.path):
        raise not_found("Unit", field_name)
    return unit


# --- for payroll ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayrollFigures:
    """One employee's month as payroll pays it. Overtime hours by the rate 劳动法 art. 44
    sets: after hours on a workday 150 %, on a rest day without time off in lieu 200 %, on a
    statutory holiday 300 %. Personal leave (事假) is unpaid; sick leave is paid at the sick
    rate (not below 80 % of the local minimum wage, 关于贯彻执行《劳动法》若干问题的意见
    art. 59); the other leave types are paid like work."""

    employee_id: int
    month: date  # its first day
    workdays: int  # scheduled workdays of the month (by the work calendar)
    days_present: int
    overtime_150_hours: Decimal  # workday overtime
    overtime_200_hours: Decimal  # rest-day overtime
    overtime_300_hours: Decimal  # statutory-holiday overtime
    absent_days: int  # 旷工
    late_count: int
    late_minutes: int
    early_count: int
    early_minutes: int
    missing_punch_days: int
    unpaid_leave_days: int  # 事假
    sick_leave_days: int
    paid_leave_days: int  # annual, marriage, maternity, paternity, bereavement
    days_over_daily_cap: int  # art. 41: more than 3 hours of overtime in a day
    over_monthly_cap: bool  # art. 41: more than 36 hours in the month


def _hours_decimal(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))


def payroll_figures_of(month: EmployeeMonth) -> PayrollFigures:
    s = month.summary
    leave = s.leave_days
    return PayrollFigures(
        employee_id=month.employee.id,
        month=month.month.replace(day=1),
        workdays=s.workdays,
        days_present=s.days_present,
        overtime_150_hours=_hours_decimal(s.overtime_workday_minutes),
        overtime_200_hours=_hours_decimal(s.overtime_rest_day_minutes),
        overtime_300_hours=_hours_decimal(s.overtime_holiday_minutes),
        absent_days=s.absent_days,
        late_count=s.late_count,
        late_minutes=s.late_minutes,
        early_count=s.early_count,
        early_minutes=s.early_minutes,
        missing_punch_days=s.missing_punch_days,
        unpaid_leave_days=leave.get(LeaveType.PERSONAL, 0),
        sick_leave_days=leave.get(LeaveType.SICK, 0),
        paid_leave_days=sum(
            days for kind, days in leave.items() if kind not in (LeaveType.PERSONAL, LeaveType.SICK)
        ),
        days_over_daily_cap=s.days_over_daily_cap,
        over_monthly_cap=s.over_monthly_cap,
    )


async def payroll_figures(
    viewer: Viewer, employee_ids: Sequence[int], month: date, *, today: date | None = None
) -> dict[int, PayrollFigures]:
    """The month of each employee the viewer reads at WORK, by employee id (the others are
    left out, like ids of no one). Only the days up to `today` (China time) are judged; a
    month in the past is complete."""
    if not employee_ids:
        return {}
    employees = await visible_attendance_employees(viewer).filter(id__in=sorted(set(employee_ids)))
    months = await _months(list(employees), month.replace(day=1), today)
    return {m.employee.id: payroll_figures_of(m) for m in months}
