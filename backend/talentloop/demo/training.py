"""Company A's course library and the product-knowledge programme of 2026-07.

Who took the product-knowledge course is decided in demo.performance (the same people
whose conversion rose): about 20 % of sales staff before the programme, 90 % of the
programme branches' sales staff after it. Their passed exams are fresh evidence for the
product-knowledge score.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from talentloop.demo.performance import PROGRAMME_MONTH, early_participant, programme_participant
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee, Position
from talentloop.performance.models import Kpi
from talentloop.skills.models import Competency, SkillTest, TestAttempt
from talentloop.timezones import DEFAULT_ZONE
from talentloop.training.models import (
    CostItem,
    CostKind,
    Course,
    CourseCompetency,
    CourseFormat,
    CourseKind,
    CourseSession,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Lesson,
    PlanItem,
    TargetRuleKind,
    TrainingPlan,
    TrainingTargetRule,
)

SEED = 20260104
TODAY = date(2026, 11, 28)  # sessions are scheduled from here on

COURSES = [
    # code, title, format, kind, hours, provider, {competency: target level}, description
    (
        "PK-101",
        "《产品知识大全》",
        CourseFormat.ONLINE,
        CourseKind.INDUSTRY,
        6,
        "A 公司培训中心",
        {"PRODUCT_KNOWLEDGE": 4},
        "减速机全系列的性能、选型与应用场景，附竞品对比；结业考试合格方可结业。",
    ),
    (
        "CNA-201",
        "《如何通过提问识别客户需求》",
        CourseFormat.WORKSHOP,
        CourseKind.GENERAL,
        8,
        "华东销售学院",
        {"NEEDS_ANALYSIS": 4, "COMMUNICATION": 3},
        "SPIN 提问法与需求确认，角色扮演演练。",
    ),
    (
        "NEG-301",
        "《双赢谈判策略》",
        CourseFormat.BLENDED,
        CourseKind.GENERAL,
        12,
        "华东销售学院",
        {"NEGOTIATION": 4, "NEEDS_ANALYSIS": 3},
        "线上理论 + 线下实战模拟：价格、交期与条款的双赢谈判。",
    ),
    (
        "TRUST-202",
        "《如何用专业知识建立客户信任》",
        CourseFormat.WORKSHOP,
        CourseKind.INDUSTRY,
        6,
        "A 公司培训中心",
        {"PRODUCT_KNOWLEDGE": 4, "COMMUNICATION": 4},
        "把产品与工艺知识转化为客户听得懂的价值。",
    ),
    (
        "MENTOR-01",
        "销售导师带教计划",
        CourseFormat.MENTORING,
        CourseKind.GENERAL,
        24,
        "A 公司",
        {"NEEDS_ANALYSIS": 4, "NEGOTIATION": 4, "PRODUCT_KNOWLEDGE": 4},
        "资深销售一对一带教三个月，每周复盘。",
    ),
]
PK_LESSONS = [
    ("A 系列减速机", 45),
    ("B 系列行星减速机", 45),
    ("选型与服务系数", 60),
    ("竞品对比与常见异议", 45),
    ("安装、润滑与保养", 45),
    ("结业复习", 30),
]


def _at(day: date, hour: int = 9) -> datetime:
    """The hour of the day in the company's zone (09:00 in Shanghai is 01:00 UTC)."""
    local = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(DEFAULT_ZONE))
    return local.astimezone(UTC)


async def load_training_story(progress: Callable[[str], None] = lambda _m: None) -> None:
    rng = random.Random(SEED)
    progress("course library…")
    competencies = {c.code: c for c in await Competency.all()}
    pk_test = await SkillTest.get(competency__code="PRODUCT_KNOWLEDGE")
    courses: dict[str, Course] = {}
    for code, title, fmt, kind, hours, provider, builds, description in COURSES:
        course = await Course.create(
            code=code,
            title=title,
            format=fmt,
            kind=kind,
            duration_hours=Decimal(hours),
            provider=provider,
            description=description,
            exam=pk_test if code == "PK-101" else None,
            pass_level=3,
        )
        for c_code, level in builds.items():
            await CourseCompetency.create(
                course=course, competency=competencies[c_code], target_level=level
            )
        courses[code] = course
    for i, (title, minutes) in enumerate(PK_LESSONS, 1):
        await Lesson.create(course=courses["PK-101"], position=i, title=title, minutes=minutes)
    for i, title in enumerate(("谈判的基本框架", "让步与交换"), 1):
        await Lesson.create(course=courses["NEG-301"], position=i, title=title, minutes=60)

    # Upcoming sessions, so that people can enrol now.
    branches = {u.code: u for u in await OrgUnit.filter(code__in=["SH", "BJ", "SZ", "HQ"])}
    for code, place, branch, days, seats in (
        ("CNA-201", "上海培训中心 301 室", "SH", 12, 20),
        ("CNA-201", "北京分公司 大会议室", "BJ", 19, 16),
        ("NEG-301", "杭州总部 培训教室", "HQ", 26, 24),
        ("TRUST-202", "深圳分公司 会议室 A", "SZ", 33, 18),
        ("TRUST-202", "上海培训中心 302 室", "SH", 40, 2),
    ):
        start = _at(TODAY + timedelta(days=days))
        await CourseSession.create(
            course=courses[code],
            starts_at=start,
            ends_at=start + timedelta(hours=int(courses[code].duration_hours)),
            place=place,
            trainer=rng.choice(["李老师", "王老师", "陈老师"]),
            capacity=seats,
            unit=branches[branch],
        )
    # Cost items (CNY): the online course's development spread over every learner, licences per learner.
    await CostItem.create(
        course=courses["PK-101"],
        kind=CostKind.DEVELOPMENT,
        amount=Decimal(40000),
        description="课程开发与录制",
    )
    await CostItem.create(
        course=courses["PK-101"],
        kind=CostKind.MATERIALS,
        amount=Decimal(600),
        per_participant=True,
        description="学习平台账号与讲义",
    )
    for session in await CourseSession.all():
        await CostItem.create(
            course_id=session.course_id,
            session=session,
            kind=CostKind.TRAINER,
            amount=Decimal(12000),
        )
        await CostItem.create(
            course_id=session.course_id, session=session, kind=CostKind.VENUE, amount=Decimal(3000)
        )
        await CostItem.create(
            course_id=session.course_id,
            session=session,
            kind=CostKind.MATERIALS,
            amount=Decimal(200),
            per_participant=True,
        )

    progress("the product-knowledge programme…")
    sales = await Employee.filter(position__family="sales").select_related("unit", "position")
    branch_paths = {code: u.path for code, u in branches.items()}
    enrollments: list[Enrollment] = []
    attempts: list[TestAttempt] = []
    for employee in sorted(sales, key=lambda e: e.employee_number):
        branch = next(
            (c for c, p in branch_paths.items() if employee.unit.path.startswith(p)), "HQ"
        )
        if employee.position and employee.position.code not in ("SAL-REP", "SAL-SR", "SAL-LEAD"):
            continue
        if early_participant(employee.employee_number):
            enrolled = _at(date(2025, 5, 1) + timedelta(days=rng.randrange(0, 50)))
        elif programme_participant(employee.employee_number, branch):
            enrolled = _at(PROGRAMME_MONTH + timedelta(days=rng.randrange(0, 8)))
        else:
            continue
        completed = enrolled + timedelta(days=rng.randrange(10, 22))
        enrollments.append(
            Enrollment(
                course=courses["PK-101"],
                employee=employee,
                status=EnrollmentStatus.COMPLETED,
                source=EnrollmentSource.HR,
                enrolled_at=enrolled,
                completed_at=completed,
                progress_percent=100,
                feedback_rating=rng.choice([4, 4, 5, 5, 3]),
                feedback_comment=rng.choice(["内容实用", "选型部分很有帮助", "希望多些案例", ""]),
            )
        )
        attempts.append(
            TestAttempt(
                test=pk_test,
                employee=employee,
                score=0,
                max_score=0,
                level=rng.choice([3, 4, 4, 5]),
                started_at=completed,
                submitted_at=completed,
            )
        )
    await Enrollment.bulk_create(enrollments)
    await TestAttempt.bulk_create(attempts)
    # The exam results are the evidence recorded on each enrolment.
    latest = {a.employee_id: a.id for a in await TestAttempt.filter(test=pk_test).order_by("id")}
    saved = await Enrollment.filter(course=courses["PK-101"])
    for enrollment in saved:
        enrollment.exam_attempt_id = latest.get(enrollment.employee_id)
    await Enrollment.bulk_update(saved, fields=["exam_attempt_id"])

    progress("plans and training-linked targets…")
    positions = {p.code: p for p in await Position.all()}
    for code, budget in (("SH", 200000), ("BJ", 150000), ("SZ", 180000)):
        plan = await TrainingPlan.create(
            unit=branches[code],
            year=2026,
            title=f"{branches[code].name} 2026 年度培训计划",
            budget=Decimal(budget),
        )
        await PlanItem.create(
            plan=plan,
            course=courses["PK-101"],
            target_position=positions["SAL-REP"],
            planned_participants=36,
            planned_cost=Decimal(60000),
        )
        await PlanItem.create(
            plan=plan,
            course=courses["CNA-201"],
            target_position=positions["SAL-REP"],
            planned_participants=20,
            planned_cost=Decimal(40000),
        )
    new_customers = await Kpi.get(code="NEW_CUSTOMERS")
    await TrainingTargetRule.create(
        kind=TargetRuleKind.TARGET_ADJUSTMENT,
        course=courses["NEG-301"],
        kpi=new_customers,
        percent=Decimal(-5),
    )
    await TrainingTargetRule.create(
        kind=TargetRuleKind.BONUS,
        course=courses["PK-101"],
        kpi=new_customers,
        threshold_percent=Decimal(100),
        bonus_amount=Decimal(500),
    )
    progress(f"{len(courses)} courses, {len(enrollments)} product-knowledge completions")
