from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hmrc_sync import __version__
from hmrc_sync.cli import cli


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"hmrc-sync, version {__version__}"


def test_python_dash_m_is_the_same_program() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "hmrc_sync", "--version"], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == f"hmrc-sync, version {__version__}"


def test_every_command_has_help() -> None:
    runner = CliRunner()
    import click

    commands = cli.list_commands(click.Context(cli))
    assert {"migrate", "status"} <= set(commands)
    for name in commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output
        assert len(result.output.splitlines()) > 3, f"{name} --help says too little"


def test_migrate_then_status_on_the_default_sqlite(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["migrate"])
    assert first.exit_code == 0, first.output
    default_db = tmp_path / "xdg-data" / "hmrc-sync" / "hmrc-sync.db"
    assert default_db.exists(), "the default database is created on first use"
    assert "Migrated" in first.output
    second = runner.invoke(cli, ["migrate"])
    assert second.exit_code == 0
    assert "already at revision" in second.output
    status = runner.invoke(cli, ["status"])
    assert status.exit_code == 0, status.output
    assert "(up to date)" in status.output
    assert "snapshots:  0" in status.output


def test_status_before_migrate_says_what_to_do(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["status", "--database-url", sqlite_url])
    assert result.exit_code == 1
    assert "run `hmrc-sync migrate`" in result.output


def test_status_masks_the_password(postgres_url: str) -> None:
    with_password = postgres_url.replace("postgres@", "postgres:s3cr3t-pw@")
    result = CliRunner().invoke(cli, ["migrate", "--database-url", with_password])
    assert result.exit_code == 0, result.output
    status = CliRunner().invoke(cli, ["status", "--database-url", with_password])
    assert status.exit_code == 0, status.output
    assert "s3cr3t-pw" not in status.output + result.output
    assert "***" in status.output


def test_bad_configuration_is_a_clean_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMRC_SYNC_DATABASE_URL", "oracle://nope")
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 2
    assert "HMRC_SYNC_DATABASE_URL" in result.output
    assert "Traceback" not in result.output
