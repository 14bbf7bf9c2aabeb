"""One tax year's Self Assessment pre-population figures as the Phase 1 scripts print them:
tax taken off pay (Individual Tax) and pay from employment (Individual Income), per employer.

``fetch_annual_summary`` is the I/O shell (two HMRC requests); ``render_text`` and
``render_json`` are pure. Amounts stay ``Decimal`` all the way: the JSON carries HMRC's
numbers exactly as HMRC sent them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from hmrc_sync.client.api import HmrcClient
from hmrc_sync.client.endpoints import normalise_utr
from hmrc_sync.client.models import IncomeSummary, TaxSummary
from hmrc_sync.jsonio import dumps
from hmrc_sync.taxyear import TaxYear

_REF_WIDTH: Final = 42
_AMOUNT_WIDTH: Final = 14


@dataclass(frozen=True)
class AnnualSummary:
    tax_year: TaxYear
    utr: str
    tax: TaxSummary
    income: IncomeSummary


def fetch_annual_summary(client: HmrcClient, utr: str, tax_year: TaxYear) -> AnnualSummary:
    """``GET /individual-tax/...`` then ``GET /individual-income/...`` for ``utr`` and year."""
    compact = normalise_utr(utr)
    tax = client.get_individual_tax(compact, tax_year)
    income = client.get_individual_income(compact, tax_year)
    return AnnualSummary(tax_year, compact, tax, income)


def pounds(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def _line(label: str, value: Decimal) -> str:
    return f"  {label:<{_REF_WIDTH}}{pounds(value):>{_AMOUNT_WIDTH}}"


def _section(title: str, rows: Iterable[tuple[str, Decimal | None]]) -> list[str]:
    present = [(label, value) for label, value in rows if value is not None]
    lines = [title]
    if not present:
        return [*lines, "  (nothing reported)"]
    lines.extend(_line(label, value) for label, value in present)
    return lines


def render_text(summary: AnnualSummary) -> str:
    """The figures for people: one line per employer and per reported pension or benefit."""
    tax, income = summary.tax, summary.income
    tax_rows: list[tuple[str, Decimal | None]] = [
        (f"employer {e.employer_paye_reference}", e.tax_taken_off_pay) for e in tax.employments
    ]
    tax_pensions = tax.pensions_annuities_and_other_state_benefits
    tax_rows += [
        (
            "other pensions and retirement annuities",
            tax_pensions.other_pensions_and_retirement_annuities,
        ),
        ("incapacity benefit", tax_pensions.incapacity_benefit),
        ("tax refunded or set off", tax.refunds.tax_refunded_or_set_off),
    ]
    pay_rows: list[tuple[str, Decimal | None]] = [
        (f"employer {e.employer_paye_reference}", e.pay_from_employment) for e in income.employments
    ]
    pay_pensions = income.pensions_annuities_and_other_state_benefits
    pay_rows += [
        (
            "other pensions and retirement annuities",
            pay_pensions.other_pensions_and_retirement_annuities,
        ),
        ("incapacity benefit", pay_pensions.incapacity_benefit),
        ("jobseeker's allowance", pay_pensions.jobseekers_allowance),
        ("SEISS net paid", pay_pensions.seiss_net_paid),
    ]
    lines = [
        f"HMRC's figures for tax year {summary.tax_year.hmrc} (SA UTR {summary.utr})",
        "",
        *_section("Tax taken off pay (Individual Tax API):", tax_rows),
        "",
        *_section("Pay from employment (Individual Income API):", pay_rows),
    ]
    return "\n".join(lines)


def render_json(summary: AnnualSummary) -> str:
    """HMRC's two documents as received (numbers exact), with the year and UTR asked for."""
    return dumps(
        {
            "tax_year": summary.tax_year.hmrc,
            "utr": summary.utr,
            "individual_tax": summary.tax.raw,
            "individual_income": summary.income.raw,
        }
    )
