"""Which field group each Employee field belongs to: read by `access`, declared here."""

from __future__ import annotations

from talentloop.access.policy import FieldGroup

# GraphQL field name → group. Every Employee field is listed: a new field
# without a group is a test failure (tests/access/test_matrix_declarations.py).
EMPLOYEE_FIELDS: dict[str, FieldGroup] = {
    "employeeNumber": FieldGroup.DIRECTORY,
    "name": FieldGroup.DIRECTORY,
    "status": FieldGroup.DIRECTORY,
    "unit": FieldGroup.DIRECTORY,
    "position": FieldGroup.DIRECTORY,
    "manager": FieldGroup.DIRECTORY,
    "workPhone": FieldGroup.DIRECTORY,
    "workEmail": FieldGroup.DIRECTORY,
    "hireDate": FieldGroup.WORK,
    "terminationDate": FieldGroup.WORK,
    "terminationReason": FieldGroup.WORK,
    "gender": FieldGroup.PERSONAL,
    "birthDate": FieldGroup.PERSONAL,
    "personalPhone": FieldGroup.PERSONAL,
    "baseSalary": FieldGroup.PAY,
    "idNumber": FieldGroup.SENSITIVE,
    "bankAccount": FieldGroup.SENSITIVE,
    # With those who may edit the record (HR, oneself): from it others could time pay changes.
    "version": FieldGroup.PERSONAL,
}
