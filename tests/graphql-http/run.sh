#!/usr/bin/env bash
# The GraphQL-over-HTTP audit of the graphql-http package (its serverAudits) against a fresh
# server on a spare port: an empty SQLite database with one account, which the audit signs in
# as. Fails when a MUST fails; SHOULD and MAY failures are printed (frontend/scripts/graphql-http-audit.mjs).
set -euo pipefail
port="${1:-8765}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

work="$(mktemp -d)"
export DATABASE_URL="sqlite://$work/audit.sqlite3"
backend/.venv/bin/python -m talentloop migrate >/dev/null
password="$(backend/.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(18))')"
GRAPHQL_HTTP_PASSWORD="$password" backend/.venv/bin/python - <<'PY'
import asyncio
import os

from tortoise import Tortoise

from talentloop.accounts.models import Role, User
from talentloop.accounts.passwords import hash_password
from talentloop.db import tortoise_config


async def main() -> None:
    await Tortoise.init(config=tortoise_config())
    password = os.environ["GRAPHQL_HTTP_PASSWORD"]
    await User.create(username="http-audit", password_hash=hash_password(password), role=Role.ADMIN)
    await Tortoise.close_connections()


asyncio.run(main())
PY

backend/.venv/bin/uvicorn talentloop.app:app --app-dir backend --host 127.0.0.1 --port "$port" \
  >"$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

GRAPHQL_HTTP_USERNAME=http-audit GRAPHQL_HTTP_PASSWORD="$password" \
  node frontend/scripts/graphql-http-audit.mjs "http://127.0.0.1:$port/graphql"
