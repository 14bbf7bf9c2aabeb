"""``position``: where each tax year will end — the refund or bill the payslips imply."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click

from hmrc_sync.commands.common import (
    database_option,
    make_container,
    output_choice,
    require_migrated,
)
from hmrc_sync.commands.params import TaxYearParam, TaxYearsParam, combine_tax_years
from hmrc_sync.errors import ExitCode
from hmrc_sync.taxyear import TaxYear


def _amount(_ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    from hmrc_sync.yearend.profile import ProfileError, money_of

    if value is None:
        return None
    try:
        return money_of(f"--{param.name.replace('_', '-') if param.name else 'amount'}", value)
    except ProfileError as error:
        raise click.BadParameter(error.message) from None


profile_option = click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The position profile (JSON). Default: position-profile.json in your data directory.",
)


@click.group(invoke_without_command=True)
@click.option(
    "--tax-year",
    "tax_years",
    type=TaxYearsParam(),
    multiple=True,
    help="all (the default: every year with figures), current, previous or a year such as "
    "2025-26. Repeat or comma-separate for several.",
)
@click.option(
    "--json", "json_output", is_flag=True, help="Every figure as JSON, for machines and dashboards."
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    hidden=True,
    help="Deprecated: use --json.",
)
@click.option(
    "--tolerance",
    callback=_amount,
    metavar="AMOUNT",
    help="Differences up to this many pounds count as 'about right' (default 10.00).",
)
@click.option(
    "--alert-above",
    callback=_amount,
    metavar="AMOUNT",
    help="Exit 11 when any year's expected refund or bill is larger than this (for a CronJob).",
)
@profile_option
@database_option
@click.pass_context
def position(
    ctx: click.Context,
    tax_years: tuple[tuple[TaxYear, ...], ...],
    json_output: bool,
    output: str | None,
    tolerance: Decimal | None,
    alert_above: Decimal | None,
    profile_file: Path | None,
    database_url: str | None,
) -> None:
    """Estimate each tax year's outcome: the income tax owed on the year's pay (HMRC's rules:
    the £100,000 taper, relief-at-source pensions and Gift Aid, Scottish and Welsh rates)
    against the tax deducted, and each student loan due against what payroll took.

    The current year is projected to 5 April from the payslips so far. Inputs payslips do not
    carry (Gift Aid, relief-at-source contributions, Marriage Allowance, student-loan plans, a
    bonus to come) come from `hmrc-sync position set`. It is an estimate and says what it
    does not cover.

    Exit codes: 0; 11 when --alert-above is given and an expected refund or bill exceeds it.

    \b
    Examples:
      hmrc-sync position
      hmrc-sync position --tax-year 2025-26 --json
      hmrc-sync position --alert-above 500
    """
    if ctx.invoked_subcommand is not None:
        return
    output = output_choice(output, json=json_output)
    from hmrc_sync.yearend.position import DEFAULT_TOLERANCE
    from hmrc_sync.yearend.report import as_json, as_table
    from hmrc_sync.yearend.store import default_profile_path, load_profiles, year_positions

    profiles = load_profiles(profile_file or default_profile_path())
    container = make_container(database_url)
    try:
        require_migrated(container)
        positions = year_positions(
            container,
            combine_tax_years(tax_years),
            profiles=profiles,
            tolerance=tolerance if tolerance is not None else DEFAULT_TOLERANCE,
        )
    finally:
        container.close()
    click.echo(as_json(positions) if output == "json" else as_table(positions))
    if alert_above is not None and any(abs(p.expected_refund) > alert_above for p in positions):
        if output == "table":
            click.echo(f"an expected refund or bill is over £{alert_above:,.2f}: exit 11", err=True)
        sys.exit(ExitCode.POSITION_ALERT)


def _region(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from hmrc_sync.yearend.errors import UnknownRegionError
    from hmrc_sync.yearend.inputs import region_of

    if value is None:
        return None
    try:
        return region_of(value).value
    except UnknownRegionError as error:
        raise click.BadParameter(error.message) from None


@position.command(name="set")
@click.option(
    "--tax-year",
    "tax_year",
    type=TaxYearParam(),
    required=True,
    help="The tax year the inputs are for: current, previous or a year such as 2025-26.",
)
@click.option(
    "--region",
    callback=_region,
    metavar="rUK|scotland|wales",
    help="Your income-tax region, when no tax code on your payslips shows it.",
)
@click.option(
    "--relief-at-source",
    callback=_amount,
    metavar="AMOUNT",
    help="Gross personal pension contributions under relief at source (what the scheme "
    "received, its 20% top-up included).",
)
@click.option("--gift-aid", callback=_amount, metavar="AMOUNT", help="Gift Aid donations, as paid.")
@click.option(
    "--marriage-allowance",
    type=click.Choice(["none", "transferor", "recipient"]),
    help="Marriage Allowance: 'transferor' if you gave 10% of your allowance to your partner, "
    "'recipient' if you received it.",
)
@click.option(
    "--blind/--no-blind",
    "blind",
    default=None,
    help="You receive the Blind Person's Allowance.",
)
@click.option(
    "--student-loan-plan",
    "plans",
    multiple=True,
    type=click.Choice(["plan1", "plan2", "plan4", "plan5", "postgraduate", "none"]),
    help="A student-loan plan you repay (repeat for a plan and a postgraduate loan; 'none' "
    "clears them).",
)
@click.option(
    "--expected-bonus",
    callback=_amount,
    metavar="AMOUNT",
    help="A bonus or RSU vest still to come this year (the projection adds it).",
)
@profile_option
def set_profile(
    tax_year: TaxYear,
    region: str | None,
    relief_at_source: Decimal | None,
    gift_aid: Decimal | None,
    marriage_allowance: str | None,
    blind: bool | None,
    plans: tuple[str, ...],
    expected_bonus: Decimal | None,
    profile_file: Path | None,
) -> None:
    """Record a year's inputs that payslips do not carry; only the options given change.

    \b
    Examples:
      hmrc-sync position set --tax-year 2025-26 --gift-aid 800 --relief-at-source 5000
      hmrc-sync position set --tax-year current --student-loan-plan plan2 --expected-bonus 15000
    """
    from hmrc_sync.yearend.inputs import region_of
    from hmrc_sync.yearend.marriage_allowance import marriage_allowance_role
    from hmrc_sync.yearend.profile import YearProfile
    from hmrc_sync.yearend.store import default_profile_path, load_profiles, save_profiles
    from hmrc_sync.yearend.student_loans import student_loan_plan

    path = profile_file or default_profile_path()
    profiles = load_profiles(path)
    changes: dict[str, object] = {}
    if region is not None:
        changes["region"] = region_of(region)
    if relief_at_source is not None:
        changes["relief_at_source_contributions"] = relief_at_source
    if gift_aid is not None:
        changes["gift_aid_payments"] = gift_aid
    if marriage_allowance is not None:
        changes["marriage_allowance"] = (
            None if marriage_allowance == "none" else marriage_allowance_role(marriage_allowance)
        )
    if blind is not None:
        changes["blind_persons_allowance"] = blind
    if plans:
        changes["student_loan_plans"] = tuple(
            student_loan_plan(plan) for plan in plans if plan != "none"
        )
    if expected_bonus is not None:
        changes["expected_bonus"] = expected_bonus
    if not changes:
        raise click.UsageError("name at least one input to set, e.g. --gift-aid 800")
    profile = profiles.get(tax_year, YearProfile(tax_year)).updated(**changes)
    profiles[tax_year] = profile
    save_profiles(path, profiles)
    click.echo(f"{tax_year.hmrc} profile saved in {path}:")
    for key, value in profile.as_json().items():
        if key != "tax_year":
            click.echo(f"  {key.replace('_', ' ')}: {_shown(value)}")


def _shown(value: object) -> str:
    """A profile value as a person reads it."""
    if value is None or value == []:
        return "not set"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
