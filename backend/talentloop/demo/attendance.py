"""Company A's attendance: rule sets that differ by branch (Shanghai allows 5 minutes' grace,
Shenzhen 15 and starts at 8:30, Beijing follows its region's rules, the Shanghai assembly
line works comprehensive hours), phone clock-in locations, when everyone started working,
three months of punches for two sales teams, some leave, and overtime requests (Shanghai's
flow: the manager; every rule set keeps `overtime_needs_approval` off, so the requests change
no figure of the sheets)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from talentloop.access.policy import SYSTEM
from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import Role, User
from talentloop.approvals import service as approvals
from talentloop.approvals.models import ApprovalFlow, ApprovalStep, ApproverRule, RequestType
from talentloop.attendance import overtime
from talentloop.attendance.calendar import DayKind, day_kind
from talentloop.attendance.models import (
    AllowedLocation,
    AttendanceProfile,
    AttendanceRuleSet,
    HoursSystem,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    OvertimeRequest,
    OvertimeStatus,
    Punch,
    PunchSource,
)
from talentloop.attendance.results import CHINA
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee

SEED = 20261101
FIRST_DAY = date(2026, 9, 1)
LAST_DAY = date(2026, 11, 27)  # the demo's "yesterday" (demo.training: TODAY = 2026-11-28)

# (unit code or None, region or None, name, hours system, start, end, grace, absent after)
RULE_SETS = [
    (None, None, "A 公司标准工时", HoursSystem.STANDARD, (9, 0), (18, 0), 10, 120),
    ("SH", None, "上海分公司考勤规则", HoursSystem.STANDARD, (9, 0), (18, 0), 5, 60),
    ("SZ", None, "深圳分公司考勤规则", HoursSystem.STANDARD, (8, 30), (17, 30), 15, 30),
    (None, "北京", "北京地区考勤规则", HoursSystem.STANDARD, (9, 0), (18, 0), 10, 90),
    (
        "SH-PROD-LINE",
        None,
        "上海装配线综合工时",
        HoursSystem.COMPREHENSIVE,
        (8, 0),
        (17, 0),
        0,
        120,
    ),
]
LOCATIONS = [
    ("HQ", "杭州总部 · 钱江新城", 30.2458, 120.2102, 300),
    ("SH", "上海分公司 · 张江办公楼", 31.2035, 121.5906, 300),
    ("BJ", "北京分公司 · 中关村", 39.9834, 116.3161, 300),
    ("SZ", "深圳分公司 · 南山科技园", 22.5405, 113.9345, 500),
]
PUNCH_TEAMS = ["SH-SALES-1", "SZ-SALES-1"]


async def load_attendance_story(progress: Callable[[str], None] = lambda _m: None) -> None:
    progress("attendance…")
    rng = random.Random(SEED)
    units = {u.code: u for u in await OrgUnit.all()}
    for code, region, name, system, start, end, grace, absent in RULE_SETS:
        await AttendanceRuleSet.create(
            name=name,
            unit=units[code] if code else None,
            region=region,
            hours_system=system,
            work_start_minute=start[0] * 60 + start[1],
            work_end_minute=end[0] * 60 + end[1],
            break_start_minute=12 * 60,
            break_end_minute=13 * 60,
            grace_minutes=grace,
            late_absent_minutes=absent,
            early_absent_minutes=absent,
        )
    for code, name, lat, lon, radius in LOCATIONS:
        await AllowedLocation.create(
            unit=units[code], name=name, latitude=lat, longitude=lon, radius_meters=radius
        )

    employees = await Employee.all().order_by("employee_number")
    await AttendanceProfile.bulk_create(
        [
            AttendanceProfile(
                employee_id=e.id,
                # Worked elsewhere for 0 to 22 years before joining.
                work_start_date=e.hire_date - timedelta(days=rng.randint(0, 22 * 365)),
            )
            for e in employees
        ]
    )

    starts = {
        r.unit_id: (r.work_start, r.work_end)
        for r in await AttendanceRuleSet.filter(unit_id__isnull=False)
    }
    team_people = (
        await Employee.filter(unit__code__in=PUNCH_TEAMS)
        .select_related("unit")
        .order_by("employee_number")
    )
    punches: list[Punch] = []
    for person in team_people:
        branch_id = person.unit.ancestor_ids()[1]
        shift_start, shift_end = starts[branch_id]
        punctual = rng.random()  # some people are late more often than others
        day = max(FIRST_DAY, person.hire_date)
        while day <= LAST_DAY:
            kind = day_kind(day)
            if kind is DayKind.WORKDAY:
                if rng.random() < 0.03:  # a forgotten day
                    day += timedelta(days=1)
                    continue
                late = rng.random() < 0.12 * (1 - punctual)
                arrive = rng.gauss(22 if late else -12, 10 if late else 6)
                leave = rng.gauss(40, 35) if rng.random() < 0.5 else rng.gauss(8, 6)
                punches.append(_punch(person, day, shift_start, arrive, PunchSource.DEVICE))
                if rng.random() > 0.02:  # now and then the clock-out is missing
                    punches.append(
                        _punch(person, day, shift_end, max(-20, leave), PunchSource.DEVICE)
                    )
            elif rng.random() < 0.06:  # a Saturday at a trade fair, a holiday on call
                punches.append(_punch(person, day, time(9, 0), rng.gauss(0, 5), PunchSource.MOBILE))
                punches.append(
                    _punch(person, day, time(13, 0), rng.gauss(30, 20), PunchSource.MOBILE)
                )
            day += timedelta(days=1)
    await Punch.bulk_create(punches)

    # Leave: approved annual leave around National Day, a sick day, one request waiting.
    # The demo account employee.shanghai.sales: the first sales rep of Shanghai's first team.
    rep = (
        await Employee.filter(unit__code="SH-SALES-1", position__code="SAL-REP")
        .order_by("employee_number")
        .first()
    )
    assert rep is not None
    reps = [
        p
        for team in PUNCH_TEAMS
        for p in [q for q in team_people if q.unit.code == team and q.manager_id][:3]
    ]
    for i, person in enumerate(reps):
        start_day = date(2026, 10, 8) if i % 2 == 0 else date(2026, 9, 28)
        end_day = start_day + timedelta(days=1)
        await LeaveRequest.create(
            employee_id=person.id,
            leave_type=LeaveType.SICK if i % 3 == 2 else LeaveType.ANNUAL,
            start_date=start_day,
            end_date=end_day,
            days=sum(1 for d in (start_day, end_day) if day_kind(d) is DayKind.WORKDAY),
            reason="感冒" if i % 3 == 2 else "国庆前后休假",
            status=LeaveStatus.APPROVED,
            decided_at=datetime(2026, 9, 20, 2, 0, tzinfo=UTC),
        )
    # Shanghai's own leave flow: the manager; branch HR from 2 days; the branch head beyond 3.
    flow = await ApprovalFlow.create(
        request_type=RequestType.LEAVE, unit=units["SH"], name="上海分公司请假审批"
    )
    for position, rule, extra in (
        (0, ApproverRule.MANAGER, {}),
        (1, ApproverRule.ROLE, {"role": Role.BRANCH_HR, "days_over": 1}),
        (2, ApproverRule.BRANCH_HEAD, {"days_over": 3}),
    ):
        await ApprovalStep.create(flow=flow, position=position, rule=rule, **extra)
    waiting = await LeaveRequest.create(
        employee_id=rep.id,
        leave_type=LeaveType.PERSONAL,
        start_date=date(2026, 12, 11),
        end_date=date(2026, 12, 11),
        days=1,
        reason="家中有事",
        status=LeaveStatus.PENDING,
    )
    rep_user = await User.filter(employee_id=rep.id).first()
    await approvals.submit(
        SYSTEM,
        RequestType.LEAVE,
        waiting.id,
        unit=await OrgUnit.get(id=rep.unit_id),
        employee_id=rep.id,
        title="personal 2026-12-11–2026-12-11",
        days=1,
        requester_id=rep_user.id if rep_user is not None else None,
    )
    assert rep_user is not None
    await _overtime(rep, rep_user, units)


async def _overtime(rep: Employee, rep_user: User, units: dict[str, OrgUnit]) -> None:
    """Shanghai's overtime flow (the manager), one request approved in November and one for a
    Saturday trade fair waiting for manager.shanghai.sales."""
    flow = await ApprovalFlow.create(
        request_type=RequestType.OVERTIME, unit=units["SH"], name="上海分公司加班审批"
    )
    await ApprovalStep.create(flow=flow, position=0, rule=ApproverRule.MANAGER)
    manager = await User.get(username="manager.shanghai.sales")
    await OvertimeRequest.create(
        employee_id=rep.id,
        date=date(2026, 11, 20),
        hours=Decimal(2),
        reason="季度末客户报价",
        status=OvertimeStatus.APPROVED,
        requested_by_id=rep_user.id,
        decided_by_id=manager.id,
        decided_at=datetime(2026, 11, 19, 6, 0, tzinfo=UTC),
    )
    await overtime.request_overtime(
        await load_viewer(rep_user.id),
        day=date(2026, 12, 5),  # a Saturday: 200 % (劳动法 art. 44 (2))
        hours=Decimal(6),
        reason="上海车展客户接待",
    )


def _punch(
    person: Employee, day: date, clock: time, offset_minutes: float, source: PunchSource
) -> Punch:
    moment = datetime.combine(day, clock, tzinfo=CHINA) + timedelta(minutes=round(offset_minutes))
    return Punch(employee_id=person.id, punched_at=moment.astimezone(UTC), source=source)
