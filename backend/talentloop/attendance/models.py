"""Attendance rule sets (the shift, the working-hour system), allowed clock-in locations,
attendance profiles, punches, leave requests, overtime requests.

Daily results and monthly statistics are not stored: they are computed from the punches,
the rules, the calendar and approved leave whenever they are read (attendance/results.py),
so a late punch file or an approved leave never leaves a stale figure behind.

Model docstrings become table comments: Tortoise splits migration SQL on
semicolons, so none appear in them.
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from talentloop.attendance.calendar import DayKind

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee


class HoursSystem(StrEnum):
    # 国务院关于职工工作时间的规定 art. 3: 8 hours a day, 40 a week.
    STANDARD = "standard"
    # 综合计算工时工作制 (关于企业实行不定时工作制和综合计算工时工作制的审批办法 art. 5)
    COMPREHENSIVE = "comprehensive"
    # 不定时工作制 (the same 审批办法 art. 4)
    FLEXIBLE = "flexible"


class AttendanceRuleSet(Model):
    """The attendance rules of a unit subtree or a region: the shift and the working-hour system"""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    # Applies to this unit and everything under it unless a unit below has its own.
    unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.OneToOneField(
        "talentloop.OrgUnit",
        related_name="attendance_rule_set",
        null=True,
        on_delete=fields.CASCADE,
    )
    # Or to every unit whose region (or city) is this, when no unit on its chain has a rule set.
    region = fields.CharField(max_length=64, null=True, unique=True)
    hours_system = fields.CharEnumField(HoursSystem, max_length=16, default=HoursSystem.STANDARD)
    # The shift in minutes after midnight, China time (a TimeField would carry a time zone,
    # which SQLite cannot store).
    work_start_minute = fields.IntField()
    work_end_minute = fields.IntField()
    break_start_minute = fields.IntField(null=True)
    break_end_minute = fields.IntField(null=True)
    # Arriving up to this many minutes after the start is not late.
    grace_minutes = fields.IntField(default=0)
    # Later than this (after the start) or leaving earlier than this (before the end): absent.
    late_absent_minutes = fields.IntField(default=120)
    early_absent_minutes = fields.IntField(default=120)
    # Overtime after the shift's end counts in whole units of this many minutes.
    overtime_unit_minutes = fields.IntField(default=30)
    # On: a day's overtime counts only up to the hours approved for it (OvertimeRequest),
    # never more than the punches show. Off: the punches alone (the default).
    overtime_needs_approval = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    unit_id: int | None

    class Meta:
        table = "attendance_rule_set"
        ordering = ["id"]

    @property
    def work_start(self) -> time:
        return minute_to_time(self.work_start_minute)

    @property
    def work_end(self) -> time:
        return minute_to_time(self.work_end_minute)

    @property
    def break_start(self) -> time | None:
        return None if self.break_start_minute is None else minute_to_time(self.break_start_minute)

    @property
    def break_end(self) -> time | None:
        return None if self.break_end_minute is None else minute_to_time(self.break_end_minute)


def minute_to_time(minute: int) -> time:
    return time(minute // 60, minute % 60)


def time_to_minute(clock: time) -> int:
    return clock.hour * 60 + clock.minute


class AllowedLocation(Model):
    """A place where a unit's people may clock in from a phone: a centre and a radius"""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="attendance_locations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=128)
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    radius_meters = fields.IntField()

    unit_id: int

    class Meta:
        table = "attendance_location"
        ordering = ["unit_id", "id"]


class AttendanceProfile(Model):
    """What attendance and leave need of an employee that the employee record does not hold"""

    id = fields.IntField(primary_key=True)
    employee: fields.OneToOneRelation[Employee] = fields.OneToOneField(
        "talentloop.Employee", related_name="attendance_profile", on_delete=fields.CASCADE
    )
    # The first day of employment anywhere: annual leave depends on cumulative years worked.
    work_start_date = fields.DateField(null=True)

    employee_id: int

    class Meta:
        table = "attendance_profile"


class PunchSource(StrEnum):
    WEB = "web"
    MOBILE = "mobile"
    DEVICE = "device"
    # A missing punch put right through an approved PunchCorrection (补卡).
    CORRECTION = "correction"


class Punch(Model):
    """One clock-in or clock-out, from the web, a phone or a device file"""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="punches", on_delete=fields.CASCADE
    )
    punched_at = fields.DatetimeField()
    source = fields.CharEnumField(PunchSource, max_length=16)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    distance_meters = fields.IntField(null=True)
    location: fields.ForeignKeyNullableRelation[AllowedLocation] = fields.ForeignKeyField(
        "talentloop.AllowedLocation", related_name="punches", null=True, on_delete=fields.SET_NULL
    )
    device_id = fields.CharField(max_length=64, null=True)
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="recorded_punches", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    location_id: int | None

    class Meta:
        table = "attendance_punch"
        ordering = ["employee_id", "punched_at"]
        unique_together = (("employee", "punched_at"),)


class LeaveType(StrEnum):
    ANNUAL = "annual"
    SICK = "sick"
    PERSONAL = "personal"
    MARRIAGE = "marriage"
    MATERNITY = "maternity"
    PATERNITY = "paternity"
    BEREAVEMENT = "bereavement"


class LeaveStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class LeaveRequest(Model):
    """A request for whole days of leave and its decision by the manager or unit HR"""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="leave_requests", on_delete=fields.CASCADE
    )
    leave_type = fields.CharEnumField(LeaveType, max_length=16)
    start_date = fields.DateField()
    end_date = fields.DateField()
    # Workdays in the range by the work calendar: rest days and holidays are not leave.
    days = fields.IntField()
    reason = fields.CharField(max_length=255, default="")
    status = fields.CharEnumField(LeaveStatus, max_length=16, default=LeaveStatus.PENDING)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="leave_requests_made", null=True, on_delete=fields.SET_NULL
    )
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="leave_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    requested_by_id: int | None
    decided_by_id: int | None

    class Meta:
        table = "leave_request"
        ordering = ["-start_date", "-id"]


class LeaveOpeningBalance(Model):
    """A person's leave of one type and year as the system before this one left it: the days
    entitled (null: as this system counts them), carried over from the year before and taken
    before the switch. Balances are computed (attendance/service.py leave_balances), so this
    is the opening adjustment they start from"""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="leave_openings", on_delete=fields.CASCADE
    )
    leave_type = fields.CharEnumField(LeaveType, max_length=16)
    year = fields.IntField()
    entitled = fields.IntField(null=True)
    carried_over = fields.IntField(default=0)
    taken = fields.IntField(default=0)

    employee_id: int

    class Meta:
        table = "leave_opening_balance"
        ordering = ["employee_id", "year", "leave_type"]
        unique_together = (("employee", "leave_type", "year"),)


class OvertimeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class OvertimeRequest(Model):
    """A request to work overtime on one day (加班申请) and its decision through the approvals engine"""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="overtime_requests", on_delete=fields.CASCADE
    )
    date = fields.DateField()
    # Hours in half-hour steps, within the day limit of attendance/overtime.py (劳动法 art. 41).
    hours = fields.DecimalField(max_digits=4, decimal_places=1)
    reason = fields.CharField(max_length=255, default="")
    status = fields.CharEnumField(OvertimeStatus, max_length=16, default=OvertimeStatus.PENDING)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User",
        related_name="overtime_requests_made",
        null=True,
        on_delete=fields.SET_NULL,
    )
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="overtime_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    requested_by_id: int | None
    decided_by_id: int | None

    class Meta:
        table = "overtime_request"
        ordering = ["-date", "-id"]
        indexes = (("employee_id", "date"),)


class CalendarSource(StrEnum):
    NOTICE = "notice"  # a day of the State Council's notice, entered before the package has it
    COMPANY = "company"  # the company's own day off or working day


class CalendarDay(Model):
    """A day of the work calendar entered by HQ HR: from the State Council's notice for a year
    the chinese-calendar package does not cover yet, or a company override. Company days win
    over notice days, which win over the package (attendance/calendar.py)"""

    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    source = fields.CharEnumField(CalendarSource, max_length=16)
    kind = fields.CharEnumField(DayKind, max_length=24)
    name = fields.CharField(max_length=64, default="")  # the holiday's name
    note = fields.CharField(max_length=255, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="calendar_days", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "work_calendar_day"
        unique_together = (("day", "source"),)
        ordering = ["day", "source"]


class CorrectionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class PunchCorrection(Model):
    """A request to put right a missing punch (补卡) for one past day, with its in and out times and a reason, decided through the approvals engine"""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="punch_corrections", on_delete=fields.CASCADE
    )
    date = fields.DateField()
    # Minutes after midnight, China time (as the rule set's shift); at least one of the two.
    clock_in_minute = fields.IntField(null=True)
    clock_out_minute = fields.IntField(null=True)
    reason = fields.CharField(max_length=255)
    status = fields.CharEnumField(CorrectionStatus, max_length=16, default=CorrectionStatus.PENDING)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User",
        related_name="punch_corrections_made",
        null=True,
        on_delete=fields.SET_NULL,
    )
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User",
        related_name="punch_correction_decisions",
        null=True,
        on_delete=fields.SET_NULL,
    )
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int
    requested_by_id: int | None
    decided_by_id: int | None

    class Meta:
        table = "punch_correction"
        ordering = ["-date", "-id"]
        indexes = (("employee_id", "date"),)

    @property
    def clock_in(self) -> time | None:
        return None if self.clock_in_minute is None else minute_to_time(self.clock_in_minute)

    @property
    def clock_out(self) -> time | None:
        return None if self.clock_out_minute is None else minute_to_time(self.clock_out_minute)
