"""The installed-application sign-in, shared by ``hmrc-sync auth login``, ``oauth_dance.py`` and
``headless_auth.py``: listen on the loopback redirect URI, let someone (a person with a
browser, or headless Chromium) visit HMRC's authorize page, check the callback, exchange the
code and store the grant.

Before anything listens or anyone is sent to sign in, the client id and secret are checked
with HMRC's token endpoint (an application token, ``client_credentials``), so a wrong pair
fails at once instead of after the sign-in.

Only *how the authorize page is visited* differs between the three, so that is a parameter:
``visit(url)`` is called once the callback server listens, and returns when the visit is under
way (a person) or over (a driven browser).
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

import click

from hmrc_sync.bootstrap import Container
from hmrc_sync.errors import AuthorisationError
from hmrc_sync.oauth.authorize import start_authorization
from hmrc_sync.oauth.loopback import LoopbackCallback
from hmrc_sync.oauth.tokens import grant_from_response, utcnow
from hmrc_sync.tokenstore import Grant

Visit = Callable[[str], None]


def authorize_installed_app(container: Container, visit: Visit, timeout_s: float) -> Grant:
    """Run the whole sign-in and store the new grant (replacing any old one); return it."""
    settings = container.settings
    # Before anyone is sent to HMRC: a missing id or secret (exit 2), a pair HMRC does not
    # know (exit 2) or an unreachable HMRC (exit 4) fails now, not after the sign-in.
    endpoint = container.token_endpoint
    endpoint.check_client()
    assert settings.client_id is not None
    pending = start_authorization(
        settings.hmrc_authorize_url, settings.client_id, settings.redirect_uri, settings.scopes
    )
    with LoopbackCallback(settings.redirect_uri, pending.state) as callback:
        visit(pending.url)
        result = callback.wait(timeout_s)
    if result.state != pending.state:
        raise AuthorisationError("HMRC's answer did not match this sign-in (state); try again")
    if result.error or not result.code:
        raise AuthorisationError(
            f"access was not granted ({result.error or 'no code'}); nothing was changed"
        )
    response = endpoint.exchange_code(result.code, pending.redirect_uri, pending.code_verifier)
    grant = grant_from_response(response, utcnow(), settings.scopes)
    container.token_manager.store_new_grant(grant)
    return grant


def person_visits(*, open_browser: bool, timeout_s: float, to_stderr: bool = False) -> Visit:
    """The interactive visit: print the address (on stdout unless ``to_stderr``), open the
    desktop browser on it (unless told not to), and say how long the callback is awaited."""

    def visit(url: str) -> None:
        click.echo("Open this address to sign in at HMRC and grant access:", err=to_stderr)
        click.echo(url, err=to_stderr)
        if open_browser:
            webbrowser.open(url)
        click.echo(f"Waiting up to {timeout_s:g} s for HMRC to send you back...", err=True)

    return visit
