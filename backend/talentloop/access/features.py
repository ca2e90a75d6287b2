"""Which screens and actions the SPA offers a viewer (`me { features }`): the union over every role
grant they hold, not the primary role alone. The server still decides every read and write; this
only keeps the menu and a page's buttons to what makes sense for the person. The names are the
SPA's `Feature`s (menu entries) and `Action`s (buttons on a page) in access.ts."""

from __future__ import annotations

from talentloop.access.policy import Operation, Viewer
from talentloop.accounts.models import Role
from talentloop.org.models import OrgUnit, OrgUnitType

HR = frozenset({Role.HQ_HR, Role.BRANCH_HR})

# Screens about one's own record: for anyone who is an employee (the admin account is not).
OWN_FEATURES = frozenset(
    {
        "myReviews",
        "myCapabilities",
        "skillTests",
        "myLearning",
        "recommendedCourses",
        "clockIn",
        "myAttendance",
        "leave",
        "payslips",
        "myInterviews",  # anyone may be an interviewer
    }
)
# The course library is open to everyone signed in, and anyone signed in with a password makes
# their own API tokens (accounts/api_tokens.py).
EVERYONE = frozenset({"courses", "apiTokens"})
# Everything HR is offered (the admin account shares the catalogue screens, not the work ones).
_HR_FEATURES = frozenset(
    {
        "dashboard",
        "myKpis",
        "assessments",
        "pay",
        "import",
        "capabilityAnalysis",
        "competencyFramework",
        "courses",
        "trainingPlans",
        "attendance",
        "trainingReport",
        "hrReports",
        "approvals",
        "approvalFlows",
        "contracts",
        "recruitment",
        "attendanceSheet",
        "leaveOverview",  # the leave of the people read at WORK (attendance/leave_overview.py)
        "payroll",
        "payrollOpenings",  # the previous system's figures of a year (payroll/openings.py)
        "sensitiveExports",
        "policyTables",
        "positions",
        "kpis",
        "triggerRules",
        "periodClose",  # HQ HR closes the company's months, HR a unit's (performance/closing.py)
        "externalEvents",
        "attendanceRules",
        "punchImport",
        "trainingRules",
        "trainers",
    }
)
BY_ROLE: dict[Role, frozenset[str]] = {
    Role.HQ_HR: _HR_FEATURES | {"roles", "accounts", "auditLog"},
    Role.BRANCH_HR: _HR_FEATURES,
    Role.ADMIN: frozenset(
        {
            "accounts",
            "dashboard",
            "myKpis",
            "assessments",
            "pay",
            "import",
            "capabilityAnalysis",
            "competencyFramework",
            "courses",
            "trainingPlans",
            "attendance",
        }
    ),
    Role.MANAGER: frozenset(
        {
            "dashboard",
            "myKpis",
            "assessments",
            "capabilityAnalysis",
            "courses",
            "trainingPlans",
            "attendance",
            "trainingReport",
            "hrReports",
            "approvals",
            "recruitment",
            "attendanceSheet",
            "leaveOverview",
            "kpis",
        }
    ),
    Role.EXECUTIVE: frozenset(
        {
            "dashboard",
            "pay",  # the boss decides on restoring pay
            "capabilityAnalysis",
            "courses",
            "trainingPlans",
            "trainingReport",
            "hrReports",
            "approvals",
        }
    ),
    Role.EMPLOYEE: frozenset({"myKpis", "courses", "approvals"}),
}
# A custom role (no built-in role behind it) is offered the screens of its operations.
BY_OPERATION: dict[Operation, frozenset[str]] = {
    Operation.MANAGE: frozenset(
        {
            "contracts",
            "payroll",
            "payrollOpenings",
            "sensitiveExports",
            "policyTables",
            "positions",
            "approvalFlows",
        }
    ),
    Operation.DIRECT: frozenset(
        {
            "recruitment",
            "attendanceSheet",
            "leaveOverview",
            "assessments",
            "trainingPlans",
            "attendance",
        }
    ),
    Operation.DECIDE: frozenset({"approvals"}),
    Operation.REPORTS: frozenset(
        {"trainingReport", "hrReports", "dashboard", "capabilityAnalysis"}
    ),
}


# Buttons on a page, from the operations one grant carries, so a custom role with the operations
# gets them as the built-in roles do. Each mirrors its service's check: records, calibration and
# required levels where the viewer manages (can_manage_employees_in / can_manage_setting_in);
# running recruitment where they manage and also direct (the postings and candidates are listed
# where the viewer directs: recruitment/service.py _directed).
ACTIONS_BY_OPERATIONS: dict[str, frozenset[Operation]] = {
    "editEmployees": frozenset({Operation.MANAGE}),
    "calibrate": frozenset({Operation.MANAGE}),
    "setRequiredLevels": frozenset({Operation.MANAGE}),
    "recruit": frozenset({Operation.MANAGE, Operation.DIRECT}),
}
# Actions that are no operation's: HQ HR's own powers need the built-in role held company-wide
# (Viewer.is_hq_hr: the competency framework, the time zones of the company and its units),
# accounts the administrator's or HQ HR's (Viewer.can_manage_accounts).
OWN_POWER_ACTIONS = frozenset({"editFramework", "setTimeZones", "manageAccounts"})
ACTIONS = frozenset(ACTIONS_BY_OPERATIONS) | OWN_POWER_ACTIONS


def actions(viewer: Viewer) -> set[str]:
    """The buttons the viewer is offered: what some grant's operations allow, and their own powers."""
    found = {
        action
        for action, needs in ACTIONS_BY_OPERATIONS.items()
        if any(g.unit_path is not None and needs <= g.operations for g in viewer.grants)
    }
    if viewer.is_hq_hr:
        found |= {"editFramework", "setTimeZones"}
    if viewer.can_manage_accounts:
        found.add("manageAccounts")
    return found


async def features(viewer: Viewer) -> list[str]:
    """The screens and actions offered to the viewer, sorted: every grant's, one's own pages for an
    employee."""
    if not viewer.is_authenticated or viewer.must_change_password:
        return []
    found: set[str] = set(EVERYONE)
    for role in viewer.roles:
        found |= BY_ROLE.get(role, frozenset())
    for grant in viewer.grants:
        if grant.role is None and grant.employee_id is None:
            for operation in grant.operations:
                found |= BY_OPERATION.get(operation, frozenset())
    if viewer.employee_id is not None:
        found |= OWN_FEATURES
    # A branch head approves the first step of restoring performance pay (performance/pay.py).
    if "pay" not in found and viewer.holds(Role.MANAGER):
        paths = viewer.role_paths(Role.MANAGER)
        if await OrgUnit.filter(path__in=paths, type=OrgUnitType.BRANCH).exists():
            found.add("pay")
    return sorted(found | actions(viewer))
