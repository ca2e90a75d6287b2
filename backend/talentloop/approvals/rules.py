"""What the engine applies by request type: the built-in default plans, the guarded types,
which types a stage with no approver rejects, and the roles that decide each type
(docs/architecture.md "Approvals", the table per request type)."""

from __future__ import annotations

from typing import Any

from talentloop.access.policy import Operation, Viewer
from talentloop.accounts.models import Role
from talentloop.approvals.models import ApproverRule, RequestType, StepMode


def _approver(rule: ApproverRule, **extra: Any) -> dict[str, Any]:
    return {"rule": rule.value, **extra}


# The flows when a company has configured none: today's behaviour of each request.
DEFAULT_PLANS: dict[RequestType, list[dict[str, Any]]] = {
    # Leave: the manager, or HR / a manager in scope, or HQ HR — any one of them.
    RequestType.LEAVE: [
        {
            "mode": StepMode.ANY.value,
            "approvers": [
                _approver(ApproverRule.MANAGER),
                _approver(ApproverRule.ROLE, role=Role.MANAGER.value),
                _approver(ApproverRule.ROLE, role=Role.BRANCH_HR.value),
                _approver(ApproverRule.HQ_HR),
            ],
        }
    ],
    # Restoring performance pay: the branch head, then HQ HR.
    RequestType.PAY_RESTORE: [
        {"mode": StepMode.ALL.value, "approvers": [_approver(ApproverRule.BRANCH_HEAD)]},
        {"mode": StepMode.ANY.value, "approvers": [_approver(ApproverRule.HQ_HR)]},
    ],
    # Hiring: the branch head agrees to the headcount and budget, then HQ HR (headcount is
    # planned company-wide); an offer's terms: the branch head.
    RequestType.REQUISITION: [
        {"mode": StepMode.ALL.value, "approvers": [_approver(ApproverRule.BRANCH_HEAD)]},
        {"mode": StepMode.ANY.value, "approvers": [_approver(ApproverRule.HQ_HR)]},
    ],
    RequestType.OFFER: [
        {"mode": StepMode.ALL.value, "approvers": [_approver(ApproverRule.BRANCH_HEAD)]},
    ],
    # A payroll run HR submitted: the branch head signs off the branch's pay, then HQ HR
    # (never the HR who submitted it: nobody approves their own request).
    RequestType.PAYROLL_RUN: [
        {"mode": StepMode.ALL.value, "approvers": [_approver(ApproverRule.BRANCH_HEAD)]},
        {"mode": StepMode.ANY.value, "approvers": [_approver(ApproverRule.HQ_HR)]},
    ],
    # An enrolment that costs money: the learner's manager or HR in scope, any one of them.
    RequestType.TRAINING_ENROLMENT: [
        {
            "mode": StepMode.ANY.value,
            "approvers": [
                _approver(ApproverRule.MANAGER),
                _approver(ApproverRule.ROLE, role=Role.BRANCH_HR.value),
            ],
        }
    ],
    # A sensitive-data export (privacy/exports.py): HQ HR, never the requester (an HQ HR
    # requester's goes to another HQ HR).
    RequestType.DATA_EXPORT: [
        {"mode": StepMode.ANY.value, "approvers": [_approver(ApproverRule.HQ_HR)]},
    ],
}
# The employee lifecycle (people/lifecycle.py). 转正: the person's manager judges the probation,
# then HR in scope (another branch HR than the asker, else HQ HR) confirms it.
DEFAULT_PLANS[RequestType.PROBATION_CONFIRMATION] = [
    {"mode": StepMode.ALL.value, "approvers": [_approver(ApproverRule.MANAGER)]},
    {
        "mode": StepMode.ANY.value,
        "approvers": [
            _approver(ApproverRule.ROLE, role=Role.BRANCH_HR.value),
            _approver(ApproverRule.HQ_HR),
        ],
    },
]
# A transfer (unit, position, manager, pay) and a termination: the head of the person's branch,
# then HQ HR (who sees both ends of a move between branches, and answers for a dismissal's
# legal risk, 劳动合同法 art. 43 and 48).
DEFAULT_PLANS[RequestType.TRANSFER] = [
    {"mode": StepMode.ALL.value, "approvers": [_approver(ApproverRule.BRANCH_HEAD)]},
    {"mode": StepMode.ANY.value, "approvers": [_approver(ApproverRule.HQ_HR)]},
]
DEFAULT_PLANS[RequestType.TERMINATION] = DEFAULT_PLANS[RequestType.TRANSFER]
# Overtime (attendance/overtime.py): like leave — the employee's manager, or a manager or
# branch HR in scope, or HQ HR, any one of them.
DEFAULT_PLANS[RequestType.OVERTIME] = DEFAULT_PLANS[RequestType.LEAVE]
# A punch correction (补卡, attendance/corrections.py): like leave — whoever the person answers
# to, or HR in scope; a company that wants the manager and then HR saves a flow of two stages.
DEFAULT_PLANS[RequestType.PUNCH_CORRECTION] = DEFAULT_PLANS[RequestType.LEAVE]
FALLBACK_PLAN = [{"mode": StepMode.ANY.value, "approvers": [_approver(ApproverRule.HQ_HR)]}]
# Request types a stage without an approver rejects instead of skipping: the full ID and bank
# numbers of a unit leave the system only when someone other than the requester agreed, and a
# payroll run is paid only when someone it does not pay agreed.
NEVER_SKIPPED = frozenset({RequestType.DATA_EXPORT, RequestType.PAYROLL_RUN})
# Guarded request types: personal data leaving, pay, hiring and money spent. Only HQ HR edits
# their flows, and a flow of theirs needs a step without a condition (approvals/flows.py).
# Every type, guarded or everyday (leave, overtime), keeps the rule of `_open_stage`: a
# request nobody but its own people would approve falls back to the type's default plan, and
# is rejected if even that finds no one — it never approves itself.
GUARDED = frozenset(
    {
        RequestType.DATA_EXPORT,
        RequestType.PAYROLL_RUN,
        RequestType.PAY_RESTORE,
        RequestType.OFFER,
        RequestType.REQUISITION,
        RequestType.TRAINING_ENROLMENT,
        RequestType.TRANSFER,
        RequestType.TERMINATION,
    }
)
# The roles whose users may decide a request of the type: a named approver must hold one (when
# the flow is saved, and again when a stage opens — a role changes), and so must whoever a rule
# finds (a head whose account is an employee's is left out of a payroll run). The numbers of
# an export are HR's to release; pay, hiring and costs a manager's, an executive's or HR's.
_DECIDING = frozenset({Role.HQ_HR, Role.BRANCH_HR, Role.MANAGER, Role.EXECUTIVE})
DECIDERS: dict[RequestType, frozenset[Role]] = {
    **{t: _DECIDING for t in GUARDED},
    RequestType.DATA_EXPORT: frozenset({Role.HQ_HR, Role.BRANCH_HR}),
    # Leave and overtime: whoever a team answers to, a team lead's account included.
    RequestType.LEAVE: _DECIDING | {Role.EMPLOYEE},
    RequestType.OVERTIME: _DECIDING | {Role.EMPLOYEE},
    RequestType.PUNCH_CORRECTION: _DECIDING | {Role.EMPLOYEE},
    # 转正: whoever the person answers to, and HR.
    RequestType.PROBATION_CONFIRMATION: _DECIDING | {Role.EMPLOYEE},
}


def deciders(request_type: RequestType) -> frozenset[Role]:
    return DECIDERS.get(request_type, frozenset({Role.HQ_HR}))


def decides(viewer: Viewer, request_type: RequestType, unit_path: str | None = None) -> bool:
    """Whether the viewer's grants decide requests of the type (in a unit, when given): a
    built-in role among the type's deciders; or, for an everyday type, a custom role's grant
    that DECIDES there. The guarded types are the built-in roles' alone."""
    if viewer.holds(*deciders(request_type)):
        return True
    if request_type in GUARDED:
        return False
    if unit_path is None:
        return viewer.may(Operation.DECIDE)
    return viewer.acts_in(Operation.DECIDE, unit_path)
