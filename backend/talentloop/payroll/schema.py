"""Root fields and mutations of payroll: runs, payslips, salary structures, deductions, items."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.payroll import service
from talentloop.payroll.calc import DeductionKind, RentCityClass
from talentloop.payroll.models import (
    BonusTaxMethod,
    ComponentKind,
    ComponentMethod,
    ItemKind,
    PayrollRun,
    Payslip,
)
from talentloop.payroll.types import (
    EmployeePay,
    IncomeTaxTableInfo,
    PayrollItemInfo,
    PayrollRunNode,
    PayslipNode,
    SalaryStructureInfo,
    SocialInsuranceTableInfo,
    SpecialDeductionInfo,
)


@strawberry.type
class PayrollQuery:
    @strawberry.field(
        description="Payroll runs the viewer runs (HR of the unit's branch, HQ HR), latest first."
    )
    async def payroll_runs(
        self,
        info: Info,
        unit_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="At or under this unit.")
        ] = None,
        month: Annotated[date | None, strawberry.argument(description="This month.")] = None,
    ) -> list[PayrollRunNode]:
        unit_pk = pk_of(unit_id, "OrgUnit") if unit_id is not None else None
        if unit_id is not None and unit_pk is None:
            return []
        runs = await service.list_runs(info.context.viewer, unit_pk, month)
        return [PayrollRunNode(_m=r) for r in runs]

    @strawberry.field(description="A payroll run; null when missing or not the viewer's to run.")
    async def payroll_run(self, info: Info, id: strawberry.ID) -> PayrollRunNode | None:
        run = await service.get_run(info.context.viewer, pk_of(id, "PayrollRun") or -1)
        return PayrollRunNode(_m=run) if run else None

    @strawberry.field(description="The viewer's own payslips of approved runs, latest first.")
    async def my_payslips(self, info: Info) -> list[PayslipNode]:
        return [PayslipNode(_m=p) for p in await service.my_payslips(info.context.viewer)]

    @strawberry.field(
        description="One employee's salary structures, special additional deductions and items: "
        "for themself and HR in scope; null for anyone else."
    )
    async def employee_pay(
        self,
        info: Info,
        employee_id: strawberry.ID,
        month: Annotated[
            date | None, strawberry.argument(description="Items of this month only.")
        ] = None,
    ) -> EmployeePay | None:
        pk = pk_of(employee_id, "Employee")
        found = await service.employee_pay(info.context.viewer, pk or -1, month)
        return EmployeePay(_p=found) if found else None

    @strawberry.field(description="Salary structures of positions (HR).")
    async def position_salary_structures(self, info: Info) -> list[SalaryStructureInfo]:
        found = await service.position_structures(info.context.viewer)
        return [SalaryStructureInfo(_m=s) for s in found]

    @strawberry.field(description="Social insurance and housing fund tables per city (HR).")
    async def social_insurance_tables(self, info: Info) -> list[SocialInsuranceTableInfo]:
        found = await service.social_insurance_tables(info.context.viewer)
        until = service.valid_until(found)
        return [SocialInsuranceTableInfo(_m=t, _until=until[t.id]) for t in found]

    @strawberry.field(description="Income-tax tables, latest first (HR).")
    async def income_tax_tables(self, info: Info) -> list[IncomeTaxTableInfo]:
        found = await service.income_tax_tables(info.context.viewer)
        # latest first: each one's last day is the day before the one above it
        return [
            IncomeTaxTableInfo(
                _m=t, _until=found[i - 1].valid_from - timedelta(days=1) if i else None
            )
            for i, t in enumerate(found)
        ]


@strawberry.input(description="One component of a salary structure.")
class SalaryComponentInput:
    kind: ComponentKind = strawberry.field(description="Base, allowance, performance…")
    name: str = strawberry.field(description="As on the payslip.")
    method: ComponentMethod = strawberry.field(description="Fixed, percent of base, the record's.")
    amount: Decimal = strawberry.field(default=Decimal(0), description="CNY a month (fixed).")
    rate: Decimal = strawberry.field(default=Decimal(0), description="Of the base (0.2 = 20 %).")


def _components(items: list[SalaryComponentInput]) -> list[service.ComponentInput]:
    return [service.ComponentInput(c.kind, c.name, c.method, c.amount, c.rate) for c in items]


@strawberry.input(description="An employee's own salary structure from a month (HR in scope).")
class SetEmployeeSalaryStructureInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    effective_from: date = strawberry.field(description="First month (its first day).")
    components: list[SalaryComponentInput] = strawberry.field(description="In order.")
    note: str = strawberry.field(default="", description="A note.")


@strawberry.input(description="A position's salary structure from a month (HQ HR).")
class SetPositionSalaryStructureInput:
    position_id: strawberry.ID = strawberry.field(description="The position.")
    effective_from: date = strawberry.field(description="First month (its first day).")
    components: list[SalaryComponentInput] = strawberry.field(description="In order.")
    note: str = strawberry.field(default="", description="A note.")


@strawberry.type(description="The structure as saved, or the errors that stopped it.")
class SalaryStructurePayload:
    structure: SalaryStructureInfo | None = strawberry.field(description="The structure.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A special additional deduction an employee declared.")
class AddSpecialDeductionInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    kind: DeductionKind = strawberry.field(description="Which.")
    valid_from: date = strawberry.field(description="First month.")
    valid_to: date | None = strawberry.field(default=None, description="Last month; null: open.")
    count: int = strawberry.field(default=1, description="Children.")
    share: Decimal = strawberry.field(default=Decimal(1), description="0.5 or 1.")
    elderly_amount: Decimal | None = strawberry.field(
        default=None, description="Elderly support shared with siblings: this one's part (≤ 1,500)."
    )
    rent_class: RentCityClass | None = strawberry.field(default=None, description="For rent.")
    note: str = strawberry.field(default="", description="A note.")


@strawberry.type(description="The deduction as saved, or the errors that stopped it.")
class SpecialDeductionPayload:
    deduction: SpecialDeductionInfo | None = strawberry.field(description="The deduction.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A one-off figure of an employee's month.")
class AddPayrollItemInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    month: date = strawberry.field(description="The month it is paid in (its first day).")
    kind: ItemKind = strawberry.field(description="Which.")
    amount: Decimal = strawberry.field(description="CNY, or hours / days.")
    bonus_tax: BonusTaxMethod | None = strawberry.field(
        default=None, description="An annual bonus: taxed separately or merged."
    )
    corrects_month: date | None = strawberry.field(
        default=None, description="An adjustment: the earlier month it corrects."
    )
    note: str = strawberry.field(default="", description="A note.")


@strawberry.type(description="The item as saved, or the errors that stopped it.")
class PayrollItemPayload:
    item: PayrollItemInfo | None = strawberry.field(description="The item.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="A unit's payroll for a month.")
class CreatePayrollRunInput:
    unit_id: strawberry.ID = strawberry.field(description="The unit (and everything under it).")
    month: date = strawberry.field(description="The month (its first day).")


@strawberry.type(description="The run, or the errors that stopped it.")
class PayrollRunPayload:
    run: PayrollRunNode | None = strawberry.field(
        description="Follow payrollRun(id) until its jobStatus is DONE; null to an approver who "
        "does not run payroll (they read the approval request, not the run)."
    )
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


async def _run_payload(action: object, info: Info, id: strawberry.ID) -> PayrollRunPayload:
    try:
        run = await action(info.context.viewer, require_pk(id, "PayrollRun", "id"))  # type: ignore[operator]
    except ServiceError as exc:
        return PayrollRunPayload(run=None, errors=mutation_errors(exc))
    # An approver outside payroll decided it through its approval request: no run for them.
    shown = await service.get_run(info.context.viewer, run.id)
    return PayrollRunPayload(run=PayrollRunNode(_m=shown) if shown else None, errors=[])


@strawberry.type
class PayrollMutation:
    @strawberry.mutation(description="Set an employee's own salary structure (HR in scope).")
    async def set_employee_salary_structure(
        self, info: Info, input: SetEmployeeSalaryStructureInput
    ) -> SalaryStructurePayload:
        try:
            s = await service.set_employee_structure(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                input.effective_from,
                _components(input.components),
                input.note,
            )
        except ServiceError as exc:
            return SalaryStructurePayload(structure=None, errors=mutation_errors(exc))
        return SalaryStructurePayload(structure=SalaryStructureInfo(_m=s), errors=[])

    @strawberry.mutation(description="Set a position's salary structure (HQ HR).")
    async def set_position_salary_structure(
        self, info: Info, input: SetPositionSalaryStructureInput
    ) -> SalaryStructurePayload:
        try:
            s = await service.set_position_structure(
                info.context.viewer,
                require_pk(input.position_id, "Position", "positionId"),
                input.effective_from,
                _components(input.components),
                input.note,
            )
            await s.fetch_related("position")
        except ServiceError as exc:
            return SalaryStructurePayload(structure=None, errors=mutation_errors(exc))
        return SalaryStructurePayload(structure=SalaryStructureInfo(_m=s), errors=[])

    @strawberry.mutation(description="Record a special additional deduction (HR in scope).")
    async def add_special_deduction(
        self, info: Info, input: AddSpecialDeductionInput
    ) -> SpecialDeductionPayload:
        try:
            d = await service.add_special_deduction(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                kind=input.kind,
                valid_from=input.valid_from,
                valid_to=input.valid_to,
                count=input.count,
                share=input.share,
                elderly_amount=input.elderly_amount,
                rent_class=input.rent_class,
                note=input.note,
            )
        except ServiceError as exc:
            return SpecialDeductionPayload(deduction=None, errors=mutation_errors(exc))
        return SpecialDeductionPayload(deduction=SpecialDeductionInfo(_m=d), errors=[])

    @strawberry.mutation(
        description="Add a bonus, deduction, correction, overtime or unpaid days to a month "
        "(HR in scope); LOCKED when that month's run is approved."
    )
    async def add_payroll_item(self, info: Info, input: AddPayrollItemInput) -> PayrollItemPayload:
        try:
            item = await service.add_item(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                month=input.month,
                kind=input.kind,
                amount=input.amount,
                bonus_tax=input.bonus_tax,
                corrects_month=input.corrects_month,
                note=input.note,
            )
        except ServiceError as exc:
            return PayrollItemPayload(item=None, errors=mutation_errors(exc))
        return PayrollItemPayload(item=PayrollItemInfo(_m=item), errors=[])

    @strawberry.mutation(
        description="Start a unit's payroll for a month: a draft, computed in the background."
    )
    async def create_payroll_run(
        self, info: Info, input: CreatePayrollRunInput
    ) -> PayrollRunPayload:
        try:
            run = await service.create_run(
                info.context.viewer, require_pk(input.unit_id, "OrgUnit", "unitId"), input.month
            )
        except ServiceError as exc:
            return PayrollRunPayload(run=None, errors=mutation_errors(exc))
        return PayrollRunPayload(run=PayrollRunNode(_m=run), errors=[])

    @strawberry.mutation(description="Compute a draft again (the same inputs, the same payslips).")
    async def recompute_payroll_run(self, info: Info, id: strawberry.ID) -> PayrollRunPayload:
        return await _run_payload(service.recompute_run, info, id)

    @strawberry.mutation(
        description="Send a computed draft for review: an approval request on its flow (default: "
        "the branch head, then HQ HR), its amount the run's gross pay."
    )
    async def submit_payroll_run(self, info: Info, id: strawberry.ID) -> PayrollRunPayload:
        return await _run_payload(service.submit_run, info, id)

    @strawberry.mutation(
        description="Send a run under review back to draft: an approver of the open stage "
        "rejects it, HR who run it withdraw its request."
    )
    async def return_payroll_run(self, info: Info, id: strawberry.ID) -> PayrollRunPayload:
        return await _run_payload(service.return_run, info, id)

    @strawberry.mutation(
        description="Approve the viewer's task on a run under review (an approver of the open "
        "stage, or their delegate); the flow's last approval locks the run."
    )
    async def approve_payroll_run(self, info: Info, id: strawberry.ID) -> PayrollRunPayload:
        return await _run_payload(service.approve_run, info, id)

    @strawberry.mutation(description="Record that an approved run was paid.")
    async def mark_payroll_run_paid(self, info: Info, id: strawberry.ID) -> PayrollRunPayload:
        return await _run_payload(service.mark_paid, info, id)


async def _run_node(info: Info, pk: int) -> PayrollRunNode | None:
    run = await service.get_run(info.context.viewer, pk)
    return PayrollRunNode(_m=run) if run else None


async def _payslip_node(info: Info, pk: int) -> PayslipNode | None:
    slip = await service.get_payslip(info.context.viewer, pk)
    return PayslipNode(_m=slip) if slip else None


register_node("PayrollRun", _run_node, PayrollRun)
register_node("Payslip", _payslip_node, Payslip)
