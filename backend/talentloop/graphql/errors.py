"""Errors as the API shows them: typed mutation errors, and the errors allowed past masking."""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from talentloop.access.policy import FieldNotPermitted
from talentloop.errors import ErrorCode as ErrorCodeEnum
from talentloop.errors import ServiceError
from talentloop.graphql.core_messages import translate_core
from talentloop.graphql.limits import viewer_is_signed_in
from talentloop.i18n import N_, translate

strawberry.enum(ErrorCodeEnum, name="ErrorCode", description="What went wrong.")


@strawberry.type(description="A problem with a mutation's input; nothing was written.")
class MutationError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null for the request as a whole."
    )
    message: str = strawberry.field(description="A sentence for a person.")
    code: ErrorCodeEnum = strawberry.field(description="A stable code for a program.")


def mutation_errors(exc: ServiceError) -> list[MutationError]:
    """The problems as a payload shows them, each in the viewer's language."""
    return [MutationError(field=e.field, message=e.translated(), code=e.code) for e in exc.errors]


class PublicError(Exception):
    """A query-level error whose message is safe to show (bad arguments, not signed in): an
    English msgid with `{named}` placeholders, or a service error's problems, shown in the
    viewer's language (present_errors)."""

    extensions = {"code": "BAD_USER_INPUT"}  # read by graphql-core for the error's extensions

    def __init__(self, message: str, *, cause: ServiceError | None = None, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.msgid = message
        self.params = params
        self.cause = cause

    @classmethod
    def of(cls, exc: ServiceError) -> PublicError:
        return cls(str(exc), cause=exc)

    def translated(self) -> str:
        if self.cause is not None:
            return self.cause.translated()
        return translate(self.msgid, self.params)


PASSING = (PublicError, FieldNotPermitted, ServiceError)
MASKED_MESSAGE = N_("Unexpected error.")
LOG_VALUE_LIMIT = 1024  # characters of any one value written to the log
logger = logging.getLogger("talentloop.graphql")
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def should_mask(error: GraphQLError) -> bool:
    """Mask every error except those about the request itself and our own typed ones.

    Passing: syntax and validation errors (no original error), variables that failed to
    coerce (graphql-core wraps the input error it found, before execution: no path), and
    PASSING. Anything else raised while resolving is masked."""
    original = error.original_error
    if original is None:
        return False  # a syntax or validation error about the query itself
    if isinstance(original, PASSING):
        return False
    return not coercion_error(error)


def clip(text: str, limit: int = LOG_VALUE_LIMIT) -> str:
    """At most `limit` characters of a value bound for the log: an error's message may quote
    the input (a megabyte string, a huge number), and the log must not carry it."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


class ClippedValues(logging.Filter):
    """Clips what a record of this logger carries: each string argument, and each part of the
    formatted traceback (set as exc_text, which formatters use instead of formatting it again;
    exc_info stays for handlers that read the exception itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(clip(a) if isinstance(a, str) else a for a in record.args)
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            parts = traceback.format_exception(record.exc_info[1])
            record.exc_text = "".join(clip(part) for part in parts).rstrip("\n")
        return True


logger.addFilter(ClippedValues())


def masked(error: GraphQLError) -> GraphQLError:
    """The generic error the client sees, with a correlation id; the real one goes to the log
    (clipped: ClippedValues)."""
    correlation_id = str(uuid.uuid4())
    original = error.original_error
    logger.error(
        "Unexpected error %s at %s: %s",
        correlation_id,
        ".".join(str(p) for p in error.path or ()) or "-",
        error.message,
        exc_info=original if isinstance(original, BaseException) else None,
    )
    return GraphQLError(
        translate(MASKED_MESSAGE),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "correlationId": correlation_id},
    )


def coercion_error(error: GraphQLError) -> bool:
    """A variable that failed to coerce (a Date out of range, a NaN Decimal): graphql-core
    wraps the input error before execution, so it has no path."""
    return error.path is None and isinstance(error.original_error, GraphQLError)


def copy_of(
    error: GraphQLError, *, message: str | None = None, code: str | None = None
) -> GraphQLError:
    """A changed copy (the original may sit in the validation cache)."""
    extensions = error.extensions if code is None else {**(error.extensions or {}), "code": code}
    return GraphQLError(
        error.message if message is None else message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


def without_suggestions(error: GraphQLError) -> GraphQLError:
    """A copy without "Did you mean …?" (the original may sit in the validation cache)."""
    message = _SUGGESTION.sub("", error.message)
    return error if message == error.message else copy_of(error, message=message)


def translated(error: GraphQLError) -> GraphQLError:
    """Our own errors in the viewer's language, and graphql-core's (about the document or a
    variable that does not coerce) as far as its patterns know them (core_messages.py)."""
    original = error.original_error
    if isinstance(original, ServiceError | PublicError):
        message = original.translated()
    elif isinstance(original, FieldNotPermitted):
        message = translate(FIELD_NOT_PERMITTED, {"field": original.field_name})
    elif original is None or coercion_error(error):
        message = translate_core(error.message)
    else:
        return error
    return error if message == error.message else copy_of(error, message=message)


FIELD_NOT_PERMITTED = N_("Not permitted to read field '{field}'.")


def present_errors(errors: list[GraphQLError], *, signed_in: bool) -> list[GraphQLError]:
    """The errors as the client may see them: unexpected ones masked, a variable that failed
    to coerce typed BAD_USER_INPUT, no field suggestions for an anonymous caller (they
    would map the schema for them), and our own in the viewer's language."""
    shown = []
    for error in errors:
        if should_mask(error):
            error = masked(error)
            shown.append(error)
            continue
        if not signed_in:
            error = without_suggestions(error)  # before translating: it reads the English
        error = translated(error)
        if coercion_error(error) and "code" not in (error.extensions or {}):
            error = copy_of(error, code="BAD_USER_INPUT")
        shown.append(error)
    return shown


class ErrorPolicy(SchemaExtension):
    """Applies present_errors to every result (replaces strawberry's MaskErrors)."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        if result is not None and result.errors:
            signed_in = viewer_is_signed_in(context.context)
            result.errors = present_errors(result.errors, signed_in=signed_in)
