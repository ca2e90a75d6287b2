"""Performance pay (绩效): suspending it for a unit with a restore condition, following the
condition period by period, and restoring it through a two-step approval
(the branch head, then HQ HR) that keeps the evidence that was shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from talentloop.access.policy import SYSTEM, FieldGroup, Viewer
from talentloop.accounts.models import Role, User
from talentloop.approvals import service as approvals
from talentloop.approvals import titles
from talentloop.approvals.models import ApprovalEvent, ApprovalRequest, EventKind, RequestType
from talentloop.approvals.titles import Title
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.i18n import ENGLISH, N_, translate
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.payroll import inputs
from talentloop.people.models import Employee
from talentloop.performance import rollup
from talentloop.performance.models import (
    ConditionKind,
    Kpi,
    PaySuspension,
    PerformanceRecord,
    PeriodType,
    RestoreDecision,
    RestoreRequest,
    RestoreRequestStatus,
    RestoreStep,
    SuspensionStatus,
)
from talentloop.performance.periods import is_period_start, label, next_period, periods_between


@dataclass(frozen=True)
class ConditionPeriod:
    period: date
    value: Decimal | None  # the unit's KPI value, or its achievement %, per the condition
    met: bool


@dataclass(frozen=True)
class Progress:
    periods: list[ConditionPeriod]
    streak: int  # consecutive periods met, ending with the latest period
    required: int
    latest_value: Decimal | None
    threshold: Decimal
    percent_of_threshold: Decimal | None  # latest value / threshold, capped at 100
    condition_met: bool
    description: str  # in the reader's language
    stored_description: str  # in English, for a snapshot (evidence) read in any language
    period_type: PeriodType  # the KPI's: what a period of the streak is (month, quarter, year)


# The restore condition as a sentence, in the reader's language.
CONDITION = {
    (ConditionKind.UNIT_TOTAL, False): N_("{unit} {kpi} ≥ {threshold}, 1 period"),
    (ConditionKind.UNIT_TOTAL, True): N_(
        "{unit} {kpi} ≥ {threshold}, {periods} consecutive periods"
    ),
    (ConditionKind.AVERAGE_ACHIEVEMENT, False): N_(
        "{unit} {kpi} achievement % ≥ {threshold}, 1 period"
    ),
    (ConditionKind.AVERAGE_ACHIEVEMENT, True): N_(
        "{unit} {kpi} achievement % ≥ {threshold}, {periods} consecutive periods"
    ),
}


def describe(
    suspension: PaySuspension, kpi: Kpi, unit: OrgUnit, language: str | None = None
) -> str:
    """The condition in `language` (default: the reader's); ENGLISH for a stored snapshot,
    which `translate_stored` renders for each reader."""
    several = suspension.condition_periods > 1
    return translate(
        CONDITION[(suspension.condition_kind, several)],
        {
            "unit": unit.name,
            "kpi": kpi.name,
            "threshold": f"{suspension.condition_threshold.normalize():f}",
            "periods": suspension.condition_periods,
        },
        language=language,
    )


async def progress(suspension: PaySuspension) -> Progress:
    """Evaluated over the whole unit, whoever asks: the suspension itself is read only by
    those who follow the unit (`_follows`), who may see the whole unit's figures."""
    kpi = await Kpi.get(id=suspension.condition_kpi_id)
    unit = await OrgUnit.get(id=suspension.unit_id)
    latest_period = (
        await PerformanceRecord.filter(kpi_id=kpi.id, employee__unit__path__startswith=unit.path)
        .order_by("-period")
        .limit(1)
        .values_list("period", flat=True)
    )
    last = latest_period[0] if latest_period else None
    periods = (
        periods_between(suspension.suspended_from, rollup.as_date(last), kpi.period_type)
        if last is not None
        else []
    )
    points = rollup.series(
        kpi, periods, await rollup.member_values(SYSTEM, kpi, periods, root_path=unit.path)
    )
    rows: list[ConditionPeriod] = []
    for point in points:
        value = (
            point.actual
            if suspension.condition_kind is ConditionKind.UNIT_TOTAL
            else point.achievement
        )
        rows.append(
            ConditionPeriod(
                point.period, value, value is not None and value >= suspension.condition_threshold
            )
        )
    streak = 0
    for row in reversed(rows):
        if not row.met:
            break
        streak += 1
    latest = rows[-1].value if rows else None
    percent = None
    if latest is not None and suspension.condition_threshold > 0:
        percent = min(Decimal(100), latest / suspension.condition_threshold * 100).quantize(
            Decimal("0.1")
        )
    return Progress(
        periods=rows,
        streak=streak,
        required=suspension.condition_periods,
        latest_value=latest,
        threshold=suspension.condition_threshold,
        percent_of_threshold=percent,
        condition_met=streak >= suspension.condition_periods,
        description=describe(suspension, kpi, unit),
        stored_description=describe(suspension, kpi, unit, ENGLISH),
        period_type=kpi.period_type,
    )


async def _follows(viewer: Viewer) -> Callable[[str], bool]:
    """Whose performance pay a viewer follows, by unit path: a unit's progress is its members'
    performance summed up (for a small team, a person's), so it is read where the viewer reads
    its members' performance (the WORK group) or above that, and by the unit's own members."""
    work = viewer.subtree_paths(requires=FieldGroup.WORK)
    own: str | None = None
    if viewer.employee_id is not None:
        paths = await Employee.filter(id=viewer.employee_id).values_list("unit__path", flat=True)
        own = str(paths[0]) if paths else None

    def follows(path: str) -> bool:
        return any(path.startswith(p) or p.startswith(path) for p in work) or (
            own is not None and own.startswith(path)
        )

    return follows


async def list_suspensions(viewer: Viewer) -> list[PaySuspension]:
    """Suspensions the viewer follows (`_follows`): HR and the boss in their scope, a manager
    for their team and above, an employee their own unit's and above."""
    follows = await _follows(viewer)
    suspensions = await PaySuspension.all().select_related("unit").order_by("-suspended_from", "id")
    return [s for s in suspensions if follows(s.unit.path)]


async def get_suspension(viewer: Viewer, suspension_id: int) -> PaySuspension | None:
    suspension = await PaySuspension.get_or_none(id=suspension_id).select_related("unit")
    if suspension is None:
        return None
    return suspension if (await _follows(viewer))(suspension.unit.path) else None


async def get_restore_request(viewer: Viewer, request_id: int) -> RestoreRequest | None:
    """A restore request is read wherever its suspension is."""
    request = await RestoreRequest.get_or_none(id=request_id)
    if request is None or await get_suspension(viewer, request.suspension_id) is None:
        return None
    return request


async def suspend(
    viewer: Viewer,
    *,
    unit_id: int,
    reason: str,
    suspended_from: date,
    kind: ConditionKind,
    kpi_id: int,
    threshold: Decimal,
    periods: int,
) -> PaySuspension:
    """Only HQ HR suspends performance pay: it is company pay policy."""
    if not viewer.is_hq_hr:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Only HQ HR suspends performance pay.")
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        raise not_found("Unit", "unitId")
    kpi = await Kpi.get_or_none(id=kpi_id)
    if kpi is None:
        raise not_found("KPI", "kpiId")
    problems: list[FieldError] = []
    if not reason.strip():
        problems.append(FieldError("Give the reason.", ErrorCode.REQUIRED, "reason"))
    if not is_period_start(suspended_from, kpi.period_type):
        problems.append(
            FieldError("Not the start of a period.", ErrorCode.INVALID, "suspendedFrom")
        )
    if threshold <= 0:
        problems.append(
            FieldError("The threshold must be above 0.", ErrorCode.INVALID, "threshold")
        )
    if not 1 <= periods <= 12:
        problems.append(FieldError("Periods is between 1 and 12.", ErrorCode.INVALID, "periods"))
    if await PaySuspension.filter(unit_id=unit.id, status__not=SuspensionStatus.RESTORED).exists():
        problems.append(
            FieldError(
                "This unit's performance pay is already suspended.", ErrorCode.CONFLICT, "unitId"
            )
        )
    if problems:
        raise ServiceError(*problems)
    suspension = await PaySuspension.create(
        unit_id=unit.id,
        reason=reason.strip(),
        suspended_from=suspended_from,
        condition_kind=kind,
        condition_kpi_id=kpi.id,
        condition_threshold=threshold,
        condition_periods=periods,
        created_by_id=viewer.user_id,
    )
    await audit.record_pay_suspended(viewer, suspension)
    await inputs.pay_suspension_changed(unit.id, suspended_from, restored=False)
    return suspension


def may_ask_restore(viewer: Viewer, unit_path: str) -> bool:
    """HR of the unit (branch or HQ) and the boss, who reads the report the restore rests on
    (issue 21 point 1): the executive's grants, wherever they cover the unit."""
    return viewer.user_id is not None and (
        viewer.can_manage_employees_in(unit_path)
        or any(unit_path.startswith(p) for p in viewer.role_paths(Role.EXECUTIVE))
    )


def first_period_after(shown: Progress, suspension: PaySuspension) -> date:
    """The first period after the condition's streak (it ends with the latest period)."""
    last = shown.periods[-1].period if shown.periods else None
    return next_period(last) if last is not None else suspension.suspended_from


async def request_restore(
    viewer: Viewer, suspension_id: int, *, restore_from: date | None, comment: str
) -> RestoreRequest:
    """HR of the unit or the boss asks, with one click where the condition is met; the
    progress and the report's measured effect are kept as the evidence."""
    suspension = await get_suspension(viewer, suspension_id)
    if suspension is None:
        raise not_found("Suspension", "suspensionId")
    unit = await OrgUnit.get(id=suspension.unit_id)
    if not may_ask_restore(viewer, unit.path) or viewer.user_id is None:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only the unit's HR or the executive may ask to restore."
        )
    if suspension.status is not SuspensionStatus.SUSPENDED:
        raise ServiceError.one(
            ErrorCode.CONFLICT,
            "A restore is already requested, or pay is restored.",
            "suspensionId",
        )
    shown = await progress(suspension)
    if restore_from is None:
        restore_from = first_period_after(shown, suspension)
    if not is_period_start(restore_from) or restore_from < suspension.suspended_from:
        raise ServiceError.one(
            ErrorCode.INVALID,
            "Restore from the start of a period after the suspension.",
            "restoreFrom",
        )
    request = await _open_request(
        viewer,
        suspension,
        unit,
        shown,
        requester_id=viewer.user_id,
        restore_from=restore_from,
        comment=comment.strip(),
        automatically=False,
    )
    if request is None:
        raise ServiceError.one(
            ErrorCode.CONFLICT,
            "A restore is already requested, or pay is restored.",
            "suspensionId",
        )
    return request


async def _open_request(
    viewer: Viewer,
    suspension: PaySuspension,
    unit: OrgUnit,
    shown: Progress,
    *,
    requester_id: int,
    restore_from: date,
    comment: str,
    automatically: bool,
) -> RestoreRequest | None:
    """Files the request and submits it to the approvals engine; None when another request
    took the suspension first (the status moves from SUSPENDED once, in SQL)."""
    from talentloop.performance import restore_evidence

    evidence = await restore_evidence.snapshot(
        suspension, shown, opened_automatically=automatically, today=approvals.china_today()
    )
    async with in_transaction():
        taken = await PaySuspension.filter(
            id=suspension.id, status=SuspensionStatus.SUSPENDED
        ).update(status=SuspensionStatus.RESTORE_REQUESTED)
        if not taken:
            return None
        suspension.status = SuspensionStatus.RESTORE_REQUESTED
        request = await RestoreRequest.create(
            suspension_id=suspension.id,
            requested_by_id=requester_id,
            restore_from=restore_from,
            comment=comment,
            evidence=evidence,
            current_step=RestoreStep.BRANCH_HEAD,
        )
        await audit.record_restore_requested(viewer, request, automatically=automatically)
        await _submit_restore(viewer, request, unit)
    return request


async def hr_of_record(unit: OrgUnit) -> int | None:
    """Whom a request the system opens is filed for: the unit's branch HR (the first account,
    by id, whose grants manage the unit), else HQ HR. They are its requester, so — as for
    any requester — never one of its approvers."""
    from talentloop.access.viewer import viewer_for_user
    from talentloop.accounts.models import RoleGrant

    for role in (Role.BRANCH_HR, Role.HQ_HR):
        holders = RoleGrant.filter(role=role).values_list("user_id", flat=True)
        users = (
            await User.filter(id__in=await holders, is_active=True)
            .prefetch_related("employee__unit", "scope_unit")
            .order_by("id")
        )
        for user in users:
            if (await viewer_for_user(user)).can_manage_employees_in(unit.path):
                return user.id
    return None


async def open_due_restores(kpi_id: int | None = None) -> int:
    """After a period's results land (recorded or imported): a restore request opens by itself
    for every suspended pay whose condition is now met — once per streak: not while one is
    open, nor again for the same restore period after a rejection (a later met period asks
    anew). The system files it for the unit's HR of record; the audit trail says so."""
    suspensions = PaySuspension.filter(status=SuspensionStatus.SUSPENDED)
    if kpi_id is not None:
        suspensions = suspensions.filter(condition_kpi_id=kpi_id)
    opened = 0
    for suspension in await suspensions.order_by("id"):
        shown = await progress(suspension)
        if not shown.condition_met:
            continue
        restore_from = first_period_after(shown, suspension)
        if await RestoreRequest.filter(
            suspension_id=suspension.id, restore_from__gte=restore_from
        ).exists():
            continue
        unit = await OrgUnit.get(id=suspension.unit_id)
        requester = await hr_of_record(unit)
        if requester is None:
            continue
        request = await _open_request(
            SYSTEM,
            suspension,
            unit,
            shown,
            requester_id=requester,
            restore_from=restore_from,
            comment="",
            automatically=True,
        )
        opened += request is not None
    return opened


async def _submit_restore(
    viewer: Viewer, request: RestoreRequest, unit: OrgUnit, start_stage: int = 0
) -> ApprovalRequest:
    return await approvals.submit(
        viewer,
        RequestType.PAY_RESTORE,
        request.id,
        unit=unit,
        employee_id=None,
        title=Title(titles.PAY_RESTORE, {"unit": unit.name, "month": str(request.restore_from)}),
        requester_id=request.requested_by_id,
        start_stage=start_stage,
    )


async def decide_restore(
    viewer: Viewer, request_id: int, *, approve: bool, comment: str
) -> RestoreRequest:
    request = await RestoreRequest.get_or_none(id=request_id).select_related("suspension")
    if request is None or await get_suspension(viewer, request.suspension_id) is None:
        raise not_found("Restore request", "requestId")
    if request.status is not RestoreRequestStatus.PENDING or request.current_step is None:
        raise ServiceError.one(ErrorCode.CONFLICT, "This request is already decided.", "requestId")
    if request.requested_by_id == viewer.user_id:
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Nobody approves their own request.", "requestId"
        )
    step = request.current_step
    refused = ServiceError.one(
        ErrorCode.FORBIDDEN,
        N_("The branch head decides first, then HQ HR.")
        if step is RestoreStep.BRANCH_HEAD
        else N_("HQ HR decides this step."),
        "requestId",
    )
    approval = await approvals.request_for_subject(RequestType.PAY_RESTORE, request.id)
    if approval is None:  # asked for before restores ran on the engine: start it at its step
        async with in_transaction():
            unit = await OrgUnit.get(id=request.suspension.unit_id)
            approval = await _submit_restore(
                viewer, request, unit, 0 if step is RestoreStep.BRANCH_HEAD else 1
            )
    try:
        await approvals.decide(viewer, approval.id, approve=approve, comment=comment)
    except ServiceError as exc:
        if exc.errors and exc.errors[0].code in (ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN):
            raise refused from exc
        raise
    return await RestoreRequest.get(id=request.id)


def _step_of(approval: ApprovalRequest, stage: int) -> RestoreStep:
    """The engine's last stage is HQ HR's; any before it, the branch head's."""
    return RestoreStep.HQ_HR if stage >= len(approval.plan) - 1 else RestoreStep.BRANCH_HEAD


async def _record_decision(
    approval: ApprovalRequest, request: RestoreRequest, step: RestoreStep, approved: bool
) -> None:
    last = (
        await ApprovalEvent.filter(
            request_id=approval.id, kind__in=(EventKind.APPROVED, EventKind.REJECTED)
        )
        .order_by("-id")
        .first()
    )
    if last is None or last.actor_id is None:
        return
    await RestoreDecision.create(
        request_id=request.id,
        step=step,
        approver_id=last.actor_id,
        approved=approved,
        comment=last.comment,
    )


async def _restore_progress(approval: ApprovalRequest, viewer: Viewer) -> None:
    """An approval opened the next stage: the decision is kept, HQ HR's step is next."""
    request = await RestoreRequest.get_or_none(id=approval.subject_id).select_related("suspension")
    if request is None or request.status is not RestoreRequestStatus.PENDING:
        return
    decided = request.current_step or RestoreStep.BRANCH_HEAD
    await _record_decision(approval, request, decided, True)
    request.current_step = _step_of(approval, approval.stage)
    await request.save(update_fields=["current_step"])
    await audit.record_restore_decided(viewer, request, decided, True)


async def _restore_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The final decision: pay restored from the asked period, or left suspended."""
    request = await RestoreRequest.get_or_none(id=approval.subject_id).select_related("suspension")
    if request is None or request.status is not RestoreRequestStatus.PENDING:
        return
    step = request.current_step or RestoreStep.HQ_HR
    await _record_decision(approval, request, step, approved)
    suspension = request.suspension
    if approved:
        request.status = RestoreRequestStatus.APPROVED
        suspension.status = SuspensionStatus.RESTORED
        suspension.restored_from = request.restore_from
        await inputs.pay_suspension_changed(suspension.unit_id, request.restore_from, restored=True)
    else:
        request.status = RestoreRequestStatus.REJECTED
        suspension.status = SuspensionStatus.SUSPENDED
    request.current_step = None
    await request.save(update_fields=["status", "current_step"])
    await suspension.save(update_fields=["status", "restored_from"])
    await audit.record_restore_decided(viewer, request, step, approved)


async def _paid_under(approval: ApprovalRequest) -> list[int]:
    """Everyone whose performance pay the restore gives back (the suspended unit's subtree):
    none of them approves it (docs/architecture.md, "Self-dealing")."""
    request = await RestoreRequest.get_or_none(id=approval.subject_id).select_related(
        "suspension__unit"
    )
    if request is None:
        return []
    paid = await Employee.filter(
        unit_id__in=org_service.subtree_ids(request.suspension.unit.path)
    ).values_list("id", flat=True)
    return [int(i) for i in paid]  # type: ignore[call-overload]


approvals.register_effect(RequestType.PAY_RESTORE, _restore_decided, _restore_progress)
approvals.register_people(RequestType.PAY_RESTORE, _paid_under)


async def may_decide(viewer: Viewer, suspension: PaySuspension, step: RestoreStep) -> bool:
    if step is RestoreStep.HQ_HR:
        return viewer.is_hq_hr
    head_user = await branch_head(suspension)
    return head_user is not None and head_user.id == viewer.user_id


async def branch_head(suspension: PaySuspension) -> User | None:
    """The user account of the head of the branch the unit belongs to (the unit itself if a branch)."""
    unit = await OrgUnit.get(id=suspension.unit_id)
    chain = await OrgUnit.filter(id__in=[*unit.ancestor_ids(), unit.id]).order_by("-depth")
    branch = next((u for u in chain if u.type is OrgUnitType.BRANCH), chain[-1])
    if branch.manager_id is None:
        return None
    return await User.filter(employee_id=branch.manager_id, is_active=True).first()


def evidence_json(shown: Progress) -> dict[str, Any]:
    data = asdict(shown)
    return {
        "description": data["stored_description"],
        "conditionMet": data["condition_met"],
        "streak": data["streak"],
        "required": data["required"],
        "periodType": shown.period_type.value,
        "threshold": str(data["threshold"]),
        "latestValue": None if data["latest_value"] is None else str(data["latest_value"]),
        "periods": [
            {
                "period": label(p.period),
                "value": None if p.value is None else str(p.value),
                "met": p.met,
            }
            for p in shown.periods
        ],
    }
