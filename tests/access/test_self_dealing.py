"""Nobody changes what a control protects about themselves (Issue 18, point 3): HR do not raise
their own pay, change their own job or working time, enter their own results or calibrate
their own scores; a team lead does not set their own target. Each answers SELF_DEALING and
writes nothing, while the same change about someone else goes through. (Payroll runs that pay
their approver: tests/payroll/test_self_dealing.py; every such mutation for every role:
test_matrix.py.)"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest

from talentloop.access.matrix import MUTATIONS, Target
from talentloop.access.self_dealing import REFUSES_SELF
from talentloop.accounts.models import Role
from talentloop.attendance.models import AttendanceProfile, Punch
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.payroll.models import PayrollItem, SalaryStructure
from talentloop.people.models import Employee
from talentloop.performance.models import Kpi, KpiTarget, KpiUnit, PerformanceRecord
from talentloop.records.models import Contract
from talentloop.skills.models import AssessmentRound, Calibration, Competency, CompetencyCategory
from tests.support import Api, World, gid

SELF_DEALING = "SELF_DEALING"
UPDATE = """mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { baseSalary birthDate } errors { field code } }
}"""


async def _errors(api: Api, world: World, user: str, mutation: str) -> list[dict[str, Any]]:
    """The payload's errors of a one-field mutation text, asked as `user`."""
    name = mutation.split("(", 1)[0].strip()
    data = await api.data(
        f"mutation {{ {mutation} {{ errors {{ field code }} }} }}", as_=world.users[user]
    )
    return list(data[name]["errors"])


async def test_hr_cannot_raise_their_own_base_salary_but_keeps_their_details_up_to_date(
    api: Api, world: World
) -> None:
    me = world.people["hq_hr_person"]
    await Employee.filter(id=me.id).update(base_salary=Decimal(17500))
    raised = await api.data(
        UPDATE, {"input": {"id": gid(me), "baseSalary": "99999"}}, as_=world.users["hq_hr"]
    )
    assert raised["updateEmployee"]["errors"] == [{"field": "baseSalary", "code": SELF_DEALING}]
    assert (await Employee.get(id=me.id)).base_salary == Decimal(17500)
    # The attempt is on the audit trail, as every refused mutation is.
    attempt = await AuditEntry.get(action=AuditAction.ACCESS_DENIED)
    assert (attempt.actor_user_id, attempt.subject_type, attempt.field) == (
        world.users["hq_hr"].id,
        "updateEmployee",
        "baseSalary",
    )
    # Their own personal details are theirs to change, and the unchanged pay sent along with
    # them (as a form sends it) is no change.
    own = await api.data(
        UPDATE,
        {"input": {"id": gid(me), "birthDate": "1990-02-02", "baseSalary": "17500"}},
        as_=world.users["hq_hr"],
    )
    assert own["updateEmployee"] == {
        "employee": {"baseSalary": "17500.00", "birthDate": "1990-02-02"},
        "errors": [],
    }
    # Someone else's pay: as before.
    other = await api.data(
        UPDATE,
        {"input": {"id": gid(world.people["sh_rep"]), "baseSalary": "9000"}},
        as_=world.users["hq_hr"],
    )
    assert other["updateEmployee"] == {
        "employee": {"baseSalary": "9000.00", "birthDate": "1990-01-01"},
        "errors": [],
    }


@pytest.mark.parametrize("field", ["positionId", "managerId", "status"])
async def test_hr_cannot_change_their_own_position_manager_or_status(
    api: Api, world: World, field: str
) -> None:
    me = world.people["sh_hr_person"]
    value = {
        "positionId": gid(world.positions["MGR"]),
        "managerId": gid(world.people["sh_sales_head"]),
        "status": "ON_LEAVE",
    }[field]
    data = await api.data(
        UPDATE, {"input": {"id": gid(me), field: value}}, as_=world.users["branch_hr"]
    )
    assert data["updateEmployee"]["errors"] == [{"field": field, "code": SELF_DEALING}]
    after = await Employee.get(id=me.id)
    assert (after.position_id, after.manager_id, after.version) == (
        me.position_id,
        me.manager_id,
        me.version,
    )


async def test_hr_cannot_set_their_own_salary_structure_or_add_to_their_own_pay(
    api: Api, world: World
) -> None:
    me, rep = gid(world.people["hq_hr_person"]), gid(world.people["sh_rep"])
    structure = (
        'setEmployeeSalaryStructure(input: {{employeeId: "{}", effectiveFrom: "2026-01-01", '
        'components: [{{kind: BASE, name: "基本工资", method: FIXED, amount: "99999"}}]}})'
    )
    bonus = (
        'addPayrollItem(input: {{employeeId: "{}", month: "2026-01-01", kind: BONUS, '
        'amount: "50000"}})'
    )
    assert await _errors(api, world, "hq_hr", structure.format(me)) == [
        {"field": "employeeId", "code": SELF_DEALING}
    ]
    assert await _errors(api, world, "hq_hr", bonus.format(me)) == [
        {"field": "employeeId", "code": SELF_DEALING}
    ]
    mine = world.people["hq_hr_person"].id
    assert not await SalaryStructure.filter(employee_id=mine).exists()
    assert not await PayrollItem.filter(employee_id=mine).exists()
    assert await _errors(api, world, "hq_hr", structure.format(rep)) == []
    assert await _errors(api, world, "hq_hr", bonus.format(rep)) == []


async def test_special_deductions_are_the_employees_own_declaration_even_for_hr(
    api: Api, world: World
) -> None:
    me = gid(world.people["hq_hr_person"])
    mutation = (
        f'addSpecialDeduction(input: {{employeeId: "{me}", kind: CHILD_EDUCATION, '
        'validFrom: "2026-01-01", count: 1})'
    )
    assert await _errors(api, world, "hq_hr", mutation) == []


async def test_a_team_lead_cannot_set_their_own_kpi_target_nor_hr_enter_their_own_results(
    api: Api, world: World
) -> None:
    kpi = gid(await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT))
    lead, rep = gid(world.people["sh_sales_head"]), gid(world.people["sh_rep"])
    target = (
        'setKpiTarget(input: {{kpiId: "{}", period: "2026-01-01", value: "1", employeeId: "{}"}})'
    )
    assert await _errors(api, world, "manager", target.format(kpi, lead)) == [
        {"field": "employeeId", "code": SELF_DEALING}
    ]
    assert not await KpiTarget.filter(employee_id=world.people["sh_sales_head"].id).exists()
    assert await _errors(api, world, "manager", target.format(kpi, rep)) == []
    record = 'recordPerformance(input: {{employeeId: "{}", kpiId: "{}", period: "2026-01-01", value: "999"}})'
    me = gid(world.people["sh_hr_person"])
    assert await _errors(api, world, "branch_hr", record.format(me, kpi)) == [
        {"field": "employeeId", "code": SELF_DEALING}
    ]
    assert not await PerformanceRecord.filter(employee_id=world.people["sh_hr_person"].id).exists()
    assert await _errors(api, world, "branch_hr", record.format(rep, kpi)) == []


async def test_hr_cannot_calibrate_their_own_competencies_nor_start_a_round_about_themselves(
    api: Api, world: World
) -> None:
    category = await CompetencyCategory.create(code="SALES", name="销售能力")
    levels = ["1", "2", "3", "4", "5"]
    competency = gid(
        await Competency.create(code="PK", name="产品知识", category=category, levels=levels)
    )
    me, rep = gid(world.people["sh_hr_person"]), gid(world.people["sh_rep"])
    calibrate = 'calibrateCompetency(input: {{employeeId: "{}", competencyId: "{}", level: "5", reason: "excellent"}})'
    assert await _errors(api, world, "branch_hr", calibrate.format(me, competency)) == [
        {"field": "employeeId", "code": SELF_DEALING}
    ]
    assert await _errors(api, world, "branch_hr", calibrate.format(rep, competency)) == []
    assert await Calibration.filter(employee_id=world.people["sh_hr_person"].id).count() == 0
    # A 360° round about oneself would have one choose one's own raters.
    start = 'startAssessmentRound(input: {{employeeId: "{}", title: "360", deadline: "2099-01-01", competencyIds: ["{}"]}})'
    assert await _errors(
        api, world, "manager", start.format(gid(world.people["sh_sales_head"]), competency)
    ) == [{"field": "employeeId", "code": SELF_DEALING}]
    assert not await AssessmentRound.filter(employee_id=world.people["sh_sales_head"].id).exists()


@pytest.mark.parametrize(
    "mutation",
    [
        pytest.param('transferEmployee(input: {{id: "{me}", unitId: "{unit}"}})', id="transfer"),
        pytest.param(
            'terminateEmployee(input: {{id: "{me}", terminationDate: "2026-12-31", reason: "x"}})',
            id="terminate",
        ),
        pytest.param(
            'recordTransfer(input: {{employeeId: "{me}", unitId: "{unit}", '
            'effectiveDate: "2026-12-01"}})',
            id="recordTransfer",
        ),
        pytest.param(
            'recordResignation(input: {{employeeId: "{me}", effectiveDate: "2026-12-31"}})',
            id="recordResignation",
        ),
        pytest.param(
            'signContract(input: {{employeeId: "{me}", kind: OPEN_ENDED, '
            'startDate: "2026-12-01", signedOn: "2026-12-01"}})',
            id="signContract",
        ),
        pytest.param(
            'setWorkStartDate(employeeId: "{me}", workStartDate: "2000-01-01")',
            id="setWorkStartDate",
        ),
        pytest.param(
            'requestTransfer(input: {{employeeId: "{me}", unitId: "{unit}", '
            'effectiveDate: "2026-12-01"}})',
            id="requestTransfer",
        ),
        pytest.param(
            'requestTermination(input: {{employeeId: "{me}", kind: RESIGNATION, '
            'lastDay: "2026-12-31", reason: "x"}})',
            id="requestTermination",
        ),
    ],
)
async def test_hr_cannot_move_end_contract_or_date_their_own_employment(
    api: Api, world: World, mutation: str
) -> None:
    me = world.people["sh_hr_person"]
    text = mutation.format(me=gid(me), unit=gid(world.units["SH-SALES"]))
    errors = await _errors(api, world, "branch_hr", text)
    assert [e["code"] for e in errors] == [SELF_DEALING]
    after = await Employee.get(id=me.id)
    assert (after.unit_id, after.status, after.version) == (me.unit_id, me.status, me.version)
    assert not await Contract.filter(employee_id=me.id).exists()
    assert not await AttendanceProfile.filter(employee_id=me.id).exists()
    # The same change about a colleague goes through.
    other = mutation.format(me=gid(world.people["sh_worker"]), unit=gid(world.units["SH-SALES"]))
    assert await _errors(api, world, "branch_hr", other) == []


def _file(rows: list[list[str]]) -> str:
    return base64.b64encode("\n".join(",".join(r) for r in rows).encode()).decode()


async def _import_errors(api: Api, world: World, kind: str, rows: list[list[str]]) -> list[Any]:
    data = await api.data(
        "mutation($i: ImportDataInput!) { importData(input: $i) { errors { code } "
        "job { errors { row column code } } } }",
        {"i": {"kind": kind, "fileName": "rows.csv", "contentBase64": _file(rows)}},
        as_=world.users["branch_hr"],
    )
    assert data["importData"]["errors"] == [], data
    return list(data["importData"]["job"]["errors"])


async def test_imports_refuse_rows_about_the_importer(api: Api, world: World) -> None:
    await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    me, rep = world.people["sh_hr_person"], world.people["sh_rep"]
    records = [
        ["employee_number", "kpi_code", "period", "value"],
        [rep.employee_number, "NC", "2026-01", "3"],
        [me.employee_number, "NC", "2026-01", "999"],
    ]
    assert await _import_errors(api, world, "KPI_RECORDS", records) == [
        {"row": 3, "column": "employee_number", "code": SELF_DEALING}
    ]
    targets = [
        ["employee_number", "kpi_code", "period", "value"],
        [me.employee_number, "NC", "2026-01", "0"],
    ]
    assert await _import_errors(api, world, "TARGETS", targets) == [
        {"row": 2, "column": "employee_number", "code": SELF_DEALING}
    ]
    employees = [
        ["employee_number", "name", "unit_code", "hire_date", "base_salary"],
        [me.employee_number, me.name, "SH-HR", "2020-01-01", "99999"],
    ]
    assert await _import_errors(api, world, "EMPLOYEES", employees) == [
        {"row": 2, "column": "employee_number", "code": SELF_DEALING}
    ]
    assert (await Employee.get(id=me.id)).base_salary == me.base_salary
    assert not await PerformanceRecord.filter(employee_id=me.id).exists()


async def test_a_punch_file_cannot_carry_the_importers_own_punches(api: Api, world: World) -> None:
    me, rep = world.people["sh_hr_person"], world.people["sh_rep"]
    rows = [
        ["employee_number", "punched_at"],
        [rep.employee_number, "2026-03-03 09:00"],
        [me.employee_number, "2026-03-03 08:30"],
    ]
    data = await api.data(
        "mutation($i: ImportPunchesInput!) { importPunches(input: $i) { imported "
        "rowErrors { row column code } } }",
        {"i": {"contentBase64": _file(rows), "dryRun": False}},
        as_=world.users["branch_hr"],
    )
    assert data["importPunches"] == {
        "imported": 0,
        "rowErrors": [{"row": 3, "column": "employee_number", "code": SELF_DEALING}],
    }
    assert not await Punch.filter(employee_id=me.id).exists()


def test_every_change_refused_about_oneself_is_about_a_person() -> None:
    """The matrix asks each of them at the relation `self`: a unit's never is (a user account
    is its person's)."""
    for name in REFUSES_SELF:
        rule = MUTATIONS[name]
        assert rule.target is Target.PERSON or rule.record_type in (
            "Enrollment",
            "User",
            "Contract",
        ), name


async def test_deciding_several_at_once_never_decides_ones_own_even_as_a_delegate(
    api: Api, world: World
) -> None:
    """decideApprovals takes decideApproval's checks item by item: a delegate of the manager
    who holds the task on their own leave is refused that one, and only that one."""
    from datetime import timedelta

    from talentloop.approvals import service as approvals
    from talentloop.attendance.models import LeaveRequest, LeaveStatus
    from tests.support import add_user

    await add_user(world, "rep2", Role.EMPLOYEE, "sh_rep2")
    asked = []
    for user, day in (("employee", "2026-12-14"), ("rep2", "2026-12-15")):
        data = await api.data(
            "mutation($i: RequestLeaveInput!) { requestLeave(input: $i) { leaveRequest { id } } }",
            {"i": {"leaveType": "PERSONAL", "startDate": day, "endDate": day}},
            as_=world.users[user],
        )
        asked.append(data["requestLeave"]["leaveRequest"]["id"])
    today = approvals.china_today()
    delegated = await api.data(
        "mutation($i: DelegationInput!) { delegateApprovals(input: $i) { errors { code } } }",
        {
            "i": {
                "toEmployeeId": gid(world.people["sh_rep"]),
                "startDate": str(today - timedelta(days=1)),
                "endDate": str(today + timedelta(days=2)),
            }
        },
        as_=world.users["manager"],
    )
    assert delegated["delegateApprovals"]["errors"] == []
    waiting = (
        await api.data("query { myApprovals { id subjectId } }", as_=world.users["manager"])
    )["myApprovals"]
    by_leave = {r["subjectId"]: r["id"] for r in waiting}
    done = await api.data(
        "mutation($i: DecideApprovalsInput!) { decideApprovals(input: $i) { "
        "results { ok errors { field code message } } } }",
        {"i": {"ids": [by_leave[asked[0]]], "decision": "APPROVE"}},
        as_=world.users["employee"],
    )
    assert done["decideApprovals"]["results"] == [
        {
            "ok": False,
            "errors": [
                {
                    "field": "ids.0",
                    "code": "FORBIDDEN",
                    "message": "You may not decide your own request.",
                }
            ],
        }
    ]
    assert (await LeaveRequest.get(employee_id=world.people["sh_rep"].id)).status is (
        LeaveStatus.PENDING
    )
