"""The performance domain's import kinds (imports/kinds.py): employees, KPI records and
targets, with their columns as HR files name them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.people.models import EmployeeStatus, Position
from talentloop.people.service import visible_employees
from talentloop.performance import import_exports, import_rows, imports, pay, triggers
from talentloop.performance.models import ImportKind

EXPORT_BATCH = 500


def may_import(viewer: Viewer) -> bool:
    """HR imports (each row is then checked in their scope)."""
    return viewer.can_manage_employees and viewer.user_id is not None


def _target_missing(columns: list[str]) -> list[str]:
    if not {"employee_number", "unit_code"} & set(columns):
        return ["employee_number or unit_code"]
    return []


async def _after_records() -> None:
    # New actuals may breach a trigger rule: the job is done once that is known too.
    await triggers.evaluate_all()
    # … and may meet a restore condition: its request opens by itself (performance/pay.py).
    await pay.open_due_restores()


async def export_employees(viewer: Viewer) -> AsyncIterator[list[str]]:
    """Every employee the viewer manages, leavers included, in the kind's columns, so that the
    file imported again changes nothing: personal columns only where the viewer reads them, the
    salary only where they read pay; the ID number and bank account never (they are shown
    masked: their full values leave only through a sensitive export, with a reason, logged).
    The viewer's own row is left out (a row about the importer is refused)."""
    positions = dict(await Position.all().values_list("id", "code"))
    last = 0
    while True:
        batch = (
            await visible_employees(viewer).filter(id__gt=last).order_by("id").limit(EXPORT_BATCH)
        )
        if not batch:
            return
        last = batch[-1].id
        heads = sorted({e.manager_id for e in batch if e.manager_id is not None})
        numbers = dict(
            await visible_employees(viewer)
            .filter(id__in=heads)
            .values_list("id", "employee_number")
        )
        for e in batch:
            if viewer.is_self(e.id) or not viewer.can_manage_employees_in(e.unit.path):
                continue
            groups = viewer.groups_for(e.id, e.unit.path)
            personal = FieldGroup.PERSONAL in groups
            left = e.status is EmployeeStatus.TERMINATED
            yield [
                e.employee_number,
                e.name,
                e.unit.code,
                positions.get(e.position_id, "") if e.position_id else "",
                e.hire_date.isoformat(),
                e.status.value,
                e.gender.value if personal and e.gender else "",
                e.birth_date.isoformat() if personal and e.birth_date else "",
                e.work_phone or "",
                e.work_email or "",
                e.personal_phone or "" if personal else "",
                "",
                "",
                _money(e.base_salary) if FieldGroup.PAY in groups else "",
                numbers.get(e.manager_id, "") if e.manager_id else "",
                e.termination_date.isoformat() if left and e.termination_date else "",
                e.termination_reason or "" if left else "",
            ]


async def employee_choices(viewer: Viewer) -> dict[str, list[str]]:
    from talentloop.org import service as org_service

    units = await org_service.visible_units(viewer).order_by("depth", "code")
    return {
        "unit_code": [u.code for u in units if viewer.can_manage_employees_in(u.path)],
        "position_code": [str(c) for c in await Position.all().values_list("code", flat=True)],
        "status": [s.value for s in EmployeeStatus],
        "gender": ["male", "female"],
    }


def _money(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


EMPLOYEE_NUMBER = Column(
    "employee_number",
    "Employee number",
    ("员工编号", "员工号", "Employee No"),
    True,
    "E1001",
    "工号",
)
KPI_CODE = Column("kpi_code", "KPI code", ("KPI编码", "KPI", "指标"), True, "SALES", "指标编码")
PERIOD = Column("period", "Period", ("月份", "月度", "Month"), True, "2026-11", "期间")

# The wizard's value step offers these (imports/preview.py); HR map others themselves.
EMPLOYEE_VALUES = {
    "status": {
        "在职": "active",
        "试用": "probation",
        "试用期": "probation",
        "休假": "on_leave",
        "离职": "terminated",
    },
    "gender": {"男": "male", "女": "female"},
}

SPECS = {
    ImportKind.EMPLOYEES: ImportSpec(
        kind=ImportKind.EMPLOYEES,
        columns=(
            EMPLOYEE_NUMBER,
            Column("name", "Name", ("员工姓名", "Full name"), True, "张三", "姓名"),
            Column(
                "unit_code", "Unit code", ("组织编码", "Department code"), True, "SH", "部门编码"
            ),
            Column("position_code", "Position code", ("职位编码",), False, "SALES-REP", "岗位编码"),
            Column(
                "hire_date", "Hire date", ("入职时间", "Start date"), True, "2026-03-01", "入职日期"
            ),
            Column("status", "Status", ("员工状态", "在职状态"), False, "active", "状态"),
            Column("gender", "Gender", (), False, "男", "性别"),
            Column(
                "birth_date",
                "Birth date",
                ("出生年月", "Date of birth"),
                False,
                "1990-05-01",
                "出生日期",
            ),
            Column("work_phone", "Work phone", ("座机",), False, "", "办公电话"),
            Column("work_email", "Work email", ("邮箱", "Email"), False, "", "工作邮箱"),
            Column(
                "personal_phone",
                "Mobile",
                ("手机", "手机号码", "Mobile phone"),
                False,
                "",
                "手机号",
            ),
            Column("id_number", "ID number", ("身份证", "身份证号码"), False, "", "身份证号"),
            Column("bank_account", "Bank account", ("银行卡号", "工资卡号"), False, "", "银行账号"),
            Column("base_salary", "Base salary", ("月薪", "基本薪资"), False, "12000", "基本工资"),
            Column(
                "manager_number",
                "Manager number",
                ("上级工号", "汇报对象工号"),
                False,
                "",
                "直属上级工号",
            ),
            Column(
                "last_day",
                "Last day",
                ("离职日期", "最后工作日", "Termination date"),
                False,
                "",
                "离职日期",
            ),
            Column(
                "termination_reason",
                "Termination reason",
                ("离职原因", "Reason for leaving"),
                False,
                "",
                "离职原因",
            ),
        ),
        values=EMPLOYEE_VALUES,
        key=("employee_number",),
        lookup_columns=("employee_number", "manager_number"),
        lookups=imports.employee_lookups,
        check=import_rows.employee_check,
        write=imports.write_employees,
        may_import=may_import,
        export=export_employees,
        choices=employee_choices,
    ),
    ImportKind.KPI_RECORDS: ImportSpec(
        kind=ImportKind.KPI_RECORDS,
        columns=(
            EMPLOYEE_NUMBER,
            KPI_CODE,
            PERIOD,
            Column("value", "Value", ("实际值", "完成值", "Actual"), True, "95", "数值"),
            Column("dimension", "Dimension", ("维度值",), False, "", "维度"),
        ),
        key=("employee_number", "kpi_code", "period", "dimension"),
        lookup_columns=("employee_number",),
        lookups=imports.record_lookups,
        check=import_rows.record_check,
        write=imports.write_records,
        may_import=may_import,
        export=import_exports.export_records,
        choices=import_exports.kpi_choices,
        after=_after_records,
    ),
    ImportKind.TARGETS: ImportSpec(
        kind=ImportKind.TARGETS,
        columns=(
            KPI_CODE,
            PERIOD,
            Column("value", "Target", ("目标", "Value", "数值"), True, "100", "目标值"),
            Column("employee_number", "Employee number", ("员工编号", "工号"), False, "", "工号"),
            Column("unit_code", "Unit code", ("组织编码",), False, "SH", "部门编码"),
        ),
        key=("kpi_code", "period", "employee_number", "unit_code"),
        lookup_columns=("employee_number", "unit_code"),
        lookups=imports.target_lookups,
        check=import_rows.target_check,
        write=imports.write_targets,
        may_import=may_import,
        export=import_exports.export_targets,
        choices=import_exports.target_choices,
        missing=_target_missing,
    ),
}
