"""Limits checked before a GraphQL operation runs (OWASP GraphQL Cheat Sheet, API4:2023).

| limit | value | where it is checked |
| --- | --- | --- |
| tokens in the document | `MAX_TOKENS` = 5000 | the parser (strawberry's MaxTokensLimiter) |
| depth: fields nested inside fields | `MAX_DEPTH` = 12 | `DocumentLimitsRule`, a validation rule |
| aliases per operation, fragments followed | `MAX_ALIASES` = 30 | `DocumentLimitsRule` |
| estimated nodes (objects) returned | `MAX_COST` = 50,000 | `QueryCostLimit`, after validation, with the variables |
| introspection (`__schema`, `__type`) | signed-in users only | `IntrospectionForSignedInUsers` |
| NUL (U+0000), bidi overrides and isolates in a string | refused | `RefusedCharacters`, before execution |
| validation errors reported | `MAX_VALIDATION_ERRORS` = 20, then one "too many" | `CappedValidation` |

The cost is GitHub's: each connection multiplies what it holds by its page size (`first`, from
the literal, the variable, the variable's default or the argument's default; clamped to
0..`MAX_PAGE_SIZE` because a larger page is refused by the resolver with its own error), a list
without `first` counts as `LIST_ESTIMATE` items, and every object in the answer counts one
(scalars are free). Named and inline fragments are followed; fragments on different types
under one abstract field all count, so the estimate can only be high.

The walkers visit each fragment once per operation (a memo per fragment), so a document of
fragments that spread the next one twice costs linear time, not 2^n: strawberry's own
QueryDepthLimiter and MaxAliasesLimiter walk a fragment again at every spread.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
    validate,
    value_from_ast_untyped,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from talentloop.i18n import N_, translate
from talentloop.pagination import MAX_PAGE_SIZE

MAX_TOKENS = 5000
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_COST = 50_000
# graphql-core's default is 100: a document of 60 unknown directives got 60 errors (OWASP's
# directive overloading). Validation stops at the cap and adds one "Validation aborted".
MAX_VALIDATION_ERRORS = 20
DEFAULT_PAGE_SIZE = 20  # when a connection field declares no default of its own
LIST_ESTIMATE = 10  # items assumed for a list that takes no `first`
_COST_CEILING = 10**15  # estimates saturate here, so a pathological document stays a small int


def viewer_is_signed_in(context: object) -> bool:
    viewer = getattr(context, "viewer", None)
    return bool(getattr(viewer, "is_authenticated", False))


# --- depth and aliases: a validation rule (cached with the document) ----------------------


class _DepthAndAliases:
    """(depth, aliases) of selection sets, each fragment worked out once."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, tuple[int, int]] = {}
        self.open: set[str] = set()

    def of(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        depth = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                aliases += selection.alias is not None
                if selection.selection_set is None:
                    continue
                inner_depth, inner_aliases = self.of(selection.selection_set)
                aliases += inner_aliases
                if not selection.name.value.startswith("__"):  # introspection is not counted
                    depth = max(depth, 1 + inner_depth)
            elif isinstance(selection, InlineFragmentNode):
                inner_depth, inner_aliases = self.of(selection.selection_set)
                depth, aliases = max(depth, inner_depth), aliases + inner_aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner_depth, inner_aliases = self.fragment(selection.name.value)
                depth, aliases = max(depth, inner_depth), aliases + inner_aliases
        return depth, aliases

    def fragment(self, name: str) -> tuple[int, int]:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.open:  # unknown or cyclic: other rules report it
            return 0, 0
        self.open.add(name)
        self.memo[name] = self.of(definition.selection_set)
        self.open.discard(name)
        return self.memo[name]


class DocumentLimitsRule(ValidationRule):
    """Rejects an operation nested deeper than MAX_DEPTH or with more than MAX_ALIASES aliases
    (aliases inside fragments count at every spread)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        definitions = context.document.definitions
        fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
        walker = _DepthAndAliases(fragments)
        for operation in definitions:
            if not isinstance(operation, OperationDefinitionNode):
                continue
            name = operation.name.value if operation.name else "anonymous"
            depth, aliases = walker.of(operation.selection_set)
            if depth > MAX_DEPTH:
                context.report_error(
                    GraphQLError(
                        f"Operation '{name}' nests fields {depth} deep; the limit is {MAX_DEPTH}.",
                        operation,
                        extensions={"code": "QUERY_TOO_DEEP", "depth": depth, "limit": MAX_DEPTH},
                    )
                )
            if aliases > MAX_ALIASES:
                context.report_error(
                    GraphQLError(
                        f"Operation '{name}' uses {aliases} aliases; the limit is {MAX_ALIASES}.",
                        operation,
                        extensions={
                            "code": "TOO_MANY_ALIASES",
                            "aliases": aliases,
                            "limit": MAX_ALIASES,
                        },
                    )
                )


class NoIntrospectionRule(ValidationRule):
    """`__schema` and `__type` are refused; `__typename` is not introspection of the schema."""

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    f"Introspection ('{node.name.value}') is available to signed-in users only.",
                    node,
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            )


class IntrospectionForSignedInUsers(SchemaExtension):
    """Adds NoIntrospectionRule to the validation of an anonymous request (the validation cache
    keys on the rules, so the two audiences never share a cached answer)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        if not viewer_is_signed_in(context.context):
            context.validation_rules = (*context.validation_rules, NoIntrospectionRule)
        yield


# --- cost: needs the variables, so it runs after validation, before execution ------------


class _CostEstimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.variable_defaults = {
            d.variable.name.value: d.default_value for d in operation.variable_definitions or ()
        }
        self.memo: dict[tuple[str, int | None], int] = {}
        self.open: set[str] = set()

    def page_size(self, field: GraphQLField, node: FieldNode) -> int:
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        default = field.args["first"].default_value
        value: Any = default if isinstance(default, int) else DEFAULT_PAGE_SIZE
        if argument is not None and isinstance(argument.value, VariableNode):
            name = argument.value.name.value
            declared_default = self.variable_defaults.get(name)
            if name in self.variables:
                value = self.variables[name]
            elif declared_default is not None:
                value = value_from_ast_untyped(declared_default)
            if value is None:
                value = default if isinstance(default, int) else DEFAULT_PAGE_SIZE
        elif argument is not None:
            value = value_from_ast_untyped(argument.value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return MAX_PAGE_SIZE  # coercion will refuse it; assume the worst meanwhile
        return max(0, min(value, MAX_PAGE_SIZE))

    def selection_set(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        page: int | None,
    ) -> int:
        """Objects under one `parent` object; `page` is set inside a connection (for `edges`)."""
        total = 0
        fields: Mapping[str, GraphQLField] = getattr(parent, "fields", None) or {}
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                name = selection.name.value
                field = fields.get(name)
                if field is None or name.startswith("__") or selection.selection_set is None:
                    continue  # introspection answers from memory; scalars are free
                named = get_named_type(field.type)
                if not is_composite_type(named):
                    continue
                if (
                    "first" in field.args
                    and isinstance(named, GraphQLObjectType)
                    and "edges" in named.fields
                ):
                    size = self.page_size(field, selection)
                    total += 1 + self.selection_set(selection.selection_set, named, size)
                    continue
                count = 1
                if is_list_type(get_nullable_type(field.type)):
                    count = (
                        page if page is not None and name in ("edges", "nodes") else LIST_ESTIMATE
                    )
                total += count * (1 + self.selection_set(selection.selection_set, named, None))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                type_ = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, type_, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
            if total >= _COST_CEILING:
                return _COST_CEILING
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.memo:
            return self.memo[key]
        definition = self.fragments.get(name)
        if definition is None or name in self.open:
            return 0
        self.open.add(name)
        type_ = self.schema.get_type(definition.type_condition.name.value)
        self.memo[key] = self.selection_set(definition.selection_set, type_, page)
        self.open.discard(name)
        return self.memo[key]


def estimate_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """Estimated objects in the answer of the operation (0 when the document names none)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    estimator = _CostEstimator(schema, fragments, operation, variables or {})
    return estimator.selection_set(operation.selection_set, root, None)


TOO_COSTLY = N_(
    "The query would return an estimated {cost} objects; the limit is {limit}. "
    "Ask for smaller pages (`first`) or fewer nested lists."
)
FAR_TOO_COSTLY = N_(
    "The query would return an estimated more than {cost} objects; the limit is {limit}. "
    "Ask for smaller pages (`first`) or fewer nested lists."
)


def cost_error(cost: int) -> GraphQLError:
    """In the request's language (the caller may be the SPA's reader as well as a program)."""
    message = TOO_COSTLY if cost < _COST_CEILING else FAR_TOO_COSTLY
    shown = min(cost, _COST_CEILING)
    return GraphQLError(
        translate(message, {"cost": f"{shown:,}", "limit": f"{MAX_COST:,}"}),
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": MAX_COST},
    )


class QueryCostLimit(SchemaExtension):
    """Refuses an operation whose estimated cost exceeds MAX_COST: it sets the result before
    execution, so no resolver runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.result is None and document is not None:
            cost = estimate_cost(
                context.schema._schema, document, context.operation_name, context.variables
            )
            if cost > MAX_COST:
                context.result = ExecutionResult(data=None, errors=[cost_error(cost)])
        yield


# --- validation, capped and cached ----------------------------------------------------------


@lru_cache(maxsize=128)
def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)  # as strawberry's
    return validate(schema, document, rules, max_errors=MAX_VALIDATION_ERRORS)


class CappedValidation(SchemaExtension):
    """Strawberry's ValidationCache (an LRU cache of 128 documents and rule sets), stopping
    after MAX_VALIDATION_ERRORS errors."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        context.pre_execution_errors = _validate(
            context.schema._schema, context.graphql_document, tuple(context.validation_rules)
        )
        yield


# --- input hygiene ------------------------------------------------------------------------

# PostgreSQL text cannot hold NUL; bidi embeddings, overrides and isolates make text display
# other than it reads (Trojan Source, CVE-2021-42574). Neither belongs in any HR text. Other
# invisible characters are refused in names only (talentloop/inputs.py): free text may need
# zero-width joiners (emoji) and marks.
REFUSED_CHARACTERS = frozenset("\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _refused_in(value: object) -> bool:
    """Any string in a JSON value holding a refused character (iterative: variables may nest
    deeply)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not REFUSED_CHARACTERS.isdisjoint(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class _RefusedInLiterals(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_args: object) -> None:
        if not REFUSED_CHARACTERS.isdisjoint(node.value):
            self.found = True


class RefusedCharacters(SchemaExtension):
    """A string argument (literal or variable) holding a REFUSED_CHARACTERS one is refused
    before execution, for every field: otherwise NUL fails in PostgreSQL deep inside a service
    (a masked error at best), and a bidi override is stored to mislead whoever reads it."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.result is None and context.graphql_document is not None:
            literals = _RefusedInLiterals()
            visit(context.graphql_document, literals)
            if literals.found or _refused_in(context.variables):
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            "Text may not contain the NUL character (U+0000) or bidi "
                            "overrides and isolates (U+202A–U+202E, U+2066–U+2069).",
                            extensions={"code": "BAD_USER_INPUT"},
                        )
                    ],
                )
        yield
