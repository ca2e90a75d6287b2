"""Labour contracts: overlap refused, probation limits of 劳动合同法 art. 19, reminders per HR."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from talentloop.records.models import Contract, ContractKind
from talentloop.records.service import probation_limit_months
from tests.support import Api, World, gid

SIGN = """mutation($input: SignContractInput!) {
  signContract(input: $input) {
    contract { kind startDate endDate probationEnd }
    errors { field code message }
  }
}"""

EXPIRING = """query($within: Int!) {
  expiringContracts(within: $within) { ending endsOn employeeNumber }
}"""


def _contract(world: World, person: str = "sh_rep", **overrides: object) -> dict:
    data = {
        "employeeId": gid(world.people[person]),
        "kind": "FIXED_TERM",
        "startDate": "2026-01-01",
        "endDate": "2028-12-31",
        "probationEnd": "2026-02-28",
        "signedOn": "2025-12-20",
    }
    data.update(overrides)
    return data


async def _sign(api: Api, world: World, as_: str = "branch_hr", **overrides: object) -> dict:
    data = await api.data(SIGN, {"input": _contract(world, **overrides)}, as_=world.users[as_])
    return data["signContract"]


async def test_a_branch_hr_signs_a_three_year_contract_with_two_months_probation(
    api: Api, world: World
) -> None:
    result = await _sign(api, world)
    assert result == {
        "contract": {
            "kind": "FIXED_TERM",
            "startDate": "2026-01-01",
            "endDate": "2028-12-31",
            "probationEnd": "2026-02-28",
        },
        "errors": [],
    }


async def test_an_overlapping_contract_is_refused_with_a_clear_error(
    api: Api, world: World
) -> None:
    assert (await _sign(api, world))["errors"] == []
    result = await _sign(
        api, world, kind="OPEN_ENDED", startDate="2028-06-01", endDate=None, probationEnd=None
    )
    assert result["contract"] is None
    assert result["errors"] == [
        {
            "field": "startDate",
            "code": "CONFLICT",
            "message": "Overlaps the contract from 2026-01-01 to 2028-12-31.",
        }
    ]
    assert await Contract.filter(employee_id=world.people["sh_rep"].id).count() == 1


async def test_a_renewal_starting_the_day_after_is_accepted_without_a_second_probation(
    api: Api, world: World
) -> None:
    assert (await _sign(api, world))["errors"] == []
    renewal = await _sign(
        api, world, kind="OPEN_ENDED", startDate="2029-01-01", endDate=None, probationEnd=None
    )
    assert renewal["errors"] == []
    second_probation = await _sign(
        api,
        world,
        person="sh_rep",
        startDate="2032-01-01",
        endDate="2032-12-31",
        probationEnd="2032-01-15",
    )
    assert second_probation["errors"][0]["code"] in {"CONFLICT", "INVALID"}


async def test_only_one_probation_per_employer(api: Api, world: World) -> None:
    first = await _sign(
        api, world, startDate="2024-01-01", endDate="2024-12-31", probationEnd="2024-01-31"
    )
    assert first["errors"] == []
    again = await _sign(
        api, world, startDate="2025-01-01", endDate="2027-12-31", probationEnd="2025-01-31"
    )
    assert again["errors"] == [
        {
            "field": "probationEnd",
            "code": "INVALID",
            "message": "This employee already had a probation period with the company.",
        }
    ]


@pytest.mark.parametrize(
    ("kind", "start", "end", "months"),
    [
        (ContractKind.TASK, date(2026, 1, 1), date(2027, 1, 1), 0),
        (ContractKind.FIXED_TERM, date(2026, 1, 1), date(2026, 3, 30), 0),
        (ContractKind.FIXED_TERM, date(2026, 1, 1), date(2026, 3, 31), 1),
        (ContractKind.FIXED_TERM, date(2026, 1, 1), date(2026, 12, 30), 1),
        (ContractKind.FIXED_TERM, date(2026, 1, 1), date(2026, 12, 31), 2),
        (ContractKind.FIXED_TERM, date(2026, 1, 1), date(2028, 12, 30), 2),
        (ContractKind.FIXED_TERM, date(2026, 1, 1), date(2028, 12, 31), 6),
        (ContractKind.OPEN_ENDED, date(2026, 1, 1), None, 6),
    ],
)
def test_probation_limits_follow_article_19(
    kind: ContractKind, start: date, end: date | None, months: int
) -> None:
    assert probation_limit_months(kind, start, end) == months


async def test_a_probation_longer_than_the_term_allows_is_refused(api: Api, world: World) -> None:
    too_long = await _sign(api, world, endDate="2026-12-31", probationEnd="2026-03-01")
    assert too_long["errors"] == [
        {
            "field": "probationEnd",
            "code": "INVALID",
            "message": "Probation may last at most 2 month(s) for this contract.",
        }
    ]
    task = await _sign(api, world, kind="TASK", endDate=None, probationEnd="2026-01-10")
    assert task["errors"][0]["field"] == "probationEnd"
    assert not await Contract.exists()


async def test_a_fixed_term_needs_an_end_and_an_open_ended_has_none(api: Api, world: World) -> None:
    no_end = await _sign(api, world, endDate=None, probationEnd=None)
    assert no_end["errors"][0] == {
        "field": "endDate",
        "code": "REQUIRED",
        "message": "A fixed-term contract needs an end date.",
    }
    with_end = await _sign(api, world, kind="OPEN_ENDED", probationEnd=None)
    assert with_end["errors"][0]["field"] == "endDate"


@pytest.mark.parametrize("role", ["bj_hr", "manager", "employee", "executive"])
async def test_only_the_hr_in_charge_signs(api: Api, world: World, role: str) -> None:
    result = await _sign(api, world, as_=role)
    assert result["contract"] is None
    assert result["errors"][0]["code"] in {"NOT_FOUND", "FORBIDDEN"}
    assert not await Contract.exists()


async def test_reminders_list_contracts_and_probations_ending_within_30_days_per_branch(
    api: Api, world: World
) -> None:
    today = date.today()
    await Contract.create(
        employee=world.people["sh_rep"],
        kind=ContractKind.FIXED_TERM,
        start_date=today - timedelta(days=700),
        end_date=today + timedelta(days=10),
        signed_on=today - timedelta(days=700),
    )
    await Contract.create(
        employee=world.people["sh_rep2"],
        kind=ContractKind.OPEN_ENDED,
        start_date=today - timedelta(days=20),
        probation_end=today + timedelta(days=25),
        signed_on=today - timedelta(days=20),
    )
    await Contract.create(
        employee=world.people["sh_worker"],
        kind=ContractKind.FIXED_TERM,
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=31),
        signed_on=today - timedelta(days=300),
    )
    await Contract.create(
        employee=world.people["bj_rep"],
        kind=ContractKind.FIXED_TERM,
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=5),
        signed_on=today - timedelta(days=300),
    )
    numbers = {name: world.people[name].employee_number for name in world.people}

    shanghai = await api.data(EXPIRING, {"within": 30}, as_=world.users["branch_hr"])
    assert shanghai["expiringContracts"] == [
        {
            "ending": "CONTRACT",
            "endsOn": (today + timedelta(days=10)).isoformat(),
            "employeeNumber": numbers["sh_rep"],
        },
        {
            "ending": "PROBATION",
            "endsOn": (today + timedelta(days=25)).isoformat(),
            "employeeNumber": numbers["sh_rep2"],
        },
    ]
    beijing = await api.data(EXPIRING, {"within": 30}, as_=world.users["bj_hr"])
    assert [e["employeeNumber"] for e in beijing["expiringContracts"]] == [numbers["bj_rep"]]
    company = await api.data(EXPIRING, {"within": 30}, as_=world.users["hq_hr"])
    assert len(company["expiringContracts"]) == 3
    for role in ("manager", "employee", "executive"):
        nothing = await api.data(EXPIRING, {"within": 30}, as_=world.users[role])
        assert nothing["expiringContracts"] == []


async def test_a_branch_hr_cannot_see_another_branchs_contracts(api: Api, world: World) -> None:
    await Contract.create(
        employee=world.people["bj_rep"],
        kind=ContractKind.OPEN_ENDED,
        start_date=date(2025, 1, 1),
        signed_on=date(2025, 1, 1),
    )
    query = "query($id: ID!) { contracts(employeeId: $id) { kind } }"
    variables = {"id": gid(world.people["bj_rep"])}
    assert (await api.data(query, variables, as_=world.users["branch_hr"]))["contracts"] == []
    assert (await api.data(query, variables, as_=world.users["bj_hr"]))["contracts"] == [
        {"kind": "OPEN_ENDED"}
    ]


async def test_after_two_fixed_terms_a_third_needs_the_employees_request(
    api: Api, world: World
) -> None:
    first = await _sign(api, world, startDate="2020-01-01", endDate="2022-12-31", probationEnd=None)
    second = await _sign(
        api, world, startDate="2023-01-01", endDate="2025-12-31", probationEnd=None
    )
    assert first["errors"] == [] and second["errors"] == []
    third = await _sign(api, world, startDate="2026-01-01", endDate="2028-12-31", probationEnd=None)
    assert third["errors"] == [
        {
            "field": "kind",
            "code": "INVALID",
            "message": "After two consecutive fixed terms the contract is open-ended, unless "
            "the employee asks for a fixed term.",
        }
    ]
    asked = await _sign(
        api,
        world,
        startDate="2026-01-01",
        endDate="2028-12-31",
        probationEnd=None,
        employeeRequestedFixedTerm=True,
    )
    assert asked["errors"] == []
