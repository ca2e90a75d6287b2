"""Password hashing through passlib's CryptContext (the maintained `libpass` fork), argon2id,
and the rules a new password must meet (ASVS 5.0 V6.2): at least 8 characters, up to 128
(so 64 and more are accepted), no composition rules, not a common password (the list in
`common-passwords.txt`, compared case-insensitively) and not the username."""

from __future__ import annotations

import secrets
from functools import lru_cache
from importlib.resources import files

from passlib.context import CryptContext

from talentloop.errors import ErrorCode, FieldError

# argon2id with passlib's defaults (RFC 9106's second recommended option is close:
# 64 MiB, t=3); a hash made with other parameters is re-hashed at the next sign-in.
_context = CryptContext(schemes=["argon2"], argon2__type="ID", deprecated="auto")

MIN_LENGTH = 8  # ASVS 5.0 V6.2.1: at least 8 characters (15 recommended)
MAX_LENGTH = 128  # ASVS 5.0 V6.2.9: at least 64 must be allowed

# A hash compared against when the user does not exist, so that an unknown
# username costs the same time as a wrong password.
_DUMMY_HASH = _context.hash("talentloop-timing-equaliser")


# The hash of an account that has no password yet (invited) or whose password HR reset to an
# invitation: no password matches it.
UNUSABLE_PASSWORD = "!"

# Initial passwords HR reads out or hands over: no 0/o, 1/l/i to mistake for each other.
_INITIAL_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def hash_password(password: str) -> str:
    return _context.hash(password)


def initial_password() -> str:
    """A random password to hand over once (four groups of four: ~79 bits)."""
    return "-".join("".join(secrets.choice(_INITIAL_ALPHABET) for _ in range(4)) for _ in range(4))


# No password we accept is longer (MAX_LENGTH characters of up to 4 bytes): a longer one cannot
# match, and passlib refuses over 4 KiB. It is still hashed (cut short) to cost the same time.
MAX_VERIFY_BYTES = MAX_LENGTH * 4


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, a new hash when the stored one should be upgraded)."""
    # UTF-8 as hashed; a lone surrogate (JSON can carry one) is kept as its bytes, never matches.
    secret = password.encode("utf-8", "surrogatepass")
    if len(secret) > MAX_VERIFY_BYTES:
        _context.verify(secret[:MAX_VERIFY_BYTES], _DUMMY_HASH)
        return False, None
    if password_hash is None or password_hash == UNUSABLE_PASSWORD:
        _context.verify(secret, _DUMMY_HASH)
        return False, None
    return _context.verify_and_update(secret, password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = files("talentloop.accounts").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problems(
    password: str, field: str = "newPassword", *, username: str | None = None
) -> list[FieldError]:
    """What is wrong with a new password; empty when it may be used."""
    problems: list[FieldError] = []
    if len(password) < MIN_LENGTH:
        problems.append(
            FieldError(
                "Password must be at least {n} characters.", ErrorCode.INVALID, field, n=MIN_LENGTH
            )
        )
    if len(password) > MAX_LENGTH:
        problems.append(
            FieldError(
                "Password must be at most {n} characters.", ErrorCode.INVALID, field, n=MAX_LENGTH
            )
        )
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(
            FieldError(
                "Password contains characters that cannot be used.", ErrorCode.INVALID, field
            )
        )
        return problems
    folded = password.strip().lower()
    if folded in common_passwords():
        problems.append(
            FieldError(
                "This password is too common: choose one that is hard to guess.",
                ErrorCode.INVALID,
                field,
            )
        )
    elif username and folded == username.strip().lower():
        problems.append(
            FieldError("The password cannot be the username.", ErrorCode.INVALID, field)
        )
    return problems
