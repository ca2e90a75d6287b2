"""API token scopes: what a token may read and change, decided here and nowhere else.

A request with an API token acts as the token's owner, narrowed to its scopes. Each domain's
GraphQL types and root fields belong to one scope area (by the package that defines them):

| scope               | allows                                                         |
|---------------------|----------------------------------------------------------------|
| `read:people`       | org units, positions, employees (as far as the owner may see)  |
| `write:people`      | the people mutations (hire, change, transfer, terminate, org)  |
| `read:performance`  | KPIs, targets, records, trigger rules, pay suspensions         |
| `write:performance` | the performance mutations (targets, records, imports, pay)     |
| `read:skills`       | competencies, assessment rounds, tests, scores                 |
| `write:skills`      | the skills mutations                                           |
| `read:training`     | courses, sessions, enrolments, plans                           |
| `write:training`    | the training mutations                                         |
| `read:analytics`    | the training-effect and HR reports, external events, report jobs |
| `write:analytics`   | the analytics mutations (events, valuations, exports)          |
| `read:attendance`   | rule sets, calendars, punches, monthly sheets, leave           |
| `write:attendance`  | the attendance mutations (clock-in, punch files, rules, leave) |

`write:X` includes `read:X`. The owner's own account (`me`, `User`) is readable with any
token; accounts mutations (sign-in, passwords, tokens, users) and the audit log are never
reachable with a token. What a token may not read behaves as not visible (null, an empty
list or an empty connection); a mutation it may not run is FORBIDDEN. The file routes apply
the same rules by their handler's package (access/rest.py): a read outside the scopes is a 404,
a write a 403.
"""

from __future__ import annotations

from enum import StrEnum


class ApiScope(StrEnum):
    READ_PEOPLE = "read:people"
    WRITE_PEOPLE = "write:people"
    READ_PERFORMANCE = "read:performance"
    WRITE_PERFORMANCE = "write:performance"
    READ_SKILLS = "read:skills"
    WRITE_SKILLS = "write:skills"
    READ_TRAINING = "read:training"
    WRITE_TRAINING = "write:training"
    READ_ANALYTICS = "read:analytics"
    WRITE_ANALYTICS = "write:analytics"
    READ_ATTENDANCE = "read:attendance"
    WRITE_ATTENDANCE = "write:attendance"


# A package of talentloop → the scope area its types and root fields belong to.
AREAS = {
    "org": "people",
    "people": "people",
    # Contracts, events, the timeline and the archive are part of the employee record.
    "records": "people",
    "performance": "performance",
    "skills": "skills",
    "training": "training",
    "analytics": "analytics",
    "reports": "analytics",  # the HR reports are read like the training-effect report
    "attendance": "attendance",
    # The history import began with KPI records; every kind's file goes through one mutation.
    "imports": "performance",
}
OPEN = "open"  # shared types (Node, connections, errors) and the owner's own account: no scope
CLOSED = "closed"  # never with a token (accounts mutations, the audit log)
_OPEN_PACKAGES = {"graphql", "accounts"}


def area_of_module(module: str, *, mutation: bool = False) -> str:
    """The scope area of a Python module of talentloop ("talentloop.people.types" → "people")."""
    parts = module.split(".")
    package = parts[1] if len(parts) > 1 and parts[0] == "talentloop" else ""
    if package in AREAS:
        return AREAS[package]
    if package in _OPEN_PACKAGES and not mutation:
        return OPEN
    return CLOSED


def may_read(scopes: frozenset[str] | None, area: str) -> bool:
    """None: a signed-in session, not a token — every area its role allows."""
    if scopes is None or area == OPEN:
        return True
    if area == CLOSED:
        return False
    return f"read:{area}" in scopes or f"write:{area}" in scopes


def may_write(scopes: frozenset[str] | None, area: str) -> bool:
    if scopes is None:
        return True
    if area in (OPEN, CLOSED):
        return False
    return f"write:{area}" in scopes
