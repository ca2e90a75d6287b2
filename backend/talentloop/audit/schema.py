"""`auditLog`: the audit trail for HQ HR. There is no mutation: the log is append-only."""

from __future__ import annotations

from datetime import datetime

import strawberry

from talentloop.audit import service
from talentloop.audit.models import AuditAction
from talentloop.audit.types import AuditEntryNode
from talentloop.graphql.context import Info
from talentloop.graphql.ids import pk_of
from talentloop.graphql.pagination import Connection, to_connection


@strawberry.input(description="Which entries of the audit trail to list; all given must match.")
class AuditLogFilter:
    action: AuditAction | None = strawberry.field(default=None, description="Only this action.")
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only what this user (global User ID) did."
    )
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only what concerns this employee (global Employee ID)."
    )
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="At or after this moment."
    )
    to: datetime | None = strawberry.field(default=None, description="Before this moment.")


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit trail, oldest first (narrow it with `filter.from`). HQ HR only: "
        "for anyone else it is empty."
    )
    async def audit_log(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: AuditLogFilter | None = None,
    ) -> Connection[AuditEntryNode]:
        where = service.AuditFilter()
        if filter is not None:
            where = service.AuditFilter(
                action=filter.action,
                # A malformed id matches nothing (-1), like an id of no one.
                actor_id=_pk(filter.actor_id, "User"),
                employee_id=_pk(filter.employee_id, "Employee"),
                since=filter.from_,
                until=filter.to,
            )
        page = await service.list_entries(info.context.viewer, where, first=first, after=after)
        return to_connection(page, lambda entry: AuditEntryNode(_model=entry))


def _pk(global_id: strawberry.ID | None, type_name: str) -> int | None:
    if global_id is None:
        return None
    pk = pk_of(global_id, type_name)
    return -1 if pk is None else pk
