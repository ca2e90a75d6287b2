"""What the KPI, target and trigger-rule screens need beyond the original API: where a person's
target comes from, a KPI edited, a rule changed or switched off, a manager entering a result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentloop.audit.models import AuditEntry
from talentloop.people.models import Employee
from talentloop.performance.models import AssessmentRequest, Kpi, PerformanceRecord, TriggerRule
from tests.performance.conftest import JAN, Perf, record, target
from tests.support import Api, gid

SOURCES = """query($e: ID!, $d: Date!) { employeeKpiTargets(employeeId: $e, day: $d) {
  kpi { code } period value setValue source fromUnit { code }
} }"""


def by_kpi(answer: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {row["kpi"]["code"]: row for row in answer["employeeKpiTargets"]}


async def test_a_persons_targets_name_where_they_come_from(api: Api, perf: Perf) -> None:
    w = perf.world
    # sh_rep2 has her own NC target; sh_rep inherits the team's (SH-SALES-1), CR from the
    # department above it (SH-SALES), and CHURN from the company (ACME) for February.
    await target(perf.churn, date(2026, 2, 1), "3", unit=w.units["ACME"])
    hr = w.users["hq_hr"]
    rep2 = by_kpi(
        await api.data(SOURCES, {"e": gid(w.people["sh_rep2"]), "d": "2026-01-17"}, as_=hr)
    )
    assert rep2["NC"] == {
        "kpi": {"code": "NC"},
        "period": "2026-01-01",
        "value": "12",
        "setValue": "12",
        "source": "OWN",
        "fromUnit": None,
    }
    rep = by_kpi(await api.data(SOURCES, {"e": gid(w.people["sh_rep"]), "d": "2026-01-01"}, as_=hr))
    assert (rep["NC"]["source"], rep["NC"]["fromUnit"], rep["NC"]["value"]) == (
        "UNIT",
        {"code": "SH-SALES-1"},
        "8",
    )
    assert (rep["CR"]["source"], rep["CR"]["fromUnit"]) == ("PARENT_UNIT", {"code": "SH-SALES"})
    feb = by_kpi(await api.data(SOURCES, {"e": gid(w.people["sh_rep"]), "d": "2026-02-09"}, as_=hr))
    assert (feb["CHURN"]["source"], feb["CHURN"]["fromUnit"], feb["CHURN"]["value"]) == (
        "COMPANY",
        {"code": "ACME"},
        "3",
    )
    assert (feb["NC"]["source"], feb["NC"]["value"], feb["NC"]["fromUnit"]) == ("NONE", None, None)


async def test_the_source_names_the_number_the_dashboards_use(api: Api, perf: Perf) -> None:
    """An adjustment changes the value, not where the target comes from."""
    from talentloop.performance.service import apply_target_adjustment

    w = perf.world
    rep = w.people["sh_rep"]
    await apply_target_adjustment(
        kpi_id=perf.nc.id,
        employee_id=rep.id,
        period=JAN,
        percent=Decimal(-25),
        reason="培训",
        source="t:1",
    )
    got = by_kpi(await api.data(SOURCES, {"e": gid(rep), "d": "2026-01-01"}, as_=w.users["hq_hr"]))
    assert (got["NC"]["value"], got["NC"]["setValue"], got["NC"]["source"]) == ("6", "8", "UNIT")


async def test_a_persons_targets_are_read_where_their_performance_is(api: Api, perf: Perf) -> None:
    w = perf.world
    asked = {"e": gid(w.people["sh_rep"]), "d": "2026-01-01"}
    assert (await api.data(SOURCES, asked, as_=w.users["bj_hr"]))["employeeKpiTargets"] == []
    assert len((await api.data(SOURCES, asked, as_=w.users["manager"]))["employeeKpiTargets"]) == 3
    assert len((await api.data(SOURCES, asked, as_=w.users["employee"]))["employeeKpiTargets"]) == 3


RECORD = """mutation($e: ID!, $k: ID!, $v: Decimal!) {
  recordPerformance(input: {employeeId: $e, kpiId: $k, period: "2026-02-01", value: $v}) {
    record { value } errors { field code }
  }
}"""


async def test_a_manager_records_their_teams_results_but_not_their_own(
    api: Api, perf: Perf
) -> None:
    w = perf.world
    manager = w.users["manager"]  # sh_sales_head, manager of SH-SALES
    done = await api.data(
        RECORD, {"e": gid(w.people["sh_rep"]), "k": gid(perf.nc), "v": "9"}, as_=manager
    )
    assert done["recordPerformance"] == {"record": {"value": "9"}, "errors": []}
    assert (
        await PerformanceRecord.filter(employee=w.people["sh_rep"], period=date(2026, 2, 1)).count()
        == 1
    )
    own = await api.data(
        RECORD, {"e": gid(w.people["sh_sales_head"]), "k": gid(perf.nc), "v": "99"}, as_=manager
    )
    assert [e["code"] for e in own["recordPerformance"]["errors"]] == ["SELF_DEALING"]
    # Outside the subtree the person is not there at all; an employee records nothing.
    away = await api.data(
        RECORD, {"e": gid(w.people["bj_rep"]), "k": gid(perf.nc), "v": "1"}, as_=manager
    )
    assert [e["code"] for e in away["recordPerformance"]["errors"]] == ["NOT_FOUND"]
    peer = await api.data(
        RECORD,
        {"e": gid(w.people["sh_rep2"]), "k": gid(perf.nc), "v": "1"},
        as_=w.users["employee"],
    )
    assert peer["recordPerformance"]["record"] is None


UPDATE_KPI = """mutation($id: ID!, $name: String!) {
  updateKpi(input: {id: $id, name: $name, direction: LOWER_IS_BETTER, aggregation: AVERAGE, description: "看板"}) {
    kpi { code name direction aggregation description unit } errors { field code }
  }
}"""


async def test_hq_hr_edits_a_kpi_and_the_change_is_audited(api: Api, perf: Perf) -> None:
    w = perf.world
    done = await api.data(UPDATE_KPI, {"id": gid(perf.nc), "name": " 新客 "}, as_=w.users["hq_hr"])
    assert done["updateKpi"] == {
        "kpi": {
            "code": "NC",
            "name": "新客",
            "direction": "LOWER_IS_BETTER",
            "aggregation": "AVERAGE",
            "description": "看板",
            "unit": "COUNT",
        },
        "errors": [],
    }
    changed = await AuditEntry.filter(subject_type="Kpi", subject_id=perf.nc.id).values_list(
        "field", flat=True
    )
    assert sorted(changed) == ["aggregation", "description", "direction", "name"]
    blank = await api.data(UPDATE_KPI, {"id": gid(perf.nc), "name": " "}, as_=w.users["hq_hr"])
    assert blank["updateKpi"]["errors"] == [{"field": "name", "code": "REQUIRED"}]
    refused = await api.data(
        UPDATE_KPI, {"id": gid(perf.nc), "name": "x"}, as_=w.users["branch_hr"]
    )
    assert [e["code"] for e in refused["updateKpi"]["errors"]] == ["FORBIDDEN"]
    assert (await Kpi.get(id=perf.nc.id)).name == "新客"


CREATE_RULE = """mutation($k: ID!, $u: ID) {
  createTriggerRule(input: {name: "NC < 80%", kpiId: $k, thresholdPercent: "80", periods: 1, unitId: $u}) {
    rule { id } errors { field code }
  }
}"""
UPDATE_RULE = """mutation($id: ID!, $t: Decimal!, $n: Int!, $on: Boolean!) {
  updateTriggerRule(input: {id: $id, name: "NC < x", thresholdPercent: $t, periods: $n, isActive: $on}) {
    rule { name thresholdPercent periods isActive kpi { code } unit { code } } errors { field code }
  }
}"""


async def test_a_rule_is_changed_and_switched_off_where_it_could_be_added(
    api: Api, perf: Perf
) -> None:
    w = perf.world
    made = await api.data(
        CREATE_RULE, {"k": gid(perf.nc), "u": gid(w.units["SH-SALES"])}, as_=w.users["branch_hr"]
    )
    rule_id = made["createTriggerRule"]["rule"]["id"]
    rule = await TriggerRule.get(name="NC < 80%")
    assert await AuditEntry.filter(subject_type="TriggerRule", subject_id=rule.id).count() == 1

    off = {"id": rule_id, "t": "50", "n": 2, "on": False}
    done = await api.data(UPDATE_RULE, off, as_=w.users["branch_hr"])
    assert done["updateTriggerRule"] == {
        "rule": {
            "name": "NC < x",
            "thresholdPercent": "50.00",
            "periods": 2,
            "isActive": False,
            "kpi": {"code": "NC"},
            "unit": {"code": "SH-SALES"},
        },
        "errors": [],
    }
    fields = await AuditEntry.filter(
        subject_type="TriggerRule", subject_id=rule.id, field__not_isnull=True
    ).values_list("field", flat=True)
    assert sorted(fields) == ["isActive", "name", "periods", "thresholdPercent"]
    # Switched off, a new miss raises nothing.
    before = await AssessmentRequest.filter(rule_id=rule.id).count()
    await record(perf.nc, w.people["sh_rep"], date(2026, 2, 1), "0")
    await target(perf.nc, date(2026, 2, 1), "8", unit=w.units["SH-SALES-1"])
    await api.data(
        RECORD, {"e": gid(w.people["sh_rep"]), "k": gid(perf.nc), "v": "0"}, as_=w.users["hq_hr"]
    )
    assert await AssessmentRequest.filter(rule_id=rule.id).count() == before

    # Beijing's HR does not see the Shanghai rule; bad input lands on its field.
    away = await api.data(UPDATE_RULE, off, as_=w.users["bj_hr"])
    assert [e["code"] for e in away["updateTriggerRule"]["errors"]] == ["NOT_FOUND"]
    bad = await api.data(UPDATE_RULE, {**off, "t": "0", "n": 30}, as_=w.users["branch_hr"])
    assert sorted(e["field"] for e in bad["updateTriggerRule"]["errors"]) == [
        "periods",
        "thresholdPercent",
    ]


async def test_a_company_wide_rule_is_hq_hrs_to_change(api: Api, perf: Perf) -> None:
    w = perf.world
    made = await api.data(CREATE_RULE, {"k": gid(perf.nc), "u": None}, as_=w.users["hq_hr"])
    rule_id = made["createTriggerRule"]["rule"]["id"]
    on = {"id": rule_id, "t": "70", "n": 1, "on": True}
    refused = await api.data(UPDATE_RULE, on, as_=w.users["branch_hr"])
    assert [e["code"] for e in refused["updateTriggerRule"]["errors"]] == ["FORBIDDEN"]
    done = await api.data(UPDATE_RULE, on, as_=w.users["hq_hr"])
    assert done["updateTriggerRule"]["rule"]["thresholdPercent"] == "70.00"
    assert done["updateTriggerRule"]["rule"]["unit"] is None


async def test_no_target_is_shown_for_a_month_before_the_hire(api: Api, perf: Perf) -> None:
    """The unit's target is inherited only for months the person was employed in, as the
    rollups count them (a December hire answers for nothing in October)."""
    w = perf.world
    rep = w.people["sh_rep"]
    asked = {"e": gid(rep), "d": "2026-01-09"}
    hr = w.users["hq_hr"]
    before = by_kpi(await api.data(SOURCES, asked, as_=hr))
    assert (before["NC"]["source"], before["NC"]["value"]) == ("UNIT", "8")
    await Employee.filter(id=rep.id).update(hire_date=date(2026, 2, 3))
    after = by_kpi(await api.data(SOURCES, asked, as_=hr))
    assert (after["NC"]["source"], after["NC"]["value"], after["NC"]["setValue"]) == (
        "NONE",
        None,
        None,
    )
