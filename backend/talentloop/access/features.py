"""Which screens the SPA offers a viewer (`me { features }`): the union over every role grant they
hold, not the primary role alone. The server still decides every read and write; this only keeps
the menu to what makes sense for the person. The names are the SPA's `Feature`s (access.ts)."""

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
        "payroll",
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
        {"contracts", "payroll", "sensitiveExports", "policyTables", "positions", "approvalFlows"}
    ),
    Operation.DIRECT: frozenset(
        {"recruitment", "attendanceSheet", "assessments", "trainingPlans", "attendance"}
    ),
    Operation.DECIDE: frozenset({"approvals"}),
    Operation.REPORTS: frozenset(
        {"trainingReport", "hrReports", "dashboard", "capabilityAnalysis"}
    ),
}


async def features(viewer: Viewer) -> list[str]:
    """The screens offered to the viewer, sorted: every grant's, one's own pages for an employee."""
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
    return sorted(found)
