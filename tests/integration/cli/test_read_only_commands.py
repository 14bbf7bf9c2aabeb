"""Commands that only read never create the database: on a new machine (the default SQLite
path in the user data directory, which does not exist yet) each says there is nothing yet
and what to run, and leaves no file or directory behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from hmrc_sync.cli import cli
from hmrc_sync.errors import ExitCode

NO_DATABASE = "no database at"

# command -> (exit code, what it says)
READ_ONLY = {
    "auth status": (ExitCode.REAUTHORISE, "no grant stored: run `hmrc-sync auth login`"),
    "payslips list": (ExitCode.FAILED, NO_DATABASE),
    "reconcile": (ExitCode.FAILED, NO_DATABASE),
    "position": (ExitCode.FAILED, NO_DATABASE),
    "config": (ExitCode.OK, "HMRC_SYNC_DATABASE_URL"),
    "status": (ExitCode.FAILED, "does not exist yet"),
}


def _data_dir() -> Path:
    """Where the default database would go (the suite points XDG_DATA_HOME at tmp_path)."""
    return Path(os.environ["XDG_DATA_HOME"])


@pytest.mark.parametrize("command", sorted(READ_ONLY))
def test_a_read_only_command_creates_no_database(command: str) -> None:
    code, says = READ_ONLY[command]
    result = CliRunner().invoke(cli, command.split())
    assert result.exit_code == code, result.output
    assert says in result.output
    if says == NO_DATABASE:
        assert str(_data_dir() / "hmrc-sync" / "hmrc-sync.db") in result.output
        assert "run `hmrc-sync migrate` to create it" in result.output
    assert not _data_dir().exists(), f"`{command}` created {sorted(_data_dir().rglob('*'))}"


def test_sync_without_a_database_says_to_migrate_and_creates_none() -> None:
    """Not read-only, but it needs a migrated database: it says so instead of making an
    empty one."""
    result = CliRunner().invoke(cli, ["sync"])
    assert result.exit_code == ExitCode.FAILED, result.output
    assert NO_DATABASE in result.output
    assert not _data_dir().exists()


def test_migrate_then_a_read_only_command_works(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    assert (_data_dir() / "hmrc-sync" / "hmrc-sync.db").exists()
    result = runner.invoke(cli, ["payslips", "list"])
    assert result.exit_code == 0, result.output
    assert "no payslips or P60s" in result.output
