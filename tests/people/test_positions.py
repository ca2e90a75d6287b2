"""The position catalogue: HQ HR adds and edits positions; codes are unique; nobody else
changes it; every change is audited."""

from __future__ import annotations

from talentloop.audit.models import AuditEntry
from tests.support import Api, World, gid

CREATE = """mutation($input: PositionInput!) { createPosition(input: $input) {
  position { id code title level family } errors { field code } } }"""
UPDATE = """mutation($input: UpdatePositionInput!) { updatePosition(input: $input) {
  position { code title level family } errors { field code } } }"""
NEW = {"code": "HR-BP", "title": "人事业务伙伴", "level": "P4", "family": "hr"}


async def test_hq_hr_adds_and_edits_a_position(api: Api, world: World) -> None:
    hq_hr = world.users["hq_hr"]
    created = (await api.data(CREATE, {"input": NEW}, as_=hq_hr))["createPosition"]
    assert created["errors"] == []
    assert {k: created["position"][k] for k in NEW} == NEW
    edit = {**NEW, "id": created["position"]["id"], "title": "HRBP", "level": "P5"}
    updated = (await api.data(UPDATE, {"input": edit}, as_=hq_hr))["updatePosition"]
    assert updated == {
        "position": {"code": "HR-BP", "title": "HRBP", "level": "P5", "family": "hr"},
        "errors": [],
    }
    assert await AuditEntry.filter(subject_type="Position").count() >= 2


async def test_bad_input_is_typed_and_a_taken_code_is_a_duplicate(api: Api, world: World) -> None:
    hq_hr = world.users["hq_hr"]
    bad = {"code": "REP", "title": " ", "level": "X" * 17, "family": "sales"}
    errors = (await api.data(CREATE, {"input": bad}, as_=hq_hr))["createPosition"]["errors"]
    assert sorted((e["field"], e["code"]) for e in errors) == [
        ("code", "DUPLICATE"),
        ("level", "INVALID"),
        ("title", "REQUIRED"),
    ]
    # Keeping its own code is no duplicate.
    edit = {
        "id": gid(world.positions["REP"]),
        "code": "REP",
        "title": "销售",
        "level": "P2",
        "family": "sales",
    }
    assert (await api.data(UPDATE, {"input": edit}, as_=hq_hr))["updatePosition"]["errors"] == []


async def test_nobody_but_hq_hr_changes_the_catalogue(api: Api, world: World) -> None:
    for who in ("branch_hr", "admin", "manager", "employee"):
        data = await api.data(CREATE, {"input": NEW}, as_=world.users[who])
        assert data["createPosition"]["errors"] == [{"field": None, "code": "FORBIDDEN"}], who
