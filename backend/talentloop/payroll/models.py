"""Payroll: salary structures, city social-insurance tables, special additional deductions,
a month's one-off items, payroll runs and their payslips.

Money is `DecimalField(max_digits=14, decimal_places=2)` (yuan with fen); rates are
`decimal_places=4` (0.0050 = 0.5 %). The arithmetic lives in `payroll/calc.py`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from talentloop.payroll.calc import Component, DeductionKind, RentCityClass, RoundingMode

if TYPE_CHECKING:
    from talentloop.accounts.models import User
    from talentloop.org.models import OrgUnit
    from talentloop.people.models import Employee, Position


def _money(**kw: Any) -> Any:
    return fields.DecimalField(max_digits=14, decimal_places=2, **kw)


def _rate(**kw: Any) -> Any:
    return fields.DecimalField(max_digits=8, decimal_places=4, **kw)


class SocialInsuranceTable(Model):
    """One city's contribution bases and rates from a date (bases reset each July)."""

    id = fields.IntField(primary_key=True)
    city = fields.CharField(max_length=64)
    valid_from = fields.DateField()
    base_floor = _money()
    base_ceiling = _money()
    fund_floor = _money()
    fund_ceiling = _money()
    rounding_quantum = fields.DecimalField(max_digits=6, decimal_places=2, default="0.01")
    rounding_mode = fields.CharEnumField(RoundingMode, max_length=16, default=RoundingMode.HALF_UP)
    fund_rounding_quantum = fields.DecimalField(max_digits=6, decimal_places=2, default="0.01")
    fund_rounding_mode = fields.CharEnumField(
        RoundingMode, max_length=16, default=RoundingMode.HALF_UP
    )
    source = fields.TextField(default="")  # the notice the figures come from

    rates: fields.ReverseRelation[SocialInsuranceRate]

    class Meta:
        table = "social_insurance_table"
        unique_together = (("city", "valid_from"),)
        ordering = ["city", "-valid_from"]


class SocialInsuranceRate(Model):
    id = fields.IntField(primary_key=True)
    table: fields.ForeignKeyRelation[SocialInsuranceTable] = fields.ForeignKeyField(
        "talentloop.SocialInsuranceTable", related_name="rates", on_delete=fields.CASCADE
    )
    component = fields.CharEnumField(Component, max_length=16)
    employee_rate = _rate()
    employer_rate = _rate()
    employee_fixed = _money(default=0)

    table_id: int

    class Meta:
        table = "social_insurance_rate"
        unique_together = (("table", "component"),)


class IncomeTaxTable(Model):
    """The income-tax figures from a date (payroll/calc.py TaxTable): the monthly basic
    deduction and the two bracket tables, each a list of {"upper", "rate", "quick_deduction"}
    as strings (upper null for the last). A change of law is a new row, none is edited."""

    id = fields.IntField(primary_key=True)
    valid_from = fields.DateField(unique=True)
    basic_deduction = _money()
    brackets: Any = fields.JSONField()  # 综合所得, for the cumulative withholding
    bonus_brackets: Any = fields.JSONField()  # 按月换算, for the separate annual bonus
    source = fields.TextField(default="")  # the law or notice the figures come from

    class Meta:
        table = "income_tax_table"
        ordering = ["-valid_from"]


class ComponentKind(StrEnum):
    BASE = "base"  # 基本工资
    ALLOWANCE = "allowance"  # 岗位津贴 and other allowances
    PERFORMANCE = "performance"  # 绩效工资: follows the unit's pay suspension
    BONUS = "bonus"  # a monthly bonus
    DEDUCTION = "deduction"  # after tax (canteen, union fee…)


class ComponentMethod(StrEnum):
    FIXED = "fixed"  # `amount` a month
    PERCENT_OF_BASE = "percent_of_base"  # `rate` × the base
    EMPLOYEE_BASE = "employee_base"  # the employee record's base salary (BASE only)


class SalaryStructure(Model):
    """The components of a position's or one employee's pay from a date. An employee's own
    structure wins over their position's; the latest one in force in a month applies."""

    id = fields.IntField(primary_key=True)
    position: fields.ForeignKeyNullableRelation[Position] = fields.ForeignKeyField(
        "talentloop.Position", related_name="salary_structures", null=True, on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="salary_structures", null=True, on_delete=fields.CASCADE
    )
    effective_from = fields.DateField()
    note = fields.CharField(max_length=255, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="salary_structures", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    components: fields.ReverseRelation[SalaryComponent]
    position_id: int | None
    employee_id: int | None

    class Meta:
        table = "salary_structure"
        ordering = ["-effective_from", "-id"]


class SalaryComponent(Model):
    id = fields.IntField(primary_key=True)
    structure: fields.ForeignKeyRelation[SalaryStructure] = fields.ForeignKeyField(
        "talentloop.SalaryStructure", related_name="components", on_delete=fields.CASCADE
    )
    order = fields.IntField(default=0)
    kind = fields.CharEnumField(ComponentKind, max_length=16)
    name = fields.CharField(max_length=64)
    method = fields.CharEnumField(ComponentMethod, max_length=16)
    amount = _money(default=0)
    rate = _rate(default=0)

    structure_id: int

    class Meta:
        table = "salary_component"
        ordering = ["order", "id"]


class SpecialDeduction(Model):
    """A special additional deduction (专项附加扣除) an employee declared, by month."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="special_deductions", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(DeductionKind, max_length=24)
    monthly_amount = _money()
    count = fields.IntField(default=1)  # children
    share = fields.DecimalField(max_digits=4, decimal_places=2, default="1")
    rent_class = fields.CharEnumField(RentCityClass, max_length=8, null=True)
    valid_from = fields.DateField()  # first month
    valid_to = fields.DateField(null=True)  # last month
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int

    class Meta:
        table = "special_deduction"
        ordering = ["valid_from", "id"]


class ItemKind(StrEnum):
    BONUS = "bonus"  # taxed with the wages
    ANNUAL_BONUS = "annual_bonus"  # 全年一次性奖金: separately or merged, as the employee chose
    DEDUCTION = "deduction"  # after tax
    ADJUSTMENT = "adjustment"  # a correction of an earlier month, taxed with the wages
    OVERTIME_150 = "overtime_150"  # hours
    OVERTIME_200 = "overtime_200"
    OVERTIME_300 = "overtime_300"
    ABSENCE_DAYS = "absence_days"  # days
    UNPAID_LEAVE_DAYS = "unpaid_leave_days"


HOUR_KINDS = (ItemKind.OVERTIME_150, ItemKind.OVERTIME_200, ItemKind.OVERTIME_300)
DAY_KINDS = (ItemKind.ABSENCE_DAYS, ItemKind.UNPAID_LEAVE_DAYS)


class BonusTaxMethod(StrEnum):
    SEPARATE = "separate"  # 单独计税 (财税〔2018〕164号, to 2027-12-31)
    MERGED = "merged"  # 并入当年综合所得


class PayrollItem(Model):
    """One figure of one employee's month: a bonus, a deduction, a correction of an earlier
    month, overtime hours or unpaid days (until attendance provides them)."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="payroll_items", on_delete=fields.CASCADE
    )
    month = fields.DateField(db_index=True)
    kind = fields.CharEnumField(ItemKind, max_length=24)
    amount = _money()  # yuan, or hours / days
    bonus_tax = fields.CharEnumField(BonusTaxMethod, max_length=16, null=True)
    corrects_month = fields.DateField(null=True)
    note = fields.CharField(max_length=255, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="payroll_items", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    employee_id: int

    class Meta:
        table = "payroll_item"
        ordering = ["month", "id"]


class PayrollOpening(Model):
    """A person's payroll figures of a tax year paid before TalentLoop (issue 22): the old
    system paid January through `last_month`; TalentLoop pays from the month after (the
    cut-over). The cumulative withholding (payroll/computing.py `_prior`, `_additional`) starts
    from these sums instead of TalentLoop's own payslips of those months, which are left out,
    and a run of a month up to `last_month` is refused for the person (payroll/openings.py)."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="payroll_openings", on_delete=fields.RESTRICT
    )
    year = fields.IntField()
    last_month = fields.IntField()  # 1–11: the last month the old system paid
    months_employed = fields.IntField()  # 任职受雇月份数 through last_month (basic deduction)
    income = _money()  # 累计收入 (wages, a merged bonus)
    contributions = _money()  # 累计专项扣除: the employee's social insurance and housing fund
    special_additional = _money()  # 累计专项附加扣除
    other_deductions = _money(default=0)  # 累计依法确定的其他扣除 (enterprise annuity, …)
    tax = _money()  # 累计已预扣预缴税额 on wages
    note = fields.CharField(max_length=255, default="")
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="payroll_openings", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    employee_id: int

    class Meta:
        table = "payroll_opening"
        unique_together = (("employee", "year"),)
        ordering = ["year", "employee_id"]


class RunStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"  # locked: corrections go into a later run
    PAID = "paid"


LOCKED_STATUSES = (RunStatus.APPROVED, RunStatus.PAID)


class JobStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PayrollRun(Model):
    """A unit's payroll for a month, and the computing job that fills it."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="payroll_runs", on_delete=fields.RESTRICT
    )
    month = fields.DateField()
    status = fields.CharEnumField(RunStatus, max_length=16, default=RunStatus.DRAFT)
    job_status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.RUNNING)
    progress = fields.IntField(default=0)
    step = fields.CharField(max_length=128, default="")
    error = fields.CharField(max_length=255, default="")
    headcount = fields.IntField(default=0)
    gross = _money(default=0)
    employee_contributions = _money(default=0)
    tax = _money(default=0)
    deductions = _money(default=0)
    net = _money(default=0)
    employer_contributions = _money(default=0)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User", related_name="payroll_runs_created", null=True, on_delete=fields.SET_NULL
    )
    approved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "talentloop.User",
        related_name="payroll_runs_approved",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    computed_at = fields.DatetimeField(null=True)
    approved_at = fields.DatetimeField(null=True)
    paid_at = fields.DatetimeField(null=True)
    # What the last recompute changed, per person (payroll/staleness.py changes_between);
    # null until the run is computed a second time.
    changes: Any = fields.JSONField(null=True)

    payslips: fields.ReverseRelation[Payslip]
    stale_reasons: fields.ReverseRelation[PayrollRunStaleReason]
    unit_id: int
    created_by_id: int | None

    class Meta:
        table = "payroll_run"
        unique_together = (("unit", "month"),)
        ordering = ["-month", "unit_id"]


class PayrollRunStaleReason(Model):
    """Why a draft or reviewed run is out of date: an input it was computed from changed after
    (payroll/staleness.py). `message` is a catalogue msgid, `params` its placeholders. The job
    that recomputes the run deletes the reasons it has taken in."""

    id = fields.IntField(primary_key=True)
    run: fields.ForeignKeyRelation[PayrollRun] = fields.ForeignKeyField(
        "talentloop.PayrollRun", related_name="stale_reasons", on_delete=fields.CASCADE
    )
    message = fields.CharField(max_length=255)
    params: Any = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    run_id: int

    class Meta:
        table = "payroll_run_stale_reason"
        ordering = ["id"]


class Payslip(Model):
    """One employee's pay for a month, with the cumulative tax figures it was computed from."""

    id = fields.IntField(primary_key=True)
    run: fields.ForeignKeyRelation[PayrollRun] = fields.ForeignKeyField(
        "talentloop.PayrollRun", related_name="payslips", on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="payslips", on_delete=fields.RESTRICT
    )
    month = fields.DateField()
    city = fields.CharField(max_length=64, default="")
    gross = _money()  # wages and bonuses before anything is taken off (annual bonus included)
    income = _money()  # this month's income for the cumulative method (wages, merged bonus)
    employee_contributions = _money()  # 三险一金, the employee's part
    special_additional = _money()  # this month's 专项附加扣除
    tax = _money()  # withheld on the wages this month
    annual_bonus = _money(default=0)
    bonus_tax = _money(default=0)  # on an annual bonus taxed separately
    deductions = _money(default=0)  # after tax
    net = _money()
    employer_contributions = _money()
    months_employed = fields.IntField()
    cumulative_income = _money()
    cumulative_basic = _money()
    cumulative_special = _money()
    cumulative_additional = _money()
    cumulative_taxable = _money()
    cumulative_tax = _money()
    withheld_before = _money()
    tax_rate = _rate()
    quick_deduction = _money()

    lines: fields.ReverseRelation[PayslipLine]
    run_id: int
    employee_id: int

    class Meta:
        table = "payslip"
        unique_together = (("employee", "month"),)
        ordering = ["-month", "employee_id"]


class LineSection(StrEnum):
    EARNING = "earning"
    CONTRIBUTION = "contribution"  # the employee's social insurance and housing fund
    TAX = "tax"
    DEDUCTION = "deduction"
    EMPLOYER = "employer"  # paid by the company on top (not on the net)
    NOTE = "note"  # explains without an amount that counts (a suspended performance pay)


class PayslipLine(Model):
    id = fields.IntField(primary_key=True)
    payslip: fields.ForeignKeyRelation[Payslip] = fields.ForeignKeyField(
        "talentloop.Payslip", related_name="lines", on_delete=fields.CASCADE
    )
    order = fields.IntField()
    section = fields.CharEnumField(LineSection, max_length=16)
    code = fields.CharField(max_length=32)
    label_zh = fields.CharField(max_length=64)
    label_en = fields.CharField(max_length=64)
    amount = _money()
    explanation_zh = fields.TextField(default="")
    explanation_en = fields.TextField(default="")

    payslip_id: int

    class Meta:
        table = "payslip_line"
        ordering = ["order"]
