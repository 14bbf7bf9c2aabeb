"""-v/--verbose and -q/--quiet on every command and subcommand, and what they change: a
``migrate`` logged as JSON lines at info carries no Alembic chatter; -v lets it through; -q
leaves errors only."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hmrc_sync.cli import cli
from tests.integration.cli.command_paths import command_paths


@pytest.mark.parametrize(
    "path", [[], *command_paths()], ids=lambda path: " ".join(path) or "hmrc-sync"
)
def test_every_command_takes_verbose_and_quiet(path: list[str]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "-v, --verbose" in result.output
    assert "-q, --quiet" in result.output


def test_verbose_and_quiet_together_are_refused() -> None:
    result = CliRunner().invoke(cli, ["-q", "status", "-v"])
    assert result.exit_code == 2
    assert "-v/--verbose and -q/--quiet contradict each other" in result.output


def _migrate(sqlite_url: str, *flags: str) -> list[dict[str, str]]:
    env = {"HMRC_SYNC_DATABASE_URL": sqlite_url, "HMRC_SYNC_LOG_FORMAT": "json"}
    result = CliRunner().invoke(cli, ["migrate", *flags], env=env)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stderr.splitlines()]


def test_json_logs_at_info_carry_no_alembic_chatter(sqlite_url: str) -> None:
    assert [r for r in _migrate(sqlite_url) if r["logger"].startswith("alembic")] == []


def test_verbose_lets_alembic_speak(sqlite_url: str) -> None:
    assert [r for r in _migrate(sqlite_url, "-v") if r["logger"].startswith("alembic")]


def test_quiet_leaves_errors_only(sqlite_url: str) -> None:
    env = {"HMRC_SYNC_DATABASE_URL": sqlite_url, "HMRC_SYNC_LOG_LEVEL": "debug"}
    result = CliRunner().invoke(cli, ["migrate", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "the flag wins over HMRC_SYNC_LOG_LEVEL"
    assert result.stdout.startswith("Migrated ")


def test_the_level_setting_applies_without_a_flag(sqlite_url: str) -> None:
    env = {"HMRC_SYNC_DATABASE_URL": sqlite_url, "HMRC_SYNC_LOG_LEVEL": "debug"}
    result = CliRunner().invoke(cli, ["migrate"], env=env)
    assert result.exit_code == 0, result.output
    assert "alembic" in result.stderr


@pytest.mark.parametrize("flags", [[], ["-q"]], ids=["json", "quiet"])
def test_a_mistyped_variable_is_warned_about_in_the_chosen_format(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, flags: list[str]
) -> None:
    monkeypatch.setattr("hmrc_sync.settings._warned", set())  # warned once per process
    env = {
        "HMRC_SYNC_DATABASE_URL": sqlite_url,
        "HMRC_SYNC_LOG_FORMAT": "json",
        "HMRC_SYNC_LOG_LEVELL": "debug",
    }
    result = CliRunner().invoke(cli, ["status", *flags], env=env)
    assert result.exit_code == 1, result.output  # no database yet
    if flags:
        assert result.stderr == "", "-q: errors only"
        return
    (record,) = [json.loads(line) for line in result.stderr.splitlines()]
    assert record["level"] == "warning"
    assert "did you mean HMRC_SYNC_LOG_LEVEL?" in record["message"]
