"""The employee record feeds payroll (issue 21 point 2, payroll/inputs.py): a hire, an edit of the
base salary or position, a transfer taking effect, a last day, a rehire and an employee import
each mark the draft or reviewed runs of the months and units they reach out of date — and no
other — and such a run is not submitted or approved until it is recomputed."""

from __future__ import annotations

import ast
import base64
from datetime import date
from pathlib import Path

from talentloop.accounts.models import User
from talentloop.accounts.sessions import china_today
from talentloop.approvals.models import ApprovalTask, RequestType, TaskStatus
from talentloop.approvals.service import request_for_subject
from talentloop.payroll import inputs, service
from talentloop.payroll.models import PayrollRun, RunStatus
from talentloop.payroll.months import add_months
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.records.models import Contract, ContractKind
from tests.payroll.conftest import FEB, MAR, Pay, finish
from tests.support import Api, approved_change, gid

APR = date(2026, 4, 1)

RUN = "query($id: ID!) { payrollRun(id: $id) { status outOfDate outOfDateReasons } }"
SUBMIT = "mutation($id: ID!) { submitPayrollRun(id: $id) { run { status } errors { code } } }"
END_CONTRACT = """mutation ($i: EndContractInput!) {
  endContract(input: $i) { contract { endDate } errors { field code } } }"""
APPROVE = "mutation($id: ID!) { approvePayrollRun(id: $id) { run { status } errors { code } } }"
RECOMPUTE = "mutation($id: ID!) { recomputePayrollRun(id: $id) { run { status } errors { code } } }"
UPDATE = """mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { id } errors { field code } } }"""
CREATE = """mutation($input: CreateEmployeeInput!) {
  createEmployee(input: $input) { employee { id } errors { field code } } }"""
REHIRE = """mutation($input: RehireEmployeeInput!) {
  rehireEmployee(input: $input) { event { kind } errors { field code } } }"""
IMPORT = """mutation($content: String!) {
  importData(input: {kind: EMPLOYEES, fileName: "people.csv", contentBase64: $content,
                     dryRun: false}) {
    job { status errors { row column message code } } errors { field code } } }"""


async def _reasons(api: Api, pay: Pay, run: PayrollRun) -> list[str]:
    """The run's reasons as HR read them through the API (in English)."""
    data = await api.data(RUN, {"id": gid(run)}, as_=pay.world.users["branch_hr"])
    found = data["payrollRun"]
    assert found["outOfDate"] is bool(found["outOfDateReasons"])
    reasons: list[str] = found["outOfDateReasons"]
    return reasons


async def _approver(run: PayrollRun) -> User:
    approval = await request_for_subject(RequestType.PAYROLL_RUN, run.id)
    assert approval is not None
    task = await ApprovalTask.get(request_id=approval.id, status=TaskStatus.PENDING)
    return await User.get(id=task.approver_id)


async def _blocked_until_recomputed(api: Api, pay: Pay, run: PayrollRun) -> PayrollRun:
    """The run is refused (submitting a draft, approving one under review) with OUT_OF_DATE;
    recomputed through the API, it has no reason left and is submitted."""
    hr = pay.world.users["branch_hr"]
    run = await PayrollRun.get(id=run.id)
    if run.status is RunStatus.DRAFT:
        refused = await api.data(SUBMIT, {"id": gid(run)}, as_=hr)
        assert refused["submitPayrollRun"]["errors"] == [{"code": "OUT_OF_DATE"}]
    else:
        assert run.status is RunStatus.REVIEW
        refused = await api.data(APPROVE, {"id": gid(run)}, as_=await _approver(run))
        assert refused["approvePayrollRun"]["errors"] == [{"code": "OUT_OF_DATE"}]
        assert (await PayrollRun.get(id=run.id)).status is RunStatus.REVIEW
    again = await api.data(RECOMPUTE, {"id": gid(run)}, as_=hr)
    assert again["recomputePayrollRun"]["errors"] == []
    run = await finish(run.id)
    assert run.error == "" and await _reasons(api, pay, run) == []
    submitted = await api.data(SUBMIT, {"id": gid(run)}, as_=hr)
    assert submitted["submitPayrollRun"] == {"run": {"status": "REVIEW"}, "errors": []}
    return await PayrollRun.get(id=run.id)


async def test_a_base_salary_or_position_edit_marks_this_months_runs_paying_the_person(
    api: Api, pay: Pay
) -> None:
    w = pay.world
    month = china_today().replace(day=1)
    before = add_months(month, -1)
    earlier = await pay.run("SH-SALES-1", before)  # months computed in order
    mine = await pay.run("SH-SALES-1", month)
    other = await pay.run("SH-PROD", month)
    rep2 = w.people["sh_rep2"]
    hr = w.users["branch_hr"]
    # The same base again changes nothing.
    same = {"id": gid(rep2), "baseSalary": "8500"}
    assert (await api.data(UPDATE, {"input": same}, as_=hr))["updateEmployee"]["errors"] == []
    assert await _reasons(api, pay, mine) == []
    raised = {"id": gid(rep2), "baseSalary": "9500"}
    assert (await api.data(UPDATE, {"input": raised}, as_=hr))["updateEmployee"]["errors"] == []
    assert await _reasons(api, pay, mine) == [
        f"The base salary of sh_rep2 name changed from {month:%Y-%m}."
    ]
    # The month before keeps the figures it was computed with; another unit is not touched.
    assert await _reasons(api, pay, earlier) == []
    assert await _reasons(api, pay, other) == []
    moved = {"id": gid(rep2), "positionId": gid(w.positions["MGR"])}
    assert (await api.data(UPDATE, {"input": moved}, as_=hr))["updateEmployee"]["errors"] == []
    assert (await _reasons(api, pay, mine))[1] == (
        f"sh_rep2 name holds the position Manager from {month:%Y-%m}."
    )
    assert await _reasons(api, pay, earlier) == [] and await _reasons(api, pay, other) == []
    mine = await _blocked_until_recomputed(api, pay, mine)
    change = next(c for c in mine.changes if c["employee_id"] == rep2.id)
    assert change["after"]["gross"] == "9500.00"  # no position structure for managers


async def test_a_transfer_taking_effect_marks_both_units_runs_from_its_month(
    api: Api, pay: Pay
) -> None:
    w = pay.world
    rep = w.people["sh_rep"]
    feb = await pay.run("SH-SALES-1", FEB)
    mar = await pay.run("SH-SALES-1", MAR)
    await service.submit_run(pay.hr, mar.id)  # under review when the transfer comes
    prod = await pay.run("SH-PROD", MAR)
    hr_run = await pay.run("SH-HR", MAR)
    await approved_change(
        api, w, "requestTransfer",
        {"employeeId": gid(rep), "unitId": gid(w.units["SH-PROD"]), "baseSalary": "9000",
         "effectiveDate": "2026-03-01"},
    )  # fmt: skip
    assert (await Employee.get(id=rep.id)).unit_id == w.units["SH-PROD"].id
    reason = "sh_rep name was transferred from SH-SALES-1 unit to SH-PROD unit on 2026-03-01."
    assert await _reasons(api, pay, mar) == [reason]
    assert await _reasons(api, pay, prod) == [reason]
    assert await _reasons(api, pay, feb) == []  # before the transfer
    assert await _reasons(api, pay, hr_run) == []  # another unit
    await pay.approve(await _submitted(pay, feb))  # February paid them in sales, as it was
    mar = await _blocked_until_recomputed(api, pay, mar)
    gone = next(c for c in mar.changes if c["employee_id"] == rep.id)
    assert gone["after"] is None  # March pays them in production now
    assert (await pay.approve(mar)).status is RunStatus.APPROVED
    prod = await _blocked_until_recomputed(api, pay, prod)
    came = next(c for c in prod.changes if c["employee_id"] == rep.id)
    assert came["before"] is None and came["after"]["gross"] == "10400.00"  # 9,000 + 500 + 10 %


async def _submitted(pay: Pay, run: PayrollRun) -> PayrollRun:
    await service.submit_run(pay.hr, run.id)
    return await PayrollRun.get(id=run.id)


async def test_a_last_day_marks_the_runs_from_its_month_and_later_months_drop_the_person(
    api: Api, pay: Pay
) -> None:
    w = pay.world
    rep = w.people["sh_rep"]
    feb, mar = await pay.run("SH-SALES-1", FEB), await pay.run("SH-SALES-1", MAR)
    apr, prod = await pay.run("SH-SALES-1", APR), await pay.run("SH-PROD", MAR)
    await approved_change(
        api, w, "requestTermination",
        {"employeeId": gid(rep), "kind": "RESIGNATION", "lastDay": "2026-03-15",
         "reason": "回老家"},
    )  # fmt: skip
    assert (await Employee.get(id=rep.id)).status is EmployeeStatus.TERMINATED
    reason = "The last day of sh_rep name was set to 2026-03-15."
    assert await _reasons(api, pay, mar) == [reason]
    assert await _reasons(api, pay, apr) == [reason]
    assert await _reasons(api, pay, feb) == [] and await _reasons(api, pay, prod) == []
    await _blocked_until_recomputed(api, pay, mar)
    apr = await _blocked_until_recomputed(api, pay, apr)
    left = next(c for c in apr.changes if c["employee_id"] == rep.id)
    assert left["after"] is None  # April pays them no more


async def test_a_hire_marks_the_runs_of_their_unit_from_the_hire_month(api: Api, pay: Pay) -> None:
    w = pay.world
    feb, mar = await pay.run("SH-SALES-1", FEB), await pay.run("SH-SALES-1", MAR)
    prod = await pay.run("SH-PROD", MAR)
    created = await api.data(
        CREATE,
        {"input": {"employeeNumber": "N0001", "name": "新同事", "unitId": gid(w.units["SH-SALES-1"]),
                   "hireDate": "2026-03-10", "positionId": gid(w.positions["REP"]),
                   "status": "ACTIVE", "baseSalary": "7000"}},
        as_=w.users["branch_hr"],
    )  # fmt: skip
    assert created["createEmployee"]["errors"] == []
    assert await _reasons(api, pay, mar) == ["新同事 was hired from 2026-03-10."]
    api.http.headers["Accept-Language"] = "zh-CN"
    assert await _reasons(api, pay, mar) == ["新同事 于 2026-03-10 入职。"]
    del api.http.headers["Accept-Language"]
    assert await _reasons(api, pay, feb) == [] and await _reasons(api, pay, prod) == []
    mar = await _blocked_until_recomputed(api, pay, mar)
    new = await Employee.get(employee_number="N0001")
    assert any(c["employee_id"] == new.id and c["before"] is None for c in mar.changes)


async def test_a_rehire_marks_the_runs_of_the_unit_joined_from_the_new_hire_month(
    api: Api, pay: Pay
) -> None:
    w = pay.world
    rep2 = w.people["sh_rep2"]
    await Employee.filter(id=rep2.id).update(
        status=EmployeeStatus.TERMINATED, termination_date=date(2025, 12, 31),
        termination_reason="resignation",
    )  # fmt: skip
    feb, mar = await pay.run("SH-SALES-1", FEB), await pay.run("SH-SALES-1", MAR)
    prod = await pay.run("SH-PROD", MAR)
    rehired = await api.data(
        REHIRE,
        {"input": {"employeeId": gid(rep2), "hireDate": "2026-03-01",
                   "unitId": gid(w.units["SH-SALES-1"])}},
        as_=w.users["branch_hr"],
    )  # fmt: skip
    assert rehired["rehireEmployee"]["errors"] == []
    assert await _reasons(api, pay, mar) == ["sh_rep2 name was rehired from 2026-03-01."]
    assert await _reasons(api, pay, feb) == [] and await _reasons(api, pay, prod) == []
    mar = await _blocked_until_recomputed(api, pay, mar)
    assert any(c["employee_id"] == rep2.id and c["before"] is None for c in mar.changes)


async def test_an_employee_import_marks_the_runs_of_the_people_whose_pay_fields_changed(
    api: Api, pay: Pay
) -> None:
    w = pay.world
    month = china_today().replace(day=1)
    earlier = await pay.run("SH-SALES-1", add_months(month, -1))
    now = await pay.run("SH-SALES-1", month)
    prod_now = await pay.run("SH-PROD", month)
    feb, mar = await pay.run("SH-HR", FEB), await pay.run("SH-HR", MAR)
    rep2, worker = w.people["sh_rep2"], w.people["sh_worker"]
    rows = [
        "employee_number,name,unit_code,hire_date,base_salary",
        # a raise for sh_rep2
        f"{rep2.employee_number},{rep2.name},SH-SALES-1,2020-01-01,9900",
        # the worker's phone-book fields only: nothing a run reads
        f"{worker.employee_number},改名的工人,SH-PROD,2020-01-01,6000",
        # a new person in SH-HR from March
        "N0002,新HR,SH-HR,2026-03-02,8000",
    ]
    content = base64.b64encode("\n".join(rows).encode()).decode()
    data = await api.data(IMPORT, {"content": content}, as_=w.users["hq_hr"])
    assert data["importData"]["job"]["status"] == "DONE", data
    assert await _reasons(api, pay, now) == [
        f"An employee import changed the records of 1 people from {month:%Y-%m}."
    ]
    assert await _reasons(api, pay, mar) == [
        "An employee import changed the records of 1 people from 2026-03."
    ]
    assert await _reasons(api, pay, earlier) == []
    assert await _reasons(api, pay, prod_now) == []  # the worker's name is no pay input
    assert await _reasons(api, pay, feb) == []
    await _blocked_until_recomputed(api, pay, now)
    await _blocked_until_recomputed(api, pay, mar)


async def test_a_contract_ended_for_a_new_one_marks_nothing_its_expiry_ending_the_job_does(
    api: Api, pay: Pay
) -> None:
    """A contract is no input: ending it early for a new one (art. 35) leaves the runs alone;
    a fixed term that ends the employment is a termination, whose last day marks them."""
    w = pay.world
    rep = w.people["sh_rep"]
    feb, mar = await pay.run("SH-SALES-1", FEB), await pay.run("SH-SALES-1", MAR)
    apr = await pay.run("SH-SALES-1", APR)
    first = await Contract.create(
        employee=rep, kind=ContractKind.FIXED_TERM, start_date=date(2025, 1, 1),
        end_date=date(2026, 6, 30), signed_on=date(2024, 12, 20),
    )  # fmt: skip
    ended = await api.data(
        END_CONTRACT, {"i": {"contractId": gid(first), "endDate": "2026-02-28"}},
        as_=w.users["branch_hr"],
    )  # fmt: skip
    assert ended["endContract"]["errors"] == []
    for run in (feb, mar, apr):
        assert await _reasons(api, pay, run) == []
    await Contract.create(
        employee=rep, kind=ContractKind.FIXED_TERM, start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31), signed_on=date(2026, 2, 20),
    )  # fmt: skip
    await approved_change(
        api, w, "requestTermination",
        {"employeeId": gid(rep), "kind": "CONTRACT_EXPIRY", "lastDay": "2026-03-31",
         "reason": "合同到期不续签"},
    )  # fmt: skip
    reason = "The last day of sh_rep name was set to 2026-03-31."
    assert await _reasons(api, pay, mar) == [reason] and await _reasons(api, pay, apr) == [reason]
    assert await _reasons(api, pay, feb) == []
    await _blocked_until_recomputed(api, pay, apr)


# --- the one place ------------------------------------------------------------------------------


def test_only_the_inputs_module_marks_runs_and_every_hook_has_a_caller() -> None:
    """`mark_out_of_date` is called from payroll/inputs.py alone, and each of its hooks is
    called from somewhere else: the list there is the whole list."""
    root = Path(inputs.__file__).parents[1]
    callers: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                callers.setdefault(name, set()).add(str(path.relative_to(root)))
    assert callers["mark_out_of_date"] == {"payroll/inputs.py"}
    hooks = [
        name
        for name, value in vars(inputs).items()
        if callable(value)
        and getattr(value, "__module__", "") == inputs.__name__
        and not name.startswith("_")
        and name != "this_month"
    ]
    assert len(hooks) >= 17
    for hook in hooks:
        assert callers.get(hook, set()) - {"payroll/inputs.py"}, f"{hook} has no caller"
        assert f"`{hook}`" in (inputs.__doc__ or ""), f"{hook} is not in the list"
