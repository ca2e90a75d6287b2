"""The raw-SQL counterparts of the typical queries: the same data, fetched by ONE hand-written
statement (parts joined with UNION ALL where the page has several), shaped and serialised to
JSON in the API process. GraphQL time / raw time is the figure we steer by.

Where the API applies rules that a single statement would make unreadable, the statement
takes the common case and says so (these are yardsticks, not a second implementation):
- targets: the employee's own, else the nearest unit's; adjustments are not applied;
- competency scores: the weighted mean of each rater group's mean and the test level with
  the default weights, no anonymity threshold, no calibration;
- the unit series' target: the nearest unit target times the members with a value.
The access checks are not repeated: the benchmark reads as HQ HR, who sees everything.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise import connections

from talentloop.access.policy import mask
from talentloop.graphql.ids import to_global_id
from talentloop.people import sensitive
from talentloop.people.sensitive import SensitiveField
from talentloop.privacy import cipher


def _masked(number: str, field: SensitiveField, sealed: str | None) -> str | None:
    if sealed is None:
        return None
    return mask(cipher.open_sealed(sealed, sensitive.context(number, field)))


WIDTH = 13  # part + 12 text columns
_PARAM = re.compile(r":([a-z_]+)\b")


def _bind(sql: str, params: dict[str, Any], postgres: bool) -> tuple[str, list[Any]]:
    """`:name` placeholders to `$n` (PostgreSQL) or `?` (SQLite)."""
    values: list[Any] = []
    numbers: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params[name]
        if postgres:
            if name not in numbers:
                values.append(value)
                numbers[name] = len(values)
            return f"${numbers[name]}"
        values.append(value.isoformat() if isinstance(value, date) else value)
        return "?"

    return _PARAM.sub(replace, sql), values


def _part(name: str, *columns: str) -> str:
    padded = [f"'{name}'", *columns, *["NULL"] * (WIDTH - 1 - len(columns))]
    return ", ".join(f"{c} AS c{i}" for i, c in enumerate(padded))


def _text(expr: str) -> str:
    return f"CAST({expr} AS TEXT)"


async def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    client = connections.get("default")
    postgres = client.capabilities.dialect == "postgres"
    query, values = _bind(sql, params, postgres)
    return await client.execute_query_dict(query, values)


def _gid(type_name: str, value: Any) -> str | None:
    return to_global_id(type_name, int(value)) if value is not None else None


# --- the employee list -----------------------------------------------------------------------

LIST_SQL = """
SELECT e.id, e.employee_number, e.name, e.status,
       u.id AS unit_id, u.name AS unit_name, p.id AS position_id, p.title AS position_title,
       m.id AS manager_id, m.name AS manager_name,
       (SELECT COUNT(*) FROM employee) AS total
FROM employee e
JOIN org_unit u ON u.id = e.unit_id
LEFT JOIN position p ON p.id = e.position_id
LEFT JOIN employee m ON m.id = e.manager_id
WHERE e.employee_number > :after
ORDER BY e.employee_number
LIMIT :limit
"""


async def employee_list(variables: dict[str, Any]) -> dict[str, Any]:
    from talentloop.pagination import decode_cursor, encode_cursor

    first = int(variables["first"])
    after = decode_cursor(variables["after"]) if variables.get("after") else ""
    rows = await _rows(LIST_SQL, {"after": after, "limit": first + 1})
    page = rows[:first]
    edges = [
        {
            "cursor": encode_cursor(r["employee_number"]),
            "node": {
                "id": _gid("Employee", r["id"]),
                "employeeNumber": r["employee_number"],
                "name": r["name"],
                "status": str(r["status"]).upper(),
                "unit": {"id": _gid("OrgUnit", r["unit_id"]), "name": r["unit_name"]},
                "position": {"id": _gid("Position", r["position_id"]), "title": r["position_title"]}
                if r["position_id"] is not None
                else None,
                "manager": {"id": _gid("Employee", r["manager_id"]), "name": r["manager_name"]}
                if r["manager_id"] is not None
                else None,
            },
        }
        for r in page
    ]
    return {
        "data": {
            "employees": {
                "totalCount": int(rows[0]["total"]) if rows else 0,
                "pageInfo": {
                    "hasNextPage": len(rows) > first,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
                "edges": edges,
            }
        }
    }


# --- the employee detail ----------------------------------------------------------------------

_UNIT_TARGET = (
    "(SELECT t.value FROM kpi_target t JOIN org_unit tu ON tu.id = t.unit_id "
    "WHERE t.kpi_id = k.id AND t.period = r.period "
    "AND (SELECT u.path FROM employee e JOIN org_unit u ON u.id = e.unit_id WHERE e.id = :emp) "
    "LIKE tu.path || '%' ORDER BY LENGTH(tu.path) DESC LIMIT 1)"
)
_OWN_TARGET = (
    "(SELECT t.value FROM kpi_target t "
    "WHERE t.kpi_id = k.id AND t.period = r.period AND t.employee_id = :emp)"
)
DETAIL_SQL = f"""
SELECT {
    _part(
        "profile",
        "CAST(e.id AS TEXT)",
        "e.employee_number",
        "e.name",
        "e.status",
        "e.work_phone",
        "e.work_email",
        _text("e.hire_date"),
        "e.gender",
        _text("e.birth_date"),
        "e.personal_phone",
        _text("e.base_salary"),
        "e.id_number_cipher",
    )
}
FROM employee e WHERE e.id = :emp
UNION ALL
SELECT {
    _part(
        "profile2",
        "e.bank_account_cipher",
        _text("u.id"),
        "u.name",
        "u.city",
        _text("p.id"),
        "p.title",
        "p.level",
        _text("m.id"),
        "m.name",
        "m.employee_number",
    )
}
FROM employee e JOIN org_unit u ON u.id = e.unit_id
LEFT JOIN position p ON p.id = e.position_id LEFT JOIN employee m ON m.id = e.manager_id
WHERE e.id = :emp
UNION ALL
SELECT {
    _part(
        "kpi",
        _text("k.id"),
        "k.code",
        "k.name",
        "k.unit",
        "k.direction",
        _text("r.period"),
        _text("SUM(r.value)"),
        _text(f"COALESCE({_OWN_TARGET}, {_UNIT_TARGET})"),
    )
}
FROM performance_record r JOIN kpi k ON k.id = r.kpi_id
WHERE r.employee_id = :emp AND r.period >= :from AND r.period <= :to
GROUP BY k.id, k.code, k.name, k.unit, k.direction, r.period
UNION ALL
SELECT {_part("competency", _text("c.id"), "c.code", "c.name", _text("s.score"), _text("rl.level"))}
FROM competency c
LEFT JOIN (
  SELECT x.competency_id, SUM(x.w * x.mean) / SUM(x.w) AS score FROM (
    SELECT r.competency_id, AVG(r.level * 1.0) AS mean,
           CASE a.relation WHEN 'manager' THEN 40 WHEN 'peer' THEN 20 WHEN 'self' THEN 10
                           ELSE 20 END AS w
    FROM assessment_round ar
    JOIN rater_assignment a ON a.round_id = ar.id
    JOIN rating r ON r.assignment_id = a.id
    WHERE ar.employee_id = :emp AND a.submitted_at IS NOT NULL
    GROUP BY r.competency_id, a.relation
    UNION ALL
    SELECT st.competency_id, AVG(ta.level * 1.0), 30
    FROM test_attempt ta JOIN skill_test st ON st.id = ta.test_id
    WHERE ta.employee_id = :emp AND ta.level IS NOT NULL
    GROUP BY st.competency_id
  ) x GROUP BY x.competency_id
) s ON s.competency_id = c.id
LEFT JOIN required_level rl ON rl.competency_id = c.id AND rl.unit_id IS NULL
  AND rl.position_id = (SELECT e.position_id FROM employee e WHERE e.id = :emp)
UNION ALL
SELECT {_part("enrollment_count", _text("COUNT(*)"))}
FROM enrollment en WHERE en.employee_id = :emp
UNION ALL
SELECT * FROM (
  SELECT {
    _part(
        "enrollment",
        _text("en.id"),
        "en.status",
        _text("en.enrolled_at"),
        _text("en.progress_percent"),
        _text("en.completed_at"),
        _text("c.id"),
        "c.code",
        "c.title",
        "c.format",
        _text("s.id"),
        _text("s.starts_at"),
        "s.place",
    )
}
  FROM enrollment en JOIN course c ON c.id = en.course_id
  LEFT JOIN course_session s ON s.id = en.session_id
  WHERE en.employee_id = :emp
  ORDER BY en.id
  LIMIT :first
) enrolments
"""


def _num(text: Any) -> Decimal | None:
    return Decimal(str(text)).quantize(Decimal("0.01")) if text is not None else None


async def employee_detail(variables: dict[str, Any]) -> dict[str, Any]:
    from talentloop.graphql.ids import pk_of

    emp = pk_of(variables["id"], "Employee") or -1
    rows = await _rows(
        DETAIL_SQL,
        {
            "emp": emp,
            "from": date.fromisoformat(variables["from"]),
            "to": date.fromisoformat(variables["to"]),
            "first": int(variables["first"]),
        },
    )
    by_part: dict[str, list[list[Any]]] = {}
    for row in rows:
        values = list(row.values())
        by_part.setdefault(values[0], []).append(values[1:])
    employee = None
    if by_part.get("profile") and by_part.get("profile2"):
        p, q = by_part["profile"][0], by_part["profile2"][0]
        employee = {
            "id": _gid("Employee", p[0]),
            "employeeNumber": p[1],
            "name": p[2],
            "status": str(p[3]).upper(),
            "workPhone": p[4],
            "workEmail": p[5],
            "hireDate": str(p[6])[:10],
            "gender": str(p[7]).upper() if p[7] else None,
            "birthDate": str(p[8])[:10] if p[8] else None,
            "personalPhone": p[9],
            "baseSalary": str(_num(p[10])),
            # opened and masked as the API does (people/sensitive.py)
            "idNumber": _masked(p[1], SensitiveField.ID_NUMBER, p[11]),
            "bankAccount": _masked(p[1], SensitiveField.BANK_ACCOUNT, q[0]),
            "unit": {"id": _gid("OrgUnit", q[1]), "name": q[2], "city": q[3]},
            "position": {"id": _gid("Position", q[4]), "title": q[5], "level": q[6]}
            if q[4]
            else None,
            "manager": {"id": _gid("Employee", q[7]), "name": q[8], "employeeNumber": q[9]}
            if q[7]
            else None,
        }
    series: dict[str, dict[str, Any]] = {}
    for k in by_part.get("kpi", []):
        entry = series.setdefault(
            k[0],
            {
                "kpi": {
                    "id": _gid("Kpi", k[0]),
                    "code": k[1],
                    "name": k[2],
                    "unit": str(k[3]).upper(),
                    "direction": str(k[4]).upper(),
                },
                "points": [],
            },
        )
        actual, target = _num(k[6]), _num(k[7])
        entry["points"].append(
            {
                "period": str(k[5])[:10],
                "label": str(k[5])[:7],
                "actual": str(actual) if actual is not None else None,
                "target": str(target) if target is not None else None,
                "achievement": str((actual / target * 100).quantize(Decimal("0.01")))
                if actual is not None and target
                else None,
                "adjustments": [],
            }
        )
    competencies = []
    for c in by_part.get("competency", []):
        score, required = _num(c[3]), int(c[4]) if c[4] is not None else None
        competencies.append(
            {
                "competency": {"id": _gid("Competency", c[0]), "code": c[1], "name": c[2]},
                "score": str(score) if score is not None else None,
                "required": required,
                "gap": str(required - score)
                if required is not None and score is not None
                else None,
            }
        )
    enrolments = [
        {
            "node": {
                "id": _gid("Enrollment", e[0]),
                "status": str(e[1]).upper(),
                "enrolledAt": e[2],
                "progressPercent": int(e[3]),
                "completedAt": e[4],
                "course": {"id": _gid("Course", e[5]), "code": e[6], "title": e[7], "format": e[8]},
                "session": {"id": _gid("CourseSession", e[9]), "startsAt": e[10], "place": e[11]}
                if e[9]
                else None,
            }
        }
        for e in by_part.get("enrollment", [])
    ]
    count = by_part.get("enrollment_count", [[0]])[0][0]
    return {
        "data": {
            "employee": employee,
            "employeeKpis": list(series.values()),
            "employeeCompetencies": competencies,
            "enrollments": {"totalCount": int(count), "edges": enrolments},
        }
    }


# --- the unit dashboard -----------------------------------------------------------------------

_PATH = "(SELECT up.path FROM org_unit up WHERE up.id = :unit)"
_UNDER = f"{_PATH} || '%'"
# the unit's members, so that their records are found by the (employee, KPI, period) index
_MEMBERS = (
    "SELECT me.id FROM employee me JOIN org_unit mu ON mu.id = me.unit_id "
    f"WHERE mu.path LIKE {_UNDER}"
)
DASHBOARD_SQL = f"""
SELECT {
    _part(
        "unit",
        _text("u.id"),
        "u.code",
        "u.name",
        "u.type",
        "u.city",
        _text(
            f"(SELECT COUNT(*) FROM employee e JOIN org_unit eu ON eu.id = e.unit_id "
            f"WHERE eu.path LIKE {_UNDER} AND e.status <> 'terminated')"
        ),
        _text("m.id"),
        "m.name",
        "m.employee_number",
        _text(
            f"(SELECT COUNT(*) FROM employee e JOIN org_unit eu ON eu.id = e.unit_id "
            f"WHERE eu.path LIKE {_UNDER})"
        ),
    )
}
FROM org_unit u LEFT JOIN employee m ON m.id = u.manager_id WHERE u.id = :unit
UNION ALL
SELECT {_part("ancestor", _text("a.id"), "a.name", "a.path")}
FROM org_unit a WHERE {_PATH} LIKE a.path || '%' AND a.id <> :unit
UNION ALL
SELECT * FROM (
  SELECT {
    _part(
        "member", _text("e.id"), "e.employee_number", "e.name", "e.status", _text("p.id"), "p.title"
    )
}
  FROM employee e JOIN org_unit eu ON eu.id = e.unit_id
  LEFT JOIN position p ON p.id = e.position_id
  WHERE eu.path LIKE {_UNDER}
  ORDER BY e.employee_number
  LIMIT :first
) members
UNION ALL
SELECT {
    _part(
        "series",
        _text("r.period"),
        _text("SUM(r.value)"),
        _text("COUNT(DISTINCT r.employee_id)"),
        _text(
            "(SELECT t.value FROM kpi_target t JOIN org_unit tu ON tu.id = t.unit_id "
            f"WHERE t.kpi_id = :kpi AND t.period = r.period AND {_PATH} LIKE "
            "tu.path || '%' ORDER BY LENGTH(tu.path) DESC LIMIT 1)"
        ),
    )
}
FROM performance_record r
WHERE r.employee_id IN ({_MEMBERS}) AND r.kpi_id = :kpi AND r.period >= :from AND r.period <= :to
GROUP BY r.period
UNION ALL
SELECT {
    _part(
        "child",
        _text("c.id"),
        "c.name",
        "c.type",
        _text("SUM(r.value)"),
        _text("COUNT(DISTINCT r.employee_id)"),
    )
}
FROM performance_record r
JOIN employee e ON e.id = r.employee_id
JOIN org_unit eu ON eu.id = e.unit_id
JOIN org_unit c ON c.parent_id = :unit AND eu.path LIKE c.path || '%'
WHERE r.employee_id IN ({_MEMBERS}) AND r.kpi_id = :kpi AND r.period = :period
GROUP BY c.id, c.name, c.type, c.code
UNION ALL
SELECT {_part("direct", _text("e.id"), "e.name", _text("SUM(r.value)"))}
FROM employee e
JOIN performance_record r ON r.employee_id = e.id AND r.kpi_id = :kpi AND r.period = :period
WHERE e.unit_id = :unit
GROUP BY e.id, e.name
"""


async def unit_dashboard(variables: dict[str, Any]) -> dict[str, Any]:
    from talentloop.graphql.ids import pk_of

    unit = pk_of(variables["unit"], "OrgUnit") or -1
    kpi = pk_of(variables["kpi"], "Kpi") or -1
    rows = await _rows(
        DASHBOARD_SQL,
        {
            "unit": unit,
            "kpi": kpi,
            "from": date.fromisoformat(variables["from"]),
            "to": date.fromisoformat(variables["to"]),
            "period": date.fromisoformat(variables["period"]),
            "first": int(variables["first"]),
        },
    )
    by_part: dict[str, list[list[Any]]] = {}
    for row in rows:
        values = list(row.values())
        by_part.setdefault(values[0], []).append(values[1:])
    org_unit = None
    if by_part.get("unit"):
        u = by_part["unit"][0]
        ancestors = sorted(by_part.get("ancestor", []), key=lambda a: len(a[2]))
        org_unit = {
            "id": _gid("OrgUnit", u[0]),
            "code": u[1],
            "name": u[2],
            "type": str(u[3]).upper(),
            "city": u[4],
            "headcount": int(u[5]),
            "manager": {"id": _gid("Employee", u[6]), "name": u[7], "employeeNumber": u[8]}
            if u[6]
            else None,
            "ancestors": [{"id": _gid("OrgUnit", a[0]), "name": a[1]} for a in ancestors],
            "employees": {
                "totalCount": int(u[9]),
                "edges": [
                    {
                        "node": {
                            "id": _gid("Employee", m[0]),
                            "employeeNumber": m[1],
                            "name": m[2],
                            "status": str(m[3]).upper(),
                            "position": {"id": _gid("Position", m[4]), "title": m[5]}
                            if m[4]
                            else None,
                        }
                    }
                    for m in by_part.get("member", [])
                ],
            },
        }

    def point(period: Any, actual: Any, target: Any, members: Any) -> dict[str, Any]:
        a, t = _num(actual), _num(target)
        return {
            "period": str(period)[:10],
            "actual": str(a) if a is not None else None,
            "target": str(t) if t is not None else None,
            "achievement": str((a / t * 100).quantize(Decimal("0.01")))
            if a is not None and t
            else None,
            "members": int(members),
        }

    points = []
    for s in sorted(by_part.get("series", []), key=lambda s: str(s[0])):
        members = int(s[2])
        target = Decimal(str(s[3])) * members if s[3] is not None else None
        points.append({**point(s[0], s[1], target, members), "label": str(s[0])[:7]})
    breakdown = [
        {
            "unit": {"id": _gid("OrgUnit", c[0]), "name": c[1], "type": str(c[2]).upper()},
            "employee": None,
            "point": point(variables["period"], c[3], None, c[4]),
        }
        for c in by_part.get("child", [])
    ] + [
        {
            "unit": None,
            "employee": {"id": _gid("Employee", d[0]), "name": d[1]},
            "point": point(variables["period"], d[2], None, 1),
        }
        for d in by_part.get("direct", [])
    ]
    return {
        "data": {
            "orgUnit": org_unit,
            "unitKpiSeries": {"points": points},
            "unitKpiBreakdown": breakdown,
        }
    }


RawQuery = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
RAW: dict[str, RawQuery] = {
    "employee_list": employee_list,
    "employee_detail": employee_detail,
    "unit_dashboard": unit_dashboard,
}
