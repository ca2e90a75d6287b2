"""The REST routes' part of access control (files do not travel through GraphQL): every route
but /graphql and /healthz is a `bearer_route`.

* The `Authorization: Bearer` header is checked as /graphql checks it (accounts/sessions.py):
  missing or invalid, the answer is 401 UNAUTHENTICATED.
* An API token is held to the scopes GraphQL holds it to (access/scopes.py), by the same rule:
  the scope area is the package that defines the handler, as a root field's is its resolver's
  (records → people, analytics → analytics; recruitment, payroll and privacy are no token
  area). A route that reads outside the token's scopes answers 404, exactly like a missing
  file — GraphQL's "not visible"; one that writes answers 403 FORBIDDEN — GraphQL's refused
  mutation.
* A viewer who must change their initial password is refused (403 PASSWORD_CHANGE_REQUIRED),
  as GraphQL refuses them everything but changing it (access/guard.py).
* The handler runs with the viewer, and with the client's address known to the audit trail.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from talentloop.access.policy import Viewer
from talentloop.access.scopes import area_of_module, may_read, may_write
from talentloop.access.viewer import load_viewer
from talentloop.accounts.sessions import Credentials, authenticate
from talentloop.accounts.tokens import InvalidToken
from talentloop.audit import service as audit
from talentloop.i18n import N_, translate, use_viewer_language

UNAUTHENTICATED = {
    "errors": [
        {
            "message": "The access token is invalid or expired; refresh it or sign in again.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}

Handler = Callable[[Request, Viewer], Awaitable[Response]]
Route = Callable[[Request], Awaitable[Response]]


async def bearer(request: Request) -> Credentials | None:
    """The credentials of an `Authorization: Bearer` header; None when missing or invalid."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return await authenticate(token.strip())
    except InvalidToken:
        return None


def not_found() -> Response:
    return PlainTextResponse("Not found.", status_code=404)


def forbidden(message: str) -> Response:
    body = {"errors": [{"field": None, "message": translate(message), "code": "FORBIDDEN"}]}
    return JSONResponse(body, status_code=403)


def bearer_route(*, writes: bool = False) -> Callable[[Handler], Route]:
    """A route for the signed-in, held to an API token's scopes like GraphQL (module doc)."""

    def wrap(handler: Handler) -> Route:
        area = area_of_module(handler.__module__, mutation=writes)

        @functools.wraps(handler)
        async def route(request: Request) -> Response:
            credentials = await bearer(request)
            if credentials is None:
                return JSONResponse(UNAUTHENTICATED, status_code=401)
            viewer = await load_viewer(credentials)
            use_viewer_language(viewer.language)
            if viewer.must_change_password:
                body = {
                    "errors": [
                        {
                            "field": None,
                            "message": translate(
                                N_("Change your initial password before anything else.")
                            ),
                            "code": "PASSWORD_CHANGE_REQUIRED",
                        }
                    ]
                }
                return JSONResponse(body, status_code=403)
            if writes and not may_write(viewer.token_scopes, area):
                return forbidden("This API token may not change this.")
            if not writes and not may_read(viewer.token_scopes, area):
                return not_found()
            with audit.client_address(request.client.host if request.client else None):
                return await handler(request, viewer)

        route.scope_area = area  # type: ignore[attr-defined]
        route.writes = writes  # type: ignore[attr-defined]
        return route

    return wrap
