"""The typical SPA queries the benchmark (and tests/performance) send, with their variables.

`rows` is the page size each query is asked for: the employee list's page, the detail's
enrolments, the dashboard's members. The report query is the SPA's own document, read from
frontend/src like tests/security/test_spa_queries.py does.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

EMPLOYEE_LIST = """
query BenchEmployeeList($first: Int!, $after: String) {
  employees(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id employeeNumber name status
        unit { id name }
        position { id title }
        manager { id name }
      }
    }
  }
}
"""

EMPLOYEE_DETAIL = """
query BenchEmployeeDetail($id: ID!, $from: Date!, $to: Date!, $first: Int!) {
  employee(id: $id) {
    id employeeNumber name status workPhone workEmail hireDate gender birthDate
    personalPhone baseSalary idNumber bankAccount
    unit { id name city }
    position { id title level }
    manager { id name employeeNumber }
  }
  employeeKpis(employeeId: $id, from: $from, to: $to) {
    kpi { id code name unit direction }
    points { period label actual target achievement adjustments { percent reason } }
  }
  employeeCompetencies(employeeId: $id) {
    competency { id code name }
    score required gap
  }
  enrollments(employeeId: $id, first: $first) {
    totalCount
    edges {
      node {
        id status enrolledAt progressPercent completedAt
        course { id code title format }
        session { id startsAt place }
      }
    }
  }
}
"""

UNIT_DASHBOARD = """
query BenchUnitDashboard(
  $unit: ID!, $kpi: ID!, $from: Date!, $to: Date!, $period: Date!, $first: Int!
) {
  orgUnit(id: $unit) {
    id code name type city headcount
    manager { id name employeeNumber }
    ancestors { id name }
    employees(first: $first) {
      totalCount
      edges { node { id employeeNumber name status position { id title } } }
    }
  }
  unitKpiSeries(unitId: $unit, kpiId: $kpi, from: $from, to: $to) {
    points { period label actual target achievement members }
  }
  unitKpiBreakdown(unitId: $unit, kpiId: $kpi, period: $period) {
    unit { id name type }
    employee { id name }
    point { period actual target achievement members }
  }
}
"""

LOGIN = """
mutation BenchLogin($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    accessToken
    errors { message }
  }
}
"""

IMPORT = """
mutation BenchImport($input: ImportDataInput!) {
  importData(input: $input) {
    job { id status }
    errors { field message code }
  }
}
"""

IMPORT_JOB = """
query BenchImportJob($id: ID!) {
  importJob(id: $id) { id status totalRows processedRows createdRows errors { row message } }
}
"""

# The dashboards look at the last twelve months of the history.
PAYROLL_RUN = """
mutation BenchPayrollRun($input: CreatePayrollRunInput!) {
  createPayrollRun(input: $input) {
    run { id jobStatus }
    errors { field message code }
  }
}
"""

PAYROLL_RUN_STATUS = """
query BenchPayrollRunStatus($id: ID!) {
  payrollRun(id: $id) { jobStatus progress error headcount gross tax net }
}
"""
PAYROLL_MONTH = date(2026, 10, 1)

SERIES_FROM = date(2025, 11, 1)
SERIES_TO = date(2026, 10, 1)


def detail_variables(employee_gid: str, rows: int) -> dict[str, Any]:
    return {
        "id": employee_gid,
        "from": SERIES_FROM.isoformat(),
        "to": SERIES_TO.isoformat(),
        "first": rows,
    }


def dashboard_variables(unit_gid: str, kpi_gid: str, rows: int) -> dict[str, Any]:
    return {
        "unit": unit_gid,
        "kpi": kpi_gid,
        "from": SERIES_FROM.isoformat(),
        "to": SERIES_TO.isoformat(),
        "period": SERIES_TO.isoformat(),
        "first": rows,
    }


# --- the SPA's own documents ------------------------------------------------------------------

_TEMPLATE = re.compile(r"graphql\(\s*`(.*?)`\s*\)", re.S)
_FRAGMENT = re.compile(r"fragment\s+(\w+)\s+on\s+\w+\s*\{")
_SPREAD = re.compile(r"\.\.\.(\w+)")


def spa_operation(name: str) -> str:
    """The SPA's operation `name` with every fragment it spreads, as one document."""
    templates: list[str] = []
    for path in sorted((REPO / "frontend" / "src").rglob("*")):
        if path.suffix in (".vue", ".ts") and "gql" not in path.relative_to(REPO).parts[2:3]:
            templates += _TEMPLATE.findall(path.read_text(encoding="utf-8"))
    fragments = {m.group(1): t for t in templates for m in [_FRAGMENT.search(t)] if m}
    operation = next(t for t in templates if re.search(rf"\b(query|mutation)\s+{name}\b", t))
    needed: dict[str, str] = {}
    pending = _SPREAD.findall(operation)
    while pending:
        fragment = pending.pop()
        if fragment not in needed:
            needed[fragment] = fragments[fragment]
            pending += _SPREAD.findall(fragments[fragment])
    return "\n".join([operation, *needed.values()])
