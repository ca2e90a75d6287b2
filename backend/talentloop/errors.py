"""Typed business errors raised by services and returned in mutation payloads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from talentloop.i18n import N_, NESTED, translate, translate_stored


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    LOCKED = "locked"  # an approved payroll run: nothing of it changes
    OUT_OF_DATE = "out_of_date"  # a payroll run whose inputs changed since it was computed
    SELF_DEALING = "self_dealing"  # a change about oneself that someone else must make
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_TOKEN = "invalid_token"
    UNAUTHENTICATED = "unauthenticated"
    # signed in with an initial password: nothing but changing it until it is changed
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    HAS_ACCOUNT = "has_account"  # the employee already has a sign-in account
    LEAVER = "leaver"  # the employee has left: no new account


@dataclass(frozen=True, init=False)
class FieldError:
    """One problem. `msgid` is the English sentence with `{named}` placeholders, filled from
    `params`; it is translated into the viewer's language when a payload shows it
    (talentloop/i18n.py), so write the sentence, never an f-string."""

    msgid: str
    code: ErrorCode
    field: str | None
    params: tuple[tuple[str, Any], ...]

    def __init__(
        self, message: str, code: ErrorCode, field: str | None = None, **params: Any
    ) -> None:
        object.__setattr__(self, "msgid", message)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "params", tuple(sorted(params.items())))

    @property
    def message(self) -> str:
        """The sentence in English (logs, and the msgid a catalogue translates)."""
        return self.msgid.format(**dict(self.params)) if self.params else self.msgid

    def translated(self) -> str:
        """The sentence in the request's language."""
        params = {
            k: translate_stored(v) if k in NESTED and isinstance(v, str) else v
            for k, v in self.params
        }
        return translate(self.msgid, params)


class ServiceError(Exception):
    """One or more problems with a request; nothing was written."""

    def __init__(self, *errors: FieldError) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)

    def __reduce__(self) -> tuple[type[ServiceError], tuple[FieldError, ...]]:
        # Raised in the file-checking process (talentloop.offload), unpickled in the API's.
        return (type(self), tuple(self.errors))

    @property
    def extensions(self) -> dict[str, str]:
        """The code of a service error that reaches a client as a query's error (graphql-core
        reads `extensions` from the error it wraps), like INVALID for a bad cursor."""
        return {"code": self.errors[0].code.name if self.errors else ErrorCode.INVALID.name}

    def translated(self) -> str:
        return "; ".join(e.translated() for e in self.errors)

    @classmethod
    def one(
        cls, code: ErrorCode, message: str, field: str | None = None, **params: Any
    ) -> ServiceError:
        return cls(FieldError(message, code, field, **params))


def not_found(what: str, field: str | None = None) -> ServiceError:
    """The same answer for a record that does not exist and one the viewer may not see.
    The msgid is "<what> not found." (the extractor, talentloop/locale/extract.py, writes it
    so), one sentence per record kind rather than a translated noun in a translated frame."""
    return ServiceError.one(ErrorCode.NOT_FOUND, f"{what} not found.", field)  # msgid: see above


SELF_DEALING_MESSAGE = N_("Not about yourself: someone else in charge makes this change.")


def self_dealing(field: str | None = None) -> ServiceError:
    """Nobody changes what a control protects about themselves (docs/architecture.md,
    "Self-dealing"): their pay, job, targets, results, scores or working time."""
    return ServiceError.one(ErrorCode.SELF_DEALING, SELF_DEALING_MESSAGE, field)
