"""Format checks for the personal data HR types in."""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BANK = re.compile(r"^\d{12,19}$")


def valid_id_number(value: str) -> bool:
    """A resident ID number per GB 11643-1999: 17 digits, a valid birth date, ISO 7064 MOD 11-2 check."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def valid_mobile(value: str) -> bool:
    return bool(_MOBILE.match(value))


def valid_phone(value: str) -> bool:
    return bool(_PHONE.match(value))


def valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value)) and len(value) <= 128


def valid_bank_account(value: str) -> bool:
    """Chinese bank card and account numbers: 12 to 19 digits."""
    return bool(_BANK.match(value))
