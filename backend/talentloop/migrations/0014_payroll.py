from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from talentloop.payroll.calc import Component, DeductionKind, RentCityClass, RoundingMode
from talentloop.payroll.models import (
    BonusTaxMethod,
    ComponentKind,
    ComponentMethod,
    ItemKind,
    JobStatus,
    LineSection,
    RunStatus,
)


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0013_records")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PayrollItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payroll_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("month", fields.DateField(db_index=True)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="BONUS: bonus\nANNUAL_BONUS: annual_bonus\nDEDUCTION: deduction\nADJUSTMENT: adjustment\nOVERTIME_150: overtime_150\nOVERTIME_200: overtime_200\nOVERTIME_300: overtime_300\nABSENCE_DAYS: absence_days\nUNPAID_LEAVE_DAYS: unpaid_leave_days",
                        enum_type=ItemKind,
                        max_length=24,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=14, decimal_places=2)),
                (
                    "bonus_tax",
                    fields.CharEnumField(
                        null=True,
                        description="SEPARATE: separate\nMERGED: merged",
                        enum_type=BonusTaxMethod,
                        max_length=16,
                    ),
                ),
                ("corrects_month", fields.DateField(null=True)),
                ("note", fields.CharField(default="", max_length=255)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="payroll_items",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "payroll_item",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "One figure of one employee's month: a bonus, a deduction, a correction of an earlier",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PayrollRun",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payroll_runs",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("month", fields.DateField()),
                (
                    "status",
                    fields.CharEnumField(
                        default=RunStatus.DRAFT,
                        description="DRAFT: draft\nREVIEW: review\nAPPROVED: approved\nPAID: paid",
                        enum_type=RunStatus,
                        max_length=16,
                    ),
                ),
                (
                    "job_status",
                    fields.CharEnumField(
                        default=JobStatus.RUNNING,
                        description="RUNNING: running\nDONE: done\nFAILED: failed",
                        enum_type=JobStatus,
                        max_length=16,
                    ),
                ),
                ("progress", fields.IntField(default=0)),
                ("step", fields.CharField(default="", max_length=128)),
                ("error", fields.CharField(default="", max_length=255)),
                ("headcount", fields.IntField(default=0)),
                ("gross", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                (
                    "employee_contributions",
                    fields.DecimalField(default=0, max_digits=14, decimal_places=2),
                ),
                ("tax", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ("deductions", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ("net", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                (
                    "employer_contributions",
                    fields.DecimalField(default=0, max_digits=14, decimal_places=2),
                ),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="payroll_runs_created",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "approved_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="approved_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="payroll_runs_approved",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "computed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "approved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("paid_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "payroll_run",
                "app": "talentloop",
                "unique_together": (("unit", "month"),),
                "pk_attr": "id",
                "table_description": "A unit's payroll for a month, and the computing job that fills it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Payslip",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "run",
                    fields.ForeignKeyField(
                        "talentloop.PayrollRun",
                        source_field="run_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payslips",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payslips",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("month", fields.DateField()),
                ("city", fields.CharField(default="", max_length=64)),
                ("gross", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("income", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("employee_contributions", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("special_additional", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("tax", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("annual_bonus", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ("bonus_tax", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ("deductions", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ("net", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("employer_contributions", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("months_employed", fields.IntField()),
                ("cumulative_income", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("cumulative_basic", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("cumulative_special", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("cumulative_additional", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("cumulative_taxable", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("cumulative_tax", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("withheld_before", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("tax_rate", fields.DecimalField(max_digits=8, decimal_places=4)),
                ("quick_deduction", fields.DecimalField(max_digits=14, decimal_places=2)),
            ],
            options={
                "table": "payslip",
                "app": "talentloop",
                "unique_together": (("employee", "month"),),
                "pk_attr": "id",
                "table_description": "One employee's pay for a month, with the cumulative tax figures it was computed from.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PayslipLine",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "payslip",
                    fields.ForeignKeyField(
                        "talentloop.Payslip",
                        source_field="payslip_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lines",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("order", fields.IntField()),
                (
                    "section",
                    fields.CharEnumField(
                        description="EARNING: earning\nCONTRIBUTION: contribution\nTAX: tax\nDEDUCTION: deduction\nEMPLOYER: employer\nNOTE: note",
                        enum_type=LineSection,
                        max_length=16,
                    ),
                ),
                ("code", fields.CharField(max_length=32)),
                ("label_zh", fields.CharField(max_length=64)),
                ("label_en", fields.CharField(max_length=64)),
                ("amount", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("explanation_zh", fields.TextField(default="", unique=False)),
                ("explanation_en", fields.TextField(default="", unique=False)),
            ],
            options={"table": "payslip_line", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SalaryStructure",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "position",
                    fields.ForeignKeyField(
                        "talentloop.Position",
                        source_field="position_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="salary_structures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="salary_structures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("effective_from", fields.DateField()),
                ("note", fields.CharField(default="", max_length=255)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="salary_structures",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "salary_structure",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "The components of a position's or one employee's pay from a date. An employee's own",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SalaryComponent",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "structure",
                    fields.ForeignKeyField(
                        "talentloop.SalaryStructure",
                        source_field="structure_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="components",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("order", fields.IntField(default=0)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="BASE: base\nALLOWANCE: allowance\nPERFORMANCE: performance\nBONUS: bonus\nDEDUCTION: deduction",
                        enum_type=ComponentKind,
                        max_length=16,
                    ),
                ),
                ("name", fields.CharField(max_length=64)),
                (
                    "method",
                    fields.CharEnumField(
                        description="FIXED: fixed\nPERCENT_OF_BASE: percent_of_base\nEMPLOYEE_BASE: employee_base",
                        enum_type=ComponentMethod,
                        max_length=16,
                    ),
                ),
                ("amount", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ("rate", fields.DecimalField(default=0, max_digits=8, decimal_places=4)),
            ],
            options={"table": "salary_component", "app": "talentloop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SocialInsuranceTable",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("city", fields.CharField(max_length=64)),
                ("valid_from", fields.DateField()),
                ("base_floor", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("base_ceiling", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("fund_floor", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("fund_ceiling", fields.DecimalField(max_digits=14, decimal_places=2)),
                (
                    "rounding_quantum",
                    fields.DecimalField(default="0.01", max_digits=6, decimal_places=2),
                ),
                (
                    "rounding_mode",
                    fields.CharEnumField(
                        default=RoundingMode.HALF_UP,
                        description="HALF_UP: half_up\nUP: up\nDOWN: down",
                        enum_type=RoundingMode,
                        max_length=16,
                    ),
                ),
                (
                    "fund_rounding_quantum",
                    fields.DecimalField(default="0.01", max_digits=6, decimal_places=2),
                ),
                (
                    "fund_rounding_mode",
                    fields.CharEnumField(
                        default=RoundingMode.HALF_UP,
                        description="HALF_UP: half_up\nUP: up\nDOWN: down",
                        enum_type=RoundingMode,
                        max_length=16,
                    ),
                ),
                ("source", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "social_insurance_table",
                "app": "talentloop",
                "unique_together": (("city", "valid_from"),),
                "pk_attr": "id",
                "table_description": "One city's contribution bases and rates from a date (bases reset each July).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SocialInsuranceRate",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "table",
                    fields.ForeignKeyField(
                        "talentloop.SocialInsuranceTable",
                        source_field="table_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="rates",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "component",
                    fields.CharEnumField(
                        description="PENSION: pension\nMEDICAL: medical\nUNEMPLOYMENT: unemployment\nINJURY: injury\nMATERNITY: maternity\nHOUSING_FUND: housing_fund",
                        enum_type=Component,
                        max_length=16,
                    ),
                ),
                ("employee_rate", fields.DecimalField(max_digits=8, decimal_places=4)),
                ("employer_rate", fields.DecimalField(max_digits=8, decimal_places=4)),
                ("employee_fixed", fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
            ],
            options={
                "table": "social_insurance_rate",
                "app": "talentloop",
                "unique_together": (("table", "component"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SpecialDeduction",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="special_deductions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="CHILD_EDUCATION: child_education\nINFANT_CARE: infant_care\nELDERLY_SUPPORT: elderly_support\nHOUSING_LOAN: housing_loan\nHOUSING_RENT: housing_rent\nCONTINUING_EDUCATION: continuing_education",
                        enum_type=DeductionKind,
                        max_length=24,
                    ),
                ),
                ("monthly_amount", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("count", fields.IntField(default=1)),
                ("share", fields.DecimalField(default="1", max_digits=4, decimal_places=2)),
                (
                    "rent_class",
                    fields.CharEnumField(
                        null=True,
                        description="LARGE: large\nMEDIUM: medium\nSMALL: small",
                        enum_type=RentCityClass,
                        max_length=8,
                    ),
                ),
                ("valid_from", fields.DateField()),
                ("valid_to", fields.DateField(null=True)),
                ("note", fields.CharField(default="", max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "special_deduction",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "A special additional deduction (专项附加扣除) an employee declared, by month.",
            },
            bases=["Model"],
        ),
    ]
