"""Commands that speak clearly on a new machine: ``auth status`` with no grant, ``reconcile``
on an empty database, and ``status`` before any database exists."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from hmrc_sync.cli import cli
from hmrc_sync.errors import ExitCode


def test_auth_status_with_no_grant_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["auth", "status"], env={"HMRC_SYNC_TOKEN_FILE": str(tmp_path / "token.json")}
    )
    assert result.exit_code == ExitCode.REAUTHORISE
    assert result.output.startswith("no grant stored: run `hmrc-sync auth login`")
    assert "False" not in result.output, "no contradictory lines"


def test_reconcile_on_an_empty_database_says_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--database-url", url]).exit_code == 0
    result = runner.invoke(cli, ["reconcile", "--database-url", url])
    assert result.exit_code == ExitCode.NOTHING_TO_RECONCILE  # never "everything matches"
    assert "Nothing to reconcile yet" in result.output
    assert "hmrc-sync payslips import" in result.output


def test_status_before_any_database_creates_none(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["status", "--database-url", f"sqlite:///{database}"])
    assert result.exit_code == ExitCode.FAILED
    assert "does not exist yet" in result.output
    assert "hmrc-sync migrate" in result.output
    assert not database.exists()


def test_migrate_creates_the_database_for_its_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["migrate", "--database-url", f"sqlite:///{database}"])
    assert result.exit_code == 0, result.output
    assert database.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("command", ["emulator", "serve"])
def test_a_busy_port_says_so_and_exits_2_before_any_banner(command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, [command, "--port", str(port)])
    assert result.exit_code == ExitCode.CONFIGURATION
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "--port" in result.output
    assert "export" not in result.output, "nothing printed before the refusal"
