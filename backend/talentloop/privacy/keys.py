"""The keys that protect personal data at rest, read once from configuration.

* `TALENTLOOP_ENCRYPTION_KEYS` — the keyring: `kid:base64key,kid:base64key,…`, 256-bit AES
  keys, the current key first (new values are sealed with it), older keys after it (still
  read, until `python -m talentloop rotate-keys` has re-sealed everything with the current one).
* `TALENTLOOP_HASH_KEY` — base64 of at least 32 bytes: the HMAC key of the look-up hashes. A
  separate key, so that the hashes (which must stay stable for look-ups) and the ciphertexts
  never share a secret.

With neither set, a development key file is made once under var/ (mode 0600) and every
process of the checkout shares it; a warning says so. A deployment (TALENTLOOP_SECRET_KEY is
set) must set both: a key file made inside a container would vanish with it, and the data with
it. Setting only one of the two is an error.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from talentloop.config import Settings, get_settings

log = logging.getLogger("talentloop.privacy")

KEY_BYTES = 32  # AES-256
MIN_HASH_KEY_BYTES = 32
KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class KeyConfigError(RuntimeError):
    """The configured keys are missing, malformed or inconsistent: the service must not start."""


@dataclass(frozen=True)
class Keyring:
    """Encryption keys by id (the first is current) and the look-up hash key."""

    keys: tuple[tuple[str, bytes], ...]
    hash_key: bytes

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyConfigError("The keyring holds no encryption key.")
        ids = [kid for kid, _ in self.keys]
        if len(set(ids)) != len(ids):
            raise KeyConfigError("Two encryption keys share a key id.")
        for kid, key in self.keys:
            if not KID.match(kid):
                raise KeyConfigError(f"Key id {kid!r}: 1 to 32 letters, digits, '-' or '_'.")
            if len(key) != KEY_BYTES:
                raise KeyConfigError(f"Key {kid!r} is not {KEY_BYTES} bytes (AES-256).")
        if len(self.hash_key) < MIN_HASH_KEY_BYTES:
            raise KeyConfigError(f"The hash key is shorter than {MIN_HASH_KEY_BYTES} bytes.")

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    @property
    def current(self) -> bytes:
        return self.keys[0][1]

    def key(self, kid: str) -> bytes | None:
        return next((key for k, key in self.keys if k == kid), None)

    @classmethod
    def parse(cls, encryption_keys: str, hash_key: str) -> Keyring:
        keys = []
        for item in encryption_keys.split(","):
            kid, sep, encoded = item.strip().partition(":")
            if not sep:
                raise KeyConfigError("TALENTLOOP_ENCRYPTION_KEYS: write each key as kid:base64.")
            keys.append((kid, _b64(encoded, f"key {kid!r}")))
        return cls(tuple(keys), _b64(hash_key, "TALENTLOOP_HASH_KEY"))


def new_key_entry(kid: str | None = None) -> str:
    """A fresh `kid:base64key` for TALENTLOOP_ENCRYPTION_KEYS (`python -m talentloop new-key`)."""
    kid = kid or f"k{secrets.token_hex(4)}"
    if not KID.match(kid):
        raise KeyConfigError(f"Key id {kid!r}: 1 to 32 letters, digits, '-' or '_'.")
    return f"{kid}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def new_hash_key() -> str:
    return base64.b64encode(secrets.token_bytes(MIN_HASH_KEY_BYTES)).decode()


@lru_cache(maxsize=1)
def get_keyring() -> Keyring:
    """The process's keyring. Loaded on first use and at start-up (app.py, the CLI), so a
    misconfiguration stops the service before it serves anything."""
    return load_keyring(get_settings())


def load_keyring(settings: Settings) -> Keyring:
    if settings.encryption_keys and settings.hash_key:
        return Keyring.parse(settings.encryption_keys, settings.hash_key)
    if settings.encryption_keys or settings.hash_key:
        raise KeyConfigError(
            "Set both TALENTLOOP_ENCRYPTION_KEYS and TALENTLOOP_HASH_KEY, or neither (development)."
        )
    if settings.is_deployment:
        raise KeyConfigError(
            "TALENTLOOP_SECRET_KEY is set but TALENTLOOP_ENCRYPTION_KEYS and TALENTLOOP_HASH_KEY "
            "are not: a deployment must configure the keys of personal data (see README)."
        )
    return dev_keyring(settings.dev_key_file)


def dev_keyring(path: Path) -> Keyring:
    """The development keys: read from `path`, made there first if missing. Made atomically
    (written aside, then linked into place), so processes starting together agree on one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        content = json.dumps(
            {"encryption_keys": new_key_entry("dev1"), "hash_key": new_hash_key()}, indent=2
        )
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(content + "\n")
            os.link(aside, path)
            log.warning(
                "No TALENTLOOP_ENCRYPTION_KEYS / TALENTLOOP_HASH_KEY set: made development keys "
                "in %s. Personal data in this database can only be read with that file; "
                "a deployment must set the keys in its environment.",
                path,
            )
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            aside.unlink(missing_ok=True)
    try:
        stored = json.loads(path.read_text())
        keyring = Keyring.parse(stored["encryption_keys"], stored["hash_key"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyConfigError(f"The development key file {path} is unreadable: {exc}") from exc
    log.info("Using the development keys of personal data in %s.", path)
    return keyring


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyConfigError(f"{what} is not valid base64.") from exc
