"""Sensitive-data exports (敏感数据导出): the full ID numbers and bank accounts of a unit's
people in one XLSX — for a bank or a social-insurance filing — only after an approval.

PIPL art. 28–29 (sensitive personal information: a specific purpose, strict protection),
art. 51 (access control) and art. 55 (records of processing).

* **Asking.** HR who manage the unit (`can_manage_employees_in`) ask with a reason of 10–500
  characters, in a signed-in session (never an API token: the package is no token scope area,
  like `revealEmployeeField`). A unit the viewer does not see is NOT_FOUND, like a missing one.
  The `SensitiveExport` row and its DATA_EXPORT approval request (approvals engine; default:
  HQ HR, never the requester) are written together; the reason is on the request's history
  for the approvers to judge.
* **Approved.** The engine's effect queues a job (jobs/queue.py). The job computes the people
  as the requester, now: the unit's subtree, current employees whose sensitive fields the
  requester may read (never more than they see), and keeps the file on the row. Rejected or
  cancelled: no job, never a file.
* **Fetching.** `GET /exports/{id}` with the requester's Bearer token, while READY and not past
  `expires_at` (`READY_FOR` after it was written); anyone else, any other state, a missing id:
  the same 404. Every download is a `SENSITIVE_READ` audit entry with the reason and the number
  of people — never a value.
* **Expiry.** Past `expires_at` the row is EXPIRED and its file deleted: when it is read, and
  on the job worker's heartbeat (`expire_due`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from talentloop import i18n
from talentloop.access.policy import FieldGroup, Viewer
from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.approvals import service as approvals
from talentloop.approvals import titles
from talentloop.approvals.models import ApprovalEvent, ApprovalRequest, EventKind, RequestType
from talentloop.approvals.titles import Title
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, ServiceError, not_found
from talentloop.i18n import N_
from talentloop.jobs import queue
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.people.sensitive import SensitiveField, read
from talentloop.privacy.models import ExportStatus, SensitiveExport
from talentloop.privacy.service import checked_reason
from talentloop.spreadsheets import Workbook, xlsx_bytes

log = logging.getLogger(__name__)

JOB_KIND = "sensitive_export"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_MIN = 10
READY_FOR = timedelta(hours=24)
MY_LIMIT = 100
FIELDS = f"{SensitiveField.ID_NUMBER.api_name},{SensitiveField.BANK_ACCOUNT.api_name}"


def _people(viewer: Viewer, unit: OrgUnit) -> Q | None:
    """The people of the unit's subtree whose sensitive fields the viewer reads, still employed."""
    scope = viewer.employee_filter(requires=FieldGroup.SENSITIVE)
    if scope is None:
        return None
    return Q(
        scope,
        Q(unit__path__startswith=unit.path),
        ~Q(status=EmployeeStatus.TERMINATED),
    )


async def _count(viewer: Viewer, unit: OrgUnit) -> int:
    where = _people(viewer, unit)
    return 0 if where is None else await Employee.filter(where).count()


async def request_export(viewer: Viewer, unit_id: int, reason: str) -> SensitiveExport:
    """Ask for the unit's export: found where the viewer sees the unit (else NOT_FOUND), asked
    where they manage it (else FORBIDDEN), then the reason is checked."""
    if viewer.user_id is None or not viewer.is_session:
        raise ServiceError.one(ErrorCode.FORBIDDEN, "Sign in to ask for an export.")
    unit = await org_service.get_unit(viewer, unit_id)
    if unit is None:
        raise not_found("Unit", "unitId")
    if not viewer.can_manage_employees_in(unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "Only HR of the unit asks for its sensitive data.", "unitId"
        )
    reason = checked_reason(reason, REASON_MIN)
    count = await _count(viewer, unit)
    async with in_transaction():
        export = await SensitiveExport.create(
            unit_id=unit.id, reason=reason, requested_by_id=viewer.user_id, row_count=count
        )
        request = await approvals.submit(
            viewer,
            RequestType.DATA_EXPORT,
            export.id,
            unit=unit,
            employee_id=None,
            title=Title(titles.SENSITIVE_EXPORT, {"unit": unit.name, "count": count}),
        )
        # The approvers judge the reason: it is on the request's history.
        await ApprovalEvent.create(
            request_id=request.id,
            kind=EventKind.COMMENTED,
            stage=request.stage,
            actor_id=viewer.user_id,
            comment=reason[:500],
        )
    queue.notify()  # approved at once when no one else may approve (the engine's rules)
    return await SensitiveExport.get(id=export.id)


async def _export_decided(approval: ApprovalRequest, approved: bool, _viewer: Viewer) -> None:
    """The engine's final decision (inside its transaction): approved queues the job."""
    now = datetime.now(UTC)
    export = await SensitiveExport.get_or_none(id=approval.subject_id)
    if export is None or export.status is not ExportStatus.PENDING:
        return
    if not approved:
        await SensitiveExport.filter(id=export.id, status=ExportStatus.PENDING).update(
            status=ExportStatus.REJECTED, decided_at=now
        )
        return
    job = await queue.enqueue(JOB_KIND, export.id)
    await SensitiveExport.filter(id=export.id, status=ExportStatus.PENDING).update(
        status=ExportStatus.APPROVED, decided_at=now, job_id=job.id, step="queued"
    )
    queue.notify()  # a worker that looks before the commit finds it on its next poll


approvals.register_effect(RequestType.DATA_EXPORT, _export_decided)


async def cancel_export(viewer: Viewer, export_id: int) -> SensitiveExport:
    """Withdraw one's own pending export (anyone else's: NOT_FOUND)."""
    export = await get_export(viewer, export_id)
    if export is None:
        raise not_found("Sensitive export", "id")
    async with in_transaction():
        changed = await SensitiveExport.filter(id=export.id, status=ExportStatus.PENDING).update(
            status=ExportStatus.CANCELLED, decided_at=datetime.now(UTC)
        )
        if not changed:
            raise ServiceError.one(ErrorCode.INVALID, "Only a pending export is withdrawn.", "id")
        await approvals.cancel(viewer, RequestType.DATA_EXPORT, export.id)
    return await SensitiveExport.get(id=export.id)


# --- reading ---------------------------------------------------------------------------------


async def _expired(export: SensitiveExport, now: datetime) -> SensitiveExport:
    """The row as it stands now: a ready file past its time is deleted first."""
    if (
        export.status is ExportStatus.READY
        and export.expires_at is not None
        and export.expires_at <= now
    ):
        await SensitiveExport.filter(id=export.id, status=ExportStatus.READY).update(
            status=ExportStatus.EXPIRED, content=None
        )
        export.status, export.content = ExportStatus.EXPIRED, None
    return export


async def get_export(
    viewer: Viewer, export_id: int, now: datetime | None = None
) -> SensitiveExport | None:
    """An export is its requester's alone (and never an API token's)."""
    if viewer.user_id is None or not viewer.is_session:
        return None
    export = await SensitiveExport.get_or_none(id=export_id, requested_by_id=viewer.user_id)
    return await _expired(export, now or datetime.now(UTC)) if export else None


async def my_exports(viewer: Viewer, now: datetime | None = None) -> list[SensitiveExport]:
    """The viewer's own, newest first (at most MY_LIMIT)."""
    if viewer.user_id is None or not viewer.is_session:
        return []
    now = now or datetime.now(UTC)
    found = (
        await SensitiveExport.filter(requested_by_id=viewer.user_id)
        .order_by("-created_at", "-id")
        .limit(MY_LIMIT)
    )
    return [await _expired(e, now) for e in found]


async def download(
    viewer: Viewer, export_id: int, now: datetime | None = None
) -> tuple[bytes, str] | None:
    """The file for its requester while it is ready, the download audited first; None for
    anything else (not theirs, not ready, expired, missing)."""
    export = await get_export(viewer, export_id, now)
    if export is None or export.status is not ExportStatus.READY or export.content is None:
        return None
    # Logged before the file leaves: no entry, no file. The reason and the count, never a value.
    await audit.record(
        viewer,
        AuditAction.SENSITIVE_READ,
        subject_type="SensitiveExport",
        subject_id=export.id,
        field=FIELDS,
        reason=audit.EXPORTED.format(reason=export.reason, count=export.row_count),
    )
    return bytes(export.content), export.file_name or f"sensitive-export-{export.id}.xlsx"


async def expire_due(now: datetime | None = None) -> int:
    """Delete the files past their time (the job worker calls this on its heartbeat)."""
    return await SensitiveExport.filter(
        status=ExportStatus.READY, expires_at__lte=now or datetime.now(UTC)
    ).update(status=ExportStatus.EXPIRED, content=None)


# --- the job ---------------------------------------------------------------------------------


async def _progress(export_id: int, percent: int, step: str) -> None:
    await SensitiveExport.filter(id=export_id, status=ExportStatus.APPROVED).update(
        progress=percent, step=step[:128]
    )


SHEET_TITLE = N_("Sensitive data export")
COLUMNS = (N_("Employee number"), N_("Name"), N_("Unit"), N_("ID number"), N_("Bank account"))


async def execute(export_id: int) -> None:
    """Write the file as its requester sees the unit now. Run by a worker (jobs/worker.py);
    running it again after a lost worker starts over."""
    export = await SensitiveExport.get_or_none(id=export_id).select_related("unit")
    if export is None or export.status is not ExportStatus.APPROVED:
        return
    viewer = await load_viewer(export.requested_by_id)
    if viewer.user_id is None:  # the requester's account was disabled since: nobody to read for
        await give_up(export.id, N_("The requester's account is disabled."))
        return
    await _progress(export.id, 10, "finding the people")
    where = _people(viewer, export.unit)
    people = (
        await Employee.filter(where)
        .select_related("unit")
        .order_by("unit__path", "employee_number")
        if where is not None
        else []
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    # In the requester's language: their setting, else the company's (Chinese); the job has
    # no request, so no Accept-Language.
    requester = await User.get(id=export.requested_by_id)
    with i18n.language(i18n.normalise(requester.language) or i18n.CHINESE):
        sheet.title = i18n.translate(SHEET_TITLE)[:31]  # a sheet name holds at most 31 characters
        sheet.append([i18n.translate(title) for title in COLUMNS])
    step = max(1, len(people) // 10)
    for n, employee in enumerate(people, start=1):
        values = [
            employee.employee_number,
            employee.name,
            employee.unit.name,
            read(employee, SensitiveField.ID_NUMBER) or "",
            read(employee, SensitiveField.BANK_ACCOUNT) or "",
        ]
        sheet.append(values)
        if n % step == 0:
            await _progress(export.id, min(90, 10 + 80 * n // len(people)), "writing the file")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"  # numbers stay text: no spreadsheet turns one into a float
    content = xlsx_bytes(book)
    now = datetime.now(UTC)
    async with in_transaction():
        await SensitiveExport.filter(id=export.id, status=ExportStatus.APPROVED).update(
            status=ExportStatus.READY,
            content=content,
            file_name=f"sensitive-export-{export.unit.code}-{now:%Y%m%d}-{export.id}.xlsx"[:128],
            row_count=len(people),
            progress=100,
            step="done",
            ready_at=now,
            expires_at=now + READY_FOR,
        )
        await queue.confirm_claim()


async def give_up(export_id: int, message: str) -> None:
    """The queue gave the job up: say so on the export."""
    await SensitiveExport.filter(id=export_id, status=ExportStatus.APPROVED).update(
        status=ExportStatus.FAILED, error=message[:255], step="failed"
    )
