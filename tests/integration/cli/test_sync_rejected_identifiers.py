"""``sync`` when HMRC rejects an identifier from the user's settings: HMRC's 400
``SA_UTR_INVALID`` (a UTR that is 10 digits but fails HMRC's check character) and
``FORMAT_NINO`` (a NINO shaped right but with a prefix HMRC never issues) are configuration
errors — exit 2 with a message naming the setting, the run stopped at the first refusal —
never the generic exit 1 of "HMRC refused every year". Against the in-process emulator, which
answers as HMRC's APIs do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from hmrc_sync.cli import cli
from hmrc_sync.db.engine import make_engine
from hmrc_sync.db.models import FetchLog, SyncRun
from hmrc_sync.errors import ExitCode
from hmrc_sync.settings import DEFAULT_SCOPES
from hmrc_sync.tokenstore import FileTokenStore
from tests.support.emulated import EmulatedHmrc, emulated_hmrc


@pytest.fixture
def hmrc(tmp_path: Path) -> Iterator[EmulatedHmrc]:
    with emulated_hmrc(tmp_path) as emulated:
        emulated.grant(FileTokenStore(tmp_path / "token.json"))
        yield emulated


def _sync(hmrc: EmulatedHmrc, url: str, *args: str, **settings: str) -> Result:
    values = {**hmrc.settings_values(url), **settings}
    env = {f"HMRC_SYNC_{k.upper()}": str(v) for k, v in values.items() if v is not None}
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"], env=env).exit_code == 0
    return runner.invoke(cli, ["sync", "--tax-year", "2024-25", *args], env=env)


def _wrong_check_character(utr: str) -> str:
    """The same 10 digits with another first digit: HMRC's check character no longer fits."""
    return str((int(utr[0]) + 1) % 10) + utr[1:]


def test_a_utr_hmrc_calls_invalid_is_a_configuration_error(
    hmrc: EmulatedHmrc, sqlite_url: str
) -> None:
    result = _sync(hmrc, sqlite_url, utr=_wrong_check_character(hmrc.utr))
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert "HMRC says the UTR in HMRC_SYNC_UTR is not valid" in result.output
    assert "SA_UTR_INVALID" in result.output
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            runs = connection.execute(select(SyncRun.exit_code, SyncRun.outcome)).all()
            requests = connection.execute(select(FetchLog.http_status)).all()
    finally:
        engine.dispose()
    assert runs == [(ExitCode.CONFIGURATION, "failed")]
    assert [status for (status,) in requests] == [400], "the run stops at the first refusal"


def test_a_nino_hmrc_calls_invalid_is_a_configuration_error(
    hmrc: EmulatedHmrc, sqlite_url: str
) -> None:
    scopes = (*DEFAULT_SCOPES, "read:self-assessment")  # what the MTD API asks for
    hmrc.grant(FileTokenStore(hmrc.workdir / "token.json"), scopes=scopes)
    nino = "QQ123456C"  # shaped right, but HMRC issues no NINO starting QQ
    result = _sync(hmrc, sqlite_url, "--source", "mtd", nino=nino, scopes=" ".join(scopes))
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert "National Insurance number in HMRC_SYNC_NINO is not valid" in result.output
    assert "FORMAT_NINO" in result.output
