"""``serve``: the web service (owner grant flow, sync webhook, health)."""

from __future__ import annotations

import click

from hmrc_sync.commands.common import make_container


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
    """
    import uvicorn

    from hmrc_sync.app import create_app

    container = make_container()
    try:
        app = create_app(container)
        # Forwarded headers are believed only from HMRC_SYNC_TRUSTED_PROXIES, by hmrc-sync
        # itself (they feed HMRC's fraud-prevention headers), never by uvicorn's own rules.
        uvicorn.run(
            app, host=host, port=port, log_config=None, access_log=False, proxy_headers=False
        )
    finally:
        container.close()
