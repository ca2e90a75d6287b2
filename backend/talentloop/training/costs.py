"""What training costs: cash per enrolment (for budgets) and the fully loaded cost of a course
(for ROI), which adds the participants' working time.

An enrolment's cash cost: the per-participant items, plus an equal share of its session's
fixed items, plus an equal share of the course-wide fixed items (e.g. development cost
spread over every participant of every run). A cost recorded with a completion by hand
(`Enrollment.actual_cost`) is what that enrolment really cost and stands for its share; the
shares of the others stay as they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from talentloop.training.models import ACTIVE_STATUSES, CostItem, Course, Enrollment

# Hourly cost of an employee: monthly base ÷ 21.75 working days ÷ 8 hours. 21.75 is the
# statutory average of monthly working days (劳动和社会保障部《关于职工全年月平均工作时间和
# 工资折算问题的通知》劳社部发〔2008〕3号).
MONTHLY_WORKING_DAYS = Decimal("21.75")
HOURS_PER_DAY = Decimal(8)
FEN = Decimal("0.01")


def hourly_cost(monthly_base: Decimal | None) -> Decimal:
    if not monthly_base:
        return Decimal(0)
    return monthly_base / MONTHLY_WORKING_DAYS / HOURS_PER_DAY


@dataclass(frozen=True)
class CourseCost:
    fixed: Decimal  # session and course-wide items
    per_participant: Decimal  # per-participant items, times participants
    participants: int
    participants_hours: Decimal
    participants_time_cost: Decimal  # hours × each participant's hourly cost
    cash: Decimal  # fixed + per participant
    fully_loaded: Decimal  # cash + participants' time

    @property
    def cash_per_participant(self) -> Decimal | None:
        return (self.cash / self.participants).quantize(FEN) if self.participants else None


@dataclass(frozen=True)
class _Participant:
    session_id: int | None
    base_salary: Decimal | None


async def enrollment_costs(enrollments: list[Enrollment]) -> dict[int, Decimal]:
    """Cash cost of each active enrolment (cancelled and waitlisted ones cost nothing)."""
    active = [e for e in enrollments if e.status in ACTIVE_STATUSES]
    if not active:
        return {}
    course_ids = sorted({e.course_id for e in active})
    items = await CostItem.filter(course_id__in=course_ids)
    counts_by_session: dict[int, int] = defaultdict(int)
    counts_by_course: dict[int, int] = defaultdict(int)
    for course_id, session_id in await Enrollment.filter(
        course_id__in=course_ids, status__in=ACTIVE_STATUSES
    ).values_list("course_id", "session_id"):
        counts_by_course[course_id] += 1
        if session_id is not None:
            counts_by_session[session_id] += 1
    return {
        e.id: e.actual_cost
        if e.actual_cost is not None
        else _cash(items, e.course_id, e.session_id, counts_by_session, counts_by_course)
        for e in active
    }


def _cash(
    items: list[CostItem],
    course_id: int,
    session_id: int | None,
    by_session: dict[int, int],
    by_course: dict[int, int],
) -> Decimal:
    """One enrolment's cash cost, its session and course counting `by_session`/`by_course`
    participants (itself included)."""
    cost = Decimal(0)
    for item in items:
        if item.course_id != course_id:
            continue
        if item.session_id is not None and item.session_id != session_id:
            continue
        if item.per_participant:
            cost += item.amount
        elif item.session_id is not None:
            cost += item.amount / by_session[item.session_id]
        else:
            cost += item.amount / by_course[course_id]
    return cost.quantize(FEN)


async def new_enrollment_cost(course_id: int, session_id: int | None) -> Decimal:
    """The cash cost an enrolment about to be made would carry, as `enrollment_costs` counts
    it once it is active: its per-participant items and its share of the fixed ones."""
    items = await CostItem.filter(course_id=course_id)
    if not items:
        return Decimal(0)
    active = Enrollment.filter(course_id=course_id, status__in=ACTIVE_STATUSES)
    by_course = {course_id: await active.count() + 1}
    by_session = {}
    if session_id is not None:
        by_session[session_id] = await active.filter(session_id=session_id).count() + 1
    return _cash(items, course_id, session_id, by_session, by_course)


async def course_cost(course: Course) -> CourseCost:
    # (session, participant's monthly base) per active enrolment: no model instances, a
    # programme may have thousands of participants
    enrollments = [
        _Participant(session_id, salary)
        for session_id, salary in await Enrollment.filter(
            course_id=course.id, status__in=ACTIVE_STATUSES
        ).values_list("session_id", "employee__base_salary")
    ]
    items = await CostItem.filter(course_id=course.id)
    sessions_used = {e.session_id for e in enrollments}
    fixed = sum(
        (
            i.amount
            for i in items
            if not i.per_participant and (i.session_id is None or i.session_id in sessions_used)
        ),
        Decimal(0),
    )
    per_participant = Decimal(0)
    for enrollment in enrollments:
        per_participant += sum(
            (
                i.amount
                for i in items
                if i.per_participant
                and (i.session_id is None or i.session_id == enrollment.session_id)
            ),
            Decimal(0),
        )
    hours = course.duration_hours * len(enrollments)
    time_cost = sum(
        (course.duration_hours * hourly_cost(e.base_salary) for e in enrollments),
        Decimal(0),
    ).quantize(FEN)
    cash = (fixed + per_participant).quantize(FEN)
    return CourseCost(
        fixed=fixed.quantize(FEN),
        per_participant=per_participant.quantize(FEN),
        participants=len(enrollments),
        participants_hours=hours,
        participants_time_cost=time_cost,
        cash=cash,
        fully_loaded=(cash + time_cost).quantize(FEN),
    )
