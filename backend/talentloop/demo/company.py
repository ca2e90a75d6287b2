"""Company A: HQ in Hangzhou and branches in Shanghai, Beijing and Shenzhen, about 300 people.

Everything comes from one seeded random generator, so every run builds the
same company; the demo accounts (password `demo-2026`) are listed in the README.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from talentloop.accounts.models import Role, User
from talentloop.accounts.passwords import hash_password
from talentloop.demo.analytics import load_analytics_story
from talentloop.demo.attendance import load_attendance_story
from talentloop.demo.payroll import load_payroll_story
from talentloop.demo.performance import load_performance_story
from talentloop.demo.records import load_records_story
from talentloop.demo.recruitment import load_recruitment_story
from talentloop.demo.skills import load_skills_story
from talentloop.demo.training import load_training_story
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.people import sensitive
from talentloop.people.models import Employee, EmployeeStatus, Gender, Position
from talentloop.people.validation import id_number_check_char

DEMO_PASSWORD = "demo-2026"
SEED = 20260101
TODAY = date(2026, 11, 1)  # the demo's "now": fixed so that the data never drifts

POSITIONS = [
    # code, title, level, family, monthly base range (CNY)
    ("CEO", "总经理", "M5", "management", (60000, 60000)),
    ("BR-GM", "分公司总经理", "M4", "management", (35000, 42000)),
    ("DEPT-MGR", "部门经理", "M2", "management", (18000, 24000)),
    ("SAL-LEAD", "销售主管", "M1", "sales", (13000, 16000)),
    ("SAL-SR", "高级销售代表", "P3", "sales", (9000, 12000)),
    ("SAL-REP", "销售代表", "P2", "sales", (6000, 8500)),
    ("PRD-LEAD", "生产组长", "M1", "production", (9000, 11000)),
    ("PRD-OP", "设备操作员", "P1", "production", (5200, 6800)),
    ("QA", "质检员", "P2", "production", (6000, 7500)),
    ("HR-MGR", "人力资源经理", "M2", "hr", (16000, 20000)),
    ("HR-SPEC", "人事专员", "P2", "hr", (6500, 9000)),
    ("FIN-SPEC", "财务专员", "P2", "finance", (7000, 10000)),
    ("MKT-SPEC", "市场专员", "P2", "marketing", (7000, 10000)),
]


@dataclass(frozen=True)
class BranchSpec:
    code: str
    name: str
    city: str
    region: str
    id_region: str  # first six digits of ID numbers issued there (GB/T 2260)
    sales_teams: int
    sales_per_team: int
    production: int


BRANCHES = [
    BranchSpec("SH", "上海分公司", "上海", "华东", "310101", 2, 20, 40),
    BranchSpec("BJ", "北京分公司", "北京", "华北", "110101", 2, 19, 38),
    BranchSpec("SZ", "深圳分公司", "深圳", "华南", "440301", 2, 20, 42),
]

AREA_CODES = {"杭州": "0571", "上海": "021", "北京": "010", "深圳": "0755"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文辉玉兰海燕俊杰晓东晓明丹丹欣怡子涵浩然宇轩梓萱一鸣雨欣思远嘉怡博文佳琪"


class _People:
    """Makes employees one after another, with numbers, names and valid ID numbers."""

    def __init__(self, rng: random.Random, positions: dict[str, Position]) -> None:
        self.rng = rng
        self.positions = positions
        self.rows: list[Employee] = []
        self.manager_of: dict[str, str] = {}  # employee number → manager's number
        self.used_names: set[str] = set()

    def _name(self) -> str:
        for _ in range(50):
            given = self.rng.choice(GIVEN)
            if self.rng.random() < 0.6:
                given += self.rng.choice(GIVEN)
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name

    def add(
        self, unit: OrgUnit, position_code: str, id_region: str, manager: str | None = None
    ) -> str:
        rng = self.rng
        number = f"A{len(self.rows) + 1:05d}"
        position = self.positions[position_code]
        low, high = next(p[4] for p in POSITIONS if p[0] == position_code)
        salary = Decimal(rng.randrange(low, high + 1, 100))
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 365 * 33))
        hire = max(
            birth + timedelta(days=365 * 22), TODAY - timedelta(days=rng.randrange(90, 365 * 12))
        )
        # GB 11643-1999: region, birth date, sequence (odd for men), check character.
        seq = rng.randrange(0, 500) * 2 + (1 if gender is Gender.MALE else 0)
        first17 = f"{id_region}{birth:%Y%m%d}{seq:03d}"
        status = EmployeeStatus.PROBATION if (TODAY - hire).days < 180 else EmployeeStatus.ACTIVE
        self.rows.append(
            Employee(
                employee_number=number,
                name=self._name(),
                status=status,
                unit=unit,
                position=position,
                work_phone=f"{AREA_CODES.get(unit.city or '', '0571')}-{rng.randrange(5000_0000, 8999_9999)}",
                work_email=f"{number.lower()}@a-manufacturing.cn",
                hire_date=hire,
                gender=gender,
                birth_date=birth,
                personal_phone=f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}",
                base_salary=salary,
                **sensitive.sealed_columns(
                    number,
                    {
                        "id_number": first17 + id_number_check_char(first17),
                        "bank_account": f"6222{rng.randrange(0, 10**15):015d}",
                    },
                ),
            )
        )
        if manager:
            self.manager_of[number] = manager
        return number


async def _unit(
    code: str,
    name: str,
    type_: OrgUnitType,
    parent: OrgUnit | None,
    city: str,
    region: str,
) -> OrgUnit:
    unit = await OrgUnit.create(
        code=code,
        name=name,
        type=type_,
        city=city,
        region=region,
        parent=parent,
        path="",
        depth=parent.depth + 1 if parent else 0,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await unit.save(update_fields=["path"])
    return unit


async def load_demo_company(progress: Callable[[str], None] = lambda _m: None) -> None:
    """Load company A in one transaction: all of it or nothing."""
    rng = random.Random(SEED)
    async with in_transaction():
        progress("positions…")
        positions = {}
        for code, title, level, family, _ in POSITIONS:
            positions[code] = await Position.create(
                code=code, title=title, level=level, family=family
            )
        people = _People(rng, positions)
        heads: dict[str, str] = {}  # unit code → head's employee number

        progress("organisation…")
        company = await _unit("A", "A 制造有限公司", OrgUnitType.COMPANY, None, "杭州", "华东")
        hq = await _unit("HQ", "总部", OrgUnitType.BRANCH, company, "杭州", "华东")
        ceo = people.add(hq, "CEO", "330106")
        heads["A"] = heads["HQ"] = ceo
        for code, name, lead, staff, count in [
            ("HQ-HR", "总部人力资源部", "HR-MGR", "HR-SPEC", 6),
            ("HQ-FIN", "总部财务部", "DEPT-MGR", "FIN-SPEC", 6),
            ("HQ-MKT", "总部市场部", "DEPT-MGR", "MKT-SPEC", 6),
        ]:
            dept = await _unit(code, name, OrgUnitType.DEPARTMENT, hq, "杭州", "华东")
            head = heads[code] = people.add(dept, lead, "330106", ceo)
            for _ in range(count):
                people.add(dept, staff, "330106", head)

        for spec in BRANCHES:
            progress(f"{spec.name}…")
            branch = await _unit(
                spec.code, spec.name, OrgUnitType.BRANCH, company, spec.city, spec.region
            )
            gm = heads[spec.code] = people.add(branch, "BR-GM", spec.id_region, ceo)

            sales = await _unit(
                f"{spec.code}-SALES",
                f"{spec.city}销售部",
                OrgUnitType.DEPARTMENT,
                branch,
                spec.city,
                spec.region,
            )
            sales_head = heads[sales.code] = people.add(sales, "DEPT-MGR", spec.id_region, gm)
            for t in range(1, spec.sales_teams + 1):
                team = await _unit(
                    f"{spec.code}-SALES-{t}",
                    f"{spec.city}销售{'一二三四'[t - 1]}组",
                    OrgUnitType.TEAM,
                    sales,
                    spec.city,
                    spec.region,
                )
                lead = heads[team.code] = people.add(team, "SAL-LEAD", spec.id_region, sales_head)
                for i in range(spec.sales_per_team):
                    people.add(team, "SAL-SR" if i < 4 else "SAL-REP", spec.id_region, lead)

            prod = await _unit(
                f"{spec.code}-PROD",
                f"{spec.city}生产部",
                OrgUnitType.DEPARTMENT,
                branch,
                spec.city,
                spec.region,
            )
            prod_head = heads[prod.code] = people.add(prod, "DEPT-MGR", spec.id_region, gm)
            for t, (suffix, name, staff) in enumerate(
                [("LINE", "装配线", "PRD-OP"), ("QA", "质检组", "QA")], start=1
            ):
                team = await _unit(
                    f"{spec.code}-PROD-{suffix}",
                    f"{spec.city}{name}",
                    OrgUnitType.TEAM,
                    prod,
                    spec.city,
                    spec.region,
                )
                lead = heads[team.code] = people.add(team, "PRD-LEAD", spec.id_region, prod_head)
                share = spec.production * 3 // 4 if t == 1 else spec.production // 4
                for _ in range(share):
                    people.add(team, staff, spec.id_region, lead)

            hr = await _unit(
                f"{spec.code}-HR",
                f"{spec.city}人事行政部",
                OrgUnitType.DEPARTMENT,
                branch,
                spec.city,
                spec.region,
            )
            hr_head = heads[hr.code] = people.add(hr, "HR-MGR", spec.id_region, gm)
            for _ in range(3):
                people.add(hr, "HR-SPEC", spec.id_region, hr_head)

        progress(f"{len(people.rows)} employees…")
        await Employee.bulk_create(people.rows)
        ids = dict(await Employee.all().values_list("employee_number", "id"))
        saved = await Employee.all()
        for employee in saved:
            boss = people.manager_of.get(employee.employee_number)
            employee.manager_id = ids[boss] if boss else None
        await Employee.bulk_update(saved, fields=["manager_id"])
        units = await OrgUnit.all()
        for unit in units:
            unit.manager_id = ids.get(heads.get(unit.code, ""))
        await OrgUnit.bulk_update(units, fields=["manager_id"])

        progress("demo accounts…")
        by_code = {u.code: u for u in units}
        sh_sales_rep = (
            await Employee.filter(unit__code="SH-SALES-1", position__code="SAL-REP")
            .order_by("employee_number")
            .first()
        )
        sh_inspector = (
            await Employee.filter(unit__code="SH-PROD-QA", position__code="QA")
            .order_by("employee_number")
            .first()
        )
        accounts = [
            ("admin", Role.ADMIN, None, None),
            ("hr.hq", Role.HQ_HR, heads["HQ-HR"], None),
            ("hr.shanghai", Role.BRANCH_HR, heads["SH-HR"], "SH"),
            ("hr.beijing", Role.BRANCH_HR, heads["BJ-HR"], "BJ"),
            ("hr.shenzhen", Role.BRANCH_HR, heads["SZ-HR"], "SZ"),
            ("manager.shanghai.sales", Role.MANAGER, heads["SH-SALES"], "SH-SALES"),
            # The branch head approves restoring the branch's performance pay (first step).
            ("head.shanghai", Role.MANAGER, heads["SH"], "SH"),
            (
                "employee.shanghai.sales",
                Role.EMPLOYEE,
                sh_sales_rep.employee_number if sh_sales_rep else None,
                None,
            ),
            # A quality inspector with an account of their own: the leaver of the lifecycle's
            # browser test (terminated through approvals, then refused at sign-in).
            (
                "employee.shanghai.qa",
                Role.EMPLOYEE,
                sh_inspector.employee_number if sh_inspector else None,
                None,
            ),
            ("boss", Role.EXECUTIVE, ceo, None),
        ]
        password_hash = hash_password(DEMO_PASSWORD)
        for username, role, number, scope in accounts:
            await User.create(
                username=username,
                password_hash=password_hash,
                role=role,
                employee_id=ids[number] if number else None,
                scope_unit=by_code[scope] if scope else None,
            )
        await load_performance_story(progress)
        await load_skills_story(progress)
        await load_training_story(progress)
        await load_analytics_story(progress)
        await load_records_story(TODAY, progress)
        await load_attendance_story(progress)
        await load_payroll_story(progress)
        await load_recruitment_story(progress)
    progress(
        f"demo company loaded: {len(units)} units, {len(people.rows)} employees, {len(accounts)} accounts"
    )
