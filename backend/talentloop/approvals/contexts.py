"""What an approval card shows beside its title (issue 21 point 5): the context an approver
decides on, typed per request type — a leave's reason, the balance after it and who else in the
team is away; a requisition's reason; a payroll run's totals against the month before; an
enrolment's cost and the training budget left.

Each context is read through a DataLoader built for the request's viewer, so a page of cards
costs a fixed number of statements whatever its length (tests/approvals/test_contexts.py).
What the viewer may not read elsewhere is missing here too (null, or left out of a list): a
leave balance and the teammates away where the viewer reads the people's attendance at WORK, a
requisition's budget where the viewer directs its unit (as `Requisition.budget`), a training
budget where the viewer reads the plan (as `trainingPlans`). The rest is part of the request,
like its title and amount, and read by whoever reads the request.

The server writes no text here: names, dates, numbers and enums; the SPA words them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from tortoise.expressions import Q

from talentloop.access.policy import Viewer
from talentloop.attendance import models as attendance
from talentloop.attendance.models import LeaveRequest, LeaveStatus
from talentloop.graphql.context import Info

if TYPE_CHECKING:
    from talentloop.attendance.models import LeaveType

# Named where attendance registers it (importing it here would change the schema's import order).
LeaveTypeRef = Annotated["LeaveType", strawberry.lazy("talentloop.attendance.types")]

_TAKEN = (LeaveStatus.APPROVED, LeaveStatus.PENDING)
CURRENCY = "CNY"


# --- leave ---------------------------------------------------------------------------------------


@strawberry.type(description="A teammate away on some of the days a leave request asks for.")
class TeamAbsence:
    employee_name: str = strawberry.field(description="Who.")
    start_date: date = strawberry.field(description="Their leave's first day.")
    end_date: date = strawberry.field(description="Their leave's last day.")
    pending: bool = strawberry.field(
        description="Not yet approved (asked for and waiting); false: approved."
    )


@strawberry.type(
    description="A leave request's context: what is asked and why, the annual-leave balance "
    "before and after it, and who else in the same team is away on any of those days."
)
class LeaveContext:
    leave_type: LeaveTypeRef = strawberry.field(description="The kind of leave.")
    start_date: date = strawberry.field(description="First day.")
    end_date: date = strawberry.field(description="Last day.")
    days: int = strawberry.field(description="Workdays asked for (rest days and holidays not).")
    reason: str = strawberry.field(description="The employee's reason (may be empty).")
    unit_name: str = strawberry.field(description="The employee's team (their unit).")
    year: int = strawberry.field(description="The year the balance is of.")
    balance_before: int | None = strawberry.field(
        description="Annual leave days free in the year without this request (the allowance "
        "less the other approved and waiting requests); null for a leave type without a yearly "
        "allowance, or where the viewer does not read the person's attendance."
    )
    balance_after: int | None = strawberry.field(
        description="Annual leave days left once this request is granted (balanceBefore − days); "
        "null as balanceBefore."
    )
    team_absences: list[TeamAbsence] = strawberry.field(
        description="Others of the same unit with approved or waiting leave on any of these "
        "days, by first day; only those whose attendance the viewer reads."
    )


def _leave_loader(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[LeaveContext | None]]]:
    async def load(ids: list[int]) -> list[LeaveContext | None]:
        from talentloop.attendance import annual_leave, openings
        from talentloop.attendance.models import AttendanceProfile
        from talentloop.attendance.service import (
            visible_attendance_employees,
            visible_leave_requests,
        )

        found = {
            r.id: r
            for r in await LeaveRequest.filter(id__in=ids).select_related(
                "employee", "employee__unit"
            )
        }
        if not found:
            return [None] * len(ids)
        people = {r.employee_id for r in found.values()}
        readable = set(
            await visible_attendance_employees(viewer)
            .filter(id__in=people)
            .values_list("id", flat=True)
        )
        annual = [r for r in found.values() if r.leave_type is attendance.LeaveType.ANNUAL]
        work_start: dict[int, date | None] = {}
        taken: list[tuple[int, int, date, int]] = []
        opened: dict[tuple[int, Any, int], Any] = {}
        counted = {r.employee_id for r in annual} & readable
        if counted:
            work_start = dict(
                await AttendanceProfile.filter(employee_id__in=counted).values_list(
                    "employee_id", "work_start_date"
                )
            )
            years = {r.start_date.year for r in annual}
            opened = await openings.openings_of(counted, years)
            taken = list(
                await LeaveRequest.filter(
                    employee_id__in=counted,
                    leave_type=attendance.LeaveType.ANNUAL,
                    status__in=_TAKEN,
                    start_date__gte=date(min(years), 1, 1),
                    start_date__lte=date(max(years), 12, 31),
                ).values_list("id", "employee_id", "start_date", "days")
            )
        units = {r.employee.unit_id for r in found.values()}
        first = min(r.start_date for r in found.values())
        last = max(r.end_date for r in found.values())
        away = (
            await visible_leave_requests(viewer)
            .filter(
                employee__unit_id__in=units,
                status__in=_TAKEN,
                start_date__lte=last,
                end_date__gte=first,
            )
            .select_related("employee")
            .order_by("start_date", "id")
        )

        def context(r: LeaveRequest) -> LeaveContext:
            year = r.start_date.year
            before: int | None = None
            if r.leave_type is attendance.LeaveType.ANNUAL and r.employee_id in readable:
                e = r.employee
                entitled = annual_leave.annual_entitlement(
                    year,
                    work_start=work_start.get(e.id) or e.hire_date,
                    hire_date=e.hire_date,
                    termination_date=e.termination_date,
                )
                others = sum(
                    days
                    for other, who, start, days in taken
                    if who == e.id and other != r.id and start.year == year
                )
                entitled_now, used = openings.adjusted(
                    entitled, others, opened.get((e.id, attendance.LeaveType.ANNUAL, year))
                )
                before = (entitled_now or 0) - used
            return LeaveContext(
                leave_type=r.leave_type,
                start_date=r.start_date,
                end_date=r.end_date,
                days=r.days,
                reason=r.reason,
                unit_name=r.employee.unit.name,
                year=year,
                balance_before=before,
                balance_after=None if before is None else before - r.days,
                team_absences=[
                    TeamAbsence(
                        employee_name=a.employee.name,
                        start_date=a.start_date,
                        end_date=a.end_date,
                        pending=a.status is LeaveStatus.PENDING,
                    )
                    for a in away
                    if a.employee.unit_id == r.employee.unit_id
                    and a.employee_id != r.employee_id
                    and a.start_date <= r.end_date
                    and a.end_date >= r.start_date
                ],
            )

        return [context(found[i]) if i in found else None for i in ids]

    return load


async def leave_context(info: Info, leave_request_id: int) -> LeaveContext | None:
    found: LeaveContext | None = await info.context.loader(
        "approval_leave_context", _leave_loader
    ).load(leave_request_id)
    return found


# --- requisition ---------------------------------------------------------------------------------


@strawberry.type(description="A requisition's context: whom to hire, how many, where and why.")
class RequisitionContext:
    reason: str = strawberry.field(description="Why the headcount is needed (may be empty).")
    headcount: int = strawberry.field(description="People to hire.")
    position_title: str = strawberry.field(description="The position.")
    unit_name: str = strawberry.field(description="The hiring unit.")
    budget: Decimal | None = strawberry.field(
        description="The yearly salary budget for all heads together, CNY; null where the "
        "viewer does not direct the hiring unit (as Requisition.budget)."
    )
    currency: str = strawberry.field(description="The budget's currency (CNY).")


def _requisition_loader(
    viewer: Viewer,
) -> Callable[[list[int]], Awaitable[list[RequisitionContext | None]]]:
    async def load(ids: list[int]) -> list[RequisitionContext | None]:
        from talentloop.recruitment.models import Requisition

        found = {
            r.id: r for r in await Requisition.filter(id__in=ids).select_related("unit", "position")
        }
        return [
            RequisitionContext(
                reason=r.reason,
                headcount=r.headcount,
                position_title=r.position.title,
                unit_name=r.unit.name,
                budget=r.budget if viewer.can_direct_in(r.unit.path) else None,
                currency=CURRENCY,
            )
            if (r := found.get(i)) is not None
            else None
            for i in ids
        ]

    return load


async def requisition_context(info: Info, requisition_id: int) -> RequisitionContext | None:
    found: RequisitionContext | None = await info.context.loader(
        "approval_requisition_context", _requisition_loader
    ).load(requisition_id)
    return found


# --- payroll run ---------------------------------------------------------------------------------


@strawberry.type(description="A payroll run's totals for one month.")
class PayrollTotals:
    month: date = strawberry.field(description="The month (its first day).")
    headcount: int = strawberry.field(description="People paid.")
    gross: Decimal = strawberry.field(description="Gross pay, CNY.")
    net: Decimal = strawberry.field(description="Net pay (paid to the bank), CNY.")
    tax: Decimal = strawberry.field(description="Individual income tax withheld, CNY.")
    employer_contributions: Decimal = strawberry.field(
        description="The employer's social insurance and housing fund, CNY."
    )
    employer_cost: Decimal = strawberry.field(
        description="What the month costs the employer: gross + employer contributions, CNY."
    )


@strawberry.type(
    description="A payroll run's context: its totals against the same unit's run of the month "
    "before (aggregates of the run, never a person's pay: what the approvers sign off)."
)
class PayrollContext:
    unit_name: str = strawberry.field(description="The unit the run pays.")
    current: PayrollTotals = strawberry.field(description="This run's totals.")
    previous: PayrollTotals | None = strawberry.field(
        description="The same unit's run of the month before; null when there is none."
    )
    delta_headcount: int | None = strawberry.field(
        description="People paid minus the month before's; null without one."
    )
    delta_gross: Decimal | None = strawberry.field(
        description="Gross minus the month before's, CNY; null without one."
    )
    delta_net: Decimal | None = strawberry.field(
        description="Net minus the month before's, CNY; null without one."
    )
    delta_employer_cost: Decimal | None = strawberry.field(
        description="Employer cost minus the month before's, CNY; null without one."
    )
    currency: str = strawberry.field(description="The currency of the amounts (CNY).")
    out_of_date: bool = strawberry.field(
        description="An input changed after the run was computed: HR recompute it before it is "
        "approved (an approval now is refused, OUT_OF_DATE)."
    )
    earlier_open_month: date | None = strawberry.field(
        description="The earliest earlier month of the same people (or an overlapping unit) "
        "still a draft or under review: it is approved first (an approval now is refused, "
        "CONFLICT); null when none is."
    )


def _totals(run: object) -> PayrollTotals:
    from talentloop.payroll.models import PayrollRun

    assert isinstance(run, PayrollRun)
    return PayrollTotals(
        month=run.month,
        headcount=run.headcount,
        gross=run.gross,
        net=run.net,
        tax=run.tax,
        employer_contributions=run.employer_contributions,
        employer_cost=run.gross + run.employer_contributions,
    )


def _month_before(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


async def _payroll_load(ids: list[int]) -> list[PayrollContext | None]:
    from talentloop.payroll import staleness
    from talentloop.payroll.models import PayrollRun

    runs = {r.id: r for r in await PayrollRun.filter(id__in=ids).select_related("unit")}
    # What would refuse the approval, told on the card before the approver decides.
    stale = await staleness.out_of_date(list(runs))
    earlier = await staleness.earlier_open_months(list(runs.values()))
    before: dict[tuple[int, date], PayrollRun] = {}
    if runs:
        where = Q()
        for r in runs.values():
            where |= Q(unit_id=r.unit_id, month=_month_before(r.month))
        before = {(p.unit_id, p.month): p for p in await PayrollRun.filter(where)}

    def context(run: PayrollRun) -> PayrollContext:
        now = _totals(run)
        prev_run = before.get((run.unit_id, _month_before(run.month)))
        prev = _totals(prev_run) if prev_run is not None else None
        return PayrollContext(
            unit_name=run.unit.name,
            current=now,
            previous=prev,
            delta_headcount=None if prev is None else now.headcount - prev.headcount,
            delta_gross=None if prev is None else now.gross - prev.gross,
            delta_net=None if prev is None else now.net - prev.net,
            delta_employer_cost=None if prev is None else now.employer_cost - prev.employer_cost,
            currency=CURRENCY,
            out_of_date=run.id in stale,
            earlier_open_month=earlier[run.id],
        )

    return [context(runs[i]) if i in runs else None for i in ids]


async def payroll_context(info: Info, run_id: int) -> PayrollContext | None:
    found: PayrollContext | None = await info.context.loader(
        "approval_payroll_context", lambda _v: _payroll_load
    ).load(run_id)
    return found


# --- training enrolment --------------------------------------------------------------------------


@strawberry.type(
    description="A costly enrolment's context: the course, the learner, what it costs and the "
    "training budget of the learner's unit for the year."
)
class EnrolmentContext:
    learner_name: str = strawberry.field(description="Who is to take the course.")
    course_code: str = strawberry.field(description="The course's code.")
    course_title: str = strawberry.field(description="The course.")
    session_starts_at: datetime | None = strawberry.field(
        description="When the session starts; null for a course without sessions."
    )
    session_place: str | None = strawberry.field(description="Where the session is held.")
    cost: Decimal | None = strawberry.field(
        description="The enrolment's cash cost as asked (the request's amount), CNY."
    )
    plan_title: str | None = strawberry.field(
        description="The training plan whose budget it is paid from (the nearest plan of the "
        "learner's unit for the year, an annual one first); null: none, or one the viewer "
        "does not read."
    )
    budget_total: Decimal | None = strawberry.field(description="The plan's budget, CNY.")
    budget_spent: Decimal | None = strawberry.field(
        description="Cash cost of the confirmed enrolments of the plan's unit in its year, CNY."
    )
    budget_left: Decimal | None = strawberry.field(description="budgetTotal − budgetSpent, CNY.")
    budget_left_after: Decimal | None = strawberry.field(
        description="What is left once this enrolment is confirmed (budgetLeft − cost while it "
        "waits; budgetLeft once it counts), CNY."
    )
    currency: str = strawberry.field(description="The currency of the amounts (CNY).")


@dataclass(frozen=True)
class _Budget:
    title: str
    total: Decimal
    spent: Decimal


def _enrolment_loader(
    viewer: Viewer,
) -> Callable[[list[tuple[int, Decimal | None]]], Awaitable[list[EnrolmentContext | None]]]:
    async def load(keys: list[tuple[int, Decimal | None]]) -> list[EnrolmentContext | None]:
        from talentloop.training import costs
        from talentloop.training.models import (
            ACTIVE_STATUSES,
            Enrollment,
            EnrollmentStatus,
            PlanKind,
            TrainingPlan,
        )
        from talentloop.training.service import may_read_plan

        ids = [k for k, _ in keys]
        found = {
            e.id: e
            for e in await Enrollment.filter(id__in=ids).select_related(
                "employee", "employee__unit", "course", "session"
            )
        }
        years = {e.enrolled_at.year for e in found.values()}
        plans = (
            await TrainingPlan.filter(year__in=years).select_related("unit").order_by("id")
            if years
            else []
        )

        def plan_of(e: Enrollment) -> TrainingPlan | None:
            path, year = e.employee.unit.path, e.enrolled_at.year
            covering = [p for p in plans if p.year == year and path.startswith(p.unit.path)]
            # The nearest unit's plan, an annual one before an ad-hoc one.
            covering.sort(key=lambda p: (-len(p.unit.path), p.kind is not PlanKind.ANNUAL, p.id))
            chosen = covering[0] if covering else None
            return chosen if chosen is not None and may_read_plan(viewer, chosen) else None

        chosen = {i: plan_of(e) for i, e in found.items()}
        budgets: dict[int, _Budget] = {}
        used = {p.id: p for p in chosen.values() if p is not None}
        if used:
            where = Q()
            for p in used.values():
                where |= Q(
                    employee__unit__path__startswith=p.unit.path,
                    enrolled_at__gte=datetime(p.year, 1, 1, tzinfo=UTC),
                    enrolled_at__lt=datetime(p.year + 1, 1, 1, tzinfo=UTC),
                )
            counted = await Enrollment.filter(where, status__in=ACTIVE_STATUSES).select_related(
                "employee__unit"
            )
            cash = await costs.enrollment_costs(counted)
            spent: dict[int, Decimal] = defaultdict(Decimal)
            for e in counted:
                for p in used.values():
                    if (
                        e.employee.unit.path.startswith(p.unit.path)
                        and e.enrolled_at.year == p.year
                    ):
                        spent[p.id] += cash.get(e.id, Decimal(0))
            budgets = {p.id: _Budget(p.title, p.budget, spent[p.id]) for p in used.values()}

        def context(e: Enrollment, cost: Decimal | None) -> EnrolmentContext:
            plan = chosen.get(e.id)
            b = budgets.get(plan.id) if plan is not None else None
            left = None if b is None else b.total - b.spent
            waiting = e.status is EnrollmentStatus.PENDING
            return EnrolmentContext(
                learner_name=e.employee.name,
                course_code=e.course.code,
                course_title=e.course.title,
                session_starts_at=e.session.starts_at if e.session is not None else None,
                session_place=e.session.place if e.session is not None else None,
                cost=cost,
                plan_title=None if b is None else b.title,
                budget_total=None if b is None else b.total,
                budget_spent=None if b is None else b.spent,
                budget_left=left,
                budget_left_after=None
                if left is None
                else (left - (cost or Decimal(0)) if waiting else left),
                currency=CURRENCY,
            )

        return [context(found[i], cost) if i in found else None for i, cost in keys]

    return load


async def enrolment_context(
    info: Info, enrollment_id: int, cost: Decimal | None
) -> EnrolmentContext | None:
    found: EnrolmentContext | None = await info.context.loader(
        "approval_enrolment_context", _enrolment_loader
    ).load((enrollment_id, cost))
    return found
