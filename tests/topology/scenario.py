"""The production topology on loopback (issue 8): PostgreSQL, two API processes configured
alike, and nginx balancing them round-robin with deploy/nginx.conf's own routing.

Run by tests/topology/run.sh, which starts (and stops) a throwaway PostgreSQL:

    backend/.venv/bin/python tests/topology/scenario.py --database-url postgres://… [--first-port 8801]

It migrates and loads the demo company, starts the processes, then checks that
* a session signed in through one process is honoured, refreshed and ended through the other;
* a report export and a KPI import started through nginx each finish, run by exactly one of
  the two processes (the job row's claim count and worker, and the processes' logs);
* the report is downloaded from the process that did not make it;
* nginx spread the requests over both processes, served the SPA, and passed the API the
  client's real address (a forged X-Forwarded-For does not reach the sign-in counters).
Every process it starts is stopped at the end, whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / "backend" / ".venv" / "bin"
SPA_DIR = REPO / "frontend" / "dist"
PASSWORD = "demo-2026"
STARTED = time.monotonic()
# One configuration for every process and command, as a deployment has: above all one
# token-signing key, and the keys that seal ID numbers and bank accounts (the seed seals them,
# the API processes open them).
DEPLOYMENT = {
    "TALENTLOOP_SECRET_KEY": secrets.token_urlsafe(48),
    "TALENTLOOP_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    "TALENTLOOP_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
}


class ScenarioFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def check(condition: object, message: str) -> None:
    if not condition:
        raise ScenarioFailed(message)


# --- processes ------------------------------------------------------------------------------


def free_ports(first: int, count: int) -> list[int]:
    found = []
    for port in range(first, first + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise ScenarioFailed(f"no {count} free ports from {first}")


class Processes:
    """The processes started here, each with its log; all stopped on exit."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()  # uvicorn and nginx both shut down cleanly on SIGTERM
        for name, process in self.running.items():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in 15 s: killing it")
                process.kill()
                process.wait()


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], name: str, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ScenarioFailed(f"{name} exited with {process.returncode} while starting")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise ScenarioFailed(f"{name} did not answer {url} within {timeout:.0f} s")


LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {"tortoise": {"level": "WARNING"}},
}


# --- nginx ---------------------------------------------------------------------------------


def nginx_config(folder: Path, listen: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf with only the machine-specific lines replaced — the routing, headers
    and limits are production's own. Each replacement must match exactly once, so a change to
    deploy/nginx.conf that this does not understand fails here rather than going untested."""
    text = (REPO / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"        server 127.0.0.1:{port};\n" for port in upstreams)
    html = folder / "html"
    if SPA_DIR.joinpath("index.html").exists():
        shutil.copytree(SPA_DIR, html)  # a copy nginx's workers may read wherever the checkout is
    else:
        html.mkdir()
    replacements = [
        ("user nginx;\n", ""),
        ("pid /var/run/nginx.pid;", f"pid {folder}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log notice;", f"error_log {folder}/error.log notice;"),
        (
            "    access_log /var/log/nginx/access.log;\n",
            "    log_format upstream '$request_method $uri $status upstream=$upstream_addr';\n"
            f"    access_log {folder}/access.log upstream;\n"
            f"    client_body_temp_path {folder}/client_body;\n"
            f"    proxy_temp_path {folder}/proxy;\n"
            f"    fastcgi_temp_path {folder}/fastcgi;\n"
            f"    uwsgi_temp_path {folder}/uwsgi;\n"
            f"    scgi_temp_path {folder}/scgi;\n",
        ),
        # Docker's DNS found the api replicas; here the two processes are listed.
        (
            "    resolver 127.0.0.11 valid=10s ipv6=off;\n",
            f"    upstream talentloop_api {{\n{servers}    }}\n",
        ),
        ("listen 80 default_server;", f"listen 127.0.0.1:{listen} default_server;"),
        ("root /usr/share/nginx/html;", f"root {html};"),
        ("set $talentloop_api http://api:8000;", "set $talentloop_api http://talentloop_api;"),
    ]
    for old, new in replacements:
        count = text.count(old)
        check(
            count == 1, f"deploy/nginx.conf: expected {old.strip()!r} once, found it {count} times"
        )
        text = text.replace(old, new)
    path = folder / "nginx.conf"
    path.write_text(text)
    if os.geteuid() == 0:
        # Its workers run as an unprivileged user: they must reach the copy of the SPA.
        folder.chmod(0o755)
    return path


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    check(found, "nginx is not installed (apt-get install -y nginx)")
    return str(found)


# --- the API --------------------------------------------------------------------------------


class Client:
    def __init__(self, name: str, base: str) -> None:
        self.name = name
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=60)

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        return self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )

    def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = self.graphql(query, variables, token)
        check(
            response.status_code == 200,
            f"{self.name}: HTTP {response.status_code} {response.text[:300]}",
        )
        body = response.json()
        check(not body.get("errors"), f"{self.name}: {body.get('errors')}")
        return dict(body["data"])


LOGIN = """mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) {
  accessToken refreshToken errors { code message } } }"""
REFRESH = """mutation($r: String!) { refreshToken(input: {refreshToken: $r}) {
  accessToken refreshToken errors { code message } } }"""
LOGOUT = """mutation($r: String!) { logout(input: {refreshToken: $r}) { ok errors { code } } }"""
ME = "{ me { user { username } role } }"
DEFAULTS = """{ trainingEffectReportDefaults { course { id } kpi { id } preFrom preTo postFrom postTo } }"""
EXPORT = """mutation($input: ExportTrainingEffectReportInput!) { exportTrainingEffectReport(input: $input) {
  job { id status step } errors { field code message } } }"""
REPORT_JOB = "query($id: ID!) { reportJob(id: $id) { status progress step error downloadUrl } }"
IMPORT = """mutation($c: String!) { importData(input: {kind: KPI_RECORDS, fileName: "revenue-2020.csv",
  contentBase64: $c, dryRun: false, inBackground: true}) { job { id status } errors { code message } } }"""
IMPORT_JOB = """query($id: ID!) { importJob(id: $id) { status processedRows totalRows createdRows
  errors { row column message } } }"""


def pk_of(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().rsplit(":", 1)[1])


async def fetch(database_url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def query(database_url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    return asyncio.run(fetch(database_url, sql, *args))


# --- the scenario ---------------------------------------------------------------------------


@contextmanager
def topology(
    database_url: str, first_port: int, folder: Path
) -> Iterator[tuple[Client, Client, Client, Processes, dict[str, int]]]:
    processes = Processes(folder)
    try:
        port_a, port_b, port_lb = free_ports(first_port, 3)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            **DEPLOYMENT,
            # As in production, nginx serves the SPA; the API processes answer the API.
            "TALENTLOOP_SPA_DIR": str(folder / "no-spa"),
            "PYTHONUNBUFFERED": "1",
        }
        log_config = folder / "logging.json"
        log_config.write_text(json.dumps(LOG_CONFIG))
        pids = {}
        for name, port in (("api-a", port_a), ("api-b", port_b)):
            process = processes.start(
                name,
                [
                    str(VENV / "uvicorn"),
                    "talentloop.app:app",
                    "--app-dir",
                    "backend",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--proxy-headers",
                    "--forwarded-allow-ips",
                    "127.0.0.1",
                    "--log-config",
                    str(log_config),
                    "--no-server-header",
                ],
                env,
            )
            pids[name] = process.pid
        for name, port in (("api-a", port_a), ("api-b", port_b)):
            wait_until_up(f"http://127.0.0.1:{port}/healthz", processes.running[name], name)
        say(
            f"API processes up: api-a on :{port_a} (pid {pids['api-a']}), api-b on :{port_b} (pid {pids['api-b']})"
        )

        nginx = nginx_binary()
        conf = nginx_config(folder, port_lb, [port_a, port_b])
        tested = subprocess.run(
            [
                nginx,
                "-t",
                "-q",
                "-p",
                str(folder),
                "-c",
                str(conf),
                "-e",
                str(folder / "error.log"),
            ],
            capture_output=True,
            text=True,
        )
        check(tested.returncode == 0, f"nginx -t: {tested.stderr}")
        process = processes.start(
            "nginx",
            [
                nginx,
                "-p",
                str(folder),
                "-c",
                str(conf),
                "-e",
                str(folder / "error.log"),
                "-g",
                "daemon off;",
            ],
            env,
        )
        wait_until_up(f"http://127.0.0.1:{port_lb}/nginx-health", process, "nginx")
        say(f"nginx up on :{port_lb}, balancing :{port_a} and :{port_b}")
        yield (
            Client("api-a", f"http://127.0.0.1:{port_a}"),
            Client("api-b", f"http://127.0.0.1:{port_b}"),
            Client("nginx", f"http://127.0.0.1:{port_lb}"),
            processes,
            {"api-a": port_a, "api-b": port_b},
        )
    finally:
        processes.stop_all()
        say("every process stopped")


def load_demo(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, **DEPLOYMENT}
    for command in (["migrate"], ["seed", "--if-empty"]):
        done = subprocess.run(
            [str(VENV / "python"), "-m", "talentloop", *command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        check(done.returncode == 0, f"talentloop {command[0]}: {done.stdout}{done.stderr}")
    say("migrated, demo company loaded")


def revenue_csv(numbers: list[str]) -> bytes:
    lines = ["employee_number,kpi_code,period,value"]
    for number in numbers:
        for month in range(1, 13):
            lines.append(f"{number},REVENUE,2020-{month:02d},{10000 + month * 100}")
    return ("\n".join(lines) + "\n").encode()


def run(database_url: str, first_port: int, folder: Path) -> None:
    load_demo(database_url)
    host = socket.gethostname()
    with topology(database_url, first_port, folder) as (a, b, lb, processes, ports):
        workers = {f"{host}:{processes.running[name].pid}": name for name in ("api-a", "api-b")}

        # 1. A session begun on one process is the same session on the other.
        login = a.data(LOGIN, {"u": "hr.hq", "p": PASSWORD})["login"]
        check(login["errors"] == [] and login["accessToken"], f"sign-in through api-a: {login}")
        me = b.data(ME, token=login["accessToken"])["me"]
        check(me["user"]["username"] == "hr.hq", f"api-b does not know api-a's token: {me}")
        refreshed = b.data(REFRESH, {"r": login["refreshToken"]})["refreshToken"]
        check(refreshed["errors"] == [], f"refresh through api-b: {refreshed}")
        token, refresh = refreshed["accessToken"], refreshed["refreshToken"]
        check(a.data(ME, token=token)["me"]["role"] == "HQ_HR", "api-a refuses api-b's new token")
        say(
            "signed in through api-a, used and refreshed through api-b, the new token works on api-a"
        )

        # 2. Two long jobs started through the load balancer.
        defaults = lb.data(DEFAULTS, token=token)["trainingEffectReportDefaults"]
        report_input = {
            "courseId": defaults["course"]["id"],
            "kpiId": defaults["kpi"]["id"],
            **{k: defaults[k] for k in ("preFrom", "preTo", "postFrom", "postTo")},
        }
        export = lb.data(EXPORT, {"input": {"report": report_input, "format": "PDF"}}, token=token)
        export = export["exportTrainingEffectReport"]
        check(export["errors"] == [] and export["job"]["status"] == "RUNNING", f"export: {export}")
        numbers = [
            r["employee_number"]
            for r in query(
                database_url,
                # not hr.hq's own: nobody imports results about themselves (self-dealing)
                "SELECT e.employee_number FROM employee e WHERE e.id NOT IN"
                " (SELECT employee_id FROM user_account WHERE username = 'hr.hq'"
                " AND employee_id IS NOT NULL) ORDER BY e.employee_number LIMIT 20",
            )
        ]
        started = lb.data(
            IMPORT, {"c": base64.b64encode(revenue_csv(numbers)).decode()}, token=token
        )
        started = started["importData"]
        check(
            started["errors"] == [] and started["job"]["status"] == "RUNNING", f"import: {started}"
        )
        say("report export and KPI import started through nginx")

        report_id, import_id = export["job"]["id"], started["job"]["id"]
        report = imported = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            report = lb.data(REPORT_JOB, {"id": report_id}, token=token)["reportJob"]
            imported = lb.data(IMPORT_JOB, {"id": import_id}, token=token)["importJob"]
            if report["status"] != "RUNNING" and imported["status"] != "RUNNING":
                break
            time.sleep(0.3)
        check(
            report
            and (report["status"], report["progress"], report["step"]) == ("DONE", 100, "done"),
            f"the report did not finish: {report}",
        )
        check(imported and imported["status"] == "DONE", f"the import did not finish: {imported}")
        check(
            imported["createdRows"] == 240,
            f"the import wrote {imported['createdRows']} rows, not 240",
        )
        say(
            f"both finished: report {report['step']!r} {report['progress']} %, import {imported['createdRows']} rows"
        )

        # 3. Each was run by exactly one of the processes: claimed once, and logged once.
        ran_by = {}
        for kind, pk in (("report_export", pk_of(report_id)), ("import", pk_of(import_id))):
            rows = query(
                database_url,
                "SELECT id, state, attempts, worker FROM job WHERE kind = $1 AND subject_id = $2",
                kind,
                pk,
            )
            check(len(rows) == 1, f"{kind} #{pk}: {len(rows)} queue rows")
            job = rows[0]
            check(
                (job["state"], job["attempts"]) == ("done", 1) and job["worker"] in workers,
                f"{kind} #{pk}: {dict(job)} (workers {workers})",
            )
            claimed = sum(
                len(
                    re.findall(rf"job {job['id']} \({kind} #{pk}\) claimed by", processes.log(name))
                )
                for name in ("api-a", "api-b")
            )
            check(claimed == 1, f"{kind} #{pk} was claimed {claimed} times in the logs")
            ran_by[kind] = workers[job["worker"]]
        say(
            f"each job run once: the report by {ran_by['report_export']}, the import by {ran_by['import']}"
        )

        # 4. The file is downloaded from the process that did not make it.
        other = b if ran_by["report_export"] == "api-a" else a
        url = report["downloadUrl"]
        check(url == f"/reports/{pk_of(report_id)}", f"download URL {url}")
        download = other.http.get(url, headers={"Authorization": f"Bearer {token}"})
        check(
            download.status_code == 200 and download.content.startswith(b"%PDF"),
            f"download from {other.name}: {download.status_code}",
        )
        stored = query(
            database_url, "SELECT content FROM report_job WHERE id = $1", pk_of(report_id)
        )
        check(
            hashlib.sha256(download.content).digest()
            == hashlib.sha256(stored[0]["content"]).digest(),
            "the downloaded file is not the stored one",
        )
        through_lb = lb.http.get(url, headers={"Authorization": f"Bearer {token}"})
        check(
            through_lb.status_code == 200 and through_lb.content == download.content,
            f"download through nginx: {through_lb.status_code}",
        )
        check(lb.http.get(url).status_code == 401, "a download without a token was not refused")
        say(
            f"report downloaded from {other.name} ({len(download.content)} bytes) and through nginx"
        )

        # 5. nginx: the SPA, and the client's own address for the sign-in counters.
        if SPA_DIR.joinpath("index.html").exists():
            shell = lb.http.get("/employees/42")
            check(
                shell.status_code == 200 and 'id="app"' in shell.text,
                "nginx did not serve the SPA shell",
            )
            say("nginx serves the SPA (history fallback)")
        else:
            say("frontend/dist is not built: the SPA check is skipped (make build)")
        forged = lb.graphql(
            LOGIN,
            {"u": "topology.nobody", "p": "wrong-password"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        check(forged.status_code == 200, f"forged sign-in: {forged.status_code}")
        attempts = query(
            database_url,
            "SELECT client_address FROM sign_in_attempt WHERE username = $1",
            "topology.nobody",
        )
        check(
            [r["client_address"] for r in attempts] == ["127.0.0.1"],
            f"the sign-in counters saw {[r['client_address'] for r in attempts]}, not the client's address",
        )
        say("a forged X-Forwarded-For does not reach the sign-in counters")

        # 6. Signing out on one process ends the session on the other.
        out = a.data(LOGOUT, {"r": refresh}, token=token)["logout"]
        check(out == {"ok": True, "errors": []}, f"sign-out through api-a: {out}")
        refused = b.graphql(ME, token=token)
        check(
            refused.status_code == 401,
            f"api-b still accepts the signed-out token: {refused.status_code}",
        )
        again = b.data(REFRESH, {"r": refresh})["refreshToken"]
        check(
            again["accessToken"] is None and again["errors"],
            f"api-b refreshed a signed-out session: {again}",
        )
        say("signed out through api-a: api-b refuses the token and its refresh")

        # 7. The balancer used both processes.
        upstreams = re.findall(r"upstream=127\.0\.0\.1:(\d+)", (folder / "access.log").read_text())
        served = {port: upstreams.count(str(port)) for port in ports.values()}
        check(all(served.values()), f"nginx did not use both processes: {served}")
        say(
            f"nginx spread {len(upstreams)} requests: "
            + ", ".join(f"{name} {served[port]}" for name, port in ports.items())
        )

    for name in ("api-a", "api-b"):
        log = processes.log(name)
        check("Traceback" not in log, f"{name} logged an error:\n{log[-3000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://… of an empty database")
    parser.add_argument("--first-port", type=int, default=8801, help="first port to try (3 needed)")
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="talentloop-topology-"))
    ok = False
    try:
        run(args.database_url, args.first_port, folder)
        ok = True
    except ScenarioFailed as failure:
        say(f"FAILED: {failure}")
        for log in sorted(folder.glob("*.log")):
            print(
                f"---- {log.name} (last lines)\n"
                + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
            )
    finally:
        if args.keep or not ok:
            say(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    say("topology scenario passed" if ok else "topology scenario FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
