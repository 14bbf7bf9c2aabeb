"""``serve``: the web service (owner grant flow, sync webhook, health)."""

from __future__ import annotations

from urllib.parse import urlsplit

import click

from hmrc_sync.commands.common import make_container, require_free_port
from hmrc_sync.settings import Settings

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_ADDRESS = frozenset({"0.0.0.0", "::"})  # noqa: S104 - compared with --host, never bound


def redirect_warning(redirect_uri: str, host: str, port: int) -> str | None:
    """Why HMRC_SYNC_REDIRECT_URI cannot bring the browser back to this server, or None.

    A loopback redirect URI must name this port and an address this server listens on; a
    public one needs the server reachable from outside (0.0.0.0 behind a proxy)."""
    target = urlsplit(redirect_uri)
    target_port = target.port or (443 if target.scheme == "https" else 80)
    listens_on_loopback = host in LOOPBACK or host in ANY_ADDRESS
    if target.hostname in LOOPBACK:
        if target_port == port and listens_on_loopback:
            return None
        return (
            f"HMRC_SYNC_REDIRECT_URI is {redirect_uri}, but this server listens on "
            f"{host}:{port}: HMRC will send the browser back somewhere else. Set "
            f"HMRC_SYNC_REDIRECT_URI=http://localhost:{port}{target.path or '/callback'} (and "
            "register it with the application) or start serve with that --port."
        )
    if host in LOOPBACK:
        return (
            f"HMRC_SYNC_REDIRECT_URI is {redirect_uri}, but this server listens only on "
            f"{host}: HMRC's redirect back cannot reach it unless a proxy on this machine "
            "forwards it."
        )
    return None


def start_warnings(settings: Settings, host: str, port: int) -> list[str]:
    """What ``serve`` says on stderr before it starts."""
    warnings = []
    if settings.admin_token is None:
        warnings.append(
            "HMRC_SYNC_ADMIN_TOKEN is not set: the owner pages (status page, sign-in with "
            "HMRC) cannot be used. Set it to a long random token and restart."
        )
    if (reason := redirect_warning(settings.redirect_uri, host, port)) is not None:
        warnings.append(reason)
    return warnings


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 in a container).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8080,
    show_default=True,
    help="Port to listen on.",
)
def serve(host: str, port: int) -> None:
    """Run the web service: /authorize and /callback for the owner's grant, POST /sync for
    a webhook-triggered sync, /healthz for liveness.

    Needs HMRC_SYNC_ADMIN_TOKEN for the owner pages and HMRC_SYNC_WEBHOOK_TOKEN for /sync.
    HMRC's redirect back is answered on /callback and on HMRC_SYNC_REDIRECT_URI's own path
    (default http://localhost:8080/oauth/callback); serve warns at start when that URI does
    not lead back to it.

    \b
    Examples:
      hmrc-sync serve                       # then open http://localhost:8080/
      hmrc-sync serve --host 0.0.0.0 --port 8080
    """
    import uvicorn

    from hmrc_sync.app import create_app

    require_free_port(host, port)
    container = make_container()
    for warning in start_warnings(container.settings, host, port):
        click.echo(f"Warning: {warning}", err=True)
    try:
        app = create_app(container)
        # Forwarded headers are believed only from HMRC_SYNC_TRUSTED_PROXIES, by hmrc-sync
        # itself (they feed HMRC's fraud-prevention headers), never by uvicorn's own rules.
        uvicorn.run(
            app, host=host, port=port, log_config=None, access_log=False, proxy_headers=False
        )
    finally:
        container.close()
