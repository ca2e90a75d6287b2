"""Tasks that tests run in the file-checking process (talentloop.offload): a module of their
own, so that the child imports no more than this to run them."""

from __future__ import annotations

import time

from talentloop import offload


def report_rows(rows: int, pause: float) -> int:
    """Report 1..rows as progress, `pause` seconds apart, as import_rows.check_file does."""
    for done in range(1, rows + 1):
        offload.progress(done)
        time.sleep(pause)
    return rows
