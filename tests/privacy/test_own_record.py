"""An employee downloads their own record (JSON and XLSX): everything about them, nothing about
anyone else, the full ID and bank numbers — and the reads of those are logged."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook

from talentloop.audit.models import AuditAction, AuditEntry
from talentloop.records.models import Contract, ContractKind, Education, EmergencyContact
from talentloop.training.models import Enrollment, EnrollmentSource, EnrollmentStatus
from tests.performance.conftest import Perf
from tests.support import Api, World, access_token
from tests.training.conftest import Library, set_score


async def bearer(world: World, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await access_token(world.users[username])}"}


async def _story(perf: Perf, library: Library) -> None:
    """sh_rep and a colleague, sh_rep2, each with a score and an enrolment of their own."""
    fw, w = library.fw, perf.world
    await set_score(fw, "sh_rep", fw.pk, "3.5")
    await set_score(fw, "sh_rep2", fw.cna, "1.5")
    now = datetime(2026, 2, 3, 8, 0, tzinfo=UTC)
    await Enrollment.create(
        course=library.knowledge,
        employee=w.people["sh_rep"],
        status=EnrollmentStatus.IN_PROGRESS,
        source=EnrollmentSource.SELF,
        enrolled_at=now,
        progress_percent=50,
    )
    await Enrollment.create(
        course=library.mentoring,
        employee=w.people["sh_rep2"],
        status=EnrollmentStatus.ENROLLED,
        source=EnrollmentSource.HR,
        enrolled_at=now,
    )


async def test_the_json_record_is_complete_and_only_ones_own(
    http: httpx.AsyncClient, perf: Perf, library: Library
) -> None:
    await _story(perf, library)
    w = perf.world
    response = await http.get("/me/record.json", headers=await bearer(w, "employee"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    assert "filename*=UTF-8''record-T0005-" in response.headers["content-disposition"]
    record = response.json()
    me = w.people["sh_rep"]
    assert record["format"] == "talentloop.own-record/1"
    assert record["employee"] == {
        "personal": {
            "name": me.name,
            "gender": "female",
            "birthDate": "1990-01-01",
            "idNumber": w.id_numbers["sh_rep"],  # in full: it is their own
        },
        "work": {
            "employeeNumber": me.employee_number,
            "status": "active",
            "unit": {"code": "SH-SALES-1", "name": "SH-SALES-1 unit"},
            "position": {"code": "REP", "title": "Sales rep", "level": "P2"},
            "manager": {
                "employeeNumber": w.people["sh_sales_head"].employee_number,
                "name": "sh_sales_head name",
            },
            "hireDate": "2020-01-01",
            "terminationDate": None,
            "terminationReason": None,
        },
        "contact": {
            "workPhone": None,
            "workEmail": "sh_rep@example.cn",
            "personalPhone": me.personal_phone,
        },
        "pay": {"baseSalary": "8000.00", "bankAccount": w.bank_accounts["sh_rep"]},
    }
    nc = [r for r in record["kpiRecords"] if r["kpiCode"] == "NC"]
    assert nc == [
        {
            "kpiCode": "NC",
            "kpiName": "新客户数",
            "unit": "count",
            "period": "2026-01-01",
            "value": "6",
            "dimension": None,
        }
    ]
    # The team's target of 8 applies to sh_rep (sh_rep2 has 12 of her own).
    assert {"kpiCode": "NC", "period": "2026-01-01", "value": "8"}.items() <= next(
        t for t in record["kpiTargets"] if t["kpiCode"] == "NC"
    ).items()
    scores = {c["code"]: (c["score"], c["calibrated"]) for c in record["competencies"]}
    assert scores[library.fw.pk.code] == ("3.50", True)
    assert scores.get(library.fw.cna.code, (None, False)) == (None, False)  # not the colleague's
    assert [
        (e["courseCode"], e["status"], e["progressPercent"]) for e in record["enrollments"]
    ] == [("K1", "in_progress", 50)]
    text = json.dumps(record, ensure_ascii=False)
    for other in ("sh_rep2", "bj_rep", "sh_worker"):
        assert w.id_numbers[other] not in text and w.bank_accounts[other] not in text
        assert w.people[other].employee_number not in text and f"{other} name" not in text
    assert "M1" not in text  # the colleague's enrolment

    reads = await AuditEntry.filter(action=AuditAction.SENSITIVE_READ).order_by("id")
    assert [(r.field, r.employee_id, r.actor_user_id, r.reason) for r in reads] == [
        (field, me.id, w.users["employee"].id, "Own record download (JSON)")
        for field in ("idNumber", "bankAccount")
    ]
    logged = json.dumps(await AuditEntry.all().values(), default=str)
    assert w.id_numbers["sh_rep"] not in logged and w.bank_accounts["sh_rep"] not in logged


async def test_the_xlsx_record_has_one_sheet_per_section(
    http: httpx.AsyncClient, perf: Perf, library: Library
) -> None:
    await _story(perf, library)
    w = perf.world
    response = await http.get("/me/record.xlsx", headers=await bearer(w, "employee"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Employee",
        "KPI records",
        "KPI targets",
        "Competencies",
        "Enrolments",
        "Contracts",
        "Education",
        "Work history",
        "Emergency contacts",
        "Archive documents",
    ]
    employee = {(r[0], r[1]): r[2] for r in book["Employee"].iter_rows(values_only=True)}
    assert employee[("personal", "idNumber")] == w.id_numbers["sh_rep"]  # text, not a number
    assert employee[("pay", "bankAccount")] == w.bank_accounts["sh_rep"]
    enrolments = list(book["Enrolments"].iter_rows(values_only=True))
    assert enrolments[0][:2] == ("courseCode", "courseTitle") and len(enrolments) == 2
    # instants as the company's wall clock (Asia/Shanghai), not UTC ISO as in the JSON
    generated = next(
        r[2] for r in book["Employee"].iter_rows(values_only=True) if r[1] == "generatedAt"
    )
    local = datetime.strptime(generated, "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert abs(local - datetime.now(UTC)) < timedelta(minutes=5)
    reads = await AuditEntry.filter(action=AuditAction.SENSITIVE_READ)
    assert {r.reason for r in reads} == {"Own record download (XLSX)"}
    # In Chinese, the sheets are named in Chinese; the columns stay the JSON keys.
    headers = {**await bearer(w, "employee"), "Accept-Language": "zh-CN"}
    response = await http.get("/me/record.xlsx", headers=headers)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["员工", "KPI 记录", "KPI 目标"]
    first = next(book["培训报名"].iter_rows(values_only=True))
    assert first[:2] == ("courseCode", "courseTitle")


async def test_hr_downloads_their_own_record_not_anyone_elses(
    http: httpx.AsyncClient, world: World
) -> None:
    response = await http.get("/me/record.json", headers=await bearer(world, "branch_hr"))
    record = response.json()
    assert (
        record["employee"]["work"]["employeeNumber"] == world.people["sh_hr_person"].employee_number
    )
    assert record["kpiRecords"] == [] and record["enrollments"] == []


async def test_without_a_valid_token_401_and_without_an_employee_record_404(
    http: httpx.AsyncClient, api: Api, world: World
) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic x"}):
        for path in ("/me/record.json", "/me/record.xlsx"):
            response = await http.get(path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (
        await http.get("/me/record.json", headers=await bearer(world, "admin"))
    ).status_code == 404
    assert (
        await http.get("/me/record.csv", headers=await bearer(world, "employee"))
    ).status_code == 404
    created = await api.data(
        """mutation { createApiToken(input: {name: "sync", scopes: [READ_PEOPLE]}) { secret } }""",
        as_=world.users["hq_hr"],
    )
    token = created["createApiToken"]["secret"]
    # One's own record is asked for by the person, not an integration: privacy is no API-token
    # scope area, and a token gets the 404 of a missing file (access/rest.py).
    refused = await http.get("/me/record.json", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 404
    assert not await AuditEntry.filter(action=AuditAction.SENSITIVE_READ).exists()


async def test_the_record_holds_ones_contracts_and_personal_record_not_a_colleagues(
    http: httpx.AsyncClient, world: World
) -> None:
    me, colleague = world.people["sh_rep"], world.people["sh_rep2"]
    for person, school in ((me, "复旦大学"), (colleague, "同济大学")):
        await Contract.create(
            employee=person,
            kind=ContractKind.OPEN_ENDED,
            start_date=date(2020, 1, 1),
            signed_on=date(2019, 12, 20),
        )
        await Education.create(employee=person, school=school, degree="本科")
        await EmergencyContact.create(
            employee=person, name=f"{school}家属", relationship="配偶", phone="13800138000"
        )
    response = await http.get("/me/record.json", headers=await bearer(world, "employee"))
    record = response.json()
    assert record["contracts"] == [
        {
            "kind": "open_ended",
            "startDate": "2020-01-01",
            "endDate": None,
            "probationEnd": None,
            "signedOn": "2019-12-20",
            "note": None,
        }
    ]
    assert [e["school"] for e in record["education"]] == ["复旦大学"]
    assert record["emergencyContacts"] == [
        {"name": "复旦大学家属", "relationship": "配偶", "phone": "13800138000"}
    ]
    assert record["workHistory"] == [] and record["archiveDocuments"] == []


async def test_ones_own_name_that_reads_as_a_formula_is_text_in_the_xlsx(
    http: httpx.AsyncClient, perf: Perf, library: Library
) -> None:
    from talentloop.people.models import Employee
    from tests.support import FORMULA_NAMES, assert_formulas_are_text

    await _story(perf, library)
    w = perf.world
    await Employee.filter(id=w.people["sh_rep"].id).update(name=FORMULA_NAMES[2])
    response = await http.get("/me/record.xlsx", headers=await bearer(w, "employee"))
    assert response.status_code == 200
    assert_formulas_are_text(response.content, FORMULA_NAMES[2])
