"""Demo recruitment, made through the services as the demo's people would: the Shanghai sales
manager asks for two sales reps (approved by the branch head, then HQ HR), Shanghai HR posts
销售代表（浦东） and has eight candidates at every stage — three in screening, two in
interviews (one waiting for employee.shanghai.sales' scorecard), an approved offer waiting for
the answer, one accepted with the onboarding checklist under way, one rejected — and a second
requisition (a sales lead) waits for the branch head.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.approvals import service as approvals
from talentloop.approvals.models import ApprovalStatus, RequestType
from talentloop.demo.records import DEMO_PDF
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee, Gender, Position
from talentloop.records.models import ContractKind
from talentloop.recruitment import service as recruitment
from talentloop.recruitment.models import (
    Application,
    CandidateSource,
    OnboardingTask,
    Recommendation,
    Stage,
)

# name, gender, birth date, mobile, e-mail, source, school, degree, major, employer, title
CANDIDATES: list[tuple[str, Gender, date, str, str, CandidateSource, str, str, str, str, str]] = [
    (
        "赵磊",
        Gender.MALE,
        date(1997, 3, 12),
        "13916000001",
        "zhao.lei@example.com",
        CandidateSource.JOB_BOARD,
        "上海大学",
        "本科",
        "市场营销",
        "上海某医药公司",
        "销售专员",
    ),
    (
        "钱芳",
        Gender.FEMALE,
        date(1999, 8, 2),
        "13916000002",
        "qian.fang@example.com",
        CandidateSource.WEBSITE,
        "华东师范大学",
        "本科",
        "工商管理",
        "某连锁零售",
        "店长助理",
    ),
    (
        "孙浩",
        Gender.MALE,
        date(2003, 1, 20),
        "13916000003",
        "sun.hao@example.com",
        CandidateSource.CAMPUS,
        "同济大学",
        "本科",
        "工商管理",
        "",
        "",
    ),
    (
        "李娜",
        Gender.FEMALE,
        date(1995, 11, 9),
        "13916000004",
        "li.na@example.com",
        CandidateSource.REFERRAL,
        "复旦大学",
        "硕士",
        "市场营销",
        "上海某机械公司",
        "销售代表",
    ),
    (
        "周杰",
        Gender.MALE,
        date(1996, 6, 30),
        "13916000005",
        "zhou.jie@example.com",
        CandidateSource.JOB_BOARD,
        "东华大学",
        "本科",
        "国际贸易",
        "某设备代理商",
        "客户经理",
    ),
    (
        "吴婷",
        Gender.FEMALE,
        date(1994, 4, 18),
        "13916000006",
        "wu.ting@example.com",
        CandidateSource.AGENCY,
        "上海财经大学",
        "本科",
        "市场营销",
        "某工业品公司",
        "高级销售",
    ),
    (
        "郑凯",
        Gender.MALE,
        date(1996, 2, 14),
        "13916000007",
        "zheng.kai@example.com",
        CandidateSource.REFERRAL,
        "上海理工大学",
        "本科",
        "机械工程",
        "某自动化公司",
        "销售工程师",
    ),
    (
        "王敏",
        Gender.FEMALE,
        date(2000, 9, 5),
        "13916000008",
        "wang.min@example.com",
        CandidateSource.JOB_BOARD,
        "上海商学院",
        "大专",
        "电子商务",
        "某电商公司",
        "客服",
    ),
]
# Where each candidate ends up, by index.
STAGES = [
    Stage.SCREENING,
    Stage.SCREENING,
    Stage.SCREENING,
    Stage.INTERVIEW,  # waiting for employee.shanghai.sales' scorecard
    Stage.INTERVIEW,
    Stage.OFFER,  # approved, waiting for the answer
    Stage.ACCEPTED,
    Stage.REJECTED,
]
RATINGS = {"skills": 4, "experience": 4, "communication": 5, "motivation": 4}


async def _viewer(username: str) -> Viewer:
    return await load_viewer((await User.get(username=username)).id)


async def _approve(subject: RequestType, subject_id: int, *, by: list[Viewer]) -> None:
    """Decide every stage of the request with the first of `by` who holds a task in it."""
    for _ in range(5):
        request = await approvals.request_for_subject(subject, subject_id)
        if request is None or request.status is not ApprovalStatus.PENDING:
            return
        for viewer in by:
            if any(t.request_id == request.id for t in await approvals.my_open_tasks(viewer)):
                await approvals.decide(viewer, request.id, approve=True, comment="同意")
                break
        else:
            return


async def load_recruitment_story(progress: Callable[[str], None] = lambda _m: None) -> None:
    progress("recruitment: requisitions, a posting and its candidates…")
    manager = await _viewer("manager.shanghai.sales")
    head = await _viewer("head.shanghai")
    hq = await _viewer("hr.hq")
    hr = await _viewer("hr.shanghai")
    employee_user = await User.get(username="employee.shanghai.sales")
    team = await OrgUnit.get(code="SH-SALES-1")
    rep = await Position.get(code="SAL-REP")
    lead = await Position.get(code="SAL-LEAD")

    wanted = await recruitment.create_requisition(
        manager,
        recruitment.RequisitionInput(
            unit_id=team.id,
            position_id=rep.id,
            headcount=2,
            budget=Decimal(216000),
            reason="浦东新客户开发：补充两名销售代表",
        ),
    )
    await _approve(RequestType.REQUISITION, wanted.id, by=[head, hq])
    posting = await recruitment.open_posting(
        hr,
        recruitment.PostingInput(
            requisition_id=wanted.id,
            title="销售代表（浦东）",
            location="上海浦东",
            description="开发和维护浦东地区的工业客户；两年以上 B2B 销售经验优先。",
        ),
    )
    # Interviewers: the sales manager, the branch head and (for one) the demo employee.
    sales_head = await Employee.get(id=manager.employee_id)
    branch_head = await Employee.get(id=head.employee_id)
    applications: list[Application] = []
    for i, row in enumerate(CANDIDATES):
        name, gender, birth, phone, email, source, school, degree, major, employer, title = row
        education: list[dict[str, Any]] = [
            {
                "school": school,
                "degree": degree,
                "major": major,
                "end_date": date(birth.year + 22, 6, 30),
            }
        ]
        work: list[dict[str, Any]] = (
            [{"employer": employer, "title": title, "start_date": date(birth.year + 22, 7, 1)}]
            if employer
            else []
        )
        added = await recruitment.add_candidate(
            hr,
            recruitment.CandidateInput(
                posting_id=posting.id,
                name=name,
                source=source,
                phone=phone,
                email=email,
                gender=gender,
                birth_date=birth,
                education=education,
                work_history=work,
            ),
        )
        applications.append(added.application)
        if i % 2 == 1 or i == 6:
            await recruitment.attach_resume(
                hr, added.application.id, file_name=f"{name}简历.pdf", content=DEMO_PDF
            )

    for i, application in enumerate(applications):
        stage = STAGES[i]
        if stage is Stage.SCREENING:
            continue
        if stage is Stage.REJECTED:
            await recruitment.move_application(
                hr, application.id, Stage.REJECTED, "B2B 销售经验不足"
            )
            continue
        panel = [sales_head.id, branch_head.id]
        if i == 3:
            panel = [sales_head.id, employee_user.employee_id or sales_head.id]
        interview = await recruitment.schedule_interview(
            hr,
            application.id,
            title="业务面试",
            scheduled_at=datetime(2026, 11, 20 + i, 2, 0, tzinfo=UTC),
            interviewer_ids=panel,
        )
        await recruitment.submit_scorecard(
            manager,
            interview.id,
            ratings=RATINGS,
            recommendation=Recommendation.YES,
            notes="沟通清楚，熟悉工业品销售流程。",
        )
        if i != 3:
            await recruitment.submit_scorecard(
                head,
                interview.id,
                ratings={**RATINGS, "experience": 5},
                recommendation=Recommendation.STRONG_YES,
                notes="有客户资源，建议录用。",
            )
        if stage is Stage.INTERVIEW:
            continue
        offer = await recruitment.make_offer(
            hr,
            recruitment.OfferInput(
                application_id=application.id,
                monthly_salary=Decimal(8500 if i == 5 else 8000),
                start_date=date(2027, 1, 4),
                contract_kind=ContractKind.FIXED_TERM,
                contract_months=36,
                probation_months=6,
            ),
        )
        await _approve(RequestType.OFFER, offer.id, by=[head, hq])
        if stage is Stage.ACCEPTED:
            await recruitment.respond_to_offer(hr, application.id, accepted=True)
            for task in await OnboardingTask.filter(
                application_id=application.id, key__in=["id_copy", "medical_check"]
            ):
                await recruitment.set_onboarding_task(hr, task.id, True)

    # A second requisition waits for the branch head.
    await recruitment.create_requisition(
        manager,
        recruitment.RequisitionInput(
            unit_id=team.id,
            position_id=lead.id,
            headcount=1,
            budget=Decimal(190000),
            reason="一部主管晋升后的接替",
        ),
    )
