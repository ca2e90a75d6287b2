"""Attacks on the GraphQL endpoint, each with the answer it must get (OWASP GraphQL Cheat Sheet,
API Top 10 2023). The limits themselves live in talentloop/graphql/limits.py."""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from graphql import get_introspection_query, parse

from talentloop.graphql.limits import MAX_ALIASES, MAX_COST, MAX_DEPTH, estimate_cost
from talentloop.graphql.schema import schema
from talentloop.org.models import OrgUnit
from tests.support import Api, World, access_token, gid


def codes(body: dict[str, Any]) -> list[str | None]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


async def bearer(world: World, username: str = "hq_hr") -> dict[str, str]:
    return {"Authorization": f"Bearer {await access_token(world.users[username])}"}


CREATE_UNIT = """mutation($input: CreateOrgUnitInput!) {
  createOrgUnit(input: $input) { orgUnit { code } errors { code } }
}"""


def create_unit_variables(world: World) -> dict[str, Any]:
    return {
        "input": {
            "parentId": gid(world.units["SH-SALES"]),
            "code": "FORGED",
            "name": "Forged",
            "type": "TEAM",
        }
    }


# --- introspection ------------------------------------------------------------------


async def test_introspection_is_refused_to_anonymous_callers(api: Api, world: World) -> None:
    for query in ("{ __schema { queryType { name } } }", '{ __type(name: "Employee") { name } }'):
        body = await api.run(query)
        assert body["data"] is None
        assert codes(body) == ["INTROSPECTION_DISABLED"]
        assert "signed-in users only" in body["errors"][0]["message"]
    # the full query GraphiQL and codegen send
    body = await api.run(get_introspection_query())
    assert body["data"] is None and "INTROSPECTION_DISABLED" in codes(body)
    # __typename is not introspection of the schema
    assert await api.data("{ __typename }") == {"__typename": "Query"}


async def test_introspection_is_allowed_when_signed_in(api: Api, world: World) -> None:
    for user in ("hq_hr", "employee"):
        data = await api.data(get_introspection_query(), as_=world.users[user])
        names = {t["name"] for t in data["__schema"]["types"]}
        assert {"Employee", "Query", "Mutation"} <= names


# --- aliases, depth, cost -------------------------------------------------------------


async def test_101_aliases_are_refused(api: Api, world: World) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ role }}" for i in range(101)) + " }"
    body = await api.run(query, as_=world.users["hq_hr"])
    assert body["data"] is None
    assert codes(body) == ["TOO_MANY_ALIASES"]
    error = body["errors"][0]
    assert error["extensions"]["aliases"] == 101
    assert error["extensions"]["limit"] == MAX_ALIASES
    assert f"the limit is {MAX_ALIASES}" in error["message"]


async def test_aliases_spread_inside_fragments_are_counted(api: Api, world: World) -> None:
    # 21 aliases in a named fragment, spread 4 times (once through an inline fragment and once
    # through another fragment): 84 in all, though no selection set holds more than 21.
    aliases = " ".join(f"a{i}: __typename" for i in range(21))
    query = f"""
      query {{ ...Many ...Many ... on Query {{ ...Many }} ...Twice }}
      fragment Twice on Query {{ me {{ role }} ...Many }}
      fragment Many on Query {{ {aliases} }}
    """
    body = await api.run(query, as_=world.users["hq_hr"])
    assert codes(body) == ["TOO_MANY_ALIASES"]
    assert body["errors"][0]["extensions"]["aliases"] == 84
    # the same fragment spread once is fine
    ok = await api.run("query { ...Many } " + f"fragment Many on Query {{ {aliases} }}")
    assert "errors" not in ok


async def test_a_fragment_bomb_is_refused_at_once(api: Api, world: World) -> None:
    """F0 spreads F1 twice, F1 spreads F2 twice … : 2^40 aliases if every spread is walked
    again (strawberry's own limiters take hours); each fragment is worked out once."""
    levels = 40
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments.append(f"fragment F{levels} on Query {{ a: __typename }}")
    started = time.monotonic()
    body = await api.run("query { ...F0 } " + " ".join(fragments), as_=world.users["hq_hr"])
    assert time.monotonic() - started < 2
    assert codes(body) == ["TOO_MANY_ALIASES"]
    assert body["errors"][0]["extensions"]["aliases"] == 2**levels


async def test_nesting_deeper_than_the_limit_is_refused(api: Api, world: World) -> None:
    levels = MAX_DEPTH + 2
    query = "{ orgUnits " + "{ children " * (levels - 1) + "{ code }" + " }" * levels
    body = await api.run(query, as_=world.users["hq_hr"])
    assert body["data"] is None
    assert codes(body) == ["QUERY_TOO_DEEP"]
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_DEEP",
        "depth": levels,
        "limit": MAX_DEPTH,
    }
    # a depth of exactly the limit passes the depth check (and is refused for its cost)
    query = "{ orgUnits " + "{ children " * (MAX_DEPTH - 1) + "{ code }" + " }" * MAX_DEPTH
    assert codes(await api.run(query, as_=world.users["hq_hr"])) == ["QUERY_TOO_COSTLY"]


async def test_a_page_larger_than_100_keeps_its_typed_error(api: Api, world: World) -> None:
    query = "query($n: Int!) { employees(first: $n) { totalCount edges { node { id } } } }"
    for first in (99999, 101, -1):
        body = await api.run(query, {"n": first}, as_=world.users["hq_hr"])
        assert body["data"] is None
        assert [e["message"] for e in body["errors"]] == ["'first' must be between 0 and 100."]
        assert codes(body) == ["BAD_USER_INPUT"]  # typed, not the cost limit nor a masked one
    literal = await api.run(
        "{ employees(first: 99999) { edges { node { id } } } }", as_=world.users["hq_hr"]
    )
    assert literal["errors"][0]["message"] == "'first' must be between 0 and 100."
    # 2^31 is not an Int at all: the variable is refused before execution, not masked
    body = await api.run(query, {"n": 2**31}, as_=world.users["hq_hr"])
    assert "non 32-bit signed integer" in body["errors"][0]["message"]
    assert codes(body) == ["BAD_USER_INPUT"]


NESTED = """query($n: Int!) {
  employees(first: $n) { edges { node { unit {
    employees(first: $n) { edges { node { unit {
      employees(first: $n) { edges { node { id } } }
    } } } }
  } } } }
}"""


async def test_a_cost_bomb_of_nested_connections_is_refused_before_it_runs(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from talentloop.people import service

    async def must_not_run(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a refused query must not reach the service")

    monkeypatch.setattr(service, "list_employees", must_not_run)
    body = await api.run(NESTED, {"n": 100}, as_=world.users["hq_hr"])
    assert body["data"] is None
    # 100 employees, each with a unit holding 100 employees, each with a unit holding 100
    # employees: 1 + 100 * (edge + node + unit + 1 + 100 * (edge + node + unit + 1 + 100 * 2))
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 2_040_401,
        "limit": MAX_COST,
    }
    assert body["errors"][0]["message"].startswith(
        "The query would return an estimated 2,040,401 objects; the limit is 50,000."
    )
    # the same shape with small pages is allowed (and then runs)
    monkeypatch.undo()
    data = await api.data(NESTED, {"n": 5}, as_=world.users["hq_hr"])
    assert len(data["employees"]["edges"]) == 5


async def test_fragments_count_towards_the_cost(api: Api, world: World) -> None:
    """The cost bomb again, its levels hidden in named and inline fragments."""
    query = """query($n: Int!) { employees(first: $n) { ...Page } }
    fragment Page on EmployeeConnection { edges { node { ...Person } } }
    fragment Person on Employee { unit { ... on OrgUnit { employees(first: $n) { ...Page2 } } } }
    fragment Page2 on EmployeeConnection {
      edges { node { unit { employees(first: $n) { edges { node { ... on Employee { id } } } } } } }
    }
    """
    body = await api.run(query, {"n": 100}, as_=world.users["hq_hr"])
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["cost"] == 2_040_401


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        # a connection object, then `first` edges with their node
        ("{ employees(first: 100) { totalCount edges { node { id } } } }", {}, 1 + 100 * 2),
        # a missing `first` is the argument's default page, 20
        ("{ employees { edges { node { id } } } }", {}, 1 + 20 * 2),
        # a variable, or the variable's default when it is not sent
        ("query($n: Int!) { employees(first: $n) { edges { cursor } } }", {"n": 7}, 1 + 7),
        ("query($n: Int = 30) { employees(first: $n) { edges { cursor } } }", {}, 1 + 30),
        # clamped to 0..100: a larger page is the resolver's typed error
        ("{ employees(first: 99999) { edges { cursor } } }", {}, 1 + 100),
        ("{ employees(first: -5) { edges { cursor } } }", {}, 1),
        # a list without `first` counts 10 items
        ("{ orgUnits { code children { code } } }", {}, 10 * (1 + 10)),
        ("{ orgUnits { employees(first: 50) { edges { cursor } } } }", {}, 10 * (1 + 1 + 50)),
        # scalars and introspection are free
        ("{ me { role } __typename }", {}, 1),
    ],
)
def test_cost_estimates(query: str, variables: dict[str, Any], cost: int) -> None:
    assert estimate_cost(schema._schema, parse(query), None, variables) == cost


# --- transport: batching, GET, content types -------------------------------------------


async def test_a_batch_of_operations_is_refused(api: Api, world: World) -> None:
    login = {
        "query": "mutation($input: LoginInput!) { login(input: $input) { accessToken } }",
        "variables": {"input": {"username": "hq_hr", "password": "guess"}},
    }
    response = await api.http.post("/graphql", json=[login] * 10)
    assert response.status_code == 400
    assert "Batching is not enabled" in response.text


async def test_queries_and_mutations_over_get_are_refused(api: Api, world: World) -> None:
    query = await api.http.get(
        "/graphql", params={"query": "{ me { role } }"}, headers=await bearer(world)
    )
    assert query.status_code == 400
    assert query.text == "queries are not allowed when using GET"
    before = await OrgUnit.all().count()
    mutation = await api.http.get(
        "/graphql",
        params={
            "query": CREATE_UNIT,
            "variables": json.dumps(create_unit_variables(world)),
        },
        headers=await bearer(world),
    )
    assert mutation.status_code == 400
    assert mutation.text == "mutations are not allowed when using GET"
    assert await OrgUnit.all().count() == before
    # GraphiQL's page is still served to a browser
    page = await api.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "text/plain; charset=utf-8",
        "application/json; charset=latin-1",
        "application/jsonp",
        "",
    ],
)
async def test_a_post_that_is_not_json_is_refused_and_writes_nothing(
    api: Api, world: World, content_type: str
) -> None:
    before = await OrgUnit.all().count()
    body = json.dumps({"query": CREATE_UNIT, "variables": create_unit_variables(world)})
    if content_type.startswith("application/x-www-form-urlencoded"):
        body = "query=" + CREATE_UNIT  # what a cross-site <form> would post
    headers = {**(await bearer(world))}
    if content_type:
        headers["Content-Type"] = content_type
    response = await api.http.post("/graphql", content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert await OrgUnit.all().count() == before


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
        "application/graphql-response+json",
        "application/graphql-response+json; charset=utf-8",
    ],
)
async def test_json_posts_are_accepted(api: Api, world: World, content_type: str) -> None:
    response = await api.http.post(
        "/graphql",
        content=json.dumps({"query": "{ me { role } }"}),
        headers={**(await bearer(world)), "Content-Type": content_type},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"me": {"role": "HQ_HR"}}}


# --- masking ------------------------------------------------------------------------------


async def test_an_internal_error_is_masked_with_a_correlation_id_that_is_logged(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from talentloop.org import service

    async def broken(_viewer: object) -> list[object]:
        raise RuntimeError('SELECT salary FROM "employee" WHERE secret')

    monkeypatch.setattr(service, "list_units", broken)
    with caplog.at_level(logging.ERROR, logger="talentloop.graphql"):
        body = await api.run("{ orgUnits { id } }", as_=world.users["hq_hr"])
    [error] = body["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    correlation_id = error["extensions"]["correlationId"]
    assert str(uuid.UUID(correlation_id)) == correlation_id
    assert "salary" not in json.dumps(body) and "Traceback" not in json.dumps(body)
    [record] = [r for r in caplog.records if correlation_id in r.getMessage()]
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert "secret" in caplog.text  # the full error, server-side only
    # strawberry's own log line (without the id) is not written as well
    assert not [r for r in caplog.records if r.name == "strawberry.execution"]


async def test_an_error_raised_around_the_operation_is_masked_too(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from talentloop.graphql.limits import QueryCostLimit

    def broken(self: object) -> Any:
        raise RuntimeError("extension internals")
        yield

    monkeypatch.setattr(QueryCostLimit, "on_execute", broken)
    with caplog.at_level(logging.ERROR, logger="talentloop.graphql"):
        body = await api.run("{ me { role } }", as_=world.users["hq_hr"])
    assert body["errors"][0]["message"] == "Unexpected error."
    correlation_id = body["errors"][0]["extensions"]["correlationId"]
    assert "internals" not in json.dumps(body)
    assert correlation_id in caplog.text and "extension internals" in caplog.text


async def test_typed_and_input_errors_pass_unmasked(api: Api, world: World) -> None:
    # a field outside the viewer's groups: the typed FieldNotPermitted
    body = await api.run(
        "query($id: ID!) { employee(id: $id) { baseSalary } }",
        {"id": gid(world.people["sh_rep2"])},
        as_=world.users["employee"],
    )
    assert body["errors"][0]["message"] == "Not permitted to read field 'baseSalary'."
    # a variable of the wrong type, a bad enum value, a bad date: about the request itself
    for query, variables, expected in [
        ("query($n: Int!) { employees(first: $n) { totalCount } }", {"n": "x"}, "non-integer"),
        (
            "query($s: [EnrollmentStatus!]) { myEnrollments(status: $s) { id } }",
            {"s": ["NOPE"]},
            "does not exist in 'EnrollmentStatus'",
        ),
        (
            "query($d: Date!) { externalEvents(from: $d, to: $d) { id } }",
            {"d": "2024-13-01"},
            "Value cannot represent a Date",
        ),
    ]:
        body = await api.run(query, variables, as_=world.users["hq_hr"])
        assert expected in body["errors"][0]["message"], body
        assert codes(body) == ["BAD_USER_INPUT"]


async def test_nul_characters_are_refused_before_they_reach_the_database(
    api: Api, world: World
) -> None:
    """PostgreSQL text cannot hold U+0000; SQLite can: both answer the same."""
    search = "query($s: String) { employees(filter: {search: $s}) { totalCount } }"
    literal = '{ employees(filter: {search: "a\\u0000b"}) { totalCount } }'
    for query, variables in [(search, {"s": "a\x00b"}), (literal, None)]:
        body = await api.run(query, variables, as_=world.users["hq_hr"])
        assert body["data"] is None
        assert codes(body) == ["BAD_USER_INPUT"]
    before = await OrgUnit.all().count()
    variables = create_unit_variables(world)
    variables["input"]["name"] = "Team\x00"
    body = await api.run(CREATE_UNIT, variables, as_=world.users["hq_hr"])
    assert codes(body) == ["BAD_USER_INPUT"]
    assert await OrgUnit.all().count() == before
    assert (await api.data(search, {"s": "a"}, as_=world.users["hq_hr"]))["employees"]


# --- tokens -------------------------------------------------------------------------------


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _status_with(api: Api, token: str) -> tuple[int, dict[str, Any]]:
    response = await api.http.post(
        "/graphql", json={"query": "{ me { role } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json()


async def test_bad_tokens_are_401(api: Api, world: World) -> None:
    user = world.users["hq_hr"]
    good = await access_token(user)
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tampered_payload = _b64({**claims, "sub": str(world.users["admin"].id)})
    flipped = signature[:-2] + ("AA" if not signature.endswith("AA") else "BB")
    expired = await access_token(user, now=datetime.now(UTC) - timedelta(hours=2))
    none_alg = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    other_key = jwt.encode(claims, "not-our-secret-key-but-long-enough-32b", algorithm="HS256")
    for token in (
        f"{header}.{tampered_payload}.{signature}",
        f"{header}.{payload}.{flipped}",
        expired,
        none_alg,
        other_key,
        "garbage",
    ):
        status, body = await _status_with(api, token)
        assert status == 401, token
        assert codes(body) == ["UNAUTHENTICATED"]
    assert (await _status_with(api, good))[0] == 200


# --- field suggestions --------------------------------------------------------------------


async def test_field_suggestions_only_for_signed_in_users(api: Api, world: World) -> None:
    typo = "{ employes { totalCount } }"
    anonymous = await api.run(typo)
    assert anonymous["errors"][0]["message"] == "Cannot query field 'employes' on type 'Query'."
    signed_in = await api.run(typo, as_=world.users["employee"])
    assert "Did you mean 'employee', 'employees'" in signed_in["errors"][0]["message"]
    # the validation cache must not leak one answer into the other
    assert "Did you mean" not in (await api.run(typo))["errors"][0]["message"]
    # argument names and enum values too
    for query, variables in [
        ("{ employees(frist: 1) { totalCount } }", None),
        (
            "query($s: [EnrollmentStatus!]) { myEnrollments(status: $s) { id } }",
            {"s": ["ENROLED"]},
        ),
    ]:
        anonymous = await api.run(query, variables)
        assert "Did you mean" not in json.dumps(anonymous)
        signed_in = await api.run(query, variables, as_=world.users["employee"])
        assert "Did you mean" in json.dumps(signed_in)
