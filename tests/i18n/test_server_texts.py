"""The texts the server still wrote in English inside a Chinese interface (issue 20, point 3):
graphql-core's own errors, a background job's failure, a rehire's "Previous period" note."""

from __future__ import annotations

from typing import Any

from talentloop.jobs.queue import STOPPED
from talentloop.jobs.worker import FAILED
from talentloop.privacy import exports
from talentloop.privacy.models import ExportStatus, SensitiveExport
from tests.records.test_rehire import REHIRE, _former
from tests.support import Api, World, gid

BAD_LITERAL = 'query { employees(first: "ten") { totalCount } }'
BAD_DATE = """
mutation ($input: RequestLeaveInput!) { requestLeave(input: $input) { errors { message } } }
"""
NO_SUCH_FIELD = "query { employeez { totalCount } }"
EVENTS = """query($id: ID!) {
  employeeTimeline(employeeId: $id) { event { kind note } }
}"""
MINE = "{ mySensitiveExports { error } }"


def _speaking(api: Api, accept_language: str) -> None:
    api.http.headers["Accept-Language"] = accept_language


async def _messages(api: Api, world: World, query: str, variables: Any = None) -> list[str]:
    body = await api.run(query, variables, as_=world.users["hq_hr"])
    return [e["message"] for e in body["errors"]]


async def test_a_bad_argument_reads_in_chinese_and_stays_graphql_cores_english_in_english(
    api: Api, world: World
) -> None:
    _speaking(api, "zh-CN")
    assert await _messages(api, world, BAD_LITERAL) == ['不是整数："ten"']
    _speaking(api, "en")
    assert await _messages(api, world, BAD_LITERAL) == [
        'Int cannot represent non-integer value: "ten"'
    ]


async def test_a_variable_that_does_not_coerce_names_its_place_in_chinese(
    api: Api, world: World
) -> None:
    _speaking(api, "zh-CN")
    leave = {
        "leaveType": "PERSONAL",
        "startDate": "2026-13-01",
        "endDate": "2026-12-01",
    }
    assert await _messages(api, world, BAD_DATE, {"input": leave}) == [
        '变量 $input 的 .startDate 无效：不是有效的 Date："2026-13-01"。'
    ]
    missing = {"leaveType": "PERSONAL", "startDate": "2026-12-01"}
    assert await _messages(api, world, BAD_DATE, {"input": missing}) == [
        "变量 $input 的值无效：类型 RequestLeaveInput 缺少必填字段“endDate”，收到："
        "{'leaveType': 'PERSONAL', 'startDate': '2026-12-01'}。"
    ]


async def test_a_field_that_does_not_exist_is_named_in_chinese_with_its_suggestions(
    api: Api, world: World
) -> None:
    _speaking(api, "zh-CN")
    [message] = await _messages(api, world, NO_SUCH_FIELD)
    assert message.startswith("类型 Query 上没有字段“employeez”。 是否想用 'employee'")
    anonymous = await api.run(NO_SUCH_FIELD)  # no suggestions that would map the schema
    assert [e["message"] for e in anonymous["errors"]] == ["类型 Query 上没有字段“employeez”。"]


async def test_a_rehires_previous_period_note_reads_in_the_viewers_language(
    api: Api, world: World
) -> None:
    former = await _former(world)
    asked = {
        "employeeId": gid(former),
        "hireDate": "2025-06-01",
        "unitId": gid(world.units["SH-PROD"]),
        "note": "回聘",
    }
    _speaking(api, "zh-CN")
    data = await api.data(REHIRE, {"input": asked}, as_=world.users["branch_hr"])
    period = f"{former.hire_date.isoformat()} – 2024-12-31"
    assert data["rehireEmployee"]["event"]["note"] == f"上一段任职期 {period}；回聘"
    _speaking(api, "en")
    events = (await api.data(EVENTS, {"id": gid(former)}, as_=world.users["branch_hr"]))[
        "employeeTimeline"
    ]
    notes = [i["event"]["note"] for i in events if i["event"] and i["event"]["kind"] == "REHIRE"]
    assert notes == [f"Previous period {period}; 回聘"]  # stored in English, HR's note as written


async def test_a_background_jobs_failure_reads_in_the_requesters_language(
    api: Api, world: World
) -> None:
    user = world.users["hq_hr"]
    reasons = [STOPPED.format(count=3), FAILED]
    for reason in reasons:
        export = await SensitiveExport.create(
            unit_id=world.units["ACME"].id,
            reason="for the annual audit of bank accounts",
            requested_by_id=user.id,
            status=ExportStatus.APPROVED,
        )
        await exports.give_up(export.id, reason)  # as the queue does when it gives a job up
    _speaking(api, "zh-CN")
    listed = (await api.data(MINE, as_=user))["mySensitiveExports"]
    assert sorted(e["error"] for e in listed) == sorted(
        ["任务的执行进程已中断 3 次，不再重试。", "任务意外失败。"]
    )
    _speaking(api, "en")
    listed = (await api.data(MINE, as_=user))["mySensitiveExports"]
    assert sorted(e["error"] for e in listed) == sorted(reasons)
