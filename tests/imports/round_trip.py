"""The round-trip test's data per import kind (tests/imports/test_round_trip.py).

A kind with an `export` registers here what the test needs: a builder that puts a few records
of the kind into the test world (the performance world: KPIs NC, CR, CHURN, Shanghai sales —
tests/performance/conftest.py) and says which cell of the export to change:

    @round_trip(ImportKind.MY_KIND)
    async def _my_kind(perf: Perf) -> Change:
        thing = await Thing.create(...)
        return Change(
            match={"code": "T1"},          # the export's row: column key → value
            column="title",                # the cell to change, by column key
            value="New title",             # … to this
            record=lambda: Thing.get(id=thing.id),  # the record that row imports into
            field="title",                 # its field the change lands in (the audit's `field`)
        )

The test signs in as HQ HR (who manages everyone in the world but their own record)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee
from talentloop.performance.models import ImportKind, Kpi, KpiTarget, PerformanceRecord
from tests.performance.conftest import Perf


@dataclass(frozen=True)
class Change:
    match: dict[str, str]
    column: str
    value: str
    record: Callable[[], Awaitable[Any]]
    field: str


Builder = Callable[[Perf], Awaitable[Change]]
FIXTURES: dict[ImportKind, Builder] = {}


def round_trip(kind: ImportKind) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        FIXTURES[kind] = builder
        return builder

    return register


# --- the performance kinds ----------------------------------------------------------------------


@round_trip(ImportKind.EMPLOYEES)
async def _employees(perf: Perf) -> Change:
    person = perf.world.people["sh_rep2"]
    return Change(
        match={"employee_number": person.employee_number},
        column="work_phone",
        value="021-55550000",
        record=lambda: Employee.get(id=person.id),
        field="work_phone",
    )


@round_trip(ImportKind.KPI_RECORDS)
async def _records(perf: Perf) -> Change:
    person = perf.world.people["sh_rep"]
    return Change(
        match={"employee_number": person.employee_number, "kpi_code": "CR", "period": "2026-01"},
        column="value",
        value="12.5",
        record=lambda: PerformanceRecord.get(
            employee_id=person.id, kpi_id=perf.cr.id, period=date(2026, 1, 1)
        ),
        field="value",
    )


@round_trip(ImportKind.TARGETS)
async def _targets(perf: Perf) -> Change:
    unit = perf.world.units["SH-SALES-1"]
    return Change(
        match={"unit_code": unit.code, "kpi_code": "NC", "period": "2026-01"},
        column="value",
        value="9",
        record=lambda: KpiTarget.get(unit_id=unit.id, kpi_id=perf.nc.id, period=date(2026, 1, 1)),
        field="value",
    )


# --- kinds of other domains -------------------------------------------------------------------


@round_trip(ImportKind.ORG_UNITS)
async def _units(perf: Perf) -> Change:
    unit = perf.world.units["SH-SALES-1"]
    return Change(
        match={"code": unit.code},
        column="name",
        value="销售一组（更名）",
        record=lambda: OrgUnit.get(id=unit.id),
        field="name",
    )


@round_trip(ImportKind.KPIS)
async def _kpis(perf: Perf) -> Change:
    return Change(
        match={"code": "NC"},
        column="name",
        value="新客户数（更名）",
        record=lambda: Kpi.get(id=perf.nc.id),
        field="name",
    )


# Kinds whose export → import → one changed cell round trip is tested with their own data in
# their own tests (the data they need is more than this world has).
ELSEWHERE: dict[ImportKind, str] = {
    ImportKind.POSITIONS: "tests/imports/test_org_kinds.py::test_positions_are_created_changed_and_exported",
    ImportKind.CONTRACTS: "tests/imports/test_contract_imports.py (a signed contract is never changed by a file)",
    ImportKind.COURSES: "tests/training/test_imports.py::test_the_course_export_imported_again_changes_nothing",
    ImportKind.LEAVE_BALANCES: "tests/imports/test_time_kinds.py::test_balances_are_audited_undone_and_exported_unchanged",
    ImportKind.ATTENDANCE_PUNCHES: "tests/imports/test_time_kinds.py::test_punches_are_audited_undone_and_exported_unchanged",
    ImportKind.LEAVE_REQUESTS: "tests/imports/test_time_kinds.py::test_leave_is_audited_undone_and_exported_unchanged",
    ImportKind.COURSE_SESSIONS: "tests/training/test_imports.py (sessions: created, changed, unchanged on re-import)",
    ImportKind.TRAINING_HISTORY: "tests/training/test_imports.py (history: created, changed, unchanged on re-import)",
    ImportKind.PAYROLL_OPENINGS: "tests/payroll/test_openings_import.py",
    ImportKind.COMPETENCY_RATINGS: "tests/skills/test_imports.py::test_the_export_imported_again_changes_nothing_and_names_no_anonymous_rater",
    ImportKind.ACCOUNTS: "tests/accounts/test_imports.py::test_hq_hr_creates_invited_accounts_with_grants_audited_and_a_reimport_changes_nothing",
}  # fmt: skip


# Kinds whose statement counts are tested with their own data in their own tests.
STATEMENTS_ELSEWHERE: dict[ImportKind, str] = {
    ImportKind.ORG_UNITS: "tests/imports/test_org_kinds.py (50 and 500 rows)",
    ImportKind.POSITIONS: "tests/imports/test_org_kinds.py (50 and 500 rows)",
    ImportKind.KPIS: "tests/imports/test_org_kinds.py (50 and 500 rows)",
    ImportKind.CONTRACTS: "tests/imports/test_contract_imports.py (50 and 500 rows)",
    ImportKind.COURSES: "tests/training/test_imports.py",
    ImportKind.COURSE_SESSIONS: "tests/training/test_imports.py",
    ImportKind.TRAINING_HISTORY: "tests/training/test_imports.py",
    ImportKind.LEAVE_BALANCES: "tests/imports/test_time_kinds.py::test_statements_do_not_grow_with_the_rows",
    ImportKind.ATTENDANCE_PUNCHES: "tests/imports/test_time_kinds.py::test_statements_do_not_grow_with_the_rows",
    ImportKind.LEAVE_REQUESTS: "tests/imports/test_time_kinds.py::test_statements_do_not_grow_with_the_rows",
    ImportKind.PAYROLL_OPENINGS: "tests/payroll/test_openings.py (set_openings: constant statements)",
    ImportKind.COMPETENCY_RATINGS: "tests/skills/test_imports.py::test_a_ratings_file_takes_the_same_statements_for_more_rows",
    ImportKind.ACCOUNTS: "tests/accounts/test_imports.py::test_statements_do_not_grow_with_the_rows",
}  # fmt: skip


# The template's example codes the test world does not have, per kind: (column key, code) of
# the only failures its dry run may report. The world has units SH… and positions REP / MGR,
# KPIs NC / CR / CHURN, people T0001…; the examples name position SALES-REP, KPI SALES and
# employee E1001.
TEMPLATE_UNKNOWN: dict[ImportKind, set[tuple[str, str]]] = {
    ImportKind.EMPLOYEES: {("position_code", "NOT_FOUND")},
    ImportKind.KPI_RECORDS: {("employee_number", "NOT_FOUND"), ("kpi_code", "NOT_FOUND")},
    ImportKind.TARGETS: {("kpi_code", "NOT_FOUND")},
}


# --- files of many rows, for the statement-count tests (tests/imports/test_statements.py) ----

# A kind's file of `rows` new rows (CSV bytes) in the test world; `people` are 100 employees of
# SH-SALES made for it (`many_people`), for kinds whose rows name someone.
ManyRows = Callable[[Perf, list[Employee], int], bytes]
MANY: dict[ImportKind, ManyRows] = {}


def many_rows(kind: ImportKind) -> Callable[[ManyRows], ManyRows]:
    def register(builder: ManyRows) -> ManyRows:
        MANY[kind] = builder
        return builder

    return register


async def many_people(perf: Perf, count: int = 100) -> list[Employee]:
    unit = perf.world.units["SH-SALES"]
    await Employee.bulk_create(
        [
            Employee(
                employee_number=f"M{i:05d}",
                name=f"批量{i}",
                unit_id=unit.id,
                hire_date=date(2020, 1, 1),
            )
            for i in range(count)
        ]
    )
    return list(await Employee.filter(employee_number__startswith="M").order_by("employee_number"))


def _months(count: int) -> list[str]:
    """`count` months back from 2025-12."""
    return [f"{2025 - i // 12}-{12 - i % 12:02d}" for i in range(count)]


def _csv(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@many_rows(ImportKind.EMPLOYEES)
def _many_employees(perf: Perf, people: list[Employee], rows: int) -> bytes:
    manager = perf.world.people["sh_sales_head"].employee_number
    return _csv(
        "工号,姓名,部门编码,岗位编码,入职日期,性别,出生日期,基本工资,直属上级工号",
        [
            f"N{i:06d},新人{i},SH-SALES,REP,2024-03-01,女,1995-05-01,{8000 + i % 50},{manager}"
            for i in range(rows)
        ],
    )


@many_rows(ImportKind.KPI_RECORDS)
def _many_records(perf: Perf, people: list[Employee], rows: int) -> bytes:
    months = _months(rows // len(people) + 1)
    return _csv(
        "工号,指标编码,期间,数值",
        [
            f"{people[i % len(people)].employee_number},NC,{months[i // len(people)]},{i % 9}"
            for i in range(rows)
        ],
    )


@many_rows(ImportKind.TARGETS)
def _many_targets(perf: Perf, people: list[Employee], rows: int) -> bytes:
    months = _months(rows // len(people) + 1)
    return _csv(
        "指标编码,期间,目标值,工号",
        [
            f"CR,{months[i // len(people)]},{10 + i % 7},{people[i % len(people)].employee_number}"
            for i in range(rows)
        ],
    )
