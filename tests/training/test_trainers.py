"""The trainer register (who keeps which trainer) and sessions changed or cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talentloop.audit.models import AuditEntry
from talentloop.training.models import (
    CourseSession,
    Enrollment,
    EnrollmentStatus,
    Trainer,
    TrainerKind,
)
from tests.support import Api, StatementCounter, gid
from tests.training.conftest import Library

CREATE = """mutation($input: CreateTrainerInput!) {
  createTrainer(input: $input) { trainer { id name kind isActive } errors { field code } }
}"""
UPDATE = """mutation($input: UpdateTrainerInput!) {
  updateTrainer(input: $input) { trainer { id name topics isActive } errors { field code } }
}"""
TRAINERS = """query($f: TrainerFilter) {
  trainers(first: 50, filter: $f) { edges { node { name unit { code } } } }
}"""
TRAINER = """query($id: ID!) { node(id: $id) { ... on Trainer {
  name phone sessions { place trainer cancelledAt }
} } }"""
ENROLL = """mutation($c: ID!, $e: ID, $s: ID) {
  enrollInCourse(input: {courseId: $c, employeeId: $e, sessionId: $s}) {
    enrollment { id status } errors { field code }
  }
}"""
MOVE = """mutation($input: UpdateCourseSessionInput!) {
  updateCourseSession(input: $input) {
    session { place capacity trainer registeredTrainer { name } seatsTaken waitlisted }
    errors { field code }
  }
}"""
CANCEL = """mutation($id: ID!, $reason: String!) {
  cancelCourseSession(input: {id: $id, reason: $reason}) {
    session { cancelledAt cancelReason seatsTaken waitlisted } errors { field code }
  }
}"""
MINE = "{ myEnrollments { status cancelledByCompany session { cancelReason } } }"


def _when(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def test_hq_hr_keeps_company_trainers_branch_hr_its_own_and_no_one_else(
    api: Api, library: Library
) -> None:
    w = library.world
    external = {
        "kind": "EXTERNAL",
        "name": "周老师",
        "organisation": "沟通学院",
        "phone": "13900000000",
    }
    company = await api.data(CREATE, {"input": external}, as_=w.users["hq_hr"])
    assert company["createTrainer"]["errors"] == []
    # branch HR adds trainers for its branch, not for the company nor another branch
    own = await api.data(
        CREATE, {"input": {**external, "name": "上海讲师", "unitId": gid(w.units["SH"])}},
        as_=w.users["branch_hr"],
    )  # fmt: skip
    assert own["createTrainer"]["errors"] == []
    refused = await api.data(CREATE, {"input": external}, as_=w.users["branch_hr"])
    assert refused["createTrainer"]["errors"] == [{"field": "unitId", "code": "FORBIDDEN"}]
    bj = await api.data(
        CREATE, {"input": {**external, "name": "北京讲师", "unitId": gid(w.units["BJ"])}},
        as_=w.users["bj_hr"],
    )  # fmt: skip
    bj_id = bj["createTrainer"]["trainer"]["id"]
    # an employee adds no one
    employee = await api.data(
        CREATE,
        {"input": {**external, "unitId": gid(w.units["SH-SALES-1"])}},
        as_=w.users["employee"],
    )
    assert employee["createTrainer"]["errors"] == [{"field": "unitId", "code": "FORBIDDEN"}]
    # Shanghai's HR does not see Beijing's trainer: changing it answers as a missing one
    change = {"id": bj_id, "kind": "EXTERNAL", "name": "改名"}
    other = await api.data(UPDATE, {"input": change}, as_=w.users["branch_hr"])
    assert other["updateTrainer"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    missing = await api.data(
        UPDATE, {"input": {**change, "id": gid(Trainer(id=99999))}}, as_=w.users["branch_hr"]
    )
    assert missing == other
    assert (await api.data(TRAINER, {"id": bj_id}, as_=w.users["branch_hr"]))["node"] is None
    # nor can it change the company's: it sees it, HQ HR keeps it
    company_id = company["createTrainer"]["trainer"]["id"]
    kept = await api.data(UPDATE, {"input": {**change, "id": company_id}}, as_=w.users["branch_hr"])
    assert kept["updateTrainer"]["errors"] == [{"field": "id", "code": "FORBIDDEN"}]
    listed = await api.data(TRAINERS, {}, as_=w.users["branch_hr"])
    assert sorted(e["node"]["name"] for e in listed["trainers"]["edges"]) == ["上海讲师", "周老师"]
    # the learner sees the company's trainer, but not HR's contacts for them
    seen = await api.run(TRAINER, {"id": company_id}, as_=w.users["employee"])
    assert seen["data"]["node"]["name"] == "周老师"
    assert seen["data"]["node"]["phone"] is None and seen["errors"]


async def test_a_trainer_is_turned_inactive_not_deleted_and_an_internal_one_is_an_employee(
    api: Api, library: Library
) -> None:
    w = library.world
    internal = await api.data(
        CREATE,
        {"input": {"kind": "INTERNAL", "employeeId": gid(w.people["sh_rep"]), "unitId": gid(w.units["SH"])}},
        as_=w.users["branch_hr"],
    )  # fmt: skip
    trainer = internal["createTrainer"]["trainer"]
    assert (trainer["name"], trainer["kind"]) == (w.people["sh_rep"].name, "INTERNAL")
    no_one = await api.data(
        CREATE,
        {"input": {"kind": "INTERNAL", "unitId": gid(w.units["SH"])}},
        as_=w.users["branch_hr"],
    )
    assert no_one["createTrainer"]["errors"] == [{"field": "employeeId", "code": "REQUIRED"}]
    bad = await api.data(
        CREATE, {"input": {"kind": "EXTERNAL", "name": "x", "email": "no", "dailyFee": "-1"}},
        as_=w.users["hq_hr"],
    )  # fmt: skip
    assert bad["createTrainer"]["errors"] == [
        {"field": "email", "code": "INVALID"}, {"field": "dailyFee", "code": "INVALID"}
    ]  # fmt: skip
    off = await api.data(
        UPDATE,
        {"input": {"id": trainer["id"], "kind": "INTERNAL", "employeeId": gid(w.people["sh_rep"]),
                   "topics": "提问技巧", "isActive": False}},
        as_=w.users["branch_hr"],
    )  # fmt: skip
    assert off["updateTrainer"]["trainer"]["isActive"] is False
    assert await Trainer.filter(is_active=False).count() == 1
    # inactive ones leave the list unless asked for, and are not booked again
    listed = await api.data(TRAINERS, {}, as_=w.users["branch_hr"])
    assert listed["trainers"]["edges"] == []
    listed = await api.data(TRAINERS, {"f": {"includeInactive": True}}, as_=w.users["branch_hr"])
    assert len(listed["trainers"]["edges"]) == 1
    moved = await api.data(
        MOVE,
        {"input": {"id": gid(library.questions_session), "startsAt": _when(10), "endsAt": _when(11),
                   "place": "x", "capacity": 10, "trainerId": trainer["id"]}},
        as_=w.users["hq_hr"],
    )  # fmt: skip
    assert moved["updateCourseSession"]["errors"] == [{"field": "trainerId", "code": "INVALID"}]
    assert await AuditEntry.filter(subject_type="Trainer", field="isActive").count() == 1


async def test_a_session_moves_with_its_trainer_and_never_below_the_seats_taken(
    api: Api, library: Library
) -> None:
    w = library.world
    session = library.questions_session
    session.capacity = 2
    await session.save(update_fields=["capacity"])
    for person in ("sh_rep", "sh_rep2", "sh_worker"):
        await api.data(
            ENROLL,
            {"c": gid(library.questions), "e": gid(w.people[person]), "s": gid(session)},
            as_=w.users["branch_hr"],
        )
    trainer = await Trainer.create(kind=TrainerKind.EXTERNAL, name="陈老师")
    change = {"id": gid(session), "startsAt": _when(12), "endsAt": _when(13), "place": "苏州"}
    too_few = await api.data(MOVE, {"input": {**change, "capacity": 1}}, as_=w.users["hq_hr"])
    assert too_few["updateCourseSession"] == {
        "session": None,
        "errors": [{"field": "capacity", "code": "INVALID"}],
    }
    # a company-wide session is HQ HR's
    denied = await api.data(MOVE, {"input": {**change, "capacity": 3}}, as_=w.users["branch_hr"])
    assert denied["updateCourseSession"]["errors"] == [{"field": "id", "code": "FORBIDDEN"}]
    moved = await api.data(
        MOVE, {"input": {**change, "capacity": 3, "trainerId": gid(trainer)}}, as_=w.users["hq_hr"]
    )
    assert moved["updateCourseSession"] == {
        "session": {
            "place": "苏州", "capacity": 3, "trainer": "陈老师",
            "registeredTrainer": {"name": "陈老师"}, "seatsTaken": 3, "waitlisted": 0,
        },
        "errors": [],
    }  # fmt: skip
    sessions = await api.data(TRAINER, {"id": gid(trainer)}, as_=w.users["hq_hr"])
    assert sessions["node"]["sessions"] == [
        {"place": "苏州", "trainer": "陈老师", "cancelledAt": None}
    ]
    assert await AuditEntry.filter(subject_type="CourseSession", field="place").count() == 1
    # a session that has started does not move
    await CourseSession.filter(id=session.id).update(
        starts_at=datetime.now(UTC) - timedelta(hours=1)
    )
    started = await api.data(MOVE, {"input": {**change, "capacity": 3}}, as_=w.users["hq_hr"])
    assert started["updateCourseSession"]["errors"] == [{"field": "startsAt", "code": "CONFLICT"}]


async def test_cancelling_a_session_cancels_its_learners_for_them_and_takes_no_one_again(
    api: Api, library: Library
) -> None:
    w = library.world
    session = library.negotiation_session  # one seat
    for person in ("sh_rep", "sh_rep2"):
        await api.data(
            ENROLL,
            {"c": gid(library.negotiation), "e": gid(w.people[person]), "s": gid(session)},
            as_=w.users["branch_hr"],
        )
    assert (
        await Enrollment.filter(session_id=session.id, status=EnrollmentStatus.WAITLISTED).count()
        == 1
    )
    no_reason = await api.data(CANCEL, {"id": gid(session), "reason": " "}, as_=w.users["hq_hr"])
    assert no_reason["cancelCourseSession"]["errors"] == [{"field": "reason", "code": "REQUIRED"}]
    denied = await api.data(
        CANCEL, {"id": gid(session), "reason": "讲师生病"}, as_=w.users["employee"]
    )
    assert denied["cancelCourseSession"]["errors"] == [{"field": "id", "code": "FORBIDDEN"}]
    done = await api.data(CANCEL, {"id": gid(session), "reason": "讲师生病"}, as_=w.users["hq_hr"])
    result = done["cancelCourseSession"]["session"]
    assert (result["cancelReason"], result["seatsTaken"], result["waitlisted"]) == (
        "讲师生病",
        0,
        0,
    )
    assert result["cancelledAt"] is not None
    # the learner sees it was the company's cancellation, and why
    mine = await api.data(MINE, as_=w.users["employee"])
    assert mine["myEnrollments"] == [
        {"status": "CANCELLED", "cancelledByCompany": True, "session": {"cancelReason": "讲师生病"}}
    ]
    again = await api.data(
        ENROLL,
        {"c": gid(library.negotiation), "e": gid(w.people["sh_worker"]), "s": gid(session)},
        as_=w.users["branch_hr"],
    )
    assert again["enrollInCourse"]["errors"] == [{"field": "sessionId", "code": "INVALID"}]
    twice = await api.data(CANCEL, {"id": gid(session), "reason": "再取消"}, as_=w.users["hq_hr"])
    assert twice["cancelCourseSession"]["errors"] == [{"field": "id", "code": "CONFLICT"}]
    entry = await AuditEntry.get(subject_type="CourseSession", field="cancelledAt")
    assert entry.reason == "讲师生病"


LIST = """{ trainers(first: 50) { edges { node {
  name unit { code } employee { name } sessions { place course { code } registeredTrainer { name } }
} } } }"""


async def test_the_register_reads_in_a_fixed_number_of_statements(
    api: Api, library: Library
) -> None:
    w = library.world

    async def add(n: int) -> None:
        for i in range(n):
            trainer = await Trainer.create(
                kind=TrainerKind.INTERNAL,
                name=f"讲师{i}",
                employee=w.people["sh_rep"],
                unit=w.units["SH"],
            )
            await CourseSession.filter(id=library.questions_session.id).update(
                registered_trainer_id=trainer.id
            )
            await CourseSession.create(
                course=library.questions,
                starts_at=datetime.now(UTC) + timedelta(days=20 + i),
                ends_at=datetime.now(UTC) + timedelta(days=20 + i, hours=2),
                place=f"教室{i}",
                trainer=trainer.name,
                registered_trainer=trainer,
                capacity=5,
            )

    await add(1)
    with StatementCounter() as few:
        await api.data(LIST, as_=w.users["branch_hr"])
    await add(6)
    with StatementCounter() as many:
        data = await api.data(LIST, as_=w.users["branch_hr"])
    assert len(data["trainers"]["edges"]) == 7
    assert many.count <= few.count, many.statements
