"""The manager's short path (issue 21 point 7): before enrolling team members on the course for
a gap, the manager sees what it costs, the budget left and who approves — the same amount and
approvers the submitted request then carries; and colleagues strong in the competency are
suggested as mentors (only people the viewer reads at work, in the unit's branch, employed,
not short of it themselves), in a fixed number of statements."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from talentloop.accounts.models import User
from talentloop.approvals.models import ApprovalRequest, ApprovalTask, RequestType
from talentloop.approvals.service import china_today
from talentloop.i18n import CHINESE, ENGLISH
from talentloop.people.models import Employee, EmployeeStatus
from talentloop.training.models import Enrollment, TrainingPlan
from tests.support import Api, StatementCounter, add_person, gid
from tests.training.conftest import Library, sessions_in_two_cities, set_score

COST = """mutation($c: ID!, $s: ID, $a: Decimal!) {
  addCourseCostItem(input: {courseId: $c, sessionId: $s, kind: FEE, amount: $a, perParticipant: true}) {
    errors { code }
  }
}"""
PREVIEW = """query($c: ID!, $s: ID, $e: [ID!]!) { node(id: $c) { ... on Course {
  enrollmentPreview(sessionId: $s, employeeIds: $e) {
    costPerPerson total needsApproval approverText budgetLeft budgetPlan
    lines { employee { name } cost needsApproval approverText }
  }
} } }"""
ENROLL = """mutation($c: ID!, $e: ID, $s: ID) {
  enrollInCourse(input: {courseId: $c, employeeId: $e, sessionId: $s}) {
    enrollment { id status } errors { field code }
  }
}"""
MENTORS = """query($u: ID!, $c: ID!) { competencyHeatMap(unitId: $u) {
  mentors(competencyId: $c, first: 10) { level employee { name } unit { code } }
} }"""


async def _preview(
    api: Api, user: User, course: object, session: object | None, people: list[Employee]
) -> dict[str, Any]:
    variables = {
        "c": gid(course),  # type: ignore[arg-type]
        "s": gid(session) if session else None,  # type: ignore[arg-type]
        "e": [gid(p) for p in people],
    }
    return dict((await api.data(PREVIEW, variables, as_=user))["node"]["enrollmentPreview"])


async def test_the_preview_shows_the_cost_the_budget_left_and_who_approves_as_submitted(
    api: Api, library: Library
) -> None:
    w = library.world
    added = await api.data(
        COST,
        {"c": gid(library.questions), "s": gid(library.questions_session), "a": "1200"},
        as_=w.users["hq_hr"],
    )
    assert added["addCourseCostItem"]["errors"] == []
    await TrainingPlan.create(
        unit=w.units["SH"], year=china_today().year, title="上海年度培训计划", budget=10000
    )
    manager = w.users["manager"]
    await User.filter(id=manager.id).update(language=CHINESE)
    # Two of the manager's team, and a Beijing rep they may not enrol: left out, as if missing.
    people = [w.people["sh_rep"], w.people["sh_rep2"], w.people["bj_rep"]]
    shown = await _preview(api, manager, library.questions, library.questions_session, people)
    assert [line["employee"]["name"] for line in shown["lines"]] == ["sh_rep name", "sh_rep2 name"]
    assert Decimal(shown["costPerPerson"]) == Decimal(1200)
    assert Decimal(shown["total"]) == Decimal(2400)
    assert Decimal(shown["budgetLeft"]) == Decimal(10000)
    assert shown["budgetPlan"] == "上海年度培训计划"
    assert shown["needsApproval"] is True
    # The manager asks, so the engine passes them by: their own manager (the boss) or branch HR.
    assert shown["approverText"].startswith("需 ")
    assert shown["approverText"].endswith(" 审批")
    assert "sh_hr_person name（SH-HR unit）" in shown["approverText"]
    assert "ceo name" in shown["approverText"]
    assert "sh_sales_head" not in shown["approverText"]

    # Submitted, the request asks for that amount, of those approvers.
    enrolled = await api.data(
        ENROLL,
        {
            "c": gid(library.questions),
            "e": gid(w.people["sh_rep"]),
            "s": gid(library.questions_session),
        },
        as_=manager,
    )
    assert enrolled["enrollInCourse"]["errors"] == []
    assert enrolled["enrollInCourse"]["enrollment"]["status"] == "PENDING"
    request = await ApprovalRequest.get(request_type=RequestType.TRAINING_ENROLMENT)
    assert request.amount == Decimal(1200)
    approvers = set(
        await ApprovalTask.filter(request_id=request.id).values_list("approver_id", flat=True)
    )
    assert approvers == {w.users["executive"].id, w.users["branch_hr"].id}

    # In English, for a reader who chose it.
    await User.filter(id=manager.id).update(language=ENGLISH)
    shown = await _preview(api, manager, library.questions, library.questions_session, people[1:2])
    assert shown["approverText"].startswith("Needs approval by ")
    assert "sh_hr_person name (SH-HR unit)" in shown["approverText"]


async def test_a_free_course_needs_no_approval_and_another_branch_sees_no_one(
    api: Api, library: Library
) -> None:
    w = library.world
    people = [w.people["sh_rep"]]
    shown = await _preview(api, w.users["manager"], library.knowledge, None, people)
    assert Decimal(shown["total"]) == 0
    assert shown["needsApproval"] is False
    assert shown["approverText"] == ""
    assert shown["budgetLeft"] is None  # no plan this year
    other = await _preview(api, w.users["bj_hr"], library.knowledge, None, people)
    assert other["lines"] == []
    assert Decimal(other["total"]) == 0
    assert await Enrollment.all().count() == 0  # a preview writes nothing


async def _mentor_world(library: Library) -> None:
    """Customer-needs analysis (3 required): sh_rep lacks it; strong and weak colleagues."""
    fw, w = library.fw, library.world
    await add_person(w, "sh_star", "SH-SALES", "sh_sales_head")
    await add_person(w, "sh_good", "SH-SALES-1", "sh_sales_head")
    await add_person(w, "sh_weak", "SH-SALES", "sh_sales_head")
    await add_person(w, "sh_gone", "SH-SALES", "sh_sales_head")
    await Employee.filter(id=w.people["sh_gone"].id).update(status=EmployeeStatus.TERMINATED)
    for person, level in [
        ("sh_rep", "2"),
        ("sh_rep2", "3"),
        ("sh_star", "4.5"),
        ("sh_good", "3.5"),
        ("sh_weak", "2.5"),
        ("sh_gone", "5"),
        ("sh_worker", "5"),  # another department of the branch: HR reads them, the manager not
        ("bj_rep", "5"),  # another branch
    ]:
        await set_score(fw, person, fw.cna, level)


async def _mentors(api: Api, user: User, unit: object, competency: object) -> list[str]:
    variables = {"u": gid(unit), "c": gid(competency)}  # type: ignore[arg-type]
    data = await api.data(MENTORS, variables, as_=user)
    return [f"{m['employee']['name']} {m['level']}" for m in data["competencyHeatMap"]["mentors"]]


async def test_mentors_are_strong_colleagues_the_viewer_reads_strongest_first(
    api: Api, library: Library
) -> None:
    await _mentor_world(library)
    w, cna = library.world, library.fw.cna
    # Not the learner, not the weak, not a leaver, not another branch, not beyond the manager's
    # reach; sh_rep2 is exactly at the level: strong enough.
    assert await _mentors(api, w.users["manager"], w.units["SH-SALES-1"], cna) == [
        "sh_star name 4.50",
        "sh_good name 3.50",
        "sh_rep2 name 3.00",
    ]
    assert await _mentors(api, w.users["branch_hr"], w.units["SH-SALES-1"], cna) == [
        "sh_worker name 5.00",
        "sh_star name 4.50",
        "sh_good name 3.50",
        "sh_rep2 name 3.00",
    ]
    # Nobody in the unit lacks it: no mentors asked for.
    assert await _mentors(api, w.users["branch_hr"], w.units["SH-PROD"], cna) == []
    # A unit of another branch is not visible: no heat map at all.
    body = await api.run(
        MENTORS, {"u": gid(w.units["BJ-SALES"]), "c": gid(cna)}, as_=w.users["manager"]
    )
    assert body["data"]["competencyHeatMap"] is None


async def test_mentors_are_found_in_a_fixed_number_of_statements(
    api: Api, library: Library
) -> None:
    await _mentor_world(library)
    w, fw = library.world, library.fw
    with StatementCounter() as few:
        await _mentors(api, w.users["branch_hr"], w.units["SH-SALES-1"], fw.cna)
    for i in range(6):
        await add_person(w, f"sh_more{i}", "SH-SALES", "sh_sales_head")
        await set_score(fw, f"sh_more{i}", fw.cna, "4")
    with StatementCounter() as many:
        found = await _mentors(api, w.users["branch_hr"], w.units["SH-SALES-1"], fw.cna)
    assert len(found) == 10
    assert many.count <= few.count, many.statements


NEAR = """query($c: ID!, $u: ID) { node(id: $c) { ... on Course {
  upcomingSessions(nearUnitId: $u) { place }
} } }"""


async def test_the_path_offers_the_session_in_the_learners_city_first(
    api: Api, library: Library
) -> None:
    """As a recommendation picks its next session (`training/service._nearest_first`): with
    `nearUnitId` the sessions in that unit's city come first, each group soonest first; a unit
    the viewer does not see is no preference."""
    w = library.world
    # the fixture's session (no unit) is the soonest; Beijing's next; Shanghai's last
    await sessions_in_two_cities(library, "上海分公司")

    async def places(user: User, unit: str | None) -> list[str]:
        variables = {"c": gid(library.questions), "u": gid(w.units[unit]) if unit else None}
        found = (await api.data(NEAR, variables, as_=user))["node"]["upcomingSessions"]
        return [s["place"] for s in found]

    manager, hq_hr = w.users["manager"], w.users["hq_hr"]
    by_time = ["上海培训中心", "北京分公司", "上海分公司"]
    assert await places(manager, None) == by_time
    # the manager's team sits in 上海: Shanghai's session first, then the rest by time
    assert await places(manager, "SH-SALES-1") == ["上海分公司", "上海培训中心", "北京分公司"]
    assert await places(hq_hr, "BJ-SALES") == ["北京分公司", "上海培训中心", "上海分公司"]
    # Beijing's unit is not the manager's to see: no preference, as none was given
    assert await places(manager, "BJ-SALES") == by_time
