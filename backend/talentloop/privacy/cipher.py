"""Sealing one value: AES-256-GCM with the key id in the text, and keyed look-up hashes.

A sealed value reads `v1:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>`: the key id says which
key of the keyring opens it, so keys can be rotated one value at a time. Each value is bound
to where it belongs (its `context`, e.g. "employee:A00017:bank_account") as associated data:
a ciphertext copied into another row or column does not open, so someone who can write the
database but holds no key cannot give a colleague their own bank account number.

Opening fails loudly (`SealedValueError`) on a wrong key, a changed byte or a value moved
elsewhere — AES-GCM authenticates, it never returns a wrong value.

The look-up hash is HMAC-SHA256 with a separate key over "<kind>:<normalised value>": equal
values give equal hashes (exact look-up, "is it the same number?") while the hash alone does
not give the value back without the key. PIPL art. 51(3) asks for encryption or
de-identification of personal information; GB/T 35273-2020 §6.3 for sensitive personal
information stored encrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from talentloop.privacy.keys import Keyring, get_keyring

VERSION = "v1"
NONCE_BYTES = 12  # 96-bit random nonces: NIST SP 800-38D §8.2.2


class SealedValueError(Exception):
    """A sealed value that cannot be opened: unknown key, tampered or moved. Never ignored."""


def seal(plaintext: str, context: str, keyring: Keyring | None = None) -> str:
    ring = keyring or get_keyring()
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(ring.current).encrypt(nonce, plaintext.encode(), _aad(ring.current_id, context))
    encoded = base64.urlsafe_b64encode(nonce + body).decode().rstrip("=")
    return f"{VERSION}:{ring.current_id}:{encoded}"


def open_sealed(sealed: str, context: str, keyring: Keyring | None = None) -> str:
    ring = keyring or get_keyring()
    version, kid, encoded = _parts(sealed)
    if version != VERSION:
        raise SealedValueError(f"Unknown sealed-value version {version!r} ({context}).")
    key = ring.key(kid)
    if key is None:
        raise SealedValueError(f"No key {kid!r} in the keyring to open {context}.")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SealedValueError(f"The sealed value of {context} is damaged.") from exc
    if len(raw) < NONCE_BYTES + 16:
        raise SealedValueError(f"The sealed value of {context} is damaged.")
    try:
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kid, context))
    except InvalidTag as exc:
        raise SealedValueError(
            f"The sealed value of {context} does not authenticate (changed, moved or wrong key)."
        ) from exc
    return plain.decode()


def key_id_of(sealed: str) -> str:
    """Which key sealed a value (without opening it)."""
    return _parts(sealed)[1]


def lookup_hash(kind: str, normalised: str, keyring: Keyring | None = None) -> str:
    """64 hex characters; `kind` keeps equal strings of different fields apart."""
    ring = keyring or get_keyring()
    message = f"{kind}:{normalised}".encode()
    return hmac.new(ring.hash_key, message, hashlib.sha256).hexdigest()


def _aad(kid: str, context: str) -> bytes:
    return f"{VERSION}:{kid}:{context}".encode()


def _parts(sealed: str) -> tuple[str, str, str]:
    parts = sealed.split(":")
    if len(parts) != 3:
        raise SealedValueError("Not a sealed value.")
    return parts[0], parts[1], parts[2]
