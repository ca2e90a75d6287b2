"""Every mutation has a screen (issue #19: "the API is not the UI").

A mutation that no document of the SPA (`frontend/src/**/*.{ts,vue}`, the `graphql(` tagged
documents the generated types come from) uses is a failure, unless docs/architecture.md lists it
under "Mutations without a screen" with the reason it is API-only.
"""

from __future__ import annotations

import re
from pathlib import Path

from graphql import OperationDefinitionNode, OperationType, build_schema, parse

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = re.compile(r"graphql\(\s*`(.*?)`\s*\)", re.DOTALL)
API_ONLY_SECTION = "## Mutations without a screen"
API_ONLY_ROW = re.compile(r"^- `(\w+)`: (\S.*)$")


def schema_mutations() -> set[str]:
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    assert schema.mutation_type is not None
    return set(schema.mutation_type.fields)


def spa_mutations() -> set[str]:
    used: set[str] = set()
    for path in sorted((ROOT / "frontend" / "src").rglob("*")):
        if path.suffix not in {".ts", ".vue"} or "gql" in path.relative_to(ROOT).parts[2:3]:
            continue
        for body in DOCUMENT.findall(path.read_text(encoding="utf-8")):
            for definition in parse(body).definitions:
                if (
                    isinstance(definition, OperationDefinitionNode)
                    and definition.operation is OperationType.MUTATION
                ):
                    used.update(
                        sel.name.value  # type: ignore[attr-defined]
                        for sel in definition.selection_set.selections
                    )
    return used


def api_only() -> dict[str, str]:
    """The mutations docs/architecture.md declares API-only, with their reasons."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = text.index(API_ONLY_SECTION)
    end = text.find("\n## ", start + len(API_ONLY_SECTION))
    rows: dict[str, str] = {}
    for line in text[start : end if end != -1 else None].splitlines():
        match = API_ONLY_ROW.match(line.strip())
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_spa_documents_are_found() -> None:
    # The scan itself: a broken pattern would find nothing and pass everything below.
    assert {"login", "saveApprovalFlow", "rehireEmployee"} <= spa_mutations()


def test_every_mutation_has_a_screen_or_a_reason() -> None:
    missing = schema_mutations() - spa_mutations() - set(api_only())
    assert not missing, f"mutations with no screen and no API-only reason: {sorted(missing)}"


def test_api_only_list_is_true() -> None:
    declared = api_only()
    unknown = set(declared) - schema_mutations()
    assert not unknown, f"API-only rows naming no mutation: {sorted(unknown)}"
    screened = set(declared) & spa_mutations()
    assert not screened, f"declared API-only but used by a screen: {sorted(screened)}"
    assert all(len(reason) >= 20 for reason in declared.values())
