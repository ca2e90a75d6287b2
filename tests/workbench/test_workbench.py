"""The workbench: each role finds its own to-dos with the counts their pages show, within their
scope, key figures only for those who lead, the menu of every grant held, in a fixed number of
statements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import Role, RoleGrant
from talentloop.attendance.models import Punch, PunchSource
from talentloop.people.models import Employee
from talentloop.records.models import Contract, ContractKind
from talentloop.workbench.service import workbench
from tests.support import Api, StatementCounter, World, add_person

QUERY = "{ workbench { items { kind count link } figures { kind value link } } me { features } }"
TODAY = date(2026, 3, 11)  # a Wednesday
NOW = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)

EMPLOYEE_ITEMS = {
    "approvals",
    "ratings",
    "interviews",
    "scorecards",
    "missingPunches",
    "skillTests",
    "enrolments",
}
FIGURES = {"headcount", "openRequisitions", "onLeave", "kpiAtRisk", "paySuspensions"}


async def _bench(world: World, username: str) -> tuple[dict[str, int], dict[str, int]]:
    found = await workbench(await load_viewer(world.users[username].id), TODAY, NOW)
    return {i.key: i.count for i in found.items}, {f.key: f.count for f in found.figures}


async def test_each_role_finds_its_own_kinds_of_to_do_and_only_leaders_see_figures(
    world: World,
) -> None:
    items, figures = await _bench(world, "employee")
    assert set(items) == EMPLOYEE_ITEMS and figures == {}
    items, figures = await _bench(world, "manager")
    assert set(items) == EMPLOYEE_ITEMS | {"assessments", "teamMissingPunches"}
    assert set(figures) == FIGURES
    items, figures = await _bench(world, "branch_hr")
    assert {"contracts", "probations", "teamMissingPunches", "assessments"} <= set(items)
    assert set(figures) == FIGURES
    items, figures = await _bench(world, "executive")
    assert "contracts" not in items and "teamMissingPunches" not in items
    assert set(figures) == {"headcount", "onLeave", "kpiAtRisk", "paySuspensions"}
    # the administrator account is nobody's approver and has no record: nothing is theirs to do
    assert await _bench(world, "admin") == ({}, {})


async def test_contracts_and_probations_ending_reach_the_hr_in_charge_only(world: World) -> None:
    rep = world.people["sh_rep"]
    await Contract.create(
        employee=rep, kind=ContractKind.FIXED_TERM, start_date=date(2023, 4, 1),
        end_date=TODAY + timedelta(days=20), signed_on=date(2023, 3, 1),
    )  # fmt: skip
    await Contract.create(
        employee=world.people["sh_worker"], kind=ContractKind.OPEN_ENDED,
        start_date=date(2026, 1, 1), probation_end=TODAY + timedelta(days=3),
        signed_on=date(2026, 1, 1),
    )  # fmt: skip
    await Contract.create(
        employee=world.people["bj_rep"], kind=ContractKind.FIXED_TERM, start_date=date(2023, 4, 1),
        end_date=TODAY + timedelta(days=45), signed_on=date(2023, 3, 1),
    )  # fmt: skip
    sh, _ = await _bench(world, "branch_hr")
    assert (sh["contracts"], sh["probations"]) == (1, 1)
    bj, _ = await _bench(world, "bj_hr")
    assert (bj["contracts"], bj["probations"]) == (0, 0)  # 45 days is beyond the 30
    hq, _ = await _bench(world, "hq_hr")
    assert (hq["contracts"], hq["probations"]) == (1, 1)
    manager, _ = await _bench(world, "manager")
    assert "contracts" not in manager


async def test_a_missing_punch_is_one_own_and_counted_for_those_in_charge(world: World) -> None:
    # one punch on Tuesday 10 March (09:00 in China): the day lacks its second punch
    await Punch.create(
        employee=world.people["sh_rep"], punched_at=datetime(2026, 3, 10, 1, 0, tzinfo=UTC),
        source=PunchSource.DEVICE,
    )  # fmt: skip
    for person in ("sh_rep", "sh_rep2", "sh_sales_head", "sh_worker", "bj_rep"):
        # everyone else punched in and out on every workday, so only sh_rep is missing one
        await _full_month(world.people[person], skip=person == "sh_rep")
    items, _ = await _bench(world, "employee")
    assert items["missingPunches"] == 1
    rep2 = await workbench(await load_viewer(world.users["manager"].id), TODAY, NOW)
    counts = {i.key: i.count for i in rep2.items}
    assert counts["teamMissingPunches"] == 1  # sh_rep, in the manager's unit
    assert counts["missingPunches"] == 0  # the manager's own month is complete
    bj, _ = await _bench(world, "bj_hr")
    assert bj["teamMissingPunches"] == 0  # another branch's people are not BJ HR's


async def _full_month(employee: Employee, *, skip: bool) -> None:
    from talentloop.attendance.calendar import DayKind, day_kind

    day = date(2026, 3, 1)
    while day < TODAY:
        if day_kind(day) is DayKind.WORKDAY and not (skip and day == date(2026, 3, 10)):
            for hour in (0, 10):  # 08:00 and 18:00 in China
                await Punch.create(
                    employee=employee,
                    punched_at=datetime(day.year, day.month, day.day, hour, 30, tzinfo=UTC),
                    source=PunchSource.DEVICE,
                )
        day += timedelta(days=1)


async def test_a_leave_request_waits_on_the_approvers_workbench_and_counts_in_figures(
    api: Api, world: World
) -> None:
    before = (await api.data(QUERY, as_=world.users["manager"]))["workbench"]
    asked = await api.data(
        """mutation { requestLeave(input: {leaveType: SICK, startDate: "2026-12-01",
        endDate: "2026-12-01", reason: "flu"}) { leaveRequest { id } errors { code } } }""",
        as_=world.users["employee"],
    )
    assert asked["requestLeave"]["errors"] == []
    after = (await api.data(QUERY, as_=world.users["manager"]))["workbench"]
    mine = await api.data("{ myApprovals { id } }", as_=world.users["manager"])

    def count(bench: dict, kind: str) -> int:  # type: ignore[type-arg]
        return next(i["count"] for i in bench["items"] if i["kind"] == kind)  # type: ignore[no-any-return]

    assert count(before, "APPROVALS") == 0
    assert count(after, "APPROVALS") == len(mine["myApprovals"]) == 1
    link = next(i["link"] for i in after["items"] if i["kind"] == "APPROVALS")
    assert link == "/approvals"
    requester = (await api.data(QUERY, as_=world.users["employee"]))["workbench"]
    assert count(requester, "APPROVALS") == 0  # nobody approves their own request


async def test_headcount_is_the_scope_the_hr_report_counts(api: Api, world: World) -> None:
    expected = {
        "hq_hr": 9,  # everyone
        "branch_hr": 5,  # the SH branch
        "manager": 3,  # SH-SALES and its team
        "executive": 9,
    }
    for username, headcount in expected.items():
        bench = (await api.data(QUERY, as_=world.users[username]))["workbench"]
        figures = {f["kind"]: f["value"] for f in bench["figures"]}
        assert figures["HEADCOUNT"] == headcount, username
        report = await api.data(
            '{ workforceReport(fromMonth: "2026-01-01", toMonth: "2026-01-01") '
            "{ months { headcount } } }",
            as_=world.users[username],
        )
        assert report["workforceReport"]["months"][0]["headcount"] == headcount


async def test_a_person_with_two_grants_gets_both_menus(api: Api, world: World) -> None:
    manager = world.users["manager"]
    alone = set((await api.data(QUERY, as_=manager))["me"]["features"])
    assert "attendanceSheet" in alone and "contracts" not in alone and "payroll" not in alone
    await RoleGrant.create(user=manager, role=Role.BRANCH_HR, scope_unit=world.units["BJ"])
    both = set((await api.data(QUERY, as_=manager))["me"]["features"])
    assert alone | {"contracts", "payroll", "approvalFlows", "positions"} <= both
    bench = (await api.data(QUERY, as_=manager))["workbench"]
    assert {"CONTRACTS", "PROBATIONS"} <= {i["kind"] for i in bench["items"]}
    employee = set((await api.data(QUERY, as_=world.users["employee"]))["me"]["features"])
    assert "attendanceSheet" not in employee and "myAttendance" in employee


async def test_the_workbench_takes_the_same_statements_for_many_people(
    api: Api, world: World
) -> None:
    async def count() -> int:
        with StatementCounter() as counter:
            await api.data(QUERY, as_=world.users["hq_hr"])
        return counter.count

    await api.data("{ me { role } }", as_=world.users["hq_hr"])  # signed in before counting

    few = await count()
    for i in range(12):
        person = await add_person(world, f"x{i}", "BJ-SALES")
        await Contract.create(
            employee=person, kind=ContractKind.FIXED_TERM, start_date=date(2023, 4, 1),
            end_date=date.today() + timedelta(days=5), signed_on=date(2023, 3, 1),
        )  # fmt: skip
    assert await count() == few


async def test_a_unit_says_whether_its_emptiness_is_a_matter_of_permission(
    api: Api, world: World
) -> None:
    query = "{ orgUnits { code readsWork } }"
    manager = {
        u["code"]: u["readsWork"]
        for u in (await api.data(query, as_=world.users["manager"]))["orgUnits"]
    }
    # the team lead reads SH-SALES at WORK, and sees the rest of the branch's directory only
    assert manager["SH-SALES"] and manager["SH-SALES-1"]
    assert manager["SH"]  # above their unit: part of it is theirs
    assert manager["SH-PROD"] is False and manager["SH-HR"] is False
    hr = {
        u["code"]: u["readsWork"]
        for u in (await api.data(query, as_=world.users["branch_hr"]))["orgUnits"]
    }
    assert hr["SH-PROD"] and "BJ" not in hr


async def test_people_on_leave_this_month_are_counted_once_within_the_scope(world: World) -> None:
    from talentloop.attendance.models import LeaveRequest, LeaveStatus, LeaveType

    for person, start, status in [
        ("sh_rep", date(2026, 3, 2), LeaveStatus.APPROVED),
        ("sh_rep", date(2026, 3, 20), LeaveStatus.APPROVED),  # the same person again
        ("sh_rep2", date(2026, 3, 5), LeaveStatus.PENDING),  # not yet decided
        ("sh_worker", date(2026, 2, 27), LeaveStatus.APPROVED),  # into March
        ("bj_rep", date(2026, 4, 1), LeaveStatus.APPROVED),  # another month
    ]:
        await LeaveRequest.create(
            employee=world.people[person], leave_type=LeaveType.PERSONAL, start_date=start,
            end_date=start + timedelta(days=2), days=3, status=status,
        )  # fmt: skip
    assert (await _bench(world, "manager"))[1]["onLeave"] == 1  # sh_rep, in their unit
    assert (await _bench(world, "branch_hr"))[1]["onLeave"] == 2  # and sh_worker
    assert (await _bench(world, "bj_hr"))[1]["onLeave"] == 0
