"""Changes nobody makes about themselves (docs/architecture.md, "Self-dealing").

Where a viewer may make one of these changes about others, on their own record it answers
SELF_DEALING (`Viewer.refuse_self`): someone else in charge makes it. access/matrix.py
declares it for the relation `self`, and tests/access/test_matrix.py asks it of every role.

Also refused about oneself, outside the matrix's relations: rows about oneself in importData
and importPunches; approving a payroll run that pays one (the approvals engine leaves everyone
a run pays out of its approvers, and never lets them decide it, as anyone's delegate either).
updateEmployee refuses a change of one's own pay, position, manager and status; one's
contacts, personal and bank details stay one's own to keep up to date.

Not refused: addSpecialDeduction (专项附加扣除 are the employee's own declaration);
requestLeave and requestOvertime for oneself (their approvers never include the employee);
enrolling oneself (an enrolment that costs money goes to the learner's manager or HR);
setPositionSalaryStructure, HQ HR's company-wide pay of a position, even one they hold (the
demo's HQ HR sets every position's; audited like every structure).
"""

from __future__ import annotations

REFUSES_SELF = frozenset(
    {
        # people and records: one's job and its contract
        "updateEmployee",
        "transferEmployee",
        "terminateEmployee",
        "signContract",
        "endContract",
        "recordTransfer",
        "recordResignation",
        "requestProbationConfirmation",
        "requestTransfer",
        "requestTermination",
        "setOffboardingItem",
        # pay
        "setEmployeeSalaryStructure",
        "addPayrollItem",
        "setPayrollOpening",
        "removePayrollOpening",
        # targets and results
        "setKpiTarget",
        "recordPerformance",
        # capability: who rates one, one's scores
        "startAssessmentRound",
        "calibrateCompetency",
        # training: one's presence and completion (completion may pay a bonus)
        "markAttendance",
        "completeEnrollment",
        # attendance: the years worked that set one's annual leave
        "setWorkStartDate",
        # sign-in accounts: one's own is managed by someone else
        "setUserActive",
        "resetUserPassword",
        "unlockAccount",
        "createAccounts",
    }
)

# Decisions about a unit's pay, refused to whoever that pay is theirs: a restore of a unit's
# performance pay is never decided by someone in the unit (the approvals engine leaves them out
# of its approvers: performance/pay.py registers the unit's people). The matrix declares it at
# the relation `same_team` (the viewer's own unit), where the engine answers FORBIDDEN.
REFUSES_OWN_UNIT = frozenset({"decidePayRestore"})
