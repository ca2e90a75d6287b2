"""The GraphQL layer's part of access control, as one schema extension:

* API-token scopes (access/scopes.py): with a token, a root field or a nested object of an
  area the token may not read resolves as not visible (null, an empty list, an empty
  connection), and a mutation it may not run is refused with FORBIDDEN before it runs.
* Denied mutations are written to the audit trail: the root mutation's payload is looked at
  (whatever the client selected) and a FORBIDDEN, NOT_FOUND or SELF_DEALING error in it is
  recorded.
* So are denied lookups: a root field that looks one record up by id (access/matrix.py
  LOOKUPS: `node`, `employee`…) and answers a signed-in viewer null although the record
  exists. The answer is unchanged; only a null answer costs a query (does it exist?).
  Anonymous lookups are not written: nobody to hold to account, and anyone could fill the log.
* The client address of each operation is made known to the audit trail.
* A viewer signed in with an initial password not yet changed (`must_change_password`) is
  refused every root field but `PASSWORD_CHANGE_ALLOWS` with PASSWORD_CHANGE_REQUIRED: here,
  once, not in each service (access/rest.py refuses the REST routes the same way).

Sessions (no token) pay one attribute check per field; only root mutations and lookups do more.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from graphql import (
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_named_type,
    is_abstract_type,
    is_list_type,
    is_non_null_type,
)
from strawberry.extensions import SchemaExtension

from talentloop.access.matrix import LOOKUPS
from talentloop.access.policy import FieldNotPermitted, Viewer
from talentloop.access.scopes import OPEN, area_of_module, may_read, may_write
from talentloop.audit import service as audit
from talentloop.errors import ErrorCode, FieldError, ServiceError
from talentloop.graphql import node as nodes
from talentloop.graphql.ids import parse_global_id

DENIALS = (ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.SELF_DEALING)
_BACKREF = "strawberry-definition"


class ScopeDenied(ServiceError):
    """A mutation outside the API token's scopes: a request-level FORBIDDEN error."""

    extensions = {"code": "FORBIDDEN"}  # read by graphql-core for the error's extensions

    def __init__(self, operation: str) -> None:
        super().__init__(
            FieldError(
                "This API token may not run '{operation}'.",
                ErrorCode.FORBIDDEN,
                operation,
                operation=operation,
            )
        )


# What a person who must change their initial password may still do: see who they are, change
# it, and sign in or out.
PASSWORD_CHANGE_ALLOWS = frozenset(
    {"me", "changePassword", "login", "logout", "refreshToken", "acceptInvitation"}
)


class PasswordChangeRequired(ServiceError):
    """A request-level error: change the initial password first."""

    extensions = {"code": "PASSWORD_CHANGE_REQUIRED"}

    def __init__(self, operation: str) -> None:
        super().__init__(
            FieldError(
                "Change your initial password before anything else.",
                ErrorCode.PASSWORD_CHANGE_REQUIRED,
                operation,
            )
        )


class AccessGuard(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        request = getattr(self.execution_context.context, "request", None)
        client = getattr(request, "client", None)
        with audit.client_address(client.host if client is not None else None):
            yield

    def resolve(
        self, _next: Any, root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any
    ) -> Any:
        viewer: Viewer = info.context.viewer
        if (
            viewer.must_change_password
            and info.parent_type in (info.schema.query_type, info.schema.mutation_type)
            and info.field_name not in PASSWORD_CHANGE_ALLOWS
            and not info.field_name.startswith("__")
        ):
            raise PasswordChangeRequired(info.field_name)
        if info.parent_type is info.schema.mutation_type:
            return _mutation(_next, root, info, viewer, args, kwargs)
        if info.parent_type is info.schema.query_type and info.field_name in LOOKUPS:
            result = _within_scopes(_next, root, info, viewer, args, kwargs)
            return _lookup(result, info, viewer, kwargs.get("id"))
        return _within_scopes(_next, root, info, viewer, args, kwargs)


def _within_scopes(
    _next: Any,
    root: Any,
    info: GraphQLResolveInfo,
    viewer: Viewer,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """The field as the viewer's API token may see it (a session: as it is)."""
    scopes = viewer.token_scopes
    if scopes is None:
        return _next(root, info, *args, **kwargs)
    if info.parent_type is info.schema.query_type and not may_read(
        scopes, _field_area(info.parent_type, info.field_name, mutation=False)
    ):
        return _not_visible(info)
    named = get_named_type(info.return_type)
    if isinstance(named, GraphQLObjectType):
        if not may_read(scopes, _type_area(named)):
            return _not_visible(info)
        return _next(root, info, *args, **kwargs)
    if is_abstract_type(named):
        return _visible_only(_next(root, info, *args, **kwargs), scopes)
    return _next(root, info, *args, **kwargs)


async def _mutation(
    _next: Any,
    root: Any,
    info: GraphQLResolveInfo,
    viewer: Viewer,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    area = _field_area(info.parent_type, info.field_name, mutation=True)
    if not may_write(viewer.token_scopes, area):
        denied = ScopeDenied(info.field_name)
        await audit.record_access_denied(viewer, info.field_name, denied.errors)
        raise denied
    result = _next(root, info, *args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    errors = getattr(result, "errors", None) or []
    denials = [
        FieldError(e.message, ErrorCode(e.code), e.field)
        for e in errors
        if getattr(e, "code", None) in DENIALS
    ]
    if denials:
        await audit.record_access_denied(viewer, info.field_name, denials)
    return result


async def _lookup(result: Any, info: GraphQLResolveInfo, viewer: Viewer, global_id: Any) -> Any:
    """A lookup's answer as it is; when null for a record that exists, an audit entry."""
    if inspect.isawaitable(result):
        result = await result
    if result is None and viewer.is_authenticated and isinstance(global_id, str):
        parsed = parse_global_id(global_id)
        expected = LOOKUPS[info.field_name]
        if parsed is not None and expected in (None, parsed[0]):
            type_name, pk = parsed
            if await nodes.exists(type_name, pk):
                await audit.record_read_denied(viewer, type_name, pk, info.field_name)
    return result


def _not_visible(info: GraphQLResolveInfo) -> Any:
    """What a record the viewer may not see looks like: null, [], or an empty connection."""
    return_type: GraphQLOutputType = info.return_type
    if not is_non_null_type(return_type):
        return None
    assert isinstance(return_type, GraphQLNonNull)
    inner = return_type.of_type
    if is_list_type(inner):
        return []
    named = get_named_type(inner)
    if isinstance(named, GraphQLObjectType) and _is_connection(named):
        from talentloop.graphql.pagination import Connection, PageInfo

        return Connection(
            edges=[],
            page_info=PageInfo(
                has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None
            ),
            total_count=0,
        )
    raise FieldNotPermitted(info.field_name)


async def _visible_only(result: Any, scopes: frozenset[str]) -> Any:
    """An abstract field (`node`, say): drop what resolved to a type the token may not read."""
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, list):
        return [item for item in result if _object_readable(item, scopes)]
    return result if result is None or _object_readable(result, scopes) else None


def _object_readable(obj: Any, scopes: frozenset[str]) -> bool:
    return may_read(scopes, area_of_module(type(obj).__module__))


_type_areas: dict[str, str] = {}


def _type_area(named: GraphQLNamedType) -> str:
    """The area of an object type: the package that defines it; a connection or an edge
    takes its node's."""
    if named.name not in _type_areas:
        area = OPEN
        if isinstance(named, GraphQLObjectType) and _is_connection(named):
            area = _type_area(get_named_type(named.fields["edges"].type))
        elif isinstance(named, GraphQLObjectType) and {"node", "cursor"} <= named.fields.keys():
            area = _type_area(get_named_type(named.fields["node"].type))
        else:
            definition = (named.extensions or {}).get(_BACKREF)
            origin = getattr(definition, "origin", None)
            if origin is not None:
                area = area_of_module(origin.__module__)
        _type_areas[named.name] = area
    return _type_areas[named.name]


_field_areas: dict[tuple[str, str], str] = {}


def _field_area(parent: GraphQLObjectType, field_name: str, *, mutation: bool) -> str:
    """The area of a root field: the package of its resolver (the domain's schema module)."""
    key = (parent.name, field_name)
    if key not in _field_areas:
        definition = (parent.fields[field_name].extensions or {}).get(_BACKREF)
        resolver = getattr(definition, "base_resolver", None)
        func = getattr(resolver, "wrapped_func", None)
        module = getattr(func, "__module__", "") or ""
        _field_areas[key] = area_of_module(module, mutation=mutation)
    return _field_areas[key]


def _is_connection(named: GraphQLObjectType) -> bool:
    return {"edges", "pageInfo", "totalCount"} <= named.fields.keys()
