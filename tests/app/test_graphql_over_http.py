"""GraphQL over HTTP: the media type the client asks for, and request errors answered 400 in
application/graphql-response+json (the graphql-http audit runs the whole suite against a
server: tests/graphql-http/run.sh)."""

from __future__ import annotations

import httpx
import pytest

from talentloop.app import response_media_type
from tests.support import Api, World, gid

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def _post(
    http: httpx.AsyncClient, query: str, accept: str | None, **headers: str
) -> httpx.Response:
    if accept is not None:
        headers["Accept"] = accept
    return await http.post("/graphql", json={"query": query}, headers=headers)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0.5, application/json", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0, text/html", "application/json"),
        # what urql sends
        (
            f"{GRAPHQL_RESPONSE}, application/graphql+json, application/json, text/event-stream, multipart/mixed",
            GRAPHQL_RESPONSE,
        ),
    ],
)
def test_the_answer_comes_in_the_media_type_the_client_prefers(accept: str, chosen: str) -> None:
    assert response_media_type(accept) == chosen


async def test_a_result_is_sent_as_graphql_response_json_to_who_asks(
    http: httpx.AsyncClient,
) -> None:
    response = await _post(http, "{ __typename }", GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("query", ["{", "{ noSuchField }", "query($id: ID!) { __typename }"])
async def test_a_document_that_does_not_parse_or_validate_is_a_400_without_data(
    http: httpx.AsyncClient, query: str
) -> None:
    response = await _post(http, query, GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body and body["errors"]


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
async def test_application_json_clients_keep_200_with_null_data(
    http: httpx.AsyncClient, accept: str | None
) -> None:
    response = await _post(http, "{ noSuchField }", accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] is None


async def test_an_error_in_a_resolver_is_still_a_200_with_data(api: Api, world: World) -> None:
    # a field the viewer may not read: the operation ran, so the answer has data
    token = await api.token(world.users["manager"])
    query = f'{{ employee(id: "{gid(world.people["sh_rep"])}") {{ name baseSalary }} }}'
    response = await _post(api.http, query, GRAPHQL_RESPONSE, Authorization=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["employee"]["baseSalary"] is None and body["errors"]


async def test_refusals_before_graphql_come_in_the_asked_media_type(
    http: httpx.AsyncClient,
) -> None:
    refused = await _post(http, "{ me { role } }", GRAPHQL_RESPONSE, Authorization="Bearer nope")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    form = await http.post(
        "/graphql",
        content=b"query={}",
        headers={"Content-Type": "text/plain", "Accept": GRAPHQL_RESPONSE},
    )
    assert form.status_code == 415
    assert form.headers["content-type"].startswith(GRAPHQL_RESPONSE)
