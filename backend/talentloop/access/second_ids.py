"""Second ids (docs/architecture.md, "The authorization matrix"): every id a mutation's input
names besides its target (access/matrix.py MUTATIONS), and how the service checks it — the
record it names as it stands, and the place it names as where the write takes the target.
tests/access/test_second_ids.py holds the services to it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# --- second ids: the other records a mutation's input names ------------------------------------


class SecondCheck(StrEnum):
    """How a mutation checks an id in its input besides its target (MUTATIONS): the record it
    names is checked as it stands, and the place it names is where the write takes the target,
    so each needs the viewer's right there too — never only the first id's."""

    # A place (a unit, or a record that belongs to one) the write puts the target in, or a
    # record of a unit it changes: where the viewer manages (for a setting with no unit, or a
    # region's: HQ HR — Viewer.can_manage_setting_in), else FORBIDDEN (NOT_FOUND unseen).
    MANAGED = "managed"
    # A person named in the record (a manager, rater, mentor, interviewer, approver): someone
    # the viewer sees, else NOT_FOUND like a missing one.
    SEEN = "seen"
    # A record that must belong to the target (the assessment request of the person, the
    # contract renewed, a session of the course): NOT_FOUND otherwise.
    OF_TARGET = "of_target"
    # The target itself in another form (a unit's target instead of a person's): MUTATIONS.
    TARGET = "target"
    # A user account named as an approver: any active one (what an approver reads of a request
    # stays inside their own subtrees, TYPES).
    USER = "user"
    # The company-wide catalogue (KPIs, positions, courses, competencies, tests): anyone
    # signed in reads it; the write changes nothing of it.
    CATALOGUE = "catalogue"
    # In what HQ HR alone does (roles and grants): HQ HR reads every account, unit and role.
    HQ_HR = "hq_hr"


@dataclass(frozen=True)
class SecondId:
    check: SecondCheck
    note: str = ""


_MANAGED, _SEEN = SecondId(SecondCheck.MANAGED), SecondId(SecondCheck.SEEN)
_OF_TARGET, _TARGET = SecondId(SecondCheck.OF_TARGET), SecondId(SecondCheck.TARGET)
_CATALOGUE = SecondId(SecondCheck.CATALOGUE)
# A session's trainer: one the viewer reads in the register (company-wide, or of a unit it
# sees; training/trainers.py), else NOT_FOUND; naming one changes nothing of them.
_REGISTER = SecondId(SecondCheck.CATALOGUE, "the trainer register as the viewer reads it")

# mutation → {input path of an id other than its target (as the schema names it, "input."
# left out; a list's items by the list's name) → how it is checked}. A mutation whose input
# names a single id is not listed. tests/access/test_second_ids.py fails when a mutation's
# input holds an id not listed here, and tries each MANAGED, SEEN and OF_TARGET one as branch
# HR: another branch's record with something of their own, and their own record with
# something of another branch — both refused, nothing written.
SECOND_IDS: dict[str, dict[str, SecondId]] = {
    "createOrgUnit": {"managerId": _SEEN},
    "updateOrgUnit": {"managerId": _SEEN},
    "moveOrgUnit": {"newParentId": _MANAGED},
    "createEmployee": {"positionId": _CATALOGUE, "managerId": _SEEN},
    "updateEmployee": {"positionId": _CATALOGUE, "managerId": _SEEN},
    "transferEmployee": {"unitId": _MANAGED, "positionId": _CATALOGUE, "managerId": _SEEN},
    "setKpiTarget": {"kpiId": _CATALOGUE, "unitId": _TARGET},
    "recordPerformance": {"kpiId": _CATALOGUE},
    "createTriggerRule": {"kpiId": _CATALOGUE},
    "suspendPerformancePay": {"conditionKpiId": _CATALOGUE},
    "saveCompetency": {"categoryId": _CATALOGUE},
    "setRequiredLevel": {"competencyId": _CATALOGUE, "positionId": _CATALOGUE},
    "startAssessmentRound": {
        "competencyIds": _CATALOGUE,
        "peerIds": _SEEN,
        "subordinateIds": _SEEN,
        "requestId": _OF_TARGET,
    },
    "submitRatings": {"ratings.competencyId": _CATALOGUE},
    "submitSkillTest": {"answers.questionId": SecondId(SecondCheck.CATALOGUE, "of the test")},
    "calibrateCompetency": {"competencyId": _CATALOGUE},
    "enrollInCourse": {"courseId": _CATALOGUE, "sessionId": _OF_TARGET, "mentorId": _SEEN},
    "markAttendance": {
        "sessionId": SecondId(
            SecondCheck.CATALOGUE, "each learner's enrolment in it is checked: the target"
        )
    },
    "takeCourseExam": {"answers.questionId": SecondId(SecondCheck.CATALOGUE, "of the exam")},
    "createCourse": {"examId": _CATALOGUE, "competencies.competencyId": _CATALOGUE},
    "addCourseSession": {"courseId": _CATALOGUE, "trainerId": _REGISTER},
    "updateCourseSession": {"trainerId": _REGISTER},
    "createTrainer": {"employeeId": _SEEN},
    "updateTrainer": {"employeeId": _SEEN},
    "addCourseCostItem": {
        "sessionId": SecondId(SecondCheck.MANAGED, "a branch's session: its HR; else HQ HR")
    },
    "addTrainingPlanItem": {"courseId": _CATALOGUE, "targetPositionId": _CATALOGUE},
    "createTrainingTargetRule": {"kpiId": _CATALOGUE},
    "exportTrainingEffectReport": {
        "report.courseId": _CATALOGUE,
        "report.kpiId": _CATALOGUE,
        "report.unitId": SecondId(
            SecondCheck.TARGET, "a unit it names: UNIT; the figures are the viewer's WORK"
        ),
    },
    "signContract": {"renewsId": _OF_TARGET},
    "recordTransfer": {"unitId": _MANAGED, "positionId": _CATALOGUE},
    "requestTransfer": {"unitId": _MANAGED, "positionId": _CATALOGUE, "managerId": _SEEN},
    "rehireEmployee": {"unitId": _MANAGED, "positionId": _CATALOGUE, "managerId": _SEEN},
    "saveAttendanceRuleSet": {
        "unitId": SecondId(
            SecondCheck.MANAGED,
            "the rule set found by id is checked as it stands too: its unit's HR, HQ HR for a "
            "region's and the default",
        )
    },
    "saveApprovalFlow": {
        "steps.userId": SecondId(SecondCheck.USER),
        "steps.employeeId": _SEEN,
    },
    "createRequisition": {"positionId": _CATALOGUE},
    "scheduleInterview": {"interviewerIds": _SEEN},
    "hireCandidate": {"managerId": _SEEN},
    "grantRole": {
        "customRoleId": SecondId(SecondCheck.HQ_HR, "the role granted"),
        "scopeUnitId": SecondId(SecondCheck.HQ_HR, "where it is granted: any unit"),
    },
}
