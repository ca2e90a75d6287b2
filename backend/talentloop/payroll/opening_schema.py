"""GraphQL of the opening payroll figures (payroll/openings.py, issue 22): the `PayrollOpening`
type, `payrollOpenings` for HR in charge, `setPayrollOpening` and `removePayrollOpening`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import pk_of, require_pk, to_global_id
from talentloop.graphql.node import Node, register_node
from talentloop.graphql.pagination import Connection, connection_of
from talentloop.graphql.refs import employee_node
from talentloop.payroll import openings
from talentloop.payroll.models import PayrollOpening
from talentloop.payroll.months import add_months

if TYPE_CHECKING:
    from talentloop.people.types import EmployeeNode

EmployeeRef = Annotated["EmployeeNode", strawberry.lazy("talentloop.people.types")]


@strawberry.type(
    name="PayrollOpening",
    description="A person's payroll figures of a tax year paid by the previous system, January "
    "through lastMonth: the cumulative withholding of the months after starts from them.",
)
class PayrollOpeningNode(Node):
    _m: strawberry.Private[PayrollOpening]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("PayrollOpening", self._m.id))

    @strawberry.field(description="The employee.")
    async def employee(self, info: Info) -> EmployeeRef | None:
        return await employee_node(info, self._m.employee_id)

    @strawberry.field(description="The tax year.")
    def year(self) -> int:
        return self._m.year

    @strawberry.field(description="The last month the previous system paid (1–11).")
    def last_month(self) -> int:
        return self._m.last_month

    @strawberry.field(description="The first month TalentLoop pays (the month after lastMonth).")
    def cut_over_month(self) -> date:
        return add_months(date(self._m.year, self._m.last_month, 1), 1)

    @strawberry.field(description="任职受雇月份数 through lastMonth (for the basic deduction).")
    def months_employed(self) -> int:
        return self._m.months_employed

    @strawberry.field(description="累计收入: wages through lastMonth.")
    def income(self) -> Decimal:
        return self._m.income

    @strawberry.field(description="累计专项扣除: the employee's social insurance and housing fund.")
    def contributions(self) -> Decimal:
        return self._m.contributions

    @strawberry.field(description="累计专项附加扣除.")
    def special_additional(self) -> Decimal:
        return self._m.special_additional

    @strawberry.field(description="累计依法确定的其他扣除 (enterprise annuity, …).")
    def other_deductions(self) -> Decimal:
        return self._m.other_deductions

    @strawberry.field(description="累计已预扣预缴税额: tax withheld on wages through lastMonth.")
    def tax(self) -> Decimal:
        return self._m.tax

    @strawberry.field(description="A note (where the figures come from).")
    def note(self) -> str:
        return self._m.note

    @strawberry.field(description="Last set (UTC).")
    def updated_at(self) -> datetime:
        return self._m.updated_at


@strawberry.type
class PayrollOpeningQuery:
    @strawberry.field(
        description="Opening payroll figures of a tax year (HR in charge of the people's "
        "units), by id."
    )
    async def payroll_openings(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The tax year.")],
        unit_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="At or under this unit.")
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[PayrollOpeningNode]:
        unit_pk = None if unit_id is None else (pk_of(unit_id, "OrgUnit") or -1)  # -1: nothing
        found = await openings.list_openings(info.context.viewer, year, unit_pk)
        return await connection_of(
            found, lambda o: PayrollOpeningNode(_m=o), first=first, after=after
        )


@strawberry.input(description="A person's opening payroll figures of a tax year.")
class SetPayrollOpeningInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    year: int = strawberry.field(description="The tax year.")
    last_month: int = strawberry.field(description="The last month the previous system paid.")
    months_employed: int = strawberry.field(description="Months employed through it (0–lastMonth).")
    income: Decimal = strawberry.field(description="累计收入 (CNY).")
    contributions: Decimal = strawberry.field(description="累计专项扣除 (CNY).")
    special_additional: Decimal = strawberry.field(description="累计专项附加扣除 (CNY).")
    tax: Decimal = strawberry.field(description="累计已预扣预缴税额 (CNY).")
    other_deductions: Decimal = strawberry.field(
        default=Decimal(0), description="累计依法确定的其他扣除 (CNY)."
    )
    note: str = strawberry.field(default="", description="A note.")


@strawberry.input(description="Whose opening of which year to remove.")
class RemovePayrollOpeningInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    year: int = strawberry.field(description="The tax year.")


@strawberry.type(description="The opening as saved, or the errors that stopped it.")
class PayrollOpeningPayload:
    opening: PayrollOpeningNode | None = strawberry.field(description="The opening.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type(description="Whether it was removed, or the errors that stopped it.")
class RemovePayrollOpeningPayload:
    ok: bool = strawberry.field(description="True when it was removed.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type
class PayrollOpeningMutation:
    @strawberry.mutation(
        description="Set (create or update) a person's opening payroll figures of a year (HR "
        "in charge, never about oneself); marks that year's open runs out of date."
    )
    async def set_payroll_opening(
        self, info: Info, input: SetPayrollOpeningInput
    ) -> PayrollOpeningPayload:
        try:
            saved = await openings.set_opening(
                info.context.viewer,
                openings.OpeningInput(
                    employee_id=require_pk(input.employee_id, "Employee", "employeeId"),
                    year=input.year,
                    last_month=input.last_month,
                    months_employed=input.months_employed,
                    income=input.income,
                    contributions=input.contributions,
                    special_additional=input.special_additional,
                    tax=input.tax,
                    other_deductions=input.other_deductions,
                    note=input.note,
                ),
            )
        except ServiceError as exc:
            return PayrollOpeningPayload(opening=None, errors=mutation_errors(exc))
        return PayrollOpeningPayload(opening=PayrollOpeningNode(_m=saved), errors=[])

    @strawberry.mutation(
        description="Remove a person's opening payroll figures of a year (HR in charge, never "
        "about oneself); marks that year's open runs out of date."
    )
    async def remove_payroll_opening(
        self, info: Info, input: RemovePayrollOpeningInput
    ) -> RemovePayrollOpeningPayload:
        try:
            await openings.remove_opening(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                input.year,
            )
        except ServiceError as exc:
            return RemovePayrollOpeningPayload(ok=False, errors=mutation_errors(exc))
        return RemovePayrollOpeningPayload(ok=True, errors=[])


async def _opening_node(info: Info, pk: int) -> PayrollOpeningNode | None:
    found = await openings.get_opening(info.context.viewer, pk)
    return PayrollOpeningNode(_m=found) if found else None


register_node("PayrollOpening", _opening_node, PayrollOpening)
