"""The training domain's import kinds (imports/kinds.py): the course library, course sessions
and training history — enrolments completed before the company moved in, with their real
completion dates, scores and costs, so that the training-effect report (analytics/) counts
them exactly as enrolments completed in the app. Their row checks: training/import_rows.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from talentloop import timezones
from talentloop.access.policy import Viewer
from talentloop.errors import ErrorCode
from talentloop.i18n import N_
from talentloop.imports.kinds import Column, ImportSpec
from talentloop.imports.rows import FileRows
from talentloop.imports.writing import WriteContext, in_order, snapshot
from talentloop.org import service as org_service
from talentloop.org.models import OrgUnit
from talentloop.performance.imports import _manageable_employees
from talentloop.performance.models import ImportKind
from talentloop.skills.models import Competency
from talentloop.training import import_rows as rows
from talentloop.training.models import (
    CostItem,
    CostKind,
    Course,
    CourseCompetency,
    CourseFormat,
    CourseKind,
    CourseSession,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
)
from talentloop.training.service import company_today, visible_enrollments

BATCH = 500
NOT_COMPLETED = N_(
    "This enrolment is not completed; record its completion in the app, not by an import."
)


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


async def _created_part(ctx: WriteContext, record: Any, **kw: Any) -> None:
    """A record made with its row's main one (a course's competency link or fee): audited
    and undone with it, counted once with the row."""
    await ctx.created(record, **kw)
    ctx.created_rows -= 1


# --- courses -------------------------------------------------------------------------------------


def may_import_courses(viewer: Viewer) -> bool:
    """Who may createCourse: HQ HR keeps the course library."""
    return viewer.is_hq_hr and viewer.user_id is not None


def _is_fee(item: CostItem) -> bool:
    return item.session_id is None and item.per_participant and item.kind is CostKind.FEE


async def _fees(course_ids: list[int]) -> dict[int, list[CostItem]]:
    found: dict[int, list[CostItem]] = defaultdict(list)
    for chunk in _chunks(sorted(course_ids)):
        for item in await CostItem.filter(
            course_id__in=chunk, session_id__isnull=True, per_participant=True, kind=CostKind.FEE
        ).order_by("id"):
            found[item.course_id].append(item)
    return found


async def _links(course_ids: list[int]) -> dict[int, set[tuple[int, int]]]:
    found: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for chunk in _chunks(sorted(course_ids)):
        for course_id, competency_id, level in await CourseCompetency.filter(
            course_id__in=chunk
        ).values_list("course_id", "competency_id", "target_level"):
            found[course_id].add((competency_id, level))
    return found


async def course_lookups(viewer: Viewer, file: FileRows) -> rows.CourseLookups:
    stored: dict[str, tuple[int, CourseFormat]] = {}
    for chunk in _chunks(sorted(file.values("code") - {""})):
        for code, pk, fmt in await Course.filter(code__in=chunk).values_list(
            "code", "id", "format"
        ):
            stored[code] = (pk, CourseFormat(fmt))
    ids = [pk for pk, _ in stored.values()]
    links, fees = await _links(ids), await _fees(ids)
    return rows.CourseLookups(
        courses={
            code: rows.StoredCourse(
                pk, fmt, frozenset(links.get(pk, ())), tuple(f.amount for f in fees.get(pk, ()))
            )
            for code, (pk, fmt) in stored.items()
        },
        competencies=dict(await Competency.all().values_list("code", "id")),
    )


_COURSE_FIELDS = ("title", "kind", "duration_hours", "provider", "description")


async def write_courses(ctx: WriteContext) -> None:
    for chunk in _chunks(list(ctx.items)):
        codes = [code for (code,) in chunk]
        existing = {c.code: c for c in await Course.filter(code__in=codes)}
        fees = await _fees([c.id for c in existing.values()])
        new: list[Course] = []
        changed: list[tuple[Course, dict[str, Any]]] = []
        new_fees: list[CostItem] = []
        changed_fees: list[tuple[CostItem, dict[str, Any], bool]] = []
        for (code,) in chunk:
            row, values, _, cost, present = ctx.items[(code,)]
            course = existing.get(code)
            if course is None:
                if ctx.may_create(row, "code"):
                    new.append(Course(code=code, **values))
                continue
            wanted = {
                k: v
                for k, v in values.items()
                if k in _COURSE_FIELDS and (k not in ("provider", "description") or k in present)
            }
            differs = any(getattr(course, k) != v for k, v in wanted.items())
            stored_fees = fees.get(course.id, [])
            fee_differs = (
                cost is not None and sum((f.amount for f in stored_fees), Decimal(0)) != cost
            )
            if not differs and not fee_differs:
                ctx.unchanged()
                continue
            if not ctx.may_update(row, "code"):
                continue
            if differs:
                changed.append((course, snapshot(course)))
                for k, v in wanted.items():
                    setattr(course, k, v)
            if fee_differs and stored_fees:
                fee = stored_fees[0]  # one: the row check refused a change to several
                changed_fees.append((fee, snapshot(fee), not differs))
                fee.amount = cost
            elif fee_differs:
                new_fees.append(
                    CostItem(
                        course_id=course.id, kind=CostKind.FEE, amount=cost, per_participant=True
                    )
                )
                if not differs:
                    ctx.updated_rows += 1  # the row changes its course by its new fee
        if new:
            await Course.bulk_create(new)
            made = {c.code: c for c in await Course.filter(code__in=[c.code for c in new])}
            links: list[CourseCompetency] = []
            for course in new:
                stored = made[course.code]
                await ctx.created(stored)
                _, _, wanted_links, cost, _ = ctx.items[(course.code,)]
                links += [
                    CourseCompetency(course_id=stored.id, competency_id=c, target_level=lv)
                    for c, lv in wanted_links or []
                ]
                if cost is not None:
                    new_fees.append(
                        CostItem(
                            course_id=stored.id,
                            kind=CostKind.FEE,
                            amount=cost,
                            per_participant=True,
                        )
                    )
            if links:
                await CourseCompetency.bulk_create(links)
                for link in await CourseCompetency.filter(
                    course_id__in=[c.id for c in made.values()]
                ):
                    await _created_part(ctx, link)
        if changed:
            await Course.bulk_update([c for c, _ in changed], fields=list(_COURSE_FIELDS))
            for course, before in changed:
                await ctx.updated(course, before)
        if new_fees:
            ids = sorted({f.course_id for f in new_fees})
            known = {f.id for items in (await _fees(ids)).values() for f in items}
            await CostItem.bulk_create(new_fees)
            for items in (await _fees(ids)).values():
                for fee in items:
                    if fee.id not in known:
                        await _created_part(ctx, fee)
        if changed_fees:
            await CostItem.bulk_update([f for f, *_ in changed_fees], fields=["amount"])
            for fee, before, counted in changed_fees:
                await ctx.updated(fee, before, count=counted)
        ctx.progress()


async def export_courses(viewer: Viewer) -> AsyncIterator[list[str]]:
    if not may_import_courses(viewer):
        return
    codes = {pk: code for pk, code in await Competency.all().values_list("id", "code")}
    courses = await Course.all().order_by("code")
    ids = [c.id for c in courses]
    links, fees = await _links(ids), await _fees(ids)
    for course in courses:
        fee = fees.get(course.id)
        yield [
            course.code,
            course.title,
            course.kind.value,
            course.format.value,
            _text(course.duration_hours),
            _text(sum((f.amount for f in fee), Decimal(0))) if fee else "",
            ";".join(
                f"{codes[c]}:{lv}"
                for c, lv in sorted(links.get(course.id, ()), key=lambda p: codes[p[0]])
            ),
            course.provider,
            course.description,
        ]


async def course_choices(viewer: Viewer) -> dict[str, list[str]]:
    return {
        "format": [f.value for f in CourseFormat],
        "kind": [k.value for k in CourseKind],
        "competencies": [
            str(c) for c in await Competency.all().order_by("code").values_list("code", flat=True)
        ],
    }


# --- course sessions ---------------------------------------------------------------------------


def may_import_sessions(viewer: Viewer) -> bool:
    """Who may addCourseSession: HR (each row in the unit they look after; company-wide ones
    HQ HR)."""
    return viewer.can_manage_employees and viewer.user_id is not None


def _utc(moment: datetime) -> datetime:
    """To the minute: sessions are scheduled, exported and matched to the minute."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


async def _courses(codes: set[str]) -> dict[str, rows.CourseFacts]:
    found: dict[str, rows.CourseFacts] = {}
    for chunk in _chunks(sorted(codes - {""})):
        for code, pk, fmt in await Course.filter(code__in=chunk).values_list(
            "code", "id", "format"
        ):
            found[code] = rows.CourseFacts(pk, CourseFormat(fmt))
    return found


async def session_lookups(viewer: Viewer, file: FileRows) -> rows.SessionLookups:
    courses = await _courses(file.values("course_code"))
    table = await timezones.zone_table()
    units = {
        u.code: (u.id, u.path, table.for_path(u.path))
        for u in await org_service.visible_units(viewer)
    }
    sessions: dict[tuple[int, datetime], tuple[str | None, bool]] = {}
    ids = [c.id for c in courses.values()]
    for chunk in _chunks(ids):
        for course_id, starts_at, path, cancelled in await CourseSession.filter(
            course_id__in=chunk
        ).values_list("course_id", "starts_at", "unit__path", "cancelled_at"):
            sessions[(course_id, _utc(starts_at))] = (path, cancelled is not None)
    return rows.SessionLookups(
        courses=courses, units=units, company_zone=table.company, sessions=sessions
    )


_SESSION_FIELDS = ["ends_at", "place", "trainer", "capacity", "unit_id", "time_zone"]


async def _sessions_of(
    keys: list[tuple[int, datetime]],
) -> dict[tuple[int, datetime], CourseSession]:
    """The sessions of these (course, start to the minute) keys: read between the chunk's
    first and last start, not every session of its courses (a course of 20,000 sessions is
    read once a chunk otherwise)."""
    found: dict[tuple[int, datetime], CourseSession] = {}
    if not keys:
        return found
    first = min(k[1] for k in keys)
    last = max(k[1] for k in keys) + timedelta(minutes=1)
    for s in await CourseSession.filter(
        course_id__in=sorted({k[0] for k in keys}), starts_at__gte=first, starts_at__lt=last
    ):
        found[(s.course_id, _utc(s.starts_at))] = s
    return found


async def write_sessions(ctx: WriteContext) -> None:
    for chunk in _chunks(list(ctx.items)):
        existing = await _sessions_of(chunk)
        new: list[CourseSession] = []
        changed: list[tuple[CourseSession, dict[str, Any]]] = []
        for key in chunk:
            row, values = ctx.items[key]
            session = existing.get(key)
            if session is None:
                if ctx.may_create(row, "starts_at"):
                    new.append(CourseSession(course_id=key[0], starts_at=key[1], **values))
                continue
            wanted = dict(values)
            if not wanted["trainer"]:
                wanted["trainer"] = session.trainer  # an empty cell leaves the trainer
            if all(
                (_utc(getattr(session, k)) if k == "ends_at" else getattr(session, k)) == v
                for k, v in wanted.items()
            ):
                ctx.unchanged()
                continue
            if not ctx.may_update(row, "starts_at"):
                continue
            changed.append((session, snapshot(session)))
            if wanted["trainer"] != session.trainer:
                session.registered_trainer_id = None  # the register's trainer no longer
            for k, v in wanted.items():
                setattr(session, k, v)
        if new:
            await CourseSession.bulk_create(new)
            made = await _sessions_of([(s.course_id, _utc(s.starts_at)) for s in new])
            for session in new:
                await ctx.created(made[(session.course_id, _utc(session.starts_at))])
        if changed:
            await CourseSession.bulk_update(
                [s for s, _ in changed], fields=[*_SESSION_FIELDS, "registered_trainer_id"]
            )
            for session, before in changed:
                await ctx.updated(session, before)
        ctx.progress()


async def _session_zones(sessions: list[CourseSession]) -> dict[int, str]:
    table = await timezones.zone_table()
    paths = dict(
        await OrgUnit.filter(
            id__in=sorted({s.unit_id for s in sessions if s.unit_id is not None})
        ).values_list("id", "path")
    )
    return {
        s.id: s.time_zone or table.for_path(str(paths[s.unit_id]) if s.unit_id in paths else None)
        for s in sessions
    }


async def export_sessions(viewer: Viewer) -> AsyncIterator[list[str]]:
    if not may_import_sessions(viewer):
        return
    async for chunk in in_order(
        CourseSession.all(), ("course__code", "starts_at"), ("course", "unit")
    ):
        sessions = [
            s for s in chunk if viewer.can_manage_setting_in(s.unit.path if s.unit else None)
        ]
        zones = await _session_zones(sessions)
        for s in sessions:
            zone = zones[s.id]
            yield [
                s.course.code,
                timezones.local_text(s.starts_at, zone),
                timezones.local_text(s.ends_at, zone),
                s.place,
                s.trainer,
                str(s.capacity),
                s.unit.code if s.unit else "",
                s.time_zone or "",
            ]


async def session_choices(viewer: Viewer) -> dict[str, list[str]]:
    courses = await Course.filter(format__in=list(rows.WITH_SESSIONS), is_active=True).order_by(
        "code"
    )
    units = await org_service.visible_units(viewer).order_by("code")
    return {
        "course_code": [c.code for c in courses],
        "unit_code": [u.code for u in units if viewer.can_manage_setting_in(u.path)],
    }


# --- training history ------------------------------------------------------------------------


def may_import_history(viewer: Viewer) -> bool:
    """HR record what their people completed (each row in their scope)."""
    return viewer.can_manage_employees and viewer.user_id is not None


def _company_day(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(rows.COMPANY_ZONE)).date()


async def history_lookups(viewer: Viewer, file: FileRows) -> rows.HistoryLookups:
    courses = await _courses(file.values("course_code"))
    found: dict[tuple[int, str], tuple[int, date]] = {}
    if "session_start" in file.columns:
        with_sessions = [c.id for c in courses.values() if c.format in rows.WITH_SESSIONS]
        sessions: list[CourseSession] = []
        for chunk in _chunks(with_sessions):
            sessions += await CourseSession.filter(course_id__in=chunk)
        zones = await _session_zones(sessions)
        for s in sessions:
            start = timezones.local_text(s.starts_at, zones[s.id])
            found[(s.course_id, start)] = (s.id, _company_day(s.starts_at))
    return rows.HistoryLookups(
        employees=await _manageable_employees(viewer, file.values("employee_number") - {""}),
        courses=courses,
        sessions=found,
        today=company_today(),
    )


def _history_key(e: Enrollment) -> tuple[Any, ...] | None:
    if e.session_id is not None:
        return (e.employee_id, e.course_id, ("session", e.session_id))
    if e.completed_at is None:
        return None
    return (e.employee_id, e.course_id, ("day", _company_day(e.completed_at)))


async def _enrollments_of(keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], Enrollment]:
    wanted = set(keys)
    found: dict[tuple[Any, ...], Enrollment] = {}
    for e in await Enrollment.filter(
        employee_id__in=sorted({k[0] for k in keys}), course_id__in=sorted({k[1] for k in keys})
    ).order_by("id"):
        key = _history_key(e)
        if key in wanted and key not in found:
            found[key] = e
    return found


async def write_history(ctx: WriteContext) -> None:
    for chunk in _chunks(list(ctx.items)):
        existing = await _enrollments_of(chunk)
        new: list[Enrollment] = []
        changed: list[tuple[Enrollment, dict[str, Any]]] = []
        for key in chunk:
            row, values = ctx.items[key]
            enrollment = existing.get(key)
            if enrollment is None:
                if ctx.may_create(row, "course_code"):
                    session_id = key[2][1] if key[2][0] == "session" else None
                    new.append(
                        Enrollment(
                            course_id=key[1],
                            session_id=session_id,
                            employee_id=key[0],
                            status=EnrollmentStatus.COMPLETED,
                            source=EnrollmentSource.HR,
                            enrolled_by_id=ctx.viewer.user_id,
                            progress_percent=100,
                            attended=True if session_id is not None else None,
                            **values,
                        )
                    )
                continue
            if enrollment.status is not EnrollmentStatus.COMPLETED:
                ctx.problems.error(row, "course_code", NOT_COMPLETED, ErrorCode.CONFLICT)
                continue
            wanted: dict[str, Any] = {}
            for name in ("enrolled_at", "completed_at"):
                stored = getattr(enrollment, name)
                # The same day keeps the instant the app recorded.
                if stored is None or _company_day(stored) != _company_day(values[name]):
                    wanted[name] = values[name]
            for name in ("score", "actual_cost"):
                if values[name] is not None and getattr(enrollment, name) != values[name]:
                    wanted[name] = values[name]
            if not wanted:
                ctx.unchanged()
                continue
            if not ctx.may_update(row, "course_code"):
                continue
            changed.append((enrollment, snapshot(enrollment)))
            for name, value in wanted.items():
                setattr(enrollment, name, value)
        if new:
            await Enrollment.bulk_create(new)
            made = await _enrollments_of([_history_key(e) for e in new])  # type: ignore[misc]
            for enrollment in new:
                stored = made[_history_key(enrollment)]  # type: ignore[index]
                await ctx.created(stored, employee_id=stored.employee_id)
        if changed:
            await Enrollment.bulk_update(
                [e for e, _ in changed],
                fields=["enrolled_at", "completed_at", "score", "actual_cost"],
            )
            for enrollment, before in changed:
                await ctx.updated(enrollment, before, employee_id=enrollment.employee_id)
        ctx.progress()


async def export_history(viewer: Viewer) -> AsyncIterator[list[str]]:
    """The completed enrolments of the people the viewer manages, but their own."""
    if not may_import_history(viewer):
        return
    query = visible_enrollments(viewer).filter(
        status=EnrollmentStatus.COMPLETED, completed_at__isnull=False
    )
    ordering = ("employee__employee_number", "course__code", "completed_at")
    async for chunk in in_order(query, ordering, ("employee__unit", "course", "session")):
        done = [
            e
            for e in chunk
            if viewer.can_manage_employees_in(e.employee.unit.path)
            and not viewer.is_self(e.employee_id)
        ]
        sessions = [e.session for e in done if e.session is not None]
        zones = await _session_zones(sessions)
        for e in done:
            assert e.completed_at is not None
            yield [
                e.employee.employee_number,
                e.course.code,
                timezones.local_text(e.session.starts_at, zones[e.session.id]) if e.session else "",
                _company_day(e.enrolled_at).isoformat(),
                _company_day(e.completed_at).isoformat(),
                _text(e.score),
                _text(e.actual_cost),
            ]


async def history_choices(viewer: Viewer) -> dict[str, list[str]]:
    return {"course_code": [c.code for c in await Course.filter(is_active=True).order_by("code")]}


# --- the specs -------------------------------------------------------------------------------------

EMPLOYEE_NUMBER = Column(
    "employee_number",
    "Employee number",
    ("员工编号", "员工号", "Employee No"),
    True,
    "E1001",
    "工号",
)
COURSE_CODE = Column(
    "course_code", "Course code", ("课程代码", "课程", "Course"), True, "PK", "课程编码"
)

SPECS = {
    ImportKind.COURSES: ImportSpec(
        kind=ImportKind.COURSES,
        columns=(
            Column("code", "Code", ("课程代码", "Course code"), True, "PK", "课程编码"),
            Column(
                "title",
                "Name",
                ("课程名", "Title", "Course name"),
                True,
                "《产品知识大全》",
                "课程名称",
            ),
            Column("kind", "Category", ("类别", "Kind"), False, "general", "课程类别"),
            Column("format", "Format", ("形式", "培训形式", "Type"), True, "online", "授课形式"),
            Column("duration_hours", "Hours", ("学时", "Duration", "时长"), True, "6", "课时"),
            Column(
                "cost",
                "Fee per participant",
                ("费用", "Cost", "人均费用"),
                False,
                "800",
                "人均费用",
            ),
            Column(
                "competencies",
                "Competencies",
                ("能力", "能力项", "Capabilities"),
                False,
                "PK:4;CNA:3",
                "培养能力",
            ),
            Column("provider", "Provider", ("供应商", "机构"), False, "", "培训机构"),
            Column("description", "Description", ("说明", "简介"), False, "", "课程简介"),
        ),
        key=("code",),
        lookup_columns=("code",),
        lookups=course_lookups,
        check=rows.course_check,
        write=write_courses,
        may_import=may_import_courses,
        export=export_courses,
        choices=course_choices,
        values={
            "format": {k: v.value for k, v in rows.FORMATS.items() if k != v.value},
            "kind": {k: v.value for k, v in rows.KINDS.items() if k != v.value},
        },
    ),
    ImportKind.COURSE_SESSIONS: ImportSpec(
        kind=ImportKind.COURSE_SESSIONS,
        columns=(
            COURSE_CODE,
            Column("starts_at", "Starts", ("开始时间", "Start"), True, "2026-12-10 09:00", "开始"),
            Column("ends_at", "Ends", ("结束时间", "End"), True, "2026-12-10 17:00", "结束"),
            Column("place", "Place", ("地址", "Location", "Venue"), True, "上海培训中心", "地点"),
            Column("trainer", "Trainer", ("讲师姓名", "Teacher"), False, "李老师", "讲师"),
            Column("capacity", "Seats", ("名额", "Capacity", "人数上限"), True, "20", "容量"),
            Column("unit_code", "Unit code", ("组织编码", "部门编码"), False, "SH", "举办单位编码"),
            Column("time_zone", "Time zone", ("时区",), False, "", "所在时区"),
        ),
        key=("course_code", "starts_at"),
        lookup_columns=("course_code",),
        lookups=session_lookups,
        check=rows.session_check,
        write=write_sessions,
        may_import=may_import_sessions,
        export=export_sessions,
        choices=session_choices,
    ),
    ImportKind.TRAINING_HISTORY: ImportSpec(
        kind=ImportKind.TRAINING_HISTORY,
        columns=(
            EMPLOYEE_NUMBER,
            COURSE_CODE,
            Column(
                "session_start", "Session start", ("场次", "Session"), False, "", "场次开始时间"
            ),
            Column(
                "enrolled_on",
                "Enrolled on",
                ("报名时间", "Enrolled"),
                False,
                "2025-03-01",
                "报名日期",
            ),
            Column(
                "completed_on",
                "Completed on",
                ("完成时间", "Completed"),
                True,
                "2025-03-20",
                "完成日期",
            ),
            Column("score", "Score", ("成绩", "考试成绩"), False, "86", "分数"),
            Column("cost", "Cost", ("实际费用", "费用"), False, "800", "实际成本"),
        ),
        key=("employee_number", "course_code", "session_start", "completed_on"),
        lookup_columns=("employee_number", "course_code"),
        lookups=history_lookups,
        check=rows.history_check,
        write=write_history,
        may_import=may_import_history,
        export=export_history,
        choices=history_choices,
    ),
}
