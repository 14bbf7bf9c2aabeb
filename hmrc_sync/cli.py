"""The ``hmrc-sync`` command line. Thin: parse, call a service, print, exit.

Every ``HmrcSyncError`` becomes a one-line message on stderr and the error's exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from hmrc_sync import __version__
from hmrc_sync.bootstrap import Container, bootstrap
from hmrc_sync.errors import HmrcSyncError
from hmrc_sync.settings import load_settings

F = TypeVar("F", bound=Callable[..., Any])


class HmrcSyncGroup(click.Group):
    """Turns hmrc-sync's own errors into clean messages with their exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HmrcSyncError as error:
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(error.exit_code)


def database_option(func: F) -> F:
    return click.option(
        "--database-url",
        envvar="HMRC_SYNC_DATABASE_URL",
        show_envvar=True,
        help="Database URL (sqlite:///PATH or postgresql://USER@HOST/DB). "
        "Default: a SQLite file in your user data directory.",
    )(func)


def make_container(database_url: str | None = None) -> Container:
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    return bootstrap(load_settings(**overrides))


@click.group(cls=HmrcSyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="hmrc-sync")
def cli() -> None:
    """hmrc-sync keeps an audited record of what HMRC holds about your pay and tax,
    reconciled against your payslips.

    Configuration comes from HMRC_SYNC_* environment variables or a .env file; see
    docs/configuration.md.
    """


@cli.command()
@database_option
def migrate(database_url: str | None) -> None:
    """Create or upgrade hmrc-sync's tables to the latest version.

    Safe to run any number of times, and from several processes at once on PostgreSQL
    (they take turns under an advisory lock). On PostgreSQL the tables live in the
    hmrc_sync schema and never touch other schemas.
    """
    from hmrc_sync.db.engine import current_revision, head_revision, mask_url, upgrade

    container = make_container(database_url)
    try:
        before = current_revision(container.engine)
        upgrade(container.engine)
        after = current_revision(container.engine)
    finally:
        container.close()
    target = mask_url(container.settings.database_url)
    if before == after:
        click.echo(f"Database {target} is already at revision {after} (head {head_revision()}).")
    else:
        click.echo(f"Migrated {target} from {before or 'empty'} to {after}.")


@cli.command()
@database_option
def status(database_url: str | None) -> None:
    """Show the database in use (password hidden), its migration revision and snapshot count."""
    from hmrc_sync.db.engine import current_revision, head_revision, mask_url, snapshot_count

    container = make_container(database_url)
    try:
        revision = current_revision(container.engine)
        head = head_revision()
        click.echo(f"database:   {mask_url(container.settings.database_url)}")
        if revision is None:
            click.echo(f"migrations: none applied (head is {head}); run `hmrc-sync migrate`")
            sys.exit(1)
        state = "up to date" if revision == head else f"behind head {head}; run `hmrc-sync migrate`"
        click.echo(f"migrations: {revision} ({state})")
        click.echo(f"snapshots:  {snapshot_count(container.engine)}")
    finally:
        container.close()


def main() -> None:
    cli(prog_name="hmrc-sync")
