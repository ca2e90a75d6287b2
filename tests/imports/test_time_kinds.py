"""The time and leave kinds (issue 22): opening leave balances, punches and leave already taken
in the old system — each created, updated, left as it is on a second run, refused by the mode,
kept to the importer's scope and away from their own record, audited with before and after,
undone, and exported so that the export imported again changes nothing."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from tortoise import fields

from talentloop.access.viewer import load_viewer
from talentloop.attendance import service as attendance
from talentloop.attendance.models import (
    LeaveOpeningBalance,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    Punch,
    PunchSource,
)
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.imports import kinds
from talentloop.payroll.models import PayrollRun, Payslip, RunStatus
from talentloop.performance.models import ImportJob, ImportKind
from tests.imports.support import IMPORT, UNDO, export_csv, run_file
from tests.support import Api, StatementCounter, World

CHINA = timezone(timedelta(hours=8))

BALANCE_HEAD = "employee_number,leave_type,year,entitled,carried_over,taken\n"
PUNCH_HEAD = "employee_number,punched_at,device_id\n"
LEAVE_HEAD = "employee_number,leave_type,start_date,end_date,days,reason\n"


async def _run(
    api: Api, world: World, kind: str, text: str, *, viewer: str = "hq_hr", **options: Any
) -> dict:
    return await run_file(api, world.users[viewer], kind, text, **options)


def _counts(job: dict) -> tuple[str, int, int, int]:
    return (job["status"], job["createdRows"], job["updatedRows"], job["unchangedRows"])


def _errors(job: dict) -> list[tuple[int, str | None, str]]:
    return [(e["row"], e["column"], e["code"]) for e in job["errors"]]


def _n(world: World, person: str = "sh_rep") -> str:
    return world.people[person].employee_number


async def _export(world: World, kind: ImportKind, viewer: str = "hq_hr") -> str:
    """The kind's export as a CSV file with the columns' keys for headers."""
    return await export_csv(world.users[viewer].id, kind)


async def _undo(api: Api, world: World, job: dict) -> dict:
    data = await api.data(UNDO, {"id": job["id"]}, as_=world.users["hq_hr"])
    result: dict = data["undoImport"]
    return result


async def _lock_month(world: World, person: str, month: date) -> None:
    """The person's payroll of the month approved: its attendance is closed."""
    run = await PayrollRun.create(unit=world.units["SH"], month=month, status=RunStatus.APPROVED)
    money = {
        name: 0
        for name, field in Payslip._meta.fields_map.items()
        if isinstance(field, fields.DecimalField | fields.IntField)
        and name != "id"
        and field.default is None
        and not field.null
        and not name.endswith("_id")
    }
    await Payslip.create(run=run, employee=world.people[person], month=month, **money)


async def _balance(world: World, person: str, year: int, kind: LeaveType) -> tuple[Any, int]:
    viewer = await load_viewer(world.users["hq_hr"].id)
    found = await attendance.leave_balances(viewer, world.people[person].id, year)
    assert found is not None
    balance = next(b for b in found if b.leave_type is kind)
    return balance.entitled, balance.used


# --- opening leave balances ----------------------------------------------------------------------


async def test_opening_balances_are_created_updated_and_counted(api: Api, world: World) -> None:
    text = BALANCE_HEAD + f"{_n(world)},annual,2026,12,3,4\n{_n(world, 'sh_rep2')},年假,2026,,2,\n"
    job = await _run(api, world, "LEAVE_BALANCES", text)
    assert _counts(job) == ("DONE", 2, 0, 0), job["errors"]
    # Entitled 12 + 3 carried over; 4 taken before the switch.
    assert await _balance(world, "sh_rep", 2026, LeaveType.ANNUAL) == (15, 4)
    # No entitlement given: the statutory days (5 after six years worked) + 2 carried over.
    assert await _balance(world, "sh_rep2", 2026, LeaveType.ANNUAL) == (7, 0)
    again = await _run(api, world, "LEAVE_BALANCES", text)
    assert _counts(again) == ("DONE", 0, 0, 2)
    changed = await _run(api, world, "LEAVE_BALANCES", text.replace(",3,4\n", ",3,5\n"))
    assert _counts(changed) == ("DONE", 0, 1, 1)
    assert await _balance(world, "sh_rep", 2026, LeaveType.ANNUAL) == (15, 5)


async def test_a_bad_balance_row_names_its_value_and_the_choices(api: Api, world: World) -> None:
    text = BALANCE_HEAD + f"{_n(world)},holiday,2026,1.5,,\n"
    job = await _run(api, world, "LEAVE_BALANCES", text)
    assert _errors(job) == [(2, "entitled", "INVALID"), (2, "leave_type", "INVALID")]
    bad_type = next(e for e in job["errors"] if e["column"] == "leave_type")
    assert bad_type["value"] == "holiday"
    assert "annual" in bad_type["choices"] and "sick" in bad_type["choices"]
    assert next(e for e in job["errors"] if e["column"] == "entitled")["value"] == "1.5"
    assert await LeaveOpeningBalance.all().count() == 0


async def test_balance_modes_scope_and_self_dealing(api: Api, world: World) -> None:
    first = BALANCE_HEAD + f"{_n(world)},annual,2026,10,0,1\n"
    await _run(api, world, "LEAVE_BALANCES", first)
    both = first.replace(",0,1\n", ",0,2\n") + f"{_n(world, 'sh_rep2')},sick,2026,,,3\n"
    insert = await _run(api, world, "LEAVE_BALANCES", both, mode="INSERT")
    assert (insert["status"], _errors(insert)) == ("INVALID", [(2, "employee_number", "DUPLICATE")])
    update = await _run(api, world, "LEAVE_BALANCES", both, mode="UPDATE")
    assert _errors(update) == [(3, "employee_number", "NOT_FOUND")]
    # Shanghai's HR: a Beijing person is no one; its own record is not its to set.
    scoped = BALANCE_HEAD + f"{_n(world, 'bj_rep')},annual,2026,9,,\n"
    outside = await _run(api, world, "LEAVE_BALANCES", scoped, viewer="branch_hr")
    assert _errors(outside) == [(2, "employee_number", "NOT_FOUND")]
    own = BALANCE_HEAD + f"{_n(world, 'sh_hr_person')},annual,2026,20,,\n"
    refused = await _run(api, world, "LEAVE_BALANCES", own, viewer="branch_hr")
    assert _errors(refused) == [(2, "employee_number", "SELF_DEALING")]
    assert await LeaveOpeningBalance.all().count() == 1
    opening = await LeaveOpeningBalance.get()
    assert (opening.entitled, opening.taken) == (10, 1)  # the refused files wrote nothing


@pytest.mark.parametrize("viewer", ["manager", "employee", "executive"])
async def test_only_hr_imports_time_and_leave(api: Api, world: World, viewer: str) -> None:
    for kind, head in [
        ("LEAVE_BALANCES", BALANCE_HEAD),
        ("ATTENDANCE_PUNCHES", PUNCH_HEAD),
        ("LEAVE_REQUESTS", LEAVE_HEAD),
    ]:
        content = base64.b64encode(head.encode()).decode()
        data = await api.data(
            IMPORT,
            {"input": {"fileName": "f.csv", "contentBase64": content, "kind": kind}},
            as_=world.users[viewer],
        )
        assert [e["code"] for e in data["importData"]["errors"]] == ["FORBIDDEN"]


async def test_balances_are_audited_undone_and_exported_unchanged(api: Api, world: World) -> None:
    text = BALANCE_HEAD + f"{_n(world)},annual,2025,10,1,2\n"
    created = await _run(api, world, "LEAVE_BALANCES", text)
    updated = await _run(api, world, "LEAVE_BALANCES", text.replace(",1,2\n", ",1,6\n"))
    opening = await LeaveOpeningBalance.get()
    entries = await AuditEntry.filter(
        subject_type="LeaveOpeningBalance", subject_id=opening.id
    ).order_by("id")
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert (entries[1].field, entries[1].before, entries[1].after) == (
        "taken",
        {"taken": 2},
        {"taken": 6},
    )
    assert entries[1].employee_id == world.people["sh_rep"].id

    exported = await _export(world, ImportKind.LEAVE_BALANCES)
    assert exported.splitlines()[1] == f"{_n(world)},annual,2025,10,1,6"
    assert _counts(await _run(api, world, "LEAVE_BALANCES", exported)) == ("DONE", 0, 0, 1)

    assert (await _undo(api, world, updated))["errors"] == []
    assert (await LeaveOpeningBalance.get()).taken == 2
    assert (await _undo(api, world, created))["errors"] == []
    assert await LeaveOpeningBalance.all().count() == 0


# --- punches -------------------------------------------------------------------------------------


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA).astimezone(UTC)


async def test_punches_are_created_updated_and_left_as_they_are(api: Api, world: World) -> None:
    rep, rep2 = _n(world), _n(world, "sh_rep2")
    text = (
        PUNCH_HEAD
        + f"{rep},2026-11-02 08:57:00,GATE-1\n{rep},2026-11-02 18:05,GATE-1\n"
        + f"{rep},2026-11-02 18:05:30,GATE-1\n"  # the same press, half a minute later
        + f"{rep2},2026/11/02 09:01:00,\n"
    )
    job = await _run(api, world, "ATTENDANCE_PUNCHES", text)
    assert _counts(job) == ("DONE", 3, 0, 1)
    stored = await Punch.filter(employee_id=world.people["sh_rep"].id).order_by("punched_at")
    assert [(p.punched_at, p.source, p.device_id) for p in stored] == [
        (_utc("2026-11-02T08:57:00"), PunchSource.DEVICE, "GATE-1"),
        (_utc("2026-11-02T18:05:00"), PunchSource.DEVICE, "GATE-1"),
    ]
    again = await _run(api, world, "ATTENDANCE_PUNCHES", text)
    assert _counts(again) == ("DONE", 0, 0, 4)
    moved = await _run(
        api, world, "ATTENDANCE_PUNCHES", text.replace("08:57:00,GATE-1", "08:57:00,GATE-2")
    )
    assert _counts(moved) == ("DONE", 0, 1, 3)
    assert (await Punch.get(punched_at=_utc("2026-11-02T08:57:00"))).device_id == "GATE-2"


async def test_a_punch_from_clocking_in_is_not_changed_by_a_file(api: Api, world: World) -> None:
    await Punch.create(
        employee=world.people["sh_rep"],
        punched_at=_utc("2026-11-03T09:00:00"),
        source=PunchSource.WEB,
    )
    same = PUNCH_HEAD + f"{_n(world)},2026-11-03 09:00:00,\n"
    assert _counts(await _run(api, world, "ATTENDANCE_PUNCHES", same)) == ("DONE", 0, 0, 1)
    other = PUNCH_HEAD + f"{_n(world)},2026-11-03 09:00:00,GATE-1\n"
    refused = await _run(api, world, "ATTENDANCE_PUNCHES", other)
    assert _errors(refused) == [(2, "device_id", "CONFLICT")]


async def test_bad_punch_rows_are_reported_as_the_punch_file_reports_them(
    api: Api, world: World
) -> None:
    future = (datetime.now(CHINA) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    text = (
        PUNCH_HEAD
        + f"{_n(world)},yesterday,\n"
        + f"{_n(world)},{future},\n"
        + "NOBODY,2026-11-02 09:00,\n"
        + f"{_n(world, 'bj_rep')},2026-11-02 09:00,\n"
        + f"{_n(world, 'sh_hr_person')},2026-11-02 09:00,\n"
    )
    job = await _run(api, world, "ATTENDANCE_PUNCHES", text, viewer="branch_hr")
    assert _errors(job) == [
        (2, "punched_at", "INVALID"),
        (3, "punched_at", "INVALID"),
        (4, "employee_number", "NOT_FOUND"),
        (5, "employee_number", "NOT_FOUND"),
        (6, "employee_number", "SELF_DEALING"),
    ]
    assert job["errors"][0]["value"] == "yesterday"
    assert job["errors"][2]["value"] == "NOBODY"
    assert await Punch.all().count() == 0


async def test_punch_modes_and_a_closed_month(api: Api, world: World) -> None:
    first = PUNCH_HEAD + f"{_n(world)},2026-10-02 09:00:00,A\n"
    await _run(api, world, "ATTENDANCE_PUNCHES", first)
    both = first.replace(",A\n", ",B\n") + f"{_n(world)},2026-10-02 18:00:00,A\n"
    insert = await _run(api, world, "ATTENDANCE_PUNCHES", both, mode="INSERT")
    assert _errors(insert) == [(2, "device_id", "DUPLICATE")]
    update = await _run(api, world, "ATTENDANCE_PUNCHES", both, mode="UPDATE")
    assert _errors(update) == [(3, "punched_at", "NOT_FOUND")]
    await _lock_month(world, "sh_rep", date(2026, 10, 1))
    locked = await _run(api, world, "ATTENDANCE_PUNCHES", both)
    assert _errors(locked) == [(2, "punched_at", "LOCKED"), (3, "punched_at", "LOCKED")]
    assert await Punch.all().count() == 1


async def test_punches_are_audited_undone_and_exported_unchanged(api: Api, world: World) -> None:
    text = PUNCH_HEAD + f"{_n(world)},2026-09-01 08:55:00,GATE-1\n"
    created = await _run(api, world, "ATTENDANCE_PUNCHES", text)
    updated = await _run(api, world, "ATTENDANCE_PUNCHES", text.replace("GATE-1", "GATE-9"))
    punch = await Punch.get()
    entries = await AuditEntry.filter(subject_type="Punch", subject_id=punch.id).order_by("id")
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert (entries[1].before, entries[1].after) == ({"deviceId": "GATE-1"}, {"deviceId": "GATE-9"})
    # A punch from the web is exported too, and comes back unchanged.
    await Punch.create(
        employee=world.people["sh_rep2"], punched_at=_utc("2026-09-01T09:10:00"), source="web"
    )
    exported = await _export(world, ImportKind.ATTENDANCE_PUNCHES)
    assert exported.splitlines()[1:] == [
        f"{_n(world)},2026-09-01 08:55:00,GATE-9",
        f"{_n(world, 'sh_rep2')},2026-09-01 09:10:00,",
    ]
    assert _counts(await _run(api, world, "ATTENDANCE_PUNCHES", exported)) == ("DONE", 0, 0, 2)
    assert (await _undo(api, world, updated))["errors"] == []
    assert (await Punch.get(id=punch.id)).device_id == "GATE-1"
    assert (await _undo(api, world, created))["errors"] == []
    assert not await Punch.filter(id=punch.id).exists()


async def test_the_punch_export_gives_every_punch_past_a_batch(world: World) -> None:
    """More punches per person than a batch (500): the export's keyset gives each once, in order
    (it once gave 1,000 of 2,600 — Tortoise's exclude(a=, b=) negates each term)."""
    start = datetime(2025, 11, 1, tzinfo=UTC)
    await Punch.bulk_create(
        [
            Punch(
                employee=world.people[p], punched_at=start + timedelta(hours=3 * i), source="device"
            )
            for p in ("sh_rep", "sh_rep2")
            for i in range(1300)
        ]
    )
    rows = (await _export(world, ImportKind.ATTENDANCE_PUNCHES)).splitlines()[1:]
    assert len(rows) == len(set(rows)) == 2600
    for person in ("sh_rep", "sh_rep2"):
        times = [r.split(",")[1] for r in rows if r.startswith(_n(world, person) + ",")]
        assert len(times) == 1300 and times == sorted(times)
        assert (times[0], times[-1]) == ("2025-11-01 08:00:00", "2026-04-12 17:00:00")


# --- leave taken ----------------------------------------------------------------------------------


async def test_leave_taken_is_written_approved_and_counted(api: Api, world: World) -> None:
    text = (
        LEAVE_HEAD
        + f"{_n(world)},annual,2026-03-02,2026-03-04,3,家事\n"
        + f"{_n(world)},病假,2026-04-07,2026-04-07,1,\n"
    )
    job = await _run(api, world, "LEAVE_REQUESTS", text)
    assert _counts(job) == ("DONE", 2, 0, 0)
    annual = await LeaveRequest.get(leave_type=LeaveType.ANNUAL)
    assert (annual.status, annual.days, annual.reason) == (LeaveStatus.APPROVED, 3, "家事")
    assert annual.decided_by_id == world.users["hq_hr"].id
    # Counted as the app counts approved leave: 5 days a year after six years, 3 used.
    assert await _balance(world, "sh_rep", 2026, LeaveType.ANNUAL) == (5, 3)
    assert await _balance(world, "sh_rep", 2026, LeaveType.SICK) == (None, 1)
    assert _counts(await _run(api, world, "LEAVE_REQUESTS", text)) == ("DONE", 0, 0, 2)
    longer = text.replace("2026-03-04,3,", "2026-03-05,4,")
    assert _counts(await _run(api, world, "LEAVE_REQUESTS", longer)) == ("DONE", 0, 1, 1)
    assert await _balance(world, "sh_rep", 2026, LeaveType.ANNUAL) == (5, 4)


async def test_leave_rows_are_checked_as_a_request_is(api: Api, world: World) -> None:
    await LeaveRequest.create(
        employee=world.people["sh_rep2"],
        leave_type=LeaveType.PERSONAL,
        start_date=date(2026, 5, 11),
        end_date=date(2026, 5, 12),
        days=2,
        status=LeaveStatus.PENDING,
    )
    await _lock_month(world, "sh_rep", date(2026, 1, 1))
    rep, rep2 = _n(world), _n(world, "sh_rep2")
    text = (
        LEAVE_HEAD
        + f"{rep},annual,2026-03-02,2026-03-01,1,\n"  # ends before it starts
        + f"{rep},annual,2026-12-30,2027-01-02,2,\n"  # two years
        + f"{rep},annual,2026-03-02,2026-03-03,3,\n"  # more days than the dates hold
        + f"{rep},annual,2026-06-01,2026-06-10,6,\n"  # 5 days a year
        + f"{rep},sick,2026-01-20,2026-01-21,2,\n"  # a closed month
        + f"{rep2},personal,2026-05-11,2026-05-12,2,\n"  # waiting for approval
        + f"{rep2},sick,2026-05-12,2026-05-13,2,\n"  # overlaps it
        + f"{rep2},sick,2026-07-01,2026-07-02,2,\n"
        + f"{rep2},marriage,2026-07-02,2026-07-03,2,\n"  # overlaps the row above
    )
    job = await _run(api, world, "LEAVE_REQUESTS", text)
    assert _errors(job) == [
        (2, "end_date", "INVALID"),
        (3, "end_date", "INVALID"),
        (4, "days", "INVALID"),
        (5, "days", "INVALID"),
        (6, "start_date", "LOCKED"),
        (7, "start_date", "CONFLICT"),
        (8, "start_date", "CONFLICT"),
        (10, "start_date", "CONFLICT"),
    ]
    assert next(e for e in job["errors"] if e["row"] == 4)["value"] == "3"
    assert await LeaveRequest.filter(status=LeaveStatus.APPROVED).count() == 0


async def test_leave_modes_scope_and_self_dealing(api: Api, world: World) -> None:
    first = LEAVE_HEAD + f"{_n(world)},sick,2026-02-02,2026-02-02,1,\n"
    await _run(api, world, "LEAVE_REQUESTS", first)
    both = first.replace(",1,\n", ",1,发烧\n") + f"{_n(world)},sick,2026-02-09,2026-02-09,1,\n"
    insert = await _run(api, world, "LEAVE_REQUESTS", both, mode="INSERT")
    assert _errors(insert) == [(2, "employee_number", "DUPLICATE")]
    update = await _run(api, world, "LEAVE_REQUESTS", both, mode="UPDATE")
    assert _errors(update) == [(3, "employee_number", "NOT_FOUND")]
    outside = LEAVE_HEAD + f"{_n(world, 'bj_rep')},sick,2026-02-02,2026-02-02,1,\n"
    scoped = await _run(api, world, "LEAVE_REQUESTS", outside, viewer="branch_hr")
    assert _errors(scoped) == [(2, "employee_number", "NOT_FOUND")]
    own = LEAVE_HEAD + f"{_n(world, 'hq_hr_person')},annual,2026-02-02,2026-02-02,1,\n"
    refused = await _run(api, world, "LEAVE_REQUESTS", own)
    assert _errors(refused) == [(2, "employee_number", "SELF_DEALING")]
    assert await LeaveRequest.all().count() == 1


async def test_leave_is_audited_undone_and_exported_unchanged(api: Api, world: World) -> None:
    text = LEAVE_HEAD + f"{_n(world)},personal,2026-08-03,2026-08-04,2,搬家\n"
    created = await _run(api, world, "LEAVE_REQUESTS", text)
    updated = await _run(api, world, "LEAVE_REQUESTS", text.replace("搬家", "搬家（两天）"))
    request = await LeaveRequest.get()
    entries = await AuditEntry.filter(subject_type="LeaveRequest", subject_id=request.id).order_by(
        "id"
    )
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert (entries[1].before, entries[1].after) == ({"reason": "搬家"}, {"reason": "搬家（两天）"})
    exported = await _export(world, ImportKind.LEAVE_REQUESTS)
    assert exported.splitlines()[1] == f"{_n(world)},personal,2026-08-03,2026-08-04,2,搬家（两天）"
    assert _counts(await _run(api, world, "LEAVE_REQUESTS", exported)) == ("DONE", 0, 0, 1)
    assert (await _undo(api, world, updated))["errors"] == []
    assert (await LeaveRequest.get()).reason == "搬家"
    assert (await _undo(api, world, created))["errors"] == []
    assert await LeaveRequest.all().count() == 0


# --- every kind ------------------------------------------------------------------------------------


def _rows(kind: str, world: World, count: int) -> str:
    people = ["sh_rep", "sh_rep2", "sh_worker", "sh_sales_head"]
    lines = []
    for i in range(count):
        number = _n(world, people[i % len(people)])
        step = i // len(people)
        if kind == "LEAVE_BALANCES":
            lines.append(f"{number},{list(LeaveType)[step].value},2026,,,{i}")
        elif kind == "ATTENDANCE_PUNCHES":
            lines.append(f"{number},2026-11-{step + 2:02d} 09:00:00,G")
        else:
            lines.append(f"{number},sick,2026-11-{step * 2 + 2:02d},2026-11-{step * 2 + 2:02d},1,")
    head = {
        "LEAVE_BALANCES": BALANCE_HEAD,
        "ATTENDANCE_PUNCHES": PUNCH_HEAD,
        "LEAVE_REQUESTS": LEAVE_HEAD,
    }[kind]
    return head + "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["LEAVE_BALANCES", "ATTENDANCE_PUNCHES", "LEAVE_REQUESTS"])
async def test_statements_do_not_grow_with_the_rows(api: Api, world: World, kind: str) -> None:
    counted = []
    for count in (4, 4, 12):  # the first run warms the caches
        await ImportJob.all().delete()
        with StatementCounter() as statements:
            job = await _run(api, world, kind, _rows(kind, world, count), dryRun=True)
        assert _counts(job) == ("VALID", count, 0, 0), job
        counted.append(statements.count)
    assert counted[1] == counted[2]


async def test_each_kind_offers_its_template_choices(world: World) -> None:
    viewer = await load_viewer(world.users["hq_hr"].id)
    for kind in (ImportKind.LEAVE_BALANCES, ImportKind.LEAVE_REQUESTS):
        spec = kinds.spec(kind)
        assert spec.choices is not None
        assert (await spec.choices(viewer))["leave_type"] == [t.value for t in LeaveType]
