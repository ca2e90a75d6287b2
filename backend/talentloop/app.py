"""The ASGI application: /graphql, /healthz, the file routes (each a domain's `routes.py`,
every one an `access/rest.py` `bearer_route`), the built SPA at /, and this process's background-job worker. It keeps no state of its own
between requests: tokens, sessions, sign-in counters, jobs and their files live in the
database, so any number of these processes can serve one database (docs/architecture.md,
"Topology")."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from talentloop import i18n, offload
from talentloop.access.policy import ANONYMOUS
from talentloop.access.rest import UNAUTHENTICATED
from talentloop.access.viewer import load_viewer
from talentloop.accounts.invitation_links import download_invitations
from talentloop.accounts.sessions import authenticate
from talentloop.accounts.tokens import InvalidToken
from talentloop.analytics.routes import download_report
from talentloop.attendance import calendar as work_calendar
from talentloop.config import get_settings
from talentloop.db import tortoise_config
from talentloop.graphql.context import Context
from talentloop.graphql.errors import masked, should_mask
from talentloop.graphql.schema import schema
from talentloop.i18n import RequestLanguage
from talentloop.imports.annotated import download_annotated
from talentloop.imports.routes import download_export, download_template, upload_import
from talentloop.jobs.worker import Worker
from talentloop.lists.routes import export_list
from talentloop.negotiation import weighted
from talentloop.payroll.routes import download_payroll_file
from talentloop.privacy.keys import get_keyring
from talentloop.privacy.routes import download_own_record, download_sensitive_export
from talentloop.records.routes import download_document, upload_document
from talentloop.recruitment.routes import download_resume, upload_resume
from talentloop.reports.routes import download_workforce_report

UNSUPPORTED_MEDIA_TYPE = {
    "errors": [
        {
            "message": "Send GraphQL as a POST with Content-Type: application/json.",
            "extensions": {"code": "UNSUPPORTED_MEDIA_TYPE"},
        }
    ]
}
# What a POST may carry. Anything else (a form, multipart, text/plain: what a page on another
# site can send without a CORS preflight) is a 415, so a cross-site form can never run a mutation.
JSON_MEDIA_TYPES = frozenset({"application/json", "application/graphql-response+json"})


def json_content_type(value: str) -> bool:
    """application/json or application/graphql-response+json, with at most a UTF-8 charset."""
    media_type, *params = value.split(";")
    if media_type.strip().lower() not in JSON_MEDIA_TYPES:
        return False
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset" and param_value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


def payload_too_large(limit: int) -> dict[str, Any]:
    return {
        "errors": [
            {
                "message": i18n.gettext(
                    "The request body is larger than {limit} bytes.", limit=f"{limit:,}"
                ),
                "extensions": {"code": "PAYLOAD_TOO_LARGE", "limit": limit},
            }
        ]
    }


GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
# The media type the answer to this request is sent as (set per request by GraphQLEndpoint).
_response_type: ContextVar[str] = ContextVar("talentloop_response_type", default="application/json")


def response_media_type(accept: str) -> str:
    """application/graphql-response+json when the client prefers it (GraphQL over HTTP),
    otherwise application/json, which every client understands. Among equal q-values the
    client's first choice wins."""
    best, best_q = "application/json", -1.0
    for item, q in weighted(accept):
        media_type = item.lower()
        if media_type not in (GRAPHQL_RESPONSE_JSON, "application/json"):
            continue
        if q > best_q and q > 0:
            best, best_q = media_type, q
    return best


class GraphQLApp(GraphQL[Context, None]):
    async def get_context(self, request: Any, response: Any = None) -> Context:
        user_id = request.scope.get("talentloop.user_id")
        viewer = await load_viewer(user_id) if user_id is not None else ANONYMOUS
        i18n.use_viewer_language(viewer.language)
        return Context(viewer=viewer, request=request)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        # ErrorPolicy masks errors inside the operation; this catches one raised around it
        # (by an extension hook, say), which strawberry returns unmasked.
        if result.errors:
            result.errors = [masked(e) if should_mask(e) else e for e in result.errors]
        response = await super().process_result(request, result)
        if isinstance(result, PreExecutionError) and _response_type.get() == GRAPHQL_RESPONSE_JSON:
            # A document that does not parse or validate never ran: the GraphQL spec leaves the
            # data entry out, and create_response answers 400 (GraphQL over HTTP). Clients of
            # application/json keep the 200 with "data": null they have always had.
            response.pop("data", None)
        return response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Any
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = _response_type.get()
        if media_type != "application/json":
            response.headers["content-type"] = f"{media_type}; charset=utf-8"
        if isinstance(response_data, dict) and "data" not in response_data:
            response.status_code = 400
        return response


class GraphQLEndpoint:
    """In front of GraphQL: JSON POSTs only (415 otherwise), and the bearer token checked — a
    bad token is a 401, not an anonymous request; a body over `max_graphql_bytes` is a 413,
    whether it says so in Content-Length or streams past it. Batches (a JSON array) are refused by
    strawberry (batching is off: 400), and so are queries over GET (400); GET serves GraphiQL.
    The answer comes as application/graphql-response+json to a client that prefers it in
    `Accept` (a request error is then a 400 without data), as application/json otherwise."""

    def __init__(self) -> None:
        self.graphql = GraphQLApp(schema, graphql_ide="graphiql", allow_queries_via_get=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.graphql(scope, receive, send)
            return
        request = Request(scope)
        media_type = response_media_type(request.headers.get("accept", ""))
        token = _response_type.set(media_type)
        try:
            if request.method == "POST":
                if not json_content_type(request.headers.get("content-type", "")):
                    await _error(UNSUPPORTED_MEDIA_TYPE, 415, media_type)(scope, receive, send)
                    return
                scope = _as_plain_json(scope)
                limit = get_settings().max_graphql_bytes
                body = await _read_body(request, receive, limit)
                if body is None:
                    await _error(payload_too_large(limit), 413, media_type)(scope, receive, send)
                    return
                receive = _replay(body, receive)
            header = request.headers.get("authorization", "")
            if header:
                scheme, _, bearer = header.partition(" ")
                try:
                    if scheme.lower() != "bearer" or not bearer:
                        raise InvalidToken("not a bearer token")
                    scope["talentloop.user_id"] = await authenticate(bearer.strip())
                except InvalidToken:
                    await _error(UNAUTHENTICATED, 401, media_type)(scope, receive, send)
                    return
            await self.graphql(scope, receive, send)
        finally:
            _response_type.reset(token)


def _error(body: dict[str, Any], status_code: int, media_type: str) -> Response:
    """A GraphQL error answered before GraphQL runs, in the media type the client asked for."""
    return JSONResponse(body, status_code=status_code, media_type=media_type)


async def _read_body(request: Request, receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` bytes: by its Content-Length
    before reading anything, and by counting what arrives (a chunked body has no length)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away: what came is all there is
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands GraphQL the body already read, then waits as the real one does."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _as_plain_json(scope: Scope) -> Scope:
    """Strawberry parses only application/json bodies: relabel the other JSON media type."""
    headers = [
        (name, b"application/json") if name.lower() == b"content-type" else (name, value)
        for name, value in scope["headers"]
    ]
    return {**scope, "headers": headers}


async def healthz(_request: Request) -> Response:
    """Liveness and readiness: the database answers."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # the probe reports any failure as unready
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


class SPA(StaticFiles):
    """The built single-page app; unknown paths get index.html so client routes survive a reload."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or "." in Path(path).name:
                raise
            return FileResponse(Path(str(self.directory)) / "index.html")
        return response


def create_app(database_url: str | None = None) -> Starlette:
    settings = get_settings()
    routes: list[Any] = [
        Route("/healthz", healthz),
        Route("/graphql", GraphQLEndpoint(), methods=["GET", "POST"]),
        Route("/reports/workforce.xlsx", download_workforce_report, methods=["GET"]),
        Route("/reports/{job_id:pk}", download_report, methods=["GET"]),
        Route("/archive/upload", upload_document, methods=["POST"]),
        Route("/archive/{document_id:pk}", download_document, methods=["GET"]),
        Route("/recruitment/resume", upload_resume, methods=["POST"]),
        Route("/recruitment/resume/{application_id:pk}", download_resume, methods=["GET"]),
        Route("/payroll/runs/{run_id:pk}/{kind}.xlsx", download_payroll_file, methods=["GET"]),
        Route("/exports/{export_id:pk}", download_sensitive_export, methods=["GET"]),
        Route("/me/record.{format}", download_own_record, methods=["GET"]),
        Route("/lists/export", export_list, methods=["POST"]),
        Route("/imports/{job_id:pk}/annotated", download_annotated, methods=["POST"]),
        Route("/imports/{job_id:pk}/invitations", download_invitations, methods=["POST"]),
        Route("/imports/{kind}/template.xlsx", download_template, methods=["GET"]),
        Route("/imports/{kind}/export.{format}", download_export, methods=["GET"]),
        Route("/imports/{kind}", upload_import, methods=["POST"]),
    ]
    if (settings.spa_dir / "index.html").exists():
        routes.append(Mount("/", SPA(directory=settings.spa_dir, html=True)))
    else:
        routes.append(Route("/", _no_spa))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        get_keyring()  # a missing or malformed key stops the start, before any request
        async with RegisterTortoise(app, config=tortoise_config(database_url)):
            # This process's share of the background jobs (jobs/worker.py): every process
            # runs one, and the queue gives each job to exactly one of them.
            worker = Worker() if settings.job_worker else None
            if worker is not None:
                worker.start()
            await work_calendar.refresh()
            refresher = (
                asyncio.create_task(work_calendar.keep_fresh(settings.calendar_refresh_seconds))
                if settings.calendar_refresh_seconds > 0
                else None
            )
            try:
                yield
            finally:
                if refresher is not None:
                    refresher.cancel()
                if worker is not None:
                    await worker.stop()
                offload.shutdown()  # the file-checking process, if a file started it

    return Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(RequestLanguage)])


async def _no_spa(_request: Request) -> Response:
    return PlainTextResponse(
        "TalentLoop API is running. The web app is not built: run `make run` (or `make build`).\n"
        "GraphQL: /graphql\n"
    )


app = create_app()
