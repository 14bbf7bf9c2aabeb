"""What ``sync`` says: on a terminal one line per tax year as it goes, and a failed run's error
exactly once (not in the summary, a log line and the ``Error:`` line); nothing extra with
--json, with -q, or when stderr is no terminal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hmrc_sync.cli import cli
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import FileTokenStore
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

UNAVAILABLE = "HMRC is unavailable (tried 5 times); try again later"
NO_GRANT = "no HMRC grant is stored yet"


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stderr is a terminal, as far as ``sync`` can tell (logs stay plain text)."""
    monkeypatch.setattr("hmrc_sync.commands.sync.stderr_is_terminal", lambda: True)


def _migrated(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def hmrc(tmp_path: Path, sqlite_url: str) -> Iterator[EmulatedHmrc]:
    _migrated(sqlite_url)
    with emulated_hmrc(tmp_path, rate_limit=0) as emulated:
        yield emulated


def _sync(hmrc: EmulatedHmrc, url: str, *args: str, log_format: str = "text") -> Result:
    env = hmrc.env(url, HMRC_SYNC_LOG_FORMAT=log_format)
    return CliRunner().invoke(cli, ["sync", *args], env=env)


def _previous(hmrc: EmulatedHmrc) -> TaxYear:
    return TaxYear.containing(hmrc.emulator.today()).previous()


def _granted_with_figures(hmrc: EmulatedHmrc, url: str) -> TaxYear:
    year = _previous(hmrc)
    hmrc.seed(year, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
    hmrc.grant(FileTokenStore(hmrc.settings(url).token_file))
    return year


@pytest.mark.usefixtures("terminal")
def test_on_a_terminal_each_year_gets_a_line(hmrc: EmulatedHmrc, sqlite_url: str) -> None:
    year = _granted_with_figures(hmrc, sqlite_url)
    result = _sync(hmrc, sqlite_url, "--tax-year", "previous")
    assert result.exit_code == 0, result.output
    assert f"{year.hmrc} … synced (1 employment, 1 new)\n" in result.stderr
    assert "…" not in result.stdout, "progress goes to stderr"
    assert result.stdout.startswith("sync ok: 1 new snapshot")


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize("flags", [["-q"], ["--json"]], ids=["quiet", "json"])
def test_quiet_or_json_shows_no_progress(
    hmrc: EmulatedHmrc, sqlite_url: str, flags: list[str]
) -> None:
    _granted_with_figures(hmrc, sqlite_url)
    result = _sync(hmrc, sqlite_url, "--tax-year", "previous", *flags)
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    if flags == ["--json"]:
        assert json.loads(result.stdout)["snapshots_added"] == 1


@pytest.mark.usefixtures("terminal")
def test_no_progress_among_json_log_lines(hmrc: EmulatedHmrc, sqlite_url: str) -> None:
    _granted_with_figures(hmrc, sqlite_url)
    result = _sync(hmrc, sqlite_url, "--tax-year", "previous", log_format="json")
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert all(json.loads(line)["level"] for line in result.stderr.splitlines())


def test_no_progress_when_stderr_is_no_terminal(hmrc: EmulatedHmrc, sqlite_url: str) -> None:
    _granted_with_figures(hmrc, sqlite_url)
    result = _sync(hmrc, sqlite_url, "--tax-year", "previous", log_format="auto")
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert all(json.loads(line)["level"] for line in result.stderr.splitlines())


@pytest.mark.usefixtures("terminal")
def test_a_dead_grant_is_said_once(hmrc: EmulatedHmrc, sqlite_url: str) -> None:
    result = _sync(hmrc, sqlite_url)
    assert result.exit_code == 3, result.output
    assert result.output.count(NO_GRANT) == 1, result.output
    assert f"Error: {NO_GRANT}" in result.stderr


@pytest.mark.usefixtures("terminal")
def test_an_outage_is_said_once(tmp_path: Path, sqlite_url: str) -> None:
    faults = FaultConfig(error_rate=1.0, error_statuses=(503,))
    with emulated_hmrc(tmp_path, rate_limit=0, faults=faults) as hmrc:
        hmrc.grant(FileTokenStore(hmrc.settings(_migrated(sqlite_url)).token_file))
        result = _sync(hmrc, sqlite_url, "--tax-year", "current,previous")
    assert result.exit_code == 4, result.output
    assert result.output.count(UNAVAILABLE) == 1, result.output
    current = TaxYear.containing(hmrc.emulator.today())
    assert f"{current.hmrc} … failed: {UNAVAILABLE}" in result.stderr
    assert f"{current.previous().hmrc} … skipped: HMRC unavailable" in result.stderr
    assert "Error: no tax year was synced (exit 4); the reason is above" in result.stderr


def test_without_progress_the_error_line_carries_the_reason(
    tmp_path: Path, sqlite_url: str
) -> None:
    faults = FaultConfig(error_rate=1.0, error_statuses=(503,))
    with emulated_hmrc(tmp_path, rate_limit=0, faults=faults) as hmrc:
        hmrc.grant(FileTokenStore(hmrc.settings(_migrated(sqlite_url)).token_file))
        result = _sync(hmrc, sqlite_url, "-q")
    assert result.exit_code == 4, result.output
    assert result.output.count(UNAVAILABLE) == 1, result.output
    assert f"Error: {UNAVAILABLE}" in result.stderr
    assert "WARNING" not in result.stderr, "-q: the retries are not logged"


def test_status_then_shows_the_grant_and_the_last_sync(hmrc: EmulatedHmrc, sqlite_url: str) -> None:
    _granted_with_figures(hmrc, sqlite_url)
    env = hmrc.env(sqlite_url)
    before = CliRunner().invoke(cli, ["status", "--json"], env=env)
    assert json.loads(before.stdout)["last_sync"] is None
    assert _sync(hmrc, sqlite_url, "--tax-year", "previous").exit_code == 0

    state = json.loads(CliRunner().invoke(cli, ["status", "--json"], env=env).stdout)
    assert state["grant"]["state"] == "granted"
    assert state["grant"]["expires_at"] is not None
    assert state["last_sync"]["outcome"] == "ok"
    assert state["last_sync"]["exit_code"] == 0
    assert state["last_sync"]["snapshots_added"] == 1
    text = CliRunner().invoke(cli, ["status"], env=env).stdout
    assert "grant:      granted, until " in text
    assert "last sync:  " in text
    assert ", ok (exit 0, cli)" in text
