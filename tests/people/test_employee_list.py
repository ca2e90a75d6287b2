"""Paging through and filtering the employee list."""

from __future__ import annotations

from talentloop.people.models import EmployeeStatus
from tests.support import Api, World, add_person, gid

PAGE = """query($first: Int!, $after: String, $filter: EmployeeFilter) {
  employees(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { employeeNumber } }
  }
}"""


async def test_pages_follow_each_other_without_gaps_or_repeats(api: Api, world: World) -> None:
    for i in range(25):
        await add_person(world, f"extra{i}", "BJ-SALES")
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = (await api.data(PAGE, {"first": 10, "after": after}, as_=world.users["hq_hr"]))[
            "employees"
        ]
        pages += 1
        seen += [e["node"]["employeeNumber"] for e in data["edges"]]
        assert data["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert pages == 4
    assert seen == sorted(e.employee_number for e in world.people.values())
    assert data["totalCount"] == 34


async def test_first_is_capped_at_100(api: Api, world: World) -> None:
    body = await api.run(PAGE, {"first": 101}, as_=world.users["hq_hr"])
    assert body["data"] is None
    assert body["errors"][0]["message"] == "'first' must be between 0 and 100."
    ok = await api.data(PAGE, {"first": 100}, as_=world.users["hq_hr"])
    assert ok["employees"]["totalCount"] == len(world.people)


async def test_a_garbled_cursor_is_a_clear_error(api: Api, world: World) -> None:
    body = await api.run(PAGE, {"first": 5, "after": "nonsense"}, as_=world.users["hq_hr"])
    assert body["errors"][0]["message"] == "Invalid cursor."


async def test_filters_combine(api: Api, world: World) -> None:
    rep2 = world.people["sh_rep2"]
    await rep2.__class__.filter(id=rep2.id).update(status=EmployeeStatus.ON_LEAVE)
    by_unit = await api.data(
        PAGE,
        {"first": 50, "filter": {"unitId": gid(world.units["SH-SALES"])}},
        as_=world.users["hq_hr"],
    )
    assert by_unit["employees"]["totalCount"] == 3  # head plus the team below
    on_leave = await api.data(
        PAGE,
        {
            "first": 50,
            "filter": {"unitId": gid(world.units["SH"]), "status": ["ON_LEAVE"]},
        },
        as_=world.users["hq_hr"],
    )
    assert [e["node"]["employeeNumber"] for e in on_leave["employees"]["edges"]] == [
        rep2.employee_number
    ]
    by_number = await api.data(
        PAGE,
        {"first": 50, "filter": {"search": rep2.employee_number}},
        as_=world.users["hq_hr"],
    )
    assert by_number["employees"]["totalCount"] == 1
    by_position = await api.data(
        PAGE,
        {"first": 50, "filter": {"positionId": gid(world.positions["MGR"])}},
        as_=world.users["hq_hr"],
    )
    assert by_position["employees"]["totalCount"] == 0


HIRED = """query($from: Date, $to: Date) { employees(first: 50, filter: {hiredFrom: $from, hiredTo: $to})
  { edges { node { employeeNumber } } } }"""


async def test_the_hire_date_filter_finds_only_whom_the_viewer_may_read_work_fields_of(
    api: Api, world: World
) -> None:
    from datetime import date

    from talentloop.people.models import Employee

    await Employee.filter(id=world.people["sh_rep2"].id).update(hire_date=date(2024, 3, 1))
    await Employee.filter(id=world.people["bj_rep"].id).update(hire_date=date(2024, 9, 1))

    async def numbers(who: str, **days: str) -> set[str]:
        data = await api.data(HIRED, days, as_=world.users[who])
        return {e["node"]["employeeNumber"] for e in data["employees"]["edges"]}

    rep2, bj_rep = world.people["sh_rep2"].employee_number, world.people["bj_rep"].employee_number
    assert await numbers("hq_hr", **{"from": "2024-01-01"}) == {rep2, bj_rep}
    assert await numbers("hq_hr", **{"from": "2024-01-01", "to": "2024-06-30"}) == {rep2}
    # A colleague sees sh_rep2 in the directory, but may not read (nor sort people by) hire dates.
    assert rep2 not in await numbers("employee", **{"from": "2024-01-01"})
