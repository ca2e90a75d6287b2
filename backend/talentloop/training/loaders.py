"""Batch loaders for the edges of enrolments: courses, sessions, exam attempts and waitlist
places, one query per kind however many enrolments a page holds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from talentloop.access.policy import Viewer
from talentloop.skills.models import TestAttempt
from talentloop.training.models import Course, CourseSession, Enrollment, EnrollmentStatus, Trainer


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


def trainers_by_id(viewer: Viewer) -> Callable[[list[int]], Awaitable[list[Trainer | None]]]:
    """A session's trainer from the register, where the viewer reads them."""
    from talentloop.training.trainers import visible_trainers

    async def load(ids: list[int]) -> list[Trainer | None]:
        found = {t.id: t for t in await visible_trainers(viewer).filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return load


def sessions_by_trainer(
    _viewer: Viewer,
) -> Callable[[list[int]], Awaitable[list[list[CourseSession]]]]:
    """The sessions each trainer teaches (the library is readable by every signed-in user)."""

    async def load(ids: list[int]) -> list[list[CourseSession]]:
        found: dict[int, list[CourseSession]] = {}
        for session in await CourseSession.filter(registered_trainer_id__in=ids).order_by(
            "-starts_at", "-id"
        ):
            found.setdefault(session.registered_trainer_id or 0, []).append(session)
        return [found.get(i, []) for i in ids]

    return load
