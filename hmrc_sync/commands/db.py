"""``migrate`` and ``status``."""

from __future__ import annotations

import json
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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@database_option
def status(as_json: bool, database_url: str | None) -> None:
    """Show the database in use (password hidden), its migration revision and snapshot count.

    Exit codes: 0; 1 when the database does not exist yet or has no migrations applied.

    \b
    Examples:
      hmrc-sync status
      hmrc-sync status --json
    """
    from hmrc_sync.db.engine import (
        current_revision,
        head_revision,
        mask_url,
        snapshot_count,
        sqlite_file,
    )

    container = make_container(database_url)
    url = container.settings.database_url
    state: dict[str, object] = {
        "database": mask_url(url),
        "exists": True,
        "revision": None,
        "head": head_revision(),
        "up_to_date": False,
        "snapshots": None,
    }
    try:
        if (path := sqlite_file(url)) is not None and not path.exists():
            state["exists"] = False  # a read-only command never creates the database
        else:
            state["revision"] = current_revision(container.engine)
            state["up_to_date"] = state["revision"] == state["head"]
            if state["revision"] is not None:
                state["snapshots"] = snapshot_count(container.engine)
    finally:
        container.close()
    if as_json:
        click.echo(json.dumps(state, indent=2))
    else:
        _print_status(state)
    if not state["exists"] or state["revision"] is None:
        sys.exit(ExitCode.FAILED)


def _print_status(state: dict[str, object]) -> None:
    click.echo(
        f"database:   {state['database']}" + ("" if state["exists"] else " (does not exist yet)")
    )
    if not state["exists"]:
        click.echo("migrations: none; run `hmrc-sync migrate` to create it")
        return
    if state["revision"] is None:
        click.echo(f"migrations: none applied (head is {state['head']}); run `hmrc-sync migrate`")
        return
    behind = f"behind head {state['head']}; run `hmrc-sync migrate`"
    click.echo(
        f"migrations: {state['revision']} ({'up to date' if state['up_to_date'] else behind})"
    )
    click.echo(f"snapshots:  {state['snapshots']}")
