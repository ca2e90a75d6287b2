"""The world of the authorization matrix: one viewer per role, someone at every relation to
each of them, and a record of every declared type for every person and team.

ACME (company)
├── HQ (branch)
│   ├── HQ-HR ── HQ-HR-1: hq_hr_person (hq_hr), hq_hr_peer, it_admin (admin) │ HQ-HR-2: hq_hr_other
│   └── HQ-BOARD ── HQ-BOARD-1: ceo (executive), ceo_aide │ HQ-BOARD-2: strategist
├── SH (branch)
│   ├── SH-HR ── SH-HR-1: sh_hr_person (branch_hr), sh_hr_peer │ SH-HR-2: sh_hr_other
│   ├── SH-SALES ── SH-SALES-1: sh_lead (manager), sh_rep (employee), sh_rep2 │ SH-SALES-2: sh_rep3
│   └── SH-PROD ── SH-PROD-1: sh_worker
└── BJ (branch) ── BJ-SALES ── BJ-SALES-1: bj_rep

Every person has a user account (role employee unless theirs is a role above, a manager
scoped to their own team) and, all created straight in the database: two KPI values and a
target, a trigger rule on their team and the assessment request it raised, a closed and an
open 360° round (rating themself), a test attempt, a completed and an open enrolment, an
import job, a report export, a ready sensitive-data export (with its approval request), a
revoked API token, a rejected and a pending leave request, a labour contract ending within a month, their onboarding and a line each of education, work
history and emergency contacts.
Every team has a target, a suspended performance pay with a pending restore request, a
training plan, an external event, an attendance rule set and a place to clock in.
The catalogue: a position, two KPIs, a competency framework, a skill test, three courses,
the company's default attendance rule set and a region's; a custom role (薪酬专员).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tortoise.models import Model

from talentloop.access.matrix import Owner, Relation
from talentloop.accounts.models import ApiToken, CustomRole, Role, User
from talentloop.analytics.models import (
    EventKind,
    ExternalEvent,
    KpiValuation,
    ReportFormat,
    ReportJob,
    ReportStatus,
)
from talentloop.approvals.models import (
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStep,
    ApproverRule,
    RequestType,
)
from talentloop.attendance.models import (
    AllowedLocation,
    AttendanceRuleSet,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OvertimeRequest,
    OvertimeStatus,
)
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.graphql.ids import to_global_id
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.payroll.calc import Component, DeductionKind
from talentloop.payroll.models import (
    ComponentKind,
    ComponentMethod,
    JobStatus,
    LineSection,
    PayrollOpening,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
    SalaryComponent,
    SalaryStructure,
    SocialInsuranceRate,
    SocialInsuranceTable,
    SpecialDeduction,
)
from talentloop.people.models import (
    Employee,
    EmployeeStatus,
    LifecycleChange,
    LifecycleKind,
    LifecycleStatus,
    Position,
)
from talentloop.performance.models import (
    AssessmentRequest,
    ConditionKind,
    ImportJob,
    ImportKind,
    ImportStatus,
    Kpi,
    KpiTarget,
    KpiUnit,
    PaySuspension,
    PerformanceRecord,
    RestoreDecision,
    RestoreRequest,
    RestoreStep,
    SuspensionStatus,
    TriggerRule,
)
from talentloop.policy.seed import seed_tax_tables
from talentloop.privacy.models import ExportStatus, SensitiveExport
from talentloop.records.models import (
    Contract,
    ContractKind,
    Education,
    EmergencyContact,
    EmploymentEvent,
    WorkHistory,
)
from talentloop.records.models import EventKind as EmploymentEventKind
from talentloop.recruitment.models import (
    Application,
    Candidate,
    CandidateSource,
    Interview,
    OnboardingTask,
    Posting,
    Requisition,
    RequisitionStatus,
    Scorecard,
    Stage,
)
from talentloop.skills.models import (
    AssessmentRound,
    Competency,
    CompetencyCategory,
    Question,
    RaterAssignment,
    RaterRelation,
    RequiredLevel,
    RoundStatus,
    SkillTest,
    TestAttempt,
)
from talentloop.training.models import (
    Course,
    CourseCompetency,
    CourseFormat,
    CourseSession,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    TargetRuleKind,
    Trainer,
    TrainerKind,
    TrainingPlan,
    TrainingTargetRule,
)
from tests.support import add_unit, id_number, password_hash

VIEWERS: dict[str, Role | None] = {
    "hq_hr": Role.HQ_HR,
    "branch_hr": Role.BRANCH_HR,
    "manager": Role.MANAGER,
    "employee": Role.EMPLOYEE,
    "executive": Role.EXECUTIVE,
    "admin": Role.ADMIN,
    "anonymous": None,
}
VIEWER_PERSON = {
    "hq_hr": "hq_hr_person",
    "branch_hr": "sh_hr_person",
    "manager": "sh_lead",
    "employee": "sh_rep",
    "executive": "ceo",
    "admin": "it_admin",
}
TEAMS: dict[str, list[str]] = {
    "HQ-HR-1": ["hq_hr_person", "hq_hr_peer", "it_admin"],
    "HQ-HR-2": ["hq_hr_other"],
    "HQ-BOARD-1": ["ceo", "ceo_aide"],
    "HQ-BOARD-2": ["strategist"],
    "SH-HR-1": ["sh_hr_person", "sh_hr_peer"],
    "SH-HR-2": ["sh_hr_other"],
    "SH-SALES-1": ["sh_lead", "sh_rep", "sh_rep2"],
    "SH-SALES-2": ["sh_rep3"],
    "SH-PROD-1": ["sh_worker"],
    "BJ-SALES-1": ["bj_rep"],
}
FIRST_MONTH = date(2025, 3, 1)  # person n's NEW value is in month FIRST_MONTH + n
CONV_MONTH = date(2025, 2, 1)  # everyone's CONV value, under their team's target
SUSPENDED_FROM = date(2025, 1, 1)
MISSING_PK = 2_000_000_000  # no record has this id


def month(n: int) -> date:
    m = FIRST_MONTH.month - 1 + n
    return date(FIRST_MONTH.year + m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class Record:
    """One record of a declared type, and what it belongs to (which decides its relation)."""

    type: str
    pk: int
    owner: Owner
    ref: str | None  # a person's key, a unit's code, or None

    @property
    def gid(self) -> str:
        return to_global_id(self.type, self.pk)


@dataclass(frozen=True)
class Catalogue:
    kpi_new: Kpi  # monthly new customers: person n has a value in month(n), 10 % of target
    kpi_conv: Kpi  # everyone has a value in CONV_MONTH, 10 % of their team's target
    competency: Competency
    test: SkillTest
    online: Course  # with the test as its exam; everyone completed it in January 2025
    workshop: Course
    session: CourseSession  # of the workshop; everyone is booked on it
    category: CompetencyCategory
    position: Position
    bonus: TrainingTargetRule  # a bonus for the online course


@dataclass
class MatrixWorld:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    people: dict[str, Employee] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by person key, and "requester"
    records: list[Record] = field(default_factory=list)
    by_ref: dict[tuple[str, str | None], list[Record]] = field(default_factory=dict)
    by_gid: dict[str, Record] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)  # a person's (revoked) API token
    pay_specialist: CustomRole | None = None
    _catalogue: Catalogue | None = None

    @property
    def cat(self) -> Catalogue:
        assert self._catalogue is not None
        return self._catalogue

    def cid(self, name: str) -> str:
        """The global id of a catalogue entry (a model's class name is its GraphQL type)."""
        model: Model = getattr(self.cat, name)
        return to_global_id(type(model).__name__, model.pk)

    def add(self, type_name: str, pk: int, owner: Owner, ref: str | None) -> Record:
        record = Record(type_name, pk, owner, ref)
        self.records.append(record)
        self.by_gid[record.gid] = record
        self.by_ref.setdefault((type_name, ref), []).append(record)
        return record

    def of(self, type_name: str, ref: str | None) -> Record:
        return self.by_ref[(type_name, ref)][0]

    def of_type(self, type_name: str) -> list[Record]:
        return [r for r in self.records if r.type == type_name]

    def user_of(self, viewer: str) -> User | None:
        person = VIEWER_PERSON.get(viewer)
        return self.users[person] if person else None

    # --- relations ------------------------------------------------------------------------

    def cid_unit(self, code: str) -> str:
        return to_global_id("OrgUnit", self.units[code].id)

    def team_of(self, person: str) -> str:
        return next(team for team, members in TEAMS.items() if person in members)

    def person_relation(self, viewer: str, person: str) -> Relation:
        me = VIEWER_PERSON[viewer]
        if person == me:
            return Relation.SELF
        return self.unit_relation(viewer, self.team_of(person))

    def unit_relation(self, viewer: str, code: str) -> Relation:
        """A team by where it sits; a unit above the viewer's team is read like their team."""
        mine = self.units[self.team_of(VIEWER_PERSON[viewer])]
        unit = self.units[code]
        if mine.path.startswith(unit.path):
            return Relation.SAME_TEAM
        parts, my_parts = unit.path.strip("/").split("/"), mine.path.strip("/").split("/")
        if len(parts) >= 3 and parts[:3] == my_parts[:3]:
            return Relation.SAME_UNIT
        if len(parts) >= 2 and parts[:2] == my_parts[:2]:
            return Relation.SAME_BRANCH
        return Relation.OTHER_BRANCH

    def relation(self, viewer: str, record: Record) -> Relation | None:
        """None for a record that belongs to nobody."""
        if record.owner is Owner.NOBODY or record.ref is None:
            return None
        if record.owner is Owner.UNIT:
            return self.unit_relation(viewer, record.ref)
        return self.person_relation(viewer, record.ref)

    def person_at(self, viewer: str, relation: Relation) -> str:
        """The first person at this relation to the viewer."""
        for team in TEAMS.values():
            for person in team:
                if self.person_relation(viewer, person) is relation:
                    return person
        raise LookupError(relation)

    def team_at(self, viewer: str, relation: Relation) -> str:
        wanted = Relation.SAME_TEAM if relation is Relation.SELF else relation
        return next(t for t in TEAMS if self.unit_relation(viewer, t) is wanted)


async def build_matrix_world() -> MatrixWorld:
    w = MatrixWorld()
    await _organisation(w)
    await _catalogue(w)
    for n, person in enumerate(p for team in TEAMS.values() for p in team):
        await _person_records(w, person, n)
    for team in TEAMS:
        await _team_records(w, team)
    await _payroll_records(w)
    await _recruitment_records(w)
    # A company default flow (of a type nothing here asks for): what HR reads in approvalFlows.
    flow = await ApprovalFlow.create(request_type=RequestType.DATA_EXPORT, name="default")
    await ApprovalStep.create(flow=flow, position=0, rule=ApproverRule.HQ_HR)
    # A custom role, granted to nobody here (tests/access/test_matrix_grants.py grants it).
    w.pay_specialist = await CustomRole.create(
        name_zh="薪酬专员", name_en="Pay specialist", groups=["directory", "pay"], operations=[]
    )
    return w


async def _organisation(w: MatrixWorld) -> None:
    rep = await Position.create(code="REP", title="Sales rep", level="P2", family="sales")
    w.add("Position", rep.id, Owner.NOBODY, None)
    w.units["ACME"] = await add_unit("ACME", OrgUnitType.COMPANY, None, "杭州")
    tree = {
        "HQ": ["HQ-HR", "HQ-BOARD"],
        "SH": ["SH-HR", "SH-SALES", "SH-PROD"],
        "BJ": ["BJ-SALES"],
    }
    for branch, departments in tree.items():
        w.units[branch] = await add_unit(branch, OrgUnitType.BRANCH, w.units["ACME"], branch)
        for department in departments:
            w.units[department] = await add_unit(
                department, OrgUnitType.DEPARTMENT, w.units[branch], branch
            )
    for team in TEAMS:
        department = team.rsplit("-", 1)[0]
        w.units[team] = await add_unit(team, OrgUnitType.TEAM, w.units[department], "城市")
    for code in w.units:
        w.add("OrgUnit", w.units[code].id, Owner.UNIT, code)
    roles = {person: VIEWERS[viewer] for viewer, person in VIEWER_PERSON.items()}
    serial = 0
    for team, members in TEAMS.items():
        for person in members:
            serial += 1
            w.people[person] = employee = await Employee.create(
                employee_number=f"M{serial:03d}",
                name=f"{person} name",
                unit=w.units[team],
                position=rep,
                status=EmployeeStatus.ACTIVE,
                hire_date=date(2020, 1, 1),
                birth_date=date(1990, 1, 1),
                work_phone="021-55550000",
                personal_phone=f"1390000{serial:04d}",
                id_number=id_number(serial),
                bank_account=f"622200000000{serial:04d}",
                base_salary=Decimal(10000 + serial),
            )
            w.add("Employee", employee.id, Owner.PERSON, person)
            w.users[person] = user = await User.create(
                username=person,
                password_hash=password_hash(),
                role=roles.get(person) or Role.EMPLOYEE,
                employee=employee,
            )
            w.add("User", user.id, Owner.USER, person)
    # the heads of the units, for the nested Employee edges (OrgUnit.manager)
    for unit_code, head in [("SH-SALES-1", "sh_lead"), ("SH", "sh_hr_person"), ("BJ", "bj_rep")]:
        w.units[unit_code].manager = w.people[head]
        await w.units[unit_code].save(update_fields=["manager_id"])
    await Employee.filter(id__in=[w.people[p].id for p in ("sh_rep", "sh_rep2")]).update(
        manager_id=w.people["sh_lead"].id
    )
    w.users["requester"] = await User.create(
        username="requester", password_hash=password_hash(), role=Role.HQ_HR
    )


async def _catalogue(w: MatrixWorld) -> None:
    kpi_new = await Kpi.create(code="NEW", name="新客户数", unit=KpiUnit.COUNT)
    kpi_conv = await Kpi.create(code="CONV", name="转化数", unit=KpiUnit.COUNT)
    for kpi in (kpi_new, kpi_conv):
        w.add("Kpi", kpi.id, Owner.NOBODY, None)
    await KpiValuation.create(kpi=kpi_new, value_per_unit=Decimal(100))
    category = await CompetencyCategory.create(code="SALES", name="销售能力")
    w.add("CompetencyCategory", category.id, Owner.NOBODY, None)
    levels = {str(i): f"level {i}" for i in range(1, 6)}
    competency = await Competency.create(
        code="PK", name="产品知识", category=category, levels=levels
    )
    w.add("Competency", competency.id, Owner.NOBODY, None)
    rep = await Position.get(code="REP")
    await RequiredLevel.create(competency=competency, position=rep, level=3)
    question = await Question.create(
        competency=competency,
        text="Q1",
        options=[{"key": "A", "text": "a"}, {"key": "B", "text": "b"}],
        correct=["A"],
    )
    test = await SkillTest.create(
        title="产品知识测试",
        competency=competency,
        question_ids=[question.id],
        level_thresholds={"1": 0, "3": 60, "5": 90},
    )
    w.add("SkillTest", test.id, Owner.NOBODY, None)
    online = await Course.create(
        code="ONL",
        title="产品知识",
        format=CourseFormat.ONLINE,
        duration_hours=Decimal(4),
        exam=test,
    )
    workshop = await Course.create(
        code="WS", title="提问工作坊", format=CourseFormat.WORKSHOP, duration_hours=Decimal(8)
    )
    gaps = await Course.create(  # closes everyone's gap: recommended to all
        code="ONL2", title="产品知识进阶", format=CourseFormat.ONLINE, duration_hours=Decimal(2)
    )
    for course in (online, workshop, gaps):
        w.add("Course", course.id, Owner.NOBODY, None)
        await CourseCompetency.create(course=course, competency=competency, target_level=4)
    soon = datetime.now(UTC) + timedelta(days=30)
    session = await CourseSession.create(
        course=workshop,
        starts_at=soon,
        ends_at=soon + timedelta(hours=8),
        place="上海",
        trainer="李老师",
        capacity=100,
    )
    w.add("CourseSession", session.id, Owner.NOBODY, None)
    company_trainer = await Trainer.create(
        kind=TrainerKind.EXTERNAL, name="李老师", email="li@example.com", daily_fee=Decimal(3000)
    )
    w.add("Trainer", company_trainer.id, Owner.NOBODY, None)
    await CourseSession.filter(id=session.id).update(registered_trainer_id=company_trainer.id)
    bonus = await TrainingTargetRule.create(  # everyone beats 5 % after the course: a bonus
        kind=TargetRuleKind.BONUS,
        course=online,
        kpi=kpi_new,
        threshold_percent=Decimal(5),
        bonus_amount=Decimal(100),
    )
    w.add("TrainingTargetRule", bonus.id, Owner.NOBODY, None)
    company_rule = await TriggerRule.create(
        name="全公司", kpi=kpi_new, threshold_percent=Decimal(50)
    )
    w.add("TriggerRule", company_rule.id, Owner.NOBODY, None)
    await AuditEntry.create(at=datetime.now(UTC), action=AuditAction.SIGN_IN, subject_type="User")
    for region in (None, "苏州"):  # the company default, and a region no unit is in
        rules = await new_rule_set(region=region)
        w.add("AttendanceRuleSet", rules.id, Owner.NOBODY, None)
    w._catalogue = Catalogue(
        kpi_new, kpi_conv, competency, test, online, workshop, session, category, rep, bonus
    )


async def _person_records(w: MatrixWorld, person: str, n: int) -> None:
    c, employee, user = w.cat, w.people[person], w.users[person]
    team = w.units[w.team_of(person)]
    for kpi, period in ((c.kpi_new, month(n)), (c.kpi_conv, CONV_MONTH)):
        record = await PerformanceRecord.create(
            employee=employee, kpi=kpi, period=period, value=Decimal(1)
        )
        w.add("PerformanceRecord", record.id, Owner.PERSON, person)
    target = await KpiTarget.create(
        kpi=c.kpi_new, period=month(n), employee=employee, value=Decimal(10)
    )
    w.add("KpiTarget", target.id, Owner.PERSON, person)
    rule = await TriggerRule.create(
        name=f"{person} rule", kpi=c.kpi_new, threshold_percent=Decimal(50), unit=team
    )
    w.add("TriggerRule", rule.id, Owner.UNIT, team.code)
    request = await AssessmentRequest.create(
        employee=employee,
        rule=rule,
        breach_start=month(n),
        breach_detected=month(n),
        achievement_percent=Decimal(10),
    )
    w.add("AssessmentRequest", request.id, Owner.PERSON, person)
    closed = await AssessmentRound.create(
        employee=employee,
        title="年度 360",
        deadline=date(2025, 6, 30),
        status=RoundStatus.CLOSED,
        competency_ids=[c.competency.id],
        request=request,
        created_by=w.users["requester"],
    )
    opened = await AssessmentRound.create(
        employee=employee,
        title="季度 360",
        deadline=date.today() + timedelta(days=30),
        competency_ids=[c.competency.id],
    )
    for round_ in (closed, opened):
        w.add("AssessmentRound", round_.id, Owner.PERSON, person)
    task = await RaterAssignment.create(round=opened, rater=employee, relation=RaterRelation.SELF)
    w.add("RaterTask", task.id, Owner.USER, person)
    attempt = await TestAttempt.create(
        test=c.test, employee=employee, answers={}, score=0, max_score=1, level=1
    )
    w.add("TestAttempt", attempt.id, Owner.PERSON, person)
    done = await Enrollment.create(
        course=c.online,
        employee=employee,
        status=EnrollmentStatus.COMPLETED,
        source=EnrollmentSource.SELF,
        enrolled_at=datetime(2025, 1, 2, tzinfo=UTC),
        completed_at=datetime(2025, 1, 15, tzinfo=UTC),
        exam_attempt=attempt,
        progress_percent=100,
    )
    booked = await Enrollment.create(
        course=c.workshop,
        session=c.session,
        employee=employee,
        status=EnrollmentStatus.ENROLLED,
        source=EnrollmentSource.HR,
        enrolled_at=datetime(2025, 2, 2, tzinfo=UTC),
    )
    for enrollment in (done, booked):
        w.add("Enrollment", enrollment.id, Owner.PERSON, person)
    job = await ImportJob.create(
        kind=ImportKind.KPI_RECORDS,
        file_name="kpi.csv",
        dry_run=True,
        status=ImportStatus.VALID,
        created_by=user,
    )
    w.add("ImportJob", job.id, Owner.USER, person)
    report = await ReportJob.create(
        format=ReportFormat.XLSX,
        parameters={},
        status=ReportStatus.DONE,
        progress=100,
        file_name=f"{person}.xlsx",
        content=b"figures of " + person.encode(),
        created_by=user,
    )
    w.add("ReportJob", report.id, Owner.USER, person)
    # the records: a contract ending within a month (expiringContracts), the onboarding
    # (so that recordOnboarding is refused once its checks pass), one line of each kind
    contract = await Contract.create(
        employee=employee,
        kind=ContractKind.FIXED_TERM,
        start_date=date(2020, 1, 1),
        end_date=date.today() + timedelta(days=20),
        signed_on=date(2019, 12, 20),
    )
    w.add("Contract", contract.id, Owner.PERSON, person)
    await EmploymentEvent.create(
        employee=employee,
        kind=EmploymentEventKind.ONBOARDING,
        effective_date=date(2020, 1, 1),
        to_unit_id=team.id,
    )
    # a transfer once asked for and rejected (employeeLifecycleChanges; nothing under way)
    await LifecycleChange.create(
        employee=employee,
        kind=LifecycleKind.TRANSFER,
        status=LifecycleStatus.REJECTED,
        effective_date=date(2021, 1, 1),
        from_unit_id=team.id,
        to_unit_id=team.id,
    )
    await Education.create(employee=employee, school="复旦大学", degree="本科")
    await WorkHistory.create(employee=employee, employer="某公司", title="专员")
    await EmergencyContact.create(
        employee=employee, name="家人", relationship="配偶", phone="13800138000"
    )
    for status, day in ((LeaveStatus.REJECTED, 2), (LeaveStatus.PENDING, 3)):
        leave = await new_leave_request(w, person, status, day)
        w.add("LeaveRequest", leave.id, Owner.PERSON, person)
    for ot_status, day in ((OvertimeStatus.REJECTED, 2), (OvertimeStatus.PENDING, 3)):
        overtime = await new_overtime_request(w, person, ot_status, day)
        w.add("OvertimeRequest", overtime.id, Owner.PERSON, person)
    export = await SensitiveExport.create(
        unit_id=employee.unit_id,
        reason="bank filing of the team",
        requested_by=user,
        status=ExportStatus.READY,
        row_count=1,
        progress=100,
        file_name=f"{person}.xlsx",
        content=b"numbers of " + person.encode(),
        ready_at=datetime.now(UTC),
        expires_at=datetime.now(UTC) + timedelta(hours=24),
    )
    w.add("SensitiveExport", export.id, Owner.USER, person)
    approval = await ApprovalRequest.create(
        request_type=RequestType.DATA_EXPORT,
        subject_id=export.id,
        title=f"{person} export",
        requester=w.users[person],
        employee=employee,
        unit_id=employee.unit_id,
        plan=[],
    )
    w.add("ApprovalRequest", approval.id, Owner.PERSON, person)
    w.tokens[person] = (
        await ApiToken.create(
            user=user,
            name=f"{person} token",
            token_hash=f"{n:064d}",
            prefix="tl_test",
            scopes=["read:people"],
            expires_at=datetime.now(UTC) + timedelta(days=30),
            revoked_at=datetime.now(UTC),
        )
    ).id


async def _team_records(w: MatrixWorld, code: str) -> None:
    c, unit = w.cat, w.units[code]
    target = await KpiTarget.create(kpi=c.kpi_conv, period=CONV_MONTH, unit=unit, value=Decimal(10))
    w.add("KpiTarget", target.id, Owner.UNIT, code)
    suspension = await PaySuspension.create(
        unit=unit,
        reason="新客户不足",
        suspended_from=SUSPENDED_FROM,
        condition_kind=ConditionKind.UNIT_TOTAL,
        condition_kpi=c.kpi_new,
        condition_threshold=Decimal(50),
        status=SuspensionStatus.RESTORE_REQUESTED,
    )
    w.add("PaySuspension", suspension.id, Owner.UNIT, code)
    request = await RestoreRequest.create(
        suspension=suspension,
        requested_by=w.users["requester"],
        restore_from=date(2025, 6, 1),
        evidence={},
        current_step=RestoreStep.HQ_HR,
    )
    w.add("RestoreRequest", request.id, Owner.UNIT, code)
    await RestoreDecision.create(
        request=request, step=RestoreStep.BRANCH_HEAD, approver=w.users["requester"], approved=True
    )
    plan = await TrainingPlan.create(
        unit=unit, year=2025, title=f"{code} plan", budget=Decimal(1000)
    )
    w.add("TrainingPlan", plan.id, Owner.UNIT, code)
    event = await ExternalEvent.create(
        unit=unit,
        kind=EventKind.OTHER,
        title=f"{code} event",
        period_from=CONV_MONTH,
        period_to=CONV_MONTH,
    )
    w.add("ExternalEvent", event.id, Owner.UNIT, code)
    trainer = await Trainer.create(
        kind=TrainerKind.EXTERNAL, name=f"{code} trainer", phone="13800000000", unit=unit
    )
    w.add("Trainer", trainer.id, Owner.UNIT, code)
    await RequiredLevel.create(competency=c.competency, position=c.position, unit=unit, level=4)
    rules = await new_rule_set(unit=unit)
    w.add("AttendanceRuleSet", rules.id, Owner.UNIT, code)
    location = await new_location(w, code)
    w.add("AttendanceLocation", location.id, Owner.UNIT, code)


PAY_MONTH = date(2025, 1, 1)
OPENING_YEAR = 2024  # the previous system's figures of a year before the runs here


async def _payroll_records(w: MatrixWorld) -> None:
    """A paid run per team, a payslip (with a line), a special deduction and the opening payroll
    figures of a year per person, a position's salary structure, a city table and the law's
    income-tax table."""
    table = await SocialInsuranceTable.create(
        city="上海",
        valid_from=date(2024, 7, 1),
        base_floor=Decimal(7310),
        base_ceiling=Decimal(36549),
        fund_floor=Decimal(2690),
        fund_ceiling=Decimal(36549),
    )
    await SocialInsuranceRate.create(
        table=table, component=Component.PENSION, employee_rate=Decimal("0.08"),
        employer_rate=Decimal("0.16"),
    )  # fmt: skip
    await seed_tax_tables()
    structure = await SalaryStructure.create(position=w.cat.position, effective_from=PAY_MONTH)
    await SalaryComponent.create(
        structure=structure, kind=ComponentKind.BASE, name="基本工资",
        method=ComponentMethod.EMPLOYEE_BASE,
    )  # fmt: skip
    money = Decimal(1)
    for code, members in TEAMS.items():
        run = await PayrollRun.create(
            unit=w.units[code], month=PAY_MONTH, status=RunStatus.PAID, job_status=JobStatus.DONE
        )
        w.add("PayrollRun", run.id, Owner.UNIT, code)
        for person in members:
            employee = w.people[person]
            slip = await Payslip.create(
                run=run, employee=employee, month=PAY_MONTH, gross=money, income=money,
                employee_contributions=money, special_additional=money, tax=money, net=money,
                employer_contributions=money, months_employed=1, cumulative_income=money,
                cumulative_basic=money, cumulative_special=money, cumulative_additional=money,
                cumulative_taxable=money, cumulative_tax=money, withheld_before=money,
                tax_rate=Decimal("0.03"), quick_deduction=money,
            )  # fmt: skip
            await PayslipLine.create(
                payslip=slip, order=0, section=LineSection.EARNING, code="base",
                label_zh="基本工资", label_en="Base salary", amount=money,
            )  # fmt: skip
            w.add("Payslip", slip.id, Owner.PERSON, person)
            await SpecialDeduction.create(
                employee=employee, kind=DeductionKind.HOUSING_LOAN, monthly_amount=Decimal(1000),
                valid_from=PAY_MONTH,
            )  # fmt: skip
            opening = await PayrollOpening.create(
                employee=employee, year=OPENING_YEAR, last_month=6, months_employed=6,
                income=money, contributions=money, special_additional=money, tax=money,
            )  # fmt: skip
            w.add("PayrollOpening", opening.id, Owner.PERSON, person)


async def new_event(w: MatrixWorld, code: str) -> ExternalEvent:
    """A fresh event for a probe that deletes one."""
    return await ExternalEvent.create(
        unit=w.units[code],
        kind=EventKind.OTHER,
        title="to delete",
        period_from=CONV_MONTH,
        period_to=CONV_MONTH,
    )


async def team_rule(w: MatrixWorld, code: str) -> TriggerRule:
    """A trigger rule of the team (each team has its people's), for a probe that changes one."""
    rule = await TriggerRule.filter(unit_id=w.units[code].id).order_by("id").first()
    assert rule is not None
    return rule


async def team_trainer(w: MatrixWorld, code: str) -> Trainer:
    """The team's trainer, for a probe that changes one."""
    trainer = await Trainer.filter(unit_id=w.units[code].id).order_by("id").first()
    assert trainer is not None
    return trainer


async def new_education(w: MatrixWorld, person: str) -> Education:
    """A fresh line of a person's record, for a probe that removes one."""
    return await Education.create(employee=w.people[person], school="to remove", degree="x")


async def new_restore_request(w: MatrixWorld, code: str) -> RestoreRequest:
    """A fresh request waiting for HQ HR, for a probe that decides one."""
    suspension = await PaySuspension.get(unit_id=w.units[code].id)
    return await RestoreRequest.create(
        suspension=suspension,
        requested_by=w.users["requester"],
        restore_from=date(2025, 6, 1),
        evidence={},
        current_step=RestoreStep.HQ_HR,
    )


async def new_rule_set(
    *, unit: OrgUnit | None = None, region: str | None = None
) -> AttendanceRuleSet:
    return await AttendanceRuleSet.create(
        name=f"{unit.code if unit else region or 'default'} rules",
        unit=unit,
        region=region,
        work_start_minute=9 * 60,
        work_end_minute=18 * 60,
    )


async def new_location(w: MatrixWorld, code: str) -> AllowedLocation:
    """A team's place to clock in (also fresh, for a probe that removes one)."""
    return await AllowedLocation.create(
        unit=w.units[code], name=f"{code} office", latitude=31.2, longitude=121.5, radius_meters=200
    )


async def new_leave_request(
    w: MatrixWorld, person: str, status: LeaveStatus = LeaveStatus.PENDING, day: int = 4
) -> LeaveRequest:
    """A person's leave request (also fresh and pending, for a probe that decides one)."""
    return await LeaveRequest.create(
        employee=w.people[person],
        leave_type=LeaveType.PERSONAL,
        start_date=date(2025, 3, day),
        end_date=date(2025, 3, day),
        days=1,
        status=status,
        requested_by=w.users[person],
    )


async def new_overtime_request(
    w: MatrixWorld, person: str, status: OvertimeStatus = OvertimeStatus.PENDING, day: int = 4
) -> OvertimeRequest:
    """A person's overtime request (also fresh and pending, for a probe that decides one)."""
    return await OvertimeRequest.create(
        employee=w.people[person],
        date=date(2025, 3, day),
        hours=Decimal(2),
        status=status,
        requested_by=w.users[person],
    )


async def _recruitment_records(w: MatrixWorld) -> None:
    """Per team an approved requisition, its open posting and an accepted candidate's
    application; per person an onboarding checklist item (as if hired through it)."""
    for code, members in TEAMS.items():
        requisition = await Requisition.create(
            unit=w.units[code],
            position=w.cat.position,
            headcount=1,
            budget=Decimal(100000),
            status=RequisitionStatus.APPROVED,
        )
        w.add("Requisition", requisition.id, Owner.UNIT, code)
        posting = await Posting.create(
            requisition=requisition, unit=w.units[code], title=f"{code} rep"
        )
        w.add("Posting", posting.id, Owner.UNIT, code)
        application = await _application(w, code, Stage.ACCEPTED)
        w.add("Application", application.id, Owner.UNIT, code)
        for person in members:
            await OnboardingTask.create(
                application=application, employee=w.people[person], key="orientation", title="x"
            )


async def _application(w: MatrixWorld, code: str, stage: Stage) -> Application:
    posting = await Posting.filter(unit_id=w.units[code].id).first()
    assert posting is not None
    candidate = await Candidate.create(name=f"{code} candidate", email=f"{code.lower()}@x.cn")
    return await Application.create(
        candidate=candidate, posting=posting, unit_id=posting.unit_id,
        source=CandidateSource.OTHER, stage=stage, furthest=3,
    )  # fmt: skip


async def new_interview(w: MatrixWorld, person: str) -> Interview:
    """An interview in the person's team where the person is the interviewer."""
    application = await _application(w, w.team_of(person), Stage.INTERVIEW)
    interview = await Interview.create(
        application=application, title="x", scheduled_at=datetime(2025, 3, 3, tzinfo=UTC)
    )
    await Scorecard.create(interview=interview, interviewer=w.users[person])
    return interview


async def new_onboarding_task(w: MatrixWorld, code: str) -> OnboardingTask:
    application = await Application.filter(unit_id=w.units[code].id).first()
    assert application is not None
    return await OnboardingTask.create(application=application, title="x")


async def new_user(w: MatrixWorld, person: str) -> User:
    """A second account of a person, for a probe that resets or unlocks one (changing the
    person's own account would end the sessions the test signs in with)."""
    return await User.create(
        username=f"{person}.{len(w.users)}.{await User.all().count()}",
        password_hash=password_hash(),
        role=Role.EMPLOYEE,
        employee=w.people[person],
    )
