"""GraphQL type of a sensitive-data export: its state, progress and where to fetch its file."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.graphql.context import Info
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import Node
from talentloop.graphql.refs import unit_node
from talentloop.i18n import translate_stored
from talentloop.privacy.models import ExportStatus, SensitiveExport

if TYPE_CHECKING:
    from talentloop.org.types import OrgUnitNode

OrgUnitRef = Annotated["OrgUnitNode", strawberry.lazy("talentloop.org.types")]

strawberry.enum(
    ExportStatus,
    name="SensitiveExportStatus",
    description="Pending approval, approved (being written), rejected, ready to download, "
    "expired (the file deleted), cancelled, or failed.",
)


@strawberry.type(
    name="SensitiveExport",
    description="A request for the full ID numbers and bank accounts of a unit's people: approved "
    "through the approvals engine, then written in the background, downloadable by its "
    "requester alone for 24 hours.",
)
class SensitiveExportNode(Node):
    _model: strawberry.Private[SensitiveExport]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("SensitiveExport", self._model.id))

    @strawberry.field(description="The unit whose subtree it covers (null if no longer visible).")
    async def unit(self, info: Info) -> OrgUnitRef | None:
        return await unit_node(info, self._model.unit_id)

    @strawberry.field(description="Why it was asked for (kept in the audit trail).")
    def reason(self) -> str:
        return self._model.reason

    @strawberry.field(description="Where it stands.")
    def status(self) -> ExportStatus:
        return self._model.status

    @strawberry.field(
        description="People in it: counted when asked for, then what the file holds once written."
    )
    def row_count(self) -> int:
        return self._model.row_count

    @strawberry.field(description="Percent written, once approved.")
    def progress(self) -> int:
        return self._model.progress

    @strawberry.field(description="What the job is doing now.")
    def step(self) -> str:
        return self._model.step

    @strawberry.field(description="Why it failed (in the viewer's language); empty otherwise.")
    def error(self) -> str:
        return translate_stored(self._model.error)

    @strawberry.field(description="The file's name, once ready.")
    def file_name(self) -> str:
        return self._model.file_name

    @strawberry.field(
        description="Where to GET the file while it is ready (send the same Bearer token; every "
        "download is audited); null otherwise."
    )
    def download_path(self) -> str | None:
        if self._model.status is not ExportStatus.READY:
            return None
        return f"/exports/{self._model.id}"

    @strawberry.field(description="Asked for (UTC).")
    def created_at(self) -> datetime:
        return self._model.created_at

    @strawberry.field(description="Approved, rejected or cancelled (UTC).")
    def decided_at(self) -> datetime | None:
        return self._model.decided_at

    @strawberry.field(description="The file was written (UTC).")
    def ready_at(self) -> datetime | None:
        return self._model.ready_at

    @strawberry.field(description="The file is deleted then (UTC): 24 hours after it was written.")
    def expires_at(self) -> datetime | None:
        return self._model.expires_at
