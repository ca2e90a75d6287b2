"""The server's message catalogues (talentloop/locale): every message the source marks has its
Chinese, with the same placeholders. When this fails after a merge, run `make messages` and
translate the listed msgids in backend/talentloop/locale/zh_CN/LC_MESSAGES/messages.po."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from talentloop.i18n import CHINESE, ENGLISH, catalogue, key, pattern, translate
from talentloop.locale.extract import SOURCE, messages_in_source

CHINESE_CHARACTER = re.compile(r"[\u4e00-\u9fff]")


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


def test_the_extractor_finds_the_reports_the_payrolls_and_contexts_messages() -> None:
    found = messages_in_source()
    assert "Charts" in found  # a PDF heading: heading(msgid)
    assert "not conclusive" in found  # a report sentence: say(lang, msgid)
    assert key("Unit", "report scope") in found and key("Unit", "event") in found  # say_as
    assert key("Low", "interval") in found  # bilingual(msgid, context): an XLSX heading
    assert "No base salary." in found  # PayrollError
    assert "At most {count} columns." in found  # lists/routes.py _Refused


def test_one_english_word_read_two_ways_has_a_translation_for_each_context() -> None:
    assert translate("Unit", language=CHINESE, context="report scope") == "范围"
    assert translate("Unit", language=CHINESE, context="event") == "单位"
    assert translate("Unit", language=ENGLISH, context="event") == "Unit"
    assert translate("Unit", language=CHINESE) == "部门"  # no context: the HR report's


def test_every_message_reads_back_as_a_pattern_a_placeholder_used_twice_the_same_text() -> None:
    for msgid in catalogue(CHINESE):
        pattern(msgid)  # i18n.translate_stored reads stored texts through these
    twice = pattern("{bonus} ÷ 12 = {monthly}: {bonus} × {rate}")
    match = twice.fullmatch("12,000.00 ÷ 12 = 1,000.00: 12,000.00 × 3%")
    assert match is not None
    assert match.groupdict() == {"bonus": "12,000.00", "monthly": "1,000.00", "rate": "3%"}
    assert twice.fullmatch("12,000.00 ÷ 12 = 1,000.00: 6,000.00 × 3%") is None


# Packages whose every word a reader sees comes from the catalogue: no Chinese may sit in their
# code as a literal (a hand-written zh/en pair); docstrings and schema descriptions may name
# Chinese terms.
CATALOGUED_ONLY = ("analytics", "audit", "lists", "accounts")
# Modules of other packages held to the same: a payslip line's words (payroll/wording.py).
CATALOGUED_MODULES = ("payroll/compute.py", "payroll/wording.py")


def _literals_with_chinese(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            allowed.add(id(node.value))  # a docstring
        if isinstance(node, ast.keyword) and node.arg in ("description", "deprecation_reason"):
            allowed.update(id(n) for n in ast.walk(node.value))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in allowed
        and CHINESE_CHARACTER.search(node.value)
    ]


def test_the_report_the_audit_trail_and_the_payslip_hold_no_hand_written_chinese() -> None:
    paths = [
        path for package in CATALOGUED_ONLY for path in sorted((SOURCE / package).rglob("*.py"))
    ]
    paths += [SOURCE / module for module in CATALOGUED_MODULES]
    found = {
        f"{path.relative_to(SOURCE)}:{line}"
        for path in paths
        for line in _literals_with_chinese(path)
    }
    assert found == set(), "Chinese in the code, not the catalogue: " + ", ".join(sorted(found))
