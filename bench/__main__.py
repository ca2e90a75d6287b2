"""`python -m bench` (what `make bench` runs): generate the company, start the API under uvicorn
on each engine, measure, and write docs/performance.md.

Settings (environment):
  BENCH_EMPLOYEES      employees in the synthetic company (10000; 100000 for the big variant)
  BENCH_ENGINES        engines to measure, comma-separated (sqlite,postgres)
  BENCH_DATABASE_URL   the PostgreSQL database to use (it is emptied); without it a throwaway
                       cluster is started with .ci/postgres.sh and stopped at the end
  BENCH_REPEATS        timed repeats of each query (5)
  BENCH_REQUESTS       requests per repeat (100)
  BENCH_CONCURRENCY    clients sending at once (4)
  BENCH_REPORT_REPEATS whole-company reports per engine (5)
  BENCH_IMPORT_ROWS    rows of the KPI import (100000)
  BENCH_PORT           first port for the servers (8791)
  BENCH_OUT            the document to write (docs/performance.md; "-" for none)
  BENCH_REUSE=1        measure the databases left by the previous run (no generation)
  BENCH_RENDER_ONLY=1  write the document again from the last run's results, measuring nothing
  BENCH_NOTE           a sentence for the document (e.g. what else was running)
  BENCH_ONLY=files     only the files step (bench/files.py), on a database left by a full run
                       (BENCH_REUSE=1) or a new one: results in var/bench/results-<engine>-files.json;
                       when a full run's results are there, its files figures are replaced by
                       these and the document written again, saying so
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import company as gen
from bench import files, load, machine, queries, report

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "bench"


@dataclass(frozen=True)
class Settings:
    employees: int
    engines: list[str]
    database_url: str | None
    repeats: int
    requests: int
    concurrency: int
    report_repeats: int
    import_rows: int
    port: int
    out: str
    reuse: bool
    only: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            employees=int(env.get("BENCH_EMPLOYEES", "10000")),
            engines=[
                e.strip()
                for e in env.get("BENCH_ENGINES", "sqlite,postgres").split(",")
                if e.strip()
            ],
            database_url=env.get("BENCH_DATABASE_URL") or None,
            repeats=int(env.get("BENCH_REPEATS", "5")),
            requests=int(env.get("BENCH_REQUESTS", "100")),
            concurrency=int(env.get("BENCH_CONCURRENCY", "4")),
            report_repeats=int(env.get("BENCH_REPORT_REPEATS", "5")),
            import_rows=int(env.get("BENCH_IMPORT_ROWS", "100000")),
            port=int(env.get("BENCH_PORT", "8791")),
            out=env.get("BENCH_OUT", str(REPO / "docs" / "performance.md")),
            reuse=env.get("BENCH_REUSE", "") == "1",
            only=env.get("BENCH_ONLY", ""),
        )

    def command(self) -> str:
        parts = ["make bench"]
        for name in (
            "BENCH_EMPLOYEES",
            "BENCH_ENGINES",
            "BENCH_REPEATS",
            "BENCH_REQUESTS",
            "BENCH_CONCURRENCY",
            "BENCH_REPORT_REPEATS",
            "BENCH_IMPORT_ROWS",
        ):
            if name in os.environ:
                parts.insert(0, f"{name}={os.environ[name]}")
        if self.database_url:
            parts.insert(0, "BENCH_DATABASE_URL=postgres://…")
        return " ".join(parts)


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- the server under test ----------------------------------------------------------------------


class Server:
    """uvicorn running bench.server:app in its own process, on one database."""

    def __init__(self, url: str, port: int, log_path: Path) -> None:
        self.url, self.port, self.log_path = url, port, log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "TALENTLOOP_ACCESS_TOKEN_MINUTES": "600",
            "TALENTLOOP_SPA_DIR": str(VAR / "no-spa"),
            "PYTHONPATH": str(REPO),
        }
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.server:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: see {self.log_path}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer in 60 s: see {self.log_path}")

    def memory(self) -> dict[str, float]:
        """Peak (VmHWM) and current (VmRSS) resident memory of the server process, in MB; and,
        once a file has started it, the peak of its file-checking process (talentloop.offload,
        a child of the server's fork server) as `checker_VmHWM`, counted apart."""
        assert self.process is not None
        found = _status(self.process.pid)
        checkers = [_status(pid).get("VmHWM", 0.0) for pid in _descendants(self.process.pid)]
        if checkers:
            found["checker_VmHWM"] = max(checkers)
        return found

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


def _status(pid: int) -> dict[str, float]:
    found: dict[str, float] = {}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # the process has just ended
        return found
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = int(value.split()[0]) / 1024
    return found


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # pid (comm) state ppid …: comm may hold spaces, so split after its ")".
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rpartition(")")[2].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, wanted = [], {root}
    for _ in range(4):  # the server → its fork server → the checking process
        wanted = {pid for pid, parent in parents.items() if parent in wanted}
        found.extend(wanted)
    return found


# --- one engine ----------------------------------------------------------------------------------


def _gid(type_name: str, pk: int) -> str:
    from talentloop.graphql.ids import to_global_id

    return to_global_id(type_name, pk)


async def _graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors'][:2]}")
    return body["data"]


def _no_errors(response: Any) -> bool:
    return '"errors"' not in response.text[:200_000]


def typical_requests(company: gen.Company, rows: int) -> dict[str, Any]:
    """For each typical query, request i as (GraphQL request, raw request)."""
    from talentloop.pagination import encode_cursor

    numbers = company.employee_numbers
    # the first page and 19 pages further on
    step = max(1, len(numbers) // 20)
    cursors: list[str | None] = [None]
    cursors += [encode_cursor(numbers[i]) for i in range(step, len(numbers) - rows, step)][:19]
    employees = [_gid("Employee", e) for e in company.sample_employee_ids]
    units = [_gid("OrgUnit", u) for u in company.sales_department_ids]
    kpi = _gid("Kpi", company.kpi_ids["NEW_CUSTOMERS"])

    def list_vars(i: int) -> dict[str, Any]:
        return {"first": rows, "after": cursors[i % len(cursors)]}

    def detail_vars(i: int) -> dict[str, Any]:
        return queries.detail_variables(employees[i % len(employees)], rows)

    def dashboard_vars(i: int) -> dict[str, Any]:
        return queries.dashboard_variables(units[i % len(units)], kpi, rows)

    return {
        "employee_list": (queries.EMPLOYEE_LIST, list_vars),
        "employee_detail": (queries.EMPLOYEE_DETAIL, detail_vars),
        "unit_dashboard": (queries.UNIT_DASHBOARD, dashboard_vars),
    }


async def count_statements(client: httpx.AsyncClient, company: gen.Company) -> dict[str, Any]:
    await client.post("/bench/statements", json={"on": True})
    counts: dict[str, Any] = {}
    try:
        for rows in (10, 100):
            for name, (query, variables) in typical_requests(company, rows).items():
                entry = counts.setdefault(name, {})
                for kind, path, body in (
                    ("graphql", "/graphql", {"query": query, "variables": variables(0)}),
                    ("raw", f"/bench/raw/{name}", {"variables": variables(0)}),
                ):
                    response = await client.post(path, json=body)
                    response.raise_for_status()
                    entry[f"{kind}_{rows}"] = int(response.headers["x-statement-count"])
    finally:
        await client.post("/bench/statements", json={"on": False})
    return counts


async def measure_queries(
    client: httpx.AsyncClient, company: gen.Company, settings: Settings
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, (query, variables) in typical_requests(company, 100).items():

        def graphql(i: int, query: str = query, variables: Any = variables) -> load.Request:
            return "/graphql", {"query": query, "variables": variables(i)}

        def raw(i: int, name: str = name, variables: Any = variables) -> load.Request:
            return f"/bench/raw/{name}", {"variables": variables(i)}

        # warm both paths (caches, connections, the planner), then interleave the repeats so
        # that a neighbour's burst of work hits both sides alike
        for make in (graphql, raw):
            await load.run(client, make, requests=10, concurrency=settings.concurrency)
        runs: dict[str, list[load.Run]] = {"graphql": [], "raw": []}
        for _ in range(settings.repeats):
            for kind, make in (("graphql", graphql), ("raw", raw)):
                runs[kind].append(
                    await load.run(
                        client,
                        make,
                        requests=settings.requests,
                        concurrency=settings.concurrency,
                        check=_no_errors,
                    )
                )
        results[name] = {kind: load.summarise(r) for kind, r in runs.items()}
        g, r = results[name]["graphql"], results[name]["raw"]
        results[name]["ratio"] = g["median_ms"] / r["median_ms"] if r["median_ms"] else None
        log(
            f"  {name}: GraphQL {g['median_ms']:.1f} ms, raw {r['median_ms']:.1f} ms, "
            f"ratio {results[name]['ratio']:.2f}, {g['rps']:.0f} req/s"
        )
    return results


def report_input(company: gen.Company) -> dict[str, Any]:
    return {
        "courseId": _gid("Course", company.programme_course_id),
        "kpiId": _gid("Kpi", company.kpi_ids["NEW_CUSTOMERS"]),
        "unitId": None,
        "preFrom": gen.REPORT["pre_from"].isoformat(),
        "preTo": gen.REPORT["pre_to"].isoformat(),
        "postFrom": gen.REPORT["post_from"].isoformat(),
        "postTo": gen.REPORT["post_to"].isoformat(),
        "horizonMonths": 6,
    }


async def measure_report(
    client: httpx.AsyncClient, company: gen.Company, settings: Settings
) -> dict[str, Any]:
    """The SPA's TrainingReport query for the whole company, one at a time."""
    query = queries.spa_operation("TrainingReport")
    variables = {"input": report_input(company)}
    data = await _graphql(client, query, variables)  # warm-up, and a check that it works
    found = data["trainingEffectReport"]
    times = []
    await client.post("/bench/statements", json={"on": True})
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    statements_count = int(response.headers["x-statement-count"])
    await client.post("/bench/statements", json={"on": False})
    for _ in range(settings.report_repeats):
        started = time.perf_counter()
        await _graphql(client, query, variables)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "times_ms": times,
        "statements": statements_count,
        "population": found.get("population"),
        "roi_percent": (found.get("roi") or {}).get("roiPercent"),
        "did_effect": (found.get("effect") or {}).get("effect"),
    }


async def measure_report_service(
    url: str, company: gen.Company, settings: Settings
) -> dict[str, Any]:
    """The same report computed by analytics.service.report in this process (no HTTP, no
    GraphQL): what the API adds on top is the difference."""
    from tortoise import Tortoise

    from talentloop.access.policy import SYSTEM
    from talentloop.analytics.service import ReportParams
    from talentloop.analytics.service import report as effect_report
    from talentloop.db import tortoise_config

    await Tortoise.init(config=tortoise_config(url))
    try:
        params = ReportParams(
            course_id=company.programme_course_id,
            kpi_id=company.kpi_ids["NEW_CUSTOMERS"],
            unit_id=None,
            pre_from=gen.REPORT["pre_from"],
            pre_to=gen.REPORT["pre_to"],
            post_from=gen.REPORT["post_from"],
            post_to=gen.REPORT["post_to"],
        )
        await effect_report(SYSTEM, params)
        times = []
        for _ in range(settings.report_repeats):
            started = time.perf_counter()
            result = await effect_report(SYSTEM, params)
            times.append((time.perf_counter() - started) * 1000)
        assert result is not None
        return {
            "times_ms": times,
            "population": result.population,
            "roi_percent": str(result.roi.roi_percent),
        }
    finally:
        await Tortoise.close_connections()


async def measure_import(
    client: httpx.AsyncClient, company: gen.Company, settings: Settings
) -> dict[str, Any]:
    """A KPI history file through importData (in the background) until the job is done."""
    content = gen.import_csv(company, settings.import_rows)
    started = time.perf_counter()
    data = await _graphql(
        client,
        queries.IMPORT,
        {
            "input": {
                "kind": "KPI_RECORDS",
                "fileName": "bench-kpi-history.csv",
                "contentBase64": base64.b64encode(content).decode(),
                "dryRun": False,
                "inBackground": True,
            }
        },
    )
    payload = data["importData"]
    if payload["errors"] or payload["job"] is None:
        raise RuntimeError(f"import refused: {payload['errors']}")
    job_id = payload["job"]["id"]
    job = payload["job"]
    while job["status"] == "RUNNING":
        await asyncio.sleep(0.5)
        job = (await _graphql(client, queries.IMPORT_JOB, {"id": job_id}))["importJob"]
        if time.perf_counter() - started > 1800:
            raise RuntimeError("the import took more than 30 minutes")
    seconds = time.perf_counter() - started
    if job["status"] != "DONE":
        raise RuntimeError(f"import ended {job['status']}: {job.get('errors', [])[:3]}")
    return {
        "rows": settings.import_rows,
        "created": job["createdRows"],
        "bytes": len(content),
        "seconds": seconds,
        "rows_per_second": settings.import_rows / seconds,
    }


async def measure_payroll(client: httpx.AsyncClient, company: gen.Company) -> dict[str, Any]:
    """A branch's payroll for a month through createPayrollRun (a job in the background: every
    payslip computed and written) until the job is done."""
    started = time.perf_counter()
    data = await _graphql(
        client,
        queries.PAYROLL_RUN,
        {
            "input": {
                "unitId": _gid("OrgUnit", company.payroll_branch_id),
                "month": queries.PAYROLL_MONTH.isoformat(),
            }
        },
    )
    payload = data["createPayrollRun"]
    if payload["errors"] or payload["run"] is None:
        raise RuntimeError(f"payroll run refused: {payload['errors']}")
    run_id = payload["run"]["id"]
    run = payload["run"]
    while run["jobStatus"] == "RUNNING":
        await asyncio.sleep(0.2)
        run = (await _graphql(client, queries.PAYROLL_RUN_STATUS, {"id": run_id}))["payrollRun"]
        if time.perf_counter() - started > 1800:
            raise RuntimeError("the payroll run took more than 30 minutes")
    seconds = time.perf_counter() - started
    if run["jobStatus"] != "DONE":
        raise RuntimeError(f"payroll run ended {run['jobStatus']}: {run.get('error')}")
    return {"seconds": seconds, "payslips": run["headcount"], "gross": run["gross"]}


async def measure_files(
    client: httpx.AsyncClient, server: Server, company: gen.Company
) -> dict[str, Any]:
    """bench/files.py, with someone else signed in to ask `{ me }` meanwhile."""
    async with httpx.AsyncClient(base_url=server.base, timeout=600) as staff:
        login = (
            await _graphql(
                staff,
                queries.LOGIN,
                {"username": gen.BENCH_STAFF_USERNAME, "password": gen.BENCH_PASSWORD},
            )
        )["login"]
        if not login["accessToken"]:
            raise RuntimeError(f"the staff sign-in failed: {login['errors']}")
        staff.headers["Authorization"] = f"Bearer {login['accessToken']}"
        return await files.measure(client, staff, company, server.memory)


def _log_files(found: dict[str, Any]) -> None:
    log(
        "  files: largest {:.1f} s (me median {:.0f} ms, max {:.0f} ms), bomb {:.1f} s "
        "(me max {:.0f} ms), peak {:.0f} MB (the file-checking process {:.0f} MB)".format(
            found["largest"]["seconds"],
            found["largest"]["answer_median_ms"] or 0,
            found["largest"]["answer_max_ms"] or 0,
            found["bomb"]["seconds"],
            found["bomb"]["answer_max_ms"] or 0,
            found["bomb"]["memory"].get("VmHWM", 0),
            found["bomb"]["memory"].get("checker_VmHWM", 0),
        )
    )


async def run_engine(engine: str, url: str, settings: Settings, port: int) -> dict[str, Any]:
    log(f"{engine}: {settings.employees} employees")
    VAR.mkdir(parents=True, exist_ok=True)
    if settings.reuse:
        company = await gen.describe(url)
        log(f"  reusing the database: {company.employees} employees")
    else:
        company = await gen.generate(url, settings.employees, progress=log)
        log(f"  generated in {company.seconds:.1f} s: {company.rows}")
    server = Server(url, port, VAR / f"server-{engine}.log")
    server.start()
    result: dict[str, Any] = {"engine": engine, "company": company.as_dict()}
    try:
        result["memory_idle"] = server.memory()
        async with httpx.AsyncClient(base_url=server.base, timeout=600) as client:
            login = (
                await _graphql(
                    client,
                    queries.LOGIN,
                    {"username": gen.BENCH_USERNAME, "password": gen.BENCH_PASSWORD},
                )
            )["login"]
            if not login["accessToken"]:
                raise RuntimeError(f"sign-in failed: {login['errors']}")
            client.headers["Authorization"] = f"Bearer {login['accessToken']}"
            if settings.only == "files":
                result["memory_after_load"] = server.memory()
                result["files"] = await measure_files(client, server, company)
                _log_files(result["files"])
                return result
            result["statements"] = await count_statements(client, company)
            log(f"  statements: {result['statements']}")
            result["queries"] = await measure_queries(client, company, settings)
            result["memory_after_queries"] = server.memory()
            result["report"] = await measure_report(client, company, settings)
            log(f"  report: {result['report']['times_ms']}")
            result["memory_after_load"] = server.memory()
            result["files"] = await measure_files(client, server, company)
            _log_files(result["files"])
            result["payroll"] = await measure_payroll(client, company)
            log(f"  payroll run: {result['payroll']}")
            result["import"] = await measure_import(client, company, settings)
            log(f"  import: {result['import']['seconds']:.1f} s")
            result["memory_after_import"] = server.memory()
    finally:
        server.stop()
    if settings.only:
        return result
    result["report_service"] = await measure_report_service(url, company, settings)
    log(f"  report (service only): {result['report_service']['times_ms']}")
    result["server_version"] = await machine.database_version(url)
    return result


# --- PostgreSQL ----------------------------------------------------------------------------------


class ThrowawayCluster:
    """A PostgreSQL cluster from .ci/postgres.sh, for a run without BENCH_DATABASE_URL."""

    def __init__(self) -> None:
        self.started = False

    def start(self) -> str:
        env = {**os.environ, "PG_DB": "talentloop_bench"}
        result = subprocess.run(
            ["bash", ".ci/postgres.sh", "start"], cwd=REPO, env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"could not start PostgreSQL: {result.stderr.strip()}")
        if "already running" in result.stderr:
            raise RuntimeError(
                "a cluster from .ci/postgres.sh is already running in this checkout: set "
                "BENCH_DATABASE_URL to a database the benchmark may empty, or stop it"
            )
        self.started = True
        url = next(
            line for line in result.stdout.splitlines() if line.startswith("TEST_DATABASE_URL=")
        )
        return url.split("=", 1)[1]

    def stop(self) -> None:
        if self.started:
            subprocess.run(["bash", ".ci/postgres.sh", "stop"], cwd=REPO, capture_output=True)


async def one_engine(settings: Settings) -> int:
    engine = os.environ["BENCH_ONE_ENGINE"]
    url, port = os.environ["BENCH_ENGINE_URL"], int(os.environ["BENCH_ENGINE_PORT"])
    result = await run_engine(engine, url, settings, port)
    result["load"] = os.getloadavg()
    (VAR / f"results-{engine}{_suffix(settings)}.json").write_text(
        json.dumps(result, indent=2, default=str)
    )
    return 0


async def main() -> int:
    settings = Settings.from_env()
    if os.environ.get("BENCH_ONE_ENGINE"):
        return await one_engine(settings)
    if os.environ.get("BENCH_RENDER_ONLY") == "1":
        return render_only()
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    results: list[dict[str, Any]] = []
    cluster = ThrowawayCluster()
    try:
        for index, engine in enumerate(settings.engines):
            if engine == "sqlite":
                url = f"sqlite://{VAR / f'bench-{settings.employees}.sqlite3'}"
            elif engine == "postgres":
                url = settings.database_url or cluster.start()
            else:
                raise SystemExit(f"unknown engine {engine!r}: sqlite or postgres")
            # Each engine in a process of its own: Tortoise caches SQL per model class, in
            # the first dialect it was initialised with.
            engine_started = time.perf_counter()
            done = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "bench"],
                cwd=REPO,
                env={
                    **os.environ,
                    "BENCH_ONE_ENGINE": engine,
                    "BENCH_ENGINE_URL": url,
                    "BENCH_ENGINE_PORT": str(settings.port + index),
                },
            )
            if done.returncode != 0:
                raise SystemExit(f"the {engine} run failed")
            path = VAR / f"results-{engine}{_suffix(settings)}.json"
            result = json.loads(path.read_text())
            result["seconds"] = time.perf_counter() - engine_started
            result["load_before"] = load_before
            path.write_text(json.dumps(result, indent=2, default=str))
            results.append(result)
    finally:
        cluster.stop()
    if settings.only:
        return fold_in(settings, results, load_before, started_at)
    info = machine.describe()
    info["load_before"] = load_before
    info["load_after"] = os.getloadavg()
    info["started_at"] = started_at
    info["finished_at"] = datetime.now(UTC)
    info["command"] = settings.command()
    info["note"] = os.environ.get("BENCH_NOTE")
    (VAR / "run.json").write_text(
        json.dumps({"info": info, "settings": asdict(settings)}, indent=2, default=str)
    )
    write(settings, report.render(settings, info, results))
    return 0


def fold_in(
    settings: Settings, results: list[dict[str, Any]], load_before: Any, started_at: datetime
) -> int:
    """BENCH_ONLY: the new figures replace the last full run's, and the document says when
    and under what load they were measured."""
    run_path = VAR / "run.json"
    if not run_path.exists():
        log(f"BENCH_ONLY={settings.only}: no full run to fold into; results in {VAR}")
        return 0
    engines = []
    for result in results:
        path = VAR / f"results-{result['engine']}.json"
        if not path.exists():
            continue
        full = json.loads(path.read_text())
        full[settings.only] = result[settings.only]
        path.write_text(json.dumps(full, indent=2, default=str))
        engines.append(result["engine"])
    run = json.loads(run_path.read_text())
    loads = " / ".join(f"{x:.1f}" for x in load_before)
    after = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    info = run["info"]
    reruns = info.setdefault("reruns", {})
    for engine in engines:
        reruns[f"{settings.only} on {engine}"] = (
            f"{started_at:%Y-%m-%d %H:%M} UTC, load average {loads} before, {after} after"
        )
    info.setdefault("note_of_run", info.get("note") or "")
    again = "; ".join(f"{what} ({when})" for what, when in sorted(reruns.items()))
    info["note"] = (
        f"{info['note_of_run']} Measured again since with `BENCH_ONLY`: {again}; everything "
        "else is from the run above."
    ).strip()
    run_path.write_text(json.dumps(run, indent=2, default=str))
    return render_only()


def _suffix(settings: Settings) -> str:
    return f"-{settings.only}" if settings.only else ""


def render_only() -> int:
    """BENCH_RENDER_ONLY=1: write the document again from the last run's results (after an
    edit of bench/NOTES.md or of the document's layout), without measuring anything."""
    run = json.loads((VAR / "run.json").read_text())
    settings = Settings(**run["settings"])
    info = run["info"]
    for key in ("started_at", "finished_at"):
        info[key] = datetime.fromisoformat(info[key])
    results = [json.loads((VAR / f"results-{e}.json").read_text()) for e in settings.engines]
    write(settings, report.render(settings, info, results))
    return 0


def write(settings: Settings, document: str) -> None:
    if settings.out != "-":
        Path(settings.out).write_text(document, encoding="utf-8")
        log(f"wrote {settings.out}")
    (VAR / "performance.md").write_text(document, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
