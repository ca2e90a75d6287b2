"""A unit's head approves (the unit-head and branch-head rules of the approvals engine), so who
heads a unit is guarded (issue 18 point 1): branch HR sets the heads of the units below its
branch, never the branch's own head, and every change of a head is in the audit trail with
the head before and after."""

from __future__ import annotations

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.org.models import OrgUnit
from tests.support import Api, World, approved_change, gid

UPDATE = """mutation ($input: UpdateOrgUnitInput!) {
  updateOrgUnit(input: $input) { orgUnit { name } errors { field code } }
}"""


async def _head(api: Api, w: World, user: str, unit: str, person: str | None) -> list[object]:
    manager = gid(w.people[person]) if person is not None else None
    data = await api.data(
        UPDATE, {"input": {"id": gid(w.units[unit]), "managerId": manager}}, as_=w.users[user]
    )
    return list(data["updateOrgUnit"]["errors"])


async def _heads() -> list[tuple[str | None, int | None, object, object]]:
    entries = await AuditEntry.filter(subject_type="OrgUnit", field="managerId").order_by("id")
    return [(e.actor_username, e.subject_id, e.before, e.after) for e in entries]


async def test_branch_hr_cannot_name_its_own_branch_head(api: Api, world: World) -> None:
    w = world
    refused = await _head(api, w, "branch_hr", "SH", "sh_hr_person")
    assert refused == [{"field": "managerId", "code": "FORBIDDEN"}]
    assert (await OrgUnit.get(id=w.units["SH"].id)).manager_id is None
    # Renaming its branch is still theirs; a head below it too.
    renamed = await api.data(
        UPDATE,
        {"input": {"id": gid(w.units["SH"]), "name": "上海分公司"}},
        as_=w.users["branch_hr"],
    )
    assert renamed["updateOrgUnit"]["errors"] == []
    assert await _head(api, w, "branch_hr", "SH-PROD", "sh_worker") == []
    # HQ HR names the branch head.
    assert await _head(api, w, "hq_hr", "SH", "sh_sales_head") == []
    assert (await OrgUnit.get(id=w.units["SH"].id)).manager_id == w.people["sh_sales_head"].id


async def test_every_change_of_a_head_is_audited_with_before_and_after(
    api: Api, world: World
) -> None:
    w = world
    sales, prod = w.units["SH-SALES"].id, w.units["SH-PROD"].id
    head, worker = w.people["sh_sales_head"].id, w.people["sh_worker"].id
    assert await _head(api, w, "branch_hr", "SH-PROD", "sh_worker") == []
    assert await _head(api, w, "branch_hr", "SH-SALES", "sh_worker") == []
    assert await _head(api, w, "hq_hr", "SH-PROD", None) == []
    # A head who leaves heads nothing: that is a change of head too.
    # (Approved, with the last day past: employment ends at HQ HR's approval.)
    await approved_change(
        api,
        w,
        "requestTermination",
        {
            "employeeId": gid(w.people["sh_worker"]),
            "kind": "RESIGNATION",
            "lastDay": "2026-11-30",
            "reason": "个人发展",
        },
    )
    assert await _heads() == [
        ("branch_hr", prod, {"managerId": None}, {"managerId": worker}),
        ("branch_hr", sales, {"managerId": head}, {"managerId": worker}),
        ("hq_hr", prod, {"managerId": worker}, {"managerId": None}),
        ("hq_hr", sales, {"managerId": worker}, {"managerId": None}),
    ]
    assert await AuditEntry.filter(subject_type="OrgUnit", action=AuditAction.UPDATE).count() == 4
