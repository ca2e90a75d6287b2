"""Test helpers: a GraphQL client over HTTP and a small hand-made company ("the world")."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import httpx
from openpyxl import load_workbook
from tortoise.models import Model

from talentloop.accounts.models import RefreshToken, Role, User
from talentloop.accounts.passwords import hash_password
from talentloop.accounts.tokens import issue_access_token, new_refresh_token
from talentloop.approvals.models import ApprovalRequest, ApprovalStatus, ApprovalTask, TaskStatus
from talentloop.graphql.ids import pk_of, to_global_id
from talentloop.org.models import OrgUnit, OrgUnitType
from talentloop.people.models import Employee, EmployeeStatus, Gender, Position
from talentloop.people.sensitive import sealed_columns
from talentloop.people.validation import id_number_check_char
from talentloop.statements import StatementCounter  # noqa: F401  (the tests import it from here)

PASSWORD = "correct horse battery"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """argon2 is slow on purpose; hash the shared test password once per run."""
    return hash_password(PASSWORD)


async def access_token(user: User, *, now: datetime | None = None) -> str:
    """An access token of a new live session of the user, as signing in would give (a refresh
    token stored in a family of its own), without paying for argon2."""
    family = str(uuid.uuid4())
    _, token_hash = new_refresh_token()
    await RefreshToken.create(
        user=user,
        token_hash=token_hash,
        family=family,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    token, _ = issue_access_token(user.id, now, session=family)
    return token


class Api:
    """Sends GraphQL over HTTP exactly as a client would."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        # One session per user for the whole test, as a signed-in browser would hold.
        self._tokens: dict[int, str] = {}

    async def token(self, user: User) -> str:
        if user.id not in self._tokens:
            self._tokens[user.id] = await access_token(user)
        return self._tokens[user.id]

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: User | None = None,
    ) -> httpx.Response:
        headers = {}
        if as_ is not None:
            headers["Authorization"] = f"Bearer {await self.token(as_)}"
        return await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )

    async def run(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: User | None = None,
    ) -> dict[str, Any]:
        """The whole response body (data and errors)."""
        response = await self.post(query, variables, as_=as_)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: User | None = None,
    ) -> dict[str, Any]:
        """The data, asserting there were no errors at all."""
        body = await self.run(query, variables, as_=as_)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result


def gid(obj: Model) -> str:
    """The global id of any model instance: its class name is its GraphQL type name."""
    return to_global_id(type(obj).__name__, obj.id)


@dataclass
class World:
    """A company with HQ and two branches, one person per interesting place, one user per role."""

    units: dict[str, OrgUnit] = field(default_factory=dict)
    people: dict[str, Employee] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    # The plain values of each person's sealed fields (the database holds only ciphertexts).
    id_numbers: dict[str, str] = field(default_factory=dict)
    bank_accounts: dict[str, str] = field(default_factory=dict)


async def add_unit(code: str, type_: OrgUnitType, parent: OrgUnit | None, city: str) -> OrgUnit:
    unit = await OrgUnit.create(
        code=code,
        name=f"{code} unit",
        type=type_,
        city=city,
        parent=parent,
        path="",
        depth=parent.depth + 1 if parent else 0,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await unit.save(update_fields=["path"])
    return unit


def id_number(serial: int) -> str:
    first17 = f"310101199001{serial % 28 + 1:02d}{serial:03d}"
    return first17 + id_number_check_char(first17)


async def add_person(
    world: World, key: str, unit: str, manager: str | None = None, salary: int = 10000
) -> Employee:
    serial = len(world.people) + 1
    number = f"T{serial:04d}"
    world.id_numbers[key] = id_number(serial)
    world.bank_accounts[key] = f"622200000000{serial:04d}"
    employee = await Employee.create(
        employee_number=number,
        name=f"{key} name",
        unit=world.units[unit],
        position=world.positions["REP"],
        manager=world.people[manager] if manager else None,
        status=EmployeeStatus.ACTIVE,
        hire_date=date(2020, 1, 1),
        gender=Gender.FEMALE,
        birth_date=date(1990, 1, 1),
        work_email=f"{key}@example.cn",
        personal_phone=f"1380000{serial:04d}",
        base_salary=Decimal(salary),
        **sealed_columns(
            number, {"id_number": world.id_numbers[key], "bank_account": world.bank_accounts[key]}
        ),
    )
    world.people[key] = employee
    return employee


async def add_user(
    world: World,
    username: str,
    role: Role,
    person: str | None,
    scope: str | None = None,
) -> User:
    user = await User.create(
        username=username,
        password_hash=password_hash(),
        role=role,
        employee=world.people[person] if person else None,
        scope_unit=world.units[scope] if scope else None,
    )
    world.users[username] = user
    return user


async def build_world() -> World:
    """
    ACME (company)
    ├── HQ (branch) ── HQ-HR (department): hq_hr_person, ceo
    ├── SH (branch) ── SH-HR: sh_hr_person
    │               ├─ SH-SALES: sh_sales_head ── SH-SALES-1 (team): sh_rep (user "employee"), sh_rep2
    │               └─ SH-PROD: sh_worker
    └── BJ (branch) ── BJ-HR: bj_hr_person
                    └─ BJ-SALES: bj_rep
    """
    world = World()
    world.positions["REP"] = await Position.create(
        code="REP", title="Sales rep", level="P2", family="sales"
    )
    world.positions["MGR"] = await Position.create(
        code="MGR", title="Manager", level="M2", family="management"
    )
    company = world.units["ACME"] = await add_unit("ACME", OrgUnitType.COMPANY, None, "杭州")
    for code, city in [("HQ", "杭州"), ("SH", "上海"), ("BJ", "北京")]:
        world.units[code] = await add_unit(code, OrgUnitType.BRANCH, company, city)
    for code, parent, city in [
        ("HQ-HR", "HQ", "杭州"),
        ("SH-HR", "SH", "上海"),
        ("SH-SALES", "SH", "上海"),
        ("SH-PROD", "SH", "上海"),
        ("BJ-HR", "BJ", "北京"),
        ("BJ-SALES", "BJ", "北京"),
    ]:
        world.units[code] = await add_unit(code, OrgUnitType.DEPARTMENT, world.units[parent], city)
    world.units["SH-SALES-1"] = await add_unit(
        "SH-SALES-1", OrgUnitType.TEAM, world.units["SH-SALES"], "上海"
    )

    await add_person(world, "ceo", "HQ-HR", salary=60000)
    await add_person(world, "hq_hr_person", "HQ-HR", "ceo")
    await add_person(world, "sh_hr_person", "SH-HR", "ceo")
    await add_person(world, "sh_sales_head", "SH-SALES", "ceo", salary=20000)
    await add_person(world, "sh_rep", "SH-SALES-1", "sh_sales_head", salary=8000)
    await add_person(world, "sh_rep2", "SH-SALES-1", "sh_sales_head", salary=8500)
    await add_person(world, "sh_worker", "SH-PROD", "ceo", salary=6000)
    await add_person(world, "bj_hr_person", "BJ-HR", "ceo")
    await add_person(world, "bj_rep", "BJ-SALES", "ceo", salary=7000)
    world.units["SH-SALES"].manager = world.people["sh_sales_head"]
    await world.units["SH-SALES"].save(update_fields=["manager_id"])

    await add_user(world, "admin", Role.ADMIN, None)
    await add_user(world, "hq_hr", Role.HQ_HR, "hq_hr_person")
    await add_user(world, "branch_hr", Role.BRANCH_HR, "sh_hr_person", "SH")
    await add_user(world, "bj_hr", Role.BRANCH_HR, "bj_hr_person", "BJ")
    await add_user(world, "manager", Role.MANAGER, "sh_sales_head", "SH-SALES")
    await add_user(world, "employee", Role.EMPLOYEE, "sh_rep")
    await add_user(world, "executive", Role.EXECUTIVE, "ceo")
    return world


# Names a spreadsheet would run as formulas (OWASP, "CSV Injection"), for the export tests.
# Names a spreadsheet would run as formulas. A tab or carriage return cannot start a stored name
# (talentloop/inputs.py refuses control characters in names); the writer's own test covers them.
FORMULA_NAMES = ('=HYPERLINK("http://evil.example","x")', "+1+1", "@SUM(1)", "-2+3", "＝1+1")


def assert_formulas_are_text(content: bytes, *values: str) -> None:
    """Every `value` starts a text cell of the XLSX behind an apostrophe; no cell is a formula."""
    book = load_workbook(io.BytesIO(content))
    texts: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    for value in values:
        assert any(t.startswith("'" + value) for t in texts), (value, sorted(texts))
        assert not any(t.startswith(value) for t in texts), value


async def approved_change(api: Api, world: World, mutation: str, given: dict[str, Any]) -> None:
    """A transfer or termination as it happens now (people/lifecycle.py): branch HR asks
    (`mutation`: requestTransfer or requestTermination), the branch's head (the sales head,
    user "manager") and HQ HR approve — whoever holds each stage's task; the change applies at
    once when its day has come."""
    world.units["SH"].manager = world.people["sh_sales_head"]
    await world.units["SH"].save(update_fields=["manager_id"])
    kind = "RequestTransferInput" if mutation == "requestTransfer" else "RequestTerminationInput"
    asked = await api.data(
        f"mutation($i: {kind}!) {{ {mutation}(input: $i) {{ errors {{ field code }} }} }}",
        {"i": given},
        as_=world.users["branch_hr"],
    )
    assert asked[mutation]["errors"] == [], asked
    employee_id = pk_of(given["employeeId"], "Employee")
    request = await ApprovalRequest.filter(employee_id=employee_id).order_by("-id").first()
    assert request is not None
    # Whoever has the open stage's task decides it (the head is left out of their own).
    by_id = {u.id: u for u in world.users.values()}
    while (await ApprovalRequest.get(id=request.id)).status is ApprovalStatus.PENDING:
        task = await ApprovalTask.filter(request_id=request.id, status=TaskStatus.PENDING).first()
        assert task is not None, "a pending request with no one to decide it"
        decided = await api.data(
            "mutation($id: ID!) { decideApproval(id: $id, approve: true) { errors { code } } }",
            {"id": gid(request)},
            as_=by_id[task.approver_id],
        )
        assert decided["decideApproval"]["errors"] == [], decided
