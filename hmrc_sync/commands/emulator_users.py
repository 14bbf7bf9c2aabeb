"""``hmrc-sync emulator add-user``: another ready test user on a running emulator, over HTTP.

It does what a developer would do against HMRC's sandbox: an application token
(``client_credentials``), Create Test User, then the test-support calls that seed the same
three tax years as the emulator's starter user (``emulator.data.starter``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import click
import httpx

from hmrc_sync.emulator import driver
from hmrc_sync.emulator.data.figures import EmployerFigures
from hmrc_sync.emulator.data.starter import STARTER_SERVICES, starter_user
from hmrc_sync.errors import HmrcSyncError, HmrcUnavailable
from hmrc_sync.taxyear import TaxYear


def _figures(employer: dict[str, Any]) -> EmployerFigures:
    return EmployerFigures(
        employer["payeReference"],
        employer["name"],
        Decimal(employer["pay"]),
        Decimal(employer["tax"]),
    )


def _seed_years(http: httpx.Client, token: str, utr: str, today: dt.date) -> None:
    for year_text, year in starter_user(today, "")["taxYears"].items():
        tax_year = TaxYear.parse(year_text)
        driver.seed_figures(http, token, utr, tax_year, [_figures(e) for e in year["employers"]])
        if "availability" in year:
            reconciled_on = dt.date.fromisoformat(year["availability"]["reconciledOn"])
            driver.set_availability(http, token, utr, tax_year, reconciled_on=reconciled_on)


@click.command("add-user")
@click.option(
    "--url",
    envvar="HMRC_SYNC_API_BASE_URL",
    default="http://127.0.0.1:9090",
    show_default=True,
    help="The running emulator (default from HMRC_SYNC_API_BASE_URL).",
)
@click.option(
    "--client-id",
    envvar="HMRC_SYNC_CLIENT_ID",
    required=True,
    help="An application registered with the emulator (default from HMRC_SYNC_CLIENT_ID).",
)
@click.option(
    "--client-secret",
    envvar="HMRC_SYNC_CLIENT_SECRET",
    required=True,
    help="Its secret (default from HMRC_SYNC_CLIENT_SECRET).",
)
@click.option("--empty", is_flag=True, help="Create the user with no tax years seeded.")
def add_user(url: str, client_id: str, client_secret: str, empty: bool) -> None:
    """Create another test user on a running emulator, with the same three seeded tax years
    as the one it printed at start (unless --empty), and print its user id, password, UTR
    and NINO.

    \\b
    Examples:
      hmrc-sync emulator add-user          # with the emulator's export lines in your shell
      hmrc-sync emulator add-user --url http://127.0.0.1:9090 --client-id ID --client-secret S
    """
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            token = driver.application_token(http, client_id, client_secret)
            user = driver.create_test_user(http, token, STARTER_SERVICES)
            if not empty and user.sa_utr is not None:
                _seed_years(http, token, user.sa_utr, dt.datetime.now(dt.UTC).date())
    except httpx.TransportError as error:
        raise HmrcUnavailable(
            f"cannot reach the emulator at {url} ({error}); start it with `hmrc-sync emulator` "
            "or give --url"
        ) from None
    except driver.DriverError as error:
        raise HmrcSyncError(
            f"the emulator refused: {error}; check --client-id/--client-secret (the emulator "
            "prints them at start)"
        ) from None
    click.echo(f"user id {user.user_id}  password {user.password}")
    click.echo(f"export HMRC_SYNC_UTR={user.sa_utr}")
    click.echo(f"export HMRC_SYNC_NINO={user.nino}")
