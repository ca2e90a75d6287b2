"""Background jobs: the queue (one `Job` row per unit of work, claimed by exactly one worker)
and the worker that runs inside every API process or alone (`python -m talentloop worker`)."""
