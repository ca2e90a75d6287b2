"""The authorization matrix (access/matrix.py) declares every part of the schema: a type, root
field, mutation or Employee field added without a declaration fails here, and the matrix's
relation tables say what policy.py's grants do."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLObjectType, get_named_type

from talentloop.access.matrix import (
    EDGES_WITH_PARENT,
    FIELDS,
    FLOW_EDITS,
    GROUP_REACH,
    IDS_WITH_PARENT,
    MUTATIONS,
    QUERIES,
    TYPES,
    VALUE_TYPES,
    Reach,
    Read,
    Relation,
    Target,
    reaches,
)
from talentloop.access.policy import ALL_GROUPS, Viewer, grants_for_role
from talentloop.accounts.models import Role
from talentloop.graphql import node as node_registry
from talentloop.graphql.schema import schema
from talentloop.people.fields import EMPLOYEE_FIELDS

GRAPHQL = schema._schema


def _object_types() -> dict[str, GraphQLObjectType]:
    return {
        name: t
        for name, t in GRAPHQL.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
    }


def _node_types() -> set[str]:
    return {
        name for name, t in _object_types().items() if any(i.name == "Node" for i in t.interfaces)
    }


def _structural_types() -> set[str]:
    """Query, Mutation, paging, and what mutations answer (their payloads hold declared types)."""
    names = {"Query", "Mutation", "PageInfo", "MutationError"}
    for name, t in _object_types().items():
        if {"edges", "pageInfo", "totalCount"} <= t.fields.keys():
            names.add(name)
        if {"node", "cursor"} <= t.fields.keys():
            names.add(name)
    assert GRAPHQL.mutation_type is not None
    for f in GRAPHQL.mutation_type.fields.values():
        names.add(get_named_type(f.type).name)
    return names


def test_every_node_type_is_declared() -> None:
    assert set(TYPES) == _node_types()


def test_every_node_type_can_be_fetched_by_node() -> None:
    assert _node_types() <= set(node_registry._fetchers)


def test_every_other_type_says_where_it_is_read() -> None:
    others = set(_object_types()) - _node_types() - _structural_types()
    assert set(VALUE_TYPES) == others


def test_every_root_query_field_is_declared() -> None:
    assert GRAPHQL.query_type is not None
    assert set(QUERIES) == set(GRAPHQL.query_type.fields)
    for name, rule in QUERIES.items():
        if rule.read in (Read.LIST, Read.OWN_LIST) or (rule.read is Read.LOOKUP and rule.type):
            assert rule.type in TYPES, name
        if rule.read in (Read.PERSON, Read.UNIT, Read.SCOPE):
            assert rule.reach is not None, name
        if rule.read in (Read.PERSON, Read.UNIT, Read.UNIT_SETTING, Read.LOOKUP):
            assert rule.argument in GRAPHQL.query_type.fields[name].args, name
        if rule.read is Read.ROLES:
            assert rule.roles, name


def test_every_mutation_is_declared() -> None:
    assert GRAPHQL.mutation_type is not None
    assert set(MUTATIONS) == set(GRAPHQL.mutation_type.fields)
    for name, rule in MUTATIONS.items():
        if rule.target is Target.RECORD:
            assert rule.record_type in set(TYPES) | set(VALUE_TYPES), name
        if rule.target is not Target.NONE:
            assert rule.finds is not None, name


def test_every_employee_field_has_a_group() -> None:
    employee = GRAPHQL.type_map["Employee"]
    assert isinstance(employee, GraphQLObjectType)
    assert set(EMPLOYEE_FIELDS) == set(employee.fields) - {"id"}


def test_declared_fields_and_edges_exist() -> None:
    types = _object_types()
    for type_name, field_name in [*FIELDS, *EDGES_WITH_PARENT]:
        assert field_name in types[type_name].fields, (type_name, field_name)
    for type_name, field_name in EDGES_WITH_PARENT:
        target = get_named_type(types[type_name].fields[field_name].type).name
        assert target in TYPES, (type_name, field_name)
    for type_name, field_name in IDS_WITH_PARENT:
        assert get_named_type(types[type_name].fields[field_name].type).name == "ID"


# --- the relation tables say what the policy does --------------------------------------------
# A tree of paths: company /1/, branches /1/2/ and /1/3/, departments /1/2/4/ and /1/2/5/,
# teams /1/2/4/6/ and /1/2/4/7/, /1/2/5/8/, /1/3/9/10/. The viewer works in team /1/2/4/6/.
VIEWER_TEAM, VIEWER_BRANCH = "/1/2/4/6/", "/1/2/"
PLACES: dict[Relation, tuple[int, str]] = {
    Relation.SELF: (1, VIEWER_TEAM),
    Relation.SAME_TEAM: (2, VIEWER_TEAM),
    Relation.SAME_UNIT: (3, "/1/2/4/7/"),
    Relation.SAME_BRANCH: (4, "/1/2/5/8/"),
    Relation.OTHER_BRANCH: (5, "/1/3/9/10/"),
}


def _viewer(role: Role) -> Viewer:
    """As access/viewer.py builds it: branch HR scoped to its branch, a manager to their team."""
    scope = {Role.BRANCH_HR: VIEWER_BRANCH, Role.MANAGER: VIEWER_TEAM}.get(role)
    grants = grants_for_role(role, employee_id=1, scope_path=scope, branch_path=VIEWER_BRANCH)
    return Viewer(user_id=1, role=role, employee_id=1, scope_path=scope, grants=grants)


def test_the_field_group_reaches_are_the_policys_grants() -> None:
    for role in Role:
        viewer = _viewer(role)
        for relation, (employee_id, path) in PLACES.items():
            declared = {g for g in ALL_GROUPS if reaches(GROUP_REACH[g], role, relation)}
            assert viewer.groups_for(employee_id, path) == declared, (role, relation)


def test_where_roles_act_is_what_the_viewer_answers() -> None:
    for role in Role:
        viewer = _viewer(role)
        for relation, (_, path) in PLACES.items():
            assert viewer.can_direct_in(path) == reaches(Reach.DIRECTED, role, relation)
            assert viewer.can_manage_employees_in(path) == reaches(Reach.MANAGED, role, relation)
            assert viewer.can_see_unit(path) == reaches(Reach.UNIT, role, relation), (
                role,
                relation,
            )


def test_every_request_type_declares_who_edits_its_flows() -> None:
    request_types = GRAPHQL.type_map["ApprovalRequestType"]
    assert isinstance(request_types, GraphQLEnumType)
    assert set(FLOW_EDITS) == set(request_types.values)
