"""What HR enters for pay: salary structures (per employee or position, effective-dated), special
additional deductions and a month's items; the city and income-tax tables as payroll reads them.
Nobody sets their own salary structure or adds items to their own pay. Each change marks the open
runs it reaches out of date (payroll/inputs.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.payroll import calc, inputs
from talentloop.payroll.calc import (
    ZERO,
    DeductionKind,
    RentCityClass,
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
    PayrollItem,
    Payslip,
    SalaryComponent,
    SalaryStructure,
    SocialInsuranceTable,
    SpecialDeduction,
)
from talentloop.payroll.reads import managed_employee, pay_employee
from talentloop.people.models import Employee, Position

# --- salary structures, deductions, items -------------------------------------------------------


@dataclass
class EmployeePay:
    employee: Employee
    structures: list[SalaryStructure]
    deductions: list[SpecialDeduction]
    items: list[PayrollItem]


async def employee_pay(viewer: Viewer, employee_id: int, month: date | None) -> EmployeePay | None:
    employee = await pay_employee(viewer, employee_id)
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
    employee = await managed_employee(viewer, employee_id)
    viewer.refuse_self(employee.id)
    structure = await _save_structure(
        viewer, employee=employee, position=None, effective_from=effective_from,
        components=components, note=note,
    )  # fmt: skip
    await inputs.salary_structure_set(employee, effective_from)
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
    await inputs.position_structure_set(position, effective_from)
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
    employee = await managed_employee(viewer, employee_id)
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
        await inputs.deduction_declared(employee, valid_from)
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
    employee = await managed_employee(viewer, employee_id)
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
        await inputs.item_added(employee, month)
    return item
