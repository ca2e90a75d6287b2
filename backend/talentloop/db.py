"""The Tortoise configuration: one app, every domain's models, one migrations package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from talentloop.config import get_settings

MODEL_MODULES = [
    "talentloop.org.models",
    "talentloop.people.models",
    "talentloop.accounts.models",
    "talentloop.performance.models",
    "talentloop.skills.models",
    "talentloop.training.models",
    "talentloop.analytics.models",
    "talentloop.audit.models",
    "talentloop.attendance.models",
]


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    url = database_url or get_settings().database_url
    if url.startswith("sqlite://"):
        # The default database lives under var/; make sure the folder exists.
        path = url.removeprefix("sqlite://")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": url},
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
