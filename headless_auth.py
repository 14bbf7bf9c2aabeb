"""headless_auth.py: oauth_dance.py's flow driven by headless Chromium, for CI smoke tests
against HMRC's sandbox or the hmrc-sync emulator. It refuses to run against production.

It listens on HMRC_SYNC_REDIRECT_URI, opens HMRC's authorize page in headless Chromium,
signs in with a sandbox test user's id and password, presses "Grant authority", waits for the
callback, exchanges the code, stores the grant in the configured token store, and prints the
tax year's Individual Tax and Individual Income figures, as oauth_dance.py does.

Chromium is the system's (Debian's package: /usr/bin/chromium, or --chromium PATH /
HMRC_SYNC_CHROMIUM), launched through Playwright (a development dependency: `uv sync`);
no browser is ever downloaded.

HMRC does not allow software to drive its sign-in and grant pages for real taxpayers, so it
stops, before starting anything, with exit code 7 when HMRC_SYNC_ENVIRONMENT is production
(and HMRC_SYNC_API_BASE_URL does not point elsewhere) or when the API or authorize address is
on api.service.hmrc.gov.uk or www.tax.service.gov.uk.

Usage, from the repository root (the password is best given in the environment; it is never
printed):

    export HMRC_SYNC_TEST_USER_ID=... HMRC_SYNC_TEST_USER_PASSWORD=...
    uv run python headless_auth.py --tax-year 2024-25
    uv run python headless_auth.py --json --chromium /usr/bin/chromium

Exit codes: 0 done, 1 failed (sign-in, access not granted, HMRC error), 2 configuration error,
3 re-authorisation required, 4 HMRC unavailable, 7 refused: production.
"""

from __future__ import annotations

import click
from pydantic import SecretStr

from hmrc_sync.commands.common import make_container
from hmrc_sync.commands.sign_in_scripts import (
    CONTEXT_SETTINGS,
    exits_on_error,
    fetch_options,
    sign_in_then_fetch,
)
from hmrc_sync.errors import ConfigurationError
from hmrc_sync.oauth.headless import (
    DEFAULT_CHROMIUM,
    ProductionRefused,
    chromium_visits,
    find_chromium,
    production_refusal,
)
from hmrc_sync.taxyear import TaxYear


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--user-id", envvar="HMRC_SYNC_TEST_USER_ID", show_envvar=True, help="Test user's id."
)
@click.option(
    "--password",
    envvar="HMRC_SYNC_TEST_USER_PASSWORD",
    show_envvar=True,
    help="Test user's password (prefer the environment variable: arguments are visible in ps).",
)
@click.option(
    "--chromium",
    envvar="HMRC_SYNC_CHROMIUM",
    show_envvar=True,
    default=DEFAULT_CHROMIUM,
    show_default=True,
    help="The Chromium executable to drive.",
)
@fetch_options
@exits_on_error
def main(
    user_id: str | None,
    password: str | None,
    chromium: str,
    tax_year: TaxYear,
    utr: str | None,
    as_json: bool,
    timeout: int,
) -> None:
    """Sign in and grant authority in headless Chromium (sandbox or emulator only), store the
    grant, and print a tax year's figures.

    Refuses HMRC production (exit code 7) before opening any browser.
    """
    container = make_container()
    try:
        refusal = production_refusal(container.settings)
        if refusal:
            raise ProductionRefused(refusal)
        if not user_id or not password:
            raise ConfigurationError(
                "give the sandbox test user's --user-id and --password "
                "(or HMRC_SYNC_TEST_USER_ID and HMRC_SYNC_TEST_USER_PASSWORD)"
            )
        visit = chromium_visits(
            chromium=find_chromium(chromium),
            user_id=user_id,
            password=SecretStr(password),
            redirect_uri=container.settings.redirect_uri,
            timeout_s=timeout,
        )
        sign_in_then_fetch(
            container, visit, tax_year=tax_year, utr=utr, as_json=as_json, timeout_s=timeout
        )
    finally:
        container.close()


if __name__ == "__main__":
    main(prog_name="headless_auth.py")
