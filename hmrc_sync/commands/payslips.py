"""``payslips import | list``: payslips and P60s for the reconciliation."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hmrc_sync.commands.common import (
    database_option,
    make_container,
    require_database,
    require_migrated,
)
from hmrc_sync.commands.params import TaxYearParam
from hmrc_sync.payslips.csvfile import plural
from hmrc_sync.taxyear import TaxYear

if TYPE_CHECKING:
    from hmrc_sync.payslips.model import P60, Payslip


@click.group()
def payslips() -> None:
    """Import payslips and P60s into hmrc-sync, or list what the payslip source holds.

    \b
    Examples:
      hmrc-sync payslips import payslips.csv
      hmrc-sync payslips list
    """


@payslips.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the good rows of a file that has bad ones (listed); by default a file with "
    "any bad row imports nothing.",
)
@click.option(
    "--p60",
    "is_p60",
    is_flag=True,
    help="The file holds P60s (columns tax_year, employer, gross_pay, income_tax, "
    "national_insurance, and optionally tax_code, employer_paye_ref, previous_pay, "
    "previous_tax, student_loan, postgraduate_loan).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read and check the file and show what it holds; change nothing (no database needed).",
)
@database_option
def import_file(
    file: Path, skip_bad: bool, is_p60: bool, dry_run: bool, database_url: str | None
) -> None:
    """Import a CSV file of payslips (or P60s) into hmrc-sync's own tables.

    The columns are payslip-ingest's: pay_date, gross_pay, income_tax and
    national_insurance are required; employer, taxable_pay, pension_sacrifice, rsu_vest,
    ytd_taxable_pay, ytd_tax_paid and the others are optional, as are hmrc-sync's tax_code,
    ni_category, pay_frequency, tax_period, employer_paye_ref and the lines of a full
    payslip (student_loan_plan, postgraduate_loan, pension_type, payrolled_benefits,
    niable_pay, ytd_national_insurance, ytd_student_loan, director, director_ni_method,
    paid_after_leaving). Importing the same file again adds nothing; a row whose figures
    changed is updated. Every bad row is reported with its line number. Set
    HMRC_SYNC_PAYSLIP_SOURCE=table (the default) to reconcile against these tables.

    Column names match whatever their case and spacing (Pay Date = pay_date); the separator
    may be a comma, a semicolon or a tab. What each column means, and example files:

    \b
    https://github.com/viktorbarzin/hmrc-sync/blob/main/docs/payslips.md
    https://github.com/viktorbarzin/hmrc-sync/tree/main/docs/examples

    \b
    Examples:
      hmrc-sync payslips import --dry-run payslips.csv
      hmrc-sync payslips import payslips.csv
      hmrc-sync payslips import --p60 p60s.csv
    """
    from hmrc_sync.payslips import import_p60_csv, import_payslips_csv
    from hmrc_sync.settings import PayslipSourceKind

    if dry_run:
        _dry_run(file, is_p60, skip_bad)
        return
    container = make_container(database_url)
    try:
        require_migrated(container)
        importer = import_p60_csv if is_p60 else import_payslips_csv
        report = importer(container.engine, file, skip_bad=skip_bad)
    finally:
        container.close()
    click.echo(report.summary_line())
    for problem in report.skipped:
        click.echo(f"  skipped {problem}", err=True)
    if container.settings.payslip_source is not PayslipSourceKind.TABLE:
        click.echo(
            f"Note: HMRC_SYNC_PAYSLIP_SOURCE is {container.settings.payslip_source.value}, so "
            "`reconcile` reads payslips from there, not from these tables.",
            err=True,
        )


def _dry_run(file: Path, is_p60: bool, skip_bad: bool) -> None:
    """Read and check ``file`` one row at a time (no database), then say what it holds."""
    from hmrc_sync.payslips.csvfile import ProblemList, problem_summary, scan_csv, scan_payslips_csv
    from hmrc_sync.payslips.model import PayslipFileError
    from hmrc_sync.payslips.rows import P60_COLUMNS, P60_IGNORED, P60_REQUIRED, p60_from_row

    scanned = (
        scan_csv(file, P60_COLUMNS, P60_REQUIRED, P60_IGNORED, p60_from_row)
        if is_p60
        else scan_payslips_csv(file)
    )
    kind = "P60" if is_p60 else "payslip"
    per_year: Counter[tuple[str, str]] = Counter()
    found = ProblemList()
    for row in scanned:
        if row.line == 1 and row.problems:
            raise PayslipFileError(problem_summary(file, row.problems), row.problems)
        found.add(row.problems)
        if row.item is not None:
            per_year[(row.item.tax_year.hmrc, row.item.employer or "(employer not named)")] += 1
    if found.count and not skip_bad:
        raise found.error(file)
    total = sum(per_year.values())
    click.echo(f"{file.name}: would import {plural(total, kind)} (dry run: nothing changed)")
    for (year, employer), count in sorted(per_year.items()):
        click.echo(f"  {year}  {employer}: {plural(count, kind)}")
    for problem in found.listed:
        click.echo(f"  would skip {problem}", err=True)
    if found.count > len(found.listed):
        click.echo(f"  … and {found.count - len(found.listed)} more", err=True)


@payslips.command("list")
@click.option(
    "--tax-year", "tax_year", type=TaxYearParam(), help="Only this tax year (e.g. 2024-25)."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print every payslip and P60 with all its fields as JSON (amounts exact, as numbers).",
)
@database_option
def list_payslips(tax_year: TaxYear | None, as_json: bool, database_url: str | None) -> None:
    """List the payslips and P60s the configured source (HMRC_SYNC_PAYSLIP_SOURCE) holds.

    \b
    Examples:
      hmrc-sync payslips list --tax-year 2024-25
      hmrc-sync payslips list --json
    """
    from hmrc_sync.payslips import make_payslip_source

    years = None if tax_year is None else [tax_year]
    container = make_container(database_url)
    try:
        source = make_payslip_source(container.settings, container.engine)
        if source.name == "table":
            require_migrated(container)
        elif source.name != "csv":
            require_database(container)
        slips = source.payslips(years)
        p60s = source.p60s(years)
    finally:
        container.close()
    if as_json:
        click.echo(_as_json(source.name, slips, p60s))
        return
    click.echo(f"source: {source.name}")
    per_year = Counter((slip.tax_year, slip.employer) for slip in slips)
    for (year, employer), count in sorted(per_year.items(), reverse=True):
        click.echo(f"{year.hmrc}  {employer or '(employer not named)'}: {plural(count, 'payslip')}")
        for slip in (s for s in slips if s.tax_year == year and s.employer == employer):
            click.echo(
                f"  {slip.pay_date}  taxable {slip.taxable_basis:>12,.2f}  tax "
                f"{slip.income_tax:>10,.2f}  NI {slip.national_insurance:>9,.2f}"
            )
    for p60 in sorted(p60s, key=lambda p: (p.tax_year, p.employer), reverse=True):
        click.echo(
            f"{p60.tax_year.hmrc}  {p60.employer}: P60 pay {p60.gross_pay:,.2f}, tax "
            f"{p60.income_tax:,.2f}, NI {p60.national_insurance:,.2f}"
            + (f", code {p60.tax_code}" if p60.tax_code else "")
        )
    if not slips and not p60s:
        click.echo("no payslips or P60s")


def _as_json(source: str, slips: list[Payslip], p60s: list[P60]) -> str:
    """``{"source", "payslips", "p60s"}``, newest year first, every field of each; money goes
    out digit for digit (``hmrc_sync.jsonio``), never through a float."""
    from hmrc_sync import jsonio

    ordered_slips = sorted(slips, key=lambda s: (s.tax_year, s.employer, s.pay_date), reverse=True)
    ordered_p60s = sorted(p60s, key=lambda p: (p.tax_year, p.employer), reverse=True)
    return jsonio.dumps(
        {
            "source": source,
            "payslips": [_json_fields(slip) for slip in ordered_slips],
            "p60s": [_json_fields(p60) for p60 in ordered_p60s],
        }
    )


def _json_fields(item: Payslip | P60) -> dict[str, object]:
    return {f.name: _json_value(getattr(item, f.name)) for f in fields(item)}


def _json_value(value: object) -> object:
    if isinstance(value, TaxYear):
        return value.hmrc
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json_value(part) for part in value]
    return value  # text, Decimal, int, bool or None
