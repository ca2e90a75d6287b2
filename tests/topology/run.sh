#!/usr/bin/env bash
# The two-process topology scenario (tests/topology/scenario.py), natively, without Docker:
# a throwaway PostgreSQL 15 (.ci/postgres.sh), two API processes and nginx from Debian on
# loopback. Stops everything it started, whatever happens.
#
#   bash tests/topology/run.sh [FIRST_PORT]    # from anywhere; FIRST_PORT default 8801
#
# Needs postgresql-15 and nginx (apt-get install -y postgresql-15 nginx; .ci/run does)
# and the backend's virtualenv (made here if missing).
set -uo pipefail
cd "$(dirname "$0")/../.."

PG_DB=talentloop_topology
# shellcheck source=.ci/postgres.sh
. .ci/postgres.sh
trap pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make -s backend-setup || exit 1
pg_start || exit 1
echo "PostgreSQL: $TEST_DATABASE_URL"
backend/.venv/bin/python tests/topology/scenario.py --database-url "$TEST_DATABASE_URL" \
  --first-port "${1:-8801}"
