"""``demo``: the main job end to end against an in-process HMRC emulator."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from hmrc_sync.client.endpoints import ApiName
from hmrc_sync.commands.common import command_log_level
from hmrc_sync.db.urls import mask_database_url
from hmrc_sync.reconcile.report import as_table
from hmrc_sync.settings import LogLevel
from hmrc_sync.sync.snapshots import availability_map, latest_snapshots

if TYPE_CHECKING:
    from hmrc_sync.demo.run import DemoResult


def _money(value: object) -> str:
    return "—" if value is None else f"£{value:,.2f}"


def _show_positions(result: DemoResult) -> None:
    """Where each demo year ends (with the demo's own profile): the taper year's bill, the
    payslip year's refund from relief-at-source contributions."""
    from hmrc_sync.demo.run import demo_profile_path
    from hmrc_sync.yearend.report import as_table as positions_table
    from hmrc_sync.yearend.store import load_profiles, year_positions

    profiles = load_profiles(demo_profile_path())
    click.echo("")
    click.echo("Where each year ends (hmrc-sync position):")
    click.echo(positions_table(year_positions(result.container, profiles=profiles)))


@click.command()
@click.option(
    "--database-url",
    help="Database URL for the demo (sqlite:///PATH or postgresql://USER@HOST/DB). Default: "
    "demo.db in the demo's own folder of your user data directory; never your real database.",
)
@click.option(
    "--reset",
    is_flag=True,
    help="Remove what the demo made in its own folder (its database and token file) and stop.",
)
def demo(database_url: str | None, reset: bool) -> None:
    """Run the whole main job with no configuration: start the HMRC emulator, create a test
    user, seed four tax years (one with a bonus into the £100,000 taper), grant access
    through the emulator's sign-in pages, import a year of sample payslips (one month
    missing, an RSU vest, salary sacrifice), sync every year into the database, reconcile,
    and print what was stored, every finding and where each year ends.

    The demo keeps its own database and token file in a folder of its own (printed at the
    start), so your real database and grant are never touched; --reset removes them. Safe
    to run again: unchanged figures add no rows.

    \b
    Examples:
      hmrc-sync demo
      hmrc-sync demo --reset
    """
    from hmrc_sync.demo.run import demo_dir, reset_demo, run_demo

    if reset:
        if database_url:
            raise click.UsageError(
                "--reset removes only the demo's own folder; drop a database given with "
                "--database-url yourself"
            )
        removed = reset_demo()
        if removed:
            for path in removed:
                click.echo(f"removed {path}")
        else:
            click.echo(f"nothing to remove: the demo has no files in {demo_dir()}")
        return
    quiet = command_log_level() is LogLevel.ERROR
    result = run_demo(
        database_url,
        progress=(lambda _message: None) if quiet else lambda m: click.echo(f"· {m}", err=True),
    )
    container = result.container
    try:
        report = result.report
        click.echo("")
        shown = mask_database_url(container.settings.database_url)
        click.echo(
            f"Demo data (not your real database): {shown}; grant in {container.settings.token_file}"
        )
        click.echo("Remove it with: hmrc-sync demo --reset")
        with container.sessions() as session:
            rows = latest_snapshots(session)
            availability = availability_map(session)
        header = (
            f"{'tax year':9} {'employer ref':13} {'employer':22} {'pay':>12} {'tax':>11}  "
            "snapshot (UTC)"
        )
        click.echo(header)
        click.echo("-" * len(header))
        for row in rows:
            click.echo(
                f"{row.tax_year:9} {row.employer_paye_ref:13} {(row.employer_name or '')[:22]:22} "
                f"{_money(row.gross_pay):>12} {_money(row.income_tax):>11}  "
                f"{row.snapshot_date:%Y-%m-%d %H:%M}"
            )
        for year in result.years:
            state = availability.get((year.tax_year.storage, ApiName.INDIVIDUAL_TAX))
            if state is not None and state.state != "available":
                click.echo(
                    f"{year.tax_year.storage:9} {'':13} HMRC: {state.state.replace('_', ' ')}"
                )
        record = container.token_store.read()
        grant = record.value.grant if record else None
        click.echo("")
        if grant is not None:
            click.echo(
                f"Grant: made {grant.granted_at:%Y-%m-%d %H:%M} UTC, expires "
                f"{grant.grant_expires_at:%Y-%m-%d}; stored in {container.token_store.describe()}"
            )
        click.echo(report.summary_line())
        if result.job.reconciliation is not None and result.job.reconciliation.findings:
            click.echo("")
            click.echo(as_table(result.job.reconciliation))
        if line := result.job.reconciliation_line():
            click.echo(line)
        _show_positions(result)
    finally:
        container.close()
    sys.exit(report.exit_code)
