"""Every query and mutation of the SPA stays within the limits in front of the API.

The operations are read from the `graphql(` templates of frontend/src (not the generated
src/gql), fragments are joined from wherever they are defined, and each document is validated
with the API's own rules and costed with the largest page the SPA may ask for (every Int
variable at 100, the cap)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    Visitor,
    get_named_type,
    parse,
    specified_rules,
    type_from_ast,
    validate,
    visit,
)

from talentloop.graphql.limits import MAX_COST, DocumentLimitsRule, estimate_cost
from talentloop.graphql.schema import schema
from talentloop.pagination import MAX_PAGE_SIZE

SRC = Path(__file__).resolve().parents[2] / "frontend" / "src"
TEMPLATE = re.compile(r"graphql\(\s*`(.*?)`\s*\)", re.S)


def _documents() -> list[tuple[str, DocumentNode]]:
    found = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".vue", ".ts") or (SRC / "gql") in path.parents:
            continue
        text = path.read_text(encoding="utf-8")
        assert text.count("graphql(") == len(TEMPLATE.findall(text)), f"unread template: {path}"
        found += [(str(path.relative_to(SRC)), parse(m)) for m in TEMPLATE.findall(text)]
    return found


DOCUMENTS = _documents() if SRC.is_dir() else []
FRAGMENTS = {
    d.name.value: d
    for _, document in DOCUMENTS
    for d in document.definitions
    if isinstance(d, FragmentDefinitionNode)
}
OPERATIONS = [
    (f"{path}:{op.name.value if op.name else '?'}", op)
    for path, document in DOCUMENTS
    for op in document.definitions
    if isinstance(op, OperationDefinitionNode)
]


def _with_fragments(operation: OperationDefinitionNode) -> DocumentNode:
    needed: dict[str, FragmentDefinitionNode] = {}

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
            name = node.name.value
            if name not in needed:
                needed[name] = FRAGMENTS[name]
                visit(needed[name], Spreads())

    visit(operation, Spreads())
    return DocumentNode(definitions=(operation, *needed.values()))


def _largest_variables(operation: OperationDefinitionNode) -> dict[str, int]:
    variables = {}
    for definition in operation.variable_definitions or ():
        type_ = get_named_type(type_from_ast(schema._schema, definition.type))
        if type_ is not None and type_.name == "Int":
            variables[definition.variable.name.value] = MAX_PAGE_SIZE
    return variables


def test_the_spa_templates_were_found() -> None:
    if not SRC.is_dir():
        pytest.skip("frontend/src is not in this checkout")
    assert len(OPERATIONS) > 50
    assert {"EmployeeList", "AssessmentRequests", "TrainingReport"} <= {
        op.name.value for _, op in OPERATIONS if op.name
    }


@pytest.mark.parametrize(("name", "operation"), OPERATIONS, ids=[n for n, _ in OPERATIONS])
def test_an_spa_operation_passes_the_limits(name: str, operation: OperationDefinitionNode) -> None:
    document = _with_fragments(operation)
    errors = validate(schema._schema, document, (*specified_rules, DocumentLimitsRule))
    assert errors == [], name
    cost = estimate_cost(schema._schema, document, None, _largest_variables(operation))
    # half the limit at most (the largest, AssessmentRequests, is about 11,600 today): room
    # for the SPA to grow before a user could hit the limit
    assert cost <= MAX_COST // 2, f"{name} costs {cost}"
