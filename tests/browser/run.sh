#!/usr/bin/env bash
# Serves the built SPA and the API with fresh demo data on a spare port, then runs
# the browser tests (frontend/e2e, playwright-core driving Debian's chromium) against it.
set -euo pipefail
port="${1:-8765}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
  echo "browser tests need Debian's chromium: apt-get install -y chromium (.ci/run does this)" >&2
  exit 1
fi

work="$(mktemp -d)"
export DATABASE_URL="sqlite://$work/e2e.sqlite3"
export TALENTLOOP_ARCHIVE_DIR="$work/archive"
backend/.venv/bin/python -m talentloop migrate >/dev/null
backend/.venv/bin/python -m talentloop seed --if-empty >/dev/null

backend/.venv/bin/uvicorn talentloop.app:app --app-dir backend --host 127.0.0.1 --port "$port" \
  >"$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Up to 60 s: a busy machine can take well over 10 s to import and start the app.
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

E2E_BASE_URL="http://127.0.0.1:$port" npm --prefix frontend run --silent test:e2e
