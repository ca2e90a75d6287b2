"""GraphQL for the employee lifecycle (people/lifecycle.py): the changes of a person, the
requests that start them, and the offboarding checklist."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from talentloop.approvals.models import RequestType
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk, to_global_id
from talentloop.org.models import OrgUnit
from talentloop.people import lifecycle
from talentloop.people.models import (
    Employee,
    LifecycleChange,
    LifecycleKind,
    LifecycleStatus,
    Position,
    TerminationKind,
)

if TYPE_CHECKING:
    from talentloop.approvals.types import ApprovalRequestNode

ApprovalRef = Annotated["ApprovalRequestNode", strawberry.lazy("talentloop.approvals.types")]

strawberry.enum(LifecycleKind, description="Probation confirmation, transfer or termination.")
strawberry.enum(
    LifecycleStatus,
    description="Pending with its approvers, approved (waiting for its date), applied, "
    "rejected or cancelled.",
)
strawberry.enum(
    TerminationKind,
    description="How the employment ends: the employee's resignation, a dismissal by the "
    "employer, an agreement to part (劳动合同法 art. 36) or a fixed-term contract not renewed "
    "(art. 44 (1)).",
)


def _names_of(
    model: type[OrgUnit] | type[Position] | type[Employee], attr: str
) -> Callable[[object], Callable[[list[int]], Awaitable[list[str | None]]]]:
    def factory(_viewer: object) -> Callable[[list[int]], Awaitable[list[str | None]]]:
        async def load(ids: list[int]) -> list[str | None]:
            found = {r.id: getattr(r, attr) for r in await model.filter(id__in=ids)}
            return [found.get(i) for i in ids]

        return load

    return factory


async def _name(info: Info, model: type, attr: str, pk: int | None) -> str | None:
    if pk is None:
        return None
    name: str | None = await info.context.loader(
        f"lifecycle_{model.__name__}_{attr}", _names_of(model, attr)
    ).load(pk)
    return name


@strawberry.type(description="One item of a termination's offboarding checklist.")
class OffboardingItem:
    item: str = strawberry.field(
        description="handover, equipment, final_pay, social_insurance_stop, housing_fund_stop, "
        "certificate or archive_transfer."
    )
    done: bool = strawberry.field(description="Whether it is done.")
    done_by: str | None = strawberry.field(description="Who ticked it (username).")
    done_at: datetime | None = strawberry.field(description="When.")


@strawberry.type(
    name="LifecycleChange",
    description="A probation confirmation, transfer or termination on its way through "
    "approval, with where it takes the person and when. The names are part of it (an approver "
    "reads them on the request's card); pay figures are not shown, only whether pay changes.",
)
class LifecycleChangeNode:
    _m: strawberry.Private[LifecycleChange]

    @strawberry.field(description="The global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("LifecycleChange", self._m.id))

    @strawberry.field(description="What changes.")
    def kind(self) -> LifecycleKind:
        return self._m.kind

    @strawberry.field(description="Where it stands.")
    def status(self) -> LifecycleStatus:
        return self._m.status

    @strawberry.field(description="The person's global ID.")
    def employee_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Employee", self._m.employee_id))

    @strawberry.field(description="The person's name.")
    async def employee_name(self, info: Info) -> str | None:
        return await _name(info, Employee, "name", self._m.employee_id)

    @strawberry.field(
        description="The day a transfer or confirmation takes effect; a termination's last day."
    )
    def effective_date(self) -> date:
        return self._m.effective_date

    @strawberry.field(description="The unit before.")
    async def from_unit_name(self, info: Info) -> str | None:
        return await _name(info, OrgUnit, "name", self._m.from_unit_id)

    @strawberry.field(description="A transfer's new unit.")
    async def to_unit_name(self, info: Info) -> str | None:
        return await _name(info, OrgUnit, "name", self._m.to_unit_id)

    @strawberry.field(description="The position before.")
    async def from_position_title(self, info: Info) -> str | None:
        return await _name(info, Position, "title", self._m.from_position_id)

    @strawberry.field(description="A transfer's new position (null: unchanged).")
    async def to_position_title(self, info: Info) -> str | None:
        return await _name(info, Position, "title", self._m.to_position_id)

    @strawberry.field(description="The manager before.")
    async def from_manager_name(self, info: Info) -> str | None:
        return await _name(info, Employee, "name", self._m.from_manager_id)

    @strawberry.field(description="A transfer's new manager (null: unchanged).")
    async def to_manager_name(self, info: Info) -> str | None:
        return await _name(info, Employee, "name", self._m.to_manager_id)

    @strawberry.field(description="Whether a transfer changes the monthly base pay.")
    def changes_pay(self) -> bool:
        return self._m.to_base_salary is not None

    @strawberry.field(description="A termination's kind.")
    def termination_kind(self) -> TerminationKind | None:
        return self._m.termination_kind

    @strawberry.field(description="The reason given.")
    def reason(self) -> str:
        return self._m.reason

    @strawberry.field(description="A termination's offboarding checklist (else empty).")
    def checklist(self) -> list[OffboardingItem]:
        return [
            OffboardingItem(
                item=str(e.get("item")),
                done=bool(e.get("done")),
                done_by=str(e["by"]) if e.get("by") else None,
                done_at=datetime.fromisoformat(str(e["at"])) if e.get("at") else None,
            )
            for e in self._m.checklist
        ]

    @strawberry.field(description="When it was asked for.")
    def created_at(self) -> datetime:
        return self._m.created_at

    @strawberry.field(description="When it was written to the record.")
    def applied_at(self) -> datetime | None:
        return self._m.applied_at

    @strawberry.field(description="Its approval request, where the viewer reads it.")
    async def approval(self, info: Info) -> ApprovalRef | None:
        from talentloop.approvals.types import approval_of

        return await approval_of(info, lifecycle.REQUEST_TYPES[self._m.kind], self._m.id)


async def lifecycle_change_of(
    info: Info, request_type: RequestType, subject_id: int
) -> LifecycleChangeNode | None:
    """For ApprovalRequest.lifecycleChange: the request's subject (batched)."""
    if request_type not in lifecycle.REQUEST_TYPES.values():
        return None
    found: LifecycleChange | None = await info.context.loader(
        "lifecycle_changes", lambda _v: _changes_loader
    ).load(subject_id)
    return LifecycleChangeNode(_m=found) if found is not None else None


async def _changes_loader(ids: list[int]) -> list[LifecycleChange | None]:
    found = await lifecycle.changes_by_ids(ids)
    return [found.get(i) for i in ids]


@strawberry.type(description="The change as asked for, or the errors that stopped it.")
class LifecycleChangePayload:
    change: LifecycleChangeNode | None = strawberry.field(description="The change.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="转正: a person on probation becomes a regular employee.")
class RequestProbationConfirmationInput:
    employee_id: strawberry.ID = strawberry.field(description="The person.")
    effective_date: date = strawberry.field(description="The first day as a regular employee.")
    reason: str | None = strawberry.field(default=None, description="A note for the approvers.")


@strawberry.input(description="调动: another unit, and optionally position, manager and pay.")
class RequestTransferInput:
    employee_id: strawberry.ID = strawberry.field(description="The person.")
    unit_id: strawberry.ID = strawberry.field(description="The unit they move to.")
    position_id: strawberry.ID | None = strawberry.field(default=None, description="New position.")
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="New manager.")
    base_salary: Decimal | None = strawberry.field(
        default=None, description="New monthly base pay, CNY."
    )
    effective_date: date = strawberry.field(description="The first day in the new place.")
    reason: str | None = strawberry.field(default=None, description="A note for the approvers.")


@strawberry.input(description="离职: a resignation or dismissal.")
class RequestTerminationInput:
    employee_id: strawberry.ID = strawberry.field(description="The person.")
    kind: TerminationKind = strawberry.field(description="Resignation or dismissal.")
    last_day: date = strawberry.field(description="The last working day.")
    reason: str = strawberry.field(description="Why employment ends.")


@strawberry.input(description="Tick or untick an item of a termination's offboarding checklist.")
class SetOffboardingItemInput:
    employee_id: strawberry.ID = strawberry.field(
        description="The person (their latest termination's checklist)."
    )
    item: str = strawberry.field(description="The item's key.")
    done: bool = strawberry.field(description="Done or not.")


def _payload(change: LifecycleChange) -> LifecycleChangePayload:
    return LifecycleChangePayload(change=LifecycleChangeNode(_m=change), errors=[])


def _failed(exc: ServiceError) -> LifecycleChangePayload:
    return LifecycleChangePayload(change=None, errors=mutation_errors(exc))


@strawberry.type
class LifecycleQuery:
    @strawberry.field(
        description="A person's confirmations, transfers and terminations, newest first; empty "
        "when not visible (needs the work field group)."
    )
    async def employee_lifecycle_changes(
        self, info: Info, employee_id: strawberry.ID
    ) -> list[LifecycleChangeNode]:
        pk = pk_of(employee_id, "Employee")
        if pk is None:
            return []
        return [
            LifecycleChangeNode(_m=c) for c in await lifecycle.changes_of(info.context.viewer, pk)
        ]


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(
        description="Ask to confirm a person's probation (转正); applied on approval, on its date."
    )
    async def request_probation_confirmation(
        self, info: Info, input: RequestProbationConfirmationInput
    ) -> LifecycleChangePayload:
        try:
            change = await lifecycle.request_confirmation(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                effective_date=input.effective_date,
                reason=input.reason,
            )
        except ServiceError as exc:
            return _failed(exc)
        return _payload(change)

    @strawberry.mutation(
        description="Ask to transfer a person (调动); applied on approval, on its effective date."
    )
    async def request_transfer(
        self, info: Info, input: RequestTransferInput
    ) -> LifecycleChangePayload:
        try:
            change = await lifecycle.request_transfer(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                lifecycle.TransferTo(
                    unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                    position_id=optional_pk(input.position_id, "Position", "positionId"),
                    manager_id=optional_pk(input.manager_id, "Employee", "managerId"),
                    base_salary=input.base_salary,
                ),
                effective_date=input.effective_date,
                reason=input.reason,
            )
        except ServiceError as exc:
            return _failed(exc)
        return _payload(change)

    @strawberry.mutation(
        description="Ask to end a person's employment (离职); on approval the last day is set, "
        "and the day after it employment ends and their accounts are disabled."
    )
    async def request_termination(
        self, info: Info, input: RequestTerminationInput
    ) -> LifecycleChangePayload:
        try:
            change = await lifecycle.request_termination(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                kind=input.kind,
                last_day=input.last_day,
                reason=input.reason,
            )
        except ServiceError as exc:
            return _failed(exc)
        return _payload(change)

    @strawberry.mutation(description="Tick or untick an offboarding checklist item.")
    async def set_offboarding_item(
        self, info: Info, input: SetOffboardingItemInput
    ) -> LifecycleChangePayload:
        try:
            change = await lifecycle.set_checklist_item(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                item=input.item,
                done=input.done,
            )
        except ServiceError as exc:
            return _failed(exc)
        return _payload(change)
