"""What the import tests of every kind share: the import and undo mutations, and running a
CSV text of one kind as a user (tests/imports, tests/training)."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from talentloop.access.viewer import load_viewer
from talentloop.accounts.models import User
from talentloop.imports import kinds
from talentloop.performance.models import ImportKind
from tests.support import Api

IMPORT = """mutation($input: ImportDataInput!) {
  importData(input: $input) {
    job {
      id status createdRows updatedRows unchangedRows
      errors { row column message code value choices }
    }
    errors { field code message }
  }
}"""
UNDO = """mutation($id: ID!) {
  undoImport(id: $id) { job { id undoneAt } errors { field code message } }
}"""


async def run_file(api: Api, user: User, kind: str, text: str, **options: Any) -> dict:
    """The job of importing `text` (CSV) as `kind`: a real import unless `dryRun=True`."""
    content = base64.b64encode(text.encode()).decode()
    options.setdefault("dryRun", False)
    data = await api.data(
        IMPORT,
        {"input": {"kind": kind, "fileName": "f.csv", "contentBase64": content, **options}},
        as_=user,
    )
    assert data["importData"]["errors"] == [], data
    job: dict = data["importData"]["job"]
    return job


async def export_csv(user_id: int, kind: ImportKind) -> str:
    """The kind's export as the user reads it: a CSV file headed by the columns' keys."""
    spec = kinds.spec(kind)
    assert spec.export is not None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in spec.columns])
    async for row in spec.export(await load_viewer(user_id)):
        writer.writerow(row)
    return out.getvalue()
