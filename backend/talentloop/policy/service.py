"""The rules for changing policy data: HQ HR only, every change audited, history kept.

- Work calendar (attendance/calendar.py): days entered from the State Council's notice for a
  year the chinese-calendar package does not cover yet, and the company's own days off and
  working days. A day entered again replaces the earlier entry (audited before/after).
- Social insurance and housing fund (payroll/models.py SocialInsuranceTable): a change is a new
  version of a city's table from the first of a month; nothing is overwritten, a payroll for
  month M takes the version in force in M.
- Individual income tax (payroll/models.py IncomeTaxTable): likewise a new table from the first
  of a month (the monthly basic deduction and the two bracket tables); a run for month M taxes
  by the table in force in M. A table is refused unless its brackets rise, its rates stay
  within 0–45 % (个人所得税法 附表一's top rate) and its quick deductions leave no gap or step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.attendance import calendar
from talentloop.attendance.calendar import DayKind
from talentloop.attendance.models import CalendarDay, CalendarSource
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.i18n import N_
from talentloop.payroll import calc, inputs
from talentloop.payroll.calc import ZERO, Bracket, Component, RoundingMode
from talentloop.payroll.models import IncomeTaxTable, SocialInsuranceRate, SocialInsuranceTable
from talentloop.policy.seed import bracket_rows

MAX_DAYS = 400  # one request enters at most a year and a bit


def may_edit(viewer: Viewer) -> bool:
    """Company-wide policy: HQ HR only."""
    return viewer.is_hq_hr


def _require_editor(viewer: Viewer, message: str) -> None:
    """`message`: marked with N_ where it is written, for the catalogue."""
    if not may_edit(viewer):
        raise ServiceError.one(ErrorCode.FORBIDDEN, message)


# --- work calendar --------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDayInput:
    day: date
    kind: DayKind
    name: str = ""
    note: str = ""


def _check_day(source: CalendarSource, d: CalendarDayInput, field: str) -> list[FieldError]:
    problems = []
    if source is CalendarSource.COMPANY and d.kind is DayKind.STATUTORY_HOLIDAY:
        problems.append(
            FieldError(
                "A company day is a day off or a working day; statutory holidays come from "
                "the State Council's notice.",
                ErrorCode.INVALID,
                field,
            )
        )
    if source is CalendarSource.COMPANY and not d.note.strip():
        problems.append(FieldError("Say why (a note).", ErrorCode.REQUIRED, field))
    if d.kind is DayKind.STATUTORY_HOLIDAY and not d.name.strip():
        problems.append(FieldError("Name the holiday.", ErrorCode.REQUIRED, field))
    if len(d.name) > 64 or len(d.note) > 255:
        problems.append(FieldError("Too long.", ErrorCode.INVALID, field))
    return problems


def _day_values(row: CalendarDay) -> dict[str, Any]:
    return {"day": row.day, "source": row.source, "kind": row.kind, "name": row.name,
            "note": row.note}  # fmt: skip


async def set_calendar_days(
    viewer: Viewer, source: CalendarSource, days: list[CalendarDayInput]
) -> list[CalendarDay]:
    """Enter days (a year's notice, or company days); a day entered again is replaced."""
    _require_editor(viewer, N_("Only HQ HR changes the work calendar."))
    if not days:
        raise ServiceError.one(ErrorCode.REQUIRED, "At least one day.", "days")
    if len(days) > MAX_DAYS:
        raise ServiceError.one(
            ErrorCode.INVALID, "At most {limit} days at once.", "days", limit=MAX_DAYS
        )
    if len({d.day for d in days}) != len(days):
        raise ServiceError.one(ErrorCode.DUPLICATE, "A day appears twice.", "days")
    problems = [p for i, d in enumerate(days) for p in _check_day(source, d, f"days.{i}")]
    if problems:
        raise ServiceError(*problems)
    saved: list[CalendarDay] = []
    async with in_transaction():
        existing = {
            r.day: r for r in await CalendarDay.filter(source=source, day__in=[d.day for d in days])
        }
        for d in days:
            row = existing.get(d.day)
            values: dict[str, Any] = {"kind": d.kind, "name": d.name.strip(),
                                      "note": d.note.strip()}  # fmt: skip
            if row is None:
                row = await CalendarDay.create(
                    day=d.day, source=source, created_by_id=viewer.user_id, **values
                )
                await audit.record_created(viewer, "CalendarDay", row.id, _day_values(row))
            else:
                before = _day_values(row)
                await row.update_from_dict(values).save()
                await audit.record_changes(viewer, "CalendarDay", row.id, before, values)
            saved.append(row)
        await inputs.calendar_changed([d.day for d in days])
    await calendar.refresh()
    return saved


async def remove_calendar_day(viewer: Viewer, day: date, source: CalendarSource) -> None:
    _require_editor(viewer, N_("Only HQ HR changes the work calendar."))
    async with in_transaction():
        row = await CalendarDay.get_or_none(day=day, source=source)
        if row is None:
            raise ServiceError.one(ErrorCode.INVALID, "Nothing was entered on that day.", "date")
        await audit.record_deleted(viewer, "CalendarDay", row.id, _day_values(row))
        await row.delete()
        await inputs.calendar_changed([day])
    await calendar.refresh()


# --- social insurance and housing fund --------------------------------------------------------


@dataclass(frozen=True)
class RateInput:
    component: Component
    employee_rate: Decimal
    employer_rate: Decimal
    employee_fixed: Decimal = Decimal(0)


@dataclass(frozen=True)
class CityTableInput:
    city: str
    valid_from: date
    base_floor: Decimal
    base_ceiling: Decimal
    fund_floor: Decimal
    fund_ceiling: Decimal
    rates: list[RateInput]
    rounding_quantum: Decimal = Decimal("0.01")
    rounding_mode: RoundingMode = RoundingMode.HALF_UP
    fund_rounding_quantum: Decimal = Decimal("0.01")
    fund_rounding_mode: RoundingMode = RoundingMode.HALF_UP
    source: str = ""


QUANTA = (Decimal("0.01"), Decimal("0.1"), Decimal("1"))


def _check_table(t: CityTableInput) -> list[FieldError]:
    p: list[FieldError] = []
    if not t.city.strip() or len(t.city) > 64:
        p.append(FieldError("The city.", ErrorCode.REQUIRED, "city"))
    if t.valid_from.day != 1:
        p.append(FieldError("From the first of a month.", ErrorCode.INVALID, "validFrom"))
    for lo, hi, name in ((t.base_floor, t.base_ceiling, "baseCeiling"),
                         (t.fund_floor, t.fund_ceiling, "fundCeiling")):  # fmt: skip
        if lo <= 0 or hi < lo:
            p.append(FieldError("0 < floor ≤ ceiling.", ErrorCode.INVALID, name))
    if t.rounding_quantum not in QUANTA or t.fund_rounding_quantum not in QUANTA:
        p.append(FieldError("Round to 0.01, 0.1 or 1.", ErrorCode.INVALID, "roundingQuantum"))
    if not t.rates:
        p.append(FieldError("At least one rate.", ErrorCode.REQUIRED, "rates"))
    if len({r.component for r in t.rates}) != len(t.rates):
        p.append(FieldError("A scheme appears twice.", ErrorCode.DUPLICATE, "rates"))
    for i, r in enumerate(t.rates):
        if not (0 <= r.employee_rate < 1 and 0 <= r.employer_rate < 1 and r.employee_fixed >= 0):
            p.append(FieldError("A rate is between 0 and 1.", ErrorCode.INVALID, f"rates.{i}"))
        # 住房公积金管理条例 第十八条, 建金〔2005〕5号: 5 % to 12 % each.
        fund_ok = all(
            calc.HOUSING_FUND_MIN_RATE <= x <= calc.HOUSING_FUND_MAX_RATE
            for x in (r.employee_rate, r.employer_rate)
        )
        if r.component is Component.HOUSING_FUND and not fund_ok:
            p.append(
                FieldError(
                    "A housing fund rate is between 5 % and 12 %.", ErrorCode.INVALID, f"rates.{i}"
                )
            )
    return p


def table_values(t: SocialInsuranceTable | CityTableInput, rates: Any) -> dict[str, Any]:
    """What the audit keeps of a version."""
    return {
        "city": t.city,
        "valid_from": t.valid_from.isoformat(),
        "base_floor": str(t.base_floor),
        "base_ceiling": str(t.base_ceiling),
        "fund_floor": str(t.fund_floor),
        "fund_ceiling": str(t.fund_ceiling),
        "rounding": f"{t.rounding_quantum} {t.rounding_mode}",
        "fund_rounding": f"{t.fund_rounding_quantum} {t.fund_rounding_mode}",
        "rates": {
            str(r.component): f"{r.employee_rate}/{r.employer_rate}+{r.employee_fixed}"
            for r in rates
        },
    }


async def add_city_table(viewer: Viewer, t: CityTableInput) -> SocialInsuranceTable:
    """A new version of a city's table from a date; the earlier ones stay as they were."""
    _require_editor(viewer, N_("Only HQ HR changes social insurance tables."))
    problems = _check_table(t)
    if problems:
        raise ServiceError(*problems)
    city = t.city.strip()
    async with in_transaction():
        if await SocialInsuranceTable.filter(city=city, valid_from=t.valid_from).exists():
            raise ServiceError.one(
                ErrorCode.DUPLICATE,
                "A version of this city's table starts on that day: add one from another month.",
                "validFrom",
            )
        previous = (
            await SocialInsuranceTable.filter(city=city, valid_from__lt=t.valid_from)
            .order_by("-valid_from")
            .prefetch_related("rates")
            .first()
        )
        table = await SocialInsuranceTable.create(
            city=city,
            valid_from=t.valid_from,
            base_floor=t.base_floor,
            base_ceiling=t.base_ceiling,
            fund_floor=t.fund_floor,
            fund_ceiling=t.fund_ceiling,
            rounding_quantum=t.rounding_quantum,
            rounding_mode=t.rounding_mode,
            fund_rounding_quantum=t.fund_rounding_quantum,
            fund_rounding_mode=t.fund_rounding_mode,
            source=t.source.strip(),
        )
        await SocialInsuranceRate.bulk_create(
            [
                SocialInsuranceRate(
                    table=table,
                    component=r.component,
                    employee_rate=r.employee_rate,
                    employer_rate=r.employer_rate,
                    employee_fixed=r.employee_fixed,
                )
                for r in t.rates
            ]
        )
        await audit.record(
            viewer,
            AuditAction.CREATE,
            subject_type="SocialInsuranceTable",
            subject_id=table.id,
            before=table_values(previous, previous.rates) if previous else None,
            after=table_values(t, t.rates),
        )
        await inputs.city_table_added(city, t.valid_from)
    await table.fetch_related("rates")
    return table


# --- individual income tax --------------------------------------------------------------------

TOP_RATE = Decimal("0.45")  # 个人所得税法 附表一: 3 % to 45 %
MAX_BRACKETS = 20


@dataclass(frozen=True)
class TaxTableInput:
    valid_from: date
    basic_deduction: Decimal  # a month
    brackets: list[Bracket]  # 综合所得, for the cumulative withholding
    bonus_brackets: list[Bracket]  # 按月换算, for the separate annual bonus
    source: str = ""


def _check_brackets(rows: list[Bracket], field: str) -> list[FieldError]:
    """Bounds rise and only the last is open; rates rise within 0–45 %; the first quick deduction
    is 0 and each next one is the previous + bound × (rate − previous rate), so the tax has no
    gap or step at a bound (as in 个人所得税法 附表一: 2,520 = 36,000 × (10 % − 3 %))."""
    if not rows:
        return [FieldError("At least one bracket.", ErrorCode.REQUIRED, field)]
    if len(rows) > MAX_BRACKETS:
        return [FieldError("At most {limit} brackets.", ErrorCode.INVALID, field,
                           limit=MAX_BRACKETS)]  # fmt: skip
    p: list[FieldError] = []
    previous: Bracket | None = None
    for i, b in enumerate(rows):
        where = f"{field}.{i}"
        last = i == len(rows) - 1
        if not ZERO <= b.rate <= TOP_RATE:
            p.append(FieldError("A rate is between 0 and 45 %.", ErrorCode.INVALID, where))
        if b.quick_deduction < 0:
            p.append(FieldError("A quick deduction is not negative.", ErrorCode.INVALID, where))
        if last and b.upper is not None:
            p.append(FieldError("The last bracket has no upper bound (it takes everything above).",
                                ErrorCode.INVALID, where))  # fmt: skip
        if not last and b.upper is None:
            p.append(FieldError("Only the last bracket is open-ended.", ErrorCode.INVALID, where))
        if b.upper is not None and b.upper <= 0:
            p.append(FieldError("An upper bound is above 0.", ErrorCode.INVALID, where))
        if previous is None:
            if b.quick_deduction != 0:
                p.append(FieldError("The first bracket's quick deduction is 0.",
                                    ErrorCode.INVALID, where))  # fmt: skip
        elif previous.upper is not None:
            if b.upper is not None and b.upper <= previous.upper:
                p.append(FieldError("Upper bounds rise from bracket to bracket.",
                                    ErrorCode.INVALID, where))  # fmt: skip
            if b.rate <= previous.rate:
                p.append(FieldError("Rates rise from bracket to bracket.", ErrorCode.INVALID,
                                    where))  # fmt: skip
            expected = previous.quick_deduction + previous.upper * (b.rate - previous.rate)
            if b.quick_deduction != expected:
                p.append(
                    FieldError(
                        "The quick deduction leaves a gap at {bound}: it should be {expected}.",
                        ErrorCode.INVALID,
                        where,
                        bound=f"{previous.upper.normalize():f}",
                        expected=f"{expected.normalize():f}",
                    )
                )
        previous = b
    return p


def _check_tax_table(t: TaxTableInput) -> list[FieldError]:
    p: list[FieldError] = []
    if t.valid_from.day != 1:
        p.append(FieldError("From the first of a month.", ErrorCode.INVALID, "validFrom"))
    if not ZERO < t.basic_deduction <= Decimal("100000"):
        p.append(FieldError("A monthly basic deduction above 0.", ErrorCode.INVALID,
                            "basicDeduction"))  # fmt: skip
    p += _check_brackets(t.brackets, "brackets")
    p += _check_brackets(t.bonus_brackets, "bonusBrackets")
    return p


def tax_table_values(t: IncomeTaxTable | TaxTableInput) -> dict[str, Any]:
    """What the audit keeps of a table."""
    if isinstance(t, IncomeTaxTable):
        brackets, bonus = t.brackets, t.bonus_brackets
    else:
        brackets, bonus = bracket_rows(tuple(t.brackets)), bracket_rows(tuple(t.bonus_brackets))
    return {"valid_from": t.valid_from.isoformat(), "basic_deduction": str(t.basic_deduction),
            "brackets": brackets, "bonus_brackets": bonus}  # fmt: skip


async def add_tax_table(viewer: Viewer, t: TaxTableInput) -> IncomeTaxTable:
    """A new income-tax table from a date; the earlier ones stay as they were."""
    _require_editor(viewer, N_("Only HQ HR changes income tax tables."))
    problems = _check_tax_table(t)
    if problems:
        raise ServiceError(*problems)
    async with in_transaction():
        if await IncomeTaxTable.filter(valid_from=t.valid_from).exists():
            raise ServiceError.one(
                ErrorCode.DUPLICATE,
                "A tax table starts on that day: add one from another month.",
                "validFrom",
            )
        previous = (
            await IncomeTaxTable.filter(valid_from__lt=t.valid_from).order_by("-valid_from").first()
        )
        table = await IncomeTaxTable.create(
            valid_from=t.valid_from,
            basic_deduction=t.basic_deduction,
            brackets=bracket_rows(tuple(t.brackets)),
            bonus_brackets=bracket_rows(tuple(t.bonus_brackets)),
            source=t.source.strip(),
        )
        await audit.record(
            viewer,
            AuditAction.CREATE,
            subject_type="IncomeTaxTable",
            subject_id=table.id,
            before=tax_table_values(previous) if previous else None,
            after=tax_table_values(t),
        )
        await inputs.tax_table_added(t.valid_from)
    return table
