"""City social-insurance tables as data: a change is a new version from a month (the earlier
ones kept, audited before and after, HQ HR alone), a payroll takes the version in force in its
month, a city without one fails naming the city and the month, and Hangzhou (HQ) has one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from talentloop.access.viewer import load_viewer
from talentloop.audit.models import AuditEntry
from talentloop.errors import ErrorCode, ServiceError
from talentloop.org.models import OrgUnitType
from talentloop.payroll import service as payroll
from talentloop.payroll.calc import Component
from talentloop.payroll.models import (
    ComponentKind,
    ComponentMethod,
    JobStatus,
    SocialInsuranceTable,
)
from talentloop.policy import service
from talentloop.policy.seed import seed_city_tables, seed_tax_tables
from tests.payroll.conftest import FEB, JAN, MAR, Pay, finish
from tests.support import Api, World, add_person, add_unit

SHANGHAI_2026_03 = service.CityTableInput(
    city="上海",
    valid_from=MAR,
    base_floor=D(9000),  # above sh_rep's 8,000: from March the floor is the base
    base_ceiling=D(40000),
    fund_floor=D(2690),
    fund_ceiling=D(40000),
    rates=[
        service.RateInput(Component.PENSION, D("0.08"), D("0.16")),
        service.RateInput(Component.MEDICAL, D("0.02"), D("0.09")),
        service.RateInput(Component.INJURY, D(0), D("0.0026")),
        service.RateInput(Component.HOUSING_FUND, D("0.05"), D("0.05")),
    ],
    source="test: a new base from March",
)


async def test_a_new_version_applies_from_its_month_and_not_before(pay: Pay) -> None:
    hq_hr = await load_viewer(pay.world.users["hq_hr"].id)
    await service.add_city_table(hq_hr, SHANGHAI_2026_03)
    for month in (JAN, FEB, MAR):
        await pay.run("SH-SALES-1", month)
    assert (await pay.lines("sh_rep", FEB))["contribution:pension"] == D(640)  # 8 % of 8,000
    assert (await pay.lines("sh_rep", MAR))["contribution:pension"] == D(720)  # 8 % of 9,000
    tables = await payroll.social_insurance_tables(hq_hr)
    until = payroll.valid_until(tables)
    by_start = {t.valid_from: until[t.id] for t in tables if t.city == "上海"}
    assert by_start == {date(2025, 7, 1): date(2026, 2, 28), MAR: None}  # history kept


async def test_a_change_is_audited_with_the_version_before_and_after(world: World) -> None:
    from tests.payroll.conftest import add_city_table

    await add_city_table()
    hq_hr = await load_viewer(world.users["hq_hr"].id)
    table = await service.add_city_table(hq_hr, SHANGHAI_2026_03)
    entry = await AuditEntry.get(subject_type="SocialInsuranceTable", subject_id=table.id)
    assert entry.actor_user_id == world.users["hq_hr"].id
    assert entry.before["base_floor"] == "7460.00" and entry.after["base_floor"] == "9000"
    assert entry.before["valid_from"] == "2025-07-01" and entry.after["valid_from"] == "2026-03-01"


async def test_nothing_is_overwritten_and_bad_input_is_typed(world: World) -> None:
    hq_hr = await load_viewer(world.users["hq_hr"].id)
    await service.add_city_table(hq_hr, SHANGHAI_2026_03)
    with pytest.raises(ServiceError) as err:
        await service.add_city_table(hq_hr, SHANGHAI_2026_03)
    assert [(e.code, e.field) for e in err.value.errors] == [(ErrorCode.DUPLICATE, "validFrom")]
    bad = service.CityTableInput(
        city="上海", valid_from=date(2026, 4, 15), base_floor=D(5000), base_ceiling=D(4000),
        fund_floor=D(1), fund_ceiling=D(2),
        rates=[service.RateInput(Component.HOUSING_FUND, D("0.2"), D("0.05"))],
    )  # fmt: skip
    with pytest.raises(ServiceError) as err:
        await service.add_city_table(hq_hr, bad)
    assert {e.field for e in err.value.errors} == {"validFrom", "baseCeiling", "rates.0"}
    assert await SocialInsuranceTable.filter(city="上海").count() == 1


@pytest.mark.parametrize("who", ["branch_hr", "manager"])
async def test_only_hq_hr_adds_a_version(api: Api, world: World, who: str) -> None:
    with pytest.raises(ServiceError) as err:
        await service.add_city_table(await load_viewer(world.users[who].id), SHANGHAI_2026_03)
    assert err.value.errors[0].code is ErrorCode.FORBIDDEN
    assert not await SocialInsuranceTable.exists()


async def test_branch_hr_reads_the_tables_with_their_history(api: Api, world: World) -> None:
    await service.add_city_table(await load_viewer(world.users["hq_hr"].id), SHANGHAI_2026_03)
    query = "query { socialInsuranceTables { city validFrom validTo rates { component } } }"
    found = (await api.data(query, as_=world.users["branch_hr"]))["socialInsuranceTables"]
    assert [(t["city"], t["validFrom"], t["validTo"]) for t in found] == [
        ("上海", "2026-03-01", None)
    ]
    assert (await api.data(query, as_=world.users["manager"]))["socialInsuranceTables"] == []


async def test_the_api_adds_a_version_and_answers_errors_in_the_payload(
    api: Api, world: World
) -> None:
    mutation = """mutation($input: AddSocialInsuranceTableInput!) {
      addSocialInsuranceTable(input: $input) { table { city validFrom baseFloor }
        errors { field code } } }"""
    good = {"city": "上海", "validFrom": "2026-03-01", "baseFloor": "9000", "baseCeiling": "40000",
            "fundFloor": "2690", "fundCeiling": "40000",
            "rates": [{"component": "PENSION", "employeeRate": "0.08", "employerRate": "0.16"}]}  # fmt: skip
    got = await api.data(mutation, {"input": good}, as_=world.users["hq_hr"])
    assert got["addSocialInsuranceTable"]["table"]["baseFloor"] == "9000.00"
    got = await api.data(mutation, {"input": good}, as_=world.users["branch_hr"])
    assert got["addSocialInsuranceTable"] == {
        "table": None, "errors": [{"field": None, "code": "FORBIDDEN"}]
    }  # fmt: skip


async def _hangzhou_run(world: World) -> tuple[str, JobStatus]:
    """A run of a department of HQ (杭州) with one person, computed by the job."""
    world.units["HQ-OPS"] = await add_unit("HQ-OPS", OrgUnitType.DEPARTMENT, world.units["HQ"], "")
    await add_person(world, "hz_rep", "HQ-OPS", salary=9000)
    hq_hr = await load_viewer(world.users["hq_hr"].id)
    await payroll.set_employee_structure(
        hq_hr, world.people["hz_rep"].id, JAN,
        [payroll.ComponentInput(ComponentKind.BASE, "基本工资",
                                ComponentMethod.EMPLOYEE_BASE)],
    )  # fmt: skip
    run = await finish((await payroll.create_run(hq_hr, world.units["HQ-OPS"].id, FEB)).id)
    return run.error, run.job_status


async def test_a_city_without_a_table_fails_naming_the_city_and_the_month(world: World) -> None:
    error, status = await _hangzhou_run(world)
    assert status is JobStatus.FAILED
    assert "No social insurance table for 杭州 in force in 2026-02" in error


async def test_hangzhou_hq_payroll_runs_on_the_seeded_table(world: World) -> None:
    await seed_tax_tables()
    await seed_city_tables()
    error, status = await _hangzhou_run(world)
    assert (error, status) == ("", JobStatus.DONE)
    assert await SocialInsuranceTable.filter(city="杭州").count() == 1
    await seed_city_tables()  # idempotent: nothing twice
    assert await SocialInsuranceTable.all().count() == 4
