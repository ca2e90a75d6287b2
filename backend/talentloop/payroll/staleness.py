"""Payroll runs out of date (issue 21 point 2): every change to a run's inputs — the employee
record (a hire, a transfer, a last day, a rehire, the base salary, an import), a pay suspension
or restore decided, a salary structure, a pay item, a special deduction, attendance (punches,
imports, leave and overtime decided, rules, the work calendar), a new social-insurance or
income-tax table, an earlier month's payslips — marks the draft and reviewed runs it reaches with the reason, and
such a run is not approved until it is recomputed. A recompute records what it changed per
person (before / after of gross, performance pay, contributions, tax, net).

This module reads and writes payroll rows only, so any domain can mark runs without importing
the payroll service. Which change marks which runs is payroll/inputs.py, the only caller of
`mark_out_of_date`: every input kind, its hook and who calls it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from talentloop.i18n import N_, translate
from talentloop.payroll.models import (
    LineSection,
    PayrollRun,
    PayrollRunStaleReason,
    Payslip,
    PayslipLine,
    RunStatus,
)
from talentloop.people.models import Employee

OPEN_STATUSES = (RunStatus.DRAFT, RunStatus.REVIEW)

# The reasons, as catalogue messages (shown in the reader's language when read).
SUSPENDED = N_("Performance pay of {unit} suspended from {month}.")
RESTORED = N_("Performance pay of {unit} restored from {month}.")
SALARY = N_("Salary structure of {name} changed from {month}.")
POSITION_SALARY = N_("Salary structure of the position {position} changed from {month}.")
ITEM = N_("A pay item of {name} was added for {month}.")
DEDUCTION = N_("A special additional deduction of {name} was declared from {month}.")
ATTENDANCE = N_("Attendance of {name} changed in {month}.")
PUNCHES = N_("Punches of {count} people were imported for {month}.")
LEAVE_IMPORTED = N_("Leave of {count} people was imported for {month}.")
RULES = N_("Attendance rules changed: {name}.")
CALENDAR = N_("Work calendar days changed in {month}.")
CITY_TABLE = N_("A social-insurance table of {place} was added from {month}.")
TAX_TABLE = N_("An income-tax table was added from {month}.")
EARLIER = N_("Payslips of {month} changed: they count toward this year's cumulative tax.")
HIRED = N_("{name} was hired from {date}.")
BASE_SALARY = N_("The base salary of {name} changed from {month}.")
POSITION = N_("{name} holds the position {position} from {month}.")
TRANSFER = N_("{name} was transferred from {from_unit} to {to_unit} on {date}.")
LAST_DAY = N_("The last day of {name} was set to {date}.")
REHIRED = N_("{name} was rehired from {date}.")
IMPORTED = N_("An employee import changed the records of {count} people from {month}.")
OPENING = N_("The opening payroll figures of {name} for {year} changed.")
OPENINGS = N_("The opening payroll figures of {count} people for {year} changed.")
UNDONE = N_("An undone import changed the pay inputs of {count} people from {month}.")

FIGURES = ("gross", "performance", "contributions", "tax", "net")


def _first(month: date) -> date:
    return month.replace(day=1)


async def mark_out_of_date(
    *,
    from_month: date,
    message: str,
    employee_ids: Iterable[int] | None = None,
    unit_path: str | None = None,
    city: str | None = None,
    until: date | None = None,
    **params: Any,
) -> list[int]:
    """Mark the draft and reviewed runs of `from_month` and later that the change reaches:
    those paying any of `employee_ids` (or covering their units), those overlapping the unit
    at `unit_path`, those paying anyone in `city` — or every one when none is given. Returns
    the runs' ids (`until`: no run after that month). A reason already on a run is not
    repeated."""
    query = PayrollRun.filter(status__in=list(OPEN_STATUSES), month__gte=_first(from_month))
    if until is not None:
        query = query.filter(month__lte=_first(until))
    runs = await query.select_related("unit")
    if not runs:
        return []
    ids = {r.id for r in runs}
    hit: set[int] = set()
    if employee_ids is not None:
        people = sorted(set(employee_ids))
        paths = await Employee.filter(id__in=people).values_list("unit__path", flat=True)
        for r in runs:
            if any(str(p).startswith(r.unit.path) for p in paths):
                hit.add(r.id)
        paying = await Payslip.filter(run_id__in=sorted(ids), employee_id__in=people).values_list(
            "run_id", flat=True
        )
        hit |= {int(i) for i in paying}  # type: ignore[call-overload]
    if unit_path is not None:
        hit |= {
            r.id
            for r in runs
            if r.unit.path.startswith(unit_path) or unit_path.startswith(r.unit.path)
        }
    if city is not None:
        paying = await Payslip.filter(run_id__in=sorted(ids), city=city).values_list(
            "run_id", flat=True
        )
        hit |= {int(i) for i in paying}  # type: ignore[call-overload]
        hit |= {r.id for r in runs if r.headcount == 0}  # not computed yet: cannot tell
    if employee_ids is None and unit_path is None and city is None:
        hit = ids
    if not hit:
        return []
    params = {k: str(v) for k, v in params.items()}
    existing = await PayrollRunStaleReason.filter(run_id__in=sorted(hit), message=message)
    have = {(e.run_id, tuple(sorted((e.params or {}).items()))) for e in existing}
    key = tuple(sorted(params.items()))
    await PayrollRunStaleReason.bulk_create(
        [
            PayrollRunStaleReason(run_id=run_id, message=message, params=params)
            for run_id in sorted(hit)
            if (run_id, key) not in have
        ]
    )
    return sorted(hit)


def month_text(month: date) -> str:
    return f"{month:%Y-%m}"


async def last_reason_id(run_id: int) -> int:
    """The newest reason now: a recompute that starts now takes in this one and those before."""
    last = await PayrollRunStaleReason.filter(run_id=run_id).order_by("-id").first()
    return last.id if last is not None else 0


async def clear_taken_in(run_id: int, up_to: int) -> None:
    await PayrollRunStaleReason.filter(run_id=run_id, id__lte=up_to).delete()


async def is_out_of_date(run_id: int) -> bool:
    return await PayrollRunStaleReason.filter(run_id=run_id).exists()


async def reasons_of(run_ids: list[int]) -> dict[int, list[str]]:
    """Each run's reasons, oldest first, in the reader's language."""
    found: dict[int, list[str]] = defaultdict(list)
    for r in await PayrollRunStaleReason.filter(run_id__in=run_ids).order_by("id"):
        found[r.run_id].append(translate(r.message, r.params or {}))
    return {pk: found.get(pk, []) for pk in run_ids}


async def earlier_open_month(run: PayrollRun) -> date | None:
    """The earliest month before the run's that is still a draft or under review for any of the
    people it pays (or an overlapping unit); None when every earlier month is approved."""
    return (await earlier_open_months([run]))[run.id]


async def earlier_open_months(runs: list[PayrollRun]) -> dict[int, date | None]:
    """`earlier_open_month` of each run (their units loaded), in three queries for any number
    of runs: an approval card list shows each run's."""
    found: dict[int, date | None] = {r.id: None for r in runs}
    if not runs:
        return found
    earlier = await PayrollRun.filter(
        status__in=list(OPEN_STATUSES), month__lt=max(r.month for r in runs)
    ).select_related("unit")
    if not earlier:
        return found
    people: dict[int, set[int]] = defaultdict(set)
    for run_id, employee_id in await Payslip.filter(run_id__in=list(found)).values_list(
        "run_id", "employee_id"
    ):
        people[int(run_id)].add(int(employee_id))
    open_months: dict[int, set[date]] = defaultdict(set)  # per employee
    everyone = sorted({e for group in people.values() for e in group})
    if everyone:
        for employee_id, month in await Payslip.filter(
            run_id__in=[r.id for r in earlier], employee_id__in=everyone
        ).values_list("employee_id", "month"):
            open_months[int(employee_id)].add(month)
    for run in runs:
        path = run.unit.path
        months = {
            r.month
            for r in earlier
            if r.month < run.month
            and (r.unit.path.startswith(path) or path.startswith(r.unit.path))
        }
        for employee_id in people[run.id]:
            months |= {m for m in open_months[employee_id] if m < run.month}
        found[run.id] = min(months) if months else None
    return found


async def out_of_date(run_ids: list[int]) -> set[int]:
    """Those of the runs that are out of date, in one query."""
    marked = await PayrollRunStaleReason.filter(run_id__in=run_ids).values_list("run_id", flat=True)
    return {int(pk) for pk in marked}  # type: ignore[call-overload]


# --- what a recompute changed -------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


async def snapshot(run_id: int) -> dict[int, dict[str, str]]:
    """The run's payslips as they are, per employee: the figures the diff compares."""
    slips = await Payslip.filter(run_id=run_id)
    if not slips:
        return {}
    performance: dict[int, Decimal] = defaultdict(lambda: Decimal(0))
    for line in await PayslipLine.filter(
        payslip_id__in=[s.id for s in slips], code="performance", section=LineSection.EARNING
    ):
        performance[line.payslip_id] += line.amount
    return {
        s.employee_id: {
            "gross": _money(s.gross),
            "performance": _money(performance[s.id]),
            "contributions": _money(s.employee_contributions),
            "tax": _money(s.tax + s.bonus_tax),
            "net": _money(s.net),
        }
        for s in slips
    }


def changes_between(
    before: Mapping[int, Mapping[str, str]], after: Mapping[int, Mapping[str, str]]
) -> list[dict[str, Any]]:
    """Per person whose figures differ (or who came or went): before and after (None for a
    person not paid on that side), by employee id."""
    out: list[dict[str, Any]] = []
    for employee_id in sorted(set(before) | set(after)):
        was, now = before.get(employee_id), after.get(employee_id)
        if was is not None and now is not None and all(was[k] == now[k] for k in FIGURES):
            continue
        out.append({"employee_id": employee_id, "before": was, "after": now})
    return out
