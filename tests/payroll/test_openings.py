"""Opening payroll figures (issue 22): a person paid January–June by the old system, whose
figures come along, is withheld in December exactly as a person paid here from January; a run
of a month the old system paid is refused; only HR in charge sets them, never their own; every
change is audited and marks that year's open runs out of date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from talentloop.access.viewer import load_viewer
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.errors import ServiceError
from talentloop.payroll import openings, service
from talentloop.payroll.calc import DeductionKind
from talentloop.payroll.models import (
    PayrollOpening,
    PayrollRun,
    PayrollRunStaleReason,
    Payslip,
    PayslipLine,
    RunStatus,
)
from talentloop.payroll.openings import OpeningInput
from tests.payroll.conftest import Pay, finish
from tests.support import StatementCounter, add_person

YEAR = 2026
MONTHS = [date(YEAR, m, 1) for m in range(1, 13)]
JUN, JUL, DEC = MONTHS[5], MONTHS[6], MONTHS[11]
CUMULATIVE = (
    "months_employed", "cumulative_income", "cumulative_basic", "cumulative_special",
    "cumulative_additional", "cumulative_taxable", "cumulative_tax", "withheld_before",
    "tax_rate", "quick_deduction", "tax", "net", "special_additional",
)  # fmt: skip


async def reasons_of(run_ids: list[int]) -> dict[int, list[str]]:
    """Each run's reasons as stored, in English (the msgid filled in)."""
    found: dict[int, list[str]] = {pk: [] for pk in run_ids}
    for r in await PayrollRunStaleReason.filter(run_id__in=run_ids).order_by("id"):
        found[r.run_id].append(r.message.format(**(r.params or {})))
    return found


async def _declare(pay: Pay, person: str) -> None:
    """A child's education (2,000 a month) and a housing loan (1,000), from January."""
    employee = pay.world.people[person]
    for kind in (DeductionKind.CHILD_EDUCATION, DeductionKind.HOUSING_LOAN):
        await service.add_special_deduction(pay.hr, employee.id, kind=kind, valid_from=MONTHS[0])


async def _opening_from(pay: Pay, person: str, last: date, to: str) -> OpeningInput:
    """What the old system would hand over for `to`: `person`'s TalentLoop figures through
    `last`, summed."""
    slips = await Payslip.filter(
        employee_id=pay.world.people[person].id, month__lte=last, month__gte=MONTHS[0]
    ).order_by("month")
    assert len(slips) == last.month
    return OpeningInput(
        employee_id=pay.world.people[to].id,
        year=YEAR,
        last_month=last.month,
        months_employed=slips[-1].months_employed,
        income=sum((s.income for s in slips), D(0)),
        contributions=sum((s.employee_contributions for s in slips), D(0)),
        special_additional=slips[-1].cumulative_additional,
        tax=sum((s.tax for s in slips), D(0)),
    )


async def _two_people(pay: Pay) -> None:
    """`here` (SH-PROD) is paid by TalentLoop from January; `moved` (SH-HR) the same pay and
    deductions, paid by the old system January–June. 30,000 a month crosses the 10 % bracket
    in February and the 20 % one in July (36,000 and 144,000 of cumulative taxable income)."""
    w = pay.world
    await add_person(w, "here", "SH-PROD", salary=30000)
    await add_person(w, "moved", "SH-HR", salary=30000)
    for person in ("here", "moved"):
        await _declare(pay, person)


async def test_a_person_moved_in_july_is_withheld_in_december_as_one_paid_here_all_year(
    pay: Pay,
) -> None:
    await _two_people(pay)
    for month in MONTHS[:6]:
        await pay.run("SH-PROD", month)
    opening = await _opening_from(pay, "here", JUN, to="moved")
    assert opening.months_employed == 6 and opening.special_additional == D(18000)
    await openings.set_opening(pay.hr, opening)
    for month in MONTHS[6:]:
        await pay.run("SH-PROD", month)
        await pay.run("SH-HR", month)
        here, moved = await pay.slip("here", month), await pay.slip("moved", month)
        for name in CUMULATIVE:
            assert getattr(moved, name) == getattr(here, name), (month, name)
    here, moved = await pay.slip("here", DEC), await pay.slip("moved", DEC)
    assert (await pay.slip("here", MONTHS[0])).tax_rate == D("0.03")
    assert here.tax_rate == D("0.2") and here.months_employed == 12  # the bracket was crossed
    assert moved.cumulative_income == here.cumulative_income == D(33500) * 12
    assert moved.cumulative_basic == D(60000) and moved.cumulative_additional == D(36000)
    assert moved.tax == here.tax and moved.tax > 0
    line = await PayslipLine.get(payslip_id=moved.id, code="iit")
    assert "2026-01 至 2026-06 为原系统的期初累计数" in line.explanation_zh
    assert "previous system's opening figures" in line.explanation_en
    # Without the opening, July would have withheld as if it were January.
    await openings.remove_opening(pay.hr, pay.world.people["moved"].id, YEAR)
    await pay.run("SH-HR", JUL)
    assert (await pay.slip("moved", JUL)).months_employed == 7  # from the hire date, 2020
    assert (await pay.slip("moved", JUL)).withheld_before == 0


async def test_other_deductions_and_months_of_the_opening_count(pay: Pay) -> None:
    """A person hired in March elsewhere-paid through May: 3 months employed, an enterprise
    annuity of 600 as other deductions; June counts 4 months and the 600."""
    w = pay.world
    person = await add_person(w, "annuity", "SH-HR", salary=30000)
    person.hire_date = date(YEAR, 3, 1)
    await person.save(update_fields=["hire_date"])
    await openings.set_opening(
        pay.hr,
        OpeningInput(person.id, YEAR, 5, 3, income=D(100500), contributions=D(13500),
                     special_additional=D(0), tax=D(1000), other_deductions=D(600)),
    )  # fmt: skip
    await pay.run("SH-HR", JUN)
    june = await pay.slip("annuity", JUN)
    assert june.months_employed == 4 and june.cumulative_basic == D(20000)
    assert june.withheld_before == D(1000)
    assert june.cumulative_taxable == D(100500 + 33500 - 20000 - 13500 - 4500 - 600)
    line = await PayslipLine.get(payslip_id=june.id, code="iit")
    assert "累计其他扣除 600.00" in line.explanation_zh


async def test_a_run_of_a_month_the_old_system_paid_is_refused(pay: Pay) -> None:
    await _two_people(pay)
    moved = pay.world.people["moved"]
    await openings.set_opening(pay.hr, OpeningInput(moved.id, YEAR, 6, 6, D(1), D(0), D(0), D(0)))
    for unit, month in (("SH-HR", JUN), ("SH-HR", MONTHS[0]), ("SH", MONTHS[2])):
        with pytest.raises(ServiceError) as refused:
            await service.create_run(pay.hr, pay.world.units[unit].id, month)
        (error,) = refused.value.errors
        assert (error.code.value, error.field) == ("conflict", "month")
        assert "moved name" in error.message and "2026-06" in error.message
    assert not await PayrollRun.filter(unit_id=pay.world.units["SH-HR"].id).exists()
    await pay.run("SH-HR", JUL)  # the cut-over month is TalentLoop's
    await pay.run("SH-PROD", JUN)  # people without an opening are paid as before


async def test_a_draft_of_an_opened_month_leaves_the_person_out_and_is_marked(pay: Pay) -> None:
    """The opening wins over TalentLoop's own draft of those months: the draft is marked out
    of date, its recompute leaves the person out, and July does not count June twice."""
    await _two_people(pay)
    june = await pay.run("SH-HR", JUN)
    july = await pay.run("SH-HR", JUL)
    next_year = await pay.run("SH-HR", date(YEAR + 1, 1, 1))
    moved = pay.world.people["moved"]
    opening = OpeningInput(moved.id, YEAR, 6, 6, D(201000), D(27000), D(18000), D(5000))
    await openings.set_opening(pay.hr, opening)
    reasons = await reasons_of([june.id, july.id, next_year.id])
    expected = "The opening payroll figures of moved name for 2026 changed."
    assert reasons[june.id] == [expected] and reasons[july.id] == [expected]
    assert reasons[next_year.id] == []  # the cumulative method starts again each January
    await pay.run("SH-HR", JUN)
    assert not await Payslip.filter(run_id=june.id, employee_id=moved.id).exists()
    await pay.run("SH-HR", JUL)
    july_slip = await pay.slip("moved", JUL)
    assert july_slip.withheld_before == D(5000) and july_slip.months_employed == 7
    assert july_slip.cumulative_income == D(201000) + july_slip.income


async def test_an_opening_over_an_approved_month_is_refused(pay: Pay) -> None:
    await _two_people(pay)
    await pay.run("SH-HR", MONTHS[0], approve=True)
    moved = pay.world.people["moved"]
    with pytest.raises(ServiceError) as refused:
        await openings.set_opening(
            pay.hr, OpeningInput(moved.id, YEAR, 3, 3, D(1), D(0), D(0), D(0))
        )
    (error,) = refused.value.errors
    assert (error.code.value, error.field) == ("conflict", "lastMonth")
    assert not await PayrollOpening.exists()


async def test_figures_are_checked_field_by_field(pay: Pay) -> None:
    await _two_people(pay)
    moved = pay.world.people["moved"]
    with pytest.raises(ServiceError) as refused:
        await openings.set_opening(
            pay.hr, OpeningInput(moved.id, 2018, 12, 3, D(-1), D(0), D(0), D("1e10"))
        )
    found = {(e.field, e.code.value) for e in refused.value.errors}
    assert found == {("year", "invalid"), ("lastMonth", "invalid"), ("income", "invalid"),
                     ("tax", "invalid")}  # fmt: skip
    with pytest.raises(ServiceError) as refused:
        await openings.set_opening(
            pay.hr, OpeningInput(moved.id, YEAR, 4, 5, D(0), D(0), D(0), D(0))
        )
    assert [(e.field, e.code.value) for e in refused.value.errors] == [
        ("monthsEmployed", "invalid")
    ]
    assert not await PayrollOpening.exists()


async def test_only_hr_in_charge_sets_them_and_never_their_own(pay: Pay) -> None:
    w = pay.world
    await _two_people(pay)
    row = OpeningInput(w.people["moved"].id, YEAR, 6, 6, D(0), D(0), D(0), D(0))
    own = OpeningInput(w.people["sh_hr_person"].id, YEAR, 6, 6, D(0), D(0), D(0), D(0))
    elsewhere = OpeningInput(w.people["bj_rep"].id, YEAR, 6, 6, D(0), D(0), D(0), D(0))
    manager = await load_viewer(w.users["manager"].id)
    for viewer, r, code in (
        (pay.hr, own, "self_dealing"),  # branch HR is sh_hr_person
        (pay.hr, elsewhere, "not_found"),  # another branch: as if nobody
        (manager, row, "forbidden"),  # seen, but runs no pay
    ):
        with pytest.raises(ServiceError) as refused:
            await openings.set_opening(viewer, r)
        assert [(e.field, e.code.value) for e in refused.value.errors] == [("employeeId", code)]
    with pytest.raises(ServiceError) as refused:
        await openings.set_openings(pay.hr, [row, own, elsewhere])
    assert [(e.field, e.code.value) for e in refused.value.errors] == [
        ("rows.1.employeeId", "self_dealing"),
        ("rows.2.employeeId", "not_found"),
    ]
    assert not await PayrollOpening.exists()  # all or none
    hq = await load_viewer(w.users["hq_hr"].id)
    await openings.set_opening(hq, own)  # someone else in charge does it
    with pytest.raises(ServiceError) as refused:
        await openings.remove_opening(pay.hr, w.people["sh_hr_person"].id, YEAR)
    assert refused.value.errors[0].code.value == "self_dealing"
    assert [o.employee_id for o in await openings.visible_openings(manager)] == []
    assert [o.employee_id for o in await openings.visible_openings(pay.hr)] == [own.employee_id]


async def test_set_update_and_remove_are_audited_with_before_and_after(pay: Pay) -> None:
    await _two_people(pay)
    moved = pay.world.people["moved"]
    first = OpeningInput(moved.id, YEAR, 6, 6, D(201000), D(27000), D(18000), D(5000))
    saved = await openings.set_opening(pay.hr, first)
    created = await AuditEntry.get(subject_type="PayrollOpening", action=AuditAction.CREATE)
    assert created.subject_id == saved.id and created.employee_id == moved.id
    assert created.after is not None and created.after["income"] == "201000.00"
    assert created.after["lastMonth"] == 6 and created.actor_user_id == pay.hr.user_id
    changed = OpeningInput(moved.id, YEAR, 5, 5, D(167500), D(27000), D(15000), D(5000))
    again = await openings.set_opening(pay.hr, changed)
    assert again.id == saved.id and again.income == D(167500)
    updates = await AuditEntry.filter(
        subject_type="PayrollOpening", action=AuditAction.UPDATE
    ).order_by("field")
    assert {(u.field, str(u.before), str(u.after)) for u in updates} == {
        ("income", "{'income': '201000.00'}", "{'income': '167500.00'}"),
        ("lastMonth", "{'lastMonth': 6}", "{'lastMonth': 5}"),
        ("monthsEmployed", "{'monthsEmployed': 6}", "{'monthsEmployed': 5}"),
        ("specialAdditional", "{'specialAdditional': '18000.00'}",
         "{'specialAdditional': '15000.00'}"),
    }  # fmt: skip
    await openings.remove_opening(pay.hr, moved.id, YEAR)
    deleted = await AuditEntry.get(subject_type="PayrollOpening", action=AuditAction.DELETE)
    assert deleted.before is not None and deleted.before["income"] == "167500.00"
    assert not await PayrollOpening.exists()
    with pytest.raises(ServiceError) as refused:
        await openings.remove_opening(pay.hr, moved.id, YEAR)
    assert [(e.field, e.code.value) for e in refused.value.errors] == [("year", "not_found")]


async def test_many_rows_take_the_same_statements_as_a_few(pay: Pay) -> None:
    w = pay.world
    for n in range(12):
        await add_person(w, f"bulk{n}", "SH-PROD", salary=9000)
    await pay.run("SH-PROD", JUL)

    def rows(names: list[str], income: int) -> list[OpeningInput]:
        return [
            OpeningInput(w.people[k].id, YEAR, 6, 6, D(income), D(0), D(0), D(0)) for k in names
        ]

    few_names = [f"bulk{n}" for n in range(2)]
    many_names = [f"bulk{n}" for n in range(2, 12)]
    with StatementCounter() as few:
        await openings.set_openings(pay.hr, rows(few_names, 1))
    with StatementCounter() as many:
        await openings.set_openings(pay.hr, rows(many_names, 1))
    assert many.count == few.count, many.statements
    with StatementCounter() as updated:  # every row an update now
        await openings.set_openings(pay.hr, rows(few_names + many_names, 2))
    assert updated.count <= few.count + 1, updated.statements
    assert await PayrollOpening.filter(income=D(2)).count() == 12
    july = await PayrollRun.get(unit_id=w.units["SH-PROD"].id, month=JUL)
    assert await reasons_of([july.id]) == {
        july.id: ["The opening payroll figures of 2 people for 2026 changed.",
                  "The opening payroll figures of 10 people for 2026 changed.",
                  "The opening payroll figures of 12 people for 2026 changed."]
    }  # fmt: skip
    assert july.status is RunStatus.DRAFT
    await finish(july.id)
