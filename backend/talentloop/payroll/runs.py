"""A payroll run's life: created for a unit and month (never overlapping another run of the
month), draft → review → approved → paid, recomputed in place. Review runs on the approvals
engine (request type PAYROLL_RUN): its approvers decide, the HR who submitted the run does not,
nor anyone it pays. A run approved is locked: every change to it is a `LOCKED` error, and
corrections of its month go into a later month as adjustment items."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from talentloop.access.policy import Viewer
from talentloop.approvals import service as approvals
from talentloop.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStatus,
    EventKind,
    RequestType,
)
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, ServiceError, not_found
from talentloop.jobs import queue
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.payroll import staleness
from talentloop.payroll.computing import enqueue
from talentloop.payroll.models import (
    LOCKED_STATUSES,
    JobStatus,
    PayrollOpening,
    PayrollRun,
    Payslip,
    RunStatus,
)
from talentloop.payroll.reads import get_run

# --- runs ---------------------------------------------------------------------------------------


async def create_run(viewer: Viewer, unit_id: int, month: date) -> PayrollRun:
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        raise not_found("Unit", "unitId")
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not run this unit's payroll.", "unitId"
        )
    if month.day != 1:
        raise ServiceError.one(ErrorCode.INVALID, "A month: its first day.", "month")
    async with in_transaction():
        await refuse_paid_before(unit.path, month)
        if await PayrollRun.filter(unit_id=unit.id, month=month).exists():
            raise ServiceError.one(ErrorCode.DUPLICATE, "This month's run exists.", "month")
        overlapping = (
            await PayrollRun.filter(month=month)
            .filter(Q(unit__path__startswith=unit.path) | Q(unit_id__in=unit.ancestor_ids()))
            .exists()
        )
        if overlapping:
            raise ServiceError.one(
                ErrorCode.CONFLICT,
                "A run of this month already pays part of this unit.",
                "unitId",
            )
        try:
            run = await PayrollRun.create(
                unit=unit, month=month, step="queued", created_by_id=viewer.user_id
            )
        except IntegrityError as exc:  # the same run started at the same moment
            raise ServiceError.one(
                ErrorCode.DUPLICATE, "This month's run exists.", "month"
            ) from exc
        await enqueue(run.id)
    queue.notify()
    return run


async def refuse_paid_before(unit_path: str, month: date) -> None:
    """A month the old system paid for someone in the unit — their opening figures run through
    it (payroll/openings.py) — is not run here: `CONFLICT` naming them and the month."""
    opening = (
        await PayrollOpening.filter(
            year=month.year,
            last_month__gte=month.month,
            employee__unit__path__startswith=unit_path,
        )
        .select_related("employee")
        .order_by("employee__employee_number")
        .first()
    )
    if opening is not None:
        raise ServiceError.one(
            ErrorCode.CONFLICT,
            "The previous system paid {name} through {last}: a run of {month} is refused.",
            "month",
            name=opening.employee.name,
            last=f"{opening.year}-{opening.last_month:02d}",
            month=f"{month:%Y-%m}",
        )


async def _run_to_change(viewer: Viewer, run_id: int) -> PayrollRun:
    run = await get_run(viewer, run_id)
    if run is None:
        raise not_found("Payroll run", "id")
    return run


def _locked(run: PayrollRun) -> ServiceError:
    return ServiceError.one(
        ErrorCode.LOCKED,
        "The run is {status}: it cannot change; corrections go into a later month.",
        "id",
        status=run.status.value,
    )


async def _transition(
    viewer: Viewer,
    run: PayrollRun,
    expected: RunStatus,
    to: RunStatus,
    *,
    approved_by_id: int | None = None,
) -> bool:
    """Move the run from `expected` to `to` (the status is checked in the same statement that
    changes it: two clicks move it once), with its audit entry. False: it was not `expected`."""
    values: dict[str, object] = {"status": to}
    if to is RunStatus.APPROVED:
        values |= {"approved_by_id": approved_by_id, "approved_at": datetime.now(UTC)}
    if to is RunStatus.PAID:
        values["paid_at"] = datetime.now(UTC)
    changed = await PayrollRun.filter(id=run.id, status=expected, job_status=JobStatus.DONE).update(
        **values
    )
    if changed:
        await audit.record_changes(
            viewer, "PayrollRun", run.id, {"status": expected.value}, {"status": to.value}
        )
    return bool(changed)


def _refusal(run: PayrollRun, expected: RunStatus, to: RunStatus) -> ServiceError:
    """Why the run (as it is now) did not move from `expected` to `to`."""
    if run.status in LOCKED_STATUSES and not (
        run.status is RunStatus.APPROVED and to is RunStatus.PAID
    ):
        return _locked(run)
    if run.job_status is JobStatus.RUNNING:
        return ServiceError.one(ErrorCode.CONFLICT, "The run is still computing.", "id")
    if run.job_status is JobStatus.FAILED:
        return ServiceError.one(ErrorCode.INVALID, "The run failed: {error}", "id", error=run.error)
    return ServiceError.one(
        ErrorCode.INVALID,
        "The run is {status}, not {expected}.",
        "id",
        status=run.status.value,
        expected=expected.value,
    )


async def _move(viewer: Viewer, run_id: int, expected: RunStatus, to: RunStatus) -> PayrollRun:
    run = await _run_to_change(viewer, run_id)
    async with in_transaction():
        changed = await _transition(viewer, run, expected, to)
        await run.refresh_from_db()
        if not changed:
            raise _refusal(run, expected, to)
    return run


# --- approving a run (approvals/, request type PAYROLL_RUN) -------------------------------------
#
# Submitting a run for review submits an approval request on the run's unit, its amount the
# run's total gross pay (应发合计, what the payroll costs before the employees' contributions
# and tax), so a flow's "amount over" condition reads the size of the payroll. The flow's
# final approval approves the run (locking it), a rejection sends it back to draft. Without a
# configured flow: the branch head, then HQ HR (approvals.DEFAULT_PLANS); the HR who
# submitted it never approves it.


async def _submit_approval(
    viewer: Viewer, run: PayrollRun, requester_id: int | None
) -> ApprovalRequest:
    unit = await OrgUnit.get(id=run.unit_id)
    return await approvals.submit(
        viewer,
        RequestType.PAYROLL_RUN,
        run.id,
        unit=unit,
        employee_id=None,
        title=f"{unit.name} {run.month:%Y-%m}",  # the request type says what it is
        amount=run.gross,
        requester_id=requester_id,
    )


async def _run_decided(approval: ApprovalRequest, approved: bool, viewer: Viewer) -> None:
    """The engine's final decision on a run under review (inside its transaction)."""
    run = await PayrollRun.get_or_none(id=approval.subject_id).select_related("unit")
    if run is None or run.status is not RunStatus.REVIEW:
        return
    if not approved:
        await _transition(viewer, run, RunStatus.REVIEW, RunStatus.DRAFT)
        return
    await refuse_unapprovable(run)  # rolls the engine's decision back with it
    last = (
        await ApprovalEvent.filter(request_id=approval.id, kind=EventKind.APPROVED)
        .order_by("-id")
        .first()
    )
    await _transition(
        viewer,
        run,
        RunStatus.REVIEW,
        RunStatus.APPROVED,
        approved_by_id=last.actor_id if last is not None else viewer.user_id,
    )


async def _paid_by(approval: ApprovalRequest) -> list[int]:
    """Everyone the run pays: none of them approves it (docs/architecture.md, "Self-dealing")."""
    paid = await Payslip.filter(run_id=approval.subject_id).values_list("employee_id", flat=True)
    return [int(i) for i in paid]  # type: ignore[call-overload]


approvals.register_effect(RequestType.PAYROLL_RUN, _run_decided)
approvals.register_people(RequestType.PAYROLL_RUN, _paid_by)


async def _run_to_decide(viewer: Viewer, run_id: int) -> tuple[PayrollRun, bool]:
    """The run, for HR who run it or an approver of its request (who reads the request, not
    the run); and whether the viewer runs it. Anyone else: NOT_FOUND."""
    run = await get_run(viewer, run_id)
    if run is not None:
        return run, True
    approval = await approvals.request_for_subject(RequestType.PAYROLL_RUN, run_id)
    if approval is not None and await approvals.get_request(viewer, approval.id) is not None:
        found = await PayrollRun.get_or_none(id=run_id).select_related("unit")
        if found is not None:
            return found, False
    raise not_found("Payroll run", "id")


async def _pending_approval(viewer: Viewer, run: PayrollRun) -> ApprovalRequest | None:
    approval = await approvals.request_for_subject(RequestType.PAYROLL_RUN, run.id)
    if approval is not None and approval.status is ApprovalStatus.PENDING:
        return approval
    return None


async def submit_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """Draft → review, and its approval request submitted (approved at once when no stage
    finds an approver)."""
    run = await _run_to_change(viewer, run_id)
    if await staleness.is_out_of_date(run.id):
        raise ServiceError.one(
            ErrorCode.OUT_OF_DATE,
            "The run is out of date: recompute it before it is approved.",
            "id",
        )
    async with in_transaction():
        changed = await _transition(viewer, run, RunStatus.DRAFT, RunStatus.REVIEW)
        await run.refresh_from_db()
        if not changed:
            raise _refusal(run, RunStatus.DRAFT, RunStatus.REVIEW)
        await _submit_approval(viewer, run, viewer.user_id)
    await run.refresh_from_db()
    return run


async def return_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """Back to draft: an approver of the open stage rejects it, HR who run it withdraw it
    (its request cancelled)."""
    run, runs_it = await _run_to_decide(viewer, run_id)
    approval = await _pending_approval(viewer, run)
    if approval is not None and await approvals.holds_task(viewer, approval):
        await approvals.decide(viewer, approval.id, approve=False)
        await run.refresh_from_db()
        return run
    if not runs_it:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not decide this request.", "id")
    async with in_transaction():
        changed = await _transition(viewer, run, RunStatus.REVIEW, RunStatus.DRAFT)
        await run.refresh_from_db()
        if not changed:
            raise _refusal(run, RunStatus.REVIEW, RunStatus.DRAFT)
        await approvals.cancel(viewer, RequestType.PAYROLL_RUN, run.id)
    return run


async def refuse_unapprovable(run: PayrollRun) -> None:
    """A run is not approved while it is out of date (an input changed after it was computed)
    or while an earlier month of any of its people is still a draft or under review (that
    month's figures count toward this one's cumulative tax)."""
    if await staleness.is_out_of_date(run.id):
        raise ServiceError.one(
            ErrorCode.OUT_OF_DATE,
            "The run is out of date: recompute it before it is approved.",
            "id",
        )
    earlier = await staleness.earlier_open_month(run)
    if earlier is not None:
        raise ServiceError.one(
            ErrorCode.CONFLICT,
            "The payroll of {month} is not approved yet: approve it first.",
            "id",
            month=f"{earlier:%Y-%m}",
        )


async def approve_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """The viewer's approval of their task on the run's request; the flow's last approval
    approves the run (locked from then on)."""
    run, _ = await _run_to_decide(viewer, run_id)
    if run.status is not RunStatus.REVIEW or run.job_status is not JobStatus.DONE:
        raise _refusal(run, RunStatus.REVIEW, RunStatus.APPROVED)
    await refuse_unapprovable(run)
    approval = await _pending_approval(viewer, run)
    if approval is None:  # submitted before runs were approved on the engine: start it now
        async with in_transaction():
            approval = await _submit_approval(viewer, run, run.created_by_id)
        await run.refresh_from_db()
        if approval.status is not ApprovalStatus.PENDING:
            return run
    await approvals.decide(viewer, approval.id, approve=True)
    await run.refresh_from_db()
    return run


async def mark_paid(viewer: Viewer, run_id: int) -> PayrollRun:
    return await _move(viewer, run_id, RunStatus.APPROVED, RunStatus.PAID)


async def recompute_run(viewer: Viewer, run_id: int) -> PayrollRun:
    """Compute a draft again in place (the job records what changed per person). A run under
    review that is out of date goes back to draft to be recomputed: its approval request, on
    the old figures, is cancelled, and HR submits it again."""
    run = await _run_to_change(viewer, run_id)
    if run.status in LOCKED_STATUSES:
        raise _locked(run)
    stale = await staleness.is_out_of_date(run.id)
    async with in_transaction():
        changed = await PayrollRun.filter(
            id=run.id,
            status__in=list(staleness.OPEN_STATUSES) if stale else [RunStatus.DRAFT],
            job_status__not=JobStatus.RUNNING,
        ).update(
            status=RunStatus.DRAFT, job_status=JobStatus.RUNNING, progress=0, step="queued",
            error="",
        )  # fmt: skip
        if changed:
            if run.status is RunStatus.REVIEW:
                await audit.record_changes(
                    viewer, "PayrollRun", run.id, {"status": RunStatus.REVIEW.value},
                    {"status": RunStatus.DRAFT.value},
                )  # fmt: skip
            # Its figures change: a request still open on the old ones is void.
            await approvals.cancel(viewer, RequestType.PAYROLL_RUN, run.id)
            await enqueue(run.id)
    queue.notify()
    if not changed:
        await run.refresh_from_db()
        if run.job_status is JobStatus.RUNNING:
            raise ServiceError.one(ErrorCode.CONFLICT, "The run is already computing.", "id")
        raise ServiceError.one(ErrorCode.INVALID, "Only a draft is recomputed.", "id")
    await run.refresh_from_db()
    return run
