"""The token-signing key every API process must share: from the environment, else from one
file that the first process makes — never a key written in the source code."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from talentloop.config import ConfigurationError, Settings


def test_the_key_from_the_environment_is_used_as_it_is(tmp_path: Path) -> None:
    key = "k" * 40
    settings = Settings(secret_key_value=key, secret_key_file=tmp_path / "secret-key")
    assert settings.secret_key == key
    assert not (tmp_path / "secret-key").exists()


def test_without_one_every_process_reads_the_key_the_first_made(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret-key"
    first = Settings(secret_key_file=path).secret_key
    second = Settings(secret_key_file=path).secret_key  # another process, later
    assert first == second and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret-key"]  # no draft left behind
    other = Settings(secret_key_file=tmp_path / "elsewhere").secret_key
    assert other != first  # made at random, not a built-in default


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="at least 32"):
        _ = Settings(secret_key_value="short", secret_key_file=tmp_path / "k").secret_key


def test_a_key_file_that_cannot_be_made_asks_for_the_environment_variable(
    tmp_path: Path,
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    settings = Settings(secret_key_file=tmp_path / "not-a-folder" / "secret-key")
    with pytest.raises(ConfigurationError, match="TALENTLOOP_SECRET_KEY"):
        _ = settings.secret_key
