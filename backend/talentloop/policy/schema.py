"""The GraphQL side of policy data: the work calendar's year view and its entered days, and
new versions of a city's social-insurance table. Rules in policy/service.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from talentloop.attendance import calendar
from talentloop.attendance.calendar import DayKind, DaySource, YearStatus
from talentloop.attendance.models import CalendarSource
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, PublicError, mutation_errors
from talentloop.payroll.calc import Bracket, Component, RoundingMode
from talentloop.payroll.types import IncomeTaxTableInfo, SocialInsuranceTableInfo
from talentloop.policy import service

strawberry.enum(YearStatus, name="WorkCalendarYearStatus", description="Where a year's calendar comes from.")  # fmt: skip
strawberry.enum(DaySource, name="WorkCalendarSource", description="Where a day's kind comes from.")  # fmt: skip
strawberry.enum(CalendarSource, name="CalendarEntrySource", description="Which days HQ HR enters.")  # fmt: skip


@strawberry.type(
    description="A day of the work calendar that differs from its weekday, or was entered."
)
class WorkCalendarEntry:
    date: date = strawberry.field(description="The day.")
    kind: DayKind = strawberry.field(description="What it is.")
    source: DaySource = strawberry.field(description="Where that comes from (the last source wins).")  # fmt: skip
    name: str = strawberry.field(description="The holiday's name, if any.")
    note: str = strawberry.field(description="Why (a company day).")
    make_up_workday: bool = strawberry.field(description="A weekend day worked by 调休.")


@strawberry.type(description="A year of the work calendar.")
class WorkCalendarYear:
    year: int = strawberry.field(description="The year.")
    status: YearStatus = strawberry.field(
        description="PACKAGE or ENTERED; MISSING: no notice for the year yet, weekdays count as workdays."
    )
    days: list[WorkCalendarEntry] = strawberry.field(description="Its special days.")
    can_edit: bool = strawberry.field(description="Whether the viewer may enter days (HQ HR).")


def _entry(d: calendar.Day) -> WorkCalendarEntry:
    return WorkCalendarEntry(
        date=d.day, kind=d.kind, source=d.source, name=d.name, note=d.note,
        make_up_workday=d.make_up_workday,
    )  # fmt: skip


@strawberry.type
class PolicyQuery:
    @strawberry.field(description="A year of the work calendar: where it comes from and its special days (anyone signed in).")  # fmt: skip
    def work_calendar_year(self, info: Info, year: int) -> WorkCalendarYear | None:
        viewer = info.context.viewer
        if not viewer.is_authenticated:
            return None
        if not 2000 <= year <= 2100:
            raise PublicError("A year between 2000 and 2100.")
        return WorkCalendarYear(
            year=year,
            status=calendar.year_status(year),
            days=[_entry(d) for d in calendar.special_days(year)],
            can_edit=service.may_edit(viewer),
        )


@strawberry.input(description="One day to enter.")
class CalendarDayInput:
    date: date
    kind: DayKind
    name: str = ""
    note: str = ""


@strawberry.input(description="Days from the State Council's notice (NOTICE) or the company's own (COMPANY).")  # fmt: skip
class SetCalendarDaysInput:
    source: CalendarSource
    days: list[CalendarDayInput]


@strawberry.type(description="The days as the calendar now has them.")
class CalendarDaysPayload:
    days: list[WorkCalendarEntry]
    errors: list[MutationError]


@strawberry.input(description="One scheme's rates.")
class SocialInsuranceRateInput:
    component: Component
    employee_rate: Decimal
    employer_rate: Decimal
    employee_fixed: Decimal = Decimal(0)


@strawberry.input(description="A new version of a city's table from the first of a month.")
class AddSocialInsuranceTableInput:
    city: str
    valid_from: date
    base_floor: Decimal
    base_ceiling: Decimal
    fund_floor: Decimal
    fund_ceiling: Decimal
    rates: list[SocialInsuranceRateInput]
    rounding_quantum: Decimal = Decimal("0.01")
    rounding_mode: RoundingMode = RoundingMode.HALF_UP
    fund_rounding_quantum: Decimal = Decimal("0.01")
    fund_rounding_mode: RoundingMode = RoundingMode.HALF_UP
    source: str = ""


@strawberry.type(description="The new version.")
class SocialInsuranceTablePayload:
    table: SocialInsuranceTableInfo | None
    errors: list[MutationError]


@strawberry.input(description="One bracket: up to `upper` (null for the last), the rate and 速算扣除数.")  # fmt: skip
class TaxBracketInput:
    upper: Decimal | None
    rate: Decimal
    quick_deduction: Decimal


@strawberry.input(description="A new income-tax table from the first of a month.")
class AddIncomeTaxTableInput:
    valid_from: date
    basic_deduction: Decimal = strawberry.field(description="减除费用 a month.")
    brackets: list[TaxBracketInput] = strawberry.field(description="综合所得, for the cumulative withholding.")  # fmt: skip
    bonus_brackets: list[TaxBracketInput] = strawberry.field(description="按月换算, for the annual bonus taxed apart.")  # fmt: skip
    source: str = ""


@strawberry.type(description="The new table.")
class IncomeTaxTablePayload:
    table: IncomeTaxTableInfo | None
    errors: list[MutationError]


def _brackets(rows: list[TaxBracketInput]) -> list[Bracket]:
    return [Bracket(b.upper, b.rate, b.quick_deduction) for b in rows]


@strawberry.type
class PolicyMutation:
    @strawberry.mutation(description="Enter work calendar days: a year's State Council notice, or company days off and working days (HQ HR; audited).")  # fmt: skip
    async def set_calendar_days(
        self, info: Info, input: SetCalendarDaysInput
    ) -> CalendarDaysPayload:
        try:
            rows = await service.set_calendar_days(
                info.context.viewer,
                input.source,
                [service.CalendarDayInput(d.date, d.kind, d.name, d.note) for d in input.days],
            )
        except ServiceError as exc:
            return CalendarDaysPayload(days=[], errors=mutation_errors(exc))
        return CalendarDaysPayload(days=[_entry(calendar.day(r.day)) for r in rows], errors=[])

    @strawberry.mutation(description="Remove an entered work calendar day (HQ HR; audited).")
    async def remove_calendar_day(
        self, info: Info, date: date, source: CalendarSource
    ) -> CalendarDaysPayload:
        try:
            await service.remove_calendar_day(info.context.viewer, date, source)
        except ServiceError as exc:
            return CalendarDaysPayload(days=[], errors=mutation_errors(exc))
        return CalendarDaysPayload(days=[_entry(calendar.day(date))], errors=[])

    @strawberry.mutation(description="Add a version of a city's social insurance and housing fund table from a month; earlier versions stay (HQ HR; audited).")  # fmt: skip
    async def add_social_insurance_table(
        self, info: Info, input: AddSocialInsuranceTableInput
    ) -> SocialInsuranceTablePayload:
        try:
            table = await service.add_city_table(
                info.context.viewer,
                service.CityTableInput(
                    city=input.city,
                    valid_from=input.valid_from,
                    base_floor=input.base_floor,
                    base_ceiling=input.base_ceiling,
                    fund_floor=input.fund_floor,
                    fund_ceiling=input.fund_ceiling,
                    rates=[
                        service.RateInput(
                            r.component, r.employee_rate, r.employer_rate, r.employee_fixed
                        )
                        for r in input.rates
                    ],
                    rounding_quantum=input.rounding_quantum,
                    rounding_mode=input.rounding_mode,
                    fund_rounding_quantum=input.fund_rounding_quantum,
                    fund_rounding_mode=input.fund_rounding_mode,
                    source=input.source,
                ),
            )
        except ServiceError as exc:
            return SocialInsuranceTablePayload(table=None, errors=mutation_errors(exc))
        return SocialInsuranceTablePayload(table=SocialInsuranceTableInfo(_m=table), errors=[])

    @strawberry.mutation(description="Add an income-tax table from a month; earlier tables stay (HQ HR; audited).")  # fmt: skip
    async def add_income_tax_table(
        self, info: Info, input: AddIncomeTaxTableInput
    ) -> IncomeTaxTablePayload:
        try:
            table = await service.add_tax_table(
                info.context.viewer,
                service.TaxTableInput(
                    valid_from=input.valid_from,
                    basic_deduction=input.basic_deduction,
                    brackets=_brackets(input.brackets),
                    bonus_brackets=_brackets(input.bonus_brackets),
                    source=input.source,
                ),
            )
        except ServiceError as exc:
            return IncomeTaxTablePayload(table=None, errors=mutation_errors(exc))
        return IncomeTaxTablePayload(table=IncomeTaxTableInfo(_m=table), errors=[])
