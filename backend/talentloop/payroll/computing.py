"""Computing a run, as a `payroll_run` job (jobs/worker.py): everything read in bulk (structures
in force, city and income-tax tables, pay suspensions, items, attendance, deductions, the year's
earlier payslips), each payslip computed by compute.py, the run's payslips replaced in one
transaction, and what changed per person recorded (payroll/staleness.py)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from talentloop.attendance import calendar as work_calendar
from talentloop.i18n import N_
from talentloop.jobs import queue
from talentloop.jobs.models import Job, JobState
from talentloop.org.models import OrgUnit
from talentloop.payroll import calc, staleness
from talentloop.payroll import inputs as pay_inputs
from talentloop.payroll.attendance import attendance_figures
from talentloop.payroll.calc import (
    ZERO,
    Bracket,
    CityTable,
    Rate,
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
    IncomeTaxTable,
    JobStatus,
    PayrollItem,
    PayrollOpening,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
    SalaryStructure,
    SocialInsuranceTable,
    SpecialDeduction,
)
from talentloop.payroll.months import add_months, month_end
from talentloop.people.models import Employee
from talentloop.performance.models import PaySuspension, SuspensionStatus

log = logging.getLogger(__name__)

# --- the job ------------------------------------------------------------------------------------


JOB_KIND = "payroll_run"
RUN_FAILED = N_("The run could not be computed.")  # stored in English, shown translated


async def enqueue(run_id: int) -> None:
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
                await pay_inputs.earlier_month_changed(
                    run.month, [c["employee_id"] for c in changes], add_months(run.month, 1)
                )
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
    # The old system paid these people this month (their opening figures run through it):
    # a run created before the opening was set leaves them out when it is recomputed.
    paid_before = PayrollOpening.filter(year=month.year, last_month__gte=month.month).values_list(
        "employee_id", flat=True
    )
    employees = (
        await Employee.filter(
            unit__path__startswith=unit.path,
            hire_date__lte=month_end(month),
        )
        .filter(Q(termination_date__isnull=True) | Q(termination_date__gte=month))
        .exclude(id__in=[pk for pk in await already_paid])
        .exclude(id__in=[pk for pk in await paid_before])
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
    openings = await openings_of(ids, month.year)
    prior = await _prior(ids, year_start, month, openings)
    additional = await _additional(employees, month, openings)
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


async def openings_of(ids: list[int], year: int) -> dict[int, PayrollOpening]:
    """The people's opening figures of the year (payroll/openings.py), by employee."""
    rows = await PayrollOpening.filter(employee_id__in=ids, year=year)
    return {o.employee_id: o for o in rows}


def opening_prior(o: PayrollOpening) -> Prior:
    """The old system's months as one earlier payslip: its sums, its months employed."""
    return Prior(
        income=o.income,
        special=o.contributions,
        additional=o.special_additional,
        tax=o.tax,
        other=o.other_deductions,
        opening_months=o.months_employed,
        opened_through=date(o.year, o.last_month, 1),
    )


async def _prior(
    ids: list[int], year_start: date, month: date, openings: dict[int, PayrollOpening]
) -> dict[int, Prior]:
    """This year's payslips before the month, whatever their run's status: the months employed
    count every month, so the income and tax withheld before must count the same months (a
    draft January counts with its figures; February is not approved before January is, and
    January recomputed marks February out of date). Where the person has opening figures
    (payroll/openings.py), they stand for every month through its last one, and TalentLoop's
    own payslips of those months are left out: the opening wins, as the old system paid those
    months (and declared them to the tax office)."""
    rows = await Payslip.filter(
        employee_id__in=ids,
        month__gte=year_start,
        month__lt=month,
    ).order_by("month")
    found: dict[int, Prior] = {pk: opening_prior(o) for pk, o in openings.items()}
    for p in rows:
        before = found.get(p.employee_id, Prior())
        if before.opened_through is not None and p.month <= before.opened_through:
            continue
        found[p.employee_id] = replace(
            before,
            income=before.income + p.income,
            special=before.special + p.employee_contributions,
            additional=p.cumulative_additional,
            tax=before.tax + p.tax,
        )
    return found


async def _additional(
    employees: list[Employee], month: date, openings: dict[int, PayrollOpening]
) -> dict[int, Decimal]:
    """累计专项附加扣除 through this month: each month employed here this year, the
    deductions in force in it (a deduction declared late counts from its first month); with
    opening figures, their sum through the old system's last month, then the months after."""
    ids = [e.id for e in employees]
    by_employee: dict[int, list[SpecialDeduction]] = defaultdict(list)
    for d in await SpecialDeduction.filter(employee_id__in=ids, valid_from__lte=month).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=date(month.year, 1, 1))
    ):
        by_employee[d.employee_id].append(d)
    found: dict[int, Decimal] = {}
    for e in employees:
        opening = openings.get(e.id)
        since = e.hire_date
        total = ZERO
        if opening is not None:
            since = max(since, add_months(date(opening.year, opening.last_month, 1), 1))
            total = opening.special_additional
        months = calc.months_employed(month.year, month.month, since)
        for k in range(months):
            m = add_months(month, -k)
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
