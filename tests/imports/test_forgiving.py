"""The existing kinds read their files forgivingly (imports/parse.py): codes in any case, dates
and months in every accepted form, numbers with separators and units; and every bad row names
its value and, where the set is fixed, the valid choices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentloop.people.models import Employee, Gender
from talentloop.performance.import_rows import STATUS_CHOICES
from talentloop.performance.models import KpiTarget, PerformanceRecord
from tests.performance.conftest import Perf
from tests.performance.test_imports import _import
from tests.support import Api


async def test_an_employee_file_in_odd_cases_and_date_forms(api: Api, perf: Perf) -> None:
    w = perf.world
    head = w.people["sh_sales_head"].employee_number.lower()
    text = (
        "工号,姓名,部门编码,岗位编码,入职日期,性别,状态,出生日期,基本工资,直属上级工号\n"
        f'n300,新人甲,sh-sales-1,rep,2026/3/1,男,在职,1990年5月1日,"¥12,000",{head}\n'
        "N301,新人乙, Sh-Sales ,REP,2026.3.2 00:00:00,F,PROBATION,19910601,８０００,N300\n"
    )
    done = await _import(api, perf, text.encode(), dry=False, kind="EMPLOYEES", viewer="branch_hr")
    assert (done["status"], done["createdRows"], done["errors"]) == ("DONE", 2, [])
    first = await Employee.get(employee_number="n300").select_related("manager", "unit")
    assert (first.hire_date, first.birth_date) == (date(2026, 3, 1), date(1990, 5, 1))
    assert (first.gender, first.base_salary, first.unit.code) == (
        Gender.MALE,
        Decimal("12000.00"),
        "SH-SALES-1",
    )
    assert first.manager is not None and first.manager.id == w.people["sh_sales_head"].id
    second = await Employee.get(employee_number="N301").select_related("manager")
    assert (second.hire_date, second.birth_date, second.base_salary) == (
        date(2026, 3, 2),
        date(1991, 6, 1),
        Decimal("8000.00"),
    )
    assert second.manager is not None and second.manager.employee_number == "n300"
    # The same number in another case is the same person: an update, never a second one.
    again = text.replace("新人甲", "新人丙").replace("n300,", "N300,", 1)
    updated = await _import(
        api, perf, again.encode(), dry=False, kind="EMPLOYEES", viewer="branch_hr"
    )
    assert (updated["status"], updated["createdRows"], updated["updatedRows"]) == ("DONE", 0, 1)
    assert await Employee.filter(employee_number__in=["n300", "N300"]).count() == 1


async def test_every_bad_row_names_its_value_and_the_valid_choices(api: Api, perf: Perf) -> None:
    text = (
        "employee_number,name,unit_code,position_code,hire_date,gender,status,base_salary\n"
        'N400,甲,NOPE,BOSS,01/03/2026,X,retired,"12,34"\n'
    )
    job = await _import(api, perf, text.encode(), dry=True, kind="EMPLOYEES", viewer="branch_hr")
    found = {e["column"]: (e["value"], e["choices"]) for e in job["errors"]}
    assert found["unit_code"][0] == "NOPE"
    # Branch HR's units: few enough to be listed.
    assert "SH-SALES" in found["unit_code"][1] and "BJ-SALES" not in found["unit_code"][1]
    assert found["position_code"] == ("BOSS", ["MGR", "REP"])
    assert found["hire_date"] == ("01/03/2026", [])  # day or month first: never guessed
    assert found["gender"] == ("X", ["male", "female", "男", "女"])
    assert found["status"] == (
        "retired",
        STATUS_CHOICES,
    )
    assert found["base_salary"] == ("12,34", [])
    assert set(found) == {
        "unit_code",
        "position_code",
        "hire_date",
        "gender",
        "status",
        "base_salary",
    }


async def test_records_and_targets_in_every_month_form(api: Api, perf: Perf) -> None:
    rep = perf.world.people["sh_rep"].employee_number.lower()
    forms = ["2025/3", "2025.04", "2025年5月", "202506", "2025-07-15", "2025/8/1 00:00:00"]
    lines = ["employee_number,kpi_code,period,value"]
    lines += [f"{rep},cr,{form},{i + 10}%" for i, form in enumerate(forms)]
    lines.append(f'{rep}, Nc ,2025-09,"1,234"')
    done = await _import(api, perf, "\n".join(lines).encode(), dry=False)
    assert (done["status"], done["createdRows"], done["errors"]) == ("DONE", 7, [])
    stored = await PerformanceRecord.filter(
        employee_id=perf.world.people["sh_rep"].id,
        period__gte=date(2025, 3, 1),
        period__lte=date(2025, 12, 1),
    ).order_by("period")
    assert [(r.period.month, r.value) for r in stored] == [
        (3, Decimal("10")),
        (4, Decimal("11")),
        (5, Decimal("12")),
        (6, Decimal("13")),
        (7, Decimal("14")),
        (8, Decimal("15")),
        (9, Decimal("1234")),
    ]
    # A % only on a percentage KPI; a code unknown in any case lists the valid ones.
    bad = f"employee_number,kpi_code,period,value\n{rep},NC,2025-10,5%\n{rep},xx,2025-10,5\n"
    job = await _import(api, perf, bad.encode(), dry=True)
    assert [(e["row"], e["column"], e["value"], e["choices"]) for e in job["errors"]] == [
        (2, "value", "5%", []),
        (3, "kpi_code", "xx", ["CHURN", "CR", "NC"]),
    ]
    targets = (
        'unit_code,kpi_code,period,value\nsh-sales,nc,2025年10月,"1,000"\nsh-sales,NC,2025/11,x\n'
    )
    job = await _import(api, perf, targets.encode(), dry=True, kind="TARGETS")
    assert [(e["row"], e["column"], e["value"]) for e in job["errors"]] == [(3, "value", "x")]
    good = targets.splitlines()[:2]
    done = await _import(api, perf, "\n".join(good).encode(), dry=False, kind="TARGETS")
    assert (done["status"], done["createdRows"]) == ("DONE", 1)
    target = await KpiTarget.get(
        unit_id=perf.world.units["SH-SALES"].id, kpi_id=perf.nc.id, period=date(2025, 10, 1)
    )
    assert target.value == Decimal("1000")
    # An unknown unit lists the viewer's units (HQ HR's: at most 30 here).
    unknown = "unit_code,kpi_code,period,value\nMARS,NC,2025-10,1\n"
    job = await _import(api, perf, unknown.encode(), dry=True, kind="TARGETS")
    (error,) = job["errors"]
    assert (error["column"], error["value"]) == ("unit_code", "MARS")
    assert "SH-SALES" in error["choices"] and "BJ-SALES" in error["choices"]
