"""Which role may run which mutation on whom: allowed, FORBIDDEN when the record is visible
but not theirs to change, NOT_FOUND when it is outside their scope (it does not exist for them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import Api, World, gid

OK, FORBIDDEN, NOT_FOUND = "ok", "FORBIDDEN", "NOT_FOUND"

Case = tuple[str, Callable[[World], dict[str, Any]], str]
MUTATIONS: dict[str, Case] = {
    "update a Shanghai rep": (
        "mutation($i: UpdateEmployeeInput!) { m: updateEmployee(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": gid(w.people["sh_rep"]), "workPhone": "021-55550000"}},
        "m",
    ),
    "terminate a Beijing rep": (
        "mutation($i: TerminateEmployeeInput!) { m: terminateEmployee(input: $i) { errors { code } } }",
        lambda w: {
            "i": {"id": gid(w.people["bj_rep"]), "terminationDate": "2026-12-31", "reason": "x"}
        },
        "m",
    ),
    "transfer a Shanghai worker within Shanghai": (
        "mutation($i: TransferEmployeeInput!) { m: transferEmployee(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": gid(w.people["sh_worker"]), "unitId": gid(w.units["SH-SALES-1"])}},
        "m",
    ),
    "add a team under Shanghai sales": (
        "mutation($i: CreateOrgUnitInput!) { m: createOrgUnit(input: $i) { errors { code } } }",
        lambda w: {
            "i": {
                "parentId": gid(w.units["SH-SALES"]),
                "code": "NEW",
                "name": "New",
                "type": "TEAM",
            }
        },
        "m",
    ),
    "rename the Beijing sales department": (
        "mutation($i: UpdateOrgUnitInput!) { m: updateOrgUnit(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": gid(w.units["BJ-SALES"]), "name": "Renamed"}},
        "m",
    ),
}

# role → what each mutation above gives, in order
EXPECTED: dict[str, list[str]] = {
    "hq_hr": [OK, OK, OK, OK, OK],
    "branch_hr": [OK, NOT_FOUND, OK, OK, NOT_FOUND],
    "bj_hr": [NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK],
    "manager": [FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND],
    "employee": [FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND],
    "executive": [FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    "admin": [FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
}


@pytest.mark.parametrize("role", list(EXPECTED))
async def test_mutation_permissions(api: Api, world: World, role: str) -> None:
    outcomes = []
    for query, variables, field in MUTATIONS.values():
        data = await api.data(query, variables(world), as_=world.users[role])
        errors = data[field]["errors"]
        outcomes.append(errors[0]["code"] if errors else OK)
    assert outcomes == EXPECTED[role]


async def test_anonymous_callers_change_nothing(api: Api, world: World) -> None:
    for query, variables, field in MUTATIONS.values():
        data = await api.data(query, variables(world))
        assert data[field]["errors"][0]["code"] in {FORBIDDEN, NOT_FOUND}
