"""What the import tests of every kind share: the import and undo mutations, and running a
CSV text of one kind as a user (tests/imports, tests/training)."""

from __future__ import annotations

import base64
from typing import Any

from talentloop.accounts.models import User
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
