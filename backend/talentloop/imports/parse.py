"""Reading a file's values forgivingly where that is safe (issue 22, point 4): pure functions,
no database, used by every kind's row checks (run in the file-checking process).

What is accepted, and what each reads as:

| value | accepted forms |
| --- | --- |
| a date | 2026-11-01, 2026/11/01, 2026.11.01, 2026年11月1日, 20261101, with one-digit months and days, and a time of day after it (2026-11-01 00:00:00: an XLSX date cell saved as text, or `spreadsheets._cell_text`'s datetime) |
| a month | 2026-11, 2026/11, 2026.11, 2026年11月, 202611, or any date in the month (not 2026.1: a spreadsheet shows the number 2026.10 so) |
| a year | 2026, 2026年 |
| a quarter | 2026-Q1, 2026Q1, 2026年第1季度, 2026年1季度 |
| a number | 1,234.50, 1，234, full-width digits (１２３４．５), a leading ¥ / ￥ or trailing 元 where the column is money, a trailing % where it is a percentage |
| a code | compared case-insensitively, surrounding spaces ignored: look-up dicts are keyed by `fold(code)` |
| yes / no | 是/否, Y/N, yes/no, true/false, 1/0, 对/错 |
| a time | 2026-11-02 08:57, 2026/11/02 8:57:30, 2026年11月2日 08:57, ISO 8601 with an offset |

What is *not* guessed: a day-first or month-first order (01/11/2026 is refused, never read as
one of two dates), a two-digit year, a number with a comma as the decimal mark, a month name.
An ambiguous value is a bad row that names the value, never a silent guess.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from talentloop.performance.models import PeriodType

CHINA = timezone(timedelta(hours=8))

# Full-width forms (digits, letters, punctuation, the ideographic space) to ASCII: NFKC does
# it, and also turns 年/月/日 and ¥ alone.
_SEPARATORS = "-/."
_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_DATE_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MOMENT = re.compile(
    r"^(.*?\S)(?:\s+|T)(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_MONTH = re.compile(r"^(\d{4})([-/.])(\d{1,2})$")
_MONTH_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})\s*(?:年(?:度)?)?$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/.]?\s*Q([1-4])$", re.IGNORECASE)
_QUARTER_ZH = re.compile(r"^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$")
_ZH_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}

YES = frozenset({"是", "y", "yes", "true", "1", "对", "√", "t"})
NO = frozenset({"否", "n", "no", "false", "0", "错", "×", "f"})


def normal(text: str) -> str:
    """The text with full-width characters made ASCII (NFKC) and surrounding spaces gone."""
    return unicodedata.normalize("NFKC", text).strip()


def fold(code: str) -> str:
    """The key a code is compared by: case-insensitive, full-width and surrounding spaces
    ignored. Build look-up dicts as `{fold(c): … for c in codes}`."""
    return normal(code).casefold()


def spellings(values: set[str]) -> list[str]:
    """The spellings to ask the database for, so that a code matches in any case
    (imports/parse.py `fold`): as written, upper- and lower-case, full-width made ASCII. The
    answers are then keyed by `fold`."""
    found: set[str] = set()
    for value in values - {""}:
        plain = normal(value)
        found |= {value, plain, plain.upper(), plain.lower()}
    return sorted(found)


def _day(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _split(text: str) -> tuple[str, str | None, str | None]:
    """A normalised cell as (date part, time part, offset): "2026-11-01 08:57:00+08:00"."""
    m = _MOMENT.match(text)
    if not m:
        return text, None, None
    return m[1], m[2], m[3]


def _clock(text: str) -> tuple[int, int, int] | None:
    t = _TIME.match(text)
    if t is None:
        return None
    hour, minute, second = int(t[1]), int(t[2]), int(t[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _date_only(text: str) -> date | None:
    for pattern in (_DATE, _DATE_ZH, _DATE_COMPACT):
        m = pattern.match(text)
        if m:
            groups = [g for g in m.groups() if g not in _SEPARATORS]
            return _day(*groups)
    return None


def parse_date(text: str) -> date | None:
    """A date in one of the accepted forms (see the module's docstring), or None. A time of
    day after it must be a time (00:00:00), and is dropped."""
    day_text, time_text, _ = _split(normal(text))
    if time_text is not None and _clock(time_text) is None:
        return None
    return _date_only(day_text)


def parse_month(text: str) -> date | None:
    """The first day of a month in one of the accepted forms, or of any date in it; or None."""
    text = normal(text)
    for pattern in (_MONTH, _MONTH_ZH, _MONTH_COMPACT):
        m = pattern.match(text)
        if m:
            if m.re is _MONTH and m[2] == "." and len(m[3]) == 1:
                return None  # 2026.1: January, or October typed as the number 2026.10?
            groups = [g for g in m.groups() if g not in _SEPARATORS]
            return _day(groups[0], groups[1], "1")
    day = parse_date(text)
    return day.replace(day=1) if day else None


def parse_year(text: str) -> date | None:
    """The first day of a year (2026, 2026年), or None."""
    m = _YEAR.match(normal(text))
    return date(int(m[1]), 1, 1) if m else None


def parse_quarter(text: str) -> date | None:
    """The first day of a quarter (2026-Q1, 2026Q1, 2026年第1季度), or None."""
    text = normal(text)
    m = _QUARTER.match(text) or _QUARTER_ZH.match(text)
    if not m:
        return None
    quarter = int(_ZH_DIGITS.get(m[2], m[2]))
    return date(int(m[1]), (quarter - 1) * 3 + 1, 1)


def parse_period(text: str, period_type: PeriodType = PeriodType.MONTH) -> date | None:
    """The first day of the period of this type a file's cell names, or None: a month (any
    date in it too), a quarter (by name, or its first month), a year (by name, or its first
    month). Whether the year is allowed is the caller's check (`periods.period_year_ok`)."""
    if period_type is PeriodType.YEAR:
        year = parse_year(text)
        if year is not None:
            return year
        month = parse_month(text)
        return month if month is not None and month.month == 1 else None
    if period_type is PeriodType.QUARTER:
        quarter = parse_quarter(text)
        if quarter is not None:
            return quarter
        month = parse_month(text)
        return month if month is not None and month.month % 3 == 1 else None
    return parse_month(text)


def parse_number(text: str, *, percent: bool = False, money: bool = False) -> Decimal | None:
    """A finite number: thousands separators (, and ，) dropped, full-width digits read, a
    trailing % where `percent` (the number as written: "12.5%" is 12.5), a leading ¥ / ￥ or a
    trailing 元 where `money`. None for anything else (a comma as the decimal mark, text)."""
    text = normal(text).replace(" ", "")  # NFKC: ，→ , and ￥ → ¥
    if percent and text.endswith("%"):
        text = text[:-1]
    if money:
        text = text.removeprefix("¥").removeprefix("RMB").removesuffix("元")
        if text.startswith("-¥"):
            text = "-" + text[2:]
    if "," in text:
        whole, dot, fraction = text.partition(".")
        sign = whole[:1] if whole[:1] in "+-" else ""
        groups = whole[len(sign) :].split(",")
        if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
            return None  # 1,5 (a decimal comma) or 12,34: not a thousands separator
        text = sign + "".join(groups) + dot + fraction
    if not text or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_yes_no(text: str) -> bool | None:
    """True for 是 / Y / yes / true / 1, False for 否 / N / no / false / 0, else None."""
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def parse_time(text: str) -> datetime | None:
    """A moment (UTC): a date in any accepted form and a time (China time unless an offset is
    given: 2026-11-02T08:57:00+08:00, …Z), or None."""
    day_text, time_text, offset = _split(normal(text))
    day = _date_only(day_text)
    clock = _clock(time_text) if time_text is not None else None
    if day is None or clock is None:
        return None
    zone = CHINA
    if offset == "Z":
        zone = UTC
    elif offset:
        digits = offset.replace(":", "")
        minutes = int(digits[1:3]) * 60 + int(digits[3:5])
        zone = timezone(timedelta(minutes=-minutes if digits[0] == "-" else minutes))
    moment = datetime(day.year, day.month, day.day, *clock, tzinfo=zone)
    return moment.astimezone(UTC)
