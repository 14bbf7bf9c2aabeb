"""oauth_dance.py: sign in at HMRC in your browser, store the grant, and print one tax year's
figures (Phase 1 of hmrc-sync, kept as a thin wrapper over the package).

The interactive installed-application flow, exactly as ``hmrc-sync auth login`` runs it:

1. listen for HMRC's answer on HMRC_SYNC_REDIRECT_URI (default
   http://localhost:8080/oauth/callback; loopback only, and registered with your application);
2. open your browser on HMRC's authorize page (or, with --no-browser, print the address for
   you to open);
3. exchange the code HMRC sends back (PKCE, state checked) and store the grant in the token
   store from your settings (HMRC_SYNC_TOKEN_STORE: a file, or Vault);
4. fetch GET /individual-tax/sa/{utr}/annual-summary/{taxYear} and
   GET /individual-income/sa/{utr}/annual-summary/{taxYear} and print them (tax taken off
   pay and pay from employment, per employer; --json for HMRC's documents as sent).

Configuration is hmrc-sync's own (HMRC_SYNC_* variables or a .env file; see
docs/configuration.md): HMRC_SYNC_CLIENT_ID, HMRC_SYNC_CLIENT_SECRET, HMRC_SYNC_UTR and
HMRC_SYNC_ENVIRONMENT (sandbox or production), or HMRC_SYNC_API_BASE_URL for the emulator.

Usage, from the repository root:

    python oauth_dance.py                        # previous tax year
    python oauth_dance.py --tax-year 2024-25 --json
    python oauth_dance.py --no-browser           # print the address instead

Exit codes are hmrc-sync's: 0 done, 1 failed (e.g. access not granted), 2 configuration error,
3 re-authorisation required, 4 HMRC unavailable.
"""

from __future__ import annotations

import click

from hmrc_sync.commands.common import make_container
from hmrc_sync.commands.sign_in_scripts import (
    CONTEXT_SETTINGS,
    exits_on_error,
    fetch_options,
    sign_in_then_fetch,
)
from hmrc_sync.oauth.installed_app import person_visits
from hmrc_sync.taxyear import TaxYear


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--no-browser", is_flag=True, help="Print the address instead of opening a browser.")
@fetch_options
@exits_on_error
def main(no_browser: bool, tax_year: TaxYear, utr: str | None, as_json: bool, timeout: int) -> None:
    """Sign in at HMRC in your browser, store the grant, and print a tax year's figures.

    Listens on HMRC_SYNC_REDIRECT_URI (default http://localhost:8080/oauth/callback), opens
    HMRC's authorize page, stores the grant in the configured token store, then prints the
    Individual Tax and Individual Income annual summaries for HMRC_SYNC_UTR (or --utr).
    """
    container = make_container()
    try:
        visit = person_visits(open_browser=not no_browser, timeout_s=timeout, to_stderr=as_json)
        sign_in_then_fetch(
            container, visit, tax_year=tax_year, utr=utr, as_json=as_json, timeout_s=timeout
        )
    finally:
        container.close()


if __name__ == "__main__":
    main(prog_name="oauth_dance.py")
