"""Settings read once from the environment (twelve-factor); nothing else reads os.environ.

Every API process of one installation must be configured alike — above all with the same
token-signing key, since an access token issued by one process is checked by another
(docs/architecture.md, "Topology")."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite://{REPO_ROOT / 'var' / 'talentloop.sqlite3'}"
DEFAULT_SECRET_KEY_FILE = REPO_ROOT / "var" / "secret-key"
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # TALENTLOOP_SECRET_KEY; when unset, the key kept in `secret_key_file` (see `secret_key`).
    secret_key_value: str = ""
    secret_key_file: Path = DEFAULT_SECRET_KEY_FILE
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    spa_dir: Path = field(default_factory=lambda: REPO_ROOT / "frontend" / "dist")
    debug: bool = False
    # Where archive documents are stored: a folder on disk (records/storage.py).
    archive_dir: Path = field(default_factory=lambda: REPO_ROOT / "var" / "archive")
    # Personal data at rest (privacy/keys.py): "kid:base64key,…", the current key first, and
    # the key of the keyed look-up hashes. Neither set: a development key file under var/.
    encryption_keys: str | None = None
    hash_key: str | None = None
    dev_key_file: Path = field(default_factory=lambda: REPO_ROOT / "var" / "dev-data-keys.json")
    # Whether TALENTLOOP_SECRET_KEY was set: a deployment, which must set the data keys too.
    is_deployment: bool = False
    # The background-job worker inside this process (jobs/worker.py): on unless a separate
    # `python -m talentloop worker` does the work; how many jobs it runs at once; after how
    # long without a heartbeat another worker takes a running job over.
    job_worker: bool = True
    job_concurrency: int = 2
    job_stale_seconds: int = 60
    # How often each process reloads the work calendar's entered days (attendance/calendar.py);
    # 0: only at start-up and after its own changes (the tests).
    calendar_refresh_seconds: float = 60.0
    # The largest GraphQL request body (app.py answers 413 past it); an import's file travels
    # base64 inside it, so this bounds imports too.
    max_graphql_bytes: int = 10 * 1024 * 1024

    @cached_property
    def secret_key(self) -> str:
        """The key that signs access tokens: TALENTLOOP_SECRET_KEY, else the key in
        TALENTLOOP_SECRET_KEY_FILE (default var/secret-key), made at random the first time.
        Never a built-in default: a key in the source code would sign anyone's tokens.
        Processes on one machine share the file; processes on several machines must all be
        given the same TALENTLOOP_SECRET_KEY (docker-compose.yml does)."""
        key = self.secret_key_value or _read_or_create_key(self.secret_key_file)
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                f"The token-signing key must be at least {MIN_SECRET_KEY_LENGTH} characters "
                "(TALENTLOOP_SECRET_KEY or TALENTLOOP_SECRET_KEY_FILE)."
            )
        return key


def _read_or_create_key(path: Path) -> str:
    """The key in `path`; when there is none, a new random one written there. Two processes
    starting at once agree: the file appears whole (written aside, then linked into place, which
    fails if another process got there first), and the loser reads the winner's key."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ConfigurationError(
            f"The token-signing key file {path} cannot be read ({exc.strerror}): set "
            "TALENTLOOP_SECRET_KEY or TALENTLOOP_SECRET_KEY_FILE."
        ) from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    except OSError as exc:
        raise ConfigurationError(
            f"No token-signing key: set TALENTLOOP_SECRET_KEY, or make {path} writable "
            f"({exc.strerror})."
        ) from exc
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        secret_key_value=env.get("TALENTLOOP_SECRET_KEY", "").strip(),
        secret_key_file=Path(env.get("TALENTLOOP_SECRET_KEY_FILE") or DEFAULT_SECRET_KEY_FILE),
        access_token_minutes=int(env.get("TALENTLOOP_ACCESS_TOKEN_MINUTES", "15")),
        refresh_token_days=int(env.get("TALENTLOOP_REFRESH_TOKEN_DAYS", "14")),
        spa_dir=Path(env.get("TALENTLOOP_SPA_DIR") or REPO_ROOT / "frontend" / "dist"),
        debug=env.get("TALENTLOOP_DEBUG", "") == "1",
        archive_dir=Path(env.get("TALENTLOOP_ARCHIVE_DIR") or REPO_ROOT / "var" / "archive"),
        encryption_keys=env.get("TALENTLOOP_ENCRYPTION_KEYS") or None,
        hash_key=env.get("TALENTLOOP_HASH_KEY") or None,
        dev_key_file=Path(
            env.get("TALENTLOOP_DEV_KEY_FILE") or REPO_ROOT / "var" / "dev-data-keys.json"
        ),
        is_deployment=bool(env.get("TALENTLOOP_SECRET_KEY")),
        job_worker=env.get("TALENTLOOP_JOB_WORKER", "1") != "0",
        job_concurrency=max(1, int(env.get("TALENTLOOP_JOB_CONCURRENCY", "2"))),
        job_stale_seconds=max(10, int(env.get("TALENTLOOP_JOB_STALE_SECONDS", "60"))),
        calendar_refresh_seconds=float(env.get("TALENTLOOP_CALENDAR_REFRESH_SECONDS", "60")),
        max_graphql_bytes=max(
            64 * 1024, int(env.get("TALENTLOOP_MAX_GRAPHQL_BYTES", str(10 * 1024 * 1024)))
        ),
    )
