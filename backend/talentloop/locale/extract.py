"""Finds the server's messages in its source, for `pybabel extract` (backend/babel.cfg) and for
tests/i18n/test_catalogue.py.

Babel's Python extractor with our keywords: the message argument of `FieldError`,
`ServiceError.one`, `PublicError`, and the `N_`/`gettext` markers. `not_found("Unit")` says
"Unit not found." (talentloop/errors.py), so its msgid is written out here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.extract import extract_python

from talentloop.i18n import key

KEYWORDS: dict[str, Any] = {
    "FieldError": (1,),
    "one": (2,),  # ServiceError.one(code, message, …)
    "PublicError": (1,),
    "PayrollError": (1,),  # payroll/compute.py: the figures cannot make a payslip
    "in_both": (1,),  # payroll/wording.py: a payslip line's words in Chinese and English
    "not_found": (1,),
    "RowError": (3,),  # a punch file's bad row
    "forbidden": (1,),  # access/rest.py
    "_refuse": (1,),  # spreadsheets.py: a file refused whole
    "_Refused": (1,),  # lists/routes.py: a list the route will not write
    "invalid": (2,),  # inputs.py: invalid(field, message)
    "error": (3,),  # an import's bad row: checked.error(row, column, message, …)
    "N_": None,
    "gettext": None,
    "say": (2,),  # analytics/narrative.py: say(lang, msgid, …), the report's words
    "say_as": (3,),  # say_as(lang, context, msgid): the same English read another way
    "_pair": (1,),  # analytics/export.py: a label of the bilingual workbook
    "_pair_as": (2,),  # _pair_as(context, msgid)
    "bilingual": (1,),  # bilingual(msgid[, context])
    "heading": (1,),  # analytics/export.py: a PDF section's heading
}
CONTEXT_AT = {"say_as": 1, "_pair_as": 0, "bilingual": 1}  # where a msgctxt is given
SOURCE = Path(__file__).resolve().parent.parent  # backend/talentloop


def extract_talentloop(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    found: Iterator[Any] = extract_python(fileobj, KEYWORDS, comment_tags, options)
    for lineno, funcname, messages, comments in found:
        spec = KEYWORDS[str(funcname)]
        at = spec[0] - 1 if spec else 0
        message = messages[at] if isinstance(messages, tuple) else messages
        if funcname == "error" and isinstance(messages, tuple) and messages[0] is not None:
            continue  # a logger's error("format %s", …), not an import's bad row
        if not isinstance(message, str) or not message:
            continue  # not a literal (a variable, an f-string): mark its text with N_()
        if funcname == "not_found":
            message = f"{message} not found."
        if funcname in CONTEXT_AT:
            context = messages[CONTEXT_AT[funcname]] if isinstance(messages, tuple) else None
            if context is None and funcname == "bilingual":
                yield lineno, None, message, comments
                continue
            if not isinstance(context, str):
                continue
            # pybabel's own keyword table reads pgettext's (context, msgid).
            yield lineno, "pgettext", (context, message), comments
            continue
        # No keyword name: pybabel then takes the message as it is (its own keyword table
        # knows none of ours).
        yield lineno, None, message, comments


def messages_in_source(root: Path = SOURCE) -> dict[str, list[str]]:
    """Every msgid in the server's source → where it is ("path:line")."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        with path.open("rb") as source:
            for lineno, funcname, message, _comments in extract_talentloop(source, None, [], {}):
                if funcname == "pgettext":  # (context, msgid)
                    message = key(message[1], message[0])
                found.setdefault(message, []).append(f"{path.relative_to(root)}:{lineno}")
    return found
