"""Company A's competency framework and the first-half 360° round of its sales staff.

The story (PRODUCT.md): under-performing sales staff are weak on product
knowledge, and about 80 % of the under-performers score below their team's
average on customer-needs analysis. "Under-performing" means below target on
new customers in 2026-06, the month before the programme.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from talentloop.access.policy import SYSTEM
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee, Position
from talentloop.performance import rollup
from talentloop.performance.models import AssessmentRequest, AssessmentRequestStatus, Kpi
from talentloop.skills.models import (
    AssessmentRound,
    CategoryKind,
    Competency,
    CompetencyCategory,
    Question,
    QuestionKind,
    RaterAssignment,
    RaterRelation,
    Rating,
    RequiredLevel,
    RoundStatus,
    SkillTest,
    TestAttempt,
)

SEED = 20260103
ANALYSIS_PERIOD = date(2026, 6, 1)
ROUND_CLOSED = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)
TESTS_TAKEN = datetime(2025, 4, 15, 10, 0, tzinfo=UTC)
OPEN_ROUND_DEADLINE = date(2026, 12, 31)

FRAMEWORK = [
    (
        "GEN",
        "通用能力",
        CategoryKind.GENERAL,
        [
            ("COMMUNICATION", "沟通表达", "清晰、有说服力地表达，倾听并确认理解。"),
        ],
    ),
    (
        "SALES",
        "销售能力",
        CategoryKind.GENERAL,
        [
            ("NEEDS_ANALYSIS", "客户需求分析", "通过提问识别客户的真实需求与决策标准。"),
            ("NEGOTIATION", "谈判技巧", "在价格、交期与条款上达成双赢的结果。"),
        ],
    ),
    (
        "INDUSTRY",
        "行业专业能力",
        CategoryKind.INDUSTRY,
        [
            ("PRODUCT_KNOWLEDGE", "产品知识", "熟悉公司产品的性能、工艺、应用场景与竞品差异。"),
            ("EQUIPMENT", "设备操作", "按规程安全、高效地操作与保养生产设备。"),
            ("QUALITY", "质量意识", "理解质量标准，及时发现并上报质量问题。"),
        ],
    ),
]
LEVEL_WORDS = {
    "1": "入门：了解基本概念，需要他人指导才能完成工作。",
    "2": "基础：能在常见情形下独立应用，偶有疏漏。",
    "3": "胜任：能稳定、独立地完成岗位要求的工作。",
    "4": "熟练：能处理复杂情形，并能指导他人。",
    "5": "专家：在公司内是标杆，能建立方法并推动改进。",
}
REQUIRED = {
    "SAL-REP": {"PRODUCT_KNOWLEDGE": 3, "NEEDS_ANALYSIS": 3, "NEGOTIATION": 3, "COMMUNICATION": 3},
    "SAL-SR": {"PRODUCT_KNOWLEDGE": 4, "NEEDS_ANALYSIS": 4, "NEGOTIATION": 4, "COMMUNICATION": 4},
    "SAL-LEAD": {"PRODUCT_KNOWLEDGE": 4, "NEEDS_ANALYSIS": 4, "NEGOTIATION": 4, "COMMUNICATION": 4},
    "PRD-OP": {"EQUIPMENT": 3, "QUALITY": 3},
    "PRD-LEAD": {"EQUIPMENT": 4, "QUALITY": 4, "COMMUNICATION": 3},
    "QA": {"QUALITY": 4, "EQUIPMENT": 3},
}
PRODUCT_QUESTIONS = [
    (
        "本公司 A 系列减速机的额定输出扭矩范围是？",
        ["50–500 N·m", "500–5,000 N·m", "5,000–50,000 N·m"],
        ["B"],
    ),
    ("客户要求在粉尘环境下连续运行，应推荐哪种防护等级？", ["IP44", "IP55", "IP65"], ["C"]),
    (
        "以下哪些是我们相对竞品的优势？（多选）",
        ["交期 15 天", "噪音低于 65 dB", "价格最低", "全国 48 小时上门服务"],
        ["A", "B", "D"],
    ),
    ("减速机的服务系数（SF）选型时一般不低于？", ["0.8", "1.0", "1.5"], ["C"]),
    ("齿轮箱首次换油的推荐时间是？", ["运行 500 小时后", "运行 5,000 小时后", "不需要换油"], ["A"]),
    (
        "哪些信息是为客户选型必须确认的？（多选）",
        ["负载类型", "安装方式", "客户的公司规模", "工作时长"],
        ["A", "B", "D"],
    ),
]
NEEDS_QUESTIONS = [
    (
        "初次拜访时，最能揭示客户需求的问题是？",
        ["您的预算是多少？", "目前的生产线在哪些环节最让您头疼？", "您认识我们的老板吗？"],
        ["B"],
    ),
    ("客户说“价格太贵”，首先应该？", ["立刻降价", "了解对方比较的对象和标准", "结束拜访"], ["B"]),
    (
        "SPIN 提问法包括哪些？（多选）",
        ["情境问题", "难点问题", "暗示问题", "价格问题"],
        ["A", "B", "C"],
    ),
    (
        "客户提出的需求与其真实问题不一致时，应该？",
        ["照单报价", "追问需求背后的原因", "推荐最贵的型号"],
        ["B"],
    ),
    (
        "拜访后的需求确认应包含哪些内容？（多选）",
        ["客户的关键痛点", "约定的下一步", "竞品的内部报价", "决策人和决策时间"],
        ["A", "B", "D"],
    ),
]
# Each attempt draws this many questions from its test's pool (the pool holds more).
QUESTIONS_PER_ATTEMPT = {"PRODUCT_KNOWLEDGE": 4, "NEEDS_ANALYSIS": 3}
THRESHOLDS = {"1": 0, "2": 40, "3": 60, "4": 75, "5": 90}


def _clip(value: float) -> int:
    return max(1, min(5, round(value)))


async def load_skills_story(progress: Callable[[str], None] = lambda _m: None) -> None:
    rng = random.Random(SEED)
    progress("competency framework…")
    competencies: dict[str, Competency] = {}
    for code, name, kind, items in FRAMEWORK:
        category = await CompetencyCategory.create(code=code, name=name, kind=kind)
        for c_code, c_name, description in items:
            competencies[c_code] = await Competency.create(
                code=c_code,
                name=c_name,
                description=description,
                category=category,
                levels=LEVEL_WORDS,
            )
    positions = {p.code: p for p in await Position.all()}
    await RequiredLevel.bulk_create(
        [
            RequiredLevel(competency=competencies[c], position=positions[p], level=level)
            for p, needs in REQUIRED.items()
            for c, level in needs.items()
        ]
    )
    # Shanghai sells the high-end line: its reps need deeper product knowledge.
    await RequiredLevel.create(
        competency=competencies["PRODUCT_KNOWLEDGE"],
        position=positions["SAL-REP"],
        unit=await OrgUnit.get(code="SH-SALES"),
        level=4,
    )
    tests = {}
    for c_code, title, bank in (
        ("PRODUCT_KNOWLEDGE", "产品知识测试", PRODUCT_QUESTIONS),
        ("NEEDS_ANALYSIS", "客户需求分析测试", NEEDS_QUESTIONS),
    ):
        questions = [
            await Question.create(
                competency=competencies[c_code],
                text=text,
                kind=QuestionKind.MULTIPLE if len(correct) > 1 else QuestionKind.SINGLE,
                options=[{"key": "ABCD"[i], "text": o} for i, o in enumerate(options)],
                correct=correct,
                points=2 if len(correct) > 1 else 1,
            )
            for text, options, correct in bank
        ]
        tests[c_code] = await SkillTest.create(
            title=title,
            competency=competencies[c_code],
            question_ids=[q.id for q in questions],
            question_count=QUESTIONS_PER_ATTEMPT[c_code],
            level_thresholds=THRESHOLDS,
            time_limit_minutes=20,
        )

    progress("360° round of the sales staff…")
    kpi = await Kpi.get(code="NEW_CUSTOMERS")
    rows = await rollup.member_values(SYSTEM, kpi, [ANALYSIS_PERIOD])
    under = sorted(
        r.employee_id
        for r in rows
        if (a := rollup.achievement(kpi, r.actual, r.target)) is not None and a < 100
    )
    # 80 % of the under-performers are weak on needs analysis (every fifth one is not).
    weak_on_needs = {e for i, e in enumerate(under) if i % 5 != 4}
    staff = await Employee.filter(
        id__in=[r.employee_id for r in rows if r.actual is not None]
    ).select_related("position")
    by_unit: dict[int, list[Employee]] = defaultdict(list)
    for employee in sorted(staff, key=lambda e: e.employee_number):
        by_unit[employee.unit_id].append(employee)
    requests = {
        r.employee_id: r
        for r in await AssessmentRequest.filter(breach_detected__lte=date(2026, 4, 1)).order_by(
            "-breach_start"
        )
    }
    ratings: list[tuple[RaterAssignment, str, int]] = []
    attempts: list[TestAttempt] = []
    competency_codes = ["PRODUCT_KNOWLEDGE", "NEEDS_ANALYSIS", "NEGOTIATION", "COMMUNICATION"]
    for employee in staff:
        is_under = employee.id in set(under)
        true_level = {
            "PRODUCT_KNOWLEDGE": (2.2 if is_under else 3.4) + rng.gauss(0, 0.3),
            "NEEDS_ANALYSIS": (2.0 if employee.id in weak_on_needs else 4.4 if is_under else 3.5)
            + rng.gauss(0, 0.2),
            "NEGOTIATION": 3.0 + rng.gauss(0, 0.5),
            "COMMUNICATION": 3.3 + rng.gauss(0, 0.5),
        }
        request = requests.get(employee.id)
        round_ = await AssessmentRound.create(
            employee=employee,
            title="2026 上半年销售能力 360° 评估",
            deadline=date(2026, 5, 15),
            status=RoundStatus.CLOSED,
            closed_at=ROUND_CLOSED,
            competency_ids=[competencies[c].id for c in competency_codes],
            request=request,
        )
        if request is not None:
            request.status = AssessmentRequestStatus.DONE
            await request.save(update_fields=["status"])
        team = [
            p for p in by_unit[employee.unit_id] if p.id not in (employee.id, employee.manager_id)
        ]
        peers = rng.sample(team, min(3, len(team)))
        raters = [
            (employee, RaterRelation.SELF, 0.4),
            *[(p, RaterRelation.PEER, 0.0) for p in peers],
        ]
        if employee.manager_id is not None:
            raters.append((await Employee.get(id=employee.manager_id), RaterRelation.MANAGER, -0.1))
        for rater, relation, bias in raters:
            assignment = await RaterAssignment.create(
                round=round_,
                rater=rater,
                relation=relation,
                submitted_at=ROUND_CLOSED - timedelta(days=6),
            )
            for code in competency_codes:
                ratings.append(
                    (assignment, code, _clip(true_level[code] + bias + rng.gauss(0, 0.4)))
                )
        for code, test in tests.items():
            attempts.append(
                TestAttempt(
                    test=test,
                    employee=employee,
                    score=0,
                    max_score=0,
                    level=_clip(true_level[code] + rng.gauss(0, 0.3)),
                    # taken before the training programme's exams (demo/training.py), whose
                    # results are the latest; not when the demo is loaded, or a demo person
                    # would find their next attempt in its cool-down
                    started_at=TESTS_TAKEN,
                    submitted_at=TESTS_TAKEN,
                )
            )
    await Rating.bulk_create(
        [Rating(assignment=a, competency=competencies[c], level=level) for a, c, level in ratings],
        batch_size=1000,
    )
    await TestAttempt.bulk_create(attempts, batch_size=1000)

    # Open peer reviews on the demo employee's to-do list.
    me = await Employee.get(users__username="employee.shanghai.sales")
    colleagues = [p for p in by_unit[me.unit_id] if p.id not in (me.id, me.manager_id)][:3]
    for colleague in colleagues:
        round_ = await AssessmentRound.create(
            employee=colleague,
            title="2026 下半年销售能力 360° 评估",
            deadline=OPEN_ROUND_DEADLINE,
            competency_ids=[competencies[c].id for c in competency_codes],
        )
        await RaterAssignment.create(round=round_, rater=colleague, relation=RaterRelation.SELF)
        await RaterAssignment.create(round=round_, rater=me, relation=RaterRelation.PEER)
        if colleague.manager_id is not None:
            await RaterAssignment.create(
                round=round_, rater_id=colleague.manager_id, relation=RaterRelation.MANAGER
            )
    progress(
        f"{len(staff)} assessed, {len(ratings)} ratings, {len(under)} under-performers in {ANALYSIS_PERIOD:%Y-%m}"
    )
