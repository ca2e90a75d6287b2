"""Labour contracts as an import kind (issue 22, imports/kinds.py): a contract by employee
number and start date, checked as signContract checks it (records/service.py, 劳动合同法):
its shape (a fixed term's end, an open-ended one's none, probation within art. 19's limits)
in the file-checking process, and the employee's whole contract history as the file leaves
it (no overlap, one probation per employer, no third consecutive fixed term unless the
employee asked for it) in `write`, over the file's contracts and the stored ones at once.

A contract once signed changes only by endContract or a renewal: a row that names a stored
contract with other values is refused, one that repeats it is left as it is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.rows import Checked, FileRows, RowCheck
from talentloop.imports.writing import WriteContext
from talentloop.people.service import visible_employees
from talentloop.performance.models import ImportKind
from talentloop.records.models import Contract, ContractKind
from talentloop.records.service import ContractInput, _shape_problems, visible_contracts

BATCH = 500
SIGNED_STAYS = N_("A signed contract changes only by ending it or by a renewal, not by import.")
SAME_CONTRACT = N_("Same employee and start date as row {other}.")
NOT_A_KIND = N_("Not a contract kind.")
_KINDS = {k.value: k for k in ContractKind} | {
    "固定期限": ContractKind.FIXED_TERM,
    "无固定期限": ContractKind.OPEN_ENDED,
    "以完成一定工作任务为期限": ContractKind.TASK,
    "任务": ContractKind.TASK,
}
_YES = {"yes", "y", "true", "1", "是"}
_NO = {"", "no", "n", "false", "0", "否"}
_COLUMNS = {
    "endDate": "end_date",
    "probationEnd": "probation_end",
    "note": "note",
    "kind": "kind",
}
_COMPARED = ("kind", "end_date", "probation_end", "signed_on", "note")


@dataclass(frozen=True)
class ContractLookups:
    employees: dict[str, int]  # the file's people the viewer manages: id by number


async def lookups(viewer: Viewer, file: FileRows) -> ContractLookups:
    employees: dict[str, int] = {}
    numbers = sorted(file.values("employee_number") - {""})
    for start in range(0, len(numbers), BATCH):
        for number, pk, path in (
            await visible_employees(viewer)
            .filter(employee_number__in=numbers[start : start + BATCH])
            .values_list("employee_number", "id", "unit__path")
        ):
            if viewer.can_manage_employees_in(path):
                employees[str(number)] = pk
    return ContractLookups(employees)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def check(viewer: Viewer, lookups: Any, checked: Checked) -> RowCheck:
    assert isinstance(lookups, ContractLookups)

    def check_row(index: int, row: dict[str, str]) -> None:
        number = row["employee_number"]
        employee = lookups.employees.get(number)
        bad = False
        if employee is None:
            checked.error(
                index,
                "employee_number",
                "No such employee in your scope.",
                ErrorCode.NOT_FOUND,
                value=number,
            )
            bad = True
        elif checked.about_self(index, viewer, employee):
            bad = True
        kind = _KINDS.get(row["kind"].casefold())
        if kind is None:
            checked.error(
                index,
                "kind",
                NOT_A_KIND,
                value=row["kind"],
                choices=[k.value for k in ContractKind],
            )
            bad = True
        dates: dict[str, date | None] = {}
        for column in ("start_date", "end_date", "probation_end", "signed_on"):
            text = row.get(column, "")
            dates[column] = _date(text)
            if text and dates[column] is None:
                checked.error(index, column, "Not a date (YYYY-MM-DD).", value=text)
                bad = True
        start = dates["start_date"]
        if start is None and not row["start_date"]:
            checked.error(index, "start_date", "Required.", ErrorCode.REQUIRED)
            bad = True
        asked = row.get("employee_requested_fixed_term", "").casefold()
        if asked not in _YES | _NO:
            checked.error(
                index,
                "employee_requested_fixed_term",
                "Not one of the allowed values.",
                value=row["employee_requested_fixed_term"],
                choices=["yes", "no"],
            )
            bad = True
        if bad or kind is None or start is None or employee is None:
            return
        data = ContractInput(
            kind=kind,
            start_date=start,
            end_date=dates["end_date"],
            probation_end=dates["probation_end"],
            signed_on=dates["signed_on"] or start,
            note=row.get("note") or None,
            employee_requested_fixed_term=asked in _YES,
        )
        for problem in _shape_problems(data):
            named = _COLUMNS.get(problem.field or "", problem.field)
            checked.error(
                index,
                named,
                problem.msgid,
                problem.code,
                value=row.get(named or "", ""),
                **dict(problem.params),
            )
            bad = True
        key = (employee, start)
        if key in checked.items:
            checked.error(
                index,
                "start_date",
                SAME_CONTRACT,
                ErrorCode.DUPLICATE,
                value=row["start_date"],
                other=checked.items[key][0],
            )
            bad = True
        if not bad:
            checked.items[key] = (index, data)

    return check_row


def _values(data: ContractInput) -> dict[str, Any]:
    return {
        "kind": data.kind,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "probation_end": data.probation_end,
        "signed_on": data.signed_on,
        "note": (data.note or "").strip() or None,
    }


@dataclass
class _Held:
    """A contract of the history being judged: stored, or the file's (with its row)."""

    kind: ContractKind
    start: date
    end: date | None
    probation_end: date | None
    row: int | None = None
    asked: bool = False

    def until(self) -> date:
        return self.end or date.max


async def write(ctx: WriteContext) -> None:
    """Two passes, chunk by chunk of 500: every new contract judged against the employee's
    others (nothing written when any is refused), then the new ones created — only their keys
    are kept between the passes, never a whole file's models."""
    by_employee: dict[int, list[tuple[date, int, ContractInput]]] = defaultdict(list)
    for (employee, start), (row, data) in ctx.items.items():
        by_employee[employee].append((start, row, data))
    ids = sorted(by_employee)
    adding: dict[int, list[tuple[int, date]]] = {}  # the new contracts' keys, by employee
    for begin in range(0, len(ids), BATCH):
        stored: dict[int, list[Contract]] = defaultdict(list)
        for contract in await Contract.filter(employee_id__in=ids[begin : begin + BATCH]):
            stored[contract.employee_id].append(contract)
        for employee in ids[begin : begin + BATCH]:
            mine = {c.start_date: c for c in stored[employee]}
            history = [
                _Held(c.kind, c.start_date, c.end_date, c.probation_end) for c in mine.values()
            ]
            for start, row, data in by_employee[employee]:
                existing = mine.get(start)
                if existing is None:
                    if ctx.may_create(row, "employee_number"):
                        adding.setdefault(employee, []).append((employee, start))
                        history.append(
                            _Held(
                                data.kind,
                                start,
                                data.end_date,
                                data.probation_end,
                                row,
                                data.employee_requested_fixed_term,
                            )
                        )
                elif all(
                    getattr(existing, k) == v for k, v in _values(data).items() if k in _COMPARED
                ):
                    ctx.unchanged()
                elif ctx.may_update(row, "employee_number"):
                    ctx.problems.error(row, "start_date", SIGNED_STAYS, value=start.isoformat())
            _history_problems(ctx, history)
    if ctx.problems.errors:
        return
    # In the file's order of employees, as one pass wrote them before.
    keys = [key for employee in by_employee for key in adding.get(employee, [])]
    for begin in range(0, len(keys), BATCH):
        chunk = [
            Contract(employee_id=employee, **_values(ctx.items[(employee, start)][1]))
            for employee, start in keys[begin : begin + BATCH]
        ]
        await Contract.bulk_create(chunk)
        wanted = {(c.employee_id, c.start_date) for c in chunk}
        made = await Contract.filter(
            employee_id__in=sorted({c.employee_id for c in chunk}),
            start_date__in=sorted({c.start_date for c in chunk}),
        )
        for contract in sorted(made, key=lambda c: c.id):
            if (contract.employee_id, contract.start_date) in wanted:
                values = _values_of(contract)
                await ctx.created(contract, employee_id=contract.employee_id, audit_values=values)
        ctx.progress()


def _values_of(contract: Contract) -> dict[str, Any]:
    return {k: getattr(contract, k) for k in ("kind", "start_date", *_COMPARED[1:])}


def _history_problems(ctx: WriteContext, history: list[_Held]) -> None:
    """signContract's rules on an employee's contracts as the file leaves them, each new one
    judged against all the others."""
    history.sort(key=lambda h: h.start)
    for i, held in enumerate(history):
        if held.row is None:
            continue
        others = [o for j, o in enumerate(history) if j != i]
        overlap = next(
            (o for o in others if o.start <= held.until() and held.start <= o.until()), None
        )
        if overlap is not None:
            ctx.problems.error(
                held.row,
                "start_date",
                N_("Overlaps the contract from {start} to {end}.")
                if overlap.end
                else N_("Overlaps the contract from {start} (open-ended)."),
                ErrorCode.CONFLICT,
                value=held.start.isoformat(),
                start=overlap.start.isoformat(),
                end=overlap.end.isoformat() if overlap.end else "",
            )
            continue
        earlier = history[:i]
        # signContract refuses a second probation whatever its order; of two in the file,
        # the later one.
        before = [o for o in others if o.row is None or o.start < held.start]
        if held.probation_end is not None and any(o.probation_end for o in before):
            ctx.problems.error(
                held.row,
                "probation_end",
                "This employee already had a probation period with the company.",
                value=held.probation_end.isoformat(),
            )
            continue
        if (
            held.kind is ContractKind.FIXED_TERM
            and len(earlier) >= 2
            and all(o.kind is ContractKind.FIXED_TERM for o in earlier[-2:])
            and not held.asked
        ):
            ctx.problems.error(
                held.row,
                "kind",
                "After two consecutive fixed terms the contract is open-ended, unless the "
                "employee asks for a fixed term.",
                value=held.kind.value,
            )


async def export(viewer: Viewer) -> AsyncIterator[list[str]]:
    """The contracts of the people the viewer manages (not their own), oldest first."""
    last = 0
    while True:
        batch = (
            await visible_contracts(viewer)
            .filter(id__gt=last)
            .order_by("id")
            .limit(BATCH)
            .select_related("employee__unit")
        )
        if not batch:
            return
        last = batch[-1].id
        for c in batch:
            person = c.employee
            if viewer.is_self(person.id) or not viewer.can_manage_employees_in(person.unit.path):
                continue
            yield [
                person.employee_number,
                c.kind.value,
                c.start_date.isoformat(),
                c.end_date.isoformat() if c.end_date else "",
                c.probation_end.isoformat() if c.probation_end else "",
                c.signed_on.isoformat(),
                c.note or "",
                "",
            ]


async def choices(viewer: Viewer) -> dict[str, list[str]]:
    return {"kind": [k.value for k in ContractKind], "employee_requested_fixed_term": ["yes", "no"]}


def may_import(viewer: Viewer) -> bool:
    """HR who sign contracts (records/service.sign_contract), each row checked in scope."""
    return viewer.can_manage_employees and viewer.user_id is not None


SPEC = ImportSpec(
    kind=ImportKind.CONTRACTS,
    columns=(
        Column(
            "employee_number", "Employee number", ("员工编号", "Employee No"), True, "E1001", "工号"
        ),
        Column("kind", "Contract kind", ("合同类型", "Kind"), True, "fixed_term", "合同期限类型"),
        Column(
            "start_date", "Start date", ("开始日期", "合同开始日期"), True, "2026-03-01", "起始日"
        ),
        Column("end_date", "End date", ("结束日期", "合同结束日期"), False, "2029-02-28", "终止日"),
        Column(
            "probation_end",
            "Probation end",
            ("试用期截止", "试用期结束日期"),
            False,
            "",
            "试用期至",
        ),
        Column("signed_on", "Signed on", ("签订时间", "Signing date"), False, "", "签订日期"),
        Column("note", "Note", ("说明",), False, "", "备注"),
        Column(
            "employee_requested_fixed_term",
            "Employee asked for a fixed term",
            ("员工要求固定期限",),
            False,
            "",
            "员工提出订立固定期限",
        ),
    ),
    key=("employee_number", "start_date"),
    lookup_columns=("employee_number",),
    lookups=lookups,
    check=check,
    write=write,
    may_import=may_import,
    export=export,
    choices=choices,
    values={"kind": {k: v.value for k, v in _KINDS.items() if k != v.value}},
)
