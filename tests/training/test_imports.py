"""The training kinds of the history import (issue 22): the course library, course sessions and
training history — created, updated, left as they are on a second import, refused by the mode,
kept in the importer's scope, audited with before and after, undone, and exported so that the
export imported again changes nothing."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.performance.models import ImportKind
from talentloop.statements import StatementCounter
from talentloop.training.models import (
    CostItem,
    Course,
    CourseCompetency,
    CourseFormat,
    CourseSession,
    Enrollment,
    EnrollmentStatus,
)
from tests.imports.support import IMPORT, UNDO, export_csv, run_file
from tests.support import Api, World
from tests.training.conftest import Library


async def run(
    api: Api, world: World, kind: str, text: str, *, viewer: str = "hq_hr", **options: Any
) -> dict:
    return await run_file(api, world.users[viewer], kind, text, **options)


async def exported(world: World, kind: ImportKind, viewer: str = "hq_hr") -> str:
    """The kind's export as a CSV file with the columns' keys as headers."""
    return await export_csv(world.users[viewer].id, kind)


def counts(job: dict) -> tuple[str, int, int, int]:
    return (job["status"], job["createdRows"], job["updatedRows"], job["unchangedRows"])


def errors(job: dict) -> list[tuple[int, str | None, str]]:
    return [(e["row"], e["column"], e["code"]) for e in job["errors"]]


async def undo(api: Api, world: World, job: dict, viewer: str = "hq_hr") -> dict:
    data = await api.data(UNDO, {"id": job["id"]}, as_=world.users[viewer])
    result: dict = data["undoImport"]
    return result


# --- courses -------------------------------------------------------------------------------------

COURSES = (
    "code,title,kind,format,duration_hours,cost,competencies\n"
    "SALES101,《销售入门》,通用,线上,6,800,PK:3;CNA:2\n"
    "MENTOR1,新人带教,industry,mentoring,20,,CNA:3\n"
)


async def test_courses_are_created_with_their_competencies_and_fee_and_updated(
    api: Api, library: Library
) -> None:
    w, fw = library.world, library.fw
    job = await run(api, w, "COURSES", COURSES)
    assert counts(job) == ("DONE", 2, 0, 0)
    sales = await Course.get(code="SALES101")
    assert (sales.title, sales.format, sales.kind.value) == (
        "《销售入门》",
        CourseFormat.ONLINE,
        "general",
    )
    links = await CourseCompetency.filter(course_id=sales.id).values_list(
        "competency_id", "target_level"
    )
    assert sorted(links) == sorted([(fw.pk.id, 3), (fw.cna.id, 2)])
    fee = await CostItem.get(course_id=sales.id)
    assert (fee.amount, fee.per_participant, fee.session_id) == (Decimal(800), True, None)

    again = await run(api, w, "COURSES", COURSES)
    assert counts(again) == ("DONE", 0, 0, 2)
    changed = COURSES.replace("《销售入门》,通用,线上,6,800", "《销售入门》第二版,通用,线上,8,900")
    updated = await run(api, w, "COURSES", changed)
    assert counts(updated) == ("DONE", 0, 1, 1)
    await sales.refresh_from_db()
    await fee.refresh_from_db()
    assert (sales.title, sales.duration_hours, fee.amount) == (
        "《销售入门》第二版",
        Decimal("8.0"),
        Decimal(900),
    )
    entries = await AuditEntry.filter(subject_type="Course", subject_id=sales.id).order_by("id")
    assert entries[0].action is AuditAction.CREATE
    titles = [e for e in entries if e.field == "title"]
    assert (titles[0].before, titles[0].after) == (
        {"title": "《销售入门》"},
        {"title": "《销售入门》第二版"},
    )


async def test_a_course_keeps_its_format_and_competencies_and_bad_values_name_the_choices(
    api: Api, library: Library
) -> None:
    w = library.world
    text = (
        "code,title,format,duration_hours,competencies\n"
        "K1,《产品知识大全》,workshop,6,PK:4\n"  # K1 is online
        "Q1,《如何通过提问识别客户需求》,workshop,8,CNA:5\n"  # Q1 builds CNA to 4
        "NEW1,新课,classroom,8,\n"
        "NEW2,新课二,online,0,XX:3\n"
    )
    job = await run(api, w, "COURSES", text)
    assert job["status"] == "INVALID"
    assert errors(job) == [
        (2, "format", "INVALID"),
        (3, "competencies", "INVALID"),
        (4, "format", "INVALID"),
        (5, "competencies", "NOT_FOUND"),
        (5, "duration_hours", "INVALID"),
    ]
    bad_format = job["errors"][2]
    assert bad_format["value"] == "classroom"
    assert bad_format["choices"] == ["online", "workshop", "blended", "mentoring"]
    assert job["errors"][3]["choices"] == ["CNA", "PK"]


async def test_only_who_may_create_courses_imports_them_and_modes_refuse(
    api: Api, library: Library
) -> None:
    w = library.world
    data = await api.data(
        IMPORT,
        {
            "input": {
                "kind": "COURSES",
                "fileName": "f.csv",
                "contentBase64": base64.b64encode(COURSES.encode()).decode(),
            }
        },
        as_=w.users["branch_hr"],
    )
    assert [e["code"] for e in data["importData"]["errors"]] == ["FORBIDDEN"]
    await run(api, w, "COURSES", COURSES.splitlines()[0] + "\n" + COURSES.splitlines()[1] + "\n")
    insert = await run(api, w, "COURSES", COURSES.replace(",6,800", ",7,800"), mode="INSERT")
    assert errors(insert) == [(2, "code", "DUPLICATE")]
    update = await run(api, w, "COURSES", COURSES.replace(",6,800", ",7,800"), mode="UPDATE")
    assert errors(update) == [(3, "code", "NOT_FOUND")]
    assert not await Course.filter(code="MENTOR1").exists()
    assert (await Course.get(code="SALES101")).duration_hours == Decimal(6)


async def test_a_course_import_is_undone_with_its_links_and_fee(api: Api, library: Library) -> None:
    w = library.world
    job = await run(api, w, "COURSES", COURSES)
    result = await undo(api, w, job)
    assert result["errors"] == [], result
    assert not await Course.filter(code__in=["SALES101", "MENTOR1"]).exists()
    assert await CourseCompetency.all().count() == 5  # the library's own
    assert await CostItem.all().count() == 0


async def test_the_course_export_imported_again_changes_nothing(api: Api, library: Library) -> None:
    w = library.world
    await run(api, w, "COURSES", COURSES)
    text = await exported(w, ImportKind.COURSES)
    assert "SALES101,《销售入门》,general,online,6,800,CNA:2;PK:3" in text
    job = await run(api, w, "COURSES", text)
    assert counts(job) == ("DONE", 0, 0, 6)


async def test_a_course_file_takes_the_same_statements_for_more_rows(
    api: Api, library: Library
) -> None:
    w = library.world

    def file(first: int, n: int) -> str:
        rows = [f"C{i},课程{i},online,2,50,PK:3" for i in range(first, first + n)]
        return "code,title,format,duration_hours,cost,competencies\n" + "\n".join(rows) + "\n"

    with StatementCounter() as few:
        await run(api, w, "COURSES", file(0, 2))
    with StatementCounter() as many:
        job = await run(api, w, "COURSES", file(100, 30))
    assert counts(job) == ("DONE", 30, 0, 0)
    assert many.count <= few.count, many.statements


# --- course sessions ---------------------------------------------------------------------------

SESSIONS = (
    "course_code,starts_at,ends_at,place,trainer,capacity,unit_code\n"
    "Q1,2025-06-10 09:00,2025-06-10 17:00,上海培训中心,李老师,20,SH\n"
    "N1,2025-07-01 09:00,2025-07-02 12:00,杭州总部,王老师,12,\n"
)


async def test_sessions_are_read_in_local_time_stored_in_utc_and_updated(
    api: Api, library: Library
) -> None:
    w = library.world
    job = await run(api, w, "COURSE_SESSIONS", SESSIONS)
    assert counts(job) == ("DONE", 2, 0, 0)
    start = datetime(2025, 6, 10, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    session = await CourseSession.get(course_id=library.questions.id, starts_at=start)
    assert (session.place, session.capacity, session.unit_id) == (
        "上海培训中心",
        20,
        w.units["SH"].id,
    )
    assert counts(await run(api, w, "COURSE_SESSIONS", SESSIONS)) == ("DONE", 0, 0, 2)
    bigger = SESSIONS.replace("李老师,20", "李老师,25")
    assert counts(await run(api, w, "COURSE_SESSIONS", bigger)) == ("DONE", 0, 1, 1)
    await session.refresh_from_db()
    assert session.capacity == 25
    entry = await AuditEntry.get(
        subject_type="CourseSession", subject_id=session.id, field="capacity"
    )
    assert (entry.before, entry.after) == ({"capacity": 20}, {"capacity": 25})
    text = await exported(w, ImportKind.COURSE_SESSIONS)
    assert "Q1,2025-06-10 09:00,2025-06-10 17:00,上海培训中心,李老师,25,SH," in text
    assert counts(await run(api, w, "COURSE_SESSIONS", text))[0:3] == ("DONE", 0, 0)


async def test_a_branch_hr_schedules_sessions_only_in_their_branch(
    api: Api, library: Library
) -> None:
    w = library.world
    text = SESSIONS + "Q1,2025-06-11 09:00,2025-06-11 17:00,北京,李老师,20,BJ\n"
    job = await run(api, w, "COURSE_SESSIONS", text, viewer="branch_hr")
    assert errors(job) == [(3, "unit_code", "FORBIDDEN"), (4, "unit_code", "NOT_FOUND")]
    mine = await run(api, w, "COURSE_SESSIONS", SESSIONS.splitlines()[0] + "\n"
                     + SESSIONS.splitlines()[1] + "\n", viewer="branch_hr")  # fmt: skip
    assert counts(mine) == ("DONE", 1, 0, 0)


async def test_session_rows_the_mutation_refuses_are_refused(api: Api, library: Library) -> None:
    w = library.world
    text = (
        "course_code,starts_at,ends_at,place,capacity\n"
        "K1,2025-06-10 09:00,2025-06-10 17:00,线上,20\n"  # online: no sessions
        "Q1,2025-06-10 09:00,2025-06-10 08:00,教室,20\n"
        "Q1,2025-06-12 09:00,2025-06-12 17:00,,0\n"
        "Q1,2025-06-31 09:00,2025-06-12 17:00,教室,5\n"
    )
    job = await run(api, w, "COURSE_SESSIONS", text)
    assert errors(job) == [
        (2, "course_code", "INVALID"),
        (3, "ends_at", "INVALID"),
        (4, "capacity", "INVALID"),
        (4, "place", "REQUIRED"),
        (5, "starts_at", "INVALID"),
    ]
    created = await run(api, w, "COURSE_SESSIONS", SESSIONS)
    changed = SESSIONS.replace(",20,", ",21,").replace(",12,", ",13,")
    insert = await run(api, w, "COURSE_SESSIONS", changed, mode="INSERT")
    assert errors(insert) == [(2, "starts_at", "DUPLICATE"), (3, "starts_at", "DUPLICATE")]
    later = SESSIONS.replace("2025-06-10 09:00", "2025-06-10 10:00")
    update = await run(api, w, "COURSE_SESSIONS", later, mode="UPDATE")
    assert errors(update) == [(2, "starts_at", "NOT_FOUND")]
    assert (await undo(api, w, created))["errors"] == []
    assert await CourseSession.all().count() == 2  # the library's own


# --- training history ------------------------------------------------------------------------


def history(library: Library, *lines: str) -> str:
    return (
        "employee_number,course_code,session_start,enrolled_on,completed_on,score,cost\n"
        + "".join(line + "\n" for line in lines)
    )


async def test_history_is_created_as_completed_enrolments_and_updated(
    api: Api, library: Library
) -> None:
    w = library.world
    await run(api, w, "COURSE_SESSIONS", SESSIONS)
    rep, rep2 = w.people["sh_rep"], w.people["sh_rep2"]
    text = history(
        library,
        f"{rep.employee_number},K1,,2024-02-01,2024-03-15,86,800",
        f"{rep2.employee_number},Q1,2025-06-10 09:00,,2025-06-10,92.5,",
    )
    job = await run(api, w, "TRAINING_HISTORY", text)
    assert counts(job) == ("DONE", 2, 0, 0)
    online = await Enrollment.get(employee_id=rep.id, course_id=library.knowledge.id)
    assert online.status is EnrollmentStatus.COMPLETED
    assert (
        online.completed_at is not None and online.completed_at.date().isoformat() == "2024-03-15"
    )
    assert (online.score, online.actual_cost) == (Decimal("86.0"), Decimal("800.00"))
    workshop = await Enrollment.get(employee_id=rep2.id, course_id=library.questions.id)
    assert workshop.session_id is not None and workshop.attended is True

    assert counts(await run(api, w, "TRAINING_HISTORY", text)) == ("DONE", 0, 0, 2)
    better = text.replace(",86,800", ",90,800")
    assert counts(await run(api, w, "TRAINING_HISTORY", better)) == ("DONE", 0, 1, 1)
    entry = await AuditEntry.get(subject_type="Enrollment", subject_id=online.id, field="score")
    assert (entry.before, entry.after) == ({"score": "86"}, {"score": "90"})

    exported_text = await exported(w, ImportKind.TRAINING_HISTORY)
    assert (
        f"{rep2.employee_number},Q1,2025-06-10 09:00,2025-06-10,2025-06-10,92.5," in exported_text
    )
    assert counts(await run(api, w, "TRAINING_HISTORY", exported_text)) == ("DONE", 0, 0, 2)


async def test_history_rows_are_refused_outside_scope_about_oneself_and_as_complete_refuses(
    api: Api, library: Library
) -> None:
    w = library.world
    sh_hr, bj = w.people["sh_hr_person"], w.people["bj_rep"]
    rep = w.people["sh_rep"]
    text = history(
        library,
        f"{bj.employee_number},K1,,,2024-03-15,,",
        f"{sh_hr.employee_number},K1,,,2024-03-15,,",
        f"{rep.employee_number},K1,,,2999-01-01,,",
        f"{rep.employee_number},K1,,2024-04-01,2024-03-15,101,-5",
        f"{rep.employee_number},NOPE,,,2024-03-15,,",
        f"{rep.employee_number},K1,2024-03-15 09:00,,2024-03-15,,",
    )
    job = await run(api, w, "TRAINING_HISTORY", text, viewer="branch_hr")
    assert errors(job) == [
        (2, "employee_number", "NOT_FOUND"),
        (3, "employee_number", "SELF_DEALING"),
        (4, "completed_on", "INVALID"),
        (5, "cost", "INVALID"),
        (5, "enrolled_on", "INVALID"),
        (5, "score", "INVALID"),
        (6, "course_code", "NOT_FOUND"),
        (7, "session_start", "INVALID"),
    ]
    assert await Enrollment.all().count() == 0


async def test_history_modes_undo_and_an_enrolment_in_progress(api: Api, library: Library) -> None:
    w = library.world
    rep, rep2 = w.people["sh_rep"], w.people["sh_rep2"]
    first = history(library, f"{rep.employee_number},K1,,,2024-03-15,80,")
    job = await run(api, w, "TRAINING_HISTORY", first)
    both = first.replace(",80,", ",85,") + f"{rep2.employee_number},K1,,,2024-03-15,70,\n"
    assert errors(await run(api, w, "TRAINING_HISTORY", both, mode="INSERT")) == [
        (2, "course_code", "DUPLICATE")
    ]
    assert errors(await run(api, w, "TRAINING_HISTORY", both, mode="UPDATE")) == [
        (3, "course_code", "NOT_FOUND")
    ]
    assert (await undo(api, w, job))["errors"] == []
    assert await Enrollment.all().count() == 0

    await run(api, w, "COURSE_SESSIONS", SESSIONS)
    session = await CourseSession.get(course_id=library.questions.id, place="上海培训中心",
                                      capacity=20)  # fmt: skip
    await Enrollment.create(
        course=library.questions,
        session=session,
        employee=rep,
        status=EnrollmentStatus.ENROLLED,
        source="hr",
        enrolled_at=datetime.now(UTC),
    )
    open_one = history(library, f"{rep.employee_number},Q1,2025-06-10 09:00,,2025-06-10,,")
    assert errors(await run(api, w, "TRAINING_HISTORY", open_one)) == [
        (2, "course_code", "CONFLICT")
    ]


async def test_a_history_file_takes_the_same_statements_for_more_rows(
    api: Api, library: Library
) -> None:
    w = library.world
    numbers = [w.people[p].employee_number for p in ("sh_rep", "sh_rep2", "sh_worker")]

    def file(year: int, days: int) -> str:
        return history(
            library,
            *(
                f"{number},K1,,,{year}-01-{day:02d},80,100"
                for number in numbers
                for day in range(1, days + 1)
            ),
        )

    with StatementCounter() as few:
        await run(api, w, "TRAINING_HISTORY", file(2023, 1))
    with StatementCounter() as many:
        job = await run(api, w, "TRAINING_HISTORY", file(2024, 10))
    assert counts(job) == ("DONE", 30, 0, 0)
    assert many.count <= few.count, many.statements
