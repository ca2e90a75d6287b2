"""Rule sets: per unit with inheritance, per region, and what they make of the same punches."""

from __future__ import annotations

from tests.attendance.conftest import MONTH_QUERY, Branches, day_of, punch
from tests.support import Api, gid

SAVE_RULES = """
mutation ($input: AttendanceRuleSetInput!) {
  saveAttendanceRuleSet(input: $input) { ruleSet { id name unit { code } region graceMinutes }
                                         errors { field code message } }
}
"""
EFFECTIVE = """
query ($unit: ID!) { effectiveAttendanceRuleSet(unitId: $unit) { name graceMinutes } }
"""


async def test_the_same_punches_are_judged_by_the_shanghai_and_the_shenzhen_rules(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    # Monday 2 November 2026: in at 9:10, out at 18:05. Tuesday: in at 9:40, out at 18:00.
    for person in ("sh_rep", "sz_rep"):
        await punch(w.people[person], "2026-11-02", "09:10", "18:05")
        await punch(w.people[person], "2026-11-03", "09:40", "18:00")

    async def month(person: str) -> dict:  # type: ignore[type-arg]
        data = await api.data(
            MONTH_QUERY, {"id": gid(w.people[person]), "month": "2026-11-01"}, as_=w.users["hq_hr"]
        )
        return data["attendanceMonth"]  # type: ignore[no-any-return]

    shanghai, shenzhen = await month("sh_rep"), await month("sz_rep")
    assert shanghai["ruleSet"]["name"] == "上海分公司考勤规则"
    assert shenzhen["ruleSet"]["name"] == "深圳分公司考勤规则"
    # 10 minutes late: beyond Shanghai's 5 minutes of grace, within Shenzhen's 15.
    assert day_of(shanghai, "2026-11-02")["lateMinutes"] == 10
    assert day_of(shenzhen, "2026-11-02")["lateMinutes"] == 0
    # 40 minutes late: late in Shanghai (absent only beyond 60), absent in Shenzhen (beyond 30).
    sh_tue, sz_tue = day_of(shanghai, "2026-11-03"), day_of(shenzhen, "2026-11-03")
    assert (sh_tue["lateMinutes"], sh_tue["absent"]) == (40, False)
    assert (sz_tue["lateMinutes"], sz_tue["absent"]) == (0, True)
    assert shanghai["summary"]["lateCount"] == 2
    assert shenzhen["summary"]["lateCount"] == 0
    # Both worked 9:10–18:05 less the lunch hour on Monday.
    assert day_of(shanghai, "2026-11-02")["workedMinutes"] == 8 * 60 - 5
    assert day_of(shanghai, "2026-11-02")["overtimeWorkdayMinutes"] == 0  # 5 minutes < 30


async def test_a_unit_inherits_its_branch_rules_until_it_has_its_own(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    team = gid(w.units["SH-SALES-1"])
    found = await api.data(EFFECTIVE, {"unit": team}, as_=w.users["branch_hr"])
    assert found["effectiveAttendanceRuleSet"] == {"name": "上海分公司考勤规则", "graceMinutes": 5}

    saved = await api.data(
        SAVE_RULES,
        {
            "input": {
                "name": "销售一组弹性规则",
                "unitId": team,
                "workStart": "10:00:00",
                "workEnd": "19:00:00",
                "breakStart": "12:30:00",
                "breakEnd": "13:30:00",
                "graceMinutes": 20,
            }
        },
        as_=w.users["branch_hr"],
    )
    assert saved["saveAttendanceRuleSet"]["errors"] == []
    found = await api.data(EFFECTIVE, {"unit": team}, as_=w.users["branch_hr"])
    assert found["effectiveAttendanceRuleSet"]["name"] == "销售一组弹性规则"
    # The department above the team keeps the branch's rules.
    found = await api.data(EFFECTIVE, {"unit": gid(w.units["SH-SALES"])}, as_=w.users["branch_hr"])
    assert found["effectiveAttendanceRuleSet"]["name"] == "上海分公司考勤规则"
    # A 9:10 arrival is early for a team that starts at 10:00.
    await punch(w.people["sh_rep"], "2026-11-02", "09:10", "19:00")
    data = await api.data(
        MONTH_QUERY, {"id": gid(w.people["sh_rep"]), "month": "2026-11-01"}, as_=w.users["hq_hr"]
    )
    assert day_of(data["attendanceMonth"], "2026-11-02")["lateMinutes"] == 0


async def test_a_region_rule_set_applies_where_no_unit_has_one_and_hq_hr_sets_it(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    beijing = gid(w.units["BJ-SALES"])
    found = await api.data(EFFECTIVE, {"unit": beijing}, as_=w.users["bj_hr"])
    assert found["effectiveAttendanceRuleSet"] is None  # the built-in 9:00–18:00

    regional = {
        "name": "北京地区",
        "region": "北京",
        "workStart": "08:30:00",
        "workEnd": "17:30:00",
    }
    refused = await api.data(SAVE_RULES, {"input": regional}, as_=w.users["bj_hr"])
    assert refused["saveAttendanceRuleSet"]["errors"][0]["code"] == "FORBIDDEN"
    saved = await api.data(SAVE_RULES, {"input": regional}, as_=w.users["hq_hr"])
    assert saved["saveAttendanceRuleSet"]["ruleSet"]["region"] == "北京"
    found = await api.data(EFFECTIVE, {"unit": beijing}, as_=w.users["bj_hr"])
    assert found["effectiveAttendanceRuleSet"]["name"] == "北京地区"
    # Shanghai keeps its branch rule set: a unit's own beats a region's.
    found = await api.data(EFFECTIVE, {"unit": gid(w.units["SH"])}, as_=w.users["hq_hr"])
    assert found["effectiveAttendanceRuleSet"]["name"] == "上海分公司考勤规则"


async def test_rules_are_set_only_by_hr_of_the_unit_and_must_make_sense(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    rules = {
        "name": "x",
        "unitId": gid(w.units["SH-PROD"]),
        "workStart": "09:00:00",
        "workEnd": "18:00:00",
    }
    for user in ("bj_hr", "manager", "employee"):
        result = await api.data(SAVE_RULES, {"input": rules}, as_=w.users[user])
        codes = {e["code"] for e in result["saveAttendanceRuleSet"]["errors"]}
        assert codes & {"FORBIDDEN", "NOT_FOUND"}, (user, codes)
    bad = {**rules, "workEnd": "08:00:00", "graceMinutes": -1}
    result = await api.data(SAVE_RULES, {"input": bad}, as_=w.users["branch_hr"])
    fields = {e["field"] for e in result["saveAttendanceRuleSet"]["errors"]}
    assert {"workEnd", "graceMinutes"} <= fields
    twice = {**rules, "unitId": gid(w.units["SH"])}
    result = await api.data(SAVE_RULES, {"input": twice}, as_=w.users["branch_hr"])
    assert result["saveAttendanceRuleSet"]["errors"][0]["code"] == "DUPLICATE"
