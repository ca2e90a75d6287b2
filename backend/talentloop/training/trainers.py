"""The trainer register and sessions changed after they were scheduled.

A trainer is internal (an employee) or external (a consultant, a provider's lecturer). A
company-wide one (no unit) is HQ HR's; a unit's is its HR's, as a session's or a trigger
rule's is (`Viewer.can_manage_setting_in`). Whoever reads the unit reads its trainers, and
everyone signed in the company-wide ones, as sessions show their trainer to learners. A
trainer is never deleted: turned inactive, they stay on the sessions they taught.

A session may move (dates, place, seats, trainer) until it starts; seats never drop below
those taken. Cancelled with a reason, it cancels every open enrolment on it (the company's
decision, `Enrollment.cancelled_by_company`), closes their pending approvals, and takes no
one again. Every write here is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop import timezones
from talentloop.access.policy import Viewer
from talentloop.approvals import service as approvals
from talentloop.approvals.models import RequestType
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, FieldError, ServiceError, not_found
from talentloop.inputs import search_term
from talentloop.org import service as org_service
from talentloop.people.service import visible_employees
from talentloop.training.models import (
    CourseSession,
    Enrollment,
    EnrollmentStatus,
    Trainer,
    TrainerKind,
)
from talentloop.training.service import OPEN_STATUSES, seats_taken

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REASON_LENGTH = 255

# --- the register -------------------------------------------------------------------------------


def visible_trainers(viewer: Viewer) -> QuerySet[Trainer]:
    """Company-wide trainers for everyone signed in; a unit's where the unit is visible."""
    if not viewer.is_authenticated:
        return Trainer.filter(id__in=[])
    units = org_service.visible_units(viewer).values_list("id", flat=True)
    return Trainer.filter(Q(unit_id__isnull=True) | Q(unit_id__in=Subquery(units)))


@dataclass
class TrainerQuery:
    search: str | None = None
    kind: TrainerKind | None = None
    unit_id: int | None = None
    include_inactive: bool = False


def find_trainers(viewer: Viewer, query: TrainerQuery) -> QuerySet[Trainer]:
    qs = visible_trainers(viewer)
    if not query.include_inactive:
        qs = qs.filter(is_active=True)
    if query.kind is not None:
        qs = qs.filter(kind=query.kind)
    if query.unit_id is not None:
        qs = qs.filter(unit_id=query.unit_id)
    term = search_term(query.search)
    if term:
        qs = qs.filter(
            Q(name__icontains=term) | Q(organisation__icontains=term) | Q(topics__icontains=term)
        )
    return qs


async def get_trainer(viewer: Viewer, trainer_id: int) -> Trainer | None:
    return await visible_trainers(viewer).filter(id=trainer_id).select_related("unit").first()


@dataclass
class TrainerInput:
    kind: TrainerKind
    name: str = ""
    employee_id: int | None = None
    organisation: str = ""
    phone: str = ""
    email: str = ""
    daily_fee: Decimal | None = None
    topics: str = ""
    is_active: bool = True


async def _trainer_values(viewer: Viewer, data: TrainerInput) -> dict[str, Any]:
    """The row's values from the input, or the problems with it. An internal trainer is an
    employee the viewer sees, and carries their name."""
    problems: list[FieldError] = []
    name = data.name.strip()
    employee_id = None
    if data.kind is TrainerKind.INTERNAL:
        employee = (
            await visible_employees(viewer).filter(id=data.employee_id).first()
            if data.employee_id is not None
            else None
        )
        if data.employee_id is None:
            problems.append(FieldError("Choose the employee.", ErrorCode.REQUIRED, "employeeId"))
        elif employee is None:
            problems.append(FieldError("Employee not found.", ErrorCode.NOT_FOUND, "employeeId"))
        else:
            name, employee_id = employee.name, employee.id
    elif not name:
        problems.append(FieldError("Name is required.", ErrorCode.REQUIRED, "name"))
    email = data.email.strip()
    if email and not EMAIL.match(email):
        problems.append(FieldError("Not an e-mail address.", ErrorCode.INVALID, "email"))
    if data.daily_fee is not None and data.daily_fee < 0:
        problems.append(FieldError("An amount cannot be negative.", ErrorCode.INVALID, "dailyFee"))
    if problems:
        raise ServiceError(*problems)
    return {
        "kind": data.kind,
        "employee_id": employee_id,
        "name": name[:64],
        "organisation": data.organisation.strip(),
        "phone": data.phone.strip(),
        "email": email,
        "daily_fee": data.daily_fee.quantize(Decimal("0.01"))
        if data.daily_fee is not None
        else None,
        "topics": data.topics.strip(),
        "is_active": data.is_active,
    }


async def create_trainer(viewer: Viewer, data: TrainerInput, unit_id: int | None) -> Trainer:
    unit = await org_service.get_unit(viewer, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise not_found("Unit", "unitId")
    if not viewer.can_manage_setting_in(unit.path if unit else None):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not add trainers here.", "unitId")
    values = await _trainer_values(viewer, data)
    async with in_transaction():
        trainer = await Trainer.create(**values, unit_id=unit.id if unit else None)
        await audit.record_created(
            viewer, "Trainer", trainer.id, {**values, "unit_id": trainer.unit_id}
        )
    return trainer


async def update_trainer(viewer: Viewer, trainer_id: int, data: TrainerInput) -> Trainer:
    """Change a trainer where they could be added, or turn them inactive (or back). Their unit
    stays: a trainer for elsewhere is another entry."""
    trainer = await get_trainer(viewer, trainer_id)
    if trainer is None:
        raise not_found("Trainer", "id")
    if not viewer.can_manage_setting_in(trainer.unit.path if trainer.unit else None):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this trainer.", "id")
    values = await _trainer_values(viewer, data)
    async with in_transaction():
        await audit.record_changes(viewer, "Trainer", trainer.id, trainer, values)
        await Trainer.filter(id=trainer.id).update(**values)
    await trainer.refresh_from_db()
    return trainer


async def chosen_trainer(viewer: Viewer, trainer_id: int | None) -> Trainer | None:
    """The register's trainer a session names: one the viewer reads, still active."""
    if trainer_id is None:
        return None
    trainer = await visible_trainers(viewer).filter(id=trainer_id).first()
    if trainer is None:
        raise not_found("Trainer", "trainerId")
    if not trainer.is_active:
        raise ServiceError.one(ErrorCode.INVALID, "This trainer is inactive.", "trainerId")
    return trainer


# --- sessions changed ---------------------------------------------------------------------------


async def _session_in_charge(viewer: Viewer, session_id: int) -> CourseSession:
    """A session of the library, found by whoever is signed in; changed by its unit's HR (a
    company-wide one by HQ HR), as it was scheduled."""
    session = (
        await CourseSession.filter(id=session_id, course__is_active=True)
        .select_related("unit")
        .first()
        if viewer.is_authenticated
        else None
    )
    if session is None:
        raise not_found("Session", "id")
    if not viewer.can_manage_setting_in(session.unit.path if session.unit else None):
        raise ServiceError.one(ErrorCode.FORBIDDEN, "You may not change this session.", "id")
    if session.cancelled_at is not None:
        raise ServiceError.one(ErrorCode.CONFLICT, "This session is cancelled.", "id")
    return session


@dataclass
class SessionChange:
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    trainer: str = ""
    trainer_id: int | None = None
    time_zone: str | None = None  # None: where it was (the session's, else its unit's)


async def update_session(viewer: Viewer, session_id: int, change: SessionChange) -> CourseSession:
    """Move a session that has not started, change its place, seats or trainer. More seats
    seat the waitlist in its order; fewer than those taken are refused."""
    session = await _session_in_charge(viewer, session_id)
    named = timezones.check_zone(change.time_zone) if change.time_zone else None
    zone = named or session.time_zone or await timezones.unit_zone(session.unit_id)
    change.starts_at = timezones.to_utc(change.starts_at, zone)
    change.ends_at = timezones.to_utc(change.ends_at, zone)
    problems: list[FieldError] = []
    now = datetime.now(UTC)
    moves = change.starts_at != session.starts_at or change.ends_at != session.ends_at
    if moves and session.starts_at <= now:
        problems.append(
            FieldError("A session that has started cannot move.", ErrorCode.CONFLICT, "startsAt")
        )
    elif moves and change.starts_at <= now:
        problems.append(FieldError("Choose a time to come.", ErrorCode.INVALID, "startsAt"))
    if change.ends_at <= change.starts_at:
        problems.append(FieldError("A session ends after it starts.", ErrorCode.INVALID, "endsAt"))
    if not change.place.strip():
        problems.append(FieldError("Where is it?", ErrorCode.REQUIRED, "place"))
    taken = await seats_taken(session.id)
    if change.capacity < max(taken, 1):
        problems.append(
            FieldError(
                "At least {taken} seats: so many are taken.",
                ErrorCode.INVALID,
                "capacity",
                taken=max(taken, 1),
            )
        )
    if problems:
        raise ServiceError(*problems)
    trainer = await chosen_trainer(viewer, change.trainer_id)
    values: dict[str, object] = {
        "starts_at": change.starts_at,
        "ends_at": change.ends_at,
        "place": change.place.strip(),
        "capacity": change.capacity,
        "registered_trainer_id": trainer.id if trainer else None,
        "trainer": trainer.name if trainer else change.trainer.strip(),
    }
    if named:
        values["time_zone"] = named
    async with in_transaction():
        await CourseSession.filter(id=session.id).select_for_update().first()
        await audit.record_changes(viewer, "CourseSession", session.id, session, values)
        await CourseSession.filter(id=session.id).update(**values)
        free = change.capacity - await seats_taken(session.id)
        if free > 0:
            waiting = (
                await Enrollment.filter(session_id=session.id, status=EnrollmentStatus.WAITLISTED)
                .order_by("enrolled_at", "id")
                .limit(free)
                .values_list("id", flat=True)
            )
            if waiting:
                await Enrollment.filter(id__in=list(waiting)).update(
                    status=EnrollmentStatus.ENROLLED
                )
    await session.refresh_from_db()
    return session


async def cancel_session(viewer: Viewer, session_id: int, reason: str) -> CourseSession:
    """Call a session off before it starts: every open enrolment on it is cancelled (by the
    company), the waitlist with them, pending approvals of their costs closed."""
    session = await _session_in_charge(viewer, session_id)
    reason = reason.strip()
    if not reason:
        raise ServiceError.one(ErrorCode.REQUIRED, "Give the reason.", "reason")
    if len(reason) > REASON_LENGTH:
        raise ServiceError.one(ErrorCode.INVALID, "At most 255 characters.", "reason")
    if session.starts_at <= datetime.now(UTC):
        raise ServiceError.one(
            ErrorCode.CONFLICT, "A session that has started cannot be cancelled.", "id"
        )
    now = datetime.now(UTC)
    async with in_transaction():
        await CourseSession.filter(id=session.id).select_for_update().first()
        open_ones = await Enrollment.filter(session_id=session.id, status__in=OPEN_STATUSES)
        for enrollment in open_ones:
            if enrollment.status is EnrollmentStatus.PENDING:
                await approvals.cancel(viewer, RequestType.TRAINING_ENROLMENT, enrollment.id)
        await Enrollment.filter(id__in=[e.id for e in open_ones]).update(
            status=EnrollmentStatus.CANCELLED, cancelled_at=now, cancelled_by_company=True
        )
        values = {"cancelled_at": now, "cancel_reason": reason}
        await audit.record(
            viewer,
            AuditAction.UPDATE,
            subject_type="CourseSession",
            subject_id=session.id,
            field="cancelledAt",
            reason=reason,
            before={"cancelledAt": None},
            after={"cancelledAt": now.isoformat(), "cancelledEnrollments": len(open_ones)},
        )
        await CourseSession.filter(id=session.id).update(**values)
    await session.refresh_from_db()
    return session
