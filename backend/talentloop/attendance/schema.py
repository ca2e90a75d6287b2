"""Root query fields and mutations of attendance and leave."""

from __future__ import annotations

import base64
import binascii
from datetime import date, time
from decimal import Decimal

import strawberry
from tortoise.expressions import Subquery

from talentloop.attendance import calendar, corrections, leave_overview, overtime, service
from talentloop.attendance.calendar import DayKind
from talentloop.attendance.correction_types import (
    PunchCorrectionInfo,
    PunchCorrectionPayload,
    RequestPunchCorrectionInput,
)
from talentloop.attendance.leave_overview_schema import LeaveRequestFilter, to_filter
from talentloop.attendance.models import (
    AllowedLocation,
    AttendanceRuleSet,
    HoursSystem,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OvertimeRequest,
    OvertimeStatus,
    PunchSource,
)
from talentloop.attendance.types import (
    AttendanceLocationNode,
    AttendanceMonth,
    AttendanceRuleSetNode,
    AttendanceSheet,
    DownloadFile,
    LeaveBalanceInfo,
    LeaveRequestNode,
    OvertimeRequestNode,
    PunchNode,
    WorkCalendarDay,
)
from talentloop.errors import ErrorCode, ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, PublicError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.graphql.pagination import Connection, connection_of
from talentloop.i18n import gettext, translate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(value: date) -> date:
    if not 2000 <= value.year <= 2100:
        raise PublicError("A month between 2000 and 2100.")
    return value.replace(day=1)


@strawberry.type
class AttendanceQuery:
    @strawberry.field(description="Every attendance rule set of the company.")
    async def attendance_rule_sets(self, info: Info) -> list[AttendanceRuleSetNode]:
        found = await service.visible_rule_sets(info.context.viewer)
        return [AttendanceRuleSetNode(_model=r) for r in found]

    @strawberry.field(
        description="The rule set a unit follows: its own, else the nearest above it, else its region's, else the company default (null: the built-in 9:00–18:00, or a unit out of the viewer's sight)."
    )
    async def effective_attendance_rule_set(
        self, info: Info, unit_id: strawberry.ID
    ) -> AttendanceRuleSetNode | None:
        try:
            found = await service.effective_rule_set(
                info.context.viewer, pk_of(unit_id, "OrgUnit") or -1
            )
        except ServiceError:
            return None  # a unit out of sight, like one that does not exist
        return AttendanceRuleSetNode(_model=found) if found else None

    @strawberry.field(
        description="Where a unit's people may clock in from a phone (the nearest unit above with locations lends them); empty for a unit out of the viewer's sight."
    )
    async def attendance_locations(
        self, info: Info, unit_id: strawberry.ID
    ) -> list[AttendanceLocationNode]:
        try:
            found = await service.visible_locations(
                info.context.viewer, pk_of(unit_id, "OrgUnit") or -1
            )
        except ServiceError:
            return []  # a unit out of sight has no places, like one that does not exist
        return [AttendanceLocationNode(_model=x) for x in found]

    @strawberry.field(
        description="The year's statutory holidays, the rest days of the holiday breaks and the make-up workdays (调休): the chinese-calendar package, the days HQ HR entered from the State Council's notice, and the company's own days."
    )
    def work_calendar(self, info: Info, year: int) -> list[WorkCalendarDay]:
        if not info.context.viewer.is_authenticated:
            return []
        return [
            WorkCalendarDay(
                date=d.day,
                kind=d.kind,
                holiday=d.name if d.kind is DayKind.STATUTORY_HOLIDAY else None,
                make_up_workday=d.make_up_workday,
            )
            for d in calendar.special_days(year)
        ]

    @strawberry.field(description="The viewer's own month: every day judged, and the totals.")
    async def my_attendance(self, info: Info, month: date) -> AttendanceMonth | None:
        viewer = info.context.viewer
        if viewer.employee_id is None:
            return None
        found = await service.employee_month(viewer, viewer.employee_id, _month(month))
        return AttendanceMonth(_m=found) if found else None

    @strawberry.field(description="An employee's month; null when the viewer may not read it.")
    async def attendance_month(
        self, info: Info, employee_id: strawberry.ID, month: date
    ) -> AttendanceMonth | None:
        found = await service.employee_month(
            info.context.viewer, pk_of(employee_id, "Employee") or -1, _month(month)
        )
        return AttendanceMonth(_m=found) if found else None

    @strawberry.field(
        description="A unit's monthly sheet: everyone in its subtree the viewer may read, with the figures payroll needs."
    )
    async def attendance_sheet(
        self, info: Info, unit_id: strawberry.ID, month: date
    ) -> AttendanceSheet | None:
        found = await service.unit_sheet(
            info.context.viewer, pk_of(unit_id, "OrgUnit") or -1, _month(month)
        )
        return AttendanceSheet(_s=found) if found else None

    @strawberry.field(description="The unit's monthly sheet as an XLSX file.")
    async def attendance_sheet_xlsx(
        self, info: Info, unit_id: strawberry.ID, month: date
    ) -> DownloadFile | None:
        found = await service.unit_sheet(
            info.context.viewer, pk_of(unit_id, "OrgUnit") or -1, _month(month)
        )
        if found is None:
            return None
        content = service.sheet_xlsx(found)
        return DownloadFile(
            file_name=f"attendance-{found.unit.code}-{found.month:%Y-%m}.xlsx",
            content_type=XLSX,
            content_base64=base64.b64encode(content).decode(),
        )

    @strawberry.field(
        description="An employee's leave balances for a year (the viewer's own without employeeId)."
    )
    async def leave_balances(
        self, info: Info, year: int, employee_id: strawberry.ID | None = None
    ) -> list[LeaveBalanceInfo]:
        viewer = info.context.viewer
        target = pk_of(employee_id, "Employee") if employee_id else viewer.employee_id
        if target is None or not 2000 <= year <= 2100:
            return []
        found = await service.leave_balances(viewer, target, year)
        return [LeaveBalanceInfo(_b=b) for b in found or []]

    @strawberry.field(description="The viewer's own leave requests, newest first.")
    async def my_leave_requests(self, info: Info) -> list[LeaveRequestNode]:
        viewer = info.context.viewer
        if viewer.employee_id is None:
            return []
        rows = (
            await service.visible_leave_requests(viewer)
            .filter(employee_id=viewer.employee_id)
            .order_by("-start_date", "-id")
            .limit(100)
        )
        return [LeaveRequestNode(_model=r) for r in rows]

    @strawberry.field(
        description="Leave requests the viewer may read (HR in scope, a manager their team, "
        "anyone their own), by id; `filter` narrows them by unit subtree, month, status and type "
        "(the leave overview); toDecide keeps those waiting for the viewer."
    )
    async def leave_requests(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: list[LeaveStatus] | None = None,
        employee_id: strawberry.ID | None = None,
        to_decide: bool = False,
        filter: LeaveRequestFilter | None = None,
    ) -> Connection[LeaveRequestNode]:
        viewer = info.context.viewer
        qs = await leave_overview.filtered(viewer, to_filter(filter, employee_id))
        if to_decide:
            qs = qs.filter(id__in=Subquery(service.leave_to_decide(viewer).values("id")))
        if status:
            qs = qs.filter(status__in=status)
        return await connection_of(
            qs, lambda r: LeaveRequestNode(_model=r), first=first, after=after
        )

    @strawberry.field(description="The viewer's own overtime requests, newest day first.")
    async def my_overtime_requests(self, info: Info) -> list[OvertimeRequestNode]:
        viewer = info.context.viewer
        if viewer.employee_id is None:
            return []
        rows = (
            await overtime.visible_overtime_requests(viewer)
            .filter(employee_id=viewer.employee_id)
            .order_by("-date", "-id")
            .limit(100)
        )
        return [OvertimeRequestNode(_model=r) for r in rows]

    @strawberry.field(
        description="Overtime requests the viewer may read, by id; toDecide keeps those waiting for the viewer."
    )
    async def overtime_requests(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: list[OvertimeStatus] | None = None,
        employee_id: strawberry.ID | None = None,
        to_decide: bool = False,
    ) -> Connection[OvertimeRequestNode]:
        viewer = info.context.viewer
        qs = (
            overtime.overtime_to_decide(viewer)
            if to_decide
            else overtime.visible_overtime_requests(viewer)
        )
        if status:
            qs = qs.filter(status__in=status)
        if employee_id is not None:
            qs = qs.filter(employee_id=pk_of(employee_id, "Employee") or -1)
        return await connection_of(
            qs, lambda r: OvertimeRequestNode(_model=r), first=first, after=after
        )


async def _rule_set_node(info: Info, pk: int) -> AttendanceRuleSetNode | None:
    found = [r for r in await service.visible_rule_sets(info.context.viewer) if r.id == pk]
    return AttendanceRuleSetNode(_model=found[0]) if found else None


async def _leave_node(info: Info, pk: int) -> LeaveRequestNode | None:
    found = await service.visible_leave_requests(info.context.viewer).filter(id=pk).first()
    return LeaveRequestNode(_model=found) if found else None


async def _location_node(info: Info, pk: int) -> AttendanceLocationNode | None:
    found = await service.visible_location(info.context.viewer, pk)
    return AttendanceLocationNode(_model=found) if found else None


register_node("AttendanceRuleSet", _rule_set_node, AttendanceRuleSet)
register_node("AttendanceLocation", _location_node, AllowedLocation)
register_node("LeaveRequest", _leave_node, LeaveRequest)


async def _overtime_node(info: Info, pk: int) -> OvertimeRequestNode | None:
    found = await overtime.visible_overtime_requests(info.context.viewer).filter(id=pk).first()
    return OvertimeRequestNode(_model=found) if found else None


register_node("OvertimeRequest", _overtime_node, OvertimeRequest)


# --- mutations -------------------------------------------------------------------------------


@strawberry.input(description="Clock in or out now.")
class ClockInInput:
    source: PunchSource = strawberry.field(
        description="WEB or MOBILE (device punches come in files)."
    )
    latitude: float | None = strawberry.field(
        default=None, description="From a phone: where you are."
    )
    longitude: float | None = strawberry.field(
        default=None, description="From a phone: where you are."
    )


@strawberry.type(description="The punch, or the errors that stopped it.")
class ClockInPayload:
    punch: PunchNode | None = strawberry.field(
        description="The punch (the earlier one for a duplicate)."
    )
    duplicate: bool = strawberry.field(
        description="A punch within a minute already stood; nothing new was written."
    )
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(
    description="A device's punch file: CSV with employee_number (工号), punched_at (打卡时间, China time), device_id (设备号)."
)
class ImportPunchesInput:
    content_base64: str = strawberry.field(
        description="The file's bytes, base64 (UTF-8 or GB18030)."
    )
    dry_run: bool = strawberry.field(default=True, description="Check only; write nothing.")


@strawberry.type(description="A bad row of a punch file.")
class PunchRowError:
    row: int = strawberry.field(
        description="Row number as a spreadsheet shows it (the header is 1)."
    )
    column: str | None = strawberry.field(description="The column at fault.")
    message: str = strawberry.field(description="What is wrong.")
    code: ErrorCode = strawberry.field(description="What is wrong, for a program.")


@strawberry.type(description="What a punch file held; with a bad row nothing is written.")
class ImportPunchesPayload:
    rows: int = strawberry.field(description="Data rows in the file.")
    imported: int = strawberry.field(
        description="Punches written (or that would be, in a dry run)."
    )
    duplicates: int = strawberry.field(
        description="Rows skipped as already stored or repeated within a minute."
    )
    dry_run: bool = strawberry.field(description="Nothing was written.")
    row_errors: list[PunchRowError] = strawberry.field(description="Every bad row.")
    errors: list[MutationError] = strawberry.field(description="Problems with the file as a whole.")


@strawberry.input(
    description="A rule set for a unit (and its subtree), a region, or the company default."
)
class AttendanceRuleSetInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="To change an existing one."
    )
    name: str = strawberry.field(description="Name.")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The unit it applies to."
    )
    region: str | None = strawberry.field(
        default=None,
        description="Or the region (city) it applies to; neither: the company default.",
    )
    hours_system: HoursSystem = strawberry.field(
        default=HoursSystem.STANDARD, description="The working-hour system."
    )
    work_start: time = strawberry.field(description="Shift start, China time.")
    work_end: time = strawberry.field(description="Shift end.")
    break_start: time | None = strawberry.field(default=None, description="Break start.")
    break_end: time | None = strawberry.field(default=None, description="Break end.")
    grace_minutes: int = strawberry.field(default=0, description="Not late within this.")
    late_absent_minutes: int = strawberry.field(
        default=120, description="Absent when later than this."
    )
    early_absent_minutes: int = strawberry.field(
        default=120, description="Absent when leaving earlier than this."
    )
    overtime_unit_minutes: int = strawberry.field(
        default=30, description="Overtime counts in whole units of this."
    )
    overtime_needs_approval: bool = strawberry.field(
        default=False,
        description="Count a day's overtime only up to the hours approved for it.",
    )


@strawberry.type(description="The rule set as saved, or the errors that stopped it.")
class AttendanceRuleSetPayload:
    rule_set: AttendanceRuleSetNode | None = strawberry.field(description="The rule set.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A place to clock in from a phone.")
class AddAttendanceLocationInput:
    unit_id: strawberry.ID = strawberry.field(
        description="The unit (its subtree clocks in here too)."
    )
    name: str = strawberry.field(description="Name.")
    latitude: float = strawberry.field(description="Latitude (WGS 84).")
    longitude: float = strawberry.field(description="Longitude (WGS 84).")
    radius_meters: int = strawberry.field(description="10 to 5000 metres.")


@strawberry.type(description="The location as saved, or the errors that stopped it.")
class AttendanceLocationPayload:
    location: AttendanceLocationNode | None = strawberry.field(description="The location.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="Whether it worked, or the errors that stopped it.")
class AttendanceOkPayload:
    ok: bool = strawberry.field(description="True when it worked.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Ask for leave.")
class RequestLeaveInput:
    leave_type: LeaveType = strawberry.field(description="The leave type.")
    start_date: date = strawberry.field(description="First day.")
    end_date: date = strawberry.field(description="Last day (same calendar year).")
    reason: str = strawberry.field(default="", description="Why.")
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="HR filing for someone; the viewer when null."
    )


@strawberry.type(description="The leave request, or the errors that stopped it.")
class LeaveRequestPayload:
    leave_request: LeaveRequestNode | None = strawberry.field(description="The request.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Ask to work overtime on one day.")
class RequestOvertimeInput:
    date: date = strawberry.field(description="The day (China time).")
    hours: Decimal = strawberry.field(
        description="Hours in half-hour steps: at most 3 on a workday (劳动法 art. 41), 12 on a rest day or holiday."
    )
    reason: str = strawberry.field(default="", description="Why.")
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="HR filing for someone; the viewer when null."
    )


@strawberry.type(description="The overtime request, or the errors that stopped it.")
class OvertimeRequestPayload:
    overtime_request: OvertimeRequestNode | None = strawberry.field(description="The request.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type
class AttendanceMutation:
    @strawberry.mutation(
        description="Clock in or out now, from the web or a phone (a phone's position must be at an allowed location)."
    )
    async def clock_in(self, info: Info, input: ClockInInput) -> ClockInPayload:
        try:
            result = await service.clock_in(
                info.context.viewer,
                source=input.source,
                latitude=input.latitude,
                longitude=input.longitude,
            )
        except ServiceError as exc:
            return ClockInPayload(punch=None, duplicate=False, errors=mutation_errors(exc))
        return ClockInPayload(
            punch=PunchNode(_model=result.punch), duplicate=result.duplicate, errors=[]
        )

    @strawberry.mutation(description="Import a device's punch file (HR); run with dryRun first.")
    async def import_punches(self, info: Info, input: ImportPunchesInput) -> ImportPunchesPayload:
        try:
            content = base64.b64decode(input.content_base64, validate=True)
            result = await service.import_punches(
                info.context.viewer, content, dry_run=input.dry_run
            )
        except (binascii.Error, ValueError):
            return ImportPunchesPayload(
                rows=0,
                imported=0,
                duplicates=0,
                dry_run=True,
                row_errors=[],
                errors=[
                    MutationError(
                        field="contentBase64",
                        message=gettext("Not valid base64."),
                        code=ErrorCode.INVALID,
                    )
                ],
            )
        except ServiceError as exc:
            return ImportPunchesPayload(
                rows=0,
                imported=0,
                duplicates=0,
                dry_run=True,
                row_errors=[],
                errors=mutation_errors(exc),
            )
        return ImportPunchesPayload(
            rows=result.rows,
            imported=0 if result.errors else result.imported,
            duplicates=result.duplicates,
            dry_run=result.dry_run or bool(result.errors),
            row_errors=[
                PunchRowError(row=e.row, column=e.column, message=translate(e.message), code=e.code)
                for e in result.errors
            ],
            errors=[],
        )

    @strawberry.mutation(
        description="Create or change a rule set (HR of the unit; HQ HR for regions and the default)."
    )
    async def save_attendance_rule_set(
        self, info: Info, input: AttendanceRuleSetInput
    ) -> AttendanceRuleSetPayload:
        try:
            rule = await service.save_rule_set(
                info.context.viewer,
                service.RuleSetInput(
                    name=input.name,
                    unit_id=optional_pk(input.unit_id, "OrgUnit", "unitId"),
                    region=input.region,
                    hours_system=input.hours_system,
                    work_start=input.work_start,
                    work_end=input.work_end,
                    break_start=input.break_start,
                    break_end=input.break_end,
                    grace_minutes=input.grace_minutes,
                    late_absent_minutes=input.late_absent_minutes,
                    early_absent_minutes=input.early_absent_minutes,
                    overtime_unit_minutes=input.overtime_unit_minutes,
                    overtime_needs_approval=input.overtime_needs_approval,
                ),
                optional_pk(input.id, "AttendanceRuleSet", "id"),
            )
        except ServiceError as exc:
            return AttendanceRuleSetPayload(rule_set=None, errors=mutation_errors(exc))
        return AttendanceRuleSetPayload(rule_set=AttendanceRuleSetNode(_model=rule), errors=[])

    @strawberry.mutation(description="Add a place to clock in from a phone (HR of the unit).")
    async def add_attendance_location(
        self, info: Info, input: AddAttendanceLocationInput
    ) -> AttendanceLocationPayload:
        try:
            location = await service.add_location(
                info.context.viewer,
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                name=input.name,
                latitude=input.latitude,
                longitude=input.longitude,
                radius=input.radius_meters,
            )
        except ServiceError as exc:
            return AttendanceLocationPayload(location=None, errors=mutation_errors(exc))
        return AttendanceLocationPayload(
            location=AttendanceLocationNode(_model=location), errors=[]
        )

    @strawberry.mutation(description="Remove a place to clock in (HR of the unit).")
    async def remove_attendance_location(
        self, info: Info, id: strawberry.ID
    ) -> AttendanceOkPayload:
        try:
            await service.remove_location(
                info.context.viewer, require_pk(id, "AttendanceLocation", "id")
            )
        except ServiceError as exc:
            return AttendanceOkPayload(ok=False, errors=mutation_errors(exc))
        return AttendanceOkPayload(ok=True, errors=[])

    @strawberry.mutation(
        description="Record when an employee first started working anywhere (HR): annual leave depends on it."
    )
    async def set_work_start_date(
        self, info: Info, employee_id: strawberry.ID, work_start_date: date
    ) -> AttendanceOkPayload:
        try:
            await service.set_work_start_date(
                info.context.viewer,
                require_pk(employee_id, "Employee", "employeeId"),
                work_start_date,
            )
        except ServiceError as exc:
            return AttendanceOkPayload(ok=False, errors=mutation_errors(exc))
        return AttendanceOkPayload(ok=True, errors=[])

    @strawberry.mutation(description="Ask for leave; the manager or unit HR decides.")
    async def request_leave(self, info: Info, input: RequestLeaveInput) -> LeaveRequestPayload:
        try:
            request = await service.request_leave(
                info.context.viewer,
                leave_type=input.leave_type,
                start=input.start_date,
                end=input.end_date,
                reason=input.reason,
                employee_id=optional_pk(input.employee_id, "Employee", "employeeId"),
            )
        except ServiceError as exc:
            return LeaveRequestPayload(leave_request=None, errors=mutation_errors(exc))
        return LeaveRequestPayload(leave_request=LeaveRequestNode(_model=request), errors=[])

    @strawberry.mutation(
        description="Approve or reject a pending leave request (the employee's manager or unit HR)."
    )
    async def decide_leave_request(
        self, info: Info, id: strawberry.ID, approve: bool, note: str = ""
    ) -> LeaveRequestPayload:
        try:
            request = await service.decide_leave(
                info.context.viewer,
                require_pk(id, "LeaveRequest", "id"),
                approve=approve,
                note=note,
            )
        except ServiceError as exc:
            return LeaveRequestPayload(leave_request=None, errors=mutation_errors(exc))
        return LeaveRequestPayload(leave_request=LeaveRequestNode(_model=request), errors=[])

    @strawberry.mutation(
        description="Withdraw one's own leave request (pending, or approved and not begun)."
    )
    async def cancel_leave_request(self, info: Info, id: strawberry.ID) -> LeaveRequestPayload:
        try:
            request = await service.cancel_leave(
                info.context.viewer, require_pk(id, "LeaveRequest", "id")
            )
        except ServiceError as exc:
            return LeaveRequestPayload(leave_request=None, errors=mutation_errors(exc))
        return LeaveRequestPayload(leave_request=LeaveRequestNode(_model=request), errors=[])

    @strawberry.mutation(
        description="Ask to work overtime on a day (for oneself, or HR for someone); the approval flow decides."
    )
    async def request_overtime(
        self, info: Info, input: RequestOvertimeInput
    ) -> OvertimeRequestPayload:
        try:
            request = await overtime.request_overtime(
                info.context.viewer,
                day=input.date,
                hours=input.hours,
                reason=input.reason,
                employee_id=optional_pk(input.employee_id, "Employee", "employeeId"),
            )
        except ServiceError as exc:
            return OvertimeRequestPayload(overtime_request=None, errors=mutation_errors(exc))
        return OvertimeRequestPayload(
            overtime_request=OvertimeRequestNode(_model=request), errors=[]
        )

    @strawberry.mutation(
        description="Ask to put right a missing punch of one's own past day (补卡); the approval "
        "flow decides, and an approved one is stored as punches."
    )
    async def request_punch_correction(
        self, info: Info, input: RequestPunchCorrectionInput
    ) -> PunchCorrectionPayload:
        try:
            correction = await corrections.request_correction(
                info.context.viewer,
                day=input.date,
                clock_in=input.clock_in,
                clock_out=input.clock_out,
                reason=input.reason,
            )
        except ServiceError as exc:
            return PunchCorrectionPayload(punch_correction=None, errors=mutation_errors(exc))
        return PunchCorrectionPayload(
            punch_correction=PunchCorrectionInfo(_model=correction), errors=[]
        )

    @strawberry.mutation(
        description="Approve or reject a pending overtime request (an approver of its open stage)."
    )
    async def decide_overtime_request(
        self, info: Info, id: strawberry.ID, approve: bool, note: str = ""
    ) -> OvertimeRequestPayload:
        try:
            request = await overtime.decide_overtime(
                info.context.viewer,
                require_pk(id, "OvertimeRequest", "id"),
                approve=approve,
                note=note,
            )
        except ServiceError as exc:
            return OvertimeRequestPayload(overtime_request=None, errors=mutation_errors(exc))
        return OvertimeRequestPayload(
            overtime_request=OvertimeRequestNode(_model=request), errors=[]
        )

    @strawberry.mutation(description="Withdraw one's own pending overtime request.")
    async def cancel_overtime_request(
        self, info: Info, id: strawberry.ID
    ) -> OvertimeRequestPayload:
        try:
            request = await overtime.cancel_overtime(
                info.context.viewer, require_pk(id, "OvertimeRequest", "id")
            )
        except ServiceError as exc:
            return OvertimeRequestPayload(overtime_request=None, errors=mutation_errors(exc))
        return OvertimeRequestPayload(
            overtime_request=OvertimeRequestNode(_model=request), errors=[]
        )
