#!/usr/bin/env bash
# Serves the built SPA and the API with fresh demo data on a spare port, then runs
# the browser tests (frontend/e2e, playwright-core driving Debian's chromium) against it.
#
# E2E_SHARDS (2 by default) splits the test files into that many groups, each against a server
# and a demo database of its own on the next ports (port, port+1, …), run side by side: much of
# a browser test is waiting for a page, so two groups on two cores take little more than half
# the time of one. The groups are balanced on tests/browser/durations.tsv (seconds per file,
# from a full run; a file not in it counts as 30 s). Each group's output is printed when it
# ends, then a summary; the exit code is non-zero if any group failed. E2E_FILES (paths from the
# repository's root, space-separated) runs only those files.
set -euo pipefail
port="${1:-8765}"
shards="${E2E_SHARDS:-2}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
  echo "browser tests need Debian's chromium: apt-get install -y chromium (.ci/run does this)" >&2
  exit 1
fi

work="$(mktemp -d)"
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The groups: the longest files first, each to the group with the least time so far.
mapfile -t groups < <(
  backend/.venv/bin/python - "$shards" tests/browser/durations.tsv ${E2E_FILES:-frontend/e2e/*.test.mjs} <<'EOF'
import sys
from pathlib import Path

shards, table, files = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
known = {}
if table.exists():
    for line in table.read_text().splitlines():
        name, _, seconds = line.partition("\t")
        if seconds.strip():
            known[name] = float(seconds)
groups = [[0.0, []] for _ in range(max(1, min(shards, len(files))))]
for f in sorted(files, key=lambda f: -known.get(Path(f).name, 30.0)):
    group = min(groups, key=lambda g: g[0])
    group[0] += known.get(Path(f).name, 30.0)
    group[1].append(Path(f).relative_to("frontend").as_posix())
for _, names in groups:
    print(" ".join(sorted(names)))  # each group in the usual (alphabetical) order
EOF
)

# serve N PORT: a demo company of its own, served on PORT.
serve() {
  local n="$1" p="$2" dir="$work/shard-$1"
  mkdir -p "$dir"
  (
    export DATABASE_URL="sqlite://$dir/e2e.sqlite3"
    export TALENTLOOP_ARCHIVE_DIR="$dir/archive"
    backend/.venv/bin/python -m talentloop migrate >/dev/null
    backend/.venv/bin/python -m talentloop seed --if-empty >/dev/null
    exec backend/.venv/bin/uvicorn talentloop.app:app --app-dir backend --host 127.0.0.1 \
      --port "$p" >"$dir/server.log" 2>&1
  ) &
  servers+=($!)
}

free_port() {  # the first port from $1 on that nothing listens on
  local p="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

ports=()
next="$port"
for i in "${!groups[@]}"; do
  p="$(free_port "$next")"
  ports+=("$p")
  next=$((p + 1))
  serve "$i" "$p"
done

# Up to 300 s: migrating and seeding side by side on a busy machine takes a while.
for i in "${!groups[@]}"; do
  p="${ports[$i]}"
  for _ in $(seq 1 1500); do
    curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break
    kill -0 "${servers[$i]}" 2>/dev/null || break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$p/healthz" >/dev/null || { cat "$work/shard-$i/server.log"; exit 1; }
done

runs=()
for i in "${!groups[@]}"; do
  # shellcheck disable=SC2086  # a group is a list of file names without spaces
  # DATABASE_URL: some tests compare a page with the group's database (hr-reports).
  (cd frontend && E2E_BASE_URL="http://127.0.0.1:${ports[$i]}" \
    DATABASE_URL="sqlite://$work/shard-$i/e2e.sqlite3" TALENTLOOP_ARCHIVE_DIR="$work/shard-$i/archive" \
    node --test ${groups[$i]}) \
    >"$work/shard-$i.tap" 2>&1 &
  runs+=($!)
done

failed=0
summary=()
for i in "${!groups[@]}"; do
  rc=0
  wait "${runs[$i]}" || rc=$?
  echo "======== browser tests, group $((i + 1)) of ${#groups[@]} (port ${ports[$i]}): ${groups[$i]}"
  cat "$work/shard-$i.tap"
  line="group $((i + 1)): $(grep -E '^# (pass|fail) ' "$work/shard-$i.tap" | tr '\n' ' ')"
  if [ "$rc" -ne 0 ]; then
    # What the group's server logged about errors, for the failures above.
    if grep -qE 'Traceback|ERROR' "$work/shard-$i/server.log"; then
      echo "-------- group $((i + 1))'s server log, its errors:"
      grep -E -A15 'Traceback|ERROR' "$work/shard-$i/server.log" | tail -150
    fi
    failed=1
    summary+=("$line FAILED (exit $rc)")
  else
    summary+=("$line ok")
  fi
done
printf '%s\n' "${summary[@]}"
exit "$failed"
