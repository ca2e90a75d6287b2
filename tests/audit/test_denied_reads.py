"""A lookup by id of a record the viewer may not see is written to the audit trail — who, what
type, which id, when — while the answer stays exactly that of a record that does not exist,
and a lookup that finds its record costs no extra query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.graphql.ids import to_global_id
from tests.support import Api, StatementCounter, World, gid

LOOKUP = "query($id: ID!) { node(id: $id) { id } employee(id: $id) { id name } }"


async def _denied() -> list[AuditEntry]:
    return await AuditEntry.filter(action=AuditAction.ACCESS_DENIED).order_by("id")


async def test_a_denied_lookup_is_logged_and_answered_like_a_missing_record(
    api: Api, world: World
) -> None:
    branch_hr, beijing = world.users["branch_hr"], world.people["bj_rep"]
    denied = await api.post(LOOKUP, {"id": gid(beijing)}, as_=branch_hr)
    missing = await api.post(LOOKUP, {"id": to_global_id("Employee", 999_999)}, as_=branch_hr)
    assert denied.content == missing.content == b'{"data":{"node":null,"employee":null}}'
    # sibling root fields resolve concurrently: their entries come in either order
    by_field = {e.field: e for e in await _denied()}
    assert set(by_field) == {"node", "employee"}
    for operation, entry in by_field.items():
        assert (entry.actor_user_id, entry.actor_username) == (branch_hr.id, "branch_hr")
        assert (entry.subject_type, entry.subject_id) == ("Employee", beijing.id)
        assert entry.employee_id == beijing.id and entry.field == operation
        assert datetime.now(UTC) - entry.at < timedelta(minutes=1)
        assert entry.client_address == "127.0.0.1"
    # what the viewer may see, and what does not exist, leave nothing
    await api.data(LOOKUP, {"id": gid(world.people["sh_rep"])}, as_=branch_hr)
    await api.data(LOOKUP, {"id": gid(world.units["SH"])}, as_=branch_hr)
    assert len(await _denied()) == 2


async def test_lookups_of_every_kind_are_logged_with_their_type(api: Api, world: World) -> None:
    employee = world.users["employee"]
    unit = world.units["BJ-SALES"]
    await api.data(
        "query($u: ID!) { orgUnit(id: $u) { id } node(id: $u) { id } }",
        {"u": gid(unit)},
        as_=employee,
    )
    entries = await _denied()
    assert sorted((e.subject_type, e.subject_id, e.field) for e in entries) == [
        ("OrgUnit", unit.id, "node"),
        ("OrgUnit", unit.id, "orgUnit"),
    ]
    assert all(e.employee_id is None for e in entries)
    # an id of another type than the field looks up is not a lookup of that record
    await api.data("query($u: ID!) { employee(id: $u) { id } }", {"u": gid(unit)}, as_=employee)
    assert len(await _denied()) == 2


async def test_an_api_token_outside_its_scopes_is_logged_too(api: Api, world: World) -> None:
    created = await api.data(
        """mutation { createApiToken(input: {name: "training feed", scopes: [READ_TRAINING]}) {
            secret apiToken { id } errors { code } } }""",
        as_=world.users["hq_hr"],
    )
    secret = created["createApiToken"]["secret"]
    answer = await api.http.post(
        "/graphql",
        json={"query": LOOKUP, "variables": {"id": gid(world.people["sh_rep"])}},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.json() == {"data": {"node": None, "employee": None}}
    entries = await _denied()
    assert len(entries) == 2 and all(e.api_token_id is not None for e in entries)


async def test_anonymous_lookups_are_not_logged(api: Api, world: World) -> None:
    """Nobody to hold to account, and a way to fill the log for anyone: not written."""
    body = await api.run(LOOKUP, {"id": gid(world.people["sh_rep"])})
    assert body["data"] == {"node": None, "employee": None}
    assert await _denied() == []


async def test_a_lookup_that_finds_its_record_costs_no_extra_query(api: Api, world: World) -> None:
    """Denied, the lookup asks one more question (does the record exist?) and writes the entry;
    found, it asks nothing more than before."""
    viewer = world.users["branch_hr"]
    query = "query($id: ID!) { employee(id: $id) { id } }"
    await api.token(viewer)  # the session exists before counting, as it would for a signed-in user
    with StatementCounter() as found:
        await api.data(query, {"id": gid(world.people["sh_rep"])}, as_=viewer)
    with StatementCounter() as denied:
        await api.data(query, {"id": gid(world.people["bj_rep"])}, as_=viewer)
    assert denied.count == found.count + 2, (found.statements, denied.statements)
    assert not any("audit_entry" in s for s in found.statements)


async def test_hq_hr_reads_denied_lookups_in_the_audit_log(api: Api, world: World) -> None:
    await api.data(LOOKUP, {"id": gid(world.people["bj_rep"])}, as_=world.users["manager"])
    api.http.headers["Accept-Language"] = "zh-CN"
    data = await api.data(
        """{ auditLog(filter: {action: ACCESS_DENIED}) { edges { node {
            actorUsername subjectType subjectId field reason } } } }""",
        as_=world.users["hq_hr"],
    )
    rows = [e["node"] for e in data["auditLog"]["edges"]]
    assert sorted((r["actorUsername"], r["subjectType"], r["field"]) for r in rows) == [
        ("manager", "Employee", "employee"),
        ("manager", "Employee", "node"),
    ]
    assert all(r["subjectId"] == gid(world.people["bj_rep"]) for r in rows)
    # The server's reason in the reader's language, the type as a code.
    assert {r["reason"] for r in rows} == {"查询了查看者权限范围之外的 Employee；已按不存在答复。"}
    api.http.headers["Accept-Language"] = "en"
    data = await api.data(
        "{ auditLog(filter: {action: ACCESS_DENIED}) { edges { node { reason } } } }",
        as_=world.users["hq_hr"],
    )
    assert {e["node"]["reason"] for e in data["auditLog"]["edges"]} == {
        "Read of a Employee outside the viewer's scope; answered as not found."
    }
