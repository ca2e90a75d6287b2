"""The authorization matrix: who may read and change what, at which relation, declared once.

policy.py says what a role holds (grants: subtrees and field groups); this module says what
that means for every part of the API, in the terms an HR person checks it by. A **relation**
is where the person (or unit) a record belongs to sits relative to the viewer:

| relation       | a person…                                   | a unit…                              |
|----------------|---------------------------------------------|--------------------------------------|
| `self`         | is the viewer                               | (as `same_team`)                     |
| `same_team`    | works in the viewer's own unit              | is the viewer's own unit             |
| `same_unit`    | works in another team of the viewer's department | is another team of that department |
| `same_branch`  | works in another department of the viewer's branch | is in the viewer's branch         |
| `other_branch` | works in another branch                     | is in another branch                 |

A manager here is a team lead: their scope is their own unit (what `access/viewer.py` gives
when no other scope unit is set).

- `REACH` lists, per reach and role, the relations it covers; a reach is a field group
  (`directory` … `sensitive`, restating policy.py's grants), a place where a role acts
  (`directed`, `managed`) or a rule of its own (`plan`, `own`, `signed_in`…).
- `TYPES`: every Node type, by what a record belongs to (a person, a unit, a user, nobody)
  → the reach that may read it; `VALUE_TYPES`: every other object type, which is exactly
  as visible as the fields that return it (the note says which).
- `FIELDS`: fields readable by fewer viewers than their type (Employee's by field group,
  from people/fields.py; the others here).
- `QUERIES`: every root query field, by what it reads (`Read`); `LOOKUPS`, the ones that
  look a record up by id, are where access/guard.py audits a denied read.
- `MUTATIONS`: every mutation, as the checks its service makes in order — a role gate
  (FORBIDDEN), finding the target (NOT_FOUND, exactly like a record that does not exist),
  the right to change it (FORBIDDEN), then for those in `REFUSES_SELF` (self_dealing.py)
  the target being the viewer themself (SELF_DEALING).
- `EDGES_WITH_PARENT`: the nested fields that show a record wherever their parent is
  visible; every other edge shows a record only where the viewer may read it on its own.

tests/access/test_matrix_declarations.py fails when the schema holds a type, root field,
mutation or Employee field that is not declared here; tests/access/test_matrix.py checks
every declaration through the HTTP API for each role and relation. How to add a type:
docs/architecture.md, "Access control".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from talentloop.access.policy import FieldGroup, Grant, Operation, Viewer
from talentloop.access.self_dealing import REFUSES_OWN_UNIT, REFUSES_SELF
from talentloop.accounts.models import Role
from talentloop.people.fields import EMPLOYEE_FIELDS


class Relation(StrEnum):
    SELF = "self"
    SAME_TEAM = "same_team"
    SAME_UNIT = "same_unit"
    SAME_BRANCH = "same_branch"
    OTHER_BRANCH = "other_branch"


class Reach(StrEnum):
    # What a role reads of a person (restating policy.py's role table).
    DIRECTORY = "directory"  # the person exists for the viewer: name, unit, work contacts
    WORK = "work"  # hire dates and everything about their work: KPIs, scores, training
    PERSONAL = "personal"
    PAY = "pay"
    SENSITIVE = "sensitive"  # ID and bank numbers, always masked
    # Units: a unit in one of the viewer's subtrees (or above one) exists for them.
    UNIT = "unit"
    # A unit's figures (its members' performance summed up): where the viewer reads its
    # members at WORK, and the units the viewer belongs to.
    UNIT_AT_WORK = "unit_at_work"
    # Where a role acts.
    DIRECTED = "directed"  # Viewer.can_direct_in: targets, 360° rounds, enrolling a team
    MANAGED = "managed"  # Viewer.can_manage_employees_in: records, pay, plans, org units
    # Asking to restore performance pay (performance/pay.may_ask_restore): HR where it
    # manages, and the boss, who reads the report it rests on, wherever their grant covers.
    ASKS_RESTORE = "asks_restore"
    OWN_OR_DIRECTED = "own_or_directed"  # one's own enrolment, or one one directs
    OWN_OR_MANAGED = "own_or_managed"  # one's own leave request, or one HR files
    DECIDES_LEAVE = "decides_leave"  # where one directs, never one's own (and direct reports)
    # Rules of their own.
    PLAN = "plan"  # training plans: where one directs; the boss everywhere
    OWN = "own"  # the viewer's own alone (their jobs, rating tasks)
    OWN_OR_HQ_HR = "own_or_hq_hr"  # import jobs: the importer's and HQ HR's
    OWN_OR_ACCOUNTS = "own_or_accounts"  # user accounts: one's own; the administrator and HQ HR all
    SIGNED_IN = "signed_in"  # not personal data: anyone signed in


EVERYWHERE = frozenset(Relation)
IN_BRANCH = EVERYWHERE - {Relation.OTHER_BRANCH}
IN_TEAM = frozenset({Relation.SELF, Relation.SAME_TEAM})
SELF_ONLY = frozenset({Relation.SELF})
NOWHERE: frozenset[Relation] = frozenset()
ROLES = tuple(Role)


def _by_role(
    *,
    hq_hr: frozenset[Relation],
    branch_hr: frozenset[Relation],
    manager: frozenset[Relation],
    employee: frozenset[Relation],
    executive: frozenset[Relation],
    admin: frozenset[Relation],
) -> dict[Role, frozenset[Relation]]:
    return {
        Role.HQ_HR: hq_hr,
        Role.BRANCH_HR: branch_hr,
        Role.MANAGER: manager,
        Role.EMPLOYEE: employee,
        Role.EXECUTIVE: executive,
        Role.ADMIN: admin,
    }


_HR_FILE = _by_role(  # personal, pay and sensitive fields: HR in scope, and oneself
    hq_hr=EVERYWHERE,
    branch_hr=IN_BRANCH,
    manager=SELF_ONLY,
    employee=SELF_ONLY,
    executive=SELF_ONLY,
    admin=SELF_ONLY,
)
_DIRECTORY = _by_role(
    hq_hr=EVERYWHERE,
    branch_hr=IN_BRANCH,
    manager=IN_BRANCH,
    employee=IN_BRANCH,
    executive=EVERYWHERE,
    admin=EVERYWHERE,
)

REACH: dict[Reach, dict[Role, frozenset[Relation]]] = {
    Reach.DIRECTORY: _DIRECTORY,
    Reach.WORK: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=IN_TEAM,
        employee=SELF_ONLY,
        executive=EVERYWHERE,
        admin=SELF_ONLY,
    ),
    Reach.PERSONAL: _HR_FILE,
    Reach.PAY: _HR_FILE,
    Reach.SENSITIVE: _HR_FILE,
    Reach.UNIT: _DIRECTORY,
    Reach.UNIT_AT_WORK: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=IN_TEAM,
        employee=IN_TEAM,  # for a unit, same_team is their own unit (or one above it)
        executive=EVERYWHERE,
        admin=IN_TEAM,
    ),
    Reach.DIRECTED: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=IN_TEAM,
        employee=NOWHERE,
        executive=NOWHERE,
        admin=NOWHERE,
    ),
    Reach.MANAGED: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=NOWHERE,
        employee=NOWHERE,
        executive=NOWHERE,
        admin=NOWHERE,
    ),
    Reach.ASKS_RESTORE: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=NOWHERE,
        employee=NOWHERE,
        executive=EVERYWHERE,
        admin=NOWHERE,
    ),
    Reach.OWN_OR_DIRECTED: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=IN_TEAM,
        employee=SELF_ONLY,
        executive=SELF_ONLY,
        admin=SELF_ONLY,
    ),
    Reach.OWN_OR_MANAGED: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=SELF_ONLY,
        employee=SELF_ONLY,
        executive=SELF_ONLY,
        admin=SELF_ONLY,
    ),
    Reach.DECIDES_LEAVE: _by_role(
        hq_hr=EVERYWHERE - SELF_ONLY,
        branch_hr=IN_BRANCH - SELF_ONLY,
        manager=IN_TEAM - SELF_ONLY,
        employee=NOWHERE,
        executive=NOWHERE,
        admin=NOWHERE,
    ),
    Reach.PLAN: _by_role(
        hq_hr=EVERYWHERE,
        branch_hr=IN_BRANCH,
        manager=IN_TEAM,  # and the plans of the units above their team
        employee=NOWHERE,
        executive=EVERYWHERE,
        admin=NOWHERE,
    ),
    Reach.OWN: {role: SELF_ONLY for role in ROLES},
    Reach.OWN_OR_HQ_HR: {role: EVERYWHERE if role is Role.HQ_HR else SELF_ONLY for role in ROLES},
    Reach.OWN_OR_ACCOUNTS: {
        role: EVERYWHERE if role in (Role.ADMIN, Role.HQ_HR) else SELF_ONLY for role in ROLES
    },
    Reach.SIGNED_IN: {role: EVERYWHERE for role in ROLES},
}

GROUP_REACH: dict[FieldGroup, Reach] = {
    FieldGroup.DIRECTORY: Reach.DIRECTORY,
    FieldGroup.WORK: Reach.WORK,
    FieldGroup.PERSONAL: Reach.PERSONAL,
    FieldGroup.PAY: Reach.PAY,
    FieldGroup.SENSITIVE: Reach.SENSITIVE,
}


def reaches(reach: Reach, role: Role | None, relation: Relation) -> bool:
    """Whether a viewer of this role reaches a record at this relation (anonymous: never)."""
    return role is not None and relation in REACH[reach][role]


# --- types -----------------------------------------------------------------------------------


class Owner(StrEnum):
    """What a record belongs to, which decides its relation to a viewer."""

    PERSON = "person"  # an employee: the record is about them
    UNIT = "unit"  # an org unit
    USER = "user"  # a user account that made it (a job) or is it
    NOBODY = "nobody"  # the catalogue and company-wide rules


@dataclass(frozen=True)
class TypeAccess:
    """Who reads a record of this type, by what it belongs to (a type may have several)."""

    reads: dict[Owner, Reach]
    note: str = ""


def _t(note: str = "", **reads: Reach) -> TypeAccess:
    return TypeAccess({Owner(k): v for k, v in reads.items()}, note)


TYPES: dict[str, TypeAccess] = {
    # people and the organisation
    "Employee": _t("fields by group: FIELDS", person=Reach.DIRECTORY),
    "Position": _t("the position catalogue", nobody=Reach.SIGNED_IN),
    "OrgUnit": _t("units in or above the viewer's subtrees", unit=Reach.UNIT),
    "User": _t(
        "a user's own account; every account: the administrator and HQ HR",
        user=Reach.OWN_OR_ACCOUNTS,
    ),
    # performance
    "Kpi": _t("KPI definitions", nobody=Reach.SIGNED_IN),
    "KpiTarget": _t("a person's target, or a unit's", person=Reach.WORK, unit=Reach.UNIT),
    "PerformanceRecord": _t(person=Reach.WORK),
    "TriggerRule": _t("company-wide rules, or a unit's", nobody=Reach.SIGNED_IN, unit=Reach.UNIT),
    "AssessmentRequest": _t(person=Reach.WORK),
    "PaySuspension": _t("its progress is the unit's people's performance", unit=Reach.UNIT_AT_WORK),
    "RestoreRequest": _t("wherever its suspension is", unit=Reach.UNIT_AT_WORK),
    "ImportJob": _t(user=Reach.OWN_OR_HQ_HR),
    # capability
    "CompetencyCategory": _t(nobody=Reach.SIGNED_IN),
    "Competency": _t(nobody=Reach.SIGNED_IN),
    "AssessmentRound": _t("group counts and means, never a rater", person=Reach.WORK),
    "RaterTask": _t("the rater's alone", user=Reach.OWN),
    "SkillTest": _t(nobody=Reach.SIGNED_IN),
    "TestAttempt": _t("a score is capability data, like the round", person=Reach.WORK),
    # training
    "Course": _t("the library; its cost: FIELDS", nobody=Reach.SIGNED_IN),
    "CourseSession": _t(nobody=Reach.SIGNED_IN),
    "Enrollment": _t(person=Reach.WORK),
    "TrainingPlan": _t(unit=Reach.PLAN),
    "TrainingTargetRule": _t(nobody=Reach.SIGNED_IN),
    "Trainer": _t("company-wide trainers, or a unit's", nobody=Reach.SIGNED_IN, unit=Reach.UNIT),
    # analytics
    "ExternalEvent": _t(unit=Reach.UNIT),
    "ReportJob": _t("the figures are the requester's scope: theirs alone", user=Reach.OWN),
    # records
    "Contract": _t("a labour contract is part of the person's work record", person=Reach.WORK),
    # attendance
    "AttendanceRuleSet": _t(
        "a region's or the company default; or a unit's", nobody=Reach.SIGNED_IN, unit=Reach.UNIT
    ),
    "AttendanceLocation": _t("a unit's place to clock in", unit=Reach.UNIT),
    "LeaveRequest": _t(person=Reach.WORK),
    "OvertimeRequest": _t(person=Reach.WORK),
    # payroll
    "PayrollRun": _t("HR of the unit's branch and HQ HR run it", unit=Reach.MANAGED),
    "Payslip": _t(
        "HR who run its run (by the run's unit) at any stage; once approved, the employee's "
        "own and HR in scope of the person: PAY",
        person=Reach.PAY,
    ),
    "PayrollOpening": _t(
        "the previous system's pay figures of a year: HR in charge of the person (their PAY)",
        person=Reach.MANAGED,
    ),
    # approvals
    "ApprovalRequest": _t(
        "the person it is about (and its requester) and HR in scope; its approvers and their "
        "delegates too (persons, not roles), always inside their own subtrees",
        person=Reach.PERSONAL,
    ),
    # recruitment
    "Requisition": _t(
        "where the viewer directs: HR in scope, the unit's team lead", unit=Reach.DIRECTED
    ),
    "Posting": _t("where the viewer directs, like its requisition", unit=Reach.DIRECTED),
    "Application": _t(
        "where the viewer directs; its interviewers too (persons, not roles), who read neither "
        "the candidate's contacts nor birth date, no pay figure (FIELDS), and the résumé only "
        "where HR shared it with their interview",
        unit=Reach.DIRECTED,
    ),
    # sensitive-data exports (privacy/exports.py)
    "SensitiveExport": _t(
        "full ID and bank numbers: the requester's alone (approvers read its ApprovalRequest)",
        user=Reach.OWN,
    ),
}

# Types that are not Nodes, each read only through the fields that return it, so it is
# exactly as visible as they are; the note says where that is.
VALUE_TYPES: dict[str, str] = {
    "PunchCorrection": "AttendanceDay.correction, requestPunchCorrection: whoever reads the day "
    "(the employee's own, or their attendance at WORK)",
    "PayrollRunChange": "PayrollRun.changes: only people whose pay the viewer reads",
    "PayrollFigures": "PayrollRunChange.before/after: as the change",
    "DecideApprovalsResult": "decideApprovals: each id's outcome for the viewer who decided",
    "ApiToken": "apiTokens: the viewer's own",
    "IssuedCredential": "createAccounts, resetUserPassword: the administrator and HQ HR, once",
    "AuditEntry": "auditLog: HQ HR",
    "Viewer": "me: the viewer",
    "Workbench": "workbench: the viewer's own to-dos, counted by each domain's scoped service",
    "WorkItem": "workbench: the viewer's own",
    "KeyFigure": "workbench: a count over what the viewer reads at WORK (report readers only)",
    "EffectiveKpiTarget": "employeeKpiTargets (the person's WORK)",
    "KpiSeries": "employeeKpis (the person's WORK), unitKpiSeries (the unit's members at WORK)",
    "KpiPoint": "KpiSeries, KpiBreakdownRow",
    "TargetAdjustmentInfo": "KpiPoint of a person",
    "KpiBreakdownRow": "unitKpiBreakdown: the unit's members at WORK",
    "PerformancePeriods": "performancePeriods: months with records of the people read at WORK",
    "PerformancePeriodInfo": "PerformancePeriods.periods",
    "PeriodCloseInfo": "PerformancePeriodInfo.closes (units the viewer sees); the close "
    "mutations' payload",
    "ConditionPeriodInfo": "PaySuspension.progress",
    "RestoreProgress": "PaySuspension.progress",
    "RestoreDecisionInfo": "RestoreRequest.decisions",
    "RestoreEvidence": "RestoreRequest.evidence; ApprovalRequest.restoreEvidence (the request's "
    "part: the unit's progress and the report's figures, read by whoever reads the request)",
    "RestoreEvidencePeriod": "RestoreEvidence.periods",
    "RestoreEvidenceEffect": "RestoreEvidence.effects",
    "ImportRowError": "ImportJob.errors",
    "ImportColumnMapping": "ImportJob.columnMapping",
    "ImportKindInfo": "Query.importKinds (the kinds the viewer may import)",
    "ImportColumn": "ImportKindInfo.columns",
    "ImportErrorGroup": "ImportJob.errorGroups",
    "ImportPreview": "previewImport: the viewer's own file, for who may import the kind",
    "ImportPreviewHeader": "ImportPreview.headers",
    "ImportPreviewColumn": "ImportPreview.values",
    "ImportPreviewValue": "ImportPreviewColumn.values",
    "LevelDescription": "Competency.levels",
    "RequiredLevelInfo": "Competency.requiredLevels: company-wide, or of a unit the viewer sees",
    "ScoreSourceResult": "CompetencyScoreInfo.sources",
    "CompetencyScoreInfo": "employeeCompetencies (the person's WORK), HeatMapRow",
    "HeatMapRow": "competencyHeatMap: the unit's members at WORK",
    "CompetencyHeatMap": "competencyHeatMap: a unit the viewer sees",
    "MentorSuggestion": "CompetencyHeatMap.mentors: the branch's people the viewer reads at WORK",
    "UnderPerformerShareRow": "underPerformerAnalysis",
    "UnderPerformerAnalysisInfo": "underPerformerAnalysis: people at WORK",
    "RaterGroupCount": "AssessmentRound.groups: counts, never who; answers only once closed",
    "RoundProgressInfo": "AssessmentRound.progress: the whole round's count, never a group's",
    "RoundGroupResult": "AssessmentRound.results: once closed; anonymous groups below minRaters hidden",
    "MyRating": "RaterTask.myRatings: the rater's own",
    "QuestionOption": "TestQuestion.options",
    "TestQuestion": "TestAttempt.questions: the ones it drew, without the answers",
    "LevelThreshold": "SkillTest.levelThresholds",
    "CourseCompetencyInfo": "Course.competencies",
    "Lesson": "Course.lessons",
    "CourseCostInfo": "Course.cost: FIELDS",
    "EnrollmentPreview": "Course.enrollmentPreview: the learners the viewer may enrol; a plan they read",
    "EnrollmentPreviewLine": "EnrollmentPreview.lines: a learner the viewer may enrol",
    "GapClosedInfo": "CourseRecommendation.reasons",
    "CourseRecommendation": "recommendedCourses: the person's WORK",
    "PlanItemInfo": "TrainingPlan.items",
    "TrainingBudget": "TrainingPlan.budget",
    "ParticipationPointInfo": "trainingParticipation: people at WORK",
    "TrainingBonusInfo": "trainingBonuses: the person's WORK",
    "TrainingEffectReport": "trainingEffectReport: report roles, people at WORK",
    "TrainingEffectReportDefaults": "trainingEffectReportDefaults: report roles",
    "GroupComparison": "TrainingEffectReport",
    "ConfidenceInterval": "TrainingEffectReport",
    "EffectEstimateInfo": "TrainingEffectReport",
    "RoiInfo": "TrainingEffectReport",
    "EffectTrendPoint": "TrainingEffectReport",
    "CompetencyCorrelationInfo": "TrainingEffectReport",
    "KpiValuation": "kpiValuations: HQ HR, branch HR, the boss",
    "EmploymentEvent": "TimelineItem.event",
    "LifecycleChange": "employeeLifecycleChanges (the person's WORK); ApprovalRequest."
    "lifecycleChange: part of the request (names and dates, no pay figure)",
    "OffboardingItem": "LifecycleChange.checklist",
    "FieldChange": "TimelineItem.change: a field the viewer may not read shows no values",
    "TimelineItem": "employeeTimeline: the person's WORK",
    "ContractExpiry": "expiringContracts: HR, the people they manage",
    "EmployeeRecord": "employeeRecord: the person's PERSONAL",
    "Education": "EmployeeRecord.education",
    "WorkHistory": "EmployeeRecord.workHistory",
    "EmergencyContact": "EmployeeRecord.emergencyContacts: personal data (PERSONAL)",
    "ArchiveDocument": "EmployeeRecord.documents: an ID copy only where SENSITIVE is read",
    "Punch": "AttendanceMonth.punches, clockIn: the person's WORK",
    "AttendanceDay": "AttendanceMonth.days, AttendanceSheetRow.days",
    "LeaveDays": "AttendanceSummary.leaveDays",
    "AttendanceSummary": "AttendanceMonth, AttendanceSheetRow",
    "AttendanceMonth": "myAttendance (the viewer), attendanceMonth (the person's WORK)",
    "AttendanceSheetRow": "AttendanceSheet.rows: the unit's members at WORK",
    "AttendanceSheet": "attendanceSheet: a unit the viewer sees",
    "DownloadFile": "attendanceSheetXlsx: the unit's members at WORK",
    "WorkCalendarDay": "workCalendar: the State Council's calendar, anyone signed in",
    "WorkCalendarYear": "workCalendarYear: the work calendar, anyone signed in",
    "WorkCalendarEntry": "WorkCalendarYear.days; setCalendarDays, removeCalendarDay (HQ HR)",
    "LeaveBalanceInfo": "leaveBalances: the person's WORK",
    "LeaveAwayDay": "leaveAway: the leave of the people the viewer reads at WORK",
    "ApprovalTask": "ApprovalRequest.tasks",
    # an approval card's context (approvals/contexts.py): part of the request, read by whoever
    # reads it; what the viewer may not read elsewhere is null or left out
    "LeaveContext": "ApprovalRequest.leaveContext: the balance only where the person's "
    "attendance is read at WORK (as leaveBalances)",
    "TeamAbsence": "LeaveContext.teamAbsences: teammates' leave the viewer reads at WORK",
    "RequisitionContext": "ApprovalRequest.requisitionContext: the budget only where the viewer "
    "directs the unit (as Requisition.budget)",
    "PayrollContext": "ApprovalRequest.payrollContext: the run's totals, which its approvers "
    "sign off (no person's pay)",
    "PayrollTotals": "PayrollContext.current/previous",
    "EnrolmentContext": "ApprovalRequest.enrolmentContext: the budget only where the viewer "
    "reads the plan (as trainingPlans)",
    "ApprovalEvent": "ApprovalRequest.history",
    "ApprovalFlow": "approvalFlows: HR, the company defaults and the flows of its scope",
    "ApprovalStep": "ApprovalFlow.steps",
    "ApprovalDelegation": "myDelegations: the viewer's own, given and taken",
    "PunchRowError": "importPunches: rows of people the viewer manages",
    "PayslipLine": "Payslip.lines",
    "PayrollRunComparison": "PayrollRun.comparison",
    "EmployeePay": "employeePay: the person's PAY",
    "SalaryStructure": "employeePay (the person's PAY), positionSalaryStructures (HR)",
    "SalaryComponent": "SalaryStructure.components",
    "SpecialDeduction": "EmployeePay.specialDeductions",
    "PayrollItem": "EmployeePay.items",
    "SocialInsuranceTable": "socialInsuranceTables: HR",
    "SocialInsuranceRate": "SocialInsuranceTable.rates",
    "IncomeTaxTable": "incomeTaxTables: HR; addIncomeTaxTable (HQ HR)",
    "TaxBracket": "IncomeTaxTable.brackets, IncomeTaxTable.bonusBrackets",
    "Candidate": "Application.candidate",
    "CandidateEducation": "Candidate.education",
    "CandidateWork": "Candidate.workHistory",
    "Resume": "Candidate.resume: where the viewer directs, or HR shared it with their interview",
    "Interview": "Application.interviews; myInterviews: the viewer's own (as interviewer)",
    "Scorecard": "Interview.scorecards: an interviewer sees the others' once theirs is in",
    "ScorecardRating": "Scorecard.ratings",
    "Offer": "Application.offer; its salary: FIELDS",
    "OnboardingTask": "Application.onboarding; employeeOnboarding: the person's WORK",
    "ApplicationStageChange": "Application.stageHistory",
    "RecruitmentFunnelRow": "recruitmentFunnel: postings where the viewer directs",
    "WorkforceReport": "workforceReport: report roles, people at WORK",
    "WorkforceMonth": "WorkforceReport",
    "WorkforceBand": "WorkforceReport",
    "RoleTemplateInfo": "roleTemplates: HQ HR",
    "CustomRole": "customRoles, RoleGrant.customRole: HQ HR",
    "RoleGrant": "roleHolders: HQ HR",
    "RoleHolder": "roleHolders: HQ HR",
}


# --- fields readable by fewer viewers than their type -------------------------------------------


@dataclass(frozen=True)
class FieldAccess:
    reach: Reach | None = None  # by relation to the record's person
    roles: frozenset[Role] | None = None  # or by role alone
    masked: bool = False  # shown masked even where readable


HR = frozenset({Role.HQ_HR, Role.BRANCH_HR})
ACCOUNT_ROLES = frozenset({Role.ADMIN, Role.HQ_HR})  # who manages sign-in accounts
REPORT_ROLES = frozenset({Role.HQ_HR, Role.BRANCH_HR, Role.MANAGER, Role.EXECUTIVE})
_MASKED = {"idNumber", "bankAccount"}

FIELDS: dict[tuple[str, str], FieldAccess] = {
    **{
        ("Employee", name): FieldAccess(reach=GROUP_REACH[group], masked=name in _MASKED)
        for name, group in EMPLOYEE_FIELDS.items()
    },
    ("Course", "cost"): FieldAccess(roles=HR | {Role.EXECUTIVE}),
    # a trainer's contacts and fee: HR's, who book them; learners see the name and topics
    ("Trainer", "phone"): FieldAccess(roles=HR),
    ("Trainer", "email"): FieldAccess(roles=HR),
    ("Trainer", "dailyFee"): FieldAccess(roles=HR),
    # pay figures of recruitment: where the viewer directs the hiring unit, never for an
    # interviewer who reaches the application (and its posting's requisition) as a panel member
    ("Requisition", "budget"): FieldAccess(reach=Reach.DIRECTED),
    ("Offer", "monthlySalary"): FieldAccess(reach=Reach.DIRECTED),
    # pay summed up is still pay (the PAY field group); age and gender as a structure: not for
    # a team lead, whose team is small enough for a band to name a person
    ("WorkforceMonth", "labourCost"): FieldAccess(roles=HR),
    ("WorkforceReport", "ageBands"): FieldAccess(roles=HR | {Role.EXECUTIVE}),
    ("WorkforceReport", "genders"): FieldAccess(roles=HR | {Role.EXECUTIVE}),
}

# Nested fields that show their record wherever the parent is visible (the approvers of a
# restore request are part of it); every other edge to a Node shows it only where the
# viewer may read it by TYPES, and resolves to null (or leaves it out) elsewhere.
EDGES_WITH_PARENT: frozenset[tuple[str, str]] = frozenset(
    {("RestoreRequest", "requestedBy"), ("RestoreDecisionInfo", "approver")}
)
# ID fields (not edges) that name a record wherever the parent is visible: the id of what an
# approval request asks for is part of the request, while the subject itself is read by its
# own rule (an approver of a sensitive-data export reads the request, never the export).
IDS_WITH_PARENT: frozenset[tuple[str, str]] = frozenset({("ApprovalRequest", "subjectId")})


# --- root query fields ---------------------------------------------------------------------------


class Read(StrEnum):
    LOOKUP = "lookup"  # one record by id: null when missing or not visible (audited when denied)
    LIST = "list"  # every record of `type` the viewer reads by TYPES
    OWN_LIST = "own_list"  # the viewer's own records of `type`
    PERSON = "person"  # about one person (`argument`): empty unless `reach` covers them
    UNIT = "unit"  # about one unit (`argument`): empty unless it is visible; people within at WORK
    SCOPE = "scope"  # an aggregate over the people the viewer reads at WORK
    ROLES = "roles"  # for `roles` only (others: empty)
    VIEWER = "viewer"  # about the viewer themself
    UNIT_SETTING = "unit_setting"  # a unit's settings (`argument`): answered where it is visible


@dataclass(frozen=True)
class QueryAccess:
    read: Read
    type: str | None = None
    argument: str | None = None
    reach: Reach | None = None
    roles: frozenset[Role] | None = None
    session: bool = False  # not with an API token


def _q(read: Read, type: str | None = None, **kw: object) -> QueryAccess:
    return QueryAccess(read, type, **kw)  # type: ignore[arg-type]


QUERIES: dict[str, QueryAccess] = {
    "node": _q(Read.LOOKUP, argument="id"),
    "me": _q(Read.VIEWER),
    "apiTokens": _q(Read.VIEWER),
    "orgUnits": _q(Read.LIST, "OrgUnit"),
    "orgUnit": _q(Read.LOOKUP, "OrgUnit", argument="id"),
    "employees": _q(Read.LIST, "Employee"),
    "employee": _q(Read.LOOKUP, "Employee", argument="id"),
    "positions": _q(Read.LIST, "Position"),
    "kpis": _q(Read.LIST, "Kpi"),
    "employeeKpis": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "unitKpiSeries": _q(Read.UNIT, argument="unitId", reach=Reach.WORK),
    "unitKpiBreakdown": _q(Read.UNIT, argument="unitId", reach=Reach.WORK),
    "performanceRecords": _q(Read.LIST, "PerformanceRecord"),
    "kpiTargets": _q(Read.LIST, "KpiTarget"),
    "employeeKpiTargets": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "triggerRules": _q(Read.LIST, "TriggerRule"),
    "assessmentRequests": _q(Read.LIST, "AssessmentRequest"),
    "paySuspensions": _q(Read.LIST, "PaySuspension"),
    "latestKpiPeriod": _q(Read.SCOPE, reach=Reach.WORK),
    "performancePeriods": _q(Read.SCOPE, reach=Reach.WORK),
    "importJob": _q(Read.LOOKUP, "ImportJob", argument="id"),
    "importJobs": _q(Read.LIST, "ImportJob"),
    "importKinds": _q(Read.VIEWER),  # the kinds the viewer may import (empty for most)
    "competencyCategories": _q(Read.LIST, "CompetencyCategory"),
    "competencies": _q(Read.LIST, "Competency"),
    "employeeCompetencies": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "competencyHeatMap": _q(Read.UNIT, argument="unitId", reach=Reach.WORK),
    "underPerformerAnalysis": _q(Read.SCOPE, reach=Reach.WORK),
    "assessmentRounds": _q(Read.LIST, "AssessmentRound"),
    "myRaterTasks": _q(Read.OWN_LIST, "RaterTask"),
    "skillTests": _q(Read.LIST, "SkillTest"),
    "myTestAttempts": _q(Read.OWN_LIST, "TestAttempt"),
    "courses": _q(Read.LIST, "Course"),
    "recommendedCourses": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "myEnrollments": _q(Read.OWN_LIST, "Enrollment"),
    "enrollments": _q(Read.LIST, "Enrollment"),
    "trainingPlans": _q(Read.LIST, "TrainingPlan"),
    "trainingParticipation": _q(Read.SCOPE, reach=Reach.WORK),
    "trainingTargetRules": _q(Read.LIST, "TrainingTargetRule"),
    "trainers": _q(Read.LIST, "Trainer"),
    "trainingBonuses": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "trainingEffectReport": _q(Read.SCOPE, reach=Reach.WORK, roles=REPORT_ROLES),
    "trainingEffectReportDefaults": _q(Read.ROLES, roles=REPORT_ROLES),
    # 人事报表: an aggregate over the people read at WORK; labour cost and age/gender: FIELDS
    "workforceReport": _q(Read.SCOPE, reach=Reach.WORK, roles=REPORT_ROLES),
    "externalEvents": _q(Read.LIST, "ExternalEvent"),
    "kpiValuations": _q(Read.ROLES, roles=frozenset({Role.HQ_HR, Role.BRANCH_HR, Role.EXECUTIVE})),
    "reportJob": _q(Read.LOOKUP, "ReportJob", argument="id"),
    "auditLog": _q(Read.ROLES, roles=frozenset({Role.HQ_HR}), session=True),
    # roles and grants (roles/): HQ HR's, signed in
    "roleTemplates": _q(Read.ROLES, roles=frozenset({Role.HQ_HR}), session=True),
    "customRoles": _q(Read.ROLES, roles=frozenset({Role.HQ_HR}), session=True),
    "roleHolders": _q(Read.ROLES, roles=frozenset({Role.HQ_HR}), session=True),
    "accounts": _q(Read.ROLES, roles=ACCOUNT_ROLES),
    "contracts": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "employeeTimeline": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "employeeRecord": _q(Read.PERSON, argument="employeeId", reach=Reach.PERSONAL),
    "employeeLifecycleChanges": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    # the people HR manages (for HR, the people they read at WORK), current employees only
    "expiringContracts": _q(Read.SCOPE, reach=Reach.WORK, roles=HR),
    "attendanceRuleSets": _q(Read.LIST, "AttendanceRuleSet"),
    "effectiveAttendanceRuleSet": _q(Read.UNIT_SETTING, argument="unitId"),
    "attendanceLocations": _q(Read.UNIT_SETTING, argument="unitId"),
    "workCalendar": _q(Read.ROLES, roles=frozenset(ROLES)),
    "workCalendarYear": _q(Read.ROLES, roles=frozenset(ROLES)),
    "myAttendance": _q(Read.VIEWER),
    "attendanceMonth": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "attendanceSheet": _q(Read.UNIT, argument="unitId", reach=Reach.WORK),
    "attendanceSheetXlsx": _q(Read.UNIT, argument="unitId", reach=Reach.WORK),
    "leaveBalances": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "myLeaveRequests": _q(Read.OWN_LIST, "LeaveRequest"),
    "myApprovals": _q(Read.VIEWER),
    "myApprovalRequests": _q(Read.OWN_LIST, "ApprovalRequest"),
    "myDelegations": _q(Read.VIEWER),
    "approvalFlows": _q(Read.ROLES, roles=HR),
    "leaveRequests": _q(Read.LIST, "LeaveRequest"),
    # who is away each day of a month: the leave of the people read at WORK
    "leaveAway": _q(Read.SCOPE, reach=Reach.WORK),
    "myOvertimeRequests": _q(Read.OWN_LIST, "OvertimeRequest"),
    "overtimeRequests": _q(Read.LIST, "OvertimeRequest"),
    "payrollRuns": _q(Read.LIST, "PayrollRun"),
    "payrollRun": _q(Read.LOOKUP, "PayrollRun", argument="id"),
    "myPayslips": _q(Read.OWN_LIST, "Payslip"),
    "payrollOpenings": _q(Read.LIST, "PayrollOpening"),
    "employeePay": _q(Read.PERSON, argument="employeeId", reach=Reach.PAY),
    "requisitions": _q(Read.LIST, "Requisition"),
    "postings": _q(Read.LIST, "Posting"),
    "applications": _q(Read.LIST, "Application"),
    # one row per posting (and source) with candidates: the postings the viewer reads
    "recruitmentFunnel": _q(Read.LIST, "Posting"),
    "myInterviews": _q(Read.VIEWER),
    # counts of what each page shows the viewer (their tasks, their scope's figures)
    "workbench": _q(Read.VIEWER),
    "employeeOnboarding": _q(Read.PERSON, argument="employeeId", reach=Reach.WORK),
    "positionSalaryStructures": _q(Read.ROLES, roles=HR),
    "socialInsuranceTables": _q(Read.ROLES, roles=HR),
    "incomeTaxTables": _q(Read.ROLES, roles=HR),
    # sensitive-data exports
    "mySensitiveExports": _q(Read.OWN_LIST, "SensitiveExport", session=True),
}

# Root fields that look one record up by id, and the type they look up (None: any, by the
# global id): access/guard.py writes a denied one to the audit trail.
LOOKUPS: dict[str, str | None] = {
    name: q.type for name, q in QUERIES.items() if q.read is Read.LOOKUP
}


# --- mutations ---------------------------------------------------------------------------------


class Target(StrEnum):
    """What a mutation acts on, named by an id in its input."""

    NONE = "none"  # nothing in particular: a new catalogue entry, one's own account
    PERSON = "person"
    UNIT = "unit"
    RECORD = "record"  # a record of `record_type`, found by TYPES


@dataclass(frozen=True)
class MutationAccess:
    """The checks a mutation's service makes, in order: `roles` (else FORBIDDEN before
    anything is looked up), the target found by `finds` (else NOT_FOUND, the answer for a
    missing one), `allows` (else FORBIDDEN)."""

    target: Target
    finds: Reach | None = None
    allows: Reach | None = None
    roles: frozenset[Role] | None = None
    allows_roles: frozenset[Role] | None = None  # once found: only these roles (else FORBIDDEN)
    record_type: str | None = None
    public: bool = False  # no viewer needed (signing in)
    session: bool = False  # a password session only (not an API token)
    note: str = ""


HQ_HR_ONLY = frozenset({Role.HQ_HR})
# Sign-in accounts: the administrator and HQ HR, with a password session; never one's own
# (self_dealing.py), and only the administrator changes an administrator's.
_ACCOUNT_ADMIN: dict[str, object] = {
    "roles": ACCOUNT_ROLES,
    "session": True,
    "note": "not oneself; only the administrator changes an administrator",
}


def _m(
    target: Target = Target.NONE,
    finds: Reach | None = None,
    allows: Reach | None = None,
    **kw: object,
) -> MutationAccess:
    return MutationAccess(target, finds, allows, **kw)  # type: ignore[arg-type]


def _on(record_type: str, finds: Reach, allows: Reach | None, **kw: object) -> MutationAccess:
    return MutationAccess(Target.RECORD, finds, allows, record_type=record_type, **kw)  # type: ignore[arg-type]


MUTATIONS: dict[str, MutationAccess] = {
    # accounts
    "login": _m(public=True),
    "refreshToken": _m(public=True),
    "logout": _m(public=True),
    "changePassword": _m(session=True, note="one's own password"),
    "setLanguage": _m(session=True, note="one's own language"),
    "createApiToken": _m(session=True, note="for oneself"),
    "revokeApiToken": _on("ApiToken", Reach.OWN, None, session=True),
    "setUserActive": _on("User", Reach.SIGNED_IN, None, **_ACCOUNT_ADMIN),
    "resetUserPassword": _on("User", Reach.SIGNED_IN, None, **_ACCOUNT_ADMIN),
    "unlockAccount": _on("User", Reach.SIGNED_IN, None, **_ACCOUNT_ADMIN),
    "createAccounts": _m(
        Target.PERSON,
        Reach.DIRECTORY,
        None,
        roles=ACCOUNT_ROLES,
        session=True,
        note="for employees without one, never oneself",
    ),
    # roles and grants (roles/service.py): never one's own grants, never the administrator's role
    "saveCustomRole": _m(roles=HQ_HR_ONLY, session=True),
    "grantRole": _m(roles=HQ_HR_ONLY, session=True, note="not to oneself: SELF_DEALING"),
    "revokeRoleGrant": _m(roles=HQ_HR_ONLY, session=True, note="not one's own: SELF_DEALING"),
    "acceptInvitation": _m(public=True),
    # the organisation
    "createOrgUnit": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, note="under this unit"),
    "updateOrgUnit": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED),
    "moveOrgUnit": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, note="and the new parent"),
    "closeOrgUnit": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, note="nobody left in it"),
    "createPosition": _m(roles=HQ_HR_ONLY),
    "updatePosition": _m(roles=HQ_HR_ONLY),
    # people
    "createEmployee": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, roles=HR),
    "updateEmployee": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "transferEmployee": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "terminateEmployee": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    # the lifecycle through approvals (people/lifecycle.py)
    "requestProbationConfirmation": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "requestTransfer": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED, note="and the new unit"),
    "requestTermination": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "setOffboardingItem": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    "revealEmployeeField": _m(
        Target.PERSON, Reach.SENSITIVE, None, session=True, note="with a reason; audited"
    ),
    # performance
    "createKpi": _m(roles=HQ_HR_ONLY),
    "updateKpi": _m(roles=HQ_HR_ONLY),
    "setKpiTarget": _m(Target.PERSON, Reach.WORK, Reach.DIRECTED, note="or a unit's: UNIT"),
    "recordPerformance": _m(Target.PERSON, Reach.WORK, Reach.DIRECTED),
    "importData": _m(roles=HR, note="each row: a record in the viewer's scope, else 'not found'"),
    "previewImport": _m(roles=HR, note="reads the viewer's own file; nothing is checked or kept"),
    "undoImport": _m(
        roles=HR | {Role.MANAGER, Role.ADMIN},
        note=(
            "the viewer's own imports (HQ HR: any), while nothing depends on them; whoever"
            " imports some kind: a manager their team's competency ratings, the administrator"
            " accounts"
        ),
    ),
    "closePerformancePeriod": _m(
        Target.UNIT, Reach.UNIT, Reach.MANAGED, roles=HR, note="without a unit: HQ HR, the company"
    ),
    "reopenPerformancePeriod": _m(roles=HQ_HR_ONLY, note="with a reason; audited"),
    "createTriggerRule": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, note="company-wide: HQ HR"),
    "updateTriggerRule": _on("TriggerRule", Reach.UNIT, Reach.MANAGED, note="company-wide: HQ HR"),
    "suspendPerformancePay": _m(Target.UNIT, Reach.UNIT, None, roles=HQ_HR_ONLY),
    "requestPayRestore": _on(
        "PaySuspension",
        Reach.UNIT_AT_WORK,
        Reach.ASKS_RESTORE,
        note="HR of the unit or the executive; one the condition meets also opens by itself",
    ),
    "decidePayRestore": _on(
        "RestoreRequest",
        Reach.UNIT_AT_WORK,
        None,
        allows_roles=HQ_HR_ONLY,
        note="HQ HR decides the second step; the branch head (a person, not a role) the "
        "first; never the requester",
    ),
    # capability
    "createCompetencyCategory": _m(roles=HQ_HR_ONLY),
    "saveCompetency": _m(roles=HQ_HR_ONLY),
    "setRequiredLevel": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, note="company-wide: HQ HR"),
    "startAssessmentRound": _m(Target.PERSON, Reach.DIRECTORY, Reach.DIRECTED),
    "closeAssessmentRound": _on("AssessmentRound", Reach.WORK, Reach.DIRECTED),
    "submitRatings": _on("RaterTask", Reach.OWN, None),
    "startSkillTest": _m(note="anyone with an employee record, for themself"),
    "submitSkillTest": _m(note="anyone with an employee record, their attempt in progress"),
    "calibrateCompetency": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    # training
    "enrollInCourse": _m(Target.PERSON, Reach.DIRECTORY, Reach.OWN_OR_DIRECTED),
    "cancelEnrollment": _on("Enrollment", Reach.WORK, Reach.OWN_OR_DIRECTED),
    "recordLessonProgress": _on("Enrollment", Reach.WORK, Reach.OWN, note="the learner"),
    "markAttendance": _on("Enrollment", Reach.WORK, Reach.DIRECTED, note="learners of a session"),
    "takeCourseExam": _on("Enrollment", Reach.WORK, Reach.OWN, note="the learner"),
    "completeEnrollment": _on(
        "Enrollment", Reach.WORK, Reach.DIRECTED, note="an actual cost: where HR MANAGES"
    ),
    "giveCourseFeedback": _on("Enrollment", Reach.WORK, Reach.OWN, note="the learner"),
    "createCourse": _m(roles=HQ_HR_ONLY),
    "updateCourse": _m(roles=HQ_HR_ONLY),
    "addCourseSession": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, note="company-wide: HQ HR"),
    "addCourseCostItem": _m(roles=HR),
    "createTrainingPlan": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED),
    "addTrainingPlanItem": _on("TrainingPlan", Reach.PLAN, Reach.MANAGED),
    "createTrainingTargetRule": _m(roles=HQ_HR_ONLY),
    "updateTrainingTargetRule": _m(roles=HQ_HR_ONLY),
    "createTrainer": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, note="company-wide: HQ HR"),
    "updateTrainer": _on("Trainer", Reach.UNIT, Reach.MANAGED, note="company-wide: HQ HR"),
    # the world's session is company-wide (HQ HR's); a unit's is its HR's, as it was scheduled
    "updateCourseSession": _on(
        "CourseSession", Reach.SIGNED_IN, None, allows_roles=HQ_HR_ONLY, note="a unit's: MANAGED"
    ),
    "cancelCourseSession": _on(
        "CourseSession", Reach.SIGNED_IN, None, allows_roles=HQ_HR_ONLY, note="a unit's: MANAGED"
    ),
    # analytics
    "recordExternalEvent": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED),
    "deleteExternalEvent": _on("ExternalEvent", Reach.UNIT, Reach.MANAGED),
    "setKpiValuation": _m(roles=HQ_HR_ONLY),
    "exportTrainingEffectReport": _m(roles=REPORT_ROLES, note="a unit it names: UNIT"),
    # records: the employee is found where the viewer reads them at WORK
    "signContract": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    "endContract": _on("Contract", Reach.WORK, Reach.MANAGED, note="replaced by a new contract"),
    # (deprecated: they file the requests below, found as requestTransfer/requestTermination do)
    "recordTransfer": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED, note="and the new unit"),
    "recordResignation": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "recordOnboarding": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    "rehireEmployee": _m(
        Target.PERSON, Reach.WORK, Reach.MANAGED, note="a former employee; and the unit joined"
    ),
    "addEducation": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    "addWorkHistory": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    "addEmergencyContact": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    "removeRecordEntry": _on(
        "Education",
        Reach.MANAGED,
        None,
        note="or a work-history or emergency-contact line; one of a person not MANAGED is "
        "answered like a missing one",
    ),
    # attendance
    "clockIn": _m(note="anyone with an employee record, for themself"),
    "requestPunchCorrection": _m(note="anyone with an employee record, for their own past day"),
    "importPunches": _m(roles=HR, note="each row: a person it MANAGES, else 'not found'"),
    "saveAttendanceRuleSet": _m(
        Target.UNIT, Reach.UNIT, Reach.MANAGED, note="a region's or the default: HQ HR"
    ),
    "addAttendanceLocation": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED),
    "removeAttendanceLocation": _on("AttendanceLocation", Reach.UNIT, Reach.MANAGED),
    "setWorkStartDate": _m(Target.PERSON, Reach.WORK, Reach.MANAGED),
    "requestLeave": _m(Target.PERSON, Reach.WORK, Reach.OWN_OR_MANAGED, note="for oneself, or HR"),
    "decideLeaveRequest": _on(
        "LeaveRequest",
        Reach.WORK,
        Reach.DECIDES_LEAVE,
        note="a pending one; also anyone's direct reports (a person, not a role)",
    ),
    "cancelLeaveRequest": _on("LeaveRequest", Reach.OWN, None, note="one's own"),
    # overtime (attendance/overtime.py): like leave
    "requestOvertime": _m(
        Target.PERSON, Reach.WORK, Reach.OWN_OR_MANAGED, note="for oneself, or HR"
    ),
    "decideOvertimeRequest": _on(
        "OvertimeRequest",
        Reach.WORK,
        Reach.DECIDES_LEAVE,
        note="a pending one, by an approver of its open stage: its flow's (by default the "
        "manager, a manager or HR in scope, HQ HR), never one's own",
    ),
    "cancelOvertimeRequest": _on("OvertimeRequest", Reach.OWN, None, note="one's own pending"),
    # approvals
    "decideApproval": _on(
        "ApprovalRequest",
        Reach.PERSONAL,
        None,
        allows_roles=frozenset(),
        note="only an approver of the open stage or their delegate (a person, not a role); "
        "never one's own",
    ),
    "decideApprovals": _on(
        "ApprovalRequest",
        Reach.PERSONAL,
        None,
        allows_roles=frozenset(),
        note="each id as decideApproval, in its own transaction; a refused one's errors on "
        "ids.<i> (payload and result), the others decided",
    ),
    "commentApproval": _on("ApprovalRequest", Reach.PERSONAL, None, note="anyone who reads it"),
    "delegateApprovals": _m(Target.PERSON, Reach.DIRECTORY, None, note="to a colleague's user"),
    "endDelegation": _m(note="one the viewer gave; any other: not found"),
    # The everyday types'; every request type's in FLOW_EDITS below.
    "saveApprovalFlow": _m(
        Target.UNIT, Reach.UNIT, Reach.MANAGED, roles=HR, note="company default: HQ HR"
    ),
    # payroll
    "setEmployeeSalaryStructure": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "setPositionSalaryStructure": _m(roles=HQ_HR_ONLY),
    # policy data (policy/service.py): company-wide, HQ HR alone
    "addSocialInsuranceTable": _m(roles=HQ_HR_ONLY, note="a new version from a month"),
    "addIncomeTaxTable": _m(roles=HQ_HR_ONLY, note="a new table from a month"),
    "setCalendarDays": _m(roles=HQ_HR_ONLY),
    "removeCalendarDay": _m(roles=HQ_HR_ONLY),
    "addSpecialDeduction": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "addPayrollItem": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED, note="LOCKED: approved"),
    "setPayrollOpening": _m(
        Target.PERSON, Reach.DIRECTORY, Reach.MANAGED, note="CONFLICT: over an approved month"
    ),
    "removePayrollOpening": _m(Target.PERSON, Reach.DIRECTORY, Reach.MANAGED),
    "createPayrollRun": _m(Target.UNIT, Reach.UNIT, Reach.MANAGED),
    "recomputePayrollRun": _on("PayrollRun", Reach.MANAGED, None, note="LOCKED once approved"),
    "submitPayrollRun": _on("PayrollRun", Reach.MANAGED, None),
    "returnPayrollRun": _on(
        "PayrollRun",
        Reach.MANAGED,
        None,
        note="HR withdraw its approval request; an approver of the open stage (a person, not a "
        "role, who reads the request, not the run) rejects it",
    ),
    "approvePayrollRun": _on(
        "PayrollRun",
        Reach.MANAGED,
        None,
        note="only an approver of the open stage or their delegate decides (a person, not a "
        "role, who reads the request, not the run), never the HR who submitted it; the last "
        "approval locks it",
    ),
    "markPayrollRunPaid": _on("PayrollRun", Reach.MANAGED, None),
    # recruitment: HR of the unit's branch runs it; where one directs one asks to hire
    "createRequisition": _m(Target.UNIT, Reach.UNIT, Reach.DIRECTED),
    "closeRequisition": _on("Requisition", Reach.DIRECTED, None),
    "openPosting": _on("Requisition", Reach.DIRECTED, Reach.MANAGED, note="an approved one"),
    "closePosting": _on("Posting", Reach.DIRECTED, Reach.MANAGED),
    "addCandidate": _on("Posting", Reach.DIRECTED, Reach.MANAGED, note="an open one"),
    "moveApplication": _on("Application", Reach.DIRECTED, Reach.MANAGED),
    "scheduleInterview": _on("Application", Reach.DIRECTED, Reach.MANAGED),
    "submitScorecard": _on("Interview", Reach.OWN, None, note="the interviewer's own"),
    "makeOffer": _on("Application", Reach.DIRECTED, Reach.MANAGED),
    "respondToOffer": _on("Application", Reach.DIRECTED, Reach.MANAGED),
    "addOnboardingTask": _on("Application", Reach.DIRECTED, Reach.MANAGED),
    "setOnboardingTaskDone": _on(
        "OnboardingTask", Reach.DIRECTED, Reach.MANAGED, note="found through its application"
    ),
    "hireCandidate": _on("Application", Reach.DIRECTED, Reach.MANAGED, note="an accepted one"),
    # sensitive-data exports: asked for by HR of the unit, approved through the engine
    "requestSensitiveExport": _m(
        Target.UNIT, Reach.UNIT, Reach.MANAGED, session=True, note="with a reason; approved first"
    ),
    "cancelSensitiveExport": _on(
        "SensitiveExport", Reach.OWN, None, session=True, note="one's own, pending"
    ),
}

# saveApprovalFlow by request type (approvals/flows.py; the GraphQL enum's names): HR edits
# the flows of the everyday types where it manages the unit; the guarded types' flows — data
# leaving, pay, hiring, money spent — are HQ HR's alone (any other role: FORBIDDEN before
# the unit is looked up).
_GUARDED_FLOW = _m(Target.UNIT, Reach.UNIT, Reach.MANAGED, roles=HQ_HR_ONLY, note="guarded")
FLOW_EDITS: dict[str, MutationAccess] = {
    "LEAVE": MUTATIONS["saveApprovalFlow"],
    "OVERTIME": MUTATIONS["saveApprovalFlow"],
    "DATA_EXPORT": _GUARDED_FLOW,
    "PAYROLL_RUN": _GUARDED_FLOW,
    "PAY_RESTORE": _GUARDED_FLOW,
    "OFFER": _GUARDED_FLOW,
    "REQUISITION": _GUARDED_FLOW,
    "TRAINING_ENROLMENT": _GUARDED_FLOW,
    "PROBATION_CONFIRMATION": MUTATIONS["saveApprovalFlow"],
    "TRANSFER": _GUARDED_FLOW,
    "TERMINATION": _GUARDED_FLOW,
    "PUNCH_CORRECTION": MUTATIONS["saveApprovalFlow"],
}


ALLOWED, FORBIDDEN, NOT_FOUND = "allowed", "forbidden", "not_found"
SELF_DEALING = "self_dealing"


def mutation_outcome(name: str, role: Role, relation: Relation | None) -> str:
    """The declared answer of mutation `name` to a viewer of `role` whose target sits at
    `relation` (None for a mutation without a target): ALLOWED (its own checks of the
    input may still fail), FORBIDDEN, NOT_FOUND or SELF_DEALING."""
    return access_outcome(
        MUTATIONS[name],
        role,
        relation,
        refuses_self=name in REFUSES_SELF,
        refuses_own_unit=name in REFUSES_OWN_UNIT,
    )


def access_outcome(
    rule: MutationAccess,
    role: Role,
    relation: Relation | None,
    *,
    refuses_self: bool = False,
    refuses_own_unit: bool = False,
) -> str:
    """The declared answer of a mutation's checks (`rule`), as `mutation_outcome`."""
    return outcome_of(
        rule,
        lambda roles: role in roles,
        lambda reach: relation is None or reaches(reach, role, relation),
        is_self=relation is Relation.SELF,
        own_unit=relation is Relation.SAME_TEAM,
        refuses_self=refuses_self,
        refuses_own_unit=refuses_own_unit,
    )


def outcome_of(
    rule: MutationAccess,
    gate: Callable[[frozenset[Role]], bool],
    reached: Callable[[Reach], bool],
    *,
    is_self: bool = False,
    own_unit: bool = False,
    refuses_self: bool = False,
    refuses_own_unit: bool = False,
) -> str:
    """The declared answer of a mutation's checks for any viewer: `gate` says whether they
    pass a role gate, `reached` whether they reach the target (whatever it is) by a reach."""
    if rule.public:
        return ALLOWED
    if rule.roles is not None and not gate(rule.roles):
        return FORBIDDEN
    if rule.target is not Target.NONE and rule.finds is not None and not reached(rule.finds):
        return NOT_FOUND
    if rule.target is not Target.NONE and rule.allows is not None and not reached(rule.allows):
        return FORBIDDEN
    if rule.allows_roles is not None and not gate(rule.allows_roles):
        return FORBIDDEN
    if refuses_self and is_self:
        return SELF_DEALING
    if refuses_own_unit and own_unit:
        return FORBIDDEN
    return ALLOWED


# --- grants: custom roles and people holding several roles ---------------------------------------
# A viewer holding role grants (access/policy.py Grant) reaches a person where a grant covering
# them carries the reach's field group or operation; a role gate is passed by holding one of its
# built-in roles, or, for the gates that stand for an operation (HR: managing, the report roles:
# reading reports), by a grant of that operation anywhere. HQ HR's own gates need the role.

REACH_GROUP: dict[Reach, FieldGroup] = {reach: group for group, reach in GROUP_REACH.items()}
REACH_OPERATION: dict[Reach, Operation] = {
    Reach.MANAGED: Operation.MANAGE,
    Reach.DIRECTED: Operation.DIRECT,
    Reach.DECIDES_LEAVE: Operation.DECIDE,
}
GATE_OPERATION: dict[frozenset[Role], Operation] = {
    HR: Operation.MANAGE,
    REPORT_ROLES: Operation.REPORTS,
}


def grant_reaches(reach: Reach, covering: Iterable[Grant], *, is_self: bool) -> bool:
    """Whether a viewer reaches a person by `reach`, given the viewer's grants that cover the
    person (`is_self`: the person is the viewer)."""
    grants = list(covering)
    if reach in REACH_GROUP:
        return is_self or any(REACH_GROUP[reach] in g.groups for g in grants)
    if reach is Reach.DECIDES_LEAVE:
        return not is_self and any(Operation.DECIDE in g.operations for g in grants)
    if reach in REACH_OPERATION:
        return any(REACH_OPERATION[reach] in g.operations for g in grants)
    if reach is Reach.ASKS_RESTORE:
        return any(
            Operation.MANAGE in g.operations or (g.role is Role.EXECUTIVE and g.is_scope)
            for g in grants
        )
    if reach is Reach.OWN_OR_DIRECTED:
        return is_self or grant_reaches(Reach.DIRECTED, grants, is_self=False)
    if reach is Reach.OWN_OR_MANAGED:
        return is_self or grant_reaches(Reach.MANAGED, grants, is_self=False)
    if reach is Reach.SIGNED_IN:
        return True
    if reach is Reach.OWN:
        return is_self
    raise ValueError(f"{reach} is not read per person by grants")


def grant_gate(viewer: Viewer, roles: frozenset[Role]) -> bool:
    """Whether a viewer's grants pass a role gate."""
    if roles == HQ_HR_ONLY:
        return viewer.is_hq_hr
    operation = GATE_OPERATION.get(roles)
    return viewer.holds(*roles) or (operation is not None and viewer.may(operation))


def grant_outcome(name: str, viewer: Viewer, covering: Iterable[Grant], *, is_self: bool) -> str:
    """The declared answer of mutation `name` about a person to a viewer by their grants: those
    of `covering` cover the person."""
    grants = list(covering)
    return outcome_of(
        MUTATIONS[name],
        lambda roles: grant_gate(viewer, roles),
        lambda reach: grant_reaches(reach, grants, is_self=is_self),
        is_self=is_self,
        refuses_self=name in REFUSES_SELF,
    )
