"""Who would decide a request before it is made: the first stage that would open, resolved by the
same rules as `service.submit` (the flow of the unit, its conditions, the request's own people
left out, the approvers who see the unit, HQ HR when a stage finds no one, the type's default
plan when every stage is empty). Nothing is written: a form shows it before its submit button."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from talentloop.accounts.models import User
from talentloop.approvals import service
from talentloop.approvals.models import ApprovalRequest, RequestType, StepMode
from talentloop.approvals.rules import DEFAULT_PLANS, FALLBACK_PLAN, NEVER_SKIPPED
from talentloop.i18n import gettext
from talentloop.org.models import OrgUnit


@dataclass(frozen=True)
class FirstStage:
    """The approvers of the stage that would open first, and whether all must agree."""

    user_ids: list[int]
    all_of: bool

    @property
    def rejected(self) -> bool:
        """Nobody but the request's own people would decide: the request would be refused."""
        return not self.user_ids


async def first_stage(
    request_type: RequestType,
    *,
    requester_id: int | None,
    unit: OrgUnit,
    employee_id: int | None,
    days: int | None = None,
    amount: Decimal | None = None,
) -> FirstStage:
    flow = await service.flow_for(request_type, unit)
    plan = await service.plan_of(flow, request_type, days, amount)
    # Not saved: the resolution reads only these fields of the request.
    request = ApprovalRequest(
        request_type=request_type,
        requester_id=requester_id,
        employee_id=employee_id,
        unit_id=unit.id,
        days=days,
        amount=amount,
        plan=plan,
    )
    stages = [*plan, *DEFAULT_PLANS.get(request_type, FALLBACK_PLAN)]
    for index, stage in enumerate(stages):
        approvers = await service.stage_approvers(request, unit, stage["approvers"])
        if approvers:
            return FirstStage(approvers, stage["mode"] == StepMode.ALL.value)
        if index < len(plan) and request_type in NEVER_SKIPPED:
            break
    return FirstStage([], False)


async def approver_text(stage: FirstStage) -> str:
    """ "Needs approval by 王芳 (上海分公司) or 李强 (销售部)" in the viewer's language."""
    if stage.rejected:
        return gettext("No approver other than the requester: it would be refused.")
    users = {
        u.id: u for u in await User.filter(id__in=stage.user_ids).prefetch_related("employee__unit")
    }
    labels = []
    for user_id in stage.user_ids:
        user = users.get(user_id)
        if user is None:
            continue
        employee = user.employee
        if employee is None:
            labels.append(user.username)
        else:
            labels.append(gettext("{name} ({unit})", name=employee.name, unit=employee.unit.name))
    joiner = gettext(", ") if stage.all_of else gettext(" or ")
    return gettext("Needs approval by {approvers}", approvers=joiner.join(labels))
