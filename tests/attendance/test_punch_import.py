"""Device punch files: every bad row reported and none written; duplicates and any order."""

from __future__ import annotations

import base64

from talentloop.attendance.models import Punch, PunchSource
from tests.attendance.conftest import MONTH_QUERY, Branches, day_of
from tests.support import Api, gid

IMPORT = """
mutation ($input: ImportPunchesInput!) {
  importPunches(input: $input) {
    rows imported duplicates dryRun
    rowErrors { row column code message }
    errors { field code message }
  }
}
"""


def b64(text: str, encoding: str = "utf-8") -> str:
    return base64.b64encode(text.encode(encoding)).decode()


async def test_a_file_with_bad_rows_reports_them_and_writes_none(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    sh_rep, bj_rep = w.people["sh_rep"].employee_number, w.people["bj_rep"].employee_number
    content = (
        "工号,打卡时间,设备号\n"
        f"{sh_rep},2026-11-02 08:55,SH-GATE-1\n"  # good
        "NOBODY,2026-11-02 08:56,SH-GATE-1\n"  # no such employee
        f"{sh_rep},2026-11-02 8点56分,SH-GATE-1\n"  # not a time
        f"{bj_rep},2026-11-02 08:57,BJ-GATE-1\n"  # Beijing: not the Shanghai HR's
        f"{sh_rep},2099-01-01 09:00,SH-GATE-1\n"  # the future
        f"{sh_rep},2026-11-02 18:02,SH-GATE-1\n"  # good
    )
    result = await api.data(
        IMPORT,
        {"input": {"contentBase64": b64(content), "dryRun": False}},
        as_=w.users["branch_hr"],
    )
    report = result["importPunches"]
    assert report["rows"] == 6
    assert [(e["row"], e["column"], e["code"]) for e in report["rowErrors"]] == [
        (3, "employee_number", "NOT_FOUND"),
        (4, "punched_at", "INVALID"),
        (5, "employee_number", "NOT_FOUND"),
        (6, "punched_at", "INVALID"),
    ]
    assert (report["imported"], report["dryRun"]) == (0, True)
    assert await Punch.all().count() == 0


async def test_a_good_file_in_any_order_with_repeats_is_written_once(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    rep = w.people["sh_rep"].employee_number
    content = (
        "employee_number,punched_at,device_id\n"
        f"{rep},2026-11-03 18:30:00,SH-GATE-2\n"
        f"{rep},2026-11-02 18:01,SH-GATE-1\n"
        f"{rep},2026-11-02 08:59,SH-GATE-1\n"
        f"{rep},2026-11-02 08:59:30,SH-GATE-1\n"  # a second press 30 seconds later
        f"{rep},2026-11-03 09:07,SH-GATE-1\n"
    )
    dry = await api.data(
        IMPORT, {"input": {"contentBase64": b64(content, "gb18030")}}, as_=w.users["branch_hr"]
    )
    assert dry["importPunches"]["rowErrors"] == []
    assert (dry["importPunches"]["imported"], dry["importPunches"]["duplicates"]) == (4, 1)
    assert await Punch.all().count() == 0  # a dry run writes nothing

    real = await api.data(
        IMPORT, {"input": {"contentBase64": b64(content), "dryRun": False}}, as_=w.users["hq_hr"]
    )
    assert real["importPunches"]["imported"] == 4
    assert await Punch.filter(source=PunchSource.DEVICE).count() == 4

    again = await api.data(
        IMPORT, {"input": {"contentBase64": b64(content), "dryRun": False}}, as_=w.users["hq_hr"]
    )
    assert (again["importPunches"]["imported"], again["importPunches"]["duplicates"]) == (0, 5)
    assert await Punch.all().count() == 4

    month = await api.data(
        MONTH_QUERY, {"id": gid(w.people["sh_rep"]), "month": "2026-11-01"}, as_=w.users["hq_hr"]
    )
    tuesday = day_of(month["attendanceMonth"], "2026-11-03")
    assert tuesday["firstIn"].startswith("2026-11-03T09:07:00")
    assert tuesday["lastOut"].startswith("2026-11-03T18:30:00")
    assert tuesday["lateMinutes"] == 7  # beyond Shanghai's 5 minutes of grace
    assert tuesday["overtimeWorkdayMinutes"] == 30


async def test_only_hr_imports_punch_files(api: Api, branches: Branches) -> None:
    w = branches.world
    content = b64(
        f"employee_number,punched_at\n{w.people['sh_rep'].employee_number},2026-11-02 09:00\n"
    )
    for user in ("manager", "employee"):
        result = await api.data(
            IMPORT, {"input": {"contentBase64": content, "dryRun": False}}, as_=w.users[user]
        )
        assert result["importPunches"]["errors"][0]["code"] == "FORBIDDEN"
    missing = await api.data(
        IMPORT, {"input": {"contentBase64": b64("工号,设备号\nT0001,X\n")}}, as_=w.users["hq_hr"]
    )
    assert "punched_at" in missing["importPunches"]["errors"][0]["message"]
    assert await Punch.all().count() == 0


async def test_times_in_the_forms_devices_write_and_numbers_in_any_case(
    api: Api, branches: Branches
) -> None:
    """imports/parse.py `parse_time`: slashes, dots, Chinese dates, one-digit hours."""
    w = branches.world
    rep = w.people["sh_rep"].employee_number.lower()
    content = (
        "employee_number,punched_at,device_id\n"
        f"{rep},2026/11/2 8:59,SH-GATE-1\n"
        f"{rep},2026年11月2日 18:01,SH-GATE-1\n"
        f" {rep.upper()} ,2026.11.03 09:07:00,SH-GATE-1\n"
        f"{rep},2026-11-03T18:30:00+08:00,SH-GATE-1\n"
        f"{rep},03/11/2026 09:00,SH-GATE-1\n"  # day or month first: never guessed
    )
    result = await api.data(
        IMPORT, {"input": {"contentBase64": b64(content)}}, as_=w.users["branch_hr"]
    )
    report = result["importPunches"]
    assert [(e["row"], e["column"]) for e in report["rowErrors"]] == [(6, "punched_at")]
    fixed = "\n".join(content.splitlines()[:-1]) + "\n"
    result = await api.data(
        IMPORT,
        {"input": {"contentBase64": b64(fixed), "dryRun": False}},
        as_=w.users["branch_hr"],
    )
    assert result["importPunches"]["imported"] == 4
    month = await api.data(
        MONTH_QUERY, {"id": gid(w.people["sh_rep"]), "month": "2026-11-01"}, as_=w.users["hq_hr"]
    )
    monday = day_of(month["attendanceMonth"], "2026-11-02")
    assert monday["firstIn"].startswith("2026-11-02T08:59:00")
    assert monday["lastOut"].startswith("2026-11-02T18:01:00")
    tuesday = day_of(month["attendanceMonth"], "2026-11-03")
    assert tuesday["firstIn"].startswith("2026-11-03T09:07:00")
    assert tuesday["lastOut"].startswith("2026-11-03T18:30:00")
