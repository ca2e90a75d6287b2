"""The server's message catalogues (talentloop/locale): every message the source marks has its
Chinese, with the same placeholders. When this fails after a merge, run `make messages` and
translate the listed msgids in backend/talentloop/locale/zh_CN/LC_MESSAGES/messages.po."""

from __future__ import annotations

import string

from talentloop.i18n import CHINESE, ENGLISH, catalogue
from talentloop.locale.extract import messages_in_source


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_in_the_source_has_its_chinese() -> None:
    chinese = catalogue(CHINESE)
    missing = {
        msgid: places for msgid, places in messages_in_source().items() if msgid not in chinese
    }
    assert not missing, "No zh_CN translation (run `make messages`, then translate):\n" + "\n".join(
        f"  {msgid!r}  ({', '.join(places)})" for msgid, places in sorted(missing.items())
    )


def test_each_translation_keeps_the_placeholders_of_its_message() -> None:
    wrong = [
        (msgid, text)
        for msgid, text in catalogue(CHINESE).items()
        if _placeholders(msgid) != _placeholders(text)
    ]
    assert wrong == []


def test_the_english_catalogue_is_its_msgids() -> None:
    assert catalogue(ENGLISH) == {}  # English falls back to the msgid itself


def test_the_extractor_finds_each_kind_of_marked_message() -> None:
    found = messages_in_source()
    assert "Employee not found." in found  # not_found("Employee")
    assert "Between 0 and {top}." in found  # FieldError
    assert "Sign in first." in found  # ServiceError.one
    assert "A range holds 1 to 60 months." in found  # PublicError
    assert "Unexpected error." in found  # N_
    assert "No such KPI." in found  # an import's bad row
    assert "By month" in found  # an XLSX heading
