"""``hmrc-sync emulator``: run the local HMRC emulator with uvicorn."""

from __future__ import annotations

import secrets
from dataclasses import MISSING, dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

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


def _default(cls: type[Any], name: str) -> Any:
    """A dataclass field's default, so the options below never repeat the config's."""
    for item in fields(cls):
        if item.name == name:
            if item.default_factory is not MISSING:
                return item.default_factory()
            return item.default
    raise AttributeError(name)


DEFAULT_ACCESS_SECONDS: Final = int(
    _default(EmulatorConfig, "access_token_lifetime").total_seconds()
)
DEFAULT_GRANT_DAYS: Final = _default(EmulatorConfig, "grant_lifetime").days
FAULT_OPTIONS: Final = frozenset(item.name for item in fields(FaultConfig)) - {"error_statuses"}


@dataclass(frozen=True)
class Options:
    """What ``hmrc-sync emulator`` was asked for: where to listen, the application to
    register, and the emulator's configuration."""

    host: str = "127.0.0.1"
    port: int = 9090
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    redirect_uris: tuple[str, ...] = (DEFAULT_REDIRECT_URI,)
    config: EmulatorConfig = field(default_factory=EmulatorConfig)

    @classmethod
    def from_command_line(cls, given: dict[str, Any]) -> Options:
        """The command's parameters (click's names) as ``Options``."""
        faults = FaultConfig(**{name: given.pop(name) for name in FAULT_OPTIONS})
        config = EmulatorConfig(
            access_token_lifetime=timedelta(seconds=given.pop("access_token_lifetime")),
            grant_lifetime=timedelta(days=given.pop("grant_lifetime_days")),
            rate_limit=given.pop("rate_limit"),
            faults=faults,
            state_file=given.pop("state_file"),
            seed_file=given.pop("seed_file"),
            random_seed=given.pop("random_seed"),
        )
        return cls(config=config, **given)


def build(options: Options) -> tuple[FastAPI, ApplicationConfig]:
    """The app, and the application whose credentials are printed (registered if needed).

    ``--client-id`` registers that application; otherwise the first application already known
    (from ``--state`` or ``--seed``) is used, and failing that a new one is generated.
    """
    app = create_emulator_app(options.config)
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
    "(format: hmrc_sync/emulator/engine/seeding.py). Users already in --state are skipped.",
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
    default=_default(EmulatorConfig, "rate_limit"),
    show_default=True,
    help="Requests per second per application before 429 MESSAGE_THROTTLED_OUT (0: off).",
)
@click.option(
    "--access-token-lifetime",
    type=click.IntRange(min=1),
    default=DEFAULT_ACCESS_SECONDS,
    show_default=True,
    help="Access token lifetime in seconds.",
)
@click.option(
    "--grant-lifetime",
    "grant_lifetime_days",
    type=click.IntRange(min=1),
    default=DEFAULT_GRANT_DAYS,
    show_default=True,
    help="Grant (refresh) lifetime in days (HMRC: 18 months).",
)
@click.option(
    "--latency-ms",
    type=click.IntRange(min=0),
    default=_default(FaultConfig, "latency_ms"),
    help="Fault: delay every request by this many milliseconds.",
)
@click.option(
    "--error-rate",
    type=click.FloatRange(0, 1),
    default=_default(FaultConfig, "error_rate"),
    help="Fault: fraction of read-API requests answered 500/503/504.",
)
@click.option(
    "--throttle-burst",
    type=click.IntRange(min=0),
    default=_default(FaultConfig, "throttle_burst"),
    help="Fault: refuse the next N read-API requests with 429.",
)
@click.option("--token-endpoint-down", is_flag=True, help="Fault: POST /oauth/token answers 503.")
@click.option(
    "--drop-after-refresh",
    type=click.IntRange(min=0),
    default=_default(FaultConfig, "drop_after_refresh"),
    help="Fault: after the next N refreshes are granted, drop the connection instead of answering.",
)
@click.option(
    "--refresh-delay-ms",
    type=click.IntRange(min=0),
    default=_default(FaultConfig, "refresh_delay_ms"),
    help="Fault: a refresh takes this long (a concurrent one gets 'Refresh operation is "
    "already in progress').",
)
@click.option(
    "--control-api", is_flag=True, help="Mount the fault/clock control API under /emulator/control."
)
@click.option("--random-seed", type=int, help="Seed for generated test users and fault randomness.")
def emulator_command(**given: Any) -> None:
    """Run a local HMRC emulator: OAuth pages and token endpoint, test users, test data, the
    Individual Tax/Income/Employment/Benefits, National Insurance and MTD employments APIs,
    the fraud-prevention validator, rate limits and fault injection.

    With no options it registers one application subscribed to every emulated API and prints
    its credentials and the HMRC_SYNC_* variables that point hmrc-sync at the emulator.
    """
    import uvicorn

    options = Options.from_command_line(given)
    try:
        app, application = build(options)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(banner(options, application))
    uvicorn.run(app, host=options.host, port=options.port, log_level="info")
