"""Errors as the API shows them: typed mutation errors, and the errors allowed past masking."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from talentloop.access.policy import FieldNotPermitted
from talentloop.errors import ErrorCode as ErrorCodeEnum
from talentloop.errors import ServiceError

strawberry.enum(ErrorCodeEnum, name="ErrorCode", description="What went wrong.")


@strawberry.type(description="A problem with a mutation's input; nothing was written.")
class MutationError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null for the request as a whole."
    )
    message: str = strawberry.field(description="A sentence for a person.")
    code: ErrorCodeEnum = strawberry.field(description="A stable code for a program.")


def mutation_errors(exc: ServiceError) -> list[MutationError]:
    return [MutationError(field=e.field, message=e.message, code=e.code) for e in exc.errors]


class PublicError(Exception):
    """A query-level error whose message is safe to show (bad arguments, not signed in)."""


PASSING = (PublicError, FieldNotPermitted, ServiceError)


def should_mask(error: GraphQLError) -> bool:
    """Mask every error except validation errors and our own typed ones."""
    original = error.original_error
    if original is None:
        return False  # a syntax or validation error about the query itself
    return not isinstance(original, PASSING)
