"""Revealing a sensitive field in full: only with a stated reason, only to a viewer who may read
the employee's sensitive fields, and never without an entry in the audit trail.

PIPL art. 28–29 (sensitive personal information: strict protection, a specific purpose), art. 51
(access control and records of processing) and art. 55 (records kept of processing sensitive
personal information).
"""

from __future__ import annotations

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, ServiceError, not_found
from talentloop.people import service as people
from talentloop.people.sensitive import SensitiveField, read

REASON_MIN, REASON_MAX = 5, 500  # REASON_MAX is the audit trail's column


def checked_reason(reason: str, minimum: int = REASON_MIN) -> str:
    reason = reason.strip()
    if not minimum <= len(reason) <= REASON_MAX:
        raise ServiceError.one(
            ErrorCode.INVALID,
            "Say why you need the full value ({minimum} to {maximum} characters).",
            "reason",
            minimum=minimum,
            maximum=REASON_MAX,
        )
    return reason


async def reveal_employee_field(
    viewer: Viewer, employee_id: int, field: SensitiveField, reason: str
) -> str | None:
    """The full value (None when none is stored). An employee the viewer may not see, or whose
    sensitive fields they may not read, is answered like a missing one."""
    reason = checked_reason(reason)
    employee = await people.get_employee(viewer, employee_id)
    if employee is None or FieldGroup.SENSITIVE not in viewer.groups_for(
        employee.id, employee.unit.path
    ):
        raise not_found("Employee", "employeeId")
    value = read(employee, field)
    # Logged before the value leaves: no entry, no value.
    await audit.record_sensitive_read(viewer, employee.id, field.api_name, reason)
    return value
