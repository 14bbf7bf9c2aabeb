"""``hmrc-sync emulator``: run the local HMRC emulator with uvicorn."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import click
from fastapi import FastAPI
from pydantic import SecretStr

from hmrc_sync.emulator.app import create_emulator_app
from hmrc_sync.emulator.config import (
    DEFAULT_REDIRECT_URI,
    ApplicationConfig,
    EmulatorConfig,
    FaultConfig,
)
from hmrc_sync.emulator.engine.state import Emulator


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 9090
    seed_file: Path | None = None
    state_file: Path | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    redirect_uris: tuple[str, ...] = (DEFAULT_REDIRECT_URI,)
    rate_limit: int = 3
    access_token_lifetime: int = 14400
    grant_lifetime_days: int = 548
    faults: FaultConfig = field(default_factory=FaultConfig)
    random_seed: int | None = None


def build(options: Options) -> tuple[FastAPI, ApplicationConfig]:
    """The app, and the application whose credentials are printed (registered if needed).

    ``--client-id`` registers that application; otherwise the first application already known
    (from ``--state`` or ``--seed``) is used, and failing that a new one is generated.
    """
    config = EmulatorConfig(
        access_token_lifetime=timedelta(seconds=options.access_token_lifetime),
        grant_lifetime=timedelta(days=options.grant_lifetime_days),
        rate_limit=options.rate_limit,
        faults=options.faults,
        state_file=options.state_file,
        seed_file=options.seed_file,
        random_seed=options.random_seed,
    )
    app = create_emulator_app(config)
    emulator: Emulator = app.state.emulator
    if options.client_id is None and options.client_secret is None and emulator.applications:
        return app, next(iter(emulator.applications.values()))
    application = ApplicationConfig(
        client_id=options.client_id or secrets.token_urlsafe(21),
        client_secret=SecretStr(options.client_secret or secrets.token_hex(18)),
        redirect_uris=options.redirect_uris,
    )
    emulator.register_application(application)
    return app, application


def banner(options: Options, application: ApplicationConfig) -> str:
    host = "127.0.0.1" if options.host in ("0.0.0.0", "::") else options.host  # noqa: S104
    base = f"http://{host}:{options.port}"
    secret = application.client_secret.get_secret_value()
    return "\n".join(
        [
            f"HMRC emulator on {base}",
            f"Application {application.name!r}, subscribed to "
            f"{len(application.subscriptions)} APIs:",
            f"  client id:     {application.client_id}",
            f"  client secret: {secret}",
            f"  redirect URI:  {', '.join(application.redirect_uris)}",
            "Point hmrc-sync at it:",
            f"  export HMRC_SYNC_API_BASE_URL={base}",
            f"  export HMRC_SYNC_CLIENT_ID={application.client_id}",
            f"  export HMRC_SYNC_CLIENT_SECRET={secret}",
            f"  export HMRC_SYNC_REDIRECT_URI={application.redirect_uris[0]}",
        ]
    )


@click.command("emulator", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=9090,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--seed",
    "seed_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON seed file preloading applications, test users, grants and tax-year data "
    "(format: hmrc_sync/emulator/engine/persistence.py). Users already in --state are skipped.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the emulator's state in this JSON file across restarts (default: in memory).",
)
@click.option(
    "--client-id",
    help="Client ID of the application to register. Default: reuse the first application in "
    "--state/--seed, else generate one.",
)
@click.option("--client-secret", help="Its client secret. Default: generated.")
@click.option(
    "--redirect-uri",
    "redirect_uris",
    multiple=True,
    default=(DEFAULT_REDIRECT_URI,),
    show_default=True,
    help="A redirect URI of the application (repeat for several).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Requests per second per application before 429 MESSAGE_THROTTLED_OUT (0: off).",
)
@click.option(
    "--access-token-lifetime",
    type=click.IntRange(min=1),
    default=14400,
    show_default=True,
    help="Access token lifetime in seconds.",
)
@click.option(
    "--grant-lifetime",
    "grant_lifetime_days",
    type=click.IntRange(min=1),
    default=548,
    show_default=True,
    help="Grant (refresh) lifetime in days (HMRC: 18 months).",
)
@click.option(
    "--latency-ms",
    type=click.IntRange(min=0),
    default=0,
    help="Fault: delay every request by this many milliseconds.",
)
@click.option(
    "--error-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    help="Fault: fraction of read-API requests answered 500/503/504.",
)
@click.option(
    "--throttle-burst",
    type=click.IntRange(min=0),
    default=0,
    help="Fault: refuse the next N read-API requests with 429.",
)
@click.option("--token-endpoint-down", is_flag=True, help="Fault: POST /oauth/token answers 503.")
@click.option(
    "--drop-after-refresh",
    type=click.IntRange(min=0),
    default=0,
    help="Fault: after the next N refreshes are granted, drop the connection instead of answering.",
)
@click.option(
    "--refresh-delay-ms",
    type=click.IntRange(min=0),
    default=0,
    help="Fault: a refresh takes this long (a concurrent one gets 'Refresh operation is "
    "already in progress').",
)
@click.option(
    "--control-api", is_flag=True, help="Mount the fault/clock control API under /emulator/control."
)
@click.option("--random-seed", type=int, help="Seed for generated test users and fault randomness.")
def emulator_command(
    host: str,
    port: int,
    seed_file: Path | None,
    state_file: Path | None,
    client_id: str | None,
    client_secret: str | None,
    redirect_uris: tuple[str, ...],
    rate_limit: int,
    access_token_lifetime: int,
    grant_lifetime_days: int,
    latency_ms: int,
    error_rate: float,
    throttle_burst: int,
    token_endpoint_down: bool,
    drop_after_refresh: int,
    refresh_delay_ms: int,
    control_api: bool,
    random_seed: int | None,
) -> None:
    """Run a local HMRC emulator: OAuth pages and token endpoint, test users, test data, the
    Individual Tax/Income/Employment/Benefits, National Insurance and MTD employments APIs,
    the fraud-prevention validator, rate limits and fault injection.

    With no options it registers one application subscribed to every emulated API and prints
    its credentials and the HMRC_SYNC_* variables that point hmrc-sync at the emulator.
    """
    import uvicorn

    options = Options(
        host=host,
        port=port,
        seed_file=seed_file,
        state_file=state_file,
        client_id=client_id,
        client_secret=client_secret,
        redirect_uris=redirect_uris,
        rate_limit=rate_limit,
        access_token_lifetime=access_token_lifetime,
        grant_lifetime_days=grant_lifetime_days,
        faults=FaultConfig(
            latency_ms=latency_ms,
            error_rate=error_rate,
            throttle_burst=throttle_burst,
            token_endpoint_down=token_endpoint_down,
            drop_after_refresh=drop_after_refresh,
            refresh_delay_ms=refresh_delay_ms,
            control_api=control_api,
        ),
        random_seed=random_seed,
    )
    try:
        app, application = build(options)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(banner(options, application))
    uvicorn.run(app, host=host, port=port, log_level="info")
