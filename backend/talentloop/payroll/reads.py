"""Who reads and runs what in payroll: a payslip is its run's HR's at any stage, and once the
run is approved its employee's and that of HR in charge of the person (the `pay` field group);
a run, its totals and its files are HR's of the unit's branch and HQ HR's
(`can_manage_employees_in`). A team lead reads no one's pay but their own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from talentloop.access.policy import FieldGroup, Operation, Viewer
from talentloop.errors import ErrorCode, ServiceError, not_found
from talentloop.org import service as org_service
from talentloop.payroll.models import (
    LOCKED_STATUSES,
    PayrollRun,
    Payslip,
    PayslipLine,
)
from talentloop.payroll.months import add_months
from talentloop.people import service as people_service
from talentloop.people.models import Employee

# --- who ----------------------------------------------------------------------------------------


def _managed_paths(viewer: Viewer) -> list[str]:
    """The subtrees whose payroll the viewer runs: HQ HR everywhere, branch HR their branch."""
    paths = viewer.act_paths(Operation.MANAGE)
    return [""] if "" in paths else paths


def _under(paths: list[str], prefix: str) -> Q | None:
    result: Q | None = None
    for path in paths:
        clause = Q(**{f"{prefix}path__startswith": path})
        result = clause if result is None else result | clause
    return result


def may_run_payroll(viewer: Viewer) -> bool:
    return bool(_managed_paths(viewer))


def visible_runs(viewer: Viewer) -> QuerySet[PayrollRun]:
    scope = _under(_managed_paths(viewer), "unit__")
    if scope is None:
        return PayrollRun.filter(id__in=[])
    return PayrollRun.filter(scope)


def visible_payslips(viewer: Viewer) -> QuerySet[Payslip]:
    """HR who may read a run read its payslips at any stage, by the run's unit — a person who
    has moved to another branch since stays on the run they were paid in. Once the run is
    approved, whoever reads the person's pay (the `pay` field group: themself, HR in charge of
    them now) reads it too; HR of the person's new branch see no draft of the old branch's run."""
    final = Q(run__status__in=list(LOCKED_STATUSES))
    pay = viewer.employee_filter(requires=FieldGroup.PAY, prefix="employee__")
    clauses: list[Q] = []
    if pay is not None:
        clauses.append(final if not (pay.children or pay.filters) else Q(pay, final))
    by_run = _under(_managed_paths(viewer), "run__unit__")
    if by_run is not None:
        clauses.append(by_run)
    if not clauses:
        return Payslip.filter(id__in=[])
    return Payslip.filter(Q(*clauses, join_type=Q.OR))


async def get_run(viewer: Viewer, run_id: int) -> PayrollRun | None:
    return await visible_runs(viewer).filter(id=run_id).select_related("unit").first()


async def list_runs(
    viewer: Viewer, unit_id: int | None = None, month: date | None = None
) -> list[PayrollRun]:
    runs = visible_runs(viewer).select_related("unit")
    if unit_id is not None:
        unit = await org_service.get_unit(viewer, unit_id)
        if unit is None:
            return []
        runs = runs.filter(unit__path__startswith=unit.path)
    if month is not None:
        runs = runs.filter(month=month)
    return await runs.order_by("-month", "unit__path").limit(100)


async def previous_run(run: PayrollRun) -> PayrollRun | None:
    """The same unit's run of the month before, for the diff."""
    before = add_months(run.month, -1)
    return await PayrollRun.get_or_none(unit_id=run.unit_id, month=before)


async def get_payslip(viewer: Viewer, payslip_id: int) -> Payslip | None:
    return await visible_payslips(viewer).filter(id=payslip_id).select_related("run").first()


async def my_payslips(viewer: Viewer) -> list[Payslip]:
    """One's own payslips once their run is approved — HR's own too, though HR reads the
    run's payslips earlier on the run's page."""
    if viewer.employee_id is None:
        return []
    return (
        await visible_payslips(viewer)
        .filter(employee_id=viewer.employee_id, run__status__in=list(LOCKED_STATUSES))
        .select_related("run")
        .order_by("-month")
        .limit(36)
    )


async def payslips_of_run(viewer: Viewer, run: PayrollRun) -> list[Payslip]:
    return (
        await visible_payslips(viewer)
        .filter(run_id=run.id)
        .select_related("run", "employee__unit")
        .order_by("employee__employee_number")
    )


async def pay_readers_of(viewer: Viewer, employee_ids: list[int]) -> set[int]:
    """Those of the employees whose pay the viewer reads (the `pay` field group), in one query."""
    pay = viewer.employee_filter(requires=FieldGroup.PAY)
    if pay is None or not employee_ids:
        return set()
    found = await Employee.filter(pay).filter(id__in=employee_ids).values_list("id", flat=True)
    return {int(i) for i in found}  # type: ignore[call-overload]


async def lines_of(payslip_ids: list[int]) -> dict[int, list[PayslipLine]]:
    found: dict[int, list[PayslipLine]] = {pk: [] for pk in payslip_ids}
    for line in await PayslipLine.filter(payslip_id__in=payslip_ids).order_by(
        "payslip_id", "order"
    ):
        found[line.payslip_id].append(line)
    return found


async def pay_employee(viewer: Viewer, employee_id: int) -> Employee | None:
    """An employee whose pay the viewer reads (themself, HR in scope); None otherwise."""
    employee = await people_service.get_employee(viewer, employee_id)
    if employee is None:
        return None
    if FieldGroup.PAY not in viewer.groups_for(employee.id, employee.unit.path):
        return None
    return employee


async def managed_employee(viewer: Viewer, employee_id: int) -> Employee:
    """NOT_FOUND as for no one, FORBIDDEN where the viewer sees them but runs no pay there."""
    employee = await people_service.get_employee(viewer, employee_id)
    if employee is None:
        raise not_found("Employee", "employeeId")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this pay.", "employeeId")
    return employee


async def previous_nets(viewer: Viewer, payslip_ids: list[int]) -> dict[int, Decimal]:
    """Each payslip's employee's net of the month before, where the viewer reads that too."""
    slips = await Payslip.filter(id__in=payslip_ids).values("id", "employee_id", "month")
    wanted = {(s["employee_id"], add_months(s["month"], -1)): s["id"] for s in slips}
    if not wanted:
        return {}
    before = (
        await visible_payslips(viewer)
        .filter(
            employee_id__in=sorted({e for e, _ in wanted}),
            month__in=sorted({m for _, m in wanted}),
        )
        .values("employee_id", "month", "net")
    )
    return {
        wanted[(b["employee_id"], b["month"])]: b["net"]
        for b in before
        if (b["employee_id"], b["month"]) in wanted
    }
