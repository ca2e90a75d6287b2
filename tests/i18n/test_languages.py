"""The viewer's language (issue 20, "Chinese throughout"): their own setting, else the request's
Accept-Language, else Chinese; server messages, approval titles and XLSX headings follow it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from talentloop.accounts.models import User
from talentloop.i18n import from_accept_language, normalise
from tests.attendance.conftest import Branches
from tests.support import Api, World

LOGIN = """
mutation ($input: LoginInput!) { login(input: $input) { errors { field code message } } }
"""
CHANGE_PASSWORD = """
mutation ($input: ChangePasswordInput!) {
  changePassword(input: $input) { ok errors { field code message } }
}
"""
SET_LANGUAGE = """
mutation ($language: String) {
  setLanguage(input: {language: $language}) { language errors { field code message } }
}
"""
ME = "query { me { language } }"
BAD_PAGE = "query { employees(first: 1000) { totalCount } }"
REQUEST_OVERTIME = """
mutation ($input: RequestOvertimeInput!) {
  requestOvertime(input: $input) { overtimeRequest { id } errors { field code message } }
}
"""
MY_APPROVALS = "query { myApprovals { title } }"
WRONG = {"currentPassword": "not the password at all", "newPassword": "a new long password 1"}


def _speaking(api: Api, accept_language: str | None) -> None:
    if accept_language is None:
        api.http.headers.pop("Accept-Language", None)
    else:
        api.http.headers["Accept-Language"] = accept_language


async def _login_error(api: Api, accept_language: str | None) -> str:
    _speaking(api, accept_language)
    answer = await api.data(LOGIN, {"input": {"username": "nobody", "password": "wrong one"}})
    errors: list[dict[str, Any]] = answer["login"]["errors"]
    assert [e["code"] for e in errors] == ["INVALID_CREDENTIALS"]
    return str(errors[0]["message"])


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5, zh;q=0.7", "zh_CN"),  # by q-value, not by position
        ("de, en;q=0", None),  # q=0: not acceptable
        ("zh-TW", "zh_CN"),  # the one Chinese we have
        ("", None),
    ],
)
def test_accept_language_names_the_first_language_we_speak(
    header: str, language: str | None
) -> None:
    assert from_accept_language(header) == language


def test_a_language_tag_normalises_to_one_of_ours() -> None:
    assert [normalise(t) for t in ("zh-CN", "zh_CN", "EN-gb", "ja", None)] == [
        "zh_CN",
        "zh_CN",
        "en",
        None,
        None,
    ]


async def test_an_error_comes_in_the_language_of_accept_language_chinese_by_default(
    api: Api, world: World
) -> None:
    assert await _login_error(api, "zh-CN,zh;q=0.9") == "用户名或密码错误。"
    assert await _login_error(api, "en-GB,en;q=0.9") == "Incorrect username or password."
    assert await _login_error(api, None) == "用户名或密码错误。"
    assert await _login_error(api, "fr") == "用户名或密码错误。"


async def test_an_error_with_parameters_fills_them_in_either_language(
    api: Api, world: World
) -> None:
    _speaking(api, "zh-CN")
    answer = await api.data(
        SET_LANGUAGE, {"language": None}, as_=world.users["employee"]
    )  # a signed-in request
    assert answer["setLanguage"]["errors"] == []
    body = await api.run(BAD_PAGE, as_=world.users["hq_hr"])
    assert body["errors"][0]["message"] == "“first” 须在 0 到 100 之间。"
    _speaking(api, "en")
    body = await api.run(BAD_PAGE, as_=world.users["hq_hr"])
    assert body["errors"][0]["message"] == "'first' must be between 0 and 100."


async def test_the_users_own_language_wins_over_accept_language(api: Api, world: World) -> None:
    user = world.users["employee"]
    _speaking(api, "zh-CN")
    first = await api.data(CHANGE_PASSWORD, {"input": WRONG}, as_=user)
    assert first["changePassword"]["errors"][0]["message"] == "当前密码不正确。"
    assert (await api.data(ME, as_=user))["me"]["language"] is None

    chosen = await api.data(SET_LANGUAGE, {"language": "en"}, as_=user)
    assert chosen["setLanguage"] == {"language": "en", "errors": []}
    assert (await User.get(id=user.id)).language == "en"
    assert (await api.data(ME, as_=user))["me"]["language"] == "en"
    again = await api.data(CHANGE_PASSWORD, {"input": WRONG}, as_=user)
    assert again["changePassword"]["errors"][0]["message"] == "Current password is incorrect."

    # Cleared: Accept-Language decides again.
    await api.data(SET_LANGUAGE, {"language": None}, as_=user)
    third = await api.data(CHANGE_PASSWORD, {"input": WRONG}, as_=user)
    assert third["changePassword"]["errors"][0]["message"] == "当前密码不正确。"


async def test_setting_an_unknown_language_is_refused_in_the_viewers_language(
    api: Api, world: World
) -> None:
    _speaking(api, "zh-CN")
    answer = await api.data(SET_LANGUAGE, {"language": "xx"}, as_=world.users["employee"])
    assert answer["setLanguage"]["errors"] == [
        {"field": "language", "code": "INVALID", "message": "请选择中文或英文。"}
    ]
    _speaking(api, None)
    anonymous = await api.data(SET_LANGUAGE, {"language": "en"})
    assert [e["code"] for e in anonymous["setLanguage"]["errors"]] == ["UNAUTHENTICATED"]


async def test_an_approval_title_reads_in_each_viewers_language(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    _speaking(api, "en")
    asked = await api.data(
        REQUEST_OVERTIME, {"input": {"date": "2026-12-12", "hours": "10"}}, as_=w.users["employee"]
    )
    assert asked["requestOvertime"]["errors"] == []
    titles = (await api.data(MY_APPROVALS, as_=w.users["manager"]))["myApprovals"]
    assert [t["title"] for t in titles] == ["2026-12-12 10 h"]
    _speaking(api, "zh-CN")
    titles = (await api.data(MY_APPROVALS, as_=w.users["manager"]))["myApprovals"]
    assert [t["title"] for t in titles] == ["2026-12-12 加班 10 小时"]


async def test_a_leave_title_translates_its_leave_type(api: Api, branches: Branches) -> None:
    w = branches.world
    _speaking(api, "zh-CN")
    asked = await api.data(
        """mutation ($input: RequestLeaveInput!) {
          requestLeave(input: $input) { errors { field code message } } }""",
        {"input": {"leaveType": "PERSONAL", "startDate": "2026-12-14", "endDate": "2026-12-14"}},
        as_=w.users["employee"],
    )
    assert asked["requestLeave"]["errors"] == []
    titles = (await api.data(MY_APPROVALS, as_=w.users["manager"]))["myApprovals"]
    assert [t["title"] for t in titles] == ["事假 2026-12-14–2026-12-14"]
    _speaking(api, "en")
    titles = (await api.data(MY_APPROVALS, as_=w.users["manager"]))["myApprovals"]
    assert [t["title"] for t in titles] == ["personal 2026-12-14–2026-12-14"]


async def test_an_xlsx_heading_follows_the_viewers_language(api: Api, world: World) -> None:
    user = world.users["branch_hr"]
    url = "/reports/workforce.xlsx?fromMonth=2026-02-01&toMonth=2026-03-01"
    token = await api.token(user)

    async def first_sheet(accept_language: str) -> tuple[str, Any]:
        response = await api.http.get(
            url, headers={"Authorization": f"Bearer {token}", "Accept-Language": accept_language}
        )
        assert response.status_code == 200, response.text
        book = load_workbook(io.BytesIO(response.content))
        sheet = book[book.sheetnames[0]]
        return book.sheetnames[0], next(sheet.iter_rows(values_only=True))[0]

    assert await first_sheet("zh-CN") == ("按月汇总", "月份")
    assert await first_sheet("en") == ("By month", "Month")
    _speaking(api, "zh-CN")
    await api.data(SET_LANGUAGE, {"language": "en"}, as_=user)
    assert await first_sheet("zh-CN") == ("By month", "Month")  # their setting wins
