"""POST /lists/export: a list as the viewer's screen shows it, written out as XLSX or CSV by the
server, formulas neutralised; bad input is a typed error, too much is refused, and nobody
signed out gets a file."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from talentloop.lists import routes
from tests.support import FORMULA_NAMES, Api, World, assert_formulas_are_text

COLUMNS = ["工号", "姓名", "月薪"]
ROWS = [["E0001", "张三", "12,500.00"], ["E0002", FORMULA_NAMES[0], "***"], ["E0003", "李四", None]]


async def _export(api: Api, world: World, body: object, *, who: str = "hq_hr") -> object:
    token = await api.token(world.users[who])
    return await api.http.post(
        "/lists/export", json=body, headers={"Authorization": f"Bearer {token}"}
    )


async def test_the_xlsx_holds_the_columns_and_values_sent_with_formulas_as_text(
    api: Api, world: World
) -> None:
    body = {"title": "员工列表", "format": "xlsx", "columns": COLUMNS, "rows": ROWS}
    response = await _export(api, world, body, who="employee")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert ".xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "员工列表"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(COLUMNS)
    assert values[1] == ("E0001", "张三", "12,500.00")
    assert values[2][2] == "***"  # masked stays masked: the server writes what it is sent
    assert values[3] == ("E0003", "李四", None)
    assert_formulas_are_text(response.content, FORMULA_NAMES[0])


async def test_the_csv_is_utf8_with_a_bom_and_neutralises_every_formula(
    api: Api, world: World
) -> None:
    rows = [["E1", name, -12.5] for name in FORMULA_NAMES]
    body = {"title": "名单", "format": "csv", "columns": COLUMNS, "rows": rows}
    response = await _export(api, world, body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert read[0] == COLUMNS
    assert [r[1] for r in read[1:]] == ["'" + name for name in FORMULA_NAMES]
    assert {r[2] for r in read[1:]} == {"-12.5"}  # a negative number is no formula


async def test_bad_input_is_a_typed_error_on_its_field(api: Api, world: World) -> None:
    good = {"title": "x", "format": "csv", "columns": ["a", "b"], "rows": [["1", "2"]]}
    cases = [
        ({**good, "format": "pdf"}, "format"),
        ({**good, "title": " "}, "title"),
        ({**good, "columns": []}, "columns"),
        ({**good, "rows": [["1"]]}, "rows"),
        ({**good, "rows": [["1", {"f": "=1"}]]}, "rows"),
        ({**good, "rows": [["1", True]]}, "rows"),
        ({**good, "rows": "all"}, "rows"),
        ([1, 2], "body"),
    ]
    for body, field in cases:
        response = await _export(api, world, body)
        assert response.status_code == 400, body
        assert response.json()["errors"] == [
            {"field": field, "message": response.json()["errors"][0]["message"], "code": "INVALID"}
        ]
    token = await api.token(world.users["hq_hr"])
    response = await api.http.post(
        "/lists/export",
        content=b"title=x",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert response.status_code == 415


async def test_too_many_rows_columns_or_bytes_are_refused(api: Api, world: World) -> None:
    many_rows = [["1"]] * (routes.MAX_ROWS + 1)
    response = await _export(
        api, world, {"title": "x", "format": "csv", "columns": ["a"], "rows": many_rows}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "rows"
    wide = [f"c{i}" for i in range(routes.MAX_COLUMNS + 1)]
    response = await _export(
        api, world, {"title": "x", "format": "csv", "columns": wide, "rows": []}
    )
    assert response.json()["errors"][0]["field"] == "columns"
    long_cell = [["x" * (routes.MAX_CELL + 1)]]
    response = await _export(
        api, world, {"title": "x", "format": "csv", "columns": ["a"], "rows": long_cell}
    )
    assert response.status_code == 400
    big = [["y" * 900] for _ in range(routes.MAX_BYTES // 900 + 10)]
    response = await _export(
        api, world, {"title": "x", "format": "csv", "columns": ["a"], "rows": big}
    )
    assert response.status_code == 413


async def test_nobody_signed_out_gets_a_file(api: Api) -> None:
    body = {"title": "x", "format": "csv", "columns": ["a"], "rows": [["1"]]}
    assert (await api.http.post("/lists/export", json=body)).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert (await api.http.post("/lists/export", json=body, headers=bad)).status_code == 401
