"""The Tortoise configuration: one app, every domain's models, one migrations package.

SQLite goes through `talentloop.sqlite` (WAL, a busy timeout, transactions that take the write
lock when they begin), so that several writers, in one process or several, wait their turn
instead of failing with "database is locked".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

from talentloop.config import get_settings
from talentloop.inputs import install_for_modules

MODEL_MODULES = [
    "talentloop.org.models",
    "talentloop.people.models",
    "talentloop.accounts.models",
    "talentloop.performance.models",
    "talentloop.skills.models",
    "talentloop.training.models",
    "talentloop.analytics.models",
    "talentloop.payroll.models",
    "talentloop.audit.models",
    "talentloop.jobs.models",
    "talentloop.imports.models",
    "talentloop.records.models",
    "talentloop.attendance.models",
    "talentloop.approvals.models",
    "talentloop.recruitment.models",
    "talentloop.privacy.models",
]


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    # Every path to the database starts here: each model's writes are checked against its
    # columns (talentloop/inputs.py) before Tortoise is initialised with them.
    install_for_modules(MODEL_MODULES)
    url = database_url or get_settings().database_url
    connection: str | dict[str, Any] = url
    if url.startswith("sqlite://"):
        connection = expand_db_url(url)
        connection["engine"] = "talentloop.sqlite"
        # The default database lives under var/; make sure the folder exists.
        path = connection["credentials"]["file_path"]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": connection},
        "apps": {
            "talentloop": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "talentloop.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by the `tortoise` command line (tortoise -c talentloop.db.TORTOISE_ORM makemigrations).
TORTOISE_ORM = tortoise_config()
