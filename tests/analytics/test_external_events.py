"""External events are recorded and removed by HR of the unit, and both are audited."""

from __future__ import annotations

from talentloop.analytics.models import ExternalEvent
from talentloop.audit.models import AuditAction, AuditEntry
from tests.support import Api, World, gid

RECORD = """mutation($u: ID!) {
  recordExternalEvent(input: {unitId: $u, kind: SUPPLIER_DELAY, title: "供应商断货", periodFrom: "2026-03-01", periodTo: "2026-04-01"}) {
    event { id title } errors { field code }
  }
}"""
DELETE = """mutation($id: ID!) { deleteExternalEvent(id: $id) { ok errors { field code } } }"""


async def test_an_event_recorded_and_deleted_leaves_both_in_the_audit_log(
    api: Api, world: World
) -> None:
    hr = world.users["branch_hr"]
    made = await api.data(RECORD, {"u": gid(world.units["SH-SALES"])}, as_=hr)
    event_id = made["recordExternalEvent"]["event"]["id"]
    event = await ExternalEvent.get(title="供应商断货")
    refused = await api.data(DELETE, {"id": event_id}, as_=world.users["bj_hr"])
    assert refused["deleteExternalEvent"]["ok"] is False
    assert (await api.data(DELETE, {"id": event_id}, as_=hr))["deleteExternalEvent"] == {
        "ok": True,
        "errors": [],
    }
    assert not await ExternalEvent.exists(id=event.id)
    actions = await AuditEntry.filter(
        subject_type="ExternalEvent", subject_id=event.id
    ).values_list("action", flat=True)
    assert sorted(actions) == sorted([AuditAction.CREATE, AuditAction.DELETE])
