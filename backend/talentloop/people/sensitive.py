"""An employee's sensitive personal information (PIPL art. 28): the ID number and the bank account.

Each is stored sealed (privacy/cipher.py) in `<name>_cipher`, bound to the employee number and
the field, with a keyed hash in `<name>_hash` for exact look-up. This module is the one place
that turns a plain value into those columns and a column back into a plain value; every
`read` is a decryption, and the callers that show a full value log it (privacy/service.py).

Code that only needs to know whether a value changed compares hashes (`hashed`, `ByHash`) and
never opens anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from talentloop.people.models import Employee
from talentloop.privacy import cipher


class SensitiveField(StrEnum):
    ID_NUMBER = "id_number"
    BANK_ACCOUNT = "bank_account"

    @property
    def api_name(self) -> str:
        """The GraphQL field name, as in people/fields.py and in the audit trail."""
        head, *rest = self.value.split("_")
        return head + "".join(part.title() for part in rest)

    @property
    def cipher_column(self) -> str:
        return f"{self.value}_cipher"

    @property
    def hash_column(self) -> str:
        return f"{self.value}_hash"


SENSITIVE = frozenset(f.value for f in SensitiveField)
COLUMNS = [c for f in SensitiveField for c in (f.cipher_column, f.hash_column)]
_SEPARATORS = re.compile(r"[\s-]")


def normalise(field: SensitiveField, value: str) -> str:
    """The form that is sealed and hashed: ID numbers upper-case, account numbers without
    spaces or dashes (the same as people.service.format_problems leaves them)."""
    if field is SensitiveField.ID_NUMBER:
        return value.strip().upper()
    return _SEPARATORS.sub("", value)


def context(employee_number: str, field: SensitiveField) -> str:
    return f"employee:{employee_number}:{field.value}"


def lookup_hash(field: SensitiveField, value: str) -> str:
    return cipher.lookup_hash(field.value, normalise(field, value))


def sealed_columns(employee_number: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` (model field names → new values) with each sensitive value replaced by its
    sealed column and its hash; None clears both. Every other value passes unchanged."""
    columns: dict[str, Any] = {}
    for key, value in values.items():
        if key not in SENSITIVE:
            columns[key] = value
            continue
        field = SensitiveField(key)
        if value is None:
            columns[field.cipher_column] = columns[field.hash_column] = None
            continue
        plain = normalise(field, str(value))
        columns[field.cipher_column] = cipher.seal(plain, context(employee_number, field))
        columns[field.hash_column] = cipher.lookup_hash(field.value, plain)
    return columns


def seal_into(employee: Employee, values: Mapping[str, Any]) -> list[str]:
    """Set `values` on a model instance (sensitive ones sealed); the columns it set."""
    columns = sealed_columns(employee.employee_number, values)
    for column, value in columns.items():
        setattr(employee, column, value)
    return list(columns)


def read(employee: Employee, field: SensitiveField) -> str | None:
    """The plain value. Raises cipher.SealedValueError when it does not open: never a wrong value."""
    sealed = getattr(employee, field.cipher_column)
    if sealed is None:
        return None
    return cipher.open_sealed(sealed, context(employee.employee_number, field))


def hashed(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with each sensitive value replaced by its look-up hash, to compare with `ByHash`."""
    return {
        key: (lookup_hash(SensitiveField(key), str(value)) if value is not None else None)
        if key in SENSITIVE
        else value
        for key, value in values.items()
    }


class ByHash:
    """An employee as the change checks read it (the audit trail, re-authentication, imports):
    every attribute as stored, except that `id_number` and `bank_account` read as their keyed
    hashes. Compared with `hashed(values)`, a change is found without opening a value."""

    def __init__(self, employee: Employee) -> None:
        self._employee = employee

    def __getattr__(self, name: str) -> Any:
        if name in SENSITIVE:
            return getattr(self._employee, SensitiveField(name).hash_column)
        return getattr(self._employee, name)
