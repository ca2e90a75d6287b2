"""Second ids (access/second_ids.py SECOND_IDS): a mutation that finds a record by one id and names
another — a unit it goes to, a person it names, a record that must belong to it — checks both,
the record as it stands and what the second id names, with the same right.

Every id in a mutation's input besides its target is declared; and each declared MANAGED,
SEEN or OF_TARGET one is tried as branch HR (Shanghai) both ways: a record of another branch
(Beijing, HQ, or the company's) with something of their own, and their own record with
something of another branch. Both are refused on the field at fault, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from graphql import GraphQLID, GraphQLInputObjectType, GraphQLInputType, get_named_type
from tortoise import Tortoise

from talentloop.access.matrix import MUTATIONS
from talentloop.access.second_ids import SECOND_IDS, SecondCheck
from talentloop.audit.models import AuditEntry
from talentloop.graphql.ids import to_global_id
from talentloop.graphql.schema import schema
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.performance.models import AssessmentRequest
from talentloop.records.models import Contract
from talentloop.recruitment.models import Application
from talentloop.training.models import Course, CourseFormat, CourseSession, Trainer
from tests.access.matrix_world import MatrixWorld, build_matrix_world
from tests.support import Api

GRAPHQL = schema._schema
TRIED = {SecondCheck.MANAGED, SecondCheck.SEEN, SecondCheck.OF_TARGET}


def _id_paths(input_type: GraphQLInputType, prefix: str = "") -> list[str]:
    named = get_named_type(input_type)
    if named is GraphQLID:
        return [prefix.rstrip(".")]
    if not isinstance(named, GraphQLInputObjectType):
        return []
    paths: list[str] = []
    for name, field in named.fields.items():
        paths += _id_paths(field.type, f"{prefix}{name}.")
    return paths


def id_paths(mutation: str) -> list[str]:
    """Every ID in a mutation's arguments, by path ("input." left out)."""
    paths: list[str] = []
    for name, argument in GRAPHQL.mutation_type.fields[mutation].args.items():
        found = _id_paths(argument.type, f"{name}.")
        paths += [p.removeprefix("input.") for p in found]
    return paths


def test_every_id_besides_a_mutations_target_is_declared() -> None:
    problems = []
    for mutation in GRAPHQL.mutation_type.fields:
        declared = SECOND_IDS.get(mutation, {})
        paths = id_paths(mutation)
        undeclared = [p for p in paths if p not in declared]
        if len(undeclared) > 1:
            problems.append(f"{mutation}: {undeclared} — declare all but its target")
        problems += [
            f"{mutation}.{p}: declared, not in the schema" for p in declared if p not in paths
        ]
    assert set(SECOND_IDS) <= set(MUTATIONS)
    assert not problems, "\n".join(problems)


# --- trying them --------------------------------------------------------------------------------

ERRORS = "{ errors { field code } }"
OWN_TEAM, OTHER_TEAM = "SH-SALES-2", "BJ-SALES-1"
OWN_PERSON, OTHER_PERSON = "sh_rep3", "bj_rep"


@dataclass(frozen=True)
class Case:
    text: str  # the mutation, without its selection
    field: str  # the field the refusal names


@dataclass
class Extra:
    """Records the world does not hold, made for these probes."""

    own_session: CourseSession
    company_session: CourseSession
    other_session: CourseSession
    other_course_session: CourseSession
    mentoring: Course
    former_own: Employee  # left the company from the viewer's branch
    former_other: Employee  # and from another branch


def _unit(w: MatrixWorld, code: str) -> str:
    return w.cid_unit(code)


def _person(w: MatrixWorld, key: str) -> str:
    return to_global_id("Employee", w.people[key].id)


def _rules(w: MatrixWorld, ref: str | None, n: int = 0) -> str:
    return w.by_ref[("AttendanceRuleSet", ref)][n].gid


def _pk(employee: Employee) -> str:
    return to_global_id("Employee", employee.id)


def _sid(session: CourseSession) -> str:
    return to_global_id("CourseSession", session.id)


async def _of(model: Any, **where: Any) -> str:
    found = await model.filter(**where).order_by("id").first()
    assert found is not None, (model, where)
    return to_global_id(model.__name__, found.id)


RULES = 'name: "x", workStart: "09:00:00", workEnd: "18:00:00"'
ROUND = 'title: "x", deadline: "2099-01-01", competencyIds: ["{c}"]'
REHIRE = 'hireDate: "2025-06-01"'
CONTRACT = 'kind: OPEN_ENDED, startDate: "2031-01-01", signedOn: "2031-01-01"'


async def _probes(w: MatrixWorld, x: Extra) -> dict[tuple[str, str], list[Case]]:
    u, p = _unit, _person
    own_app = await _of(Application, unit_id=w.units[OWN_TEAM].id)
    other_app = await _of(Application, unit_id=w.units[OTHER_TEAM].id)
    own_request = await _of(AssessmentRequest, employee_id=w.people[OWN_PERSON].id)
    other_request = await _of(AssessmentRequest, employee_id=w.people[OTHER_PERSON].id)
    own_contract = await _of(Contract, employee_id=w.people[OWN_PERSON].id)
    other_contract = await _of(Contract, employee_id=w.people[OTHER_PERSON].id)
    round_ = ROUND.format(c=w.cid("competency"))
    own_trainer = await _of(Trainer, unit_id=w.units[OWN_TEAM].id)
    other_trainer = await _of(Trainer, unit_id=w.units[OTHER_TEAM].id)
    return {
        ("createTrainer", "employeeId"): [
            Case(f'createTrainer(input: {{kind: INTERNAL, employeeId: "{p(w, OWN_PERSON)}", unitId: "{u(w, OTHER_TEAM)}"}})', "unitId"),
            Case(f'createTrainer(input: {{kind: INTERNAL, employeeId: "{p(w, OTHER_PERSON)}", unitId: "{u(w, OWN_TEAM)}"}})', "employeeId"),
        ],
        ("updateTrainer", "employeeId"): [
            Case(f'updateTrainer(input: {{id: "{other_trainer}", kind: INTERNAL, employeeId: "{p(w, OWN_PERSON)}"}})', "id"),
            Case(f'updateTrainer(input: {{id: "{own_trainer}", kind: INTERNAL, employeeId: "{p(w, OTHER_PERSON)}"}})', "employeeId"),
        ],
        ("moveOrgUnit", "newParentId"): [
            Case(f'moveOrgUnit(input: {{id: "{u(w, OTHER_TEAM)}", newParentId: "{u(w, "SH-SALES")}"}})', "id"),
            Case(f'moveOrgUnit(input: {{id: "{u(w, OWN_TEAM)}", newParentId: "{u(w, "BJ-SALES")}"}})', "newParentId"),
            Case(f'moveOrgUnit(input: {{id: "{u(w, OWN_TEAM)}", newParentId: "{u(w, "ACME")}"}})', "newParentId"),
        ],
        ("transferEmployee", "unitId"): [
            Case(f'transferEmployee(input: {{id: "{p(w, OTHER_PERSON)}", unitId: "{u(w, OWN_TEAM)}"}})', "id"),
            Case(f'transferEmployee(input: {{id: "{p(w, OWN_PERSON)}", unitId: "{u(w, OTHER_TEAM)}"}})', "unitId"),
            Case(f'transferEmployee(input: {{id: "{p(w, OWN_PERSON)}", unitId: "{u(w, "ACME")}"}})', "unitId"),
        ],
        ("transferEmployee", "managerId"): [
            Case(f'transferEmployee(input: {{id: "{p(w, OTHER_PERSON)}", unitId: "{u(w, "SH-SALES-1")}", managerId: "{p(w, "sh_lead")}"}})', "id"),
            Case(f'transferEmployee(input: {{id: "{p(w, OWN_PERSON)}", unitId: "{u(w, "SH-SALES-1")}", managerId: "{p(w, OTHER_PERSON)}"}})', "managerId"),
        ],
        ("recordTransfer", "unitId"): [
            Case(f'recordTransfer(input: {{employeeId: "{p(w, OTHER_PERSON)}", unitId: "{u(w, OWN_TEAM)}", effectiveDate: "2026-01-01"}})', "employeeId"),
            Case(f'recordTransfer(input: {{employeeId: "{p(w, OWN_PERSON)}", unitId: "{u(w, OTHER_TEAM)}", effectiveDate: "2026-01-01"}})', "unitId"),
        ],
        ("requestTransfer", "unitId"): [
            Case(f'requestTransfer(input: {{employeeId: "{p(w, OTHER_PERSON)}", unitId: "{u(w, OWN_TEAM)}", effectiveDate: "2026-01-01"}})', "employeeId"),
            Case(f'requestTransfer(input: {{employeeId: "{p(w, OWN_PERSON)}", unitId: "{u(w, OTHER_TEAM)}", effectiveDate: "2026-01-01"}})', "unitId"),
            Case(f'requestTransfer(input: {{employeeId: "{p(w, OWN_PERSON)}", unitId: "{u(w, "ACME")}", effectiveDate: "2026-01-01"}})', "unitId"),
        ],
        ("requestTransfer", "managerId"): [
            Case(f'requestTransfer(input: {{employeeId: "{p(w, OTHER_PERSON)}", unitId: "{u(w, "SH-SALES-1")}", managerId: "{p(w, "sh_lead")}", effectiveDate: "2026-01-01"}})', "employeeId"),
            Case(f'requestTransfer(input: {{employeeId: "{p(w, OWN_PERSON)}", unitId: "{u(w, "SH-SALES-1")}", managerId: "{p(w, OTHER_PERSON)}", effectiveDate: "2026-01-01"}})', "managerId"),
        ],
        ("saveAttendanceRuleSet", "unitId"): [
            # the company default and a region's are HQ HR's: a branch cannot take them over
            # (SH-SALES has no rule set of its own yet)
            Case(f'saveAttendanceRuleSet(input: {{id: "{_rules(w, None, 0)}", unitId: "{u(w, "SH-SALES")}", {RULES}}})', "id"),
            Case(f'saveAttendanceRuleSet(input: {{id: "{_rules(w, None, 1)}", unitId: "{u(w, "SH-SALES")}", {RULES}}})', "id"),
            Case(f'saveAttendanceRuleSet(input: {{id: "{_rules(w, OTHER_TEAM)}", unitId: "{u(w, "SH-SALES")}", {RULES}}})', "id"),
            Case(f'saveAttendanceRuleSet(input: {{id: "{_rules(w, OWN_TEAM)}", unitId: "{u(w, OTHER_TEAM)}", {RULES}}})', "unitId"),
            Case(f'saveAttendanceRuleSet(input: {{id: "{_rules(w, OWN_TEAM)}", region: "苏州", {RULES}}})', "region"),
        ],
        ("addCourseCostItem", "sessionId"): [
            Case(f'addCourseCostItem(input: {{courseId: "{w.cid("workshop")}", sessionId: "{_sid(x.other_session)}", kind: FEE, amount: "1"}})', "sessionId"),
            Case(f'addCourseCostItem(input: {{courseId: "{w.cid("workshop")}", sessionId: "{_sid(x.company_session)}", kind: FEE, amount: "1"}})', "sessionId"),
        ],
        ("createOrgUnit", "managerId"): [
            Case(f'createOrgUnit(input: {{parentId: "{u(w, "BJ-SALES")}", code: "NEW-1", name: "x", type: TEAM, managerId: "{p(w, OWN_PERSON)}"}})', "parentId"),
            Case(f'createOrgUnit(input: {{parentId: "{u(w, "SH-SALES")}", code: "NEW-2", name: "x", type: TEAM, managerId: "{p(w, OTHER_PERSON)}"}})', "managerId"),
        ],
        ("updateOrgUnit", "managerId"): [
            Case(f'updateOrgUnit(input: {{id: "{u(w, OTHER_TEAM)}", managerId: "{p(w, OWN_PERSON)}"}})', "id"),
            Case(f'updateOrgUnit(input: {{id: "{u(w, OWN_TEAM)}", managerId: "{p(w, OTHER_PERSON)}"}})', "managerId"),
        ],
        ("createEmployee", "managerId"): [
            Case(f'createEmployee(input: {{employeeNumber: "NEW1", name: "x", unitId: "{u(w, OTHER_TEAM)}", hireDate: "2025-01-01", managerId: "{p(w, OWN_PERSON)}"}})', "unitId"),
            Case(f'createEmployee(input: {{employeeNumber: "NEW2", name: "x", unitId: "{u(w, OWN_TEAM)}", hireDate: "2025-01-01", managerId: "{p(w, OTHER_PERSON)}"}})', "managerId"),
        ],
        ("updateEmployee", "managerId"): [
            Case(f'updateEmployee(input: {{id: "{p(w, OTHER_PERSON)}", managerId: "{p(w, OWN_PERSON)}"}})', "id"),
            Case(f'updateEmployee(input: {{id: "{p(w, OWN_PERSON)}", managerId: "{p(w, OTHER_PERSON)}"}})', "managerId"),
        ],
        ("startAssessmentRound", "peerIds"): [
            Case(f'startAssessmentRound(input: {{employeeId: "{p(w, OTHER_PERSON)}", {round_}, peerIds: ["{p(w, "sh_rep")}"]}})', "employeeId"),
            Case(f'startAssessmentRound(input: {{employeeId: "{p(w, OWN_PERSON)}", {round_}, peerIds: ["{p(w, OTHER_PERSON)}"]}})', "peerIds"),
        ],
        ("startAssessmentRound", "subordinateIds"): [
            Case(f'startAssessmentRound(input: {{employeeId: "{p(w, OTHER_PERSON)}", {round_}, subordinateIds: ["{p(w, "sh_rep")}"]}})', "employeeId"),
            Case(f'startAssessmentRound(input: {{employeeId: "{p(w, OWN_PERSON)}", {round_}, subordinateIds: ["{p(w, OTHER_PERSON)}"]}})', "subordinateIds"),
        ],
        ("startAssessmentRound", "requestId"): [
            Case(f'startAssessmentRound(input: {{employeeId: "{p(w, OTHER_PERSON)}", {round_}, requestId: "{own_request}"}})', "employeeId"),
            Case(f'startAssessmentRound(input: {{employeeId: "{p(w, OWN_PERSON)}", {round_}, requestId: "{other_request}"}})', "requestId"),
        ],
        ("enrollInCourse", "mentorId"): [
            Case(f'enrollInCourse(input: {{courseId: "{to_global_id("Course", x.mentoring.id)}", employeeId: "{p(w, OTHER_PERSON)}", mentorId: "{p(w, "sh_rep")}"}})', "employeeId"),
            Case(f'enrollInCourse(input: {{courseId: "{to_global_id("Course", x.mentoring.id)}", employeeId: "{p(w, OWN_PERSON)}", mentorId: "{p(w, OTHER_PERSON)}"}})', "mentorId"),
        ],
        ("enrollInCourse", "sessionId"): [
            Case(f'enrollInCourse(input: {{courseId: "{w.cid("workshop")}", employeeId: "{p(w, OTHER_PERSON)}", sessionId: "{_sid(x.own_session)}"}})', "employeeId"),
            Case(f'enrollInCourse(input: {{courseId: "{w.cid("workshop")}", employeeId: "{p(w, OWN_PERSON)}", sessionId: "{_sid(x.other_course_session)}"}})', "sessionId"),
        ],
        ("scheduleInterview", "interviewerIds"): [
            Case(f'scheduleInterview(input: {{applicationId: "{other_app}", title: "x", scheduledAt: "2099-03-03T02:00:00Z", interviewerIds: ["{p(w, OWN_PERSON)}"]}})', "applicationId"),
            Case(f'scheduleInterview(input: {{applicationId: "{own_app}", title: "x", scheduledAt: "2099-03-03T02:00:00Z", interviewerIds: ["{p(w, OTHER_PERSON)}"]}})', "interviewerIds"),
        ],
        ("hireCandidate", "managerId"): [
            Case(f'hireCandidate(input: {{applicationId: "{other_app}", managerId: "{p(w, OWN_PERSON)}"}})', "applicationId"),
            Case(f'hireCandidate(input: {{applicationId: "{own_app}", managerId: "{p(w, OTHER_PERSON)}"}})', "managerId"),
        ],
        ("saveApprovalFlow", "steps.employeeId"): [
            Case(f'saveApprovalFlow(input: {{requestType: LEAVE, unitId: "{u(w, OTHER_TEAM)}", steps: [{{position: 0, rule: USER, employeeId: "{p(w, OWN_PERSON)}"}}]}})', "unitId"),
            Case(f'saveApprovalFlow(input: {{requestType: LEAVE, unitId: "{u(w, OWN_TEAM)}", steps: [{{position: 0, rule: USER, employeeId: "{p(w, OTHER_PERSON)}"}}]}})', "steps.0.employeeId"),
        ],
        ("rehireEmployee", "unitId"): [
            Case(f'rehireEmployee(input: {{employeeId: "{_pk(x.former_other)}", unitId: "{u(w, OWN_TEAM)}", {REHIRE}}})', "id"),
            Case(f'rehireEmployee(input: {{employeeId: "{_pk(x.former_own)}", unitId: "{u(w, OTHER_TEAM)}", {REHIRE}}})', "unitId"),
            Case(f'rehireEmployee(input: {{employeeId: "{_pk(x.former_own)}", unitId: "{u(w, "ACME")}", {REHIRE}}})', "unitId"),
        ],
        ("rehireEmployee", "managerId"): [
            Case(f'rehireEmployee(input: {{employeeId: "{_pk(x.former_other)}", unitId: "{u(w, OWN_TEAM)}", managerId: "{p(w, "sh_rep")}", {REHIRE}}})', "id"),
            Case(f'rehireEmployee(input: {{employeeId: "{_pk(x.former_own)}", unitId: "{u(w, OWN_TEAM)}", managerId: "{p(w, OTHER_PERSON)}", {REHIRE}}})', "managerId"),
        ],
        ("signContract", "renewsId"): [
            Case(f'signContract(input: {{employeeId: "{p(w, OTHER_PERSON)}", {CONTRACT}, renewsId: "{own_contract}"}})', "id"),
            Case(f'signContract(input: {{employeeId: "{p(w, OWN_PERSON)}", {CONTRACT}, renewsId: "{other_contract}"}})', "renewsId"),
        ],
    }  # fmt: skip


async def _extra(w: MatrixWorld) -> Extra:
    soon = datetime.now(UTC) + timedelta(days=40)

    async def session(course: Course, unit: str | None) -> CourseSession:
        return await CourseSession.create(
            course=course,
            starts_at=soon,
            ends_at=soon + timedelta(hours=8),
            place="x",
            trainer="x",
            capacity=10,
            unit=w.units[unit] if unit else None,
        )

    workshop = w.cat.workshop
    other_course = await Course.create(
        code="WS2", title="x", format=CourseFormat.WORKSHOP, duration_hours=Decimal(1)
    )
    mentoring = await Course.create(
        code="MEN", title="x", format=CourseFormat.MENTORING, duration_hours=Decimal(1)
    )

    async def former(number: str, team: str) -> Employee:
        return await Employee.create(
            employee_number=number,
            name="x",
            unit=w.units[team],
            status=EmployeeStatus.TERMINATED,
            hire_date=date(2020, 1, 1),
            termination_date=date(2024, 12, 31),
        )

    return Extra(
        former_own=await former("F001", OWN_TEAM),
        former_other=await former("F002", OTHER_TEAM),
        own_session=await session(workshop, OWN_TEAM),
        company_session=await session(workshop, None),
        other_session=await session(workshop, OTHER_TEAM),
        other_course_session=await session(other_course, OWN_TEAM),
        mentoring=mentoring,
    )


async def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but the audit trail (which records the refusals)."""
    rows = {}
    for model in Tortoise.apps["talentloop"].values():
        if model is not AuditEntry:
            rows[model.__name__] = await model.all().order_by(model._meta.pk_attr).values()
    return rows


def test_every_tried_second_id_has_a_probe() -> None:
    declared = {
        (m, path) for m, ids in SECOND_IDS.items() for path, s in ids.items() if s.check in TRIED
    }
    assert declared == set(PROBED)


PROBED: set[tuple[str, str]] = {
    ("createTrainer", "employeeId"),
    ("updateTrainer", "employeeId"),
    ("moveOrgUnit", "newParentId"),
    ("transferEmployee", "unitId"),
    ("transferEmployee", "managerId"),
    ("recordTransfer", "unitId"),
    ("requestTransfer", "unitId"),
    ("requestTransfer", "managerId"),
    ("saveAttendanceRuleSet", "unitId"),
    ("addCourseCostItem", "sessionId"),
    ("createOrgUnit", "managerId"),
    ("updateOrgUnit", "managerId"),
    ("createEmployee", "managerId"),
    ("updateEmployee", "managerId"),
    ("startAssessmentRound", "peerIds"),
    ("startAssessmentRound", "subordinateIds"),
    ("startAssessmentRound", "requestId"),
    ("enrollInCourse", "mentorId"),
    ("enrollInCourse", "sessionId"),
    ("scheduleInterview", "interviewerIds"),
    ("hireCandidate", "managerId"),
    ("saveApprovalFlow", "steps.employeeId"),
    ("signContract", "renewsId"),
    ("rehireEmployee", "unitId"),
    ("rehireEmployee", "managerId"),
}


async def test_branch_hr_cannot_reach_another_branch_through_a_second_id(api: Api) -> None:
    w = await build_matrix_world()
    probes = await _probes(w, await _extra(w))
    assert set(probes) == PROBED
    hr = w.users["sh_hr_person"]
    await api.token(hr)  # signed in before the picture is taken
    before = await _snapshot()
    problems = []
    for (mutation, path), cases in probes.items():
        for case in cases:
            body = await api.run(f"mutation {{ a: {case.text} {ERRORS} }}", as_=hr)
            payload = (body.get("data") or {}).get("a")
            errors = payload["errors"] if payload else body.get("errors")
            refused = [e for e in errors or [] if e.get("code") in ("FORBIDDEN", "NOT_FOUND")]
            if not any(e.get("field") == case.field for e in refused):
                problems.append(f"{mutation}.{path}: {case.text[:120]}… → {errors}")
    after = await _snapshot()
    changed = [name for name in before if before[name] != after[name]]
    assert not problems, "\n".join(problems)
    assert not changed, f"written although refused: {changed}"
