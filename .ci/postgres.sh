#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite: trust auth, 127.0.0.1 only, a free
# port, everything (data, socket, log) in one temp folder that `stop` deletes.
#
#   bash .ci/postgres.sh start    # starts it, prints TEST_DATABASE_URL=postgres://…
#   bash .ci/postgres.sh status   # prints the URL of the running cluster, if any
#   bash .ci/postgres.sh stop     # stops it and deletes its folder
#
# Sourced (as .ci/run does) it only defines pg_start / pg_stop; pg_start sets and exports
# TEST_DATABASE_URL. Settings: PG_PORT (first port to try, default 55432), PG_BIN (the
# server's bin folder, default /usr/lib/postgresql/15/bin), PG_DB (default talentloop_test).
# As root the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
# The cluster trades durability for speed (fsync off): it is for tests only.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DB="${PG_DB:-talentloop_test}"
PG_DIR=""
PG_RUN_PORT=""
_PG_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_PG_STATE="$_PG_REPO/var/ci-postgres.state"

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Prints the first port from $1 upwards that nothing listens on (checked by binding it).
_pg_free_port() {
  python3 - "$1" <<'PY'
import socket, sys
start = int(sys.argv[1])
for port in range(start, start + 200):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
else:
    sys.exit(f"no free port in {start}..{start + 199}")
PY
}

pg_start() {
  if [ ! -x "$PG_BIN/postgres" ]; then
    echo "PostgreSQL 15 is not installed ($PG_BIN/postgres): apt-get install -y postgresql-15" >&2
    return 1
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "running as root needs the 'postgres' OS user (the postgresql-15 package makes it)" >&2
    return 1
  fi
  local port
  port="$(_pg_free_port "${PG_PORT:-55432}")" || return 1
  # In /tmp, not $TMPDIR: the `postgres` user must be able to reach it.
  PG_DIR="$(mktemp -d /tmp/talentloop-pg.XXXXXX)" || return 1
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PG_DIR"  # mktemp made it 0700; the server's user must own it
  fi

  if ! _pg_as_owner "$PG_BIN/initdb" --pgdata="$PG_DIR/data" --username=postgres \
      --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    pg_stop
    return 1
  fi
  # Only the loopback address and a socket inside the temp folder: no clash with a cluster
  # someone else runs on this machine.
  if ! _pg_as_owner "$PG_BIN/pg_ctl" --pgdata="$PG_DIR/data" --log="$PG_DIR/server.log" \
      --wait --timeout=60 --silent \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start; then
    cat "$PG_DIR/server.log" >&2
    pg_stop
    return 1
  fi
  PG_RUN_PORT="$port"
  if ! _pg_as_owner "$PG_BIN/psql" --quiet --no-psqlrc -h 127.0.0.1 -p "$port" -U postgres \
      -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DB" >/dev/null; then
    pg_stop
    return 1
  fi
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$PG_DB"
}

pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    _pg_as_owner "$PG_BIN/pg_ctl" --pgdata="$PG_DIR/data" --mode=fast --wait --timeout=60 \
      --silent stop >/dev/null 2>&1 \
      || _pg_as_owner "$PG_BIN/pg_ctl" --pgdata="$PG_DIR/data" --mode=immediate --silent \
        stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  PG_DIR=""
  PG_RUN_PORT=""
}

# --- command line ---------------------------------------------------------------------
_pg_main() {
  set -uo pipefail
  case "${1:-}" in
    start)
      if [ -f "$_PG_STATE" ]; then
        # shellcheck disable=SC1090
        . "$_PG_STATE"
        if [ -f "$PG_DIR/data/postmaster.pid" ]; then
          echo "already running (bash .ci/postgres.sh stop first):" >&2
          echo "TEST_DATABASE_URL=$TEST_DATABASE_URL"
          return 0
        fi
        rm -f "$_PG_STATE"
      fi
      pg_start || return 1
      mkdir -p "$(dirname "$_PG_STATE")"
      printf 'PG_DIR=%q\nPG_BIN=%q\nTEST_DATABASE_URL=%q\n' \
        "$PG_DIR" "$PG_BIN" "$TEST_DATABASE_URL" >"$_PG_STATE"
      echo "PostgreSQL started in $PG_DIR (log: $PG_DIR/server.log). Use:" >&2
      echo "TEST_DATABASE_URL=$TEST_DATABASE_URL"
      echo "e.g.  TEST_DATABASE_URL=$TEST_DATABASE_URL make test-backend" >&2
      ;;
    stop)
      if [ ! -f "$_PG_STATE" ]; then
        echo "no cluster started by .ci/postgres.sh in this checkout" >&2
        return 0
      fi
      # shellcheck disable=SC1090
      . "$_PG_STATE"
      pg_stop
      rm -f "$_PG_STATE"
      echo "PostgreSQL stopped" >&2
      ;;
    status)
      if [ -f "$_PG_STATE" ]; then
        # shellcheck disable=SC1090
        . "$_PG_STATE"
        if [ -f "$PG_DIR/data/postmaster.pid" ]; then
          echo "TEST_DATABASE_URL=$TEST_DATABASE_URL"
          return 0
        fi
      fi
      echo "not running" >&2
      return 1
      ;;
    *)
      echo "usage: bash .ci/postgres.sh start|stop|status" >&2
      return 2
      ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  _pg_main "$@"
  exit $?
fi
