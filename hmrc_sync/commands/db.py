"""``migrate`` and ``status``."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from hmrc_sync.commands.common import database_option, make_container, readable_time
from hmrc_sync.errors import ExitCode

if TYPE_CHECKING:
    from hmrc_sync.bootstrap import Container


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
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@database_option
def status(as_json: bool, database_url: str | None) -> None:
    """Show the database (password hidden), its migrations, the grant and the last sync.

    Exit codes: 0; 1 when the database does not exist yet or has no migrations applied.

    \b
    Examples:
      hmrc-sync status
      hmrc-sync status --json
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
    state: dict[str, object] = {
        "database": mask_database_url(url),
        "exists": True,
        "revision": None,
        "head": head_revision(),
        "up_to_date": False,
        "snapshots": None,
        "last_sync": None,
        "grant": None,
    }
    try:
        if (path := sqlite_file(url)) is not None and not path.exists():
            require_sqlite_location(path)
            state["exists"] = False  # a read-only command never creates the database
        else:
            state["revision"] = current_revision(container.engine)
            state["up_to_date"] = state["revision"] == state["head"]
            if state["revision"] is not None:
                state["snapshots"] = snapshot_count(container.engine)
                state["last_sync"] = _last_sync(container)
        state["grant"] = _grant(container)
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
    click.echo(f"grant:      {_describe_grant(state.get('grant'))}")
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
    click.echo(f"last sync:  {_describe_run(state.get('last_sync'))}")


def _grant(container: Container) -> dict[str, object]:
    """The grant's state as `auth status` reports it, or why it could not be read."""
    from hmrc_sync.errors import HmrcSyncError
    from hmrc_sync.oauth import utcnow
    from hmrc_sync.tokenstore import grant_status

    try:
        current = container.token_store.read()
    except HmrcSyncError as error:
        return {"state": "unknown", "problem": error.message}
    record = current.value if current else None
    grant = record.grant if record else None
    return {
        "state": grant_status(record, utcnow()).value,
        "expires_at": grant.grant_expires_at.isoformat() if grant else None,
        "store": container.token_store.describe(),
    }


def _last_sync(container: Container) -> dict[str, object] | None:
    from sqlalchemy.orm import Session

    from hmrc_sync.db.reads import last_finished_run

    with Session(container.engine) as session:
        run = last_finished_run(session)
        if run is None or run.finished_at is None:
            return None
        return {
            "finished_at": run.finished_at.isoformat(),
            "outcome": run.outcome,
            "exit_code": run.exit_code,
            "trigger": run.trigger,
            "snapshots_added": run.snapshots_added,
        }


def _describe_run(run: object) -> str:
    if not isinstance(run, dict):
        return "none yet; run `hmrc-sync sync`"
    when = readable_time(str(run["finished_at"]))
    return f"{when}, {run['outcome']} (exit {run['exit_code']}, {run['trigger']})"


def _describe_grant(grant: object) -> str:
    if not isinstance(grant, dict):
        return "unknown"
    if grant["state"] == "unknown":
        return f"unknown: {grant['problem']}"
    if grant["state"] == "not_granted":
        return "none stored; run `hmrc-sync auth login`"
    expires = f", until {readable_time(str(grant['expires_at']))}" if grant["expires_at"] else ""
    return f"{str(grant['state']).replace('_', ' ')}{expires}"
