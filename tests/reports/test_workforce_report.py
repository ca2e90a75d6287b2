"""人事报表: headcount, movements, turnover, labour cost and structure, computed by hand for a
small world, within the viewer's scope, in a fixed number of statements, and as an XLSX file."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from talentloop.access.scopes import ApiScope
from talentloop.access.viewer import load_viewer
from talentloop.accounts.api_tokens import create_token
from talentloop.org.models import OrgUnitType
from talentloop.payroll.models import JobStatus, PayrollRun, Payslip, RunStatus
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.records.models import EmploymentEvent, EventKind
from tests.support import (
    FORMULA_NAMES,
    Api,
    StatementCounter,
    World,
    add_person,
    add_unit,
    assert_formulas_are_text,
    gid,
)

REPORT = """query($unitId: ID, $from: Date!, $to: Date!) {
  workforceReport(unitId: $unitId, fromMonth: $from, toMonth: $to) {
    fromMonth toMonth turnoverFormula
    months { month headcount previousHeadcount hires leavers voluntaryLeavers
             involuntaryLeavers transfersIn transfersOut turnoverRate labourCost }
    rows { month unitId unitName headcount hires leavers transfersIn transfersOut labourCost }
    tenureBands { key count } ageBands { key count } genders { key count }
  }
}"""
FEB, MAR = "2026-02-01", "2026-03-01"
MONEY = Decimal("1.00")


async def _leave(world: World, key: str, last_day: date, *, resigned: bool) -> None:
    employee = world.people[key]
    await Employee.filter(id=employee.id).update(
        status=EmployeeStatus.TERMINATED, termination_date=last_day, termination_reason="x"
    )
    if resigned:
        await EmploymentEvent.create(
            employee=employee, kind=EventKind.RESIGNATION, effective_date=last_day,
            from_unit_id=employee.unit_id,
        )  # fmt: skip


async def _slip(run: PayrollRun, employee: Employee, gross: int, employer: int) -> None:
    m = MONEY
    await Payslip.create(
        run=run, employee=employee, month=run.month, gross=Decimal(gross), income=m,
        employee_contributions=m, special_additional=m, tax=m, net=m,
        employer_contributions=Decimal(employer), months_employed=1, cumulative_income=m,
        cumulative_basic=m, cumulative_special=m, cumulative_additional=m,
        cumulative_taxable=m, cumulative_tax=m, withheld_before=m,
        tax_rate=Decimal("0.03"), quick_deduction=m,
    )  # fmt: skip


async def _movements(world: World) -> None:
    """In Shanghai (5 people since 2020): a hire in February, a hire in March who is moved from
    production to sales, a rep who came from Beijing in February, a resignation on 20 March and
    a dismissal on 31 March. In Beijing a resignation in February. One approved payroll run in February, one draft in March."""
    new_a = await add_person(world, "new_a", "SH-SALES-1")
    new_b = await add_person(world, "new_b", "SH-SALES-1")
    await Employee.filter(id=new_a.id).update(hire_date=date(2026, 2, 10))
    await Employee.filter(id=new_b.id).update(hire_date=date(2026, 3, 5))
    await EmploymentEvent.create(
        employee=new_b, kind=EventKind.TRANSFER, effective_date=date(2026, 3, 15),
        from_unit_id=world.units["SH-PROD"].id, to_unit_id=world.units["SH-SALES-1"].id,
    )  # fmt: skip
    await EmploymentEvent.create(
        employee=world.people["sh_rep"], kind=EventKind.TRANSFER, effective_date=date(2026, 2, 20),
        from_unit_id=world.units["BJ-SALES"].id, to_unit_id=world.units["SH-SALES-1"].id,
    )  # fmt: skip
    await _leave(world, "sh_rep2", date(2026, 3, 20), resigned=True)
    await _leave(world, "sh_worker", date(2026, 3, 31), resigned=False)
    await _leave(world, "bj_rep", date(2026, 2, 15), resigned=True)
    approved = await PayrollRun.create(
        unit=world.units["SH"], month=date(2026, 2, 1), status=RunStatus.APPROVED,
        job_status=JobStatus.DONE,
    )  # fmt: skip
    await _slip(approved, world.people["sh_rep"], 8000, 2000)
    await _slip(approved, world.people["sh_worker"], 6000, 1500)
    draft = await PayrollRun.create(
        unit=world.units["SH"], month=date(2026, 3, 1), status=RunStatus.DRAFT,
        job_status=JobStatus.DONE,
    )  # fmt: skip
    await _slip(draft, world.people["sh_rep"], 9000, 2000)


async def _report(api: Api, world: World, user: str, unit: str | None = None) -> Any:
    variables = {"from": FEB, "to": MAR, "unitId": gid(world.units[unit]) if unit else None}
    return await api.run(REPORT, variables, as_=world.users[user])


async def test_branch_hr_sees_its_branchs_months_as_counted_by_hand(api: Api, world: World) -> None:
    await _movements(world)
    body = await _report(api, world, "branch_hr")
    assert "errors" not in body, body["errors"]
    report = body["data"]["workforceReport"]
    feb, mar = report["months"]
    assert (feb["previousHeadcount"], feb["hires"], feb["leavers"], feb["headcount"]) == (
        5,
        1,
        0,
        6,
    )
    assert feb["turnoverRate"] == "0.0000"
    # from Beijing: in to Shanghai, and Beijing's unit is not named to Shanghai's HR
    assert (feb["transfersIn"], feb["transfersOut"]) == (1, 0)
    assert feb["labourCost"] == "17500.00"  # approved: 8000 + 2000 + 6000 + 1500
    assert (mar["hires"], mar["leavers"], mar["headcount"]) == (1, 2, 5)
    assert (mar["voluntaryLeavers"], mar["involuntaryLeavers"]) == (1, 1)
    assert (mar["transfersIn"], mar["transfersOut"]) == (1, 1)
    assert mar["turnoverRate"] == "0.3636"  # 2 ÷ ((6 + 5) ÷ 2)
    assert mar["labourCost"] == "0.00"  # the March run is a draft
    by_unit = {(r["month"], r["unitName"]): r for r in report["rows"]}
    assert by_unit[(MAR, "SH-SALES-1 unit")]["transfersIn"] == 1
    assert by_unit[(MAR, "SH-PROD unit")]["transfersOut"] == 1
    assert by_unit[(FEB, "SH-SALES-1 unit")]["labourCost"] == "10000.00"
    assert all("BJ" not in r["unitName"] for r in report["rows"])
    # at 31 March: three people since 2020 (6 years) and the two hired this year, all born 1990
    assert {b["key"]: b["count"] for b in report["tenureBands"]} == {
        "0-0": 2, "1-2": 0, "3-4": 0, "5-9": 3, "10+": 0,
    }  # fmt: skip
    assert {b["key"]: b["count"] for b in report["ageBands"] if b["count"]} == {"35-39": 5}
    assert report["genders"] == [{"key": "female", "count": 5}]
    assert "average headcount" in report["turnoverFormula"]


async def test_hq_hr_sees_the_whole_company_and_a_unit_narrows_it(api: Api, world: World) -> None:
    await _movements(world)
    feb, mar = (await _report(api, world, "hq_hr"))["data"]["workforceReport"]["months"]
    assert (feb["previousHeadcount"], feb["leavers"], feb["voluntaryLeavers"]) == (9, 1, 1)
    assert mar["headcount"] == 9 + 2 - 3
    assert (feb["transfersIn"], feb["transfersOut"]) == (1, 1)
    narrowed = (await _report(api, world, "hq_hr", "SH-PROD"))["data"]["workforceReport"]
    assert [m["headcount"] for m in narrowed["months"]] == [1, 0]
    assert narrowed["months"][1]["involuntaryLeavers"] == 1


async def test_labour_cost_and_personal_structure_are_not_for_a_team_lead(
    api: Api, world: World
) -> None:
    await _movements(world)
    body = await _report(api, world, "manager")
    report = body["data"]["workforceReport"]
    assert report["months"][0]["labourCost"] is None
    assert report["ageBands"] is None and report["genders"] is None
    messages = {e["message"] for e in body["errors"]}
    assert "Not permitted to read field 'labourCost'." in messages
    assert "Not permitted to read field 'ageBands'." in messages
    # the team lead's people: the head of sales and the sales team (sh_rep, sh_rep2, new_a …)
    assert report["months"][0]["headcount"] == 4


async def test_an_employee_and_an_unseen_unit_get_no_report(api: Api, world: World) -> None:
    await _movements(world)
    assert (await _report(api, world, "employee"))["data"]["workforceReport"] is None
    assert (await _report(api, world, "branch_hr", "BJ"))["data"]["workforceReport"] is None


async def test_months_that_are_not_first_days_or_too_many_are_refused(
    api: Api, world: World
) -> None:
    user = world.users["hq_hr"]
    body = await api.run(REPORT, {"from": "2026-02-02", "to": MAR}, as_=user)
    assert body["data"]["workforceReport"] is None and body["errors"]
    body = await api.run(REPORT, {"from": "2024-01-01", "to": "2026-01-01"}, as_=user)
    assert "At most 24 months." in body["errors"][0]["message"]


async def test_the_report_costs_the_same_statements_for_2_units_as_for_20(
    api: Api, world: World
) -> None:
    await _movements(world)

    async def count() -> int:
        await _report(api, world, "hq_hr")
        with StatementCounter() as counter:
            await _report(api, world, "hq_hr")
        return counter.count

    few = await count()
    for i in range(18):
        code = f"X{i}"
        world.units[code] = await add_unit(code, OrgUnitType.DEPARTMENT, world.units["BJ"], "北京")
        person = await add_person(world, f"x{i}", code)
        await Employee.filter(id=person.id).update(hire_date=date(2026, 2, 1 + i))
        await _leave(world, f"x{i}", date(2026, 3, 1 + i), resigned=i % 2 == 0)
    assert await count() == few


async def test_the_xlsx_holds_the_same_figures_in_the_viewers_language(
    api: Api, world: World
) -> None:
    await _movements(world)
    token = await api.token(world.users["branch_hr"])
    url = f"/reports/workforce.xlsx?fromMonth={FEB}&toMonth={MAR}"
    response = await api.http.get(
        url, headers={"Authorization": f"Bearer {token}", "Accept-Language": "en-GB,en;q=0.9"}
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    months = list(book["By month"].iter_rows(values_only=True))
    assert months[0][:4] == ("Month", "Headcount at month end", "Hires", "Leavers")
    assert months[2][:4] == ("2026-03", 5, 1, 2)
    assert months[1][-1] == 17500
    response = await api.http.get(url + "&lang=zh", headers={"Authorization": f"Bearer {token}"})
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "按月汇总"
    employee = await api.token(world.users["employee"])
    response = await api.http.get(url, headers={"Authorization": f"Bearer {employee}"})
    assert response.status_code == 404
    assert (await api.http.get(url)).status_code == 401


async def test_a_unit_named_like_a_formula_is_text_in_the_xlsx(api: Api, world: World) -> None:
    await _movements(world)
    unit = world.units["SH-PROD"]
    unit.name = FORMULA_NAMES[0]
    await unit.save(update_fields=["name"])
    token = await api.token(world.users["branch_hr"])
    response = await api.http.get(
        f"/reports/workforce.xlsx?fromMonth={FEB}&toMonth={MAR}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_formulas_are_text(response.content, FORMULA_NAMES[0])


async def test_an_api_token_reads_the_reports_only_with_the_analytics_scope(
    api: Api, world: World
) -> None:
    await _movements(world)
    viewer = await load_viewer(world.users["branch_hr"].id)
    _, training = await create_token(
        viewer, name="lms", scopes=[ApiScope.READ_TRAINING], expires_in_days=30
    )
    _, analytics = await create_token(
        viewer, name="bi", scopes=[ApiScope.READ_ANALYTICS], expires_in_days=30
    )
    url = f"/reports/workforce.xlsx?fromMonth={FEB}&toMonth={MAR}"
    for secret, status, report in ((training, 404, False), (analytics, 200, True)):
        headers = {"Authorization": f"Bearer {secret}"}
        assert (await api.http.get(url, headers=headers)).status_code == status
        body = await api.http.post(
            "/graphql",
            json={"query": REPORT, "variables": {"from": FEB, "to": MAR}},
            headers=headers,
        )
        assert (body.json()["data"]["workforceReport"] is not None) is report
