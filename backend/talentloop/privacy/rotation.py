"""Key rotation: `python -m talentloop rotate-keys` re-seals every sensitive value with the
current key and recomputes every look-up hash with the current hash key.

The procedure (docs/architecture.md, "Personal data"): put a new key first in
TALENTLOOP_ENCRYPTION_KEYS, keeping the old ones after it, and restart — new values use the
new key, old ones still open; run rotate-keys; then drop the old keys and restart.

Every value is opened on the way, so the run is also a check: a value that does not open
(unknown key, tampered) stops it, and nothing is written — the whole run is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from talentloop.people.models import Employee
from talentloop.people.sensitive import COLUMNS, SensitiveField, context, lookup_hash, read
from talentloop.privacy.cipher import key_id_of, seal
from talentloop.privacy.keys import get_keyring

BATCH = 500


@dataclass
class Rotation:
    key_id: str
    values: int = 0  # sealed values checked
    resealed: int = 0  # of those, sealed again with the current key
    rehashed: int = 0  # look-up hashes that changed (a new hash key)
    employees: int = 0  # rows written


async def rotate_keys() -> Rotation:
    keyring = get_keyring()
    result = Rotation(key_id=keyring.current_id)
    async with in_transaction():
        last_id = 0
        while True:
            batch = await Employee.filter(id__gt=last_id).order_by("id").limit(BATCH)
            if not batch:
                break
            last_id = batch[-1].id
            changed = [e for e in batch if _rotate(e, result, keyring.current_id)]
            if changed:
                await Employee.bulk_update(changed, fields=COLUMNS)
                result.employees += len(changed)
    return result


def _rotate(employee: Employee, result: Rotation, current: str) -> bool:
    changed = False
    for field in SensitiveField:
        sealed = getattr(employee, field.cipher_column)
        if sealed is None:
            continue
        result.values += 1
        plain = read(employee, field)  # raises on a value that does not open
        assert plain is not None
        if key_id_of(sealed) != current:
            setattr(
                employee, field.cipher_column, seal(plain, context(employee.employee_number, field))
            )
            result.resealed += 1
            changed = True
        digest = lookup_hash(field, plain)
        if getattr(employee, field.hash_column) != digest:
            setattr(employee, field.hash_column, digest)
            result.rehashed += 1
            changed = True
    return changed
