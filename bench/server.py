"""The server under test: the real application (`talentloop.app.create_app`, DATABASE_URL from
the environment) plus two routes the benchmark needs, run by uvicorn in its own process.

- `POST /bench/raw/{name}` answers a typical query's raw-SQL counterpart (bench/raw.py) with
  the same variables, in this process, through the same connection.
- `POST /bench/statements` with `{"on": true}` switches statement counting on: every response
  then carries `X-Statement-Count`, the statements its request sent. Off for the timed runs.

    uvicorn bench.server:app --port 8791
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bench.raw import RAW
from talentloop import statements
from talentloop.app import create_app

_counting = {"on": False}


class CountStatements:
    """Adds X-Statement-Count to every HTTP response while counting is on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _counting["on"]:
            await self.app(scope, receive, send)
            return
        with statements.counting() as sink:

            async def send_with_count(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    headers.append((b"x-statement-count", str(sink.count).encode()))
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_count)


async def raw(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in RAW:
        return JSONResponse({"error": f"no raw query {name}"}, status_code=404)
    body: dict[str, Any] = await request.json()
    result = await RAW[name](body.get("variables") or {})
    return Response(json.dumps(result), media_type="application/json")


async def counting(request: Request) -> Response:
    body = await request.json()
    _counting["on"] = bool(body.get("on"))
    if _counting["on"]:
        statements.enable()
    else:
        statements.disable()
    return JSONResponse({"on": _counting["on"]})


def build() -> Any:
    application = create_app()
    application.router.routes[0:0] = [
        Route("/bench/raw/{name}", raw, methods=["POST"]),
        Route("/bench/statements", counting, methods=["POST"]),
    ]
    application.add_middleware(CountStatements)
    return application


app = build()
