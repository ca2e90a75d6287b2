"""Organisation units, stored as an adjacency list plus a materialised path.

The path ("/1/4/9/") makes "this unit and everything under it" one indexed
prefix match, which every scope check and roll-up needs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from talentloop.people.models import Employee


class OrgUnitType(StrEnum):
    COMPANY = "company"
    BRANCH = "branch"
    DEPARTMENT = "department"
    TEAM = "team"


class OrgUnit(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=128)
    type = fields.CharEnumField(OrgUnitType, max_length=16)
    city = fields.CharField(max_length=64, null=True)
    region = fields.CharField(max_length=64, null=True)
    # IANA name; null: the zone of the unit above (the root's null: Asia/Shanghai). timezones.py
    time_zone = fields.CharField(max_length=64, null=True)
    parent: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "talentloop.OrgUnit", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=512, db_index=True)
    depth = fields.IntField(default=0)
    manager: fields.ForeignKeyNullableRelation[Employee] = fields.ForeignKeyField(
        "talentloop.Employee", related_name="managed_units", null=True, on_delete=fields.SET_NULL
    )
    # Closed (closeOrgUnit) once nobody is left in it: kept for the history that names it.
    closed_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Raised by every write; a form sends back the one it read (talentloop.versions).
    version = fields.IntField(default=1, db_default=1)

    parent_id: int | None
    manager_id: int | None

    class Meta:
        table = "org_unit"
        indexes = (("parent_id",),)
        ordering = ["path"]

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read from the path."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
