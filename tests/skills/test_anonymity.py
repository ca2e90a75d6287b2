"""Nobody — not HQ HR, not the person rated, not the other raters — can learn who gave which
peer or subordinate rating; only group counts and group means leave the server."""

from __future__ import annotations

import pytest

from talentloop.accounts.models import Role
from talentloop.skills.models import RaterAssignment, RaterRelation
from tests.skills.conftest import Framework
from tests.skills.test_assessments import rate, start_round
from tests.support import Api, add_user, gid

EVERY_PATH = """query($round: ID!, $task: ID!, $e: ID!) {
  round: node(id: $round) { ... on AssessmentRound {
    groups { relation invited submitted } results { relation mean count shown } } }
  task: node(id: $task) { id }
  myRaterTasks(includeDone: true) { id subjectName }
  assessmentRounds(first: 50) { edges { node { id groups { relation invited submitted } } } }
  employeeCompetencies(employeeId: $e) { sources { source mean count } }
}"""


@pytest.fixture
async def rated_round(api: Api, framework: Framework):  # type: ignore[no-untyped-def]
    w = framework.world
    peers = {
        name: await add_user(w, f"u_{name}", Role.EMPLOYEE, name)
        for name in ("sh_rep2", "sh_worker")
    }
    peers["sh_hr_person"] = w.users["branch_hr"]
    round_ = await start_round(api, framework, list(peers))
    for user, level in zip(peers.values(), (1, 3, 5), strict=True):
        await rate(api, framework, user, pk=level, cna=level)
    await api.data(
        "mutation($id: ID!) { closeAssessmentRound(id: $id) { errors { code } } }",
        {"id": round_["id"]},
        as_=w.users["manager"],
    )
    return round_, peers


def _viewers(framework: Framework, peers: dict) -> dict:  # type: ignore[type-arg]
    return {**framework.world.users, **{f"peer {k}": v for k, v in peers.items()}}


async def test_no_path_tells_who_rated_what(api: Api, framework: Framework, rated_round) -> None:  # type: ignore[no-untyped-def]
    round_, peers = rated_round
    w = framework.world
    peer_tasks = await RaterAssignment.filter(relation=RaterRelation.PEER).select_related("rater")
    for name, viewer in _viewers(framework, peers).items():
        for task in peer_tasks:
            body = await api.run(
                EVERY_PATH,
                {"round": round_["id"], "task": gid_task(task.id), "e": gid(w.people["sh_rep"])},
                as_=viewer,
            )
            data = body["data"]
            own = viewer.employee_id == task.rater_id
            # the task is reachable by its rater alone
            assert (data["task"] is not None) is own, (name, task.rater.name)
            # a rater's to-do names the person rated, never another rater
            assert all(t["subjectName"] == "sh_rep name" for t in data["myRaterTasks"]), name
            text = str(data)
            for other in peer_tasks:
                if other.rater_id != viewer.employee_id:
                    assert other.rater.name not in text, (name, other.rater.name)
            # wherever the peer group shows, it is a count and a mean, never single ratings
            for result in (data["round"] or {}).get("results", []):
                if result["relation"] == "PEER":
                    assert (result["mean"], result["count"]) == ("3.00", 3)


async def test_the_schema_has_no_field_from_a_rating_to_its_rater() -> None:
    """Checked on the schema itself, so a field added later cannot slip through."""
    from talentloop.graphql.schema import schema

    graphql_schema = schema._schema
    for type_name in (
        "AssessmentRound",
        "RoundGroupResult",
        "RaterGroupCount",
        "CompetencyScoreInfo",
        "ScoreSourceResult",
    ):
        fields = graphql_schema.type_map[type_name].fields  # type: ignore[union-attr]
        for field_name, field in fields.items():
            named = field.type
            while hasattr(named, "of_type"):
                named = named.of_type
            assert (
                named.name not in {"Employee", "User", "RaterTask"} or field_name == "employee"
            ), (
                type_name,
                field_name,
            )

    # RaterTask is reached only as the viewer's own to-do (and the payload of their own submission)
    def named(field_type):  # type: ignore[no-untyped-def]
        while hasattr(field_type, "of_type"):
            field_type = field_type.of_type
        return field_type.name

    reaching = {
        (type_name, field_name)
        for type_name, gql_type in graphql_schema.type_map.items()
        if hasattr(gql_type, "fields") and not type_name.startswith("__")
        for field_name, field in gql_type.fields.items()
        if named(field.type) == "RaterTask"
    }
    assert reaching == {("Query", "myRaterTasks"), ("RaterTaskPayload", "task")}


def gid_task(pk: int) -> str:
    from talentloop.graphql.ids import to_global_id

    return to_global_id("RaterTask", pk)


async def test_an_anonymous_group_shows_from_three_answers_whatever_a_round_asks(
    api: Api, framework: Framework
) -> None:
    """With one or two peers the one who chose them could read a rating back: a round may not
    ask fewer than three, and a round stored with fewer still gets three."""
    from talentloop.skills.models import AssessmentRound
    from tests.skills.test_assessments import START

    w = framework.world
    for too_few in (1, 2):
        data = await api.data(
            START,
            {
                "i": {
                    "employeeId": gid(w.people["sh_rep"]),
                    "title": "one peer",
                    "deadline": "2099-01-01",
                    "competencyIds": [gid(framework.pk)],
                    "peerIds": [gid(w.people["sh_rep2"])],
                    "minRaters": too_few,
                }
            },
            as_=w.users["manager"],
        )
        errors = data["startAssessmentRound"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("minRaters", "INVALID")]
    peer = await add_user(w, "u_sh_rep2", Role.EMPLOYEE, "sh_rep2")
    round_ = await start_round(api, framework, ["sh_rep2"])
    await AssessmentRound.all().update(min_raters=1)  # as a round made before the floor
    await rate(api, framework, peer, pk=2, cna=2)
    await api.data(
        "mutation($id: ID!) { closeAssessmentRound(id: $id) { errors { code } } }",
        {"id": round_["id"]},
        as_=w.users["manager"],
    )
    body = await api.data(
        """query($r: ID!, $e: ID!) {
          round: node(id: $r) { ... on AssessmentRound { minRaters results { relation mean count shown } } }
          employeeCompetencies(employeeId: $e) { sources { source mean count shown minRaters } }
        }""",
        {"r": round_["id"], "e": gid(w.people["sh_rep"])},
        as_=w.users["manager"],
    )
    assert body["round"]["minRaters"] == 3
    peers = [r for r in body["round"]["results"] if r["relation"] == "PEER"]
    assert peers and all((r["mean"], r["count"], r["shown"]) == (None, 1, False) for r in peers)
    sources = [
        s for c in body["employeeCompetencies"] for s in c["sources"] if s["source"] == "PEER"
    ]
    assert sources and all(
        (s["mean"], s["shown"], s["minRaters"]) == (None, False, 3) for s in sources
    )
