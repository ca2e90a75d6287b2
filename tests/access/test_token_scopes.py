"""API-token scopes as the access guard (access/guard.py) applies them, and what a session may
that a token may not (Viewer.is_session), found untested here by mutation testing (`make
mutation MODULE=access/policy.py+guard.py`). What a token may not read looks like a record that
does not exist; a mutation outside its scopes is FORBIDDEN before it runs, and written down."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from graphql import GraphQLObjectType, GraphQLResolveInfo
from starlette.requests import Request

from talentloop.access import guard
from talentloop.access.policy import FieldNotPermitted
from talentloop.access.scopes import CLOSED, OPEN, ApiScope
from talentloop.access.viewer import load_viewer
from talentloop.accounts.api_tokens import create_token
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.errors import ErrorCode
from talentloop.graphql.context import Context
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.node import resolve_node
from talentloop.graphql.pagination import Connection
from talentloop.graphql.schema import schema
from talentloop.org.models import OrgUnit
from talentloop.performance.models import Kpi, KpiUnit, PerformanceRecord
from tests.support import Api, World, gid

PEOPLE = """
query ($id: ID!) {
  employees(first: 5) {
    totalCount edges { node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  orgUnits { id }
  employee(id: $id) { name }
  node(id: $id) { id }
  me { user { username } employee { name } }
}
"""
RENAME = """
mutation ($id: ID!, $name: String!) {
  updateOrgUnit(input: {id: $id, name: $name}) { orgUnit { name } errors { code } }
}
"""


async def _token(w: World, username: str, *scopes: ApiScope) -> str:
    viewer = await load_viewer(w.users[username].id)
    _, secret = await create_token(
        viewer, name=f"{username} feed", scopes=list(scopes), expires_in_days=30
    )
    return secret


async def _ask(
    http: httpx.AsyncClient, secret: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _denials() -> list[AuditEntry]:
    return await AuditEntry.filter(action=AuditAction.ACCESS_DENIED).order_by("id")


async def test_a_token_reads_the_areas_of_its_scopes_and_nothing_else(
    http: httpx.AsyncClient, world: World
) -> None:
    w = world
    rep = gid(w.people["sh_rep"])
    training = await _token(w, "hq_hr", ApiScope.READ_TRAINING)
    body = await _ask(http, training, PEOPLE, {"id": rep})
    # Outside the token's areas: an empty connection, an empty list, null — as if nothing
    # existed; the owner's own account is readable with any token, not their employee record.
    assert body == {
        "data": {
            "employees": {
                "totalCount": 0,
                "edges": [],
                "pageInfo": {
                    "hasNextPage": False,
                    "hasPreviousPage": False,
                    "startCursor": None,
                    "endCursor": None,
                },
            },
            "orgUnits": [],
            "employee": None,
            "node": None,
            "me": {"user": {"username": "hq_hr"}, "employee": None},
        }
    }
    for scope in (ApiScope.READ_PEOPLE, ApiScope.WRITE_PEOPLE):
        secret = await _token(w, "hq_hr", scope)
        data = (await _ask(http, secret, PEOPLE, {"id": rep}))["data"]
        assert data["employees"]["totalCount"] == len(w.people)
        assert len(data["orgUnits"]) == len(w.units)
        assert data["employee"] == {"name": "sh_rep name"}
        assert data["node"] == {"id": rep}
        assert data["me"]["employee"] == {"name": "hq_hr_person name"}


async def test_a_node_of_an_area_outside_the_token_is_dropped(
    http: httpx.AsyncClient, world: World
) -> None:
    w = world
    people = await _token(w, "hq_hr", ApiScope.READ_PEOPLE)
    query = "query ($u: ID!, $p: ID!) { unit: node(id: $u) { id } person: node(id: $p) { id } }"
    variables = {"u": gid(w.units["SH"]), "p": gid(w.people["sh_rep"])}
    assert (await _ask(http, people, query, variables))["data"] == {
        "unit": {"id": variables["u"]},
        "person": {"id": variables["p"]},
    }
    skills = await _token(w, "hq_hr", ApiScope.READ_SKILLS)
    assert (await _ask(http, skills, query, variables))["data"] == {"unit": None, "person": None}


async def test_a_mutation_outside_the_token_s_write_scopes_is_forbidden_and_written_down(
    http: httpx.AsyncClient, world: World
) -> None:
    w = world
    unit = w.units["SH-SALES"]
    variables = {"id": gid(unit), "name": "Sales East"}
    reader = await _token(w, "hq_hr", ApiScope.READ_PEOPLE, ApiScope.WRITE_TRAINING)
    body = await _ask(http, reader, RENAME, variables)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == "This API token may not run 'updateOrgUnit'."
    assert (await OrgUnit.get(id=unit.id)).name == "SH-SALES unit"
    (entry,) = await _denials()
    assert (entry.subject_type, entry.actor_username) == ("updateOrgUnit", "hq_hr")
    assert entry.reason == "forbidden: This API token may not run 'updateOrgUnit'."
    assert entry.api_token_id is not None
    # write:people runs it.
    writer = await _token(w, "hq_hr", ApiScope.WRITE_PEOPLE)
    done = await _ask(http, writer, RENAME, variables)
    assert done == {"data": {"updateOrgUnit": {"orgUnit": {"name": "Sales East"}, "errors": []}}}
    assert len(await _denials()) == 1
    # The accounts mutations are never reachable with a token, whatever its scopes.
    every = await _token(w, "hq_hr", *ApiScope)
    minted = await _ask(
        http,
        every,
        'mutation { createApiToken(input: {name: "x", scopes: [READ_PEOPLE]}) { secret } }',
        {},
    )
    assert minted["data"] is None
    assert minted["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_session_s_denied_mutation_is_written_down_but_not_a_mere_mistake(
    api: Api, world: World
) -> None:
    w = world
    # Shanghai's HR renaming a Beijing unit: NOT_FOUND in the payload, and an audit entry.
    beijing = gid(w.units["BJ-SALES"])
    denied = await api.data(RENAME, {"id": beijing, "name": "x"}, as_=w.users["branch_hr"])
    assert denied["updateOrgUnit"]["errors"] == [{"code": "NOT_FOUND"}]
    (entry,) = await _denials()
    assert (entry.subject_type, entry.field, entry.actor_username, entry.api_token_id) == (
        "updateOrgUnit",
        "id",
        "branch_hr",
        None,
    )
    assert entry.reason.startswith("not_found: ")
    assert entry.client_address == "127.0.0.1"  # the request's, made known by the guard
    # An invalid name in their own branch is a mistake, not a denial: nothing written.
    mistake = await api.data(
        RENAME, {"id": gid(w.units["SH-SALES"]), "name": ""}, as_=w.users["branch_hr"]
    )
    assert mistake["updateOrgUnit"]["errors"] != []
    assert {e["code"] for e in mistake["updateOrgUnit"]["errors"]}.isdisjoint(
        {"FORBIDDEN", "NOT_FOUND"}
    )
    renamed = await api.data(
        RENAME, {"id": gid(w.units["SH-SALES"]), "name": "Sales"}, as_=w.users["branch_hr"]
    )
    assert renamed["updateOrgUnit"] == {"orgUnit": {"name": "Sales"}, "errors": []}
    assert len(await _denials()) == 1


async def test_only_a_denied_lookup_of_an_existing_record_of_its_type_is_written_down(
    api: Api, world: World
) -> None:
    w = world
    query = "query ($id: ID!) { employee(id: $id) { id } }"
    manager = w.users["manager"]
    for missing in (to_global_id("Employee", 999_999), gid(w.units["BJ"]), "not-an-id"):
        body = await api.run(query, {"id": missing}, as_=manager)
        assert body["data"] == {"employee": None}
    assert await _denials() == []
    await api.run(query, {"id": gid(w.people["bj_rep"])})  # anonymous
    assert await _denials() == []
    await api.data(query, {"id": gid(w.people["bj_rep"])}, as_=manager)
    (entry,) = await _denials()
    assert (entry.subject_type, entry.subject_id, entry.field) == (
        "Employee",
        w.people["bj_rep"].id,
        "employee",
    )


def test_the_area_of_each_type_and_root_field_comes_from_its_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Computed from scratch (the guard remembers each answer for the process).
    monkeypatch.setattr(guard, "_type_areas", {})
    monkeypatch.setattr(guard, "_field_areas", {})
    graphql_schema = schema._schema
    types = graphql_schema.type_map

    def type_area(name: str) -> str:
        named = types[name]
        assert isinstance(named, GraphQLObjectType)
        return guard._type_area(named)

    assert type_area("EmployeeConnection") == "people"  # by its edges' nodes
    assert type_area("EmployeeEdge") == "people"  # by its node
    assert type_area("Employee") == "people"
    assert type_area("CourseConnection") == "training"
    assert type_area("Kpi") == "performance"
    assert type_area("PageInfo") == OPEN
    assert type_area("ApiToken") == OPEN  # one's own account
    assert type_area("Employee") == "people"  # the second time from memory
    query, mutation = graphql_schema.query_type, graphql_schema.mutation_type
    assert query is not None and mutation is not None
    assert guard._field_area(query, "employees", mutation=False) == "people"
    assert guard._field_area(query, "me", mutation=False) == OPEN
    assert guard._field_area(query, "auditLog", mutation=False) == CLOSED
    assert guard._field_area(mutation, "updateOrgUnit", mutation=True) == "people"
    assert guard._field_area(mutation, "createApiToken", mutation=True) == CLOSED
    assert guard._field_area(query, "courses", mutation=False) == "training"


def test_a_denied_token_mutation_names_the_operation() -> None:
    denied = guard.ScopeDenied("updateOrgUnit")
    assert [(e.code, e.field) for e in denied.errors] == [(ErrorCode.FORBIDDEN, "updateOrgUnit")]
    assert denied.extensions == {"code": "FORBIDDEN"}


async def test_a_root_scalar_of_an_area_outside_the_token_is_null(
    http: httpx.AsyncClient, world: World
) -> None:
    # latestKpiPeriod answers a date, not an object: only its root field's area hides it.
    w = world
    kpi = await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    await PerformanceRecord.create(
        employee=w.people["sh_rep"], kpi=kpi, period=date(2026, 3, 1), value=Decimal(4)
    )
    query = "query ($k: ID!) { latestKpiPeriod(kpiId: $k) }"
    training = await _token(w, "hq_hr", ApiScope.READ_TRAINING)
    assert await _ask(http, training, query, {"k": gid(kpi)}) == {"data": {"latestKpiPeriod": None}}
    performance = await _token(w, "hq_hr", ApiScope.READ_PERFORMANCE)
    assert await _ask(http, performance, query, {"k": gid(kpi)}) == {
        "data": {"latestKpiPeriod": "2026-03-01"}
    }


def test_what_a_field_a_token_may_not_read_resolves_to_follows_its_type() -> None:
    types = schema._schema.type_map

    def hidden(type_name: str, field_name: str) -> Any:
        parent = types[type_name]
        assert isinstance(parent, GraphQLObjectType)
        field = parent.fields[field_name]
        info = SimpleNamespace(return_type=field.type, field_name=field_name)
        return guard._not_visible(cast(GraphQLResolveInfo, info))

    assert hidden("Query", "trainingEffectReportDefaults") is None  # nullable: null
    assert hidden("Query", "orgUnits") == []  # a list: empty
    empty = hidden("Query", "employees")  # a connection: empty, every part of it
    assert isinstance(empty, Connection)
    assert (empty.edges, empty.total_count) == ([], 0)
    page = empty.page_info
    assert not page.has_next_page and not page.has_previous_page
    assert page.start_cursor is None and page.end_cursor is None
    # A required object of another area (a report's course, for a read:analytics token): no
    # empty stand-in exists, so the field is refused and its null goes up to its parent.
    with pytest.raises(FieldNotPermitted, match="'course'"):
        hidden("TrainingEffectReportDefaults", "course")


async def test_an_abstract_list_keeps_only_the_nodes_of_the_token_s_areas(world: World) -> None:
    # No list of nodes is in the schema yet; the guard is ready for one.
    w = world
    viewer = await load_viewer(w.users["hq_hr"].id)
    info = SimpleNamespace(context=Context(viewer=viewer))
    unit = await resolve_node(cast(Any, info), gid(w.units["SH"]))
    person = await resolve_node(cast(Any, info), gid(w.people["sh_rep"]))
    assert unit is not None and person is not None
    both = [unit, person]
    assert await guard._visible_only(both, frozenset({ApiScope.READ_PEOPLE.value})) == both
    assert await guard._visible_only(both, frozenset({ApiScope.READ_SKILLS.value})) == []


async def test_an_operation_without_a_request_or_a_client_address_runs_and_is_audited(
    world: World,
) -> None:
    # In-process (no request) or over a transport that names no client: still guarded and
    # written down, with no address.
    w = world
    viewer = await load_viewer(w.users["branch_hr"].id)
    variables = {"id": gid(w.units["BJ-SALES"]), "name": "x"}
    no_client = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": []})
    assert no_client.client is None
    for request in (None, no_client):
        result = await schema.execute(
            RENAME, variable_values=variables, context_value=Context(viewer, request)
        )
        assert result.errors is None
        assert result.data == {
            "updateOrgUnit": {"orgUnit": None, "errors": [{"code": "NOT_FOUND"}]}
        }
    entries = await _denials()
    assert [(e.actor_username, e.client_address) for e in entries] == [("branch_hr", None)] * 2
