"""GraphQL types of the standard HR reports (人事报表)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from talentloop.access.policy import FieldNotPermitted
from talentloop.graphql.ids import to_global_id
from talentloop.i18n import translate
from talentloop.reports import service


@strawberry.type(
    description="A band of a structure (an age or tenure band, a gender) and its count."
)
class WorkforceBand:
    key: str = strawberry.field(
        description="Ages and tenures in years: '25-29', '50+'; genders: male, female, unknown."
    )
    count: int = strawberry.field(description="People employed at the period end in the band.")


@strawberry.type(
    description="One month of one unit (or, in `months`, of the whole report): headcount and "
    "its movements. People count in the unit they belong to now."
)
class WorkforceMonth:
    _m: strawberry.Private[service.UnitMonth]
    _with_pay: strawberry.Private[bool]

    @strawberry.field(description="The month (its first day).")
    def month(self) -> date:
        return self._m.month

    @strawberry.field(description="The unit; null on a total of the whole report.")
    def unit_id(self) -> strawberry.ID | None:
        unit_id = self._m.unit_id
        return None if unit_id is None else strawberry.ID(to_global_id("OrgUnit", unit_id))

    @strawberry.field(description="The unit's name; empty on a total.")
    def unit_name(self) -> str:
        return self._m.unit_name

    @strawberry.field(
        description="People employed at the month end (hired on or before it, "
        "their last day after it)."
    )
    def headcount(self) -> int:
        return self._m.headcount

    @strawberry.field(description="People employed at the previous month end.")
    def previous_headcount(self) -> int:
        return self._m.previous_headcount

    @strawberry.field(description="People hired in the month.")
    def hires(self) -> int:
        return self._m.hires

    @strawberry.field(description="People whose last day fell in the month.")
    def leavers(self) -> int:
        return self._m.leavers

    @strawberry.field(description="Leavers who resigned (a resignation was recorded).")
    def voluntary_leavers(self) -> int:
        return self._m.voluntary_leavers

    @strawberry.field(description="Leavers who were dismissed or left otherwise.")
    def involuntary_leavers(self) -> int:
        return self._m.involuntary_leavers

    @strawberry.field(description="Transfers into the unit in the month.")
    def transfers_in(self) -> int:
        return self._m.transfers_in

    @strawberry.field(description="Transfers out of the unit in the month.")
    def transfers_out(self) -> int:
        return self._m.transfers_out

    @strawberry.field(
        description=service.TURNOVER_FORMULA.capitalize() + "; a fraction, null "
        "when nobody was employed."
    )
    def turnover_rate(self) -> Decimal | None:
        return self._m.turnover_rate

    @strawberry.field(
        description="Gross pay plus employer contributions of the month's payslips in approved "
        "(or paid) payroll runs, CNY. HR only (the PAY field group): null with an error for others."
    )
    def labour_cost(self) -> Decimal | None:
        if not self._with_pay:
            raise FieldNotPermitted("labourCost")
        return self._m.labour_cost


@strawberry.type(
    description="人事报表: headcount and movements by unit and month, turnover, labour cost and "
    "the structure at the period end, over the people the viewer reads at WORK."
)
class WorkforceReport:
    _r: strawberry.Private[service.WorkforceReport]

    @strawberry.field(description="The first month.")
    def from_month(self) -> date:
        return self._r.from_month

    @strawberry.field(description="The last month.")
    def to_month(self) -> date:
        return self._r.to_month

    @strawberry.field(description="How the turnover rate is computed.")
    def turnover_formula(self) -> str:
        return translate(service.TURNOVER_FORMULA)

    @strawberry.field(description="Each month's totals over the whole report.")
    def months(self) -> list[WorkforceMonth]:
        return [WorkforceMonth(_m=m, _with_pay=self._r.with_pay) for m in self._r.months]

    @strawberry.field(description="Each month of each unit with people or movements.")
    def rows(self) -> list[WorkforceMonth]:
        return [WorkforceMonth(_m=m, _with_pay=self._r.with_pay) for m in self._r.rows]

    @strawberry.field(description="Years since hire of the people employed at the period end.")
    def tenure_bands(self) -> list[WorkforceBand]:
        return [WorkforceBand(key=b.key, count=b.count) for b in self._r.tenure_bands]

    @strawberry.field(
        description="Ages at the period end (PERSONAL data as a structure: HR and the boss; "
        "null with an error for others)."
    )
    def age_bands(self) -> list[WorkforceBand] | None:
        if not self._r.with_personal:
            raise FieldNotPermitted("ageBands")
        return [WorkforceBand(key=b.key, count=b.count) for b in self._r.age_bands]

    @strawberry.field(description="Genders at the period end (HR and the boss, as ageBands).")
    def genders(self) -> list[WorkforceBand] | None:
        if not self._r.with_personal:
            raise FieldNotPermitted("genders")
        return [WorkforceBand(key=b.key, count=b.count) for b in self._r.genders]
