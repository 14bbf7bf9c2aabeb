"""Every exit code in ``hmrc_sync.errors.ExitCode`` has a real cause that produces it: one row
per code, each a command invoked as a user would (the real ``hmrc-sync`` group under click's
CliRunner, or a subprocess for the Phase 1 script), against a SQLite database, the in-process
emulator or nothing at all. A meta-test fails when a code is added without a row."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from hmrc_sync.cli import cli
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.db.models import TaxYearSnapshot
from hmrc_sync.demo.sample_payslips import sample_year, write_payslips_csv
from hmrc_sync.emulator.config import VersionNotice
from hmrc_sync.emulator.inprocess import free_port
from hmrc_sync.errors import ExitCode
from hmrc_sync.sync.model import Observation
from hmrc_sync.sync.snapshots import record_availability
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import FileTokenStore
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

REPO = Path(__file__).resolve().parents[3]
# Years `sync` still reaches (it refuses those HMRC no longer holds, six back from today).
YEAR = TaxYear(2024)
EARLIER = TaxYear(2023)
WHEN = dt.datetime(2025, 8, 1, 6, 0, tzinfo=dt.UTC)
ACME = employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")

Cause = Callable[[Path], int]


def _hmrc_sync(*args: str, env: Mapping[str, str | None] | None = None) -> int:
    result = CliRunner().invoke(cli, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hmrc-sync.db'}"


# --------------------------------------------------------------------------- databases
def _reconcilable(
    tmp_path: Path, *, tax_offset: str = "0", hmrc_only_employer: bool = False
) -> str:
    """A migrated database holding HMRC's figures for one employer and its payslips (the
    demo's sample year: one month missing, explained by the year-to-date figures)."""
    url = _url(tmp_path)
    engine = make_engine(url)
    upgrade(engine)
    sample = sample_year(YEAR)
    snapshots = [(sample.employer_paye_ref, sample.taxable_pay, sample.income_tax)]
    if hmrc_only_employer:  # an employer HMRC knows and the payslips do not: review
        snapshots.append(("999/ZZ99999", Decimal("1000.00"), Decimal("0.00")))
    with Session(engine) as session, session.begin():
        for ref, pay, tax in snapshots:
            session.add(
                TaxYearSnapshot(
                    tax_year=YEAR.storage,
                    employer_paye_ref=ref,
                    snapshot_date=WHEN,
                    gross_pay=pay,
                    income_tax=tax + Decimal(tax_offset),
                    ni_contributions=None,
                    employer_name=None,
                    source_api="individual",
                    raw={},
                    content_hash=ref,
                )
            )
        for api in ("individual-income", "individual-tax"):
            record_availability(session, YEAR, api, Observation.DATA, WHEN)
    engine.dispose()
    slips = write_payslips_csv(sample.payslips, tmp_path / "payslips.csv")
    assert _hmrc_sync("payslips", "import", str(slips), "--database-url", url) == 0
    return url


# --------------------------------------------------------------------------- the emulator
@contextmanager
def _emulated(tmp_path: Path, **options: Any) -> Iterator[tuple[EmulatedHmrc, dict[str, str]]]:
    """The emulator with the owner's grant stored, a migrated database, and the environment
    that points ``hmrc-sync`` at both."""
    with emulated_hmrc(tmp_path, **options) as hmrc:
        hmrc.grant(FileTokenStore(tmp_path / "token.json"))
        values = hmrc.settings_values(_url(tmp_path))
        env = {f"HMRC_SYNC_{k.upper()}": str(v) for k, v in values.items() if v is not None}
        assert _hmrc_sync("migrate", env=env) == 0
        yield hmrc, env


def _sync_with_one_absurd_year(tmp_path: Path) -> int:
    """2024-25 syncs; HMRC's 2023-24 answer holds pay beyond any NUMERIC(12,2) amount, so
    that year alone fails."""
    with _emulated(tmp_path) as (hmrc, env):
        hmrc.seed(YEAR, [ACME])
        hmrc.seed(EARLIER, [employer("123/AB45678", "Acme", "99999999999.00", "0.00")])
        return _hmrc_sync("sync", "--tax-year", f"{YEAR.hmrc},{EARLIER.hmrc}", env=env)


def _sync_a_retired_api_version(tmp_path: Path) -> int:
    retired = (VersionNotice("individual-income", "1.2"),)
    with _emulated(tmp_path, retired_versions=retired) as (hmrc, env):
        hmrc.seed(YEAR, [ACME])
        return _hmrc_sync("sync", "--tax-year", YEAR.hmrc, env=env)


def _login_with_hmrc_unreachable(tmp_path: Path) -> int:
    env = {
        "HMRC_SYNC_CLIENT_ID": "an-application",
        "HMRC_SYNC_CLIENT_SECRET": "its-secret",
        "HMRC_SYNC_API_BASE_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens
        "HMRC_SYNC_TOKEN_FILE": str(tmp_path / "token.json"),
    }
    return _hmrc_sync("auth", "login", "--no-browser", "--timeout", "10", env=env)


def _headless_auth_at_production(tmp_path: Path) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HMRC_SYNC_", "VAULT_"))}
    env.update(
        HMRC_SYNC_ENVIRONMENT="production",
        HMRC_SYNC_CLIENT_ID="production-client",
        HMRC_SYNC_CLIENT_SECRET="production-secret",
        HMRC_SYNC_UTR="1234567890",
        HMRC_SYNC_TOKEN_FILE=str(tmp_path / "token.json"),
        HMRC_SYNC_CHROMIUM=str(tmp_path / "no-chromium-needed"),
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "headless_auth.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "production" in done.stderr
    return done.returncode


# --------------------------------------------------------------------------- the table
CAUSES: dict[ExitCode, Cause] = {
    ExitCode.OK: lambda tmp: _hmrc_sync("reconcile", "--database-url", _reconcilable(tmp)),
    ExitCode.FAILED: lambda tmp: _hmrc_sync("status", "--database-url", _url(tmp)),
    ExitCode.CONFIGURATION: lambda tmp: _hmrc_sync("auth", "login", "--no-browser"),
    ExitCode.REAUTHORISE: lambda tmp: _hmrc_sync(
        "auth", "status", env={"HMRC_SYNC_TOKEN_FILE": str(tmp / "token.json")}
    ),
    ExitCode.HMRC_UNAVAILABLE: _login_with_hmrc_unreachable,
    ExitCode.PARTIAL: _sync_with_one_absurd_year,
    ExitCode.MISMATCH: lambda tmp: _hmrc_sync(
        "reconcile", "--database-url", _reconcilable(tmp, tax_offset="250.00")
    ),
    ExitCode.PRODUCTION_REFUSED: _headless_auth_at_production,
    ExitCode.REVIEW: lambda tmp: _hmrc_sync(
        "reconcile", "--database-url", _reconcilable(tmp, hmrc_only_employer=True)
    ),
    ExitCode.NOTHING_TO_RECONCILE: lambda tmp: (
        _hmrc_sync("migrate", "--database-url", _url(tmp))
        or _hmrc_sync("reconcile", "--database-url", _url(tmp))
    ),
    ExitCode.API_VERSION_RETIRED: _sync_a_retired_api_version,
    ExitCode.POSITION_ALERT: lambda tmp: _hmrc_sync(
        "position",
        "--alert-above",
        "0.01",
        "--profile",
        str(tmp / "profile.json"),
        "--database-url",
        _reconcilable(tmp),
    ),
}


def test_every_exit_code_has_a_cause() -> None:
    assert set(CAUSES) == set(ExitCode)


@pytest.mark.parametrize("code", list(ExitCode), ids=lambda code: f"{code.value}-{code.name}")
def test_the_cause_exits_with_its_code(code: ExitCode, tmp_path: Path) -> None:
    assert CAUSES[code](tmp_path) == code
