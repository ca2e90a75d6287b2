"""Where time is local (issue 21 point 4): instants are stored in UTC; they are entered and
shown in a zone — the company's (the root unit's, Asia/Shanghai unless HQ HR names another),
a unit's (its own, or the nearest above it: a branch elsewhere), a session's (its own, or its
unit's). Every server-side text of an instant (exports, reports) goes through `local_text`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from talentloop.errors import ErrorCode, ServiceError

DEFAULT_ZONE = "Asia/Shanghai"


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def check_zone(name: str, field: str = "timeZone") -> str:
    """An IANA zone name as typed (trimmed), or `INVALID` on `field`."""
    name = name.strip()
    if name not in _known():
        raise ServiceError.one(
            ErrorCode.INVALID,
            "Not a time zone: {zone}. Use an IANA name such as Asia/Shanghai.",
            field,
            zone=name[:64],
        )
    return name


@dataclass(frozen=True)
class ZoneTable:
    """The units that name a zone, deepest first: a unit's zone is the first whose path
    starts its own."""

    entries: tuple[tuple[str, str], ...]

    def for_path(self, path: str | None) -> str:
        if path is None:
            return self.company
        for prefix, zone in self.entries:
            if path.startswith(prefix):
                return zone
        return DEFAULT_ZONE

    @property
    def company(self) -> str:
        for prefix, zone in self.entries:
            if prefix.count("/") == 2:  # "/1/": the root, the company
                return zone
        return DEFAULT_ZONE


async def zone_table() -> ZoneTable:
    """One query: zones are no secret (a branch's HR reads the company's zone too)."""
    from talentloop.org.models import OrgUnit

    rows = await OrgUnit.filter(time_zone__isnull=False).values_list("path", "time_zone")
    entries = sorted(((str(p), str(z)) for p, z in rows), key=lambda e: -len(e[0]))
    return ZoneTable(tuple(entries))


async def company_zone() -> str:
    return (await zone_table()).company


async def zones_of_units(unit_ids: list[int]) -> dict[int, str]:
    """Each unit's effective zone (two queries for any number)."""
    from talentloop.org.models import OrgUnit

    table = await zone_table()
    paths = dict(await OrgUnit.filter(id__in=unit_ids).values_list("id", "path"))
    return {i: table.for_path(str(paths[i]) if i in paths else None) for i in unit_ids}


async def unit_zone(unit_id: int | None) -> str:
    if unit_id is None:
        return await company_zone()
    return (await zones_of_units([unit_id]))[unit_id]


def zones_by_unit(_viewer: object) -> Callable[[list[int]], Awaitable[list[str]]]:
    """A request's loader: unit id → effective zone; 0 stands for "no unit" (the company's)."""

    async def load(ids: list[int]) -> list[str]:
        table = await zone_table()
        from talentloop.org.models import OrgUnit

        wanted = [i for i in ids if i]
        paths = (
            dict(await OrgUnit.filter(id__in=wanted).values_list("id", "path")) if wanted else {}
        )
        return [table.for_path(str(paths[i]) if i in paths else None) for i in ids]

    return load


def to_utc(moment: datetime, zone: str) -> datetime:
    """A wall-clock time without an offset is read in `zone`; one with an offset is that
    instant. Either way the UTC instant."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def in_zone(moment: datetime, zone: str) -> datetime:
    """The same instant, with the zone's offset (what the API answers)."""
    return moment.astimezone(ZoneInfo(zone))


def local_text(moment: datetime | None, zone: str, *, seconds: bool = False) -> str:
    """ "2026-12-10 09:00" in `zone`: how an export writes an instant."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return in_zone(moment, zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def span_text(start: datetime, end: datetime, zone: str, language: str | None = None) -> str:
    """A session's time in its zone, in the viewer's language: "2026年12月10日 09:00–17:00",
    "Dec 10, 2026 09:00–17:00" (the end's date too when it ends on another day)."""
    from talentloop import i18n

    a, b = in_zone(start, zone), in_zone(end, zone)
    first = f"{i18n.format_day(a.date(), language)} {a:%H:%M}"
    if a.date() == b.date():
        return f"{first}–{b:%H:%M}"
    return f"{first} – {i18n.format_day(b.date(), language)} {b:%H:%M}"
