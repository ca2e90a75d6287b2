"""Settings read once from the environment (twelve-factor); nothing else reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite://{REPO_ROOT / 'var' / 'talentloop.sqlite3'}"
# A development-only key: production sets TALENTLOOP_SECRET_KEY (docker-compose does).
DEV_SECRET_KEY = "talentloop-dev-secret-key-change-me-in-production-0123456789"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEV_SECRET_KEY
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    spa_dir: Path = field(default_factory=lambda: REPO_ROOT / "frontend" / "dist")
    debug: bool = False
    # Personal data at rest (privacy/keys.py): "kid:base64key,…", the current key first, and
    # the key of the keyed look-up hashes. Neither set: a development key file under var/.
    encryption_keys: str | None = None
    hash_key: str | None = None
    dev_key_file: Path = field(default_factory=lambda: REPO_ROOT / "var" / "dev-data-keys.json")
    # Whether TALENTLOOP_SECRET_KEY was set: a deployment, which must set the data keys too.
    is_deployment: bool = False


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        secret_key=env.get("TALENTLOOP_SECRET_KEY") or DEV_SECRET_KEY,
        access_token_minutes=int(env.get("TALENTLOOP_ACCESS_TOKEN_MINUTES", "15")),
        refresh_token_days=int(env.get("TALENTLOOP_REFRESH_TOKEN_DAYS", "14")),
        spa_dir=Path(env.get("TALENTLOOP_SPA_DIR") or REPO_ROOT / "frontend" / "dist"),
        debug=env.get("TALENTLOOP_DEBUG", "") == "1",
        encryption_keys=env.get("TALENTLOOP_ENCRYPTION_KEYS") or None,
        hash_key=env.get("TALENTLOOP_HASH_KEY") or None,
        dev_key_file=Path(
            env.get("TALENTLOOP_DEV_KEY_FILE") or REPO_ROOT / "var" / "dev-data-keys.json"
        ),
        is_deployment=bool(env.get("TALENTLOOP_SECRET_KEY")),
    )
