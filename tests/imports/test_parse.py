"""The forgiving reading of a file's values (imports/parse.py, issue 22 point 4): every
accepted form of a date, a month, a year, a number, a code and a yes/no, and what is refused
rather than guessed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentloop.imports import parse
from talentloop.performance.models import PeriodType
from talentloop.performance.periods import parse_file_period, parse_period

QUICK = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def date_forms(day: date) -> list[str]:
    """Every way a file may write the day."""
    y, m, d = day.year, day.month, day.day
    forms = []
    for sep in "-/.":
        forms.append(f"{y}{sep}{m:02d}{sep}{d:02d}")
        forms.append(f"{y}{sep}{m}{sep}{d}")  # one-digit month and day
    forms += [
        f"{y}年{m}月{d}日",
        f"{y}年{m:02d}月{d:02d}日",
        f"{y}-{m:02d}-{d:02d} 00:00:00",  # a date cell of a spreadsheet saved as text
        f"{y}-{m:02d}-{d:02d}T00:00:00",
        f"{y}/{m}/{d} 0:00",
        f"{y}{m:02d}{d:02d}",
        f"  {y}-{m:02d}-{d:02d}  ",
        "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{y}-{m:02d}-{d:02d}"),
    ]
    return forms


@QUICK
@given(DAYS)
def test_every_accepted_form_of_a_date_reads_as_the_same_date(day: date) -> None:
    for form in date_forms(day):
        assert parse.parse_date(form) == day, form


@QUICK
@given(DAYS)
def test_every_accepted_form_of_a_month_reads_as_its_first_day(day: date) -> None:
    y, m = day.year, day.month
    forms = [f"{y}-{m:02d}", f"{y}-{m}", f"{y}/{m:02d}", f"{y}/{m}", f"{y}.{m:02d}"]
    forms += [f"{y}年{m}月", f"{y}年{m:02d}月", f"{y}{m:02d}", *date_forms(day)]
    for form in forms:
        assert parse.parse_month(form) == day.replace(day=1), form


@QUICK
@given(DAYS)
def test_a_period_of_each_type_reads_from_its_forms(day: date) -> None:
    year = date(day.year, 1, 1)
    for form in (f"{day.year}", f"{day.year}年", f"{day.year}-01", f"{day.year}年1月"):
        assert parse.parse_period(form, PeriodType.YEAR) == year, form
    quarter = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    q = (day.month - 1) // 3 + 1
    forms = [f"{day.year}-Q{q}", f"{day.year}q{q}", f"{day.year}年第{q}季度", f"{quarter:%Y-%m}"]
    for form in forms:
        assert parse.parse_period(form, PeriodType.QUARTER) == quarter, form


@pytest.mark.parametrize(
    "text",
    [
        "01/11/2026",  # day first or month first? never guessed
        "11/01/2026",
        "26-11-01",  # a two-digit year
        "2026-02-30",
        "2026-13-01",
        "2026年13月1日",
        "2026-11-01 25:00",
        "November 2026",
        "",
        "2026-11-01x",
    ],
)
def test_what_is_refused_rather_than_guessed(text: str) -> None:
    assert parse.parse_date(text) is None


def test_months_refused() -> None:
    for text in ("2026-13", "2026.1", "2026-1-", "26-11", "2026", "Nov 2026", "2026111"):
        assert parse.parse_month(text) is None, text
    # A month that does not start a quarter (year) names no quarter (year).
    assert parse.parse_period("2026-02", PeriodType.QUARTER) is None
    assert parse.parse_period("2026-03", PeriodType.YEAR) is None
    assert parse.parse_period("2026", PeriodType.MONTH) is None


def test_the_api_keeps_its_strict_periods_and_files_read_the_forgiving_ones() -> None:
    assert parse_period("2026/11") is None
    assert parse_file_period("2026/11") == date(2026, 11, 1)
    assert parse_period("2026", PeriodType.YEAR) == date(2026, 1, 1)
    assert parse_period("2026年", PeriodType.YEAR) == date(2026, 1, 1)
    assert parse_period("2026-01", PeriodType.YEAR) == date(2026, 1, 1)
    assert parse_period("2026-02", PeriodType.YEAR) is None
    # Outside the years a period may fall in: no period, however written.
    assert parse_file_period("1850年3月") is None


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("1,234.50", {}, Decimal("1234.50")),
        ("1，234", {}, Decimal("1234")),
        ("１２３４．５", {}, Decimal("1234.5")),
        ("-1,000", {}, Decimal("-1000")),
        (" 42 ", {}, Decimal("42")),
        ("12.5%", {"percent": True}, Decimal("12.5")),
        ("12.5％", {"percent": True}, Decimal("12.5")),
        ("¥1,200", {"money": True}, Decimal("1200")),
        ("￥1,200.00", {"money": True}, Decimal("1200.00")),
        ("1200元", {"money": True}, Decimal("1200")),
    ],
)
def test_numbers_as_files_write_them(text: str, options: dict, expected: Decimal) -> None:
    assert parse.parse_number(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("12.5%", {}),  # a % only where the column is a percentage
        ("¥1,200", {}),  # a currency only where it is money
        ("1,5", {}),  # a decimal comma, or a thousands separator? refused
        ("12,34", {}),
        ("1,2345", {}),
        ("abc", {}),
        ("NaN", {}),
        ("Infinity", {}),
        ("", {}),
        ("1.2.3", {}),
    ],
)
def test_numbers_refused(text: str, options: dict) -> None:
    assert parse.parse_number(text, **options) is None


@QUICK
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_a_number_with_thousands_separators_reads_as_itself(value: Decimal) -> None:
    written = f"{value:,.2f}"
    assert parse.parse_number(written) == value
    assert parse.parse_number(written.replace(",", "，")) == value


def test_codes_fold_and_yes_no() -> None:
    assert parse.fold("  sh-Sales ") == parse.fold("SH-SALES") == parse.fold("ＳＨ－ＳＡＬＥＳ")
    for text in ("是", "Y", "yes", "TRUE", "1"):
        assert parse.parse_yes_no(text) is True, text
    for text in ("否", "n", "No", "false", "0"):
        assert parse.parse_yes_no(text) is False, text
    assert parse.parse_yes_no("maybe") is None


def test_times_in_china_time_unless_an_offset_is_given() -> None:
    expected = datetime(2026, 11, 2, 0, 57, tzinfo=UTC)
    for text in (
        "2026-11-02 08:57",
        "2026/11/2 8:57:00",
        "2026年11月2日 08:57",
        "2026.11.02 08:57",
        "2026-11-02T08:57:00+08:00",
        "2026-11-02T00:57:00Z",
    ):
        assert parse.parse_time(text) == expected, text
    for text in ("2026-11-02", "2026-11-02 24:00", "02/11/2026 08:57", "08:57"):
        assert parse.parse_time(text) is None, text
