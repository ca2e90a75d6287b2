"""Opening payroll figures through the API (issue 22): HR in charge set, list and remove them
with typed errors; nobody else reads them; the list takes the same statements for many rows
as for a few."""

from __future__ import annotations

from decimal import Decimal as D

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.payroll import openings
from talentloop.payroll.models import PayrollOpening
from talentloop.payroll.openings import OpeningInput
from tests.payroll.conftest import Pay
from tests.support import Api, StatementCounter, add_person, gid

SET = """mutation($input: SetPayrollOpeningInput!) {
  setPayrollOpening(input: $input) {
    opening { id year lastMonth cutOverMonth monthsEmployed income tax employee { name } }
    errors { field message code } } }"""
REMOVE = """mutation($input: RemovePayrollOpeningInput!) {
  removePayrollOpening(input: $input) { ok errors { field code } } }"""
LIST = """query($year: Int!, $unitId: ID) {
  payrollOpenings(year: $year, unitId: $unitId, first: 100) {
    totalCount
    edges { node { id year lastMonth monthsEmployed income contributions specialAdditional
                   otherDeductions tax note employee { name unit { name } } } } } }"""


def _input(employee: str, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "employeeId": employee, "year": 2026, "lastMonth": 6, "monthsEmployed": 6,
        "income": "201000", "contributions": "27000", "specialAdditional": "18000",
        "tax": "5000", "note": "旧系统导出",
    }  # fmt: skip
    return values | changes


async def test_hr_sets_lists_and_removes_an_opening(api: Api, pay: Pay) -> None:
    w = pay.world
    hr = w.users["branch_hr"]
    moved = await add_person(w, "moved", "SH-HR", salary=30000)
    answer = await api.data(SET, {"input": _input(gid(moved))}, as_=hr)
    payload = answer["setPayrollOpening"]
    assert payload["errors"] == []
    assert payload["opening"] | {"id": None} == {
        "id": None, "year": 2026, "lastMonth": 6, "cutOverMonth": "2026-07-01",
        "monthsEmployed": 6, "income": "201000.00", "tax": "5000.00",
        "employee": {"name": "moved name"},
    }  # fmt: skip
    listed = (await api.data(LIST, {"year": 2026}, as_=hr))["payrollOpenings"]
    assert listed["totalCount"] == 1
    node = listed["edges"][0]["node"]
    assert (node["note"], node["employee"]["unit"]["name"]) == ("旧系统导出", "SH-HR unit")
    assert node["otherDeductions"] == "0.00"
    in_unit = await api.data(LIST, {"year": 2026, "unitId": gid(w.units["SH-PROD"])}, as_=hr)
    assert in_unit["payrollOpenings"]["totalCount"] == 0
    assert (await api.data(LIST, {"year": 2025}, as_=hr))["payrollOpenings"]["totalCount"] == 0
    for who in ("manager", "employee", "executive", "bj_hr"):  # no one else reads them
        other = await api.data(LIST, {"year": 2026}, as_=w.users[who])
        assert other["payrollOpenings"]["totalCount"] == 0, who
    removed = await api.data(REMOVE, {"input": {"employeeId": gid(moved), "year": 2026}}, as_=hr)
    assert removed["removePayrollOpening"] == {"ok": True, "errors": []}
    again = await api.data(REMOVE, {"input": {"employeeId": gid(moved), "year": 2026}}, as_=hr)
    assert again["removePayrollOpening"]["errors"] == [{"field": "year", "code": "NOT_FOUND"}]


async def test_bad_figures_and_ones_own_answer_typed_errors(api: Api, pay: Pay) -> None:
    w = pay.world
    hr = w.users["branch_hr"]
    moved = await add_person(w, "moved", "SH-HR", salary=30000)
    bad = await api.data(
        SET, {"input": _input(gid(moved), lastMonth=12, income="-5", tax="1")}, as_=hr
    )
    errors = bad["setPayrollOpening"]["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("lastMonth", "INVALID"),
        ("income", "INVALID"),
    }
    own = await api.data(SET, {"input": _input(gid(w.people["sh_hr_person"]))}, as_=hr)
    assert [(e["field"], e["code"]) for e in own["setPayrollOpening"]["errors"]] == [
        ("employeeId", "SELF_DEALING")
    ]
    denied = await AuditEntry.filter(action=AuditAction.ACCESS_DENIED).order_by("-id").first()
    assert denied is not None and denied.actor_user_id == hr.id
    assert denied.subject_type == "setPayrollOpening"
    assert not await PayrollOpening.exists()


async def test_the_list_takes_the_same_statements_for_many_openings(api: Api, pay: Pay) -> None:
    w = pay.world
    hr = w.users["branch_hr"]
    viewer = pay.hr
    people = [await add_person(w, f"p{n}", "SH-PROD", salary=9000) for n in range(12)]

    async def count() -> int:
        with StatementCounter() as counter:
            await api.data(LIST, {"year": 2026}, as_=hr)
        return counter.count

    rows = [OpeningInput(p.id, 2026, 6, 6, D(1), D(0), D(0), D(0)) for p in people]
    await openings.set_openings(viewer, rows[:2])
    await api.data(LIST, {"year": 2026}, as_=hr)  # signed in: the session exists
    few = await count()
    await openings.set_openings(viewer, rows[2:])
    assert await count() == few
