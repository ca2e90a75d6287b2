"""Contracts end (issue 19 point 4, "contracts signed, renewed and ended"): early, when a new
contract replaces one while the employment goes on (劳动合同法 art. 35), or with the employment —
a termination, whose kind (resignation, dismissal, agreement, a fixed term not renewed) is kept
on the leaving so that the turnover report counts a dismissal as involuntary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from talentloop.accounts.sessions import china_today
from talentloop.approvals.models import RequestType
from talentloop.approvals.titles import shown
from talentloop.audit.models import AuditEntry
from talentloop.people.models import TerminationKind
from talentloop.records.models import (
    Contract,
    ContractEndReason,
    ContractKind,
    EmploymentEvent,
    EventKind,
)
from tests.people.test_lifecycle import TERMINATE, _approval, _ask, _decide, _with_branch_head
from tests.support import Api, World, gid

END = """mutation ($i: EndContractInput!) {
  endContract(input: $i) { contract { endDate endReason note } errors { field code message } } }"""
SIGN = """mutation ($i: SignContractInput!) {
  signContract(input: $i) { contract { kind startDate endDate } errors { field code message } } }"""
REPORT = """query ($from: Date!, $to: Date!) {
  workforceReport(fromMonth: $from, toMonth: $to) {
    months { month leavers voluntaryLeavers involuntaryLeavers } } }"""


async def _fixed_term(world: World, person: str = "sh_rep") -> Contract:
    return await Contract.create(
        employee=world.people[person],
        kind=ContractKind.FIXED_TERM,
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
        signed_on=date(2024, 12, 20),
    )


async def _end(api: Api, world: World, contract: Contract, end: str, as_: str = "branch_hr"):
    given = {"contractId": gid(contract), "endDate": end, "note": "改签无固定期限"}
    data = await api.data(END, {"i": given}, as_=world.users[as_])
    return data["endContract"]


async def test_a_contract_replaced_by_an_open_ended_one_ends_the_day_before(
    api: Api, world: World
) -> None:
    contract = await _fixed_term(world)
    ended = await _end(api, world, contract, "2026-06-30")
    assert ended == {
        "contract": {"endDate": "2026-06-30", "endReason": "REPLACED", "note": "改签无固定期限"},
        "errors": [],
    }
    # The new contract from the next day no longer overlaps it.
    given = {
        "employeeId": gid(world.people["sh_rep"]),
        "kind": "OPEN_ENDED",
        "startDate": "2026-07-01",
        "signedOn": "2026-06-25",
    }
    signed = (await api.data(SIGN, {"i": given}, as_=world.users["branch_hr"]))["signContract"]
    assert signed["errors"] == [] and signed["contract"]["kind"] == "OPEN_ENDED"
    entry = await AuditEntry.filter(subject_type="Contract", subject_id=contract.id).first()
    assert entry is not None and entry.field == "endDate"


@pytest.mark.parametrize(
    ("end", "field"),
    [("2024-12-31", "endDate"), ("2027-12-31", "endDate"), ("2028-06-30", "endDate")],
)
async def test_an_end_before_the_start_or_not_before_its_own_end_is_refused(
    api: Api, world: World, end: str, field: str
) -> None:
    contract = await _fixed_term(world)
    ended = await _end(api, world, contract, end)
    assert ended["contract"] is None
    assert [(e["field"], e["code"]) for e in ended["errors"]] == [(field, "INVALID")]
    assert (await Contract.get(id=contract.id)).end_date == date(2027, 12, 31)


@pytest.mark.parametrize(("role", "code"), [("bj_hr", "NOT_FOUND"), ("employee", "FORBIDDEN")])
async def test_only_the_hr_in_charge_ends_a_contract_and_others_find_nothing(
    api: Api, world: World, role: str, code: str
) -> None:
    contract = await _fixed_term(world)
    ended = await _end(api, world, contract, "2026-06-30", as_=role)
    assert ended["contract"] is None and ended["errors"][0]["code"] == code
    assert (await Contract.get(id=contract.id)).end_reason is None


async def test_nobody_ends_their_own_contract(api: Api, world: World) -> None:
    own = await Contract.create(
        employee=world.people["sh_hr_person"],
        kind=ContractKind.OPEN_ENDED,
        start_date=date(2020, 1, 1),
        signed_on=date(2020, 1, 1),
    )
    ended = await _end(api, world, own, "2026-06-30")
    assert ended["contract"] is None and ended["errors"][0]["code"] == "SELF_DEALING"


async def test_a_fixed_term_not_renewed_ends_the_employment_on_the_contracts_last_day(
    api: Api, world: World
) -> None:
    w = world
    await _with_branch_head(w)
    last_day = china_today() + timedelta(days=20)
    await Contract.create(
        employee=w.people["sh_rep"],
        kind=ContractKind.FIXED_TERM,
        start_date=date(2024, 1, 1),
        end_date=last_day,
        signed_on=date(2023, 12, 20),
    )
    wrong_day = {
        "employeeId": gid(w.people["sh_rep"]),
        "kind": "CONTRACT_EXPIRY",
        "lastDay": (last_day - timedelta(days=1)).isoformat(),
        "reason": "合同期满不续签",
    }
    refused = await _ask(api, w, TERMINATE, "requestTermination", wrong_day)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("lastDay", "INVALID")]
    asked = await _ask(
        api, w, TERMINATE, "requestTermination", {**wrong_day, "lastDay": last_day.isoformat()}
    )
    assert asked["errors"] == []
    request = await _approval(RequestType.TERMINATION)
    # The title in each reader's language (the English text is kept for logs).
    assert shown(request).endswith(f"劳动合同期满终止 最后工作日 {last_day}")
    assert "fixed term ends, not renewed, last day" in request.title


async def test_a_dismissal_through_the_app_counts_as_an_involuntary_leaver(
    api: Api, world: World
) -> None:
    w = world
    await _with_branch_head(w)
    contract = await _fixed_term(w)
    last_day = china_today() - timedelta(days=1)
    await _ask(
        api,
        w,
        TERMINATE,
        "requestTermination",
        {
            "employeeId": gid(w.people["sh_rep"]),
            "kind": "DISMISSAL",
            "lastDay": last_day.isoformat(),
            "reason": "严重违纪 (劳动合同法第三十九条)",
        },
    )
    request = await _approval(RequestType.TERMINATION)
    await _decide(api, w, "manager", request)
    await _decide(api, w, "hq_hr", request)
    event = await EmploymentEvent.get(employee_id=w.people["sh_rep"].id, kind=EventKind.RESIGNATION)
    assert event.termination_kind is TerminationKind.DISMISSAL
    ended = await Contract.get(id=contract.id)
    assert (ended.end_date, ended.end_reason) == (last_day, ContractEndReason.EMPLOYMENT_ENDED)
    month = date(last_day.year, last_day.month, 1).isoformat()
    data = await api.data(REPORT, {"from": month, "to": month}, as_=w.users["hq_hr"])
    (row,) = data["workforceReport"]["months"]
    assert (row["leavers"], row["voluntaryLeavers"], row["involuntaryLeavers"]) == (1, 0, 1)
