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
