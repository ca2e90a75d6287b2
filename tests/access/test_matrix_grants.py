"""The matrix for viewers who hold role grants rather than one role: a custom role (薪酬专员:
the directory and pay of one branch, no operation) and a person with two grants (team lead of
a team in one branch, HR of another branch). What each may read of every person, and what the
person mutations answer about every person, is computed by access/matrix.py from the grants
declared here (`grant_reaches`, `grant_outcome`) and checked through the HTTP API."""

from __future__ import annotations

from dataclasses import dataclass

from talentloop.access.matrix import MUTATIONS, Reach, grant_outcome, grant_reaches
from talentloop.access.policy import (
    ALL_GROUPS,
    DIRECTORY,
    LEAD_OPERATIONS,
    ROLE_TEMPLATES,
    WORK,
    FieldGroup,
    Grant,
    Operation,
    Viewer,
)
from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import Role, RoleGrant
from talentloop.graphql.ids import to_global_id
from talentloop.people.fields import EMPLOYEE_FIELDS
from tests.access.matrix_world import TEAMS, MatrixWorld, build_matrix_world
from tests.access.test_matrix import ERRORS, MASK, _fill, _operation, _outcome, _report
from tests.support import Api


@dataclass(frozen=True)
class Declared:
    """One grant as this test states it: field groups and operations over a unit's subtree."""

    groups: frozenset[FieldGroup]
    operations: frozenset[Operation]
    unit: str


HR_GRANT = ROLE_TEMPLATES[Role.BRANCH_HR]
LEAD = ROLE_TEMPLATES[Role.MANAGER]
# Who holds what. ceo_aide (an employee at HQ) is the company's 薪酬专员 for the Shanghai
# branch; strategist (an employee at HQ) leads the Beijing sales team and is HR of Shanghai.
# Both keep their account's own role (employee: the directory of their branch).
HOLDERS: dict[str, list[Declared]] = {
    "ceo_aide": [
        Declared(DIRECTORY, frozenset(), "HQ"),
        Declared(frozenset({FieldGroup.DIRECTORY, FieldGroup.PAY}), frozenset(), "SH"),
    ],
    "strategist": [
        Declared(DIRECTORY, frozenset(), "HQ"),
        Declared(WORK, LEAD_OPERATIONS, "BJ-SALES-1"),
        Declared(ALL_GROUPS, HR_GRANT.operations, "SH"),
    ],
}
PEOPLE = [p for team in TEAMS.values() for p in team]
PERSON_MUTATIONS = {
    "updateEmployee": 'updateEmployee(input: {id: "$target", workPhone: "not a phone", baseSalary: "99999"})',
    "terminateEmployee": 'terminateEmployee(input: {id: "$target", terminationDate: "1999-01-01"})',
    "setKpiTarget": 'setKpiTarget(input: {kpiId: "$kpi_new", period: "2025-03-01", value: "-1", employeeId: "$target"})',
    "recordPerformance": 'recordPerformance(input: {employeeId: "$target", kpiId: "$kpi_new", period: "2025-03-01", value: "-1"})',
    "startAssessmentRound": 'startAssessmentRound(input: {employeeId: "$target", title: "", deadline: "2099-01-01", competencyIds: ["$competency"]})',
    "addPayrollItem": 'addPayrollItem(input: {employeeId: "$target", month: "2025-01-02", kind: BONUS, amount: "-1"})',
    "createKpi": 'createKpi(input: {code: "", name: "x", unit: COUNT})',
}  # fmt: skip


async def _grant(w: MatrixWorld) -> None:
    hq_hr = w.users["hq_hr_person"]
    assert w.pay_specialist is not None
    await RoleGrant.create(
        user=w.users["ceo_aide"], custom_role=w.pay_specialist, scope_unit=w.units["SH"],
        granted_by=hq_hr,
    )  # fmt: skip
    await RoleGrant.create(
        user=w.users["strategist"], role=Role.MANAGER, scope_unit=w.units["BJ-SALES-1"]
    )
    await RoleGrant.create(
        user=w.users["strategist"], role=Role.BRANCH_HR, scope_unit=w.units["SH"]
    )


def _declared(w: MatrixWorld, holder: str) -> list[Grant]:
    return [
        Grant(d.groups, unit_path=w.units[d.unit].path, operations=d.operations)
        for d in HOLDERS[holder]
    ]


def _covering(w: MatrixWorld, holder: str, person: str) -> list[Grant]:
    path = w.units[w.team_of(person)].path
    return [
        g for g in _declared(w, holder) if g.unit_path is not None and path.startswith(g.unit_path)
    ]


async def test_the_viewer_holds_exactly_the_declared_grants() -> None:
    w = await build_matrix_world()
    await _grant(w)
    for holder in HOLDERS:
        viewer = await load_viewer(w.users[holder].id)
        got = {
            (g.groups, g.operations, g.unit_path) for g in viewer.grants if g.employee_id is None
        }
        declared = {(g.groups, g.operations, g.unit_path) for g in _declared(w, holder)}
        # a team lead also reads the directory of their own branch (the template's branch grant)
        if holder == "strategist":
            declared.add((DIRECTORY, frozenset(), w.units["HQ"].path))
        assert got == declared, holder


def _field_state(value: object, readable: bool, masked: bool) -> str:
    if not readable:
        return "denied"
    return "masked" if masked else "value"


async def test_grant_holders_read_each_persons_fields_as_their_grants_declare(api: Api) -> None:
    """Every Employee field of every person: readable where a grant covering the person holds
    the field's group (oneself: everything), null with an error elsewhere, and a person no
    grant covers does not exist."""
    w = await build_matrix_world()
    await _grant(w)
    problems: list[str] = []
    fields = [f for f in EMPLOYEE_FIELDS if f not in ("unit", "position", "manager")]
    for holder in HOLDERS:
        user = w.users[holder]
        for person in PEOPLE:
            is_self = person == holder
            covering = _covering(w, holder, person)
            gid = to_global_id("Employee", w.people[person].id)
            body = await api.run(
                f'{{ employee(id: "{gid}") {{ id {" ".join(fields)} }} }}', as_=user
            )
            answer = body["data"]["employee"]
            exists = grant_reaches(Reach.DIRECTORY, covering, is_self=is_self)
            if (answer is not None) != exists:
                problems.append(f"{holder} × {person}: {'found' if answer else 'missing'}")
                continue
            if answer is None:
                continue
            denied = {tuple(e["path"])[-1] for e in body.get("errors", [])}
            for field, group in EMPLOYEE_FIELDS.items():
                if field not in fields:
                    continue
                reach = {
                    FieldGroup.DIRECTORY: Reach.DIRECTORY, FieldGroup.WORK: Reach.WORK,
                    FieldGroup.PERSONAL: Reach.PERSONAL, FieldGroup.PAY: Reach.PAY,
                    FieldGroup.SENSITIVE: Reach.SENSITIVE,
                }[group]  # fmt: skip
                readable = grant_reaches(reach, covering, is_self=is_self)
                got_denied = field in denied
                if got_denied == readable:
                    problems.append(
                        f"{holder} × {person} × {field}: {'denied' if got_denied else 'read'}, "
                        f"declared {'readable' if readable else 'denied'}"
                    )
                value = answer.get(field)
                if (
                    readable
                    and group is FieldGroup.SENSITIVE
                    and value
                    and not MASK.fullmatch(value)
                ):
                    problems.append(f"{holder} × {person} × {field}: not masked")
    assert not problems, _report(problems)


async def test_grant_holders_change_only_where_their_grants_declare(api: Api) -> None:
    """The person mutations about every person answer as `grant_outcome` computes from the
    declared grants: HR of one branch acts there alone, the team lead in their team, the pay
    specialist nowhere; HQ HR's own mutations are refused to both."""
    w = await build_matrix_world()
    await _grant(w)
    problems: list[str] = []
    for holder in HOLDERS:
        user = w.users[holder]
        viewer: Viewer = await load_viewer(user.id)
        cells = [(name, person) for name in PERSON_MUTATIONS for person in PEOPLE]
        for start in range(0, len(cells), 30):
            batch = cells[start : start + 30]
            texts = (
                _fill(
                    w,
                    PERSON_MUTATIONS[n].replace(
                        "$target", to_global_id("Employee", w.people[p].id)
                    ),
                )
                + f" {ERRORS}"
                for n, p in batch
            )
            body = await api.run(_operation(texts, "mutation"), as_=user)
            for i, (name, person) in enumerate(batch):
                got = _outcome(body["data"][f"a{i}"])
                declared = grant_outcome(
                    name, viewer, _covering(w, holder, person), is_self=person == holder
                )
                if got != declared:
                    problems.append(f"{holder} × {person} × {name}: {got}, declared {declared}")
    assert MUTATIONS["createKpi"].roles is not None
    assert not problems, _report(problems)
