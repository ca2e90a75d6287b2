"""What needs the viewer now, with counts and the page that holds it, and the key figures of
their scope — each read through its own domain's service, so the workbench shows exactly what
that page shows (access stays in one place; nothing is recomputed here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from talentloop.access.features import features
from talentloop.access.policy import Operation, Viewer
from talentloop.analytics.service import may_read_reports
from talentloop.approvals import service as approvals
from talentloop.approvals.service import china_today
from talentloop.attendance import service as attendance
from talentloop.attendance.calendar import days_of_month
from talentloop.attendance.models import LeaveStatus
from talentloop.performance import pay, triggers
from talentloop.performance.models import SuspensionStatus
from talentloop.records import service as records
from talentloop.recruitment import service as recruitment
from talentloop.recruitment.models import RequisitionStatus
from talentloop.reports import service as reports
from talentloop.skills import service as skills
from talentloop.training import service as training
from talentloop.training.models import EnrollmentStatus

# Contracts and probations ending within this many days are on HR's workbench.
EXPIRY_DAYS = 30


@dataclass(frozen=True)
class WorkItem:
    key: str  # what it is (the SPA names it)
    count: int
    link: str  # the SPA's page that holds it


@dataclass
class Workbench:
    features: list[str]
    items: list[WorkItem] = field(default_factory=list)  # what applies to the viewer
    figures: list[WorkItem] = field(default_factory=list)  # key figures of their scope


async def workbench(
    viewer: Viewer, today: date | None = None, now: datetime | None = None
) -> Workbench:
    """Each item the viewer's screens (`features`) offer, with its count (zero included: the
    SPA tells "nothing pending" from "nothing for you" by whether there are items)."""
    now = now or datetime.now(UTC)
    today = today or china_today(now)
    offered = set(await features(viewer))
    found = Workbench(sorted(offered))
    items = found.items

    if "approvals" in offered:
        items.append(
            WorkItem("approvals", len(await approvals.my_open_tasks(viewer, now)), "/approvals")
        )
    if "myReviews" in offered:
        items.append(WorkItem("ratings", len(await skills.my_tasks(viewer)), "/my-reviews"))
    directed = viewer.act_filter(Operation.DIRECT, "employee__unit__path")
    if "assessments" in offered and directed is not None:
        breaches = triggers.open_requests(viewer).filter(directed)
        if viewer.employee_id is not None:
            breaches = breaches.exclude(employee_id=viewer.employee_id)
        items.append(WorkItem("assessments", await breaches.count(), "/assessments"))
    if "myInterviews" in offered:
        due = await recruitment.interviewer_due(viewer, now)
        items.append(WorkItem("interviews", due.to_hold, "/my-interviews"))
        items.append(WorkItem("scorecards", due.scorecards, "/my-interviews"))
    if "contracts" in offered and viewer.can_manage_employees:
        ending = await records.expiring(viewer, within=EXPIRY_DAYS, today=today)
        contracts = sum(1 for e in ending if e.what == "contract")
        items.append(WorkItem("contracts", contracts, "/contracts"))
        items.append(WorkItem("probations", len(ending) - contracts, "/contracts"))
    month = today.replace(day=1)
    if "myAttendance" in offered and viewer.employee_id is not None:
        own = await attendance.employee_month(viewer, viewer.employee_id, month, today)
        days = own.summary.missing_punch_days if own is not None else 0
        items.append(WorkItem("missingPunches", days, "/my-attendance"))
    if "attendanceSheet" in offered:
        people = await attendance.missing_punches_in_scope(viewer, month, today)
        items.append(WorkItem("teamMissingPunches", people, "/attendance-sheet"))
    if "skillTests" in offered:
        items.append(WorkItem("skillTests", await skills.untaken_tests(viewer), "/skill-tests"))
    if "myLearning" in offered and viewer.employee_id is not None:
        learning = training.visible_enrollments(viewer).filter(
            employee_id=viewer.employee_id,
            status__in=(EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS),
        )
        items.append(WorkItem("enrolments", await learning.count(), "/my-learning"))

    if may_read_reports(viewer):
        found.figures = await _figures(viewer, today, offered)
    return found


async def _figures(viewer: Viewer, today: date, offered: set[str]) -> list[WorkItem]:
    """Key figures for those who read reports (HR, managers, the boss), over their scope."""
    figures: list[WorkItem] = []
    headcount = await reports.headcount_on(viewer, today)
    if headcount is not None:
        figures.append(WorkItem("headcount", headcount, "/reports/hr"))
    if "recruitment" in offered:
        open_ = recruitment.visible_requisitions(viewer).filter(status=RequisitionStatus.APPROVED)
        figures.append(WorkItem("openRequisitions", await open_.count(), "/recruitment"))
    days = days_of_month(today)
    on_leave = (
        attendance.visible_leave_requests(viewer)
        .filter(status=LeaveStatus.APPROVED, start_date__lte=days[-1], end_date__gte=days[0])
        .values_list("employee_id", flat=True)
    )
    link = "/attendance-sheet" if "attendanceSheet" in offered else "/leave"
    figures.append(WorkItem("onLeave", len(set(await on_leave)), link))
    at_risk = triggers.open_requests(viewer).values_list("employee_id", flat=True)
    figures.append(WorkItem("kpiAtRisk", len(set(await at_risk)), "/dashboard"))
    suspended = [
        s for s in await pay.list_suspensions(viewer) if s.status != SuspensionStatus.RESTORED
    ]
    figures.append(
        WorkItem("paySuspensions", len(suspended), "/pay" if "pay" in offered else "/dashboard")
    )
    return figures
