"""Opening payroll figures from the previous system's export (issue 22, the `payroll_openings`
import kind): Chinese headers are read, every bad row is reported (someone out of scope, one's
own row, a month past November, an approved month under it), a dry run writes nothing, a real
one creates or updates each person's year, audited, marks that year's runs out of date and is
undone."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal as D
from typing import Any

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.payroll.models import PayrollOpening, PayrollRunStaleReason
from tests.payroll.conftest import Pay
from tests.support import Api, add_person

IMPORT = """mutation($input: ImportDataInput!) {
  importData(input: $input) {
    job { id status createdRows updatedRows unchangedRows
          errors { row column message code } }
    errors { field code message }
  }
}"""
UNDO = "mutation($id: ID!) { undoImport(id: $id) { job { undoneAt } errors { code } } }"
HEADERS = "工号,纳税年度,原系统最后发薪月份,任职受雇月份数,累计收入,累计专项扣除,累计专项附加扣除,累计已预扣税额,备注"


async def _run(api: Api, pay: Pay, text: str, *, dry_run: bool = False) -> dict[str, Any]:
    content = base64.b64encode(text.encode()).decode()
    data = await api.data(
        IMPORT,
        {"input": {"kind": "PAYROLL_OPENINGS", "fileName": "期初数.csv",
                   "contentBase64": content, "dryRun": dry_run}},
        as_=pay.world.users["branch_hr"],
    )  # fmt: skip
    assert data["importData"]["errors"] == [], data
    job: dict[str, Any] = data["importData"]["job"]
    return job


async def test_hr_imports_the_previous_systems_figures_and_undoes_them(api: Api, pay: Pay) -> None:
    w = pay.world
    a = await add_person(w, "moved_a", "SH-PROD", salary=30000)
    b = await add_person(w, "moved_b", "SH-PROD", salary=20000)
    july = await pay.run("SH-PROD", date(2026, 7, 1))
    text = (
        f"{HEADERS}\n"
        f'{a.employee_number},2026,6,6,"201,000",27000,18000,5000,旧系统\n'
        f"{b.employee_number},2026,6,6,130000,18000,0,1200,\n"
    )
    dry = await _run(api, pay, text, dry_run=True)
    assert (dry["status"], dry["createdRows"], dry["errors"]) == ("VALID", 2, [])
    assert not await PayrollOpening.exists()
    done = await _run(api, pay, text)
    assert (done["status"], done["createdRows"]) == ("DONE", 2)
    found = {o.employee_id: o for o in await PayrollOpening.all()}
    assert found[a.id].income == D(201000) and found[a.id].note == "旧系统"
    assert found[b.id].tax == D(1200) and found[b.id].other_deductions == 0
    created = await AuditEntry.filter(subject_type="PayrollOpening", action=AuditAction.CREATE)
    assert len(created) == 2
    reasons = await PayrollRunStaleReason.filter(run_id=july.id)
    assert [(r.message, r.params) for r in reasons] == [
        ("The opening payroll figures of {count} people for {year} changed.",
         {"count": "2", "year": "2026"})
    ]  # fmt: skip
    # the same file again, one figure corrected: one update, one left as it was
    again = await _run(api, pay, text.replace(",1200,", ",1300,"))
    assert (again["createdRows"], again["updatedRows"], again["unchangedRows"]) == (0, 1, 1)
    assert (await PayrollOpening.get(employee_id=b.id)).tax == D(1300)
    undone = await api.data(UNDO, {"id": again["id"]}, as_=w.users["branch_hr"])
    assert undone["undoImport"]["errors"] == []
    assert (await PayrollOpening.get(employee_id=b.id)).tax == D(1200)


async def test_every_bad_row_is_reported_and_nothing_written(api: Api, pay: Pay) -> None:
    w = pay.world
    here = await add_person(w, "paid_here", "SH-HR", salary=9000)
    await pay.run("SH-HR", date(2026, 1, 1), approve=True)
    rows = [
        f"{w.people['bj_rep'].employee_number},2026,6,6,1,0,0,0,",  # another branch
        f"{w.people['sh_hr_person'].employee_number},2026,6,6,1,0,0,0,",  # the importer
        f"{w.people['sh_rep'].employee_number},2026,12,6,1,0,0,0,",  # December
        f"{w.people['sh_rep2'].employee_number},2026,6,6,-5,0,0,abc,",  # negative, not a number
        f"{here.employee_number},2026,3,3,1,0,0,0,",  # TalentLoop approved January
        f"{w.people['sh_worker'].employee_number},2026,6,6,1,0,0,0,",
        f"{w.people['sh_worker'].employee_number},2026,5,5,1,0,0,0,",  # the same year twice
    ]
    job = await _run(api, pay, HEADERS + "\n" + "\n".join(rows) + "\n")
    assert job["status"] == "INVALID"
    found = {(e["row"], e["column"], e["code"]) for e in job["errors"]}
    assert found == {
        (2, "employee_number", "NOT_FOUND"),
        (3, "employee_number", "SELF_DEALING"),
        (4, "last_month", "INVALID"),
        (5, "income", "INVALID"),
        (5, "tax", "INVALID"),
        (6, "last_month", "CONFLICT"),
        (8, None, "DUPLICATE"),
    }
    assert not await PayrollOpening.exists()
