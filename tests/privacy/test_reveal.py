"""Revealing a full ID number or bank account: with a reason, to those who may read the
employee's sensitive fields, logged without the value; to anyone else the employee is missing."""

from __future__ import annotations

import json

import pytest

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.people.models import Employee
from talentloop.privacy.cipher import SealedValueError
from tests.support import Api, World, gid

REVEAL = """mutation($i: RevealEmployeeFieldInput!) {
  revealEmployeeField(input: $i) { value errors { field code message } }
}"""
REASON = "Payroll bounced: checking the account with the bank"


async def reveal(
    api: Api, world: World, viewer: str, target: str, field: str = "ID_NUMBER", reason: str = REASON
) -> dict:
    data = await api.data(
        REVEAL,
        {"i": {"employeeId": gid(world.people[target]), "field": field, "reason": reason}},
        as_=world.users[viewer],
    )
    payload: dict = data["revealEmployeeField"]
    return payload


async def test_hr_reveals_a_full_value_and_the_read_is_logged_without_it(
    api: Api, world: World
) -> None:
    answer = await reveal(api, world, "branch_hr", "sh_rep", "BANK_ACCOUNT", f"  {REASON}  ")
    assert answer == {"value": world.bank_accounts["sh_rep"], "errors": []}
    answer = await reveal(api, world, "hq_hr", "bj_rep")
    assert answer == {"value": world.id_numbers["bj_rep"], "errors": []}

    first, second = await AuditEntry.filter(action=AuditAction.SENSITIVE_READ).order_by("id")
    rep = world.people["sh_rep"]
    assert (first.actor_user_id, first.actor_username) == (world.users["branch_hr"].id, "branch_hr")
    assert (first.employee_id, first.subject_type, first.subject_id) == (rep.id, "Employee", rep.id)
    assert (first.field, first.reason) == ("bankAccount", REASON)  # trimmed
    assert first.at.utcoffset() is not None and first.at.utcoffset().total_seconds() == 0
    assert first.client_address == "127.0.0.1"
    assert second.field == "idNumber" and second.employee_id == world.people["bj_rep"].id
    logged = json.dumps(await AuditEntry.all().values(), default=str)
    for secret in [*world.id_numbers.values(), *world.bank_accounts.values()]:
        assert secret not in logged


async def test_an_employee_reveals_their_own_numbers(api: Api, world: World) -> None:
    answer = await reveal(api, world, "employee", "sh_rep")
    assert answer == {"value": world.id_numbers["sh_rep"], "errors": []}


@pytest.mark.parametrize("reason", ["", "    ", "why?", "  ab  ", "x" * 501])
async def test_a_reason_of_5_to_500_characters_is_required(
    api: Api, world: World, reason: str
) -> None:
    answer = await reveal(api, world, "hq_hr", "sh_rep", reason=reason)
    assert answer["value"] is None
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("reason", "INVALID")]
    assert not await AuditEntry.filter(action=AuditAction.SENSITIVE_READ).exists()


async def test_500_characters_are_enough(api: Api, world: World) -> None:
    answer = await reveal(api, world, "hq_hr", "sh_rep", reason="y" * 500)
    assert answer["errors"] == []
    assert (await AuditEntry.get(action=AuditAction.SENSITIVE_READ)).reason == "y" * 500


@pytest.mark.parametrize(
    ("viewer", "target"),
    [
        ("bj_hr", "sh_rep"),  # branch HR of another branch: the employee does not exist for them
        ("branch_hr", "bj_rep"),
        ("manager", "sh_rep"),  # sees the employee's work fields, not the sensitive ones
        ("employee", "sh_rep2"),  # a colleague
        ("executive", "sh_rep"),
        ("admin", "sh_rep"),
    ],
)
async def test_anyone_else_is_told_the_employee_does_not_exist(
    api: Api, world: World, viewer: str, target: str
) -> None:
    denied = await reveal(api, world, viewer, target)
    missing = await api.data(
        REVEAL,
        {"i": {"employeeId": gid(Employee(id=999_999)), "field": "ID_NUMBER", "reason": REASON}},
        as_=world.users[viewer],
    )
    assert denied == missing["revealEmployeeField"]
    assert denied == {
        "value": None,
        "errors": [{"field": "employeeId", "code": "NOT_FOUND", "message": "Employee not found."}],
    }
    assert not await AuditEntry.filter(action=AuditAction.SENSITIVE_READ).exists()
    # The refusal itself is on the record (access/guard.py).
    refused = await AuditEntry.filter(action=AuditAction.ACCESS_DENIED).order_by("id")
    assert [e.subject_type for e in refused] == ["revealEmployeeField"] * 2


async def test_without_signing_in_nothing_is_revealed(api: Api, world: World) -> None:
    data = await api.data(
        REVEAL,
        {"i": {"employeeId": gid(world.people["sh_rep"]), "field": "ID_NUMBER", "reason": REASON}},
    )
    assert data["revealEmployeeField"]["errors"][0]["code"] == "NOT_FOUND"


async def test_an_api_token_may_not_reveal(api: Api, world: World) -> None:
    created = await api.data(
        """mutation { createApiToken(input: {name: "payroll", scopes: [WRITE_PEOPLE]}) {
          secret errors { code } } }""",
        as_=world.users["hq_hr"],
    )
    secret = created["createApiToken"]["secret"]
    response = await api.http.post(
        "/graphql",
        json={
            "query": REVEAL,
            "variables": {
                "i": {
                    "employeeId": gid(world.people["sh_rep"]),
                    "field": "ID_NUMBER",
                    "reason": REASON,
                }
            },
        },
        headers={"Authorization": f"Bearer {secret}"},
    )
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert world.id_numbers["sh_rep"] not in response.text


async def test_ordinary_fields_stay_masked_for_everyone(api: Api, world: World) -> None:
    for viewer in ("hq_hr", "branch_hr", "employee"):
        shown = await api.data(
            "query($id: ID!) { employee(id: $id) { idNumber bankAccount } }",
            {"id": gid(world.people["sh_rep"])},
            as_=world.users[viewer],
        )
        assert shown["employee"]["idNumber"] == "*" * 14 + world.id_numbers["sh_rep"][-4:]
        assert shown["employee"]["bankAccount"] == "*" * 12 + world.bank_accounts["sh_rep"][-4:]


async def test_a_tampered_value_fails_loudly_and_never_shows_something_else(
    api: Api, world: World
) -> None:
    victim, donor = world.people["sh_rep"], world.people["sh_rep2"]
    await Employee.filter(id=victim.id).update(bank_account_cipher=donor.bank_account_cipher)
    shown = await api.run(
        "query($id: ID!) { employee(id: $id) { name bankAccount } }",
        {"id": gid(victim)},
        as_=world.users["hq_hr"],
    )
    assert shown["data"]["employee"] == {"name": victim.name, "bankAccount": None}
    assert shown["errors"][0]["message"] == "Unexpected error."
    assert shown["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    revealed = await api.run(
        REVEAL,
        {"i": {"employeeId": gid(victim), "field": "BANK_ACCOUNT", "reason": REASON}},
        as_=world.users["hq_hr"],
    )
    assert revealed["data"] is None and revealed["errors"][0]["message"] == "Unexpected error."
    assert world.bank_accounts["sh_rep2"] not in json.dumps(revealed)
    with pytest.raises(SealedValueError):
        from talentloop.people.sensitive import SensitiveField, read

        read(await Employee.get(id=victim.id), SensitiveField.BANK_ACCOUNT)
