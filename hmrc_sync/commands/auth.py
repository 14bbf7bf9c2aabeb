"""``auth login | status | logout``: the owner's grant on this machine."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

import click

from hmrc_sync.commands.common import make_container, readable_time
from hmrc_sync.errors import ExitCode, ReauthorisationRequired

if TYPE_CHECKING:
    from hmrc_sync.tokenstore import TokenRecord


@click.group()
def auth() -> None:
    """Grant hmrc-sync access to your HMRC records, check the grant, or remove it.

    \b
    Examples:
      hmrc-sync auth login
      hmrc-sync auth status
    """


@auth.command()
@click.option("--no-browser", is_flag=True, help="Print the address instead of opening a browser.")
@click.option(
    "--timeout",
    type=click.IntRange(10, 3600),
    default=300,
    show_default=True,
    help="Seconds to wait for HMRC to send you back.",
)
def login(no_browser: bool, timeout: int) -> None:
    """Sign in at HMRC and grant access (the installed-application flow).

    Listens on HMRC_SYNC_REDIRECT_URI (default http://localhost:8080/oauth/callback, loopback
    only), opens HMRC's sign-in page, and stores the grant in the token store. A new grant
    replaces the old one and lasts 18 months.

    HMRC_SYNC_CLIENT_ID and HMRC_SYNC_CLIENT_SECRET are checked with HMRC first. Exit codes:
    0 granted; 2 either is missing or HMRC does not recognise them; 4 HMRC cannot be
    reached; 1 the sign-in failed or was declined.

    \b
    Examples:
      hmrc-sync auth login
      hmrc-sync auth login --no-browser
    """
    container = make_container()
    try:
        from hmrc_sync.oauth.installed_app import authorize_installed_app, person_visits

        visit = person_visits(open_browser=not no_browser, timeout_s=timeout)
        grant = authorize_installed_app(container, visit, timeout)
        click.echo(
            f"Access granted until {grant.grant_expires_at:%d %B %Y}; "
            f"stored in {container.token_store.describe()}."
        )
    finally:
        container.close()


def _status(record: TokenRecord | None, now: dt.datetime) -> dict[str, object]:
    from hmrc_sync.tokenstore import grant_status

    status = grant_status(record, now)
    if record is None or record.grant is None:
        return {
            "state": status.value,
            "device_id": record.device_id if record else None,
            "reauthorisation_required": bool(record and record.reauthorisation_required),
        }
    grant = record.grant
    return {
        "state": status.value,
        "reauthorisation_required": record.reauthorisation_required,
        "reauthorisation_reason": record.reauthorisation_reason,
        "granted_at": grant.granted_at.isoformat(),
        "grant_expires_at": grant.grant_expires_at.isoformat(),
        "grant_days_left": (grant.grant_expires_at - now).days,
        "access_token_expires_at": grant.access_token_expires_at.isoformat(),
        "refreshed_at": grant.refreshed_at.isoformat() if grant.refreshed_at else None,
        "scopes": list(grant.scopes),
        "device_id": record.device_id,
    }


@auth.command(name="status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def auth_status(as_json: bool) -> None:
    """Show the grant: when it was made, when it expires, scopes and store (never a token).

    Exit code 0 while the grant is usable (granted, or expiring within 30 days); 3 when there
    is none, it has expired, or HMRC needs a new one.

    \b
    Examples:
      hmrc-sync auth status
      hmrc-sync auth status --json
    """
    from hmrc_sync.oauth import utcnow
    from hmrc_sync.tokenstore import GrantStatus

    container = make_container()
    try:
        current = container.token_store.read()
        info = _status(current.value if current else None, utcnow())
        info["store"] = container.token_store.describe()
        usable = GrantStatus(str(info["state"])).usable
    finally:
        container.close()
    if as_json:
        click.echo(json.dumps(info, indent=2))
    elif "granted_at" not in info and not info["reauthorisation_required"]:
        click.echo("no grant stored: run `hmrc-sync auth login`")
        click.echo(f"{'store:':26} {info['store']}")
    else:
        for key, value in info.items():
            if value is not None and key != "reauthorisation_required":
                click.echo(f"{key.replace('_', ' ') + ':':26} {_readable(key, value)}")
        if not usable:
            click.echo(ReauthorisationRequired.default_message, err=True)
    sys.exit(ExitCode.OK if usable else ExitCode.REAUTHORISE)


def _readable(key: str, value: object) -> str:
    """Lists joined; timestamps in local time, e.g. ``Mon 7 Dec 2026 21:05 GMT``."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if key.endswith("_at") and isinstance(value, str):
        return readable_time(value)
    return str(value)


@auth.command()
def logout() -> None:
    """Forget the stored grant (the device id is kept).

    HMRC keeps the authority until it expires; to revoke it there too, use HMRC's "Manage
    authorised applications" page in your tax account.

    \b
    Example:
      hmrc-sync auth logout
    """
    container = make_container()
    try:
        with container.refresh_lock():
            current = container.token_store.read()
            if current is None or current.value.grant is None:
                click.echo("No grant is stored; nothing to do.")
                return
            container.token_store.write(
                current.value.without_grant(), expected_version=current.version
            )
        click.echo(f"Grant removed from {container.token_store.describe()}.")
    finally:
        container.close()
