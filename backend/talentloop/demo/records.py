"""Demo records: contracts with probation and renewals, education, emergency contacts,
onboarding and a few transfers, and a few archive documents.

Contracts follow the rules they are checked by: a first three-year fixed term with a
probation of up to six months (劳动合同法 art. 19), a second three-year term, and an
open-ended contract after two consecutive fixed terms (art. 14). Every 12th employee whose
current contract is a fixed term has it ending within the coming weeks, so that the
reminders (expiringContracts) have something to show.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import date, timedelta

from talentloop.org.models import OrgUnit
from talentloop.people.models import Employee
from talentloop.records.models import (
    ArchiveDocument,
    Contract,
    ContractKind,
    DocumentType,
    Education,
    EmergencyContact,
    EmploymentEvent,
    EventKind,
)
from talentloop.records.service import add_months, probation_limit_months
from talentloop.records.storage import get_storage

SCHOOLS = ["浙江大学", "复旦大学", "同济大学", "北京理工大学", "深圳大学", "杭州电子科技大学"]
MAJORS = ["市场营销", "机械工程", "工商管理", "会计学", "人力资源管理", "自动化"]
DEGREES = ["大专", "本科", "本科", "本科", "硕士"]
RELATIONS = ["配偶", "父亲", "母亲", "兄弟", "姐妹"]
SURNAMES = "王李张刘陈杨赵黄周吴"
# Days from the demo's "now" to the end of the contracts chosen to end soon.
ENDING_SOON = [6, 13, 21, 27, 34, 45, 52, 60]
# A minimal, valid one-page PDF for the demo archive.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _contracts(employee: Employee, today: date) -> list[Contract]:
    rows: list[Contract] = []
    start = employee.hire_date
    fixed_terms = 0
    while True:
        if fixed_terms >= 2:
            rows.append(
                Contract(
                    employee_id=employee.id,
                    kind=ContractKind.OPEN_ENDED,
                    start_date=start,
                    signed_on=start - timedelta(days=10),
                )
            )
            return rows
        end = add_months(start, 36) - timedelta(days=1)
        probation = None
        if not rows:
            months = probation_limit_months(ContractKind.FIXED_TERM, start, end)
            probation = add_months(start, months) - timedelta(days=1)
        rows.append(
            Contract(
                employee_id=employee.id,
                kind=ContractKind.FIXED_TERM,
                start_date=start,
                end_date=end,
                probation_end=probation,
                signed_on=start - timedelta(days=10),
            )
        )
        fixed_terms += 1
        if end >= today:
            return rows
        start = end + timedelta(days=1)


async def load_records_story(
    today: date, progress: Callable[[str], None] = lambda _m: None
) -> None:
    progress("records: contracts, education, contacts…")
    rng = random.Random(20260109)
    employees = await Employee.all().order_by("employee_number")
    contracts: list[Contract] = []
    education: list[Education] = []
    contacts: list[EmergencyContact] = []
    events: list[EmploymentEvent] = []
    soon = 0
    for index, employee in enumerate(employees):
        rows = _contracts(employee, today)
        current = rows[-1]
        if current.kind is ContractKind.FIXED_TERM and index % 12 == 5:
            ends = today + timedelta(days=ENDING_SOON[soon % len(ENDING_SOON)])
            limit = probation_limit_months(current.kind, current.start_date, ends)
            probation_fits = current.probation_end is None or (
                current.probation_end < add_months(current.start_date, limit)
            )
            if ends > current.start_date and probation_fits:
                current.end_date = ends
                soon += 1
        contracts += rows
        graduated = employee.hire_date - timedelta(days=rng.randrange(30, 400))
        education.append(
            Education(
                employee_id=employee.id,
                school=rng.choice(SCHOOLS),
                degree=rng.choice(DEGREES),
                major=rng.choice(MAJORS),
                start_date=add_months(graduated, -48),
                end_date=graduated,
            )
        )
        contacts.append(
            EmergencyContact(
                employee_id=employee.id,
                name=rng.choice(SURNAMES) + rng.choice("伟芳娜敏静丽强磊军洋"),
                relationship=rng.choice(RELATIONS),
                phone=f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}",
            )
        )
        events.append(
            EmploymentEvent(
                employee_id=employee.id,
                kind=EventKind.ONBOARDING,
                effective_date=employee.hire_date,
                to_unit_id=employee.unit_id,
                to_position_id=employee.position_id,
                actor_username="hr.hq",
            )
        )
    await Contract.bulk_create(contracts)
    await Education.bulk_create(education)
    await EmergencyContact.bulk_create(contacts)

    # Two sales reps came to Shanghai from the Beijing sales department.
    beijing = await OrgUnit.get(code="BJ-SALES")
    movers = await Employee.filter(unit__code="SH-SALES-1", position__code="SAL-REP").order_by(
        "employee_number"
    )
    for employee in movers[1:3]:
        moved = max(employee.hire_date + timedelta(days=60), today - timedelta(days=75))
        events.append(
            EmploymentEvent(
                employee_id=employee.id,
                kind=EventKind.TRANSFER,
                effective_date=moved,
                from_unit_id=beijing.id,
                to_unit_id=employee.unit_id,
                from_position_id=employee.position_id,
                to_position_id=employee.position_id,
                note="销售支援上海",
                actor_username="hr.hq",
            )
        )
    await EmploymentEvent.bulk_create(events)

    progress("records: archive documents…")
    storage = get_storage()
    for employee in movers[:3]:
        for doc_type, name in [
            (DocumentType.DIPLOMA, "毕业证书.pdf"),
            (DocumentType.CONTRACT_SCAN, "劳动合同扫描件.pdf"),
        ]:
            key = await storage.put(DEMO_PDF)
            await ArchiveDocument.create(
                employee_id=employee.id,
                doc_type=doc_type,
                file_name=name,
                media_type="application/pdf",
                size=len(DEMO_PDF),
                sha256=hashlib.sha256(DEMO_PDF).hexdigest(),
                storage_key=key,
                uploaded_by="hr.shanghai",
            )
