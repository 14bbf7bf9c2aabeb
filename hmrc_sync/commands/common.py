"""Helpers shared by the commands: building the container, database checks, options.

Importing this module costs only click: the settings, database and HTTP layers are imported
when a command runs, so ``hmrc-sync CMD --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from hmrc_sync.bootstrap import Container
    from hmrc_sync.settings import LogLevel, Settings

F = TypeVar("F", bound=Callable[..., Any])


def database_option(func: F) -> F:
    return click.option(
        "--database-url",
        help="Database URL (sqlite:///PATH or postgresql://USER@HOST/DB); "
        "overrides HMRC_SYNC_DATABASE_URL. Default: a SQLite file in your user data directory.",
    )(func)


def output_choice(deprecated_format: str | None, **flags: bool) -> str:
    """The output a command's ``--json`` (or ``--csv``) flag asks for, else the deprecated
    ``--format`` (with a note on stderr), else ``table``; two different asks are refused."""
    chosen = {name for name, given in flags.items() if given}
    if deprecated_format is not None:
        click.echo(
            f"Warning: --format is deprecated; use {' or '.join(f'--{n}' for n in flags)}",
            err=True,
        )
        chosen.add(deprecated_format)
    if len(chosen) > 1:
        raise click.UsageError(f"choose one output, not {' and '.join(sorted(chosen))}")
    return chosen.pop() if chosen else "table"


def require_free_port(host: str, port: int) -> None:
    """Fail with exit 2 before anything is printed when ``host:port`` is taken."""
    import socket

    from hmrc_sync.errors import ConfigurationError

    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigurationError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}): the port is in use "
                "or not available; stop what uses it or choose another with --port"
            ) from None


def make_container(database_url: str | None = None, **overrides: Any) -> Container:
    from hmrc_sync.bootstrap import bootstrap

    if database_url:
        overrides["database_url"] = database_url
    settings = configured_settings(**overrides)
    if (context := click.get_current_context(silent=True)) is not None:
        from hmrc_sync.commands.exits import DATABASE_URL_META

        context.meta[DATABASE_URL_META] = settings.database_url
    return bootstrap(settings)


def configured_settings(**overrides: Any) -> Settings:
    """The settings, with logging set up as the command line asked (-v/-q), else as the
    settings say; what loading them warned about is logged after, in that format."""
    from hmrc_sync.logconfig import configure_logging, held_records, replay
    from hmrc_sync.settings import load_settings

    try:
        with held_records() as warnings:
            settings = load_settings(**overrides)
    except Exception:
        replay(warnings)  # unconfigured, as before: "did you mean …" helps most then
        raise
    configure_logging(settings, level=command_log_level())
    replay(warnings)
    return settings


def command_log_level() -> LogLevel | None:
    """The level -v/--verbose or -q/--quiet chose for this command, or None."""
    from hmrc_sync.cli import chosen_log_level
    from hmrc_sync.settings import LogLevel

    chosen = chosen_log_level()
    return None if chosen is None else LogLevel(chosen)


def stderr_is_terminal() -> bool:
    """Whether a person is watching stderr (progress lines are for them only)."""
    return sys.stderr.isatty()


def require_database(container: Container) -> None:
    """Fail (exit 1) before connecting when the SQLite file does not exist yet: a command
    that only reads never creates an empty database (nor its directory)."""
    from hmrc_sync.db.engine import require_sqlite_location, sqlite_file
    from hmrc_sync.errors import DatabaseError

    path = sqlite_file(container.settings.database_url)
    if path is not None and not path.exists():
        require_sqlite_location(path)  # a path that can never exist is a bad setting (exit 2)
        raise DatabaseError(
            f"no database at {path} yet: run `hmrc-sync migrate` to create it (then "
            "`hmrc-sync sync`), or point HMRC_SYNC_DATABASE_URL (--database-url) at yours"
        )


def require_migrated(container: Container) -> None:
    from hmrc_sync.db.engine import current_revision, head_revision
    from hmrc_sync.errors import DatabaseError

    require_database(container)
    revision = current_revision(container.engine)
    head = head_revision()
    if revision != head:
        raise DatabaseError(
            f"the database is at revision {revision or 'none'}, not {head}: "
            "run `hmrc-sync migrate` first"
        )


def readable_time(iso: str) -> str:
    """An ISO timestamp in local time, as a person reads it: ``Mon 7 Dec 2026 21:05 GMT``."""
    import datetime as dt

    local = dt.datetime.fromisoformat(iso).astimezone()
    return f"{local:%a} {local.day} {local:%b %Y %H:%M %Z}"
