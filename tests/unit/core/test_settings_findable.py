"""Settings a person can find and check: a typo'd variable is named with the nearest real
one, the user's config.env is read (below .env and the environment), SQLite paths are made
absolute, and ``hmrc-sync config`` shows each value (secrets masked) with its source."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from hmrc_sync.cli import cli
from hmrc_sync.settings import absolute_sqlite_url, load_settings, unknown_variable_warnings


def test_a_typo_is_warned_with_the_nearest_setting() -> None:
    warnings = unknown_variable_warnings(
        {"HMRC_SYNC_DATABSE_URL": "x", "HMRC_SYNC_CLIENT_ID": "y", "HMRC_SYNC_CHROMIUM": "z"}
    )
    assert warnings == [
        "HMRC_SYNC_DATABSE_URL is not an hmrc-sync setting and is ignored; "
        "did you mean HMRC_SYNC_DATABASE_URL?"
    ]


def test_load_settings_logs_the_typo(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HMRC_SYNC_CLIENT_SCRET", "oops")
    with caplog.at_level(logging.WARNING):
        load_settings()
    assert "did you mean HMRC_SYNC_CLIENT_SECRET?" in caplog.text
    assert "oops" not in caplog.text


def test_config_env_is_read_below_dot_env_and_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    config = tmp_path / "config" / "hmrc-sync" / "config.env"
    config.parent.mkdir(parents=True)
    config.write_text("HMRC_SYNC_CLIENT_ID=from-config\nHMRC_SYNC_UTR=1111111111\n", "utf-8")
    assert load_settings().client_id == "from-config"
    Path(".env").write_text("HMRC_SYNC_CLIENT_ID=from-dot-env\n", "utf-8")
    assert load_settings().client_id == "from-dot-env"
    assert load_settings().utr == "1111111111"
    monkeypatch.setenv("HMRC_SYNC_CLIENT_ID", "from-environment")
    assert load_settings().client_id == "from-environment"


def test_sqlite_paths_are_made_absolute(tmp_path: Path) -> None:
    home = Path("~").expanduser()
    assert absolute_sqlite_url("sqlite:///~/x.db") == f"sqlite:///{home / 'x.db'}"
    assert absolute_sqlite_url("sqlite:///rel.db") == f"sqlite:///{tmp_path / 'rel.db'}"
    assert absolute_sqlite_url("sqlite:////abs/x.db") == "sqlite:////abs/x.db"
    assert absolute_sqlite_url("sqlite:///:memory:") == "sqlite:///:memory:"
    assert absolute_sqlite_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_config_shows_values_masked_with_their_sources(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    config = tmp_path / "config" / "hmrc-sync" / "config.env"
    config.parent.mkdir(parents=True)
    config.write_text("HMRC_SYNC_CLIENT_ID=from-config\n", "utf-8")
    monkeypatch.setenv("HMRC_SYNC_CLIENT_SECRET", "very-secret-value")
    monkeypatch.setenv("HMRC_SYNC_DATABASE_URL", "postgresql://me:db-password@db/hmrc")
    result = CliRunner().invoke(cli, ["config", "--json"])
    assert result.exit_code == 0, result.output
    assert "very-secret-value" not in result.output
    assert "db-password" not in result.output
    rows = {row["setting"]: row for row in json.loads(result.output)["settings"]}
    assert rows["HMRC_SYNC_CLIENT_SECRET"]["value"] == "********"
    assert rows["HMRC_SYNC_CLIENT_SECRET"]["source"] == "environment (HMRC_SYNC_CLIENT_SECRET)"
    assert rows["HMRC_SYNC_CLIENT_ID"] == {
        "setting": "HMRC_SYNC_CLIENT_ID",
        "value": "from-config",
        "source": str(config),
    }
    assert rows["HMRC_SYNC_DATABASE_URL"]["value"] == "postgresql://me:***@db/hmrc"
    assert rows["HMRC_SYNC_REDIRECT_URI"]["source"] == "default"
