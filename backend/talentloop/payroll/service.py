"""Payroll's rules: who reads and changes what, salary structures, deductions, a month's items,
and payroll runs (draft → review → approved → paid) computed as a job.

Who: a payslip is its employee's and HR's in scope (the `pay` field group); an employee sees
theirs once its run is approved. A run, its totals and its files are HR's of the unit's branch
and HQ HR's (`can_manage_employees_in`). A team lead reads no one's pay but their own. A run
approved is locked: every change to it is a `LOCKED` error, and corrections of its month go
into a later month as adjustment items. Review runs on the approvals engine (request type
PAYROLL_RUN): its approvers decide, the HR who submitted the run does not, nor anyone it pays.
Nobody sets their own salary structure or adds items to their own pay.
"""

from __future__ import annotations

import logging
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import FieldGroup, Operation, Viewer
from talentloop.approvals import service as approvals
from talentloop.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStatus,
    EventKind,
    RequestType,
)
from talentloop.attendance import calendar as work_calendar
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import N_
from talentloop.jobs import queue
from talentloop.jobs.models import Job, JobState
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.payroll import calc, staleness
from talentloop.payroll.attendance import attendance_figures
from talentloop.payroll.calc import (
    ZERO,
    Bracket,
    CityTable,
    DeductionKind,
    Rate,
    RentCityClass,
    Rounding,
    TaxTable,
)
from talentloop.payroll.compute import (
    Figures,
    Item,
    PayInputs,
    PayrollError,
    Prior,
    StructureLine,
    Suspension,
    compute,
)
from talentloop.payroll.models import (
    DAY_KINDS,
    HOUR_KINDS,
    LOCKED_STATUSES,
    BonusTaxMethod,
    ComponentKind,
    ComponentMethod,
    IncomeTaxTable,
    ItemKind,
    JobStatus,
    PayrollItem,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
    SalaryComponent,
    SalaryStructure,
    SocialInsuranceTable,
    SpecialDeduction,
)
from talentloop.people import service as people_service
from talentloop.people.models import Employee, Position
from talentloop.performance.models import PaySuspension, SuspensionStatus

log = logging.getLogger(__name__)


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
    """The employee's own once approved; HR's in scope at any stage."""
    pay = viewer.employee_filter(requires=FieldGroup.PAY, prefix="employee__")
    if pay is None:
        return Payslip.filter(id__in=[])
    final = Q(run__status__in=list(LOCKED_STATUSES))
    managed = _under(_managed_paths(viewer), "employee__unit__")
    return Payslip.filter(pay).filter(final | managed if managed is not None else final)


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
    before = _add_months(run.month, -1)
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


async def _pay_employee(viewer: Viewer, employee_id: int) -> Employee | None:
    """An employee whose pay the viewer reads (themself, HR in scope); None otherwise."""
    employee = await people_service.get_employee(viewer, employee_id)
    if employee is None:
        return None
    if FieldGroup.PAY not in viewer.groups_for(employee.id, employee.unit.path):
        return None
    return employee


async def _managed_employee(viewer: Viewer, employee_id: int) -> Employee:
    """NOT_FOUND as for no one, FORBIDDEN where the viewer sees them but runs no pay there."""
    employee = await people_service.get_employee(viewer, employee_id)
    if employee is None:
        raise not_found("Employee", "employeeId")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this pay.", "employeeId")
    return employee


# --- salary structures, deductions, items -------------------------------------------------------


@dataclass
class EmployeePay:
    employee: Employee
    structures: list[SalaryStructure]
    deductions: list[SpecialDeduction]
    items: list[PayrollItem]


async def employee_pay(viewer: Viewer, employee_id: int, month: date | None) -> EmployeePay | None:
    employee = await _pay_employee(viewer, employee_id)
    if employee is None:
        return None
    structures = await SalaryStructure.filter(employee_id=employee.id).prefetch_related(
        "components"
    )
    items = PayrollItem.filter(employee_id=employee.id)
    if month is not None:
        items = items.filter(month=month)
    return EmployeePay(
        employee=employee,
        structures=list(structures),
        deductions=list(await SpecialDeduction.filter(employee_id=employee.id)),
        items=list(await items.order_by("-month", "id").limit(100)),
    )


async def position_structures(viewer: Viewer) -> list[SalaryStructure]:
    if not viewer.can_manage_employees:
        return []
    return list(
        await SalaryStructure.filter(position_id__not_isnull=True)
        .prefetch_related("components", "position")
        .order_by("position_id", "-effective_from")
    )


async def social_insurance_tables(viewer: Viewer) -> list[SocialInsuranceTable]:
    if not viewer.can_manage_employees:
        return []
    return list(await SocialInsuranceTable.all().prefetch_related("rates"))


async def income_tax_tables(viewer: Viewer) -> list[IncomeTaxTable]:
    if not viewer.can_manage_employees:
        return []
    return list(await IncomeTaxTable.all().order_by("-valid_from"))


def valid_until(tables: list[SocialInsuranceTable]) -> dict[int, date | None]:
    """Each version's last day: the day before the city's next version starts."""
    out: dict[int, date | None] = {}
    following: dict[str, date] = {}
    for t in sorted(tables, key=lambda x: (x.city, x.valid_from), reverse=True):
        nxt = following.get(t.city)
        out[t.id] = nxt - timedelta(days=1) if nxt else None
        following[t.city] = t.valid_from
    return out


@dataclass(frozen=True)
class ComponentInput:
    kind: ComponentKind
    name: str
    method: ComponentMethod
    amount: Decimal = ZERO
    rate: Decimal = ZERO


def _check_structure(effective_from: date, components: list[ComponentInput]) -> None:
    problems: list[FieldError] = []
    if effective_from.day != 1:
        problems.append(
            FieldError("From the first day of a month.", ErrorCode.INVALID, "effectiveFrom")
        )
    if not components:
        problems.append(FieldError("At least one component.", ErrorCode.REQUIRED, "components"))
    if sum(1 for c in components if c.kind is ComponentKind.BASE) > 1:
        problems.append(FieldError("One base at most.", ErrorCode.INVALID, "components"))
    for i, c in enumerate(components):
        where = f"components.{i}"
        if not c.name.strip() or len(c.name) > 64:
            problems.append(FieldError("A name of 1–64 characters.", ErrorCode.INVALID, where))
        if c.amount < 0 or c.rate < 0 or c.rate > 10:
            problems.append(FieldError("Not negative.", ErrorCode.INVALID, where))
        if c.method is ComponentMethod.EMPLOYEE_BASE and c.kind is not ComponentKind.BASE:
            problems.append(
                FieldError("Only the base is the employee's.", ErrorCode.INVALID, where)
            )
        if c.method is ComponentMethod.PERCENT_OF_BASE and c.kind is ComponentKind.BASE:
            problems.append(
                FieldError("The base is not a percent of itself.", ErrorCode.INVALID, where)
            )
    if problems:
        raise ServiceError(*problems)


async def _save_structure(
    viewer: Viewer,
    *,
    employee: Employee | None,
    position: Position | None,
    effective_from: date,
    components: list[ComponentInput],
    note: str,
) -> SalaryStructure:
    _check_structure(effective_from, components)
    async with in_transaction():
        # One structure per owner and date: saving again on the same date replaces it.
        await SalaryStructure.filter(
            employee_id=employee.id if employee else None,
            position_id=position.id if position else None,
            effective_from=effective_from,
        ).delete()
        structure = await SalaryStructure.create(
            employee=employee,
            position=position,
            effective_from=effective_from,
            note=note[:255],
            created_by_id=viewer.user_id,
        )
        await SalaryComponent.bulk_create(
            [
                SalaryComponent(
                    structure=structure,
                    order=i,
                    kind=c.kind,
                    name=c.name.strip(),
                    method=c.method,
                    amount=calc.fen(c.amount),
                    rate=c.rate,
                )
                for i, c in enumerate(components)
            ]
        )
        await audit.record_created(
            viewer,
            "SalaryStructure",
            structure.id,
            {"effective_from": effective_from, "components": len(components)},
            employee_id=employee.id if employee else None,
        )
    await structure.fetch_related("components")
    return structure


async def set_employee_structure(
    viewer: Viewer,
    employee_id: int,
    effective_from: date,
    components: list[ComponentInput],
    note: str = "",
) -> SalaryStructure:
    employee = await _managed_employee(viewer, employee_id)
    viewer.refuse_self(employee.id)
    structure = await _save_structure(
        viewer, employee=employee, position=None, effective_from=effective_from,
        components=components, note=note,
    )  # fmt: skip
    await staleness.mark_out_of_date(
        from_month=effective_from, message=staleness.SALARY, employee_ids=[employee.id],
        name=employee.name, month=staleness.month_text(effective_from),
    )  # fmt: skip
    return structure


async def set_position_structure(
    viewer: Viewer,
    position_id: int,
    effective_from: date,
    components: list[ComponentInput],
    note: str = "",
) -> SalaryStructure:
    """Company-wide pay of a position: HQ HR."""
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "HQ HR sets a position's pay.")
    position = await Position.get_or_none(id=position_id)
    if position is None:
        raise not_found("Position", "positionId")
    structure = await _save_structure(
        viewer, employee=None, position=position, effective_from=effective_from,
        components=components, note=note,
    )  # fmt: skip
    holders = await Employee.filter(position_id=position.id).values_list("id", flat=True)
    await staleness.mark_out_of_date(
        from_month=effective_from, message=staleness.POSITION_SALARY,
        employee_ids=[int(i) for i in holders], position=position.title,  # type: ignore[call-overload]
        month=staleness.month_text(effective_from),
    )  # fmt: skip
    return structure


async def add_special_deduction(
    viewer: Viewer,
    employee_id: int,
    *,
    kind: DeductionKind,
    valid_from: date,
    valid_to: date | None = None,
    count: int = 1,
    share: Decimal = Decimal(1),
    elderly_amount: Decimal | None = None,
    rent_class: RentCityClass | None = None,
    note: str = "",
) -> SpecialDeduction:
    employee = await _managed_employee(viewer, employee_id)
    problems: list[FieldError] = []
    if valid_from.day != 1 or (valid_to is not None and valid_to.day != 1):
        problems.append(FieldError("Months: their first day.", ErrorCode.INVALID, "validFrom"))
    if valid_to is not None and valid_to < valid_from:
        problems.append(FieldError("Not before the first month.", ErrorCode.INVALID, "validTo"))
    try:
        amount = calc.special_deduction_monthly(
            kind, count=count, share=share, elderly_amount=elderly_amount, rent_class=rent_class
        )
    except ValueError as exc:
        problems.append(FieldError(str(exc), ErrorCode.INVALID, "kind"))
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        deduction = await SpecialDeduction.create(
            employee=employee,
            kind=kind,
            monthly_amount=amount,
            count=count,
            share=share,
            rent_class=rent_class,
            valid_from=valid_from,
            valid_to=valid_to,
            note=note[:255],
        )
        await audit.record_created(
            viewer, "SpecialDeduction", deduction.id, {"kind": kind.value},
            employee_id=employee.id,
        )  # fmt: skip
        await staleness.mark_out_of_date(
            from_month=valid_from, message=staleness.DEDUCTION, employee_ids=[employee.id],
            name=employee.name, month=staleness.month_text(valid_from),
        )  # fmt: skip
    return deduction


async def _locked_month(employee_id: int, month: date) -> bool:
    return await Payslip.filter(
        employee_id=employee_id, month=month, run__status__in=list(LOCKED_STATUSES)
    ).exists()


async def add_item(
    viewer: Viewer,
    employee_id: int,
    *,
    month: date,
    kind: ItemKind,
    amount: Decimal,
    bonus_tax: BonusTaxMethod | None = None,
    corrects_month: date | None = None,
    note: str = "",
) -> PayrollItem:
    employee = await _managed_employee(viewer, employee_id)
    viewer.refuse_self(employee.id)
    problems: list[FieldError] = []
    if month.day != 1:
        problems.append(FieldError("A month: its first day.", ErrorCode.INVALID, "month"))
    if kind is not ItemKind.ADJUSTMENT and amount < 0:
        problems.append(FieldError("Not negative.", ErrorCode.INVALID, "amount"))
    if kind in (*HOUR_KINDS, *DAY_KINDS) and amount > 400:
        problems.append(FieldError("Too many.", ErrorCode.INVALID, "amount"))
    if kind is ItemKind.ANNUAL_BONUS and bonus_tax is None:
        problems.append(FieldError("Separately or merged?", ErrorCode.REQUIRED, "bonusTax"))
    if kind is ItemKind.ADJUSTMENT and (corrects_month is None or corrects_month >= month):
        problems.append(
            FieldError("The earlier month it corrects.", ErrorCode.REQUIRED, "correctsMonth")
        )
    if problems:
        raise ServiceError(*problems)
    if (
        kind is ItemKind.ANNUAL_BONUS
        and bonus_tax is BonusTaxMethod.SEPARATE
        and await PayrollItem.filter(
            employee_id=employee.id,
            kind=ItemKind.ANNUAL_BONUS,
            bonus_tax=BonusTaxMethod.SEPARATE,
            month__gte=date(month.year, 1, 1),
            month__lte=date(month.year, 12, 1),
        ).exists()
    ):
        # 财税〔2018〕164号: the separate method once a year.
        raise ServiceError.one(
            ErrorCode.DUPLICATE, "One annual bonus a year is taxed separately.", "bonusTax"
        )
    async with in_transaction():
        if await _locked_month(employee.id, month):
            raise ServiceError.one(
                ErrorCode.LOCKED,
                "The payroll of {month} is approved: add a correction to a later month.",
                "month",
                month=f"{month:%Y-%m}",
            )
        item = await PayrollItem.create(
            employee=employee,
            month=month,
            kind=kind,
            amount=calc.fen(amount),
            bonus_tax=bonus_tax if kind is ItemKind.ANNUAL_BONUS else None,
            corrects_month=corrects_month if kind is ItemKind.ADJUSTMENT else None,
            note=note[:255],
            created_by_id=viewer.user_id,
        )
        await audit.record_created(
            viewer, "PayrollItem", item.id,
            {"month": month, "kind": kind.value, "amount": item.amount},
            employee_id=employee.id,
        )  # fmt: skip
        await staleness.mark_out_of_date(
            from_month=month, message=staleness.ITEM, employee_ids=[employee.id],
            name=employee.name, month=staleness.month_text(month),
        )  # fmt: skip
    return item


# --- runs ---------------------------------------------------------------------------------------


def _add_months(month: date, n: int) -> date:
    m = month.month - 1 + n
    return date(month.year + m // 12, m % 12 + 1, 1)


def _month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])


async def create_run(viewer: Viewer, unit_id: int, month: date) -> PayrollRun:
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        raise not_found("Unit", "unitId")
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not run this unit's payroll.", "unitId"
        )
    if month.day != 1:
        raise ServiceError.one(ErrorCode.INVALID, "A month: its first day.", "month")
    async with in_transaction():
        if await PayrollRun.filter(unit_id=unit.id, month=month).exists():
            raise ServiceError.one(ErrorCode.DUPLICATE, "This month's run exists.", "month")
        overlapping = (
            await PayrollRun.filter(month=month)
            .filter(Q(unit__path__startswith=unit.path) | Q(unit_id__in=unit.ancestor_ids()))
            .exists()
        )
        if overlapping:
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                "A run of this month already pays part of this unit.",
                "unitId",
            )
        try:
            run = await PayrollRun.create(
                unit=unit, month=month, step="queued", created_by_id=viewer.user_id
            )
        except IntegrityError as exc:  # the same run started at the same moment
            raise ServiceError.one(
                ErrorCode.DUPLICATE, "This month's run exists.", "month"
            ) from exc
        await _enqueue(run.id)
    queue.notify()
    return run


async def _run_to_change(viewer: Viewer, run_id: int) -> PayrollRun:
    run = await get_run(viewer, run_id)
    if run is None:
        raise not_found("Payroll run", "id")
    return run


def _locked(run: PayrollRun) -> ServiceError:
    return ServiceError.one(
        ErrorCode.LOCKED,
        "The run is {status}: it cannot change; corrections go into a later month.",
        "id",
        status=run.status.value,
    )


async def _transition(
    viewer: Viewer,
    run: PayrollRun,
    expected: RunStatus,
    to: RunStatus,
    *,
    approved_by_id: int | None = None,
) -> bool:
    """Move the run from `expected` to `to` (the status is checked in the same statement that
    changes it: two clicks move it once), with its audit entry. False: it was not `expected`."""
    values: dict[str, object] = {"status": to}
    if to is RunStatus.APPROVED:
        values |= {"approved_by_id": approved_by_id, "approved_at": datetime.now(UTC)}
    if to is RunStatus.PAID:
        values["paid_at"] = datetime.now(UTC)
    changed = await PayrollRun.filter(id=run.id, status=expected, job_status=JobStatus.DONE).update(
        **values
    )
    if changed:
        await audit.record_changes(
            viewer, "PayrollRun", run.id, {"status": expected.value}, {"status": to.value}
        )
    return bool(changed)


def _refusal(run: PayrollRun, expected: RunStatus, to: RunStatus) -> ServiceError:
    """Why the run (as it is now) did not move from `expected` to `to`."""
    if run.status in LOCKED_STATUSES and not (
        run.status is RunStatus.APPROVED and to is RunStatus.PAID
    ):
        return _locked(run)
    if run.job_status is JobStatus.RUNNING:
        return ServiceError.one(ErrorCode.CONFLICT, "The run is still computing.", "id")
    if run.job_status is JobStatus.FAILED:
        return ServiceError.one(ErrorCode.INVALID, "The run failed: {error}", "id", error=run.error)
    return ServiceError.one(
        ErrorCode.INVALID,
        "The run is {status}, not {expected}.",
        "id",
        status=run.status.value,
        expected=expected.value,
    )


async def _move(viewer: Viewer, run_id: int, expected: RunStatus, to: RunStatus) -> PayrollRun:
    run = await _run_to_change(viewer, run_id)
    async with in_transaction():
        changed = await _transition(viewer, run, expected, to)
        await run.refresh_from_db()
        if not changed:
            raise _refusal(run, expected, to)
    return run


# --- approving a run (approvals/, request type PAYROLL_RUN) -------------------------------------
#
# Submitting a run for review submits an approval request on the run's unit, its amount the
# run's total gross pay (应发合计, what the payroll costs before the employees' contributions
# and tax), so a flow's "amount over" condition reads the size of the payroll. The flow's
# final approval approves the run (locking it), a rejection sends it back to draft. Without a
# configured flow: the branch head, then HQ HR (approvals.DEFAULT_PLANS); the HR who
# submitted it never approves it.


async def _submit_approval(
    viewer: Viewer, run: PayrollRun, requester_id: int | None
) -> ApprovalRequest:
    unit = await OrgUnit.get(id=run.unit_id)
    return await approvals.submit(
        viewer,
        RequestType.PAYROLL_RUN,
        run.id,
        unit=unit,
        employee_id=None,
        title=f"{unit.name} {run.month:%Y-%m}",  # the request type says what it is
        amount=run.gross,
        requester_id=requester_id,
    )


async def _run_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The engine's final decision on a run under review (inside its transaction)."""
    run = await PayrollRun.get_or_none(id=approval.subject_id).select_related("unit")
    if run is None or run.status is not RunStatus.REVIEW:
        return
    if not approved:
        await _transition(viewer, run, RunStatus.REVIEW, RunStatus.DRAFT)
        return
    await refuse_unapprovable(run)  # rolls the engine's decision back with it
    last = (
        await ApprovalEvent.filter(request_id=approval.id, kind=EventKind.APPROVED)
        .order_by("-id")
        .first()
    )
    await _transition(
        viewer,
        run,
        RunStatus.REVIEW,
        RunStatus.APPROVED,
        approved_by_id=last.actor_id if last is not None else viewer.user_id,
    )


async def _paid_by(approval: ApprovalRequest) -> list[int]:
    """Everyone the run pays: none of them approves it (docs/architecture.md, "Self-dealing")."""
    paid = await Payslip.filter(run_id=approval.subject_id).values_list("employee_id", flat=True)
    return [int(i) for i in paid]  # type: ignore[call-overload]


approvals.register_effect(RequestType.PAYROLL_RUN, _run_decided)
approvals.register_people(RequestType.PAYROLL_RUN, _paid_by)


async def _run_to_decide(viewer: Viewer, run_id: int) -> tuple[PayrollRun, bool]:
    """The run, for HR who run it or an approver of its request (who reads the request, not
    the run); and whether the viewer runs it. Anyone else: NOT_FOUND."""
    run = await get_run(viewer, run_id)
    if run is not None:
        return run, True
    approval = await approvals.request_for_subject(RequestType.PAYROLL_RUN, run_id)
    if approval is not None and await approvals.get_request(viewer, approval.id) is not None:
        found = await PayrollRun.get_or_none(id=run_id).select_related("unit")
        if found is not None:
            return found, False
    raise not_found("Payroll run", "id")


async def _pending_approval(viewer: Viewer, run: PayrollRun) -> ApprovalRequest | None:
    approval = await approvals.request_for_subject(RequestType.PAYROLL_RUN, run.id)
    if approval is not None and approval.status is ApprovalStatus.PENDING:
        return approval
    return None


async def submit_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """Draft → review, and its approval request submitted (approved at once when no stage
    finds an approver)."""
    run = await _run_to_change(viewer, run_id)
    if await staleness.is_out_of_date(run.id):
        raise ServiceError.one(
            ErrorCode.OUT_OF_DATE,
            "The run is out of date: recompute it before it is approved.",
            "id",
        )
    async with in_transaction():
        changed = await _transition(viewer, run, RunStatus.DRAFT, RunStatus.REVIEW)
        await run.refresh_from_db()
        if not changed:
            raise _refusal(run, RunStatus.DRAFT, RunStatus.REVIEW)
        await _submit_approval(viewer, run, viewer.user_id)
    await run.refresh_from_db()
    return run


async def return_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """Back to draft: an approver of the open stage rejects it, HR who run it withdraw it
    (its request cancelled)."""
    run, runs_it = await _run_to_decide(viewer, run_id)
    approval = await _pending_approval(viewer, run)
    if approval is not None and await approvals.holds_task(viewer, approval):
        await approvals.decide(viewer, approval.id, approve=False)
        await run.refresh_from_db()
        return run
    if not runs_it:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not decide this request.", "id")
    async with in_transaction():
        changed = await _transition(viewer, run, RunStatus.REVIEW, RunStatus.DRAFT)
        await run.refresh_from_db()
        if not changed:
            raise _refusal(run, RunStatus.REVIEW, RunStatus.DRAFT)
        await approvals.cancel(viewer, RequestType.PAYROLL_RUN, run.id)
    return run


async def refuse_unapprovable(run: PayrollRun) -> None:
    """A run is not approved while it is out of date (an input changed after it was computed)
    or while an earlier month of any of its people is still a draft or under review (that
    month's figures count toward this one's cumulative tax)."""
    if await staleness.is_out_of_date(run.id):
        raise ServiceError.one(
            ErrorCode.OUT_OF_DATE,
            "The run is out of date: recompute it before it is approved.",
            "id",
        )
    earlier = await staleness.earlier_open_month(run)
    if earlier is not None:
        raise ServiceError.one(
            ErrorCode.CONFLICT,
            "The payroll of {month} is not approved yet: approve it first.",
            "id",
            month=f"{earlier:%Y-%m}",
        )


async def approve_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """The viewer's approval of their task on the run's request; the flow's last approval
    approves the run (locked from then on)."""
    run, _ = await _run_to_decide(viewer, run_id)
    if run.status is not RunStatus.REVIEW or run.job_status is not JobStatus.DONE:
        raise _refusal(run, RunStatus.REVIEW, RunStatus.APPROVED)
    await refuse_unapprovable(run)
    approval = await _pending_approval(viewer, run)
    if approval is None:  # submitted before runs were approved on the engine: start it now
        async with in_transaction():
            approval = await _submit_approval(viewer, run, run.created_by_id)
        await run.refresh_from_db()
        if approval.status is not ApprovalStatus.PENDING:
            return run
    await approvals.decide(viewer, approval.id, approve=True)
    await run.refresh_from_db()
    return run


async def mark_paid(viewer: Viewer, run_id: int) -> PayrollRun:
    return await _move(viewer, run_id, RunStatus.APPROVED, RunStatus.PAID)


async def recompute_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """Compute a draft again in place (the job records what changed per person). A run under
    review that is out of date goes back to draft to be recomputed: its approval request, on
    the old figures, is cancelled, and HR submits it again."""
    run = await _run_to_change(viewer, run_id)
    if run.status in LOCKED_STATUSES:
        raise _locked(run)
    stale = await staleness.is_out_of_date(run.id)
    async with in_transaction():
        changed = await PayrollRun.filter(
            id=run.id,
            status__in=list(staleness.OPEN_STATUSES) if stale else [RunStatus.DRAFT],
            job_status__not=JobStatus.RUNNING,
        ).update(
            status=RunStatus.DRAFT, job_status=JobStatus.RUNNING, progress=0, step="queued",
            error="",
        )  # fmt: skip
        if changed:
            if run.status is RunStatus.REVIEW:
                await audit.record_changes(
                    viewer, "PayrollRun", run.id, {"status": RunStatus.REVIEW.value},
                    {"status": RunStatus.DRAFT.value},
                )  # fmt: skip
            # Its figures change: a request still open on the old ones is void.
            await approvals.cancel(viewer, RequestType.PAYROLL_RUN, run.id)
            await _enqueue(run.id)
    queue.notify()
    if not changed:
        await run.refresh_from_db()
        if run.job_status is JobStatus.RUNNING:
            raise ServiceError.one(ErrorCode.CONFLICT, "The run is already computing.", "id")
        raise ServiceError.one(ErrorCode.INVALID, "Only a draft is recomputed.", "id")
    await run.refresh_from_db()
    return run


# --- the job ------------------------------------------------------------------------------------


JOB_KIND = "payroll_run"
RUN_FAILED = N_("The run could not be computed.")  # stored in English, shown translated


async def _enqueue(run_id: int) -> None:
    """Queue the run's computing job (jobs/queue.py); a run recomputed reuses its job row."""
    again = await Job.filter(kind=JOB_KIND, subject_id=run_id).update(
        state=JobState.QUEUED, attempts=0, worker="", error="", claimed_at=None,
        heartbeat_at=None, finished_at=None,
    )  # fmt: skip
    if not again:
        await queue.enqueue(JOB_KIND, run_id)


async def give_up(run_id: int, message: str) -> None:
    """The queue gave the job up (its workers kept stopping): say so on the run."""
    await PayrollRun.filter(id=run_id, job_status=JobStatus.RUNNING).update(
        job_status=JobStatus.FAILED, error=message[:255], step="failed"
    )


async def _progress(run_id: int, percent: int, step: str) -> None:
    await PayrollRun.filter(id=run_id, job_status=JobStatus.RUNNING).update(
        progress=percent, step=step[:128]
    )


async def execute(run_id: int) -> None:
    """Compute every payslip of a draft run, then replace the old ones in one transaction:
    the same inputs give the same payslips, however often it runs (a worker that took over a
    lost one starts again). Run by a worker (jobs/worker.py)."""
    run = await PayrollRun.get(id=run_id).select_related("unit")
    if run.status is not RunStatus.DRAFT or run.job_status is not JobStatus.RUNNING:
        return  # a job left over for a run that moved on: nothing to do
    try:
        await _progress(run.id, 5, "loading")
        # The reasons it is out of date so far: this computation reads their inputs.
        taken_in = await staleness.last_reason_id(run.id)
        await work_calendar.refresh()  # another process may have changed it a moment ago
        figures = await _compute_all(run)
        await _progress(run.id, 80, "saving")
        async with in_transaction():
            current = await PayrollRun.get(id=run.id)
            if current.status is not RunStatus.DRAFT:
                raise PayrollError("The run left draft while it was computing.")
            before = await staleness.snapshot(run.id)
            await Payslip.filter(run_id=run.id).delete()
            totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
            for employee, (city, f) in figures.items():
                slip = await Payslip.create(
                    run_id=run.id,
                    employee_id=employee,
                    month=run.month,
                    city=city,
                    **{k: v for k, v in vars(f).items() if k != "lines"},
                )
                await PayslipLine.bulk_create(
                    [
                        PayslipLine(payslip_id=slip.id, order=i, **vars(line))
                        for i, line in enumerate(f.lines)
                    ]
                )
                totals["gross"] += f.gross
                totals["employee_contributions"] += f.employee_contributions
                totals["tax"] += f.tax + f.bonus_tax
                totals["deductions"] += f.deductions
                totals["net"] += f.net
                totals["employer_contributions"] += f.employer_contributions
            after = await staleness.snapshot(run.id)
            changes = staleness.changes_between(before, after)
            await staleness.clear_taken_in(run.id, taken_in)
            if changes and run.month.month < 12:  # later months count them toward their tax
                await staleness.mark_out_of_date(
                    from_month=_add_months(run.month, 1), message=staleness.EARLIER,
                    employee_ids=[c["employee_id"] for c in changes],
                    month=staleness.month_text(run.month),
                )  # fmt: skip
            await PayrollRun.filter(id=run.id).update(
                changes=changes if before else None,
                headcount=len(figures),
                job_status=JobStatus.DONE,
                progress=100,
                step="done",
                error="",
                computed_at=datetime.now(UTC),
                **{
                    k: totals[k]
                    for k in (
                        "gross",
                        "employee_contributions",
                        "tax",
                        "deductions",
                        "net",
                        "employer_contributions",
                    )
                },
            )
    except PayrollError as exc:
        await PayrollRun.filter(id=run.id).update(
            job_status=JobStatus.FAILED, error=str(exc)[:255], step="failed"
        )
    except Exception:
        log.exception("payroll run %s failed", run.id)
        await PayrollRun.filter(id=run.id).update(
            job_status=JobStatus.FAILED, error=RUN_FAILED, step="failed"
        )


async def _compute_all(run: PayrollRun) -> dict[int, tuple[str, Figures]]:
    month, unit = run.month, run.unit
    year_start = date(month.year, 1, 1)
    already_paid = Payslip.filter(month=month, run_id__not=run.id).values_list(
        "employee_id", flat=True
    )
    employees = (
        await Employee.filter(
            unit__path__startswith=unit.path,
            hire_date__lte=_month_end(month),
        )
        .filter(Q(termination_date__isnull=True) | Q(termination_date__gte=month))
        .exclude(id__in=[pk for pk in await already_paid])
        .select_related("unit")
        .order_by("employee_number")
    )
    ids = [e.id for e in employees]
    cities = await _cities(unit, employees)
    tables = await _tables(set(cities.values()), month)
    tax = await tax_table_for(month)
    structures = await _structures(employees, month)
    suspensions = await _suspensions(month)
    attendance = await attendance_figures(ids, month)
    items: dict[int, list[Item]] = defaultdict(list)
    for it in await PayrollItem.filter(
        employee_id__in=ids, month=month, kind__not_in=[*HOUR_KINDS, *DAY_KINDS]
    ).order_by("id"):
        items[it.employee_id].append(
            Item(it.kind, it.amount, it.bonus_tax, it.corrects_month, it.note)
        )
    prior = await _prior(ids, year_start, month)
    additional = await _additional(employees, month)
    await _progress(run.id, 20, "computing")

    out: dict[int, tuple[str, Figures]] = {}
    for n, e in enumerate(employees, start=1):
        structure, since = structures.get(e.id, (None, None))
        city = cities.get(e.id, "")
        inputs = PayInputs(
            month=month,
            hire_date=e.hire_date,
            base_salary=e.base_salary,
            structure=structure,
            structure_from=since,
            table=tables.get(city),
            city=city,
            tax=tax,
            suspension=_suspension_for(suspensions, e.unit.path, month),
            attendance=attendance[e.id],
            items=items[e.id],
            cumulative_additional=additional[e.id],
            prior=prior.get(e.id, Prior()),
        )
        try:
            out[e.id] = (city, compute(inputs))
        except PayrollError as exc:
            raise PayrollError(
                "Employee {number} {name}: {error}",
                number=e.employee_number,
                name=e.name,
                error=str(exc),
            ) from exc
        if n % 50 == 0:
            await _progress(run.id, 20 + 60 * n // len(employees), "computing")
    return out


async def _cities(unit: OrgUnit, employees: list[Employee]) -> dict[int, str]:
    """Each employee's city: their unit's, else the nearest unit above with one."""
    ids = set(unit.ancestor_ids())
    for e in employees:
        ids |= set(e.unit.ancestor_ids()) | {e.unit.id}
    by_id = {u.id: u for u in await OrgUnit.filter(id__in=sorted(ids))}
    found: dict[int, str] = {}
    for e in employees:
        chain = [*e.unit.ancestor_ids(), e.unit.id][::-1]
        found[e.id] = next((c for i in chain if i in by_id and (c := by_id[i].city)), "")
    return found


async def _tables(cities: set[str], month: date) -> dict[str, CityTable]:
    tables: dict[str, CityTable] = {}
    rows = (
        await SocialInsuranceTable.filter(city__in=sorted(cities), valid_from__lte=month)
        .prefetch_related("rates")
        .order_by("city", "-valid_from")
    )
    for t in rows:
        if t.city in tables:
            continue  # the latest in force
        tables[t.city] = to_city_table(t)
    return tables


async def tax_table_for(month: date) -> TaxTable | None:
    """The income-tax table in force in the month: the latest from its first day or before."""
    row = await IncomeTaxTable.filter(valid_from__lte=month).order_by("-valid_from").first()
    return to_tax_table(row) if row else None


def to_tax_table(t: IncomeTaxTable) -> TaxTable:
    def rows(brackets: list[dict[str, str | None]]) -> tuple[Bracket, ...]:
        return tuple(
            Bracket(
                Decimal(b["upper"]) if b["upper"] is not None else None,
                Decimal(str(b["rate"])),
                Decimal(str(b["quick_deduction"])),
            )
            for b in brackets
        )

    return TaxTable(t.valid_from, Decimal(t.basic_deduction), rows(t.brackets),
                    rows(t.bonus_brackets))  # fmt: skip


def to_city_table(t: SocialInsuranceTable) -> CityTable:
    return CityTable(
        city=t.city,
        valid_from=t.valid_from,
        base_floor=t.base_floor,
        base_ceiling=t.base_ceiling,
        fund_floor=t.fund_floor,
        fund_ceiling=t.fund_ceiling,
        rates=tuple(
            Rate(r.component, r.employee_rate, r.employer_rate, r.employee_fixed)
            for r in sorted(t.rates, key=lambda r: list(calc.Component).index(r.component))
        ),
        rounding=Rounding(Decimal(t.rounding_quantum), t.rounding_mode),
        fund_rounding=Rounding(Decimal(t.fund_rounding_quantum), t.fund_rounding_mode),
    )


async def _structures(
    employees: list[Employee], month: date
) -> dict[int, tuple[list[StructureLine], date]]:
    """The structure in force: the employee's own, else their position's (latest first)."""
    ids = [e.id for e in employees]
    positions = sorted({e.position_id for e in employees if e.position_id is not None})
    rows = (
        await SalaryStructure.filter(effective_from__lte=month)
        .filter(Q(employee_id__in=ids) | Q(position_id__in=positions))
        .prefetch_related("components")
        .order_by("-effective_from", "-id")
    )
    own: dict[int, SalaryStructure] = {}
    of_position: dict[int, SalaryStructure] = {}
    for s in rows:
        if s.employee_id is not None:
            own.setdefault(s.employee_id, s)
        elif s.position_id is not None:
            of_position.setdefault(s.position_id, s)
    found: dict[int, tuple[list[StructureLine], date]] = {}
    for e in employees:
        chosen = own.get(e.id) or (of_position.get(e.position_id) if e.position_id else None)
        if chosen is not None:
            lines = [
                StructureLine(c.kind, c.name, c.method, c.amount, c.rate)
                for c in sorted(chosen.components, key=lambda c: (c.order, c.id))
            ]
            found[e.id] = (lines, chosen.effective_from)
    return found


@dataclass(frozen=True)
class _Suspended:
    path: str
    since: date
    until: date | None  # restored from
    unit_name: str
    reason: str


async def _suspensions(month: date) -> list[_Suspended]:
    rows = await PaySuspension.filter(suspended_from__lte=month).select_related("unit")
    return [
        _Suspended(
            s.unit.path,
            s.suspended_from,
            s.restored_from if s.status is SuspensionStatus.RESTORED else None,
            s.unit.name,
            s.reason,
        )
        for s in rows
    ]


def _suspension_for(found: list[_Suspended], path: str, month: date) -> Suspension | None:
    """A suspension of the employee's unit or one above, in force this month."""
    for s in sorted(found, key=lambda s: s.since):
        if path.startswith(s.path) and s.since <= month and (s.until is None or month < s.until):
            return Suspension(s.unit_name, s.since, s.reason)
    return None


async def _prior(ids: list[int], year_start: date, month: date) -> dict[int, Prior]:
    """This year's payslips before the month, whatever their run's status: the months employed
    count every month, so the income and tax withheld before must count the same months (a
    draft January counts with its figures; February is not approved before January is, and
    January recomputed marks February out of date)."""
    rows = await Payslip.filter(
        employee_id__in=ids,
        month__gte=year_start,
        month__lt=month,
    ).order_by("month")
    found: dict[int, Prior] = {}
    for p in rows:
        before = found.get(p.employee_id, Prior())
        found[p.employee_id] = Prior(
            income=before.income + p.income,
            special=before.special + p.employee_contributions,
            additional=p.cumulative_additional,
            tax=before.tax + p.tax,
        )
    return found


async def _additional(employees: list[Employee], month: date) -> dict[int, Decimal]:
    """累计专项附加扣除 through this month: each month employed here this year, the
    deductions in force in it (a deduction declared late counts from its first month)."""
    ids = [e.id for e in employees]
    by_employee: dict[int, list[SpecialDeduction]] = defaultdict(list)
    for d in await SpecialDeduction.filter(employee_id__in=ids, valid_from__lte=month).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=date(month.year, 1, 1))
    ):
        by_employee[d.employee_id].append(d)
    found: dict[int, Decimal] = {}
    for e in employees:
        months = calc.months_employed(month.year, month.month, e.hire_date)
        total = ZERO
        for k in range(months):
            m = _add_months(month, -k)
            total += sum(
                (
                    d.monthly_amount
                    for d in by_employee[e.id]
                    if d.valid_from <= m and (d.valid_to is None or m <= d.valid_to)
                ),
                ZERO,
            )
        found[e.id] = total
    return found


async def previous_nets(viewer: Viewer, payslip_ids: list[int]) -> dict[int, Decimal]:
    """Each payslip's employee's net of the month before, where the viewer reads that too."""
    slips = await Payslip.filter(id__in=payslip_ids).values("id", "employee_id", "month")
    wanted = {(s["employee_id"], _add_months(s["month"], -1)): s["id"] for s in slips}
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
