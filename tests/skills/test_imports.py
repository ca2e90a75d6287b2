"""The competency ratings import (issue 22): a company's 360° history — created as closed rounds,
changed, left as it is on a second import, refused by the mode, kept in the importer's scope,
audited with before and after (never naming a rater), undone, exported so that the export
imported again changes nothing; and counted as the app's own ratings are — by the day they
were given, so an older imported rating never displaces a newer round run in the app."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.performance.models import ImportKind
from talentloop.skills.models import AssessmentRound, RaterAssignment, Rating, RoundStatus
from talentloop.statements import StatementCounter
from tests.imports.support import IMPORT, UNDO, export_csv, run_file
from tests.skills.conftest import Framework
from tests.skills.test_assessments import CLOSE, SCORES, rate, start_round
from tests.support import Api, World, gid

KIND = "COMPETENCY_RATINGS"
HEADER = "employee_number,competency_code,level,rated_on,source,rater_number,comment\n"


def numbers(w: World) -> dict[str, str]:
    return {key: person.employee_number for key, person in w.people.items()}


def history(w: World, day: str = "2024-06-30", pk_manager: str = "4") -> str:
    """sh_rep rated on PK by himself, his manager (unnamed: his manager) and three peers."""
    n = numbers(w)
    return HEADER + "".join(
        f"{line}\n"
        for line in (
            f"{n['sh_rep']},PK,3,{day},自评,,",
            f"{n['sh_rep']},pk,{pk_manager},{day},上级,,good",
            f"{n['sh_rep']},PK,2,{day},peer,{n['sh_rep2']},",
            f"{n['sh_rep']},PK,3.0,{day},同事,{n['sh_worker']},",
            f"{n['sh_rep']},PK,４,{day},peer,{n['sh_hr_person']},",
        )
    )


async def run(api: Api, w: World, text: str, *, viewer: str = "hq_hr", **options: Any) -> dict:
    return await run_file(api, w.users[viewer], KIND, text, **options)


def counts(job: dict) -> tuple[str, int, int, int]:
    return (job["status"], job["createdRows"], job["updatedRows"], job["unchangedRows"])


def errors(job: dict) -> list[tuple[int, str | None, str]]:
    return [(e["row"], e["column"], e["code"]) for e in job["errors"]]


async def exported(w: World, viewer: str = "hq_hr") -> str:
    return await export_csv(w.users[viewer].id, ImportKind.COMPETENCY_RATINGS)


async def scores(api: Api, fw: Framework, viewer: str = "hq_hr") -> dict[str, dict]:
    w = fw.world
    data = await api.data(SCORES, {"e": gid(w.people["sh_rep"])}, as_=w.users[viewer])
    return {s["competency"]["code"]: s for s in data["employeeCompetencies"]}


def source(score: dict, name: str) -> dict | None:
    return next((s for s in score["sources"] if s["source"] == name), None)


async def test_a_history_is_stored_as_a_closed_round_and_gives_the_gap_the_app_would(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    job = await run(api, w, history(w))
    assert counts(job) == ("DONE", 5, 0, 0), job
    round_ = await AssessmentRound.get(employee_id=w.people["sh_rep"].id)
    noon = datetime.combine(date(2024, 6, 30), time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (round_.title, round_.status, round_.deadline, round_.closed_at) == (
        "导入",
        RoundStatus.CLOSED,
        date(2024, 6, 30),
        noon.astimezone(UTC),
    )
    assert round_.competency_ids == [framework.pk.id]
    assert round_.created_by_id == w.users["hq_hr"].id
    parts = await RaterAssignment.filter(round_id=round_.id).order_by("id")
    assert {(p.rater_id, p.relation.value) for p in parts} == {
        (w.people["sh_rep"].id, "self"),
        (w.people["sh_sales_head"].id, "manager"),
        (w.people["sh_rep2"].id, "peer"),
        (w.people["sh_worker"].id, "peer"),
        (w.people["sh_hr_person"].id, "peer"),
    }
    assert all(p.submitted_at == round_.closed_at for p in parts)
    manager = await Rating.get(assignment__relation="manager")
    assert (manager.level, manager.comment) == (4, "good")
    # The score the app would give: manager 4 × 40, peers 3 × 20, self 3 × 10 → 3.57;
    # sh_rep's team needs PK 5.
    pk = (await scores(api, framework))["PK"]
    assert pk["weighted"] == "3.57"
    assert pk["gap"] == "1.43"
    assert source(pk, "PEER") == {"source": "PEER", "mean": "3.00", "count": 3, "shown": True}

    again = await run(api, w, history(w))
    assert counts(again) == ("DONE", 0, 0, 5)
    changed = await run(api, w, history(w, pk_manager="5"))
    assert counts(changed) == ("DONE", 0, 1, 4)
    await manager.refresh_from_db()
    assert manager.level == 5
    entries = await AuditEntry.filter(subject_type="Rating", subject_id=manager.id).order_by("id")
    assert entries[0].action is AuditAction.CREATE
    assert entries[0].employee_id == w.people["sh_rep"].id
    levels = [e for e in entries if e.field == "level"]
    assert (levels[0].before, levels[0].after) == ({"level": 4}, {"level": 5})


async def test_an_older_imported_rating_does_not_displace_a_newer_round_of_the_app(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    round_ = await start_round(api, framework, [], includeSelf=False)
    await rate(api, framework, w.users["manager"], pk=2, cna=2)
    await api.data(CLOSE, {"id": round_["id"]}, as_=w.users["manager"])
    # Imported afterwards (a larger id), but rated in 2024: the app's 2 stays the manager's.
    job = await run(api, w, history(w, pk_manager="5"))
    assert counts(job) == ("DONE", 5, 0, 0)
    pk = (await scores(api, framework))["PK"]
    assert source(pk, "MANAGER") == {"source": "MANAGER", "mean": "2.00", "count": 1, "shown": True}
    # Peers and self only rated in the imported round: theirs count.
    assert source(pk, "SELF")["mean"] == "3.00"  # type: ignore[index]
    # A newer imported day than the app's round would count (dated after today: refused).
    n = numbers(w)
    future = await run(api, w, HEADER + f"{n['sh_rep']},PK,5,2999-01-01,manager,,\n")
    assert errors(future) == [(2, "rated_on", "INVALID")]


async def test_the_export_imported_again_changes_nothing_and_names_no_anonymous_rater(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    await run(api, w, history(w))
    # and a round of the app: the manager's rating is exported with it
    round_ = await start_round(api, framework, [], includeSelf=False)
    await rate(api, framework, w.users["manager"], pk=2, cna=3)
    await api.data(CLOSE, {"id": round_["id"]}, as_=w.users["manager"])
    text = await exported(w)
    n = numbers(w)
    lines = text.splitlines()[1:]
    assert len(lines) == 7
    assert f"{n['sh_rep']},PK,4,2024-06-30,manager,{n['sh_sales_head']},good" in lines
    assert f"{n['sh_rep']},PK,3,2024-06-30,self,{n['sh_rep']}," in lines
    peers = [line for line in lines if ",peer," in line]
    assert len(peers) == 3
    for key in ("sh_rep2", "sh_worker", "sh_hr_person"):
        assert n[key] not in "\n".join(peers)
    assert all(line.split(",")[5].startswith("anon-") for line in peers)
    job = await run(api, w, text)
    assert counts(job) == ("DONE", 0, 0, 7), job
    # A rating given in the app is not changed by a file.
    app_line = next(line for line in lines if ",CNA," in line)
    changed = await run(api, w, text.replace(app_line, app_line.replace(",CNA,3,", ",CNA,5,")))
    assert [(e[1], e[2]) for e in errors(changed)] == [("level", "CONFLICT")]
    # The manager sees what HR sees; the export of the person rated leaves them out (their own).
    assert await exported(w, "manager") == text
    assert "PK" not in (await exported(w, "employee"))


async def test_rows_outside_scope_about_oneself_or_bad_are_refused(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    n = numbers(w)
    text = HEADER + "".join(
        f"{line}\n"
        for line in (
            f"{n['bj_rep']},PK,3,2024-01-01,manager,,",  # Beijing: not the branch's
            f"{n['sh_hr_person']},PK,3,2024-01-01,manager,,",  # the importer themself
            f"{n['sh_rep']},XX,3,2024-01-01,manager,,",
            f"{n['sh_rep']},PK,6,2024-01-01,manager,,",
            f"{n['sh_rep']},PK,3,2024-01-01,测评,,",
            f"{n['sh_rep']},PK,3,2024-01-01,peer,,",
            f"{n['sh_rep']},PK,3,2024-01-01,self,{n['sh_rep2']},",
            f"{n['sh_rep']},PK,3,01/02/2024,manager,,",
            f"{n['sh_rep']},CNA,3,2024-01-01,peer,{n['sh_rep2']},",
            f"{n['sh_rep']},PK,3,2024-01-01,subordinate,{n['sh_rep2']},",
        )
    )
    job = await run(api, w, text, viewer="branch_hr")
    assert errors(job) == [
        (2, "employee_number", "NOT_FOUND"),
        (3, "employee_number", "SELF_DEALING"),
        (4, "competency_code", "NOT_FOUND"),
        (5, "level", "INVALID"),
        (6, "source", "INVALID"),
        (7, "rater_number", "REQUIRED"),
        (8, "rater_number", "INVALID"),
        (9, "rated_on", "INVALID"),
        (11, "rater_number", "CONFLICT"),
    ]
    level = next(e for e in job["errors"] if e["column"] == "level")
    assert (level["value"], level["choices"]) == ("6", ["1", "2", "3", "4", "5"])
    assert not await Rating.exists()
    # A manager imports for their own team only; an employee imports none.
    manager = await run(
        api, w, HEADER + f"{n['sh_worker']},PK,3,2024-01-01,manager,,\n", viewer="manager"
    )
    assert errors(manager) == [(2, "employee_number", "NOT_FOUND")]
    data = await api.data(
        IMPORT,
        {
            "input": {
                "kind": KIND,
                "fileName": "f.csv",
                "contentBase64": base64.b64encode(history(w).encode()).decode(),
            }
        },
        as_=w.users["employee"],
    )
    assert [e["code"] for e in data["importData"]["errors"]] == ["FORBIDDEN"]


async def test_modes_undo_and_an_undo_after_the_round_was_used_since(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    n = numbers(w)
    first = HEADER + f"{n['sh_rep']},PK,3,2024-06-30,manager,,\n"
    first_job = await run(api, w, first)
    insert = await run(api, w, first.replace(",PK,3,", ",PK,4,"), mode="INSERT")
    assert errors(insert) == [(2, "competency_code", "DUPLICATE")]
    update = await run(
        api, w, HEADER + f"{n['sh_rep']},CNA,3,2024-06-30,manager,,\n", mode="UPDATE"
    )
    assert errors(update) == [(2, "competency_code", "NOT_FOUND")]

    job = await run(api, w, history(w))
    assert counts(job) == ("DONE", 4, 1, 0)  # the manager's 3 made 4, with a comment
    undone = await api.data(UNDO, {"id": job["id"]}, as_=w.users["hq_hr"])
    assert undone["undoImport"]["errors"] == [], undone
    assert [(r.level, r.comment) for r in await Rating.all()] == [(3, "")]
    assert await RaterAssignment.all().count() == 1
    # The undo's audit names no rater.
    deleted = await AuditEntry.filter(subject_type="RaterAssignment", action=AuditAction.DELETE)
    assert deleted and all(e.before["raterId"] == "[redacted]" for e in deleted)
    created = await AuditEntry.filter(subject_type="RaterAssignment", action=AuditAction.CREATE)
    assert created and all("raterId" not in (e.after or {}) for e in created)

    # The first import's round took a rating from a later import: its undo is refused.
    later = await run(api, w, HEADER + f"{n['sh_rep']},CNA,2,2024-06-30,manager,,\n")
    assert counts(later) == ("DONE", 1, 0, 0)
    refused = await api.data(UNDO, {"id": first_job["id"]}, as_=w.users["hq_hr"])
    assert [e["code"] for e in refused["undoImport"]["errors"]] == ["CONFLICT"]


async def test_an_imported_peer_rating_stays_anonymous_to_the_person_and_their_manager(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    n = numbers(w)
    await run(api, w, HEADER + f"{n['sh_rep']},CNA,1,2024-06-30,peer,{n['sh_rep2']},\n")
    for viewer in ("employee", "manager", "hq_hr"):
        cna = (await scores(api, framework, viewer))["CNA"]
        assert source(cna, "PEER") == {"source": "PEER", "mean": None, "count": 1, "shown": False}
        assert cna["weighted"] is None


async def test_a_ratings_file_takes_the_same_statements_for_more_rows(
    api: Api, framework: Framework
) -> None:
    w = framework.world
    n = numbers(w)

    def file(year: int, days: int) -> str:
        return HEADER + "".join(
            f"{n[person]},{code},3,{year}-01-{day:02d},manager,,\n"
            for person in ("sh_rep", "sh_rep2", "sh_worker")
            for code in ("PK", "CNA")
            for day in range(1, days + 1)
        )

    with StatementCounter() as few:
        await run(api, w, file(2023, 1))
    with StatementCounter() as many:
        job = await run(api, w, file(2024, 10))
    assert counts(job) == ("DONE", 60, 0, 0)
    assert many.count <= few.count, many.statements
    assert Decimal(await Rating.all().count()) == 66
