"""No import or export costs a statement per row (issue 22 point 7): 2,000 rows take at most
four times the statements of 500, for every kind (its rows come from tests/imports/round_trip.py
MANY), both as an import and as the export of what it wrote."""

from __future__ import annotations

import pytest

from talentloop.access.viewer import load_viewer
from talentloop.imports import kinds, service
from talentloop.performance.models import ImportKind, ImportStatus
from tests.imports.round_trip import MANY, STATEMENTS_ELSEWHERE, many_people
from tests.performance.conftest import Perf
from tests.support import StatementCounter

KINDS = [pytest.param(k, id=k.value) for k in kinds.kinds()]


@pytest.mark.parametrize("kind", KINDS)
async def test_an_import_of_2000_rows_takes_at_most_four_times_the_statements_of_500(
    perf: Perf, kind: ImportKind
) -> None:
    if kind in STATEMENTS_ELSEWHERE:
        pytest.skip(f"counted with its own data: {STATEMENTS_ELSEWHERE[kind]}")
    assert kind in MANY, f"register {kind.value}'s rows in tests/imports/round_trip.py MANY"
    viewer = await load_viewer(perf.world.users["hq_hr"].id)
    people = await many_people(perf)
    content = MANY[kind](perf, people, 2_500)
    lines = content.decode().splitlines(keepends=True)
    small = "".join(lines[:501]).encode()
    large = "".join([lines[0], *lines[501:2501]]).encode()
    counts = []
    for file in (small, large):
        with StatementCounter() as counted:
            job = await service.run_import(
                viewer, kind=kind, file_name="many.csv", content=file, dry_run=False
            )
        assert job.status is ImportStatus.DONE, job.errors[:3] if job.errors else None
        counts.append(counted.count)
    assert counts[1] <= 4 * counts[0], counts

    spec = kinds.spec(kind)
    if spec.export is None:
        return
    exported = []
    for _ in range(2):
        with StatementCounter() as counted:
            rows = [row async for row in spec.export(viewer)]
        exported.append((len(rows), counted.count))
    assert exported[0] == exported[1]
    # 2,500 rows and more: read 500 at a time, a few statements each, never one per row
    assert exported[0][1] <= 4 * (exported[0][0] // 500 + 1) + 4, exported
