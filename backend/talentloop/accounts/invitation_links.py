"""`POST /imports/{job id}/invitations`: the invitation links of the accounts an import of
accounts created (roles/account_imports.py), handed to HR once, as a CSV (employee number, name,
username, link, expiry) to pass on.

The links are made when the file is asked for, as createAccounts makes an invitation: a fresh
token each, stored only as its SHA-256, good for INVITATION_DAYS. They are given once: once any
account of the import has an invitation (this file's, or one HR sent from the accounts screen),
the file is refused and new links come from the accounts screen's "send invitation", account
by account. An account someone has signed in with since, or that was disabled, gets none.
Each invitation is audited, and recorded with the import, so that undoing it removes the
invitations nobody used (a used one is a change since the import: the undo is refused)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.transactions import in_transaction

from talentloop import spreadsheets
from talentloop.access.policy import Viewer
from talentloop.access.rest import bearer_route, not_found
from talentloop.accounts.management import INVITATION_DAYS
from talentloop.accounts.models import AccountInvitation, User
from talentloop.accounts.passwords import UNUSABLE_PASSWORD
from talentloop.accounts.service import check_may_manage
from talentloop.accounts.tokens import hash_refresh_token
from talentloop.audit import service as audit
from talentloop.audit.models import AuditEntry
from talentloop.downloads import attachment
from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_, gettext
from talentloop.imports.models import ImportChange
from talentloop.imports.service import get_job
from talentloop.imports.writing import snapshot
from talentloop.performance.models import ImportJob, ImportKind, ImportStatus
from talentloop.roles.account_imports import may_import
from talentloop.timezones import local_text, zone_table

GIVEN_ONCE = N_(
    "The invitation links of this import were handed out already: send new ones from the "
    "accounts screen."
)
NONE_WAITING = N_("No account of this import is waiting for its invitation.")
HEADER = (
    N_("Employee number"),
    N_("Name"),
    N_("Username"),
    N_("Invitation link"),
    N_("Expires"),
)


async def invitation_rows(viewer: Viewer, job_id: int, origin: str) -> list[list[str]]:
    """The rows of the file (links under `origin`); NOT_FOUND for a job that is not a finished
    import of accounts the viewer may see, CONFLICT once given."""
    job = await get_job(viewer, job_id) if may_import(viewer) else None
    if (
        job is None
        or job.kind is not ImportKind.ACCOUNTS
        or job.dry_run
        or job.status is not ImportStatus.DONE
        or job.undone_at is not None
    ):
        raise ServiceError.one(ErrorCode.NOT_FOUND, "Import not found.", "id")
    async with in_transaction():
        await ImportJob.select_for_update().get(id=job.id)  # two downloads wait for each other
        created = await ImportChange.filter(job_id=job.id, subject_type="User", before__isnull=True)
        ids = sorted(c.subject_id for c in created)
        if await AccountInvitation.filter(user_id__in=ids).exists():
            raise ServiceError.one(ErrorCode.CONFLICT, GIVEN_ONCE, "id")
        users = (
            await User.filter(
                id__in=ids, is_active=True, password_hash=UNUSABLE_PASSWORD, last_login_at=None
            )
            .select_related("employee")
            .order_by("username")
        )
        for user in users:
            check_may_manage(viewer, user)
        if not users:
            raise ServiceError.one(ErrorCode.CONFLICT, NONE_WAITING, "id")
        expires = datetime.now(UTC) + timedelta(days=INVITATION_DAYS)
        tokens = {u.id: secrets.token_urlsafe(32) for u in users}
        await AccountInvitation.bulk_create(
            [
                AccountInvitation(
                    user_id=u.id,
                    token_hash=hash_refresh_token(tokens[u.id]),
                    expires_at=expires,
                    created_by_id=viewer.user_id,
                )
                for u in users
            ]
        )
        made = await AccountInvitation.filter(user_id__in=[u.id for u in users])
        by_user = {u.id: u for u in users}
        await ImportChange.bulk_create(
            [
                ImportChange(
                    job_id=job.id,
                    subject_type="AccountInvitation",
                    subject_id=i.id,
                    before=None,
                    after=snapshot(i),
                )
                for i in made
            ]
        )
        await AuditEntry.bulk_create(
            [
                audit.created_entry(
                    viewer,
                    "AccountInvitation",
                    i.id,
                    {"user_id": i.user_id, "expires_at": i.expires_at, "import_id": job.id},
                    employee_id=by_user[i.user_id].employee_id,
                )
                for i in made
            ]
        )
    when = local_text(expires, (await zone_table()).company)
    return [
        [
            u.employee.employee_number if u.employee else "",
            u.employee.name if u.employee else "",
            u.username,
            f"{origin}/invite/{tokens[u.id]}",
            when,
        ]
        for u in users
    ]


def _error(status: int, exc: ServiceError) -> JSONResponse:
    body = {
        "errors": [
            {"field": p.field, "message": p.translated(), "code": p.code.name} for p in exc.errors
        ]
    }
    return JSONResponse(body, status_code=status)


@bearer_route(writes=True)
async def download_invitations(request: Request, viewer: Viewer) -> Response:
    origin = str(request.base_url).rstrip("/")
    try:
        rows = await invitation_rows(viewer, int(request.path_params["job_id"]), origin)
    except ServiceError as exc:
        if exc.errors[0].code is ErrorCode.NOT_FOUND:
            return not_found()
        return _error(409, exc)
    writer = spreadsheets.TableWriter("csv", "invitations", [gettext(h) for h in HEADER])
    try:
        for row in rows:
            writer.append(list(row))
        writer.finish()
        content = b"".join([chunk async for chunk in writer.chunks()])
    finally:
        writer.close()
    return attachment(
        content, spreadsheets.MEDIA_TYPES["csv"], f"invitations-{request.path_params['job_id']}.csv"
    )
