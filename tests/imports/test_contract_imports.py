"""Labour contracts as an import kind (issue 22): checked as signContract checks them (劳动合同法:
a fixed term's end, probation within its limits and once per employer, no overlap, no third
consecutive fixed term unless the employee asked), in the importer's scope and never their own;
a signed contract is not changed by a file; audited, undone, and exported so that the file
imported again changes nothing."""

from __future__ import annotations

from datetime import date

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.performance.models import ImportKind
from talentloop.records.models import Contract, ContractKind
from tests.imports.test_org_kinds import UNDO, _counts, _errors, _exported, _run
from tests.performance.conftest import Perf
from tests.support import Api, StatementCounter

HEAD = "employee_number,kind,start_date,end_date,probation_end,employee_requested_fixed_term\n"


def _no(perf: Perf, person: str = "sh_rep") -> str:
    return perf.world.people[person].employee_number


async def test_contracts_are_signed_left_as_they_are_and_undone(api: Api, perf: Perf) -> None:
    rep = _no(perf)
    text = (
        HEAD
        + f"{rep},固定期限,2023-01-01,2025-12-31,2023-03-31,\n"
        + f"{rep},open_ended,2026-01-01,,,\n"
    )
    job = await _run(api, perf, "CONTRACTS", text)
    assert _counts(job) == ("DONE", 2, 0, 0)
    contracts = await Contract.filter(employee_id=perf.world.people["sh_rep"].id)
    assert [(c.kind, c.start_date, c.end_date, c.signed_on) for c in contracts] == [
        (ContractKind.FIXED_TERM, date(2023, 1, 1), date(2025, 12, 31), date(2023, 1, 1)),
        (ContractKind.OPEN_ENDED, date(2026, 1, 1), None, date(2026, 1, 1)),
    ]
    entry = await AuditEntry.get(subject_type="Contract", subject_id=contracts[0].id)
    assert entry.action is AuditAction.CREATE
    again = await _run(api, perf, "CONTRACTS", text)
    assert _counts(again) == ("DONE", 0, 0, 2)
    changed = await _run(api, perf, "CONTRACTS", text.replace("2023-03-31", "2023-02-28"))
    assert _errors(changed) == [(2, "start_date", "INVALID")]  # ended only by endContract
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == []
    assert not await Contract.filter(employee_id=perf.world.people["sh_rep"].id).exists()


async def test_contracts_are_checked_as_signcontract_checks_them(api: Api, perf: Perf) -> None:
    rep, rep2, worker = _no(perf), _no(perf, "sh_rep2"), _no(perf, "sh_worker")
    rows = [
        f"{rep},fixed_term,2020-01-01,,,",  # no end
        f"{rep},fixed_term,2021-01-01,2021-12-31,2021-06-30,",  # 1 year: at most 1 month
        f"{rep},permanent,2022-01-01,,,",  # no such kind
        f"{rep2},fixed_term,2020-01-01,2022-12-31,,",
        f"{rep2},open_ended,2022-06-01,,,",  # overlaps the row above
        f"{worker},fixed_term,2015-01-01,2016-12-31,,",
        f"{worker},fixed_term,2019-01-01,2020-12-31,,",  # rows out of order: judged by date
        f"{worker},fixed_term,2017-01-01,2018-12-31,,",
    ]
    shape = await _run(api, perf, "CONTRACTS", HEAD + "\n".join(rows[:3]) + "\n")
    assert _errors(shape) == [
        (2, "end_date", "REQUIRED"),
        (3, "probation_end", "INVALID"),
        (4, "kind", "INVALID"),
    ]
    assert shape["errors"][2]["choices"] == ["fixed_term", "open_ended", "task"]
    history = await _run(api, perf, "CONTRACTS", HEAD + "\n".join(rows[3:]) + "\n")
    assert _errors(history) == [
        (2, "start_date", "CONFLICT"),
        (3, "start_date", "CONFLICT"),
        (5, "kind", "INVALID"),  # the third consecutive fixed term (2019, after 2015 and 2017)
    ]
    asked = HEAD + "\n".join(rows[5:7]) + "\n" + rows[7] + "\n"
    asked = asked.replace("2019-01-01,2020-12-31,,", "2019-01-01,2020-12-31,,是")
    assert _counts(await _run(api, perf, "CONTRACTS", asked)) == ("DONE", 3, 0, 0)
    twice = HEAD + f"{worker},open_ended,2021-01-01,,2021-03-31,\n"
    await Contract.filter(employee_id=perf.world.people["sh_worker"].id).update(
        probation_end=date(2015, 2, 28)
    )
    assert _errors(await _run(api, perf, "CONTRACTS", twice)) == [(2, "probation_end", "INVALID")]


async def test_contract_scope_self_and_modes(api: Api, perf: Perf) -> None:
    rows = (
        HEAD
        + f"{_no(perf, 'bj_rep')},open_ended,2024-01-01,,,\n"  # not their branch
        + f"{_no(perf, 'sh_hr_person')},open_ended,2024-01-01,,,\n"  # themselves
        + f"{_no(perf)},open_ended,2024-01-01,,,\n"
    )
    job = await _run(api, perf, "CONTRACTS", rows, viewer="branch_hr")
    assert _errors(job) == [
        (2, "employee_number", "NOT_FOUND"),
        (3, "employee_number", "SELF_DEALING"),
    ]
    one = HEAD + f"{_no(perf)},open_ended,2024-01-01,,,\n"
    assert _counts(await _run(api, perf, "CONTRACTS", one, viewer="branch_hr"))[1] == 1
    insert = await _run(api, perf, "CONTRACTS", one.replace(",,,", ",,2024-03-31,"), mode="INSERT")
    assert _errors(insert) == [(2, "employee_number", "DUPLICATE")]
    other = HEAD + f"{_no(perf, 'sh_rep2')},open_ended,2024-01-01,,,\n"
    update = await _run(api, perf, "CONTRACTS", other, mode="UPDATE")
    assert _errors(update) == [(2, "employee_number", "NOT_FOUND")]


async def test_contracts_exported_and_imported_again_change_nothing(api: Api, perf: Perf) -> None:
    text = (
        HEAD
        + f"{_no(perf)},fixed_term,2023-01-01,2025-12-31,2023-03-31,\n"
        + f"{_no(perf, 'bj_rep')},task,2024-01-01,,,\n"
        + f"{_no(perf, 'sh_hr_person')},open_ended,2020-01-01,,,\n"
    )
    assert _counts(await _run(api, perf, "CONTRACTS", text))[1] == 3
    for viewer in ("hq_hr", "branch_hr"):
        exported = await _exported(perf, ImportKind.CONTRACTS, viewer)
        job = await _run(api, perf, "CONTRACTS", exported, viewer=viewer)
        assert job["status"] == "DONE" and job["createdRows"] == job["updatedRows"] == 0, job
    assert _no(perf, "bj_rep") not in exported and _no(perf, "sh_hr_person") not in exported
    assert f"{_no(perf)},fixed_term,2023-01-01,2025-12-31,2023-03-31" in exported


async def test_500_contracts_cost_about_what_50_cost(api: Api, perf: Perf) -> None:
    """Task contracts of a month each, for four people: the statements stay flat with rows."""
    people = [_no(perf, p) for p in ("sh_rep", "sh_rep2", "sh_worker", "bj_rep")]

    async def cost(n: int, first_year: int) -> int:
        rows = []
        for i in range(n):
            year, month = first_year + (i // 4) // 12, (i // 4) % 12 + 1
            end = 28 if month == 2 else 30
            rows.append(f"{people[i % 4]},task,{year}-{month:02d}-01,{year}-{month:02d}-{end},,")
        with StatementCounter() as counter:
            job = await _run(api, perf, "CONTRACTS", HEAD + "\n".join(rows) + "\n")
        assert job["createdRows"] == n, job
        return counter.count

    small, large = await cost(50, 1990), await cost(500, 2000)
    assert large <= small + 12, (small, large)
