"""The named-user rule picked by employee: HR names a colleague they see (the employees query
finds them), the flow keeps that colleague's user, and their requests go to them."""

from __future__ import annotations

from typing import Any

from talentloop.accounts.models import Role
from talentloop.graphql.ids import to_global_id
from tests.support import Api, World, add_user, gid

SAVE = """
mutation ($input: ApprovalFlowInput!) {
  saveApprovalFlow(input: $input) { flow { steps { rule userId approverName username } }
                                    errors { field code } }
}
"""
FLOWS = "query { approvalFlows { requestType steps { rule userId approverName } } }"
REQUEST = """
mutation { requestLeave(input: {leaveType: PERSONAL, startDate: "2026-12-07", endDate: "2026-12-07"}) {
  leaveRequest { id } errors { code } } }
"""
MINE = "query { myApprovals { subjectId canDecide } }"


async def _save(api: Api, w: World, step: dict[str, Any]) -> dict[str, Any]:
    data = await api.data(
        SAVE,
        {"input": {"requestType": "LEAVE", "unitId": gid(w.units["SH"]), "steps": [step]}},
        as_=w.users["branch_hr"],
    )
    return dict(data["saveApprovalFlow"])


async def test_hr_names_an_approver_by_employee_and_requests_go_to_their_user(
    api: Api, world: World
) -> None:
    w = world
    head = w.people["sh_sales_head"]  # the user "manager"
    saved = await _save(api, w, {"position": 0, "rule": "USER", "employeeId": gid(head)})
    manager_id = to_global_id("User", w.users["manager"].id)
    assert saved == {
        "flow": {
            "steps": [
                {
                    "rule": "USER",
                    "userId": manager_id,
                    "approverName": head.name,
                    "username": "manager",
                }
            ]
        },
        "errors": [],
    }
    # The editor reads the user back and saves the step again unchanged.
    flows = (await api.data(FLOWS, as_=w.users["branch_hr"]))["approvalFlows"]
    assert flows == [
        {
            "requestType": "LEAVE",
            "steps": [{"rule": "USER", "userId": manager_id, "approverName": head.name}],
        }
    ]
    again = await _save(api, w, {"position": 0, "rule": "USER", "userId": manager_id})
    assert again["errors"] == [] and again["flow"]["steps"][0]["username"] == "manager"
    # A Shanghai worker's leave goes to the named user.
    await add_user(w, "worker", Role.EMPLOYEE, "sh_worker")
    asked = await api.data(REQUEST, as_=w.users["worker"])
    assert asked["requestLeave"]["errors"] == []
    waiting = (await api.data(MINE, as_=w.users["manager"]))["myApprovals"]
    assert waiting == [
        {"subjectId": asked["requestLeave"]["leaveRequest"]["id"], "canDecide": True}
    ]


async def test_an_employee_hr_does_not_see_or_without_a_user_cannot_be_named(
    api: Api, world: World
) -> None:
    w = world
    other_branch = await _save(
        api, w, {"position": 0, "rule": "USER", "employeeId": gid(w.people["bj_rep"])}
    )
    assert other_branch == {
        "flow": None,
        "errors": [{"field": "steps.0.employeeId", "code": "NOT_FOUND"}],
    }
    no_user = await _save(
        api, w, {"position": 0, "rule": "USER", "employeeId": gid(w.people["sh_worker"])}
    )
    assert no_user == {"flow": None, "errors": [{"field": "steps.0.employeeId", "code": "INVALID"}]}
