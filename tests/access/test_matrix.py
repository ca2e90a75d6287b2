"""The authorization matrix through the HTTP API: for every role and every relation of the
target (self, same team, same unit, same branch, other branch), each type, field, root field
and mutation declared in access/matrix.py answers as declared — looked up by id, listed,
reached through other records, searched for, imported, exported and changed — and whatever is
denied answers byte for byte like what does not exist.

One world per test (tests/access/matrix_world.py), many assertions per test: each test
collects every disagreement and fails listing them all. Each table of probes below is
checked against the declarations, so a new root field or mutation needs a probe here.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    is_non_null_type,
)
from graphql.pyutils import Undefined
from openpyxl import load_workbook

from talentloop.access.matrix import (
    EDGES_WITH_PARENT,
    FIELDS,
    FLOW_EDITS,
    IDS_WITH_PARENT,
    LOOKUPS,
    MUTATIONS,
    NOT_FOUND,
    QUERIES,
    SELF_DEALING,
    TYPES,
    Owner,
    Reach,
    Read,
    Relation,
    Target,
    access_outcome,
    mutation_outcome,
    reaches,
)
from talentloop.accounts.models import Role
from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.graphql.ids import parse_global_id, to_global_id
from talentloop.graphql.schema import schema
from tests.access.matrix_world import (
    CONV_MONTH,
    MISSING_PK,
    TEAMS,
    VIEWER_PERSON,
    VIEWERS,
    MatrixWorld,
    Record,
    build_matrix_world,
    month,
    new_education,
    new_event,
    new_interview,
    new_leave_request,
    new_location,
    new_onboarding_task,
    new_overtime_request,
    new_restore_request,
    new_user,
    team_rule,
    team_trainer,
)
from tests.support import Api, access_token

GRAPHQL = schema._schema
BATCH = 30  # aliases per operation (graphql/limits.py)
EVERYONE = [p for team in TEAMS.values() for p in team]
T = TypeVar("T")
Problems = list[str]


def _chunks(items: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _operation(fields: Iterable[str], kind: str = "", fragments: str = "") -> str:
    """One operation asking each field under its own alias a0, a1, …"""
    return f"{kind} {{ {' '.join(f'a{i}: {f}' for i, f in enumerate(fields))} }} {fragments}"


def _report(problems: Problems) -> str:
    unique = list(dict.fromkeys(problems))
    return f"{len(unique)} disagreement(s) with access/matrix.py:\n" + "\n".join(unique[:80])


def _me(viewer: str) -> str:
    """Whose relations pick the targets: the viewer's own, or (anonymous) the employee's."""
    return viewer if viewer in VIEWER_PERSON else "employee"


def visible(w: MatrixWorld, viewer: str, record: Record) -> bool:
    """Whether the matrix lets this viewer read this record (TYPES)."""
    role = VIEWERS[viewer]
    relation = w.relation(viewer, record) if role is not None else None
    return reaches(TYPES[record.type].reads[record.owner], role, relation or Relation.SELF)


def person_reach(w: MatrixWorld, viewer: str, person: str, reach: Reach) -> bool:
    return reaches(reach, VIEWERS[viewer], w.person_relation(_me(viewer), person))


def unit_reach(viewer: str, relation: Relation, reach: Reach = Reach.UNIT) -> bool:
    return reaches(reach, VIEWERS[viewer], relation)


def _missing_gid(type_name: str, n: int = 0) -> str:
    return to_global_id(type_name, MISSING_PK + n)


async def _same_as_missing(
    api: Api, user: Any, real: str, missing: str, what: str, problems: Problems
) -> None:
    """The answer about records that exist but are denied, and the one about records that do
    not exist, must be the same bytes."""
    answer_real = (await api.post(real, as_=user)).content
    answer_missing = (await api.post(missing, as_=user)).content
    if answer_real != answer_missing:
        problems.append(f"{what}: denied ≠ missing:\n  {answer_real!r}\n  {answer_missing!r}")


# --- lookups: node(id:) and the by-id root fields -------------------------------------------------


async def test_lookups_answer_as_declared_and_like_missing_records_when_denied(api: Api) -> None:
    w = await build_matrix_world()
    problems: Problems = []
    cells = [("node", r) for r in w.records] + [
        (name, r) for name, type_name in LOOKUPS.items() if type_name for r in w.of_type(type_name)
    ]
    for viewer in VIEWERS:
        user = w.user_of(viewer)
        for batch in _chunks(cells):
            asked = [f'{name}(id: "{r.gid}") {{ id }}' for name, r in batch]
            data = (await api.run(_operation(asked), as_=user))["data"]
            for i, (name, r) in enumerate(batch):
                got = (data[f"a{i}"] or {}).get("id")
                if got != (r.gid if visible(w, viewer, r) else None):
                    relation = w.relation(_me(viewer), r)
                    shown = "visible" if got else "null"
                    problems.append(f"{viewer} × {relation} × {r.type} × {name}: {shown}")
        denied = [(name, r) for name, r in cells if not visible(w, viewer, r)]
        for batch in _chunks(denied):
            real = _operation(f'{name}(id: "{r.gid}") {{ id }}' for name, r in batch)
            missing = _operation(
                f'{name}(id: "{_missing_gid(r.type, i)}") {{ id }}'
                for i, (name, r) in enumerate(batch)
            )
            before = await AuditEntry.filter(action=AuditAction.ACCESS_DENIED).count()
            await _same_as_missing(api, user, real, missing, f"{viewer} × lookups", problems)
            audited = await AuditEntry.filter(action=AuditAction.ACCESS_DENIED).count() - before
            if audited != (len(batch) if user is not None else 0):
                problems.append(f"{viewer}: {audited} of {len(batch)} denied lookups audited")
    assert not problems, _report(problems)


# --- lists ---------------------------------------------------------------------------------------


def _kpi_targets(w: MatrixWorld) -> str:
    asks = [("kpi_conv", CONV_MONTH)] + [("kpi_new", month(n)) for n in range(len(EVERYONE))]
    return " ".join(
        f'k{i}: kpiTargets(kpiId: "{w.cid(kpi)}", period: "{period}") {{ id }}'
        for i, (kpi, period) in enumerate(asks)
    )


CONNECTION = "(first: 100) { edges { node { id } } }"
LISTS: dict[str, Callable[[MatrixWorld], str]] = {
    "orgUnits": lambda w: "orgUnits { id }",
    "employees": lambda w: "employees" + CONNECTION,
    "positions": lambda w: "positions { id }",
    "kpis": lambda w: "kpis { id }",
    "performanceRecords": lambda w: "performanceRecords" + CONNECTION,
    "kpiTargets": _kpi_targets,
    "triggerRules": lambda w: "triggerRules { id }",
    "assessmentRequests": lambda w: "assessmentRequests" + CONNECTION,
    "paySuspensions": lambda w: "paySuspensions { id restoreRequests { id } }",
    "competencyCategories": lambda w: "competencyCategories { id }",
    "competencies": lambda w: "competencies { id }",
    "assessmentRounds": lambda w: "assessmentRounds" + CONNECTION,
    "myRaterTasks": lambda w: "myRaterTasks { id }",
    "skillTests": lambda w: "skillTests { id }",
    "myTestAttempts": lambda w: "myTestAttempts { id }",
    "courses": lambda w: "courses(first: 100) { edges { node { id sessions { id } } } }",
    "myEnrollments": lambda w: "myEnrollments { id }",
    "enrollments": lambda w: "enrollments" + CONNECTION,
    "trainingPlans": lambda w: "trainingPlans { id }",
    "trainingTargetRules": lambda w: "trainingTargetRules { id }",
    "trainers": lambda w: "trainers(first: 100) { edges { node { id } } }",
    "externalEvents": lambda w: (
        f'externalEvents(from: "{CONV_MONTH}", to: "{CONV_MONTH}") {{ id }}'
    ),
    "attendanceRuleSets": lambda w: "attendanceRuleSets { id unit { id } }",
    "myLeaveRequests": lambda w: "myLeaveRequests { id }",
    "myApprovalRequests": lambda w: "myApprovalRequests { id }",
    "leaveRequests": lambda w: "leaveRequests" + CONNECTION,
    "myOvertimeRequests": lambda w: "myOvertimeRequests { id }",
    "overtimeRequests": lambda w: "overtimeRequests" + CONNECTION,
    "payrollRuns": lambda w: "payrollRuns { id payslips { id } }",
    "myPayslips": lambda w: "myPayslips { id }",
    "payrollOpenings": lambda w: (
        "payrollOpenings(year: 2024, first: 100) { edges { node { id } } }"
    ),
    "mySensitiveExports": lambda w: "mySensitiveExports { id unit { id } }",
    "requisitions": lambda w: "requisitions(first: 100) { edges { node { id postings { id } } } }",
    "postings": lambda w: "postings(first: 100) { edges { node { id requisition { id } } } }",
    "applications": lambda w: (
        "applications(first: 100) { edges { node { id posting { id } interviews { id } } } }"
    ),
    "recruitmentFunnel": lambda w: "recruitmentFunnel { posting { id } applied }",
    "importJobs": lambda w: "importJobs" + CONNECTION,
}


def _ids(value: Any) -> set[str]:
    """Every `id` in an answer."""
    if isinstance(value, list):
        return set().union(*(_ids(item) for item in value))
    if isinstance(value, dict):
        found = {value["id"]} if isinstance(value.get("id"), str) else set()
        return found.union(*(_ids(item) for key, item in value.items() if key != "id"))
    return set()


def _type_of(gid: str) -> str | None:
    parsed = parse_global_id(gid)
    return parsed[0] if parsed else None


def test_every_list_has_a_probe() -> None:
    assert set(LISTS) == {n for n, q in QUERIES.items() if q.read in (Read.LIST, Read.OWN_LIST)}


async def test_lists_hold_exactly_what_the_viewer_may_read(api: Api) -> None:
    w = await build_matrix_world()
    problems: Problems = []
    for viewer in VIEWERS:
        user = w.user_of(viewer)
        for name, probe in LISTS.items():
            rule = QUERIES[name]
            data = (await api.run("{ " + probe(w) + " }", as_=user))["data"]
            got = {gid for gid in _ids(data) if _type_of(gid) == rule.type}
            expected = {
                r.gid
                for r in w.of_type(str(rule.type))
                if visible(w, viewer, r)
                and (rule.read is Read.LIST or w.relation(viewer, r) is Relation.SELF)
            }
            for gid in sorted(got ^ expected):
                relation = w.relation(_me(viewer), w.by_gid[gid]) if gid in w.by_gid else "?"
                state = "listed" if gid in got else "not listed"
                problems.append(f"{viewer} × {relation} × {rule.type} × {name}: {state}")
            for gid in _ids(data) - got:  # what a list reaches: a suspension's requests…
                if gid not in w.by_gid or not visible(w, viewer, w.by_gid[gid]):
                    problems.append(f"{viewer} × {name}: reached {_type_of(gid)} {gid}")
    assert not problems, _report(problems)


# --- search: the filters that name a person or a unit --------------------------------------------


@dataclass(frozen=True)
class Search:
    """A root field narrowed to one person (`by` PERSON) or one team (`by` UNIT): it finds the
    records of type `counts` there that the viewer may read, and nothing more."""

    field: str
    argument: str
    by: Owner
    counts: str
    text: str  # the field, with {key}: a global id, or a name for `search`

    def ask(self, key: str) -> str:
        return self.text.replace("{key}", key)

    def key(self, w: MatrixWorld, ref: str) -> str:
        if self.argument == "search":
            return f"{ref} name"
        if self.by is Owner.PERSON:
            return to_global_id("Employee", w.people[ref].id)
        return to_global_id("OrgUnit", w.units[ref].id)

    def missing_key(self, n: int) -> str:
        if self.argument == "search":
            return "nobody at all"
        return _missing_gid("Employee" if self.by is Owner.PERSON else "OrgUnit", n)

    def expected(self, w: MatrixWorld, viewer: str, ref: str) -> int:
        def there(r: Record) -> bool:
            if self.by is Owner.PERSON or r.owner is Owner.UNIT:
                return r.ref == ref
            return r.ref in TEAMS[ref]

        return sum(1 for r in w.of_type(self.counts) if there(r) and visible(w, viewer, r))


SEARCHES = [
    Search("employees", "search", Owner.PERSON, "Employee",
           'employees(filter: {search: "{key}"}) { totalCount }'),
    Search("employees", "unitId", Owner.UNIT, "Employee",
           'employees(filter: {unitId: "{key}"}) { totalCount }'),
    Search("performanceRecords", "employeeId", Owner.PERSON, "PerformanceRecord",
           'performanceRecords(filter: {employeeId: "{key}"}) { totalCount }'),
    Search("performanceRecords", "unitId", Owner.UNIT, "PerformanceRecord",
           'performanceRecords(filter: {unitId: "{key}"}) { totalCount }'),
    Search("assessmentRequests", "employeeId", Owner.PERSON, "AssessmentRequest",
           'assessmentRequests(employeeId: "{key}") { totalCount }'),
    Search("assessmentRounds", "employeeId", Owner.PERSON, "AssessmentRound",
           'assessmentRounds(employeeId: "{key}") { totalCount }'),
    Search("enrollments", "employeeId", Owner.PERSON, "Enrollment",
           'enrollments(employeeId: "{key}") { totalCount }'),
    Search("payrollRuns", "unitId", Owner.UNIT, "PayrollRun",
           'payrollRuns(unitId: "{key}") { id }'),
    Search("payrollOpenings", "unitId", Owner.UNIT, "PayrollOpening",
           'payrollOpenings(year: 2024, first: 100, unitId: "{key}") { totalCount }'),
    Search("externalEvents", "unitId", Owner.UNIT, "ExternalEvent",
           f'externalEvents(from: "{CONV_MONTH}", to: "{CONV_MONTH}", unitId: "{{key}}") {{ id }}'),
    Search("leaveRequests", "employeeId", Owner.PERSON, "LeaveRequest",
           'leaveRequests(first: 100, employeeId: "{key}") { totalCount }'),
    Search("leaveRequests", "unitId", Owner.UNIT, "LeaveRequest",
           'leaveRequests(first: 100, filter: {unitId: "{key}"}) { totalCount }'),
    Search("overtimeRequests", "employeeId", Owner.PERSON, "OvertimeRequest",
           'overtimeRequests(first: 100, employeeId: "{key}") { totalCount }'),
    Search("requisitions", "unitId", Owner.UNIT, "Requisition",
           'requisitions(first: 100, unitId: "{key}") { totalCount }'),
    Search("postings", "unitId", Owner.UNIT, "Posting",
           'postings(first: 100, unitId: "{key}") { totalCount }'),
    Search("trainers", "unitId", Owner.UNIT, "Trainer",
           'trainers(first: 100, filter: {unitId: "{key}"}) { totalCount }'),
    Search("recruitmentFunnel", "unitId", Owner.UNIT, "Posting",
           'recruitmentFunnel(unitId: "{key}") { applied }'),
]  # fmt: skip


def _count(answer: Any) -> int:
    return int(answer["totalCount"]) if isinstance(answer, dict) else len(answer)


def _person_or_unit_arguments(field_name: str) -> set[str]:
    """The arguments of a root field (or the fields of its filter) naming a person or a unit."""
    assert GRAPHQL.query_type is not None
    found: set[str] = set()
    for arg_name, arg in GRAPHQL.query_type.fields[field_name].args.items():
        named = get_named_type(arg.type)
        names = named.fields if isinstance(named, GraphQLInputObjectType) else {arg_name: arg}
        found |= {n for n in names if n in ("employeeId", "unitId")}
    return found


def test_every_filter_by_person_or_unit_has_a_probe() -> None:
    probed = {(s.field, s.argument) for s in SEARCHES}
    listed = [name for name, rule in QUERIES.items() if rule.read is Read.LIST]
    assert {(n, a) for n in listed for a in _person_or_unit_arguments(n)} <= probed


async def test_searches_find_only_what_the_viewer_may_read(api: Api) -> None:
    w = await build_matrix_world()
    problems: Problems = []
    for viewer in VIEWERS:
        user, me = w.user_of(viewer), _me(viewer)
        cells = [
            (s, w.person_at(me, r) if s.by is Owner.PERSON else w.team_at(me, r), r)
            for s in SEARCHES
            for r in Relation
            if not (s.by is Owner.UNIT and r is Relation.SELF)
        ]
        for batch in _chunks(cells):
            query = _operation(s.ask(s.key(w, ref)) for s, ref, _ in batch)
            data = (await api.run(query, as_=user))["data"]
            for i, (search, ref, relation) in enumerate(batch):
                got, expected = _count(data[f"a{i}"]), search.expected(w, viewer, ref)
                if got != expected:
                    where = f"{search.field}({search.argument})"
                    problems.append(f"{viewer} × {relation} × {where}: {got}, declared {expected}")
        denied = [c for c in cells if c[0].expected(w, viewer, c[1]) == 0]
        for batch in _chunks(denied):
            real = _operation(s.ask(s.key(w, ref)) for s, ref, _ in batch)
            missing = _operation(s.ask(s.missing_key(i)) for i, (s, _, _) in enumerate(batch))
            await _same_as_missing(api, user, real, missing, f"{viewer} × searches", problems)
    assert not problems, _report(problems)


# --- what an answer reaches: every global id in it must be readable by the viewer -----------------

ID_FIELDS: set[tuple[str, str]] = set()  # (type, field) of ID scalars other than a Node's own id


def _is_node(named: Any) -> bool:
    return isinstance(named, GraphQLObjectType) and any(i.name == "Node" for i in named.interfaces)


def _is_connection(named: Any) -> bool:
    return isinstance(named, GraphQLObjectType) and {"edges", "totalCount"} <= named.fields.keys()


def selection(type_name: str, depth: int = 0) -> str:
    """Every field of a type that needs no argument: scalars as they are, a Node as its id, a
    connection as its nodes' ids, other objects (value types) the same way, a few levels deep."""
    t = GRAPHQL.type_map[type_name]
    assert isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
    parts = ["__typename"]
    for name, f in t.fields.items():
        if any(is_non_null_type(a.type) and a.default_value is Undefined for a in f.args.values()):
            continue
        named = get_named_type(f.type)
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            parts.append(name)
            if named.name == "ID" and name != "id":
                ID_FIELDS.add((type_name, name))
        elif _is_node(named):
            parts.append(f"{name} {{ __typename id }}")
        elif _is_connection(named):
            parts.append(f"{name} {{ totalCount edges {{ node {{ __typename id }} }} }}")
        elif depth < 3:
            parts.append(f"{name} {{ {selection(named.name, depth + 1)} }}")
    return " ".join(parts)


def _reached(
    value: Any, path: tuple[Any, ...] = (), through: tuple[str, str] | None = None
) -> Iterator[tuple[tuple[Any, ...], str, tuple[str, str] | None]]:
    """(path, global id, the (type, field) it was reached through) for each id in an answer."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _reached(item, (*path, i), through)
    elif isinstance(value, dict):
        typename = value.get("__typename")
        for key, item in value.items():
            if key == "id" and typename in TYPES:
                yield path, item, through
            elif (typename, key) in ID_FIELDS and isinstance(item, str):
                yield (*path, key), item, (typename, key)
            elif isinstance(item, dict | list):
                yield from _reached(item, (*path, key), (typename, key) if typename else through)


def check_reached(w: MatrixWorld, viewer: str, answer: Any, where: str, problems: Problems) -> None:
    """Every record an answer reaches is one the viewer may read (but for EDGES_WITH_PARENT
    and IDS_WITH_PARENT)."""
    for path, gid, through in _reached(answer):
        type_name = _type_of(gid)
        if type_name not in TYPES or through in EDGES_WITH_PARENT or through in IDS_WITH_PARENT:
            continue
        record = w.by_gid.get(gid)
        if record is None:
            problems.append(f"{viewer} × {where}: reached {type_name} {gid}, not in the world")
        elif not visible(w, viewer, record):
            relation = w.relation(_me(viewer), record)
            at = ".".join(map(str, path))
            problems.append(f"{viewer} × {where}: reached {type_name} at {relation} through {at}")


# --- nested: every record, every field, as each viewer reads it -------------------------------------

VALUE, MASKED, DENIED = "value", "masked", "denied"
MASK = re.compile(r"\*+.{4}")


def field_expected(w: MatrixWorld, viewer: str, record: Record, field_name: str) -> str:
    rule, role = FIELDS.get((record.type, field_name)), VIEWERS[viewer]
    if rule is None:
        return VALUE
    if rule.roles is not None:
        readable = role in rule.roles
    else:
        assert rule.reach is not None
        readable = reaches(rule.reach, role, w.relation(viewer, record) or Relation.SELF)
    if not readable:
        return DENIED
    return MASKED if rule.masked else VALUE


async def test_every_record_reaches_only_what_the_viewer_may_read_and_its_fields_as_declared(
    api: Api,
) -> None:
    w = await build_matrix_world()
    problems: Problems = []
    for viewer in VIEWERS:
        user = w.user_of(viewer)
        for batch in _chunks([r for r in w.records if visible(w, viewer, r)]):
            fragments = " ".join(
                f"fragment F{t} on {t} {{ {selection(t)} }}"
                for t in sorted({r.type for r in batch})
            )
            asked = [f'node(id: "{r.gid}") {{ ...F{r.type} }}' for r in batch]
            body = await api.run(_operation(asked, fragments=fragments), as_=user)
            errors = {tuple(e.get("path") or ()): e["message"] for e in body.get("errors", [])}
            for i, r in enumerate(batch):
                where = f"{w.relation(viewer, r)} × {r.type}"
                answer = body["data"][f"a{i}"]
                if answer is None:
                    problems.append(f"{viewer} × {where}: null, declared visible")
                    continue
                check_reached(w, viewer, answer, where, problems)
                for type_name, field_name in FIELDS:
                    if type_name != r.type:
                        continue
                    kind, value = field_expected(w, viewer, r, field_name), answer.get(field_name)
                    error = errors.pop((f"a{i}", field_name), None)
                    if kind == DENIED:
                        if (
                            value is not None
                            or error != f"Not permitted to read field '{field_name}'."
                        ):
                            problems.append(
                                f"{viewer} × {where}.{field_name}: read, declared denied"
                            )
                    elif error is not None:
                        problems.append(f"{viewer} × {where}.{field_name}: denied, declared read")
                    elif kind == MASKED and value is not None and not MASK.fullmatch(str(value)):
                        problems.append(f"{viewer} × {where}.{field_name}: not masked")
            problems += [f"{viewer}: unexpected error at {p}: {m}" for p, m in errors.items()]
    assert not problems, _report(problems)


# --- reads about one person or one unit -----------------------------------------------------------

WHOLE_RANGE = 'from: "2025-01-01", to: "2026-12-01"'


def _about(field_name: str, extra: str = "") -> Callable[[MatrixWorld, str], str]:
    """The root field about one person or unit (`key`), with every field of its answer."""
    rule = QUERIES[field_name]
    assert GRAPHQL.query_type is not None
    returned = get_named_type(GRAPHQL.query_type.fields[field_name].type).name
    return lambda w, key: (
        f'{field_name}({rule.argument}: "{key}"{_fill(w, extra)}) {{ {selection(returned)} }}'
    )


ABOUT_ONE: dict[str, Callable[[MatrixWorld, str], str]] = {
    "employeeKpis": _about("employeeKpis", ", " + WHOLE_RANGE),
    "employeeKpiTargets": _about("employeeKpiTargets", f', day: "{CONV_MONTH}"'),
    "employeeCompetencies": _about("employeeCompetencies"),
    "recommendedCourses": _about("recommendedCourses"),
    "trainingBonuses": _about("trainingBonuses"),
    "unitKpiSeries": _about(
        "unitKpiSeries", f', kpiId: "$kpi_conv", from: "{CONV_MONTH}", to: "{CONV_MONTH}"'
    ),
    "unitKpiBreakdown": _about("unitKpiBreakdown", f', kpiId: "$kpi_conv", period: "{CONV_MONTH}"'),
    "competencyHeatMap": _about("competencyHeatMap"),
    "contracts": _about("contracts"),
    "employeeTimeline": _about("employeeTimeline"),
    "employeeRecord": _about("employeeRecord"),
    "attendanceMonth": _about("attendanceMonth", f', month: "{CONV_MONTH}"'),
    "leaveBalances": _about("leaveBalances", ", year: 2025"),
    "attendanceSheet": _about("attendanceSheet", f', month: "{CONV_MONTH}"'),
    "attendanceSheetXlsx": _about("attendanceSheetXlsx", f', month: "{CONV_MONTH}"'),
    "employeePay": _about("employeePay"),
    "employeeOnboarding": _about("employeeOnboarding"),
    "employeeLifecycleChanges": _about("employeeLifecycleChanges"),
}


def _people_in(field_name: str, answer: Any) -> int | None:
    """How many people an answer about a unit is made of (None: no answer)."""
    if answer is None:
        return None
    if field_name == "unitKpiSeries":
        return int(answer["points"][0]["members"])
    if field_name == "unitKpiBreakdown":
        return len(answer)  # a team has no child units: one row per member
    if field_name == "attendanceSheetXlsx":  # a title row, a header row, a row per person
        book = load_workbook(io.BytesIO(base64.b64decode(answer["contentBase64"])))
        assert book.active is not None
        return int(book.active.max_row) - 2
    return len(answer["rows"])


def test_every_read_about_one_person_or_unit_has_a_probe() -> None:
    assert set(ABOUT_ONE) == {n for n, q in QUERIES.items() if q.read in (Read.PERSON, Read.UNIT)}


async def test_reads_about_one_person_or_unit_answer_as_declared(api: Api) -> None:
    """About a person: an answer only where the viewer reads them at WORK. About a unit: an
    answer where the unit is visible, made of exactly its people the viewer reads at WORK."""
    w = await build_matrix_world()
    problems: Problems = []

    def key(name: str, ref: str, missing: int | None = None) -> str:
        by_person = QUERIES[name].read is Read.PERSON
        if missing is not None:
            return _missing_gid("Employee" if by_person else "OrgUnit", missing)
        return to_global_id("Employee", w.people[ref].id) if by_person else w.cid_unit(ref)

    for viewer in VIEWERS:
        user, me = w.user_of(viewer), _me(viewer)
        cells = [
            (name, w.person_at(me, r), r) if QUERIES[name].read is Read.PERSON else
            (name, w.team_at(me, r), r)
            for name in ABOUT_ONE
            for r in Relation
            if QUERIES[name].read is Read.PERSON or r is not Relation.SELF
        ]  # fmt: skip
        denied = []
        for batch in _chunks(cells, 10):
            body = await api.run(
                _operation(ABOUT_ONE[n](w, key(n, ref)) for n, ref, _ in batch), as_=user
            )
            problems += [
                f"{viewer}: error {e['message']} at {e.get('path')}" for e in body.get("errors", [])
            ]
            for i, (name, ref, relation) in enumerate(batch):
                answer, rule = body["data"][f"a{i}"], QUERIES[name]
                assert rule.reach is not None
                where = f"{viewer} × {relation} × {name}"
                check_reached(w, viewer, answer, where, problems)
                if rule.read is Read.PERSON:
                    readable = person_reach(w, viewer, ref, rule.reach)
                    if bool(answer) != readable:
                        problems.append(f"{where}: {'an' if answer else 'no'} answer")
                else:
                    readable = unit_reach(viewer, relation)
                    people = sum(person_reach(w, viewer, p, rule.reach) for p in TEAMS[ref])
                    expected = people if readable else (0 if name == "unitKpiBreakdown" else None)
                    if _people_in(name, answer) != expected:
                        problems.append(
                            f"{where}: {_people_in(name, answer)} people, declared {expected}"
                        )
                if not readable:
                    denied.append((name, ref))
        for batch in _chunks(denied, 10):
            real = _operation(ABOUT_ONE[n](w, key(n, ref)) for n, ref in batch)
            missing = _operation(
                ABOUT_ONE[n](w, key(n, ref, i)) for i, (n, ref) in enumerate(batch)
            )
            await _same_as_missing(api, user, real, missing, f"{viewer} × reads", problems)
    assert not problems, _report(problems)


# --- aggregates over the viewer's scope, role-gated reads, oneself ----------------------------------


def _at_work(w: MatrixWorld, viewer: str) -> list[str]:
    return [p for p in EVERYONE if person_reach(w, viewer, p, Reach.WORK)]


@dataclass(frozen=True)
class Aggregate:
    """A root field over the viewer's scope: what to ask, what to measure in the answer, and
    what the measure must be (the people read at WORK)."""

    text: str
    measure: Callable[[Any], Any]
    expected: Callable[[MatrixWorld, str], Any]


REPORT = (
    '{courseId: "$online", kpiId: "$kpi_new", preFrom: "2024-10-01", preTo: "2024-12-01", '
    'postFrom: "2025-03-01", postTo: "2026-06-01"}'
)
AGGREGATES: dict[str, Aggregate] = {
    "latestKpiPeriod": Aggregate(
        'latestKpiPeriod(kpiId: "$kpi_new")',
        lambda answer: answer,
        lambda w, v: max((str(month(EVERYONE.index(p))) for p in _at_work(w, v)), default=None),
    ),
    "underPerformerAnalysis": Aggregate(
        f'underPerformerAnalysis(kpiId: "$kpi_conv", period: "{CONV_MONTH}") '
        f"{{ {selection('UnderPerformerAnalysisInfo')} }}",
        lambda answer: answer and answer["underPerformers"],
        lambda w, v: len(_at_work(w, v)),
    ),
    "trainingParticipation": Aggregate(
        'trainingParticipation(courseId: "$online", from: "2025-01-01", to: "2025-01-01") '
        f"{{ {selection('ParticipationPointInfo')} }}",
        lambda answer: answer and (answer[0]["population"], answer[0]["completed"]),
        lambda w, v: (len(_at_work(w, v)),) * 2 if _at_work(w, v) else None,
    ),
    "trainingEffectReport": Aggregate(
        f"trainingEffectReport(input: {REPORT}) {{ {selection('TrainingEffectReport')} }}",
        lambda answer: answer and answer["population"],
        lambda w, v: (
            len(_at_work(w, v))
            if VIEWERS[v] in (QUERIES["trainingEffectReport"].roles or ())
            else None
        ),
    ),
}
AGGREGATES["workforceReport"] = Aggregate(
    'workforceReport(fromMonth: "2026-06-01", toMonth: "2026-06-01") '
    "{ months { headcount hires leavers } rows { unitId unitName headcount } "
    f"tenureBands {{ {selection('WorkforceBand')} }} }}",
    lambda answer: answer and answer["months"][0]["headcount"],
    lambda w, v: (
        len(_at_work(w, v)) if VIEWERS[v] in (QUERIES["workforceReport"].roles or ()) else None
    ),
)
AGGREGATES["performancePeriods"] = Aggregate(
    'performancePeriods(kpiId: "$kpi_new") { periods { period records } }',
    lambda answer: sorted(p["period"] for p in answer["periods"]),
    lambda w, v: sorted({str(month(EVERYONE.index(p))) for p in _at_work(w, v)}),
)
AGGREGATES["expiringContracts"] = Aggregate(
    "expiringContracts(within: 60) { employeeId contract { __typename id } }",
    lambda answer: answer and len({item["employeeId"] for item in answer}),
    lambda w, v: (
        len(_at_work(w, v)) if VIEWERS[v] in (QUERIES["expiringContracts"].roles or ()) else None
    ),
)
AGGREGATES["leaveAway"] = Aggregate(  # each person's pending leave is on 2025-03-03
    'leaveAway(month: "2025-03-01") { date requests { id status } }',
    lambda answer: len({r["id"] for r in answer[2]["requests"]}),
    lambda w, v: len(_at_work(w, v)),
)
ROLE_GATED: dict[str, str] = {
    "trainingEffectReportDefaults": "trainingEffectReportDefaults "
    f"{{ {selection('TrainingEffectReportDefaults')} }}",
    "kpiValuations": f"kpiValuations {{ {selection('KpiValuation')} }}",
    "auditLog": "auditLog { totalCount edges { node { id } } }",
    "workCalendar": f"workCalendar(year: 2026) {{ {selection('WorkCalendarDay')} }}",
    "workCalendarYear": f"workCalendarYear(year: 2026) {{ year days {{ {selection('WorkCalendarEntry')} }} }}",
    "positionSalaryStructures": f"positionSalaryStructures {{ {selection('SalaryStructure')} }}",
    "socialInsuranceTables": f"socialInsuranceTables {{ {selection('SocialInsuranceTable')} }}",
    "incomeTaxTables": f"incomeTaxTables {{ {selection('IncomeTaxTable')} }}",
    "approvalFlows": f"approvalFlows {{ {selection('ApprovalFlow')} }}",
    "roleTemplates": f"roleTemplates {{ {selection('RoleTemplateInfo')} }}",
    "customRoles": f"customRoles {{ {selection('CustomRole')} }}",
    "roleHolders": "roleHolders(first: 3) { userId username grants { id role scopeUnitId } }",
    "accounts": "accounts { totalCount }",
}


def test_every_aggregate_and_role_gated_read_has_a_probe() -> None:
    assert set(AGGREGATES) == {n for n, q in QUERIES.items() if q.read is Read.SCOPE}
    assert set(ROLE_GATED) == {n for n, q in QUERIES.items() if q.read is Read.ROLES}
    assert {n for n, q in QUERIES.items() if q.read is Read.VIEWER} == {
        "me",
        "apiTokens",
        "myAttendance",
        "myApprovals",
        "myDelegations",
        "myInterviews",
        "workbench",
        "importKinds",
    }


async def test_aggregates_count_exactly_the_people_read_at_work_and_role_gated_reads(
    api: Api,
) -> None:
    w = await build_matrix_world()
    problems: Problems = []
    for viewer, role in VIEWERS.items():
        user = w.user_of(viewer)
        body = await api.run(_operation(_fill(w, a.text) for a in AGGREGATES.values()), as_=user)
        problems += [
            f"{viewer}: error {e['message']} at {e.get('path')}" for e in body.get("errors", [])
        ]
        for i, (name, aggregate) in enumerate(AGGREGATES.items()):
            answer = body["data"][f"a{i}"]
            got, expected = aggregate.measure(answer), aggregate.expected(w, viewer)
            if (got or None) != (expected or None):
                problems.append(f"{viewer} × {name}: {got!r}, declared {expected!r}")
            check_reached(w, viewer, answer, name, problems)
        data = (await api.run(_operation(ROLE_GATED.values()), as_=user))["data"]
        for i, (name, _) in enumerate(ROLE_GATED.items()):
            answer = data[f"a{i}"]
            answered = bool(answer["totalCount"] if name in ("auditLog", "accounts") else answer)
            if answered != (role in (QUERIES[name].roles or ())):
                problems.append(f"{viewer} × {name}: {'an' if answered else 'no'} answer")
            check_reached(w, viewer, answer, name, problems)
        # about oneself: one's account, one's own API tokens, one's own attendance
        data = (
            await api.run(
                f'{{ me {{ user {{ id }} }} apiTokens {{ id }} myAttendance(month: "{CONV_MONTH}")'
                f" {{ {selection('AttendanceMonth')} }} }}",
                as_=user,
            )
        )["data"]
        person = VIEWER_PERSON.get(viewer)
        own = to_global_id("Employee", w.people[person].id) if person else None
        if ((data["myAttendance"] or {}).get("employee") or {}).get("id") != own:
            problems.append(f"{viewer} × myAttendance: {data['myAttendance']}")
        check_reached(w, viewer, data["myAttendance"], "myAttendance", problems)
        account = to_global_id("User", w.users[person].id) if person else None
        if ((data["me"] or {}).get("user") or {}).get("id") != account:
            problems.append(f"{viewer} × me: {data['me']}")
        tokens = {to_global_id("ApiToken", w.tokens[person])} if person else set()
        if {t["id"] for t in data["apiTokens"]} != tokens:
            problems.append(f"{viewer} × apiTokens: {data['apiTokens']}")
        # nothing in the world waits for anyone's approval or scorecard, and nobody delegated
        data = (
            await api.run(
                f"{{ myApprovals {{ {selection('ApprovalRequest')} }}"
                f" myDelegations {{ {selection('ApprovalDelegation')} }}"
                f" myInterviews {{ {selection('Interview')} }} }}",
                as_=user,
            )
        )["data"]
        if data != {"myApprovals": [], "myDelegations": [], "myInterviews": []}:
            problems.append(f"{viewer} × myApprovals, myDelegations, myInterviews: {data}")
    assert not problems, _report(problems)


# --- a unit's settings: its rules and places, not personal data -----------------------------------

UNIT_SETTINGS: dict[str, str] = {
    "effectiveAttendanceRuleSet": 'effectiveAttendanceRuleSet(unitId: "{key}") { id unit { id } }',
    "attendanceLocations": 'attendanceLocations(unitId: "{key}") { id unit { id } }',
}


def test_every_unit_setting_has_a_probe() -> None:
    assert set(UNIT_SETTINGS) == {n for n, q in QUERIES.items() if q.read is Read.UNIT_SETTING}


async def test_a_units_settings_answer_where_the_unit_is_visible(api: Api) -> None:
    """Every team has a rule set and a place to clock in: asked about a team, the answer is
    there exactly where the team is visible, and elsewhere the same as for no unit at all."""
    w = await build_matrix_world()
    problems: Problems = []
    for viewer in VIEWERS:
        user, me = w.user_of(viewer), _me(viewer)
        cells = [
            (name, w.team_at(me, r), r) for name in UNIT_SETTINGS for r in Relation
            if r is not Relation.SELF
        ]  # fmt: skip
        body = await api.run(
            _operation(UNIT_SETTINGS[n].replace("{key}", w.cid_unit(t)) for n, t, _ in cells),
            as_=user,
        )
        for i, (name, _, relation) in enumerate(cells):
            answer = body["data"][f"a{i}"]
            if bool(answer) != unit_reach(viewer, relation):
                problems.append(
                    f"{viewer} × {relation} × {name}: {'an' if answer else 'no'} answer"
                )
            check_reached(w, viewer, answer, name, problems)
        denied = [(n, t) for n, t, r in cells if not unit_reach(viewer, r)]
        real = _operation(UNIT_SETTINGS[n].replace("{key}", w.cid_unit(t)) for n, t in denied)
        missing = _operation(
            UNIT_SETTINGS[n].replace("{key}", _missing_gid("OrgUnit", i))
            for i, (n, _) in enumerate(denied)
        )
        if denied:
            await _same_as_missing(api, user, real, missing, f"{viewer} × settings", problems)
    assert not problems, _report(problems)


# --- mutations -----------------------------------------------------------------------------------
# Each probe runs a mutation on the target at a relation, with input that its service refuses
# only after its access checks (an empty name, a negative value, a closed round…): nothing
# changes, and the answer says which check stopped it — FORBIDDEN or NOT_FOUND (denied), any
# other error or none (allowed). The two that would change the world when allowed (deciding a
# restore request, deleting an event) get a fresh record each.

ERRORS = "{ errors { field message code } }"
Texts = tuple[str, str | None]  # the mutation on the target, and on a missing one
Probe = Callable[[MatrixWorld, str, Relation | None], Awaitable[Texts]]


def _fill(w: MatrixWorld, text: str) -> str:
    """$name → the global id of a catalogue entry of the world."""
    return re.sub(r"\$(\w+)", lambda m: w.cid(m.group(1)), text)


def _by_unit(type_name: str | None) -> bool:
    """Whether a mutation's target of this type sits at a unit (else at a person)."""
    return type_name == "OrgUnit" or (
        type_name in TYPES and set(TYPES[type_name].reads) == {Owner.UNIT}
    )


def _probe(text: str, *, on: str | None = None) -> Probe:
    """`text` with $target where the target goes: a person (on="Employee"), a team
    ("OrgUnit"), a person's user or API token, or the first record of a type at the relation
    (the world makes the completed enrolment and the closed round first); $team is the
    target's team, $name a catalogue entry."""

    async def build(w: MatrixWorld, viewer: str, relation: Relation | None) -> Texts:
        if on is None or relation is None:
            return _fill(w, text), None
        by_unit = _by_unit(on)
        ref = w.team_at(viewer, relation) if by_unit else w.person_at(viewer, relation)
        if on == "Employee":
            target = to_global_id("Employee", w.people[ref].id)
        elif on == "OrgUnit":
            target = w.cid_unit(ref)
        elif on == "User":
            target = to_global_id("User", w.users[ref].id)
        elif on == "ApiToken":
            target = to_global_id("ApiToken", w.tokens[ref])
        else:
            target = w.of(on, ref).gid
        team = w.cid_unit(ref if by_unit else w.team_of(ref))
        filled = text.replace("$team", team)
        return (
            _fill(w, filled.replace("$target", target)),
            _fill(w, filled.replace("$target", _missing_gid(on))),
        )

    return build


def _fresh(
    text: str,
    make: Callable[[MatrixWorld, str], Awaitable[Any]],
    type_name: str,
    *,
    of_person: bool = False,
) -> Probe:
    """A probe on a record made for it (in the team at the relation, or of the person)."""

    async def build(w: MatrixWorld, viewer: str, relation: Relation | None) -> Texts:
        assert relation is not None
        at = w.person_at(viewer, relation) if of_person else w.team_at(viewer, relation)
        record = await make(w, at)
        target = to_global_id(type_name, record.id)
        return text.replace("$target", target), text.replace("$target", _missing_gid(type_name))

    return build


BAD_REPORT = '{courseId: "$online", kpiId: "$kpi_new", preFrom: "2025-03-02", preTo: "2025-04-01", postFrom: "2025-05-01", postTo: "2025-06-01"}'  # fmt: skip
PROBES: dict[str, Probe] = {
    "setLanguage": _probe('setLanguage(input: {language: "xx"})'),
    "changePassword": _probe('changePassword(input: {currentPassword: "not it at all", newPassword: "another long one"})'),
    "createApiToken": _probe('createApiToken(input: {name: "", scopes: [READ_PEOPLE]})'),
    "revokeApiToken": _probe('revokeApiToken(input: {id: "$target"})', on="ApiToken"),
    "setUserActive": _probe('setUserActive(input: {userId: "$target", active: true})', on="User"),
    # a second account of the person at the relation (one's own included)
    "resetUserPassword": _fresh('resetUserPassword(input: {userId: "$target", delivery: INVITATION})', new_user, "User", of_person=True),
    "unlockAccount": _fresh('unlockAccount(input: {userId: "$target"})', new_user, "User", of_person=True),
    # everyone in the world has an account: HAS_ACCOUNT where allowed
    "createAccounts": _probe('createAccounts(input: {accounts: [{employeeId: "$target"}], delivery: INVITATION})', on="Employee"),
    "createOrgUnit": _probe('createOrgUnit(input: {parentId: "$target", code: "", name: "x", type: TEAM})', on="OrgUnit"),
    "updateOrgUnit": _probe('updateOrgUnit(input: {id: "$target", name: ""})', on="OrgUnit"),
    "moveOrgUnit": _probe('moveOrgUnit(input: {id: "$target", newParentId: "$target"})', on="OrgUnit"),
    "closeOrgUnit": _probe('closeOrgUnit(input: {id: "$target", expectedVersion: 99999})', on="OrgUnit"),
    "createPosition": _probe('createPosition(input: {code: "", title: "x", level: "P1", family: "f"})'),
    "updatePosition": _probe('updatePosition(input: {id: "$position", code: "", title: "x", level: "P1", family: "f"})'),
    "createEmployee": _probe('createEmployee(input: {employeeNumber: "NEW1", name: "", unitId: "$target", hireDate: "2025-01-01"})', on="OrgUnit"),
    "updateEmployee": _probe('updateEmployee(input: {id: "$target", workPhone: "not a phone", baseSalary: "99999"})', on="Employee"),
    "transferEmployee": _probe('transferEmployee(input: {id: "$target", unitId: "$team", managerId: "$target"})', on="Employee"),
    "terminateEmployee": _probe('terminateEmployee(input: {id: "$target", terminationDate: "1999-01-01"})', on="Employee"),
    "revealEmployeeField": _probe('revealEmployeeField(input: {employeeId: "$target", field: ID_NUMBER, reason: "the matrix asks"})', on="Employee"),
    "createKpi": _probe('createKpi(input: {code: "", name: "x", unit: COUNT})'),
    "updateKpi": _probe('updateKpi(input: {id: "$kpi_new", name: "", direction: HIGHER_IS_BETTER, aggregation: SUM})'),
    "setKpiTarget": _probe('setKpiTarget(input: {kpiId: "$kpi_new", period: "2025-03-01", value: "-1", employeeId: "$target"})', on="Employee"),
    "recordPerformance": _probe('recordPerformance(input: {employeeId: "$target", kpiId: "$kpi_new", period: "2025-03-01", value: "-1"})', on="Employee"),
    "importData": _probe('importData(input: {kind: KPI_RECORDS, fileName: "x.txt", contentBase64: "eA=="})'),
    "previewImport": _probe('previewImport(input: {kind: KPI_RECORDS, fileName: "x.txt", contentBase64: "eA=="})'),
    "undoImport": _probe('undoImport(id: "not an id")'),
    "closePerformancePeriod": _probe('closePerformancePeriod(input: {month: "2025-03-02", unitId: "$target"})', on="OrgUnit"),
    "reopenPerformancePeriod": _probe('reopenPerformancePeriod(input: {month: "2025-03-01", reason: ""})'),
    "createTriggerRule": _probe('createTriggerRule(input: {name: "", kpiId: "$kpi_new", thresholdPercent: "50", unitId: "$target"})', on="OrgUnit"),
    "updateTriggerRule": _fresh('updateTriggerRule(input: {id: "$target", name: "", thresholdPercent: "50", periods: 1, isActive: true})', team_rule, "TriggerRule"),
    "suspendPerformancePay": _probe('suspendPerformancePay(input: {unitId: "$target", reason: "", suspendedFrom: "2025-01-01", conditionKind: UNIT_TOTAL, conditionKpiId: "$kpi_new", conditionThreshold: "50"})', on="OrgUnit"),
    "requestPayRestore": _probe('requestPayRestore(input: {suspensionId: "$target", restoreFrom: "2025-06-01"})', on="PaySuspension"),
    "decidePayRestore": _fresh('decidePayRestore(input: {requestId: "$target", approve: false})', new_restore_request, "RestoreRequest"),
    "createCompetencyCategory": _probe('createCompetencyCategory(input: {code: "", name: "x"})'),
    "saveCompetency": _probe('saveCompetency(input: {code: "", name: "x", categoryId: "$category", levels: ["1", "2", "3", "4", "5"]})'),
    "setRequiredLevel": _probe('setRequiredLevel(input: {competencyId: "$competency", positionId: "$position", level: 9, unitId: "$target"})', on="OrgUnit"),
    "startAssessmentRound": _probe('startAssessmentRound(input: {employeeId: "$target", title: "", deadline: "2099-01-01", competencyIds: ["$competency"]})', on="Employee"),
    "closeAssessmentRound": _probe('closeAssessmentRound(id: "$target")', on="AssessmentRound"),
    "submitRatings": _probe('submitRatings(input: {taskId: "$target", ratings: []})', on="RaterTask"),
    "startSkillTest": _probe('startSkillTest(testId: "$test")'),
    "submitSkillTest": _probe('submitSkillTest(input: {testId: "$test", answers: [{questionId: "UXVlc3Rpb246MQ==", keys: ["A"]}]})'),
    "calibrateCompetency": _probe('calibrateCompetency(input: {employeeId: "$target", competencyId: "$competency", level: "9", reason: "x"})', on="Employee"),
    "enrollInCourse": _probe('enrollInCourse(input: {courseId: "$workshop", employeeId: "$target"})', on="Employee"),
    "cancelEnrollment": _probe('cancelEnrollment(id: "$target")', on="Enrollment"),
    "recordLessonProgress": _probe('recordLessonProgress(input: {enrollmentId: "$target", lessonsDone: 0})', on="Enrollment"),
    "markAttendance": _probe('markAttendance(input: {sessionId: "$session", entries: [{employeeId: "$target", attended: false}]})', on="Employee"),
    "takeCourseExam": _probe('takeCourseExam(input: {enrollmentId: "$target", answers: []})', on="Enrollment"),
    "completeEnrollment": _probe('completeEnrollment(input: {id: "$target"})', on="Enrollment"),
    "giveCourseFeedback": _probe('giveCourseFeedback(input: {enrollmentId: "$target", rating: 9})', on="Enrollment"),
    "createCourse": _probe('createCourse(input: {code: "", title: "x", format: ONLINE, durationHours: "1"})'),
    "updateCourse": _probe('updateCourse(input: {id: "$online", code: "", title: "x", format: ONLINE, durationHours: "1", kind: GENERAL})'),
    "addCourseSession": _probe('addCourseSession(input: {courseId: "$workshop", startsAt: "2099-01-01T09:00:00+00:00", endsAt: "2099-01-01T17:00:00+00:00", place: "x", capacity: 0, unitId: "$target"})', on="OrgUnit"),
    "addCourseCostItem": _probe('addCourseCostItem(input: {courseId: "$online", kind: FEE, amount: "-1"})'),
    "createTrainingPlan": _probe('createTrainingPlan(input: {unitId: "$target", year: 2025, title: "", budget: "1"})', on="OrgUnit"),
    "addTrainingPlanItem": _probe('addTrainingPlanItem(input: {planId: "$target", courseId: "$online", plannedParticipants: -1, plannedCost: "1"})', on="TrainingPlan"),
    "updateTrainingTargetRule": _probe('updateTrainingTargetRule(input: {id: "$bonus", thresholdPercent: "0"})'),
    "createTrainer": _probe('createTrainer(input: {kind: EXTERNAL, name: "", unitId: "$target"})', on="OrgUnit"),
    "updateTrainer": _fresh('updateTrainer(input: {id: "$target", kind: EXTERNAL, name: ""})', team_trainer, "Trainer"),
    "updateCourseSession": _probe('updateCourseSession(input: {id: "$session", startsAt: "2099-01-01T09:00:00+00:00", endsAt: "2099-01-01T17:00:00+00:00", place: "x", capacity: 0})'),
    "cancelCourseSession": _probe('cancelCourseSession(input: {id: "$session", reason: ""})'),
    "createTrainingTargetRule": _probe('createTrainingTargetRule(input: {kind: TARGET_ADJUSTMENT, courseId: "$online", kpiId: "$kpi_new", percent: "0"})'),
    "recordExternalEvent": _probe('recordExternalEvent(input: {unitId: "$target", kind: OTHER, title: "", periodFrom: "2025-02-01", periodTo: "2025-02-01"})', on="OrgUnit"),
    "deleteExternalEvent": _fresh('deleteExternalEvent(id: "$target")', new_event, "ExternalEvent"),
    "setKpiValuation": _probe('setKpiValuation(input: {kpiId: "$kpi_new", valuePerUnit: "-1"})'),
    "exportTrainingEffectReport": _probe(f"exportTrainingEffectReport(input: {{report: {BAD_REPORT}, format: XLSX}})"),
    "endContract": _probe('endContract(input: {contractId: "$target", endDate: "1990-01-01"})', on="Contract"),
    "signContract": _probe('signContract(input: {employeeId: "$target", kind: FIXED_TERM, startDate: "2030-01-01", signedOn: "2030-01-01"})', on="Employee"),
    "recordTransfer": _probe('recordTransfer(input: {employeeId: "$target", unitId: "$team", effectiveDate: "2025-01-01"})', on="Employee"),
    "requestTransfer": _probe('requestTransfer(input: {employeeId: "$target", unitId: "$team", effectiveDate: "2025-01-01"})', on="Employee"),
    "requestTermination": _probe('requestTermination(input: {employeeId: "$target", kind: RESIGNATION, lastDay: "1999-01-01", reason: "x"})', on="Employee"),
    "requestProbationConfirmation": _probe('requestProbationConfirmation(input: {employeeId: "$target", effectiveDate: "1999-01-01"})', on="Employee"),
    "setOffboardingItem": _probe('setOffboardingItem(input: {employeeId: "$target", item: "none", done: true})', on="Employee"),
    "recordResignation": _probe('recordResignation(input: {employeeId: "$target", effectiveDate: "1999-01-01"})', on="Employee"),
    "rehireEmployee": _probe('rehireEmployee(input: {employeeId: "$target", unitId: "$team", hireDate: "2030-01-01"})', on="Employee"),
    "recordOnboarding": _probe('recordOnboarding(input: {employeeId: "$target"})', on="Employee"),
    "addEducation": _probe('addEducation(input: {employeeId: "$target", school: "", degree: ""})', on="Employee"),
    "addWorkHistory": _probe('addWorkHistory(input: {employeeId: "$target", employer: "", title: ""})', on="Employee"),
    "addEmergencyContact": _probe('addEmergencyContact(input: {employeeId: "$target", name: "", relationship: "", phone: "x"})', on="Employee"),
    "removeRecordEntry": _fresh('removeRecordEntry(id: "$target")', new_education, "Education", of_person=True),
    "clockIn": _probe("clockIn(input: {source: DEVICE})"),
    "requestPunchCorrection": _probe('requestPunchCorrection(input: {date: "2099-01-02", clockIn: "09:00", reason: "x"})'),
    "importPunches": _probe('importPunches(input: {contentBase64: "", dryRun: false})'),
    "saveAttendanceRuleSet": _probe('saveAttendanceRuleSet(input: {name: "", unitId: "$target", workStart: "09:00:00", workEnd: "18:00:00"})', on="OrgUnit"),
    "addAttendanceLocation": _probe('addAttendanceLocation(input: {unitId: "$target", name: "", latitude: 0, longitude: 0, radiusMeters: 1})', on="OrgUnit"),
    "removeAttendanceLocation": _fresh('removeAttendanceLocation(id: "$target")', new_location, "AttendanceLocation"),
    "setWorkStartDate": _probe('setWorkStartDate(employeeId: "$target", workStartDate: "2099-01-01")', on="Employee"),
    "requestLeave": _probe('requestLeave(input: {leaveType: SICK, startDate: "2026-03-03", endDate: "2026-03-02", employeeId: "$target"})', on="Employee"),
    "decideLeaveRequest": _fresh('decideLeaveRequest(id: "$target", approve: false)', new_leave_request, "LeaveRequest", of_person=True),
    "cancelLeaveRequest": _probe('cancelLeaveRequest(id: "$target")', on="LeaveRequest"),
    "requestOvertime": _probe('requestOvertime(input: {date: "2026-03-03", hours: "0", employeeId: "$target"})', on="Employee"),
    "decideOvertimeRequest": _fresh('decideOvertimeRequest(id: "$target", approve: false)', new_overtime_request, "OvertimeRequest", of_person=True),
    "cancelOvertimeRequest": _probe('cancelOvertimeRequest(id: "$target")', on="OvertimeRequest"),
    "decideApproval": _probe('decideApproval(id: "$target", approve: false)', on="ApprovalRequest"),
    "decideApprovals": _probe('decideApprovals(input: {ids: ["$target"], decision: REJECT})', on="ApprovalRequest"),
    "commentApproval": _probe('commentApproval(id: "$target", comment: "seen")', on="ApprovalRequest"),
    "delegateApprovals": _probe('delegateApprovals(input: {toEmployeeId: "$target", startDate: "2026-03-03", endDate: "2026-03-02"})', on="Employee"),
    "endDelegation": _probe('endDelegation(id: "not an id")'),
    "saveApprovalFlow": _probe('saveApprovalFlow(input: {requestType: LEAVE, unitId: "$target", steps: [{position: 0, rule: USER}]})', on="OrgUnit"),
    "setEmployeeSalaryStructure": _probe('setEmployeeSalaryStructure(input: {employeeId: "$target", effectiveFrom: "2025-01-02", components: []})', on="Employee"),
    "setPositionSalaryStructure": _probe('setPositionSalaryStructure(input: {positionId: "$position", effectiveFrom: "2025-01-02", components: []})'),
    "addSocialInsuranceTable": _probe('addSocialInsuranceTable(input: {city: "上海", validFrom: "2025-01-02", baseFloor: "1", baseCeiling: "2", fundFloor: "1", fundCeiling: "2", rates: []})'),
    "addIncomeTaxTable": _probe('addIncomeTaxTable(input: {validFrom: "2025-01-02", basicDeduction: "0", brackets: [], bonusBrackets: []})'),
    "setCalendarDays": _probe('setCalendarDays(input: {source: COMPANY, days: []})'),
    "removeCalendarDay": _probe('removeCalendarDay(date: "2025-01-02", source: COMPANY)'),
    "addSpecialDeduction": _probe('addSpecialDeduction(input: {employeeId: "$target", kind: CHILD_EDUCATION, validFrom: "2025-01-02", count: 0})', on="Employee"),
    "addPayrollItem": _probe('addPayrollItem(input: {employeeId: "$target", month: "2025-01-02", kind: BONUS, amount: "-1"})', on="Employee"),
    "setPayrollOpening": _probe('setPayrollOpening(input: {employeeId: "$target", year: 2025, lastMonth: 0, monthsEmployed: 0, income: "-1", contributions: "0", specialAdditional: "0", tax: "0"})', on="Employee"),
    "removePayrollOpening": _probe('removePayrollOpening(input: {employeeId: "$target", year: 1990})', on="Employee"),
    "createPayrollRun": _probe('createPayrollRun(input: {unitId: "$target", month: "2025-01-02"})', on="OrgUnit"),
    "recomputePayrollRun": _probe('recomputePayrollRun(id: "$target")', on="PayrollRun"),
    "submitPayrollRun": _probe('submitPayrollRun(id: "$target")', on="PayrollRun"),
    "returnPayrollRun": _probe('returnPayrollRun(id: "$target")', on="PayrollRun"),
    "approvePayrollRun": _probe('approvePayrollRun(id: "$target")', on="PayrollRun"),
    "markPayrollRunPaid": _probe('markPayrollRunPaid(id: "$target")', on="PayrollRun"),
    "createRequisition": _probe('createRequisition(input: {unitId: "$target", positionId: "$position", headcount: 0, budget: "1"})', on="OrgUnit"),
    "closeRequisition": _probe('closeRequisition(id: "$target")', on="Requisition"),
    "openPosting": _probe('openPosting(input: {requisitionId: "$target", title: ""})', on="Requisition"),
    "closePosting": _probe('closePosting(id: "$target")', on="Posting"),
    "addCandidate": _probe('addCandidate(input: {postingId: "$target", name: "", source: OTHER})', on="Posting"),
    "moveApplication": _probe('moveApplication(id: "$target", stage: HIRED)', on="Application"),
    "scheduleInterview": _probe('scheduleInterview(input: {applicationId: "$target", title: "x", scheduledAt: "2025-03-03T02:00:00Z", interviewerIds: []})', on="Application"),
    "submitScorecard": _fresh('submitScorecard(input: {interviewId: "$target", ratings: [], recommendation: YES})', new_interview, "Interview", of_person=True),
    "makeOffer": _probe('makeOffer(input: {applicationId: "$target", monthlySalary: "0", startDate: "2025-03-03", contractKind: OPEN_ENDED})', on="Application"),
    "respondToOffer": _probe('respondToOffer(applicationId: "$target", accepted: false)', on="Application"),
    "addOnboardingTask": _probe('addOnboardingTask(applicationId: "$target", title: "")', on="Application"),
    "setOnboardingTaskDone": _fresh('setOnboardingTaskDone(id: "$target", done: true)', new_onboarding_task, "OnboardingTask"),
    "hireCandidate": _probe('hireCandidate(input: {applicationId: "$target", employeeNumber: ""})', on="Application"),
    "requestSensitiveExport": _probe('requestSensitiveExport(input: {unitId: "$target", reason: "short"})', on="OrgUnit"),
    "cancelSensitiveExport": _probe('cancelSensitiveExport(id: "$target")', on="SensitiveExport"),
    "saveCustomRole": _probe('saveCustomRole(input: {nameZh: "", nameEn: "x", groups: [DIRECTORY], operations: []})'),
    "grantRole": _probe('grantRole(input: {userId: "not an id", role: MANAGER})'),
    "revokeRoleGrant": _probe('revokeRoleGrant(input: {id: "not an id"})'),
}  # fmt: skip


def test_every_mutation_has_a_probe() -> None:
    assert set(PROBES) == {n for n, m in MUTATIONS.items() if not m.public}


def _relations(name: str) -> list[Relation | None]:
    """The relations a mutation's target can be at (a unit is never `self`)."""
    rule = MUTATIONS[name]
    if rule.target is Target.NONE:
        return [None]
    by_unit = rule.target is Target.UNIT or _by_unit(rule.record_type)
    return [r for r in Relation if not (by_unit and r is Relation.SELF)]


def _outcome(payload: Any) -> str:
    if payload is None:
        return "no payload"
    codes = {e["code"] for e in payload["errors"]}
    if codes & {"FORBIDDEN", "UNAUTHENTICATED"}:
        return "forbidden"
    if "SELF_DEALING" in codes:
        return SELF_DEALING
    return NOT_FOUND if "NOT_FOUND" in codes else "allowed"


def _declared(name: str, role: Role | None, relation: Relation | None) -> set[str]:
    if role is None:  # anonymous: nothing at all
        return {"forbidden", NOT_FOUND}
    return {mutation_outcome(name, role, relation)}


async def test_mutations_answer_as_declared_and_like_missing_records_when_not_found(
    api: Api,
) -> None:
    w = await build_matrix_world()
    problems: Problems = []
    for viewer, role in VIEWERS.items():
        user, me = w.user_of(viewer), _me(viewer)
        cells = [
            (name, relation, await probe(w, me, relation))
            for name, probe in PROBES.items()
            for relation in _relations(name)
        ]
        for batch in _chunks(cells):
            asked = (f"{texts[0]} {ERRORS}" for _, _, texts in batch)
            body = await api.run(_operation(asked, "mutation"), as_=user)
            for i, (name, relation, _) in enumerate(batch):
                got = _outcome(body["data"][f"a{i}"])
                if got not in _declared(name, role, relation):
                    declared = "/".join(_declared(name, role, relation))
                    problems.append(f"{viewer} × {relation} × {name}: {got}, declared {declared}")
        if role is None:
            continue
        not_found = [c for c in cells if mutation_outcome(c[0], role, c[1]) == NOT_FOUND]
        for batch in _chunks(not_found):
            real = _operation((f"{t[0]} {ERRORS}" for _, _, t in batch), "mutation")
            missing = _operation((f"{t[1]} {ERRORS}" for _, _, t in batch), "mutation")
            await _same_as_missing(api, user, real, missing, f"{viewer} × mutations", problems)
    assert not problems, _report(problems)


async def test_flow_edits_answer_per_request_type_as_declared(api: Api) -> None:
    """saveApprovalFlow for every request type (FLOW_EDITS): the everyday types' flows HR's
    where it manages the unit, the guarded types' HQ HR's alone; denied like missing."""
    w = await build_matrix_world()
    problems: Problems = []
    relations = [r for r in Relation if r is not Relation.SELF]
    for viewer, role in VIEWERS.items():
        user, me = w.user_of(viewer), _me(viewer)
        cells = []
        for request_type, rule in FLOW_EDITS.items():
            probe = _probe(
                f'saveApprovalFlow(input: {{requestType: {request_type}, unitId: "$target", '
                "steps: [{position: 0, rule: USER}]})",
                on="OrgUnit",
            )
            for relation in relations:
                declared = access_outcome(rule, role, relation) if role is not None else None
                cells.append((request_type, relation, declared, await probe(w, me, relation)))
        for batch in _chunks(cells):
            body = await api.run(
                _operation((f"{t[0]} {ERRORS}" for *_, t in batch), "mutation"), as_=user
            )
            for i, (request_type, relation, declared, _) in enumerate(batch):
                got = _outcome(body["data"][f"a{i}"])
                if got != declared and not (declared is None and got in ("forbidden", NOT_FOUND)):
                    problems.append(f"{viewer} × {relation} × {request_type}: {got}, {declared}")
        for batch in _chunks([c for c in cells if c[2] == NOT_FOUND]):
            real = _operation((f"{t[0]} {ERRORS}" for *_, t in batch), "mutation")
            missing = _operation((f"{t[1]} {ERRORS}" for *_, t in batch), "mutation")
            await _same_as_missing(api, user, real, missing, f"{viewer} × flows", problems)
    assert not problems, _report(problems)


# --- import and export ---------------------------------------------------------------------------


async def _import_errors(
    api: Api, user: Any, kind: str, rows: list[list[str]]
) -> dict[int, dict[str, Any]]:
    """The job's row errors by row, each without its row number."""
    content = base64.b64encode("\n".join(",".join(r) for r in rows).encode()).decode()
    data = await api.data(
        "mutation($i: ImportDataInput!) { importData(input: $i) { errors { code } "
        "job { errors { row column message code } } } }",
        {"i": {"kind": kind, "fileName": "rows.csv", "contentBase64": content}},
        as_=user,
    )
    assert data["importData"]["errors"] == [], data
    return {e.pop("row"): e for e in data["importData"]["job"]["errors"]}


def _row_as_declared(
    error: dict[str, Any] | None, allowed: bool, relation: Relation, nobody: dict[str, Any]
) -> bool:
    """A row about someone out of reach fails like one about no one; a row about the importer
    themself is refused as self-dealing (access/self_dealing.py); any other row passes."""
    if not allowed:
        return error == nobody
    if relation is Relation.SELF:
        return error is not None and (error["column"], error["code"]) == (
            "employee_number",
            "SELF_DEALING",
        )
    return error is None


async def test_imports_reach_only_the_people_and_units_the_viewer_manages(api: Api) -> None:
    """A row about someone out of reach fails exactly like a row about no one (the last row);
    one about the importer is refused as self-dealing."""
    w = await build_matrix_world()
    problems: Problems = []
    for viewer in ("hq_hr", "branch_hr"):
        role, user = VIEWERS[viewer], w.user_of(viewer)
        assert role is not None
        relations = list(Relation)
        rows = [["employee_number", "kpi_code", "period", "value"]]
        rows += [
            [w.people[w.person_at(viewer, r)].employee_number, "NEW", "2025-03", "1"]
            for r in relations
        ]
        rows += [["NOBODY", "NEW", "2025-03", "1"]]
        errors = await _import_errors(api, user, "KPI_RECORDS", rows)
        nobody = errors.pop(len(rows))
        for row, relation in enumerate(relations, start=2):
            error, allowed = errors.get(row), reaches(Reach.MANAGED, role, relation)
            if not _row_as_declared(error, allowed, relation, nobody):
                problems.append(f"{viewer} × {relation} × KPI import: {error or 'accepted'}")
        relations = [r for r in Relation if r is not Relation.SELF]
        rows = [["unit_code", "kpi_code", "period", "value"]]
        rows += [[w.team_at(viewer, r), "NEW", "2025-03", "10"] for r in relations]
        rows += [["NOWHERE", "NEW", "2025-03", "10"]]
        errors = await _import_errors(api, user, "TARGETS", rows)
        nowhere = errors.pop(len(rows))
        for row, relation in enumerate(relations, start=2):
            error, allowed = errors.get(row), reaches(Reach.DIRECTED, role, relation)
            if (error is None) != allowed or (error is not None and error != nowhere):
                problems.append(f"{viewer} × {relation} × target import: {error or 'accepted'}")
    assert not problems, _report(problems)


async def test_report_exports_are_their_requesters_alone(api: Api) -> None:
    """GET /reports/{id}: the file for its requester; for anyone else a 404, the same bytes as
    for a report that does not exist (reportJob and node: the lookups above)."""
    w = await build_matrix_world()
    problems: Problems = []
    for viewer, person in VIEWER_PERSON.items():
        token = await access_token(w.users[person])
        headers = {"Authorization": f"Bearer {token}"}
        missing = await api.http.get(f"/reports/{MISSING_PK}", headers=headers)
        for relation in Relation:
            owner = w.person_at(viewer, relation)
            answer = await api.http.get(f"/reports/{w.of('ReportJob', owner).pk}", headers=headers)
            if relation is Relation.SELF:
                if (answer.status_code, answer.content) != (200, b"figures of " + owner.encode()):
                    problems.append(f"{viewer} × own report: {answer.status_code}")
            elif (answer.status_code, answer.content) != (missing.status_code, missing.content):
                problems.append(f"{viewer} × {relation} × report: {answer.status_code}")
    if (await api.http.get(f"/reports/{w.of_type('ReportJob')[0].pk}")).status_code != 401:
        problems.append("anonymous × report: not 401")
    assert not problems, _report(problems)


async def test_sensitive_exports_are_their_requesters_alone(api: Api) -> None:
    """GET /exports/{id}: the file for its requester (the download audited); for anyone else —
    HQ HR included — and for an API token a 404, the same bytes as for an export that does
    not exist."""
    w = await build_matrix_world()
    problems: Problems = []
    for viewer, person in VIEWER_PERSON.items():
        token = await access_token(w.users[person])
        headers = {"Authorization": f"Bearer {token}"}
        missing = await api.http.get(f"/exports/{MISSING_PK}", headers=headers)
        for relation in Relation:
            owner = w.person_at(viewer, relation)
            export = w.of("SensitiveExport", owner).pk
            answer = await api.http.get(f"/exports/{export}", headers=headers)
            if relation is Relation.SELF:
                if (answer.status_code, answer.content) != (200, b"numbers of " + owner.encode()):
                    problems.append(f"{viewer} × own export: {answer.status_code}")
            elif (answer.status_code, answer.content) != (missing.status_code, missing.content):
                problems.append(f"{viewer} × {relation} × export: {answer.status_code}")
    downloads = await AuditEntry.filter(
        action=AuditAction.SENSITIVE_READ, subject_type="SensitiveExport"
    ).count()
    if downloads != len(VIEWER_PERSON):
        problems.append(f"{downloads} downloads audited, {len(VIEWER_PERSON)} made")
    if (await api.http.get(f"/exports/{w.of_type('SensitiveExport')[0].pk}")).status_code != 401:
        problems.append("anonymous × export: not 401")
    assert not problems, _report(problems)


async def test_punch_files_reach_only_the_people_the_viewer_manages(api: Api) -> None:
    """A punch row about someone out of reach fails exactly like a row about no one (the last
    row), one about the importer is refused as self-dealing, and with a bad row nothing is
    written."""
    w = await build_matrix_world()
    problems: Problems = []
    for viewer in ("hq_hr", "branch_hr"):
        role, user = VIEWERS[viewer], w.user_of(viewer)
        assert role is not None
        rows = [["employee_number", "punched_at"]]
        rows += [
            [w.people[w.person_at(viewer, r)].employee_number, "2025-03-03 09:00"] for r in Relation
        ]
        rows += [["NOBODY", "2025-03-03 09:00"]]
        content = base64.b64encode("\n".join(",".join(r) for r in rows).encode()).decode()
        data = await api.data(
            "mutation($i: ImportPunchesInput!) { importPunches(input: $i) { imported "
            "errors { code } rowErrors { row column message code } } }",
            {"i": {"contentBase64": content, "dryRun": False}},
            as_=user,
        )
        answer = data["importPunches"]
        errors = {e.pop("row"): e for e in answer["rowErrors"]}
        nobody = errors.pop(len(rows))
        for row, relation in enumerate(Relation, start=2):
            error, allowed = errors.get(row), reaches(Reach.MANAGED, role, relation)
            if not _row_as_declared(error, allowed, relation, nobody):
                problems.append(f"{viewer} × {relation} × punch import: {error or 'accepted'}")
        if answer["imported"] != 0:
            problems.append(f"{viewer}: a file with bad rows wrote {answer['imported']} punches")
    assert not problems, _report(problems)
