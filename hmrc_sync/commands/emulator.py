"""``hmrc-sync emulator``: run the local HMRC emulator with uvicorn."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Final

import click
from click.core import ParameterSource
from fastapi import FastAPI
from pydantic import SecretStr

from hmrc_sync.client.endpoints import ApiName
from hmrc_sync.commands.common import command_log_level, require_free_port
from hmrc_sync.commands.exits import exit_with_error
from hmrc_sync.emulator.app import create_emulator_app
from hmrc_sync.emulator.config import (
    DEFAULT_REDIRECT_URI,
    ApplicationConfig,
    EmulatorConfig,
    FaultConfig,
    VersionNotice,
)
from hmrc_sync.emulator.data.catalogue import APIS
from hmrc_sync.emulator.data.identifiers import new_password
from hmrc_sync.emulator.data.starter import starter_user
from hmrc_sync.emulator.engine.persistence import SeedError, read_seed
from hmrc_sync.emulator.engine.seeding import apply_seed
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.errors import ConfigurationError, HmrcSyncError


class _EmulatorGroup(click.Group):
    """``emulator`` runs the emulator; its one subcommand (``add-user``) loads lazily."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return ["add-user"]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name != "add-user":
            return None
        from hmrc_sync.commands.emulator_users import add_user

        return add_user

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HmrcSyncError as error:  # also under ``python -m hmrc_sync.emulator``
            exit_with_error(error)


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

# The APIs whose versions --deprecate and --retire may name: hmrc-sync's names
# (``ApiName``) for the APIs the emulator serves.
VERSIONED_APIS: Final = tuple(api for api in ApiName if api.value in APIS)


class VersionNoticeParam(click.ParamType[VersionNotice]):
    """``API[:VERSION][@SUNSET]`` (``--deprecate``) or ``API[:VERSION]`` (``--retire``): an
    ``ApiName``, one of the versions the emulator serves for it (default: the one it serves),
    and a sunset date (``YYYY-MM-DD``, sent as an HTTP-date in the ``Sunset`` header)."""

    def __init__(self, *, sunset: bool) -> None:
        self.sunset = sunset
        self.name = "API[:VERSION][@SUNSET]" if sunset else "API[:VERSION]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> VersionNotice:
        if isinstance(value, VersionNotice):
            return value
        text, _, sunset = str(value).partition("@")
        if sunset and not self.sunset:
            self.fail(f"{value!r}: a retired version has no sunset date", param, ctx)
        name, _, version = text.partition(":")
        try:
            api = ApiName(name.strip())
        except ValueError:
            api = None
        if api not in VERSIONED_APIS:
            names = ", ".join(a.value for a in VERSIONED_APIS)
            self.fail(
                f"{name!r} is not an API the emulator serves; choose one of: {names}", param, ctx
            )
        served = sorted(APIS[api.value].versions)
        version = version.strip() or (served[0] if len(served) == 1 else "")
        if version not in served:
            self.fail(
                f"{api.value} has no version {version!r} here; it serves {', '.join(served)}",
                param,
                ctx,
            )
        if not sunset:
            return VersionNotice(api.value, version)
        return VersionNotice(api.value, version, sunset=self._http_date(sunset, param, ctx))

    def _http_date(
        self, text: str, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError:
            self.fail(f"the sunset date {text!r} must be YYYY-MM-DD (e.g. 2027-09-01)", param, ctx)
        return format_datetime(
            dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), usegmt=True
        )


def _check_notices(deprecated: Sequence[VersionNotice], retired: Sequence[VersionNotice]) -> None:
    both = {(n.api, n.version) for n in deprecated} & {(n.api, n.version) for n in retired}
    if both:
        named = ", ".join(f"{api}:{version}" for api, version in sorted(both))
        raise click.UsageError(f"{named} cannot be both deprecated and retired: choose one")


@dataclass(frozen=True)
class Options:
    """What ``hmrc-sync emulator`` was asked for: where to listen, the application to
    register, and the emulator's configuration."""

    host: str = "127.0.0.1"
    port: int = 9090
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    redirect_uris: tuple[str, ...] = ()  # none given: DEFAULT_REDIRECT_URI for a new app
    config: EmulatorConfig = field(default_factory=EmulatorConfig)

    @classmethod
    def from_command_line(cls, given: dict[str, Any]) -> Options:
        """The command's parameters (click's names) as ``Options``."""
        faults = FaultConfig(**{name: given.pop(name) for name in FAULT_OPTIONS})
        deprecated = tuple(given.pop("deprecate", ()))
        retired = tuple(given.pop("retire", ()))
        _check_notices(deprecated, retired)
        config = EmulatorConfig(
            access_token_lifetime=timedelta(seconds=given.pop("access_token_lifetime")),
            grant_lifetime=timedelta(days=given.pop("grant_lifetime_days")),
            rate_limit=given.pop("rate_limit"),
            faults=faults,
            state_file=given.pop("state_file"),
            seed_file=given.pop("seed_file"),
            random_seed=given.pop("random_seed"),
            deprecated_versions=deprecated,
            retired_versions=retired,
            validator_refuses_application_tokens=given.pop(
                "validator_refuses_application_tokens", False
            ),
        )
        return cls(config=config, **given)


def build(options: Options) -> tuple[FastAPI, ApplicationConfig]:
    """The app, and the application whose credentials are printed (registered if needed).

    ``--client-id`` registers that application; otherwise the first application already known
    (from ``--state`` or ``--seed``) is used, and failing that a new one is generated. Redirect
    URIs given with ``--redirect-uri`` are added to a reused application, never ignored.
    """
    app = create_emulator_app(options.config)
    emulator: Emulator = app.state.emulator
    if options.client_id is None and options.client_secret is None and emulator.applications:
        application = next(iter(emulator.applications.values()))
        missing = tuple(
            uri for uri in options.redirect_uris if uri not in application.redirect_uris
        )
        if missing:
            application = replace(application, redirect_uris=(*application.redirect_uris, *missing))
            emulator.register_application(application)
        return app, application
    application = ApplicationConfig(
        client_id=options.client_id or secrets.token_urlsafe(21),
        client_secret=SecretStr(options.client_secret or secrets.token_hex(18)),
        redirect_uris=options.redirect_uris or (DEFAULT_REDIRECT_URI,),
    )
    emulator.register_application(application)
    return app, application


@dataclass(frozen=True)
class ReadyUser:
    """A test user to show in the banner; ``password`` is known only for users made now or
    given in the seed file."""

    user_id: str
    password: str | None = field(repr=False)
    sa_utr: str | None
    nino: str | None


def ready_users(app: FastAPI, options: Options, today: dt.date | None = None) -> list[ReadyUser]:
    """Every test user the emulator holds; when it holds none, a starter user with three
    seeded tax years (``emulator.data.starter``) is created first."""
    emulator: Emulator = app.state.emulator
    passwords: dict[str, str] = {}
    if options.config.seed_file is not None:
        for item in read_seed(options.config.seed_file).get("users", []):
            if item.get("userId") and item.get("password"):
                passwords[str(item["userId"])] = str(item["password"])
    if not emulator.users:
        password = new_password(emulator.rng)
        seed = {"users": [starter_user(today or emulator.today(), password)]}
        apply_seed(emulator, seed)
        emulator.save()
        (user_id,) = emulator.users
        passwords[user_id] = password
    return [
        ReadyUser(user.user_id, passwords.get(user.user_id), user.sa_utr, user.nino)
        for user in emulator.users.values()
    ]


def banner(
    options: Options, application: ApplicationConfig, users: Sequence[ReadyUser] = ()
) -> str:
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
            *_user_lines(users),
        ]
    )


def _user_lines(users: Sequence[ReadyUser]) -> list[str]:
    if not users:
        return []
    first = users[0]
    lines = [f"  export HMRC_SYNC_UTR={first.sa_utr}"] if first.sa_utr else []
    lines += [f"  export HMRC_SYNC_NINO={first.nino}"] if first.nino else []
    lines.append("Test users (type these on the emulator's sign-in page):")
    for user in users:
        password = user.password or "(as printed when it was made)"
        ids = ", ".join(
            f"{label} {value}"
            for label, value in (("UTR", user.sa_utr), ("NINO", user.nino))
            if value
        )
        lines.append(f"  user id {user.user_id}  password {password}  ({ids or 'no identifiers'})")
    lines.append("More: hmrc-sync emulator add-user (with the export lines above in your shell)")
    return lines


@click.group(
    "emulator",
    cls=_EmulatorGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    help="JSON seed file preloading applications, test users, grants and tax-year data, in "
    "the seed-file format linked above. Users already in --state are skipped.",
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
    help="A redirect URI of the application (repeat for several). Default for a new "
    f"application: {DEFAULT_REDIRECT_URI}; added to an application reused from --state/--seed.",
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
@click.option(
    "--deprecate",
    multiple=True,
    type=VersionNoticeParam(sunset=True),
    help="Answer this API version with Deprecation, Sunset and Link headers, as HMRC does "
    "before retiring it (repeatable). API is one of: "
    + ", ".join(a.value for a in VERSIONED_APIS)
    + "; VERSION defaults to the one served; SUNSET is a date, e.g. "
    "individual-income:1.2@2027-09-01.",
)
@click.option(
    "--retire",
    multiple=True,
    type=VersionNoticeParam(sunset=False),
    help="Stop serving this API version: 404 MATCHING_RESOURCE_NOT_FOUND, as HMRC's gateway "
    "answers a retired version (repeatable), e.g. individual-tax:1.1.",
)
@click.option(
    "--validator-refuses-application-tokens",
    is_flag=True,
    help="The fraud-prevention header validator refuses application (client-credentials) "
    "tokens with 401 INVALID_CREDENTIALS, as HMRC's sandbox does: only a user's token works.",
)
@click.option("--random-seed", type=int, help="Seed for generated test users and fault randomness.")
@click.pass_context
def emulator_command(ctx: click.Context, /, **given: Any) -> None:
    """Run a local HMRC emulator: OAuth pages and token endpoint, test users, test data, the
    Individual Tax/Income/Employment/Benefits, National Insurance and MTD employments APIs,
    the fraud-prevention validator, rate limits and fault injection.

    With no options it registers one application subscribed to every emulated API, creates a
    test user with three seeded tax years (two employers in one, the current year not yet
    available) unless --state/--seed already hold users, and prints the HMRC_SYNC_* variables
    that point hmrc-sync at it and each test user's id and password. The seed-file format:
    https://github.com/viktorbarzin/hmrc-sync/blob/main/docs/emulator-seed.md

    \b
    Examples:
      hmrc-sync emulator
      hmrc-sync emulator --state ~/emulator.json --seed my-seed.json
      hmrc-sync emulator --deprecate individual-income@2027-09-01 --retire individual-tax:1.1
      hmrc-sync emulator add-user
    """
    if ctx.invoked_subcommand is not None:
        if any(ctx.get_parameter_source(name) != ParameterSource.DEFAULT for name in given):
            raise click.UsageError(
                f"the emulator's options apply when starting it, not to {ctx.invoked_subcommand}"
            )
        return
    import uvicorn

    options = Options.from_command_line(given)
    require_free_port(options.host, options.port)
    try:
        app, application = build(options)
        users = ready_users(app, options)
    except SeedError as error:
        raise ConfigurationError(
            f"the seed file {options.config.seed_file} (--seed): {error}; fix it (its format: "
            "https://github.com/viktorbarzin/hmrc-sync/blob/main/docs/emulator-seed.md) and "
            "start again"
        ) from None
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(banner(options, application, users))
    chosen = command_log_level()  # -v: debug, -q: error
    uvicorn.run(
        app,
        host=options.host,
        port=options.port,
        log_level="info" if chosen is None else chosen.value,
    )
