"""Payroll's rules, one import away: who reads what (`reads.py`), what HR enters for pay —
salary structures, deductions, a month's items (`structures.py`) —, a run's life from draft to
paid and its approval (`runs.py`) and its computing job (`computing.py`). Callers outside
payroll import this module; the parts import each other directly.
"""

from __future__ import annotations

from talentloop.payroll.computing import (
    JOB_KIND,
    RUN_FAILED,
    enqueue,
    execute,
    give_up,
    tax_table_for,
    to_city_table,
    to_tax_table,
)
from talentloop.payroll.months import add_months, month_end
from talentloop.payroll.reads import (
    get_payslip,
    get_run,
    lines_of,
    list_runs,
    managed_employee,
    may_run_payroll,
    my_payslips,
    pay_employee,
    pay_readers_of,
    payslips_of_run,
    previous_nets,
    previous_run,
    visible_payslips,
    visible_runs,
)
from talentloop.payroll.runs import (
    approve_run,
    create_run,
    mark_paid,
    recompute_run,
    refuse_unapprovable,
    return_run,
    submit_run,
)
from talentloop.payroll.structures import (
    ComponentInput,
    EmployeePay,
    add_item,
    add_special_deduction,
    employee_pay,
    income_tax_tables,
    position_structures,
    set_employee_structure,
    set_position_structure,
    social_insurance_tables,
    valid_until,
)

__all__ = [
    "JOB_KIND",
    "RUN_FAILED",
    "ComponentInput",
    "EmployeePay",
    "add_item",
    "add_months",
    "add_special_deduction",
    "approve_run",
    "create_run",
    "employee_pay",
    "enqueue",
    "execute",
    "get_payslip",
    "get_run",
    "give_up",
    "income_tax_tables",
    "lines_of",
    "list_runs",
    "managed_employee",
    "mark_paid",
    "may_run_payroll",
    "month_end",
    "my_payslips",
    "pay_employee",
    "pay_readers_of",
    "payslips_of_run",
    "position_structures",
    "previous_nets",
    "previous_run",
    "recompute_run",
    "refuse_unapprovable",
    "return_run",
    "set_employee_structure",
    "set_position_structure",
    "social_insurance_tables",
    "submit_run",
    "tax_table_for",
    "to_city_table",
    "to_tax_table",
    "valid_until",
    "visible_payslips",
    "visible_runs",
]
