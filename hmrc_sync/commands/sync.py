"""``sync``: pull each tax year's figures from HMRC into append-only snapshots."""

from __future__ import annotations

import json
import sys

import click

from hmrc_sync.commands.common import database_option, make_container, require_migrated
from hmrc_sync.commands.params import ALL_YEARS, TaxYearsParam
from hmrc_sync.sync.model import SyncSource, Trigger, resolve_tax_years, years_out_of_reach
from hmrc_sync.taxyear import TaxYear


@click.command()
@click.option(
    "--tax-year",
    "tax_years",
    type=TaxYearsParam(),
    default="current",
    show_default=True,
    help="current, previous, a year such as 2024-25 (or 2024/25, 2024), or 'all' for the "
    "six years HMRC may still hold.",
)
@click.option(
    "--source",
    type=click.Choice([source.value for source in SyncSource]),
    default=SyncSource.INDIVIDUAL.value,
    show_default=True,
    help="individual: the Self Assessment pre-population APIs (by UTR); mtd: the MTD "
    "Individuals Employments Income API (by NINO; MTD Income Tax users only).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON.")
@click.option(
    "--pushgateway",
    metavar="URL",
    help="Push the run's metrics to this Prometheus Pushgateway (base URL, e.g. "
    "http://pushgateway:9091) as job 'hmrc-sync'. Default: HMRC_SYNC_PUSHGATEWAY_URL.",
)
@database_option
def sync(
    tax_years: tuple[TaxYear, ...],
    source: str,
    as_json: bool,
    pushgateway: str | None,
    database_url: str | None,
) -> None:
    """Fetch HMRC's figures for each tax year and keep a snapshot when they changed.

    Exit codes: 0 done (including years HMRC has not published yet); 2 a setting is missing
    or HMRC says HMRC_SYNC_UTR (or HMRC_SYNC_NINO) is not valid; 3 re-authorisation
    required (run `hmrc-sync auth login`); 4 HMRC unavailable; 5 partly done (some years
    failed); 10 HMRC retired the API version hmrc-sync asks for. A 404 from HMRC never deletes
    anything.

    \b
    Examples:
      hmrc-sync sync
      hmrc-sync sync --tax-year all --json
    """
    from hmrc_sync.metrics import push_metrics
    from hmrc_sync.sync.jobs import run_sync_job

    years = resolve_tax_years("all") if tax_years == ALL_YEARS else list(tax_years)
    problem = years_out_of_reach(years)
    if problem:
        raise click.BadParameter(problem, param_hint="--tax-year")
    container = make_container(database_url)
    try:
        require_migrated(container)
        job = run_sync_job(container, years, source=source, trigger=Trigger.CLI)
        report = job.report
        target = pushgateway or container.settings.pushgateway_url
        if target:
            push_metrics(container, target)
    finally:
        container.close()
    if as_json:
        click.echo(json.dumps(job.as_json(), indent=2))
    else:
        click.echo(report.summary_line())
        if line := job.reconciliation_line():
            click.echo(line)
    if report.exit_code:
        if not as_json and report.error:
            click.echo(f"Error: {report.error}", err=True)
        sys.exit(report.exit_code)
