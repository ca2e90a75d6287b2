"""graphql-core's own messages (a bad argument, a variable that does not coerce, a field that
does not exist) in the viewer's language.

graphql-core writes them in English with the values spliced in, so they are recognised by
pattern: each msgid below is graphql-core's sentence with `{named}` placeholders, turned into a
regular expression once. A placeholder called `reason` holds another such sentence and is
translated in turn; a trailing "Did you mean …?" is translated on its own. A message that no
pattern matches keeps graphql-core's text, and English keeps it verbatim.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from talentloop.i18n import ENGLISH, N_, current_language, pattern, translate


class Pattern(NamedTuple):
    msgid: str
    # What graphql-core (or strawberry) adds after the sentence that is not worth translating
    # (a Python parser's explanation of a bad date): matched and left out.
    tail: bool = False


PATTERNS = (
    # Variables (execution/values.py)
    Pattern(N_("Variable '${name}' has invalid value at {path}: {reason}")),
    Pattern(N_("Variable '${name}' has invalid value: {reason}")),
    Pattern(N_("Variable '${name}' is not defined.")),
    Pattern(N_("Variable '${name}' is never used.")),
    Pattern(
        N_("Variable '${name}' of type '{type}' used in position expecting type '{expected}'.")
    ),
    # Input coercion (utilities/coerce_input_value.py)
    Pattern(N_("Expected a value of non-null type '{type}' to be provided.")),
    Pattern(N_("Expected value of non-null type '{type}' not to be None.")),
    Pattern(
        N_("Expected value of type '{type}' to include required field '{field}', found: {found}.")
    ),
    Pattern(
        N_(
            "Expected value of type '{type}' not to include unknown field '{field}', found: {found}."
        )
    ),
    Pattern(N_("Expected value of type '{type}', found {found}; {reason}")),
    Pattern(N_("Expected value of type '{type}', found {found}.")),
    Pattern(N_("Value '{value}' does not exist in '{type}' enum.")),
    Pattern(N_("Value cannot represent a {type}: {value}."), tail=True),
    # Scalars (type/scalars.py)
    Pattern(N_("Int cannot represent non-integer value: {value}")),
    Pattern(N_("Int cannot represent non 32-bit signed integer value: {value}")),
    Pattern(N_("Float cannot represent non numeric value: {value}")),
    Pattern(N_("String cannot represent a non string value: {value}")),
    Pattern(N_("Boolean cannot represent a non boolean value: {value}")),
    Pattern(N_("ID cannot represent a non-string and non-integer value: {value}")),
    # The document (validation/rules/)
    Pattern(N_("Unknown argument '{argument}' on field '{field}'.")),
    Pattern(N_("Argument '{argument}' of type '{type}' is required, but it was not provided.")),
    Pattern(N_("Cannot query field '{field}' on type '{type}'.")),
    Pattern(N_("Field '{field}' of type '{type}' must have a selection of subfields.")),
    Pattern(N_("Field '{field}' must not have a selection since type '{type}' has no subfields.")),
    Pattern(N_("Syntax Error: {reason}")),
)
SUGGESTION = N_("Did you mean {options}?")
_SUGGESTION = re.compile(r"\s*Did you mean (?P<options>[^?]*)\?$")


@functools.cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    return [(pattern(p.msgid, tail=p.tail), p.msgid) for p in PATTERNS]


def _sentence(text: str) -> str:
    for regex, msgid in _compiled():
        match = regex.fullmatch(text)
        if match is None:
            continue
        params = match.groupdict()
        if "reason" in params:
            params["reason"] = _sentence(params["reason"])
        return translate(msgid, params)
    return text


def translate_core(message: str) -> str:
    """graphql-core's `message` in the viewer's language, as far as a pattern knows it."""
    if current_language() == ENGLISH:
        return message
    suggestion = _SUGGESTION.search(message)
    if suggestion is None:
        return _sentence(message)
    head = _sentence(message[: suggestion.start()])
    return f"{head} {translate(SUGGESTION, {'options': suggestion['options']})}"
