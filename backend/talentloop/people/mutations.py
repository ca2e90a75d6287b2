"""Mutations that hire and change employees; transfers and terminations ask the approvers
(people/lifecycle.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from talentloop.accounts.sessions import china_today
from talentloop.errors import ServiceError
from talentloop.graphql.context import Info
from talentloop.graphql.errors import MutationError, mutation_errors
from talentloop.graphql.ids import optional_pk, require_pk
from talentloop.people import lifecycle, service
from talentloop.people.models import EmployeeStatus, Gender, TerminationKind
from talentloop.people.types import EmployeeNode

UNSET: Any = strawberry.UNSET

# Input field → model field, for the fields shared by create and update.
_VALUE_FIELDS = {
    "name": "name",
    "status": "status",
    "gender": "gender",
    "birth_date": "birth_date",
    "work_phone": "work_phone",
    "work_email": "work_email",
    "personal_phone": "personal_phone",
    "id_number": "id_number",
    "bank_account": "bank_account",
    "base_salary": "base_salary",
}


@strawberry.input(description="A new employee.")
class CreateEmployeeInput:
    employee_number: str = strawberry.field(description="Employee number (工号), unique.")
    name: str = strawberry.field(description="Full name.")
    unit_id: strawberry.ID = strawberry.field(description="The unit they join.")
    hire_date: date = strawberry.field(description="First day of employment.")
    position_id: strawberry.ID | None = strawberry.field(default=None, description="Position.")
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="Direct manager.")
    status: EmployeeStatus | None = strawberry.field(
        default=UNSET, description="Defaults to PROBATION."
    )
    gender: Gender | None = strawberry.field(default=UNSET, description="Gender.")
    birth_date: date | None = strawberry.field(default=UNSET, description="Birth date.")
    work_phone: str | None = strawberry.field(default=UNSET, description="Work phone.")
    work_email: str | None = strawberry.field(default=UNSET, description="Work email.")
    personal_phone: str | None = strawberry.field(default=UNSET, description="Mobile number.")
    id_number: str | None = strawberry.field(default=UNSET, description="Resident ID number.")
    bank_account: str | None = strawberry.field(default=UNSET, description="Salary account.")
    base_salary: Decimal | None = strawberry.field(default=UNSET, description="Monthly base, CNY.")


@strawberry.input(description="Changes to an employee; omitted fields stay as they are.")
class UpdateEmployeeInput:
    id: strawberry.ID = strawberry.field(description="The employee.")
    name: str | None = strawberry.field(default=UNSET, description="Full name.")
    position_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Position.")
    manager_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Manager.")
    status: EmployeeStatus | None = strawberry.field(
        default=UNSET, description="Probation, active or on leave (terminate separately)."
    )
    gender: Gender | None = strawberry.field(default=UNSET, description="Gender.")
    birth_date: date | None = strawberry.field(default=UNSET, description="Birth date.")
    work_phone: str | None = strawberry.field(default=UNSET, description="Work phone.")
    work_email: str | None = strawberry.field(default=UNSET, description="Work email.")
    personal_phone: str | None = strawberry.field(default=UNSET, description="Mobile number.")
    id_number: str | None = strawberry.field(default=UNSET, description="Resident ID number.")
    bank_account: str | None = strawberry.field(default=UNSET, description="Salary account.")
    base_salary: Decimal | None = strawberry.field(default=UNSET, description="Monthly base, CNY.")
    current_password: str | None = strawberry.field(
        default=None,
        description="Your password: needed to change your own email, phones or bank account.",
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the employee has changed since, nothing is written and "
            "the answer is CONFLICT on expectedVersion. Omitted: the change applies to the "
            "record as it stands."
        ),
    )


@strawberry.input(description="Move an employee to another unit.")
class TransferEmployeeInput:
    id: strawberry.ID = strawberry.field(description="The employee.")
    unit_id: strawberry.ID = strawberry.field(description="The unit they move to.")
    position_id: strawberry.ID | None = strawberry.field(default=None, description="New position.")
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="New manager.")
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the employee has changed since, nothing is written and "
            "the answer is CONFLICT on expectedVersion. Omitted: the change applies to the "
            "record as it stands."
        ),
    )


@strawberry.input(description="End an employee's employment.")
class TerminateEmployeeInput:
    id: strawberry.ID = strawberry.field(description="The employee.")
    termination_date: date = strawberry.field(description="Last day of employment.")
    reason: str | None = strawberry.field(
        default=None, description="Why employment ends (required)."
    )
    kind: TerminationKind = strawberry.field(
        default=TerminationKind.RESIGNATION, description="Resignation (default) or dismissal."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description=(
            "The `version` you read. If the employee has changed since, nothing is written and "
            "the answer is CONFLICT on expectedVersion. Omitted: the change applies to the "
            "record as it stands."
        ),
    )


@strawberry.type(description="The employee as saved, or the errors that stopped it.")
class EmployeePayload:
    employee: EmployeeNode | None = strawberry.field(description="The employee after the change.")
    errors: list[MutationError] = strawberry.field(description="Empty when it succeeded.")


def _changes(data: Any) -> service.EmployeeChanges:
    values: dict[str, Any] = {}
    for attr, model_field in _VALUE_FIELDS.items():
        value = getattr(data, attr, UNSET)
        if value is not UNSET:
            values[model_field] = value
    if getattr(data, "position_id", UNSET) is not UNSET:
        values["position_id"] = optional_pk(data.position_id, "Position", "positionId")
    if getattr(data, "manager_id", UNSET) is not UNSET:
        values["manager_id"] = optional_pk(data.manager_id, "Employee", "managerId")
    return service.EmployeeChanges(values)


def _payload(info: Info, employee: Any) -> EmployeePayload:
    return EmployeePayload(employee=EmployeeNode.of(employee, info), errors=[])


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(description="Hire an employee. HQ HR anywhere; branch HR in its branch.")
    async def create_employee(self, info: Info, input: CreateEmployeeInput) -> EmployeePayload:
        try:
            employee = await service.create_employee(
                info.context.viewer,
                employee_number=input.employee_number,
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                hire_date=input.hire_date,
                changes=_changes(input),
            )
        except ServiceError as exc:
            return EmployeePayload(employee=None, errors=mutation_errors(exc))
        return _payload(info, employee)

    @strawberry.mutation(description="Change an employee's record.")
    async def update_employee(self, info: Info, input: UpdateEmployeeInput) -> EmployeePayload:
        try:
            employee = await service.update_employee(
                info.context.viewer,
                require_pk(input.id, "Employee", "id"),
                _changes(input),
                current_password=input.current_password,
                expected_version=input.expected_version,
            )
        except ServiceError as exc:
            return EmployeePayload(employee=None, errors=mutation_errors(exc))
        return _payload(info, employee)

    @strawberry.mutation(
        description="Ask to transfer an employee to another unit from today: files a TRANSFER "
        "request (as requestTransfer); the employee changes when it is approved. The answer is "
        "the employee as they stand.",
        deprecation_reason="Use requestTransfer (with an effective date, pay and a reason). "
        "This no longer moves anyone at once: it files the same approval request.",
    )
    async def transfer_employee(self, info: Info, input: TransferEmployeeInput) -> EmployeePayload:
        viewer = info.context.viewer
        try:
            pk = require_pk(input.id, "Employee", "id")
            to = lifecycle.TransferTo(
                unit_id=require_pk(input.unit_id, "OrgUnit", "unitId"),
                position_id=optional_pk(input.position_id, "Position", "positionId"),
                manager_id=optional_pk(input.manager_id, "Employee", "managerId"),
            )
            await lifecycle.filed_instead(
                viewer,
                pk,
                input.expected_version,
                {"employeeId": "id"},
                lambda: lifecycle.request_transfer(viewer, pk, to, effective_date=china_today()),
            )
        except ServiceError as exc:
            return EmployeePayload(employee=None, errors=mutation_errors(exc))
        return _payload(info, await service.get_employee(viewer, pk))

    @strawberry.mutation(
        description="Ask to end an employee's employment: files a TERMINATION request (as "
        "requestTermination, a resignation unless `kind` says otherwise; the reason is "
        "required); on approval the last day is set, and the day after it employment ends. The "
        "answer is the employee as they stand.",
        deprecation_reason="Use requestTermination. This no longer ends anyone's employment "
        "at once: it files the same approval request.",
    )
    async def terminate_employee(
        self, info: Info, input: TerminateEmployeeInput
    ) -> EmployeePayload:
        viewer = info.context.viewer
        try:
            pk = require_pk(input.id, "Employee", "id")
            await lifecycle.filed_instead(
                viewer,
                pk,
                input.expected_version,
                {"employeeId": "id", "lastDay": "terminationDate"},
                lambda: lifecycle.request_termination(
                    viewer,
                    pk,
                    kind=input.kind,
                    last_day=input.termination_date,
                    reason=input.reason,
                ),
            )
        except ServiceError as exc:
            return EmployeePayload(employee=None, errors=mutation_errors(exc))
        return _payload(info, await service.get_employee(viewer, pk))
