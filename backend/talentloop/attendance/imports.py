"""The time and leave kinds of the history import (issue 22): their look-ups before the rows
are checked (attendance/import_rows.py), their writing in the import's transaction, in
batches of 500 with no query per row, and their export (the viewer's records as rows that,
imported again, change nothing) — imports/kinds.py says how a kind is built.

* `leave_balances`: the opening adjustment of each person's leave per type and year
  (`LeaveOpeningBalance`, attendance/openings.py), keyed (employee, leave type, year);
* `attendance_punches`: punches as the punch file brings them (attendance/service.py
  `import_punches`, which stays for the punch screen), keyed (employee, punched at): a repeat
  within a minute of a stored punch or of the file's is the same punch and left as it is;
* `leave_requests`: approved leave already taken in the old system, written approved with no
  approval flow (the importer is its decider), keyed (employee, leave type, first day).

Who imports: HR (`may_import`); each row must be about a person the viewer manages (else
"not found"), never about themself. A month whose payroll is approved is closed to punches
and leave (attendance/corrections.py). Exports leave out the viewer's own records: a row
about oneself cannot be imported back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import Q

from talentloop.access.policy import Viewer
from talentloop.attendance import annual_leave, import_rows, openings
from talentloop.attendance.import_rows import REPEAT_WINDOW, LeaveLookups, People
from talentloop.attendance.models import (
    AttendanceProfile,
    LeaveOpeningBalance,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    Punch,
    PunchSource,
)
from talentloop.attendance.results import CHINA
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.rows import FileRows
from talentloop.imports.writing import WriteContext, snapshot
from talentloop.payroll import inputs
from talentloop.people.models import Employee
from talentloop.people.service import visible_employees
from talentloop.performance.imports import _manageable_employees

BATCH = 500
CLOCKED_IN = N_("This punch came from clocking in; a file does not change it.")


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


async def _locked_months(employee_ids: set[int]) -> dict[int, set[date]]:
    """The months whose payroll is approved, per person (their attendance is closed)."""
    from talentloop.payroll.models import LOCKED_STATUSES, Payslip

    found: dict[int, set[date]] = defaultdict(set)
    for chunk in _chunks(sorted(employee_ids)):
        for employee_id, month in await Payslip.filter(
            employee_id__in=chunk, run__status__in=list(LOCKED_STATUSES)
        ).values_list("employee_id", "month"):
            found[employee_id].add(month)
    return dict(found)


async def people_lookups(viewer: Viewer, file: FileRows) -> People:
    mine = await _manageable_employees(viewer, file.values("employee_number") - {""})
    return People(mine=mine, locked=await _locked_months(set(mine.values())))


async def balance_lookups(viewer: Viewer, file: FileRows) -> People:
    mine = await _manageable_employees(viewer, file.values("employee_number") - {""})
    return People(mine=mine)


async def _managed_numbers(viewer: Viewer) -> AsyncIterator[list[tuple[int, str]]]:
    """The people the viewer manages (not themself) as (id, number), 500 at a time in number
    order: what an export may give back."""
    after = ""
    while True:
        rows = (
            await visible_employees(viewer)
            .filter(employee_number__gt=after)
            .order_by("employee_number")
            .limit(BATCH)
            .values_list("id", "employee_number", "unit__path")
        )
        if not rows:
            return
        after = rows[-1][1]
        yield [
            (pk, number)
            for pk, number, path in rows
            if viewer.can_manage_employees_in(path) and not viewer.is_self(pk)
        ]


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


# --- opening balances ---------------------------------------------------------------------------


def _opening_key(o: LeaveOpeningBalance) -> tuple[int, str, int]:
    return (o.employee_id, LeaveType(o.leave_type).value, o.year)


async def write_balances(ctx: WriteContext) -> None:
    for chunk in _chunks(list(ctx.items)):
        wanted = set(chunk)
        existing = {
            _opening_key(o): o
            for o in await LeaveOpeningBalance.filter(
                employee_id__in=sorted({k[0] for k in chunk}),
                year__in=sorted({k[2] for k in chunk}),
            )
            if _opening_key(o) in wanted
        }
        new: list[LeaveOpeningBalance] = []
        changed: list[tuple[LeaveOpeningBalance, dict[str, Any]]] = []
        for key in chunk:
            row, (entitled, carried, taken) = ctx.items[key]
            opening = existing.get(key)
            if opening is None:
                if ctx.may_create(row, "employee_number"):
                    new.append(
                        LeaveOpeningBalance(
                            employee_id=key[0],
                            leave_type=LeaveType(key[1]),
                            year=key[2],
                            entitled=entitled,
                            carried_over=carried,
                            taken=taken,
                        )
                    )
            elif (opening.entitled, opening.carried_over, opening.taken) != (
                entitled,
                carried,
                taken,
            ):
                if ctx.may_update(row, "employee_number"):
                    changed.append((opening, snapshot(opening)))
                    opening.entitled, opening.carried_over, opening.taken = entitled, carried, taken
            else:
                ctx.unchanged()
        if new:
            await LeaveOpeningBalance.bulk_create(new)
            made = {
                _opening_key(o): o
                for o in await LeaveOpeningBalance.filter(
                    employee_id__in=sorted({o.employee_id for o in new}),
                    year__in=sorted({o.year for o in new}),
                )
            }
            for opening in new:
                stored = made[_opening_key(opening)]
                await ctx.created(stored, employee_id=stored.employee_id)
        if changed:
            await LeaveOpeningBalance.bulk_update(
                [o for o, _ in changed], fields=["entitled", "carried_over", "taken"]
            )
            for opening, before in changed:
                await ctx.updated(opening, before, employee_id=opening.employee_id)
        ctx.progress()


async def export_balances(viewer: Viewer) -> AsyncIterator[list[str]]:
    async for people in _managed_numbers(viewer):
        numbers = dict(people)
        for o in await LeaveOpeningBalance.filter(employee_id__in=sorted(numbers)).order_by(
            "employee_id", "year", "leave_type"
        ):
            yield [
                numbers[o.employee_id],
                LeaveType(o.leave_type).value,
                str(o.year),
                _text(o.entitled),
                str(o.carried_over),
                str(o.taken),
            ]


async def leave_type_choices(viewer: Viewer) -> dict[str, list[str]]:
    return {"leave_type": list(import_rows.LEAVE_TYPES)}


# --- punches ------------------------------------------------------------------------------------


async def write_punches(ctx: WriteContext) -> None:
    keys = sorted((k for k in ctx.items if len(k) == 2), key=lambda k: (k[0], k[1]))
    ctx.unchanged(len(ctx.items) - len(keys))  # repeats within the file
    months: dict[date, set[int]] = defaultdict(set)
    for chunk in _chunks(keys):
        people = sorted({k[0] for k in chunk})
        lo = min(k[1] for k in chunk) - REPEAT_WINDOW
        hi = max(k[1] for k in chunk) + REPEAT_WINDOW
        stored: dict[int, list[Punch]] = defaultdict(list)
        for p in await Punch.filter(
            employee_id__in=people, punched_at__gte=lo, punched_at__lte=hi
        ).order_by("employee_id", "punched_at"):
            stored[p.employee_id].append(p)
        new: list[Punch] = []
        changed: list[tuple[Punch, dict[str, Any]]] = []
        for employee_id, moment in chunk:
            row, device = ctx.items[(employee_id, moment)]
            same = [p for p in stored[employee_id] if p.punched_at == moment]
            if same:
                punch = same[0]
                if punch.device_id == device:
                    ctx.unchanged()
                elif PunchSource(punch.source) is not PunchSource.DEVICE:
                    ctx.problems.error(
                        row, "device_id", CLOCKED_IN, ErrorCode.CONFLICT, value=device or ""
                    )
                elif ctx.may_update(row, "device_id"):
                    changed.append((punch, snapshot(punch)))
                    punch.device_id = device
                continue
            if any(abs(p.punched_at - moment) < REPEAT_WINDOW for p in stored[employee_id]):
                ctx.unchanged()  # the same press, stored already
                continue
            if ctx.may_create(row, "punched_at"):
                punch = Punch(
                    employee_id=employee_id,
                    punched_at=moment,
                    source=PunchSource.DEVICE,
                    device_id=device,
                    recorded_by_id=ctx.viewer.user_id,
                )
                new.append(punch)
                stored[employee_id].append(punch)
        if new:
            await Punch.bulk_create(new)
            made = {
                (p.employee_id, p.punched_at): p
                for p in await Punch.filter(
                    employee_id__in=sorted({p.employee_id for p in new}),
                    punched_at__gte=min(p.punched_at for p in new),
                    punched_at__lte=max(p.punched_at for p in new),
                )
            }
            for punch in new:
                saved = made[(punch.employee_id, punch.punched_at)]
                await ctx.created(saved, employee_id=saved.employee_id)
                months[punch.punched_at.astimezone(CHINA).date().replace(day=1)].add(
                    punch.employee_id
                )
        if changed:
            await Punch.bulk_update([p for p, _ in changed], fields=["device_id"])
            for punch, before in changed:
                await ctx.updated(punch, before, employee_id=punch.employee_id)
        ctx.progress()
    if months:
        await inputs.punches_imported(months)


def punch_time(moment: datetime) -> str:
    """A punch as the file gives it: China time to the second."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


async def export_punches(viewer: Viewer) -> AsyncIterator[list[str]]:
    async for people in _managed_numbers(viewer):
        numbers = dict(people)
        last = (0, datetime(1900, 1, 1, tzinfo=UTC))
        while numbers:
            # Keyset over (employee, time): a person's years of punches never sit in memory.
            found = (
                await Punch.filter(employee_id__in=sorted(numbers))
                # Spelled out: Tortoise 1.1's exclude(a=…, b=…) writes NOT a AND NOT b.
                .filter(Q(employee_id__gt=last[0]) | Q(employee_id=last[0], punched_at__gt=last[1]))
                .order_by("employee_id", "punched_at")
                .limit(BATCH)
                .values_list("employee_id", "punched_at", "device_id")
            )
            if not found:
                break
            for employee_id, moment, device in found:
                yield [numbers[employee_id], punch_time(moment), device or ""]
            last = (found[-1][0], found[-1][1])


async def no_choices(viewer: Viewer) -> dict[str, list[str]]:
    return {}


# --- leave taken -------------------------------------------------------------------------------


async def leave_lookups(viewer: Viewer, file: FileRows) -> LeaveLookups:
    people = await people_lookups(viewer, file)
    ids = sorted(set(people.mine.values()))
    years = {d.year for d in map(import_rows.parse_date, file.values("start_date")) if d}
    approved: dict[tuple[int, str, date], tuple[date, int]] = {}
    pending: set[tuple[int, str, date]] = set()
    taken: dict[int, list[tuple[date, date, tuple[int, str, date]]]] = defaultdict(list)
    used: dict[tuple[int, int], int] = defaultdict(int)
    for chunk in _chunks(ids):
        for employee_id, kind, start, end, days, status in await LeaveRequest.filter(
            employee_id__in=chunk, status__in=(LeaveStatus.APPROVED, LeaveStatus.PENDING)
        ).values_list("employee_id", "leave_type", "start_date", "end_date", "days", "status"):
            key = (employee_id, LeaveType(kind).value, start)
            taken[employee_id].append((start, end, key))
            if LeaveStatus(status) is LeaveStatus.APPROVED:
                approved[key] = (end, days)
            else:
                pending.add(key)
            if LeaveType(kind) is LeaveType.ANNUAL and start.year in years:
                used[(employee_id, start.year)] += days
    return LeaveLookups(
        people=people,
        approved=approved,
        pending=pending,
        taken=dict(taken),
        annual_left=await _annual_left(ids, years, used),
    )


async def _annual_left(
    ids: list[int], years: set[int], used: dict[tuple[int, int], int]
) -> dict[tuple[int, int], int]:
    """Annual leave left per (person, year), as `leave_balances` counts it (openings too)."""
    if not ids or not years:
        return {}
    left: dict[tuple[int, int], int] = {}
    for chunk in _chunks(ids):
        facts = await Employee.filter(id__in=chunk).values_list(
            "id", "hire_date", "termination_date"
        )
        starts = dict(
            await AttendanceProfile.filter(employee_id__in=chunk).values_list(
                "employee_id", "work_start_date"
            )
        )
        opened = await openings.openings_of(chunk, years)
        for pk, hired, ended in facts:
            for year in years:
                entitled = annual_leave.annual_entitlement(
                    year,
                    work_start=starts.get(pk) or hired,
                    hire_date=hired,
                    termination_date=ended,
                )
                total, spent = openings.adjusted(
                    entitled, used.get((pk, year), 0), opened.get((pk, LeaveType.ANNUAL, year))
                )
                left[(pk, year)] = (total or 0) - spent
    return left


def _leave_key(r: LeaveRequest) -> tuple[int, str, date]:
    return (r.employee_id, LeaveType(r.leave_type).value, r.start_date)


async def write_leave(ctx: WriteContext) -> None:
    now = datetime.now(UTC)
    months: dict[date, set[int]] = defaultdict(set)
    for chunk in _chunks(list(ctx.items)):
        wanted = set(chunk)
        existing = {
            _leave_key(r): r
            for r in await LeaveRequest.filter(
                employee_id__in=sorted({k[0] for k in chunk}),
                start_date__in=sorted({k[2] for k in chunk}),
                status=LeaveStatus.APPROVED,
            )
            if _leave_key(r) in wanted
        }
        new: list[LeaveRequest] = []
        changed: list[tuple[LeaveRequest, dict[str, Any]]] = []
        for key in chunk:
            row, (end, days, reason) = ctx.items[key]
            request = existing.get(key)
            if request is None:
                if ctx.may_create(row, "employee_number"):
                    new.append(
                        LeaveRequest(
                            employee_id=key[0],
                            leave_type=LeaveType(key[1]),
                            start_date=key[2],
                            end_date=end,
                            days=days,
                            reason=reason,
                            status=LeaveStatus.APPROVED,
                            requested_by_id=ctx.viewer.user_id,
                            decided_by_id=ctx.viewer.user_id,
                            decided_at=now,
                        )
                    )
            elif (request.end_date, request.days, request.reason) != (end, days, reason):
                if ctx.may_update(row, "employee_number"):
                    changed.append((request, snapshot(request)))
                    request.end_date, request.days, request.reason = end, days, reason
            else:
                ctx.unchanged()
        if new:
            await LeaveRequest.bulk_create(new)
            made = {
                _leave_key(r): r
                for r in await LeaveRequest.filter(
                    employee_id__in=sorted({r.employee_id for r in new}),
                    start_date__in=sorted({r.start_date for r in new}),
                    status=LeaveStatus.APPROVED,
                )
            }
            for request in new:
                saved = made[_leave_key(request)]
                await ctx.created(saved, employee_id=saved.employee_id)
        if changed:
            await LeaveRequest.bulk_update(
                [r for r, _ in changed], fields=["end_date", "days", "reason"]
            )
            for request, before in changed:
                await ctx.updated(request, before, employee_id=request.employee_id)
        for request in [*new, *(r for r, _ in changed)]:
            months[request.start_date.replace(day=1)].add(request.employee_id)
        ctx.progress()
    if months:
        await inputs.leave_imported(months)


async def export_leave(viewer: Viewer) -> AsyncIterator[list[str]]:
    async for people in _managed_numbers(viewer):
        numbers = dict(people)
        for r in await LeaveRequest.filter(
            employee_id__in=sorted(numbers), status=LeaveStatus.APPROVED
        ).order_by("employee_id", "start_date", "id"):
            yield [
                numbers[r.employee_id],
                LeaveType(r.leave_type).value,
                r.start_date.isoformat(),
                r.end_date.isoformat(),
                str(r.days),
                r.reason,
            ]
