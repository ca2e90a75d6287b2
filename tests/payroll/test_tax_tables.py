"""Income-tax tables as data: a new table from a month taxes the runs of that month on and not
the earlier ones, a bad table is refused field by field, HQ HR alone adds one (audited), and
the API lists them with their history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from talentloop.access.viewer import load_viewer
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode, ServiceError
from talentloop.payroll import service as payroll
from talentloop.payroll.calc import Bracket
from talentloop.payroll.models import IncomeTaxTable, JobStatus, PayslipLine
from talentloop.policy import service
from talentloop.policy.seed import LAW_TAX_TABLE, seed_tax_tables
from tests.payroll.conftest import FEB, JAN, Pay, finish
from tests.support import Api, World

# A basic deduction of 6,000 a month from February 2026, the law's brackets otherwise.
FROM_FEBRUARY = service.TaxTableInput(
    valid_from=FEB,
    basic_deduction=D(6000),
    brackets=list(LAW_TAX_TABLE.annual),
    bonus_brackets=list(LAW_TAX_TABLE.monthly),
    source="test: 6,000 a month from February",
)


async def test_a_new_table_taxes_from_its_month_and_not_before(pay: Pay) -> None:
    hq_hr = await load_viewer(pay.world.users["hq_hr"].id)
    await service.add_tax_table(hq_hr, FROM_FEBRUARY)
    await pay.run("SH-SALES-1", JAN, approve=True)
    await pay.run("SH-SALES-1", FEB)
    # January by the law: (9,300 − 5,000 − 1,200) × 3 % = 93, as before.
    assert (await pay.lines("sh_rep", JAN))["tax:iit"] == D(93)
    # February by the new table: (18,600 − 6,000 × 2 − 2,400) × 3 % = 126, less 93 = 33
    # (the law would take 186 − 93 = 93).
    february = await pay.slip("sh_rep", FEB)
    assert (february.cumulative_basic, february.tax) == (D(12000), D(33))
    line = await PayslipLine.get(payslip_id=february.id, code="iit")
    assert "6,000.00 × 2" in line.explanation_zh and "6,000.00 × 2" in line.explanation_en


async def test_a_run_without_a_table_in_force_fails_naming_the_month(pay: Pay) -> None:
    await IncomeTaxTable.all().delete()
    created = await payroll.create_run(pay.hr, pay.world.units["SH-SALES-1"].id, JAN)
    run = await finish(created.id)
    assert run.job_status is JobStatus.FAILED
    assert "No income tax table in force in 2026-01" in run.error


def _table(brackets: list[tuple[int | None, str, str]], **kw: object) -> service.TaxTableInput:
    rows = [Bracket(D(u) if u is not None else None, D(r), D(q)) for u, r, q in brackets]
    return replace(FROM_FEBRUARY, brackets=rows, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("table", "field", "message"),
    [
        (_table([(36000, "0.03", "0"), (30000, "0.10", "2520"), (None, "0.20", "5520")]),
         "brackets.1", "Upper bounds rise from bracket to bracket."),
        (_table([(36000, "0.10", "0"), (None, "0.10", "0")]),
         "brackets.1", "Rates rise from bracket to bracket."),
        (_table([(36000, "0.03", "0"), (None, "0.50", "16920")]),
         "brackets.1", "A rate is between 0 and 45 %."),
        (_table([(36000, "0.03", "0"), (None, "0.10", "2000")]),
         "brackets.1", "The quick deduction leaves a gap at 36000: it should be 2520."),
        (_table([(36000, "0.03", "100"), (None, "0.10", "2620")]),
         "brackets.0", "The first bracket's quick deduction is 0."),
        (_table([(36000, "0.03", "0"), (144000, "0.10", "2520")]),
         "brackets.1", "The last bracket has no upper bound (it takes everything above)."),
        (_table([(None, "0.03", "0"), (None, "0.10", "0")]),
         "brackets.0", "Only the last bracket is open-ended."),
        (_table([]), "brackets", "At least one bracket."),
        (_table([(None, "0.03", "0")], valid_from=date(2026, 2, 15)),
         "validFrom", "From the first of a month."),
        (_table([(None, "0.03", "0")], basic_deduction=D(0)),
         "basicDeduction", "A monthly basic deduction above 0."),
    ],
)  # fmt: skip
async def test_a_bad_table_is_refused_on_its_field(
    world: World, table: service.TaxTableInput, field: str, message: str
) -> None:
    hq_hr = await load_viewer(world.users["hq_hr"].id)
    with pytest.raises(ServiceError) as err:
        await service.add_tax_table(hq_hr, table)
    assert [(e.field, e.message) for e in err.value.errors] == [(field, message)]
    assert not await IncomeTaxTable.exists()


async def test_the_law_table_passes_its_own_checks_and_a_day_takes_one_table(
    world: World,
) -> None:
    hq_hr = await load_viewer(world.users["hq_hr"].id)
    await service.add_tax_table(hq_hr, FROM_FEBRUARY)
    with pytest.raises(ServiceError) as err:
        await service.add_tax_table(hq_hr, FROM_FEBRUARY)
    assert [(e.code, e.field) for e in err.value.errors] == [(ErrorCode.DUPLICATE, "validFrom")]
    assert await IncomeTaxTable.all().count() == 1


@pytest.mark.parametrize("who", ["branch_hr", "manager", "employee"])
async def test_only_hq_hr_adds_a_table(world: World, who: str) -> None:
    with pytest.raises(ServiceError) as err:
        await service.add_tax_table(await load_viewer(world.users[who].id), FROM_FEBRUARY)
    assert err.value.errors[0].code is ErrorCode.FORBIDDEN
    assert not await IncomeTaxTable.exists()


async def test_a_new_table_is_audited_with_the_one_before(world: World) -> None:
    await seed_tax_tables()
    hq_hr = await load_viewer(world.users["hq_hr"].id)
    table = await service.add_tax_table(hq_hr, FROM_FEBRUARY)
    entry = await AuditEntry.get(subject_type="IncomeTaxTable", subject_id=table.id)
    assert entry.actor_user_id == world.users["hq_hr"].id
    assert (entry.before["valid_from"], entry.after["valid_from"]) == (
        "2019-01-01",
        "2026-02-01",
    )
    assert (entry.before["basic_deduction"], entry.after["basic_deduction"]) == (
        "5000.00",
        "6000",
    )


async def test_the_api_lists_the_tables_with_history_and_adds_one(api: Api, world: World) -> None:
    await seed_tax_tables()
    mutation = """mutation($input: AddIncomeTaxTableInput!) {
      addIncomeTaxTable(input: $input) { table { validFrom basicDeduction }
        errors { field code message } } }"""
    law = [{"upper": None if b.upper is None else str(b.upper), "rate": str(b.rate),
            "quickDeduction": str(b.quick_deduction)} for b in LAW_TAX_TABLE.annual]  # fmt: skip
    good = {"validFrom": "2026-02-01", "basicDeduction": "6000", "brackets": law,
            "bonusBrackets": [{"upper": None, "rate": "0.03", "quickDeduction": "0"}]}  # fmt: skip
    got = await api.data(mutation, {"input": good}, as_=world.users["branch_hr"])
    assert got["addIncomeTaxTable"]["errors"][0]["code"] == "FORBIDDEN"
    got = await api.data(mutation, {"input": good}, as_=world.users["hq_hr"])
    assert got["addIncomeTaxTable"] == {
        "table": {"validFrom": "2026-02-01", "basicDeduction": "6000.00"}, "errors": []
    }  # fmt: skip
    bad = {**good, "validFrom": "2026-03-01", "bonusBrackets": [
        {"upper": "3000", "rate": "0.03", "quickDeduction": "0"},
        {"upper": None, "rate": "0.46", "quickDeduction": "600"}]}  # fmt: skip
    got = await api.data(mutation, {"input": bad}, as_=world.users["hq_hr"])
    assert [(e["field"], e["code"]) for e in got["addIncomeTaxTable"]["errors"]] == [
        ("bonusBrackets.1", "INVALID"), ("bonusBrackets.1", "INVALID")
    ]  # fmt: skip
    query = "{ incomeTaxTables { validFrom validTo basicDeduction brackets { upper rate } } }"
    found = (await api.data(query, as_=world.users["branch_hr"]))["incomeTaxTables"]
    assert [(t["validFrom"], t["validTo"], t["basicDeduction"]) for t in found] == [
        ("2026-02-01", None, "6000.00"), ("2019-01-01", "2026-01-31", "5000.00")
    ]  # fmt: skip
    assert found[1]["brackets"][0] == {"upper": "36000", "rate": "0.03"}
    assert found[1]["brackets"][-1]["upper"] is None
    assert (await api.data(query, as_=world.users["manager"]))["incomeTaxTables"] == []
