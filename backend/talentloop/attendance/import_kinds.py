"""The attendance domain's import kinds (imports/kinds.py): opening leave balances, punches and
leave already taken, with their columns as HR files name them (attendance/imports.py)."""

from __future__ import annotations

from talentloop.access.policy import Viewer
from talentloop.attendance import import_rows, imports
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.performance.models import ImportKind


def may_import(viewer: Viewer) -> bool:
    """HR imports (each row is then checked in their scope)."""
    return viewer.can_manage_employees and viewer.user_id is not None


EMPLOYEE_NUMBER = Column(
    "employee_number",
    "Employee number",
    ("员工编号", "员工号", "Employee No"),
    True,
    "E1001",
    "工号",
)
LEAVE_TYPE = Column(
    "leave_type", "Leave type", ("假期类型", "请假类型", "类型"), True, "annual", "假别"
)
# The Chinese names of leave types, for the value-mapping step and the checks alike.
LEAVE_VALUES = {"leave_type": {k: v.value for k, v in import_rows.LEAVE_TYPE_NAMES.items()}}

SPECS = {
    ImportKind.LEAVE_BALANCES: ImportSpec(
        kind=ImportKind.LEAVE_BALANCES,
        columns=(
            EMPLOYEE_NUMBER,
            LEAVE_TYPE,
            Column("year", "Year", ("年份", "年"), True, "2026", "年度"),
            Column("entitled", "Entitled days", ("应休天数", "额度"), False, "10", "享有天数"),
            Column("carried_over", "Carried over", ("结转", "上年结转"), False, "2", "结转天数"),
            Column("taken", "Taken days", ("已用天数", "已休"), False, "3", "已休天数"),
        ),
        key=("employee_number", "leave_type", "year"),
        lookup_columns=("employee_number",),
        lookups=imports.balance_lookups,
        check=import_rows.balance_check,
        write=imports.write_balances,
        may_import=may_import,
        export=imports.export_balances,
        choices=imports.leave_type_choices,
        values=LEAVE_VALUES,
    ),
    ImportKind.ATTENDANCE_PUNCHES: ImportSpec(
        kind=ImportKind.ATTENDANCE_PUNCHES,
        columns=(
            EMPLOYEE_NUMBER,
            Column(
                "punched_at",
                "Punched at",
                ("刷卡时间", "时间", "Time"),
                True,
                "2026-11-02 08:57:00",
                "打卡时间",
            ),
            Column(
                "device_id",
                "Device / place",
                ("设备", "考勤机", "地点", "Device"),
                False,
                "SH-GATE-1",
                "设备号",
            ),
        ),
        key=("employee_number", "punched_at"),
        lookup_columns=("employee_number",),
        lookups=imports.people_lookups,
        check=import_rows.punch_check,
        write=imports.write_punches,
        may_import=may_import,
        export=imports.export_punches,
        choices=imports.no_choices,
    ),
    ImportKind.LEAVE_REQUESTS: ImportSpec(
        kind=ImportKind.LEAVE_REQUESTS,
        columns=(
            EMPLOYEE_NUMBER,
            LEAVE_TYPE,
            Column(
                "start_date",
                "From",
                ("开始日期", "Start date", "起始日期"),
                True,
                "2026-03-02",
                "开始时间",
            ),
            Column("end_date", "To", ("结束日期", "End date"), True, "2026-03-04", "结束时间"),
            Column("days", "Days", ("天数", "请假天数"), True, "3", "时长(天)"),
            Column("reason", "Reason", ("事由", "备注"), False, "", "请假事由"),
        ),
        key=("employee_number", "leave_type", "start_date"),
        lookup_columns=("employee_number", "start_date"),
        lookups=imports.leave_lookups,
        check=import_rows.leave_check,
        write=imports.write_leave,
        may_import=may_import,
        export=imports.export_leave,
        choices=imports.leave_type_choices,
        values=LEAVE_VALUES,
    ),
}
