"""GraphQL types for attendance and leave."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.attendance import overtime, service
from talentloop.attendance.calendar import DayKind, day_kind, holiday_name
from talentloop.attendance.models import (
    AllowedLocation,
    AttendanceRuleSet,
    CorrectionStatus,
    HoursSystem,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OvertimeRequest,
    OvertimeStatus,
    Punch,
    PunchSource,
)
from talentloop.attendance.results import DayResult, DayStatus, MonthSummary
from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import employee_node, unit_node

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode
    from talentloop.people.types import EmployeeNode

for enum, name, description in [
    (
        HoursSystem,
        "HoursSystem",
        "Standard hours (8 a day, 40 a week), comprehensive (综合计算工时) or flexible (不定时).",
    ),
    (PunchSource, "PunchSource", "Where a punch came from: web, phone or a device file."),
    (DayKind, "DayKind", "Workday (make-up workdays included), rest day or statutory holiday."),
    (
        LeaveType,
        "LeaveType",
        "Annual, sick, personal, marriage, maternity, paternity, bereavement.",
    ),
    (LeaveStatus, "LeaveStatus", "Where a leave request stands."),
    (OvertimeStatus, "OvertimeStatus", "Where an overtime request stands."),
    (CorrectionStatus, "PunchCorrectionStatus", "Where a punch correction (补卡) stands."),
    (
        DayStatus,
        "AttendanceDayStatus",
        "What a day comes to: normal, a missing punch not decided yet (缺卡), absent (旷工: "
        "beyond a threshold, or a missing punch whose correction was rejected), leave, off (a "
        "rest day or holiday without work), open (today, or no fixed hours to judge by).",
    ),
]:
    strawberry.enum(enum, name=name, description=description)

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]
OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


@strawberry.type(
    name="AttendanceRuleSet",
    description="The attendance rules of a unit subtree, a region or the whole company.",
)
class AttendanceRuleSetNode(Node):
    _model: strawberry.Private[AttendanceRuleSet]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AttendanceRuleSet", self._model.id))

    @strawberry.field(description="Name, e.g. 上海分公司考勤规则.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="The unit it applies to (and its subtree), or null.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(
        description="The region (or city) it applies to when no unit rule set does; null for a unit's or the company default."
    )
    def region(self) -> str | None:
        return self._model.region

    @strawberry.field(description="The working-hour system.")
    def hours_system(self) -> HoursSystem:
        return self._model.hours_system

    @strawberry.field(description="Shift start, China time.")
    def work_start(self) -> time:
        return self._model.work_start

    @strawberry.field(description="Shift end, China time.")
    def work_end(self) -> time:
        return self._model.work_end

    @strawberry.field(description="Break start (not working time), or null.")
    def break_start(self) -> time | None:
        return self._model.break_start

    @strawberry.field(description="Break end, or null.")
    def break_end(self) -> time | None:
        return self._model.break_end

    @strawberry.field(description="Arriving up to this many minutes after the start is not late.")
    def grace_minutes(self) -> int:
        return self._model.grace_minutes

    @strawberry.field(description="Arriving later than this many minutes after the start: absent.")
    def late_absent_minutes(self) -> int:
        return self._model.late_absent_minutes

    @strawberry.field(description="Leaving earlier than this many minutes before the end: absent.")
    def early_absent_minutes(self) -> int:
        return self._model.early_absent_minutes

    @strawberry.field(description="Overtime after the shift counts in whole units of this.")
    def overtime_unit_minutes(self) -> int:
        return self._model.overtime_unit_minutes

    @strawberry.field(
        description="A day's overtime counts only up to the hours approved for it (an approved overtime request); off: the punches alone."
    )
    def overtime_needs_approval(self) -> bool:
        return self._model.overtime_needs_approval


@strawberry.type(name="AttendanceLocation", description="A place to clock in from a phone.")
class AttendanceLocationNode(Node):
    _model: strawberry.Private[AllowedLocation]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("AttendanceLocation", self._model.id))

    @strawberry.field(description="Name, e.g. 上海分公司 · 张江办公楼.")
    def name(self) -> str:
        return self._model.name

    @strawberry.field(description="Latitude of the centre (WGS 84).")
    def latitude(self) -> float:
        return self._model.latitude

    @strawberry.field(description="Longitude of the centre (WGS 84).")
    def longitude(self) -> float:
        return self._model.longitude

    @strawberry.field(description="Clock-ins within this many metres of the centre are accepted.")
    def radius_meters(self) -> int:
        return self._model.radius_meters

    @strawberry.field(description="The unit whose people (and those below) may clock in here.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)


@strawberry.type(name="Punch", description="One clock-in or clock-out.")
class PunchNode:
    _model: strawberry.Private[Punch]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Punch", self._model.id))

    @strawberry.field(description="When.")
    def punched_at(self) -> datetime:
        return self._model.punched_at

    @strawberry.field(description="From where.")
    def source(self) -> PunchSource:
        return self._model.source

    @strawberry.field(description="From a phone: metres from the nearest allowed location.")
    def distance_meters(self) -> int | None:
        return self._model.distance_meters

    @strawberry.field(description="From a device file: the device.")
    def device_id(self) -> str | None:
        return self._model.device_id


@strawberry.type(description="One employee's day as the rules judge it.")
class AttendanceDay:
    _r: strawberry.Private[DayResult]

    @strawberry.field(description="The day (China time).")
    def date(self) -> date:
        return self._r.day

    @strawberry.field(description="Workday, rest day or statutory holiday, by the work calendar.")
    def kind(self) -> DayKind:
        return self._r.kind

    @strawberry.field(description="The statutory holiday's name, e.g. 国庆节.")
    def holiday(self) -> str | None:
        return self._r.holiday

    @strawberry.field(description="The first punch of the day.")
    def first_in(self) -> datetime | None:
        return self._r.first_in

    @strawberry.field(description="The last punch of the day (null with fewer than two).")
    def last_out(self) -> datetime | None:
        return self._r.last_out

    @strawberry.field(description="Punches that day.")
    def punches(self) -> int:
        return self._r.punches

    @strawberry.field(description="Minutes between the first and last punch, less the break.")
    def worked_minutes(self) -> int:
        return self._r.worked_minutes

    @strawberry.field(description="Minutes late beyond the grace period (0 within it).")
    def late_minutes(self) -> int:
        return self._r.late_minutes

    @strawberry.field(description="Minutes left before the shift's end.")
    def early_minutes(self) -> int:
        return self._r.early_minutes

    @strawberry.field(
        description="What the day comes to: a workday without its two punches is MISSING_PUNCH "
        "(缺卡) until decided, not ABSENT."
    )
    def status(self) -> DayStatus:
        return self._r.status

    @strawberry.field(
        description="Absent (旷工): late or early beyond the threshold, or a missing punch whose "
        "correction was rejected."
    )
    def absent(self) -> bool:
        return self._r.absent

    @strawberry.field(
        description="No punch or only one on a past workday (or one on a day off), not decided yet."
    )
    def missing_punch(self) -> bool:
        return self._r.missing_punch

    @strawberry.field(description="The day's punch correction (补卡), if one was asked for.")
    def correction(self) -> CorrectionStatus | None:
        return self._r.correction

    @strawberry.field(description="Approved leave that day.")
    def leave_type(self) -> LeaveType | None:
        return self._r.leave_type

    @strawberry.field(description="Overtime after hours on a workday, paid 150 % (劳动法 art. 44).")
    def overtime_workday_minutes(self) -> int:
        return self._r.overtime_workday_minutes

    @strawberry.field(description="Overtime on a rest day, paid 200 % (劳动法 art. 44).")
    def overtime_rest_day_minutes(self) -> int:
        return self._r.overtime_rest_day_minutes

    @strawberry.field(description="Overtime on a statutory holiday, paid 300 % (劳动法 art. 44).")
    def overtime_holiday_minutes(self) -> int:
        return self._r.overtime_holiday_minutes

    @strawberry.field(description="More than 3 hours of overtime this day (劳动法 art. 41).")
    def over_daily_cap(self) -> bool:
        return self._r.over_daily_cap

    @strawberry.field(
        description="Where overtime needs approval: the minutes approved for the day (null where it does not)."
    )
    def overtime_approved_minutes(self) -> int | None:
        return self._r.overtime_approved_minutes

    @strawberry.field(
        description="Where overtime needs approval: overtime the punches show beyond the approved minutes, not counted."
    )
    def overtime_unapproved_minutes(self) -> int:
        return self._r.overtime_unapproved_minutes


@strawberry.type(description="Days of one type of leave.")
class LeaveDays:
    leave_type: LeaveType = strawberry.field(description="The leave type.")
    days: int = strawberry.field(description="Workdays taken.")


@strawberry.type(description="A month's figures for one employee, ready for payroll.")
class AttendanceSummary:
    _s: strawberry.Private[MonthSummary]

    @strawberry.field(description="Workdays of the month so far, by the work calendar.")
    def workdays(self) -> int:
        return self._s.workdays

    @strawberry.field(description="Days with at least one punch.")
    def days_present(self) -> int:
        return self._s.days_present

    @strawberry.field(description="Days late.")
    def late_count(self) -> int:
        return self._s.late_count

    @strawberry.field(description="Minutes late in all.")
    def late_minutes(self) -> int:
        return self._s.late_minutes

    @strawberry.field(description="Days left early.")
    def early_count(self) -> int:
        return self._s.early_count

    @strawberry.field(description="Minutes left early in all.")
    def early_minutes(self) -> int:
        return self._s.early_minutes

    @strawberry.field(description="Days absent.")
    def absent_days(self) -> int:
        return self._s.absent_days

    @strawberry.field(description="Days with only one punch.")
    def missing_punch_days(self) -> int:
        return self._s.missing_punch_days

    @strawberry.field(description="Minutes worked in all.")
    def worked_minutes(self) -> int:
        return self._s.worked_minutes

    @strawberry.field(description="Leave days by type.")
    def leave_days(self) -> list[LeaveDays]:
        return [LeaveDays(leave_type=t, days=d) for t, d in self._s.leave_days.items()]

    @strawberry.field(
        description="Overtime hours at 150 % (workdays; comprehensive hours: beyond the month's standard)."
    )
    def overtime_workday_hours(self) -> float:
        return _hours(self._s.overtime_workday_minutes)

    @strawberry.field(description="Overtime hours at 200 % (rest days).")
    def overtime_rest_day_hours(self) -> float:
        return _hours(self._s.overtime_rest_day_minutes)

    @strawberry.field(description="Overtime hours at 300 % (statutory holidays).")
    def overtime_holiday_hours(self) -> float:
        return _hours(self._s.overtime_holiday_minutes)

    @strawberry.field(description="All overtime hours.")
    def overtime_hours(self) -> float:
        return _hours(self._s.overtime_minutes)

    @strawberry.field(description="Days with more than 3 hours of overtime (劳动法 art. 41).")
    def days_over_daily_cap(self) -> int:
        return self._s.days_over_daily_cap

    @strawberry.field(description="More than 36 hours of overtime this month (劳动法 art. 41).")
    def over_monthly_cap(self) -> bool:
        return self._s.over_monthly_cap

    @strawberry.field(
        description="Where overtime needs approval: hours worked beyond the approved ones, not counted."
    )
    def overtime_unapproved_hours(self) -> float:
        return _hours(self._s.overtime_unapproved_minutes)


@strawberry.type(description="One employee's month: each day and the totals.")
class AttendanceMonth:
    _m: strawberry.Private[service.EmployeeMonth]
    _punches: strawberry.Private[list[Punch] | None] = None

    @strawberry.field(description="The employee.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._m.employee.id)

    @strawberry.field(description="The month (its first day).")
    def month(self) -> date:
        return self._m.month.replace(day=1)

    @strawberry.field(description="The rule set that applies (null: the built-in 9:00–18:00).")
    def rule_set(self) -> AttendanceRuleSetNode | None:
        return AttendanceRuleSetNode(_model=self._m.rule_set) if self._m.rule_set else None

    @strawberry.field(description="Each day up to today, while employed.")
    def days(self) -> list[AttendanceDay]:
        return [AttendanceDay(_r=r) for r in self._m.days]

    @strawberry.field(description="The month's totals.")
    def summary(self) -> AttendanceSummary:
        return AttendanceSummary(_s=self._m.summary)

    @strawberry.field(description="Every punch of the month, in time order.")
    async def punches(self) -> list[PunchNode]:
        start, end = service.month_range(self._m.month)
        rows = await Punch.filter(
            employee_id=self._m.employee.id, punched_at__gte=start, punched_at__lt=end
        ).order_by("punched_at")
        return [PunchNode(_model=p) for p in rows]


@strawberry.type(description="One row of a unit's monthly sheet.")
class AttendanceSheetRow:
    _m: strawberry.Private[service.EmployeeMonth]

    @strawberry.field(description="The employee.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._m.employee.id)

    @strawberry.field(description="The rule set that applies (null: the built-in 9:00–18:00).")
    def rule_set(self) -> AttendanceRuleSetNode | None:
        return AttendanceRuleSetNode(_model=self._m.rule_set) if self._m.rule_set else None

    @strawberry.field(
        description="Each day up to today, while employed (a phone shows a day at a time)."
    )
    def days(self) -> list[AttendanceDay]:
        return [AttendanceDay(_r=r) for r in self._m.days]

    @strawberry.field(description="The month's totals.")
    def summary(self) -> AttendanceSummary:
        return AttendanceSummary(_s=self._m.summary)


@strawberry.type(
    description="A unit's monthly attendance sheet: one row per employee in its subtree."
)
class AttendanceSheet:
    _s: strawberry.Private[service.UnitSheet]

    @strawberry.field(description="The unit.")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._s.unit.id)

    @strawberry.field(description="The month (its first day).")
    def month(self) -> date:
        return self._s.month

    @strawberry.field(description="One row per employee the viewer may read, by employee number.")
    def rows(self) -> list[AttendanceSheetRow]:
        return [AttendanceSheetRow(_m=m) for m in self._s.rows]


@strawberry.type(description="A file to download.")
class DownloadFile:
    file_name: str = strawberry.field(description="A name to save it under.")
    content_type: str = strawberry.field(description="Its media type.")
    content_base64: str = strawberry.field(description="Its bytes, base64.")


@strawberry.type(description="A day the work calendar treats differently from its weekday.")
class WorkCalendarDay:
    date: date = strawberry.field(description="The day.")
    kind: DayKind = strawberry.field(description="What it is.")
    holiday: str | None = strawberry.field(description="The statutory holiday's name.")
    make_up_workday: bool = strawberry.field(description="A weekend day worked by 调休.")


@strawberry.type(description="One leave type's balance for a year.")
class LeaveBalanceInfo:
    _b: strawberry.Private[service.LeaveBalance]

    @strawberry.field(description="The leave type.")
    def leave_type(self) -> LeaveType:
        return self._b.leave_type

    @strawberry.field(description="The year.")
    def year(self) -> int:
        return self._b.year

    @strawberry.field(
        description="Days allowed this year (annual leave: 职工带薪年休假条例 art. 3, pro-rated), or null when the type has no yearly allowance."
    )
    def entitled(self) -> int | None:
        return self._b.entitled

    @strawberry.field(description="Days approved.")
    def used(self) -> int:
        return self._b.used

    @strawberry.field(description="Days asked for and not yet decided.")
    def pending(self) -> int:
        return self._b.pending

    @strawberry.field(description="Days still free to ask for, or null.")
    def remaining(self) -> int | None:
        return self._b.remaining


@strawberry.type(name="LeaveRequest", description="A request for leave and its decision.")
class LeaveRequestNode(Node):
    _model: strawberry.Private[LeaveRequest]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("LeaveRequest", self._model.id))

    @strawberry.field(description="Who takes the leave.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="The leave type.")
    def leave_type(self) -> LeaveType:
        return self._model.leave_type

    @strawberry.field(description="First day.")
    def start_date(self) -> date:
        return self._model.start_date

    @strawberry.field(description="Last day.")
    def end_date(self) -> date:
        return self._model.end_date

    @strawberry.field(description="Workdays in the range (rest days and holidays are not leave).")
    def days(self) -> int:
        return self._model.days

    @strawberry.field(description="Why.")
    def reason(self) -> str:
        return self._model.reason

    @strawberry.field(description="Pending, approved, rejected or cancelled.")
    def status(self) -> LeaveStatus:
        return self._model.status

    @strawberry.field(description="When it was decided.")
    def decided_at(self) -> datetime | None:
        return self._model.decided_at

    @strawberry.field(description="The approver's note.")
    def decision_note(self) -> str:
        return self._model.decision_note

    @strawberry.field(description="When it was asked for.")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(
        description="A pending request's open step: the approvers whose decision it waits for "
        "(empty once decided)."
    )
    async def pending_with(self, info: Info) -> list[str]:
        if self._model.status is not LeaveStatus.PENDING:
            return []
        from talentloop.attendance.leave_overview import pending_with_loader

        return await info.context.loader("leave_pending_with", pending_with_loader).load(
            self._model.id
        )


@strawberry.type(
    name="OvertimeRequest",
    description="A request to work overtime on one day (加班申请) and its decision.",
)
class OvertimeRequestNode(Node):
    _model: strawberry.Private[OvertimeRequest]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("OvertimeRequest", self._model.id))

    @strawberry.field(description="Who works the overtime.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._model.employee_id)

    @strawberry.field(description="The day (China time).")
    def date(self) -> date:
        return self._model.date

    @strawberry.field(
        description="Workday (150 %), rest day (200 %) or statutory holiday (300 %) by the work calendar (劳动法 art. 44)."
    )
    def day_kind(self) -> DayKind:
        return day_kind(self._model.date)

    @strawberry.field(description="The statutory holiday's name, e.g. 国庆节.")
    def holiday(self) -> str | None:
        return holiday_name(self._model.date)

    @strawberry.field(
        description="Hours asked for, in half-hour steps: at most 3 on a workday (劳动法 art. 41), 12 on a day off."
    )
    def hours(self) -> Decimal:
        return Decimal(self._model.hours)

    @strawberry.field(description="The most hours a request may ask for on this day.")
    def max_hours(self) -> Decimal:
        return overtime.max_hours(self._model.date)

    @strawberry.field(description="Why.")
    def reason(self) -> str:
        return self._model.reason

    @strawberry.field(description="Pending, approved, rejected or cancelled.")
    def status(self) -> OvertimeStatus:
        return self._model.status

    @strawberry.field(description="When it was decided.")
    def decided_at(self) -> datetime | None:
        return self._model.decided_at

    @strawberry.field(description="The approver's note.")
    def decision_note(self) -> str:
        return self._model.decision_note

    @strawberry.field(description="When it was asked for.")
    def created_at(self) -> datetime:
        return self._model.created_at
