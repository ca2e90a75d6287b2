"""The organisation's import kinds (issue 22): units (a tree built whatever the rows' order),
positions and KPI definitions — created, changed, left as they are on a second run, refused
by the mode and outside the viewer's rights, audited, undone, and exported so that the export
imported again changes nothing."""

from __future__ import annotations

import base64
from typing import Any

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.org.models import OrgUnit
from talentloop.people.models import Position
from talentloop.performance.models import ImportKind, Kpi
from tests.imports.support import IMPORT, UNDO, export_csv, run_file
from tests.performance.conftest import Perf
from tests.support import Api, StatementCounter


async def _run(
    api: Api, perf: Perf, kind: str, text: str, *, viewer: str = "hq_hr", **options: Any
) -> dict:
    return await run_file(api, perf.world.users[viewer], kind, text, **options)


def _counts(job: dict) -> tuple[str, int, int, int]:
    return (job["status"], job["createdRows"], job["updatedRows"], job["unchangedRows"])


def _errors(job: dict) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["code"]) for e in job["errors"]]


async def _exported(perf: Perf, kind: ImportKind, viewer: str = "hq_hr") -> str:
    """The kind's export as a CSV file, headed by its column keys."""
    return await export_csv(perf.world.users[viewer].id, kind)


# --- units ------------------------------------------------------------------------------------

UNITS = "code,name,parent_code,type,city,time_zone\n"


async def test_units_are_built_whatever_the_order_of_their_rows(api: Api, perf: Perf) -> None:
    text = (
        UNITS
        + "GZ-SALES,广州销售部,GZ,department,广州,\nGZ,广州分公司,ACME,分公司,广州,Asia/Shanghai\n"
    )
    dry = await _run(api, perf, "ORG_UNITS", text, dryRun=True)
    assert _counts(dry) == ("VALID", 2, 0, 0)
    assert not await OrgUnit.filter(code="GZ").exists()
    job = await _run(api, perf, "ORG_UNITS", text)
    assert _counts(job) == ("DONE", 2, 0, 0)
    branch = await OrgUnit.get(code="GZ")
    sales = await OrgUnit.get(code="GZ-SALES")
    root = perf.world.units["ACME"]
    assert (branch.parent_id, branch.path, branch.depth) == (root.id, f"{root.path}{branch.id}/", 1)
    assert (sales.parent_id, sales.path, sales.depth) == (branch.id, f"{branch.path}{sales.id}/", 2)
    assert branch.type.value == "branch" and branch.time_zone == "Asia/Shanghai"
    again = await _run(api, perf, "ORG_UNITS", text)
    assert _counts(again) == ("DONE", 0, 0, 2)
    created = await AuditEntry.filter(subject_type="OrgUnit", subject_id=sales.id).first()
    assert created is not None and created.action is AuditAction.CREATE
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == []
    assert not await OrgUnit.filter(code__in=["GZ", "GZ-SALES"]).exists()


async def test_a_move_rewrites_the_subtree_and_undo_puts_it_back(api: Api, perf: Perf) -> None:
    sh, bj = perf.world.units["SH"], perf.world.units["BJ"]
    team = perf.world.units["SH-SALES-1"]
    job = await _run(api, perf, "ORG_UNITS", UNITS + "SH-SALES,上海销售中心,BJ,,,\n")
    assert _counts(job) == ("DONE", 0, 1, 0)
    moved = await OrgUnit.get(code="SH-SALES")
    below = await OrgUnit.get(id=team.id)
    assert (moved.parent_id, moved.name) == (bj.id, "上海销售中心")
    assert moved.path == f"{bj.path}{moved.id}/" and below.path == f"{moved.path}{team.id}/"
    entries = await AuditEntry.filter(subject_type="OrgUnit", subject_id=moved.id).order_by("id")
    changed = {e.field: (e.before, e.after) for e in entries}
    assert changed["parentId"] == ({"parentId": sh.id}, {"parentId": bj.id})
    assert changed["name"][1] == {"name": "上海销售中心"}
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == []
    back, team_back = await OrgUnit.get(code="SH-SALES"), await OrgUnit.get(id=team.id)
    assert back.parent_id == sh.id and team_back.path == team.path


async def test_a_cycle_a_missing_parent_and_a_bad_zone_are_bad_rows(api: Api, perf: Perf) -> None:
    text = (
        UNITS
        + "SH,上海分公司,SH-SALES,,,\n"  # under its own descendant
        + "X1,新部门,NOPE,department,,\n"
        + "X2,新部门二,SH,department,,Mars/Olympus\n"
        + "X3,新团队,ACME,team,,\n"  # a team does not sit under the company
        + "X4,无类型,SH,,,\n"
    )
    job = await _run(api, perf, "ORG_UNITS", text, dryRun=True)
    assert job["status"] == "INVALID"
    assert _errors(job) == [
        (3, "parent_code", "NOT_FOUND"),
        (4, "time_zone", "INVALID"),
        (6, "type", "REQUIRED"),
    ]
    assert job["errors"][2]["choices"] == ["company", "branch", "department", "team"]
    tree = await _run(
        api, perf, "ORG_UNITS", UNITS + "SH,上海分公司,SH-SALES,,,\nX3,新团队,ACME,team,,\n"
    )
    assert _errors(tree) == [(2, "parent_code", "INVALID"), (3, "parent_code", "INVALID")]
    assert (await OrgUnit.get(code="SH")).parent_id == perf.world.units["ACME"].id


async def test_branch_hr_reshapes_only_their_branch(api: Api, perf: Perf) -> None:
    text = (
        UNITS
        + "SH-NEW,上海新部门,SH,department,,\n"
        + "BJ-NEW,北京新部门,BJ,department,,\n"  # BJ: seen? no — not their branch
        + "SH-PROD,上海生产部,BJ-SALES,,,\n"  # moved out of their branch
        + "SH-HR,上海人事,,,,Asia/Urumqi\n"  # a time zone: HQ HR's
        + "BJ-SALES,北京销售,,,,\n"
    )
    job = await _run(api, perf, "ORG_UNITS", text, viewer="branch_hr")
    assert job["status"] == "INVALID"
    assert (3, "parent_code", "NOT_FOUND") in _errors(job)
    assert (5, "time_zone", "FORBIDDEN") in _errors(job)
    assert (6, "code", "DUPLICATE") in _errors(job)  # outside their sight: taken
    moved = await _run(
        api, perf, "ORG_UNITS", UNITS + "SH-PROD,上海生产部,ACME,,,\n", viewer="branch_hr"
    )
    assert _errors(moved) == [(2, "parent_code", "FORBIDDEN")]
    ok = await _run(
        api, perf, "ORG_UNITS", UNITS + "SH-NEW,上海新部门,SH,department,,\n", viewer="branch_hr"
    )
    assert _counts(ok) == ("DONE", 1, 0, 0)


async def test_unit_modes_refuse_what_they_do_not_allow(api: Api, perf: Perf) -> None:
    text = UNITS + "SH-SALES,销售,,,,\nX9,新部门,SH,department,,\n"
    insert = await _run(api, perf, "ORG_UNITS", text, mode="INSERT")
    assert _errors(insert) == [(2, "code", "DUPLICATE")]
    update = await _run(api, perf, "ORG_UNITS", text, mode="UPDATE")
    assert _errors(update) == [(3, "code", "NOT_FOUND")]
    assert not await OrgUnit.filter(code="X9").exists()


async def test_units_exported_and_imported_again_change_nothing(api: Api, perf: Perf) -> None:
    for viewer in ("hq_hr", "branch_hr"):
        text = await _exported(perf, ImportKind.ORG_UNITS, viewer)
        job = await _run(api, perf, "ORG_UNITS", text, viewer=viewer)
        assert job["status"] == "DONE" and job["createdRows"] == job["updatedRows"] == 0, job
    assert "SH-SALES" in text and "BJ-SALES" not in text


async def test_a_500_unit_file_costs_about_what_a_50_unit_file_costs(api: Api, perf: Perf) -> None:
    async def cost(n: int, prefix: str) -> int:
        rows = [f"{prefix}{i},部门{i},SH,department,上海," for i in range(n)]
        with StatementCounter() as counter:
            job = await _run(api, perf, "ORG_UNITS", UNITS + "\n".join(rows) + "\n")
        assert job["createdRows"] == n
        return counter.count

    small, large = await cost(50, "S"), await cost(500, "L")
    assert large <= small + 12, (small, large)


# --- positions ----------------------------------------------------------------------------------

POSITIONS = "code,title,level,family\n"


async def test_positions_are_created_changed_and_exported(api: Api, perf: Perf) -> None:
    text = POSITIONS + "ENG,工程师,P3,engineering\nREP,销售代表,P2,sales\n"
    job = await _run(api, perf, "POSITIONS", text)
    assert _counts(job) == ("DONE", 1, 1, 0)
    assert (await Position.get(code="REP")).title == "销售代表"
    entry = await AuditEntry.get(subject_type="Position", field="title")
    assert (entry.before, entry.after) == ({"title": "Sales rep"}, {"title": "销售代表"})
    again = await _run(api, perf, "POSITIONS", await _exported(perf, ImportKind.POSITIONS))
    assert _counts(again) == ("DONE", 0, 0, 3)
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == []
    assert (await Position.get(code="REP")).title == "Sales rep"
    assert not await Position.filter(code="ENG").exists()


async def test_positions_are_hq_hrs_and_checked_as_the_form_checks_them(
    api: Api, perf: Perf
) -> None:
    bad = await _run(
        api, perf, "POSITIONS", POSITIONS + "X,,P1,sales\n" + "Y," + "长" * 129 + ",P1,x\n"
    )
    assert _errors(bad) == [(2, "title", "REQUIRED"), (3, "title", "INVALID")]
    insert = await _run(api, perf, "POSITIONS", POSITIONS + "REP,Rep,P2,sales\n", mode="INSERT")
    assert _errors(insert) == [(2, "code", "DUPLICATE")]
    update = await _run(api, perf, "POSITIONS", POSITIONS + "NEW,New,P2,sales\n", mode="UPDATE")
    assert _errors(update) == [(2, "code", "NOT_FOUND")]
    data = await api.data(
        IMPORT,
        {
            "input": {
                "fileName": "f.csv",
                "contentBase64": base64.b64encode(POSITIONS.encode()).decode(),
                "kind": "POSITIONS",
                "dryRun": True,
            }
        },
        as_=perf.world.users["branch_hr"],
    )
    assert [e["code"] for e in data["importData"]["errors"]] == ["FORBIDDEN"]


# --- KPIs ------------------------------------------------------------------------------------------

KPIS = "code,name,unit,direction,aggregation,period_type,dimension_name\n"


async def test_kpis_are_created_and_changed_as_createkpi_and_updatekpi_allow(
    api: Api, perf: Perf
) -> None:
    text = KPIS + "REV,销售额,金额,,,,\nCR,转化率（%）,percent,,average,,\n"
    job = await _run(api, perf, "KPIS", text)
    assert _counts(job) == ("DONE", 1, 1, 0)
    revenue = await Kpi.get(code="REV")
    assert (revenue.unit.value, revenue.aggregation.value, revenue.period_type.value) == (
        "money",
        "sum",
        "month",
    )
    assert (await Kpi.get(code="CR")).name == "转化率（%）"
    stays = await _run(
        api, perf, "KPIS", KPIS + "CR,转化率,count,,,quarter,\nNEW,新,percentage,,,,\n"
    )
    assert _errors(stays) == [
        (2, "period_type", "INVALID"),
        (2, "unit", "INVALID"),
        (3, "unit", "INVALID"),
    ]
    assert stays["errors"][2]["choices"] == ["count", "percent", "money"]
    again = await _run(api, perf, "KPIS", await _exported(perf, ImportKind.KPIS))
    assert _counts(again) == ("DONE", 0, 0, 4)
    undone = await api.data(UNDO, {"id": job["id"]}, as_=perf.world.users["hq_hr"])
    assert undone["undoImport"]["errors"] == []
    assert (await Kpi.get(code="CR")).name == "转化率" and not await Kpi.filter(code="REV").exists()


async def test_kpi_modes_and_rights(api: Api, perf: Perf) -> None:
    insert = await _run(api, perf, "KPIS", KPIS + "NC,新客户,count,,,,客户来源\n", mode="INSERT")
    assert _errors(insert) == [(2, "code", "DUPLICATE")]
    update = await _run(api, perf, "KPIS", KPIS + "ZZ,新,count,,,,\n", mode="UPDATE")
    assert _errors(update) == [(2, "code", "NOT_FOUND")]
    entries = await AuditEntry.filter(subject_type="Kpi").count()
    changed = await _run(api, perf, "KPIS", KPIS + "NC,新增客户数,,,,,\n")
    assert _counts(changed) == ("DONE", 0, 1, 0)
    entry = await AuditEntry.filter(subject_type="Kpi").order_by("-id").first()
    assert entry is not None and entry.after == {"name": "新增客户数"}
    assert await AuditEntry.filter(subject_type="Kpi").count() == entries + 1


async def test_500_positions_or_kpis_cost_about_what_50_cost(api: Api, perf: Perf) -> None:
    async def cost(kind: str, head: str, n: int, row: str) -> int:
        text = head + "\n".join(row.format(i=i) for i in range(n)) + "\n"
        with StatementCounter() as counter:
            job = await _run(api, perf, kind, text)
        assert job["createdRows"] == n, job
        return counter.count

    for kind, head, row in (
        ("POSITIONS", POSITIONS, "P{i},职位{i},P1,sales"),
        ("KPIS", KPIS, "K{i},指标{i},count,,,,"),
    ):
        small = await cost(kind, head, 50, "S" + row)
        large = await cost(kind, head, 500, "L" + row)
        assert large <= small + 12, (kind, small, large)
