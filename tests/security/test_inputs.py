"""Every bad input is a typed error, never a masked one (Issue 18, point 11): cursors, ids in
download paths, searches, decimals, over-long strings, dates, invisible characters in names;
the log never carries a huge value; validation stops after MAX_VALIDATION_ERRORS errors.
The rules live in talentloop/inputs.py, talentloop/pagination.py, talentloop/downloads.py
and talentloop/graphql/limits.py."""

from __future__ import annotations

import base64
import logging
from typing import Any

import pytest

from talentloop.graphql.limits import MAX_VALIDATION_ERRORS
from talentloop.inputs import MAX_SEARCH
from talentloop.people.models import Employee
from talentloop.performance.models import Kpi, KpiUnit, PerformanceRecord
from tests.support import Api, World, access_token, gid


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def codes(body: dict[str, Any]) -> list[str | None]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def refused(body: dict[str, Any]) -> None:
    """A request-level error typed as the client's, nothing masked."""
    assert body.get("errors"), body
    assert set(codes(body)) <= {"BAD_USER_INPUT", "INVALID"}, body["errors"]


# --- cursors ------------------------------------------------------------------------------

NEVER_CURSORS = [
    b64("k:" + "x" * 300),  # longer than any key's column
    b64("k:1\x00"),
    b64("x:1"),
    base64.urlsafe_b64encode(b"k:\xff\xfe").decode(),  # not UTF-8
    "%%%",
    "A" * 10_000,
]
NOT_AN_ID = [
    b64("k:" + "9" * 30),  # beyond any integer column (SQLite's int8, PostgreSQL's int4)
    b64("k:2147483648"),  # one past PostgreSQL's integer
    b64("k:-1"),
    b64("k:abc"),
    b64("k:1e5"),
    b64("k: 1"),
    b64("k:长"),
]
ORDERED_BY_TEXT = ["employees", "courses"]


@pytest.mark.parametrize(
    "field", ["employees", "courses", "auditLog", "leaveRequests", "performanceRecords"]
)
async def test_a_crafted_cursor_is_an_invalid_cursor(api: Api, world: World, field: str) -> None:
    query = f"""query($a: String) {{
      {field}(first: 5, after: $a) {{ totalCount edges {{ cursor }} pageInfo {{ endCursor }} }}
    }}"""
    hr = world.users["hq_hr"]
    bad = NEVER_CURSORS + ([] if field in ORDERED_BY_TEXT else NOT_AN_ID)
    for cursor in bad:
        body = await api.run(query, {"a": cursor}, as_=hr)
        refused(body)
        assert body["errors"][0]["message"].endswith("Invalid cursor."), (cursor, body)
    # a cursor the server made still works
    cursor = (await api.data(query, as_=hr))[field]["pageInfo"]["endCursor"]
    if cursor is not None:
        assert "errors" not in await api.run(query, {"a": cursor}, as_=hr)


# --- ids in download paths ----------------------------------------------------------------

DOWNLOADS = [
    "/reports/{}",
    "/archive/{}",
    "/exports/{}",
    "/recruitment/resume/{}",
    "/payroll/runs/{}/bank.xlsx",
    "/payroll/runs/{}/tax.xlsx",
]


@pytest.mark.parametrize("route", DOWNLOADS)
async def test_an_id_outside_the_column_is_a_missing_record(
    api: Api, world: World, route: str
) -> None:
    headers = {"Authorization": f"Bearer {await access_token(world.users['hq_hr'])}"}
    for pk in (0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, "0" * 30 + "1"):
        response = await api.http.get(route.format(pk), headers=headers)
        assert response.status_code == 404, (pk, response.status_code, response.text)


# --- searches -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["employees", "courses"])
async def test_a_search_over_the_limit_is_refused(api: Api, world: World, field: str) -> None:
    query = f"query($s: String) {{ {field}(first: 5, filter: {{search: $s}}) {{ totalCount }} }}"
    hr = world.users["hq_hr"]
    assert "errors" not in await api.run(query, {"s": "长" * MAX_SEARCH}, as_=hr)
    body = await api.run(query, {"s": "长" * (MAX_SEARCH + 1)}, as_=hr)
    refused(body)
    assert f"at most {MAX_SEARCH} characters" in body["errors"][0]["message"]


# --- decimals, dates ----------------------------------------------------------------------

UPDATE_EMPLOYEE = """mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { name } errors { field message code } }
}"""


async def change_sh_rep(api: Api, world: World, **values: Any) -> dict[str, Any]:
    """updateEmployee of sh_rep by HQ HR: the whole body."""
    variables = {"input": {"id": gid(world.people["sh_rep"]), **values}}
    return await api.run(UPDATE_EMPLOYEE, variables, as_=world.users["hq_hr"])


@pytest.mark.parametrize("value", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "1e30", 1e30])
async def test_a_decimal_no_column_holds_is_refused(api: Api, world: World, value: Any) -> None:
    person = world.people["sh_rep"]
    body = await change_sh_rep(api, world, baseSalary=value)
    refused(body)
    assert (await Employee.get(id=person.id)).base_salary == person.base_salary


async def test_a_decimal_beyond_its_columns_digits_names_the_field(api: Api, world: World) -> None:
    # base_salary is NUMERIC(12, 2): ten whole digits (the service also bounds a salary).
    person = world.people["sh_rep"]
    data = (await change_sh_rep(api, world, baseSalary="10000000000"))["data"]
    assert data["updateEmployee"]["employee"] is None
    [error] = data["updateEmployee"]["errors"]
    assert (error["field"], error["code"]) == ("baseSalary", "INVALID")
    assert (await Employee.get(id=person.id)).base_salary == person.base_salary
    ok = await change_sh_rep(api, world, baseSalary="9999999999.99")
    assert ok["data"]["updateEmployee"]["errors"] == []


RECORD_PERFORMANCE = """mutation($input: RecordPerformanceInput!) {
  recordPerformance(input: $input) { record { value } errors { field message code } }
}"""


async def kpi_value(world: World, period: str, value: str) -> dict[str, Any]:
    """Variables of recordPerformance for a new KPI."""
    kpi = await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    employee = gid(world.people["sh_rep"])
    return {"input": {"employeeId": employee, "kpiId": gid(kpi), "period": period, "value": value}}


async def test_a_kpi_value_beyond_its_columns_digits_names_the_field(
    api: Api, world: World
) -> None:
    # PerformanceRecord.value is NUMERIC(16, 4): twelve whole digits. PostgreSQL refused 1e12
    # in SQL (masked); SQLite stored it.
    variables = await kpi_value(world, "2025-03-01", "1000000000000")
    data = await api.data(RECORD_PERFORMANCE, variables, as_=world.users["hq_hr"])
    [error] = data["recordPerformance"]["errors"]
    assert (error["field"], error["code"]) == ("value", "INVALID")
    assert not await PerformanceRecord.exists()
    variables["input"]["value"] = "999999999999.9999"
    data = await api.data(RECORD_PERFORMANCE, variables, as_=world.users["hq_hr"])
    assert data["recordPerformance"]["errors"] == []


@pytest.mark.parametrize("birth_date", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
async def test_a_date_outside_1900_to_2100_is_refused(
    api: Api, world: World, birth_date: str
) -> None:
    person = world.people["sh_rep"]
    body = await change_sh_rep(api, world, birthDate=birth_date)
    refused(body)
    assert "1900 to 2100" in body["errors"][0]["message"]
    assert str((await Employee.get(id=person.id)).birth_date) == "1990-01-01"


@pytest.mark.parametrize("period", ["0001-01-01", "2099-12-01"])
async def test_a_kpi_period_far_out_of_range_is_refused(
    api: Api, world: World, period: str
) -> None:
    variables = await kpi_value(world, period, "3")
    body = await api.run(RECORD_PERFORMANCE, variables, as_=world.users["hq_hr"])
    if "errors" in body:
        refused(body)
    else:
        [error] = body["data"]["recordPerformance"]["errors"]
        assert (error["field"], error["code"]) == ("period", "INVALID")
    assert not await PerformanceRecord.exists()


# --- strings over their column ------------------------------------------------------------

CREATE_UNIT = """mutation($input: CreateOrgUnitInput!) {
  createOrgUnit(input: $input) { orgUnit { name } errors { field message code } }
}"""
ADD_CONTACT = """mutation($input: AddEmergencyContactInput!) {
  addEmergencyContact(input: $input) { ok errors { field message code } }
}"""


def unit_input(world: World, **values: str) -> dict[str, Any]:
    base = {"parentId": gid(world.units["SH-SALES"]), "code": "NEW", "name": "New", "type": "TEAM"}
    return {"input": {**base, **values}}


@pytest.mark.parametrize(
    ("mutation", "make", "field"),
    [
        (CREATE_UNIT, lambda w: unit_input(w, name="长" * 256), "name"),
        (CREATE_UNIT, lambda w: unit_input(w, city="x" * 1000), "city"),
        (
            UPDATE_EMPLOYEE,
            lambda w: {"input": {"id": gid(w.people["sh_rep"]), "name": "x" * 65}},
            "name",
        ),
        (
            ADD_CONTACT,
            lambda w: {
                "input": {
                    "employeeId": gid(w.people["sh_rep"]),
                    "name": "x" * 100_000,
                    "relationship": "母亲",
                    "phone": "13800000000",
                }
            },
            "name",
        ),
        (
            ADD_CONTACT,
            lambda w: {
                "input": {
                    "employeeId": gid(w.people["sh_rep"]),
                    "name": "王芳",
                    "relationship": "母亲" * 40,
                    "phone": "13800000000",
                }
            },
            "relationship",
        ),
    ],
    ids=["unit name", "unit city", "employee name", "contact name", "contact relationship"],
)
async def test_a_string_over_its_column_is_a_typed_error_naming_the_field(
    api: Api, world: World, mutation: str, make: Any, field: str
) -> None:
    data = await api.data(mutation, make(world), as_=world.users["hq_hr"])
    [payload] = data.values()
    errors = payload["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, "INVALID")], errors
    assert "at most" in errors[0]["message"].lower()


# --- invisible characters -----------------------------------------------------------------


@pytest.mark.parametrize("hidden", ["\u200b", "\u200c", "\u200d", "\u200e", "\ufeff", "\u00ad"])
async def test_a_name_with_invisible_characters_is_refused(
    api: Api, world: World, hidden: str
) -> None:
    person = world.people["sh_rep"]
    errors = (await change_sh_rep(api, world, name=f"张{hidden}三"))["data"]["updateEmployee"][
        "errors"
    ]
    assert [(e["field"], e["code"]) for e in errors] == [("name", "INVALID")]
    assert (await Employee.get(id=person.id)).name == "sh_rep name"
    data = await api.data(
        CREATE_UNIT, unit_input(world, name=f"A{hidden}B"), as_=world.users["hq_hr"]
    )
    assert [e["field"] for e in data["createOrgUnit"]["errors"]] == ["name"]


@pytest.mark.parametrize("override", ["\u202e", "\u202a", "\u2066", "\u2069"])
async def test_a_bidi_override_is_refused_in_any_text(
    api: Api, world: World, override: str
) -> None:
    person = world.people["sh_rep"]
    body = await api.run(
        ADD_CONTACT,
        {
            "input": {
                "employeeId": gid(person),
                "name": "王芳",
                "relationship": f"母亲{override}gpj.exe",
                "phone": "13800000000",
            }
        },
        as_=world.users["hq_hr"],
    )
    refused(body)


async def test_free_text_keeps_chinese_and_emoji_sequences(api: Api, world: World) -> None:
    data = await api.data(
        CREATE_UNIT,
        unit_input(world, name="华东销售一部", city="上海 👩‍👩‍👧‍👦"),
        as_=world.users["hq_hr"],
    )
    assert data["createOrgUnit"]["errors"] == []


# --- logs ---------------------------------------------------------------------------------


async def test_the_log_never_carries_a_megabyte_value(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from talentloop.org import service

    huge = "x" * 1_000_000

    async def broken(_viewer: object) -> list[object]:
        raise RuntimeError(f"bad value {huge}")

    monkeypatch.setattr(service, "list_units", broken)
    with caplog.at_level(logging.DEBUG, logger="talentloop.graphql"):
        body = await api.run("{ orgUnits { id } }", as_=world.users["hq_hr"])
        await api.run('{ employees(filter: {search: "' + huge[:200_000] + '"}) { totalCount } }')
    assert codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert "bad value xxx" in caplog.text  # the error is logged, its value clipped
    assert len(caplog.text) < 20_000
    for record in caplog.records:
        assert len(record.getMessage()) < 5_000


# --- validation errors ----------------------------------------------------------------------


async def test_validation_stops_after_the_cap(api: Api, world: World) -> None:
    directives = " ".join(f"@unknown{i}" for i in range(60))
    body = await api.run(f"{{ me {directives} {{ role }} }}", as_=world.users["hq_hr"])
    errors = body["errors"]
    assert len(errors) == MAX_VALIDATION_ERRORS + 1
    assert "Too many validation errors" in errors[-1]["message"]
