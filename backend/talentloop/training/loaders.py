"""Batch loaders for the edges of enrolments: courses, sessions, exam attempts and waitlist
places, one query per kind however many enrolments a page holds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from talentloop.access.policy import Viewer
from talentloop.skills.models import TestAttempt
from talentloop.training.models import Course, CourseSession, Enrollment, EnrollmentStatus


def courses_by_id(_viewer: Viewer) -> Callable[[list[int]], Awaitable[list[Course | None]]]:
    """The catalogue is readable by every signed-in user; the enrolment was checked already."""

    async def load(ids: list[int]) -> list[Course | None]:
        found = {c.id: c for c in await Course.filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return load


def sessions_by_id(
    _viewer: Viewer,
) -> Callable[[list[int]], Awaitable[list[CourseSession | None]]]:
    async def load(ids: list[int]) -> list[CourseSession | None]:
        found = {s.id: s for s in await CourseSession.filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return load


def attempts_by_id(
    _viewer: Viewer,
) -> Callable[[list[int]], Awaitable[list[TestAttempt | None]]]:
    async def load(ids: list[int]) -> list[TestAttempt | None]:
        found = {a.id: a for a in await TestAttempt.filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return load


WaitlistKey = tuple[int, datetime]  # session id, enrolled at


def waitlist_places(
    _viewer: Viewer,
) -> Callable[[list[WaitlistKey]], Awaitable[list[int]]]:
    """Place on a session's waitlist (1 is next) of an enrolment made at a given time."""

    async def load(keys: list[WaitlistKey]) -> list[int]:
        waiting: dict[int, list[datetime]] = {}
        for session_id, enrolled_at in await Enrollment.filter(
            session_id__in=sorted({k[0] for k in keys}), status=EnrollmentStatus.WAITLISTED
        ).values_list("session_id", "enrolled_at"):
            waiting.setdefault(session_id, []).append(enrolled_at)
        return [sum(1 for t in waiting.get(s, []) if t < at) + 1 for s, at in keys]

    return load
