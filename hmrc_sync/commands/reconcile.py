"""``reconcile``: compare HMRC's figures, P60s and payslips, and explain every gap."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation

import click

from hmrc_sync.commands.common import (
    database_option,
    make_container,
    output_choice,
    require_migrated,
)
from hmrc_sync.commands.params import TaxYearsParam, combine_tax_years
from hmrc_sync.errors import ExitCode
from hmrc_sync.paye import PayeInputError, parse_tax_code
from hmrc_sync.reconcile.report import as_csv, as_json, as_table, verdict
from hmrc_sync.reconcile.store import reconcile_and_store
from hmrc_sync.taxyear import TaxYear


def _tolerance(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not an amount such as 1.00") from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter("must be an amount of 0 or more, such as 1.00")
    return amount


def _tax_code(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(parse_tax_code(value))
    except PayeInputError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option(
    "--tax-year",
    "tax_years",
    type=TaxYearsParam(),
    multiple=True,
    help="all (the default: every year with payslips, P60s or HMRC figures), current, "
    "previous, or a year such as 2024-25 (or 2024/25, 2024). Repeat or comma-separate for "
    "several.",
)
@click.option("--json", "json_output", is_flag=True, help="Every finding as JSON, for machines.")
@click.option("--csv", "csv_output", is_flag=True, help="Every finding as CSV, for spreadsheets.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv"]),
    hidden=True,
    help="Deprecated: use --json or --csv.",
)
@click.option(
    "--tolerance",
    callback=_tolerance,
    help="Differences up to this many pounds count as a match "
    "(default HMRC_SYNC_RECONCILE_TOLERANCE, 1.00).",
)
@click.option(
    "--tax-code",
    callback=_tax_code,
    help="The tax code for years with no P60 and no code on the payslips "
    "(default HMRC_SYNC_TAX_CODE, else the year's standard code such as 1257L).",
)
@database_option
def reconcile(
    tax_years: tuple[tuple[TaxYear, ...], ...],
    json_output: bool,
    csv_output: bool,
    output: str | None,
    tolerance: Decimal | None,
    tax_code: str | None,
    database_url: str | None,
) -> None:
    """Reconcile HMRC's figures with your payslips and P60s, and explain every gap.

    Per tax year and employer: HMRC's pay against the payslips' taxable pay and gross,
    HMRC's tax against the tax deducted, the P60 against the payslips, and each payslip's
    tax, NI, student loans and net pay against what HMRC's rules give. Every finding is a
    match; explained, by something on record (a missing or duplicated payslip shown by the
    year-to-date figures, salary sacrifice, a net-pay pension or payrolled benefit on the
    payslip, a P45/P60 previous-employment figure, HMRC data not yet available); review, a
    likely cause that nothing on record proves (a tax code or NI category the payslip does
    not print, a payslip assumed missing at the usual amount, an employer only HMRC knows);
    or a mismatch. A tax code or NI category printed on the payslip is taken as true:
    deductions that fit another one are a mismatch. The findings replace the year's rows in
    the reconciliation table, which the Grafana panels read.

    Payslips come from HMRC_SYNC_PAYSLIP_SOURCE: table (imported with `hmrc-sync payslips
    import`), payslip-ingest, or csv.

    \b
    Exit codes:
      0  everything matches or is explained by something on record
      6  a mismatch: a difference nothing on record accounts for
      8  no mismatch, but something needs review (a cause was only inferred)
      9  nothing to reconcile: no payslips, P60s or HMRC figures

    \b
    Examples:
      hmrc-sync reconcile
      hmrc-sync reconcile --tax-year 2024-25 --json
      hmrc-sync reconcile --csv > findings.csv
    """
    output = output_choice(output, json=json_output, csv=csv_output)
    years = combine_tax_years(tax_years)
    container = make_container(database_url)
    try:
        require_migrated(container)
        result = reconcile_and_store(container, years, tolerance=tolerance, tax_code=tax_code)
    finally:
        container.close()
    if not result.findings and output == "table":
        click.echo(
            "Nothing to reconcile yet: no HMRC figures, payslips or P60s are stored. Fetch "
            "HMRC's figures with `hmrc-sync sync --tax-year all` and import payslips with "
            "`hmrc-sync payslips import FILE.csv` (README: Importing payslips)."
        )
        sys.exit(result.exit_code)
    render = {"table": as_table, "json": as_json, "csv": as_csv}[output]
    click.echo(render(result), nl=output != "csv")
    if result.exit_code is not ExitCode.OK:
        if output == "table":
            click.echo(f"{verdict(result)}: exit {result.exit_code.value}", err=True)
        sys.exit(result.exit_code)
