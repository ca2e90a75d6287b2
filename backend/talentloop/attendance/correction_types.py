"""GraphQL types of punch corrections (补卡, attendance/corrections.py) and of a day's status."""

from __future__ import annotations

from datetime import date, time

import strawberry

from talentloop.attendance.models import CorrectionStatus, PunchCorrection
from talentloop.graphql.errors import MutationError
from talentloop.graphql.ids import to_global_id

# The enums (PunchCorrectionStatus, AttendanceDayStatus) are declared in attendance/types.py.


@strawberry.type(
    name="PunchCorrection",
    description="A request to put right a missing punch (补卡) and its decision.",
)
class PunchCorrectionInfo:
    _model: strawberry.Private[PunchCorrection]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("PunchCorrection", self._model.id))

    @strawberry.field(description="The day (China time).")
    def date(self) -> date:
        return self._model.date

    @strawberry.field(description="The clock-in asked for (China time).")
    def clock_in(self) -> time | None:
        return self._model.clock_in

    @strawberry.field(description="The clock-out asked for (China time).")
    def clock_out(self) -> time | None:
        return self._model.clock_out

    @strawberry.field(description="Why the punch is missing.")
    def reason(self) -> str:
        return self._model.reason

    @strawberry.field(description="Pending, approved, rejected or cancelled.")
    def status(self) -> CorrectionStatus:
        return self._model.status


@strawberry.input(description="Ask to put right a missing punch of one's own past day (补卡).")
class RequestPunchCorrectionInput:
    date: date = strawberry.field(description="The day (China time), before today.")
    clock_in: time | None = strawberry.field(
        default=None, description="The clock-in time (China time); this or the clock-out."
    )
    clock_out: time | None = strawberry.field(
        default=None, description="The clock-out time (China time), after the clock-in."
    )
    reason: str = strawberry.field(description="Why the punch is missing.")


@strawberry.type(description="The punch correction, or the errors that stopped it.")
class PunchCorrectionPayload:
    punch_correction: PunchCorrectionInfo | None = strawberry.field(description="The request.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")
