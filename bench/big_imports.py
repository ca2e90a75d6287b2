"""`python -m bench.big_imports`: the largest files an import takes (issue 22 point 7), in process
as the job runs them (the file read and checked in the file-checking process,
talentloop.offload; written here in one transaction): for every kind of imports/kinds.py (a
generator each in `FILES`; `BENCH_KINDS=employees,kpis` runs some) a file of `BENCH_BIG_ROWS`
(200,000: imports.service.MAX_ROWS) new, valid rows as CSV — the kinds a real company has far
fewer of (units, positions, KPIs, courses) too: they are the file limit's test — its dry run,
its import, and the kind's export of what is then there, each
timed, with the peak resident memory (VmHWM, reset before each step through
/proc/<pid>/clear_refs) of this process and of the file-checking process apart. The employees'
file is also read as an XLSX (the widest kind: the zip limits of talentloop.spreadsheets).
The accounts' file gives an account to each person of the employees' file: after the
employees' import in the same run (`BENCH_KINDS=employees,accounts`), else to those people
written directly first (`BENCH_KINDS=accounts`).

The database is made afresh from the migrations (SQLite in var/bench, or BENCH_ENGINE_URL):
a company of 10 branches × 5 departments, 5 positions, 3 KPIs, 20 courses, 25,000 people the
per-person kinds' files name (8 rows each at 200,000) and an HQ HR importer. The
figures go to var/bench/big-imports.json and, as a table, into the "Big imports" section of
bench/NOTES.md and docs/performance.md (between the `big-imports` markers)."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "bench"
BRANCHES, DEPARTMENTS = 10, 5
KPIS = ("NC", "CR", "REV")
# The people the per-person kinds' files name (K00000…): 8 rows each make 200,000 (a person has
# at most 8 tax years of payroll openings, 2019…2026).
PEOPLE = 25_000
# Courses seeded for the sessions' and the training history's files.
SESSION_COURSES = [f"WS{c}" for c in range(10)]
HISTORY_COURSES = [f"OL{c}" for c in range(10)]
START, END = "<!-- big-imports -->", "<!-- /big-imports -->"


def _status(pid: int | str) -> dict[str, float]:
    found: dict[str, float] = {}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = int(value.split()[0]) / 1024
    return found


def _children() -> list[int]:
    """This process's descendants (the fork server and the file-checking process)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rpartition(")")[2].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, wanted = [], {os.getpid()}
    for _ in range(4):
        wanted = {pid for pid, parent in parents.items() if parent in wanted}
        found.extend(wanted)
    return found


def _reset_peaks() -> None:
    for pid in [os.getpid(), *_children()]:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def _peaks() -> tuple[float, float]:
    checker = max((_status(p).get("VmHWM", 0.0) for p in _children()), default=0.0)
    return _status("self").get("VmHWM", 0.0), checker


# --- the files -------------------------------------------------------------------------------------


def _csv(header: list[str], rows: Callable[[], Any]) -> bytes:
    """The rows as an export writes a CSV (spreadsheets.table_csv's bytes: UTF-8 with a
    byte-order mark, every cell neutralised), written a row at a time through a temporary file.
    Made in memory (a list of the rows, then table_csv's text), a 200,000-row employee file
    left this process's resident memory about 120 MB higher than the file itself, and each
    step's peak starts from there."""
    from talentloop.spreadsheets import neutralise

    with tempfile.TemporaryFile() as out:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([neutralise(v) for v in header])
        for row in rows():
            writer.writerow(["" if v is None else neutralise(v) for v in row])
        text.flush()
        out.seek(0)
        return out.read()


EMPLOYEE_HEADER = [
    "工号",
    "姓名",
    "部门编码",
    "岗位编码",
    "入职日期",
    "状态",
    "性别",
    "出生日期",
    "办公电话",
    "工作邮箱",
    "手机号",
    "身份证号",
    "银行账号",
    "基本工资",
    "直属上级工号",
]


def employees_file(rows: int) -> bytes:
    return _csv(EMPLOYEE_HEADER, lambda: employee_rows(rows))


def employee_rows(rows: int) -> Iterator[list[str]]:
    """The employees' file's rows (after EMPLOYEE_HEADER), made one at a time."""
    from talentloop.people.validation import id_number_check_char

    per_department = rows // (BRANCHES * DEPARTMENTS) + 1
    for i in range(rows):
        department = i // per_department
        head = department * per_department
        first17 = f"310101{1970 + i % 30}{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        yield [
            f"E{i:06d}",
            f"员工{i}",
            f"B{department // DEPARTMENTS:02d}-D{department % DEPARTMENTS}",
            f"P{i % 5}",
            "2024-03-01",
            "active",
            "男" if i % 2 else "女",
            f"{1970 + i % 30}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            f"021-{5550000 + i % 10000}",
            f"e{i}@example.cn",
            f"138{i:08d}",
            first17 + id_number_check_char(first17),
            f"62220000{i:011d}",
            str(6000 + i % 9000),
            f"E{head:06d}" if head != i else "",
        ]


def accounts_file(rows: int) -> bytes:
    # An account for each person the employees' file brought in (E000000…), the username
    # derived as createAccounts derives it (an empty cell: the work e-mail's local part), a
    # department's head (the employees' file's manager) granted `manager` at their department.
    per_department = rows // (BRANCHES * DEPARTMENTS) + 1

    def make() -> Any:
        for i in range(rows):
            department = i // per_department
            code = f"B{department // DEPARTMENTS:02d}-D{department % DEPARTMENTS}"
            head = i == department * per_department
            yield [f"E{i:06d}", "", f"manager@{code}" if head else "", "是"]

    return _csv(["工号", "用户名", "角色", "启用"], make)


def _people_months(rows: int) -> tuple[int, list[str]]:
    people = PEOPLE
    months = [f"{2025 - m // 12}-{12 - m % 12:02d}" for m in range(rows // people + 1)]
    return people, months


def _each(rows: int) -> Any:
    """(row, person number, j): every seeded person once before any twice (j is the round)."""
    for i in range(rows):
        yield i, f"K{i % PEOPLE:05d}", i // PEOPLE


def records_file(rows: int) -> bytes:
    people, months = _people_months(rows)  # the people _company seeds (K00000…)
    return _csv(
        ["工号", "指标编码", "期间", "数值"],
        lambda: (
            [f"K{i % people:05d}", "NC", months[i // people], str(i % 17)] for i in range(rows)
        ),
    )


def targets_file(rows: int) -> bytes:
    people, months = _people_months(rows)
    return _csv(
        ["指标编码", "期间", "目标值", "工号"],
        lambda: (
            ["CR", months[i // people], str(10 + i % 9), f"K{i % people:05d}"] for i in range(rows)
        ),
    )


def org_units_file(rows: int) -> bytes:
    # Teams under the 50 departments (a real company has hundreds: this is the file limit's test).
    return _csv(
        ["部门编码", "名称", "上级部门编码", "类型", "城市"],
        lambda: (
            [
                f"T{i:06d}",
                f"小组{i}",
                f"B{i % BRANCHES:02d}-D{i // BRANCHES % DEPARTMENTS}",
                "team",
                "上海",
            ]
            for i in range(rows)
        ),
    )


def positions_file(rows: int) -> bytes:
    return _csv(
        ["岗位编码", "职位", "职等", "职位序列"],
        lambda: ([f"Q{i:06d}", f"岗位{i}", f"P{i % 9 + 1}", "sales"] for i in range(rows)),
    )


def kpis_file(rows: int) -> bytes:
    return _csv(
        ["指标编码", "名称", "单位", "方向", "汇总", "周期类型"],
        lambda: (
            [f"X{i:06d}", f"指标{i}", "count", "higher_is_better", "sum", "month"]
            for i in range(rows)
        ),
    )


def contracts_file(rows: int) -> bytes:
    # Each person's contracts one after another, two years each (2009…); from the third on a
    # fixed term is the employee's wish (劳动合同法 art. 14).
    return _csv(
        ["工号", "合同期限类型", "起始日", "终止日", "员工提出订立固定期限"],
        lambda: (
            [
                number,
                "fixed_term",
                f"{2009 + 2 * j}-01-01",
                f"{2010 + 2 * j}-12-31",
                "yes" if j >= 2 else "",
            ]
            for _, number, j in _each(rows)
        ),
    )


def courses_file(rows: int) -> bytes:
    return _csv(
        ["课程编码", "课程名称", "课程类别", "授课形式", "课时", "人均费用"],
        lambda: (
            [f"C{i:06d}", f"课程{i}", "general", "online", str(1 + i % 12), str(100 * (i % 9))]
            for i in range(rows)
        ),
    )


def sessions_file(rows: int) -> bytes:
    from datetime import timedelta

    first = datetime(2025, 1, 1, 9, 0)

    def make() -> Any:
        for i in range(rows):
            starts = first + timedelta(hours=i // len(SESSION_COURSES))
            yield [
                SESSION_COURSES[i % len(SESSION_COURSES)],
                starts.strftime("%Y-%m-%d %H:%M"),
                (starts + timedelta(minutes=50)).strftime("%Y-%m-%d %H:%M"),
                "上海培训中心",
                "李老师",
                "20",
            ]

    return _csv(["课程编码", "开始", "结束", "地点", "讲师", "容量"], make)


def history_file(rows: int) -> bytes:
    # Each person completed the online courses one after another, a month apart.
    return _csv(
        ["工号", "课程编码", "报名日期", "完成日期", "分数", "实际成本"],
        lambda: (
            [
                number,
                HISTORY_COURSES[j % len(HISTORY_COURSES)],
                f"{2024 - j // 12}-{12 - j % 12:02d}-01",
                f"{2024 - j // 12}-{12 - j % 12:02d}-20",
                str(60 + i % 40),
                "800",
            ]
            for i, number, j in _each(rows)
        ),
    )


def balances_file(rows: int) -> bytes:
    return _csv(
        ["工号", "假别", "年度", "享有天数", "结转天数", "已休天数"],
        lambda: (
            [number, "annual", str(2026 - j), "10", str(j % 3), str(i % 8)]
            for i, number, j in _each(rows)
        ),
    )


def punches_file(rows: int) -> bytes:
    return _csv(
        ["工号", "打卡时间", "设备号"],
        lambda: (
            [number, f"2025-11-{j + 1:02d} 08:{i % 60:02d}:00", f"SH-GATE-{i % 4}"]
            for i, number, j in _each(rows)
        ),
    )


def leave_file(rows: int) -> bytes:
    # Personal leave, two days early in each month of 2025.
    return _csv(
        ["工号", "假别", "开始时间", "结束时间", "时长(天)", "请假事由"],
        lambda: (
            [number, "personal", f"2025-{j + 1:02d}-02", f"2025-{j + 1:02d}-03", "2", "家事"]
            for _, number, j in _each(rows)
        ),
    )


def openings_file(rows: int) -> bytes:
    # A person's figures for each tax year from 2026 back (openings.FIRST_YEAR is 2019).
    return _csv(
        [
            "工号",
            "纳税年度",
            "原系统最后发薪月份",
            "任职受雇月份数",
            "累计收入",
            "累计专项扣除",
            "累计专项附加扣除",
            "累计其他扣除",
            "累计已预扣税额",
        ],
        lambda: (
            [number, str(2026 - j), "6", "6", "180000", "27000", "12000", "0", "3480"]
            for _, number, j in _each(rows)
        ),
    )


def ratings_file(rows: int) -> bytes:
    # Each person's self-assessment history: one competency a year, from 2025 back.
    return _csv(
        ["employee_number", "competency_code", "level", "rated_on", "source"],
        lambda: (
            [number, f"CP{j % 8}", str(1 + i % 5), f"{2025 - j}-06-30", "self"]
            for i, number, j in _each(rows)
        ),
    )


REFERENCE = ["org_units", "positions", "kpis", "courses"]
FILES: dict[str, Callable[[int], bytes]] = {
    "employees": employees_file,
    "kpi_records": records_file,
    "targets": targets_file,
    "org_units": org_units_file,
    "positions": positions_file,
    "kpis": kpis_file,
    "contracts": contracts_file,
    "courses": courses_file,
    "course_sessions": sessions_file,
    "training_history": history_file,
    "leave_balances": balances_file,
    "attendance_punches": punches_file,
    "leave_requests": leave_file,
    "payroll_openings": openings_file,
    "competency_ratings": ratings_file,
    # The accounts of the employees' file's people: after its import, or written directly.
    "accounts": accounts_file,
}


# --- the company -------------------------------------------------------------------------------------


async def _company() -> int:
    """The units, positions, KPIs and the importer; the importer's user id."""
    from talentloop.accounts.models import Role, User
    from talentloop.org.models import OrgUnit, OrgUnitType
    from talentloop.people.models import Employee, Position
    from talentloop.performance.models import Kpi, KpiAggregation, KpiUnit

    async def unit(code: str, kind: OrgUnitType, parent: OrgUnit | None) -> OrgUnit:
        made = await OrgUnit.create(
            code=code, name=code, type=kind, city="上海", parent=parent, path="",
            depth=parent.depth + 1 if parent else 0,
        )  # fmt: skip
        made.path = f"{parent.path if parent else '/'}{made.id}/"
        await made.save(update_fields=["path"])
        return made

    company = await unit("ACME", OrgUnitType.COMPANY, None)
    hq = await unit("HQ", OrgUnitType.BRANCH, company)
    for b in range(BRANCHES):
        branch = await unit(f"B{b:02d}", OrgUnitType.BRANCH, company)
        for d in range(DEPARTMENTS):
            await unit(f"B{b:02d}-D{d}", OrgUnitType.DEPARTMENT, branch)
    for p in range(5):
        await Position.create(code=f"P{p}", title=f"Position {p}", level="P2", family="sales")
    await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    await Kpi.create(
        code="CR", name="转化率", unit=KpiUnit.PERCENT, aggregation=KpiAggregation.AVERAGE
    )
    await Kpi.create(code="REV", name="收入", unit=KpiUnit.MONEY)
    importer = await Employee.create(
        employee_number="HR0001", name="人事", unit=hq, hire_date=datetime(2020, 1, 1).date()
    )
    user = await User.create(
        username="bench.big", password_hash="!", role=Role.HQ_HR, employee=importer
    )
    from talentloop.training.models import Course, CourseFormat

    for code in SESSION_COURSES:
        await Course.create(
            code=code, title=code, format=CourseFormat.WORKSHOP, duration_hours=Decimal(1)
        )
    for code in HISTORY_COURSES:
        await Course.create(
            code=code, title=code, format=CourseFormat.ONLINE, duration_hours=Decimal(6)
        )
    from talentloop.skills.models import Competency, CompetencyCategory

    category = await CompetencyCategory.create(code="GEN", name="通用")
    for c in range(8):
        await Competency.create(
            code=f"CP{c}", name=f"能力{c}", category=category,
            levels={str(n): f"L{n}" for n in range(1, 6)},
        )  # fmt: skip
    # The people the per-person kinds' files name: 500 in each department.
    departments = await OrgUnit.filter(type=OrgUnitType.DEPARTMENT).order_by("code")
    people, _ = _people_months(0)
    for start in range(0, people, 5_000):
        await Employee.bulk_create(
            [
                Employee(
                    employee_number=f"K{i:05d}",
                    name=f"销售{i}",
                    unit_id=departments[i % len(departments)].id,
                    hire_date=datetime(2020, 1, 1).date(),
                )
                for i in range(start, min(start + 5_000, people))
            ]
        )
    return user.id


async def _accounts_people(rows: int) -> None:
    """The people the accounts' file names when the employees' import has not brought them in
    (`BENCH_KINDS=accounts` alone): as the employees' file has them (number, name, department,
    work e-mail), written directly, as the per-person kinds' people are."""
    from talentloop.org.models import OrgUnit, OrgUnitType
    from talentloop.people.models import Employee

    departments = dict(await OrgUnit.filter(type=OrgUnitType.DEPARTMENT).values_list("code", "id"))
    batch: list[Employee] = []
    for row in employee_rows(rows):
        batch.append(
            Employee(
                employee_number=row[0], name=row[1], unit_id=departments[row[2]],
                hire_date=datetime(2024, 3, 1).date(), work_email=row[9],
            )
        )  # fmt: skip
        if len(batch) == 5_000:
            await Employee.bulk_create(batch)
            batch = []
    if batch:
        await Employee.bulk_create(batch)


# --- the run -------------------------------------------------------------------------------------


async def _step(label: str, run: Callable[[], Any]) -> dict[str, Any]:
    _reset_peaks()
    started = time.perf_counter()
    result = await run()
    seconds = time.perf_counter() - started
    own, checker = _peaks()
    print(f"  {label}: {seconds:.1f} s, peak {own:.0f} MB (checker {checker:.0f} MB)", flush=True)
    return {
        "seconds": round(seconds, 1),
        "peak_mb": round(own, 1),
        "checker_peak_mb": round(checker, 1),
        **result,
    }


async def main() -> int:
    from tortoise import Tortoise

    from bench.company import reset_database
    from talentloop import offload
    from talentloop.access.viewer import load_viewer
    from talentloop.db import tortoise_config
    from talentloop.imports import files, kinds, service
    from talentloop.performance.models import ImportKind
    from talentloop.spreadsheets import TableWriter

    rows = int(os.environ.get("BENCH_BIG_ROWS", str(service.MAX_ROWS)))
    kinds_wanted = os.environ.get("BENCH_KINDS") or os.environ.get("BENCH_BIG_KINDS", "")
    only = [k for k in kinds_wanted.split(",") if k]
    VAR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_ENGINE_URL", f"sqlite://{VAR / 'big-imports.sqlite3'}")
    engine = url.partition(":")[0]
    print(f"big imports: {rows:,} rows per kind on {engine}", flush=True)
    await reset_database(url)
    await Tortoise.init(config=tortoise_config(url))
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "engine": engine,
        "rows": rows,
        "load_before": os.getloadavg(),
        "kinds": {},
    }
    try:
        viewer = await load_viewer(await _company())
        # The employees after the per-person kinds (the slowest: every ID number and bank
        # account sealed), then their accounts (one per person the employees' file brought in),
        # then the kinds whose 200,000 rows every other kind's look-ups would read (units,
        # positions, KPIs, courses): no kind is measured in their shadow.
        last = ["employees", "accounts", *REFERENCE]
        ordered = sorted(
            kinds.kinds(), key=lambda k: last.index(k.value) + 1 if k.value in last else 0
        )
        for kind in ordered:
            if kind.value not in FILES or (only and kind.value not in only):
                continue
            print(kind.value, flush=True)
            employees = results["kinds"].get("employees", {}).get("import", {})
            if kind is ImportKind.ACCOUNTS and employees.get("status") != "done":
                await _accounts_people(rows)
            content = FILES[kind.value](rows)
            found: dict[str, Any] = {"csv_mb": round(len(content) / 2**20, 1)}
            results["kinds"][kind.value] = found

            def importing(
                dry_run: bool,
                name: str = "big.csv",
                data: bytes = content,
                kind: ImportKind = kind,
            ) -> Any:
                async def run() -> dict[str, Any]:
                    job = await service.run_import(
                        viewer, kind=kind, file_name=name, content=data, dry_run=dry_run
                    )
                    if job.errors:
                        print("   ", job.errors[:3], flush=True)
                    return {
                        "status": job.status.value,
                        "created": job.created_rows,
                        "updated": job.updated_rows,
                        "unchanged": job.unchanged_rows,
                    }

                return run

            found["dry_run"] = await _step("dry run", importing(True))
            _write(results)
            found["import"] = await _step("import", importing(False))
            _write(results)

            async def exporting(kind: ImportKind = kind) -> dict[str, Any]:
                writer = await files.export(viewer, kind, "csv")
                assert writer is not None
                size = sum([len(c) async for c in writer.chunks()])
                return {"rows": writer.rows, "mb": round(size / 2**20, 1)}

            found["export"] = await _step("export (CSV)", exporting)
            _write(results)
            if kind is ImportKind.EMPLOYEES:
                # The widest kind as an XLSX: within the zip limits, and how long reading takes.
                # The same rows, written as they are made (not read back from the CSV: a table
                # held here would raise this process's figure).
                writer = TableWriter("xlsx", kind.value, EMPLOYEE_HEADER)
                for row in employee_rows(rows):
                    writer.append(row)
                writer.finish()
                xlsx = b"".join([c async for c in writer.chunks()])
                found["xlsx_mb"] = round(len(xlsx) / 2**20, 1)
                found["xlsx_dry_run"] = await _step(
                    "dry run (XLSX)", importing(True, "big.xlsx", xlsx)
                )

            results["kinds"][kind.value] = found
            _write(results)  # kind by kind: a long run that is stopped keeps what it measured
    finally:
        await Tortoise.close_connections()
        offload.shutdown()
    results["load_after"] = os.getloadavg()
    print(_write(results))
    return 0


def _write(results: dict[str, Any]) -> str:
    """The figures as JSON and folded into the documents; with BENCH_BIG_OUT (another JSON
    file, for a second run of some kinds alongside) as JSON only."""
    out = os.environ.get("BENCH_BIG_OUT")
    (VAR / (out or "big-imports.json")).write_text(json.dumps(results, indent=2))
    section = markdown(results)
    if not out:
        for path in (REPO / "bench" / "NOTES.md", REPO / "docs" / "performance.md"):
            _fold(path, section)
    return section


# What a kind's figures owe to its design, below the table.
KNOWN = {
    "employees": (
        "782 MB in the process and 832 MB in the checker before 2026-12-08 (1,617 MB and 841 MB "
        "before the writer went chunk by chunk of 500, 2026-12-07). What went: each checked "
        "row's values as a dict (464 of its about 1,270 bytes; now a tuple in a fixed order, "
        "import_rows.EMPLOYEE_VALUES, a dict again only for the writer's chunk, its dates and "
        "salaries shared: about 740 bytes a row, some 150 MB at 200,000, held by the job from "
        "the check to the end of the write); the file's rows pickled whole, and the pickles, "
        "cells and items held at once in both processes (now they cross 2,000 rows at a time, "
        "each chunk let go of once packed, checked or unpacked, and the job drops the file's "
        "bytes, packed rows and look-ups once used: every kind gains); and about 120 MB of "
        "this process's own, left by making the CSV in memory (the bench now writes it through "
        "a temporary file). Now (sampled every 5 s): the dry run, the first step of a fresh "
        "process (146 MB before it), 475 MB / 425 MB; the import 508 MB, in a process that "
        "still held 430–475 MB of the dry run. The XLSX dry run is of the people the import "
        "has just written: its 616 MB came while the look-ups of 200,000 people who exist "
        "were read (their ids, units, positions and spellings; 451 MB before, 552 MB after, "
        "before any row was checked), on top of 438 MB held from the steps before; "
        "its checker's 483 MB is the XLSX read. Reading the look-ups in chunks, and the rows "
        "let go of chunk by chunk as the writer goes, are the next steps. What is left in the "
        "checker is the read (the file's cells before they are packed); in the process, the "
        "checked rows (about 150 MB)."
    ),
    "accounts": (
        "one account per person of the employees' file (the username derived from the work "
        "e-mail, a department head granted manager at their department, no password: an "
        "invitation), its people written directly before the run (BENCH_KINDS=accounts). Each "
        "row writes the account, its primary grant and their undo and audit rows."
    ),
    "course_sessions": (
        "its export reads 1,000 sessions at a time (imports/writing.in_order) since 2026-12-07, "
        "as the training history's and the payroll openings' do; held as models at once, "
        "the sessions took 746 MB and the openings 791 MB."
    ),
    "org_units": (
        "the writer reads the whole tree once (a file's moves are judged on the tree they "
        "leave): 200,000 units is far past any company's, the file limit's test."
    ),
}


def markdown(results: dict[str, Any]) -> str:
    load = " / ".join(f"{x:.1f}" for x in results["load_before"])
    lines = [
        START,
        "## Big imports",
        "",
        f"`python -m bench.big_imports` ({results['date']}, {results['engine']}, load average "
        f"{load} before): {results['rows']:,} new rows per kind as a CSV, in process as the job runs "
        "them (checked in the file-checking process, written here in one transaction). Peak "
        "memory is VmHWM reset before each step, of this process and of the file-checking "
        "process apart. The machine's 2 cores were shared with the other engineers' work: the "
        "times are several times a quiet machine's.",
        "",
        "| kind | file | dry run | import | export (CSV) | peak memory (process / checker) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, found in results["kinds"].items():
        steps = [found.get(k) for k in ("dry_run", "import", "export", "xlsx_dry_run")]
        dry, done, out, xlsx = steps
        peak = max((s["peak_mb"] for s in steps if s), default=0.0)
        checker = max((s["checker_peak_mb"] for s in steps if s and s is not out), default=0.0)
        file = f"{found['csv_mb']} MB CSV"
        cells = [kind, file, "not measured", "not measured", "not measured"]
        if dry:
            cells[2] = f"{dry['status']} in {dry['seconds']} s"
        if xlsx:
            cells[1] += f"; {found['xlsx_mb']} MB XLSX"
            cells[2] += f"; XLSX {xlsx['status']} in {xlsx['seconds']} s"
        if done:
            rate = round(results["rows"] / done["seconds"]) if done["seconds"] else 0
            cells[3] = (
                f"{done['status']} in {done['seconds']} s ({done['created']:,} created, "
                f"{rate:,} rows/s)"
            )
        if out:
            cells[4] = f"{out['rows']:,} rows, {out['mb']} MB in {out['seconds']} s"
        lines.append("| " + " | ".join([*cells, f"{peak:.0f} MB / {checker:.0f} MB"]) + " |")
    notes = [f"- {kind}: {KNOWN[kind]}" for kind in results["kinds"] if kind in KNOWN]
    if notes:
        lines += ["", *notes]
    lines.append(END)
    return "\n".join(lines)


def _fold(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8")
    if START in text:
        text = re.sub(
            re.escape(START) + ".*?" + re.escape(END),
            lambda found: _kept(found[0], section),
            text,
            flags=re.S,
        )
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def _row_kind(line: str) -> str | None:
    """The kind a line of the section's table is about (None: not a kind's row)."""
    cells = line.split("|")
    kind = cells[1].strip() if line.startswith("| ") and len(cells) > 2 else ""
    return kind if re.fullmatch(r"[a-z_]+", kind) and kind != "kind" else None  # not the header


def _kept(old: str, new: str) -> str:
    """The new section, with the rows and notes of the kinds it did not measure kept from the
    old one, in the old order (a run of some kinds updates theirs and leaves the others')."""
    new_lines = new.split("\n")
    measured = {k: line for line in new_lines if (k := _row_kind(line))}
    if not measured:
        return new
    old_lines = old.split("\n")
    rows, seen = [], set()
    for line in old_lines:
        kind = _row_kind(line)
        if kind:
            rows.append(measured.get(kind, line))
            seen.add(kind)
    rows += [line for kind, line in measured.items() if kind not in seen]
    notes = [
        line
        for line in old_lines
        if line.startswith("- ")
        and not set(re.split(r"[ ,]+", line[2:].partition(":")[0])) & measured.keys()
    ]
    first = next(i for i, line in enumerate(new_lines) if _row_kind(line))
    last = max(i for i, line in enumerate(new_lines) if _row_kind(line))
    new_notes = [line for line in new_lines[last + 1 :] if line.startswith("- ")]
    out = new_lines[:first] + rows
    if notes or new_notes:
        out += ["", *new_notes, *notes]
    return "\n".join([*out, END])


def fold_saved() -> int:
    """`python -m bench.big_imports fold`: the saved runs (big-imports.json, then any other
    big-*.json a run with BENCH_BIG_OUT left) as one section of the documents."""
    results = json.loads((VAR / "big-imports.json").read_text())
    alongside: list[str] = []
    for extra in sorted(VAR.glob("big-*.json")):
        if extra.name != "big-imports.json":
            kinds = json.loads(extra.read_text())["kinds"]
            results["kinds"].update(kinds)
            alongside += list(kinds)
    section = markdown(results)
    if alongside:
        note = (
            f" ({', '.join(alongside)}: a second run at the same time, on a database of its own, "
            "so both ran slower.)"
        )
        section = section.replace(
            "times are several times a quiet machine's.",
            "times are several times a quiet machine's." + note,
            1,
        )
    for path in (REPO / "bench" / "NOTES.md", REPO / "docs" / "performance.md"):
        _fold(path, section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(fold_saved() if sys.argv[1:] == ["fold"] else asyncio.run(main()))
