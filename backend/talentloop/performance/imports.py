"""The performance kinds of the history import (the brochure's 历史数据迁移): employees,
KPI records and targets — their look-ups before the rows are checked and their writing after
(imports/kinds.py; the job itself is imports/service.py, the row checks import_rows.py)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from tortoise.expressions import F, Q
from tortoise.models import Model

from talentloop.access.policy import Viewer
from talentloop.imports.parse import fold, spellings
from talentloop.imports.rows import FileRows
from talentloop.imports.writing import WriteContext, snapshot
from talentloop.org.models import OrgUnit
from talentloop.payroll import inputs as payroll_inputs
from talentloop.people import sensitive
from talentloop.people.models import Employee, EmployeeStatus, Position
from talentloop.people.service import visible_employees
from talentloop.performance import closed, import_rows
from talentloop.performance.models import (
    Kpi,
    KpiTarget,
    PerformanceRecord,
    PeriodClose,
)
from talentloop.records.models import EmploymentEvent, EventKind

log = logging.getLogger(__name__)
BATCH = 500
Checked = import_rows.Checked


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


# A unit's or a position's codes are offered as the valid choices when there are this few.
MAX_CHOICES = 30


async def _manageable_employees(viewer: Viewer, numbers: set[str]) -> dict[str, int]:
    """The id of each of these employees the viewer manages, by number (folded, and as stored):
    read as plain values
    (a file of 10,000 people as models would be tens of MB)."""
    found: dict[str, int] = {}
    for chunk in _chunks(spellings(numbers)):
        for number, pk, path in (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", "id", "unit__path")
        ):
            if viewer.can_manage_employees_in(path):
                # By the folded number (e1001 finds E1001), and as stored for the kinds
                # that match numbers exactly.
                found[fold(number)] = found[number] = pk
    return found


# --- KPI records ------------------------------------------------------------------------------


async def record_lookups(viewer: Viewer, file: FileRows) -> import_rows.RecordLookups:
    employees = await _manageable_employees(viewer, file.values("employee_number"))
    return import_rows.RecordLookups(
        kpis=await _kpis(),
        employees=employees,
        closed=await _closed_months(set(employees.values())),
    )


async def _closed_months(employee_ids: set[int]) -> dict[int, set[date]]:
    """The closed months of each of these people, by where they work now (performance/closed.py):
    nothing to read when no month is closed."""
    if not employee_ids or not await PeriodClose.filter(reopened_at__isnull=True).exists():
        return {}
    paths: dict[int, str] = {}
    for chunk in _chunks(sorted(employee_ids)):
        paths.update(await Employee.filter(id__in=chunk).values_list("id", "unit__path"))
    by_path = await closed.closed_months_by_path(set(paths.values()))
    return {pk: by_path[path] for pk, path in paths.items() if path in by_path}


async def _kpis() -> dict[str, import_rows.KpiFacts]:
    return {fold(k.code): import_rows.KpiFacts.of(k) for k in await Kpi.all()}


async def _unit_codes(viewer: Viewer, may: Any) -> list[str]:
    """The codes of the units the viewer may import into (`may(path)`), when at most 30."""
    from talentloop.org import service as org_service

    codes = sorted(u.code for u in await org_service.visible_units(viewer) if may(u.path))
    return codes if len(codes) <= MAX_CHOICES else []


async def write_records(ctx: WriteContext) -> None:
    for chunk in _chunks(list(ctx.items)):
        existing = await _records_of(chunk)
        new: list[PerformanceRecord] = []
        changed: list[tuple[PerformanceRecord, dict[str, Any]]] = []
        for key in chunk:
            row, value = ctx.items[key][:2]
            record = existing.get(key)
            if record is None:
                if ctx.may_create(row, "employee_number"):
                    new.append(
                        PerformanceRecord(
                            employee_id=key[0],
                            kpi_id=key[1],
                            period=key[2],
                            dimension=key[3],
                            value=value,
                            source="import",
                        )
                    )
            elif record.value != value:
                if ctx.may_update(row, "value"):
                    changed.append((record, snapshot(record)))
                    record.value, record.source = value, "import"
            else:
                ctx.unchanged()
        if new:
            await PerformanceRecord.bulk_create(new)
            made = await _records_of([_record_key(r) for r in new])
            for record in new:
                stored = made[_record_key(record)]
                await ctx.created(stored, employee_id=stored.employee_id)
        if changed:
            await PerformanceRecord.bulk_update([r for r, _ in changed], fields=["value", "source"])
            for record, before in changed:
                # The value is the change; its source ("import") is bookkeeping, kept for undo.
                await ctx.updated(
                    record,
                    before,
                    employee_id=record.employee_id,
                    audit_before={"value": before["value"]},
                    audit_after={"value": snapshot(record)["value"]},
                )
        ctx.progress()


def _record_key(record: PerformanceRecord) -> tuple[Any, ...]:
    return (record.employee_id, record.kpi_id, record.period, record.dimension)


async def _records_of(keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], PerformanceRecord]:
    wanted = set(keys)
    return {
        _record_key(r): r
        for r in await PerformanceRecord.filter(
            employee_id__in=sorted({k[0] for k in keys}),
            kpi_id__in=sorted({k[1] for k in keys}),
            period__in=sorted({k[2] for k in keys}),
        )
        if _record_key(r) in wanted
    }


# --- targets --------------------------------------------------------------------------------------


async def target_lookups(viewer: Viewer, file: FileRows) -> import_rows.TargetLookups:
    codes = file.values("unit_code")
    employees = await _manageable_employees(viewer, file.values("employee_number") - {""})
    units = {
        fold(code): (pk, path)
        for code, pk, path in await OrgUnit.filter(code__in=spellings(codes)).values_list(
            "code", "id", "path"
        )
    }
    by_path = (
        await closed.closed_months_by_path({path for _, path in units.values()}, reaches_below=True)
        if units
        else {}
    )
    return import_rows.TargetLookups(
        kpis=await _kpis(),
        employees=employees,
        units=units,
        closed=await _closed_months(set(employees.values())),
        closed_units={pk: by_path[path] for pk, path in units.values() if path in by_path},
        unit_codes=await _unit_codes(viewer, viewer.can_direct_in),
    )


async def write_targets(ctx: WriteContext) -> None:
    for chunk in _chunks(list(ctx.items)):
        existing = await _targets_of(chunk)
        new: list[KpiTarget] = []
        changed: list[tuple[KpiTarget, dict[str, Any]]] = []
        for key in chunk:
            row, value = ctx.items[key][:2]
            target = existing.get(key)
            if target is None:
                if ctx.may_create(row, "kpi_code"):
                    new.append(
                        KpiTarget(
                            kpi_id=key[0],
                            period=key[1],
                            employee_id=key[2],
                            unit_id=key[3],
                            value=value,
                        )
                    )
            elif target.value != value:
                if ctx.may_update(row, "value"):
                    changed.append((target, snapshot(target)))
                    target.value = value
            else:
                ctx.unchanged()
        if new:
            await KpiTarget.bulk_create(new)
            made = await _targets_of([_target_key(t) for t in new])
            for target in new:
                stored = made[_target_key(target)]
                await ctx.created(stored, employee_id=stored.employee_id)
        if changed:
            await KpiTarget.bulk_update([t for t, _ in changed], fields=["value"])
            await _bump_versions(KpiTarget, [t for t, _ in changed])
            for target, before in changed:
                await ctx.updated(target, before, employee_id=target.employee_id)
        ctx.progress()


def _target_key(target: KpiTarget) -> tuple[Any, ...]:
    return (target.kpi_id, target.period, target.employee_id, target.unit_id)


async def _targets_of(keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], KpiTarget]:
    wanted = set(keys)
    # Of the chunk's people and units only: every target of a month is 25,000 rows a chunk
    # in a 200,000-row file.
    people = sorted({k[2] for k in keys if k[2] is not None})
    units = sorted({k[3] for k in keys if k[3] is not None})
    return {
        _target_key(t): t
        for t in await KpiTarget.filter(
            Q(employee_id__in=people) | Q(unit_id__in=units),
            kpi_id__in=sorted({k[0] for k in keys}),
            period__in=sorted({k[1] for k in keys}),
        )
        if _target_key(t) in wanted
    }


# --- employees --------------------------------------------------------------------------------------

_EMPLOYEE_FIELDS = [
    "name",
    "status",
    "termination_date",
    "termination_reason",
    "gender",
    "birth_date",
    "hire_date",
    "work_phone",
    "work_email",
    "personal_phone",
    "id_number",
    "bank_account",
    "base_salary",
]


async def employee_lookups(viewer: Viewer, file: FileRows) -> import_rows.EmployeeLookups:
    from talentloop.org import service as org_service

    numbers = file.values("employee_number") - {""}
    taken: set[str] = set()
    former: set[str] = (
        set()
    )  # leavers among them: never back to work by import (rehire is explicit)
    placed: dict[str, tuple[int, int | None]] = {}
    stored: dict[str, str] = {}  # every key below is fold(number): numbers match in any case
    left_on: dict[str, date] = {}
    for chunk in _chunks(spellings(numbers)):
        rows = await Employee.filter(employee_number__in=chunk).values_list(
            "employee_number", "status", "unit_id", "position_id", "termination_date"
        )
        stored |= {fold(str(n)): str(n) for n, *_ in rows}
        taken |= {fold(str(n)) for n, *_ in rows}
        former |= {
            fold(str(n))
            for n, status, *_ in rows
            if EmployeeStatus(status) is EmployeeStatus.TERMINATED
        }
        placed |= {fold(str(n)): (unit, position) for n, _, unit, position, _ in rows}
        left_on |= {fold(str(n)): day for n, *_, day in rows if day is not None}
    managers: set[str] = set()
    for chunk in _chunks(spellings(file.values("manager_number"))):
        found = (
            await visible_employees(viewer)
            .filter(employee_number__in=chunk)
            .values_list("employee_number", flat=True)
        )
        managers |= {fold(str(n)) for n in found}
        stored |= {fold(str(n)): str(n) for n in found}
    units = await org_service.visible_units(viewer)
    positions = {p.code: p.id for p in await Position.all()}
    return import_rows.EmployeeLookups(
        numbers={fold(n): n for n in sorted(numbers, reverse=True)},
        mine=await _manageable_employees(viewer, numbers),
        taken=taken,
        former=former,
        placed=placed,
        units={fold(u.code): (u.id, u.path) for u in units},
        positions={fold(code): pk for code, pk in positions.items()},
        managers=managers,
        stored=stored,
        unit_codes=await _unit_codes(viewer, viewer.can_manage_employees_in),
        position_codes=sorted(positions) if len(positions) <= MAX_CHOICES else [],
        left_on=left_on,
    )


def _differs(employee: Employee, values: dict[str, Any], fields: list[str]) -> bool:
    stored = sensitive.ByHash(employee)
    return any(getattr(stored, k) != v for k, v in sensitive.hashed(values).items() if k in fields)


def _stored_columns(name: str) -> list[str]:
    if name in sensitive.SENSITIVE:
        field = sensitive.SensitiveField(name)
        return [field.cipher_column, field.hash_column]
    return [name]


async def write_employees(ctx: WriteContext) -> None:
    """Chunk by chunk of 500 rows, end to end: a 200,000-row file never holds more than a
    chunk's models (the people, their snapshots and audit values) at once."""
    fields = [*_EMPLOYEE_FIELDS, "unit_id", "position_id"]
    # The ID number and bank account are stored sealed, and compared by keyed hash.
    columns = [c for f in fields for c in _stored_columns(f)]
    keys = list(ctx.items)
    existed: set[str] = set()  # the file's people there before it
    unchanged: set[str] = set()
    touched: set[int] = set()  # changed people, their version bumped once
    # What a payroll run reads: the new people and the changed ones, from which month.
    pay = payroll_inputs.ImportedPeople()
    for chunk in _chunks(keys):
        numbers = [k[0] for k in chunk]
        existing = {
            e.employee_number: e for e in await Employee.filter(employee_number__in=numbers)
        }
        existed |= existing.keys()
        new: list[Employee] = []
        # Each changed employee, its stored columns before and its values as the audit shows them.
        changed: list[tuple[Employee, dict[str, Any], dict[str, Any], dict[str, Any]]] = []
        # The chunk's values as dicts, by number (kept as tuples until now: import_rows).
        chunk_values: dict[str, dict[str, Any]] = {}
        for key in chunk:
            number = key[0]
            row, packed = ctx.items[key][:2]
            values = chunk_values[number] = import_rows.employee_values(packed)
            employee = existing.get(number)
            if employee is None:
                if ctx.may_create(row, "employee_number"):
                    new.append(
                        Employee(employee_number=number, **sensitive.sealed_columns(number, values))
                    )
            elif _differs(employee, values, fields):
                if not ctx.may_update(row, "employee_number"):
                    continue
                pay_before = {k: getattr(employee, k) for k in payroll_inputs.RECORD_FIELDS}
                before = snapshot(employee)
                shown = sensitive.ByHash(employee)
                audit_before = {k: getattr(shown, k) for k in values if k in fields}
                audit_after = {k: v for k, v in sensitive.hashed(values).items() if k in fields}
                sensitive.seal_into(employee, values)
                pay.changed(pay_before, employee)
                changed.append((employee, before, audit_before, audit_after))
            else:
                unchanged.add(number)
        if new:
            await Employee.bulk_create(new)
        if changed:
            await Employee.bulk_update([e for e, *_ in changed], fields=columns)
        hired = (
            await Employee.filter(employee_number__in=[e.employee_number for e in new])
            if new
            else []
        )
        for employee in hired:
            await ctx.created(
                employee,
                employee_id=employee.id,
                audit_values=chunk_values[employee.employee_number],
            )
            pay.created(employee)
        for employee, before, audit_before, audit_after in changed:
            await ctx.updated(
                employee,
                before,
                employee_id=employee.id,
                audit_before=audit_before,
                audit_after=audit_after,
            )
            touched.add(employee.id)
        await _record_leavers(ctx, [e for e in hired if e.status is EmployeeStatus.TERMINATED])
        ctx.progress()
    await payroll_inputs.mark_imported(pay)

    # Managers last: a manager may be a new employee of the same file. An empty
    # manager column leaves an existing employee's manager as it is; a row the mode refused
    # has no employee to link (a new one) or is linked as before (an existing one).
    for chunk in _chunks(keys):
        wanted = {key[0]: ctx.items[key][2] for key in chunk if ctx.items[key][2]}
        if not wanted:
            continue
        saved = {
            e.employee_number: e
            for e in await Employee.filter(employee_number__in=sorted({*wanted, *wanted.values()}))
        }
        relinked: list[tuple[Employee, dict[str, Any], int | None]] = []
        for number, manager in wanted.items():
            employee = saved.get(number)
            if employee is None:
                continue
            boss = saved.get(manager)  # None: a new manager's row the mode refused
            if boss is not None and employee.manager_id != boss.id:
                relinked.append((employee, snapshot(employee), employee.manager_id))
                employee.manager_id = boss.id
        if relinked:
            await Employee.bulk_update([e for e, *_ in relinked], fields=["manager_id"])
        for employee, before, old_manager in relinked:
            number = employee.employee_number
            # A row whose only change is its manager counts as updated; a new or changed row
            # has been counted already.
            counted = number not in unchanged
            unchanged.discard(number)
            await ctx.updated(
                employee,
                before,
                employee_id=employee.id,
                audit_before={"manager_id": old_manager},
                audit_after={"manager_id": employee.manager_id},
                count=not counted,
            )
            if number in existed:
                touched.add(employee.id)
    ctx.unchanged(len(unchanged))
    # Once per changed employee, however many of its columns the file changed.
    for chunk in _chunks(sorted(touched)):
        await Employee.filter(id__in=chunk).update(version=F("version") + 1)
    ctx.progress()


async def _record_leavers(ctx: WriteContext, leavers: list[Employee]) -> None:
    """A leaver brought over has left as a termination leaves its record: the RESIGNATION
    event of their last day (records/service.end_employment), the end of their employment
    period on the timeline and in the turnover report."""
    events = [
        EmploymentEvent(
            employee_id=e.id,
            kind=EventKind.RESIGNATION,
            effective_date=e.termination_date,
            from_unit_id=e.unit_id,
            from_position_id=e.position_id,
            note=(e.termination_reason or "")[:255],
            actor_username=ctx.viewer.username,
        )
        for e in leavers
    ]
    for chunk in _chunks(events):
        await EmploymentEvent.bulk_create(chunk)
        made = await EmploymentEvent.filter(
            employee_id__in=[e.employee_id for e in chunk], kind=EventKind.RESIGNATION
        )
        for event in made:
            await ctx.created(event, employee_id=event.employee_id, count=False)


async def _bump_versions(model: type[Model], rows: list[Any]) -> None:
    """A form opened before the import must not save over it (talentloop.versions)."""
    await model.filter(id__in=[r.id for r in rows]).update(version=F("version") + 1)
