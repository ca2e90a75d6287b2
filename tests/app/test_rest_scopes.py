"""Every REST route holds an API token to the scopes GraphQL holds it to (access/rest.py): the
scope area of a route is its handler's package, as a GraphQL field's is its resolver's. A token
outside the route's area reads nothing (404, like a missing file) and writes nothing (403);
inside it, the route answers as it answers a session."""

from __future__ import annotations

from decimal import Decimal

import httpx
from starlette.routing import Route

from talentloop.access.scopes import CLOSED, ApiScope, area_of_module
from talentloop.access.viewer import load_viewer
from talentloop.accounts.api_tokens import create_token
from talentloop.analytics.models import ReportFormat, ReportJob, ReportStatus
from talentloop.app import create_app
from talentloop.graphql import schema as graphql_schema
from talentloop.recruitment.models import (
    Application,
    Candidate,
    CandidateSource,
    Posting,
    Requisition,
    RequisitionStatus,
    Stage,
)
from tests.support import Api, World, gid

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The route → the area it belongs to (None: no bearer needed).
AREAS = {
    "/healthz": None,
    "/graphql": None,
    "/reports/workforce.xlsx": "analytics",
    "/reports/{job_id:pk}": "analytics",
    "/archive/upload": "people",
    "/archive/{document_id:pk}": "people",
    "/recruitment/resume": CLOSED,
    "/recruitment/resume/{application_id:pk}": CLOSED,
    "/payroll/runs/{run_id:pk}/{kind}.xlsx": CLOSED,
    "/exports/{export_id:pk}": CLOSED,
    "/me/record.{format}": CLOSED,
    "/lists/export": CLOSED,
    # the import's file back with an error column: read like the import (imports → performance)
    "/imports/{job_id:pk}/annotated": "performance",
    "/imports/{kind}/template.xlsx": "performance",
    "/imports/{kind}/export.{format}": "performance",
    "/imports/{kind}": "performance",
    # an accounts import's invitation links: sign-in secrets, for a password session only
    "/imports/{job_id:pk}/invitations": CLOSED,
}


def _routes() -> list[Route]:
    return [r for r in create_app().routes if isinstance(r, Route) and r.path != "/"]


def test_every_route_is_declared_and_held_to_the_scopes_of_its_package() -> None:
    routes = {r.path: r for r in _routes()}
    assert set(routes) == set(AREAS)
    for path, area in AREAS.items():
        endpoint = routes[path].endpoint
        if area is None:
            assert not hasattr(endpoint, "scope_area"), path
            continue
        assert endpoint.scope_area == area, path
        # The same area GraphQL gives the package's types and fields.
        package_area = area_of_module(endpoint.__module__, mutation=endpoint.writes)
        assert package_area == area, path


def test_graphql_gives_recruitment_no_token_area_either() -> None:
    """The résumé route's area is the one the guard gives recruitment's GraphQL types."""
    from talentloop.access.guard import _type_area

    application = graphql_schema.schema._schema.type_map["Application"]
    assert _type_area(application) == CLOSED


async def _tokens(world: World, *scopes: ApiScope) -> str:
    viewer = await load_viewer(world.users["hq_hr"].id)
    _, secret = await create_token(
        viewer, name=f"t{len(scopes)}", scopes=list(scopes), expires_in_days=30
    )
    return secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_a_resume_is_never_downloaded_or_uploaded_with_an_api_token(
    api: Api, http: httpx.AsyncClient, world: World
) -> None:
    unit = world.units["SH-SALES-1"]
    requisition = await Requisition.create(
        unit=unit,
        position=world.positions["REP"],
        headcount=1,
        budget=Decimal(1),
        status=RequisitionStatus.APPROVED,
    )
    posting = await Posting.create(requisition=requisition, unit=unit, title="rep")
    candidate = await Candidate.create(name="林晓", email="lin@x.cn")
    application = await Application.create(
        candidate=candidate,
        posting=posting,
        unit_id=unit.id,
        source=CandidateSource.OTHER,
        stage=Stage.SCREENING,
    )
    hr = world.users["hq_hr"]
    upload = f"/recruitment/resume?applicationId={gid(application)}&name=cv.pdf"
    octet = {"Content-Type": "application/octet-stream"}
    session = {"Authorization": f"Bearer {await api.token(hr)}"}
    assert (await http.post(upload, content=PDF, headers={**session, **octet})).status_code == 201
    url = f"/recruitment/resume/{application.id}"
    assert (await http.get(url, headers=session)).content == PDF
    people = await _tokens(world, ApiScope.READ_PEOPLE, ApiScope.WRITE_PEOPLE)
    assert (await http.get(url, headers=_bearer(people))).status_code == 404
    refused = await http.post(upload, content=PDF, headers={**_bearer(people), **octet})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "FORBIDDEN"


async def test_a_report_is_downloaded_with_an_api_token_only_with_read_analytics(
    http: httpx.AsyncClient, world: World
) -> None:
    report = await ReportJob.create(
        format=ReportFormat.XLSX,
        parameters={},
        status=ReportStatus.DONE,
        progress=100,
        file_name="r.xlsx",
        content=b"figures",
        created_by=world.users["hq_hr"],
    )
    url = f"/reports/{report.id}"
    people = await _tokens(world, ApiScope.READ_PEOPLE)
    analytics = await _tokens(world, ApiScope.READ_ANALYTICS)
    assert (await http.get(url, headers=_bearer(people))).status_code == 404
    allowed = await http.get(url, headers=_bearer(analytics))
    assert allowed.status_code == 200 and allowed.content == b"figures"


async def test_routes_of_no_token_area_answer_a_token_like_a_missing_file(
    http: httpx.AsyncClient, world: World
) -> None:
    """Payroll files, sensitive-data exports and one's own record: whatever the scopes, a
    token gets the 404 of a missing file (the own record exists for this user)."""
    every = await _tokens(world, *ApiScope)
    for path in ("/me/record.json", "/me/record.xlsx", "/exports/1", "/payroll/runs/1/bank.xlsx"):
        response = await http.get(path, headers=_bearer(every))
        assert (response.status_code, response.text) == (404, "Not found."), path
    listed = {"title": "x", "format": "csv", "columns": ["a"], "rows": [["1"]]}
    response = await http.post("/lists/export", json=listed, headers=_bearer(every))
    assert (response.status_code, response.text) == (404, "Not found.")
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        for path, area in AREAS.items():
            if area is None:
                continue
            concrete = path.replace("{job_id:pk}", "1").replace("{document_id:pk}", "1")
            concrete = concrete.replace("{application_id:pk}", "1").replace("{run_id:pk}", "1")
            concrete = concrete.replace("{export_id:pk}", "1").replace("{format}", "json")
            concrete = concrete.replace("{kind}", "bank")
            posts = (
                "/archive/upload",
                "/recruitment/resume",
                "/lists/export",
                "/imports/1/annotated",
                "/imports/1/invitations",
                "/imports/{kind}",
            )
            method = http.post if concrete in posts or path in posts else http.get
            response = await method(concrete, headers=headers)
            assert response.status_code == 401, (path, headers)
