"""``hmrc-sync demo``: the whole main job on a laptop, with no configuration at all.

It starts the HMRC emulator in-process on a loopback port, creates a test user, seeds the last
four tax years (one with a bonus into the £100,000 taper; the previous year with two
employers; the current year not yet reconciled),
walks the emulator's sign-in and grant pages over HTTP as a browser would, stores the grant
in a demo token file (never your real one), and syncs every year into the demo's own
SQLite database (``demo.db`` in the ``demo`` folder of the user data directory, unless
``--database-url`` names another); ``reset_demo`` removes only those files.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

import httpx
from pydantic import SecretStr

from hmrc_sync.bootstrap import Container, bootstrap
from hmrc_sync.client.ratelimit import RateLimiter
from hmrc_sync.db.engine import upgrade
from hmrc_sync.db.urls import mask_database_url
from hmrc_sync.demo.sample_payslips import SampleYear, sample_year, write_payslips_csv
from hmrc_sync.emulator import driver
from hmrc_sync.emulator.app import create_emulator_app
from hmrc_sync.emulator.config import ApplicationConfig, EmulatorConfig
from hmrc_sync.emulator.data.figures import EmployerFigures as SeedEmployer
from hmrc_sync.emulator.inprocess import serve_in_thread
from hmrc_sync.errors import AuthorisationError
from hmrc_sync.oauth import grant_from_response, start_authorization, utcnow
from hmrc_sync.paye import tax_for_period
from hmrc_sync.payslips.importer import import_payslips_csv
from hmrc_sync.settings import DEFAULT_SCOPES, Settings, TokenStoreKind, data_dir, load_settings
from hmrc_sync.sync.jobs import JobResult, run_sync_job
from hmrc_sync.sync.model import SyncReport, Trigger
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend.profile import YearProfile
from hmrc_sync.yearend.store import save_profiles

DEMO_REDIRECT_URI = "http://localhost:8080/oauth/callback"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoYear:
    tax_year: TaxYear
    employers: tuple[SeedEmployer, ...]
    reconciled: bool


ACME = ("Acme Analytics Ltd", "123/AB45678")


def demo_payslips(today: dt.date) -> SampleYear:
    """A year of monthly payslips at Acme (one month missing, an RSU vest, salary sacrifice)."""
    before = TaxYear.containing(today).previous().previous()
    return sample_year(before, employer=ACME[0], employer_paye_ref=ACME[1])


# The taper year: £90,000 salary and a £28,000 bonus in March, taxed by PAYE on 1257L all
# year (the code never caught up with the £100,000 taper), so the year ends with a bill.
TAPER_YEAR_PAY: Final = Decimal("118000.00")


def paye_on_full_allowance(tax_year: TaxYear, pay: Decimal) -> Decimal:
    """What PAYE deducts over a year on 1257L (cumulative, at month 12): no taper."""
    return tax_for_period(tax_year, "1257L", "monthly", 12, pay, pay, Decimal(0))


def demo_years(today: dt.date) -> list[DemoYear]:
    """The last four tax years, as a plausible career: a year with a big bonus (into the
    £100,000 taper), one job (with its payslips), then a change of job, then the current
    year, which HMRC has not reconciled yet."""
    current = TaxYear.containing(today)
    previous, before = current.previous(), current.previous().previous()
    earlier = before.previous()
    payslips = demo_payslips(today)
    return [
        DemoYear(
            earlier,
            (
                SeedEmployer(
                    ACME[1],
                    ACME[0],
                    TAPER_YEAR_PAY,
                    paye_on_full_allowance(earlier, TAPER_YEAR_PAY),
                ),
            ),
            reconciled=True,
        ),
        DemoYear(
            before,
            (SeedEmployer(ACME[1], ACME[0], payslips.taxable_pay, payslips.income_tax),),
            reconciled=True,
        ),
        DemoYear(
            previous,
            (
                SeedEmployer(
                    "123/AB45678", "Acme Analytics Ltd", Decimal("26000.00"), Decimal("3943.20")
                ),
                SeedEmployer(
                    "456/CD98765", "Borealis Systems plc", Decimal("30000.00"), Decimal("5146.00")
                ),
            ),
            reconciled=True,
        ),
        DemoYear(
            current,
            (
                SeedEmployer(
                    "456/CD98765", "Borealis Systems plc", Decimal("36000.00"), Decimal("4686.00")
                ),
            ),
            reconciled=False,
        ),
    ]


@dataclass
class DemoResult:
    container: Container
    job: JobResult
    user_id: str
    years: list[DemoYear]

    @property
    def report(self) -> SyncReport:
        return self.job.report


DEMO_DATABASE = "demo.db"
DEMO_GRANT_FILE = "token.json"
DEMO_PROFILE = "position-profile.json"


def demo_dir() -> Path:
    """The demo's own folder under the user data directory (never the real database's)."""
    return data_dir() / "demo"


def demo_database_url() -> str:
    return f"sqlite:///{demo_dir() / DEMO_DATABASE}"


def demo_settings(database_url: str | None) -> Settings:
    """Settings for the demo: its own SQLite database (unless ``database_url`` is given) and
    its own token file, whatever HMRC_SYNC_DATABASE_URL and HMRC_SYNC_TOKEN_STORE say, so it
    never writes into the owner's real data or replaces their grant."""
    demo_dir().mkdir(parents=True, exist_ok=True)
    return load_settings(
        database_url=database_url or demo_database_url(),
        token_store=TokenStoreKind.FILE,
        token_file=demo_dir() / DEMO_GRANT_FILE,
    )


def demo_profile_path() -> Path:
    """The demo's own position profile (never the owner's)."""
    return demo_dir() / DEMO_PROFILE


def write_demo_profile(today: dt.date) -> YearProfile:
    """The payslip year's profile: £4,000 of gross relief-at-source pension contributions,
    which PAYE does not relieve, so that year ends with a refund."""
    year = demo_payslips(today).tax_year
    profile = YearProfile(year, relief_at_source_contributions=Decimal("4000.00"))
    save_profiles(demo_profile_path(), {year: profile})
    return profile


def demo_files() -> list[Path]:
    """Every file the demo may have made in its folder (database, its journal, token file
    and the token store's and refresh's locks)."""
    folder = demo_dir()
    names = (
        DEMO_DATABASE,
        f"{DEMO_DATABASE}-journal",
        f"{DEMO_DATABASE}-wal",
        f"{DEMO_DATABASE}-shm",
    )
    token = folder / DEMO_GRANT_FILE
    return [
        *(folder / name for name in names),
        token,
        *sorted(folder.glob(f"{DEMO_GRANT_FILE}.*")),
        folder / "refresh.lock",  # the grant's refresh lock sits beside the token file
        folder / DEMO_PROFILE,
    ]


def reset_demo() -> list[Path]:
    """Delete what the demo made in its own folder (and the folder once empty); return the
    files removed. Nothing outside the demo's folder is touched."""
    removed = [path for path in demo_files() if path.is_file()]
    for path in removed:
        path.unlink()
    folder = demo_dir()
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return removed


def run_demo(
    database_url: str | None = None,
    *,
    progress: Progress = lambda _message: None,
    today: dt.date | None = None,
) -> DemoResult:
    client_id = f"demo-{secrets.token_hex(8)}"
    client_secret = secrets.token_urlsafe(24)
    config = EmulatorConfig(
        applications=(
            ApplicationConfig(
                client_id=client_id,
                client_secret=SecretStr(client_secret),
                redirect_uris=(DEMO_REDIRECT_URI,),
            ),
        ),
    )
    today_date = today or dt.datetime.now(dt.UTC).date()
    years = demo_years(today_date)
    base = demo_settings(database_url)
    progress(f"Demo data goes to {mask_database_url(base.database_url)} (not your real database)")
    progress("Starting the HMRC emulator on a loopback port")
    # The test-support calls count against the application's 3 requests/second too, so they
    # take turns with the sync through one limiter.
    limiter = RateLimiter(base.requests_per_second)
    with serve_in_thread(create_emulator_app(config)) as emulator_url:
        with httpx.Client(
            base_url=emulator_url,
            timeout=30,
            event_hooks={"request": [lambda _request: limiter.acquire()]},
        ) as http:
            user = _seed(http, client_id, client_secret, years, progress)
            settings = Settings(
                **{
                    **base.model_dump(),
                    "api_base_url": emulator_url,
                    "client_id": client_id,
                    "client_secret": SecretStr(client_secret),
                    "redirect_uri": DEMO_REDIRECT_URI,
                    "scopes": DEFAULT_SCOPES,
                    "utr": user.sa_utr,
                    "nino": user.nino,
                }
            )
            container = bootstrap(settings, rate_limiter=limiter)
            progress(f"Migrating {mask_database_url(settings.database_url)}")
            upgrade(container.engine)
            _grant_access(container, http, user, progress)
        _import_payslips(container, today_date, progress)
        write_demo_profile(today_date)
        progress("Syncing every year, then reconciling against the payslips")
        job = run_sync_job(container, [year.tax_year for year in years], trigger=Trigger.CLI)
    return DemoResult(container=container, job=job, user_id=user.user_id, years=years)


def _import_payslips(container: Container, today: dt.date, progress: Progress) -> None:
    sample = demo_payslips(today)
    with tempfile.TemporaryDirectory() as workdir:
        path = write_payslips_csv(sample.payslips, Path(workdir) / "payslips.csv")
        imported = import_payslips_csv(container.engine, path)
    progress(
        f"Imported {len(sample.payslips)} sample payslips for {sample.tax_year.hmrc} "
        f"({imported.added} new; month {sample.missing_month} missing, one RSU vest, "
        "salary sacrifice)"
    )


def _seed(
    http: httpx.Client,
    client_id: str,
    client_secret: str,
    years: list[DemoYear],
    progress: Progress,
) -> driver.TestUserCredentials:
    app_token = driver.application_token(http, client_id, client_secret)
    user = driver.create_test_user(http, app_token)
    assert user.sa_utr is not None
    progress(f"Created test user {user.user_id} (SA UTR {user.sa_utr})")
    for year in years:
        driver.seed_figures(http, app_token, user.sa_utr, year.tax_year, year.employers)
        if not year.reconciled:
            driver.set_availability(
                http,
                app_token,
                user.sa_utr,
                year.tax_year,
                reconciled_on=year.tax_year.last_day + dt.timedelta(days=120),
            )
    progress(
        "Seeded four tax years (a bonus into the £100,000 taper, one with two employers, "
        "one not yet reconciled)"
    )
    return user


def _grant_access(
    container: Container,
    http: httpx.Client,
    user: driver.TestUserCredentials,
    progress: Progress,
) -> None:
    settings = container.settings
    progress("Signing in at the emulator and granting access")
    assert settings.client_id is not None
    pending = start_authorization(
        settings.hmrc_authorize_url, settings.client_id, DEMO_REDIRECT_URI, settings.scopes
    )
    answer = driver.sign_in_and_grant(http, pending.url, user.user_id, user.password)
    if answer.code is None or answer.state != pending.state:
        raise AuthorisationError("the emulator did not grant access to the demo")
    response = container.token_endpoint.exchange_code(
        answer.code, DEMO_REDIRECT_URI, pending.code_verifier
    )
    grant = grant_from_response(response, utcnow(), settings.scopes)
    container.token_manager.store_new_grant(grant)
