"""Sensitive-data exports through the API: asked for by HR with a reason, approved by another
HQ HR through the approvals engine, written by a job with the people the requester reads,
downloaded by the requester alone for 24 hours, every download audited without the values."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import Role, User
from talentloop.approvals.models import ApprovalRequest, ApprovalStatus, RequestType
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.graphql.ids import parse_global_id, to_global_id
from talentloop.jobs.models import Job
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.privacy import exports
from talentloop.privacy.models import ExportStatus, SensitiveExport
from tests.support import Api, World, add_user, gid

REQUEST = """mutation($i: RequestSensitiveExportInput!) {
  requestSensitiveExport(input: $i) { export { id status rowCount reason downloadPath }
    errors { field code message } }
}"""
CANCEL = """mutation($id: ID!) {
  cancelSensitiveExport(id: $id) { export { id status } errors { field code } }
}"""
MINE = """{ mySensitiveExports { id status progress step rowCount fileName downloadPath error
  expiresAt unit { id } } }"""
MY_APPROVALS = """{ myApprovals { id requestType title subjectId canDecide
  history { kind actorName comment } } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!) {
  decideApproval(id: $id, approve: $approve) { approvalRequest { status } errors { field code message } }
}"""
REASON = "社保年度基数申报：需要上海分公司全员身份证号与银行账号"
SH_PEOPLE = ["sh_hr_person", "sh_sales_head", "sh_rep", "sh_rep2", "sh_worker"]


async def ask(api: Api, world: World, viewer: str, unit: str, reason: str = REASON) -> Any:
    data = await api.data(
        REQUEST,
        {"i": {"unitId": gid(world.units[unit]), "reason": reason}},
        as_=world.users[viewer],
    )
    return data["requestSensitiveExport"]


async def asked(api: Api, world: World, viewer: str, unit: str) -> str:
    payload = await ask(api, world, viewer, unit)
    assert payload["errors"] == [], payload
    export_id: str = payload["export"]["id"]
    return export_id


def pk(export_id: str) -> int:
    parsed = parse_global_id(export_id)
    assert parsed is not None and parsed[0] == "SensitiveExport"
    return parsed[1]


async def mine(api: Api, world: World, viewer: str) -> dict[str, dict[str, Any]]:
    data = await api.data(MINE, as_=world.users[viewer])
    return {e["id"]: e for e in data["mySensitiveExports"]}


async def approval_of(export_id: str) -> ApprovalRequest:
    found = await ApprovalRequest.get(
        request_type=RequestType.DATA_EXPORT, subject_id=pk(export_id)
    )
    return found


async def decide(api: Api, world: World, viewer: str, export_id: str, approve: bool) -> Any:
    request = await approval_of(export_id)
    data = await api.data(
        DECIDE,
        {"id": to_global_id("ApprovalRequest", request.id), "approve": approve},
        as_=world.users[viewer],
    )
    return data["decideApproval"]


async def ready(api: Api, world: World, viewer: str, export_id: str) -> dict[str, Any]:
    """Follow the export (as its requester) until its job has finished; progress only grows."""
    seen = []
    for _ in range(300):
        export = (await mine(api, world, viewer))[export_id]
        seen.append(export["progress"])
        if export["status"] not in ("APPROVED", "PENDING"):
            assert seen == sorted(seen), seen
            return export
        await asyncio.sleep(0.05)
    raise AssertionError(f"the export was not written: {seen[-5:]}")


async def download(api: Api, world: World, viewer: str, export_id: str | int) -> Any:
    number = export_id if isinstance(export_id, int) else pk(export_id)
    token = await api.token(world.users[viewer])
    return await api.http.get(f"/exports/{number}", headers={"Authorization": f"Bearer {token}"})


def rows(content: bytes) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


async def test_branch_hr_asks_hq_hr_approves_and_only_the_requester_downloads_the_numbers(
    api: Api, world: World
) -> None:
    export_id = await asked(api, world, "branch_hr", "SH")
    missing = await download(api, world, "branch_hr", 2_000_000_000)
    assert missing.status_code == 404
    # pending: no file, the same answer as for an export that does not exist
    export = (await mine(api, world, "branch_hr"))[export_id]
    assert (export["status"], export["rowCount"], export["downloadPath"]) == ("PENDING", 5, None)
    early = await download(api, world, "branch_hr", export_id)
    assert (early.status_code, early.content) == (missing.status_code, missing.content)

    # the requester does not approve their own; HQ HR sees the request, the count and the reason
    assert (await api.data(MY_APPROVALS, as_=world.users["branch_hr"]))["myApprovals"] == []
    own = await decide(api, world, "branch_hr", export_id, True)
    assert [e["code"] for e in own["errors"]] == ["FORBIDDEN"]
    [task] = (await api.data(MY_APPROVALS, as_=world.users["hq_hr"]))["myApprovals"]
    assert (task["requestType"], task["title"], task["canDecide"]) == (
        "DATA_EXPORT",
        "SH unit (5 people)",
        True,
    )
    assert task["subjectId"] == export_id
    assert {"kind": "COMMENTED", "actorName": "sh_hr_person name", "comment": REASON} in task[
        "history"
    ]

    # before the job runs, one person leaves the branch: the file has who the requester reads then
    moved = world.people["sh_worker"]
    await Employee.filter(id=moved.id).update(unit_id=world.units["BJ-SALES"].id)
    gone = world.people["sh_rep2"]
    await Employee.filter(id=gone.id).update(status=EmployeeStatus.TERMINATED)

    assert (await decide(api, world, "hq_hr", export_id, True))["errors"] == []
    export = await ready(api, world, "branch_hr", export_id)
    assert export["status"] == "READY" and export["progress"] == 100, export
    assert export["downloadPath"] == f"/exports/{pk(export_id)}"
    assert export["rowCount"] == 3 and export["fileName"].endswith(".xlsx")
    job = await Job.get(kind=exports.JOB_KIND, subject_id=pk(export_id))
    assert (await SensitiveExport.get(id=pk(export_id))).job_id == job.id

    answer = await download(api, world, "branch_hr", export_id)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == exports.MEDIA_TYPE
    assert answer.headers["cache-control"] == "no-store"
    header, *body = rows(answer.content)
    assert header == ("工号", "姓名", "部门", "身份证号码", "银行账号")
    expected = {
        world.people[p].employee_number: (
            f"{p} name",
            world.people[p].unit_id,
            world.id_numbers[p],
            world.bank_accounts[p],
        )
        for p in ("sh_hr_person", "sh_sales_head", "sh_rep")
    }
    names = {u.name: u.id for u in world.units.values()}
    assert {r[0]: (r[1], names[r[2]], r[3], r[4]) for r in body} == expected
    assert len(body) == 3

    # anyone else — the HQ HR who approved it included — gets the answer for a missing export
    for other in ("hq_hr", "bj_hr", "employee", "admin"):
        theirs = await download(api, world, other, export_id)
        assert (theirs.status_code, theirs.content) == (missing.status_code, missing.content), other
        node = await api.data(
            "query($id: ID!) { node(id: $id) { id } }", {"id": export_id}, as_=world.users[other]
        )
        assert node["node"] is None
    assert (await api.http.get(f"/exports/{pk(export_id)}")).status_code == 401

    # the one download is audited: who, the reason and the count, never a value
    [entry] = await AuditEntry.filter(action=AuditAction.SENSITIVE_READ)
    assert (entry.actor_user_id, entry.subject_type, entry.subject_id) == (
        world.users["branch_hr"].id,
        "SensitiveExport",
        pk(export_id),
    )
    assert entry.reason == f"{REASON} (3 people)"
    assert entry.field == "idNumber,bankAccount"
    logged = json.dumps(await AuditEntry.all().values(), default=str)
    for secret in [*world.id_numbers.values(), *world.bank_accounts.values()]:
        assert secret not in logged
    await download(api, world, "branch_hr", export_id)
    assert await AuditEntry.filter(action=AuditAction.SENSITIVE_READ).count() == 2


async def test_a_rejected_export_never_produces_a_file(api: Api, world: World) -> None:
    export_id = await asked(api, world, "branch_hr", "SH-SALES")
    assert (await decide(api, world, "hq_hr", export_id, False))["errors"] == []
    export = (await mine(api, world, "branch_hr"))[export_id]
    assert (export["status"], export["downloadPath"]) == ("REJECTED", None)
    await asyncio.sleep(0.2)  # a worker would have had the time
    assert not await Job.filter(kind=exports.JOB_KIND).exists()
    stored = await SensitiveExport.get(id=pk(export_id))
    assert stored.content is None and stored.status is ExportStatus.REJECTED
    assert (await download(api, world, "branch_hr", export_id)).status_code == 404


async def test_one_cancels_ones_own_pending_export_and_its_request(api: Api, world: World) -> None:
    export_id = await asked(api, world, "branch_hr", "SH-SALES")
    theirs = await api.data(CANCEL, {"id": export_id}, as_=world.users["hq_hr"])
    assert [e["code"] for e in theirs["cancelSensitiveExport"]["errors"]] == ["NOT_FOUND"]
    data = await api.data(CANCEL, {"id": export_id}, as_=world.users["branch_hr"])
    assert data["cancelSensitiveExport"] == {
        "export": {"id": export_id, "status": "CANCELLED"},
        "errors": [],
    }
    assert (await approval_of(export_id)).status is ApprovalStatus.CANCELLED
    assert (await api.data(MY_APPROVALS, as_=world.users["hq_hr"]))["myApprovals"] == []
    again = await api.data(CANCEL, {"id": export_id}, as_=world.users["branch_hr"])
    assert [e["code"] for e in again["cancelSensitiveExport"]["errors"]] == ["INVALID"]


async def test_who_may_ask_and_for_which_unit(api: Api, world: World) -> None:
    # another branch's unit is answered like a unit that does not exist
    other = await ask(api, world, "branch_hr", "BJ-SALES")
    nowhere = await api.data(
        REQUEST,
        {"i": {"unitId": to_global_id("OrgUnit", 2_000_000_000), "reason": REASON}},
        as_=world.users["branch_hr"],
    )
    assert other == nowhere["requestSensitiveExport"]
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
    # the company above their branch, a manager's own unit, an employee's: not theirs to ask
    for viewer, unit in (("branch_hr", "ACME"), ("manager", "SH-SALES"), ("employee", "SH")):
        payload = await ask(api, world, viewer, unit)
        assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"], viewer
    for reason in ("", "too short", "x" * 501):
        payload = await ask(api, world, "branch_hr", "SH", reason)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("reason", "INVALID")]
    assert not await SensitiveExport.exists()
    assert not await ApprovalRequest.exists()


async def test_an_hq_hr_request_goes_to_another_hq_hr(api: Api, world: World) -> None:
    second = await add_user(world, "hq_hr2", Role.HQ_HR, "ceo")
    export_id = await asked(api, world, "hq_hr", "ACME")
    request = await approval_of(export_id)
    assert request.status is ApprovalStatus.PENDING
    assert (await api.data(MY_APPROVALS, as_=world.users["hq_hr"]))["myApprovals"] == []
    own = await decide(api, world, "hq_hr", export_id, True)
    assert [e["code"] for e in own["errors"]] == ["FORBIDDEN"]
    [task] = (await api.data(MY_APPROVALS, as_=second))["myApprovals"]
    assert task["title"] == f"ACME unit ({len(world.people)} people)"
    assert (await decide(api, world, "hq_hr2", export_id, True))["errors"] == []
    export = await ready(api, world, "hq_hr", export_id)
    assert export["rowCount"] == len(world.people)
    _, *body = rows((await download(api, world, "hq_hr", export_id)).content)
    assert {r[3] for r in body} == set(world.id_numbers.values())
    assert (await download(api, world, "hq_hr2", export_id)).status_code == 404


async def test_the_file_expires_24_hours_after_it_was_written(api: Api, world: World) -> None:
    first, second = [await asked(api, world, "branch_hr", unit) for unit in ("SH", "SH-PROD")]
    for export_id in (first, second):
        assert (await decide(api, world, "hq_hr", export_id, True))["errors"] == []
        await ready(api, world, "branch_hr", export_id)
    stored = await SensitiveExport.get(id=pk(first))
    assert stored.ready_at is not None and stored.expires_at == stored.ready_at + timedelta(
        hours=24
    )
    missing = await download(api, world, "branch_hr", 2_000_000_000)
    # one minute before: still there; past it: the answer for a missing export, the file gone
    just_before = stored.expires_at - timedelta(minutes=1)
    requester = await load_viewer(world.users["branch_hr"].id)
    assert await exports.download(requester, pk(first), just_before) is not None
    await SensitiveExport.filter(id=pk(first)).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    late = await download(api, world, "branch_hr", first)
    assert (late.status_code, late.content) == (missing.status_code, missing.content)
    export = (await mine(api, world, "branch_hr"))[first]
    assert (export["status"], export["downloadPath"]) == ("EXPIRED", None)
    assert (await SensitiveExport.get(id=pk(first))).content is None
    # the worker's heartbeat deletes the others when their time has come
    later = datetime.now(UTC) + timedelta(hours=25)
    assert await exports.expire_due(later) == 1
    gone = await SensitiveExport.get(id=pk(second))
    assert (gone.status, gone.content) == (ExportStatus.EXPIRED, None)


async def test_an_api_token_neither_asks_nor_downloads(api: Api, world: World) -> None:
    export_id = await asked(api, world, "branch_hr", "SH-SALES")
    assert (await decide(api, world, "hq_hr", export_id, True))["errors"] == []
    await ready(api, world, "branch_hr", export_id)
    data = await api.data(
        """mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret errors { code } } }""",
        {"i": {"name": "sync", "scopes": ["WRITE_PEOPLE"], "expiresInDays": 30}},
        as_=world.users["branch_hr"],
    )
    secret = data["createApiToken"]["secret"]
    headers = {"Authorization": f"Bearer {secret}"}
    answer = await api.http.get(f"/exports/{pk(export_id)}", headers=headers)
    missing = await api.http.get("/exports/2000000000", headers=headers)
    assert (answer.status_code, answer.content) == (missing.status_code, missing.content)
    assert answer.status_code == 404
    body = (
        await api.http.post(
            "/graphql",
            json={
                "query": REQUEST,
                "variables": {"i": {"unitId": gid(world.units["SH"]), "reason": REASON}},
            },
            headers=headers,
        )
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    listed = (await api.http.post("/graphql", json={"query": MINE}, headers=headers)).json()
    assert listed["data"]["mySensitiveExports"] == []
    assert await SensitiveExport.filter().count() == 1


async def test_a_disabled_requester_gets_no_file(api: Api, world: World) -> None:
    export_id = await asked(api, world, "branch_hr", "SH")
    await (
        type(world.users["branch_hr"])
        .filter(id=world.users["branch_hr"].id)
        .update(is_active=False)
    )
    assert (await decide(api, world, "hq_hr", export_id, True))["errors"] == []
    for _ in range(300):
        stored = await SensitiveExport.get(id=pk(export_id))
        if stored.status is not ExportStatus.APPROVED:
            break
        await asyncio.sleep(0.05)
    assert (stored.status, stored.content, stored.error) == (
        ExportStatus.FAILED,
        None,
        "The requester's account is disabled.",
    )


async def test_the_only_hq_hr_asking_is_refused_not_waved_through(api: Api, world: World) -> None:
    """With no approver but the requester, an export is rejected (never skipped to approved):
    the numbers leave only when someone else agreed."""
    export_id = await asked(api, world, "hq_hr", "SH")
    request = await approval_of(export_id)
    assert request.status is ApprovalStatus.REJECTED
    own = await mine(api, world, "hq_hr")
    assert own[export_id]["status"] == "REJECTED" and own[export_id]["downloadPath"] is None
    assert await Job.all().count() == 0
    # A second HQ HR account: the same request now waits for them.
    await add_user(world, "hq_hr2", Role.HQ_HR, "ceo")
    waiting = await asked(api, world, "hq_hr", "SH")
    assert (await approval_of(waiting)).status is ApprovalStatus.PENDING


async def test_names_that_read_as_formulas_are_text_in_the_export(api: Api, world: World) -> None:
    from tests.support import FORMULA_NAMES, assert_formulas_are_text

    await Employee.filter(id=world.people["sh_rep"].id).update(name=FORMULA_NAMES[0])
    await Employee.filter(id=world.people["sh_rep2"].id).update(name=FORMULA_NAMES[4])
    await Employee.filter(id=world.people["sh_worker"].id).update(name=FORMULA_NAMES[1])
    export_id = await asked(api, world, "branch_hr", "SH")
    assert (await decide(api, world, "hq_hr", export_id, True))["errors"] == []
    assert (await ready(api, world, "branch_hr", export_id))["status"] == "READY"
    response = await download(api, world, "branch_hr", export_id)
    assert response.status_code == 200
    assert_formulas_are_text(response.content, *(FORMULA_NAMES[i] for i in (0, 4, 1)))


async def test_the_file_is_written_in_the_requesters_language(api: Api, world: World) -> None:
    """The job has no request: the sheet follows the requester's own setting (else Chinese)."""
    await User.filter(id=world.users["branch_hr"].id).update(language="en")
    export_id = await asked(api, world, "branch_hr", "SH")
    assert (await decide(api, world, "hq_hr", export_id, True))["errors"] == []
    assert (await ready(api, world, "branch_hr", export_id))["status"] == "READY"
    response = await download(api, world, "branch_hr", export_id)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active is not None and book.active.title == "Sensitive data export"
    header, *_ = rows(response.content)
    assert header == ("Employee number", "Name", "Unit", "ID number", "Bank account")
