"""The Date and Decimal scalars, with the sanity bounds of talentloop/inputs.py: a value no
column could hold is refused while the variables are coerced, before any resolver runs (a
typed BAD_USER_INPUT error, never a masked one)."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import replace

from strawberry.schema.types.base_scalars import DateDefinition, DecimalDefinition, wrap_parser
from strawberry.types.scalar import ScalarDefinition

from talentloop.inputs import check_date, check_decimal


def _date(text: str) -> dt.date:
    return check_date(dt.date.fromisoformat(text))


def _decimal(text: str) -> decimal.Decimal:
    try:
        value = decimal.Decimal(text)
    except decimal.DecimalException:
        raise ValueError("Not a number.") from None
    return check_decimal(value)


# implementation=None: strawberry builds (and caches) a GraphQL type from each definition.
Date: ScalarDefinition = replace(
    DateDefinition, parse_value=wrap_parser(_date, "Date"), implementation=None
)
Decimal: ScalarDefinition = replace(
    DecimalDefinition,
    parse_value=wrap_parser(_decimal, "Decimal", accept_non_string=True),
    implementation=None,
)

SCALARS: dict[object, ScalarDefinition] = {dt.date: Date, decimal.Decimal: Decimal}
