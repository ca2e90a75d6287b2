"""Sign-in accounts and role grants by import (issue 22, roles/account_imports.py): created waiting
for their invitation, grants replaced as listed, enabled and disabled, all checked as the
account and role mutations check them, audited, undone while unused; the invitation links of
the created accounts handed out once (accounts/invitation_links.py)."""

from __future__ import annotations

import csv
import io

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import AccountInvitation, RefreshToken, Role, RoleGrant, User
from talentloop.accounts.passwords import UNUSABLE_PASSWORD
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.graphql.ids import pk_of
from talentloop.imports import service
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.performance.models import ImportKind, ImportStatus
from talentloop.roles.account_imports import SPEC
from tests.accounts.test_hardening import login
from tests.accounts.test_management import ACCEPT, NEW_PASSWORD
from tests.imports.support import UNDO, run_file
from tests.support import Api, StatementCounter, World

HEADER = "工号,用户名,角色,启用\n"
# T0006 sh_rep2, T0007 sh_worker, T0005 sh_rep (user "employee"), T0002 hq_hr_person (hq_hr)


def _errors(job: dict) -> list[tuple[str | None, str]]:
    return [(e["column"], e["code"]) for e in job["errors"]]


async def _invitations(api: Api, user: User, job_id: str) -> tuple[int, str]:
    answer = await api.http.post(
        f"/imports/{pk_of(job_id, 'ImportJob')}/invitations",
        headers={"Authorization": f"Bearer {await api.token(user)}"},
    )
    return answer.status_code, answer.content.decode("utf-8-sig")


async def test_hq_hr_creates_invited_accounts_with_grants_audited_and_a_reimport_changes_nothing(
    api: Api, world: World
) -> None:
    hq = world.users["hq_hr"]
    text = HEADER + "T0006,,manager@SH-SALES; 高管,是\nT0007,worker7,,\n"
    dry = await run_file(api, hq, "ACCOUNTS", text, dryRun=True)
    assert (dry["status"], dry["createdRows"]) == ("VALID", 2)
    assert not await User.filter(username="worker7").exists()
    job = await run_file(api, hq, "ACCOUNTS", text)
    assert (job["status"], job["createdRows"], job["errors"]) == ("DONE", 2, [])

    rep2 = await User.get(employee_id=world.people["sh_rep2"].id)
    assert rep2.username == "sh_rep2"  # derived from the work e-mail, as createAccounts does
    assert rep2.password_hash == UNUSABLE_PASSWORD and rep2.role is Role.EMPLOYEE
    grants = await RoleGrant.filter(user_id=rep2.id).order_by("id")
    assert {(g.role, g.scope_unit_id, g.is_primary) for g in grants} == {
        (Role.EMPLOYEE, None, True),
        (Role.MANAGER, world.units["SH-SALES"].id, False),
        (Role.EXECUTIVE, None, False),
    }
    assert all(g.granted_by_id == hq.id for g in grants if not g.is_primary)
    assert await User.filter(username="worker7", password_hash=UNUSABLE_PASSWORD).exists()
    created = await AuditEntry.filter(action=AuditAction.CREATE, actor_username="hq_hr")
    kinds = sorted(e.subject_type for e in created)
    assert kinds == ["RoleGrant"] * 4 + ["User"] * 2, kinds

    again = await run_file(api, hq, "ACCOUNTS", text)
    assert (again["createdRows"], again["updatedRows"], again["unchangedRows"]) == (0, 0, 2)

    viewer = await load_viewer(hq.id)
    assert SPEC.export is not None
    rows = [row async for row in SPEC.export(viewer)]
    exported = {r[0]: r for r in rows}
    assert exported["T0006"] == ["T0006", "sh_rep2", "executive; manager@SH-SALES", "是"]
    assert "T0002" not in exported  # HQ HR's own account is not theirs to import
    text = "employee_number,username,roles,active\n" + "".join(",".join(r) + "\n" for r in rows)
    round_trip = await run_file(api, hq, "ACCOUNTS", text)
    assert round_trip["errors"] == [] and round_trip["createdRows"] == 0
    assert (round_trip["updatedRows"], round_trip["unchangedRows"]) == (0, len(rows))


async def test_grants_are_replaced_as_listed_and_disabling_ends_sessions_and_undo_puts_back(
    api: Api, world: World
) -> None:
    hq = world.users["hq_hr"]
    employee = world.users["employee"]  # sh_rep, T0005
    assert (await login(api, "employee"))["errors"] == []
    first = await run_file(api, hq, "ACCOUNTS", HEADER + "T0005,employee,经理@SH-SALES-1,否\n")
    assert (first["updatedRows"], first["errors"]) == (1, [])
    await employee.refresh_from_db()
    assert not employee.is_active
    assert not await RefreshToken.filter(user_id=employee.id, revoked_at=None).exists()
    grant = await RoleGrant.get(user_id=employee.id, is_primary=False)
    assert (grant.role, grant.scope_unit_id) == (Role.MANAGER, world.units["SH-SALES-1"].id)
    changed = await AuditEntry.get(subject_type="User", subject_id=employee.id, field="isActive")
    assert (changed.before, changed.after) == ({"isActive": True}, {"isActive": False})

    # An empty cell removes the grants; the column left out leaves them.
    kept = await run_file(api, hq, "ACCOUNTS", "工号,启用\nT0005,否\n")
    assert kept["unchangedRows"] == 1
    removed = await run_file(api, hq, "ACCOUNTS", HEADER + "T0005,,,否\n")
    assert removed["updatedRows"] == 1
    assert not await RoleGrant.filter(user_id=employee.id, is_primary=False).exists()
    assert await AuditEntry.filter(
        action=AuditAction.DELETE, subject_type="RoleGrant", subject_id=grant.id
    ).exists()
    undone = await api.data(UNDO, {"id": removed["id"]}, as_=hq)
    assert undone["undoImport"]["errors"] == []
    back = await RoleGrant.get(id=grant.id)
    assert (back.role, back.scope_unit_id, back.user_id) == (
        Role.MANAGER,
        world.units["SH-SALES-1"].id,
        employee.id,
    )


async def test_the_modes_decide_whether_accounts_are_created_or_changed(
    api: Api, world: World
) -> None:
    hq = world.users["hq_hr"]
    insert = await run_file(api, hq, "ACCOUNTS", HEADER + "T0005,,,否\n", mode="INSERT")
    assert _errors(insert) == [("employee_number", "DUPLICATE")]
    update = await run_file(api, hq, "ACCOUNTS", HEADER + "T0006,,,\n", mode="UPDATE")
    assert _errors(update) == [("employee_number", "NOT_FOUND")]
    assert not await User.filter(employee_id=world.people["sh_rep2"].id).exists()


async def test_what_the_mutations_refuse_the_import_refuses(api: Api, world: World) -> None:
    hq = world.users["hq_hr"]
    leaver = world.people["sh_worker"]
    leaver.status = EmployeeStatus.TERMINATED
    await leaver.save(update_fields=["status"])
    text = (
        HEADER
        + "T0002,,,\n"  # HQ HR's own account
        + "T0006,,admin,\n"  # the administrator's role is not HR's to give
        + "T0007,,,\n"  # a leaver gets no account
        + "T0008,,boss@SH,\n"  # no such role
        + "T0009,bad name!,,\n"  # not a username
        + "T0004,boss2,,\n"  # manager has an account: an import does not rename it
        + "T0001,,executive@SH,\n"  # a company-wide role names no unit
        + "T0003,,hq_hr,maybe\n"  # not yes or no
    )
    job = await run_file(api, hq, "ACCOUNTS", text, dryRun=True)
    assert sorted(_errors(job)) == sorted(
        [
            ("employee_number", "SELF_DEALING"),
            ("roles", "FORBIDDEN"),
            ("employee_number", "LEAVER"),
            ("roles", "NOT_FOUND"),
            ("username", "INVALID"),
            ("username", "INVALID"),
            ("roles", "INVALID"),
            ("active", "INVALID"),
        ]
    ), job["errors"]
    no_role = next(e for e in job["errors"] if e["value"] == "boss")
    assert "manager" in no_role["choices"] and "admin" not in no_role["choices"]
    assert job["status"] == "INVALID"

    # The administrator creates accounts but grants no role; branch HR import no accounts.
    admin = await run_file(api, world.users["admin"], "ACCOUNTS", HEADER + "T0006,,manager,\n")
    assert _errors(admin) in ([("roles", "FORBIDDEN")], [("employee_number", "NOT_FOUND")])
    data = await api.data(
        """mutation($i: ImportDataInput!) { importData(input: $i) { errors { code } } }""",
        {"i": {"kind": "ACCOUNTS", "fileName": "a.csv", "contentBase64": "YQ=="}},
        as_=world.users["branch_hr"],
    )
    assert [e["code"] for e in data["importData"]["errors"]] == ["FORBIDDEN"]
    # Nobody's account but the administrator's own changes an administrator's account.
    await User.filter(id=world.users["manager"].id).update(role=Role.ADMIN)
    refused = await run_file(api, hq, "ACCOUNTS", HEADER + "T0004,,,否\n", dryRun=True)
    assert _errors(refused) == [("employee_number", "FORBIDDEN")]


async def test_the_invitation_links_are_given_once_and_one_signs_in(api: Api, world: World) -> None:
    hq = world.users["hq_hr"]
    job = await run_file(api, hq, "ACCOUNTS", HEADER + "T0006,,,\nT0007,worker7,,\n")
    assert (await _invitations(api, world.users["branch_hr"], job["id"]))[0] == 404
    status, text = await _invitations(api, hq, job["id"])
    assert status == 200, text
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["Employee number", "Name", "Username"]
    assert sorted((r[0], r[2]) for r in rows) == [("T0006", "sh_rep2"), ("T0007", "worker7")]
    token = rows[0][3].rsplit("/invite/", 1)[1]
    # Kept as hashes only, audited.
    assert token not in str(await AccountInvitation.all().values())
    assert (
        await AuditEntry.filter(subject_type="AccountInvitation", actor_username="hq_hr").count()
        == 2
    )
    # Once.
    again, body = await _invitations(api, hq, job["id"])
    assert again == 409 and "CONFLICT" in body
    accepted = (await api.data(ACCEPT, {"t": token, "p": NEW_PASSWORD}))["acceptInvitation"]
    assert accepted["errors"] == []
    assert (await login(api, rows[0][2], NEW_PASSWORD))["errors"] == []

    # A used account cannot be undone away.
    undone = await api.data(UNDO, {"id": job["id"]}, as_=hq)
    assert [e["code"] for e in undone["undoImport"]["errors"]] == ["CONFLICT"]


async def test_undo_removes_unused_accounts_their_grants_and_invitations(
    api: Api, world: World
) -> None:
    hq = world.users["hq_hr"]
    job = await run_file(api, hq, "ACCOUNTS", HEADER + "T0006,,manager@SH-SALES,\n")
    assert (await _invitations(api, hq, job["id"]))[0] == 200
    undone = await api.data(UNDO, {"id": job["id"]}, as_=hq)
    assert undone["undoImport"]["errors"] == []
    assert not await User.filter(employee_id=world.people["sh_rep2"].id).exists()
    assert not await AccountInvitation.exists()


async def test_statements_do_not_grow_with_the_rows(world: World) -> None:
    unit = world.units["SH-SALES"]
    await Employee.bulk_create(
        [
            Employee(
                employee_number=f"M{i:04d}",
                name=f"批量{i}",
                unit_id=unit.id,
                hire_date=world.people["sh_rep"].hire_date,
            )
            for i in range(600)
        ]
    )
    viewer = await load_viewer(world.users["hq_hr"].id)
    counts = []
    for first, last in ((0, 50), (50, 600)):
        lines = "".join(f"M{i:04d},,manager@SH-SALES,是\n" for i in range(first, last))
        with StatementCounter() as counted:
            job = await service.run_import(
                viewer,
                kind=ImportKind.ACCOUNTS,
                file_name="a.csv",
                content=(HEADER + lines).encode(),
                dry_run=False,
            )
        assert job.status is ImportStatus.DONE, job.errors[:3]
        counts.append(counted.count)
    assert counts[1] <= 2 * counts[0] + 10, counts
    assert SPEC.export is not None
    with StatementCounter() as counted:
        rows = [r async for r in SPEC.export(viewer)]
    assert len(rows) >= 600 and counted.count <= 12, counted.count
