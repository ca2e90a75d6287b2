"""Editing approval flows: who edits which flow, what a flow may say, and the audit trail of
every change (docs/architecture.md "Approvals").

* Everyday types (leave, overtime): HR of a unit edits its flows; HQ HR every one and the
  company defaults.
* Guarded types (`rules.GUARDED`: exports, payroll runs, pay restores, offers, requisitions,
  costly enrolments): HQ HR alone. A flow of theirs needs a step without a condition, so
  that no request of theirs meets an empty plan (the engine would fall back to the default
  plan anyway, `service._open_stage`; the editor is told at once).
* A named approver, and a role rule's role, must decide the type (`rules.DECIDERS`): a
  sales rep does not approve a data export.
* Every save and removal is written to the audit trail with the flow before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.access.viewer import viewer_for_user
from talentloop.accounts.models import Role, User
from talentloop.approvals.models import (
    ApprovalFlow,
    ApprovalStep,
    ApproverRule,
    RequestType,
    StepMode,
)
from talentloop.approvals.rules import GUARDED, deciders, decides
from talentloop.approvals.service import _user_of
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee

MAX_STEPS = 20


async def visible_flows(viewer: Viewer) -> list[ApprovalFlow]:
    """HR's flows: HQ HR every one; branch HR the company defaults and their branch's."""
    if not viewer.can_manage_employees:
        return []
    flows = (
        await ApprovalFlow.all()
        .prefetch_related("unit", "steps", "steps__user")
        .order_by("request_type", "id")
    )
    return [
        f
        for f in flows
        if f.unit_id is None or viewer.can_manage_employees_in(f.unit.path)  # type: ignore[union-attr]
    ]


def may_edit(viewer: Viewer, request_type: RequestType) -> bool:
    """Whether the viewer's role edits flows of the type (somewhere): HR the everyday ones,
    HQ HR the guarded ones too."""
    if request_type in GUARDED:
        return viewer.is_hq_hr
    return viewer.can_manage_employees


@dataclass(frozen=True)
class StepInput:
    position: int
    rule: ApproverRule
    mode: StepMode = StepMode.ALL
    level: int = 0
    role: Role | None = None
    user_id: int | None = None
    employee_id: int | None = None  # the named user given as their employee (one seen)
    days_over: int | None = None
    amount_over: Decimal | None = None
    deadline_hours: int | None = None
    escalate_rule: ApproverRule | None = None


async def save_flow(
    viewer: Viewer,
    *,
    request_type: RequestType,
    unit_id: int | None,
    name: str,
    steps: Sequence[StepInput],
) -> ApprovalFlow | None:
    """Replace the flow of a request type in a unit (HR of the unit; the company default and
    every guarded type: HQ HR). No steps: the flow is removed and the one above applies again
    (returns None). Audited with the flow before and after."""
    if not viewer.can_manage_employees:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HR edits approval flows.")
    if not may_edit(viewer, request_type):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN,
            "Only HQ HR edits the flows of exports, pay, hiring and costly training.",
            "requestType",
        )
    unit: OrgUnit | None = None
    if unit_id is not None:
        unit = await OrgUnit.get_or_none(id=unit_id)
        if unit is None or not viewer.can_see_unit(unit.path):
            raise not_found("Unit", "unitId")
        if not viewer.can_manage_employees_in(unit.path):
            raise ServiceError.one(
                ErrorCode.FORBIDDEN, "Only HR of the unit edits its flows.", "unitId"
            )
    elif not viewer.is_hq_hr:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only HQ HR edits the company's default flows.", "unitId"
        )
    steps = await _named_users(viewer, steps)
    problems = _step_problems(request_type, steps)
    if problems:
        raise ServiceError(*problems)
    await _check_named(request_type, steps)
    async with in_transaction():
        existing = (
            await ApprovalFlow.filter(request_type=request_type, unit_id=unit_id)
            .select_for_update()
            .first()
        )
        before = await _described(existing)
        if not steps:
            if existing is not None:
                await existing.delete()
                await audit.record(
                    viewer,
                    AuditAction.DELETE,
                    subject_type="ApprovalFlow",
                    subject_id=existing.id,
                    before=before,
                )
            return None
        if existing is None:
            flow = await ApprovalFlow.create(
                request_type=request_type, unit_id=unit_id, name=name.strip()[:128]
            )
        else:
            flow = existing
            flow.name = name.strip()[:128]
            await flow.save(update_fields=["name", "updated_at"])
            await ApprovalStep.filter(flow_id=flow.id).delete()
        for s in steps:
            await ApprovalStep.create(
                flow_id=flow.id,
                position=s.position,
                mode=s.mode,
                rule=s.rule,
                level=s.level,
                role=s.role,
                user_id=s.user_id,
                days_over=s.days_over,
                amount_over=s.amount_over,
                deadline_hours=s.deadline_hours,
                escalate_rule=s.escalate_rule,
            )
        await audit.record(
            viewer,
            AuditAction.CREATE if existing is None else AuditAction.UPDATE,
            subject_type="ApprovalFlow",
            subject_id=flow.id,
            before=before,
            after=await _described(flow),
        )
    return await ApprovalFlow.get(id=flow.id).prefetch_related("unit", "steps", "steps__user")


async def _described(flow: ApprovalFlow | None) -> dict[str, Any] | None:
    """A flow as the audit trail keeps it: its type, unit, name and steps."""
    if flow is None:
        return None
    steps = []
    for s in await ApprovalStep.filter(flow_id=flow.id).order_by("position", "id"):
        step = {
            "position": s.position,
            "mode": s.mode.value,
            "rule": s.rule.value,
            "level": s.level,
            "role": s.role.value if s.role else None,
            "userId": s.user_id,
            "daysOver": s.days_over,
            "amountOver": str(s.amount_over) if s.amount_over is not None else None,
            "deadlineHours": s.deadline_hours,
            "escalateRule": s.escalate_rule.value if s.escalate_rule else None,
        }
        steps.append({k: v for k, v in step.items() if v is not None})
    return {
        "requestType": flow.request_type.value,
        "unitId": flow.unit_id,
        "name": flow.name,
        "steps": steps,
    }


async def _named_users(viewer: Viewer, steps: Sequence[StepInput]) -> list[StepInput]:
    """Steps that name their approver by employee name the employee's user instead (an
    employee the viewer does not see is answered like a missing one)."""
    result: list[StepInput] = []
    scope = viewer.employee_filter()
    for i, s in enumerate(steps):
        if s.employee_id is None or s.user_id is not None:
            result.append(s)
            continue
        employee = (
            await Employee.filter(scope).filter(id=s.employee_id).first()
            if scope is not None
            else None
        )
        if employee is None:
            raise not_found("Employee", f"steps.{i}.employeeId")
        user = await _user_of(employee.id)
        if user is None:
            raise ServiceError.one(
                ErrorCode.INVALID, "Name a colleague with a user account.", f"steps.{i}.employeeId"
            )
        result.append(replace(s, user_id=user.id, employee_id=None))
    return result


async def _check_named(request_type: RequestType, steps: Sequence[StepInput]) -> None:
    """Named users exist, sign in, and hold a role that decides the type."""
    ids = [s.user_id for s in steps if s.user_id is not None]
    if not ids:
        return
    users = {
        u.id: u
        for u in await User.filter(id__in=ids, is_active=True).prefetch_related(
            "employee__unit", "scope_unit"
        )
    }
    if any(i not in users for i in ids):
        raise not_found("User", "steps")
    deciding = {i: decides(await viewer_for_user(u), request_type) for i, u in users.items()}
    problems = [
        FieldError(
            "This colleague's role does not decide such requests.",
            ErrorCode.INVALID,
            f"steps.{i}",
        )
        for i, s in enumerate(steps)
        if s.user_id is not None and not deciding[s.user_id]
    ]
    if problems:
        raise ServiceError(*problems)


def _step_problems(request_type: RequestType, steps: Sequence[StepInput]) -> list[FieldError]:
    problems: list[FieldError] = []
    if len(steps) > MAX_STEPS:
        problems.append(
            FieldError("At most {top} steps.", ErrorCode.INVALID, "steps", top=MAX_STEPS)
        )
    if (
        steps
        and request_type in GUARDED
        and all(s.days_over is not None or s.amount_over is not None for s in steps)
    ):
        # Every step conditional: some request would meet none of them.
        problems.append(
            FieldError(
                "At least one step applies to every request (no condition).",
                ErrorCode.INVALID,
                "steps",
            )
        )
    modes: dict[int, StepMode] = {}
    roles = deciders(request_type)
    for i, s in enumerate(steps):
        where = f"steps.{i}"
        if not 0 <= s.position <= 100:
            problems.append(FieldError("Positions run from 0 to 100.", ErrorCode.INVALID, where))
        if modes.setdefault(s.position, s.mode) is not s.mode:
            problems.append(
                FieldError("Steps of one stage share a mode.", ErrorCode.INVALID, where)
            )
        if s.rule is ApproverRule.ROLE and s.role not in (Role.BRANCH_HR, Role.MANAGER, Role.HQ_HR):
            problems.append(
                FieldError("Name HR or a manager for the role rule.", ErrorCode.INVALID, where)
            )
        elif s.rule is ApproverRule.ROLE and s.role not in roles:
            problems.append(
                FieldError("This role does not decide such requests.", ErrorCode.INVALID, where)
            )
        if s.rule is ApproverRule.USER and s.user_id is None:
            problems.append(FieldError("Name the approver.", ErrorCode.INVALID, where))
        if s.escalate_rule in (ApproverRule.ROLE, ApproverRule.USER):
            problems.append(
                FieldError("Escalate to a manager, a head or HQ HR.", ErrorCode.INVALID, where)
            )
        if not 0 <= s.level <= 10:
            problems.append(FieldError("A level from 0 to 10.", ErrorCode.INVALID, where))
        if s.deadline_hours is not None and not 1 <= s.deadline_hours <= 24 * 90:
            problems.append(
                FieldError("A deadline of 1 hour to 90 days.", ErrorCode.INVALID, where)
            )
        if (s.days_over is not None and s.days_over < 0) or (
            s.amount_over is not None and s.amount_over < 0
        ):
            problems.append(FieldError("Conditions are not negative.", ErrorCode.INVALID, where))
    return problems
