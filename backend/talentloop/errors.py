"""Typed business errors raised by services and returned in mutation payloads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    LOCKED = "locked"  # an approved payroll run: nothing of it changes
    SELF_DEALING = "self_dealing"  # a change about oneself that someone else must make
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_TOKEN = "invalid_token"
    UNAUTHENTICATED = "unauthenticated"
    # signed in with an initial password: nothing but changing it until it is changed
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    HAS_ACCOUNT = "has_account"  # the employee already has a sign-in account
    LEAVER = "leaver"  # the employee has left: no new account


@dataclass(frozen=True)
class FieldError:
    message: str
    code: ErrorCode
    field: str | None = None


class ServiceError(Exception):
    """One or more problems with a request; nothing was written."""

    def __init__(self, *errors: FieldError) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)

    @property
    def extensions(self) -> dict[str, str]:
        """The code of a service error that reaches a client as a query's error (graphql-core
        reads `extensions` from the error it wraps), like INVALID for a bad cursor."""
        return {"code": self.errors[0].code.name if self.errors else ErrorCode.INVALID.name}

    @classmethod
    def one(cls, code: ErrorCode, message: str, field: str | None = None) -> ServiceError:
        return cls(FieldError(message=message, code=code, field=field))


def not_found(what: str, field: str | None = None) -> ServiceError:
    """The same answer for a record that does not exist and one the viewer may not see."""
    return ServiceError.one(ErrorCode.NOT_FOUND, f"{what} not found.", field)


SELF_DEALING_MESSAGE = "Not about yourself: someone else in charge makes this change."


def self_dealing(field: str | None = None) -> ServiceError:
    """Nobody changes what a control protects about themselves (docs/architecture.md,
    "Self-dealing"): their pay, job, targets, results, scores or working time."""
    return ServiceError.one(ErrorCode.SELF_DEALING, SELF_DEALING_MESSAGE, field)
