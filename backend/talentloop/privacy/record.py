"""An employee's copy of their own record (PIPL art. 45: the right to consult and copy one's
personal information), as JSON or XLSX, for `GET /me/record.json` and `GET /me/record.xlsx`.

Only the viewer's own data, read through the same scope-filtered services as everything else:
the record (ID number and bank account in full — they are the employee's own, and the read is
written to the audit trail), KPI records and effective targets, competency scores and gaps
(the weighted score only: no rater and no single anonymous rating), training enrolments.

The JSON document (`format: "talentloop.own-record/1"`; keys are stable, new keys may be
added, none renamed or removed without a new format version):

    {
      "format": "talentloop.own-record/1",
      "generatedAt": "2026-11-29T08:00:00+00:00",        # UTC
      "employee": {
        "personal": {"name", "gender", "birthDate", "idNumber"},
        "work": {"employeeNumber", "status", "unit": {"code", "name"},
                 "position": {"code", "title", "level"} | null,
                 "manager": {"employeeNumber", "name"} | null,
                 "hireDate", "terminationDate", "terminationReason"},
        "contact": {"workPhone", "workEmail", "personalPhone"},
        "pay": {"baseSalary", "bankAccount"}
      },
      "kpiRecords": [{"kpiCode", "kpiName", "unit", "period", "dimension", "value"}],
      "kpiTargets": [{"kpiCode", "kpiName", "unit", "period", "value"}],
      "competencies": [{"code", "name", "score", "calibrated", "required", "gap"}],
      "enrollments": [{"courseCode", "courseTitle", "format", "status", "enrolledAt",
                       "sessionStartsAt", "progressPercent", "attended", "examScore",
                       "examMaxScore", "completedAt", "cancelledAt", "feedbackRating",
                       "feedbackComment"}],
      "contracts": [{"kind", "startDate", "endDate", "probationEnd", "signedOn", "note"}],
      "education": [{"school", "degree", "major", "startDate", "endDate"}],
      "workHistory": [{"employer", "title", "startDate", "endDate"}],
      "emergencyContacts": [{"name", "relationship", "phone"}],
      "archiveDocuments": [{"type", "fileName", "size", "uploadedAt"}]   # the list; files
    }                                                  # are downloaded from /archive/<id>

Dates are ISO 8601, amounts decimal strings, absent values null.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from talentloop import timezones
from talentloop.access.policy import Viewer
from talentloop.audit import service as audit
from talentloop.i18n import N_, translate
from talentloop.people import service as people
from talentloop.people.models import Employee
from talentloop.people.sensitive import SensitiveField, read
from talentloop.performance import rollup
from talentloop.performance import service as performance
from talentloop.performance.models import Kpi, KpiTarget
from talentloop.skills import service as skills
from talentloop.skills.models import Competency
from talentloop.spreadsheets import Workbook, xlsx_bytes
from talentloop.training import service as training

FORMAT = "talentloop.own-record/1"
MEDIA_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def own_record(viewer: Viewer, file_format: str) -> dict[str, Any] | None:
    """The viewer's own record, or None when their account has no employee record. The full
    ID number and bank account are read for it: both reads are logged, before anything leaves."""
    if viewer.employee_id is None:
        return None
    employee = await people.get_employee(viewer, viewer.employee_id)
    if employee is None:
        return None
    await employee.fetch_related("position", "manager")
    why = audit.OWN_RECORD.format(format=file_format.upper())
    plain = {field: read(employee, field) for field in SensitiveField}
    for field in SensitiveField:
        await audit.record_sensitive_read(viewer, employee.id, field.api_name, why)
    return {
        "format": FORMAT,
        "generatedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "employee": _employee(employee, plain),
        **await _performance(viewer, employee),
        "competencies": await _competencies(viewer, employee),
        "enrollments": await _enrollments(viewer, employee),
        **await _records(viewer, employee),
    }


def _employee(e: Employee, plain: dict[SensitiveField, str | None]) -> dict[str, Any]:
    position, manager = e.position, e.manager
    return {
        "personal": {
            "name": e.name,
            "gender": _plain(e.gender),
            "birthDate": _plain(e.birth_date),
            "idNumber": plain[SensitiveField.ID_NUMBER],
        },
        "work": {
            "employeeNumber": e.employee_number,
            "status": _plain(e.status),
            "unit": {"code": e.unit.code, "name": e.unit.name},
            "position": (
                {"code": position.code, "title": position.title, "level": position.level}
                if position is not None
                else None
            ),
            "manager": (
                {"employeeNumber": manager.employee_number, "name": manager.name}
                if manager is not None
                else None
            ),
            "hireDate": _plain(e.hire_date),
            "terminationDate": _plain(e.termination_date),
            "terminationReason": e.termination_reason,
        },
        "contact": {
            "workPhone": e.work_phone,
            "workEmail": e.work_email,
            "personalPhone": e.personal_phone,
        },
        "pay": {
            "baseSalary": _plain(e.base_salary),
            "bankAccount": plain[SensitiveField.BANK_ACCOUNT],
        },
    }


async def _performance(viewer: Viewer, employee: Employee) -> dict[str, Any]:
    records = (
        await performance.visible_records(viewer)
        .filter(employee_id=employee.id)
        .select_related("kpi")
        .order_by("period", "kpi__code", "dimension")
    )
    # Effective targets (the employee's own, else their unit's, adjusted by training rules) for
    # every KPI and period that has a record or a target of the employee's own.
    periods: dict[int, set[date]] = defaultdict(set)
    for r in records:
        periods[r.kpi_id].add(rollup.as_date(r.period))
    for t in await KpiTarget.filter(employee_id=employee.id).values("kpi_id", "period"):
        periods[t["kpi_id"]].add(rollup.as_date(t["period"]))
    kpis = {k.id: k for k in await Kpi.filter(id__in=list(periods))}
    targets = []
    for kpi_id in sorted(periods, key=lambda k: kpis[k].code):
        wanted = sorted(periods[kpi_id])
        resolved = await rollup.resolve_targets(
            kpis[kpi_id], wanted, {employee.id: employee.unit.path}
        )
        for period in wanted:
            if (employee.id, period) in resolved:
                targets.append(
                    _kpi_row(kpis[kpi_id]) | _period_value(period, resolved[(employee.id, period)])
                )
    targets.sort(key=lambda row: (row["period"], row["kpiCode"]))
    return {
        "kpiRecords": [
            _kpi_row(r.kpi)
            | _period_value(rollup.as_date(r.period), r.value)
            | {"dimension": r.dimension or None}
            for r in records
        ],
        "kpiTargets": targets,
    }


def _kpi_row(kpi: Kpi) -> dict[str, Any]:
    return {"kpiCode": kpi.code, "kpiName": kpi.name, "unit": _plain(kpi.unit)}


def _period_value(period: date, value: Decimal) -> dict[str, Any]:
    return {"period": period.isoformat(), "value": _plain(rollup.tidy(Decimal(str(value))))}


async def _competencies(viewer: Viewer, employee: Employee) -> list[dict[str, Any]]:
    scores = await skills.employee_scores(viewer, employee.id) or []
    names = {c.id: c for c in await Competency.all()}
    rows = []
    for s in scores:
        if s.score is None and s.required is None:
            continue
        competency = names[s.competency_id]
        rows.append(
            {
                "code": competency.code,
                "name": competency.name,
                "score": _plain(s.score),
                "calibrated": s.calibrated is not None,
                "required": s.required,
                "gap": _plain(s.gap),
            }
        )
    return rows


async def _enrollments(viewer: Viewer, employee: Employee) -> list[dict[str, Any]]:
    enrollments = (
        await training.visible_enrollments(viewer)
        .filter(employee_id=employee.id)
        .select_related("course", "session", "exam_attempt")
        .order_by("enrolled_at", "id")
    )
    return [
        {
            "courseCode": e.course.code,
            "courseTitle": e.course.title,
            "format": _plain(e.course.format),
            "status": _plain(e.status),
            "enrolledAt": _plain(e.enrolled_at),
            "sessionStartsAt": _plain(e.session.starts_at) if e.session else None,
            "progressPercent": e.progress_percent,
            "attended": e.attended,
            "examScore": e.exam_attempt.score if e.exam_attempt else None,
            "examMaxScore": e.exam_attempt.max_score if e.exam_attempt else None,
            "completedAt": _plain(e.completed_at),
            "cancelledAt": _plain(e.cancelled_at),
            "feedbackRating": e.feedback_rating,
            "feedbackComment": e.feedback_comment or None,
        }
        for e in enrollments
    ]


async def _records(viewer: Viewer, employee: Employee) -> dict[str, Any]:
    """Contracts and the personal record (records/): the same services the API reads them by."""
    from talentloop.records import archive as records_archive
    from talentloop.records import service as records

    contracts = await records.contracts_of(viewer, employee.id)
    own = await records.personal_record(viewer, employee.id)
    documents = await records_archive.documents_of(viewer, employee.id)

    def rows(items: Any, keys: dict[str, str]) -> list[dict[str, Any]]:
        ordered = sorted(items, key=lambda item: item.id)
        return [{name: _plain(getattr(i, attr)) for name, attr in keys.items()} for i in ordered]

    dates = {"startDate": "start_date", "endDate": "end_date"}
    return {
        "contracts": rows(
            contracts,
            {
                "kind": "kind",
                **dates,
                "probationEnd": "probation_end",
                "signedOn": "signed_on",
                "note": "note",
            },
        ),
        "education": rows(
            own.education if own else [],
            {"school": "school", "degree": "degree", "major": "major", **dates},
        ),
        "workHistory": rows(
            own.work_history if own else [], {"employer": "employer", "title": "title", **dates}
        ),
        "emergencyContacts": rows(
            own.emergency_contacts if own else [],
            {"name": "name", "relationship": "relationship", "phone": "phone"},
        ),
        "archiveDocuments": rows(
            documents,
            {
                "type": "doc_type",
                "fileName": "file_name",
                "size": "size",
                "uploadedAt": "uploaded_at",
            },
        ),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- files ------------------------------------------------------------------------------------

# The XLSX: one sheet per section, named in the reader's language, a header row of the JSON keys
# (so both formats read alike).
SHEETS = [
    (N_("Employee"), None),
    (N_("KPI records"), "kpiRecords"),
    (N_("KPI targets"), "kpiTargets"),
    (N_("Competencies"), "competencies"),
    (N_("Enrolments"), "enrollments"),
    (N_("Contracts"), "contracts"),
    (N_("Education"), "education"),
    (N_("Work history"), "workHistory"),
    (N_("Emergency contacts"), "emergencyContacts"),
    (N_("Archive documents"), "archiveDocuments"),
]


NONE = N_("(none)")


def as_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2).encode()


def as_xlsx(record: dict[str, Any], zone: str = timezones.DEFAULT_ZONE) -> bytes:
    """The record for people to read: instants in the company's `zone` (the JSON keeps UTC)."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, key in SHEETS:
        sheet = book.create_sheet(translate(title))
        if key is None:
            sheet.append(["section", "field", "value"])
            for section, values in record["employee"].items():
                for name, value in values.items():
                    sheet.append([section, name, _cell(value, zone)])
            sheet.append(["", "generatedAt", _cell(record["generatedAt"], zone)])
            continue
        rows = record[key]
        if not rows:
            sheet.append([translate(NONE)])
            continue
        header = list(rows[0])
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(row[h], zone) for h in header])
    return xlsx_bytes(book)


_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)")


def _cell(value: Any, zone: str) -> Any:
    """Nested values (unit, position, manager) as one readable cell; numbers stay text so a
    long ID or account number is never turned into a float; an instant as the company's
    wall clock."""
    if isinstance(value, dict):
        return " ".join(str(_cell(v, zone)) for v in value.values() if v is not None)
    if isinstance(value, str) and _INSTANT.fullmatch(value):
        return timezones.local_text(datetime.fromisoformat(value), zone, seconds=True)
    return value
