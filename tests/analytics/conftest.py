"""A small study with known answers: 12 Shanghai reps complete a course in March 2026, 12
Beijing reps never take it. New customers in January–February (before) and April–May
(after), made up so that every figure can be computed by hand in the test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from talentloop.performance.models import Kpi, KpiUnit, PerformanceRecord
from talentloop.training.models import (
    CostItem,
    CostKind,
    Course,
    CourseFormat,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
)
from tests.support import World, add_person

JAN, FEB, MAR, APR, MAY = (date(2026, m, 1) for m in range(1, 6))
PRE, POST = (JAN, FEB), (APR, MAY)
N = 12


def trained_value(i: int, period: date) -> int:
    return {JAN: 2 + i % 3, FEB: 3 + i % 2, MAR: 3, APR: 5 + i % 3, MAY: 6 + i % 4}[period]


def control_value(j: int, period: date) -> int:
    return {JAN: 2 + j % 2, FEB: 2 + j % 3, MAR: 2, APR: 3 + j % 2, MAY: 3 + j % 3}[period]


@dataclass
class Study:
    world: World
    kpi: Kpi
    course: Course
    trained: list[int]  # employee ids
    control: list[int]
    values: dict[int, dict[date, int]]  # employee id → period → new customers


@pytest.fixture
async def study(world: World) -> Study:
    kpi = await Kpi.create(code="NC", name="新客户数", unit=KpiUnit.COUNT)
    course = await Course.create(
        code="PK", title="《产品知识大全》", format=CourseFormat.ONLINE, duration_hours=Decimal(0)
    )
    # 12,000 fixed: 1,000 per participant (no working time: duration 0)
    await CostItem.create(course=course, kind=CostKind.FEE, amount=Decimal(12000))
    values: dict[int, dict[date, int]] = {}
    trained, control = [], []
    records = []
    for i in range(N):
        person = await add_person(world, f"sh_learner_{i}", "SH-SALES-1", "sh_sales_head")
        trained.append(person.id)
        await Enrollment.create(
            course=course,
            employee=person,
            status=EnrollmentStatus.COMPLETED,
            source=EnrollmentSource.HR,
            enrolled_at=datetime(2026, 3, 2, tzinfo=UTC),
            completed_at=datetime(2026, 3, 20, tzinfo=UTC),
        )
        values[person.id] = {p: trained_value(i, p) for p in (JAN, FEB, MAR, APR, MAY)}
    for j in range(N):
        person = await add_person(world, f"bj_rep_{j}", "BJ-SALES")
        control.append(person.id)
        values[person.id] = {p: control_value(j, p) for p in (JAN, FEB, MAR, APR, MAY)}
    for employee_id, series in values.items():
        for period, value in series.items():
            records.append(
                PerformanceRecord(
                    kpi=kpi, employee_id=employee_id, period=period, value=Decimal(value)
                )
            )
    await PerformanceRecord.bulk_create(records)
    return Study(world, kpi, course, trained, control, values)
