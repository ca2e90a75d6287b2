"""Access control in one place: who may see which subtree and which fields, deny by default.

Every list, node lookup, nested edge, export and mutation asks this module.
Domains declare which group each of their fields belongs to; they never
re-implement the check.
"""

from talentloop.access.policy import (
    ANONYMOUS,
    FieldGroup,
    FieldNotPermitted,
    Grant,
    Viewer,
    mask,
)

__all__ = ["ANONYMOUS", "FieldGroup", "FieldNotPermitted", "Grant", "Viewer", "mask"]
