"""ID numbers and bank accounts at rest: the database holds ciphertexts and keyed hashes, never
a plain value, and HR finds a person by an exact number all the same."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise, connections

from talentloop.people.models import Employee
from talentloop.people.sensitive import SensitiveField, read
from tests.conftest import TEST_DATABASE_URL
from tests.support import Api, World, gid


async def _bytes_read_elsewhere(paths: list[Path]) -> bytes:
    """The files' bytes, read by another process. Opening and closing the database file here
    would release every POSIX lock this process holds on it, SQLite's included: another
    process would then take itself for the last one open, remove the write-ahead log under
    this process's connection, and every later reader would get "disk I/O error" (SQLite's
    "How To Corrupt An SQLite Database File", 2.2)."""
    script = (
        "import sys, pathlib; sys.stdout.buffer.write(b''.join("
        "pathlib.Path(p).read_bytes() for p in sys.argv[1:] if pathlib.Path(p).exists()))"
    )
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", script, *map(str, paths)], capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


CREATE = """mutation($i: CreateEmployeeInput!) {
  createEmployee(input: $i) { employee { id idNumber bankAccount } errors { field code } }
}"""
UPDATE = """mutation($i: UpdateEmployeeInput!) {
  updateEmployee(input: $i) { employee { idNumber bankAccount } errors { field code } }
}"""
FIND = """query($f: EmployeeFilter) { employees(first: 20, filter: $f) {
  totalCount edges { node { employeeNumber } } } }"""
NEW_ID, NEW_ACCOUNT = "11010519491231002X", "6222 0200 0000 1234 567"


async def _all_rows_as_text() -> str:
    """Every row of every table, as the database returns it to a plain SQL query."""
    conn = connections.get("default")
    text = []
    for model in Tortoise.apps["talentloop"].values():
        _, rows = await conn.execute_query(f'SELECT * FROM "{model._meta.db_table}"')
        text += [repr(dict(row)) for row in rows]
    return "\n".join(text)


async def test_the_database_holds_no_plain_id_number_or_bank_account(
    api: Api, world: World
) -> None:
    created = await api.data(
        CREATE,
        {
            "i": {
                "employeeNumber": "N0001",
                "name": "New Hire",
                "unitId": gid(world.units["SH-PROD"]),
                "hireDate": "2026-03-01",
                "idNumber": NEW_ID,
                "bankAccount": NEW_ACCOUNT,
            }
        },
        as_=world.users["branch_hr"],
    )
    assert created["createEmployee"]["errors"] == []
    assert created["createEmployee"]["employee"]["idNumber"] == "*" * 14 + "002X"
    changed = await api.data(
        UPDATE,
        {"i": {"id": gid(world.people["sh_rep"]), "bankAccount": "6222 0300 0000 7654 321"}},
        as_=world.users["branch_hr"],
    )
    assert changed["updateEmployee"]["errors"] == []

    secrets = [NEW_ID, NEW_ACCOUNT.replace(" ", ""), "6222030000007654321"]
    secrets += list(world.id_numbers.values()) + list(world.bank_accounts.values())
    stored = await _all_rows_as_text()
    for secret in secrets:
        assert secret not in stored, secret
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        "SELECT employee_number, id_number_cipher, id_number_hash, bank_account_cipher, "
        "bank_account_hash FROM employee"
    )
    for row in rows:
        assert row["id_number_cipher"].startswith("v1:test1:"), row
        assert len(row["id_number_hash"]) == 64 and len(row["bank_account_hash"]) == 64
    # The plain columns are gone, not merely empty.
    columns = set(dict(rows[0]))
    assert not {"id_number", "bank_account"} & columns

    if TEST_DATABASE_URL.startswith("sqlite://"):
        # Not even in the file's pages (or its write-ahead log) as bytes.
        path = Path(TEST_DATABASE_URL.removeprefix("sqlite://"))
        on_disk = await _bytes_read_elsewhere([path, Path(f"{path}-wal")])
        for secret in secrets:
            assert secret.encode() not in on_disk, secret


async def test_a_stored_value_reads_back_exactly_as_given(api: Api, world: World) -> None:
    rep = world.people["sh_rep"]
    await api.data(
        UPDATE,
        {"i": {"id": gid(rep), "idNumber": NEW_ID.lower(), "bankAccount": NEW_ACCOUNT}},
        as_=world.users["hq_hr"],
    )
    stored = await Employee.get(id=rep.id)
    assert read(stored, SensitiveField.ID_NUMBER) == NEW_ID  # normalised: upper case
    assert read(stored, SensitiveField.BANK_ACCOUNT) == NEW_ACCOUNT.replace(" ", "")
    await api.data(UPDATE, {"i": {"id": gid(rep), "bankAccount": None}}, as_=world.users["hq_hr"])
    cleared = await Employee.get(id=rep.id)
    assert cleared.bank_account_cipher is None and cleared.bank_account_hash is None
    assert read(cleared, SensitiveField.BANK_ACCOUNT) is None


async def test_hr_finds_an_employee_by_exact_id_number_or_account(api: Api, world: World) -> None:
    hr = world.users["hq_hr"]
    rep_id, rep_account = world.id_numbers["sh_rep"], world.bank_accounts["sh_rep"]
    spaced = " ".join(rep_account[i : i + 4] for i in range(0, len(rep_account), 4))
    for where in (
        {"idNumber": rep_id},
        {"idNumber": rep_id.lower()},
        {"bankAccount": spaced},
        {"search": rep_id},  # the ordinary search box
        {"search": rep_account},
    ):
        found = await api.data(FIND, {"f": where}, as_=hr)
        assert [e["node"]["employeeNumber"] for e in found["employees"]["edges"]] == [
            world.people["sh_rep"].employee_number
        ], where
    # Only exact numbers match: no prefix or partial search over hashes.
    for where in ({"idNumber": rep_id[:-1]}, {"bankAccount": rep_account[:-2]}, {"idNumber": ""}):
        assert (await api.data(FIND, {"f": where}, as_=hr))["employees"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("viewer", "target", "found"),
    [
        ("branch_hr", "sh_rep", True),
        ("branch_hr", "bj_rep", False),  # another branch: not visible at all
        ("manager", "sh_rep", False),  # visible, but not the sensitive group
        ("employee", "sh_rep2", False),  # a colleague (directory only)
        ("employee", "sh_rep", True),  # oneself
        ("executive", "sh_rep", False),
        ("admin", "sh_rep", False),
    ],
)
async def test_a_look_up_by_number_finds_only_people_whose_numbers_the_viewer_may_read(
    api: Api, world: World, viewer: str, target: str, found: bool
) -> None:
    """Otherwise a look-up would tell a manager which colleague holds a given ID number."""
    for where in (
        {"idNumber": world.id_numbers[target]},
        {"search": world.id_numbers[target]},
        {"bankAccount": world.bank_accounts[target]},
    ):
        result = await api.data(FIND, {"f": where}, as_=world.users[viewer])
        assert result["employees"]["totalCount"] == int(found), where


IMPORT = """mutation($content: String!) {
  importData(input: {kind: EMPLOYEES, fileName: "people.csv", contentBase64: $content,
                     dryRun: false}) {
    job { createdRows updatedRows unchangedRows errors { row column message } }
    errors { field code }
  }
}"""


async def _import(api: Api, world: World, csv: str) -> dict[str, Any]:
    content = base64.b64encode(csv.encode()).decode()
    data = await api.data(IMPORT, {"content": content}, as_=world.users["hq_hr"])
    assert data["importData"]["errors"] == []
    job: dict[str, Any] = data["importData"]["job"]
    return job


async def test_imported_numbers_are_sealed_and_an_unchanged_file_changes_nothing(
    api: Api, world: World
) -> None:
    csv = (
        "工号,姓名,部门编码,入职日期,身份证号,银行账号\n"
        f"I0001,导入员工,SH-PROD,2024-01-02,{NEW_ID},{NEW_ACCOUNT}\n"
    )
    first = await _import(api, world, csv)
    assert (first["createdRows"], first["errors"]) == (1, [])
    imported = await Employee.get(employee_number="I0001")
    assert read(imported, SensitiveField.ID_NUMBER) == NEW_ID
    assert NEW_ID not in await _all_rows_as_text()
    again = await _import(api, world, csv)
    assert (again["updatedRows"], again["unchangedRows"]) == (0, 1)
    assert (await Employee.get(id=imported.id)).id_number_cipher == imported.id_number_cipher
    found = await api.data(FIND, {"f": {"idNumber": NEW_ID}}, as_=world.users["hq_hr"])
    assert found["employees"]["totalCount"] == 1
