"""Payroll through the HTTP API: a run started, followed and approved; the employee's payslip
once approved and nobody else's figures; the bank and tax files."""

from __future__ import annotations

import asyncio
import io
from decimal import Decimal as D

from openpyxl import load_workbook

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.payroll.models import PayrollRun
from tests.payroll.conftest import JAN, Pay
from tests.support import Api, access_token, gid

RUN_FIELDS = "id status jobStatus progress headcount gross net tax bankFileUrl taxFileUrl"
PAYSLIP = """
query { myPayslips { id month net tax runStatus lines { code amount labelZh explanationEn } } }
"""


async def _wait(api: Api, user: object, run_id: str) -> dict[str, object]:
    for _ in range(200):
        data = await api.data(
            f'{{ payrollRun(id: "{run_id}") {{ {RUN_FIELDS} }} }}',
            as_=user,  # type: ignore[arg-type]
        )
        if data["payrollRun"]["jobStatus"] != "RUNNING":
            return data["payrollRun"]  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError("the run did not finish")


async def _mutate(api: Api, user: object, name: str, run_id: str) -> dict[str, object]:
    data = await api.data(
        f'mutation {{ {name}(id: "{run_id}") {{ run {{ status }} errors {{ code }} }} }}',
        as_=user,  # type: ignore[arg-type]
    )
    return data[name]  # type: ignore[no-any-return]


async def test_a_run_through_the_api_and_the_employees_own_payslip(api: Api, pay: Pay) -> None:
    w = pay.world
    hr, employee, manager = w.users["branch_hr"], w.users["employee"], w.users["manager"]
    head = await _branch_head(pay)
    data = await api.data(
        'mutation($u: ID!) { createPayrollRun(input: {unitId: $u, month: "2026-01-01"}) '
        f"{{ run {{ {RUN_FIELDS} }} errors {{ code field }} }} }}",
        {"u": gid(w.units["SH-SALES"])},
        as_=hr,
    )
    assert data["createPayrollRun"]["errors"] == []
    run_id = data["createPayrollRun"]["run"]["id"]
    run = await _wait(api, hr, run_id)
    assert run["jobStatus"] == "DONE" and run["headcount"] == 3
    assert run["bankFileUrl"] is None  # a draft's figures may still change
    # Before approval the employee sees no payslip; a team lead sees no run and no pay.
    assert (await api.data(PAYSLIP, as_=employee))["myPayslips"] == []
    for user in (employee, manager, w.users["bj_hr"], w.users["executive"]):
        data = await api.data(
            f'{{ payrollRun(id: "{run_id}") {{ id }} payrollRuns {{ id }} }}', as_=user
        )
        assert data == {"payrollRun": None, "payrollRuns": []}
    assert (await _mutate(api, hr, "submitPayrollRun", run_id))["errors"] == []
    assert (await _mutate(api, w.users["bj_hr"], "approvePayrollRun", run_id))["errors"] == [
        {"code": "NOT_FOUND"}
    ]
    # The run's approval: the branch head, then HQ HR; never the HR who submitted it.
    assert (await _mutate(api, hr, "approvePayrollRun", run_id))["errors"] == [
        {"code": "FORBIDDEN"}
    ]
    # The head decides through the run's approval request: no run in the answer for them.
    assert await _mutate(api, head, "approvePayrollRun", run_id) == {"run": None, "errors": []}
    assert (await _wait(api, hr, run_id))["status"] == "REVIEW"
    hq_hr = w.users["hq_hr"]
    assert (await _mutate(api, hq_hr, "approvePayrollRun", run_id))["run"] == {"status": "APPROVED"}
    assert (await _mutate(api, hr, "recomputePayrollRun", run_id))["errors"] == [{"code": "LOCKED"}]

    slips = (await api.data(PAYSLIP, as_=employee))["myPayslips"]
    assert len(slips) == 1 and D(slips[0]["net"]) == D(8007) and slips[0]["runStatus"] == "APPROVED"
    assert {line["code"] for line in slips[0]["lines"]} >= {"base", "pension", "iit"}
    assert all(line["explanationEn"] for line in slips[0]["lines"])
    await _lines_follow_the_viewers_language(api, employee)
    # The payslip by id: the employee and HR; not the team lead, nor a colleague — like no payslip.
    slip_id = slips[0]["id"]
    ask = f'{{ node(id: "{slip_id}") {{ ... on Payslip {{ net }} }} }}'
    assert (await api.data(ask, as_=hr))["node"] == {"net": "8007.00"}
    colleague = await _colleague(pay)
    for user in (manager, colleague, w.users["bj_hr"]):
        assert (await api.data(ask, as_=user))["node"] is None
    # Nor through employeePay.
    pay_of = f'{{ employeePay(employeeId: "{gid(w.people["sh_rep"])}") {{ specialDeductions {{ kind }} }} }}'
    assert (await api.data(pay_of, as_=manager))["employeePay"] is None
    assert (await api.data(pay_of, as_=employee))["employeePay"] == {"specialDeductions": []}


async def _lines_follow_the_viewers_language(api: Api, employee: object) -> None:
    """A line's `label` and `explanation` are the stored words of the viewer's language; the
    Chinese and English ones stay there for integrators."""
    query = (
        "{ myPayslips { lines { code label labelZh labelEn explanation explanationZh "
        "explanationEn } } }"
    )
    try:
        for accept, chinese in (("en", False), ("zh-CN", True), ("de, zh;q=0.5", True)):
            api.http.headers["Accept-Language"] = accept
            data = await api.data(query, as_=employee)  # type: ignore[arg-type]
            lines = data["myPayslips"][0]["lines"]
            for line in lines:
                assert line["label"] == line["labelZh" if chinese else "labelEn"]
                assert line["explanation"] == line["explanationZh" if chinese else "explanationEn"]
            iit = next(line for line in lines if line["code"] == "iit")
            if chinese:
                assert iit["label"] == "个人所得税"
                assert iit["explanation"].startswith("累计预扣法（国家税务总局公告2018年第61号）")
            else:
                assert iit["label"] == "Individual income tax"
                assert iit["explanation"].startswith("Cumulative withholding (SAT announcement")
    finally:
        api.http.headers["Accept-Language"] = "en"  # the tests' client's (tests/conftest.py)


async def _branch_head(pay: Pay) -> object:
    """A head of the Shanghai branch with a user (a manager scoped to the branch)."""
    from talentloop.accounts.models import Role
    from talentloop.org.models import OrgUnit
    from tests.support import add_person, add_user

    w = pay.world
    await add_person(w, "sh_head_person", "SH", "ceo")
    await OrgUnit.filter(id=w.units["SH"].id).update(manager_id=w.people["sh_head_person"].id)
    return await add_user(w, "sh_head", Role.MANAGER, "sh_head_person", "SH")


async def _colleague(pay: Pay) -> object:
    from talentloop.accounts.models import Role
    from tests.support import add_user

    return await add_user(pay.world, "colleague", Role.EMPLOYEE, "sh_rep2")


async def test_the_bank_and_tax_files_of_an_approved_run(api: Api, pay: Pay) -> None:
    w = pay.world
    run = await pay.run("SH-SALES-1", JAN)
    token = await access_token(w.users["branch_hr"])
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        await api.http.get(f"/payroll/runs/{run.id}/bank.xlsx", headers=headers)
    ).status_code == 409
    await pay.run("SH-SALES-1", JAN, approve=True)
    answer = await api.http.get(f"/payroll/runs/{run.id}/bank.xlsx", headers=headers)
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "工号", "姓名", "银行账号", "金额")
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["sh_rep name"][3] == w.bank_accounts["sh_rep"]
    assert by_name["sh_rep name"][4] == 8007.0
    assert by_name["合计"][4] == 8007.0 + 8467.75
    reads = await AuditEntry.filter(action=AuditAction.SENSITIVE_READ, field="bankAccount")
    assert {e.employee_id for e in reads} == {w.people["sh_rep"].id, w.people["sh_rep2"].id}
    tax = await api.http.get(f"/payroll/runs/{run.id}/tax.xlsx", headers=headers)
    rows = list(load_workbook(io.BytesIO(tax.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    row = next(r for r in rows if r[1] == "sh_rep name")
    assert row[3] == w.id_numbers["sh_rep"] and row[5] == 9300.0 and row[-1] == 93.0
    # Anyone else: like a run that does not exist.
    missing = await api.http.get("/payroll/runs/999999/bank.xlsx", headers=headers)
    for user in ("bj_hr", "manager", "employee"):
        other = {"Authorization": f"Bearer {await access_token(w.users[user])}"}
        denied = await api.http.get(f"/payroll/runs/{run.id}/bank.xlsx", headers=other)
        assert (denied.status_code, denied.content) == (missing.status_code, missing.content)
    assert (await api.http.get(f"/payroll/runs/{run.id}/bank.xlsx")).status_code == 401
    assert await PayrollRun.filter(id=run.id).count() == 1


async def test_names_that_read_as_formulas_are_text_in_the_bank_and_tax_files(
    api: Api, pay: Pay
) -> None:
    from talentloop.people.models import Employee
    from tests.support import FORMULA_NAMES, assert_formulas_are_text

    w = pay.world
    run = await pay.run("SH-SALES-1", JAN, approve=True)
    first, second = FORMULA_NAMES[0], FORMULA_NAMES[3]
    await Employee.filter(id=w.people["sh_rep"].id).update(name=first)
    await Employee.filter(id=w.people["sh_rep2"].id).update(name=second)
    headers = {"Authorization": f"Bearer {await access_token(w.users['branch_hr'])}"}
    for kind in ("bank", "tax"):
        answer = await api.http.get(f"/payroll/runs/{run.id}/{kind}.xlsx", headers=headers)
        assert answer.status_code == 200
        assert_formulas_are_text(answer.content, first, second)
    # amounts are still numbers (a negative amount is a number, never text)
    book = load_workbook(io.BytesIO(answer.content))
    incomes = [r[5] for r in list(book.active.iter_rows(values_only=True))[1:]]  # type: ignore[union-attr]
    assert incomes and all(isinstance(v, (int, float)) for v in incomes), incomes


async def test_a_person_who_moved_branch_stays_on_the_run_they_were_paid_in(
    api: Api, pay: Pay
) -> None:
    """Payslips follow the run's unit for HR: Shanghai HR still list and open the slip of a
    person who moved to Beijing after Shanghai's run; Beijing HR see no draft of Shanghai's
    run, and the slip once approved as the person's pay history (their `pay` field group)."""
    from talentloop.people.models import Employee

    w = pay.world
    run = await pay.run("SH-SALES", JAN)
    rep = w.people["sh_rep"]
    await Employee.filter(id=rep.id).update(unit_id=w.units["BJ-SALES"].id)
    slip = await pay.slip("sh_rep", JAN)
    listed = f'{{ payrollRun(id: "{gid(run)}") {{ headcount payslips {{ id }} }} }}'
    opened = f'{{ node(id: "{gid(slip)}") {{ ... on Payslip {{ net }} }} }}'

    def listing(data: dict[str, object]) -> tuple[object, set[str]]:
        found = data["payrollRun"]
        assert isinstance(found, dict)
        return found["headcount"], {p["id"] for p in found["payslips"]}

    sh_hr, bj_hr = w.users["branch_hr"], w.users["bj_hr"]
    headcount, ids = listing(await api.data(listed, as_=sh_hr))
    assert headcount == 3 and len(ids) == 3 and gid(slip) in ids
    assert (await api.data(opened, as_=sh_hr))["node"] is not None
    # Beijing HR read no Shanghai run, nor its draft slip: like a missing record.
    assert (await api.data(listed, as_=bj_hr))["payrollRun"] is None
    assert (await api.data(opened, as_=bj_hr))["node"] is None

    await pay.approve(await _submitted(pay, run))
    _, ids = listing(await api.data(listed, as_=sh_hr))
    assert gid(slip) in ids
    assert (await api.data(opened, as_=sh_hr))["node"] is not None
    assert (await api.data(opened, as_=bj_hr))["node"] is not None
    assert (await api.data(opened, as_=w.users["employee"]))["node"] is not None


async def _submitted(pay: Pay, run: PayrollRun) -> PayrollRun:
    from talentloop.payroll import service

    return await service.submit_run(pay.hr, run.id)
