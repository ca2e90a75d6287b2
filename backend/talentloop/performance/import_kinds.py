"""The performance domain's import kinds (imports/kinds.py): employees, KPI records and
targets, with their columns as HR files name them."""

from __future__ import annotations

from talentloop.access.policy import Viewer
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.performance import import_exports, import_rows, imports, pay, triggers
from talentloop.performance.models import ImportKind


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
        ),
        key=("employee_number",),
        lookup_columns=("employee_number", "manager_number"),
        lookups=imports.employee_lookups,
        check=import_rows.employee_check,
        write=imports.write_employees,
        may_import=may_import,
        export=import_exports.export_employees,
        choices=import_exports.employee_choices,
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
