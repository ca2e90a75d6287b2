"""Which fields each role reads of whom: the value, a masked value, or null with an error naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api, World, gid

FIELDS = [
    "name",
    "hireDate",
    "birthDate",
    "personalPhone",
    "baseSalary",
    "idNumber",
    "bankAccount",
]

V, M, D = "value", "masked", "denied"
# (viewer, target) → what each field of FIELDS gives
CASES: list[tuple[str, str, list[str]]] = [
    ("hq_hr", "bj_rep", [V, V, V, V, V, M, M]),
    ("branch_hr", "sh_rep", [V, V, V, V, V, M, M]),
    ("manager", "sh_rep", [V, V, D, D, D, D, D]),  # own unit: work fields, no pay or ID
    (
        "manager",
        "sh_worker",
        [V, D, D, D, D, D, D],
    ),  # same branch, other unit: directory
    ("employee", "sh_rep", [V, V, V, V, V, M, M]),  # self in full
    ("employee", "sh_rep2", [V, D, D, D, D, D, D]),  # a colleague: directory
    ("executive", "sh_rep", [V, V, D, D, D, D, D]),  # work fields, no ID or bank
    ("admin", "sh_rep", [V, D, D, D, D, D, D]),  # accounts, not personal data
]


def _expected(kind: str, raw: Any) -> Any:
    if kind == V:
        return raw
    if kind == M:
        return "*" * (len(raw) - 4) + raw[-4:]
    return None


@pytest.mark.parametrize(("viewer", "target", "kinds"), CASES)
async def test_field_access(
    api: Api, world: World, viewer: str, target: str, kinds: list[str]
) -> None:
    person = world.people[target]
    body = await api.run(
        f"query($id: ID!) {{ employee(id: $id) {{ {' '.join(FIELDS)} }} }}",
        {"id": gid(person)},
        as_=world.users[viewer],
    )
    raw = {
        "name": person.name,
        "hireDate": person.hire_date.isoformat(),
        "birthDate": person.birth_date.isoformat() if person.birth_date else None,
        "personalPhone": person.personal_phone,
        "baseSalary": f"{person.base_salary:.2f}",
        "idNumber": world.id_numbers[target],
        "bankAccount": world.bank_accounts[target],
    }
    employee = body["data"]["employee"]
    denied_paths = {tuple(e["path"]) for e in body.get("errors", [])}
    for field, kind in zip(FIELDS, kinds, strict=True):
        assert employee[field] == _expected(kind, raw[field]), field
        assert (("employee", field) in denied_paths) == (kind == D), field
    for error in body.get("errors", []):
        assert error["message"] == f"Not permitted to read field '{error['path'][-1]}'."
