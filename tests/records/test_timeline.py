"""Employment events and the timeline: an approved transfer moves the employee and shows on the
timeline."""

from __future__ import annotations

from talentloop.people.models import Employee, EmployeeStatus
from talentloop.records.models import Contract, EmploymentEvent
from tests.support import Api, World, approved_change, gid

TRANSFER = """mutation($input: RequestTransferInput!) {
  requestTransfer(input: $input) { change { status } errors { field code message } }
}"""
SIGN = """mutation($input: SignContractInput!) {
  signContract(input: $input) { errors { code } }
}"""
TIMELINE = """query($id: ID!) {
  employeeTimeline(employeeId: $id) {
    on
    event { kind }
    contract { kind }
    change { field before after }
  }
}"""


async def test_a_transfer_moves_the_employee_and_shows_on_the_timeline(
    api: Api, world: World
) -> None:
    rep = world.people["sh_rep"]
    await approved_change(
        api,
        world,
        "requestTransfer",
        {
            "employeeId": gid(rep),
            "unitId": gid(world.units["SH-PROD"]),
            "effectiveDate": "2026-06-01",
        },
    )
    event = await EmploymentEvent.get(employee_id=rep.id)
    assert (event.kind.value, event.effective_date.isoformat()) == ("transfer", "2026-06-01")
    assert (await Employee.get(id=rep.id)).unit_id == world.units["SH-PROD"].id
    timeline = (await api.data(TIMELINE, {"id": gid(rep)}, as_=world.users["branch_hr"]))[
        "employeeTimeline"
    ]
    kinds = [(i["event"] or {}).get("kind") or (i["change"] or {}).get("field") for i in timeline]
    assert "TRANSFER" in kinds
    assert "unitId" in kinds


async def test_a_branch_hr_cannot_transfer_into_another_branch(api: Api, world: World) -> None:
    rep = world.people["sh_rep"]
    data = await api.data(
        TRANSFER,
        {
            "input": {
                "employeeId": gid(rep),
                "unitId": gid(world.units["BJ-SALES"]),
                "effectiveDate": "2026-06-01",
            }
        },
        as_=world.users["branch_hr"],
    )
    assert data["requestTransfer"]["errors"] == [
        {"field": "unitId", "code": "NOT_FOUND", "message": "Unit not found."}
    ]
    assert (await Employee.get(id=rep.id)).unit_id == world.units["SH-SALES-1"].id
    assert not await EmploymentEvent.exists()


async def test_the_timeline_is_newest_first_across_events_contracts_and_changes(
    api: Api, world: World
) -> None:
    rep = world.people["sh_rep"]
    hr = world.users["branch_hr"]
    sign = {
        "employeeId": gid(rep),
        "kind": "FIXED_TERM",
        "startDate": "2020-01-01",
        "endDate": "2022-12-31",
        "signedOn": "2019-12-15",
    }
    assert (await api.data(SIGN, {"input": sign}, as_=hr))["signContract"]["errors"] == []
    await approved_change(
        api,
        world,
        "requestTransfer",
        {
            "employeeId": gid(rep),
            "unitId": gid(world.units["SH-PROD"]),
            "effectiveDate": "2021-03-01",
        },
    )
    await approved_change(
        api,
        world,
        "requestTermination",
        {
            "employeeId": gid(rep),
            "kind": "RESIGNATION",
            "lastDay": "2022-06-30",
            "reason": "个人发展",
        },
    )
    timeline = (await api.data(TIMELINE, {"id": gid(rep)}, as_=hr))["employeeTimeline"]
    days = [i["on"] for i in timeline]
    assert days == sorted(days, reverse=True)
    events = [i["event"]["kind"] for i in timeline if i["event"]]
    assert events == ["RESIGNATION", "TRANSFER"]
    assert [i["contract"]["kind"] for i in timeline if i["contract"]] == ["FIXED_TERM"]
    assert timeline[-1]["contract"] == {"kind": "FIXED_TERM"}
    stored = await Employee.get(id=rep.id)
    assert stored.status is EmployeeStatus.TERMINATED
    # The contract running past the last day ends on it.
    assert (await Contract.get(employee_id=rep.id)).end_date.isoformat() == "2022-06-30"


async def test_sensitive_changes_are_redacted_and_pay_hidden_from_a_manager(
    api: Api, world: World
) -> None:
    rep = world.people["sh_rep"]
    update = """mutation($input: UpdateEmployeeInput!) {
      updateEmployee(input: $input) { errors { code } }
    }"""
    await api.data(
        update,
        {"input": {"id": gid(rep), "baseSalary": "9100", "name": "新名字"}},
        as_=world.users["branch_hr"],
    )
    hr_view = (await api.data(TIMELINE, {"id": gid(rep)}, as_=world.users["branch_hr"]))[
        "employeeTimeline"
    ]
    changes = {i["change"]["field"]: i["change"] for i in hr_view if i["change"]}
    assert changes["baseSalary"]["after"] == "9100.00"
    assert changes["name"]["after"] == "新名字"
    manager_view = (await api.data(TIMELINE, {"id": gid(rep)}, as_=world.users["manager"]))[
        "employeeTimeline"
    ]
    changes = {i["change"]["field"]: i["change"] for i in manager_view if i["change"]}
    assert changes["baseSalary"] == {"field": "baseSalary", "before": None, "after": None}
    assert changes["name"]["after"] == "新名字"
    # A move within the manager's department is directory data: they see it.
    await approved_change(
        api,
        world,
        "requestTransfer",
        {
            "employeeId": gid(rep),
            "unitId": gid(world.units["SH-SALES"]),
            "effectiveDate": "2026-06-01",
        },
    )
    manager_view = (await api.data(TIMELINE, {"id": gid(rep)}, as_=world.users["manager"]))[
        "employeeTimeline"
    ]
    moved = [i["change"] for i in manager_view if i["change"] and i["change"]["field"] == "unitId"]
    assert moved == [
        {
            "field": "unitId",
            "before": world.units["SH-SALES-1"].id,
            "after": world.units["SH-SALES"].id,
        }
    ]


async def test_out_of_scope_timelines_are_null(api: Api, world: World) -> None:
    bj = gid(world.people["bj_rep"])
    assert (await api.data(TIMELINE, {"id": bj}, as_=world.users["branch_hr"]))[
        "employeeTimeline"
    ] is None
    # An employee sees only the directory of colleagues: no timeline.
    colleague = gid(world.people["sh_rep2"])
    assert (await api.data(TIMELINE, {"id": colleague}, as_=world.users["employee"]))[
        "employeeTimeline"
    ] is None
