"""The unit's monthly sheet: scoped like everything else, and the same figures in the XLSX."""

from __future__ import annotations

import base64
import io

from openpyxl import load_workbook

from tests.attendance.conftest import Branches, punch
from tests.support import Api, StatementCounter, gid

SHEET = """
query ($unit: ID!, $month: Date!) {
  attendanceSheet(unitId: $unit, month: $month) {
    month
    rows { employee { employeeNumber } ruleSet { name }
           summary { lateCount overtimeWorkdayHours overtimeRestDayHours overtimeHolidayHours }
           days { date absent } }
  }
}
"""
XLSX = """
query ($unit: ID!, $month: Date!) {
  attendanceSheetXlsx(unitId: $unit, month: $month) { fileName contentType contentBase64 }
}
"""


async def test_the_sheet_lists_the_subtree_the_viewer_may_read(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    await punch(w.people["sh_rep"], "2026-10-10", "09:08", "20:00")
    await punch(w.people["sh_rep2"], "2026-10-01", "08:00", "12:00")
    args = {"unit": gid(w.units["SH-SALES"]), "month": "2026-10-01"}
    sheet = (await api.data(SHEET, args, as_=w.users["manager"]))["attendanceSheet"]
    numbers = [r["employee"]["employeeNumber"] for r in sheet["rows"]]
    expected = sorted(w.people[p].employee_number for p in ("sh_sales_head", "sh_rep", "sh_rep2"))
    assert numbers == expected
    by_number = {r["employee"]["employeeNumber"]: r for r in sheet["rows"]}
    rep = by_number[w.people["sh_rep"].employee_number]["summary"]
    assert (rep["lateCount"], rep["overtimeWorkdayHours"]) == (1, 2)
    rep2 = by_number[w.people["sh_rep2"].employee_number]["summary"]
    assert rep2["overtimeHolidayHours"] == 4

    assert (await api.data(SHEET, args, as_=w.users["bj_hr"]))["attendanceSheet"] is None
    own = (await api.data(SHEET, args, as_=w.users["employee"]))["attendanceSheet"]
    assert [r["employee"]["employeeNumber"] for r in own["rows"]] == [
        w.people["sh_rep"].employee_number
    ]


DAYS = """
query ($unit: ID!, $month: Date!, $employee: ID!) {
  attendanceSheet(unitId: $unit, month: $month) {
    rows { employee { id } days { date kind firstIn lastOut lateMinutes absent overtimeWorkdayMinutes } }
  }
  attendanceMonth(employeeId: $employee, month: $month) {
    days { date kind firstIn lastOut lateMinutes absent overtimeWorkdayMinutes }
  }
}
"""


async def test_each_row_carries_the_persons_days_as_their_own_month_shows_them(
    api: Api, branches: Branches
) -> None:
    """A phone shows the sheet a day at a time: each row has the days of the person's month."""
    w = branches.world
    await punch(w.people["sh_rep"], "2026-10-10", "09:08", "20:00")
    rep = gid(w.people["sh_rep"])
    args = {"unit": gid(w.units["SH-SALES"]), "month": "2026-10-01", "employee": rep}
    data = await api.data(DAYS, args, as_=w.users["manager"])
    row = next(r for r in data["attendanceSheet"]["rows"] if r["employee"]["id"] == rep)
    assert row["days"] == data["attendanceMonth"]["days"]
    late = next(d for d in row["days"] if d["date"] == "2026-10-10")
    assert (late["lateMinutes"] > 0, late["overtimeWorkdayMinutes"]) == (True, 120)


async def test_the_sheet_reads_in_a_fixed_number_of_statements(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    args = {"unit": gid(w.units["SH"]), "month": "2026-10-01"}
    with StatementCounter() as few:
        await api.data(SHEET, {**args, "unit": gid(w.units["SH-SALES-1"])}, as_=w.users["hq_hr"])
    for person in ("sh_rep", "sh_rep2", "sh_worker", "sh_sales_head"):
        await punch(w.people[person], "2026-10-12", "09:00", "18:00")
    with StatementCounter() as many:
        result = await api.data(SHEET, args, as_=w.users["hq_hr"])
    assert len(result["attendanceSheet"]["rows"]) > 2
    assert many.count <= few.count + 1, many.statements


async def test_the_xlsx_holds_the_same_figures(api: Api, branches: Branches) -> None:
    w = branches.world
    await punch(w.people["sh_rep"], "2026-10-17", "09:00", "17:00")
    args = {"unit": gid(w.units["SH-SALES-1"]), "month": "2026-10-01"}
    found = (await api.data(XLSX, args, as_=w.users["branch_hr"]))["attendanceSheetXlsx"]
    assert found["fileName"] == "attendance-SH-SALES-1-2026-10.xlsx"
    book = load_workbook(io.BytesIO(base64.b64decode(found["contentBase64"])))
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    header = rows[1]
    data = {r[0]: dict(zip(header, r, strict=True)) for r in rows[2:]}
    rep = data[w.people["sh_rep"].employee_number]
    assert rep["休息日加班(小时,200%)"] == 7
    assert rep["应出勤天数"] == 18
    # No punch on a workday is a missing punch (缺卡) until decided, not an absence.
    assert (rep["旷工天数"], rep["缺卡天数"]) == (0, 18)
    assert set(data) == {w.people["sh_rep"].employee_number, w.people["sh_rep2"].employee_number}


async def test_a_name_that_reads_as_a_formula_is_text_in_the_xlsx(
    api: Api, branches: Branches
) -> None:
    from talentloop.people.models import Employee
    from tests.support import FORMULA_NAMES, assert_formulas_are_text

    w = branches.world
    args = {"unit": gid(w.units["SH-SALES-1"]), "month": "2026-10-01"}
    for name in FORMULA_NAMES:
        await Employee.filter(id=w.people["sh_rep"].id).update(name=name)
        found = (await api.data(XLSX, args, as_=w.users["branch_hr"]))["attendanceSheetXlsx"]
        assert_formulas_are_text(base64.b64decode(found["contentBase64"]), name)
