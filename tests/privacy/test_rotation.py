"""Key rotation: with a new key first in the keyring, old values still open; `rotate-keys`
seals every value again with the new key, after which the old key can go."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys

import pytest
from tortoise import connections

from talentloop.__main__ import main
from talentloop.people.models import Employee
from talentloop.people.sensitive import SensitiveField, read
from talentloop.privacy.cipher import SealedValueError, key_id_of
from talentloop.privacy.keys import new_key_entry
from talentloop.privacy.rotation import rotate_keys
from tests.privacy.conftest import keys
from tests.support import Api, World, gid

FIND = """query($f: EmployeeFilter) { employees(first: 5, filter: $f) { totalCount } }"""
PROFILE = """query($id: ID!) { employee(id: $id) { idNumber bankAccount } }"""


def _configured() -> str:
    return os.environ["TALENTLOOP_ENCRYPTION_KEYS"]  # "test1:…", set by tests/conftest.py


async def _key_ids() -> set[str]:
    ids = set()
    for e in await Employee.all():
        ids |= {key_id_of(getattr(e, f.cipher_column)) for f in SensitiveField}
    return ids


async def test_rotation_reseals_every_value_with_the_new_key(api: Api, world: World) -> None:
    old = _configured()
    new = new_key_entry("test2")
    rep = world.people["sh_rep"]
    assert await _key_ids() == {"test1"}
    with keys(f"{new},{old}"):
        # Before rotating: old values open, new ones are sealed with the new key.
        shown = await api.data(PROFILE, {"id": gid(rep)}, as_=world.users["hq_hr"])
        assert shown["employee"]["idNumber"].endswith(world.id_numbers["sh_rep"][-4:])
        await api.data(
            """mutation($i: UpdateEmployeeInput!) { updateEmployee(input: $i) { errors { code } } }""",
            {"i": {"id": gid(world.people["bj_rep"]), "bankAccount": "6222000099998888"}},
            as_=world.users["hq_hr"],
        )
        assert await _key_ids() == {"test1", "test2"}

        done = await rotate_keys()
        assert (done.key_id, done.values, done.rehashed) == ("test2", 2 * len(world.people), 0)
        assert done.resealed == 2 * len(world.people) - 1  # one was sealed with test2 already
        assert await _key_ids() == {"test2"}
        assert (await rotate_keys()).resealed == 0  # nothing left to do

    with keys(new):  # the old key removed
        for key, person in world.people.items():
            stored = await Employee.get(id=person.id)
            assert read(stored, SensitiveField.ID_NUMBER) == world.id_numbers[key]
        found = await api.data(
            FIND, {"f": {"idNumber": world.id_numbers["sh_rep"]}}, as_=world.users["hq_hr"]
        )
        assert found["employees"]["totalCount"] == 1


async def test_a_new_hash_key_is_applied_by_rotation(api: Api, world: World) -> None:
    other_hash_key = base64.b64encode(b"another hash key, 32 bytes long!").decode()
    where = {"f": {"bankAccount": world.bank_accounts["sh_rep"]}}
    with keys(_configured(), other_hash_key):
        assert (await api.data(FIND, where, as_=world.users["hq_hr"]))["employees"][
            "totalCount"
        ] == 0
        done = await rotate_keys()
        assert (done.resealed, done.rehashed) == (0, 2 * len(world.people))
        assert (await api.data(FIND, where, as_=world.users["hq_hr"]))["employees"][
            "totalCount"
        ] == 1


async def test_a_value_that_does_not_open_stops_rotation_and_nothing_is_written(
    world: World,
) -> None:
    conn = connections.get("default")
    victim, donor = world.people["sh_rep"], world.people["sh_rep2"]
    # Someone with write access to the database copies a colleague's sealed account over.
    await Employee.filter(id=victim.id).update(bank_account_cipher=donor.bank_account_cipher)
    new = new_key_entry("test2")
    with keys(f"{new},{_configured()}"), pytest.raises(SealedValueError):
        await rotate_keys()
    _, rows = await conn.execute_query("SELECT id_number_cipher FROM employee")
    assert {key_id_of(r["id_number_cipher"]) for r in rows} == {"test1"}  # rolled back


async def test_the_command_line_rotates_and_reports(world: World) -> None:
    """`python -m talentloop rotate-keys`, run as an operator runs it: another process, the
    new keyring in its environment."""
    new = new_key_entry("cli")
    env = {**os.environ, "TALENTLOOP_ENCRYPTION_KEYS": f"{new},{_configured()}"}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "talentloop", "rotate-keys"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    count = 2 * len(world.people)
    assert f"{count} sealed values checked: {count} sealed again with key 'cli'" in done.stdout
    assert await _key_ids() == {"cli"}
    with keys(new):
        stored = await Employee.get(id=world.people["bj_rep"].id)
        assert read(stored, SensitiveField.BANK_ACCOUNT) == world.bank_accounts["bj_rep"]


def test_new_key_prints_a_key_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-key", "--id", "k2027"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("k2027:") and len(base64.b64decode(printed[6:])) == 32
