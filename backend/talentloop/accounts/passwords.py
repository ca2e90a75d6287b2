"""Password hashing through passlib's CryptContext (the maintained `libpass` fork), argon2id."""

from __future__ import annotations

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


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, a new hash when the stored one should be upgraded)."""
    if password_hash is None:
        _context.verify(password, _DUMMY_HASH)
        return False, None
    return _context.verify_and_update(password, password_hash)


def password_problems(password: str, field: str = "newPassword") -> list[FieldError]:
    problems: list[FieldError] = []
    if len(password) < MIN_LENGTH:
        problems.append(
            FieldError(
                f"Password must be at least {MIN_LENGTH} characters.", ErrorCode.INVALID, field
            )
        )
    if len(password) > MAX_LENGTH:
        problems.append(
            FieldError(
                f"Password must be at most {MAX_LENGTH} characters.", ErrorCode.INVALID, field
            )
        )
    return problems
