"""Root fields for contracts, employment events and the timeline."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from talentloop.errors import ErrorCode, ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, PublicError, mutation_errors
from talentloop.graphql.ids import optional_pk, pk_of, require_pk
from talentloop.graphql.node import register_node
from talentloop.people import lifecycle
from talentloop.people.models import TerminationKind
from talentloop.records import archive, service
from talentloop.records.models import Contract, ContractKind
from talentloop.records.types import (
    ArchiveDocumentNode,
    ContractExpiryNode,
    ContractNode,
    EducationNode,
    EmergencyContactNode,
    EmployeeRecordNode,
    EmploymentEventNode,
    TimelineItemNode,
    WorkHistoryNode,
)


@strawberry.type
class RecordsQuery:
    @strawberry.field(
        description="An employee's contracts, oldest first; empty when not visible (needs the "
        "work field group)."
    )
    async def contracts(self, info: Info, employee_id: strawberry.ID) -> list[ContractNode]:
        pk = pk_of(employee_id, "Employee")
        if pk is None:
            return []
        found = await service.contracts_of(info.context.viewer, pk)
        return [ContractNode(_model=c) for c in found]

    @strawberry.field(
        description="Contracts and probations ending within `within` days (0 to 366), soonest "
        "first, for the employees the viewer manages (HQ HR: all; branch HR: own branch)."
    )
    async def expiring_contracts(
        self,
        info: Info,
        within: Annotated[int, strawberry.argument(description="Days ahead.")] = 30,
    ) -> list[ContractExpiryNode]:
        try:
            found = await service.expiring(info.context.viewer, within=within)
        except ServiceError as exc:
            raise PublicError.of(exc) from exc
        return [ContractExpiryNode(_expiry=e) for e in found]

    @strawberry.field(
        description="An employee's timeline, newest first: events, contracts and field "
        "changes. Null when the employee is not visible with the work field group."
    )
    async def employee_timeline(
        self, info: Info, employee_id: strawberry.ID
    ) -> list[TimelineItemNode] | None:
        pk = pk_of(employee_id, "Employee")
        if pk is None:
            return None
        items = await service.timeline(info.context.viewer, pk)
        return None if items is None else [TimelineItemNode(_item=i) for i in items]

    @strawberry.field(
        description="Education, work history, emergency contacts and archive documents of an "
        "employee; null unless the viewer reads their personal data (HR in charge, self)."
    )
    async def employee_record(
        self, info: Info, employee_id: strawberry.ID
    ) -> EmployeeRecordNode | None:
        pk = pk_of(employee_id, "Employee")
        viewer = info.context.viewer
        found = None if pk is None else await service.personal_record(viewer, pk)
        if found is None or pk is None:
            return None
        documents = await archive.documents_of(viewer, pk)
        return EmployeeRecordNode(
            education=[EducationNode(_model=e) for e in found.education],
            work_history=[WorkHistoryNode(_model=w) for w in found.work_history],
            emergency_contacts=[EmergencyContactNode(_model=c) for c in found.emergency_contacts],
            documents=[ArchiveDocumentNode(_model=d) for d in documents],
        )


@strawberry.input(description="A school or degree.")
class AddEducationInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    school: str = strawberry.field(description="School or university.")
    degree: str = strawberry.field(description="Degree.")
    major: str | None = strawberry.field(default=None, description="Major.")
    start_date: date | None = strawberry.field(default=None, description="First day.")
    end_date: date | None = strawberry.field(default=None, description="Graduation.")


@strawberry.input(description="A job held before joining.")
class AddWorkHistoryInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    employer: str = strawberry.field(description="The employer.")
    title: str = strawberry.field(description="Job title.")
    start_date: date | None = strawberry.field(default=None, description="First day.")
    end_date: date | None = strawberry.field(default=None, description="Last day.")


@strawberry.input(description="An emergency contact.")
class AddEmergencyContactInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    name: str = strawberry.field(description="Full name.")
    relationship: str = strawberry.field(description="Relationship.")
    phone: str = strawberry.field(description="Phone number.")


@strawberry.type(description="The employee's record after the change, or the errors.")
class EmployeeRecordPayload:
    ok: bool = strawberry.field(description="True when it succeeded.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


async def _add(info: Info, kind: str, data: object, keys: tuple[str, ...]) -> EmployeeRecordPayload:
    try:
        employee_id = require_pk(data.employee_id, "Employee", "employeeId")  # type: ignore[attr-defined]
        values = {k: getattr(data, k) for k in keys}
        await service.add_entry(info.context.viewer, kind, employee_id, values)
    except ServiceError as exc:
        return EmployeeRecordPayload(ok=False, errors=mutation_errors(exc))
    return EmployeeRecordPayload(ok=True, errors=[])


@strawberry.input(description="A new labour contract, or a renewal of one.")
class SignContractInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    kind: ContractKind = strawberry.field(description="Fixed term, open-ended or per task.")
    start_date: date = strawberry.field(description="First day.")
    end_date: date | None = strawberry.field(
        default=None, description="Last day; required for a fixed term, none when open-ended."
    )
    probation_end: date | None = strawberry.field(
        default=None, description="Last day of probation (劳动合同法 art. 19 limits apply)."
    )
    signed_on: date = strawberry.field(description="When it was signed.")
    renews_id: strawberry.ID | None = strawberry.field(
        default=None, description="The contract this one renews."
    )
    note: str | None = strawberry.field(default=None, description="A note.")
    employee_requested_fixed_term: bool = strawberry.field(
        default=False,
        description="The employee asked for a fixed term: needed for a fixed term after two "
        "consecutive fixed terms (劳动合同法 art. 14).",
    )


@strawberry.type(description="The contract as saved, or the errors that stopped it.")
class ContractPayload:
    contract: ContractNode | None = strawberry.field(description="The new contract.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.input(description="Move an employee to another unit from a given day.")
class RecordTransferInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    unit_id: strawberry.ID = strawberry.field(description="The unit they move to.")
    position_id: strawberry.ID | None = strawberry.field(default=None, description="New position.")
    effective_date: date = strawberry.field(description="The first day in the new unit.")
    note: str | None = strawberry.field(default=None, description="A note.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The employee's `version` you read. If the employee has changed since, nothing is "
            "written and the answer is CONFLICT on expectedVersion. Omitted: the change applies "
            "to the employee as they stand."
        ),
    )


@strawberry.input(description="An employee leaves the company.")
class RecordResignationInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    effective_date: date = strawberry.field(description="The last day of employment.")
    note: str | None = strawberry.field(default=None, description="The reason.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The employee's `version` you read. If the employee has changed since, nothing is "
            "written and the answer is CONFLICT on expectedVersion. Omitted: the change applies "
            "to the employee as they stand."
        ),
    )


@strawberry.input(description="Record the onboarding of an employee already hired.")
class RecordOnboardingInput:
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    note: str | None = strawberry.field(default=None, description="A note.")


@strawberry.input(description="A former employee comes back: a new employment period.")
class RehireEmployeeInput:
    employee_id: strawberry.ID = strawberry.field(description="The former employee.")
    hire_date: date = strawberry.field(
        description="The first day of the new period, after the last day of the one before."
    )
    unit_id: strawberry.ID = strawberry.field(description="The unit they join.")
    position_id: strawberry.ID | None = strawberry.field(
        default=None, description="Their position (omitted: the one they had)."
    )
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Their manager, an employee the viewer sees."
    )
    note: str | None = strawberry.field(default=None, description="A note.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The employee's `version` you read. If the employee has changed since, nothing is "
            "written and the answer is CONFLICT on expectedVersion."
        ),
    )


@strawberry.input(
    description="End a contract before its own end while the employment goes on: it is "
    "replaced by a new contract (sign it from the next day). To end the employment, file a "
    "termination instead."
)
class EndContractInput:
    contract_id: strawberry.ID = strawberry.field(description="The contract.")
    end_date: date = strawberry.field(
        description="Its new last day: on or after its start, before its own last day."
    )
    note: str | None = strawberry.field(default=None, description="Why, e.g. the new terms.")


@strawberry.type(description="The event as recorded, or the errors that stopped it.")
class EmploymentEventPayload:
    event: EmploymentEventNode | None = strawberry.field(description="The event.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


@strawberry.type
class RecordsMutation:
    @strawberry.mutation(
        description="Sign a labour contract. Refused (CONFLICT on startDate) when it overlaps "
        "another contract of the employee. HR in charge only."
    )
    async def sign_contract(self, info: Info, input: SignContractInput) -> ContractPayload:
        try:
            data = service.ContractInput(
                kind=input.kind,
                start_date=input.start_date,
                end_date=input.end_date,
                probation_end=input.probation_end,
                signed_on=input.signed_on,
                renews_id=optional_pk(input.renews_id, "Contract", "renewsId"),
                note=input.note,
                employee_requested_fixed_term=input.employee_requested_fixed_term,
            )
            contract = await service.sign_contract(
                info.context.viewer, require_pk(input.employee_id, "Employee", "employeeId"), data
            )
        except ServiceError as exc:
            return ContractPayload(contract=None, errors=mutation_errors(exc))
        return ContractPayload(contract=ContractNode(_model=contract), errors=[])

    @strawberry.mutation(
        description="End a contract early because a new one replaces it (劳动合同法 art. 35). "
        "HR in charge of the employee, not about themselves; ending the employment is a "
        "termination request."
    )
    async def end_contract(self, info: Info, input: EndContractInput) -> ContractPayload:
        try:
            contract = await service.end_contract(
                info.context.viewer,
                require_pk(input.contract_id, "Contract", "contractId"),
                input.end_date,
                input.note,
            )
        except ServiceError as exc:
            return ContractPayload(contract=None, errors=mutation_errors(exc))
        return ContractPayload(contract=ContractNode(_model=contract), errors=[])

    @strawberry.mutation(
        description="Ask to transfer an employee from effectiveDate: files a TRANSFER request "
        "(as requestTransfer); the record, and the TRANSFER event on the timeline, follow when "
        "it is approved. `event` is null in the answer.",
        deprecation_reason="Use requestTransfer. This no longer moves anyone at once: it files "
        "the same approval request.",
    )
    async def record_transfer(
        self, info: Info, input: RecordTransferInput
    ) -> EmploymentEventPayload:
        viewer = info.context.viewer
        try:
            pk = require_pk(input.employee_id, "Employee", "employeeId")
            to = lifecycle.TransferTo(
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                position_id=optional_pk(input.position_id, "Position", "positionId"),
            )
            await lifecycle.filed_instead(
                viewer,
                pk,
                input.expected_version,
                {"reason": "note"},
                lambda: lifecycle.request_transfer(
                    viewer, pk, to, effective_date=input.effective_date, reason=input.note
                ),
            )
        except ServiceError as exc:
            return EmploymentEventPayload(event=None, errors=mutation_errors(exc))
        return EmploymentEventPayload(event=None, errors=[])

    @strawberry.mutation(
        description="Ask to record a resignation with effectiveDate as the last day: files a "
        "TERMINATION request (as requestTermination, kind RESIGNATION); status, last day and "
        "contracts follow when it is approved. `event` is null in the answer.",
        deprecation_reason="Use requestTermination. This no longer ends anyone's employment "
        "at once: it files the same approval request.",
    )
    async def record_resignation(
        self, info: Info, input: RecordResignationInput
    ) -> EmploymentEventPayload:
        viewer = info.context.viewer
        try:
            pk = require_pk(input.employee_id, "Employee", "employeeId")
            reason = (input.note or "").strip() or "resignation"
            await lifecycle.filed_instead(
                viewer,
                pk,
                input.expected_version,
                {"lastDay": "effectiveDate", "reason": "note"},
                lambda: lifecycle.request_termination(
                    viewer,
                    pk,
                    kind=TerminationKind.RESIGNATION,
                    last_day=input.effective_date,
                    reason=reason,
                ),
            )
        except ServiceError as exc:
            return EmploymentEventPayload(event=None, errors=mutation_errors(exc))
        return EmploymentEventPayload(event=None, errors=[])

    @strawberry.mutation(
        description="Rehire a former employee (HR in charge of them and of the unit they join): "
        "a new employment period from hireDate, status ACTIVE, the last day cleared, a REHIRE "
        "event on the timeline. updateEmployee and imports never set a former employee back "
        "to work."
    )
    async def rehire_employee(
        self, info: Info, input: RehireEmployeeInput
    ) -> EmploymentEventPayload:
        try:
            event = await service.rehire(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                hire_date=input.hire_date,
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                position_id=optional_pk(input.position_id, "Position", "positionId"),
                manager_id=optional_pk(input.manager_id, "Employee", "managerId"),
                note=input.note,
                expected_version=input.expected_version,
            )
        except ServiceError as exc:
            return EmploymentEventPayload(event=None, errors=mutation_errors(exc))
        return EmploymentEventPayload(event=EmploymentEventNode(_model=event), errors=[])

    @strawberry.mutation(description="Record an employee's onboarding (once).")
    async def record_onboarding(
        self, info: Info, input: RecordOnboardingInput
    ) -> EmploymentEventPayload:
        try:
            event = await service.record_onboarding(
                info.context.viewer,
                require_pk(input.employee_id, "Employee", "employeeId"),
                note=input.note,
            )
        except ServiceError as exc:
            return EmploymentEventPayload(event=None, errors=mutation_errors(exc))
        return EmploymentEventPayload(event=EmploymentEventNode(_model=event), errors=[])

    @strawberry.mutation(description="Add a school or degree to the record. HR in charge only.")
    async def add_education(self, info: Info, input: AddEducationInput) -> EmployeeRecordPayload:
        keys = ("school", "degree", "major", "start_date", "end_date")
        return await _add(info, "Education", input, keys)

    @strawberry.mutation(description="Add an earlier job to the record. HR in charge only.")
    async def add_work_history(
        self, info: Info, input: AddWorkHistoryInput
    ) -> EmployeeRecordPayload:
        return await _add(
            info, "WorkHistory", input, ("employer", "title", "start_date", "end_date")
        )

    @strawberry.mutation(description="Add an emergency contact. HR in charge only.")
    async def add_emergency_contact(
        self, info: Info, input: AddEmergencyContactInput
    ) -> EmployeeRecordPayload:
        return await _add(info, "EmergencyContact", input, ("name", "relationship", "phone"))

    @strawberry.mutation(
        description="Remove an education, work-history or emergency-contact line (by its ID)."
    )
    async def remove_record_entry(self, info: Info, id: strawberry.ID) -> EmployeeRecordPayload:
        try:
            for kind in service.ENTRY_MODELS:
                pk = pk_of(id, kind)
                if pk is not None:
                    await service.remove_entry(info.context.viewer, kind, pk)
                    break
            else:
                raise ServiceError.one(ErrorCode.INVALID, "Not a record entry id.", "id")
        except ServiceError as exc:
            return EmployeeRecordPayload(ok=False, errors=mutation_errors(exc))
        return EmployeeRecordPayload(ok=True, errors=[])


async def _contract_node(info: Info, pk: int) -> ContractNode | None:
    found = await service.visible_contracts(info.context.viewer).filter(id=pk).first()
    return ContractNode(_model=found) if found else None


register_node("Contract", _contract_node, Contract)
