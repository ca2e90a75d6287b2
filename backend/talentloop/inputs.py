"""What any input must be before it is used: the class-wide checks, each in one place.

| input | rule | where it is applied |
| --- | --- | --- |
| a text column (`CharField`) | at most its `max_length` characters | `install_field_checks`: every write of every model, both engines |
| a decimal column (`DecimalField`) | finite, at most `max_digits - decimal_places` whole digits | `install_field_checks` |
| a name (`NAME_FIELDS`) | no control or format characters (zero-width, bidi, BOM) | `install_field_checks` |
| a date | years `MIN_YEAR`..`MAX_YEAR` | `check_date` (the GraphQL Date scalar) |
| a KPI period | years `MIN_YEAR`..this year + `PERIOD_YEARS_AHEAD` | `period_year_ok` (KPI values, targets, imports) |
| a KPI value's or target's period | at most the end of next year | `performance/periods.period_problems` (the API and the imports) |
| a decimal | finite, below `MAX_DECIMAL` | `check_decimal` (the GraphQL Decimal scalar) |
| a search term | at most `MAX_SEARCH` characters | `search_term` (every list filter's `search`) |

A write that breaks a column's rule raises ServiceError(INVALID) naming the field (camelCase),
so a mutation answers it in `errors { field message code }` and its transaction rolls back.
Without this, PostgreSQL refuses an over-long value or an overflowing number in SQL (a masked
error) while SQLite stores it; Tortoise's own length check raised an untyped ValidationError.

Names refuse every Unicode control (Cc) and format (Cf) character: zero-width spaces and
joiners, bidi marks, overrides and isolates, the BOM. A name is what a person sees to tell two
people apart, so invisible characters can only spoof. Free text (notes, comments) keeps them —
ZWJ emoji sequences and mixed-script text are legitimate there — except the bidi overrides
and isolates, which graphql/limits.py refuses in every string (Trojan Source, CVE-2021-42574).
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise import fields
from tortoise.models import Model

from talentloop.errors import ErrorCode, ServiceError
from talentloop.i18n import N_

MIN_YEAR = 1900
MAX_YEAR = 2100
PERIOD_YEARS_AHEAD = 5  # targets are set ahead, for a plan's years; results are not recorded
MAX_DECIMAL = Decimal(10) ** 15  # above every column (the widest holds 12 whole digits)
MAX_SEARCH = 100
NAME_FIELDS = frozenset(
    {"name", "title", "code", "username", "employee_number", "dimension_name", "actor_username"}
)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def invalid(field: str, message: str, **params: Any) -> ServiceError:
    return ServiceError.one(ErrorCode.INVALID, message, field, **params)


# --- values on their own (scalars, filters) -----------------------------------------------


# A scalar's ValueError reaches the reader inside graphql-core's sentence, as its `reason`
# (graphql/core_messages.py translates it from these msgids).
DATE_OUT_OF_RANGE = N_("A date must fall in the years {first} to {last}.")
NUMBER_TOO_LARGE = N_("A number must be below {limit}.")


def check_date(value: date) -> date:
    """ValueError for a year outside MIN_YEAR..MAX_YEAR (a birth date 0001-01-01)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(DATE_OUT_OF_RANGE.format(first=MIN_YEAR, last=MAX_YEAR))
    return value


def period_year_ok(day: date) -> bool:
    """A KPI period (a value, a target, an import row) in MIN_YEAR..PERIOD_YEARS_AHEAD years
    from now: 2099-12 is a typing error, not a plan."""
    return MIN_YEAR <= day.year <= date.today().year + PERIOD_YEARS_AHEAD


def check_decimal(value: Decimal) -> Decimal:
    """ValueError for NaN, ±Infinity, or a magnitude no column holds."""
    if not value.is_finite():
        raise ValueError("A number must be finite (not NaN or Infinity).")
    if abs(value) >= MAX_DECIMAL:
        raise ValueError(NUMBER_TOO_LARGE.format(limit=f"{MAX_DECIMAL:,}"))
    return value


def search_term(text: str | None, field: str = "search") -> str | None:
    """The trimmed term, None when empty; INVALID when longer than MAX_SEARCH."""
    term = (text or "").strip()
    if len(term) > MAX_SEARCH:
        raise invalid(field, "A search is at most {top} characters.", top=MAX_SEARCH)
    return term or None


def hidden_characters(text: str) -> bool:
    """Any control (Cc) or format (Cf) character: zero-width, bidi, BOM, soft hyphen."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


# --- every write of every model ------------------------------------------------------------


def _length_check(field: fields.CharField) -> Callable[[Any], None]:
    name, limit = camel(field.model_field_name), field.max_length

    def check(value: Any) -> None:
        if isinstance(value, str) and len(value) > limit:
            raise invalid(
                name, "At most {limit} characters ({given} given).", limit=limit, given=len(value)
            )

    return check


def _name_check(field: fields.CharField) -> Callable[[Any], None]:
    name = camel(field.model_field_name)

    def check(value: Any) -> None:
        if isinstance(value, str) and hidden_characters(value):
            raise invalid(name, "A name may not hold invisible (control or format) characters.")

    return check


def _digits_check(field: fields.DecimalField) -> Callable[[Any], None]:
    name = camel(field.model_field_name)
    whole = field.max_digits - field.decimal_places
    bound = Decimal(10) ** whole

    def check(value: Any) -> None:
        if value is None:
            return
        number = Decimal(value)
        if not number.is_finite():
            raise invalid(name, "A number must be finite (not NaN or Infinity).")
        if abs(number) >= bound:
            raise invalid(name, "At most {whole} digits before the decimal point.", whole=whole)

    return check


def field_checks(field: fields.Field[Any]) -> list[Callable[[Any], None]]:
    checks: list[Callable[[Any], None]] = []
    if isinstance(field, fields.CharField):
        checks.append(_length_check(field))
        if field.model_field_name in NAME_FIELDS:
            checks.append(_name_check(field))
    elif isinstance(field, fields.DecimalField):
        checks.append(_digits_check(field))
    return checks


_installed: set[type[Model]] = set()


def install_field_checks(models: Iterable[type[Model]]) -> None:
    """Put the checks first among each field's validators: Tortoise runs them in to_db_value,
    on every insert, save and queryset update, on both engines (idempotent)."""
    for model in models:
        if model in _installed:
            continue
        _installed.add(model)
        for field in model._meta.fields_map.values():
            field.validators[:0] = field_checks(field)


def install_for_modules(module_names: Iterable[str]) -> None:
    for module_name in module_names:
        module = importlib.import_module(module_name)
        install_field_checks(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Model)
            and value.__module__ == module_name
            and not value._meta.abstract
        )
