"""History stays put (issue #21 point 3): people count only in the months they were employed,
a closed month keeps its figures, writes into it are refused, only HQ HR reopens it (audited),
and the dashboards are offered the periods that hold data in the viewer's scope."""

from __future__ import annotations

import base64
from datetime import date

from talentloop.audit.models import AuditEntry
from talentloop.people.models import Employee
from talentloop.performance.models import PeriodClose, PeriodSnapshot
from tests.performance.conftest import FEB, JAN, Perf, record, target
from tests.support import Api, add_person, gid

UNIT = """query($u: ID!, $k: ID!) {
  unitKpiSeries(unitId: $u, kpiId: $k, from: "2026-01-01", to: "2026-01-01") {
    points { actual target achievement members }
  }
}"""
BREAKDOWN = """query($u: ID!, $k: ID!) {
  unitKpiBreakdown(unitId: $u, kpiId: $k, period: "2026-01-01") {
    employee { name } point { actual target }
  }
}"""
PERSON = """query($e: ID!, $k: [ID!]) {
  employeeKpis(employeeId: $e, from: "2026-01-01", to: "2026-02-01", kpiIds: $k) {
    points { label actual target }
  }
}"""
CLOSE = """mutation($m: Date!, $u: ID) {
  closePerformancePeriod(input: {month: $m, unitId: $u}) {
    close { unitName closedBy open }
    errors { field code message }
  }
}"""
REOPEN = """mutation($m: Date!, $u: ID, $r: String!) {
  reopenPerformancePeriod(input: {month: $m, unitId: $u, reason: $r}) {
    close { open reopenedBy reopenReason }
    errors { field code message }
  }
}"""
RECORD = """mutation($e: ID!, $k: ID!, $p: Date!) {
  recordPerformance(input: {employeeId: $e, kpiId: $k, period: $p, value: "9"}) {
    record { id }
    errors { field code message }
  }
}"""
SET_TARGET = """mutation($u: ID!, $k: ID!, $p: Date!) {
  setKpiTarget(input: {unitId: $u, kpiId: $k, period: $p, value: "30"}) {
    target { id }
    errors { field code message }
  }
}"""
PERIODS = """query($k: ID) {
  performancePeriods(kpiId: $k) {
    periods { label records complete closes { unitName closedBy open reopenReason } }
    start startReason missedUnitId
  }
}"""
IMPORT = """mutation($content: String!) {
  importData(input: {kind: KPI_RECORDS, fileName: "r.csv", contentBase64: $content, dryRun: true}) {
    job { status errors { row column code message } }
    errors { field code message }
  }
}"""


async def _team_point(api: Api, perf: Perf, viewer: str = "hq_hr") -> dict:  # type: ignore[type-arg]
    data = await api.data(
        UNIT,
        {"u": gid(perf.world.units["SH-SALES-1"]), "k": gid(perf.nc)},
        as_=perf.world.users[viewer],
    )
    point: dict = data["unitKpiSeries"]["points"][0]  # type: ignore[type-arg]
    return point


async def _close(api: Api, perf: Perf, viewer: str, month: str, unit: str | None = None) -> dict:  # type: ignore[type-arg]
    unit_id = gid(perf.world.units[unit]) if unit else None
    data = await api.data(CLOSE, {"m": month, "u": unit_id}, as_=perf.world.users[viewer])
    payload: dict = data["closePerformancePeriod"]  # type: ignore[type-arg]
    return payload


async def _hire(perf: Perf, key: str, hired: date, left: date | None = None) -> Employee:
    person = await add_person(perf.world, key, "SH-SALES-1", "sh_sales_head")
    person.hire_date = hired
    person.termination_date = left
    await person.save(update_fields=["hire_date", "termination_date"])
    return person


async def test_a_later_hire_does_not_change_an_unclosed_month(api: Api, perf: Perf) -> None:
    # Team 1 in January: sh_rep 6 of 8, sh_rep2 12 of her own 12.
    before = await _team_point(api, perf)
    assert before == {"actual": "18", "target": "20", "achievement": "90.00", "members": 2}
    await _hire(perf, "feb_hire", FEB.replace(day=2))
    await _hire(perf, "gone", date(2024, 3, 1), left=date(2025, 12, 31))
    assert await _team_point(api, perf) == before
    # Someone who worked part of January counts for the whole month, with its whole target.
    await _hire(perf, "mid_jan", date(2026, 1, 20))
    await _hire(perf, "left_mid_jan", date(2024, 3, 1), left=date(2026, 1, 10))
    assert await _team_point(api, perf) == {
        "actual": "18",
        "target": "36",
        "achievement": "50.00",
        "members": 4,
    }
    # A person's own series leaves out the months before their hire.
    data = await api.data(
        PERSON,
        {"e": gid(perf.world.people["feb_hire"]), "k": [gid(perf.nc)]},
        as_=perf.world.users["hq_hr"],
    )
    assert data["employeeKpis"][0]["points"] == [
        {"label": "2026-01", "actual": None, "target": None},
        {"label": "2026-02", "actual": None, "target": None},
    ]


async def test_a_closed_month_keeps_its_figures_whatever_happens_after(
    api: Api, perf: Perf
) -> None:
    before = await _team_point(api, perf)
    closed = await _close(api, perf, "hq_hr", "2026-01-01")
    assert closed["errors"] == []
    assert closed["close"] == {"unitName": "ACME unit", "closedBy": "hq_hr", "open": True}
    assert await PeriodSnapshot.filter(period=JAN).count() > 0
    # A backdated hire, a transfer out and a record written behind the API's back.
    await _hire(perf, "backdated", date(2025, 6, 1))
    rep = perf.world.people["sh_rep"]
    rep.unit = perf.world.units["BJ-SALES"]
    await rep.save(update_fields=["unit_id"])
    await record(perf.nc, perf.world.people["sh_rep2"], JAN, "50", "网络")
    assert await _team_point(api, perf) == before
    rows = await api.data(
        BREAKDOWN,
        {"u": gid(perf.world.units["SH-SALES-1"]), "k": gid(perf.nc)},
        as_=perf.world.users["hq_hr"],
    )
    assert sorted(r["employee"]["name"] for r in rows["unitKpiBreakdown"]) == [
        "sh_rep name",
        "sh_rep2 name",
    ]
    # The next month is open and live: the backdated hire counts there.
    await target(perf.nc, FEB, "8", unit=perf.world.units["SH-SALES-1"])
    data = await api.data(
        PERSON,
        {"e": gid(perf.world.people["backdated"]), "k": [gid(perf.nc)]},
        as_=perf.world.users["hq_hr"],
    )
    assert data["employeeKpis"][0]["points"][1] == {
        "label": "2026-02",
        "actual": None,
        "target": "8",
    }


async def test_writes_into_a_closed_month_are_refused_naming_it(api: Api, perf: Perf) -> None:
    assert (await _close(api, perf, "branch_hr", "2026-01-01", "SH"))["errors"] == []
    users, people, units = perf.world.users, perf.world.people, perf.world.units
    locked = {
        "field": "period",
        "code": "LOCKED",
        "message": "2026-01 is closed: its results no longer change.",
    }
    data = await api.data(
        RECORD,
        {"e": gid(people["sh_rep"]), "k": gid(perf.nc), "p": "2026-01-01"},
        as_=users["hq_hr"],
    )
    assert data["recordPerformance"]["errors"] == [locked]
    data = await api.data(
        SET_TARGET,
        {"u": gid(units["SH-SALES"]), "k": gid(perf.nc), "p": "2026-01-01"},
        as_=users["hq_hr"],
    )
    assert data["setKpiTarget"]["errors"] == [locked]
    # A company target reaches the closed branch: refused too; Beijing's own is not.
    data = await api.data(
        SET_TARGET,
        {"u": gid(units["ACME"]), "k": gid(perf.nc), "p": "2026-01-01"},
        as_=users["hq_hr"],
    )
    assert data["setKpiTarget"]["errors"] == [locked]
    data = await api.data(
        SET_TARGET,
        {"u": gid(units["BJ-SALES"]), "k": gid(perf.nc), "p": "2026-01-01"},
        as_=users["hq_hr"],
    )
    assert data["setKpiTarget"]["errors"] == []
    # The next month is open.
    data = await api.data(
        RECORD,
        {"e": gid(people["sh_rep"]), "k": gid(perf.nc), "p": "2026-02-01"},
        as_=users["hq_hr"],
    )
    assert data["recordPerformance"]["errors"] == []
    # An import's row into the closed month is a bad row.
    csv = "employee_number,kpi_code,period,value\n"
    csv += f"{people['sh_rep'].employee_number},NC,2026-01,3\n"
    csv += f"{people['sh_rep'].employee_number},NC,2026-02,3\n"
    csv += f"{people['bj_rep'].employee_number},NC,2026-01,3\n"
    data = await api.data(
        IMPORT, {"content": base64.b64encode(csv.encode()).decode()}, as_=users["hq_hr"]
    )
    assert data["importData"]["job"]["errors"] == [
        {"row": 2, "column": "period", "code": "LOCKED", "message": locked["message"]}
    ]


async def test_who_closes_and_who_reopens(api: Api, perf: Perf) -> None:
    w = perf.world
    forbidden = await _close(api, perf, "branch_hr", "2026-01-01")
    assert [e["code"] for e in forbidden["errors"]] == ["FORBIDDEN"]
    other = await _close(api, perf, "branch_hr", "2026-01-01", "BJ")
    assert [(e["field"], e["code"]) for e in other["errors"]] == [("unitId", "NOT_FOUND")]
    manager = await _close(api, perf, "manager", "2026-01-01", "SH-SALES")
    assert [e["code"] for e in manager["errors"]] == ["FORBIDDEN"]
    this_month = date.today().replace(day=1).isoformat()
    early = await _close(api, perf, "hq_hr", this_month)
    assert [(e["field"], e["code"]) for e in early["errors"]] == [("month", "INVALID")]
    assert (await _close(api, perf, "branch_hr", "2026-01-01", "SH"))["errors"] == []
    again = await _close(api, perf, "branch_hr", "2026-01-01", "SH-SALES")
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("month", "CONFLICT")]
    # Branch HR does not reopen; HQ HR gives a reason.
    data = await api.data(
        REOPEN, {"m": "2026-01-01", "u": gid(w.units["SH"]), "r": "late"}, as_=w.users["branch_hr"]
    )
    assert [e["code"] for e in data["reopenPerformancePeriod"]["errors"]] == ["FORBIDDEN"]
    data = await api.data(
        REOPEN, {"m": "2026-01-01", "u": gid(w.units["SH"]), "r": " "}, as_=w.users["hq_hr"]
    )
    assert [(e["field"], e["code"]) for e in data["reopenPerformancePeriod"]["errors"]] == [
        ("reason", "REQUIRED")
    ]
    data = await api.data(
        REOPEN,
        {"m": "2026-01-01", "u": gid(w.units["SH"]), "r": "A late CRM export"},
        as_=w.users["hq_hr"],
    )
    assert data["reopenPerformancePeriod"] == {
        "close": {"open": False, "reopenedBy": "hq_hr", "reopenReason": "A late CRM export"},
        "errors": [],
    }
    close = await PeriodClose.get()
    entries = await AuditEntry.filter(subject_type="PeriodClose", subject_id=close.id).order_by(
        "id"
    )
    assert [(e.action.value, e.actor_username, e.reason) for e in entries] == [
        ("create", "branch_hr", None),
        ("update", "hq_hr", "A late CRM export"),
    ]
    # Reopened: writes go through again, and the month is read live.
    data = await api.data(
        RECORD,
        {"e": gid(w.people["sh_rep"]), "k": gid(perf.nc), "p": "2026-01-01"},
        as_=w.users["hq_hr"],
    )
    assert data["recordPerformance"]["errors"] == []
    assert (await _team_point(api, perf))["actual"] == "21"


async def test_periods_with_data_in_the_viewers_scope(api: Api, perf: Perf) -> None:
    w = perf.world
    await record(perf.nc, w.people["bj_rep"], date(2026, 3, 1), "2")
    assert (await _close(api, perf, "branch_hr", "2026-01-01", "SH"))["errors"] == []
    hq = (await api.data(PERIODS, {"k": gid(perf.nc)}, as_=w.users["hq_hr"]))["performancePeriods"]
    assert [(p["label"], p["records"], p["complete"]) for p in hq["periods"]] == [
        ("2026-03", 1, False),
        ("2026-01", 5, False),  # Beijing's January is not closed
    ]
    assert hq["periods"][1]["closes"] == [
        {"unitName": "SH unit", "closedBy": "branch_hr", "open": True, "reopenReason": None}
    ]
    assert (hq["start"], hq["startReason"]) == ("2026-03-01", "LATEST_DATA")
    # Shanghai's HR reads no Beijing record: only January, closed for everyone it reads.
    sh = (await api.data(PERIODS, {"k": gid(perf.nc)}, as_=w.users["branch_hr"]))[
        "performancePeriods"
    ]
    assert [(p["label"], p["records"], p["complete"]) for p in sh["periods"]] == [
        ("2026-01", 4, True)
    ]
    assert (sh["start"], sh["startReason"]) == ("2026-01-01", "LATEST_CLOSED")
    bj = (await api.data(PERIODS, {"k": None}, as_=w.users["bj_hr"]))["performancePeriods"]
    assert [p["label"] for p in bj["periods"]] == ["2026-03", "2026-01"]
    assert all(p["closes"] == [] for p in bj["periods"])  # Shanghai's close is not theirs to see
    # An employee reads their own records alone.
    me = (await api.data(PERIODS, {"k": None}, as_=w.users["employee"]))["performancePeriods"]
    assert [(p["label"], p["records"]) for p in me["periods"]] == [("2026-01", 3)]


async def test_a_manager_opens_on_the_latest_month_their_team_missed(api: Api, perf: Perf) -> None:
    w = perf.world
    # February: the team met its target; January (18 + 5 of 30) it missed.
    await target(perf.nc, FEB, "5", unit=w.units["SH-SALES"])
    for person in ("sh_sales_head", "sh_rep", "sh_rep2"):
        await record(perf.nc, w.people[person], FEB, "6")
    data = await api.data(PERIODS, {"k": gid(perf.nc)}, as_=w.users["manager"])
    answer = data["performancePeriods"]
    assert [p["label"] for p in answer["periods"]] == ["2026-02", "2026-01"]
    assert (answer["start"], answer["startReason"], answer["missedUnitId"]) == (
        "2026-01-01",
        "TEAM_MISSED",
        gid(w.units["SH-SALES"]),
    )


async def test_someone_who_moves_out_of_a_closed_branch_counts_once(api: Api, perf: Perf) -> None:
    w = perf.world
    company = """query($u: ID!, $k: ID!) {
      unitKpiSeries(unitId: $u, kpiId: $k, from: "2026-01-01", to: "2026-01-01") {
        points { actual target members }
      }
    }"""
    variables = {"u": gid(w.units["ACME"]), "k": gid(perf.nc)}
    before = (await api.data(company, variables, as_=w.users["hq_hr"]))["unitKpiSeries"]
    assert (await _close(api, perf, "branch_hr", "2026-01-01", "SH"))["errors"] == []
    rep = w.people["sh_rep"]
    rep.unit = w.units["BJ-SALES"]
    await rep.save(update_fields=["unit_id"])
    after = (await api.data(company, variables, as_=w.users["hq_hr"]))["unitKpiSeries"]
    assert after == before
    # Beijing's January does not take him in; his own January is the one Shanghai kept.
    bj = await api.data(
        UNIT, {"u": gid(w.units["BJ-SALES"]), "k": gid(perf.nc)}, as_=w.users["hq_hr"]
    )
    assert bj["unitKpiSeries"]["points"][0]["members"] == 1
    own = await api.data(PERSON, {"e": gid(rep), "k": [gid(perf.nc)]}, as_=w.users["hq_hr"])
    assert own["employeeKpis"][0]["points"][0] == {"label": "2026-01", "actual": "6", "target": "8"}
