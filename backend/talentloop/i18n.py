"""The server's languages: which one a request is answered in, and the message catalogues.

Every text the server writes for a person (errors, approval titles, timeline entries, export
headings, report narratives) is an English msgid with `{named}` placeholders, translated at
the edge — when a payload, a file or a page is rendered — into the viewer's language: their
own setting (`User.language`), else the request's `Accept-Language`, else Chinese. The
catalogues are gettext `.po` files under `talentloop/locale/` kept with Babel (`make
messages` extracts and updates them); they are read once at start-up, so a clean clone
needs no compiled `.mo` files. A msgid without a translation falls back to itself (the
English text), so a new message works at once; `tests/i18n/test_catalogue.py` names every
message that still needs its Chinese.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from talentloop.negotiation import weighted

CHINESE = "zh_CN"
ENGLISH = "en"
LANGUAGES = (CHINESE, ENGLISH)  # what a user may choose; the first is the default
DEFAULT_LANGUAGE = CHINESE
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_language: ContextVar[str] = ContextVar("talentloop.language", default=DEFAULT_LANGUAGE)


def N_(msgid: str) -> str:
    """Marks a msgid for extraction where it is defined; it is translated where it is shown."""
    return msgid


def normalise(tag: str | None) -> str | None:
    """One of LANGUAGES for a language tag ("zh-CN", "zh", "en-GB", "zh_CN"), else None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    if primary == "zh":
        return CHINESE
    if primary == "en":
        return ENGLISH
    return None


def tag(language: str | None) -> str | None:
    """The BCP 47 tag clients use ("zh-CN") for one of LANGUAGES ("zh_CN")."""
    return language.replace("_", "-") if language else None


def from_accept_language(header: str | None) -> str | None:
    """The first of LANGUAGES the client prefers (by q-value, RFC 9110 §12.5.4), or None."""
    if not header:
        return None
    ranked = [
        (-quality, position, tag)
        for position, (tag, quality) in enumerate(weighted(header))
        if quality > 0
    ]
    for _quality, _position, tag in sorted(ranked):
        language = normalise(tag)
        if language is not None:
            return language
    return None


def current_language() -> str:
    return _language.get()


def set_language(language: str) -> None:
    """The language of the rest of this request (or task): set once the viewer is known."""
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def use_viewer_language(user_language: str | None) -> None:
    """The viewer's own setting wins over the request's Accept-Language."""
    if user_language in LANGUAGES:
        _language.set(user_language)


@contextmanager
def language(language: str | None) -> Iterator[None]:
    """Renders in `language` within the block (a background job renders in its requester's)."""
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


class RequestLanguage:
    """ASGI middleware: each HTTP request starts in the language its Accept-Language prefers
    (Chinese when it names none of ours); the viewer's own setting replaces it once the viewer
    is known (app.py get_context, access/rest.py bearer_route)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("accept-language")
        token = _language.set(from_accept_language(header) or DEFAULT_LANGUAGE)
        try:
            await self.app(scope, receive, send)
        finally:
            _language.reset(token)


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """msgid → translation of one language (empty translations left out: they fall back)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    return {
        key(str(message.id), message.context): str(message.string)
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def key(msgid: str, context: str | None = None) -> str:
    """A message's key in `catalogue`: the msgid, after its context and gettext's EOT when it
    has one (the same English word read two ways, like a report's "Unit" 范围 and an event's
    "Unit" 单位)."""
    return f"{context}\x04{msgid}" if context else msgid


def translate(
    msgid: str,
    params: Mapping[str, Any] | None = None,
    *,
    language: str | None = None,
    context: str | None = None,
) -> str:
    """`msgid` in `language` (default: the request's), its `{named}` placeholders filled; a
    `context` (msgctxt) tells apart one English text translated two ways."""
    text = catalogue(language or current_language()).get(key(msgid, context), msgid)
    if params:
        return text.format(**params)
    return text


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
NESTED = ("reason", "error")  # placeholders that hold a sentence of their own


def pattern(msgid: str, *, tail: bool = False) -> re.Pattern[str]:
    """A regular expression matching the texts `msgid` formats to, each placeholder a named
    group, a placeholder used twice the same text again (and, with `tail`, anything after a
    space: an explanation left out)."""
    parts = _PLACEHOLDER.split(msgid)  # text, name, text, name, …, text
    seen: set[str] = set()
    pieces = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pieces.append(re.escape(part))
        elif part in seen:
            pieces.append(f"(?P={part})")
        else:
            seen.add(part)
            pieces.append(f"(?P<{part}>.+?)")
    regex = "".join(pieces)
    return re.compile(regex + (r"(?:\s.*)?" if tail else ""), re.S)


@functools.cache
def _formatted() -> list[tuple[re.Pattern[str], str]]:
    """Every catalogued msgid with placeholders as a pattern, the most literal text first (so
    "The run failed: {error}" wins over "{name}: {error}")."""
    msgids = [m for m in catalogue(CHINESE) if _PLACEHOLDER.search(m)]
    msgids.sort(key=lambda m: -len(_PLACEHOLDER.sub("", m)))
    return [(pattern(m), m) for m in msgids if len(_PLACEHOLDER.sub("", m).strip()) >= 3]


def translate_stored(text: str) -> str:
    """A text kept in English in a row (a background job's reason for failing) in the viewer's
    language: the msgid it is, or the one it was formatted from with its parameters read back
    (a parameter holding a sentence is translated in turn); else the text as it is."""
    if not text:
        return text
    chinese = catalogue(CHINESE)
    if text in chinese:
        return translate(text)
    for regex, msgid in _formatted():
        match = regex.fullmatch(text)
        if match is not None:
            params = {
                k: translate_stored(v) if k in NESTED else v for k, v in match.groupdict().items()
            }
            return translate(msgid, params)
    return text


def gettext(msgid: str, **params: Any) -> str:
    """`translate` with the placeholders as keywords: `gettext("{n} days", n=3)`."""
    return translate(msgid, params)


def babel_locale(language: str | None = None) -> Locale:
    return Locale.parse(language or current_language())


def format_day(day: date, language: str | None = None) -> str:
    """A date as the viewer's locale writes it (2026年12月5日 / Dec 5, 2026)."""
    return format_date(day, format="medium", locale=babel_locale(language))


def format_number(value: Decimal | float | int, language: str | None = None) -> str:
    return format_decimal(value, locale=babel_locale(language))
