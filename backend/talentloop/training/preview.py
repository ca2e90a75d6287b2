"""What enrolling people on a course would mean, shown before the manager submits (issue 21
point 7): each learner's cash cost (`costs.py`, the amount their approval request would carry),
the total, the budget left in the plan that covers them, and whether approval is needed and by
whom (`approvals/preview.py`, the engine's own resolution). Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from talentloop.access.policy import Viewer
from talentloop.approvals import preview as approvals_preview
from talentloop.approvals.models import RequestType
from talentloop.approvals.service import china_today
from talentloop.i18n import gettext
from talentloop.people.models import Employee
from talentloop.training import costs, service
from talentloop.training.models import CourseFormat, CourseSession, TrainingPlan

MAX_PEOPLE = 50


@dataclass(frozen=True)
class PreviewLine:
    employee_id: int
    cost: Decimal
    needs_approval: bool
    approver_text: str


@dataclass(frozen=True)
class PlanLeft:
    title: str
    left: Decimal


@dataclass(frozen=True)
class EnrollmentPreview:
    cost_per_person: Decimal
    lines: list[PreviewLine]
    budget: PlanLeft | None  # the nearest plan of this year over the learners that the viewer reads

    @property
    def total(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal(0))

    @property
    def needs_approval(self) -> bool:
        return any(line.needs_approval for line in self.lines)

    @property
    def approver_text(self) -> str:
        """The distinct approver sentences, in the order of the learners."""
        seen: list[str] = []
        for line in self.lines:
            if line.needs_approval and line.approver_text not in seen:
                seen.append(line.approver_text)
        return gettext("; ").join(seen)


async def enrollment_preview(
    viewer: Viewer, course_id: int, session_id: int | None, employee_ids: list[int]
) -> EnrollmentPreview | None:
    """None when the course is not in the viewer's catalogue. Learners the viewer may not enrol
    (not seen, or neither themself nor directed nor managed) are left out, as if missing."""
    course = await service.get_course(viewer, course_id)
    if course is None:
        return None
    session = None
    if session_id is not None and course.format in (CourseFormat.WORKSHOP, CourseFormat.BLENDED):
        session = await CourseSession.get_or_none(id=session_id, course_id=course.id)
    cost = await costs.new_enrollment_cost(course.id, session.id if session else None)
    ids = list(dict.fromkeys(employee_ids))[:MAX_PEOPLE]
    people = {
        e.id: e
        for e in await Employee.filter(id__in=ids).select_related("unit")
        if _may_enrol(viewer, e)
    }
    lines = []
    for employee_id in ids:
        employee = people.get(employee_id)
        if employee is None:
            continue
        text = ""
        if cost > 0:
            stage = await approvals_preview.first_stage(
                RequestType.TRAINING_ENROLMENT,
                requester_id=viewer.user_id,
                unit=employee.unit,
                employee_id=employee.id,
                amount=cost,
            )
            text = await approvals_preview.approver_text(stage)
        lines.append(PreviewLine(employee.id, cost, cost > 0, text))
    budget = await _budget_left([people[line.employee_id] for line in lines], viewer)
    return EnrollmentPreview(cost, lines, budget)


def _may_enrol(viewer: Viewer, employee: Employee) -> bool:
    path = employee.unit.path
    if not viewer.can_see_employee(employee.id, path):
        return False
    return (
        employee.id == viewer.employee_id
        or viewer.can_manage_employees_in(path)
        or viewer.can_direct_in(path)
    )


async def _budget_left(people: list[Employee], viewer: Viewer) -> PlanLeft | None:
    """The plan of this (China) year nearest above the first learner's unit, where the viewer
    reads it (service.may_read_plan): its budget less what its enrolments already cost."""
    if not people:
        return None
    unit = people[0].unit
    chain = [*unit.ancestor_ids(), unit.id]
    plans = await TrainingPlan.filter(unit_id__in=chain, year=china_today().year).select_related(
        "unit"
    )
    plans.sort(key=lambda p: (-chain.index(p.unit_id), p.id))
    for plan in plans:
        if service.may_read_plan(viewer, plan):
            budget = await service.plan_budget(plan)
            return PlanLeft(plan.title, budget.remaining)
    return None
