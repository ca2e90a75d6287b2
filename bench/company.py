"""The synthetic company the benchmark measures: N employees (10,000 by default) in 50
branches, 24 months of KPI records, targets, a 360° round per employee, skill tests,
courses with sessions and costs, and enrolments.

Deterministic: one seeded generator, fixed dates, explicit ids. The schema comes from the
project's own migrations; the small catalogues go through the ORM, the large tables through
the driver in bulk (one `executemany` per chunk on SQLite, `COPY` on PostgreSQL).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

from talentloop.db import tortoise_config
from talentloop.people import sensitive

SEED = 20260801
BRANCHES = 50
MONTHS = 24
FIRST_MONTH = date(2024, 11, 1)  # 2024-11 … 2026-10
NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)
TEAM_SIZE = 15
BENCH_USERNAME = "bench.hr"
IMPORTER_EMPLOYEE_ID = 2  # the bench user's own employee (it imports the files)
BENCH_PASSWORD = "bench-hr-password-2026"
# Someone else, whose requests are timed while HR's files are read (bench/files.py).
BENCH_STAFF_USERNAME = "bench.staff"
COMPETENCIES = [
    ("PRODUCT_KNOWLEDGE", "产品知识"),
    ("NEEDS_ANALYSIS", "客户需求分析"),
    ("NEGOTIATION", "谈判技巧"),
    ("COMMUNICATION", "沟通表达"),
    ("TEAMWORK", "团队协作"),
    ("SAFETY", "安全生产"),
]
KPIS = [
    # code, name, unit, direction, aggregation
    ("NEW_CUSTOMERS", "新客户数", "count", "higher_is_better", "sum"),
    ("CONVERSION_RATE", "转化率", "percent", "higher_is_better", "average"),
    ("REVENUE", "销售额", "money", "higher_is_better", "sum"),
    # not in the generated history: the 100,000-row import writes it
    ("CSAT", "客户满意度", "percent", "higher_is_better", "average"),
]
POSITIONS = [
    ("CEO", "总经理", "M5", "management", 60000),
    ("BR-GM", "分公司总经理", "M4", "management", 38000),
    ("DEPT-MGR", "部门经理", "M2", "management", 21000),
    ("SAL-LEAD", "销售主管", "M1", "sales", 14000),
    ("SAL-SR", "高级销售代表", "P3", "sales", 10500),
    ("SAL-REP", "销售代表", "P2", "sales", 7200),
    ("PRD-OP", "设备操作员", "P1", "production", 6000),
    ("QA", "质检员", "P2", "production", 6800),
    ("HR-SPEC", "人事专员", "P2", "hr", 7800),
    ("FIN-SPEC", "财务专员", "P2", "finance", 8500),
]
CITIES = ["上海", "北京", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "西安"]
REGIONS = {"上海": "华东", "杭州": "华东", "南京": "华东", "苏州": "华东", "北京": "华北"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志文辉玉海燕俊晓东丹欣怡子涵浩然宇轩梓萱一鸣雨思远嘉博佳琪"
PROGRAMME = "PK-101"  # the course the report asks about: most people completed it in 2025-11/12


def month(index: int) -> date:
    """The index-th month of the history (0 = 2024-11)."""
    m = FIRST_MONTH.month - 1 + index
    return date(FIRST_MONTH.year + m // 12, m % 12 + 1, 1)


MONTH_LIST = [month(i) for i in range(MONTHS)]
PROGRAMME_FROM = 12  # completions in months 12 and 13 (2025-11, 2025-12)
REPORT = {
    "pre_from": month(6),  # 2025-05
    "pre_to": month(11),  # 2025-10
    "post_from": month(14),  # 2026-01
    "post_to": month(19),  # 2026-06
}


@dataclass
class Company:
    """What the benchmark needs to know about the generated data (ids are deterministic)."""

    employees: int = 0
    units: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    kpi_ids: dict[str, int] = field(default_factory=dict)
    programme_course_id: int = 0
    sales_department_ids: list[int] = field(default_factory=list)
    payroll_branch_id: int = 0  # B01, a 上海 branch: the payroll run's unit
    # employees with records, ratings and enrolments, spread over the branches
    sample_employee_ids: list[int] = field(default_factory=list)
    employee_numbers: list[str] = field(default_factory=list)  # sorted, for list cursors
    # the bench user's own number: no import may hold rows about its importer (self-dealing)
    importer_number: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "employees": self.employees,
            "units": self.units,
            "rows": self.rows,
            "seconds": round(self.seconds, 1),
        }


# --- bulk loading ------------------------------------------------------------------------


class Bulk:
    """Inserts many rows into one table through the driver under Tortoise's connection."""

    def __init__(self) -> None:
        self.client = connections.get("default")
        self.postgres = self.client.capabilities.dialect == "postgres"
        self.counts: dict[str, int] = {}

    async def insert(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= 50_000:
                await self._write(table, columns, chunk)
                chunk = []
        if chunk:
            await self._write(table, columns, chunk)

    async def _write(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        if self.postgres:
            async with self.client.acquire_connection() as conn:
                await conn.copy_records_to_table(table, records=rows, columns=list(columns))
            return
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'
        conn = self.client._connection  # type: ignore[attr-defined]
        await conn.execute("BEGIN")
        await conn.executemany(sql, [tuple(_sqlite(v) for v in row) for row in rows])
        await conn.commit()

    async def fix_sequences(self, tables: Iterable[str]) -> None:
        """Explicit ids leave PostgreSQL's sequences behind; SQLite catches up by itself."""
        if not self.postgres:
            return
        for table in tables:
            await self.client.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def _sqlite(value: Any) -> Any:
    """The text Tortoise itself stores on SQLite for these types."""
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- the company -------------------------------------------------------------------------


@dataclass
class _Person:
    id: int
    number: str
    unit_id: int
    position: str
    manager_id: int | None
    hire: date
    status: str = "active"


def _remove_sqlite(path: str) -> None:
    from pathlib import Path

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(path + suffix).unlink(missing_ok=True)


async def reset_database(url: str) -> None:
    """Start from nothing, then build the schema with the project's migrations."""
    if url.startswith("sqlite://"):
        _remove_sqlite(url.removeprefix("sqlite://"))
    else:
        await Tortoise.init(config=tortoise_config(url))
        await connections.get("default").execute_script(
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
        )
        await Tortoise.close_connections()
    await migrate(config=tortoise_config(url))
    await Tortoise.close_connections()


async def generate(url: str, employees: int, progress: Callable[[str], None] = print) -> Company:
    """Build the company in an empty, migrated database. Tortoise must not be initialised."""
    started = time.perf_counter()
    await reset_database(url)
    await Tortoise.init(config=tortoise_config(url))
    try:
        company = await _generate(employees, progress)
    finally:
        await Tortoise.close_connections()
    company.seconds = time.perf_counter() - started
    return company


async def _generate(n_employees: int, progress: Callable[[str], None]) -> Company:
    from talentloop.accounts.models import Role, User
    from talentloop.accounts.passwords import hash_password
    from talentloop.analytics.models import EventKind, ExternalEvent, KpiValuation
    from talentloop.people.models import Position
    from talentloop.performance.models import (
        ConditionKind,
        Kpi,
        KpiAggregation,
        KpiDirection,
        KpiUnit,
        PaySuspension,
        TriggerRule,
    )
    from talentloop.skills.models import (
        Competency,
        CompetencyCategory,
        RequiredLevel,
        SkillTest,
    )
    from talentloop.training.models import (
        CostItem,
        CostKind,
        Course,
        CourseCompetency,
        CourseFormat,
        CourseSession,
    )

    rng = random.Random(SEED)
    bulk = Bulk()
    company = Company()

    # --- catalogues through the ORM -------------------------------------------------------
    positions = {}
    for code, title, level, family, _salary in POSITIONS:
        positions[code] = await Position.create(code=code, title=title, level=level, family=family)
    kpis = {}
    for code, name, unit, direction, aggregation in KPIS:
        kpis[code] = await Kpi.create(
            code=code,
            name=name,
            unit=KpiUnit(unit),
            direction=KpiDirection(direction),
            aggregation=KpiAggregation(aggregation),
        )
    company.kpi_ids = {code: k.id for code, k in kpis.items()}
    category = await CompetencyCategory.create(code="CORE", name="核心能力")
    competencies = [
        await Competency.create(code=code, name=name, category=category)
        for code, name in COMPETENCIES
    ]
    tests = [
        await SkillTest.create(
            title=f"{c.name}测评",
            competency=c,
            question_ids=[],
            level_thresholds={"1": 0, "2": 40, "3": 60, "4": 75, "5": 90},
        )
        for c in competencies
    ]
    await RequiredLevel.bulk_create(
        [
            RequiredLevel(competency=c, position=p, level=2 + (i + j) % 3)
            for i, c in enumerate(competencies)
            for j, p in enumerate(positions.values())
        ]
    )
    formats = [CourseFormat.ONLINE, CourseFormat.WORKSHOP, CourseFormat.BLENDED]
    courses = []
    for i in range(40):
        code = PROGRAMME if i == 0 else f"C-{i:03d}"
        course = await Course.create(
            code=code,
            title="产品知识系列课程" if i == 0 else f"课程 {i:03d}",
            format=CourseFormat.ONLINE if i == 0 else formats[i % 3],
            duration_hours=Decimal(4 + i % 12),
            provider="内部",
            exam=tests[i % len(tests)] if i % 4 == 0 else None,
        )
        await CourseCompetency.create(
            course=course, competency=competencies[i % len(competencies)], target_level=4
        )
        await CostItem.create(
            course=course,
            kind=CostKind.FEE,
            amount=Decimal(300 + 20 * i),
            per_participant=True,
            description="课程费",
        )
        courses.append(course)
    company.programme_course_id = courses[0].id
    sessions: dict[int, list[int]] = {}  # course id → session ids, one a month
    for course in courses:
        if course.format is CourseFormat.ONLINE:
            continue
        for m in range(MONTHS):
            start = datetime.combine(month(m) + timedelta(days=9), datetime.min.time(), UTC)
            session = await CourseSession.create(
                course=course,
                starts_at=start.replace(hour=9),
                ends_at=start.replace(hour=17),
                place="培训中心",
                trainer="讲师",
                capacity=10_000,
            )
            sessions.setdefault(course.id, []).append(session.id)
        await CostItem.create(
            course=course, kind=CostKind.TRAINER, amount=Decimal(5000), description="讲师费"
        )
    progress(f"  catalogues: {len(positions)} positions, {len(courses)} courses")

    # --- the organisation --------------------------------------------------------------------
    base, extra = divmod(max(0, n_employees - 2), BRANCHES)
    units: list[tuple[Any, ...]] = []  # id, code, name, type, city, region, parent, path, depth
    people: list[_Person] = []
    unit_manager: dict[int, int] = {}
    next_unit = [0]

    def add_unit(code: str, name: str, type_: str, city: str, parent: tuple | None) -> tuple:
        next_unit[0] += 1
        uid = next_unit[0]
        path = f"{parent[7] if parent else '/'}{uid}/"
        row = (
            uid,
            code,
            name,
            type_,
            city,
            REGIONS.get(city, "华南"),
            parent[0] if parent else None,
            path,
            parent[8] + 1 if parent else 0,
        )
        units.append(row)
        return row

    def add_person(unit: tuple, position: str, manager: int | None) -> int:
        pid = len(people) + 1
        hire = date(2014, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
        status = "probation" if hire > date(2026, 5, 1) else "active"
        if rng.random() < 0.02:
            status = "terminated"
        elif rng.random() < 0.02:
            status = "on_leave"
        people.append(_Person(pid, f"E{pid:06d}", unit[0], position, manager, hire, status))
        return pid

    root = add_unit("BENCH", "基准测试集团", "company", "杭州", None)
    ceo = add_person(root, "CEO", None)
    unit_manager[root[0]] = ceo
    add_person(root, "HR-SPEC", ceo)  # the bench HQ HR user's own record
    for b in range(1, BRANCHES + 1):
        city = CITIES[(b - 1) % len(CITIES)]
        branch = add_unit(f"B{b:02d}", f"{city}第{b}分公司", "branch", city, root)
        gm = add_person(branch, "BR-GM", ceo)
        unit_manager[branch[0]] = gm
        size = max(11, base + (1 if b <= extra else 0)) - 1
        counts = {
            "HR": max(2, size * 4 // 100),
            "FIN": max(2, size * 3 // 100),
            "PROD": max(3, size * 38 // 100),
        }
        counts["SALES"] = max(3, size - sum(counts.values()))
        for dept, label in (
            ("SALES", "销售部"),
            ("PROD", "生产部"),
            ("HR", "人力资源部"),
            ("FIN", "财务部"),
        ):
            unit = add_unit(f"B{b:02d}-{dept}", f"{city}{label}", "department", city, branch)
            head = add_person(unit, "DEPT-MGR", gm)
            unit_manager[unit[0]] = head
            if dept == "SALES":
                company.sales_department_ids.append(unit[0])
                members = counts[dept] - 1
                teams = max(1, -(-members // TEAM_SIZE))
                for t in range(1, teams + 1):
                    in_team = members // teams + (1 if t <= members % teams else 0)
                    if in_team <= 0:
                        continue
                    team = add_unit(f"B{b:02d}-SALES-T{t:02d}", f"销售{t}组", "team", city, unit)
                    lead = add_person(team, "SAL-LEAD", head)
                    unit_manager[team[0]] = lead
                    for _ in range(in_team - 1):
                        add_person(team, "SAL-SR" if rng.random() < 0.3 else "SAL-REP", lead)
            else:
                kind = {"PROD": "PRD-OP", "HR": "HR-SPEC", "FIN": "FIN-SPEC"}[dept]
                for _ in range(counts[dept] - 1):
                    position = "QA" if dept == "PROD" and rng.random() < 0.15 else kind
                    add_person(unit, position, head)
    company.employees = len(people)
    company.units = len(units)
    created = NOW - timedelta(days=400)
    await bulk.insert(
        "org_unit",
        [
            "id",
            "code",
            "name",
            "type",
            "city",
            "region",
            "parent_id",
            "path",
            "depth",
            "created_at",
            "updated_at",
        ],
        ((*u, created, created) for u in units),
    )
    salary = {p[0]: p[4] for p in POSITIONS}

    def _sealed(number: str, id_number: str, account: str) -> tuple[Any, ...]:
        """ID number and bank account sealed as the API stores them (people/sensitive.py), with
        the checkout's keys, which the server under test reads too."""
        columns = sensitive.sealed_columns(
            number, {"id_number": id_number, "bank_account": account}
        )
        return (
            columns["id_number_cipher"],
            columns["id_number_hash"],
            columns["bank_account_cipher"],
            columns["bank_account_hash"],
        )

    position_ids = {code: p.id for code, p in positions.items()}

    def employee_rows() -> Iterator[tuple[Any, ...]]:
        for p in people:
            r = random.Random(p.id)
            gender = "male" if p.id % 2 else "female"
            birth = date(1970, 1, 1) + timedelta(days=r.randrange(0, 365 * 33))
            name = (
                r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")
            )
            yield (
                p.id,
                p.number,
                name,
                p.status,
                f"0571-{5000_0000 + p.id}",
                f"{p.number.lower()}@bench.example.cn",
                p.hire,
                date(2026, 9, 30) if p.status == "terminated" else None,
                "个人原因" if p.status == "terminated" else None,
                gender,
                birth,
                f"139{p.id:08d}",
                *_sealed(p.number, f"330106{birth:%Y%m%d}{p.id % 1000:03d}X", f"6222{p.id:015d}"),
                Decimal(salary[p.position] + r.randrange(-10, 11) * 100).quantize(Decimal("0.01")),
                created,
                created,
                p.manager_id,
                position_ids[p.position],
                p.unit_id,
            )

    await bulk.insert(
        "employee",
        [
            "id",
            "employee_number",
            "name",
            "status",
            "work_phone",
            "work_email",
            "hire_date",
            "termination_date",
            "termination_reason",
            "gender",
            "birth_date",
            "personal_phone",
            "id_number_cipher",
            "id_number_hash",
            "bank_account_cipher",
            "bank_account_hash",
            "base_salary",
            "created_at",
            "updated_at",
            "manager_id",
            "position_id",
            "unit_id",
        ],
        employee_rows(),
    )
    client = bulk.client
    mark = "$1" if bulk.postgres else "?"
    mark2 = "$2" if bulk.postgres else "?"
    await client.execute_many(
        f"UPDATE org_unit SET manager_id = {mark} WHERE id = {mark2}",
        [[emp, unit] for unit, emp in unit_manager.items()],
    )
    progress(f"  organisation: {company.units} units, {company.employees} employees")

    # --- KPI history and targets -----------------------------------------------------------------
    trained_month: dict[int, int] = {}  # employee → month index the programme was completed
    for p in people:
        if p.status != "terminated" and rng.random() < 0.45:
            trained_month[p.id] = PROGRAMME_FROM + rng.randrange(0, 2)
    sales = {"SAL-REP", "SAL-SR", "SAL-LEAD"}
    k_new, k_conv, k_rev = (kpis[c].id for c in ("NEW_CUSTOMERS", "CONVERSION_RATE", "REVENUE"))

    def record_rows() -> Iterator[tuple[Any, ...]]:
        rid = 0
        for p in people:
            r = random.Random(p.id * 7919)
            base_new = 8.0 if p.position in sales else 2.0
            skill = r.gauss(0, 1.5)
            base_conv = 15.0 + r.gauss(0, 2)
            done = trained_month.get(p.id)
            for m, period in enumerate(MONTH_LIST):
                lift = done is not None and m > done
                new = max(0, round(base_new + skill + (2.5 if lift else 0) + r.gauss(0, 2)))
                conv = min(100.0, max(0.0, base_conv + (5.0 if lift else 0) + r.gauss(0, 2)))
                revenue = new * (9000 + r.randrange(0, 6000))
                for kpi_id, value in (
                    (k_new, Decimal(new)),
                    (k_conv, Decimal(f"{conv:.2f}")),
                    (k_rev, Decimal(revenue)),
                ):
                    rid += 1
                    yield (rid, p.id, kpi_id, period, "", value, "import", created)

    await bulk.insert(
        "performance_record",
        ["id", "employee_id", "kpi_id", "period", "dimension", "value", "source", "updated_at"],
        record_rows(),
    )
    branch_rows = [u for u in units if u[3] == "branch"]

    def target_rows() -> Iterator[tuple[Any, ...]]:
        tid = 0
        for period in MONTH_LIST:
            for kpi_id, value in ((k_new, 9), (k_conv, 18), (k_rev, 90000)):
                tid += 1
                yield (tid, kpi_id, period, None, root[0], Decimal(value), created)
                for branch in branch_rows:
                    tid += 1
                    factor = 0.9 + (branch[0] % 5) * 0.05
                    yield (
                        tid,
                        kpi_id,
                        period,
                        None,
                        branch[0],
                        Decimal(round(value * factor)),
                        created,
                    )
        for p in people[::50]:  # a few employees with targets of their own
            for period in MONTH_LIST:
                tid += 1
                yield (tid, k_new, period, p.id, None, Decimal(10), created)

    await bulk.insert(
        "kpi_target",
        ["id", "kpi_id", "period", "employee_id", "unit_id", "value", "updated_at"],
        target_rows(),
    )
    await bulk.insert(
        "target_adjustment",
        ["id", "kpi_id", "period", "employee_id", "percent", "reason", "source", "created_at"],
        (
            (
                i + 1,
                k_new,
                month(trained_month[pid] + 1),
                pid,
                Decimal("-5.00"),
                "完成产品知识课程",
                f"training.course:{courses[0].id}",
                created,
            )
            for i, pid in enumerate(sorted(trained_month)[::10])
        ),
    )
    progress(f"  KPI history: {bulk.counts['performance_record']} records")

    # --- 360° rounds, tests, calibrations ------------------------------------------------------------
    by_unit: dict[int, list[int]] = {}
    for p in people:
        by_unit.setdefault(p.unit_id, []).append(p.id)
    competency_ids = [c.id for c in competencies]
    rounds: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []
    ratings: list[tuple[Any, ...]] = []
    round_day = date(2025, 9, 15)
    for p in people:
        r = random.Random(p.id * 31)
        rounds.append(
            (
                p.id,
                p.id,
                "年度 360° 评估",
                round_day,
                "closed",
                3,
                json.dumps(competency_ids),
                datetime.combine(round_day - timedelta(days=14), datetime.min.time(), UTC),
                datetime.combine(round_day, datetime.min.time(), UTC),
            )
        )
        colleagues = [c for c in by_unit[p.unit_id] if c not in (p.id, p.manager_id)]
        raters = [(p.id, "self")]
        if p.manager_id is not None:
            raters.append((p.manager_id, "manager"))
        raters += [(c, "peer") for c in r.sample(colleagues, min(3, len(colleagues)))]
        ability = r.gauss(3, 0.6)
        for rater, relation in raters:
            aid = len(assignments) + 1
            assignments.append(
                (
                    aid,
                    p.id,
                    rater,
                    relation,
                    datetime.combine(round_day - timedelta(days=3), datetime.min.time(), UTC),
                )
            )
            for cid in competency_ids:
                level = min(5, max(1, round(ability + r.gauss(0, 0.8))))
                ratings.append((len(ratings) + 1, aid, cid, level, ""))
    await bulk.insert(
        "assessment_round",
        [
            "id",
            "employee_id",
            "title",
            "deadline",
            "status",
            "min_raters",
            "competency_ids",
            "created_at",
            "closed_at",
        ],
        rounds,
    )
    await bulk.insert(
        "rater_assignment", ["id", "round_id", "rater_id", "relation", "submitted_at"], assignments
    )
    await bulk.insert(
        "rating", ["id", "assignment_id", "competency_id", "level", "comment"], ratings
    )
    del rounds, assignments, ratings
    attempts: list[tuple[Any, ...]] = []
    for p in people:
        if p.id % 3 == 0:
            test = tests[p.id % len(tests)]
            score = 40 + p.id % 60
            attempts.append(
                (
                    len(attempts) + 1,
                    test.id,
                    p.id,
                    "{}",
                    score,
                    100,
                    1 + score // 25,
                    datetime(2025, 10, 1 + p.id % 28, 10, tzinfo=UTC),
                )
            )
    await bulk.insert(
        "test_attempt",
        ["id", "test_id", "employee_id", "answers", "score", "max_score", "level", "submitted_at"],
        attempts,
    )
    progress(f"  assessments: {bulk.counts['rating']} ratings, {len(attempts)} test attempts")

    # --- enrolments ------------------------------------------------------------------------------------
    enrolments: list[tuple[Any, ...]] = []
    statuses = (
        ["completed"] * 12 + ["in_progress"] * 3 + ["enrolled"] * 3 + ["cancelled", "waitlisted"]
    )
    for p in people:
        r = random.Random(p.id * 131)
        chosen: list[tuple[Any, int, str]] = []
        if p.id in trained_month:
            chosen.append((courses[0], trained_month[p.id], "completed"))
        for course in r.sample(courses[1:], r.randrange(0, 6)):
            chosen.append((course, r.randrange(0, MONTHS), r.choice(statuses)))
        for course, m, status in chosen:
            start = datetime.combine(month(m), datetime.min.time(), UTC) + timedelta(days=2)
            session_list = sessions.get(course.id)
            session = session_list[m] if session_list else None
            done = start + timedelta(days=20) if status == "completed" else None
            enrolments.append(
                (
                    len(enrolments) + 1,
                    course.id,
                    session,
                    p.id,
                    status,
                    "hr",
                    start,
                    100 if status == "completed" else (40 if status == "in_progress" else 0),
                    True if session and status == "completed" else None,
                    "",
                    done,
                    start + timedelta(days=5) if status == "cancelled" else None,
                    4 if status == "completed" else None,
                    "",
                )
            )
    await bulk.insert(
        "enrollment",
        [
            "id",
            "course_id",
            "session_id",
            "employee_id",
            "status",
            "source",
            "enrolled_at",
            "progress_percent",
            "attended",
            "mentoring_plan",
            "completed_at",
            "cancelled_at",
            "feedback_rating",
            "feedback_comment",
        ],
        enrolments,
    )
    progress(f"  training: {len(enrolments)} enrolments")
    await bulk.fix_sequences(
        [
            "org_unit",
            "employee",
            "performance_record",
            "kpi_target",
            "target_adjustment",
            "assessment_round",
            "rater_assignment",
            "rating",
            "test_attempt",
            "enrollment",
        ]
    )

    # --- the reader, pay, rules and events --------------------------------------------------------------
    bench_user = await User.create(
        username=BENCH_USERNAME,
        password_hash=hash_password(BENCH_PASSWORD),
        role=Role.HQ_HR,
        employee_id=IMPORTER_EMPLOYEE_ID,
    )
    await User.create(
        username=BENCH_STAFF_USERNAME,
        password_hash=hash_password(BENCH_PASSWORD),
        role=Role.EMPLOYEE,
        employee_id=3,
    )
    await PaySuspension.create(
        unit_id=company.sales_department_ids[0],
        reason="新客户数连续未达标",
        suspended_from=month(16),
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=kpis["NEW_CUSTOMERS"],
        condition_threshold=Decimal(800),
    )
    await TriggerRule.create(
        name="新客户数连续 3 个月低于目标的 50%",
        kpi=kpis["NEW_CUSTOMERS"],
        threshold_percent=Decimal(50),
        periods=3,
    )
    await KpiValuation.create(kpi=kpis["NEW_CUSTOMERS"], value_per_unit=Decimal(1200), note="毛利")
    await KpiValuation.create(
        kpi=kpis["CONVERSION_RATE"], value_per_unit=Decimal(3000), note="估算"
    )
    await ExternalEvent.create(
        unit_id=branch_rows[2][0],
        kind=EventKind.SUPPLIER_DELAY,
        title="供应商延迟交货",
        period_from=month(15),
        period_to=month(16),
    )
    company.payroll_branch_id = branch_rows[0][0]
    await _payroll_setup(bench_user.id)
    await client.execute_script("ANALYZE")  # fresh statistics, as a live database would have

    # --- what the benchmark asks for -----------------------------------------------------------------------
    sampler = random.Random(SEED + 1)
    candidates = [p.id for p in people if p.status != "terminated" and p.position in sales]
    company.sample_employee_ids = sorted(sampler.sample(candidates, min(50, len(candidates))))
    company.employee_numbers = [p.number for p in people]
    company.importer_number = next(p.number for p in people if p.id == IMPORTER_EMPLOYEE_ID)
    company.rows = dict(bulk.counts)
    return company


async def _payroll_setup(hq_hr_user_id: int) -> None:
    """What a payroll run needs, as the demo has it: 上海's social insurance table and a salary
    structure per position from January 2026, set through the payroll service as HQ HR."""
    from talentloop.access.viewer import load_viewer
    from talentloop.demo.payroll import set_position_structures
    from talentloop.policy.seed import seed_city_tables

    await seed_city_tables({"上海"})
    await set_position_structures(await load_viewer(hq_hr_user_id))


async def describe(url: str) -> Company:
    """The same facts, read back from a database generated earlier (BENCH_REUSE=1)."""
    await Tortoise.init(config=tortoise_config(url))
    try:
        client = connections.get("default")
        company = Company()

        async def scalar(sql: str) -> int:
            rows = await client.execute_query_dict(sql)
            return int(next(iter(rows[0].values())))

        company.employees = await scalar("SELECT COUNT(*) FROM employee")
        company.units = await scalar("SELECT COUNT(*) FROM org_unit")
        for table in ("performance_record", "kpi_target", "rating", "enrollment", "test_attempt"):
            company.rows[table] = await scalar(f"SELECT COUNT(*) FROM {table}")
        company.kpi_ids = {
            r["code"]: r["id"] for r in await client.execute_query_dict("SELECT id, code FROM kpi")
        }
        company.programme_course_id = await scalar(
            f"SELECT id FROM course WHERE code = '{PROGRAMME}'"
        )
        company.payroll_branch_id = await scalar("SELECT id FROM org_unit WHERE code = 'B01'")
        company.sales_department_ids = [
            r["id"]
            for r in await client.execute_query_dict(
                "SELECT id FROM org_unit WHERE code LIKE '%-SALES' ORDER BY id"
            )
        ]
        people = await client.execute_query_dict(
            "SELECT e.id, e.employee_number, e.status, p.family FROM employee e "
            "JOIN position p ON p.id = e.position_id ORDER BY e.id"
        )
        candidates = [
            r["id"] for r in people if r["status"] != "terminated" and r["family"] == "sales"
        ]
        sampler = random.Random(SEED + 1)
        company.sample_employee_ids = sorted(sampler.sample(candidates, min(50, len(candidates))))
        company.employee_numbers = [r["employee_number"] for r in people]
        company.importer_number = next(
            r["employee_number"] for r in people if r["id"] == IMPORTER_EMPLOYEE_ID
        )
        return company
    finally:
        await Tortoise.close_connections()


def importable_numbers(company: Company) -> list[str]:
    """The people an import file may hold: everyone but the importer (the bench user)."""
    return [n for n in company.employee_numbers if n != company.importer_number]


def import_csv(company: Company, rows: int = 100_000) -> bytes:
    """A KPI history file of `rows` rows (CSAT, month after month, employee after employee)
    for the import job: new rows, so it measures checking and writing, not the no-op path."""
    lines = ["employee_number,kpi_code,period,value"]
    numbers = importable_numbers(company)
    r = random.Random(SEED + 2)
    m = 0
    while len(lines) <= rows:
        period = month(m)
        for number in numbers:
            if len(lines) > rows:
                break
            lines.append(
                f"{number},CSAT,{period:%Y-%m},{r.randrange(60, 100)}.{r.randrange(0, 10)}"
            )
        m += 1
    return ("\n".join(lines) + "\n").encode()
