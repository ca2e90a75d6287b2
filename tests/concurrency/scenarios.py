"""Fifty writers at once, as scenarios that run against any way of reaching the API: the
in-process app (test_in_process.py) or real servers on one database (test_processes.py).

Every answer must be a success or a typed CONFLICT on expectedVersion: never an internal
error, never "database is locked", and nothing a writer was told it saved may be lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from talentloop.accounts.models import User
from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee
from talentloop.performance.models import Kpi, KpiTarget, KpiUnit, PerformanceRecord
from tests.support import World, gid

WRITERS = 50
T = TypeVar("T")

# (query, variables, as whom) → the response body; the transport asserts HTTP 200.
Post = Callable[[str, dict[str, Any], User], Awaitable[dict[str, Any]]]

READ_EMPLOYEE = "query($id: ID!) { employee(id: $id) { version baseSalary } }"
UPDATE_EMPLOYEE = """mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { version baseSalary } errors { field message code } }
}"""
CREATE_EMPLOYEE = """mutation($input: CreateEmployeeInput!) {
  createEmployee(input: $input) { employee { employeeNumber } errors { field message code } }
}"""
RECORD = """mutation($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { record { value } errors { field message code } }
}"""
SET_TARGET = """mutation($input: SetKpiTargetInput!) {
  setKpiTarget(input: $input) { target { value } errors { field message code } }
}"""
UPDATE_UNIT = """mutation($input: UpdateOrgUnitInput!) {
  updateOrgUnit(input: $input) { orgUnit { name } errors { field message code } }
}"""
MOVE_UNIT = """mutation($input: MoveOrgUnitInput!) {
  moveOrgUnit(input: $input) { orgUnit { code } errors { field message code } }
}"""


async def together(*writers: Awaitable[T]) -> list[T]:
    """Run the writers at once and wait for every one (no writer outlives a failed test); the
    first failure is raised."""
    results = await asyncio.gather(*writers, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def payload(body: dict[str, Any]) -> dict[str, Any]:
    """The one mutation's payload, after checking the request as a whole went through."""
    assert "errors" not in body, body["errors"]  # an internal error, a lock, a refusal
    (result,) = body["data"].values()
    assert isinstance(result, dict)
    return result


def is_conflict(errors: list[dict[str, Any]]) -> bool:
    """A typed version conflict, and nothing else."""
    return (
        len(errors) == 1
        and errors[0]["code"] == "CONFLICT"
        and (errors[0]["field"] == "expectedVersion")
    )


async def fifty_writers_raise_salaries(post: Post, world: World) -> None:
    """Fifty writers, ten on each of five employees: each reads a salary and its version, adds
    1 yuan, and on CONFLICT reads again. Every salary ends with all ten yuan and its version
    with all ten writes. (Ten to a record: fifty on one would be 1,225 conflicts in lockstep.)"""
    people = [world.people[k] for k in ("sh_rep", "sh_rep2", "sh_worker", "bj_rep", "ceo")]
    per_person = WRITERS // len(people)
    hq_hr = world.users["hq_hr"]
    start = {e.id: e for e in await Employee.filter(id__in=[p.id for p in people])}
    conflicts = 0

    async def writer(person: Employee) -> None:
        nonlocal conflicts
        # Each other writer on the record can win at most once before this one.
        for _ in range(per_person):
            read = (await post(READ_EMPLOYEE, {"id": gid(person)}, hq_hr))["data"]["employee"]
            change = {
                "id": gid(person),
                "baseSalary": str(Decimal(read["baseSalary"]) + 1),
                "expectedVersion": read["version"],
            }
            result = payload(await post(UPDATE_EMPLOYEE, {"input": change}, hq_hr))
            if not result["errors"]:
                return
            assert is_conflict(result["errors"]), result["errors"]
            conflicts += 1
        raise AssertionError("a writer never got its turn")

    await together(*(writer(p) for p in people for _ in range(per_person)))
    for end in await Employee.filter(id__in=[p.id for p in people]):
        assert end.base_salary == start[end.id].base_salary + per_person, end.name
        assert end.version == start[end.id].version + per_person, end.name
    assert conflicts > 0  # they did run at once: some read a version another then replaced


async def fifty_writers_with_one_version_one_wins(post: Post, world: World) -> None:
    """Fifty HR users opened the same record and all save: one change lands, 49 get CONFLICT."""
    rep, hq_hr = world.people["sh_rep2"], world.users["hq_hr"]
    version = (await Employee.get(id=rep.id)).version

    async def writer(i: int) -> list[dict[str, Any]]:
        change = {"id": gid(rep), "baseSalary": str(10000 + i), "expectedVersion": version}
        errors: list[dict[str, Any]] = payload(
            await post(UPDATE_EMPLOYEE, {"input": change}, hq_hr)
        )["errors"]
        return errors

    answers = await together(*(writer(i) for i in range(WRITERS)))
    assert sum(1 for errors in answers if not errors) == 1
    assert all(is_conflict(errors) for errors in answers if errors)
    end = await Employee.get(id=rep.id)
    assert end.version == version + 1
    winner = next(i for i, errors in enumerate(answers) if not errors)
    assert end.base_salary == 10000 + winner


async def fifty_writers_each_add_a_kpi_record(post: Post, world: World) -> None:
    """Fifty integrators each record another month of new customers: all fifty are stored."""
    kpi = await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    rep, hq_hr = world.people["sh_rep"], world.users["hq_hr"]
    months = [date(2022 + m // 12, m % 12 + 1, 1) for m in range(WRITERS)]

    async def writer(i: int) -> None:
        record = {
            "employeeId": gid(rep),
            "kpiId": gid(kpi),
            "period": months[i].isoformat(),
            "value": str(i + 1),
        }
        result = payload(await post(RECORD, {"input": record}, hq_hr))
        assert result["errors"] == [], result["errors"]

    await together(*(writer(i) for i in range(WRITERS)))
    stored = await PerformanceRecord.filter(kpi_id=kpi.id).values_list("period", "value")
    assert sorted(stored) == [(m, Decimal(i + 1)) for i, m in enumerate(months)]


async def fifty_writers_of_every_kind_without_versions(post: Post, world: World) -> None:
    """Integrators that never send a version, all at once: hires, edits of a few people,
    one KPI target set over and over, a unit renamed and a team moved back and forth. Every
    one of them succeeds, and the tree stays whole."""
    kpi = await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    hq_hr = world.users["hq_hr"]
    team = world.units["SH-SALES-1"]
    parents = [world.units["SH-PROD"], world.units["SH-SALES"]]
    edited = ["sh_rep", "sh_rep2", "sh_worker"]

    def request(i: int) -> tuple[str, dict[str, Any]]:
        match i % 5:
            case 0:
                hire = {
                    "employeeNumber": f"C{i:03d}",
                    "name": f"并发{i}",
                    "unitId": gid(world.units["SH-SALES-1"]),
                    "hireDate": "2026-11-02",
                }
                return CREATE_EMPLOYEE, {"input": hire}
            case 1:
                who = world.people[edited[i % len(edited)]]
                return UPDATE_EMPLOYEE, {"input": {"id": gid(who), "workPhone": f"021-6000{i:04d}"}}
            case 2:
                target = {
                    "kpiId": gid(kpi),
                    "period": "2026-11-01",
                    "employeeId": gid(world.people["sh_rep"]),
                    "value": str(i),
                }
                return SET_TARGET, {"input": target}
            case 3:
                return UPDATE_UNIT, {"input": {"id": gid(world.units["SH"]), "name": f"上海{i}"}}
            case _:
                move = {"id": gid(team), "newParentId": gid(parents[i // 5 % 2])}
                return MOVE_UNIT, {"input": move}

    async def writer(i: int) -> tuple[str, list[Any]]:
        query, variables = request(i)
        return query, payload(await post(query, variables, hq_hr))["errors"]

    for query, errors in await together(*(writer(i) for i in range(WRITERS))):
        assert errors == [], (query, errors)
    assert await Employee.filter(employee_number__startswith="C").count() == WRITERS // 5
    assert await KpiTarget.filter(kpi_id=kpi.id).count() == 1
    await assert_tree_is_whole()


async def assert_tree_is_whole() -> None:
    """Every unit's path and depth follow from its parent's."""
    units = {u.id: u for u in await OrgUnit.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id) if unit.parent_id else None
        expected = f"{parent.path if parent else '/'}{unit.id}/"
        assert (unit.path, unit.depth) == (expected, parent.depth + 1 if parent else 0), unit.code
