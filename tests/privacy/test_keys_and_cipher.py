"""Sealing a value: it opens to itself, never to anything else, and the keys come from
configuration (or, on a developer's machine, from one key file made once)."""

from __future__ import annotations

import asyncio
import base64
import os
import stat
from pathlib import Path

import pytest

from talentloop.config import Settings
from talentloop.privacy.cipher import (
    SealedValueError,
    key_id_of,
    lookup_hash,
    open_sealed,
    seal,
)
from talentloop.privacy.keys import KeyConfigError, Keyring, load_keyring, new_key_entry

HASH_KEY = base64.b64encode(b"h" * 32).decode()
OLD, NEW = new_key_entry("old"), new_key_entry("new")
CONTEXT = "employee:T0001:bank_account"


def ring(*entries: str) -> Keyring:
    return Keyring.parse(",".join(entries), HASH_KEY)


def test_a_sealed_value_opens_to_itself_and_names_its_key() -> None:
    sealed = seal("6222020000001234567", CONTEXT, ring(OLD))
    assert sealed.startswith("v1:old:") and "6222020000001234567" not in sealed
    assert key_id_of(sealed) == "old"
    assert open_sealed(sealed, CONTEXT, ring(OLD)) == "6222020000001234567"
    # Random nonces: the same value sealed twice gives two different texts.
    assert seal("6222020000001234567", CONTEXT, ring(OLD)) != sealed


def test_an_older_key_still_opens_what_it_sealed_and_new_values_use_the_first_key() -> None:
    sealed = seal("11010519491231002X", CONTEXT, ring(OLD))
    rotated = ring(NEW, OLD)
    assert open_sealed(sealed, CONTEXT, rotated) == "11010519491231002X"
    assert key_id_of(seal("x", CONTEXT, rotated)) == "new"
    with pytest.raises(SealedValueError, match="No key 'old'"):
        open_sealed(sealed, CONTEXT, ring(NEW))


@pytest.mark.parametrize("position", [0, 20, -1])  # in the nonce, the ciphertext, the tag
def test_a_changed_byte_fails_loudly_instead_of_giving_a_wrong_value(position: int) -> None:
    sealed = seal("6222020000001234567", CONTEXT, ring(OLD))
    head, _, body = sealed.rpartition(":")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[position] ^= 0x01
    tampered = f"{head}:{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"
    with pytest.raises(SealedValueError, match="does not authenticate"):
        open_sealed(tampered, CONTEXT, ring(OLD))


def test_a_value_moved_to_another_employee_or_field_does_not_open() -> None:
    sealed = seal("6222020000001234567", CONTEXT, ring(OLD))
    for elsewhere in ("employee:T0002:bank_account", "employee:T0001:id_number"):
        with pytest.raises(SealedValueError, match="does not authenticate"):
            open_sealed(sealed, elsewhere, ring(OLD))
    # A key id rewritten in the header does not fool it either.
    both = ring(OLD, new_key_entry("other"))
    with pytest.raises(SealedValueError):
        open_sealed(sealed.replace(":old:", ":other:"), CONTEXT, both)
    for garbage in ("", "plain 6222020000001234567", "v1:old:%%%", "v2:old:AAAA", "v1:old:AAAA"):
        with pytest.raises(SealedValueError):
            open_sealed(garbage, CONTEXT, ring(OLD))


def test_look_up_hashes_are_keyed_and_kept_apart_by_field() -> None:
    keyring = ring(OLD)
    digest = lookup_hash("id_number", "11010519491231002X", keyring)
    assert len(digest) == 64 and digest == lookup_hash("id_number", "11010519491231002X", keyring)
    assert digest != lookup_hash("bank_account", "11010519491231002X", keyring)
    other_key = Keyring.parse(OLD, base64.b64encode(b"k" * 32).decode())
    assert digest != lookup_hash("id_number", "11010519491231002X", other_key)


@pytest.mark.parametrize(
    ("encryption_keys", "hash_key", "message"),
    [
        ("nokid", HASH_KEY, "kid:base64"),
        ("a:" + base64.b64encode(b"short").decode(), HASH_KEY, "32 bytes"),
        ("a:!!!", HASH_KEY, "base64"),
        (f"{OLD},{OLD}", HASH_KEY, "share a key id"),
        ("bad id:" + NEW.split(":")[1], HASH_KEY, "Key id"),
        (OLD, base64.b64encode(b"short").decode(), "hash key"),
        (OLD, None, "both"),
    ],
    # Named, not by their random keys: pytest-xdist's workers must collect the same test ids.
    ids=[
        "no key id",
        "short key",
        "not base64",
        "repeated key id",
        "bad key id",
        "short hash key",
        "no hash key",
    ],
)
def test_malformed_or_half_configured_keys_stop_the_start(
    encryption_keys: str, hash_key: str | None, message: str, tmp_path: Path
) -> None:
    settings = Settings(
        encryption_keys=encryption_keys, hash_key=hash_key, dev_key_file=tmp_path / "k.json"
    )
    with pytest.raises(KeyConfigError, match=message):
        load_keyring(settings)
    assert not (tmp_path / "k.json").exists()


def test_a_deployment_without_keys_refuses_to_make_a_key_file(tmp_path: Path) -> None:
    settings = Settings(is_deployment=True, dev_key_file=tmp_path / "k.json")
    with pytest.raises(KeyConfigError, match="deployment"):
        load_keyring(settings)
    assert not (tmp_path / "k.json").exists()


async def test_a_development_key_file_is_made_once_private_and_shared(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "var" / "dev-data-keys.json"
    settings = Settings(dev_key_file=path)
    # Several processes starting at once (here: threads) agree on one file.
    rings = await asyncio.gather(*(asyncio.to_thread(load_keyring, settings) for _ in range(8)))
    assert len({(r.keys, r.hash_key) for r in rings}) == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no stray temporary file
    assert "made development keys" in caplog.text
    assert load_keyring(settings) == rings[0]
    sealed = seal("6222020000001234567", CONTEXT, rings[0])
    assert open_sealed(sealed, CONTEXT, load_keyring(settings)) == "6222020000001234567"
