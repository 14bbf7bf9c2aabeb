"""What ``oauth_dance.py`` and ``headless_auth.py`` (the Phase 1 scripts at the repository root)
share: their common options, the sign-in-then-fetch flow, and turning hmrc-sync's errors into
a one-line message and the error's exit code (as the ``hmrc-sync`` command does).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from hmrc_sync.bootstrap import Container
from hmrc_sync.client.endpoints import normalise_utr
from hmrc_sync.commands.annual_summary import fetch_annual_summary, render_json, render_text
from hmrc_sync.commands.exits import exit_with_error
from hmrc_sync.commands.params import TaxYearParam
from hmrc_sync.errors import ConfigurationError, HmrcSyncError
from hmrc_sync.oauth.installed_app import Visit, authorize_installed_app
from hmrc_sync.taxyear import TaxYear

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fetch_options(func: F) -> F:
    """``--tax-year``, ``--utr``, ``--json`` and ``--timeout``."""
    options = [
        click.option(
            "--tax-year",
            type=TaxYearParam(),
            default="previous",
            show_default=True,
            help="The tax year to fetch: current, previous, 2024-25, 2024/25 or 2024.",
        ),
        click.option("--utr", help="The 10-digit SA UTR (default: HMRC_SYNC_UTR)."),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print HMRC's two documents as JSON on stdout (progress goes to stderr).",
        ),
        click.option(
            "--timeout",
            type=click.IntRange(10, 3600),
            default=300,
            show_default=True,
            help="Seconds to wait for HMRC to send the browser back.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def exits_on_error(func: F) -> F:
    """Print ``Error: <message>`` on stderr and exit with the error's code (never a trace)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HmrcSyncError as error:
            exit_with_error(error)

    return wrapper  # type: ignore[return-value]


def resolve_utr(container: Container, utr: str | None) -> str:
    chosen = utr or container.settings.utr
    if not chosen:
        raise ConfigurationError(
            "no SA UTR: set HMRC_SYNC_UTR or pass --utr (the 10 digits on Self Assessment letters)"
        )
    return normalise_utr(chosen)


def sign_in_then_fetch(
    container: Container,
    visit: Visit,
    *,
    tax_year: TaxYear,
    utr: str | None,
    as_json: bool,
    timeout_s: float,
) -> None:
    """Sign in through ``visit``, store the grant, then fetch and print the year's figures."""
    checked_utr = resolve_utr(container, utr)
    grant = authorize_installed_app(container, visit, timeout_s)
    click.echo(
        f"Access granted until {grant.grant_expires_at:%d %B %Y}; "
        f"stored in {container.token_store.describe()}.",
        err=as_json,
    )
    client = container.hmrc_client(headers=container.batch_fraud_headers())
    try:
        summary = fetch_annual_summary(client, checked_utr, tax_year)
    finally:
        client.close()
    click.echo(render_json(summary) if as_json else "\n" + render_text(summary))
