"""Time is local (issue 21 point 4): a session entered at 09:00 in Shanghai is stored at 01:00
UTC and reads 09:00 in every language; a branch elsewhere names its zone; only HQ HR sets one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talentloop.audit.models import AuditEntry
from talentloop.training.models import CourseSession
from tests.support import Api, gid
from tests.training.conftest import Library, sessions_in_two_cities

ADD = """mutation($input: AddCourseSessionInput!) {
  addCourseSession(input: $input) {
    session { id startsAt endsAt timeZone schedule } errors { field code }
  }
}"""
MOVE = """mutation($input: UpdateCourseSessionInput!) {
  updateCourseSession(input: $input) {
    session { startsAt endsAt timeZone } errors { field code }
  }
}"""
SET_ZONE = """mutation($id: ID!, $zone: String) {
  updateOrgUnit(input: {id: $id, timeZone: $zone}) {
    orgUnit { timeZone ownTimeZone } errors { field code }
  }
}"""
UNIT = """query($id: ID!) { orgUnit(id: $id) { timeZone ownTimeZone } }"""
SESSION = """query($id: ID!) { node(id: $id) { ... on CourseSession {
  startsAt endsAt timeZone schedule
} } }"""
NEXT = """query($e: ID!) {
  recommendedCourses(employeeId: $e) { course { code } nextSession { place } }
}"""

DAY = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()


def _add(library: Library, **extra: object) -> dict[str, object]:
    return {
        "courseId": gid(library.questions),
        "startsAt": f"{DAY}T09:00:00",
        "endsAt": f"{DAY}T17:00:00",
        "place": "上海培训中心 301",
        "capacity": 20,
        **extra,
    }


async def _in(api: Api, language: str, query: str, variables: dict[str, object], user) -> dict:  # type: ignore[no-untyped-def]
    response = await api.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={
            "Authorization": f"Bearer {await api.token(user)}",
            "Accept-Language": language,
        },
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def test_a_session_at_nine_in_shanghai_is_stored_at_one_utc_and_reads_nine_in_both_languages(
    api: Api, library: Library
) -> None:
    w = library.world
    added = await api.data(
        ADD, {"input": _add(library, unitId=gid(w.units["SH"]))}, as_=w.users["hq_hr"]
    )
    assert added["addCourseSession"]["errors"] == []
    session = added["addCourseSession"]["session"]
    stored = await CourseSession.filter(place="上海培训中心 301").get()
    assert stored.starts_at.astimezone(UTC).strftime("%H:%M") == "01:00"
    assert stored.ends_at.astimezone(UTC).strftime("%H:%M") == "09:00"
    assert stored.time_zone is None  # the unit's zone, not copied
    assert session["timeZone"] == "Asia/Shanghai"
    assert session["startsAt"] == f"{DAY}T09:00:00+08:00"
    assert session["endsAt"] == f"{DAY}T17:00:00+08:00"
    for language in ("zh-CN", "en"):
        read = await _in(api, language, SESSION, {"id": session["id"]}, w.users["employee"])
        assert read["node"]["startsAt"] == f"{DAY}T09:00:00+08:00"
        assert read["node"]["schedule"].endswith("09:00–17:00"), read["node"]["schedule"]
    chinese = await _in(api, "zh-CN", SESSION, {"id": session["id"]}, w.users["employee"])
    assert "年" in chinese["node"]["schedule"]
    # an instant sent with its offset stays that instant
    exact = await api.data(
        ADD,
        {"input": _add(library, startsAt=f"{DAY}T02:00:00+00:00", endsAt=f"{DAY}T03:00:00Z")},
        as_=w.users["hq_hr"],
    )
    assert exact["addCourseSession"]["session"]["startsAt"] == f"{DAY}T10:00:00+08:00"


async def test_a_branch_elsewhere_names_its_zone_and_its_subtree_and_sessions_follow(
    api: Api, library: Library
) -> None:
    w = library.world
    hq_hr = w.users["hq_hr"]
    set_bj = await api.data(
        SET_ZONE, {"id": gid(w.units["BJ"]), "zone": " Europe/Berlin "}, as_=hq_hr
    )
    assert set_bj["updateOrgUnit"] == {
        "orgUnit": {"timeZone": "Europe/Berlin", "ownTimeZone": "Europe/Berlin"},
        "errors": [],
    }
    below = await api.data(UNIT, {"id": gid(w.units["BJ-SALES"])}, as_=hq_hr)
    assert below["orgUnit"] == {"timeZone": "Europe/Berlin", "ownTimeZone": None}
    other = await api.data(UNIT, {"id": gid(w.units["SH"])}, as_=hq_hr)
    assert other["orgUnit"]["timeZone"] == "Asia/Shanghai"
    added = await api.data(
        ADD, {"input": _add(library, unitId=gid(w.units["BJ-SALES"]))}, as_=hq_hr
    )
    session = added["addCourseSession"]["session"]
    assert session["timeZone"] == "Europe/Berlin"
    assert session["startsAt"].startswith(f"{DAY}T09:00:00")
    stored = await CourseSession.filter(unit_id=w.units["BJ-SALES"].id).get()
    offset = datetime.fromisoformat(session["startsAt"]).utcoffset()
    assert (
        stored.starts_at == datetime.fromisoformat(f"{DAY}T09:00:00").replace(tzinfo=UTC) - offset
    )  # type: ignore[operator]
    # moved with a wall-clock time: read in the session's zone again
    moved = await api.data(
        MOVE,
        {
            "input": {
                "id": session["id"],
                "startsAt": f"{DAY}T10:00:00",
                "endsAt": f"{DAY}T12:00:00",
                "place": "Berlin",
                "capacity": 20,
            }
        },
        as_=hq_hr,
    )
    assert moved["updateCourseSession"]["errors"] == []
    assert moved["updateCourseSession"]["session"]["startsAt"].startswith(f"{DAY}T10:00:00")
    # an explicit zone on the session wins over its unit's
    named = await api.data(
        ADD, {"input": _add(library, timeZone="Asia/Tokyo", place="东京")}, as_=hq_hr
    )
    assert named["addCourseSession"]["session"]["timeZone"] == "Asia/Tokyo"
    assert named["addCourseSession"]["session"]["startsAt"] == f"{DAY}T09:00:00+09:00"
    # cleared: inherited again
    cleared = await api.data(SET_ZONE, {"id": gid(w.units["BJ"]), "zone": None}, as_=hq_hr)
    assert cleared["updateOrgUnit"]["orgUnit"]["timeZone"] == "Asia/Shanghai"


async def test_the_company_zone_is_the_roots_and_only_hq_hr_sets_a_zone(
    api: Api, library: Library
) -> None:
    w = library.world
    me = "{ me { companyTimeZone } }"
    assert (await api.data(me, as_=w.users["employee"]))["me"]["companyTimeZone"] == "Asia/Shanghai"
    refused = await api.data(
        SET_ZONE, {"id": gid(w.units["SH"]), "zone": "Asia/Tokyo"}, as_=w.users["branch_hr"]
    )
    assert refused["updateOrgUnit"]["errors"] == [{"field": "timeZone", "code": "FORBIDDEN"}]
    bad = await api.data(
        SET_ZONE, {"id": gid(w.units["ACME"]), "zone": "Mars/Olympus"}, as_=w.users["hq_hr"]
    )
    assert bad["updateOrgUnit"]["errors"] == [{"field": "timeZone", "code": "INVALID"}]
    bad_session = await api.data(
        ADD, {"input": _add(library, timeZone="UTC+8")}, as_=w.users["hq_hr"]
    )
    assert bad_session["addCourseSession"]["errors"] == [{"field": "timeZone", "code": "INVALID"}]
    done = await api.data(
        SET_ZONE, {"id": gid(w.units["ACME"]), "zone": "Asia/Urumqi"}, as_=w.users["hq_hr"]
    )
    assert done["updateOrgUnit"]["errors"] == []
    assert (await api.data(me, as_=w.users["employee"]))["me"]["companyTimeZone"] == "Asia/Urumqi"
    entry = await AuditEntry.filter(subject_type="OrgUnit", subject_id=w.units["ACME"].id).get()
    assert (entry.before, entry.after) == ({"timeZone": None}, {"timeZone": "Asia/Urumqi"})
    # a company-wide session (no unit) is in the company's zone
    added = await api.data(ADD, {"input": _add(library)}, as_=w.users["hq_hr"])
    assert added["addCourseSession"]["session"]["startsAt"] == f"{DAY}T09:00:00+06:00"


async def test_the_next_session_recommended_is_in_the_learners_city_first(
    api: Api, library: Library
) -> None:
    from tests.training.conftest import set_score

    w = library.world
    fw = library.fw
    await set_score(fw, "sh_rep", fw.cna, "1")
    # the fixture's session (no unit) comes first in time; Beijing's next; Shanghai's last
    await sessions_in_two_cities(library, "上海培训中心")
    picked = await api.data(NEXT, {"e": gid(w.people["sh_rep"])}, as_=w.users["manager"])
    by_code = {r["course"]["code"]: r["nextSession"] for r in picked["recommendedCourses"]}
    assert by_code["Q1"] == {"place": "上海培训中心"}  # sh_rep's team sits in 上海
    # a learner in Beijing gets Beijing's
    await set_score(fw, "bj_rep", fw.cna, "1")
    theirs = await api.data(NEXT, {"e": gid(w.people["bj_rep"])}, as_=w.users["hq_hr"])
    by_code = {r["course"]["code"]: r["nextSession"] for r in theirs["recommendedCourses"]}
    assert by_code["Q1"] == {"place": "北京分公司"}
