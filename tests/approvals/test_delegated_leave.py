"""The leave page's "to decide" list holds the requests a delegate acts on, as myApprovals does."""

from __future__ import annotations

from datetime import timedelta

from talentloop.approvals import service as approvals
from tests.support import Api, World, gid

TO_DECIDE = "query { leaveRequests(toDecide: true) { edges { node { id } } } }"


async def test_a_delegate_finds_the_leave_they_act_on_in_the_to_decide_list(
    api: Api, world: World
) -> None:
    w = world
    # Shanghai's leave: the manager alone; the manager away, branch HR acts for them.
    saved = await api.data(
        """mutation ($input: ApprovalFlowInput!) { saveApprovalFlow(input: $input) { errors { code } } }""",
        {
            "input": {
                "requestType": "LEAVE",
                "unitId": gid(w.units["SH"]),
                "steps": [{"position": 0, "rule": "MANAGER"}],
            }
        },
        as_=w.users["branch_hr"],
    )
    assert saved["saveApprovalFlow"]["errors"] == []
    asked = await api.data(
        """mutation { requestLeave(input: {leaveType: PERSONAL, startDate: "2026-12-07",
             endDate: "2026-12-07"}) { leaveRequest { id } errors { code } } }""",
        as_=w.users["employee"],
    )
    leave_id = asked["requestLeave"]["leaveRequest"]["id"]

    async def to_decide(user: str) -> list[str]:
        data = await api.data(TO_DECIDE, as_=w.users[user])
        return [e["node"]["id"] for e in data["leaveRequests"]["edges"]]

    assert await to_decide("manager") == [leave_id]
    assert await to_decide("branch_hr") == []  # not an approver of it
    today = approvals.china_today()
    delegated = await api.data(
        """mutation ($input: DelegationInput!) { delegateApprovals(input: $input) { errors { code } } }""",
        {
            "input": {
                "toEmployeeId": gid(w.people["sh_hr_person"]),
                "startDate": today.isoformat(),
                "endDate": (today + timedelta(days=2)).isoformat(),
            }
        },
        as_=w.users["manager"],
    )
    assert delegated["delegateApprovals"]["errors"] == []
    assert await to_decide("branch_hr") == [leave_id]
    decided = await api.data(
        """mutation ($id: ID!) { decideLeaveRequest(id: $id, approve: true) {
             leaveRequest { status } errors { code } } }""",
        {"id": leave_id},
        as_=w.users["branch_hr"],
    )
    assert decided["decideLeaveRequest"] == {"leaveRequest": {"status": "APPROVED"}, "errors": []}
    assert await to_decide("branch_hr") == [] and await to_decide("manager") == []
