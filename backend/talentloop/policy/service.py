"""The rules for changing policy data: HQ HR only, every change audited, history kept.

- Work calendar (attendance/calendar.py): days entered from the State Council's notice for a
  year the chinese-calendar package does not cover yet, and the company's own days off and
  working days. A day entered again replaces the earlier entry (audited before/after).
- Social insurance and housing fund (payroll/models.py SocialInsuranceTable): a change is a new
  version of a city's table from the first of a month; nothing is overwritten, a payroll for
  month M takes the version in force in M.
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
from talentloop.payroll import calc
from talentloop.payroll.calc import Component, RoundingMode
from talentloop.payroll.models import SocialInsuranceRate, SocialInsuranceTable

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
    await table.fetch_related("rates")
    return table
