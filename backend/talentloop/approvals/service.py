"""The approvals engine: flows per request type and unit, requests, tasks, delegation and
escalation. Every function takes the viewer explicitly.

Rules of the engine (docs/architecture.md "Approvals"):

* The flow of a request is the nearest flow of its type on the chain of the request's unit
  (the unit's own, else its parent's …, else the company default with no unit, else the
  built-in default of `DEFAULT_PLANS`). The stages that apply (conditions checked against
  the request's days and amount) are copied onto the request when it is submitted.
* A stage is decided by all of its approvers (`all`) or by the first (`any`); one rejection
  rejects the request. The last stage's approval completes it and applies the effect the
  request type registered (`register_effect`): the leave is approved, pay restored, a
  payroll run approved (locked), an enrolment confirmed.
* Nobody approves their own request: the requester (and the person the request is about,
  and the people a type registers with `register_people`: everyone a payroll run pays) is
  never an approver, nor decides it as anyone's delegate. The manager rule walks up the
  manager chain past them, the unit head rule one unit up; the other rules leave them out.
  A stage left with no approver goes to HQ HR, and a stage with no HQ HR either is skipped
  (written to the history) — except for the types in `NEVER_SKIPPED` (a sensitive-data
  export, a payroll run), which such a stage rejects.
* Nothing approves itself: a request that reaches the end of its plan with no approval (an
  empty plan, every stage skipped) gets its type's default plan once, and with still no one
  is rejected. Approvers (and delegates acting for them) hold a role that decides the type
  (`DECIDERS`).
* An approver must see the request's unit (no one outside the request's branch, except
  company-wide roles); a user who would not is left out like the requester.
* A request is read by its requester, the person it is about, its approvers (and their
  delegates while they act) and HR in scope — always inside the viewer's subtrees, so an
  approver outside the request's branch does not see it (denied read == missing).
* A delegate acts for an approver on the delegation's days; the history names both.
* `escalate_overdue(now)` (called by the job worker's heartbeat) hands every pending task
  past its stage's deadline to the step's escalation approver (default: HQ HR).
* Decisions lock the request row, then update the task only while it is still pending:
  two concurrent decisions cannot both count.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import ROLE_TEMPLATES, Operation, Viewer
from talentloop.access.viewer import viewer_for_user
from talentloop.accounts.models import Role, RoleGrant, User
from talentloop.approvals.models import (
    ApprovalEvent,
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStatus,
    ApprovalStep,
    ApprovalTask,
    ApproverRule,
    Delegation,
    EventKind,
    RequestType,
    StepMode,
    TaskStatus,
)
from talentloop.approvals.rules import DECIDERS as DECIDERS
from talentloop.approvals.rules import DEFAULT_PLANS as DEFAULT_PLANS
from talentloop.approvals.rules import FALLBACK_PLAN as FALLBACK_PLAN
from talentloop.approvals.rules import GUARDED as GUARDED
from talentloop.approvals.rules import NEVER_SKIPPED as NEVER_SKIPPED
from talentloop.approvals.rules import decides as decides
from talentloop.approvals.titles import Title
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import ENGLISH
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.people.models import Employee

CHINA_OFFSET = timedelta(hours=8)
MAX_COMMENT = 500

Effect = Callable[[ApprovalRequest, bool, Viewer], Awaitable[None]]
_EFFECTS: dict[RequestType, Effect] = {}


Progress = Callable[[ApprovalRequest, Viewer], Awaitable[None]]
_PROGRESS: dict[RequestType, Progress] = {}


def register_effect(
    request_type: RequestType, effect: Effect, progress: Progress | None = None
) -> None:
    """What the final decision does to the subject, and (optionally) what an approval that
    opens the next stage does; both are called inside the deciding transaction."""
    _EFFECTS[request_type] = effect
    if progress is not None:
        _PROGRESS[request_type] = progress


# The people a request is about beyond its one employee, by request type (a payroll run:
# everyone it pays): none of them approves it either.
People = Callable[[ApprovalRequest], Awaitable[Iterable[int]]]
_PEOPLE: dict[RequestType, People] = {}


def register_people(request_type: RequestType, people: People) -> None:
    """Who else a request of this type is about (employee ids), for the approver exclusion."""
    _PEOPLE[request_type] = people


def china_today(now: datetime | None = None) -> date:
    return ((now or datetime.now(UTC)) + CHINA_OFFSET).date()


# --- flows ---------------------------------------------------------------------------------


async def flow_for(request_type: RequestType, unit: OrgUnit) -> ApprovalFlow | None:
    """The nearest flow of the type on the unit's chain, else the company default."""
    chain = [*unit.ancestor_ids(), unit.id]
    flows = await ApprovalFlow.filter(
        Q(unit_id__in=chain) | Q(unit_id=None), request_type=request_type
    )
    by_unit = {f.unit_id: f for f in flows}
    for unit_id in reversed(chain):
        if unit_id in by_unit:
            return by_unit[unit_id]
    return by_unit.get(None)


def _applies(step: ApprovalStep, days: int | None, amount: Decimal | None) -> bool:
    if step.days_over is not None and (days is None or days <= step.days_over):
        return False
    return not (step.amount_over is not None and (amount is None or amount <= step.amount_over))


def _step_approver(step: ApprovalStep) -> dict[str, Any]:
    spec: dict[str, Any] = {"rule": step.rule.value}
    if step.rule is ApproverRule.UNIT_HEAD:
        spec["level"] = step.level
    if step.rule is ApproverRule.ROLE and step.role is not None:
        spec["role"] = step.role.value
    if step.rule is ApproverRule.USER:
        spec["user_id"] = step.user_id
    return spec


async def plan_of(
    flow: ApprovalFlow | None, request_type: RequestType, days: int | None, amount: Decimal | None
) -> list[dict[str, Any]]:
    if flow is None:
        return [dict(s) for s in DEFAULT_PLANS.get(request_type, FALLBACK_PLAN)]
    stages: dict[int, dict[str, Any]] = {}
    for step in await ApprovalStep.filter(flow_id=flow.id).order_by("position", "id"):
        if not _applies(step, days, amount):
            continue
        stage = stages.setdefault(
            step.position,
            {"mode": step.mode.value, "approvers": [], "deadline_hours": None, "escalate": None},
        )
        stage["approvers"].append(_step_approver(step))
        if step.deadline_hours:
            stage["deadline_hours"] = step.deadline_hours
            stage["escalate"] = {
                "rule": (step.escalate_rule or ApproverRule.HQ_HR).value,
                "user_id": step.escalate_user_id,
            }
    return [stages[p] for p in sorted(stages)]


# --- who approves ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Excluded:
    """The request's own people, who never approve it: user ids and employee ids."""

    users: frozenset[int]
    people: frozenset[int]

    def __contains__(self, user: object) -> bool:
        assert isinstance(user, User)
        return self.holds(user.id, user.employee_id)

    def holds(self, user_id: int | None, employee_id: int | None) -> bool:
        return user_id in self.users or (employee_id is not None and employee_id in self.people)


async def _excluded(request: ApprovalRequest) -> Excluded:
    users = {request.requester_id} if request.requester_id is not None else set()
    people = {request.employee_id} if request.employee_id is not None else set()
    if request.requester_id is not None:
        requester = await User.get_or_none(id=request.requester_id)
        if requester is not None and requester.employee_id is not None:
            people.add(requester.employee_id)
    about = _PEOPLE.get(request.request_type)
    if about is not None:
        people.update(await about(request))
    return Excluded(frozenset(users), frozenset(people))


async def _user_of(employee_id: int | None) -> User | None:
    if employee_id is None:
        return None
    return await User.filter(employee_id=employee_id, is_active=True).order_by("id").first()


async def _head_from(chain: list[int], index: int, excluded: Excluded) -> list[int]:
    """The head of chain[index]; past one of the request's own people, one unit up."""
    units = {u.id: u for u in await OrgUnit.filter(id__in=chain)}
    while index >= 0:
        user = await _user_of(units[chain[index]].manager_id)
        if user is not None and user not in excluded:
            return [user.id]
        index -= 1
    return []


async def _branch_of(unit: OrgUnit) -> OrgUnit:
    if unit.type is OrgUnitType.BRANCH:
        return unit
    found = await OrgUnit.filter(id__in=unit.ancestor_ids(), type=OrgUnitType.BRANCH).order_by(
        "-depth"
    )
    return found[0] if found else unit


async def _resolve(
    spec: dict[str, Any], request: ApprovalRequest, unit: OrgUnit, excluded: Excluded
) -> list[int]:
    """User ids for one approver rule."""
    rule = ApproverRule(spec["rule"])
    if rule is ApproverRule.MANAGER:
        employee_id = request.employee_id
        seen: set[int] = set()
        while employee_id is not None and employee_id not in seen:
            seen.add(employee_id)
            employee = await Employee.get_or_none(id=employee_id)
            if employee is None or employee.manager_id is None:
                return []
            employee_id = employee.manager_id
            user = await _user_of(employee_id)
            if user is not None and user not in excluded:
                return [user.id]
        return []
    chain = [*unit.ancestor_ids(), unit.id]
    if rule is ApproverRule.UNIT_HEAD:
        return await _head_from(
            chain, len(chain) - 1 - max(int(spec.get("level") or 0), 0), excluded
        )
    if rule is ApproverRule.BRANCH_HEAD:
        branch = await _branch_of(unit)
        return await _head_from(chain, chain.index(branch.id), excluded)
    if rule is ApproverRule.HQ_HR:
        users = await User.filter(
            id__in=Subquery(RoleGrant.filter(role=Role.HQ_HR).values("user_id")), is_active=True
        ).order_by("id")
        return [u.id for u in users if u not in excluded]
    if rule is ApproverRule.USER:
        user_id = spec.get("user_id")
        user = await User.get_or_none(id=user_id, is_active=True) if user_id else None
        return [user.id] if user is not None and user not in excluded else []
    role = Role(spec["role"])
    # Those holding the role in a grant whose scope covers the unit: a scope unit on its chain,
    # or (no scope set: derived from the employee's unit or branch) an employee in its branch.
    paths = [u.path for u in await OrgUnit.filter(id__in=chain)]
    branch = await _branch_of(unit)
    # A company-wide role (HQ HR, the boss) with no scope set holds it everywhere.
    unscoped = (
        Q(scope_unit_id=None)
        if ROLE_TEMPLATES[role].default_scope == "company"
        else Q(scope_unit_id=None, user__employee__unit__path__startswith=branch.path)
    )
    holders = RoleGrant.filter(role=role).filter(Q(scope_unit__path__in=paths) | unscoped)
    candidates = User.filter(
        id__in=Subquery(holders.values("user_id")), is_active=True
    ).prefetch_related("employee__unit", "scope_unit")
    found = []
    for user in await candidates.order_by("id"):
        if user in excluded:
            continue
        viewer = await viewer_for_user(user)
        if any(unit.path.startswith(p) for p in viewer.role_paths(role)):
            found.append(user.id)
    return found


async def stage_approvers(
    request: ApprovalRequest, unit: OrgUnit, specs: list[dict[str, Any]]
) -> list[int]:
    """The approvers of one stage: the rules' users, none of the request's own people, only
    those who see the request's unit; none left → HQ HR."""
    excluded = await _excluded(request)
    ids: list[int] = []
    for spec in specs:
        for user_id in await _resolve(spec, request, unit, excluded):
            if user_id not in ids:
                ids.append(user_id)
    kind = request.request_type
    kept = await _seeing(ids, unit, kind)
    if not kept:
        kept = await _seeing(
            await _resolve({"rule": ApproverRule.HQ_HR.value}, request, unit, excluded),
            unit,
            kind,
        )
    return kept


async def _seeing(ids: list[int], unit: OrgUnit, request_type: RequestType) -> list[int]:
    """The users who see the unit and hold a grant that decides the request's type there."""
    if not ids:
        return []
    seeing = set()
    for user in await User.filter(id__in=ids).prefetch_related("employee__unit", "scope_unit"):
        viewer = await viewer_for_user(user)
        if viewer.can_see_unit(unit.path) and decides(viewer, request_type, unit.path):
            seeing.add(user.id)
    return [i for i in ids if i in seeing]


# --- submitting and deciding -----------------------------------------------------------------


async def submit(
    viewer: Viewer,
    request_type: RequestType,
    subject_id: int,
    *,
    unit: OrgUnit,
    employee_id: int | None,
    title: str | Title,
    days: int | None = None,
    amount: Decimal | None = None,
    requester_id: int | None = None,
    start_stage: int = 0,
    now: datetime | None = None,
) -> ApprovalRequest:
    """Start a request on its flow. Called by the domain that owns the subject, inside its
    transaction, after it checked the viewer may ask."""
    flow = await flow_for(request_type, unit)
    plan = await plan_of(flow, request_type, days, amount)
    request = await ApprovalRequest.create(
        request_type=request_type,
        subject_id=subject_id,
        title=(title.render(ENGLISH) if isinstance(title, Title) else title)[:255],
        title_key=title.key if isinstance(title, Title) else None,
        title_params=title.params if isinstance(title, Title) else None,
        requester_id=requester_id if requester_id is not None else viewer.user_id,
        employee_id=employee_id,
        unit_id=unit.id,
        days=days,
        amount=amount,
        flow_id=flow.id if flow is not None else None,
        plan=plan,
        stage=0,
    )
    await ApprovalEvent.create(
        request=request, kind=EventKind.SUBMITTED, actor_id=request.requester_id
    )
    await _open_stage(request, unit, min(start_stage, len(plan)), now or datetime.now(UTC))
    return request


async def _open_stage(request: ApprovalRequest, unit: OrgUnit, stage: int, now: datetime) -> None:
    """Create the tasks of `stage` (skipping stages with no approver); past the last, complete
    — approved only when someone approved it. A request that reached its end with no approval
    (its plan empty: every step's condition unmet; every stage skipped: nobody but its own
    people, no HQ HR) gets the type's default plan once; still no one: it is rejected."""
    while True:
        stage = await _open_from(request, unit, stage, now)
        if stage < 0:
            return
        if await ApprovalTask.filter(request_id=request.id, status=TaskStatus.APPROVED).exists():
            await _finish(request, approved=True, now=now, viewer=None)
            return
        if any(s.get("fallback") for s in request.plan):
            await ApprovalEvent.create(
                request_id=request.id,
                kind=EventKind.REJECTED,
                comment="No approver other than the requester.",
            )
            await _finish(request, approved=False, now=now, viewer=None)
            return
        fallback = [
            {**s, "fallback": True} for s in DEFAULT_PLANS.get(request.request_type, FALLBACK_PLAN)
        ]
        request.plan = [*request.plan, *fallback]
        await ApprovalRequest.filter(id=request.id).update(plan=request.plan)
        await ApprovalEvent.create(
            request_id=request.id,
            kind=EventKind.SKIPPED,
            stage=stage,
            comment="No approver but the requester: the type's default approvers decide.",
        )


async def _open_from(request: ApprovalRequest, unit: OrgUnit, stage: int, now: datetime) -> int:
    """Open the first stage from `stage` on that has approvers; -1 when one opened or the
    request ended, else the stage past the last."""
    while stage < len(request.plan):
        spec = request.plan[stage]
        approvers = await stage_approvers(request, unit, spec["approvers"])
        if approvers:
            hours = spec.get("deadline_hours")
            due = now + timedelta(hours=hours) if hours else None
            for approver_id in approvers:
                await ApprovalTask.create(
                    request_id=request.id,
                    stage=stage,
                    mode=StepMode(spec["mode"]),
                    approver_id=approver_id,
                    due_at=due,
                )
            await ApprovalRequest.filter(id=request.id).update(stage=stage)
            request.stage = stage
            return -1
        if request.request_type in NEVER_SKIPPED:
            await ApprovalEvent.create(
                request_id=request.id,
                kind=EventKind.REJECTED,
                stage=stage,
                comment="No approver other than the requester.",
            )
            await _finish(request, approved=False, now=now, viewer=None)
            return -1
        await ApprovalEvent.create(
            request_id=request.id, kind=EventKind.SKIPPED, stage=stage, comment="No approver."
        )
        stage += 1
    return stage


async def _finish(
    request: ApprovalRequest, *, approved: bool, now: datetime, viewer: Viewer | None
) -> None:
    status = ApprovalStatus.APPROVED if approved else ApprovalStatus.REJECTED
    await ApprovalRequest.filter(id=request.id).update(status=status, decided_at=now)
    request.status, request.decided_at = status, now
    await ApprovalTask.filter(request_id=request.id, status=TaskStatus.PENDING).update(
        status=TaskStatus.CLOSED
    )
    await ApprovalEvent.create(
        request_id=request.id, kind=EventKind.COMPLETED, comment=status.value
    )
    effect = _EFFECTS.get(request.request_type)
    if effect is not None:
        from talentloop.access.policy import SYSTEM

        await effect(request, approved, viewer or SYSTEM)


def _today_delegators(viewer: Viewer, today: date) -> QuerySet[Delegation]:
    return Delegation.filter(
        to_user_id=viewer.user_id or -1, start_date__lte=today, end_date__gte=today
    )


def delegators(viewer: Viewer, now: datetime | None = None) -> QuerySet[Delegation]:
    """The delegations to the viewer in force today: whose approvals they act on (a query a
    domain can use as a subquery)."""
    return _today_delegators(viewer, china_today(now))


async def acting_for(viewer: Viewer, now: datetime | None = None) -> list[int]:
    """The users the viewer acts for now: themself and whoever delegated to them today."""
    if viewer.user_id is None:
        return []
    today = china_today(now)
    others = await _today_delegators(viewer, today).values_list("from_user_id", flat=True)
    ids: set[int] = {int(str(i)) for i in others}
    return [viewer.user_id, *sorted(ids - {viewer.user_id})]


def acting_on(viewer: Viewer, request_type: RequestType, acting: Sequence[int]) -> list[int]:
    """Of those the viewer acts for (`acting_for`), whom they act for on a request of the type:
    a delegate whose own role does not decide the type acts only for themself (a sales rep
    standing in for HQ HR does not release an export)."""
    return list(acting) if decides(viewer, request_type) else list(acting[:1])


def visible_requests(viewer: Viewer, acting: Sequence[int] = ()) -> QuerySet[ApprovalRequest]:
    """Requests inside the viewer's subtrees that they asked for, are about, approve (or act
    for an approver of), or handle as HR."""
    if viewer.user_id is None:
        return ApprovalRequest.filter(id__in=[])
    paths = viewer.subtree_paths()
    if not paths:
        return ApprovalRequest.filter(id__in=[])
    where = Q(unit__path__startswith=paths[0])
    for path in paths[1:]:
        where |= Q(unit__path__startswith=path)
    mine = Q(requester_id=viewer.user_id) | Q(
        id__in=Subquery(
            ApprovalTask.filter(approver_id__in=list(acting) or [viewer.user_id]).values(
                "request_id"
            )
        )
    )
    if viewer.employee_id is not None:
        mine |= Q(employee_id=viewer.employee_id)
    handled = viewer.act_paths(Operation.MANAGE)  # HR handles the requests of its scope
    if "" in handled:
        mine = Q()
    else:
        for path in handled:
            mine |= Q(unit__path__startswith=path)
    return ApprovalRequest.filter(where).filter(mine)


async def get_request(viewer: Viewer, request_id: int) -> ApprovalRequest | None:
    acting = await acting_for(viewer)
    return await visible_requests(viewer, acting).filter(id=request_id).first()


async def my_open_tasks(viewer: Viewer, now: datetime | None = None) -> list[ApprovalTask]:
    """The pending tasks the viewer may decide now (their own and those they act for)."""
    acting = await acting_for(viewer, now)
    if not acting:
        return []
    tasks = await ApprovalTask.filter(
        approver_id__in=acting,
        status=TaskStatus.PENDING,
        request__status=ApprovalStatus.PENDING,
    ).order_by("created_at", "id")
    types = {
        int(str(pk)): RequestType(str(kind))
        for pk, kind in await visible_requests(viewer, acting)
        .filter(id__in=[t.request_id for t in tasks])
        .values_list("id", "request_type")
    }
    return [
        t
        for t in tasks
        if t.request_id in types and t.approver_id in acting_on(viewer, types[t.request_id], acting)
    ]


async def holds_task(viewer: Viewer, request: ApprovalRequest, now: datetime | None = None) -> bool:
    """Whether the viewer may decide the request now: a pending task of its open stage is
    theirs or one they act for."""
    if request.status is not ApprovalStatus.PENDING:
        return False
    acting = acting_on(viewer, request.request_type, await acting_for(viewer, now))
    return await ApprovalTask.filter(
        request_id=request.id,
        stage=request.stage,
        status=TaskStatus.PENDING,
        approver_id__in=acting or [-1],
    ).exists()


async def request_for_subject(request_type: RequestType, subject_id: int) -> ApprovalRequest | None:
    return (
        await ApprovalRequest.filter(request_type=request_type, subject_id=subject_id)
        .order_by("-id")
        .first()
    )


async def decide(
    viewer: Viewer,
    request_id: int,
    *,
    approve: bool,
    comment: str = "",
    now: datetime | None = None,
) -> ApprovalRequest:
    """Approve or reject the viewer's task (or one they act for) in the open stage."""
    now = now or datetime.now(UTC)
    request = await get_request(viewer, request_id)
    if request is None:
        raise not_found("Approval request", "id")
    if (await _excluded(request)).holds(viewer.user_id, viewer.employee_id):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not decide your own request.", "id")
    acting = acting_on(viewer, request.request_type, await acting_for(viewer, now))
    async with in_transaction():
        locked = await ApprovalRequest.filter(id=request.id).select_for_update().first()
        assert locked is not None
        if locked.status is not ApprovalStatus.PENDING:
            raise ServiceError.one(ErrorCode.CONFLICT, "This request was already decided.", "id")
        tasks = await ApprovalTask.filter(
            request_id=locked.id,
            stage=locked.stage,
            status=TaskStatus.PENDING,
            approver_id__in=acting,
        ).order_by("id")
        # One's own task first, else one of someone one acts for.
        task = next((t for t in tasks if t.approver_id == viewer.user_id), None) or next(
            iter(tasks), None
        )
        if task is None:
            raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not decide this request.", "id")
        text = comment.strip()[:MAX_COMMENT]
        changed = await ApprovalTask.filter(id=task.id, status=TaskStatus.PENDING).update(
            status=TaskStatus.APPROVED if approve else TaskStatus.REJECTED,
            acted_by_id=viewer.user_id,
            decided_at=now,
            comment=text,
        )
        if changed == 0:
            raise ServiceError.one(ErrorCode.CONFLICT, "This request was already decided.", "id")
        await ApprovalEvent.create(
            request_id=locked.id,
            kind=EventKind.APPROVED if approve else EventKind.REJECTED,
            stage=locked.stage,
            actor_id=viewer.user_id,
            on_behalf_of_id=task.approver_id if task.approver_id != viewer.user_id else None,
            comment=text,
        )
        if not approve:
            await _finish(locked, approved=False, now=now, viewer=viewer)
            return locked
        stage_tasks = await ApprovalTask.filter(request_id=locked.id, stage=locked.stage)
        done = task.mode is StepMode.ANY or _stage_done(stage_tasks, task.id)
        if done:
            await ApprovalTask.filter(
                request_id=locked.id, stage=locked.stage, status=TaskStatus.PENDING
            ).update(status=TaskStatus.CLOSED)
            unit = await OrgUnit.get(id=locked.unit_id)
            await _open_stage_with_effect(locked, unit, locked.stage + 1, now, viewer)
        return await ApprovalRequest.get(id=locked.id)


def _stage_done(tasks: list[ApprovalTask], just_approved: int) -> bool:
    """An "all" stage is done when every approver approved; the tasks that took over an
    escalated one count as one approver (any of them)."""
    groups: dict[int, bool] = {}
    for t in tasks:
        if t.status is TaskStatus.ESCALATED:
            continue
        approved = t.status is TaskStatus.APPROVED or t.id == just_approved
        key = -t.id if t.escalated_from_id is None else t.escalated_from_id
        groups[key] = groups.get(key, False) or approved
    return all(groups.values())


async def _open_stage_with_effect(
    request: ApprovalRequest, unit: OrgUnit, stage: int, now: datetime, viewer: Viewer
) -> None:
    if stage >= len(request.plan):
        await _finish(request, approved=True, now=now, viewer=viewer)
        return
    await _open_stage(request, unit, stage, now)
    progress = _PROGRESS.get(request.request_type)
    if progress is not None and request.status is ApprovalStatus.PENDING:
        await progress(request, viewer)


async def add_comment(viewer: Viewer, request_id: int, comment: str) -> ApprovalRequest:
    """A comment on the history, by anyone who reads the request."""
    request = await get_request(viewer, request_id)
    if request is None:
        raise not_found("Approval request", "id")
    text = comment.strip()[:MAX_COMMENT]
    if not text:
        raise ServiceError.one(ErrorCode.INVALID, "Write a comment.", "comment")
    await ApprovalEvent.create(
        request_id=request.id,
        kind=EventKind.COMMENTED,
        stage=request.stage,
        actor_id=viewer.user_id,
        comment=text,
    )
    return request


async def cancel(viewer: Viewer, request_type: RequestType, subject_id: int) -> None:
    """The subject was withdrawn: close the request (called by the owning domain)."""
    request = await request_for_subject(request_type, subject_id)
    if request is None or request.status is not ApprovalStatus.PENDING:
        return
    now = datetime.now(UTC)
    await ApprovalRequest.filter(id=request.id, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.CANCELLED, decided_at=now
    )
    await ApprovalTask.filter(request_id=request.id, status=TaskStatus.PENDING).update(
        status=TaskStatus.CLOSED
    )
    await ApprovalEvent.create(
        request_id=request.id, kind=EventKind.CANCELLED, actor_id=viewer.user_id
    )


# --- delegation and escalation ---------------------------------------------------------------


def require_user(viewer: Viewer) -> int:
    """Delegations are a user's: anyone else is refused before their input is read."""
    if viewer.user_id is None:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Sign in to delegate.")
    return viewer.user_id


async def delegate(viewer: Viewer, *, to_employee_id: int, start: date, end: date) -> Delegation:
    """While away the viewer's approvals may be decided by a colleague they can see."""
    require_user(viewer)
    scope = viewer.employee_filter()
    employee = (
        await Employee.filter(scope).filter(id=to_employee_id).first()
        if scope is not None
        else None
    )
    if employee is None:
        raise not_found("Employee", "toEmployeeId")
    problems: list[FieldError] = []
    if end < start:
        problems.append(
            FieldError("The delegation ends before it starts.", ErrorCode.INVALID, "endDate")
        )
    elif (end - start).days > 366:
        problems.append(FieldError("At most a year at a time.", ErrorCode.INVALID, "endDate"))
    if problems:
        raise ServiceError(*problems)
    user = await _user_of(employee.id)
    if user is None or user.id == viewer.user_id:
        raise ServiceError.one(
            ErrorCode.INVALID, "Delegate to a colleague with a user account.", "toEmployeeId"
        )
    # Who decides whose approvals changes: audited like a flow's change.
    async with in_transaction():
        delegation = await Delegation.create(
            from_user_id=viewer.user_id, to_user_id=user.id, start_date=start, end_date=end
        )
        await audit.record_created(
            viewer,
            "ApprovalDelegation",
            delegation.id,
            {"to_user_id": user.id, "start_date": start, "end_date": end},
        )
    return delegation


async def end_delegation(
    viewer: Viewer, delegation_id: int, now: datetime | None = None
) -> Delegation | None:
    """The approver ends a delegation they gave: from today the delegate no longer acts for
    them (its last day becomes yesterday); one that has not begun is removed (None).
    The delegate cannot end it for them, and nobody else sees it: not found."""
    delegation = await Delegation.get_or_none(id=delegation_id, from_user_id=require_user(viewer))
    if delegation is None:
        raise not_found("Delegation", "id")
    today = china_today(now)
    if delegation.end_date < today:
        raise ServiceError.one(ErrorCode.INVALID, "This delegation has already ended.", "id")
    before = {"end_date": delegation.end_date}
    async with in_transaction():
        if delegation.start_date >= today:
            await delegation.delete()
            await audit.record_deleted(
                viewer,
                "ApprovalDelegation",
                delegation_id,
                {
                    "to_user_id": delegation.to_user_id,
                    "start_date": delegation.start_date,
                    "end_date": delegation.end_date,
                },
            )
            return None
        delegation.end_date = today - timedelta(days=1)
        await delegation.save(update_fields=["end_date"])
        await audit.record_changes(
            viewer, "ApprovalDelegation", delegation.id, before, {"end_date": delegation.end_date}
        )
    return delegation


async def my_delegations(viewer: Viewer) -> list[Delegation]:
    if viewer.user_id is None:
        return []
    return await Delegation.filter(
        Q(from_user_id=viewer.user_id) | Q(to_user_id=viewer.user_id)
    ).order_by("-start_date", "-id")


async def escalate_overdue(now: datetime | None = None) -> int:
    """Hand every pending task past its deadline to its stage's escalation approver (the
    job worker calls this on its heartbeat). Returns how many tasks were escalated."""
    now = now or datetime.now(UTC)
    count = 0
    for task in await ApprovalTask.filter(
        status=TaskStatus.PENDING, due_at__lt=now, request__status=ApprovalStatus.PENDING
    ).order_by("id"):
        async with in_transaction():
            request = await ApprovalRequest.filter(id=task.request_id).select_for_update().first()
            if request is None or request.stage != task.stage:
                continue
            changed = await ApprovalTask.filter(id=task.id, status=TaskStatus.PENDING).update(
                status=TaskStatus.ESCALATED, decided_at=now
            )
            if changed == 0:
                continue
            spec = request.plan[task.stage].get("escalate") or {"rule": ApproverRule.HQ_HR.value}
            unit = await OrgUnit.get(id=request.unit_id)
            rule_spec = {"rule": spec["rule"], "user_id": spec.get("user_id")}
            if spec["rule"] == ApproverRule.ROLE.value:
                rule_spec = {"rule": ApproverRule.HQ_HR.value}
            approvers = await stage_approvers(request, unit, [rule_spec])
            open_ids = set(
                await ApprovalTask.filter(
                    request_id=request.id, stage=task.stage, status=TaskStatus.PENDING
                ).values_list("approver_id", flat=True)
            )
            for approver_id in approvers:
                if approver_id in open_ids:
                    continue
                await ApprovalTask.create(
                    request_id=request.id,
                    stage=task.stage,
                    mode=task.mode,
                    approver_id=approver_id,
                    escalated_from_id=task.id,
                )
            await ApprovalEvent.create(
                request_id=request.id,
                kind=EventKind.ESCALATED,
                stage=task.stage,
                on_behalf_of_id=task.approver_id,
                comment="Past the deadline.",
            )
            count += 1
    return count
