"""``migrate`` and ``status``."""

from __future__ import annotations

import sys

import click

from hmrc_sync.commands.common import database_option, make_container
from hmrc_sync.errors import ExitCode


@click.command()
@database_option
def migrate(database_url: str | None) -> None:
    """Create or upgrade hmrc-sync's tables to the latest version.

    Safe to run any number of times, and from several processes at once on PostgreSQL
    (they take turns under an advisory lock). On PostgreSQL the tables live in the
    hmrc_sync schema and never touch other schemas.

    \b
    Example:
      hmrc-sync migrate
    """
    from hmrc_sync.db.engine import current_revision, head_revision, upgrade
    from hmrc_sync.db.urls import mask_database_url

    container = make_container(database_url)
    try:
        before = current_revision(container.engine)
        upgrade(container.engine)
        after = current_revision(container.engine)
    finally:
        container.close()
    target = mask_database_url(container.settings.database_url)
    if before == after:
        click.echo(f"Database {target} is already at revision {after} (head {head_revision()}).")
    else:
        click.echo(f"Migrated {target} from {before or 'empty'} to {after}.")


@click.command()
@database_option
def status(database_url: str | None) -> None:
    """Show the database in use (password hidden), its migration revision and snapshot count.

    \b
    Example:
      hmrc-sync status
    """
    from hmrc_sync.db.engine import (
        current_revision,
        head_revision,
        require_sqlite_location,
        snapshot_count,
        sqlite_file,
    )
    from hmrc_sync.db.urls import mask_database_url

    container = make_container(database_url)
    url = container.settings.database_url
    if (path := sqlite_file(url)) is not None and not path.exists():
        require_sqlite_location(path)
        container.close()  # a read-only command never creates the database
        click.echo(f"database:   {mask_database_url(url)} (does not exist yet)")
        click.echo("migrations: none; run `hmrc-sync migrate` to create it")
        sys.exit(ExitCode.FAILED)
    try:
        revision = current_revision(container.engine)
        head = head_revision()
        click.echo(f"database:   {mask_database_url(container.settings.database_url)}")
        if revision is None:
            click.echo(f"migrations: none applied (head is {head}); run `hmrc-sync migrate`")
            sys.exit(ExitCode.FAILED)
        state = "up to date" if revision == head else f"behind head {head}; run `hmrc-sync migrate`"
        click.echo(f"migrations: {revision} ({state})")
        click.echo(f"snapshots:  {snapshot_count(container.engine)}")
    finally:
        container.close()
