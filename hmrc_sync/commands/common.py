"""Helpers shared by the commands: building the container, database checks, options.

Importing this module costs only click: the settings, database and HTTP layers are imported
when a command runs, so ``hmrc-sync CMD --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from hmrc_sync.bootstrap import Container

F = TypeVar("F", bound=Callable[..., Any])


def database_option(func: F) -> F:
    return click.option(
        "--database-url",
        help="Database URL (sqlite:///PATH or postgresql://USER@HOST/DB); "
        "overrides HMRC_SYNC_DATABASE_URL. Default: a SQLite file in your user data directory.",
    )(func)


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
    from hmrc_sync.logconfig import configure_logging
    from hmrc_sync.settings import load_settings

    if database_url:
        overrides["database_url"] = database_url
    settings = load_settings(**overrides)
    if (context := click.get_current_context(silent=True)) is not None:
        from hmrc_sync.commands.exits import DATABASE_URL_META

        context.meta[DATABASE_URL_META] = settings.database_url
    configure_logging(settings)
    return bootstrap(settings)


def require_migrated(container: Container) -> None:
    from hmrc_sync.db.engine import current_revision, head_revision
    from hmrc_sync.errors import DatabaseError

    revision = current_revision(container.engine)
    head = head_revision()
    if revision != head:
        raise DatabaseError(
            f"the database is at revision {revision or 'none'}, not {head}: "
            "run `hmrc-sync migrate` first"
        )
